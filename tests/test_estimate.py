"""The refund model: conversions, each factor's effect at the baseline, draft pairs, bounds, cap, credits."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

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
        # personalized mails do 20% better than the others; the baseline is the average of both
        pytest.param({"personal-level": 1}, 1.09, id="personalized +9% on the average"),
        pytest.param({"personal-level": 0}, 0.91, id="nothing about the reader -9% on the average"),
        pytest.param({"personal-level": 2}, 1.23, id="with common ground +23% (not 1.09 x 1.27)"),
        pytest.param({"personal-level": 3}, 1.32, id="two kinds of common ground +32%"),
        pytest.param({"body-length": 300}, 1.22, id="under 400 characters +22%"),
        pytest.param({"body-length": 600}, 1.03, id="401-800 +3%"),
        pytest.param({"body-length": 1000}, 0.94, id="801-1200 -6%"),
        pytest.param({"body-length": 1500}, 0.89, id="over 1200 -11%"),
        pytest.param({"send-day": True}, 0.93, id="Friday or Saturday"),
        pytest.param({"finding:IM301": True}, 0.50, id="placeholder left in -50%"),
        pytest.param({"finding:IM306": True}, 0.50, id="someone else's name -50%"),
        pytest.param({"finding:IM407": True}, 0.60, id="spam -40%"),
        pytest.param({"finding:IM302": True}, 0.80, id="generic greeting -20%"),
        pytest.param({"finding:IM410": True}, 0.80, id="fake Re: -20%"),
        pytest.param({"finding:IM401": True}, 0.85, id="pitchy subject -15%"),
        pytest.param({"finding:IM405": True}, 0.90, id="cliche -10%"),
        pytest.param({"finding:IM404": True}, 0.90, id="self-focused -10%"),
        pytest.param({"finding:IM407": False}, 1.0, id="no finding: no effect"),
    ],
)
def test_each_factor_moves_p_by_its_documented_lift(observations: dict[str, Any], lift: float) -> None:
    assert MODEL.estimate({}).probability == pytest.approx(P0)
    assert at_baseline(observations) == pytest.approx(lift, rel=1e-6)


@pytest.mark.parametrize(
    ("observations", "odds_ratio"),
    [
        # ordinary-email figures at half their log odds
        pytest.param({"questions": 2}, math.sqrt(odds_ratio_from_lift(1.5, P0)), id="1-3 questions"),
        pytest.param({"finding:IM408": True}, math.sqrt((0.346 / 0.654) / 1.0), id="shouting (Boomerang, all caps)"),
        pytest.param({"name-in-subject": True}, math.sqrt(odds_ratio_from_lift(1.31, P0)), id="name in subject"),
        pytest.param({"finding:IM101": True}, math.sqrt((0.14 / 0.86) / 1.0), id="no subject (Boomerang)"),
        pytest.param({"questions": 0}, 1.0, id="no question: the reference"),
        pytest.param({"questions": 5}, 1.0, id="many questions: no gain"),
        # reading grade: a straight line from +0.142 at grade 5 to -0.142 at grade 13, flat beyond
        pytest.param({"reading-grade": 4.0}, math.exp(0.1418), id="grade 5 or lower"),
        pytest.param({"reading-grade": 14.0}, math.exp(-0.1418), id="college level"),
        pytest.param({"reading-grade": 9.0}, 1.0, id="grade 9: the middle"),
        pytest.param({"reading-grade": 7.0}, math.exp(0.1418 / 2), id="grade 7: half way"),
    ],
)
def test_scaled_factors(observations: dict[str, Any], odds_ratio: float) -> None:
    p = MODEL.estimate(observations).probability
    assert math.exp(logit(p) - logit(P0)) == pytest.approx(odds_ratio, rel=1e-6)


def test_the_reading_grade_has_no_edge() -> None:
    # a 0.2-grade change moves the odds by at most 0.2 x the slope (0.0354 a grade), never 15%
    for grade in [x / 10 for x in range(30, 170)]:
        a = MODEL.estimate({"reading-grade": grade}).probability
        b = MODEL.estimate({"reading-grade": grade + 0.2}).probability
        assert abs(logit(b) - logit(a)) <= 0.2 * 0.2836 / 8 + 1e-9


def test_the_total_shift_is_capped() -> None:
    everything = {"personal-level": 3, "name-in-subject": True, "body-length": 200, "questions": 1}
    everything["reading-grade"] = 3.0
    estimate = MODEL.estimate(everything)
    assert logit(estimate.probability) - logit(P0) <= MODEL.max_shift + 1e-9
    worst = MODEL.estimate({f"finding:{code}": True for code in MODEL.finding_codes} | {"body-length": 1900})
    assert logit(worst.probability) - logit(P0) == pytest.approx(-MODEL.max_shift)
    assert worst.probability < 0.10  # IM901's threshold is reachable


def test_the_interval_contains_the_estimate_and_widens_with_uncertain_factors() -> None:
    observed: list[dict[str, Any]] = [{}, {"personal-level": 1, "body-length": 300}, {"finding:IM407": True}]
    for observations in observed:
        estimate = MODEL.estimate(observations)
        assert estimate.low <= estimate.probability <= estimate.high
    plain = MODEL.estimate({})
    assert 0.10 < plain.low < P0 < plain.high < 0.25  # a 90% interval of the baseline's range, not its corners
    spam = MODEL.estimate({"finding:IM407": True})
    assert logit(spam.high) - logit(spam.low) > logit(plain.high) - logit(plain.low)


def test_fixing_a_finding_says_what_it_is_worth() -> None:
    estimate = MODEL.estimate({"finding:IM407": True, "finding:IM302": True, "finding:IM405": False})
    assert [code for code, _ in estimate.if_fixed] == ["IM407", "IM302"]  # the largest gain first
    alone = MODEL.estimate({"finding:IM302": True}).probability
    assert dict(estimate.if_fixed)["IM407"] == pytest.approx(alone)
    assert estimate.fixing().startswith("fixing IM407 would raise it to ")


def test_personalized_is_20_percent_better_than_not() -> None:
    assert at_baseline({"personal-level": 1}) / at_baseline({"personal-level": 0}) == pytest.approx(1.2, abs=0.01)


def test_the_corpus_spam_and_generic_drafts_score_below_its_personal_ones() -> None:
    import yaml

    from inmail_lint.api import lint_file

    corpus = Path(__file__).parent / "corpus"
    expected = yaml.safe_load((corpus / "expected.yaml").read_text(encoding="utf-8"))
    costly = {"IM101", "IM301", "IM302", "IM303", "IM306", "IM401", "IM404", "IM405", "IM407", "IM408", "IM410"}
    spam, generic, personal = [], [], []
    for name, codes in expected.items():
        estimate = lint_file(corpus / "drafts" / name).estimate
        if estimate is None or not estimate.credit_at_stake:
            continue
        codes = set(codes or ())
        if "IM407" in codes:
            spam.append(estimate.probability)
        elif codes & {"IM302", "IM303"}:
            generic.append(estimate.probability)
        elif not codes & costly:
            personal.append(estimate.probability)
    assert len(spam) >= 5 and len(generic) >= 5 and len(personal) >= 10
    assert max(spam) < min(personal)
    assert min(personal) >= 0.10  # IM901 fires on no personal draft
    assert sum(generic) / len(generic) < sum(personal) / len(personal)
    assert sum(spam) / len(spam) < sum(generic) / len(generic)


def test_every_rule_is_a_factor_or_says_why_not() -> None:
    import yaml

    from inmail_lint.engine.registry import builtin_rules
    from inmail_lint.util.resources import rules_dir

    data = yaml.safe_load((rules_dir() / "refund-model.yaml").read_text(encoding="utf-8"))
    not_factors = data["not-factors"]
    for rule in builtin_rules():
        assert (rule.code in MODEL.finding_codes) != (rule.code in not_factors), rule.code
        if rule.code in not_factors:
            assert len(not_factors[rule.code]) > 10


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
            "personal",
            id="personalized",
        ),
        pytest.param(
            ("A question", "I enjoyed your talk on contracts."),
            ("A question", "Jane Doe suggested I write; I enjoyed your talk on contracts."),
            "personal",
            id="a mutual connection named in the body",
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
            "personal",
            id="former employer",
        ),
        pytest.param(
            ("Data tooling", "I enjoyed your talk on contracts."),
            ("DATA TOOLING", "I enjoyed your talk on contracts."),
            "shouting",
            id="all caps",
        ),
        pytest.param(
            ("Your talk", "I enjoyed your talk on contracts."),
            ("Your talk", "I enjoyed your talk on contracts. Book a free demo today, limited time offer."),
            "spam-phrase",
            id="spam",
        ),
        pytest.param(
            ("Your talk", "I enjoyed your talk on contracts."),
            ("Your talk", "I enjoyed your talk on [topic]."),
            "unfilled-placeholder",
            id="a placeholder left in",
        ),
        pytest.param(
            ("Your talk", "I enjoyed your talk on contracts."),
            ("Re: your talk", "I enjoyed your talk on contracts."),
            "fake-reply",
            id="a fake Re:",
        ),
        pytest.param(
            ("Your talk", "I enjoyed your talk on contracts."),
            ("Your talk", "I hope this message finds you well. I enjoyed your talk on contracts."),
            "cliche",
            id="a cliche",
        ),
    ],
)
def test_draft_pairs_differ_by_the_factor(before: tuple[str, str], after: tuple[str, str], factor: str) -> None:
    a, b = estimate_of(*before), estimate_of(*after)
    differing = {(f.name, f.label) for f in b.factors} ^ {(f.name, f.label) for f in a.factors}
    assert factor in {name for name, _ in differing}
    expected = math.prod(f.odds_ratio for f in b.factors if (f.name, f.label) in differing) / math.prod(
        f.odds_ratio for f in a.factors if (f.name, f.label) in differing
    )
    assert odds_change(a, b) == pytest.approx(expected, rel=1e-3)
    before_or = math.prod(f.odds_ratio for f in a.factors if f.name == factor)
    after_or = math.prod(f.odds_ratio for f in b.factors if f.name == factor)
    assert after_or != before_or


def test_a_generic_greeting_and_a_wrong_name_move_it_down() -> None:
    personal = "Hi Ana, I enjoyed your talk on contracts. Could we talk?"
    greeted = lint_text(f"Subject: Your talk\n\n{personal}\n").estimate
    generic = lint_text("Subject: Your talk\n\n" + personal.replace("Hi Ana", "Dear Sir/Madam") + "\n").estimate
    assert greeted is not None and generic is not None and generic.probability < greeted.probability
    profile = "---\nsubject: Ana, your talk\nrecipient: {name: Ana Nowak, company: Globex}\n---\n"
    right = lint_text(profile + personal + "\n").estimate
    wrong = lint_text(profile.replace("Ana, your", "Tom, your") + personal.replace("Ana", "Tom") + "\n").estimate
    assert right is not None and wrong is not None and wrong.probability < right.probability
    assert "wrong-recipient" in {f.name for f in wrong.factors}
    assert "name-in-subject" not in {f.name for f in wrong.factors}  # a wrong name earns nothing
    assert {f.label for f in wrong.factors if f.name == "personal"} <= {"nothing about the reader"}


def test_turning_a_rule_off_silences_it_but_not_its_cost() -> None:
    text = "Subject: Your talk\n\nHi Ana, book a free demo today, limited time offer. One question?\n"
    on = lint_text(text)
    off = lint_text(text, ignore=["IM407"])
    assert "IM407" in [d.code for d in on.diagnostics] and "IM407" not in [d.code for d in off.diagnostics]
    assert on.estimate is not None and off.estimate is not None
    assert off.estimate.probability == on.estimate.probability


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
    assert "a.inmail: refund likelihood " in out and "(typical 18%), raised by " in out
    assert "their name in subject" in out
    _, out, _ = cli("check", "a.inmail", "--output-format", "concise", cwd=tmp_path)
    assert "refund likelihood" not in out
    _, out, _ = cli("check", "a.inmail", "--output-format", "json", cwd=tmp_path)
    document = json.loads(out)
    validate_report(document, report_schema)
    estimate = document["files"][0]["estimate"]
    assert set(estimate) >= {"probability", "low", "high", "baseline", "factors", "credit_at_stake"}
    assert all(f["source"] for f in estimate["factors"])
    (tmp_path / "b.inmail").write_text("Subject: Your talk\n\nDear Sir/Madam, one question?\n", encoding="utf-8")
    _, out, _ = cli("check", "b.inmail", "--output-format", "json", cwd=tmp_path)
    document = json.loads(out)
    validate_report(document, report_schema)
    [greeting] = [d for d in document["files"][0]["diagnostics"] if d["code"] == "IM302"]
    assert greeting["estimate_if_fixed"] > document["files"][0]["estimate"]["probability"]
    assert document["files"][0]["estimate"]["if_fixed"][0]["code"] == "IM302"
    _, out, _ = cli("check", "b.inmail", cwd=tmp_path)
    assert "fixing IM302 would raise it to " in out


def test_im901_low_likelihood() -> None:
    caps = "Subject: OUR DATA PLATFORM\n\nDear Sir/Madam, " + "we sell a platform. " * 80 + "\n"
    result = lint_text(caps, rules={"IM901": {"threshold": 0.15}})
    [d] = [d for d in result.diagnostics if d.code == "IM901"]
    assert "estimated chance of a refund is" in d.message and "shouting" in d.message


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


def test_the_estimate_format_gives_one_drafts_estimate_and_reasons(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "a.inmail").write_text("Subject: Your talk\n\nDear Sir/Madam, act now! One question?\n")
    status, out, _ = cli("check", "a.inmail", "--output-format", "estimate", cwd=tmp_path)
    lines = out.splitlines()
    assert status == 1 and lines[0].startswith("a.inmail: refund likelihood ")
    assert lines[1].startswith("  90% interval ")
    assert any("x odds  spam phrases (ASSUMPTION)" in line for line in lines)
    assert not any("IM407" in line and "[warning]" in line for line in lines)  # no diagnostics
    status, out, _ = cli("check", "-", "--output-format", "estimate", cwd=tmp_path, stdin=b"Hi Ana, coffee?\n")
    assert out.startswith("-: refund likelihood ")


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_what_if_probability_is_the_estimates_own(data: st.DataObject) -> None:
    """What fixing a finding would gain is the estimate's probability with that finding gone, to the last bit."""
    model = load_model()
    keys = sorted({f.observe for f in model.factors})
    whens = st.sampled_from([f.when for f in model.factors if f.when is not None])
    values = st.one_of(whens, st.booleans(), st.none(), st.integers(0, 3), st.floats(0, 20, allow_nan=False))
    observations = {key: data.draw(values, label=key) for key in keys}
    assert model._probability(model._effects(observations)) == model._estimate(observations, True).probability
    # each what-if answer is the estimate of the draft with that finding gone, to the last bit
    for code in sorted(model.finding_codes - {f.finding for f in model.factors}):  # the fixed-by rules
        observations[f"finding:{code}"] = data.draw(st.booleans(), label=code)
    estimate = model.estimate(observations)
    for code, probability in estimate.if_fixed:
        gone = next((f.observe for f in model.factors if f.finding == code), None)
        if gone is not None:
            assert probability == model._estimate({**observations, gone: False}, True).probability
            continue
        # a fixed-by rule: its factor observes at least the value fixing it gives
        factor, at_least = next((f, v) for f in model.factors for c, v in f.fixed_by if c == code)
        fixed = {**observations, factor.observe: max(observations[factor.observe], at_least)}
        assert probability == model._estimate(fixed, True).probability > estimate.probability


