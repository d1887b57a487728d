"""The run that ``inmail-lint check`` drives: find the drafts, resolve each one's configuration, lint (or fix, or
diff) them, in parallel when asked, hand each result to a formatter, and decide the exit status. The command
line parses the options into a :class:`CheckRequest` and gives a :class:`Console` for what it prints beside
the report."""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from inmail_lint.config.settings import Config, ConfigError, ConfigResolver
from inmail_lint.diagnostic import Severity
from inmail_lint.draft.frontmatter import parse_send_at
from inmail_lint.engine.result import FileResult
from inmail_lint.report.formatters import FORMATTERS, RuleDoc, Summary
from inmail_lint.ruledef.base import RuleDefinitionError
from inmail_lint.run.batch import Workers, is_batch, make_jobs, run_all, run_job, start_workers
from inmail_lint.run.results import ResultCaches, run_cached
from inmail_lint.run.status import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS
from inmail_lint.sources.files import PathError, Skipped, Target, discover
from inmail_lint.sources.tables import RowsError, iter_rows, read_rows
from inmail_lint.sources.write import WriteRefused, check_writable, same_file, write_atomic

# The linter (its rules, spaCy) is imported when a configuration's linter is first needed: a run whose results
# all come from the cache, under configurations it has checked before, never loads it.
if TYPE_CHECKING:
    from inmail_lint.engine.linter import Linter


class Linters(Mapping[int, "Linter"]):
    """The linter of each configuration in a run, by ``id(config)``, built when it is first asked for (from
    the process's one cache of linters)."""

    def __init__(self) -> None:
        self.configs: dict[int, Config] = {}

    def add(self, config: Config) -> None:
        self.configs.setdefault(id(config), config)

    def __getitem__(self, key: int) -> Linter:
        from inmail_lint.run.cache import LINTERS  # the linter: see the imports above

        return LINTERS.get(self.configs[key])

    def __contains__(self, key: object) -> bool:  # without building the linter (Mapping's would)
        return key in self.configs

    def __iter__(self) -> Iterator[int]:
        return iter(self.configs)

    def __len__(self) -> int:
        return len(self.configs)


class RuleDocs(Mapping[str, RuleDoc]):
    """Each rule's documentation, for the formats that carry it (SARIF), gathered from the run's linters when
    first read."""

    def __init__(self, linters: Linters) -> None:
        self._linters = linters
        self._docs: dict[str, RuleDoc] | None = None

    @property
    def docs(self) -> dict[str, RuleDoc]:
        if self._docs is None:
            self._docs = {
                rule.code: RuleDoc(
                    rule.code, rule.name, rule.summary, rule.explanation.strip(), rule.default_severity, rule.url
                )
                for key in self._linters
                for rule in self._linters[key].registry
            }
        return self._docs

    def __getitem__(self, code: str) -> RuleDoc:
        return self.docs[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.docs)

    def __len__(self) -> int:
        return len(self.docs)


@dataclass(frozen=True)
class CheckRequest:
    """What ``check`` was asked to do (the command line's options, parsed)."""

    paths: tuple[str, ...] = ()
    output_format: str = "full"
    output_file: Path | None = None
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "warning"
    exit_zero: bool = False
    config_file: Path | None = None
    isolated: bool = False
    kind: str | None = None
    quiet: bool = False
    statistics: bool = False
    stdin_filename: str | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    vars_file: Path | None = None
    model_file: Path | None = None
    send_at: str | None = None
    jobs: int = 1
    cache: bool = True  # keep and reuse each draft's result (--no-cache: off)
    cache_dir: Path | None = None  # --cache-dir: one folder for every config's entries


class Console(Protocol):
    """What the run prints beside the report, and how (the command line gives one)."""

    def error(self, message: str) -> None: ...

    def note(self, message: str) -> None: ...

    def out(self, text: str) -> None:
        """Text for standard output: a diff, or a fixed draft read from standard input."""

    def color(self, stream: IO[str]) -> bool: ...

    def wants_progress(self) -> bool:
        """Whether a progress bar would be shown (worth counting a batch file's rows ahead for)."""

    def progress(self, results: Iterable[FileResult], total: int | None) -> Iterator[FileResult]:
        """The results, as they come; ``total`` is their number when it is known ahead."""


