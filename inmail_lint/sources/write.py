"""The one way inmail-lint writes a file: ``--fix``, ``--output-file``, ``init``, ``calibrate -o``, the page's
Save and Save as, and the result cache's entries all call :func:`write_file`, and nothing else in the package
creates or renames a file (a test reads the package's source for other writers).

What it guarantees, case by case:

* **never over an input.** A run hands it the :class:`Inputs` it has read or will read (drafts, configs and the
  configs they extend, team rule files and what they read, profiles, models, histories, ``--vars`` tables); a
  path among them is refused, naming what it is. The one exception is the file a fix or a Save rewrites, and
  only through ``replaces``: the :class:`Stamp` taken when it was read.
* **never over an edit made since it was read.** With ``replaces``, the file is read again just before the
  rename; a different size, modification time or content means someone saved it meanwhile, and it is refused.
* **atomically.** The new content is written beside the target (a hidden temporary file), flushed, given its
  mode and owner, then renamed over it, so a reader never sees half a file. The temporary file is removed on
  any failure, on Ctrl-C, and on SIGTERM or SIGHUP.
* **links, mode and owner kept.** A symbolic link is written through (the link stays a link); an existing
  file keeps its mode, owner and group; a new file gets the mode the umask allows (as ``touch`` would).
* **refusals instead of damage.** Not a regular file (a FIFO, a device, a folder), more than one hard link,
  read-only, another user's (unless root), a folder that does not exist or cannot be written in: each is a
  :class:`WriteRefused` naming the file and what to do.
* ``new_only`` creates a file that must not exist (Save as, ``init``): linked into place, so a file that
  appeared meanwhile is never replaced. ``inside`` keeps a write within a folder (the result cache): a link
  anywhere on the way out of it is refused, and a link at the name itself is replaced, not followed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from inmail_lint.util.files import describe_mode


class WriteRefused(Exception):
    """A file was not written; the message names it and says why."""


@dataclass(frozen=True)
class Stamp:
    """What a file was when it was read: its size, modification time and a hash of its bytes."""

    size: int
    mtime_ns: int
    digest: str

    @classmethod
    def of(cls, path: Path, data: bytes) -> Stamp | None:
        """The stamp of ``path`` whose bytes were ``data`` (None when it cannot be stat'ed)."""
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        return cls(info.st_size, info.st_mtime_ns, hashlib.sha256(data).hexdigest())

    def matches(self, path: Path) -> bool:
        """Whether ``path`` is still as it was (read again, bounded by the size it had)."""
        try:
            info = os.stat(path)
            if (info.st_size, info.st_mtime_ns) != (self.size, self.mtime_ns) or not stat.S_ISREG(info.st_mode):
                return False
            with open(path, "rb") as handle:
                data = handle.read(self.size + 1)
        except OSError:
            return False
        return hashlib.sha256(data).hexdigest() == self.digest


def _key(path: Path) -> tuple[str, tuple[int, int] | None]:
    """A file's identity: its real path, and its device and inode when it exists (hard links are one file)."""
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        real = os.path.abspath(path)
    try:
        info = os.stat(real)
        return real, (info.st_dev, info.st_ino)
    except (OSError, ValueError):
        return real, None


class Inputs:
    """The files a run has read or will read, each with what it is ("a draft it lints"). A write over any of
    them is refused. Recording one is cheap (a run records every draft it finds, on the cached path too); each
    is resolved to its real path and inode only when a write asks. Thread-safe: the page's requests and the
    language server add to it as they read."""

    def __init__(self) -> None:
        self._pending: dict[str, tuple[str, bool]] = {}  # as recorded, not yet resolved
        self._seen: set[str] = set()  # every path recorded, as given
        self._by_path: dict[str, tuple[str, bool]] = {}
        self._by_inode: dict[tuple[int, int], tuple[str, bool]] = {}
        self._lock = threading.Lock()

    def add(self, path: Path | str, what: str, *, rewritable: bool = False) -> None:
        """Record an input; ``rewritable`` for a draft, which a fix may write back over (with its stamp)."""
        raw = os.fspath(path)
        with self._lock:
            if raw not in self._seen:
                self._seen.add(raw)
                self._pending[raw] = (f"{what} ({path})", rewritable)

    def add_all(self, paths: Iterable[Path | str], what: str) -> None:
        for path in paths:
            self.add(path, what)

    def paths(self) -> list[str]:
        """Every path recorded, as given."""
        with self._lock:
            return sorted(self._seen)

    def _entry(self, path: Path) -> tuple[str, bool] | None:
        real, inode = _key(path)
        with self._lock:
            for raw, entry in self._pending.items():
                raw_real, raw_inode = _key(Path(raw))
                self._by_path.setdefault(raw_real, entry)
                if raw_inode is not None:
                    self._by_inode.setdefault(raw_inode, entry)
            self._pending.clear()
            found = self._by_path.get(real)
            if found is None and inode is not None:
                found = self._by_inode.get(inode)
        return found

    def refuses(self, path: Path, replacing: bool = False) -> str | None:
        """What ``path`` is, when writing it is refused: any input, but a draft rewritten from its own stamp."""
        entry = self._entry(path)
        if entry is None or (replacing and entry[1]):
            return None
        return entry[0]


def check_writable(path: Path) -> Path:
    """The real file a write to ``path`` would change (symbolic links followed), or :class:`WriteRefused`."""
    try:
        target = Path(os.path.realpath(path))
        info = target.stat()
    except FileNotFoundError:
        folder = target.parent
        if not folder.is_dir():
            raise WriteRefused(f"{path}: the folder {folder} does not exist") from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise WriteRefused(f"{path}: cannot create a file in {folder}: permission denied") from None
        return target
    except (OSError, ValueError) as exc:
        raise WriteRefused(f"{path}: cannot write: {getattr(exc, 'strerror', None) or exc}") from None
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


def check_output(path: Path, inputs: Inputs | None = None, *, replacing: bool = False) -> Path:
    """The real file a write to ``path`` would change, when it may be written: not one the run reads (unless
    ``replacing`` a draft from its own stamp), and writable; :class:`WriteRefused` saying why otherwise. Called
    before a long run (so ``-o`` over an input is refused before anything is linted) and again by
    :func:`write_file` itself."""
    target = check_writable(path)
    _refuse_input(path, target, inputs, replacing)
    return target


def _refuse_input(path: Path, target: Path, inputs: Inputs | None, replacing: bool) -> None:
    what = inputs.refuses(target, replacing) if inputs is not None else None
    if what is not None:
        raise WriteRefused(f"{path} is {what}, which this run reads; it was not written")


def umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux), else by setting it."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt while a file is being written (as Ctrl-C does), so the
    temporary file is removed; the default action follows once it is (the signal is raised again)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def handler(number: int, _frame: object) -> None:
        caught.append(number)
        raise KeyboardInterrupt

    previous = {}
    for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is not None:
            with contextlib.suppress(ValueError, OSError):
                previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
        if caught:
            signal.raise_signal(caught[0])


