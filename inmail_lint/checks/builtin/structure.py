"""IM101, IM103, IM105: whether the parts a message kind needs are there."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.checks.define.base import Example, Rule
from inmail_lint.diagnostic import Finding, Severity


class SubjectMissing(Rule):
    code = "IM101"
    name = "subject-missing"
    default_severity = Severity.ERROR
    summary = "The message kind needs a subject and the draft has none, or it is blank."
    explanation = """
InMails, Open Profile messages and Message Ads cannot be sent without a subject. Give one in front matter
(`subject: ...`) or as a first line `Subject: ...`. Connection notes have no subject.
"""
    examples = (
        Example("Subject: Your PyData talk\n\nHi Ana, would you share the slides?\n", fails=False),
        Example("Hi Ana, would you share the slides?\n", fails=False, kind="connection-note"),
        Example("Hi Ana, would you share the slides?\n", fails=True),
        Example("Subject:   \n\nHi Ana, would you share the slides?\n", fails=True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        if not analysis.kind.get("subject-required", False):
            return
        subject = analysis.draft.subject
        title = analysis.kind.get("title", analysis.kind_name)
        if subject is None:
            yield Finding(
                f"draft has no subject ({title}s need one); add a first line 'Subject: ...' "
                "and keep it under 40 characters",
                field="subject",
            )
        elif not subject.text.strip():
            yield Finding(f"subject is blank ({title}s need one); keep it under 40 characters", field="subject")


class BodyMissing(Rule):
    code = "IM103"
    name = "body-missing"
    default_severity = Severity.ERROR
    summary = "The body is empty or blank."
    explanation = "Every message needs a body: nothing else is sent with the subject."
    examples = (
        Example("Subject: Your PyData talk\n\nHi Ana, would you share the slides?\n", fails=False),
        Example("Subject: Your PyData talk\n\n   \n\n", fails=True),
        Example("", fails=True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        body = analysis.field("body")
        if body is None or not body.text.strip():
            yield Finding("body is empty; write the message below the subject", field="body")


class SubjectNotSent(Rule):
    code = "IM105"
    name = "subject-not-sent"
    default_severity = Severity.INFO
    summary = "The message kind has no subject (a connection note) but the draft gives one."
    explanation = """
A connection request's note has no subject field, so a subject in the draft is never sent. Move anything
important from it into the note, or remove it.
"""
    examples = (
        Example("Hi Ana, loved your PyData talk. Connect?\n", fails=False, kind="connection-note"),
        Example("Subject: PyData\n\nHi Ana, loved your PyData talk. Connect?\n", fails=True, kind="connection-note"),
        Example("Subject: PyData\n\nHi Ana, loved your PyData talk. Coffee?\n", fails=False),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        subject = analysis.draft.subject
        if analysis.kind.get("subject-sent", True) or subject is None:
            return
        title = analysis.kind.get("title", analysis.kind_name)
        yield Finding(
            f"{title}s have no subject, so this one is never sent; move what matters into the message",
            0,
            len(subject.text),
            field="subject",
        )
