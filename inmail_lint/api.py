"""The Python API: lint a string, bytes or a file and get a :class:`~inmail_lint.engine.result.FileResult`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from inmail_lint.config.settings import Config, ConfigResolver, default_config, load_config_file
from inmail_lint.draft.parse import parse
from inmail_lint.engine.linter import Linter, unreadable_result
from inmail_lint.engine.result import FileResult
from inmail_lint.run.cache import linter_for as cached_linter
from inmail_lint.run.targets import lint_target
from inmail_lint.sources.files import Target, load_draft


@lru_cache(maxsize=1)
def _default() -> Config:
    return default_config()


def load_config(path: str | Path | None = None, *, directory: str | Path | None = None) -> Config:
    """A configuration: from a config file, or the one that applies in ``directory`` (default: the current one)."""
    if path is not None:
        return load_config_file(Path(path))
    return ConfigResolver().for_directory(Path(directory) if directory else Path.cwd())


def linter_for(config: Config | None = None) -> Linter:
    """The linter for a configuration (the default one when None), built once per configuration."""
    return cached_linter(config if config is not None else _default())


def lint_text(text: str, path: str = "<string>", *, config: Config | None = None) -> FileResult:
    """Lint a draft given as text (no files are read; a ``recipient:`` path is not loaded)."""
    return linter_for(config).lint(parse(text.removeprefix("\ufeff"), path))


def lint_bytes(
    data: bytes, path: str = "<bytes>", *, config: Config | None = None, directory: Path | None = None
) -> FileResult:
    """Lint a draft file's bytes: decoding problems are IM001; a ``recipient:`` path is read from ``directory``."""
    linter = linter_for(config)
    draft, problem = load_draft(data, path, directory, linter.config.root if directory else None)
    if draft is None:
        return unreadable_result(path, str(problem), linter)
    return linter.lint(draft)


def lint_file(path: str | Path, *, config: Config | None = None) -> FileResult:
    """Lint one draft file with the nearest configuration (or ``config``)."""
    file_path = Path(path)
    chosen = config or ConfigResolver().for_path(file_path)
    return lint_target(Target(file_path, str(path)), chosen, linter_for(chosen))
