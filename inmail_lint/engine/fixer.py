"""Applying fixes: pure functions on text. Writing files is the command line's business."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from inmail_lint.diagnostic import Diagnostic, FileEdit
from inmail_lint.engine.result import FileResult

MAX_ROUNDS = 10


def _overlaps(edit: FileEdit, taken: list[FileEdit]) -> bool:
    for other in taken:
        if edit.start < other.end and other.start < edit.end:
            return True
        if edit.start == edit.end == other.start == other.end:
            return True
        if edit.start == edit.end and other.start < edit.start < other.end:
            return True
    return False


def apply_fixes(source: str, diagnostics: Iterable[Diagnostic], *, unsafe: bool = False) -> tuple[str, int]:
    """Apply every fix that does not overlap an earlier one (all of a fix's edits, or none). Returns the new
    text and how many fixes were applied."""
    taken: list[FileEdit] = []
    applied = 0
    for d in sorted(diagnostics, key=lambda d: (d.fix.edits[0].start if d.fix and d.fix.edits else 0, d.code)):
        fix = d.fix
        if fix is None or not fix.edits or (not fix.safe and not unsafe):
            continue
        if any(_overlaps(edit, taken) for edit in fix.edits):
            continue
        taken.extend(fix.edits)
        applied += 1
    text = source
    for edit in sorted(taken, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text, applied


def fix_until_stable(
    source: str, lint: Callable[[str], FileResult], *, unsafe: bool = False
) -> tuple[str, int, FileResult]:
    """Lint, fix, and lint again until no fix applies (fixes can uncover others). Returns the fixed text, the
    number of fixes applied, and the result of linting the fixed text."""
    text = source
    total = 0
    result = lint(text)
    for _ in range(MAX_ROUNDS):
        fixed, applied = apply_fixes(text, result.diagnostics, unsafe=unsafe)
        if applied == 0 or fixed == text:
            break
        text, total = fixed, total + applied
        result = lint(text)
    return text, total, result
