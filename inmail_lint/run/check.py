"""The run that ``inmail-lint check`` drives, in four steps: plan (find the drafts and check each one's
configuration before anything is printed), execute (lint, or fix, or diff), report (hand each result to a
formatter, into standard output or, at the end and atomically, the output file), and the exit status. The
command line parses the options into a :class:`CheckRequest` and gives a :class:`Console` for what it prints
beside the report; the work goes through a run session (:class:`~inmail_lint.run.session.Session`, which
calls :func:`check`; this module knows it only by the :class:`CheckSession` it needs)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol, TypeVar

from inmail_lint.checks.define.base import RuleDefinitionError
from inmail_lint.config.settings import Config, ConfigError
from inmail_lint.diagnostic import Severity
from inmail_lint.draft.frontmatter import parse_send_at
from inmail_lint.engine.result import LANGUAGE_NOTE, FileResult
from inmail_lint.report.formatters import FORMATTERS, Formatter, MergeSummaryFormatter, RuleDoc, Summary
from inmail_lint.run.baseline import Baseline, BaselineError, Key, baseline_text, keys
from inmail_lint.run.batch import Job, is_batch, make_jobs
from inmail_lint.run.options import RunOptions
from inmail_lint.sources.files import PathError, Skipped, Target
from inmail_lint.sources.tables import RowsError, iter_rows, read_rows
from inmail_lint.sources.write import WriteRefused
from inmail_lint.util.status import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, unwritable_output

if TYPE_CHECKING:
    from inmail_lint.engine.linter import Linter
    from inmail_lint.run.targets import FixOutcome


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
    baseline: Path | None = None  # --baseline: leave out the findings recorded there
    write_baseline: Path | None = None  # --write-baseline: record every finding there

    @property
    def fixing(self) -> bool:
        return self.fix or self.diff

    @property
    def recordable(self) -> bool:
        """Whether a record of the run could be replayed (:mod:`inmail_lint.run.replay`): it uses the result
        cache, writes nothing else and reads no standard input."""
        writes = self.fixing or self.output_file is not None or self.write_baseline is not None
        stdin = self.stdin_filename is not None or "-" in self.paths
        return self.cache and not writes and not stdin and self.vars_file is None


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


class CheckSession(Protocol):
    """What the check run asks of its session."""

    def discover(
        self, paths: Iterable[str], stdin_filename: str | None = None
    ) -> Iterator[Target | PathError | Skipped]: ...

    def plan(self, targets: Iterable[Target], stdin_dir: Path | None = None) -> list[tuple[Target, Config]]: ...

    def config_for(self, path: Path | None, directory: Path | None = None) -> Config: ...

    def linter(self, config: Config) -> Linter: ...

    def read_input(self, path: Path, what: str) -> None: ...

    def check_output(self, path: Path) -> None: ...

    def write(self, path: Path, data: bytes | IO[str]) -> None: ...

    def fix(self, target: Target, config: Config, *, unsafe: bool = False) -> FixOutcome: ...

    def write_fixed(self, target: Target, outcome: FixOutcome) -> None: ...

    def lint_target(self, target: Target, config: Config) -> FileResult: ...

    def lint_job(self, job: Job, config: Config) -> FileResult: ...

    def results(
        self, plan: list[tuple[Target, Config]], rows: list[dict[str, str]] | None = None
    ) -> Iterator[FileResult]: ...

    def cache_problems(self) -> list[str]: ...


class Stop(Exception):
    """The run stops before linting: the message is printed as an error, and the exit status is 2."""


# --- plan ----------------------------------------------------------------------------------------------------
def options_for(request: CheckRequest) -> RunOptions:
    """The session's options; ``Stop`` for options that cannot go together or cannot be read."""
    if request.isolated and request.config_file:
        raise Stop("--config and --isolated cannot be used together")
    if request.vars_file is not None and request.fixing:
        raise Stop("--vars lints renderings; it cannot be combined with --fix or --diff")
    if request.write_baseline is not None and (request.fixing or request.baseline is not None):
        raise Stop("--write-baseline records the findings as they are; give it without --fix, --diff or --baseline")
    when = None
    if request.send_at is not None:
        try:
            when = parse_send_at(request.send_at)
        except ValueError:
            raise Stop(
                f"--send-at: expected a date or time such as 2026-05-04T09:30, got {request.send_at!r}"
            ) from None
    return RunOptions(
        config_file=request.config_file,
        isolated=request.isolated,
        select=request.select or None,
        extend_select=request.extend_select,
        ignore=request.ignore,
        kind=request.kind,
        model=request.model_file,
        send_at=when,
        # the result cache keeps draft files as they are linted (not --fix, --diff or --vars)
        cache=request.cache and not request.fixing and request.vars_file is None,
        cache_dir=request.cache_dir,
        # --jobs: the helper processes start when two drafts are to be linted (none when all are in the cache)
        jobs=1 if request.fixing else request.jobs,
    )


