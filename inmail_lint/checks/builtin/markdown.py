"""Markdown in a message: drafts kept as ``*.inmail.md`` files slip into it, and LinkedIn sends plain text."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.checks.define.base import Example, Rule
from inmail_lint.diagnostic import Edit, Finding, Fix, Severity

# **bold**, *italic* (an asterisk that opens must touch a word on its right, one that closes on its left, and
# neither may sit inside a word: "5 * 3", "*terms apply" and "a*b" are not Markdown), [text](address), and a
# heading's "# " at the start of a line ("#python" is a hashtag, not a heading), and `code`. Underscores are left alone:
# snake_case names and __init__ are common in technical messages.
_MARKDOWN = re.compile(
    r"(?P<link>\[(?P<label>[^\[\]\n]{1,200})\]\((?P<url>[^()\s]{1,500})\))"
    r"|(?P<strong>(?<![\w*])\*\*(?=[^\s*])(?P<strong_text>[^*\n]{1,200}?)(?<=[^\s*])\*\*(?![\w*]))"
    r"|(?P<em>(?<![\w*])\*(?=[^\s*])(?P<em_text>[^*\n]{1,200}?)(?<=[^\s*])\*(?![\w*]))"
    r"|(?P<heading>^[^\S\n]{0,3}(?P<hashes>#{1,6})[^\S\n]+(?=\S))"
    r"|(?P<code>(?<![\w`])`(?=[^\s`])(?P<code_text>[^`\n]{1,200}?)(?<=[^\s`])`(?![\w`]))",
    re.MULTILINE,
)


class MarkdownFormatting(Rule):
    code = "IM411"
    name = "markdown-formatting"
    default_severity = Severity.WARNING
    summary = (
        "Markdown (`**bold**`, `*italic*`, `[text](link)`, `# heading`) in a message LinkedIn sends as plain text."
    )
    explanation = """
LinkedIn's message composer sends plain text: Markdown arrives as typed, asterisks, brackets and all. Drafts
kept as `*.inmail.md` files pick it up easily. Bold and italic (`**Kafka**`, `*Kafka*`), code (`` `dbt` ``),
links (`[my portfolio](https://...)`) and headings (`## Why I am writing`) are flagged; lists (`- `, `1. `) read
well as plain text and are not. The fix keeps the words: `Kafka`, `my portfolio (https://...)`, `Why I am
writing`. Underscores are left alone, since snake_case names are common in technical messages.
"""
    examples = (
        Example("Subject: Your Kafka talk\n\nHi Ana, your Kafka talk was great. 5 * 3 is 15. One question?\n", False),
        Example("Subject: Your Kafka talk\n\nHi Ana, your **Kafka** talk was great. One question?\n", fails=True),
        Example("Subject: Your talk\n\nHi Ana, see [my notes](https://example.com/notes). One question?\n", True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        for name in ("subject", "body"):
            fa = analysis.field(name)
            if fa is None or not any(mark in fa.text for mark in "*[#`"):
                continue
            for m in _MARKDOWN.finditer(fa.text):
                yield _finding(name, m)


def _finding(field: str, m: re.Match[str]) -> Finding:
    written = m.group()
    if m.group("link"):
        label, url = m.group("label").strip(), m.group("url")
        plain = url if label in (url, url.split("://", 1)[-1]) else f"{label} ({url})"
        message = f"'{written}' is a Markdown link, and LinkedIn shows it as typed; write '{plain}'"
    elif m.group("heading"):
        plain = ""
        message = f"'{m.group('hashes')}' opens a Markdown heading, and LinkedIn shows it as typed; drop it"
    else:
        plain = m.group("strong_text") or m.group("em_text") or m.group("code_text")
        marks = "backticks" if m.group("code") else "asterisks"
        message = (
            f"'{written}' is Markdown, and LinkedIn sends plain text: the {marks} arrive as typed; write '{plain}'"
        )
    action = f"write '{plain}'" if plain else f"remove '{written.strip()}'"
    return Finding(message, m.start(), m.end(), field=field, fix=Fix(action, (Edit(m.start(), m.end(), plain),)))
