"""Work items for a run: a draft file, a row of a batch file (CSV or JSON Lines exported from an outreach
tool), or a row of a mail merge. A run is a list of jobs, done in order by one process or spread over several
(``--jobs``) with the same results in the same order."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import itertools
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from inmail_lint.config.settings import Config
from inmail_lint.engine.result import FileResult
from inmail_lint.sources.files import Target, load_draft, relpath_for
from inmail_lint.sources.tables import iter_rows
from inmail_lint.util.runs import new_run

# The linter, spaCy's warm-up and the process pool are imported where a job is linted or a helper started: a
# run whose results all come from the cache loads none of them (about a third of its time).
if TYPE_CHECKING:
    from concurrent.futures import Executor, Future, ProcessPoolExecutor

    from inmail_lint.draft.document import Draft
    from inmail_lint.engine.linter import Linter

BATCH_SUFFIXES = (".csv", ".jsonl", ".ndjson")


@dataclass(frozen=True)
class Job:
    mode: str  # "file", "batch" (a row of a batch file) or "merge" (a template with a row of --vars)
    target: Target
    config_key: int
    row: int | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    problem: str | None = None  # a batch row that could not be read
    line: int | None = None  # a batch row: the line of the file where it starts
    data: bytes | None = None  # standard input, read once by the main process
    run: int = 0  # the run it belongs to (:func:`make_jobs` begins one: inmail_lint.util.runs)


def is_batch(target: Target) -> bool:
    return target.path is not None and target.path.suffix.lower() in BATCH_SUFFIXES


# ------------------------------------------------------------------------------------------------- running

_TEMPLATES: dict[tuple[int, str, int], Draft | str] = {}
MAX_TEMPLATES = 64


def _template(job: Job, config: Config) -> Draft | str:
    """A template draft, read once per run (a merge has one job per row). The key is the run's, the same in
    every helper and every chunk; a later run reads the template again: a path and a configuration's ``id``
    can both come back in a long-lived process (the language server, the API, tests) for another file."""
    from inmail_lint.run.targets import read_target  # linting: see the imports above

    assert job.target.path is not None
    key = (job.run, str(job.target.path), job.config_key)
    if key not in _TEMPLATES:
        if len(_TEMPLATES) >= MAX_TEMPLATES:  # a run merges few templates; a long-lived process keeps no more
            _TEMPLATES.pop(next(iter(_TEMPLATES)))
        data, error, directory = read_target(job.target)
        if data is None:
            _TEMPLATES[key] = str(error)
        else:
            draft, problem = load_draft(data, job.target.display, directory, config.root)
            _TEMPLATES[key] = draft if draft is not None else str(problem)
    return _TEMPLATES[key]


def make_jobs(plan: Iterable[tuple[Target, Config]], rows: list[dict[str, str]] | None = None) -> Iterator[Job]:
    """The jobs of a run: each draft file; each row of a batch file; with ``rows`` (--vars), each row for each
    template. Standard input is read here, once."""
    run = new_run()
    for target, config in plan:
        key = id(config)
        if rows is not None:
            for number, values in enumerate(rows, start=1):
                yield Job("merge", target, key, number, values, run=run)
        elif is_batch(target):
            assert target.path is not None
            for number, cells, problem, line in iter_rows(target.path, required="body"):
                yield Job("batch", target, key, number or None, cells or {}, problem, line=line or None, run=run)
        elif target.path is None:
            yield Job("file", target, key, data=sys.stdin.buffer.read(), run=run)
        else:
            yield Job("file", target, key, run=run)


def run_job(job: Job, config: Config, linter: Linter) -> FileResult:
    """One job's result; an unexpected exception becomes a result that carries the error (the run goes on)."""
    try:
        return _run_job(job, config, linter)
    except Exception as exc:
        return FileResult(job.target.display, None, error=f"{type(exc).__name__}: {exc}")


def _run_job(job: Job, config: Config, linter: Linter) -> FileResult:
    # linting: see the imports above
    from inmail_lint.draft.rows import merge, row_draft
    from inmail_lint.engine.linter import unreadable_result
    from inmail_lint.run.targets import lint_target

    if job.mode == "file":
        return lint_target(job.target, config, linter, data=job.data)
    if job.mode == "batch":
        if job.problem is not None:
            result = unreadable_result(job.target.display, job.problem, linter)
        else:
            result = linter.lint(row_draft(job.values, job.target.display), relpath_for(job.target, config))
    else:
        template = _template(job, config)
        if isinstance(template, str):
            return unreadable_result(job.target.display, template, linter)
        values = {k: v for k, v in job.values.items() if v.strip()}
        result = linter.lint(merge(template, values), relpath_for(job.target, config))
        _name_empty_cells(result, template.source, job.values, linter)
    if job.row:
        result.row, result.row_id = job.row, (job.values.get("id") or None)
    if job.mode == "batch":
        result.source_line = job.line
    return result


