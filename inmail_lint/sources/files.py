"""Where drafts come from: paths on disk (walked for draft files), standard input, and profile files.

This is the I/O edge of the core: it reads files and hands text to the pure parser and linter.
"""

from __future__ import annotations

import errno
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
from inmail_lint.util.files import (
    CACHE_FOLDER,
    ReadRefused,
    describe_mode,
    folder_listing,
    path_problem,
    read_regular,
    unusable_path,
)
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
    """A path given on the command line that cannot be linted: an error."""

    display: str
    message: str


@dataclass(frozen=True)
class Skipped:
    """Something found while walking a folder that is not linted: a note (a FIFO, a device, a folder that
    cannot be read)."""

    display: str
    message: str


def is_draft_path(relpath: str, config: Config) -> bool:
    """Whether a file (relative to its config's folder) is a draft by the config's ``include`` and ``exclude``."""
    return matches(relpath, config.include) and not matches(relpath, config.exclude)


#: what a walk saw, for a record of the run: ("top", a folder as given, where it leads) and ("folder", a
#: folder walked, the digest of its entries as the walk read them)
Seen = list[tuple[str, str, str]]


def discover(
    paths: list[str], resolver: ConfigResolver, stdin_filename: str | None = None, *, seen: Seen | None = None
) -> Iterator[Target | PathError | Skipped]:
    """The drafts named by ``paths``: files as given, directories walked for draft file names; ``seen``
    collects the folders walked and where each path given leads."""
    for raw in paths:
        if raw == STDIN:
            yield Target(None, stdin_filename or STDIN)
            continue
        path = Path(raw)
        problem = unusable_path(path)
        if problem is not None:
            yield PathError(raw, f"cannot be used as a path: {problem}")
        elif path.is_dir():
            yield from _walk(path, raw, resolver, seen)
        elif path.exists() or path.is_symlink():
            if seen is not None:  # its configuration is the one of the folder its parent leads to
                seen.append(("top", str(path.parent), os.path.realpath(path.parent)))
            yield Target(path, raw)
        else:
            yield PathError(raw, "no such file or directory")


def _walk(
    top: Path, shown: str, resolver: ConfigResolver, seen: Seen | None = None
) -> Iterator[Target | Skipped | PathError]:
    """The draft files under ``top``, in name order, without recursion (a tree thousands of folders deep is
    walked like any other) and without resolving each folder again: a folder's path, its config and its
    place under the config's folder come from its parent's. Links to folders are not followed (as
    ``os.walk``), nor is the result cache's folder; a FIFO, device or socket with a draft's name is skipped with
    a note, as is a folder that cannot be read."""
    found: list[Target] = []
    skipped: list[Skipped] = []
    errors: list[PathError] = []
    # (folder as given, the same resolved, its path relative to top, its config, its path under the config's folder)
    stack: list[tuple[Path, Path, str, Config | None, str]] = [(top, top.resolve(), "", None, "")]
    if seen is not None:  # the replay asks os.path.realpath: the same question, asked the same way
        seen.append(("top", str(top), os.path.realpath(top)))
    while stack:
        folder, real, rel_top, parent_config, parent_rel = stack.pop()
        shown_folder = os.path.normpath(os.path.join(shown, rel_top)) if rel_top else shown
        try:
            entries, config = _listed(folder, real, resolver, seen)
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:  # deeper than the system lets a path go: an error, not a pass
                errors.append(PathError(shown_folder[:200], _TOO_DEEP))
            else:
                skipped.append(
                    Skipped(shown_folder, f"folder cannot be read ({exc.strerror or exc}); its drafts were skipped")
                )
            continue
        rel_folder = parent_rel if config is parent_config else _relative(real, config.root)
        subfolders = []
        for entry in entries:
            relpath = f"{rel_folder}{entry.name}"
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if is_folder:
                walked = entry.name != CACHE_FOLDER and not entry.is_symlink()
                if walked and not matches(relpath, config.exclude, folder=True):
                    child_rel = f"{rel_top}/{entry.name}" if rel_top else entry.name
                    subfolders.append((folder / entry.name, real / entry.name, child_rel, config, f"{relpath}/"))
                continue
            if not is_draft_path(relpath, config):
                continue
            display = os.path.normpath(os.path.join(shown_folder, entry.name))
            try:
                regular = entry.is_file()
                mode = entry.stat().st_mode
            except OSError as exc:  # a broken link: reported when it is read, as before
                regular, mode = True, 0
                del exc
            if not regular:
                skipped.append(Skipped(display, f"is {describe_mode(mode)}, not a draft file; skipped"))
                continue
            found.append(Target(folder / entry.name, display))
        stack.extend(reversed(subfolders))
    yield from sorted(skipped, key=lambda s: s.display)
    yield from errors
    yield from sorted(found, key=lambda t: t.display)


