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
