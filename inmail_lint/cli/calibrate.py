"""``inmail-lint calibrate``: fit the refund model to a history of sent messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from inmail_lint.cli.common import _error
from inmail_lint.util.status import EXIT_ERROR, EXIT_OK


@click.command()
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
    default=0.1,
    show_default=True,
    help="How far the fit may move from the default model (the prior's variance per coefficient): larger trusts "
    "the history more.",
)
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--isolated", is_flag=True, help="Ignore config files.")
def calibrate(
    history: Path, output: Path, holdout: float, seed: int, strength: float, output_format: str, isolated: bool
) -> int:
    """Fit the refund model to a team's sent messages and their outcomes (a CSV with subject, body,
    responded), and compare it with the model in use on a held-out split."""
    # imported when the command runs, so that --help and --version stay fast
    from inmail_lint.config.settings import ConfigError
    from inmail_lint.run.session import RunOptions, Session
    from inmail_lint.sources.write import WriteRefused

    with Session(RunOptions(isolated=isolated)) as session:
        session.read_input(history, "the history it reads")
        try:  # before the work: a path that cannot take the model is refused now, not after fitting
            config = session.config_for(None)
            session.check_output(output)
        except WriteRefused as exc:
            _error(f"--output: {exc}")
            return EXIT_ERROR
        except ConfigError as exc:
            _error(str(exc))
            return EXIT_ERROR
        fitted = _fit(session, config, history, holdout, seed, strength)
        if isinstance(fitted, int):
            return fitted
        report, document = fitted
        import yaml

        try:
            session.write(output, yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode("utf-8"))
        except WriteRefused as exc:
            _error(f"--output: {exc}")
            return EXIT_ERROR
    _print(report, output, output_format)
    return EXIT_OK


def _fit(
    session: Any, config: Any, history: Path, holdout: float, seed: int, strength: float
) -> tuple[dict[str, Any], dict[str, Any]] | int:
    """The comparison of the default and the fitted model, and the model fitted on every row; or the exit
    status after an error."""
    from inmail_lint.config.settings import ConfigError
    from inmail_lint.model import calibrate as cal
    from inmail_lint.model.estimate import ModelError, load_model
    from inmail_lint.sources.tables import RowsError, read_rows

    try:
        base = load_model(config.model)
        rows = read_rows(history)
        observations, outcomes = session.history_observations(rows, config)
        cal.check_history(outcomes, holdout)
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
        comparison = cal.compare(base, fitted, held_obs, held_out, seed=seed)
        report["gain"] = {
            "log_loss": round(comparison.gain, 5),
            "low": round(comparison.low, 5),
            "high": round(comparison.high, 5),
        }
        report["recommended"] = comparison.recommended
        _, document = cal.fit(observations, outcomes, base, c=strength, seed=seed, source=history.name)
    except cal.CalibrationError as exc:
        _error(f"{history}: {exc}")
        return EXIT_ERROR
    except (RowsError, ConfigError, ModelError) as exc:
        _error(str(exc))
        return EXIT_ERROR
    return report, document


def _print(report: dict[str, Any], output: Path, output_format: str) -> None:
    import json

    if output_format == "json":
        click.echo(json.dumps({**report, "model": str(output)}, indent=2))
        return
    click.echo(
        f"{report['rows']} sent messages, {report['responded']} responded; "
        f"judged on {report['held_out'] or report['rows']} held out"
    )
    click.echo(f"{'model':<10}{'log loss':>10}{'Brier':>8}{'AUC':>7}   (log loss, Brier: lower is better; AUC: higher)")
    for name in ("default", "fitted"):
        s = report[name]
        auc = "n/a" if s["auc"] is None else f"{s['auc']:.3f}"
        click.echo(f"{name:<10}{s['log_loss']:>10.4f}{s['brier']:>8.4f}{auc:>7}")
    click.echo("reliability (fitted model, held out):")
    for band in report["reliability"]:
        click.echo(
            f"  {band['band']:>8}  {band['drafts']:>5} draft{'s' if band['drafts'] != 1 else ' '}  "
            f"predicted {band['predicted']:.1%}  "
            f"observed {band['observed']:.1%}"
        )
    gain = report["gain"]
    better = "fitted" if gain["log_loss"] > 0 else "default"
    interval = (
        f"the {better} model's log loss is lower by {abs(gain['log_loss']):.4f}; 90% interval of the fitted "
        f"model's improvement {gain['low']:.4f} to {gain['high']:.4f}, where above 0 means the fitted model wins"
    )
    if report["recommended"]:
        click.echo(f"the fitted model wins: it predicts the held-out messages better ({interval})")
        click.echo(f"wrote {output} (fitted on all {report['rows']} rows); use it with --model or config 'model'")
    else:
        click.echo(
            f"the default model wins: the fitted one is not shown to be better on held-out messages ({interval})"
        )
        click.echo(
            f"wrote {output} (fitted on all {report['rows']} rows), but keep the default model: this history "
            "does not show the fit is better (more sent messages would)"
        )
