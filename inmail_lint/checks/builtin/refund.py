"""IM901: the refund model's estimate is low."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.checks.define.base import Example, OptionSpec, Rule
from inmail_lint.diagnostic import Finding, Severity
from inmail_lint.model.estimate import Estimate, percent


class LowRefundLikelihood(Rule):
    code = "IM901"
    name = "low-refund-likelihood"
    default_severity = Severity.INFO
    reads_estimate = True
    summary = "The estimated chance of a response within 90 days (which refunds the credit) is below 10%."
    explanation = """
LinkedIn gives an InMail credit back when the recipient responds (accepts, declines or replies) within 90 days.
inmail-lint estimates that chance for every draft with a logistic model:

    logit p = logit p0 + the sum of log(odds ratio) over the factors the draft shows

The baseline p0 is 18% (InMail response rates are quoted at 10-25%; LinkedIn holds recruiters to 13%). The
factors, each with its source and evidence grade in `rules/refund-model.yaml`: body length (LinkedIn's 2022
bins), how personal the message is (one dimension: about the reader, then common ground, with diminishing
returns), the recipient's name in the subject (a randomized study whose replication found no effect, so halved
and ranging to none), one to three questions, reading grade and shouting (Boomerang, halved for cold outreach),
a Friday or Saturday send time, and what the linter finds that a reader notices: a placeholder left in, someone
else's name, spam phrases, no subject, a generic greeting, a fake "Re:", a sales-pitch subject, clichés and a
message about the sender (no published sizes: ASSUMPTIONs with wide ranges). The total shift is capped at 1.5
logits; low and high are a 90% interval over the factors' ranges.

It fires under 10%, where a reviewer would be sure the credit is likely lost: in the project's corpus, on the
spam drafts (offers, urgency, capitals, "Dear Sir/Madam") and on none of the others. Limits: most figures are
vendor or marketing claims measured on ordinary email; the factors are treated as independent. Read the
estimate as a ranking of drafts, not a promise. A team with outcomes can fit its own model
(`inmail-lint calibrate`). The option `threshold` sets the probability below which this fires.
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
        return iter(())  # it reads the estimate: the linter calls check_estimate after the estimate's stage

    def check_estimate(
        self, analysis: Analysis, options: Mapping[str, Any], estimate: Estimate | None
    ) -> Iterator[Finding]:
        body = analysis.field("body")
        if body is None or not body.text.strip():
            return  # an empty message cannot be sent (IM103): there is no chance to estimate
        if estimate is None or estimate.probability >= options["threshold"]:
            return
        missing = estimate.lowered_by()  # in the order the estimate's line names them: the two lists read as one
        hint = f" (held back by: {', '.join(missing)})" if missing else ""
        noun = "a refund" if estimate.credit_at_stake else "a response"
        shown, limit = _under(estimate.probability, options["threshold"])
        yield Finding(
            f"estimated chance of {noun} is {shown}, under {limit}{hint}; "
            "make it shorter, more personal, and ask one question",
            field="file",
        )


def _under(probability: float, threshold: float) -> tuple[str, str]:
    """The estimate and the threshold as the message shows them: the estimate as every surface shows it
    (:func:`~inmail_lint.model.estimate.percent`: "9.6%, under 10%"), or to a tenth where that would read as
    the threshold or above it (a threshold of 25%: "24.6%, under 25%"), rounded down where even that would
    (never "10.0%, under 10%"); the threshold as it was set ("24.5%, under 24.59%")."""
    limit = f"{threshold * 100:g}%"
    candidates = (percent(probability), f"{probability:.1%}", f"{math.floor(probability * 1000) / 10:.1f}%")
    shown = next((c for c in candidates if float(c[:-1]) < float(limit[:-1])), candidates[-1])
    return shown, limit
