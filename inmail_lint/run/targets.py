"""Reading, linting and fixing one target: a draft file, or standard input."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from inmail_lint.config.settings import Config
from inmail_lint.draft.decode import decode
from inmail_lint.engine.fixer import fix_until_stable
from inmail_lint.engine.linter import Linter, unreadable_result
from inmail_lint.engine.result import FileResult
from inmail_lint.sources.files import STDIN, Target, load_draft, prepare, read_bytes, relpath_for
from inmail_lint.sources.write import Stamp


def target_directory(target: Target) -> Path:
    """The folder a draft's relative paths (``recipient:``) start from; for standard input, that of
    ``--stdin-filename``, else the current one."""
    if target.path is None:
        return Path(target.display).parent if target.display != STDIN else Path.cwd()
    return target.path.parent


def read_target(target: Target) -> tuple[bytes | None, str | None, Path]:
    """A draft's bytes (or why they cannot be read) and the folder its relative paths start from."""
    if target.path is None:
        return sys.stdin.buffer.read(), None, target_directory(target)
    data, error = read_bytes(target.path)
    return data, error, target.path.parent


def lint_target(target: Target, config: Config, linter: Linter, *, data: bytes | None = None) -> FileResult:
    """Read and lint one draft (a file, or standard input when ``target.path`` is None); ``data`` is the
    draft's bytes when they were read already (standard input can be read once only)."""
    if data is None:
        data, error, directory = read_target(target)
    else:
        error, directory = None, target_directory(target)
    if data is None:
        return unreadable_result(target.display, str(error), linter)
    draft, problem = load_draft(data, target.display, directory, config.root)
    if draft is None:
        return unreadable_result(target.display, str(problem), linter)
    return linter.lint(draft, relpath_for(target, config))


@dataclass
class FixOutcome:
    """What fixing one draft would do: the result after fixing, and the text before and after."""

    result: FileResult
    fixed: int = 0
    before: str = ""
    after: str = ""
    bom: bool = False
    stamp: Stamp | None = None  # the file as it was read: written over only if it is still so

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def encoded(self) -> bytes:
        return (("\ufeff" if self.bom else "") + self.after).encode("utf-8")


def fix_target(target: Target, config: Config, linter: Linter, *, unsafe: bool = False) -> FixOutcome:
    """Lint one draft and apply its fixes in memory (nothing is written here)."""
    data, error, directory = read_target(target)
    if data is None:
        return FixOutcome(unreadable_result(target.display, str(error), linter))
    text, problem, bom = decode(data)
    if text is None:
        return FixOutcome(unreadable_result(target.display, str(problem), linter))
    relpath = relpath_for(target, config)

    def lint(source: str) -> FileResult:
        return linter.lint(prepare(source, target.display, directory, config.root, bom=bom), relpath)

    after, fixed, result = fix_until_stable(text, lint, unsafe=unsafe)
    stamp = Stamp.of(target.path, data) if target.path is not None else None
    return FixOutcome(result, fixed, text, after, bom, stamp)