def run_check(request: CheckRequest, console: Console) -> int:
    """Run ``check``; the exit status (0 clean, 1 problems, 2 an error)."""
    if request.isolated and request.config_file:
        console.error("--config and --isolated cannot be used together")
        return EXIT_ERROR
    if request.vars_file is not None and (request.fix or request.diff):
        console.error("--vars lints renderings; it cannot be combined with --fix or --diff")
        return EXIT_ERROR
    when = None
    if request.send_at is not None:
        try:
            when = parse_send_at(request.send_at)
        except ValueError:
            console.error(f"--send-at: expected a date or time such as 2026-05-04T09:30, got {request.send_at!r}")
            return EXIT_ERROR
    rows = None
    if request.vars_file is not None:
        try:
            rows = read_rows(request.vars_file)
        except RowsError as exc:
            console.error(str(exc))
            return EXIT_ERROR
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    # more processes than CPUs only adds start-up (each helper loads spaCy): -j 48 on two cores is -j 2
    processes = min(request.jobs or cpus, cpus)
    with contextlib.ExitStack() as cleanup:
        # --jobs: the helper processes start when two drafts are to be linted (none when all are in the cache)
        pool = None if (request.fix or request.diff) else Workers(processes, start_workers)
        if pool is not None:
            cleanup.callback(pool.shutdown)
        try:
            resolver = ConfigResolver(
                config_file=request.config_file,
                isolated=request.isolated,
                select=request.select or None,
                extend_select=request.extend_select,
                ignore=request.ignore,
                kind=request.kind,
                model=request.model_file,
                send_at=when,
            )
            # the result cache, for a run that lints draft files as they are (not --fix, --diff or --vars)
            kept_as_linted = not (request.fix or request.diff) and rows is None
            caches = ResultCaches(request.cache_dir, enabled=request.cache and kept_as_linted)
            linters = Linters()
            # Resolve every draft's configuration before printing anything: a bad config stops the run. A
            # configuration is checked by building its linter, unless the cache says this one passed before.
            targets: list[Target] = []
            plan: list[tuple[Target, Config]] = []
            path_errors = 0
            stdin_dir = Path(request.stdin_filename).parent if request.stdin_filename else Path.cwd()
            for item in discover(list(request.paths) or ["."], resolver, request.stdin_filename):
                if isinstance(item, Skipped):
                    console.note(f"{item.display}: {item.message}")
                    continue
                if isinstance(item, PathError):
                    console.error(f"{item.display}: {item.message}")
                    path_errors += 1
                    continue
                targets.append(item)
                config = resolver.for_path(item.path) if item.path else resolver.for_directory(stdin_dir)
                plan.append((item, config))
                if id(config) not in linters:
                    linters.add(config)
                    cache = caches.for_config(config)
                    if cache is None or not cache.checked(config):
                        _ = linters[id(config)]  # building it checks the configuration
                        if cache is not None:
                            cache.mark_checked(config)
        except (ConfigError, RuleDefinitionError) as exc:
            console.error(str(exc))
            return EXIT_ERROR

        # The report goes to --output-file only at the end, atomically, and never over a file the run reads.
        output = request.output_file
        # in memory up to 16 MiB, then in a temporary file: a report of a million rows is not held in memory
        buffer = cleanup.enter_context(
            tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024, mode="w+", encoding="utf-8", newline="\n")
        )
        if output is not None:
            refused = _output_refused(output, request, plan)
            if refused is not None:
                console.error(refused)
                return EXIT_ERROR
            stream: IO[str] = buffer
        else:
            stream = sys.stdout
            cleanup.callback(stream.flush)

        def emit(text: str) -> None:
            """A diff, or a fixed draft from standard input: into the output file when there is one."""
            if output is not None:
                buffer.write(text)
            else:
                console.out(text)

        include = resolver.for_directory(Path.cwd()).include if not plan else plan[0][1].include
        summary = Summary(path_errors=path_errors, include=include)
        # With --diff, or --fix on standard input, the output is the diff or the fixed draft: no report.
        report = not (request.diff or (request.fix and any(t.path is None for t in targets)))
        rule_docs = RuleDocs(linters)
        formatter = FORMATTERS[request.output_format](
            stream,
            color=request.output_file is None and console.color(stream),
            summary=not request.quiet,
            statistics=request.statistics,
            rule_docs=rule_docs,
            fail_on=Severity.parse(request.fail_on),
        )
        threshold = Severity.parse(request.fail_on)
        failed = changed = 0
        read_files: set[str] = set()

        def handle(result: FileResult) -> None:
            nonlocal failed
            read_files.update(result.reads)
            if result.error is not None:
                summary.errors += 1
                console.error(
                    f"{result.path}: internal error while linting ({result.error}); please report this with the draft"
                )
                return
            for note in result.notes:
                console.note(f"{result.path}: {note}")
            summary.add(result)
            if any(d.severity >= threshold for d in result.diagnostics):
                failed += 1
            if report:
                formatter.file(result)

        if report:
            formatter.start()
        if request.fix or request.diff:
            from inmail_lint.run.targets import fix_target, lint_target  # the linter: see the imports above

            for target, config in plan:
                linter = linters[id(config)]
                if is_batch(target):  # its rows are drafts of their own: lint them, never rewrite the table
                    console.note(f"{target.display}: a batch file's rows are linted, not fixed; the file is unchanged")
                    for job in make_jobs([(target, config)], None):
                        handle(run_job(job, config, linter))
                    continue
                try:
                    outcome = fix_target(target, config, linter, unsafe=request.unsafe_fixes)
                except Exception as exc:  # one broken file must not stop the others
                    handle(FileResult(target.display, None, error=f"{type(exc).__name__}: {exc}"))
                    continue
                if request.diff:
                    emit(unified_diff(target.display, outcome.before, outcome.after))
                elif target.path is None:
                    emit(outcome.after)
                    # standard output holds the fixed draft: what is still wrong goes to standard error
                    FORMATTERS["concise"](sys.stderr, summary=False).file(outcome.result)
                elif outcome.changed:
                    try:
                        write_atomic(target.path, outcome.encoded())
                    except WriteRefused as exc:  # reported for this file; the others go on
                        console.error(f"{exc} (its problems are reported as they are)")
                        summary.errors += 1
                        handle(lint_target(target, config, linter))
                        continue
                summary.fixed += outcome.fixed
                changed += outcome.changed
                handle(outcome.result)
        else:
            configs = linters.configs
            # the jobs are made as they are linted (a batch file is read a row at a time, never held whole); a
            # batch file's rows are counted ahead only for a progress bar, in a streaming pass of their own
            total: int | None = len(plan) * len(rows or [0])
            if rows is None and any(is_batch(t) for t, _ in plan):
                total = _count_jobs(plan) if console.wants_progress() else None
            if caches.enabled:
                results = run_cached(make_jobs(plan, rows), configs, linters, caches, pool, processes - 1)
            else:
                results = run_all(make_jobs(plan, rows), configs, linters, pool, processes - 1)
            for result in console.progress(results, total):
                handle(result)
            for problem in caches.problems():
                console.note(f"the result cache was not written in {problem}; --no-cache turns it off")
        if report:
            formatter.finish(summary)
        if output is not None:
            read = next((f for f in sorted(read_files) if same_file(output, Path(f))), None)
            if read is not None:
                console.error(f"--output-file {output} is {read}, which this run reads; the report was not written")
                return EXIT_ERROR
            try:
                buffer.seek(0)
                write_atomic(output, buffer)
            except WriteRefused as exc:
                console.error(f"--output-file: {exc}")
                return EXIT_ERROR
        if summary.path_errors or summary.errors or summary.incomplete:
            return EXIT_ERROR  # an error, or a check that did not run (a stopped pattern): never a clean pass
        if request.diff:
            return EXIT_PROBLEMS if changed and not request.exit_zero else EXIT_OK
        if failed and not request.exit_zero:
            return EXIT_PROBLEMS
        return EXIT_OK


