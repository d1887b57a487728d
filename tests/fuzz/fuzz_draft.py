"""Coverage-guided fuzzing of the draft parser and the whole lint (atheris; run by hand, not in CI).

    python -m pip install atheris
    python tests/fuzz/fuzz_draft.py tests/fuzz/corpus -max_total_time=600

The seed corpus is tests/fuzz/corpus; atheris adds what it finds interesting there. A crash stops the run and
writes the input to crash-<hash>: copy it into tests/fuzz/crashes/ and tests/test_fuzz_regressions.py runs it
on every test run from then on.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from inmail_lint.api import lint_bytes
    from inmail_lint.draft.decode import decode
    from inmail_lint.draft.parse import parse


def one_input(data: bytes) -> None:
    text, _, _ = decode(data)
    if text is not None:
        draft = parse(text)
        for field in draft.fields.values():
            assert 0 <= field.start <= field.end <= len(text)
    result = lint_bytes(data)
    assert result.error is None, result.error
    for d in result.diagnostics:
        assert 0 <= d.start <= d.end


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
