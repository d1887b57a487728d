"""``inmail-lint web``: the page, served on this machine by the standard library's HTTP server.

A server on 127.0.0.1 can be reached by every web page the user visits, so every request is checked before it
is read: its ``Host`` must be the address served (a DNS-rebinding page names its own host), an ``Origin`` or a
``Sec-Fetch-Site`` must not be another site's, and the API wants the token made at launch (as Jupyter does),
sent in a header that another site's page cannot set without the server's consent, which it never gives (no
CORS). Files are read and written only inside the folder (:class:`~inmail_lint.web.service.Workspace`). A
malformed request is a 4xx with a message; an unexpected failure is a 500 with a message and a line on standard
error, never a traceback sent or a stopped server.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import re
import secrets
import sys
import threading
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from inmail_lint.util.version import __version__
from inmail_lint.web.requests import request_problem
from inmail_lint.web.service import PageError, Workspace

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("app.css", "text/css; charset=utf-8"),
    "/favicon.ico": ("favicon.svg", "image/svg+xml"),
}
MAX_REQUEST = 4 * 1024 * 1024  # bytes of a request body: a draft of 1 MiB, as JSON, with its file's text
TOKEN_HEADER = "X-Inmail-Lint-Token"
EXTENSION_ID = re.compile(r"[a-p]{32}")  # a Chromium extension's id
EXTENSION_ROUTES = ("/api/lint", "/api/fix")  # all a paired extension may call
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


MAX_CONNECTIONS = 32  # requests served at once; one more is closed at once (the page makes one at a time)
REQUEST_TIMEOUT = 20.0  # seconds a connection may stay silent while a request is read


class WebServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int = 0, extensions: Iterable[str] = ()) -> None:
        bad = [e for e in extensions if not EXTENSION_ID.fullmatch(e)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not an extension id (32 letters a to p, as chrome://extensions shows)")
        super().__init__((host, port), Handler)
        # paired browser extensions (inmail-lint's, in LinkedIn's compose box): their origin may lint and fix a
        # draft it sends, with the token; nothing else (no file is read or written for them)
        self.extension_origins = {f"chrome-extension://{e}" for e in extensions}
        self.workspace = Workspace(folder)
        self.token = secrets.token_urlsafe(24)
        self.lock = threading.Lock()  # one request at a time touches the linter and the files
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        port = self.server_address[1]
        names = {host, "127.0.0.1", "localhost"} if host in ("127.0.0.1", "localhost") else {host}
        shown = {f"[{name}]" if ":" in name else name for name in names}
        self.hosts = {f"{name}:{port}" for name in shown}
        self.origins = {f"http://{host}" for host in self.hosts}
        # on every interface (--host 0.0.0.0) the page is reached by whatever name the network gives this
        # machine, so any Host is taken; the token still guards every call, and the command line said so loudly
        self.any_host = host in ("0.0.0.0", "::")
        self.url = f"http://{'127.0.0.1' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/?token={self.token}"

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for each request, up to :data:`MAX_CONNECTIONS` at once: half-sent requests cannot hold
        every thread (each also times out, see :attr:`Handler.timeout`)."""
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:  # a broken connection: one line
        exc = sys.exc_info()[1]
        sys.stderr.write(f"inmail-lint web: a request from {client_address[0]} failed: {exc!r}\n")


def _query_value(value: str) -> str:
    """A query parameter; the page sends file names as JSON strings ("%22...%22"), which carry any name."""
    if value.startswith('"'):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        return decoded if isinstance(decoded, str) else value
    return value


