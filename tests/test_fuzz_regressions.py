"""Every input the fuzzer (tests/fuzz/fuzz_draft.py) ever crashed on, and its seed corpus, lint cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from inmail_lint.api import lint_bytes
from inmail_lint.draft.parse import decode, parse

FUZZ = Path(__file__).resolve().parent / "fuzz"
INPUTS = sorted(
    p for folder in ("crashes", "corpus") for p in (FUZZ / folder).glob("*") if p.is_file() and p.name != "README.txt"
)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fuzz_input(path: Path) -> None:
    data = path.read_bytes()
    text, _, _ = decode(data)
    if text is not None:
        for field in parse(text).fields.values():
            assert 0 <= field.start <= field.end <= len(text)
    result = lint_bytes(data, path.name)
    assert result.error is None
    assert all(0 <= d.start <= d.end for d in result.diagnostics)
