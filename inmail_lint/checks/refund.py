"""IM901: the refund model's estimate is low."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from inmail_lint.analysis.document import Analysis
from inmail_lint.diagnostic import Finding, Severity
from inmail_lint.ruledef.base import Example, OptionSpec, Rule


class LowRefundLikelihood(Rule):
    code = "IM901"
    name = "low-refund-likelihood"
    default_severity = Severity.INFO
    summary = "The estimated chance of a response within 90 days (which refunds the credit) is below 10%."
    explanation = """
LinkedIn gives an InMail credit back when the recipient responds (accepts, declines or replies) within 90 days.
inmail-lint estimates that chance for every draft with a logistic model:

    logit p = logit p0 + the sum of log(odds ratio) over the factors the draft shows

The baseline p0 is 18% (InMail response rates are quoted at 10-25%; LinkedIn holds recruiters to 13%). The
factors, each with its source and evidence grade in `rules/refund-model.yaml`: body length (LinkedIn's 2022
bins, with a blog post's "under 100 words" claim as an upper bound: one factor, not two), personalization, a
mutual connection in the subject, a shared group, a former employer in common, the recipient's name in the
subject (a randomized study), one to three questions, reading grade and an all-caps subject (Boomerang,
halved for cold outreach), and a Friday or Saturday send time. The total shift is capped at 1.5 logits. The
low and high bounds put every factor at the end of its range.

Limits: most figures are vendor or marketing claims (graded VEND or UNV) measured on ordinary email or unnamed
samples; LinkedIn's length study counts replies within 30 days, not responses within 90; the factors are
treated as independent. Read the estimate as a ranking of drafts, not a promise. A team with outcomes can fit
its own model (`inmail-lint calibrate`). The option `threshold` sets the probability below which this fires.
"""
    options = MappingProxyType(
        {"threshold": OptionSpec("number", 0.10, "the probability below which to warn", minimum=0, maximum=1)}
    )
    examples = (
        Example(
            "Subject: Ana, your PyData talk\n\nHi Ana, Jane Doe suggested I write. I enjoyed your talk on "
            "contracts. Could I ask one question?\n",
            fails=False,
        ),
        Example(
            "Subject: Ana, your PyData talk\n\nHi Ana, I enjoyed your talk. One question?\n",
            fails=True,
            options={"threshold": 0.9},
        ),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        estimate = analysis.estimate
        if estimate is None or estimate.probability >= options["threshold"]:
            return
        missing = [f.label for f in estimate.factors if f.odds_ratio < 1]
        hint = f" (held back by: {', '.join(missing)})" if missing else ""
        noun = "a refund" if estimate.credit_at_stake else "a response"
        yield Finding(
            f"estimated chance of {noun} is {estimate.probability:.0%}, under {options['threshold']:.0%}{hint}; "
            "make it shorter, more personal, and ask one question",
            field="file",
        )
