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

from inmail_lint.model.calibrate import CalibrationError, columns, fit, parse_outcome
from inmail_lint.model.estimate import load_model, logistic, logit, parse_model

pytest.importorskip("sklearn")
Run = Callable[..., tuple[int, str, str]]
BASE = load_model()
BASE_BY_NAME = {f.name: f for f in BASE.factors}

# A team whose outcomes differ from the default model: every effect is at least 0.3 log odds away from it
TRUE_EFFECTS = {
    ("body-length", 0): 0.60,
    ("body-length", 2): -0.50,
    ("body-length", 3): -0.80,
    ("personal", 1): 0.80,
    ("personal", 2): 1.00,
    ("personal", 3): 1.10,
    ("name-in-subject", None): -0.30,
    ("questions", 1): 0.70,
    ("questions", 2): -0.40,
    ("shouting", None): -0.90,
    ("send-day", None): 0.30,
    ("unfilled-placeholder", None): -0.20,
    ("wrong-recipient", None): -1.30,
    ("spam-phrase", None): -1.20,
    ("generic-greeting", None): -0.80,
    ("fake-reply", None): 0.20,
    ("no-subject", None): -1.00,
    ("pitchy-subject", None): -0.60,
    ("cliche", None): -0.50,
    ("self-focused", None): 0.30,
    ("long-subject", None): -0.50,
    ("markdown", None): 0.25,
}
GRADE_MULTIPLE = 2.0  # the true reading-grade effect: twice the default curve
TRUE_BASELINE = 0.12


def true_model() -> Any:
    factors = []
    for factor in BASE.factors:
        spec: dict[str, Any] = {"name": factor.name, "observe": factor.observe, "source": "synthetic"}
        if factor.curve:
            spec["curve"] = [[x, y * GRADE_MULTIPLE] for x, y in factor.curve]
        elif factor.bins:
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
        o: dict[str, Any] = {
            "body-length": rng.choice([200, 600, 1000, 1500]),
            "personal-level": rng.choice([0, 1, 2, 3]),
            "name-in-subject": rng.random() < 0.4,
            "questions": rng.choice([0, 2, 5]),
            "reading-grade": rng.uniform(3.0, 15.0),
            "send-day": rng.random() < 0.3,
        }
        for code in sorted(BASE.finding_codes):
            o[f"finding:{code}"] = rng.random() < 0.2
        observations.append(o)
        outcomes.append(int(rng.random() < truth.estimate(o).probability))
    return observations, outcomes


def reference(name: str) -> int:
    """The bin calibration fixes at zero (the default model's bin nearest to no effect)."""
    return columns(BASE)[1][name]


def relative(model: Any, name: str, index: int | None) -> float:
    """A factor's effect, a bin's relative to the reference bin (what a fit can tell apart)."""
    factor = next(f for f in model.factors if f.name == name)
    if index is None:
        return float(factor.effect.log_or)
    return float(factor.bins[index][1].log_or - factor.bins[reference(name)][1].log_or)


def true_relative(name: str, index: int | None) -> float:
    if index is None:
        return TRUE_EFFECTS[(name, None)]
    return TRUE_EFFECTS.get((name, index), 0.0) - TRUE_EFFECTS.get((name, reference(name)), 0.0)


def test_calibration_recovers_known_coefficients() -> None:
    observations, outcomes = synthetic_history(40_000, seed=7)
    fitted, document = fit(observations, outcomes, BASE, c=1e4, bootstrap=0)
    for name, index in TRUE_EFFECTS:
        got, true = relative(fitted, name, index), true_relative(name, index)
        # about four standard errors: a bin's effect from some 10,000 rows is known to about 0.045
        assert got == pytest.approx(true, abs=0.18), (name, index, got, true)
    grade = next(f for f in fitted.factors if f.name == "reading-grade")
    default = BASE_BY_NAME["reading-grade"]
    assert grade.curve[0][1] / default.curve[0][1] == pytest.approx(GRADE_MULTIPLE, abs=0.6)
    # the fitted baseline is a draft in every reference bin
    shift = sum(TRUE_EFFECTS.get((f.name, reference(f.name)), 0.0) for f in BASE.factors if f.bins)
    assert fitted.baseline == pytest.approx(logistic(logit(TRUE_BASELINE) + shift), abs=0.02)
    assert document["factors"][0]["source"].startswith("fitted by inmail-lint calibrate")


def coefficient_error(model: Any) -> float:
    """Squared distance of a model's effects from the true ones (each bin relative to its reference bin)."""
    return sum((relative(model, n, i) - true_relative(n, i)) ** 2 for n, i in TRUE_EFFECTS)


@pytest.mark.parametrize("rows", [200, 1000, 5000])
def test_a_small_history_moves_the_model_a_little_and_a_large_one_a_lot(rows: int) -> None:
    observations, outcomes = synthetic_history(rows, seed=11)
    fitted, _ = fit(observations, outcomes, BASE, bootstrap=0)
    default_error, fitted_error = coefficient_error(BASE), coefficient_error(fitted)
    assert fitted_error <= default_error  # never further from the truth than the default it starts from
    if rows >= 5000:
        assert fitted_error < 0.35 * default_error


