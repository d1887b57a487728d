"""IM303, IM304, IM305: whether the message is about the recipient, names common ground, and says so in the
subject. The cues come from :mod:`inmail_lint.analysis.cues` (profile, language, template variables)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from inmail_lint.analysis.cues import COMMON_GROUND, PERSONAL
from inmail_lint.analysis.facts import Analysis, categories, names_recipient_in_subject, personalized
from inmail_lint.checks.define.base import Example, Rule
from inmail_lint.diagnostic import Finding, Severity


def _first_line(analysis: Analysis) -> tuple[int, int]:
    body = analysis.field("body")
    if body is None:
        return 0, 0
    greeting = analysis.greeting
    text = body.text
    start = greeting.end if greeting is not None else 0
    m = re.search(r"\S[^\n]*", text[start:])
    if m is None:
        return 0, len(text)
    return start + m.start(), start + m.start() + len(m.group().rstrip())


def _what_to_mention(analysis: Analysis) -> str:
    recipient = analysis.recipient
    suggestion = analysis.common_ground.suggestion()
    if suggestion:
        return suggestion
    if recipient is not None and recipient.recent_posts:
        return f"mention their post on {recipient.recent_posts[0]}"
    if recipient is not None and recipient.company:
        return f"say why you are writing to them at {recipient.company}"
    return "mention their work, a recent post, a mutual connection or shared background"


class NoPersonalization(Rule):
    code = "IM303"
    draft_wide = True
    language = "en"
    name = "no-personalization"
    default_severity = Severity.WARNING
    summary = "Beyond the greeting, nothing in the message is specific to the recipient."
    explanation = """
Replies come to messages written for their reader. This rule looks, beyond the greeting, for anything
specific to the recipient: their company or role, a post or talk of theirs, a recent event (a new role, a
launch), a mutual connection, a shared group, employer or school. With a recipient profile it looks for the
profile's own names; without one it recognises the language of such references ("Jane Doe suggested I reach
out", "we both worked at Globex", "I enjoyed your post on data contracts"). In a template, a variable other
than the name (`{{company}}`) counts. Phrases such as "I came across your profile" do not.
"""
    examples = (
        Example(
            "Subject: Your PyData talk\n\nHi Ana,\n\nI enjoyed your talk on data contracts. One question?\n",
            fails=False,
        ),
        Example(
            "Subject: Hello\n\nHi Tom, we both worked at Initech a few years apart. Could I ask you something?\n",
            fails=False,
        ),
        Example(
            "---\nsubject: Hello\nrecipient: {name: Ana Kowalski, company: Globex}\n---\n"
            "Hi Ana, how does Globex version its schemas?\n",
            fails=False,
        ),
        Example(
            "Subject: Opportunity\n\nHi Ana,\n\nI came across your profile and think you would be a great fit "
            "for a role on our team. Are you open to a chat?\n",
            fails=True,
        ),
        Example("Subject: Hello\n\nHi Ana, we help companies like yours grow revenue. Interested?\n", fails=True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        body = analysis.field("body")
        if body is None or not body.text.strip():
            return
        if personalized(analysis):
            return
        start, end = _first_line(analysis)
        yield Finding(
            f"nothing here is specific to the recipient; {_what_to_mention(analysis)}", start, end, field="body"
        )


class NoCommonGround(Rule):
    code = "IM304"
    draft_wide = True
    language = "en"
    name = "no-common-ground"
    default_severity = Severity.INFO
    summary = "No mutual connection, shared group, former employer or school is mentioned."
    explanation = """
A mutual connection, a shared group or a former employer in common are the strongest reasons for a stranger
to answer (the blog post "What is the InMail on LinkedIn?" (2025) reports +27%, +21% and +27% response for
each, unverified). When the recipient's profile and the sender's config (`[tool.inmail-lint.sender]`) show
common ground, the message names what to mention ("mention Jane Doe, your mutual connection"); otherwise it
asks you to name one if you share it.
"""
    examples = (
        Example("Subject: Hi\n\nHi Ana, Jane Doe suggested I reach out. Could I ask you one question?\n", fails=False),
        Example("Subject: Hi\n\nHi Sam, fellow member of the Rust Berlin group here. Connect?\n", fails=False),
        Example(
            "Subject: Hi\n\nHi Ana, I enjoyed your talk on data contracts. Could I ask one question?\n", fails=True
        ),
        Example(
            "---\nsubject: Hi\nrecipient: {name: Ana Kowalski, mutual_connections: [Jane Doe]}\n---\n"
            "Hi Ana, I enjoyed your talk on data contracts. Could I ask one question?\n",
            fails=True,
        ),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        body = analysis.field("body")
        if body is None or not body.text.strip():
            return
        if categories(analysis, "subject", "body") & COMMON_GROUND:
            return
        suggestion = analysis.common_ground.suggestion()
        if suggestion:
            message = f"no common ground is mentioned; {suggestion}"
        else:
            message = "no mutual connection, shared group, former employer or school is mentioned; name one you share"
        start, end = _first_line(analysis)
        yield Finding(message, start, end, field="body")


class SubjectNotPersonal(Rule):
    code = "IM305"
    language = "en"
    name = "subject-not-personal"
    default_severity = Severity.INFO
    summary = "The subject holds nothing specific to the recipient."
    explanation = """
The subject decides whether the message is opened. A subject that names the recipient, their work, a post
of theirs or common ground ("Fellow Initech alum", "Your PyData talk", "Jane Doe suggested I write") reads as
written for them; in a randomized study, a recipient's name in the subject raised opens by 20% and leads by
31% (Sahni, Wheeler and Chintagunta). The recipient's name counts here (from the profile, or from the body's
greeting), as does any template variable.
"""
    examples = (
        Example("Subject: Your PyData talk on contracts\n\nHi Ana, one question?\n", fails=False),
        Example("Subject: Ana, one question\n\nHi Ana, could I ask one question?\n", fails=False),
        Example("Subject: Fellow Initech alum\n\nHi Tom, one question?\n", fails=False),
        Example("Subject: Quick question\n\nHi Ana, could I ask one question?\n", fails=True),
        Example("Subject: Opportunity\n\nHi Ana, could I ask one question?\n", fails=True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        subject = analysis.field("subject")
        if subject is None or not subject.text.strip() or not analysis.kind.get("subject-sent", True):
            return
        if categories(analysis, "subject") & PERSONAL or names_recipient_in_subject(analysis):
            return
        yield Finding(
            "subject says nothing about the recipient; name them, their work or what you share",
            0,
            len(subject.text),
            field="subject",
        )
