"""The language server: ``inmail-lint server`` speaks LSP over stdio (pygls, the optional extra ``[lsp]``).

Diagnostics on open, change and save, with the rule code and its explanation; code actions for the fixes;
a code lens and a hover with the refund estimate and its reasons. Configuration is found per document, as on
the command line.
"""

from __future__ import annotations

import json
import logging
import os
import re
import select
import sys
from collections import deque
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from inmail_lint.checks.define.base import RuleDefinitionError
from inmail_lint.config.settings import CONFIG_NAMES, ConfigError
from inmail_lint.diagnostic import Diagnostic, Locator, Severity
from inmail_lint.engine.result import FileResult
from inmail_lint.model.estimate import cited, grade_legend, percent
from inmail_lint.run.session import Session
from inmail_lint.util.version import __version__

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


MAX_MESSAGE = 64 * 1024 * 1024  # bytes in one message: a document of 1 MiB is far less
MAX_HEADER = 64 * 1024  # bytes of headers before the blank line
STALL = 0.5  # seconds without more bytes after a complete message, before a too-long length is given up


MAX_DEPTH = 256  # nesting of arrays and objects in one message: LSP's own messages nest a few levels
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether a JSON body nests arrays and objects more than ``limit`` levels (brackets inside strings aside)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for m in _BRACKET.finditer(_JSON_STRING.sub(b"", body)):
        depth += 1 if m.group() in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


class WireReader:
    """The bytes from the client, handed to pygls one well-formed message at a time.

    pygls trusts ``Content-Length``: a length that is too long made it wait forever for bytes that never come
    (alive but deaf: even ``shutdown`` went unanswered), one that is too short fed it half a message and then
    garbage, and ``Content-Length: 99999999999999`` was a MemoryError. Here each body is checked: when the
    declared length gives a JSON message it is used; otherwise the message is found by parsing (a complete
    JSON value, followed by nothing for a moment or by the next header, ends it), and bytes that are no
    message are dropped up to the next header, with a line on standard error. pygls then reads canonical
    frames from :meth:`readline` and :meth:`read`."""

    def __init__(self, raw: BinaryIO, log: Any = None) -> None:
        self._raw = raw
        try:
            self._fd: int | None = raw.fileno()
        except (AttributeError, OSError, ValueError):
            self._fd = None
        self._buf = bytearray()
        self._eof = False
        self._out: deque[bytes] = deque()
        self._log = log or (lambda message: sys.stderr.write(f"inmail-lint server: {message}\n"))
        self._decoder = json.JSONDecoder()

    # pygls's side -------------------------------------------------------------------------------------
    def readline(self) -> bytes:
        if not self._out:
            body = self._next_body()
            if body is None:
                return b""
            self._out.extend((f"Content-Length: {len(body)}\r\n".encode(), b"\r\n", body))
        return self._out.popleft()

    def read(self, n: int = -1) -> bytes:
        return self._out.popleft() if self._out else b""

    # the client's side --------------------------------------------------------------------------------
    def _fill(self, timeout: float | None = None) -> bool:
        """Read what the client has sent; False at the end of input, or when nothing came within ``timeout``."""
        if self._eof:
            return False
        if timeout is not None and self._fd is not None:
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if not ready:
                return False
        chunk = os.read(self._fd, 65536) if self._fd is not None else self._raw.read(65536)
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    def _message_at(self, start: int) -> int | None:
        """Where a JSON value that starts at ``start`` of the buffer ends, or None (incomplete, or not JSON)."""
        try:
            text = bytes(self._buf[start:]).decode("utf-8")
        except UnicodeDecodeError as exc:
            text = bytes(self._buf[start : start + exc.start]).decode("utf-8")
        stripped = len(text) - len(text.lstrip())
        try:
            _, end = self._decoder.raw_decode(text, stripped)
        except (ValueError, RecursionError):  # RecursionError: nested too deeply to be a message of ours
            return None
        return start + len(text[:end].encode("utf-8"))

    def _drop(self, upto: int, why: str) -> None:
        self._log(f"dropped {upto} bytes that were not a message ({why})")
        del self._buf[:upto]

    def _next_body(self) -> bytes | None:
        while True:
            # headers: up to the blank line
            while True:
                lead = len(self._buf) - len(self._buf.lstrip())
                if lead:
                    del self._buf[:lead]
                end = self._buf.find(b"\r\n\r\n")
                if end >= 0:
                    break
                if len(self._buf) > MAX_HEADER:
                    nxt = self._buf.find(b"Content-Length:", 1)
                    self._drop(nxt if nxt > 0 else len(self._buf), "no header")
                    continue
                if not self._fill():
                    return None
            headers = bytes(self._buf[:end]).decode("ascii", "replace")
            start = end + 4
            declared: int | None = None
            for line in headers.split("\r\n"):
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    value = value.strip()
                    if value.isdigit() and 0 < int(value) <= MAX_MESSAGE:
                        declared = int(value)
                    else:
                        self._log(f"ignored the header 'Content-Length: {value[:40]}' (not a length up to 64 MiB)")
            body_end = self._body_end(start, declared)
            if body_end is None:
                if self._eof:
                    return None
                continue
            body = bytes(self._buf[start:body_end])
            del self._buf[:body_end]
            if too_deep(body):  # parsing it would overflow the stack, here or in pygls
                self._log(f"dropped a message nested more than {MAX_DEPTH} levels deep")
                continue
            return body

    def _body_end(self, start: int, declared: int | None) -> int | None:
        """Where the message that starts at ``start`` ends, reading more as needed; None when what is there is
        no message (it was dropped)."""
        if declared is not None:
            while len(self._buf) - start < declared:
                if self._fill(0):  # more is ready: read it before parsing what may be half a message
                    continue
                end = self._message_at(start)
                if end is not None:  # a whole message before the declared end: is more coming?
                    rest = bytes(self._buf[end:]).lstrip()
                    if rest.startswith(b"Content-Length") or (not rest and not self._fill(STALL)):
                        self._log(f"Content-Length {declared} was longer than the message; read it as it is")
                        return end
                    continue
                if not self._fill():
                    break
            if len(self._buf) - start >= declared and self._message_at(start) == start + declared:
                return start + declared
        while True:  # the length is missing, wrong or too large: find the message by parsing
            end = self._message_at(start)
            if end is not None:
                if declared is not None:
                    self._log(f"Content-Length {declared} did not match the message; read it as it is")
                return end
            nxt = self._buf.find(b"Content-Length:", start)
            if nxt > 0 or len(self._buf) - start > MAX_MESSAGE:
                self._drop(nxt if nxt > 0 else len(self._buf), "its body is not JSON")
                return None
            if not self._fill():
                if self._buf:
                    self._drop(len(self._buf), "the input ended inside it")
                return None