@dataclass
class Plan:
    """The drafts to lint, each with its configuration, and how many paths could not be linted."""

    items: list[tuple[Target, Config]] = field(default_factory=list)
    rows: list[dict[str, str]] | None = None
    path_errors: int = 0

    @property
    def targets(self) -> list[Target]:
        return [target for target, _ in self.items]


def make_plan(session: CheckSession, request: CheckRequest, console: Console) -> Plan:
    """Every draft with its configuration, each configuration checked before anything is printed (a bad one
    stops the run); ``Stop`` when something the run needs cannot be read."""
    plan = Plan()
    if request.vars_file is not None:
        session.read_input(request.vars_file, "the --vars table")
        try:
            plan.rows = read_rows(request.vars_file)
        except RowsError as exc:
            raise Stop(str(exc)) from None
    stdin_dir = Path(request.stdin_filename).parent if request.stdin_filename else Path.cwd()
    targets = []
    for item in session.discover(list(request.paths) or ["."], request.stdin_filename):
        if isinstance(item, Skipped):
            console.note(f"{item.display}: {item.message}")
        elif isinstance(item, PathError):
            console.error(f"{item.display}: {item.message}")
            plan.path_errors += 1
        else:
            targets.append(item)
    plan.items = session.plan(targets, stdin_dir)
    return plan


# --- report --------------------------------------------------------------------------------------------------
class RuleDocs(Mapping[str, RuleDoc]):
    """Each rule's documentation, for the formats that carry it (SARIF), gathered from the run's linters when
    first read."""

    def __init__(self, session: CheckSession, configs: Iterable[Config]) -> None:
        self._session = session
        self._configs = list(configs)
        self._docs: dict[str, RuleDoc] | None = None

    @property
    def docs(self) -> dict[str, RuleDoc]:
        if self._docs is None:
            linters = [self._session.linter(config) for config in self._configs]
            self._docs = {
                rule.code: RuleDoc(
                    rule.code,
                    rule.name,
                    rule.summary,
                    rule.explanation.strip(),
                    rule.default_severity,
                    linter.url_for(rule),
                )
                for linter in linters
                for rule in linter.registry
            }
        return self._docs

    def __getitem__(self, code: str) -> RuleDoc:
        return self.docs[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.docs)

    def __len__(self) -> int:
        return len(self.docs)


_T = TypeVar("_T")


