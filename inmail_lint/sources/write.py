"""The one way inmail-lint writes a file (``--fix``, ``--output-file``, ``calibrate -o``): atomically, and never
in a way that loses or damages what is there.

What careful tools do, and what this does, case by case:

* a symbolic link is written through: its target gets the new content and the link stays a link;
* the file's mode, owner and group are kept (the new content is written beside it, given the old file's
  mode and, where the process may, its owner, then renamed over it, so a reader never sees half a file);
* a path that is not a regular file (a FIFO, a device such as ``/dev/full``, a socket, a folder) is refused:
  renaming over it would replace the device or the pipe with a file;
* a file with more than one hard link is refused: a rename would split it from its other names, which
  would keep the old content;
* a read-only file (no write permission bit, or none for this user) is refused, as ``sed -i`` would not
  honour it but an editor would ask first;
* a file owned by another user is refused unless the process may give the new file that owner (root may):
  rewriting it would otherwise make it ours;
* a folder that does not exist or that cannot be written in is an error naming it.

Each refusal is a :class:`WriteRefused` with a message that names the file and says what to do.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import IO

from inmail_lint.util.files import describe_mode


class WriteRefused(Exception):
    """A file was not written; the message names it and says why."""


def check_writable(path: Path) -> Path:
    """The real file a write to ``path`` would change (symbolic links followed), or :class:`WriteRefused`."""
    target = Path(os.path.realpath(path))
    try:
        info = target.stat()
    except FileNotFoundError:
        folder = target.parent
        if not folder.is_dir():
            raise WriteRefused(f"{path}: the folder {folder} does not exist") from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise WriteRefused(f"{path}: cannot create a file in {folder}: permission denied") from None
        return target
    except OSError as exc:
        raise WriteRefused(f"{path}: cannot write: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused(f"{path}: is not a regular file ({describe_mode(info.st_mode)}); not written")
    if info.st_nlink > 1:
        raise WriteRefused(
            f"{path}: has {info.st_nlink} hard links, and rewriting it would split it from the others; "
            "not written (fix a copy, or remove the other links)"
        )
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise WriteRefused(f"{path}: is read-only; not written (make it writable to change it)")
    if info.st_uid != os.geteuid() and os.geteuid() != 0:
        raise WriteRefused(f"{path}: belongs to another user, and rewriting it would make it yours; not written")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise WriteRefused(f"{path}: cannot write in its folder {target.parent}: permission denied")
    return target


def write_atomic(path: Path, data: bytes | IO[str]) -> None:
    """Replace the content of ``path`` in one step, as the module's notes describe; :class:`WriteRefused` when
    it must not or cannot be written."""
    target = check_writable(path)
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then renamed)
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
        )
    except OSError as exc:
        raise WriteRefused(f"{path}: cannot write in {target.parent}: {exc.strerror or exc}") from None
    try:
        with handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:  # a text stream (a report spooled to disk): copied a MiB at a time
                while chunk := data.read(1024 * 1024):
                    handle.write(chunk.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if info is not None:
            os.chmod(handle.name, stat.S_IMODE(info.st_mode))
            if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
                os.chown(handle.name, info.st_uid, info.st_gid)
        os.replace(handle.name, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise WriteRefused(f"{path}: could not be written: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (through links, hard links included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)
