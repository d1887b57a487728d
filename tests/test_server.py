"""The language server end to end, with a real LSP client (pytest-lsp) talking to `inmail-lint server`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lsprotocol import types

pytest_lsp = pytest.importorskip("pytest_lsp")
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

BAD = "Subject: Re: your PyData talk\n\nDear Sir/Madam,\n\nI hope this message finds you well. We sell tools.\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "inmail_lint", "server"]))
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


async def open_draft(client: LanguageClient, path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text))
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def test_diagnostics_on_open_and_change(client: LanguageClient, tmp_path: Path) -> None:
    uri = await open_draft(client, tmp_path / "a.inmail", BAD)
    codes = {d.code for d in client.diagnostics[uri]}
    assert {"IM410", "IM302", "IM405", "IM402"} <= codes
    [re] = [d for d in client.diagnostics[uri] if d.code == "IM410"]
    assert re.range.start == types.Position(0, 9) and re.source == "inmail-lint"
    assert re.severity == types.DiagnosticSeverity.Warning

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(
                    text="Subject: Your PyData talk\n\n" + BAD.split("\n\n", 1)[1]
                )
            ],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "IM410" not in {d.code for d in client.diagnostics[uri]}


async def test_code_action_applies_a_fix(client: LanguageClient, tmp_path: Path) -> None:
    uri = await open_draft(client, tmp_path / "a.inmail", BAD)
    [re] = [d for d in client.diagnostics[uri] if d.code == "IM410"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=re.range,
            context=types.CodeActionContext(diagnostics=[re]),
        )
    )
    assert actions
    [action] = [a for a in actions if isinstance(a, types.CodeAction) and "IM410" in a.title]
    assert action.edit is not None and action.edit.changes is not None
    [edit] = action.edit.changes[uri]
    lines = BAD.split("\n")
    line = lines[edit.range.start.line]
    fixed = line[: edit.range.start.character] + edit.new_text + line[edit.range.end.character :]
    assert fixed == "Subject: Your PyData talk"


async def test_code_lens_and_hover_show_the_estimate(client: LanguageClient, tmp_path: Path) -> None:
    uri = await open_draft(client, tmp_path / "a.inmail", BAD)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    assert lenses and lenses[0].command is not None
    assert lenses[0].command.title.startswith("refund likelihood ")
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(2, 2))
    )
    assert hover is not None and "refund likelihood" in str(hover.contents)


async def test_hover_shows_the_notes(client: LanguageClient, tmp_path: Path) -> None:
    french = (
        "Subject: Votre article\n\nBonjour Élodie, j'ai lu votre article sur la migration chez Doctolib. Nous "
        "faisons la même chose chez Alan. Seriez-vous disponible pour un café ?\n\nMerci,\nThomas\n"
    )
    uri = await open_draft(client, tmp_path / "fr.inmail", french)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(2, 2))
    )
    assert hover is not None and "Note: the body is not in English" in str(hover.contents)


async def test_config_is_found_per_document(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "quiet").mkdir()
    (tmp_path / "quiet" / "inmail-lint.toml").write_text('ignore = ["IM4"]\n', encoding="utf-8")
    uri = await open_draft(client, tmp_path / "quiet" / "a.inmail", BAD)
    codes = {d.code for d in client.diagnostics[uri]}
    assert "IM302" in codes and not any(code.startswith("IM4") for code in codes)


async def test_hover_past_the_end_of_the_document_shows_nothing(client: LanguageClient, tmp_path: Path) -> None:
    uri = await open_draft(client, tmp_path / "a.inmail", BAD)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(9999, 0))
    )
    assert hover is None


async def test_the_code_lens_runs_a_command_the_server_has(client: LanguageClient, tmp_path: Path) -> None:
    uri = await open_draft(client, tmp_path / "a.inmail", BAD)
    [lens] = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    assert lens.command is not None and lens.command.command == "inmail-lint.explainEstimate"
    text = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=lens.command.command, arguments=lens.command.arguments)
    )
    assert isinstance(text, str) and text.startswith("refund likelihood ")


async def test_a_file_that_is_not_a_draft_gets_no_diagnostics(client: LanguageClient, tmp_path: Path) -> None:
    # an editor attached to every Markdown file opens the README: not a draft by include/exclude, as `check .`
    uri = await open_draft(client, tmp_path / "README.md", BAD)
    assert not client.diagnostics[uri]
    uri = await open_draft(client, tmp_path / "intro.inmail.md", BAD)
    assert "IM410" in {d.code for d in client.diagnostics[uri]}
    (tmp_path / "proj" / "old").mkdir(parents=True)
    (tmp_path / "proj" / "inmail-lint.toml").write_text('exclude = ["old/"]\n', encoding="utf-8")
    uri = await open_draft(client, tmp_path / "proj" / "old" / "a.inmail", BAD)
    assert not client.diagnostics[uri]
