"""A local stand-in for the Hugging Face Hub: answers huggingface_hub, transformers, datasets, evaluate.

`serve(root)` starts it on 127.0.0.1 in a background thread and returns `(server, url)`; set
HF_ENDPOINT=url and the libraries download the repos built by `tests.hubserver.build` under their
real Hub names. Every request line is appended to `server.requests`. Maintainers:

    python -m tests.hubserver.server [DIR] [--port 8765]    # builds DIR if needed, serves until Ctrl-C
    python -m tests.hubserver.server -- COMMAND ARGS...     # runs COMMAND online against a local Hub
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.hubserver.repos import KINDS, Index, Repo

ACTIONS = {"revision", "tree", "paths-info", "refs", "commits", "resolve", "treesize", "xet-read-token"}
TRUE = {"1", "true", "True"}


class HubServer(ThreadingHTTPServer):
    """The HTTP server: the repo index and the log of every request ("METHOD target")."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], index: Index) -> None:
        """Bind to `address` and serve the repos of `index`."""
        super().__init__(address, Handler)
        self.index = index
        self.requests: list[str] = []
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    """Routes one request to the resolve, API or proxy answer."""

    server: HubServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the request log is `server.requests`."""

    def do_GET(self) -> None:
        """GET: files, API answers."""
        self.route()

    def do_HEAD(self) -> None:
        """HEAD: file metadata (huggingface_hub's first request for every file)."""
        self.route()

    def do_POST(self) -> None:
        """POST: paths-info."""
        self.route()

    def do_CONNECT(self) -> None:
        """A client used this server as an HTTPS proxy: refuse, it is logged."""
        self.route()

    # -- answers -------------------------------------------------------------------------------
    def send(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        """Send a complete answer (no body for HEAD)."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        """Send a JSON answer."""
        self.send(status, json.dumps(data).encode(), headers)

    def error(self, status: int, code: str | None, message: str, headers: dict[str, str] | None = None) -> None:
        """Send an error the way the Hub does: X-Error-Code / X-Error-Message headers and JSON."""
        extra = dict(headers or {})
        if code:
            extra["X-Error-Code"] = code
        extra["X-Error-Message"] = message
        self.send_json({"error": message}, status, extra)

    def redirect(self, location: str) -> None:
        """307 to the canonical name of a renamed repo (what the Hub does for legacy names)."""
        self.send(307, b"", {"Location": location})

    # -- routing -------------------------------------------------------------------------------
    def route(self) -> None:
        """Log the request, read its body, dispatch on the path."""
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        with self.server.lock:
            self.server.requests.append(f"{self.command} {self.path}")
        target = urlsplit(self.path)
        port = self.server.server_address[1]
        if self.command == "CONNECT" or (
            target.netloc and target.netloc not in (f"127.0.0.1:{port}", f"localhost:{port}")
        ):
            self.proxied(target.netloc or self.path)
            return
        self.query = parse_qs(target.query)
        segments = target.path.strip("/").split("/")
        if segments[0] == "api":
            self.api(target.path, segments[1:])
        elif self.command in ("GET", "HEAD"):
            self.resolve(target.path, segments)
        else:
            self.error(405, None, "Method not allowed.")

    def proxied(self, host: str) -> None:
        """A request sent here as to a proxy (the fixture sets HTTP_PROXY): answer it without going out.

        datasets asks the dataset viewer at datasets-server.<HF_ENDPOINT host> for exported infos;
        like the viewer for a data set it does not know, answer 404 (datasets then reads the README).
        Anything else gets 502.
        """
        if host.startswith("datasets-server."):
            self.send_json({"error": "The local Hub has no dataset viewer."}, 404)
        else:
            self.error(502, None, f"The local Hub is not a proxy to {host}.")

    def find(self, kind: str, parts: list[str], keyword: str | None = None) -> tuple[str, list[str]]:
        """Split `parts` into a repo id (1 or 2 segments) and the rest, preferring known repos."""
        fits = [
            n
            for n in (2, 1)
            if len(parts) >= n
            and (keyword is None or parts[n : n + 1] == [keyword])
            and (keyword is not None or len(parts) == n or parts[n] in ACTIONS)
        ]
        for n in fits:
            if self.server.index.known(kind, "/".join(parts[:n])):
                return "/".join(parts[:n]), parts[n:]
        n = fits[0] if fits else min(2, len(parts))
        return "/".join(parts[:n]), parts[n:]

    def lookup(self, kind: str, repo_id: str, path: str, start: int) -> Repo | None:
        """The repo, or None after answering: 307 for a legacy name, 404 RepoNotFound if unknown."""
        repo = self.server.index.get(kind, repo_id)
        if repo is not None:
            return repo
        canonical = self.server.index.canonical(kind, repo_id)
        if canonical is not None:
            query = urlsplit(self.path).query
            self.redirect(path[:start] + canonical + path[start + len(repo_id) :] + (f"?{query}" if query else ""))
        else:
            self.error(404, "RepoNotFound", "Repository not found")
        return None

    def revision(self, repo: Repo, revision: str) -> bool:
        """True if the revision exists; otherwise answer 404 RevisionNotFound."""
        if repo.revision_ok(revision):
            return True
        self.error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
        return False

    # -- files ---------------------------------------------------------------------------------
    def resolve(self, path: str, segments: list[str]) -> None:
        """`/[datasets/|spaces/]{repo}/resolve/{revision}/{file}`: a file, with the Hub's headers."""
        kind, parts, prefix = "model", segments, "/"
        if segments[0] in ("datasets", "spaces"):
            kind, parts, prefix = KINDS[segments[0]], segments[1:], f"/{segments[0]}/"
        repo_id, rest = self.find(kind, parts, "resolve")
        if not rest or len(rest) < 3 or not repo_id:
            self.error(404, None, "Not found: the local Hub serves /{repo}/resolve/{revision}/{file}.")
            return
        repo = self.lookup(kind, repo_id, path, len(prefix))
        if repo is None or not self.revision(repo, unquote(rest[1])):
            return
        name = unquote("/".join(rest[2:]))
        record = repo.files.get(name)
        commit = {"X-Repo-Commit": repo.sha}
        if record is None:
            self.error(404, "EntryNotFound", f"{name} does not exist on 'main'", commit)
            return
        self.send_file(repo.folder / name, record, commit)

    def send_file(self, file: Path, record: dict[str, Any], headers: dict[str, str]) -> None:
        """Send a file (or the byte range asked for) with ETag, X-Linked-* and X-Repo-Commit."""
        headers = {**headers, "Accept-Ranges": "bytes"}
        if record["lfs"]:
            headers.update(
                {
                    "ETag": f'"{record["sha256"]}"',
                    "X-Linked-Etag": f'"{record["sha256"]}"',
                    "X-Linked-Size": str(record["size"]),
                }
            )
        else:
            headers["ETag"] = f'"{record["oid"]}"'
        data = file.read_bytes()
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "") or "")
        if match and self.command == "GET" and match.group(0) != "bytes=-":
            first, last = match.groups()
            start = int(first) if first else max(0, len(data) - int(last))
            end = min(int(last), len(data) - 1) if first and last else len(data) - 1
            if start >= len(data):
                self.send(416, b"", {**headers, "Content-Range": f"bytes */{len(data)}"})
                return
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            self.send(206, data[start : end + 1], headers, "application/octet-stream")
            return
        self.send(200, data, headers, "application/octet-stream")

    # -- API -----------------------------------------------------------------------------------
    def api(self, path: str, parts: list[str]) -> None:
        """`/api/{models,datasets,spaces}[/{repo}[/revision|tree|paths-info|refs|commits/...]]`."""
        if not parts or parts[0] not in KINDS:
            self.error(404, None, f"Not found: {path}")
            return
        kind = KINDS[parts[0]]
        if len(parts) == 1 or parts[1] == "":
            self.send_json(self.server.index.listing(kind))  # e.g. HEAD /api/models?limit=1
            return
        repo_id, rest = self.find(kind, parts[1:])
        repo = self.lookup(kind, repo_id, path, len(f"/api/{parts[0]}/"))
        if repo is None:
            return
        action, args = (rest[0], [unquote(a) for a in rest[1:]]) if rest else ("revision", ["main"])
        if action in ("revision", "tree", "paths-info", "commits") and not self.revision(
            repo, args[0] if args else "main"
        ):
            return
        if action == "revision":
            self.send_json(repo.info(blobs=self.flag("blobs")))
        elif action == "tree":
            self.tree(repo, "/".join(args[1:]).strip("/"))
        elif action == "paths-info" and self.command == "POST":
            form = parse_qs(self.body.decode())
            expand = form.get("expand", ["False"])[0] in TRUE
            names = [p.strip("/") for p in form.get("paths", [])]
            self.send_json([repo.tree_entry(p, expand) for p in names if p and repo.exists(p)])
        elif action == "refs":
            branch = {"name": "main", "ref": "refs/heads/main", "targetCommit": repo.sha}
            self.send_json({"branches": [branch], "tags": [], "converts": []})
        elif action == "commits":
            self.send_json(
                [
                    {
                        "id": repo.sha,
                        "title": "Test fixture",
                        "message": "",
                        "authors": [],
                        "date": "2026-01-01T00:00:00.000Z",
                    }
                ]
            )
        else:
            self.error(404, None, f"Not found: {path}")

    def tree(self, repo: Repo, folder: str) -> None:
        """`/api/{kind}s/{repo}/tree/{revision}[/{folder}]?recursive=&expand=`."""
        if not repo.exists(folder) or folder in repo.files:
            self.error(404, "EntryNotFound", f"{folder} does not exist on 'main'", {"X-Repo-Commit": repo.sha})
            return
        self.send_json(repo.tree(folder, self.flag("recursive"), self.flag("expand")))

    def flag(self, name: str) -> bool:
        """A boolean query parameter (`recursive=True`, `blobs=1`...)."""
        return self.query.get(name, ["False"])[0] in TRUE


