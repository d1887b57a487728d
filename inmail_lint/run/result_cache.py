"""The result cache of ``check``: what linting a draft gave, kept on disk and given back while nothing it depends
on has changed, so a run over a folder where almost nothing changed lints only what did (and, when nothing
did, never imports spaCy).

An entry is keyed by everything the result depends on: the draft's bytes and the names it is reported and
matched under; the resolved configuration and the files it reads (team rules and phrase lists in its
``rule-dirs``, a team model); the built-in rule pack, the package's own code and the libraries that judge
(spaCy, textstat, pyphen, ...), by their files' sizes and modification times; and the version. Files a draft
reads for itself (a ``recipient:`` profile) are recorded in its entry and checked when it is read back.

Entries are JSON (never pickle: a cache folder may come from someone else), one file each, written to a
temporary file in the same folder and renamed into place, so a reader (another run: pre-commit runs hooks in
parallel) sees a whole entry or none. They are written and read by msgspec, typed by the result's own
annotations: reading checks every value's type as it parses (no code runs, and no object is built from a value
of the wrong shape), about three times as fast as parsing the JSON and then building the result. An entry that
cannot be read, parsed or decoded, or that holds another key, is a miss and is written again; a result whose
text is not UTF-8 (a file name that is not) is not kept. The folder holds a ``.gitignore`` of ``*`` and a
``CACHEDIR.TAG``, so git and backup tools pass over it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import json
import math
import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from inmail_lint.config.settings import Config
from inmail_lint.diagnostic import Locator
from inmail_lint.engine.result import FileResult
from inmail_lint.model.estimate import Estimate
from inmail_lint.run.batch import Job, Workers, run_all
from inmail_lint.run.replay import FOLDER_NAME, RECORDS, keep_records
from inmail_lint.sources.files import read_bytes, relpath_for
from inmail_lint.sources.write import WriteRefused, make_folder, write_file
from inmail_lint.util.files import RULE_FILES, file_stamp, file_stamps
from inmail_lint.util.fingerprint import pack_fingerprint

if TYPE_CHECKING:  # the linter is imported only where a draft is linted (inmail_lint.run.batch)
    from inmail_lint.engine.linter import Linter

LAYOUT = "results-2"  # the entries' format: a new format is a new subfolder, and old entries are never read
CHECKED = "configs-1"  # a file for each configuration whose linter was built without an error
MAX_ENTRY = 16 * 1024 * 1024  # bytes: an entry holds a draft of at most 1 MiB and its findings
GITIGNORE = "# Written by inmail-lint: its result cache, not for version control.\n*\n"
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by inmail-lint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def _model_present(name: str) -> bool:
    """Whether a ``spacy-model`` is still there: a package by its name, or a saved pipeline by its path (a
    name with a dot or a slash, or one that starts with '.', is no package name importlib can look up)."""
    if os.sep in name or "/" in name or name.startswith("."):
        return Path(name).exists()
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError, TypeError):
        return Path(name).exists()


def config_fingerprint(config: Config) -> str:
    """The resolved configuration, with the files it reads (team rules and their phrase lists, a team model)."""
    settings = json.dumps(dataclasses.asdict(config), sort_keys=True, default=repr)
    parts = [settings]
    for folder in config.rule_dirs:  # the rule files and the phrase lists beside them, as the registry reads them
        parts += file_stamps(folder, RULE_FILES, recursive=True)
    if config.model is not None:
        parts.append(file_stamp(config.model))
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _read_stamp(name: str) -> tuple[str, int | None, int | None, int | None]:
    """A file a draft read, as its entry records it: name, size, modification time, inode (None: missing)."""
    try:
        info = os.stat(name)
    except (OSError, ValueError):  # ValueError: a name with a NUL, in an entry someone else wrote
        return (name, None, None, None)
    return (name, info.st_size, info.st_mtime_ns, info.st_ino)


def _tagged(value: Any) -> Any:
    """A config table's value with every part tagged by its type, so that two tables have the same ``repr``
    only when they are equal and of the same types (``1`` is not ``true``, a TOML date is not a string)."""
    if isinstance(value, Mapping):
        return ("table", tuple(sorted((str(key), _tagged(item)) for key, item in value.items())))
    if isinstance(value, (list, tuple)):
        return ("array", tuple(_tagged(item) for item in value))
    return (type(value).__name__, value)


def cacheable(result: FileResult) -> bool:
    """Whether a result may be kept: not one with an internal error, nor one where a check did not finish (a
    team pattern stopped for time: the next run may finish it)."""
    return result.error is None and not result.skipped


@dataclass
class Entry:
    """What the cache keeps for one key: the files the draft read, the text its diagnostics point into, and the
    result (without its locator, built again from ``source``, and without what is never reported)."""

    key: str
    reads: list[tuple[str, int | None, int | None, int | None]]
    source: str | None
    result: FileResult


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Entry)


def to_entry(key: str, result: FileResult) -> bytes:
    kept = dataclasses.replace(result, locator=None, observations=None, error=None)
    source = result.locator.text if result.locator is not None else None
    return _ENCODER.encode(Entry(key, [_read_stamp(name) for name in result.reads], source, kept))


def from_entry(key: str, data: bytes) -> FileResult | None:
    """The result an entry holds, or None when it is not this key's, a file it read has changed, or its shape
    is wrong."""
    try:
        entry = _DECODER.decode(data)
    except (msgspec.DecodeError, RecursionError, ValueError, TypeError):
        return None
    if entry.key != key or not all(_read_stamp(stamp[0]) == stamp for stamp in entry.reads):
        return None
    result, source = entry.result, entry.source
    if result.error is not None or result.observations is not None:
        return None
    result.locator = None
    if result.diagnostics:
        if source is None:
            return None
        result.locator = Locator(source)
        if not _placed_inside(result, len(source), result.locator.line_count()):
            return None
    if result.estimate is not None and not _plausible(result.estimate):
        return None
    return result


def _plausible(estimate: Estimate) -> bool:
    """An estimate this linter could have made: probabilities in [0, 1], positive finite odds ratios."""
    numbers = (estimate.probability, estimate.low, estimate.high, *(p for _, p in estimate.if_fixed))
    if not all(isinstance(p, (int, float)) and 0 <= p <= 1 for p in numbers):
        return False
    return all(isinstance(f.odds_ratio, (int, float)) and 0 < f.odds_ratio < math.inf for f in estimate.factors)


def _placed_inside(result: FileResult, length: int, lines: int) -> bool:
    """Every diagnostic (and fix) lies inside the text it was found in: an entry that says otherwise is not
    one this linter wrote, and the formatters would fail on it."""
    for d in result.diagnostics:
        if not 0 <= d.start <= d.end <= length:
            return False
        for position in (d.location, d.end_location):
            if position is not None and not (1 <= position.row <= lines and position.column >= 1):
                return False
        if d.fix is not None and not all(0 <= e.start <= e.end <= length for e in d.fix.edits):
            return False
    return True


@dataclass
class ResultCache:
    """The entries in one cache folder. Writing is given up for the rest of the run at the first failure
    (a read-only folder, a full disk); ``problem`` then says why, once."""

    folder: Path
    problem: str | None = None
    reported: bool = False
    _ready: bool = field(default=False, repr=False)
    _fingerprints: dict[int, tuple[Config, str]] = field(default_factory=dict, repr=False)

    @property
    def entries(self) -> Path:
        return self.folder / LAYOUT

    def _fingerprint(self, config: Config) -> str:
        known = self._fingerprints.get(id(config))
        if known is None or known[0] is not config:
            known = self._fingerprints[id(config)] = (config, config_fingerprint(config))
        return known[1]

    def _checked_path(self, config: Config) -> Path:
        name = hashlib.sha256(f"{pack_fingerprint()}\0{self._fingerprint(config)}".encode()).hexdigest()
        return self.folder / CHECKED / name

    def checked(self, config: Config) -> bool:
        """Whether this configuration, with the files it reads and this code, built a linter before: checking
        it again (building its linter, reading every rule) can wait until a draft needs linting."""
        if config.spacy_model is not None and not _model_present(config.spacy_model):
            return False  # a named spaCy model that is gone is an error to report now
        return os.path.isfile(self._checked_path(config))

    def mark_checked(self, config: Config) -> None:
        self._mark(self._checked_path(config))

    def _passed_path(self, table: Mapping[str, Any]) -> Path:
        name = hashlib.sha256(f"{pack_fingerprint()}\0schema\0{_tagged(table)!r}".encode()).hexdigest()
        return self.folder / CHECKED / f"schema-{name}"

    def schema_passed(self, table: Mapping[str, Any]) -> bool:
        """Whether a config table with exactly these contents passed the schema under this code before."""
        return os.path.isfile(self._passed_path(table))

    def mark_schema_passed(self, table: Mapping[str, Any]) -> None:
        self._mark(self._passed_path(table))

    def _mark(self, path: Path) -> None:
        if self.problem is not None:
            return
        try:
            self._prepare()
            make_folder(path.parent)
            self._write(path, b"")
        except (OSError, WriteRefused) as exc:
            self.problem = getattr(exc, "strerror", None) or str(exc)

    def key(self, config: Config, display: str, relpath: str | None, data_digest: str) -> str:
        """The key of a draft's result under ``config``, from the SHA-256 of the draft's bytes (which a record
        of the run keeps too: each draft is hashed once)."""
        digest = hashlib.sha256()
        for part in (pack_fingerprint(), self._fingerprint(config), display, relpath or "", data_digest):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    def get(self, key: str) -> FileResult | None:
        """The kept result for ``key``, or None (no entry, or one that cannot be used)."""
        try:  # a string path: building path objects for each of a thousand lookups is measurable
            fd = os.open(os.path.join(self.folder, LAYOUT, f"{key}.json"), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            data = os.read(fd, MAX_ENTRY + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        if len(data) > MAX_ENTRY:
            return None
        return from_entry(key, data)

    def put(self, key: str, result: FileResult) -> None:
        """Keep ``result`` under ``key`` (atomically; nothing when it may not be kept or writing failed)."""
        if self.problem is not None or not cacheable(result):
            return
        try:
            data = to_entry(key, result)
        except (UnicodeEncodeError, msgspec.EncodeError):  # a name that is not UTF-8 (a file's): not kept
            return
        try:
            self._prepare()
            self._write(self.entries / f"{key}.json", data)
        except (OSError, WriteRefused) as exc:
            self.problem = getattr(exc, "strerror", None) or str(exc)

    def keep_record(self, key: str, data: bytes) -> bool:
        """Keep a record of a whole run (see :mod:`inmail_lint.run.replay`), and no more than the newest few;
        whether it was written."""
        if self.problem is not None:
            return False
        try:
            self._prepare()
            make_folder(self.folder / RECORDS)
            self._write(self.folder / RECORDS / f"{key}.json", data)
        except (OSError, WriteRefused):
            return False
        keep_records(str(self.folder / RECORDS))
        return True

    def _write(self, path: Path, data: bytes) -> None:
        """``data`` into ``path`` by a rename (a reader sees the whole file or none), never through a link out
        of the cache folder."""
        write_file(path, data, inside=self.folder, durable=False)

    def _prepare(self) -> None:
        """Make the folder (with its ``.gitignore`` and tag) and the entries' subfolder, once. A folder of that
        name that is a link or a file is never written into or over."""
        if self._ready:
            return
        for path in (self.folder, self.entries):
            created = make_folder(path)
            if created and path == self.folder:
                for name, text in ((".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)):
                    with contextlib.suppress(WriteRefused):  # made by another run at this moment
                        write_file(path / name, text.encode("utf-8"), new_only=True, inside=self.folder)
        self._ready = True


class ResultCaches:
    """The cache folder of each configuration in a run: ``.inmail_lint_cache`` beside its config file (in the
    current folder for the defaults and ``--isolated``), or one ``--cache-dir`` for all; None where the cache
    is off (``--no-cache``, or ``cache = false`` in the config)."""

    def __init__(self, cache_dir: Path | None = None, enabled: bool = True, *, default: Path | None = None) -> None:
        self.cache_dir = cache_dir
        self.enabled = enabled
        self.default = default  # the folder beside which a config without a file keeps its cache (default: here)
        self._folders: dict[Path, ResultCache] = {}
        self.digests: dict[str, str] | None = None  # when a run is recorded: each draft file's bytes as read
        self._by_config: dict[int, tuple[Config, ResultCache | None]] = {}

    def for_config(self, config: Config) -> ResultCache | None:
        known = self._by_config.get(id(config))
        if known is None or known[0] is not config:
            known = self._by_config[id(config)] = (config, self._folder_for(config))
        return known[1]

    def _folder_for(self, config: Config) -> ResultCache | None:
        if not self.enabled or not config.cache:
            return None
        return self._at(config.path)

    def _at(self, config_path: Path | None) -> ResultCache:
        """The cache folder of a configuration read from ``config_path`` (None: the defaults)."""
        if self.cache_dir is not None:
            folder = self.cache_dir
        else:
            beside = config_path.parent if config_path is not None else (self.default or Path.cwd())
            folder = beside / FOLDER_NAME
        folder = Path(os.path.abspath(folder))
        cache = self._folders.get(folder)
        if cache is None:
            cache = self._folders[folder] = ResultCache(folder)
        return cache

    # a config table that passed the schema, kept where that config's results are (see SchemaPasses)
    def known(self, path: Path, table: Mapping[str, Any]) -> bool:
        return self._keeps(table) and self._at(path).schema_passed(table)

    def add(self, path: Path, table: Mapping[str, Any]) -> None:
        if self._keeps(table):
            self._at(path).mark_schema_passed(table)

    def _keeps(self, table: Mapping[str, Any]) -> bool:
        """Whether the run keeps results for a config with this table (not --no-cache, nor ``cache = false``)."""
        return self.enabled and table.get("cache", True) is not False

    def folder(self, path: str) -> ResultCache | None:
        """The cache in folder ``path`` (absolute), when this run keeps results there."""
        return self._folders.get(Path(path))

    def problems(self) -> list[str]:
        """Each folder that could not be written, once: 'FOLDER: why'."""
        said = []
        for cache in self._folders.values():
            if cache.problem is not None and not cache.reported:
                cache.reported = True
                said.append(f"{cache.folder}: {cache.problem}")
        return said


@dataclass(frozen=True)
class _Miss:
    cache: ResultCache | None
    key: str = ""


def _look_up(job: Job, config: Config, caches: ResultCaches) -> FileResult | tuple[Job, _Miss]:
    """A draft file's kept result, or the job to lint it (with the bytes the key was made from, so the result
    kept is the one for those bytes even if the file changes meanwhile)."""
    cache = caches.for_config(config) if job.mode == "file" and job.target.path is not None else None
    if cache is None or job.target.path is None:
        return job, _Miss(None)
    data, _ = read_bytes(job.target.path)
    if data is None:  # linting it says why it cannot be read; that is not kept
        return job, _Miss(None)
    data_digest = hashlib.sha256(data).hexdigest()
    if caches.digests is not None:
        caches.digests[str(job.target.path)] = data_digest
    key = cache.key(config, job.target.display, relpath_for(job.target, config), data_digest)
    kept = cache.get(key)
    if kept is not None:
        return kept
    return dataclasses.replace(job, data=data), _Miss(cache, key)


def run_cached(
    jobs: Iterable[Job],
    configs: dict[int, Config],
    linters: Mapping[int, Linter],
    caches: ResultCaches,
    pool: Workers | None = None,
    helpers: int = 0,
) -> Iterator[FileResult]:
    """:func:`~inmail_lint.run.batch.run_all` with the cache: kept results where there are any, the rest linted
    (by this process and the helpers) and kept; in the order of ``jobs``, as they come."""
    order: deque[FileResult | _Miss] = deque()

    def to_lint() -> Iterator[Job]:
        for job in jobs:
            looked = _look_up(job, configs[job.config_key], caches)
            if isinstance(looked, FileResult):
                order.append(looked)
                continue
            order.append(looked[1])
            yield looked[0]

    for result in run_all(to_lint(), configs, linters, pool, helpers):
        while not isinstance(order[0], _Miss):
            yield order.popleft()  # type: ignore[misc]
        miss = order.popleft()
        assert isinstance(miss, _Miss)
        if miss.cache is not None:
            miss.cache.put(miss.key, result)
        yield result
    while order:
        kept = order.popleft()
        assert isinstance(kept, FileResult)
        yield kept
