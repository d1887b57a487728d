"""A run session: the one way every surface (the command line, the language server, the web page, the Python
API) lints, caches and writes.

A :class:`Session` owns the configuration resolver, the linters (one per configuration, built after it is
validated), the result cache, the helper processes and the :class:`~inmail_lint.sources.write.Inputs`: every
file the run has read or will read. It offers what the surfaces need (lint a text as if at a path, lint the
drafts a set of paths names, fix a draft, list a folder, write a file) and nothing else in ``run/`` is
imported by a surface (an import contract checks it). Every file a session writes goes through
:func:`~inmail_lint.sources.write.write_file` with its inputs, so nothing the run reads is ever written over.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from inmail_lint.config.settings import (
    LOOKED_FOR,
    Config,
    ConfigError,
    ConfigResolver,
    load_config_file,
    named_paths,
)
from inmail_lint.engine.result import FileResult
from inmail_lint.run.batch import Job, Workers, is_batch, make_jobs, run_all, run_job, start_workers
from inmail_lint.run.check import CheckRequest, Console, Stop, check, options_for
from inmail_lint.run.options import RunOptions
from inmail_lint.run.replay import Recording, Spot
from inmail_lint.run.result_cache import ResultCaches, run_cached
from inmail_lint.sources.files import (
    PathError,
    Seen,
    Skipped,
    Target,
    discover,
    is_draft_path,
    prepare,
    relpath_for,
)
from inmail_lint.sources.write import Inputs, Stamp, WriteRefused, check_output, write_file
from inmail_lint.util.files import RULE_FILES, files_under
from inmail_lint.util.runs import new_run
from inmail_lint.util.status import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS

# The linter (its rules, spaCy) is imported when a configuration's linter is first needed: a run whose results
# all come from the cache, under configurations it has checked before, never loads it.
if TYPE_CHECKING:
    from inmail_lint.engine.linter import Linter
    from inmail_lint.run.credits import CreditPlan
    from inmail_lint.run.targets import FixOutcome

__all__ = [
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "CheckRequest",
    "Console",
    "PathError",
    "RunOptions",
    "Session",
    "Skipped",
    "Spot",
    "Target",
    "WriteRefused",
    "is_batch",
    "run_check",
]


class Session:
    """One run: its configurations, linters, result cache, helper processes, and the files it reads."""

    def __init__(self, options: RunOptions | None = None, *, recording: bool = False) -> None:
        new_run()  # (a long-lived surface's session begins one for each lint: lint_text, lint_bytes, results)
        self.options = options or RunOptions()
        self.inputs = Inputs()
        self._lock = threading.RLock()
        self._recorded: dict[int, Config] = {}  # configurations whose files are in ``inputs`` (since a reset)
        self._pool: Workers | None = None
        self.caches = ResultCaches(
            self.options.cache_dir, enabled=self.options.cache, default=self.options.cache_beside
        )
        self.resolver = self._new_resolver()
        # when the run is recorded (a command-line check): what the walk saw, and the drafts it found
        self._seen: Seen | None = [] if recording else None
        self._found: list[Target] = []
        if recording:
            self.caches.digests = {}

    # --- life ----------------------------------------------------------------------------------------------
    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def reset(self) -> None:
        """Read configuration files afresh (one was saved): a new resolver; linters are rebuilt as needed."""
        with self._lock:
            self.resolver = self._new_resolver()
            self._recorded.clear()

    def _new_resolver(self) -> ConfigResolver:
        o = self.options
        return ConfigResolver(
            config_file=o.config_file,
            isolated=o.isolated,
            select=o.select,
            extend_select=o.extend_select,
            ignore=o.ignore,
            kind=o.kind,
            model=o.model,
            send_at=o.send_at,
            passes=self.caches,  # a config file that passed the schema before is not checked again
        )

    @property
    def processes(self) -> int:
        """Processes to lint with: ``jobs`` (0: one per CPU), never more than the CPUs this process may use
        (each helper loads spaCy: -j 48 on two cores is -j 2)."""
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return min(self.options.jobs or cpus, cpus)

    # --- configuration -------------------------------------------------------------------------------------
    def config_for(self, path: Path | None, directory: Path | None = None) -> Config:
        """The configuration of a draft at ``path`` (or, for text with no file, of ``directory``, default
        here); its files are recorded as the run's inputs. :class:`ConfigError` when it is wrong."""
        with self._lock:
            if path is not None:
                config = self.resolver.for_path(path)
            else:
                config = self.resolver.for_directory(directory or Path.cwd())
            if self._recorded.get(id(config)) is not config:
                self._recorded[id(config)] = config
                self._record_config(config)
            return config

    def load_config(self, path: Path) -> Config:
        """A configuration read from one named file (the Python API's ``load_config``, ``calibrate``)."""
        config = load_config_file(path)
        self._record_config(config)
        return config

    def _record_config(self, config: Config) -> None:
        inputs = self.inputs
        if config.path is not None:
            inputs.add(config.path, "a config file it reads")
        inputs.add_all(config.extends, "a config file its config extends")
        if config.model is not None:
            inputs.add(config.model, "the refund model it reads")
        for folder in config.rule_dirs:
            inputs.add_all(files_under(folder, RULE_FILES, recursive=True), "a team rule file it reads")

    def linter(self, config: Config) -> Linter:
        """The linter of ``config``, built once; building it checks the configuration against the rules
        (:class:`ConfigError` or :class:`~inmail_lint.checks.define.base.RuleDefinitionError` when it is wrong)."""
        from inmail_lint.run.linters import LINTERS  # the linter: see the imports above

        with self._lock:
            return LINTERS.get(config)

    def check_config(self, config: Config) -> None:
        """Check a configuration now (so a bad one stops the run before anything is printed), unless the
        result cache says this one, with the files it reads and this code, passed before."""
        cache = self.caches.for_config(config)
        if cache is not None and cache.checked(config):
            return
        self.linter(config)
        if cache is not None:
            cache.mark_checked(config)

    # --- finding drafts ------------------------------------------------------------------------------------
    def discover(
        self, paths: Iterable[str], stdin_filename: str | None = None
    ) -> Iterator[Target | PathError | Skipped]:
        """The drafts ``paths`` name (folders walked by each one's config), recorded as inputs as found."""
        for item in discover(list(paths), self.resolver, stdin_filename, seen=self._seen):
            if isinstance(item, Target) and item.path is not None:
                self.inputs.add(item.path, "a draft it lints", rewritable=not is_batch(item))
            if isinstance(item, Target) and self._seen is not None:
                self._found.append(item)
            yield item

    def is_draft(self, path: Path, config: Config) -> bool:
        """Whether ``path`` is a draft by its config's include and exclude, as ``check .`` would find it."""
        relpath = relpath_for(Target(path, str(path)), config)
        return relpath is not None and is_draft_path(relpath, config)

    def plan(self, targets: Iterable[Target], stdin_dir: Path | None = None) -> list[tuple[Target, Config]]:
        """Each target with its configuration, each configuration checked (see :meth:`check_config`)."""
        plan = []
        for target in targets:
            config = self.config_for(target.path, stdin_dir)
            plan.append((target, config))
        for config in {id(c): c for _, c in plan}.values():
            self.check_config(config)
        return plan

    # --- linting -------------------------------------------------------------------------------------------
    def lint_text(
        self,
        text: str,
        path: Path | None = None,
        *,
        display: str | None = None,
        directory: Path | None = None,
        config: Config | None = None,
    ) -> FileResult:
        """Lint ``text`` as the draft at ``path`` would be (its config, per-file-ignores, relative paths); with
        no path, as a new draft in ``directory``. A ``recipient:`` profile is read (and recorded). ``config``
        is the draft's configuration when the caller has resolved it already."""
        new_run()
        config = config or self.config_for(path, directory)
        folder = path.parent if path is not None else (directory or Path.cwd())
        shown = display if display is not None else (str(path) if path is not None else "<string>")
        draft = prepare(text, shown, folder, config.root)
        relpath = relpath_for(Target(path, shown), config) if path is not None else None
        result = self.linter(config).lint(draft, relpath)
        self.inputs.add_all(result.reads, "a profile it reads")
        return result

    def lint_bytes(self, data: bytes, display: str, *, config: Config, directory: Path | None = None) -> FileResult:
        """Lint a draft file's bytes (decoding problems are IM001); a profile is read from ``directory``."""
        from inmail_lint.engine.linter import unreadable_result
        from inmail_lint.sources.files import load_draft

        new_run()
        linter = self.linter(config)
        draft, problem = load_draft(data, display, directory, config.root if directory else None)
        if draft is None:
            return unreadable_result(display, str(problem), linter)
        result = linter.lint(draft)
        self.inputs.add_all(result.reads, "a profile it reads")
        return result

    def lint_target(self, target: Target, config: Config, *, data: bytes | None = None) -> FileResult:
        """Read and lint one draft file (or standard input)."""
        from inmail_lint.run.targets import lint_target

        result = lint_target(target, config, self.linter(config), data=data)
        self.inputs.add_all(result.reads, "a profile it reads")
        return result

    def lint_job(self, job: Job, config: Config) -> FileResult:
        return run_job(job, config, self.linter(config))

    def results(
        self, plan: list[tuple[Target, Config]], rows: list[dict[str, str]] | None = None
    ) -> Iterator[FileResult]:
        """The results of linting every draft of ``plan`` (a batch file's rows, or a template with each row of
        ``rows``), in order, as they come: from the result cache where it holds them, the rest linted here and
        by helper processes (started only when two drafts need linting)."""
        configs = {id(c): c for _, c in plan}
        linters = _LazyLinters(self, configs)
        if self._pool is None and self.processes > 1:
            self._pool = Workers(self.processes, start_workers)
        helpers = self.processes - 1
        jobs = make_jobs(plan, rows)
        if self.caches.enabled and rows is None:
            results = run_cached(jobs, configs, linters, self.caches, self._pool, helpers)
        else:
            results = run_all(jobs, configs, linters, self._pool, helpers)
        for result in results:
            self.inputs.add_all(result.reads, "a profile it reads")
            yield result

    def cache_problems(self) -> list[str]:
        return self.caches.problems()

    def keep_record(self, recording: Recording, request: CheckRequest, status: int) -> bool:
        """Keep the record of a command-line check that ended with ``status``, when it may be replayed (see
        :mod:`inmail_lint.run.replay`; :func:`run_check` records only a request that may be); whether it was
        kept."""
        configs = list(self._recorded.values())
        digests = self.caches.digests
        cache = next(filter(None, map(self.caches.folder, recording.spot.folders)), None)
        if self._seen is None or digests is None or cache is None or not configs:
            return False
        if any(not c.cache or c.spacy_model is not None for c in configs) or self._helpers_started():
            return False  # (a helper process prints where the recording cannot see it)
        if any(t.path is None or is_batch(t) for t in self._found) or not self.resolver.unchanged():
            return False
        drafts = [str(t.path) for t in self._found]
        read = set(self.inputs.paths()).difference(drafts)
        read.update(str(p) for p in (request.config_file, request.model_file, request.baseline) if p is not None)
        for config in configs:  # the paths it names, as written (a link on the way may be pointed elsewhere)
            for path in (config.path, *config.extends):
                if path is not None:
                    read.update(str(named) for named in named_paths(path))
        looked_for = [str(folder / name) for folder in self.resolver.looked_in() for name in LOOKED_FOR]
        rule_dirs = [str(folder) for config in configs for folder in config.rule_dirs]
        checks = recording.checks(self._seen, drafts, digests, read, looked_for, rule_dirs)
        data = recording.encode(status, checks) if checks is not None else None
        return data is not None and cache.keep_record(recording.spot.key, data)

    def _helpers_started(self) -> bool:
        return self._pool is not None and self._pool.pool is not None

    # --- fixing and writing --------------------------------------------------------------------------------
    def fix(self, target: Target, config: Config, *, unsafe: bool = False) -> FixOutcome:
        """One draft linted with its fixes applied in memory, with the stamp of the file as it was read."""
        from inmail_lint.run.targets import fix_target

        return fix_target(target, config, self.linter(config), unsafe=unsafe)

    def write_fixed(self, target: Target, outcome: FixOutcome) -> None:
        """A fixed draft over its file, only if the file is as it was when read (else :class:`WriteRefused`)."""
        assert target.path is not None
        if outcome.stamp is None:
            raise WriteRefused(f"{target.display}: could not be read again; it was not written")
        write_file(target.path, outcome.encoded(), inputs=self.inputs, replaces=outcome.stamp)

    def write(
        self, path: Path, data: bytes | IO[str], *, replaces: Stamp | None = None, new_only: bool = False
    ) -> None:
        """Write a file through the guarded write path: never over a file this session reads."""
        write_file(path, data, inputs=self.inputs, replaces=replaces, new_only=new_only)

    def read_input(self, path: Path, what: str) -> None:
        """Record a file the run reads by other means (a history, a ``--vars`` table, a model)."""
        self.inputs.add(path, what)

    def check_output(self, path: Path) -> None:
        """Refuse now, before the work, an output this run may not write (one of its inputs, or not writable):
        :class:`WriteRefused` saying why. The write itself checks again."""
        check_output(path, self.inputs)

    # --- other services ------------------------------------------------------------------------------------
    def history_observations(
        self, rows: list[dict[str, str]], config: Config
    ) -> tuple[list[dict[str, Any]], list[int]]:
        from inmail_lint.run.history import history_observations

        return history_observations(rows, config, self.linter(config))

    def plan_credits(
        self,
        plan_name: str,
        per_month: float,
        months: int,
        response_rate: float | None,
        drafts_dir: Path | None,
        *,
        opening: float = 0.0,
        expiry: str | None = None,
        directory: Path | None = None,
    ) -> CreditPlan:
        """A credit plan (``credits``, the page's chart): the plans are the built-in ones and those of the
        config that applies in ``directory``; the response rate given or the mean estimate of ``drafts_dir``."""
        from inmail_lint.run.credits import plan_credits

        config = self.config_for(None, directory)
        return plan_credits(
            config,
            self.mean_estimate,
            plan_name,
            per_month,
            months,
            response_rate,
            drafts_dir,
            opening=opening,
            expiry=expiry,
        )

    def mean_estimate(self, folder: Path) -> tuple[float, int]:
        """The mean refund estimate of the drafts in ``folder`` that spend a credit, and how many there are."""
        new_run()
        total, count = 0.0, 0
        for item in self.discover([str(folder)]):
            if not isinstance(item, Target) or item.path is None:
                continue
            estimate = self.lint_target(item, self.config_for(item.path)).estimate
            if estimate is not None and estimate.credit_at_stake:
                total += estimate.probability
                count += 1
        return (total / count if count else 0.0), count