class Handler(BaseHTTPRequestHandler):
    timeout = REQUEST_TIMEOUT  # a connection silent this long while its request is read is closed

    server: WebServer
    from_extension = False  # set by _allowed: the request comes from a paired extension's origin
    server_version = f"inmail-lint/{__version__}"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the page is the log
        return

    # --- answers ---------------------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, document: Any) -> None:
        # ASCII with escapes: a file name that is not UTF-8 (a lone surrogate here) reaches the page intact and
        # comes back the same, instead of being replaced on the way out
        body = json.dumps(document, ensure_ascii=True).encode("ascii")
        self._send(status, body, "application/json; charset=utf-8")

    def _refuse(self, status: int, message: str) -> None:
        self.close_connection = True
        self._json(status, {"error": message})

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a malformed request line, a header too long) as JSON, like ours."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self._json(code, {"error": message or HTTPStatus(code).phrase})

    # --- checks ----------------------------------------------------------------------------------------------
    def _allowed(self) -> bool:
        """The request is for this server from its own page; else it is refused (and True is not returned)."""
        host = self.headers.get("Host")
        if host is None or (host.lower() not in self.server.hosts and not self.server.any_host):
            self._refuse(403, f"this server answers only to {sorted(self.server.hosts)[0]}, not {host!r}")
            return False
        origin = self.headers.get("Origin")
        self.from_extension = origin is not None and origin in self.server.extension_origins
        if self.from_extension:
            return True  # a paired extension: its calls are limited to linting what it sends (see do_POST)
        if (
            origin is not None
            and origin.lower() not in self.server.origins
            and origin.lower() != f"http://{host.lower()}"
        ):
            self._refuse(403, f"requests from {origin!r} are refused: only the page this server serves may call it")
            return False
        if self.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            self._refuse(403, "requests from other sites are refused")
            return False
        return True

    def _token_ok(self) -> bool:
        given = self.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.server.token.encode()):
            self._refuse(403, f"missing or wrong {TOKEN_HEADER}: open the address inmail-lint web printed")
            return False
        return True

    def _body(self) -> dict[str, Any] | None:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            self._refuse(411, "send the request with a Content-Length")
            return None
        try:
            size = int(length) if length is not None else -1
        except ValueError:
            size = -1
        if size < 0:
            self._refuse(411, "send the request with a Content-Length")
            return None
        if size > MAX_REQUEST:
            self._refuse(413, f"the request is over {MAX_REQUEST // (1024 * 1024)} MiB")
            return None
        raw = self.rfile.read(size)
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            self._refuse(400, "the request is not JSON")
            return None
        if not isinstance(document, dict):
            self._refuse(400, "the request must be a JSON object")
            return None
        return document

    # --- routes ----------------------------------------------------------------------------------------------
    def do_GET(self) -> None:
        if not self._allowed():
            return
        if self.from_extension:
            self._refuse(403, "a paired extension may only lint and fix the draft it sends")
            return
        url = urlsplit(self.path)
        if url.path in ASSETS:
            name, content_type = ASSETS[url.path]
            self._send(200, (STATIC / name).read_bytes(), content_type)
            return
        if not url.path.startswith("/api/"):
            self._refuse(404, f"no page at {url.path}")
            return
        if not self._token_ok():
            return
        query = {key: _query_value(values[-1]) for key, values in parse_qs(url.query).items()}
        routes = {
            "/api/folder": lambda: self.server.workspace.listing(),
            "/api/file": lambda: self.server.workspace.open(query.get("path")),
            "/api/profile": lambda: self.server.workspace.profile(query.get("path")),
            "/api/merge": lambda: self.server.workspace.merge(query.get("template"), query.get("table")),
            "/api/plans": lambda: self.server.workspace.plans(),
        }
        self._answer(routes.get(url.path))

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        if not self._allowed():
            return
        url = urlsplit(self.path)
        if not url.path.startswith("/api/"):
            self._refuse(404, f"no page at {url.path}")
            return
        if not self._token_ok():
            return
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            self._refuse(415, "send JSON (Content-Type: application/json)")
            return
        document = self._body()
        if document is None:
            return
        if self.from_extension and (url.path not in EXTENSION_ROUTES or document.get("path") is not None):
            self._refuse(403, "a paired extension may only lint and fix the draft it sends")
            return
        problem = request_problem(url.path, document)
        if problem is not None:  # checked before the call: a wrong type is the client's error, said plainly
            self._refuse(400, problem)
            return
        workspace = self.server.workspace
        routes = {
            "/api/lint": lambda: workspace.lint(document),
            "/api/fix": lambda: workspace.fix(document),
            "/api/save": lambda: workspace.save(document),
            "/api/credits": lambda: workspace.credits(document),
        }
        self._answer(routes.get(url.path))

    def _answer(self, route: Any) -> None:
        if route is None:
            self._refuse(404, f"no such call: {urlsplit(self.path).path}")
            return
        try:
            with self.server.lock:
                document = route()
        except PageError as exc:
            self._refuse(exc.status, str(exc))
            return
        except Exception as exc:  # never a traceback to the page, never a stopped server
            sys.stderr.write(f"inmail-lint web: internal error on {urlsplit(self.path).path}: {exc!r}\n")
            self._refuse(500, f"internal error ({type(exc).__name__}: {exc}); please report it with the draft")
            return
        self._json(200, document)

    def _method_not_allowed(self) -> None:
        if self._allowed():
            self._refuse(405, f"{self.command} is not used here")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _method_not_allowed