def _refuse_links_out(target: Path, inside: Path) -> None:
    """``target``'s folder must be ``inside`` or below it with no link on the way. (A link at ``target``
    itself is replaced by the file, never written through: the rename replaces the name.)"""
    root = os.path.realpath(inside)
    folder = os.path.abspath(target.parent)
    if os.path.realpath(folder) != folder or not (folder == root or folder.startswith(root.rstrip(os.sep) + os.sep)):
        raise WriteRefused(f"{target}: a link leads out of {inside}; not written")


def _fill(handle: IO[bytes], data: bytes | IO[str], durable: bool) -> None:
    if isinstance(data, bytes):
        handle.write(data)
    else:  # a text stream (a report spooled to disk): copied a MiB at a time
        while chunk := data.read(1024 * 1024):
            handle.write(chunk.encode("utf-8"))
    handle.flush()
    if durable:
        os.fsync(handle.fileno())


def write_file(
    path: Path,
    data: bytes | IO[str],
    *,
    inputs: Inputs | None = None,
    replaces: Stamp | None = None,
    new_only: bool = False,
    inside: Path | None = None,
    durable: bool = True,
) -> None:
    """Write ``data`` to ``path`` as the module's notes describe; :class:`WriteRefused` when it must not or
    cannot be written. ``durable`` flushes to disk first (the result cache, which can lose an entry, skips it)."""
    if inside is not None:
        target = Path(os.path.abspath(path))
        _refuse_links_out(target, inside)
        _refuse_input(path, target, inputs, replaces is not None)
    else:
        target = check_output(path, inputs, replacing=replaces is not None)
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteRefused(f"{path}: cannot write: {exc.strerror or exc}") from None
    if new_only and info is not None:
        raise WriteRefused(f"{path} exists already; choose another name (nothing was written)")
    import tempfile  # only a write needs it: a run served from the cache writes nothing

    with _signals_interrupt():
        try:
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then renamed)
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
            )
        except OSError as exc:
            raise WriteRefused(f"{path}: cannot write in {target.parent}: {exc.strerror or exc}") from None
        try:
            with handle:
                _fill(handle, data, durable)
            _give_mode(handle.name, info)
            if replaces is not None and not replaces.matches(target):
                raise WriteRefused(
                    f"{path} changed on disk since it was read (someone saved it meanwhile); it was not written, "
                    "so that edit is kept: run again to work on the new text"
                )
            if new_only:
                os.link(handle.name, target)  # never over a file: fails if one appeared meanwhile
                os.unlink(handle.name)
            else:
                os.replace(handle.name, target)
        except FileExistsError:
            _remove(handle.name)
            raise WriteRefused(f"{path} exists already; choose another name (nothing was written)") from None
        except OSError as exc:
            _remove(handle.name)
            raise WriteRefused(f"{path}: could not be written: {exc.strerror or exc}") from None
        except BaseException:
            _remove(handle.name)
            raise


def _give_mode(name: str, info: os.stat_result | None) -> None:
    """The temporary file gets the old file's mode and owner, or for a new file the mode the umask allows."""
    if info is None:
        os.chmod(name, 0o666 & ~umask())
        return
    os.chmod(name, stat.S_IMODE(info.st_mode))
    if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
        os.chown(name, info.st_uid, info.st_gid)


def _remove(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


def make_folder(path: Path) -> bool:
    """Make one folder (its parent must exist); whether it was made now. A name that is a link or a file is
    refused: nothing is ever written through it."""
    try:
        os.mkdir(path)
        made = True
    except FileExistsError:
        made = False
    except OSError as exc:
        raise WriteRefused(f"{path}: cannot make the folder: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(os.lstat(path).st_mode):
        raise WriteRefused(f"{path} is not a folder")
    return made


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (through links, hard links included)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return os.path.realpath(a) == os.path.realpath(b)
