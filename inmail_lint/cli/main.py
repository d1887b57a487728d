"""The command line: ``inmail-lint check``, ``inmail-lint rule``.

Only click is imported at start-up, so ``--help`` and ``--version`` stay fast; spaCy is imported by the first
rule that needs language analysis.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from inmail_lint.util.version import __version__

if TYPE_CHECKING:
    from inmail_lint.config.settings import Config
    from inmail_lint.engine.linter import Linter
    from inmail_lint.sources.files import Target

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2
PROGRESS_AFTER = 300  # drafts: a run this long shows a progress bar on a terminal
OUTPUT_FORMATS = ("full", "concise", "json", "json-lines", "github", "sarif", "junit")


def _codes(value: tuple[str, ...]) -> tuple[str, ...]:
    """Codes given as repeated options and/or comma-separated lists."""
    return tuple(code.strip().upper() for item in value for code in item.split(",") if code.strip())


def _error(message: str) -> None:
    click.echo(f"inmail-lint: error: {message}", err=True)


def _use_progress() -> bool:
    return bool(sys.stderr.isatty()) and not os.environ.get("CI")


def _use_color(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="inmail-lint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint LinkedIn InMail drafts: platform limits, reply best practice, the chance of a credit refund."""


@cli.command()
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
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to this file instead of standard output.",
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
def check(
    paths: tuple[str, ...],
    output_format: str,
    output_file: Path | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    exit_zero: bool,
    config_file: Path | None,
    isolated: bool,
    kind: str | None,
    quiet: bool,
    statistics: bool,
    stdin_filename: str | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    vars_file: Path | None,
    model_file: Path | None,
    send_at: str | None,
    jobs: int,
) -> int:
    """Lint drafts. PATHS are draft files, directories (walked for *.inmail, *.inmail.md, *.inmail.txt), or '-'
    for standard input. With no PATHS, the current directory."""
    from inmail_lint.config.settings import ConfigError, ConfigResolver
    from inmail_lint.diagnostic import Severity
    from inmail_lint.draft.parse import parse_send_at
    from inmail_lint.engine.result import FileResult
    from inmail_lint.report.formatters import FORMATTERS, RuleDoc, Summary
    from inmail_lint.ruledef.base import RuleDefinitionError
    from inmail_lint.run.batch import make_jobs, run_all, start_workers
    from inmail_lint.run.cache import LINTERS
    from inmail_lint.run.targets import fix_target
    from inmail_lint.sources.files import PathError, discover, write_atomic
    from inmail_lint.sources.tables import RowsError, read_rows

    if isolated and config_file:
        _error("--config and --isolated cannot be used together")
        return EXIT_ERROR
    if vars_file is not None and (fix or diff):
        _error("--vars lints renderings; it cannot be combined with --fix or --diff")
        return EXIT_ERROR
    when = None
    if send_at is not None:
        try:
            when = parse_send_at(send_at)
        except ValueError:
            _error(f"--send-at: expected a date or time such as 2026-05-04T09:30, got {send_at!r}")
            return EXIT_ERROR
    rows = None
    if vars_file is not None:
        try:
            rows = read_rows(vars_file)
        except RowsError as exc:
            _error(str(exc))
            return EXIT_ERROR
    processes = jobs or os.cpu_count() or 1
    with contextlib.ExitStack() as cleanup:
        # --jobs: the helper processes start now, so their start-up overlaps finding the drafts
        pool = None if (fix or diff) else start_workers(processes)
        if pool is not None:
            cleanup.callback(pool.shutdown, cancel_futures=True)
        try:
            resolver = ConfigResolver(
                config_file=config_file,
                isolated=isolated,
                select=_codes(select) or None,
                extend_select=_codes(extend_select),
                ignore=_codes(ignore),
                kind=kind,
                model=model_file,
                send_at=when,
            )
            # Resolve every draft's configuration before printing anything: a bad config stops the run.
            targets: list[Target] = []
            plan: list[tuple[Target, Config, Linter]] = []
            path_errors = 0
            stdin_dir = Path(stdin_filename).parent if stdin_filename else Path.cwd()
            for item in discover(list(paths) or ["."], resolver, stdin_filename):
                if isinstance(item, PathError):
                    _error(f"{item.display}: {item.message}")
                    path_errors += 1
                    continue
                targets.append(item)
                config = resolver.for_path(item.path) if item.path else resolver.for_directory(stdin_dir)
                plan.append((item, config, LINTERS.get(config)))
        except (ConfigError, RuleDefinitionError) as exc:
            _error(str(exc))
            return EXIT_ERROR

        if output_file is not None:
            stream: IO[str] = cleanup.enter_context(output_file.open("w", encoding="utf-8", newline="\n"))
        else:
            stream = sys.stdout
            cleanup.callback(stream.flush)
        include = resolver.for_directory(Path.cwd()).include if not plan else plan[0][1].include
        summary = Summary(path_errors=path_errors, include=include)
        # With --diff, or --fix on standard input, the output is the diff or the fixed draft: no report.
        report = not (diff or (fix and any(t.path is None for t in targets)))
        rule_docs = {
            rule.code: RuleDoc(
                rule.code, rule.name, rule.summary, rule.explanation.strip(), rule.default_severity, rule.url
            )
            for linter in {id(linter): linter for _, _, linter in plan}.values()
            for rule in linter.registry
        }
        formatter = FORMATTERS[output_format](
            stream,
            color=output_file is None and _use_color(stream),
            summary=not quiet,
            statistics=statistics,
            rule_docs=rule_docs,
        )
        threshold = Severity.parse(fail_on)
        failed = internal_errors = changed = 0

        def handle(result: FileResult) -> None:
            nonlocal failed, internal_errors
            if result.error is not None:
                internal_errors += 1
                _error(
                    f"{result.path}: internal error while linting ({result.error}); please report this with the draft"
                )
                return
            for note in result.notes:
                click.echo(f"inmail-lint: note: {result.path}: {note}", err=True)
            summary.add(result)
            if any(d.severity >= threshold for d in result.diagnostics):
                failed += 1
            if report:
                formatter.file(result)

        if report:
            formatter.start()
        if fix or diff:
            for target, config, linter in plan:
                try:
                    outcome = fix_target(target, config, linter, unsafe=unsafe_fixes)
                except Exception as exc:  # one broken file must not stop the others
                    handle(FileResult(target.display, None, error=f"{type(exc).__name__}: {exc}"))
                    continue
                summary.fixed += outcome.fixed
                changed += outcome.changed
                if diff:
                    _print_diff(target.display, outcome.before, outcome.after)
                elif target.path is None:
                    click.echo(outcome.after, nl=False)
                elif outcome.changed:
                    write_atomic(target.path, outcome.encoded())
                handle(outcome.result)
        else:
            configs = {id(config): config for _, config, _ in plan}
            linters = {id(config): linter for _, config, linter in plan}
            job_list = list(make_jobs(plan, rows))
            results = run_all(job_list, configs, linters, pool, processes - 1)
            if len(job_list) >= PROGRESS_AFTER and _use_progress():
                with click.progressbar(results, length=len(job_list), label="Linting", file=sys.stderr) as bar:
                    for result in bar:
                        handle(result)
            else:
                for result in results:
                    handle(result)
        if report:
            formatter.finish(summary)
        if path_errors or internal_errors:
            return EXIT_ERROR
        if diff:
            return EXIT_PROBLEMS if changed and not exit_zero else EXIT_OK
        if failed and not exit_zero:
            return EXIT_PROBLEMS
        return EXIT_OK


