"""The refund model: conversions, each factor's effect at the baseline, draft pairs, bounds, cap, credits."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inmail_lint.model.estimate import ModelError, load_model, logistic, logit, odds_ratio_from_lift, parse_model

from .conftest import lint_text, validate_report

Run = Callable[..., tuple[int, str, str]]
MODEL = load_model()
P0 = MODEL.baseline


def test_lift_to_odds_ratio() -> None:
    # at the baseline, applying the odds ratio gives back exactly RR * p0
    for rr in (0.8, 1.2, 1.5, 2.0):
        odds_ratio = odds_ratio_from_lift(rr, 0.18)
        assert logistic(logit(0.18) + math.log(odds_ratio)) == pytest.approx(rr * 0.18)
    assert odds_ratio_from_lift(1.27, 0.18) == pytest.approx(1.27 * 0.82 / (1 - 1.27 * 0.18))
    with pytest.raises(ValueError):
        odds_ratio_from_lift(6.0, 0.18)  # would pass 100%


def at_baseline(observations: dict[str, Any]) -> float:
    return MODEL.estimate(observations).probability / MODEL.estimate({}).probability


@pytest.mark.parametrize(
    ("observations", "lift"),
    [
        pytest.param({"personalized": True}, 1.20, id="personalized +20%"),
        pytest.param({"mutual-connection-in-subject": True}, 1.27, id="mutual connection in subject +27%"),
        pytest.param({"shared-group": True}, 1.21, id="shared group +21%"),
        pytest.param({"shared-employer": True}, 1.27, id="former employer +27%"),
        pytest.param({"name-in-subject": True}, 1.31, id="name in subject +31%"),
        pytest.param({"body-length": 300}, 1.22, id="under 400 characters +22%"),
        pytest.param({"body-length": 600}, 1.03, id="401-800 +3%"),
        pytest.param({"body-length": 1000}, 0.94, id="801-1200 -6%"),
        pytest.param({"body-length": 1500}, 0.89, id="over 1200 -11%"),
        pytest.param({"send-day": True}, 0.93, id="Friday or Saturday"),
    ],
)
def test_each_factor_moves_p_by_its_documented_lift(observations: dict[str, Any], lift: float) -> None:
    assert MODEL.estimate({}).probability == pytest.approx(P0)
    assert at_baseline(observations) == pytest.approx(lift, rel=1e-6)


@pytest.mark.parametrize(
    ("observations", "odds_ratio"),
    [
        # Boomerang's ordinary-email figures at half their log odds
        pytest.param({"questions": 2}, math.sqrt(odds_ratio_from_lift(1.5, P0)), id="1-3 questions"),
        pytest.param({"all-caps-subject": True}, math.sqrt((0.346 / 0.654) / 1.0), id="all-caps subject"),
        pytest.param({"reading-grade": 4.0}, ((0.53 / 0.47) / (0.39 / 0.61)) ** 0.25, id="grade 5 or lower"),
        pytest.param({"reading-grade": 14.0}, ((0.39 / 0.61) / (0.53 / 0.47)) ** 0.25, id="college level"),
        pytest.param({"questions": 0}, 1.0, id="no question: the reference"),
        pytest.param({"questions": 5}, 1.0, id="many questions: no gain"),
        pytest.param({"reading-grade": 8.0}, 1.0, id="grades 6-12: the reference"),
    ],
)
def test_scaled_factors(observations: dict[str, Any], odds_ratio: float) -> None:
    p = MODEL.estimate(observations).probability
    assert math.exp(logit(p) - logit(P0)) == pytest.approx(odds_ratio, rel=1e-6)


def test_the_total_shift_is_capped() -> None:
    everything = {
        "personalized": True,
        "mutual-connection-in-subject": True,
        "shared-group": True,
        "shared-employer": True,
        "name-in-subject": True,
        "body-length": 200,
        "questions": 1,
        "reading-grade": 3.0,
    }
    estimate = MODEL.estimate(everything)
    assert logit(estimate.probability) - logit(P0) == pytest.approx(MODEL.max_shift)
    worst = MODEL.estimate({"all-caps-subject": True, "body-length": 1900, "reading-grade": 16, "send-day": True})
    assert worst.probability < P0
    assert logit(worst.probability) - logit(P0) >= -MODEL.max_shift


def test_bounds_contain_the_estimate() -> None:
    for observations in ({}, {"personalized": True, "body-length": 300}, {"all-caps-subject": True}):
        estimate = MODEL.estimate(observations)
        assert estimate.low <= estimate.probability <= estimate.high
    plain = MODEL.estimate({})
    assert (plain.low, plain.high) == pytest.approx((0.10, 0.25))


BASE_BODY = "Hi Ana, {middle} Would you have ten minutes next week?"


def estimate_of(subject: str, middle: str, **settings: Any) -> Any:
    text = f"Subject: {subject}\n\n" + BASE_BODY.format(middle=middle) + "\n"
    estimate = lint_text(text, **settings).estimate
    assert estimate is not None
    return estimate


def odds_change(a: Any, b: Any) -> float:
    return math.exp(logit(b.probability) - logit(a.probability))


@pytest.mark.parametrize(
    ("before", "after", "factor"),
    [
        pytest.param(
            ("Data tooling", "We sell data tooling."),
            ("Data tooling", "I enjoyed your talk on contracts."),
            "personalized",
            id="personalized",
        ),
        pytest.param(
            ("Data tooling", "I enjoyed your talk on contracts."),
            ("Jane Doe suggested I write", "I enjoyed your talk on contracts."),
            "mutual-connection-in-subject",
            id="mutual connection in subject",
        ),
        pytest.param(
            ("A question", "I enjoyed your talk on contracts."),
            ("Ana, a question", "I enjoyed your talk on contracts."),
            "name-in-subject",
            id="name in subject",
        ),
        pytest.param(
            ("A question", "I enjoyed your talk on contracts."),
            ("A question", "We both worked at Initech, years apart."),
            "shared-employer",
            id="former employer",
        ),
        pytest.param(
            ("Data tooling", "I enjoyed your talk on contracts."),
            ("DATA TOOLING", "I enjoyed your talk on contracts."),
            "all-caps-subject",
            id="all caps",
        ),
    ],
)
def test_draft_pairs_differ_by_the_factor(before: tuple[str, str], after: tuple[str, str], factor: str) -> None:
    a, b = estimate_of(*before), estimate_of(*after)
    differing = {f.name for f in b.factors} ^ {f.name for f in a.factors}
    assert factor in differing
    expected = math.prod(f.odds_ratio for f in b.factors if f.name in differing) / math.prod(
        f.odds_ratio for f in a.factors if f.name in differing
    )
    assert odds_change(a, b) == pytest.approx(expected, rel=1e-3)
    [effect] = [f for f in (*a.factors, *b.factors) if f.name == factor]
    assert (b.probability > a.probability) == (effect.odds_ratio > 1 if effect in b.factors else effect.odds_ratio < 1)


def test_send_day_from_the_command_line_and_front_matter(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "a.inmail").write_text("Subject: Hi\n\nHi Ana, one question?\n", encoding="utf-8")
    (tmp_path / "b.inmail").write_text(
        "---\nsubject: Hi\nsend_at: 2026-05-05\n---\nHi Ana, one question?\n", encoding="utf-8"
    )

    def p(*args: str) -> dict[str, float]:
        _, out, _ = cli("check", ".", "--output-format", "json", *args, cwd=tmp_path)
        return {f["path"]: f["estimate"]["probability"] for f in json.loads(out)["files"]}

    plain = p()
    friday = p("--send-at", "2026-05-08T09:00")  # a Friday
    assert friday["a.inmail"] < plain["a.inmail"]
    assert friday["b.inmail"] == plain["b.inmail"]  # front matter (a Tuesday) wins
    status, _, err = cli("check", ".", "--send-at", "next friday", cwd=tmp_path)
    assert status == 2 and "--send-at" in err


def test_credit_at_stake_by_kind_and_open_profile() -> None:
    inmail = lint_text("Subject: Hi\n\nHi Ana, one question?\n").estimate
    assert inmail is not None and inmail.credit_at_stake
    assert inmail.expected_credit_cost == pytest.approx(1 - inmail.probability)
    for text in (
        "---\nkind: open-profile\nsubject: Hi\n---\nHi Ana, one question?\n",
        "---\nkind: connection-note\n---\nHi Ana, one question?\n",
        "---\nsubject: Hi\nrecipient: {name: Ana Nowak, open_profile: true}\n---\nHi Ana, one question?\n",
    ):
        estimate = lint_text(text).estimate
        assert estimate is not None and not estimate.credit_at_stake and estimate.expected_credit_cost == 0


def test_text_and_json_output(cli: Run, tmp_path: Path, report_schema: dict[str, Any]) -> None:
    (tmp_path / "a.inmail").write_text("Subject: Ana, your talk\n\nHi Ana, one question?\n", encoding="utf-8")
    _, out, _ = cli("check", "a.inmail", cwd=tmp_path)
    assert "a.inmail: refund likelihood " in out and "(typical 18%), raised by their name in subject" in out
    _, out, _ = cli("check", "a.inmail", "--output-format", "concise", cwd=tmp_path)
    assert "refund likelihood" not in out
    _, out, _ = cli("check", "a.inmail", "--output-format", "json", cwd=tmp_path)
    document = json.loads(out)
    validate_report(document, report_schema)
    estimate = document["files"][0]["estimate"]
    assert set(estimate) >= {"probability", "low", "high", "baseline", "factors", "credit_at_stake"}
    assert all(f["source"] for f in estimate["factors"])


def test_im901_low_likelihood() -> None:
    caps = "Subject: OUR DATA PLATFORM\n\nDear Sir/Madam, " + "we sell a platform. " * 80 + "\n"
    result = lint_text(caps, rules={"IM901": {"threshold": 0.15}})
    [d] = [d for d in result.diagnostics if d.code == "IM901"]
    assert "estimated chance of a refund is" in d.message and "all-caps subject" in d.message


def test_every_factor_and_the_baseline_have_a_source() -> None:
    assert all(factor.source and factor.grade for factor in MODEL.factors)
    import yaml

    from inmail_lint.util.resources import rules_dir

    data = yaml.safe_load((rules_dir() / "refund-model.yaml").read_text(encoding="utf-8"))
    assert data["baseline"]["source"] and data["max-shift-source"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param([], "a model is a mapping", id="not a mapping"),
        pytest.param({"factors": []}, "missing key 'baseline'", id="no baseline"),
        pytest.param({"baseline": {"p": 1.5}}, "baseline", id="bad baseline"),
        pytest.param(
            {"baseline": {"p": 0.2}, "factors": [{"name": "x", "rr": 1.2}]}, "needs a 'source'", id="no source"
        ),
        pytest.param({"baseline": {"p": 0.2}, "factors": [{"name": "x", "source": "s"}]}, "give 'rr'", id="no effect"),
        pytest.param(
            {"baseline": {"p": 0.5}, "factors": [{"name": "x", "source": "s", "rr": 3}]},
            "cannot apply",
            id="impossible lift",
        ),
    ],
)
def test_bad_models(data: Any, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        parse_model(data, "team-model.yaml")


def test_bad_model_file_on_the_command_line(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("baseline: {p: 2}\n", encoding="utf-8")
    (tmp_path / "a.inmail").write_text("Subject: Hi\n\nHi\n", encoding="utf-8")
    status, out, err = cli("check", "a.inmail", "--model", "m.yaml", cwd=tmp_path)
    assert status == 2 and "m.yaml" in err and "baseline" in err and out == ""


def test_summary_says_what_raised_and_what_lowered_the_estimate() -> None:
    from inmail_lint.model.estimate import Estimate, FactorResult

    def factor(label: str, odds_ratio: float) -> FactorResult:
        return FactorResult(label, label, None, odds_ratio, "source", "VEND")

    factors = (factor("801-1,200 characters", 0.93), factor("1-3 questions", 1.3), factor("no effect", 1.0))
    estimate = Estimate(0.21, 0.1, 0.3, 0.18, factors, True, 0.79)
    assert estimate.summary() == (
        "refund likelihood 21% (typical 18%), raised by 1-3 questions; lowered by 801-1,200 characters"
    )
    free = Estimate(0.18, 0.1, 0.3, 0.18, (factor("no effect", 1.0),), False, 0.0)
    assert free.summary() == "response likelihood 18% (typical 18%; no credit at stake)"
