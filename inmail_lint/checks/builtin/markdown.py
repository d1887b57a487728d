"""Markdown in a message: drafts kept as ``*.inmail.md`` files slip into it, and LinkedIn sends plain text."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from html import unescape
from html.entities import html5
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


# HTML that a sequencer's or mail editor's template carries into a draft: a line break, an inline element with
# its closing tag on the same line, a link, a block element's tag, and a character reference. Only HTML's own
# element names, so that a placeholder in angle brackets ("<Company>", "<first name>") is IM301's, not this.
_INLINE = "b|strong|i|em|u|span|font|small|mark"
_BLOCK = "p|div|ul|ol|li|h[1-6]|table|tbody|thead|tr|td|th|blockquote|section|center|hr"
_HTML = re.compile(
    rf"(?P<br><br\s*/?>)"
    rf"|(?P<anchor><a\s+href=(?P<q>[\"'])(?P<href>[^\"'<>\s]{{1,500}})(?P=q)[^<>\n]{{0,200}}>(?P<anchor_text>[^<>\n]{{0,200}})</a\s*>)"
    rf"|(?P<inline><(?P<tag>{_INLINE})(?:\s[^<>\n]{{0,200}})?>(?P<inline_text>[^<>\n]{{0,200}}?)</(?P=tag)\s*>)"
    rf"|(?P<block></?(?:{_BLOCK})(?:\s[^<>\n]{{0,200}})?\s*/?>)"
    rf"|(?P<entity>&(?:#[0-9]{{1,7}}|#[xX][0-9a-fA-F]{{1,6}}|[A-Za-z][A-Za-z0-9]{{1,31}});)",
    re.IGNORECASE,
)


class MarkdownFormatting(Rule):
    code = "IM411"
    name = "markdown-formatting"
    default_severity = Severity.WARNING
    summary = (
        "Markdown (`**bold**`, `*italic*`, `[text](link)`, `# heading`) or HTML (`<br>`, `<b>`, `&nbsp;`) in a "
        "message LinkedIn sends as plain text."
    )
    explanation = """
LinkedIn's message composer sends plain text: Markdown arrives as typed, asterisks, brackets and all. Drafts
kept as `*.inmail.md` files pick it up easily. Bold and italic (`**Kafka**`, `*Kafka*`), code (`` `dbt` ``),
links (`[my portfolio](https://...)`) and headings (`## Why I am writing`) are flagged; lists (`- `, `1. `) read
well as plain text and are not. The fix keeps the words: `Kafka`, `my portfolio (https://...)`, `Why I am
writing`. Underscores are left alone, since snake_case names are common in technical messages.

HTML is sent as typed too, and a template copied from a sequencer or a mail editor often carries it: line
breaks (`<br>`), bold or italic (`<b>Kafka</b>`), links (`<a href="https://...">my notes</a>`), paragraphs and
lists (`<p>`, `</li>`) and character references (`&nbsp;`, `&amp;`, `&#8217;`). The fix writes a line break,
the words, `my notes (https://...)`, or the character; a block element's tag is removed. Only HTML's own
element names count: a placeholder in angle brackets (`<Company>`) is IM301's.
"""
    examples = (
        Example("Subject: Your Kafka talk\n\nHi Ana, your Kafka talk was great. 5 * 3 is 15. One question?\n", False),
        Example("Subject: Your Kafka talk\n\nHi Ana, your **Kafka** talk was great. One question?\n", fails=True),
        Example("Subject: Your talk\n\nHi Ana, see [my notes](https://example.com/notes). One question?\n", True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        for name in ("subject", "body"):
            fa = analysis.field(name)
            if fa is None:
                continue
            if any(mark in fa.text for mark in "*[#`"):
                yield from (_finding(name, m) for m in _MARKDOWN.finditer(fa.text))
            if "<" in fa.text or "&" in fa.text:
                yield from filter(None, (_html_finding(name, fa.text, m) for m in _HTML.finditer(fa.text)))


def _html_finding(field: str, text: str, m: re.Match[str]) -> Finding | None:
    written = m.group()
    if m.group("br"):
        plain = "" if text[m.end() : m.end() + 1] in ("\n", "\r") else "\n"  # "<br>" ending a line: the break is there
        what = "a line break in HTML"
    elif m.group("anchor"):
        label, url = m.group("anchor_text").strip(), m.group("href")
        plain = url if label in ("", url, url.split("://", 1)[-1]) else f"{label} ({url})"
        what = "an HTML link"
    elif m.group("inline"):
        plain, what = m.group("inline_text"), "HTML"
    elif m.group("block"):
        plain, what = "", "an HTML tag"
    else:
        if not written.startswith("&#") and written[1:] not in html5:
            return None  # "&Co;" is not a character reference
        plain = unescape(written)
        if not plain.isprintable() and plain != "\u00a0":
            return None  # "&#10;" and the like: not a character a writer typed
        plain, what = (" " if plain == "\u00a0" else plain), "an HTML character reference"
    said = _SAID.get(plain, "'" + plain + "'")
    advice = f"write {said}" if plain else "remove it"
    action = advice if plain else f"remove '{written}'"
    message = f"'{written}' is {what}, and LinkedIn sends plain text: it arrives as typed; {advice}"
    return Finding(message, m.start(), m.end(), field=field, fix=Fix(action, (Edit(m.start(), m.end(), plain),)))


_SAID = {"\n": "a line break", " ": "a space"}  # what a fix writes that quotes would not show


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