def _print_diff(display: str, before: str, after: str) -> None:
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{display}", f"b/{display}"
    )
    for line in lines:
        click.echo(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n", nl=False)


@cli.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
@click.option("--output-format", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--isolated", is_flag=True, help="Ignore config files (list only the built-in rules).")
def rule(code: str | None, show_all: bool, output_format: str, isolated: bool) -> int:
    """Explain a rule (by code or name), or list them all with --all."""
    import json

    from inmail_lint.config.settings import ConfigResolver
    from inmail_lint.engine.registry import build_registry
    from inmail_lint.report.rulesdoc import rule_to_json, rule_to_text, rules_table

    if bool(code) == show_all:
        _error("give a rule code (such as IM201) or --all")
        return EXIT_ERROR
    try:
        config = ConfigResolver(isolated=isolated).for_directory(Path.cwd())
        registry = build_registry(config.rule_dirs)
    except Exception as exc:
        _error(str(exc))
        return EXIT_ERROR
    rules = list(registry)
    if code:
        found = registry.get(code.upper()) or registry.get(code)
        if found is None:
            _error(f"unknown rule {code!r}; 'inmail-lint rule --all' lists them")
            return EXIT_ERROR
        rules = [found]
    if output_format == "json":
        data: Any = [rule_to_json(r) for r in rules]
        click.echo(json.dumps(data if show_all else data[0], indent=2, ensure_ascii=False))
    elif output_format == "markdown" or show_all:
        click.echo(
            rules_table(rules)
            if output_format == "markdown"
            else "\n".join(f"{r.code}  {r.name:<24} {r.default_severity!s:<8} {r.summary}" for r in rules)
        )
    else:
        click.echo(rule_to_text(rules[0]))
    return EXIT_OK


@cli.command()
@click.argument("history", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the fitted model (YAML, for --model or config 'model').",
)
@click.option(
    "--holdout",
    type=click.FloatRange(0.0, 0.9),
    default=0.25,
    show_default=True,
    help="Share of the history kept out of the fit to judge it.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the split and the bootstrap.")
@click.option(
    "--strength",
    type=click.FloatRange(min=0.0, min_open=True),
    default=1.0,
    show_default=True,
    help="Inverse regularisation strength (scikit-learn's C): larger trusts the data more.",
)
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--isolated", is_flag=True, help="Ignore config files.")
def calibrate(
    history: Path, output: Path, holdout: float, seed: int, strength: float, output_format: str, isolated: bool
) -> int:
    """Fit the refund model to a team's sent messages and their outcomes (a CSV with subject, body,
    responded), and compare it with the model in use on a held-out split."""
    import json

    import yaml

    from inmail_lint.config.settings import ConfigError, ConfigResolver
    from inmail_lint.model import calibrate as cal
    from inmail_lint.model.estimate import ModelError, load_model
    from inmail_lint.run.history import history_observations
    from inmail_lint.sources.files import write_atomic
    from inmail_lint.sources.tables import RowsError, read_rows

    try:
        config = ConfigResolver(isolated=isolated).for_directory(Path.cwd())
        base = load_model(config.model)
        rows = read_rows(history)
        observations, outcomes = history_observations(rows, config)
        train, test = cal.split(len(outcomes), holdout, outcomes, seed)
        fitted, _ = cal.fit(
            [observations[i] for i in train],
            [outcomes[i] for i in train],
            base,
            c=strength,
            seed=seed,
            source=history.name,
        )
        held_obs = [observations[i] for i in test] or observations
        held_out = [outcomes[i] for i in test] or outcomes
        report: dict[str, Any] = {
            "rows": len(outcomes),
            "responded": sum(outcomes),
            "held_out": len(test),
            "default": cal.score(base, held_obs, held_out).__dict__,
            "fitted": cal.score(fitted, held_obs, held_out).__dict__,
            "reliability": cal.reliability(fitted, held_obs, held_out),
        }
        _, document = cal.fit(observations, outcomes, base, c=strength, seed=seed, source=history.name)
    except (RowsError, cal.CalibrationError, ConfigError, ModelError) as exc:
        _error(str(exc))
        return EXIT_ERROR
    write_atomic(output, yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode("utf-8"))
    if output_format == "json":
        click.echo(json.dumps({**report, "model": str(output)}, indent=2))
        return EXIT_OK
    click.echo(
        f"{report['rows']} sent messages, {report['responded']} responded; "
        f"judged on {report['held_out'] or report['rows']} held out"
    )
    click.echo(f"{'model':<10}{'log loss':>10}{'Brier':>8}{'AUC':>7}")
    for name in ("default", "fitted"):
        s = report[name]
        auc = "n/a" if s["auc"] is None else f"{s['auc']:.3f}"
        click.echo(f"{name:<10}{s['log_loss']:>10.4f}{s['brier']:>8.4f}{auc:>7}")
    click.echo("reliability (fitted model, held out):")
    for band in report["reliability"]:
        click.echo(
            f"  {band['band']:>8}  {band['drafts']:>5} drafts  predicted {band['predicted']:.1%}  "
            f"observed {band['observed']:.1%}"
        )
    click.echo(f"wrote {output} (fitted on all {report['rows']} rows); use it with --model or config 'model'")
    return EXIT_OK


@cli.command()
@click.option(
    "--plan", "plan_name", required=True, help="The plan: premium-career, sales-navigator-core, recruiter-lite, ..."
)
@click.option("--per-month", type=click.FloatRange(min=0), required=True, help="InMails you want to send a month.")
@click.option("--months", type=click.IntRange(1, 120), default=12, show_default=True)
@click.option(
    "--response-rate", type=click.FloatRange(0, 1, max_open=True), help="Share of InMails answered within 90 days."
)
@click.option(
    "--drafts",
    "drafts_dir",
    type=click.Path(exists=True, path_type=Path),
    help="Use the mean refund estimate of the drafts here as the response rate.",
)
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--isolated", is_flag=True, help="Ignore config files (only the built-in plans).")
def credits(
    plan_name: str,
    per_month: float,
    months: int,
    response_rate: float | None,
    drafts_dir: Path | None,
    output_format: str,
    isolated: bool,
) -> int:
    """Plan an InMail credit balance month by month: allotments, sends, refunds, expiry, and when it runs out."""
    import dataclasses
    import json

    from inmail_lint.config.settings import ConfigError, ConfigResolver
    from inmail_lint.model.credits import PlanError, plans, simulate, sustainable

    if (response_rate is None) == (drafts_dir is None):
        _error("give either --response-rate or --drafts")
        return EXIT_ERROR
    try:
        config = ConfigResolver(isolated=isolated).for_directory(Path.cwd())
        available = plans(config.plans)
        if plan_name not in available:
            _error(f"unknown plan {plan_name!r}; plans: {', '.join(available)}")
            return EXIT_ERROR
        plan = available[plan_name]
        basis = "given"
        if drafts_dir is not None:
            response_rate, count = _mean_estimate(drafts_dir, isolated)
            if count == 0:
                _error(f"{drafts_dir}: no InMail drafts with a credit at stake")
                return EXIT_ERROR
            basis = f"mean estimate over {count} draft{'s' if count != 1 else ''} in {drafts_dir}"
        assert response_rate is not None
        table = simulate(plan, per_month, months, response_rate)
    except (ConfigError, PlanError) as exc:
        _error(str(exc))
        return EXIT_ERROR
    ran_out = [m.month for m in table if m.short > 0]
    keepable = sustainable(plan, response_rate)
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    "plan": dataclasses.asdict(plan),
                    "per_month": per_month,
                    "response_rate": round(response_rate, 4),
                    "response_rate_basis": basis,
                    "months": [dataclasses.asdict(m) for m in table],
                    "ran_out": ran_out,
                    "sustainable_per_month": round(keepable, 2),
                },
                indent=2,
            )
        )
        return EXIT_OK
    click.echo(
        f"{plan.title}: {plan.monthly:g} credits a month, up to {plan.cap:g}; "
        f"response rate {response_rate:.0%} ({basis})"
    )
    click.echo(f"{'month':>5} {'allotted':>9} {'sent':>7} {'refunded':>9} {'expired':>8} {'balance':>8}")
    for m in table:
        click.echo(f"{m.month:>5} {m.allotted:>9g} {m.sent:>7g} {m.refunded:>9g} {m.expired:>8g} {m.balance_end:>8g}")
    if ran_out:
        short = sum(m.short for m in table)
        click.echo(
            f"Runs out in month{'s' if len(ran_out) > 1 else ''} {', '.join(map(str, ran_out))}: "
            f"{short:g} fewer sends than planned."
        )
    else:
        click.echo("Never runs out.")
    click.echo(f"Sustainable: {keepable:.1f} sends a month ({plan.monthly:g} / (1 - {response_rate:.2f})).")
    return EXIT_OK