_ANSWERED: dict[str, Any] = {}  # a message already answered with an error: nothing more to do


class _QuietDeserializeErrors(logging.Filter):
    """pygls logs a traceback for each message it cannot read; the server says it in one line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unable to deserialize message")


logging.getLogger("pygls.protocol.json_rpc").addFilter(_QuietDeserializeErrors())


class InmailProtocol(LanguageServerProtocol):
    """pygls's protocol, with the rules of the LSP specification it leaves out: a request before
    ``initialize`` is answered with ServerNotInitialized (-32002) and a notification then is dropped; a
    request after ``shutdown`` is answered with InvalidRequest; ``exit`` without ``shutdown`` ends the process
    with status 1."""

    initialize_seen = False
    exit_status: int | None = None

    def structure_message(self, data: dict[str, Any]) -> Any:
        """A message whose params do not fit its method (a negative position) is answered with InvalidParams
        (-32602), or InternalError when it cannot be read at all, and the server goes on."""
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            method, msg_id = data.get("method"), data.get("id")
            if method is not None and msg_id is not None and isinstance(msg_id, (int, str)):
                code = (
                    types.ErrorCodes.InvalidParams
                    if isinstance(exc, JsonRpcInvalidParams)
                    else types.ErrorCodes.InternalError
                )
                self._send_response(msg_id, error=types.ResponseError(code, f"{method}: the params are not valid"))
            sys.stderr.write(f"inmail-lint server: {method!s:.60}: its params are not valid; answered with an error\n")
            return _ANSWERED

    def handle_message(self, message: Any) -> None:
        if message is _ANSWERED:
            return
        if not hasattr(message, "jsonrpc"):  # JSON, but not JSON-RPC ("{}"): pygls would raise on it
            sys.stderr.write("inmail-lint server: ignored a message that is not JSON-RPC\n")
            return
        method = getattr(message, "method", None)
        msg_id = getattr(message, "id", None)
        request = method is not None and msg_id is not None
        if method == types.EXIT:
            self.exit_status = 0 if self._shutdown else 1
        elif request and self._shutdown and msg_id is not None:
            self._send_response(
                msg_id,
                error=types.ResponseError(types.ErrorCodes.InvalidRequest, "the server is shutting down"),
            )
            return
        elif method is not None and not self.initialize_seen and method != types.INITIALIZE:
            if request and msg_id is not None:
                self._send_response(
                    msg_id,
                    error=types.ResponseError(types.ErrorCodes.ServerNotInitialized, "initialize comes first"),
                )
            return
        if method == types.INITIALIZE:
            self.initialize_seen = True
        if method in (types.TEXT_DOCUMENT_DID_CHANGE, types.TEXT_DOCUMENT_DID_CLOSE):
            uri = getattr(getattr(getattr(message, "params", None), "text_document", None), "uri", None)
            if uri is not None and uri not in self._server.workspace.text_documents:
                # a change to a document never opened: pygls raised a KeyError that popped up in the editor
                sys.stderr.write(f"inmail-lint server: ignored {method} for {uri}, which was never opened\n")
                return
        super().handle_message(message)


class InmailLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "inmail-lint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=InmailProtocol,
        )
        self.session = Session()
        self.results: dict[str, tuple[FileResult, Locator]] = {}

    def reset_config(self) -> None:
        """A config file was saved: read configurations afresh."""
        self.session.reset()

    def lint(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        path = uri_to_path(uri)
        display = str(path) if path is not None else uri
        source = document.source.removeprefix("\ufeff")
        try:
            config = self.session.config_for(path)
            self.session.linter(config)
        except (ConfigError, RuleDefinitionError) as exc:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"inmail-lint: {exc}"))
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
            return
        if path is not None and not self.session.is_draft(path, config):
            # not a draft by the config's include/exclude, as `check .` would skip it: a README.md opened in
            # an editor that attaches the server to every Markdown file gets no diagnostics
            self.results.pop(uri, None)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, [], version=document.version))
            return
        result = self.session.lint_text(source, path, display=display)
        self.results[uri] = (result, result.locator or Locator(source))
        diagnostics = [to_lsp(d) for d in result.diagnostics]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version)
        )


def _range(d: Diagnostic) -> types.Range:
    start = d.location
    end = d.end_location or d.location
    if start is None or end is None:
        return types.Range(types.Position(0, 0), types.Position(0, 0))
    return types.Range(types.Position(start.row - 1, start.column - 1), types.Position(end.row - 1, end.column - 1))


def to_lsp(d: Diagnostic) -> types.Diagnostic:
    data: dict[str, Any] = {"name": d.name}
    return types.Diagnostic(
        range=_range(d),
        message=d.message,
        severity=_SEVERITY[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href=d.url) if d.url else None,
        source="inmail-lint",
        data=data,
    )


def _position(locator: Locator, offset: int) -> types.Position:
    p = locator.position(offset)
    return types.Position(p.row - 1, p.column - 1)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


EXPLAIN_COMMAND = "inmail-lint.explainEstimate"


def _estimate_text(result: FileResult, *, markdown: bool) -> str:
    estimate = result.estimate
    assert estimate is not None
    head = f"**{estimate.summary()}**" if markdown else estimate.summary()
    lines = [head, ""]
    lines += [
        f"- {f.sign or '±'}{f.label}: odds x{f.odds_ratio:.2f} ({cited(f.grade, f.source)})" for f in estimate.factors
    ]
    interval = f"90% interval {percent(estimate.low)} to {percent(estimate.high)}"
    lines += ["", f"{interval}. See `inmail-lint rule IM901` for the model."]
    legend = grade_legend(f.grade for f in estimate.factors)
    if legend:
        lines += ["", legend[0].upper() + legend[1:] + "."]
    lines += [f"\nNote: {note}" for note in result.notes]
    return "\n".join(lines)


def did_open(ls: InmailLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.lint(params.text_document.uri)


def did_change(ls: InmailLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.lint(params.text_document.uri)


def _relint_all(ls: InmailLanguageServer) -> None:
    ls.reset_config()
    for uri in list(ls.results):
        ls.lint(uri)


def did_save(ls: InmailLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    path = uri_to_path(params.text_document.uri)
    if path is not None and path.name in CONFIG_NAMES:
        _relint_all(ls)
        return
    ls.lint(params.text_document.uri)


def did_close(ls: InmailLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.results.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(params.text_document.uri, []))


def did_change_watched(ls: InmailLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    _relint_all(ls)


def code_action(ls: InmailLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    if uri not in ls.results:
        return []
    result, locator = ls.results[uri]
    actions = []
    for d in result.diagnostics:
        if d.fix is None or not _overlaps(_range(d), params.range):
            continue
        edits = [
            types.TextEdit(types.Range(_position(locator, e.start), _position(locator, e.end)), e.text)
            for e in d.fix.edits
        ]
        title = f"{d.fix.message} ({d.code})" + ("" if d.fix.safe else " [unsafe]")
        actions.append(
            types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[to_lsp(d)],
                is_preferred=d.fix.safe,
                edit=types.WorkspaceEdit(changes={uri: edits}),
            )
        )
    return actions


def code_lens(ls: InmailLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    entry = ls.results.get(params.text_document.uri)
    if entry is None or entry[0].estimate is None:
        return []
    title = entry[0].estimate.summary()
    zero = types.Range(types.Position(0, 0), types.Position(0, 0))
    command = types.Command(title=title, command=EXPLAIN_COMMAND, arguments=[params.text_document.uri])
    return [types.CodeLens(range=zero, command=command)]


def explain(ls: InmailLanguageServer, *args: Any) -> str | None:
    """The code lens's command: the estimate and its reasons, shown as a message."""
    first = args[0] if args else None
    uri = first[0] if isinstance(first, list) and first else first  # pygls passes the arguments one by one
    entry = ls.results.get(uri) if isinstance(uri, str) else None
    if entry is None or entry[0].estimate is None:
        return None
    text = _estimate_text(entry[0], markdown=False)
    ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, text))
    return text


