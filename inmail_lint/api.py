"""The Python API: lint a string, bytes or a file and get a :class:`~inmail_lint.engine.result.FileResult`.

Every call goes through one run session of this process (the same configurations, linters and reading
rules as ``inmail-lint check``); the core underneath stays pure: :func:`lint_text` reads no file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from inmail_lint.config.settings import Config, default_config
from inmail_lint.draft.parse import parse
from inmail_lint.engine.linter import Linter
from inmail_lint.engine.result import FileResult
from inmail_lint.run.session import Session, Target
from inmail_lint.util.runs import new_run


@lru_cache(maxsize=1)
def _default() -> Config:
    return default_config()


@lru_cache(maxsize=1)
def _session() -> Session:
    return Session()


def load_config(path: str | Path | None = None, *, directory: str | Path | None = None) -> Config:
    """A configuration: from a config file, or the one that applies in ``directory`` (default: the current one)."""
    if path is not None:
        return _session().load_config(Path(path))
    return Session().config_for(None, Path(directory) if directory else Path.cwd())


def linter_for(config: Config | None = None) -> Linter:
    """The linter for a configuration (the default one when None), built once per configuration."""
    return _session().linter(config if config is not None else _default())


def lint_text(text: str, path: str = "<string>", *, config: Config | None = None) -> FileResult:
    """Lint a draft given as text (no files are read; a ``recipient:`` path is not loaded)."""
    new_run()
    return linter_for(config).lint(parse(text.removeprefix("\ufeff"), path))


def lint_bytes(
    data: bytes, path: str = "<bytes>", *, config: Config | None = None, directory: Path | None = None
) -> FileResult:
    """Lint a draft file's bytes: decoding problems are IM001; a ``recipient:`` path is read from ``directory``."""
    return _session().lint_bytes(data, path, config=config if config is not None else _default(), directory=directory)


def lint_file(path: str | Path, *, config: Config | None = None) -> FileResult:
    """Lint one draft file with the nearest configuration (or ``config``)."""
    file_path = Path(path)
    session = Session()  # config files are read afresh for each file, as a new `check` would
    chosen = config or session.config_for(file_path)
    return session.lint_target(Target(file_path, str(path)), chosen)
