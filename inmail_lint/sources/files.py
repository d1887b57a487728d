"""Where drafts come from: paths on disk (walked for draft files), standard input, and profile files.

This is the I/O edge of the core: it reads files and hands text to the pure parser and linter.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from inmail_lint.config.settings import Config, ConfigResolver
from inmail_lint.draft.decode import MAX_BYTES, decode
from inmail_lint.draft.document import INVALID_FRONT_MATTER, Draft, Problem
from inmail_lint.draft.parse import parse
from inmail_lint.draft.profiles import validate_profile
from inmail_lint.util.globs import matches
from inmail_lint.util.yamlsafe import UnsafeYaml, load_json, load_yaml_value, yaml_error_summary

STDIN = "-"


@dataclass(frozen=True)
class Target:
    """One draft to lint: its path on disk (None for standard input) and the name shown in reports."""

    path: Path | None
    display: str


@dataclass(frozen=True)
class PathError:
    display: str
    message: str


def discover(
    paths: list[str], resolver: ConfigResolver, stdin_filename: str | None = None
) -> Iterator[Target | PathError]:
    """The drafts named by ``paths``: files as given, directories walked for draft file names."""
    for raw in paths:
        if raw == STDIN:
            yield Target(None, stdin_filename or STDIN)
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, raw, resolver)
        elif path.exists() or path.is_symlink():
            yield Target(path, raw)
        else:
            yield PathError(raw, "no such file or directory")


def _walk(top: Path, shown: str, resolver: ConfigResolver) -> Iterator[Target]:
    found: list[Target] = []
    for folder, dirs, files in os.walk(top, onerror=None):
        folder_path = Path(folder)
        config = resolver.for_directory(folder_path)
        rel_folder = _relative(folder_path, config.root)
        dirs[:] = sorted(d for d in dirs if not matches(f"{rel_folder}{d}", config.exclude, folder=True))
        for name in sorted(files):
            relpath = f"{rel_folder}{name}"
            if not matches(relpath, config.include) or matches(relpath, config.exclude):
                continue
            file_path = folder_path / name
            found.append(Target(file_path, os.path.normpath(os.path.join(shown, os.path.relpath(file_path, top)))))
    yield from sorted(found, key=lambda t: t.display)


def _relative(path: Path, root: Path) -> str:
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else f"{rel}/"


def relpath_for(target: Target, config: Config) -> str | None:
    """The path used to match ``per-file-ignores``: relative to the config's folder."""
    if target.path is None:
        return target.display if target.display != STDIN else None
    try:
        return target.path.absolute().relative_to(config.root.absolute()).as_posix()
    except ValueError:
        return target.path.as_posix()


def read_bytes(path: Path) -> tuple[bytes | None, str | None]:
    """A file's bytes, or why they cannot be read. Reads no more than needed to know it is too large."""
    try:
        with path.open("rb", buffering=0) as handle:
            # read(MAX_BYTES + 1) would allocate a MiB for every file; ask for the size the file says it has,
            # then for the rest (a file that grew, or one that reports no size such as a pipe)
            size = min(os.fstat(handle.fileno()).st_size, MAX_BYTES)
            data = handle.read(size + 1)
            while 0 < len(data) <= MAX_BYTES and (more := handle.read(MAX_BYTES + 1 - len(data))):
                data += more
    except IsADirectoryError:
        return None, "is a directory"
    except PermissionError:
        return None, "permission denied"
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"
    return data, None


def load_draft(data: bytes, display: str, directory: Path | None, root: Path | None) -> tuple[Draft | None, str | None]:
    """Decode and parse a draft file, loading a ``recipient:`` profile it names. (None, why) if unreadable."""
    text, problem, bom = decode(data)
    if text is None:
        return None, problem
    return prepare(text, display, directory, root, bom=bom), None


def prepare(text: str, display: str, directory: Path | None, root: Path | None, *, bom: bool = False) -> Draft:
    """Parse a draft's text and load the ``recipient:`` profile it names, relative to ``directory``."""
    draft = parse(text, display, bom=bom)
    recipient = draft.meta.get("recipient")
    if isinstance(recipient, str):
        _load_recipient(draft, recipient, directory or Path.cwd(), root)
    return draft


def _load_recipient(draft: Draft, reference: str, directory: Path, root: Path | None) -> None:
    """Replace a profile path in ``recipient:`` with the profile's fields, or report why it cannot be used."""
    span = draft.spans.get("recipient", (0, 0))

    def problem(message: str) -> None:
        del draft.meta["recipient"]
        draft.problems.append(Problem(INVALID_FRONT_MATTER, f"recipient profile {reference!r} {message}", *span))

    target = (directory / reference).resolve()
    boundary = (root or directory).resolve()
    if not target.is_relative_to(boundary) and not target.is_relative_to(directory.resolve()):
        problem(f"is outside {boundary}; keep profiles inside the project")
        return
    if not target.exists():
        problem("does not exist (paths are relative to the draft)")
        return
    if not target.is_file():
        problem("is not a file")
        return
    draft.reads.append(str(target))
    data, error = read_bytes(target)
    if data is None:
        problem(str(error))
        return
    if len(data) > MAX_BYTES:
        problem("is over 1 MiB")
        return
    try:
        text = data.decode("utf-8-sig")
        profile: Any = load_json(text) if target.suffix.lower() == ".json" else load_yaml_value(text)
    except UnsafeYaml as exc:
        problem(str(exc))
        return
    except yaml.YAMLError as exc:
        problem(f"cannot be read: {yaml_error_summary(exc)}")
        return
    except (UnicodeDecodeError, ValueError) as exc:
        problem(f"cannot be read: {str(exc).splitlines()[0]}")
        return
    if not isinstance(profile, dict):
        problem("must hold a mapping of profile fields such as 'name: Ana Kowalski'")
        return
    invalid = validate_profile(profile)
    if invalid:
        problem(invalid)
        return
    draft.meta["recipient"] = profile
