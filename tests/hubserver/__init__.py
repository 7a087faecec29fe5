"""A local stand-in for the Hugging Face Hub, so that tests can run the course "online" offline.

Modules: `build` (writes the repos: tiny random models under the real names, GLUE MRPC, the GLUE
metric Space), `server` (the HTTP server), `repos` (repo index and API JSON), `fixture` (the
pytest fixture `local_hub`), `models`, `hubdata`, `vocab` (what the repos contain).
See README.md in this folder.
"""