def run_check(request: CheckRequest, console: Console, spot: Spot | None = None) -> int:
    """Run ``check``; the exit status (0 clean, 1 problems, 2 an error). With a ``spot`` (the command line's
    run), the run is recorded there when it may be replayed (:mod:`inmail_lint.run.replay`)."""
    recording = Recording(spot) if spot is not None and request.recordable else None
    try:
        with _session_for(request, recording=recording is not None) as session:
            if recording is None:
                return check(session, request, console)
            recording.start()
            try:
                status = check(session, request, console)
            finally:
                recording.stop()
            with contextlib.suppress(OSError, ValueError):  # not kept: the next run is done in full
                session.keep_record(recording, request, status)
            return status
    except Stop as exc:
        console.error(str(exc))
        return EXIT_ERROR


def _session_for(request: CheckRequest, *, recording: bool) -> Session:
    """The run's session; ``Stop`` when its options cannot be read (the --config file and --kind are read as
    the session starts, before anything is linted)."""
    try:
        return Session(options_for(request), recording=recording)
    except ConfigError as exc:
        raise Stop(str(exc)) from None


class _LazyLinters(Mapping[int, "Linter"]):
    """The linter of each configuration of a plan by ``id(config)``, built when a job first needs it."""

    def __init__(self, session: Session, configs: dict[int, Config]) -> None:
        self._session = session
        self._configs = configs

    def __getitem__(self, key: int) -> Linter:
        return self._session.linter(self._configs[key])

    def __contains__(self, key: object) -> bool:
        return key in self._configs

    def __iter__(self) -> Iterator[int]:
        return iter(self._configs)

    def __len__(self) -> int:
        return len(self._configs)
