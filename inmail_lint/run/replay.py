"""A ``check`` run replayed from its record: when nothing a run depended on has changed, the next run with the
same arguments prints what it printed and ends with the same status, without importing the command line,
the configuration, the result cache or the linter.

A record holds the run's output and status and what it depended on; replaying it checks each of these first,
and any difference (or a record that cannot be read) means the run is done in full and recorded again:

* its key: the arguments, the working folder, the environment variables that change what is printed, whether
  the standard streams are terminals and their encodings, Python and its options, and the fingerprint of the
  code and the built-in rule pack (:func:`~inmail_lint.util.fingerprint.pack_fingerprint`);
* each draft's bytes, by digest, as the run read them;
* each folder the run walked, by the names and kinds of its entries as the walk read them, and where each
  path given on the command line leads (links followed);
* every other file the run read (config files and those they extend, team rules and phrase lists, a model, a
  baseline, recipient profiles), every name it looked for in each folder from the drafts up (the config file
  names, ``.git``, ``.hg``), and the paths a config file names: whether each is there, what it is, where it
  leads, and a file's bytes by digest;
* the team rule folders, by the rule files and phrase lists they hold.

A run is recorded only when it used the result cache, wrote nothing else, read no standard input, printed
nothing on standard error if that is a terminal (a progress bar is drawn by the clock; elsewhere what it
printed there, such as a note, is recorded and replayed in order with the report), started no ``--jobs``
helper (a helper's streams are not the recording's) and ended with 0 or 1; when every draft was a file whose
bytes were read for the cache; when no config names a spaCy model (a model package is not a file the record
can check); when every file held by digest had not changed for two seconds before the run began (a file
saved during the run, in the same tick of a coarse clock, could otherwise look unchanged) and no file the run
read has gone since (its folder has not changed either); and when each
folder looked in for a config would give the same answer after the run as during it. Records are kept in
``runs-1/`` of a cache folder the run kept its results in and a replay can find without reading a config
(``--cache-dir``; else the one here, or in one of the first four folders given), the newest 32 of them. POSIX
only (elsewhere a file's ctime is not its change time).

This module is light on purpose: a replay imports it, :mod:`inmail_lint.util.files`,
:mod:`inmail_lint.util.fingerprint`, :mod:`inmail_lint.util.unsafe` and the draft size limit
(:mod:`inmail_lint.draft.decode`), and nothing else of the package.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import time
from collections.abc import Iterable

from inmail_lint.draft.decode import MAX_BYTES
from inmail_lint.util.files import CACHE_FOLDER, MIB, RULE_FILES, folder_listing, read_regular, walk_files
from inmail_lint.util.fingerprint import pack_fingerprint
from inmail_lint.util.unsafe import UNSAFE_CHARACTERS

FOLDER_NAME = CACHE_FOLDER
RECORDS = "runs-1"  # the records' format: a new format is a new subfolder, and old records are never read
KEEP = 32  # records kept in a folder (each set of arguments has its own)
MAX_RECORD = 16 * MIB  # bytes: a run that prints more is not recorded
MAX_READ = 16 * MIB  # bytes of a file held by digest (a config, a rule file, a baseline); a larger one: no record
SETTLED_NS = 2 * 10**9  # a file held by digest has not changed for this long before the run began
#: the environment variables that change what ``check`` prints (colour, progress, encodings), besides INMAIL_LINT_*
ENVIRONMENT = (
    "CI",
    "NO_COLOR",
    "FORCE_COLOR",
    "TERM",
    "COLUMNS",
    "LINES",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "HOME",
    "XDG_CONFIG_HOME",
)
_KINDS = ("top", "path", "rules", "folder", "draft")  # what a record checks, cheapest first
# what a report on a terminal may hold besides printable text: tab, line feed and colour (SGR) sequences
_NOT_PRINTED = re.compile("(?!\x1b\\[[0-9;]*m)" + UNSAFE_CHARACTERS)


class Spot:
    """Where the record of a run with these arguments may be kept (the first of ``folders`` where the run keeps
    its results), and its key."""

    def __init__(self, folders: list[str], key: str) -> None:
        self.folders = folders
        self.key = key

    def path(self, folder: str) -> str:
        return os.path.join(folder, RECORDS, f"{self.key}.json")


MAX_FOLDERS_GIVEN = 4  # folders given on the command line whose own cache folder may hold the record


def spot_for(argv: list[str]) -> Spot | None:
    """The spot of a run of ``inmail-lint ARGV`` from here, now; None for a run that is never recorded. The
    record is kept in ``--cache-dir``, else in the cache folder here or in one of the first folders given (a
    folder with a config file of its own keeps its results there)."""
    if os.name != "posix" or argv[:1] != ["check"] or "--no-cache" in argv or sys.stdout is None or sys.stderr is None:
        return None
    try:
        cwd = os.getcwd()
    except OSError:  # the working folder was removed
        return None
    named: str | None = None
    given: list[str] = []
    options = True
    for i, arg in enumerate(argv[1:], 1):
        if options and arg == "--":
            options = False
        elif options and arg == "--cache-dir" and i + 1 < len(argv):
            named = argv[i + 1]
        elif options and arg.startswith("--cache-dir="):
            named = arg.partition("=")[2]
        elif not (options and arg.startswith("-")) and len(given) < MAX_FOLDERS_GIVEN and os.path.isdir(arg):
            given.append(arg)  # (an option's value that is a folder too costs one more place to look)
    environment = sorted((k, v) for k, v in os.environ.items() if k in ENVIRONMENT or k.startswith("INMAIL_LINT_"))
    streams = [
        [os.isatty(fd) for fd in (0, 1, 2)],
        [getattr(stream, name, None) for stream in (sys.stdout, sys.stderr) for name in ("encoding", "errors")],
    ]
    # Python's own options (-X importtime, -W, -I ...): some print on standard error
    python = [sys.executable, list(sys.flags), sorted(map(str, getattr(sys, "_xoptions", {}).items())), sys.warnoptions]
    material = json.dumps([RECORDS, pack_fingerprint(), python, cwd, argv, environment, streams])
    places = [named] if named is not None else [FOLDER_NAME, *(os.path.join(g, FOLDER_NAME) for g in given)]
    folders = list(dict.fromkeys(os.path.normpath(os.path.join(cwd, place)) for place in places))
    return Spot(folders, hashlib.sha256(material.encode("ascii")).hexdigest())


def replay(spot: Spot) -> tuple[int, list[tuple[int, str]]] | None:
    """The status and the output of the run recorded at ``spot`` (each piece with its stream, 1 or 2, in the
    order written), when nothing it depended on has changed and, for a terminal, the output holds nothing but
    text and colour; None otherwise."""
    for folder in spot.folders:
        try:
            record = json.loads(read_regular(spot.path(folder), MAX_RECORD))
        except (OSError, ValueError, RecursionError):  # none, unreadable, or not JSON
            continue
        if not _well_formed(record, spot.key):
            continue
        output = [(fd, text) for fd, text in record["output"]]
        if any(os.isatty(fd) and _NOT_PRINTED.search(text) for fd, text in output):
            continue
        if all(_now(kind, path) == was for kind, path, was in record["checks"]):
            return record["status"], output
    return None


def _well_formed(record: object, key: str) -> bool:
    """A record this code writes, for this key (a cache folder may come from someone else)."""
    if not isinstance(record, dict) or record.get("key") != key:
        return False
    status, output, checks = record.get("status"), record.get("output"), record.get("checks")
    if type(status) is not int or status not in (0, 1) or not isinstance(checks, list):
        return False
    if not isinstance(output, list) or not all(
        isinstance(o, list) and len(o) == 2 and o[0] in (1, 2) and type(o[0]) is int and isinstance(o[1], str)
        for o in output
    ):
        return False
    return all(
        isinstance(c, list) and len(c) == 3 and c[0] in _KINDS and all(isinstance(p, str) for p in c) for c in checks
    )


def _now(kind: str, path: str) -> str | None:
    """What a check of ``kind`` finds at ``path`` now (None: it cannot tell)."""
    try:
        if kind == "top":
            return os.path.realpath(path)
        if kind == "path":
            return path_state(path)
        if kind == "rules":
            return _rule_files(path)[0]
        if kind == "folder":
            with os.scandir(path) as listing:
                return folder_listing(listing)
        return hashlib.sha256(read_regular(path, MAX_BYTES)).hexdigest()  # a draft (a larger one is never kept)
    except (OSError, ValueError):
        return None


def path_state(path: str, settled_before: int | None = None) -> str | None:
    """What is at ``path``: ``absent``; ``folder``, ``other`` (a FIFO, a device) or ``file`` with where it leads;
    a file with its bytes' digest. None when it cannot be read, or (``settled_before``) when a file changed at
    or after that time, or while it was read."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "absent"
    except (OSError, ValueError):
        return None
    real = os.path.realpath(path)
    if stat.S_ISDIR(info.st_mode):
        return f"folder {real}"
    if not stat.S_ISREG(info.st_mode):
        return f"other {real}"
    if settled_before is not None and info.st_ctime_ns >= settled_before:
        return None
    try:
        digest = hashlib.sha256(read_regular(path, MAX_READ)).hexdigest()
        after = os.stat(path)
    except OSError:
        return None
    if (after.st_ino, after.st_size, after.st_ctime_ns) != (info.st_ino, info.st_size, info.st_ctime_ns):
        return None
    return f"file {digest} {real}"