def hover(ls: InmailLanguageServer, params: types.HoverParams) -> types.Hover | None:
    """In the document: the refund estimate and its reasons, after what a diagnostic under the cursor says
    and why. Past the end of the document (line 9999 of a short draft): nothing."""
    entry = ls.results.get(params.text_document.uri)
    if entry is None:
        return None
    result, locator = entry
    point = types.Range(params.position, params.position)
    if params.position.line >= locator.line_count():
        return None
    parts = [
        f"**{d.code} {d.name}**: {d.message}" + (f"\n\n{d.doc}" if d.doc else "")
        for d in result.diagnostics
        if _overlaps(_range(d), point)
    ]
    if result.estimate is not None:
        parts.append(_estimate_text(result, markdown=True))
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(parts)))


FEATURES: tuple[tuple[str, Any, Any], ...] = (
    (types.TEXT_DOCUMENT_DID_OPEN, None, did_open),
    (types.TEXT_DOCUMENT_DID_CHANGE, None, did_change),
    (types.TEXT_DOCUMENT_DID_SAVE, None, did_save),
    (types.TEXT_DOCUMENT_DID_CLOSE, None, did_close),
    (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, None, did_change_watched),
    (
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
        code_action,
    ),
    (types.TEXT_DOCUMENT_CODE_LENS, None, code_lens),
    (types.TEXT_DOCUMENT_HOVER, None, hover),
)


def create_server() -> InmailLanguageServer:
    """A server with every feature of :data:`FEATURES` and the code lens's command."""
    server = InmailLanguageServer()
    for method, options, handler in FEATURES:
        server.feature(method, options)(handler)
    server.command(EXPLAIN_COMMAND)(explain)
    return server


def main() -> int:
    """Serve on standard input and output; the exit status (1 when the client exits without ``shutdown``, or
    closes the connection without ``exit``)."""
    server = create_server()
    try:
        server.start_io(WireReader(sys.stdin.buffer))  # type: ignore[arg-type]
    except SystemExit as exc:  # pygls ends the process itself on 'exit'
        code = exc.code
        return code if isinstance(code, int) else 1
    status = server.protocol.exit_status if isinstance(server.protocol, InmailProtocol) else None
    return 1 if status is None else status