def test_a_model_file_edited_since_is_read_again(tmp_path: Path) -> None:
    """A team's model is read once per version of its file, not once per process: the page and the language
    server run for hours, and an edited model must not keep its old numbers until they are restarted."""
    import os

    from inmail_lint.util.resources import rules_dir

    text = (rules_dir() / "refund-model.yaml").read_text(encoding="utf-8")
    assert "\nmax-shift: 1.5\n" in text
    path = tmp_path / "team-model.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_model(path).max_shift == 1.5
    path.write_text(text.replace("\nmax-shift: 1.5\n", "\nmax-shift: 1.25\n"), encoding="utf-8")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # a different version even on a coarse clock
    assert load_model(path).max_shift == 1.25


def test_fixing_what_keeps_the_message_impersonal_says_what_it_is_worth() -> None:
    """IM303 (nothing of the reader's) and IM304 (no common ground) keep the "personal" factor low; the estimate
    says what fixing each would gain, as it does for a factor's own finding, and nothing when it is fixed."""
    generic = {"personal-level": 0, "finding:IM303": True, "finding:IM304": True}
    estimate = MODEL.estimate(generic)
    gains = dict(estimate.if_fixed)
    assert gains["IM303"] == pytest.approx(MODEL.estimate({"personal-level": 1}).probability)
    assert gains["IM304"] == pytest.approx(MODEL.estimate({"personal-level": 2}).probability)
    assert [code for code, _ in estimate.if_fixed] == ["IM304", "IM303"]  # common ground is worth more
    assert estimate.fixing().startswith("fixing IM304 would raise it to ")
    personal = MODEL.estimate({"personal-level": 1, "finding:IM304": True})
    assert [code for code, _ in personal.if_fixed] == ["IM304"]  # something of theirs is named already
    assert MODEL.estimate({"personal-level": 2, "finding:IM304": False}).if_fixed == ()
    assert MODEL.estimate({"personal-level": None, "finding:IM303": True}).if_fixed == ()  # not read: no claim


