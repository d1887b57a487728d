"""Calibration recovers known coefficients, and the command fits, reports and writes a usable model."""

from __future__ import annotations

import csv
import json
import math
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from inmail_lint.model.calibrate import CalibrationError, fit, parse_outcome
from inmail_lint.model.estimate import load_model, parse_model

pytest.importorskip("sklearn")
Run = Callable[..., tuple[int, str, str]]
BASE = load_model()

TRUE_EFFECTS = {
    ("body-length", 0): 0.30,
    ("body-length", 2): -0.20,
    ("body-length", 3): -0.40,
    ("personalized", None): 0.50,
    ("mutual-connection-in-subject", None): 0.40,
    ("shared-group", None): 0.30,
    ("shared-employer", None): 0.20,
    ("name-in-subject", None): 0.35,
    ("questions", 1): 0.30,
    ("questions", 2): -0.10,
    ("reading-grade", 0): 0.15,
    ("reading-grade", 2): -0.25,
    ("all-caps-subject", None): -0.60,
    ("send-day", None): -0.15,
}
TRUE_BASELINE = 0.15


def true_model() -> Any:
    factors = []
    for factor in BASE.factors:
        spec: dict[str, Any] = {"name": factor.name, "observe": factor.observe, "source": "synthetic"}
        if factor.bins:
            spec["bins"] = [
                {"upto": upto, "log-or": TRUE_EFFECTS.get((factor.name, i), 0.0)}
                for i, (upto, _) in enumerate(factor.bins)
            ]
        else:
            spec.update(when=True, **{"log-or": TRUE_EFFECTS[(factor.name, None)]})
        factors.append(spec)
    return parse_model({"baseline": {"p": TRUE_BASELINE}, "max-shift": 50, "factors": factors}, "truth")


def synthetic_history(n: int, seed: int) -> tuple[list[dict[str, Any]], list[int]]:
    rng = random.Random(seed)
    truth = true_model()
    observations, outcomes = [], []
    for _ in range(n):
        o = {
            "body-length": rng.choice([200, 600, 1000, 1500]),
            "personalized": rng.random() < 0.5,
            "mutual-connection-in-subject": rng.random() < 0.3,
            "shared-group": rng.random() < 0.3,
            "shared-employer": rng.random() < 0.3,
            "name-in-subject": rng.random() < 0.4,
            "questions": rng.choice([0, 2, 5]),
            "reading-grade": rng.choice([4.0, 9.0, 14.0]),
            "all-caps-subject": rng.random() < 0.2,
            "send-day": rng.random() < 0.3,
        }
        observations.append(o)
        outcomes.append(int(rng.random() < truth.estimate(o).probability))
    return observations, outcomes


def test_calibration_recovers_known_coefficients() -> None:
    observations, outcomes = synthetic_history(40_000, seed=7)
    fitted, document = fit(observations, outcomes, BASE, c=1e4, bootstrap=0)
    by_name = {f.name: f for f in fitted.factors}
    for (name, index), true in TRUE_EFFECTS.items():
        factor = by_name[name]
        got = factor.bins[index][1].log_or if index is not None else factor.effect.log_or  # type: ignore[union-attr]
        assert got == pytest.approx(true, abs=0.12), (name, index, got, true)
    assert fitted.baseline == pytest.approx(TRUE_BASELINE, abs=0.02)
    assert document["factors"][0]["source"].startswith("fitted by inmail-lint calibrate")


def test_a_fitted_model_is_judged_better_than_a_wrong_one() -> None:
    from inmail_lint.model.calibrate import score

    observations, outcomes = synthetic_history(6000, seed=3)
    fitted, _ = fit(observations[:4000], outcomes[:4000], BASE, bootstrap=5)
    fitted_scores = score(fitted, observations[4000:], outcomes[4000:])
    default_scores = score(BASE, observations[4000:], outcomes[4000:])
    assert fitted_scores.log_loss < default_scores.log_loss
    assert fitted_scores.auc is not None and fitted_scores.auc > 0.6