def _listed(
    folder: Path, real: Path, resolver: ConfigResolver, seen: Seen | None
) -> tuple[list[os.DirEntry[str]], Config]:
    """A folder's entries in name order, and its config; ``OSError`` when it cannot be read."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    config = resolver.for_directory(real, resolved=True)
    if seen is not None:
        seen.append(("folder", str(folder), folder_listing(entries)))
    return entries, config


_TOO_DEEP = "folder is nested too deeply to be read (its path is over the system's limit); its drafts were not linted"


def _relative(real: Path, root: Path) -> str:
    """Where the resolved folder ``real`` is under the config's folder (``a/b/``), or "" when it is not."""
    if real == root:
        return ""
    try:
        rel = real.relative_to(root).as_posix()  # a config's folder is resolved already, as is ``real``
    except ValueError:
        try:
            rel = real.relative_to(root.resolve()).as_posix()
        except ValueError:
            return ""
    return "" if rel == "." else f"{rel}/"


def relpath_for(target: Target, config: Config) -> str | None:
    """The path used to match ``per-file-ignores``: relative to the config's folder."""
    if target.path is None:
        return target.display if target.display != STDIN else None
    if os.name == "posix":
        path, root = str(target.path), str(config.root)
        # the working folder only when a path is relative, as pathlib asks for it (it may have been removed)
        cwd = "/" if path.startswith("/") and root.startswith("/") else os.getcwd()
        found = posix_relpath(path, root, cwd)
        if found is not None:
            return found
    try:
        return target.path.absolute().relative_to(config.root.absolute()).as_posix()
    except ValueError:
        return target.path.as_posix()


def posix_relpath(path: str, root: str, cwd: str) -> str | None:
    """``Path(path).absolute().relative_to(Path(root).absolute()).as_posix()`` (``path`` itself when it is not
    under ``root``), from the strings of POSIX paths, in a tenth of the time: it is asked for every draft of
    every run, a cached one too. None for what pathlib reads in its own way (a leading ``//``)."""
    if path.startswith("//") or root.startswith("//") or cwd.startswith("//"):
        return None
    absolute = path if path.startswith("/") else _joined(cwd, path)
    top = root if root.startswith("/") else _joined(cwd, root)
    if absolute == top:
        return "."
    prefix = top if top.endswith("/") else f"{top}/"
    return absolute[len(prefix) :] if absolute.startswith(prefix) else path


def _joined(folder: str, path: str) -> str:
    if path == ".":
        return folder
    return f"{folder}{path}" if folder.endswith("/") else f"{folder}/{path}"


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

    # the path as written is recorded whatever it leads to (missing, a link, a folder): a result kept for this
    # draft is stale once a missing profile appears or a link is pointed elsewhere
    if "\0" not in reference:
        draft.reads.append(os.path.normpath(os.path.join(directory, reference)))
    try:
        target = (directory / reference).resolve()
        boundary = (root or directory).resolve()
        inside = target.is_relative_to(boundary) or target.is_relative_to(directory.resolve())
        exists = inside and target.exists()
        is_file = exists and target.is_file()
    except (OSError, ValueError, RuntimeError) as exc:  # a NUL, a name too long, a loop of links
        problem(f"cannot be used as a path: {path_problem(exc)}")
        return
    if not inside:
        problem(f"is outside {boundary}; keep profiles inside the project")
        return
    if not exists:
        try:  # Python 3.13 resolves a loop of links without an error, and exists() is then False: ask stat
            os.stat(directory / reference)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                problem(f"cannot be used as a path: {path_problem(exc)}")
                return
        problem("does not exist (paths are relative to the draft)")
        return
    if not is_file:
        problem("is not a file")
        return
    if str(target) not in draft.reads:
        draft.reads.append(str(target))
    loaded = read_profile(target)
    if isinstance(loaded, str):
        problem(loaded)
        return
    draft.meta["recipient"] = dict(loaded)


_PROFILES: dict[tuple[str, int, int, int, int, int], dict[str, Any] | str] = {}
MAX_PROFILES = 32


def read_profile(target: Path) -> dict[str, Any] | str:
    """A profile file's fields, or what is wrong with it; read and checked once per file and version (by its
    device, inode, size, modification and change times: a rewrite of the same size that puts the modification
    time back still changes the change time), so a hundred drafts to one large profile read it once."""
    try:
        info = target.stat()
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    key = (str(target), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    if key not in _PROFILES:
        if len(_PROFILES) >= MAX_PROFILES:
            _PROFILES.pop(next(iter(_PROFILES)))
        _PROFILES[key] = _parse_profile(target)
    return _PROFILES[key]


def _parse_profile(target: Path) -> dict[str, Any] | str:
    try:
        data = read_regular(target, MAX_BYTES)
        text = data.decode("utf-8-sig")
        profile: Any = load_json(text) if target.suffix.lower() == ".json" else load_yaml_value(text)
    except ReadRefused as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    except UnsafeYaml as exc:
        return str(exc)
    except yaml.YAMLError as exc:
        return f"cannot be read: {yaml_error_summary(exc)}"
    except (UnicodeDecodeError, ValueError) as exc:
        return f"cannot be read: {str(exc).splitlines()[0]}"
    if not isinstance(profile, dict):
        return "must hold a mapping of profile fields such as 'name: Ana Kowalski'"
    invalid = validate_profile(profile)
    if invalid:
        return invalid
    return profile