def _name_empty_cells(result: FileResult, source: str, row: Mapping[str, str], linter: Linter) -> None:
    """A mail-merge row's findings in the rule's words for a row (IM301 names the variable the row leaves
    empty: the template's placeholders are meant to be filled from the rows). The row's keys are variable
    keys (:func:`~inmail_lint.sources.files.read_rows`)."""
    for i, d in enumerate(result.diagnostics):
        rule = linter.registry.get(d.code)
        message = rule.message_for_row(source[d.start : d.end], row) if rule is not None else None
        if message is not None:
            result.diagnostics[i] = dataclasses.replace(d, message=message)


def start_workers(processes: int) -> ProcessPoolExecutor | None:
    """The helper processes for ``--jobs`` (``processes - 1`` of them: the main process lints too), started now
    so that their start-up (importing spaCy, building the matchers) overlaps the main process finding the
    drafts and reading configs; None for one process."""
    if processes <= 1:
        return None
    from concurrent.futures import ProcessPoolExecutor  # a helper is started: see the imports above

    helpers = processes - 1
    pool = ProcessPoolExecutor(max_workers=helpers, initializer=_init_worker)
    for _ in range(helpers):
        pool.submit(_ready)  # each submit starts a process, up to max_workers
    return pool


class Workers:
    """The ``--jobs`` helpers, started when a run first has two drafts to lint: a run whose results all come from
    the cache starts none (each would import spaCy)."""

    def __init__(self, processes: int, start: Callable[[int], ProcessPoolExecutor | None]) -> None:
        self.processes = processes
        self._start = start  # start_workers (a test may count the calls)
        self.pool: ProcessPoolExecutor | None = None
        self._started = False
        self.silent = False  # a helper sent nothing for HELPER_SILENCE seconds: taken for dead

    def start(self) -> ProcessPoolExecutor | None:
        if not self._started:
            self._started = True
            self.pool = self._start(self.processes)
        return self.pool

    def shutdown(self) -> None:
        if self.pool is not None:
            if self.silent:  # a helper stopped (not dead) would never finish: end them, then let the pool go
                for process in list(getattr(self.pool, "_processes", {}).values()):
                    with contextlib.suppress(OSError, AttributeError):
                        process.kill()
                self.pool.shutdown(wait=False, cancel_futures=True)
                return
            self.pool.shutdown(cancel_futures=True)


def _init_worker() -> None:
    from inmail_lint.analysis.cues import cue_patterns  # a helper warms up: see the imports above
    from inmail_lint.analysis.nlp import get_nlp
    from inmail_lint.analysis.readability import flesch_kincaid_grade

    try:  # warm up what every configuration shares; a problem here shows on the first draft, with its file
        get_nlp()
        cue_patterns()
        flesch_kincaid_grade("Warm up.")
    except Exception:
        pass


def _ready() -> None:
    return None


def _run_in_worker(items: list[tuple[int, Config, Job]]) -> list[FileResult]:
    from inmail_lint.run.linters import LINTERS  # in a helper: see the imports above

    results = []
    # each batch brings fresh copies of the configs: key them by the parent's key and run (a key alone can come
    # back in a later run of the parent for another configuration)
    for key, config, job in items:
        results.append(run_job(job, config, LINTERS.get(config, (job.run, key))))
    return results


CHUNK = 32  # drafts sent to a helper at a time: one round trip each, and small enough to keep all busy
AHEAD = 3  # chunks queued for each helper, so it never waits for the main process
HELD = 16  # chunks this process may hold, done ahead of a helper's that is not back yet (while helpers start)
HELPER_SILENCE = 120.0  # seconds a helper may take over one chunk (32 drafts) before it is taken for dead


def run_all(
    jobs: Iterable[Job],
    configs: dict[int, Config],
    linters: Mapping[int, Linter],
    pool: Executor | Workers | None = None,
    helpers: int = 0,
) -> Iterator[FileResult]:
    """Results in the order of ``jobs``, from this process alone or with ``pool``'s helpers (see
    :func:`start_workers`).

    With helpers, the jobs go out in chunks, each chunk with its configurations (pickling shares them within a
    chunk). The helpers always have chunks queued; whenever the next result due is not back yet, this process
    lints the next chunk itself instead of waiting. Results are handed on in the order of the jobs, so this
    process holds the chunks it did while a helper's chunk was under way (at most HELD of them). If a helper
    fails (killed, out of memory), its chunks are linted here and the first result after that carries a note.

    ``jobs`` is consumed as it goes, a chunk at a time: a batch file of a million rows is never held whole."""
    stream = iter(jobs)
    first = list(itertools.islice(stream, 2))
    workers = pool
    if isinstance(pool, Workers) and helpers >= 1 and len(first) == 2:
        pool = pool.start()
    # no pool, or helpers not started: concurrent.futures is imported only when one is (about 8 ms a run on one
    # core does without)
    if pool is None or isinstance(pool, Workers) or helpers < 1 or len(first) < 2:
        for job in itertools.chain(first, stream):
            yield run_job(job, configs[job.config_key], linters[job.config_key])
        return
    # Results arrive as many small objects that are formatted and dropped; collecting every 700 allocations
    # (the default) cost this process about 0.2 s of 1.2 s on 10,000 drafts. Collect a hundred times less often.
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 70_000), *threshold[1:])
    scheduler = _Scheduler(pool, itertools.chain(first, stream), configs, linters, helpers)
    try:
        yield from scheduler.results()
    finally:
        gc.set_threshold(*threshold)
        scheduler.cancel()
        if scheduler.silent and isinstance(workers, Workers):
            workers.silent = True


