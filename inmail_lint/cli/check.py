"""``inmail-lint check``: lint drafts, fix them, or print the fixes as a diff."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from inmail_lint.cli.common import (
    OUTPUT_FORMATS,
    PROGRESS_AFTER,
    _codes,
    _error,
    _use_color,
    _use_progress,
)
from inmail_lint.util.status import EXIT_ERROR
from inmail_lint.util.text import escape_unsafe

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from inmail_lint.engine.result import FileResult


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default="full",
    show_default=True,
    help="How to print diagnostics.",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output (atomically, once the run is done).",
)
@click.option("--select", multiple=True, metavar="CODES", help="Only these rule codes or prefixes (replaces config).")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Also these rule codes or prefixes.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Not these rule codes or prefixes.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="warning",
    show_default=True,
    help="Exit 1 when a diagnostic is at least this severe.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are diagnostics.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Use this config file for every draft instead of looking for one.",
)
@click.option("--isolated", is_flag=True, help="Ignore all config files.")
@click.option("--kind", help="Message kind for drafts that do not name one (inmail, open-profile, ...).")
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics only, no summary.")
@click.option("--statistics", is_flag=True, help="Print how often each rule fired instead of each diagnostic.")
@click.option("--stdin-filename", help="The name of the draft read from '-', for config lookup and messages.")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place (atomic writes).")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply the fixes marked unsafe too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Processes to lint with (0: one per CPU); the output is the same, in the same order.",
)
@click.option(
    "--model",
    "model_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A refund model fitted by 'inmail-lint calibrate' (default: the built-in model).",
)
@click.option("--send-at", help="When the drafts go out (ISO 8601, e.g. 2026-05-04T09:30); front matter send_at wins.")
@click.option(
    "--vars",
    "vars_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Mail merge: a CSV whose rows fill the templates' {{variables}}; each row is linted.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Lint every draft afresh, and keep nothing (default: results are kept in .inmail_lint_cache/).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep results in this folder (default: .inmail_lint_cache/ beside the config, or here).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Leave out the findings recorded in this file (by --write-baseline); report only new ones.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record every finding of this run in this file (atomically), as accepted; exit 0.",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Lint, then lint again each time a draft or config here is saved (needs the `watch` extra); Ctrl-C stops.",
)
def check(
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    no_cache: bool,
    watch: bool,
    **options: Any,
) -> int:
    """Lint drafts. PATHS are draft files, directories (walked for *.inmail, *.inmail.md, *.inmail.txt), or '-'
    for standard input. With no PATHS, the current directory."""
    # imported when the command runs, so that --help and --version stay fast
    from inmail_lint.run.session import CheckRequest, run_check

    # every other option is named as the request's field it fills
    request = CheckRequest(
        select=_codes(select),
        extend_select=_codes(extend_select),
        ignore=_codes(ignore),
        cache=not no_cache,
        **options,
    )
    if watch:
        return _watch(request)
    spot = (click.get_current_context().obj or {}).get("record")  # the process's run (see cli.entry)
    return run_check(request, ClickConsole(), spot)


WATCHED_SUFFIXES = (".inmail", ".md", ".txt", ".toml", ".yaml", ".yml", ".json", ".csv", ".jsonl", ".ndjson")


def _watch(request: Any) -> int:
    """Lint, then again after each save: the drafts that changed, or everything when a config, rule or profile
    did (they change what every draft gets). Never with --fix, --diff, -o or standard input: a watch only reads."""
    import dataclasses

    from inmail_lint.run.session import run_check

    writes = request.output_file is not None or request.write_baseline is not None
    if request.fix or request.diff or writes or "-" in request.paths:
        _error("--watch reads drafts and prints; it cannot be combined with --fix, --diff, -o, --write-baseline or '-'")
        return EXIT_ERROR
    try:
        import watchfiles
    except ImportError:
        _error("--watch needs watchfiles: python -m pip install -e '.[watch]' in the inmail-lint checkout")
        return EXIT_ERROR
    console = ClickConsole(once=True)  # a note already said (a draft's language) is not said again each run
    status = run_check(request, console)
    roots = list(request.paths or (".",))
    click.echo(f"Watching {', '.join(roots)} for changes (Ctrl-C stops).", err=True)
    for changes in watchfiles.watch(*roots, raise_interrupt=False):
        changed = sorted({path for _, path in changes if path.endswith(WATCHED_SUFFIXES)})
        if not changed:
            continue
        # the paths as the first run named them: relative to here when they are below it
        changed = [_shown(p) for p in changed]
        drafts = [p for p in changed if _is_draft(p, request)]
        again = dataclasses.replace(request, paths=tuple(drafts)) if len(drafts) == len(changed) else request
        click.echo(f"--- {', '.join(Path(p).name for p in changed)} changed: linting again", err=True)
        status = run_check(again, console)
    return status


def _is_draft(path: str, request: Any) -> bool:
    """Whether a saved file is a draft by its config's include and exclude, as `check .` decides."""
    from inmail_lint.config.settings import ConfigError
    from inmail_lint.run.session import RunOptions, Session

    file = Path(path)
    if not file.is_file():
        return False
    try:
        session = Session(RunOptions(config_file=request.config_file, isolated=request.isolated))
        return session.is_draft(file, session.config_for(file))
    except ConfigError:
        return False  # linting everything again reports the broken config


class ClickConsole:
    """The run's messages on a terminal: errors and notes on standard error, a progress bar for long runs."""

    def error(self, message: str) -> None:
        _error(message)

    def __init__(self, *, once: bool = False) -> None:
        self._said: set[str] | None = set() if once else None  # with once: each note is said the first time only

    def note(self, message: str) -> None:
        if self._said is not None:
            if message in self._said:
                return
            self._said.add(message)
        click.echo(f"inmail-lint: note: {escape_unsafe(message)}", err=True)

    def out(self, text: str) -> None:
        click.echo(text, nl=False)

    def color(self, stream: IO[str]) -> bool:
        return _use_color(stream)

    def wants_progress(self) -> bool:
        return _use_progress()

    def progress(self, results: Iterable[FileResult], total: int | None) -> Iterator[FileResult]:
        # a bar only when the count is known ahead (a batch file is streamed, so its rows are not counted)
        if total is None or total < PROGRESS_AFTER or not _use_progress():
            yield from results
            return
        # no time estimate: the first drafts include loading spaCy, so a rate measured on them said "00:51:57"
        # for a six-second run; the count and the share done are true
        with click.progressbar(
            results, length=total, label="Linting", file=sys.stderr, show_eta=False, show_pos=True
        ) as bar:
            yield from bar


def _shown(path: str) -> str:
    """A path the watcher reports (absolute), as a path relative to here when it is below here."""
    import os

    relative = os.path.relpath(path)
    return path if relative.startswith(os.pardir) else relative
