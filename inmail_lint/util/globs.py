"""The one way inmail-lint matches paths against the globs of a configuration (``include``, ``exclude``,
``templates``, ``per-file-ignores``): gitignore-style patterns, by pathspec, as yamllint and ruff users know them.

Paths are matched relative to the folder of the config file, with ``/`` between folders. A pattern without a
``/`` (``*.inmail``, ``build``) matches a file or folder of that name at any depth; one with a ``/``
(``templates/*.inmail``) is anchored at the config's folder, and there ``*`` does not cross a ``/`` while
``**`` does (``templates/**``). A pattern that matches a folder matches everything in it; ``!pattern``
takes a path back out again.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from inmail_lint.util.text import valid_unicode


@lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> Any:
    # imported on first use: pathspec takes about 40 ms to import, which a run that names its drafts and has
    # no templates or per-file-ignores globs never needs
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def matches(relpath: str, patterns: Iterable[str], *, folder: bool = False) -> bool:
    """Whether ``relpath`` (relative to the config's folder, ``/``-separated) is matched by ``patterns``;
    ``folder`` when it names a folder (so that ``build/`` matches it)."""
    patterns = tuple(patterns)
    if not patterns:
        return False
    path = valid_unicode(relpath.strip("/"))  # a name that is not UTF-8 is matched by its other characters
    return bool(_spec(patterns).match_file(f"{path}/" if folder else path))