class _Scheduler:
    """The chunks of a run shared between this process and the helpers (see :func:`run_all`)."""

    def __init__(
        self,
        executor: Executor,
        stream: Iterator[Job],
        configs: dict[int, Config],
        linters: Mapping[int, Linter],
        helpers: int,
    ) -> None:
        self.executor, self.configs, self.linters, self.helpers = executor, configs, linters, helpers
        self.chunks = iter(lambda: list(itertools.islice(stream, CHUNK)), [])
        # each chunk's jobs, and its results: a helper's future, or the list done here
        self.queue: deque[tuple[list[Job], Future[list[FileResult]] | list[FileResult]]] = deque()
        self.queued = 0  # chunks in ``queue`` that a helper has not finished
        self.held = 0  # chunks in ``queue`` done here
        self.broken = False  # a helper failed: no more chunks go out
        self.silent = False  # a helper sent nothing for HELPER_SILENCE seconds (stopped, not dead)
        self.more = True  # chunks are left to send

    def lint_here(self, chunk: list[Job]) -> list[FileResult]:
        return [run_job(job, self.configs[job.config_key], self.linters[job.config_key]) for job in chunk]

    def give_up(self, results: list[FileResult], exc: Exception) -> None:
        """From now on every chunk is linted here; the first result says why."""
        if not self.broken and results:
            results[0].notes.append(
                f"a --jobs helper failed ({type(exc).__name__}); this process linted the rest of the run"
            )
        self.broken = True

    def send(self) -> bool:
        chunk = next(self.chunks, None)
        if chunk is None:
            return False
        items = [(job.config_key, self.configs[job.config_key], job) for job in chunk]
        try:
            future = self.executor.submit(_run_in_worker, items)
        except Exception as exc:  # the pool is broken already (a helper was killed)
            results = self.lint_here(chunk)
            self.give_up(results, exc)
            self.queue.append((chunk, results))
            self.held += 1
            return True
        self.queue.append((chunk, future))
        self.queued += 1
        return True

    def here(self) -> bool:
        chunk = next(self.chunks, None)
        if chunk is None:
            return False
        self.queue.append((chunk, self.lint_here(chunk)))
        self.held += 1
        return True

    def fill(self) -> None:
        """Keep every helper's queue full."""
        while self.more and not self.broken and self.queued < self.helpers * AHEAD:
            self.more = self.send()

    def results(self) -> Iterator[FileResult]:
        from concurrent import futures  # imported already: the pool is running

        self.fill()
        while self.queue or self.more:
            if not self.queue:  # every chunk sent so far is done, and more are left
                self.more = self.here() if self.broken else self.send()
                continue
            chunk, head = self.queue[0]
            if isinstance(head, list):
                self.queue.popleft()
                self.held -= 1
                yield from head
            elif head.done():
                self.queue.popleft()
                self.queued -= 1
                try:
                    results = head.result()
                except Exception as exc:  # the helper died, or the chunk could not be sent or returned
                    results = self.lint_here(chunk)
                    self.give_up(results, exc)
                yield from results
                self.fill()
            elif self.more and (self.held < HELD or self.broken):
                self.more = self.here()  # the next result is not back yet: lint the next chunk here
            elif not futures.wait([head], timeout=0 if self.silent else HELPER_SILENCE).done:
                yield from self._silent(chunk, head)

    def _silent(self, chunk: list[Job], head: Future[list[FileResult]]) -> list[FileResult]:
        """A helper that has sent nothing for :data:`HELPER_SILENCE` seconds (stopped, or stuck) is taken for
        dead: its chunk is linted here, and so is the rest of the run."""
        self.queue.popleft()
        self.queued -= 1
        head.cancel()
        self.silent = True
        results = self.lint_here(chunk)
        self.give_up(results, TimeoutError(f"no answer in {HELPER_SILENCE:g} s"))
        return results

    def cancel(self) -> None:
        from concurrent import futures

        for _, item in self.queue:
            if isinstance(item, futures.Future):
                item.cancel()
