"""What the refund model observes in a draft, by the names ``rules/refund-model.yaml`` uses (``observe:``).

Each observation is computed from the shared analysis, so the estimate and the rules agree: "personalized"
here is exactly what keeps IM303 silent, "name-in-subject" what keeps IM305 silent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from inmail_lint.analysis.document import Analysis
from inmail_lint.draft.profiles import fold_aligned
from inmail_lint.analysis.cues import PERSONAL, is_name_variable

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'’]*")


def categories(analysis: Analysis, *fields: str) -> set[str]:
    return {cue.category for name in fields for cue in analysis.cues(name)}


def personalized(analysis: Analysis) -> bool:
    return bool(categories(analysis, "subject", "body") & PERSONAL)


def names_recipient_in_subject(analysis: Analysis) -> bool:
    """The recipient's name (from the profile, or the greeting) or a name variable is in the subject."""
    subject = analysis.field("subject")
    if subject is None:
        return False
    if any(is_name_variable(name) for name, _, _ in subject.placeholders):
        return True
    names: set[str] = set()
    if analysis.recipient is not None:
        names |= analysis.recipient.name_forms()
    greeting = analysis.greeting
    if greeting is not None and greeting.name and not greeting.placeholder:
        names.add(fold_aligned(greeting.name.split()[0]))
    folded = subject.folded.replace("’", "'")  # O’Neil and O'Neil are one name
    forms = {name.replace("’", "'") for name in names if name}
    return any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", folded) for form in forms)


def all_caps(text: str) -> bool:
    """Written wholly in capitals: two or more words and at least six letters, none of them lower case."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(_WORD.findall(text)) >= 2 and len(letters) >= 6 and all(ch.isupper() for ch in letters)


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


OBSERVERS: dict[str, Callable[[Analysis], Any]] = {
    "body-length": _body_length,
    "personalized": personalized,
    "mutual-connection-in-subject": _in_subject("mutual-connection"),
    "mutual-connection": _anywhere("mutual-connection"),
    "shared-group": _anywhere("shared-group"),
    "shared-employer": _anywhere("shared-employer"),
    "shared-school": _anywhere("shared-school"),
    "name-in-subject": names_recipient_in_subject,
    "questions": _questions,
    "reading-grade": _grade,
    "all-caps-subject": _subject_caps,
    "send-day": _send_day,
}


def observe(analysis: Analysis, names: set[str] | None = None) -> dict[str, Any]:
    """The observations the model asks for (all of them when ``names`` is None)."""
    wanted = OBSERVERS if names is None else {n: OBSERVERS[n] for n in names if n in OBSERVERS}
    return {name: fn(analysis) for name, fn in wanted.items()}