def test_outcomes_must_vary() -> None:
    with pytest.raises(CalibrationError, match="both outcomes"):
        fit([{"personalized": True}] * 10, [1] * 10, BASE)


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("yes", 1), ("True", 1), ("0", 0), ("no", 0), ("", 0)])
def test_outcome_values(text: str, value: int) -> None:
    assert parse_outcome(text) == value


def write_history(path: Path, n: int = 400) -> None:
    rng = random.Random(1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["subject", "body", "responded", "first_name", "kind"])
        writer.writeheader()
        for _ in range(n):
            personal = rng.random() < 0.5
            body = ("Hi Ana, I enjoyed your talk on contracts." if personal else "Hi Ana, we sell data tools.") + (
                " Could we talk?" if rng.random() < 0.5 else ""
            )
            p = 0.1 + (0.25 if personal else 0.0)
            writer.writerow(
                {
                    "subject": "Data tools",
                    "body": body,
                    "responded": int(rng.random() < p),
                    "first_name": "Ana",
                    "kind": "inmail",
                }
            )


def test_calibrate_command(cli: Run, tmp_path: Path) -> None:
    write_history(tmp_path / "history.csv")
    status, out, err = cli("calibrate", "history.csv", "-o", "team.yaml", "--output-format", "json", cwd=tmp_path)
    assert status == 0, err
    report = json.loads(out)
    assert report["rows"] == 400 and report["held_out"] == 100
    for name in ("default", "fitted"):
        assert set(report[name]) == {"log_loss", "brier", "auc", "rows"}
    assert report["reliability"] and all(r["drafts"] > 0 for r in report["reliability"])
    model = yaml.safe_load((tmp_path / "team.yaml").read_text(encoding="utf-8"))
    personalized = next(f for f in model["factors"] if f["name"] == "personalized")
    assert personalized["log-or"] > 0.5  # the history's strong personalization effect
    (tmp_path / "a.inmail").write_text("Subject: Hi\n\nHi Ana, one question?\n", encoding="utf-8")
    status, out, _ = cli("check", "a.inmail", "--model", "team.yaml", "--output-format", "json", cwd=tmp_path)
    assert json.loads(out)["files"][0]["estimate"]["model"].startswith("fitted-")
    status, out, _ = cli("calibrate", "history.csv", "-o", "team2.yaml", cwd=tmp_path)
    assert "log loss" in out and "reliability" in out and status == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("subject,text\nHi,hello\n", "'body' and 'responded'", id="missing columns"),
        pytest.param("subject,body,responded\nHi,hello,maybe\n", "row 1", id="bad outcome"),
        pytest.param("subject,body,responded\nHi,hello,1\nHo,there,1\n", "both outcomes", id="one outcome"),
    ],
)
def test_calibrate_bad_history(cli: Run, tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "h.csv").write_text(content, encoding="utf-8")
    status, _out, err = cli("calibrate", "h.csv", "-o", "m.yaml", "--holdout", "0", cwd=tmp_path)
    assert status == 2 and message in err
    assert not (tmp_path / "m.yaml").exists()


def test_history_has_no_nan() -> None:
    observations, _outcomes = synthetic_history(50, seed=1)
    assert all(not (isinstance(v, float) and math.isnan(v)) for o in observations for v in o.values())


def test_history_rows_become_drafts_as_batch_rows_do() -> None:
    """A history row is a draft made from its columns (as in a batch file), never re-parsed as a draft file:
    a body that starts like a header or front matter stays body."""
    from inmail_lint.config.settings import default_config
    from inmail_lint.run.history import history_observations

    rows = [
        {"subject": "", "body": "Subject: GREAT NEWS FOR YOU\n\nHi Ana, could we talk?", "responded": "0"},
        {"subject": "GREAT NEWS FOR YOU", "body": "Hi Ana, could we talk?", "responded": "1"},
    ]
    observations, outcomes = history_observations(rows, default_config())
    assert outcomes == [0, 1]
    assert observations[0]["all-caps-subject"] is None and observations[1]["all-caps-subject"] is True
