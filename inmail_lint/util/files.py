"""Reading a file the project needs whole (a config file, a team rule, a phrase list, a model, a profile): only
a regular file, and only up to a limit, so a link to ``/dev/zero``, a FIFO or a huge file cannot hang the run
or fill the memory. (A device reports a size of 0, so the size a file reports is not trusted: the read itself
stops one byte past the limit.)"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MIB = 1024 * 1024
RULE_FILES = (".yaml", ".yml")  # the files of a rule folder: team rules and the phrase lists beside them


class ReadRefused(OSError):
    """A file that is not read; the message says why ("is a FIFO, not a file", "is over 1 MiB")."""


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


def read_regular(path: Path, limit: int = MIB) -> bytes:
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


def files_under(folder: Path, suffixes: tuple[str, ...], *, recursive: bool = False, limit: int = 5000) -> list[Path]:
    """Each file under ``folder`` whose name ends in one of ``suffixes``, in name order; ``recursive`` walks
    sub-folders too (not hidden ones, nor ``__pycache__``); at most ``limit`` files."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith(".")) if recursive else []
        for name in sorted(files):
            if name.endswith(suffixes):
                found.append(Path(root, name))
                if len(found) >= limit:
                    return found
    return found


def file_stamps(folder: Path, suffixes: tuple[str, ...], *, recursive: bool = False, limit: int = 5000) -> list[str]:
    """Each file under ``folder`` whose name ends in one of ``suffixes``, as "path:size:modification time" in
    name order: a file that changes, appears or goes changes the list. ``recursive`` walks sub-folders too
    (not hidden ones, nor ``__pycache__``); at most ``limit`` files."""
    return [file_stamp(path) for path in files_under(folder, suffixes, recursive=recursive, limit=limit)]


def file_stamp(path: Path) -> str:
    """A file's identity and version by its metadata: its path, size and modification time."""
    try:
        info = path.stat()
    except (OSError, ValueError):
        return f"{path}:missing"
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"
