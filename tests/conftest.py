from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from inmail_lint.cli.main import main
from inmail_lint.config.settings import parse_config
from inmail_lint.draft.parse import parse
from inmail_lint.engine.linter import Linter
from inmail_lint.engine.result import FileResult, result_to_json
from inmail_lint.util.resources import schema_path

# The property tests draw the same examples on every run, so a run's result depends only on the code: a new
# user's first test run, and CI, never go red by chance. To search further, run with
# HYPOTHESIS_PROFILE=explore (random examples, remembered in .hypothesis/) and INMAIL_LINT_EXAMPLES=5000.
settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


def lint_text(
    text: str,
    *,
    kind: str | None = None,
    select: tuple[str, ...] = ("ALL",),
    rules: Mapping[str, Mapping[str, Any]] | None = None,
    **settings: Any,
) -> FileResult:
    """Lint a draft's text with a configuration built from keyword arguments (no files involved)."""
    data: dict[str, Any] = {"select": list(select), **settings}
    if rules:
        data["rules"] = {k: dict(v) for k, v in rules.items()}
    if kind:
        data["kind"] = kind
    config = parse_config(data, None, Path.cwd())
    return Linter(config).lint(parse(text, "draft.inmail"))


def team_rule(project: Path, name: str, definition: str) -> Path:
    """Write a team rule file into ``project/team/`` and a config that loads that folder; the config's path."""
    (project / "team").mkdir(exist_ok=True)
    (project / "team" / f"{name}.yaml").write_text(definition, encoding="utf-8")
    config = project / "inmail-lint.toml"
    config.write_text('rule-dirs = ["team"]\n', encoding="utf-8")
    return config


def codes(text: str, **kwargs: Any) -> list[str]:
    return [d.code for d in lint_text(text, **kwargs).diagnostics]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str, str]]:
    """Run the command line in-process: (exit status, stdout, stderr)."""

    def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        if stdin is not None:
            import io
            import sys

            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        monkeypatch.setenv("NO_COLOR", "1")
        status = main(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture(scope="session")
def report_schema() -> dict[str, Any]:
    return json.loads(schema_path("report.schema.json").read_text(encoding="utf-8"))


@contextlib.contextmanager
def serving(folder: Path, extensions: tuple[str, ...] = ()) -> Iterator[Any]:
    """A ``WebServer`` on ``folder`` (pairing these browser extensions), serving in a thread until the block ends."""
    import threading

    from inmail_lint.web.httpd import WebServer

    web = WebServer(folder, extensions=extensions)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        yield web
    finally:
        web.shutdown()
        web.server_close()


def page_call(web: Any, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One call to a running ``WebServer`` with its token, as the page makes it: (status, the JSON answer)."""
    import http.client

    from inmail_lint.web.httpd import TOKEN_HEADER

    port = web.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": f"127.0.0.1:{port}", TOKEN_HEADER: web.token, "Content-Type": "application/json"}
    connection.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, json.loads(payload)


def validate_report(document: Any, schema: Mapping[str, Any]) -> None:
    import jsonschema

    jsonschema.Draft202012Validator(schema).validate(document)


__all__ = ["codes", "lint_text", "page_call", "result_to_json", "serving", "team_rule", "validate_report"]