def _rule_files(folder: str) -> tuple[str, list[str]]:
    """The team rule files and phrase lists a rule folder holds, as a run finds them
    (:func:`~inmail_lint.util.files.walk_files`), and a digest of their names."""
    names = walk_files(folder, RULE_FILES, recursive=True)
    return hashlib.sha256("\0".join(names).encode("utf-8", "surrogatepass")).hexdigest(), names


def _absence_settled(path: str, settled_before: int) -> bool:
    """Whether the nearest folder above a missing ``path`` that exists has not changed since ``settled_before``:
    a file the run read and that is gone now went during the run, or after it, and is no absence to record."""
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        try:
            return os.stat(folder).st_ctime_ns < settled_before
        except FileNotFoundError:
            parent = os.path.dirname(folder)
            if parent == folder:
                return False
            folder = parent
        except (OSError, ValueError):
            return False


class Recording:
    """A run being recorded: what it prints on either stream, in order, and whether it may be recorded."""

    def __init__(self, spot: Spot) -> None:
        self.spot = spot
        self.started = time.time_ns()
        # a stream used another way than writing text, output past the limit, or anything on standard error when
        # it is a terminal (a progress bar is drawn by the clock there)
        self.spoiled = False
        self._output: list[tuple[int, list[str]]] = []  # (stream, the pieces written to it in a row), in order
        self._size = 0
        self._terminal = os.isatty(2)
        self._saved: tuple[object, object] | None = None

    def start(self) -> None:
        """Take standard output and standard error through the recording (until :meth:`stop`)."""
        self._saved = (sys.stdout, sys.stderr)
        sys.stdout = _Tee(sys.stdout, self, fd=1)
        sys.stderr = _Tee(sys.stderr, self, fd=2)

    def stop(self) -> None:
        if self._saved is not None:
            sys.stdout, sys.stderr = self._saved
            self._saved = None

    def add(self, fd: int, text: str) -> None:
        if not text:
            return
        self._size += len(text)
        if self._size > MAX_RECORD // 2 or (fd == 2 and self._terminal):
            self.spoiled = True
        elif not self.spoiled:
            if self._output and self._output[-1][0] == fd:
                self._output[-1][1].append(text)  # (joined once, when the record is made)
            else:
                self._output.append((fd, [text]))

    def checks(
        self,
        seen: Iterable[tuple[str, str, str]],
        drafts: Iterable[str],
        digests: dict[str, str],
        read: Iterable[str],
        looked_for: Iterable[str],
        rule_dirs: Iterable[str],
    ) -> list[list[str]] | None:
        """What a replay checks, cheapest first: ``seen`` by the walk (where each path given leads, each folder's
        entries), the state of each file the run ``read`` and of each name it ``looked_for`` (a config, a
        project marker; the resolver has said that its answers still hold), the rule files in each of
        ``rule_dirs``, each draft's digest as read. None when one of them cannot be held: a file the run read
        changed too recently, or went (its folder changed since the run began); a rule file appeared."""
        settled = self.started - SETTLED_NS
        found = list(seen)
        read = set(read)
        checks = [["top", path, value] for kind, path, value in found if kind == "top"]
        for path in sorted(read | set(looked_for)):
            state = path_state(path, settled)
            if state is None or (state == "absent" and path in read and not _absence_settled(path, settled)):
                return None
            checks.append(["path", path, state])
        for folder in sorted(set(rule_dirs)):
            digest, names = _rule_files(folder)
            if not read.issuperset(names):  # one appeared since the run read the folder
                return None
            checks.append(["rules", folder, digest])
        checks += [["folder", path, value] for kind, path, value in found if kind == "folder"]
        for path in drafts:
            if path not in digests:
                return None
            checks.append(["draft", path, digests[path]])
        return checks

    def encode(self, status: int, checks: list[list[str]]) -> bytes | None:
        """The record (None when the run may not be recorded or it would be too large)."""
        if self.spoiled or status not in (0, 1):
            return None
        output = [[fd, "".join(pieces)] for fd, pieces in self._output]
        record = {"key": self.spot.key, "status": status, "output": output, "checks": checks}
        data = json.dumps(record).encode("ascii")
        return data if len(data) <= MAX_RECORD else None


