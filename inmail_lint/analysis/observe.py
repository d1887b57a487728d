"""The estimate's stage: what the refund model observes of a draft, read after the rules have run.

The model reads named facts of the shared analysis (the same facts the rules read, so the estimate and the
rules agree) and the rules' own findings ("finding:IM407"); the linter gathers both here, once per draft,
and hands the observations to the model. Nothing in the analysis reads a rule's output by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inmail_lint.analysis.facts import (
    Analysis,
    Findings,
    categories,
    names_recipient_in_subject,
    personal_level,
    personalized,
)
from inmail_lint.util.text import all_caps


def _body_length(analysis: Analysis) -> int | None:
    body = analysis.field("body")
    return body.counts.chars_utf16 if body is not None else None


def _questions(analysis: Analysis) -> int | None:
    body = analysis.field("body")
    return len(body.questions) if body is not None else None


def _grade(analysis: Analysis) -> float | None:
    body = analysis.field("body")
    if body is None or body.counts.words < 20:
        return None  # too little text for a grade to mean anything
    if not analysis.reads_english:
        return None  # the grade's formulas count English syllables
    return body.grade


def _subject_caps(analysis: Analysis) -> bool | None:
    subject = analysis.field("subject")
    return all_caps(subject.text) if subject is not None else None


def _send_day(analysis: Analysis) -> bool | None:
    when = analysis.send_at
    if when is None:
        return None
    return when.weekday() in (4, 5)  # Friday, Saturday


def _in_subject(category: str) -> Callable[[Analysis], bool]:
    return lambda analysis: category in categories(analysis, "subject")


def _anywhere(category: str) -> Callable[[Analysis], bool]:
    return lambda analysis: category in categories(analysis, "subject", "body")


def _plain(fact: Callable[[Analysis], Any]) -> Callable[[Analysis, Findings], Any]:
    return lambda analysis, _findings: fact(analysis)


OBSERVERS: dict[str, Callable[[Analysis, Findings], Any]] = {
    "body-length": _plain(_body_length),
    "personalized": _plain(personalized),
    "personal-level": personal_level,
    "mutual-connection-in-subject": _plain(_in_subject("mutual-connection")),
    "mutual-connection": _plain(_anywhere("mutual-connection")),
    "shared-group": _plain(_anywhere("shared-group")),
    "shared-employer": _plain(_anywhere("shared-employer")),
    "shared-school": _plain(_anywhere("shared-school")),
    "name-in-subject": names_recipient_in_subject,
    "questions": _plain(_questions),
    "reading-grade": _plain(_grade),
    "all-caps-subject": _plain(_subject_caps),
    "send-day": _plain(_send_day),
}


def observe(analysis: Analysis, findings: Findings, names: set[str]) -> dict[str, Any]:
    """The observations a model asks for: named facts (:data:`OBSERVERS`, read with the rules' findings) and
    rule findings ("finding:IM407": whether that rule found anything)."""
    observed = {name: OBSERVERS[name](analysis, findings) for name in names if name in OBSERVERS}
    for name in names:
        if name.startswith("finding:"):
            observed[name] = bool(findings.get(name.split(":", 1)[1]))
    return observed
