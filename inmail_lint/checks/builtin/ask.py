"""IM402 no-ask: nothing in the message to reply to."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.checks.define.base import Example, Rule
from inmail_lint.checks.define.variants import expand
from inmail_lint.diagnostic import Finding, Severity
from inmail_lint.util.resources import load_data


@lru_cache(maxsize=1)
def _requests() -> tuple[str, ...]:
    return tuple(form for phrase in load_data("phrases/requests.yaml")["phrases"] for form in expand(str(phrase)))


@lru_cache(maxsize=1)
def _not_requests() -> tuple[str, ...]:
    """Phrases that hold a request's words but ask nothing: "let's be honest", "happy to report"."""
    phrases = load_data("phrases/requests.yaml").get("not-requests", ())
    return tuple(form for phrase in phrases for form in expand(str(phrase)))


# "Thank you for the 20 minutes of your time": a request phrase inside thanks is for what was given, not an ask
_THANKS_FOR = re.compile(
    r"\b(?:thanks|thank\s+you)\s+(?:(?:so|very)\s+much\s+)?for\s+(?:the\s+|your\s+)?(?:[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)


def _in_thanks(text: str, start: int) -> bool:
    return _THANKS_FOR.search(text, max(0, start - 80), start) is not None


class NoAsk(Rule):
    code = "IM402"
    language = "en"
    name = "no-ask"
    default_severity = Severity.WARNING
    summary = "No question and no explicit request: nothing to reply to."
    explanation = """
A message that asks nothing gets nothing back. End with one clear, easy question or request ("Would you be
open to a 15-minute call next week?"). A question mark anywhere in the body counts, except inside a link
("/offer?id=1") or on a line quoted from another message ("> ..."), and so do request phrases such as "let
me know", "would you be open", "happy to" (`rules/phrases/requests.yaml`), outside quoted lines too, and
not inside thanks ("Thank you for the 20 minutes of your time" thanks them for a call; it asks nothing) nor
inside a phrase that asks nothing ("let's be honest", "happy to report", "my calendar is full": the file's
`not-requests`).
"""
    examples = (
        Example("Subject: Your talk\n\nHi Ana, loved your talk. Would a short call next week work?\n", fails=False),
        Example("Subject: Your talk\n\nHi Ana, loved your talk. Let me know if a short call works.\n", fails=False),
        Example("Subject: Your talk\n\nHi Ana, loved your talk. We build data tools at Initech.\n", fails=True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        body = analysis.field("body")
        if body is None or not body.text.strip() or body.questions:
            return
        requests = [
            start
            for start, _ in body.phrase_spans(_requests())
            if not body.on_quoted_line(start) and not _in_thanks(body.text, start)
        ]
        if requests:
            told = body.phrase_spans(_not_requests())
            if any(not any(a <= start < b for a, b in told) for start in requests):
                return
        own = [span for span in body.sentences if not body.on_quoted_line(span[0])]  # the writer's last sentence
        start, end = own[-1] if own else (0, len(body.text))
        yield Finding(
            'nothing here asks for a reply; end with one easy question ("Would a 15-minute call next week work?")',
            start,
            start + len(body.text[start:end].rstrip()),
            field="body",
        )