def test_a_factor_the_history_never_shows_keeps_its_default() -> None:
    observations, outcomes = synthetic_history(1000, seed=5)
    for o in observations:
        o["finding:IM410"] = False  # no fake "Re:" in this team's history
    fitted, _ = fit(observations, outcomes, BASE, bootstrap=0)
    default = BASE_BY_NAME["fake-reply"].effect
    got = next(f for f in fitted.factors if f.name == "fake-reply").effect
    assert (
        default is not None and got is not None and got.log_or == pytest.approx(default.log_or, abs=1e-4)
    )  # the file keeps 4 decimals


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
        fit([{"personal-level": 1}] * 10, [1] * 10, BASE)


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
    personal = next(f for f in model["factors"] if f["name"] == "personal")
    by_label = {b["label"]: b["log-or"] for b in personal["bins"]}
    gain = by_label["personalized"] - by_label["nothing about the reader"]
    assert gain > 0.5  # the history's strong personalization effect
    assert personal["fixed-by"] == {"IM303": 1, "IM304": 2}  # what fixing those would gain, still said
    (tmp_path / "a.inmail").write_text("Subject: Hi\n\nHi Ana, one question?\n", encoding="utf-8")
    status, out, _ = cli("check", "a.inmail", "--model", "team.yaml", "--output-format", "json", cwd=tmp_path)
    assert json.loads(out)["files"][0]["estimate"]["model"].startswith("fitted-")
    status, out, _ = cli("calibrate", "history.csv", "-o", "team2.yaml", cwd=tmp_path)
    assert "log loss" in out and "reliability" in out and status == 0
    assert "lower is better" in out and "the fitted model wins" in out


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
    from inmail_lint.run.session import Session

    rows = [
        {"subject": "", "body": "Subject: GREAT NEWS FOR YOU\n\nHi Ana, could we talk?", "responded": "0"},
        {"subject": "GREAT NEWS FOR YOU", "body": "Hi Ana, could we talk?", "responded": "1"},
    ]
    observations, outcomes = Session().history_observations(rows, default_config())
    assert outcomes == [0, 1]
    # the body's "Subject:" line is body text, not a subject: only the second row has one, in capitals
    assert observations[0]["finding:IM101"] is True and observations[1]["finding:IM101"] is False
    assert observations[1]["finding:IM408"] is True


def test_a_fit_is_recommended_only_when_it_is_better_beyond_chance() -> None:
    from inmail_lint.model.calibrate import compare

    observations, outcomes = synthetic_history(6000, seed=3)
    fitted, _ = fit(observations[:4000], outcomes[:4000], BASE, bootstrap=0)
    better = compare(BASE, fitted, observations[4000:], outcomes[4000:])
    assert better.recommended and better.low <= better.gain <= better.high
    # a history drawn from the default model itself: a fit can only follow chance
    rng = random.Random(2)
    drawn = [o for o, _ in zip(*synthetic_history(1200, seed=4), strict=True)]
    same = [int(rng.random() < BASE.estimate(o).probability) for o in drawn]
    refit, _ = fit(drawn[:900], same[:900], BASE, bootstrap=0)
    assert not compare(BASE, refit, drawn[900:], same[900:]).recommended


def test_calibrate_says_when_to_keep_the_default(cli: Run, tmp_path: Path) -> None:
    rng = random.Random(9)
    with (tmp_path / "h.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subject", "body", "responded"])
        for _ in range(200):  # outcomes that nothing in the drafts explains
            writer.writerow(["Your talk", "Hi Ana, I enjoyed your talk. Could we talk?", int(rng.random() < 0.2)])
    status, out, _ = cli("calibrate", "h.csv", "-o", "m.yaml", cwd=tmp_path)
    assert status == 0 and "the default model wins" in out and "keep the default model" in out
    status, out, _ = cli("calibrate", "h.csv", "-o", "m.yaml", "--output-format", "json", cwd=tmp_path)
    assert json.loads(out)["recommended"] is False


def test_a_20_mb_history_is_read_completely(tmp_path: Path) -> None:
    """The history reader streams the whole file (a 1 MiB cut once read 5,000 rows as 1,473, the last one cut
    mid-body and its label taken as 0)."""
    from inmail_lint.sources.tables import read_rows

    path = tmp_path / "history.csv"
    body = "Hi Ana, I enjoyed your talk on data contracts, and one part stayed with me. " * 6
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subject", "body", "responded"])
        while handle.tell() < 20 * 1024 * 1024:
            rows += 1
            writer.writerow([f"Your talk {rows}", body + f"Row {rows}.", rows % 2])
    read = read_rows(path)
    assert len(read) == rows > 40_000
    assert read[-1]["body"].endswith(f"Row {rows}.") and read[-1]["responded"] == str(rows % 2)