class _Tee:
    """A standard stream during a recorded run: its text is recorded as it is written; reaching for what lies
    under it (its bytes, its file number) means the run is not recorded."""

    def __init__(self, stream: object, recording: Recording, *, fd: int) -> None:
        self._stream = stream
        self._recording = recording
        self._fd = fd

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # bytes: refused, as a text stream does (click asks so, to tell them apart)
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._recording.add(self._fd, text)
        written: int = self._stream.write(text)  # type: ignore[attr-defined]
        return written

    def flush(self) -> None:
        self._stream.flush()  # type: ignore[attr-defined]

    def isatty(self) -> bool:
        return bool(self._stream.isatty())  # type: ignore[attr-defined]

    @property
    def encoding(self) -> str | None:
        return getattr(self._stream, "encoding", None)

    @property
    def errors(self) -> str | None:
        return getattr(self._stream, "errors", None)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> object:
        if name in _BEHIND:  # what could be written through without the recording seeing it
            self._recording.spoiled = True
        return getattr(self._stream, name)


_BEHIND = frozenset({"buffer", "raw", "detach", "fileno"})


def keep_records(folder: str, keep: int = KEEP) -> None:
    """Remove all but the newest ``keep`` records in ``folder``."""
    import contextlib  # a record is being written: a replay never gets here

    try:
        with os.scandir(folder) as listing:
            records = [
                (entry.stat(follow_symlinks=False).st_mtime_ns, entry.path)
                for entry in listing
                if entry.name.endswith(".json") and entry.is_file(follow_symlinks=False)
            ]
    except OSError:
        return
    for _, path in sorted(records)[: max(0, len(records) - keep)]:
        with contextlib.suppress(OSError):  # removed by another run meanwhile
            os.unlink(path)
