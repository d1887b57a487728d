"""The one way inmail-lint matches paths against the globs of a configuration (``include``, ``exclude``,
``templates``, ``per-file-ignores``): gitignore-style patterns, by pathspec, as yamllint and ruff users know them.

Paths are matched relative to the folder of the config file, with ``/`` between folders. A pattern without a
``/`` (``*.inmail``, ``build``) matches a file or folder of that name at any depth; one with a ``/``
(``templates/*.inmail``) is anchored at the config's folder, and there ``*`` does not cross a ``/`` while
``**`` does (``templates/**``). A pattern that matches a folder matches everything in it; ``!pattern``
takes a path back out again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from fnmatch import translate
from functools import lru_cache
from typing import Any

from inmail_lint.util.text import valid_unicode

#: A pattern that names a file or folder at any depth, with ``*`` and ``?`` at most: the defaults
#: (``*.inmail``, ``node_modules``, ``.venv``) and most of what people write.
_NAME_PATTERN = re.compile(r"[A-Za-z0-9._*?-]+")


@lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> Any:
    # imported on first use: pathspec takes about 40 ms to import (50 to 60 ms with google-re2 installed),
    # which a run whose globs are all names (the defaults) never needs
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


@lru_cache(maxsize=256)
def _names(patterns: tuple[str, ...]) -> Callable[[str], Any] | None:
    """For globs that are all names (no ``/``, ``!``, ``[`` or ``\\``), a match on one part of a path: by
    gitignore's rules such a glob matches a file or folder of that name at any depth, and everything in a
    folder it matches, so a path is matched when any of its parts is. None for any other globs. (A path
    with a line break still goes to pathspec, whose ``*`` stops at one.)"""
    if not all(_NAME_PATTERN.fullmatch(p) for p in patterns):
        return None
    return re.compile("|".join(translate(p) for p in patterns), re.DOTALL).match


def matches(relpath: str, patterns: Iterable[str], *, folder: bool = False) -> bool:
    """Whether ``relpath`` (relative to the config's folder, ``/``-separated) is matched by ``patterns``;
    ``folder`` when it names a folder (so that ``build/`` matches it)."""
    patterns = tuple(patterns)
    if not patterns:
        return False
    path = valid_unicode(relpath.strip("/"))  # a name that is not UTF-8 is matched by its other characters
    name_match = _names(patterns)
    if name_match is not None and "\n" not in path:
        parts = path.split("/")
        if all(part not in ("", ".", "..") for part in parts):
            return any(name_match(part) for part in parts)
    return bool(_spec(patterns).match_file(f"{path}/" if folder else path))
