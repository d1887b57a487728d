"""The project lints its own examples: good drafts pass, bad drafts fail with the problems they show."""

from __future__ import annotations

from pathlib import Path

import pytest

from inmail_lint.api import lint_file
from inmail_lint.diagnostic import Severity

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GOOD = sorted((EXAMPLES / "good").iterdir())
BAD = sorted((EXAMPLES / "bad").iterdir())


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_examples_pass(path: Path) -> None:
    result = lint_file(path)
    problems = [f"{d.code} {d.message}" for d in result.diagnostics if d.severity >= Severity.WARNING]
    assert problems == []


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_examples_fail(path: Path) -> None:
    result = lint_file(path)
    assert any(d.severity >= Severity.WARNING for d in result.diagnostics)


def test_recipient_profile_is_loaded(tmp_path: Path) -> None:
    from inmail_lint.sources.files import load_draft

    path = EXAMPLES / "good" / "pydata-talk.inmail"
    draft, _ = load_draft(path.read_bytes(), str(path), path.parent, EXAMPLES.parent)
    assert draft is not None and draft.meta["recipient"]["name"] == "Ana Kowalski"


def test_the_examples_lint_the_same_wherever_they_are_copied(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    import shutil

    shutil.copytree(EXAMPLES, tmp_path / "copied" / "examples")
    status, out, err = cli("check", "examples/good/", cwd=tmp_path / "copied")
    assert status == 0, out + err
    assert "IM002" not in out and "All checks passed: 3 drafts." in out


def test_sarif_names_no_address_that_does_not_exist(cli) -> None:  # type: ignore[no-untyped-def]
    import json

    _, out, _ = cli("check", str(EXAMPLES / "good"), "--output-format", "sarif")
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    assert "pypi.org" not in json.dumps(driver)


def test_the_readme_gives_no_release_that_does_not_exist() -> None:
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    assert "rev: v0.1.0" not in readme and "pip install 'inmail-lint" not in readme
