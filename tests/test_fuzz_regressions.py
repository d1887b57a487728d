"""Every input the fuzzer (tests/fuzz/fuzz_draft.py) ever crashed on, and its seed corpus, lint cleanly."""

from __future__ import annotations

from pathlib import Path

from inmail_lint.api import lint_bytes
from inmail_lint.draft.decode import decode
from inmail_lint.draft.parse import parse

FUZZ = Path(__file__).resolve().parent / "fuzz"
INPUTS = sorted(
    p for folder in ("crashes", "corpus") for p in (FUZZ / folder).glob("*") if p.is_file() and p.name != "README.txt"
)


def test_the_fuzz_inputs_are_there() -> None:
    assert len(INPUTS) > 100, "the fuzzer's seed corpus is missing"


def test_every_fuzz_input_lints_cleanly() -> None:
    """One test over all of them (the test count means cases, not seeds); a failure names every input that
    failed and how."""
    failures: list[str] = []
    for path in INPUTS:
        name = f"{path.parent.name}/{path.name}"
        data = path.read_bytes()
        try:
            text, _, _ = decode(data)
            if text is not None:
                for field in parse(text).fields.values():
                    if not 0 <= field.start <= field.end <= len(text):
                        failures.append(f"{name}: field {field.name} spans {field.start}-{field.end}")
            result = lint_bytes(data, path.name)
        except Exception as exc:  # report every input, not only the first
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        if result.error is not None:
            failures.append(f"{name}: internal error {result.error}")
        bad = [d.code for d in result.diagnostics if not 0 <= d.start <= d.end]
        if bad:
            failures.append(f"{name}: diagnostics out of range: {bad}")
    assert not failures, "\n".join(failures)
