"""Reading a file the project needs whole (a config file, a team rule, a phrase list, a model, a profile): only
a regular file, and only up to a limit, so a link to ``/dev/zero``, a FIFO or a huge file cannot hang the run
or fill the memory. (A device reports a size of 0, so the size a file reports is not trusted: the read itself
stops one byte past the limit.)"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pathlib is imported where a path object is made: a replayed run never needs it
    from pathlib import Path

MIB = 1024 * 1024
#: the result cache's folder: a walk for drafts never goes into one (it holds no drafts, and changes every run)
CACHE_FOLDER = ".inmail_lint_cache"
RULE_FILES = (".yaml", ".yml")  # the files of a rule folder: team rules and the phrase lists beside them


class ReadRefused(OSError):
    """A file that is not read; the message says why ("is a FIFO, not a file", "is over 1 MiB")."""


def path_problem(exc: BaseException) -> str:
    """What is wrong with a path that the system refused: a NUL in it, a name too long, a loop of links."""
    if isinstance(exc, ValueError):
        return "it holds a NUL character"
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "it is a loop of symbolic links"
    if getattr(exc, "errno", None) == errno.ENAMETOOLONG:
        return "the name is too long"
    return str(getattr(exc, "strerror", None) or exc)


def unusable_path(path: Path) -> str | None:
    """Why ``path`` cannot even be looked up (see :func:`path_problem`); None for a path that can (it may be
    missing)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOTDIR, errno.EACCES):
            return None
        return path_problem(exc)
    return None


def resolved(path: Path) -> Path:
    """``path`` made absolute with its links followed; ``ValueError`` with :func:`path_problem`'s words when
    the system refuses it."""
    try:
        result = path.resolve()
    except (OSError, ValueError, RuntimeError) as exc:
        raise ValueError(path_problem(exc)) from None
    problem = unusable_path(result)
    if problem is not None:
        raise ValueError(problem)
    return result


def describe_mode(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_regular(path: str | Path, limit: int = MIB) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; :class:`ReadRefused` otherwise, and ``OSError``
    when it cannot be opened. A FIFO is refused without waiting for a writer (it is opened non-blocking)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ReadRefused(f"is {describe_mode(mode)}, not a file")
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, MIB))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        shown = f"{limit // MIB} MiB" if limit >= MIB else f"{limit // 1024} KiB"
        raise ReadRefused(f"is over {shown}")
    return b"".join(chunks)


def read_regular_text(path: Path, limit: int = MIB) -> str:
    """:func:`read_regular`, decoded as UTF-8 (a byte-order mark is dropped); ``UnicodeDecodeError`` if not."""
    return read_regular(path, limit).decode("utf-8-sig")


def walk_files(
    folder: str | Path, suffixes: tuple[str, ...], *, recursive: bool = False, limit: int = 5000
) -> list[str]:
    """Each file under ``folder`` whose name ends in one of ``suffixes``, in name order, as a string path;
    ``recursive`` walks sub-folders too (not hidden ones, nor ``__pycache__``); at most ``limit`` files."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith(".")) if recursive else []
        for name in sorted(files):
            if name.endswith(suffixes):
                found.append(os.path.join(root, name))
                if len(found) >= limit:
                    return found
    return found


def files_under(folder: Path, suffixes: tuple[str, ...], *, recursive: bool = False, limit: int = 5000) -> list[Path]:
    """:func:`walk_files` as path objects."""
    from pathlib import Path

    return [Path(name) for name in walk_files(folder, suffixes, recursive=recursive, limit=limit)]


def file_stamps(
    folder: str | Path, suffixes: tuple[str, ...], *, recursive: bool = False, limit: int = 5000
) -> list[str]:
    """Each file under ``folder`` whose name ends in one of ``suffixes``, as "path:size:modification time" in
    name order: a file that changes, appears or goes changes the list. ``recursive`` walks sub-folders too
    (not hidden ones, nor ``__pycache__``); at most ``limit`` files."""
    return [file_stamp(name) for name in walk_files(folder, suffixes, recursive=recursive, limit=limit)]


def file_stamp(path: str | Path) -> str:
    """A file's identity and version by its metadata: its path, size and modification time."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return f"{path}:missing"
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"


def entry_kind(entry: os.DirEntry[str]) -> str:
    """What a folder's entry is, as a walk for drafts tells them apart: ``d`` a folder, ``l`` a link to one
    (not followed), ``f`` a regular file or a link to one, ``o`` anything else (a FIFO, a device, a broken
    link)."""
    try:
        if entry.is_dir():
            return "l" if entry.is_symlink() else "d"
        return "f" if entry.is_file() else "o"
    except OSError:
        return "o"


def folder_listing(entries: Iterable[os.DirEntry[str]]) -> str:
    """A digest of a folder's entries (their names and kinds, in name order): it changes when an entry
    appears, goes, or changes kind; but not for a result cache's folder, which a walk never goes into."""
    digest = hashlib.sha256()
    for entry in sorted(entries, key=lambda e: e.name):
        kind = entry_kind(entry)
        if kind != "d" or entry.name != CACHE_FOLDER:
            digest.update(f"{entry.name}\0{kind}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
