"""The language server: ``inmail-lint server`` speaks LSP over stdio (pygls, the optional extra ``[lsp]``).

Diagnostics on open, change and save, with the rule code and its explanation; code actions for the fixes;
a code lens and a hover with the refund estimate and its reasons. Configuration is found per document, as on
the command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from inmail_lint.config.settings import CONFIG_NAMES, ConfigError, ConfigResolver
from inmail_lint.diagnostic import Diagnostic, Locator, Severity
from inmail_lint.engine.result import FileResult
from inmail_lint.ruledef.base import RuleDefinitionError
from inmail_lint.run.cache import LinterCache
from inmail_lint.sources.files import Target, prepare, relpath_for
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


class InmailLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("inmail-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.resolver = ConfigResolver()
        self.linters = LinterCache()
        self.results: dict[str, tuple[FileResult, Locator]] = {}

    def reset_config(self) -> None:
        self.resolver = ConfigResolver()
        self.linters.clear()

    def lint(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        path = uri_to_path(uri)
        display = str(path) if path is not None else uri
        source = document.source.removeprefix("\ufeff")
        try:
            config = self.resolver.for_path(path) if path is not None else self.resolver.for_directory(Path.cwd())
            linter = self.linters.get(config)
        except (ConfigError, RuleDefinitionError) as exc:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"inmail-lint: {exc}"))
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
            return
        directory = path.parent if path is not None else Path.cwd()
        draft = prepare(source, display, directory, config.root)
        relpath = relpath_for(Target(path, display), config) if path is not None else None
        result = linter.lint(draft, relpath)
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


def create_server() -> InmailLanguageServer:
    server = InmailLanguageServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: InmailLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: InmailLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: InmailLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        path = uri_to_path(params.text_document.uri)
        if path is not None and path.name in CONFIG_NAMES:
            ls.reset_config()
            for uri in list(ls.results):
                ls.lint(uri)
            return
        ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: InmailLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.results.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(params.text_document.uri, []))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(ls: InmailLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.reset_config()
        for uri in list(ls.results):
            ls.lint(uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
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

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls: InmailLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        entry = ls.results.get(params.text_document.uri)
        if entry is None or entry[0].estimate is None:
            return []
        title = entry[0].estimate.summary()
        zero = types.Range(types.Position(0, 0), types.Position(0, 0))
        return [types.CodeLens(range=zero, command=types.Command(title=title, command=""))]

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: InmailLanguageServer, params: types.HoverParams) -> types.Hover | None:
        entry = ls.results.get(params.text_document.uri)
        if entry is None or entry[0].estimate is None:
            return None
        estimate = entry[0].estimate
        lines = [f"**{estimate.summary()}**", ""]
        lines += [
            f"- {f.sign or '±'}{f.label}: odds x{f.odds_ratio:.2f} ({f.grade}; {f.source})" for f in estimate.factors
        ]
        lines += ["", f"Range {estimate.low:.0%}-{estimate.high:.0%}. See `inmail-lint rule IM901` for the model."]
        lines += [f"\nNote: {note}" for note in entry[0].notes]
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n".join(lines)))

    return server


def main() -> None:
    create_server().start_io()