@pytest.mark.parametrize(
    ("fixed_by", "factor", "message"),
    [
        ("{IM303: 1}", "spam", "only a factor with 'bins' or a 'curve' observes a number to raise"),
        ("{im303: 1}", "personal", "'im303' is not a rule code"),
        ("{IM303: high}", "personal", "fixed-by.IM303: expected a number"),
        ("[IM303]", "personal", "expected a mapping of rule codes to values"),
        ("{IM407: 1}", "personal", "IM407 is named by both 'spam' and 'personal'; keep one"),
    ],
)
def test_a_models_fixed_by_is_checked(fixed_by: str, factor: str, message: str) -> None:
    data = yaml.safe_load(
        """
baseline: {p: 0.18, source: s}
factors:
  - {name: spam, observe: "finding:IM407", when: true, rr: 0.8, source: s}
  - name: personal
    observe: personal-level
    bins: [{upto: 0, rr: 0.9}, {upto: null, rr: 1.1}]
    source: s
"""
    )
    target = next(f for f in data["factors"] if f["name"] == factor)
    target["fixed-by"] = yaml.safe_load(fixed_by)
    with pytest.raises(ModelError, match=re.escape(message)):
        parse_model(data, "m.yaml")


@pytest.mark.parametrize(
    ("probability", "shown"),
    [(0.0, "0.0%"), (0.0599, "5.9%"), (0.096, "9.6%"), (0.0997, "9.9%"), (0.1, "10%"), (0.246, "25%"), (1.0, "100%")],
)
def test_a_probability_is_shown_in_whole_percent_from_ten_and_to_a_tenth_below(probability: float, shown: str) -> None:
    from inmail_lint.model.estimate import percent

    assert percent(probability) == shown


def test_im901_and_the_estimates_line_say_the_same_figure_and_reasons() -> None:
    """On every draft of the corpus and the examples where IM901 fires, its figure is the one the estimate's line
    shows, and what it says holds the estimate back is what the line says lowers it, in the same order (a
    draft at 9.6% once read "refund likelihood 10%" beside "9.6%, under 10%")."""
    root = Path(__file__).parent.parent
    drafts = sorted((root / "tests" / "corpus" / "drafts").glob("*.inmail")) + sorted(root.glob("examples/**/*.inmail"))
    fired = 0
    for path in drafts:
        result = lint_text(path.read_text(encoding="utf-8"))
        found = [d for d in result.diagnostics if d.code == "IM901"]
        if not found or result.estimate is None:
            continue
        fired += 1
        line = result.estimate.summary()
        pattern = r"estimated chance of a refund is ([\d.]+%), under 10% \(held back by: ([^)]*)\)"
        m = re.match(pattern, found[0].message)
        assert m is not None, found[0].message
        assert line.startswith(f"refund likelihood {m.group(1)} "), (path.name, line, found[0].message)
        assert f"lowered by {m.group(2)}" in line, (path.name, line, found[0].message)
    assert fired >= 5