def serve(root: Path, port: int = 0, host: str = "127.0.0.1") -> tuple[HubServer, str]:
    """Serve the build in `root` on host:port (0 = a free port) in a daemon thread; return (server, url)."""
    server = HubServer((host, port), Index(Path(root)))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-hub", daemon=True
    )
    thread.start()
    return server, f"http://{host}:{server.server_address[1]}"


def main(argv: list[str] | None = None) -> int:
    """`python -m tests.hubserver.server [DIR] [--port N] [-- COMMAND...]`: serve until Ctrl-C, or run COMMAND."""
    from tests.hubserver.build import build
    from tests.hubserver.hub import hub_env, run_command

    args = sys.argv[1:] if argv is None else argv
    command = args[args.index("--") + 1 :] if "--" in args else []
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=None, help="build folder (default: the cache)")
    parser.add_argument("--port", type=int, default=8765, help="port when serving until Ctrl-C")
    options = parser.parse_args(args[: args.index("--")] if "--" in args else args)
    if command:
        return run_command(command, options.root)
    server, url = serve(build(options.root), options.port)
    exports = " ".join(f"{k}={v}" for k, v in hub_env(url, Path("~/hf-home-local-hub")).items())
    print(f"local Hub at {url}; point a shell at it with\n  export {exports}\nCtrl-C stops it.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
