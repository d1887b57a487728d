"""Globs that are all names are matched without pathspec (it is not even imported); they must match exactly as
pathspec's gitignore rules do, which every other glob still goes through."""

from __future__ import annotations

import subprocess
import sys

import pathspec
from hypothesis import given, settings
from hypothesis import strategies as st

from inmail_lint.util import globs

NAME_CHARS = "ab.*?-_1"
PATH_CHARS = "ab.-_1 *?[\n"

names = st.text(NAME_CHARS, min_size=1, max_size=6)
parts = st.text(PATH_CHARS, min_size=1, max_size=6)


def by_pathspec(path: str, patterns: tuple[str, ...], folder: bool) -> bool:
    path = path.strip("/")
    return bool(pathspec.GitIgnoreSpec.from_lines(patterns).match_file(f"{path}/" if folder else path))


@settings(max_examples=400, deadline=None)
@given(st.lists(names, min_size=1, max_size=3), st.lists(parts, min_size=1, max_size=4), st.booleans())
def test_name_globs_match_as_pathspec_does(patterns: list[str], path_parts: list[str], folder: bool) -> None:
    path = "/".join(path_parts)
    assert globs._names(tuple(patterns)) is not None
    assert globs.matches(path, patterns, folder=folder) == by_pathspec(path, tuple(patterns), folder)


def test_the_defaults_are_names_and_other_globs_go_to_pathspec() -> None:
    from inmail_lint.config.settings import DEFAULT_EXCLUDE, DEFAULT_INCLUDE

    assert globs._names(DEFAULT_INCLUDE) is not None and globs._names(DEFAULT_EXCLUDE) is not None
    for pattern in ("templates/*.inmail", "!keep.inmail", "build/", "[ab].inmail", "a\\*b", "**/x", "#x", "a b"):
        assert globs._names((pattern,)) is None, pattern
    assert globs.matches("templates/a.inmail", ("templates/*.inmail",))
    assert not globs.matches("x/templates/a.inmail", ("templates/*.inmail",))
    assert globs.matches("deep/build/a.inmail", ("build",)) and not globs.matches("rebuild/a.inmail", ("build",))
    assert globs.matches("a/.venv", (".venv",), folder=True) and globs.matches("a.inmail", ("*.inmail",))
    assert not globs.matches("a.inmail.bak", ("*.inmail",))


def test_a_run_with_the_default_globs_does_not_import_pathspec(tmp_path: object) -> None:
    code = (
        "import sys\n"
        "from inmail_lint.util.globs import matches\n"
        "from inmail_lint.config.settings import DEFAULT_EXCLUDE, DEFAULT_INCLUDE\n"
        "assert matches('a/b.inmail', DEFAULT_INCLUDE) and not matches('a/b.inmail', DEFAULT_EXCLUDE)\n"
        "print('pathspec' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
