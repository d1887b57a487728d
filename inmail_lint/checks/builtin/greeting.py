"""IM302 and IM306: whom the greeting names, and whether that is the recipient."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.checks.define.base import Example, Rule
from inmail_lint.diagnostic import Edit, Finding, Fix, Severity
from inmail_lint.draft.profiles import same_organisation
from inmail_lint.util.resources import load_data
from inmail_lint.util.text import fold

_ORG = r"(?P<org>[A-Z][\w&'’-]*(?:[^\S\n]+(?:of[^\S\n]+|&[^\S\n]+)?[A-Z][\w&'’-]*){0,3})"
_SP = r"[^\S\n]+"
_CLAIMS = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b[Yy]our{_SP}(?:team|company|work|role|colleagues|org|organi[sz]ation|position|time|group|department|"
        rf"startup|product|platform|job|division|unit|office){_SP}(?:at|with|over{_SP}at){_SP}{_ORG}",
        rf"\b[Yy]ou(?:'re|’re|{_SP}are|{_SP}were)?{_SP}(?:working|leading|running|managing|hiring|building)"
        rf"{_SP}(?:[\w-]+{_SP}){{0,3}}?at{_SP}{_ORG}",
        rf"\b[Aa]t{_SP}your{_SP}company,?{_SP}{_ORG}",
        # "As VP of Data at Initech, you ...": the role is theirs, so the company is
        rf"\bAs{_SP}(?:(?:an?|the){_SP})?(?:[\w&-]+{_SP}){{1,5}}?at{_SP}{_ORG},?{_SP}you\b",
    )
)


_CLAIM_BEFORE = re.compile(r"(?i)\b(?:your|you(?:'re|’re| are| were)?)\b[^.!?\n]{0,40}\b(?:at|with)\s+$")


class GenericGreeting(Rule):
    code = "IM302"
    language = "en"
    name = "generic-greeting"
    default_severity = Severity.WARNING
    summary = 'The greeting names no one: "Dear Sir/Madam", "To whom it may concern", "Hi there", "Hello,".'
    explanation = """