def _mean_estimate(folder: Path, isolated: bool) -> tuple[float, int]:
    from inmail_lint.config.settings import ConfigResolver
    from inmail_lint.run.targets import lint_target
    from inmail_lint.sources.files import PathError, discover

    resolver = ConfigResolver(isolated=isolated)
    total, count = 0.0, 0
    for item in discover([str(folder)], resolver):
        if isinstance(item, PathError) or item.path is None:
            continue
        config = resolver.for_path(item.path)
        estimate = lint_target(item, config).estimate  # one linter per config (api.linter_for)
        if estimate is not None and estimate.credit_at_stake:
            total += estimate.probability
            count += 1
    return (total / count if count else 0.0), count


@cli.command()
def server() -> int:
    """Run the language server on standard input and output (needs the extra: pip install 'inmail-lint[lsp]')."""
    try:
        from inmail_lint.server import main as serve
    except ImportError as exc:
        _error(f"the language server needs pygls ({exc.name}): python -m pip install 'inmail-lint[lsp]'")
        return EXIT_ERROR
    serve()
    return EXIT_OK


def main(argv: list[str] | None = None, prog_name: str = "inmail-lint") -> int:
    """Run the command line and return its exit status (0 clean, 1 problems, 2 usage, config or internal error)."""
    try:
        result = cli.main(args=argv, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    return int(result) if isinstance(result, int) else EXIT_OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
