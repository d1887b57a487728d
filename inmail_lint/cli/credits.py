"""``inmail-lint credits``: plan InMail credits over the months."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import click

from inmail_lint.cli.common import _error
from inmail_lint.model.estimate import percent
from inmail_lint.util.status import EXIT_ERROR, EXIT_OK


def _finite(param: click.Parameter, value: float | None) -> float | None:
    """click's FloatRange lets nan through (every comparison with it is false): refuse it, and infinity."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of InMails or a rate", param=param)
    return value


@click.command()
@click.option(
    "--plan", "plan_name", required=True, help="The plan: premium-career, sales-navigator-core, recruiter-lite, ..."
)
@click.option(
    "--per-month",
    type=click.FloatRange(min=0),
    required=True,
    callback=lambda ctx, param, value: _finite(param, value),
    help="InMails you want to send a month.",
)
@click.option("--months", type=click.IntRange(1, 120), default=12, show_default=True)
@click.option(
    "--response-rate",
    type=click.FloatRange(0, 1, max_open=True),
    callback=lambda ctx, param, value: _finite(param, value),
    help="Share of InMails answered within 90 days.",
)
@click.option(
    "--drafts",
    "drafts_dir",
    type=click.Path(exists=True, path_type=Path),
    help="Use the mean refund estimate of the drafts here as the response rate.",
)
@click.option(
    "--balance",
    "opening",
    type=click.FloatRange(min=0),
    default=0.0,
    callback=lambda ctx, param, value: _finite(param, value),
    help="Credits held now, before the first month's allotment.",
)
@click.option(
    "--expiry",
    help="How long a credit lasts: a number of months, or 'never' (LinkedIn's pages disagree; each plan says "
    "what it follows).",
)
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--isolated", is_flag=True, help="Ignore config files (only the built-in plans).")
def credits(
    plan_name: str,
    per_month: float,
    months: int,
    response_rate: float | None,
    drafts_dir: Path | None,
    opening: float,
    expiry: str | None,
    output_format: str,
    isolated: bool,
) -> int:
    """Plan an InMail credit balance month by month: allotments, sends, refunds, expiry, and when it runs out."""
    import json

    # imported when the command runs, so that --help and --version stay fast
    from inmail_lint.config.settings import ConfigError
    from inmail_lint.model.credits import PlanError
    from inmail_lint.run.session import RunOptions, Session

    if (response_rate is None) == (drafts_dir is None):
        _error("give either --response-rate or --drafts")
        return EXIT_ERROR
    try:
        with Session(RunOptions(isolated=isolated)) as session:
            result = session.plan_credits(
                plan_name, per_month, months, response_rate, drafts_dir, opening=opening, expiry=expiry
            )
    except (ConfigError, PlanError) as exc:
        _error(str(exc))
        return EXIT_ERROR
    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return EXIT_OK
    plan, table, response_rate, basis = result.plan, result.table, result.response_rate, result.basis
    ran_out, keepable = result.ran_out, result.keepable
    lasts = "never expire" if plan.expiry_months is None else f"last {plan.expiry_months} months"
    click.echo(
        f"{plan.title}: {plan.monthly:g} credits a month, up to {plan.cap:g}; credits {lasts}"
        + (f" ({plan.expiry_note})" if plan.expiry_note else "")
    )
    rate = percent(response_rate)  # as every surface shows a probability
    click.echo(f"response rate {rate} ({basis})" + (f"; opening balance {opening:g}" if opening else ""))
    articles = sorted(set(re.findall(r"\ba\d{4,7}\b|\b\d{3,7}(?=:)", plan.expiry_note or "")))
    if articles:
        what = "a LinkedIn Help article" if len(articles) == 1 else "LinkedIn Help articles"
        click.echo(f"({', '.join(articles)}: {what}, at https://www.linkedin.com/help/linkedin/answer/<number>)")
    _print_table(table, plan.cap)
    if ran_out:
        short = sum(m.short for m in table)
        click.echo(
            f"Runs out in month{'s' if len(ran_out) > 1 else ''} {', '.join(map(str, ran_out))}: "
            f"about {_whole(short)} fewer sends than planned."
        )
    else:
        click.echo("Never runs out.")
    click.echo(
        f"Sustainable: about {_whole(keepable)} sends a month ({plan.monthly:g} / (1 - {response_rate:.2f}) = "
        f"{keepable:.1f})."
    )
    return EXIT_OK


def _print_table(table: Any, cap: float) -> None:
    """The months, in whole sends, with a bar of the balance (and its legend only when a bar is drawn)."""
    from inmail_lint.model.credits import balance_bar

    click.echo(
        f"{'month':>5} {'allotted':>9} {'sent':>7} {'refunded':>9} {'expired':>8} {'over cap':>9} {'balance':>8}"
    )
    bars = False
    for m in table:  # credits are whole sends: the expected numbers are shown rounded (JSON keeps them exact)
        bar = balance_bar(m.balance_end, cap)
        bars = bars or bool(bar.strip())
        cells = (m.allotted, m.sent, m.refunded, m.expired, m.over_cap, m.balance_end)
        widths = (9, 7, 9, 8, 9, 8)
        row = " ".join(f"{_whole(v):>{w}}" for v, w in zip(cells, widths, strict=True))
        click.echo(f"{m.month:>5} {row} {bar}".rstrip())
    if bars:
        click.echo(f"{'':>58}(bar: the balance, full at the cap of {cap:g})")


def _whole(credits: float) -> str:
    """Credits as whole sends (half up): the planner's expected values are fractions, sends are not."""
    return str(math.floor(credits + 0.5))