def _count_jobs(plan: list[tuple[Target, Config]]) -> int:
    """How many jobs the plan makes (batch files' rows counted by reading them through), for a progress bar."""
    return sum(
        sum(1 for _ in iter_rows(t.path, required="body")) if is_batch(t) and t.path is not None else 1
        for t, _ in plan
    )


def _output_refused(output: Path, request: CheckRequest, plan: list[tuple[Target, Config]]) -> str | None:
    """Why the report may not be written to ``output``: it cannot be written, or it is a file the run reads (a
    draft, a config file, a team rule or phrase list, a model, the ``--vars`` table)."""
    try:
        check_writable(output)
    except WriteRefused as exc:
        return f"--output-file: {exc}"
    inputs: list[tuple[str, Path]] = []
    for target, config in plan:
        if target.path is not None:
            inputs.append(("a draft it lints", target.path))
        if config.path is not None:
            inputs.append(("a config file it reads", config.path))
        if config.model is not None:
            inputs.append(("the refund model it reads", config.model))
        for folder in config.rule_dirs:
            inputs.extend(("a team rule file it reads", rule) for rule in sorted(folder.glob("*.y*ml")))
    for what, path in (("the --vars table", request.vars_file), ("the refund model", request.model_file)):
        if path is not None:
            inputs.append((what, path))
    for what, path in inputs:
        if same_file(output, path):
            return f"--output-file {output} is {what} ({path}); the report would replace it, so nothing was run"
    return None


def unified_diff(display: str, before: str, after: str) -> str:
    """The change from ``before`` to ``after`` as a unified diff (a line without a newline at the end is marked)."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{display}", f"b/{display}"
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)
