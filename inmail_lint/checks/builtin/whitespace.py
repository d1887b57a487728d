"""IM204 stray-whitespace: spaces and blank lines that are sent as typed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.checks.define.base import Example, Rule
from inmail_lint.diagnostic import Edit, Finding, Fix, Severity


def _trailing_spaces(text: str) -> list[tuple[int, int]]:
    """Spans of spaces at the ends of lines (line by line: a regex here backtracks badly on long runs)."""
    spans = []
    start = 0
    for line in text.split("\n"):
        kept = len(line.rstrip())
        if kept < len(line):
            spans.append((start + kept, start + len(line)))
        start += len(line) + 1
    return spans


# two or more spaces between words: searched from each space, with the word before checked from there
_DOUBLE = re.compile(r"[^\S\n](?<=\S[^\S\n])[^\S\n]+(?=\S)")


class StrayWhitespace(Rule):
    code = "IM204"
    name = "stray-whitespace"
    default_severity = Severity.INFO
    summary = "Spaces at the ends of lines, or several spaces between words."
    explanation = """
Stray spaces count toward LinkedIn's character limit and show as ragged gaps in the composer. The fix trims
spaces at the ends of lines and turns runs of spaces between words into one.
"""
    examples = (
        Example("Subject: Your talk\n\nHi Ana,\n\nOne question?\n", fails=False),
        Example("Subject: Your talk\n\nHi Ana,   \n\nOne  question?\n", fails=True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        body = analysis.field("body")
        if body is None or body.placeholders:
            return
        edits = [Edit(a, b, "") for a, b in _trailing_spaces(body.text)]
        edits += [Edit(m.start(), m.end(), " ") for m in _DOUBLE.finditer(body.text)]
        if not edits:
            return
        edits.sort(key=lambda e: e.start)
        first = edits[0]
        places = "1 place" if len(edits) == 1 else f"{len(edits)} places"
        yield Finding(
            f"stray whitespace in {places} (spaces at line ends or between words); the fix trims it",
            first.start,
            first.end,
            field="body",
            fix=Fix("trim stray whitespace", tuple(edits)),
        )
