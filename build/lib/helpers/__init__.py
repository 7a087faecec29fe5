"""Helpers for the course "Transformers, executed": plumbing that the chapter notebooks import.

Modules: `errors` (our one exception type), `profiles` (CPU/GPU parameter sets), `run` (the
papermill runner), `setup` (one call per chapter: versions, hardware, seeds, quiet logs),
`plots` (one matplotlib style), `data` (the course data sets), `hub` (online/offline names of
models, data and metrics), `pack` (building the offline course pack), `checks` (exercise checks).
"""

__version__ = "0.1.0"