class _Stdout:
    """Standard output as the report's stream: a write or flush that fails (a full disk, a device that takes no
    data) stops the run with the reason, exit 2, as a failed ``--output-file`` does, instead of an internal
    error. A reader that went away (``check | head``) is left to the command line, which ends quietly."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._guarded(self._stream.write, text)

    def flush(self) -> None:
        self._guarded(self._stream.flush)

    @staticmethod
    def _guarded(action: Callable[..., _T], *args: object) -> _T:
        try:
            return action(*args)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise Stop(unwritable_output(exc)) from None

    def __getattr__(self, name: str) -> object:  # isatty, fileno, encoding...: the stream's own
        return getattr(self._stream, name)


class Report:
    """Where the report goes (standard output, or the output file at the end) and what counts in it."""

    def __init__(
        self, session: CheckSession, request: CheckRequest, console: Console, plan: Plan, cleanup: contextlib.ExitStack
    ) -> None:
        self.session, self.request, self.console = session, request, console
        self.output = request.output_file
        stream: IO[str]
        if self.output is not None:
            import tempfile  # only a report into a file is held back: a run to the terminal never imports it

            # in memory up to 16 MiB, then in a temporary file: a report of a million rows is not held in memory
            self.buffer: IO[str] = cleanup.enter_context(
                tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024, mode="w+", encoding="utf-8", newline="\n")  # noqa: SIM115
            )
            stream = self.buffer
        else:
            stream = _Stdout(sys.stdout)  # type: ignore[assignment]
            cleanup.callback(stream.flush)
        include = session.config_for(None).include if not plan.items else plan.items[0][1].include
        self.summary = Summary(path_errors=plan.path_errors, include=include)
        # With --diff, or --fix on standard input, the output is the diff or the fixed draft: no report.
        self.shown = not (request.diff or (request.fix and any(t.path is None for t in plan.targets)))
        self.threshold = Severity.parse(request.fail_on)
        # a mail merge on the default format: a line a row and a count a rule, not every row's diagnostics
        merge = request.vars_file is not None and request.output_format == "full"
        self.formatter: Formatter = (MergeSummaryFormatter if merge else FORMATTERS[request.output_format])(
            stream,
            color=self.output is None and console.color(stream),
            summary=not request.quiet,
            statistics=request.statistics,
            rule_docs=RuleDocs(session, {id(c): c for _, c in plan.items}.values()),
            fail_on=self.threshold,
        )
        self.failed = self.changed = 0
        self.baseline = self._baseline(session, request, plan)
        self.recorded: list[Key] | None = [] if request.write_baseline is not None else None

    @staticmethod
    def _baseline(session: CheckSession, request: CheckRequest, plan: Plan) -> Baseline | None:
        """The baseline to leave out: --baseline, else the config's (the first draft's); Stop when unreadable."""
        if request.write_baseline is not None:
            return None
        path = request.baseline
        if path is None:
            path = (plan.items[0][1] if plan.items else session.config_for(None)).baseline
        if path is None:
            return None
        session.read_input(path, "the baseline")
        try:
            return Baseline.load(path)
        except BaselineError as exc:
            raise Stop(str(exc)) from None

    def refused(self) -> str | None:
        """Why the report may not be written to the output file (before anything is linted)."""
        for option, path in (("--output-file", self.output), ("--write-baseline", self.request.write_baseline)):
            if path is None:
                continue
            try:
                self.session.check_output(path)
            except WriteRefused as exc:
                return f"{option}: {exc}; nothing was run"
        return None

    def start(self) -> None:
        if self.shown:
            self.formatter.start()

    def emit(self, text: str) -> None:
        """A diff, or a fixed draft from standard input: into the output file when there is one."""
        if self.output is not None:
            self.buffer.write(text)
        else:
            self.console.out(text)

    def handle(self, result: FileResult) -> None:
        """One draft's result: counted, its notes and errors said, and reported."""
        if result.error is not None:
            self.summary.errors += 1
            self.console.error(
                f"{result.path}: internal error while linting ({result.error}); please report this with the draft"
            )
            return
        for note in result.notes:
            if not (self.request.quiet and note.startswith(LANGUAGE_NOTE)):  # --quiet: no note on the language
                self.console.note(f"{result.path}: {note}")
        if self.recorded is not None and self.request.write_baseline is not None:
            self.recorded.extend(keys(result, self.request.write_baseline))
        if self.baseline is not None:
            result = self.baseline.filter(result)
        self.summary.add(result)
        if any(d.severity >= self.threshold for d in result.diagnostics):
            self.failed += 1
        if self.shown:
            self.formatter.file(result)

    def finish(self) -> int | None:
        """The report finished and written; EXIT_ERROR when the output file could not be written."""
        if self.shown:
            self.formatter.finish(self.summary)
        if self.baseline is not None and self.baseline.left_out:
            n = self.baseline.left_out
            self.console.note(f"{n} finding{'s' if n != 1 else ''} recorded in {self.baseline.path} left out")
        if self.recorded is not None and self.request.write_baseline is not None:
            text, n = baseline_text(self.recorded)
            try:
                self.session.write(self.request.write_baseline, text.encode("utf-8"))
            except WriteRefused as exc:
                self.console.error(f"--write-baseline: {exc}")
                return EXIT_ERROR
            self.console.note(
                f"recorded {n} finding{'s' if n != 1 else ''} in {self.request.write_baseline}; "
                "--baseline (or baseline in the config) reports only new ones"
            )
        if self.output is None:
            return None
        try:  # refused here too when the run read it meanwhile (a recipient profile)
            self.buffer.seek(0)
            self.session.write(self.output, self.buffer)
        except WriteRefused as exc:
            self.console.error(f"--output-file: {exc}")
            return EXIT_ERROR
        return None

    def status(self) -> int:
        summary, request = self.summary, self.request
        if summary.path_errors or summary.errors or summary.incomplete:
            return EXIT_ERROR  # an error, or a check that did not run (a stopped pattern): never a clean pass
        if request.diff:
            return EXIT_PROBLEMS if self.changed and not request.exit_zero else EXIT_OK
        if request.write_baseline is not None:
            return EXIT_OK  # the findings are recorded as accepted
        if self.failed and not request.exit_zero:
            return EXIT_PROBLEMS
        return EXIT_OK