A greeting that could go to anyone tells the reader the message did too. Greet them by name. The greetings
live in `rules/phrases/generic-greetings.yaml`; a greeting word alone ("Hi," or "Hello!") is generic too, as
is a role where the name goes ("Hello Candidate,", "Dear Business Owner,": the file's `roles`).
One followed by a name is not: "Good morning Ana", "Hey, Ana!", "Dear Dr. Kowalski" (titles are skipped).
When the recipient's profile gives their name, the fix writes "Hi {first name},".
"""
    examples = (
        Example("Subject: Your PyData talk\n\nHi Ana,\n\nCould I ask one question about it?\n", fails=False),
        Example("Subject: Your PyData talk\n\nCould I ask one question about it?\n", fails=False),
        Example("Subject: Your PyData talk\n\nDear Sir/Madam,\n\nCould I ask one question?\n", fails=True),
        Example("Subject: Your PyData talk\n\nHi there! Could I ask one question?\n", fails=True),
        Example("Subject: Your PyData talk\n\nHello,\n\nCould I ask one question?\n", fails=True),
        Example("Subject: Your PyData talk\n\nTo whom it may concern: could I ask one question?\n", fails=True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        greeting = analysis.greeting
        if greeting is None or not greeting.generic:
            return
        body = analysis.field("body")
        assert body is not None
        said = body.text[greeting.start : greeting.end].rstrip(",:!. ")
        recipient = analysis.recipient
        first = recipient.first_name if recipient else ""
        fix = None
        if first:
            fix = Fix(f"greet {first} by name", (Edit(greeting.start, greeting.end, f"Hi {first},"),))
        hint = f"'Hi {first},'" if first else "their first name"
        yield Finding(
            f"'{said}' names no one; greet them by name ({hint})", greeting.start, greeting.end, field="body", fix=fix
        )


class RecipientMismatch(Rule):
    code = "IM306"
    name = "recipient-mismatch"
    default_severity = Severity.ERROR
    summary = (
        'With a profile: the greeting names someone else ("Hi Mark" to Anna), or the draft calls another '
        "company theirs."
    )
    explanation = """
Copying a message from one recipient to the next and forgetting the name is the mistake recipients notice
first. With a recipient profile (front matter `recipient:`), the greeting's name must be the recipient's
(first name, any part of the full name, or a short form of it: "Rob" or, from
`rules/phrases/nicknames.yaml`, "Bob" for Robert; titles such as "Ms." and "Dr." are skipped), and a
company the draft calls theirs, in the subject or the body ("your team at Initech", "you are hiring at
Initech", "As VP of Data at Initech, you ...") must be their current or a past company.
"""
    examples = (
        Example(
            "---\nsubject: Your talk\nrecipient: {name: Anna Kowalski, company: Globex}\n---\n"
            "Hi Anna, how is your team at Globex handling contracts?\n",
            fails=False,
        ),
        Example(
            "---\nsubject: Your talk\nrecipient: {name: Anna Kowalski}\n---\nDear Ms. Kowalski, one question?\n",
            fails=False,
        ),
        Example("Subject: Your talk\n\nHi Mark, how is your team at Initech?\n", fails=False),
        Example("---\nsubject: Your talk\nrecipient: {name: Anna Kowalski}\n---\nHi Mark, one question?\n", fails=True),
        Example(
            "---\nsubject: Your talk\nrecipient: {name: Anna Kowalski, company: Globex}\n---\n"
            "Hi Anna, how is your team at Initech handling contracts?\n",
            fails=True,
        ),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        recipient = analysis.recipient
        body = analysis.field("body")
        if recipient is None or body is None:
            return
        full = recipient.name or recipient.first_name
        greeting = analysis.greeting
        if (
            greeting is not None
            and greeting.name
            and not greeting.placeholder
            and full
            and not _same_person(greeting.name, recipient.name_forms())
        ):
            yield Finding(
                f"greeting says '{greeting.name}' but this message is to {full}; use their name",
                greeting.name_start,
                greeting.name_end,
                field="body",
            )
        if not recipient.employers:
            return
        for name in ("subject", "body"):  # "Your team at Initech" claims it in a subject as in the body
            fa = analysis.field(name)
            if fa is None:
                continue
            claims = {m.span("org") for claim in _CLAIMS for m in claim.finditer(fa.text)}
            # with a trained pipeline, its ORG entities after "your ... at" are claims too
            claims |= {(a, b) for a, b in fa.entities("ORG") if _CLAIM_BEFORE.search(fa.text[max(0, a - 60) : a])}
            for start, end in sorted(claims):
                org = fa.text[start:end]
                if not any(same_organisation(org, e) for e in recipient.employers):
                    yield Finding(
                        f"the draft calls {org} theirs, but {full or 'the recipient'}'s profile says "
                        f"{recipient.company or ', '.join(recipient.past_companies)}",
                        start,
                        end,
                        field=name,
                    )


def _same_person(name: str, forms: set[str]) -> bool:
    said = {fold(name), *(fold(part) for part in name.split())}
    if said & forms:
        return True
    short_forms = _short_forms()
    if any(short_forms.get(s, frozenset()) & forms for s in said):  # "Bob" for Robert
        return True
    return any(len(s) >= 3 and len(f) >= 3 and (f.startswith(s) or s.startswith(f)) for s in said for f in forms)


@lru_cache(maxsize=1)
def _short_forms() -> dict[str, frozenset[str]]:
    """Each name in ``rules/phrases/nicknames.yaml`` and the other names of its groups."""
    found: dict[str, set[str]] = {}
    for group in load_data("phrases/nicknames.yaml")["groups"]:
        names = {fold(str(n)) for n in group}
        for name in names:
            found.setdefault(name, set()).update(names - {name})
    return {name: frozenset(others) for name, others in found.items()}