# --- execute -------------------------------------------------------------------------------------------------
def _fix_one(session: CheckSession, report: Report, target: Target, config: Config) -> None:
    request = report.request
    try:
        outcome = session.fix(target, config, unsafe=request.unsafe_fixes)
    except Exception as exc:  # one broken file must not stop the others
        report.handle(FileResult(target.display, None, error=f"{type(exc).__name__}: {exc}"))
        return
    if request.diff:
        report.emit(unified_diff(target.display, outcome.before, outcome.after))
    elif target.path is None:
        report.emit(outcome.after)
        # standard output holds the fixed draft: what is still wrong goes to standard error
        FORMATTERS["concise"](sys.stderr, summary=False).file(outcome.result)
    elif outcome.changed:
        try:
            session.write_fixed(target, outcome)
        except WriteRefused as exc:  # reported for this file; the others go on
            report.console.error(f"{exc} (its problems are reported as they are)")
            report.summary.errors += 1
            report.handle(session.lint_target(target, config))
            return
    report.summary.fixed += outcome.fixed
    report.changed += outcome.changed
    report.handle(outcome.result)


def fix_all(session: CheckSession, report: Report, plan: Plan) -> None:
    """--fix or --diff: each draft fixed in memory, then written back (or shown as a diff)."""
    for target, config in plan.items:
        if is_batch(target):  # its rows are drafts of their own: lint them, never rewrite the table
            report.console.note(f"{target.display}: a batch file's rows are linted, not fixed; the file is unchanged")
            for job in make_jobs([(target, config)], None):
                report.handle(session.lint_job(job, config))
            continue
        _fix_one(session, report, target, config)


def lint_all(session: CheckSession, report: Report, plan: Plan) -> None:
    """Every draft linted (from the cache where it can be), reported as the results come."""
    # the jobs are made as they are linted (a batch file is read a row at a time, never held whole); a batch
    # file's rows are counted ahead only for a progress bar, in a streaming pass of their own
    total: int | None = len(plan.items) * len(plan.rows or [0])
    if plan.rows is None and any(is_batch(t) for t in plan.targets):
        total = _count_jobs(plan.items) if report.console.wants_progress() else None
    for result in report.console.progress(session.results(plan.items, plan.rows), total):
        report.handle(result)
    for problem in session.cache_problems():
        report.console.note(f"the result cache was not written in {problem}; --no-cache turns it off")


def check(session: CheckSession, request: CheckRequest, console: Console) -> int:
    """Run ``check`` in a session: plan, execute, report; the exit status (0 clean, 1 problems, 2 an error).
    ``Stop`` before anything is linted when the run cannot go on."""
    with contextlib.ExitStack() as cleanup:
        try:
            plan = make_plan(session, request, console)
        except (ConfigError, RuleDefinitionError) as exc:
            raise Stop(str(exc)) from None
        report = Report(session, request, console, plan, cleanup)
        refused = report.refused()
        if refused is not None:
            raise Stop(refused)
        report.start()
        (fix_all if request.fixing else lint_all)(session, report, plan)
        failed = report.finish()
        return failed if failed is not None else report.status()


def _count_jobs(plan: list[tuple[Target, Config]]) -> int:
    """How many jobs the plan makes (batch files' rows counted by reading them through), for a progress bar."""
    return sum(
        sum(1 for _ in iter_rows(t.path, required="body")) if is_batch(t) and t.path is not None else 1 for t, _ in plan
    )


def unified_diff(display: str, before: str, after: str) -> str:
    """The change from ``before`` to ``after`` as a unified diff (a line without a newline at the end is marked)."""
    import difflib  # only --diff shows one

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{display}", f"b/{display}"
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)
