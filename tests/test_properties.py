"""Property tests (hypothesis) over generated drafts: linting never raises, every range lies inside the file
and its field, the JSON validates, fixing twice equals fixing once, and counts agree with an independent count."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from inmail_lint.api import lint_bytes, lint_text
from inmail_lint.engine.fixer import fix_until_stable
from inmail_lint.engine.result import result_to_json

from .conftest import validate_report

EXAMPLES = int(os.environ.get("INMAIL_LINT_EXAMPLES", "300"))  # more for a long local run
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text with the characters drafts are made of, and the ones that break naive code: line endings of every kind,
# emoji (astral, joined), zero-width and right-to-left marks, braces and brackets, quotes, a BOM.
SPICE = [
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    "🚀",
    "👩\u200d💻",
    "🇵🇱",
    "\u200b",
    "\u200f",
    "\u202e",
    "{{",
    "}}",
    "[",
    "]",
    "Re: ",
    "\ufeff",
    "---",
    "Subject:",
    "\t",
    "  ",
    "é",
    "日本",
    "?",
    "!!",
    '"',
    "“",
    "’",
    ">",
    "👋",
    "(",
    "\n- ",
    "\n1. ",
    "\n2) ",
    "Subject line:",
    ",",
    "x@y.io",
    "{{#if first_name}}",
    "{{else}}",
    "{{/if}}",
    "{% if company %}",
    "{% endif %}",
    "{{^x}}",
    "To: ",
    "**Subject:**",
]
words = st.sampled_from(
    [
        "Hi",
        "Ana",
        "Jane",
        "Doe",
        "suggested",
        "I",
        "reach",
        "out",
        "your",
        "talk",
        "on",
        "data",
        "contracts",
        "hope",
        "this",
        "message",
        "finds",
        "you",
        "well",
        "GUARANTEED",
        "NOW",
        "click",
        "here",
        "Dear",
        "Sir/Madam,",
        "{{first_name}}",
        "[First Name]",
        "https://example.com",
        "we",
        "our",
        "could",
        "ask",
        "one",
        "question",
        "Dr.",
        "Mr.",
        "there",
        "Good",
        "morning",
        "WE",
        "HAVE",
        "AN",
        "AMAZING",
        "https://x.io/offer?utm=1.",
    ]
)
piece = st.one_of(words, st.sampled_from(SPICE), st.text(min_size=0, max_size=8))
prose = st.lists(piece, max_size=60).map(" ".join)
yaml_value = st.one_of(
    prose.map(lambda s: s.replace("\n", " ")),
    st.sampled_from(["[a", "{x: 1}", "&a [1]", "*a", "!!python/object:os.system x", "'q'", ""]),
)


@st.composite
def drafts(draw: Any) -> str:
    form = draw(st.sampled_from(["front", "header", "plain", "template"]))
    body = draw(prose)
    if form == "plain":
        return body
    if form == "template":  # placeholders and block tags, rendered with samples
        subject = (draw(prose).splitlines() or [""])[0].replace('"', "")
        return f'---\ntemplate: true\nsubject: "{subject}"\n---\n{body}'
    if form == "header":
        subject = (draw(prose).splitlines() or [""])[0]
        lead = draw(st.sampled_from(["Subject:", "**Subject:**", "Subject line:"]))
        around = draw(st.lists(st.sampled_from(["To: Ana Doe <a@x.io>\n", "From: Jo\r\n", "Cc: x@y.io\n", "To:\n"])))
        return "".join(around) + f"{lead} {subject}\n" + "".join(reversed(around)) + f"\n{body}"
    keys = draw(
        st.lists(
            st.sampled_from(["subject", "kind", "template", "cta", "recipient", "inmail-lint", "send_at", "bogus"]),
            max_size=5,
        )
    )
    lines = [f"{key}: {draw(yaml_value)}" for key in keys]
    closing = "---\n" if draw(st.booleans()) or not lines else ""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(["---", *lines]) + newline + closing + body


def check_ranges(text: str, result: Any) -> None:
    utf16_length = len(text.encode("utf-16-le")) // 2
    for d in result.diagnostics:
        assert 0 <= d.start <= d.end <= len(text), (d.code, d.start, d.end, len(text))
        assert d.offset >= 0 and d.offset + d.length <= utf16_length
        if d.field in ("subject", "body", "cta") and d.field in result.fields and d.end > d.start:
            # a field's diagnostic lies inside the part of the file that field came from
            assert d.location is not None and d.location.row >= 1 and d.location.column >= 1
        if d.fix is not None:
            for edit in d.fix.edits:
                assert 0 <= edit.start <= edit.end <= len(text)


@SETTINGS
@given(drafts())
def test_linting_never_raises_and_ranges_are_inside(text: str) -> None:
    result = lint_text(text)
    check_ranges(text.removeprefix("\ufeff"), result)


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_give_a_report(data: bytes) -> None:
    result = lint_bytes(data)
    assert result.error is None
    if result.diagnostics and result.diagnostics[0].code == "IM001":
        assert result.kind is None


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts())
@example('---\ntemplate: true\nsubject: "{{^x}} \U0001f44b"\n---\n')  # a block never closed: no negative count
def test_json_validates(text: str) -> None:
    from pathlib import Path

    from inmail_lint.util.resources import schema_path

    schema = json.loads(Path(schema_path("report.schema.json")).read_text(encoding="utf-8"))
    document = {"version": 1, "files": [result_to_json(lint_text(text))]}
    validate_report(json.loads(json.dumps(document)), schema)


@SETTINGS
@given(drafts())
def test_fixing_twice_equals_fixing_once(text: str) -> None:
    def lint(source: str) -> Any:
        return lint_text(source)

    text = text.removeprefix("\ufeff")  # positions count after a byte-order mark, which the CLI strips first
    once, _, _ = fix_until_stable(text, lint, unsafe=True)
    twice, applied, _ = fix_until_stable(once, lint, unsafe=True)
    assert twice == once and applied == 0


@SETTINGS
@given(drafts())
def test_counts_agree_with_an_independent_count(text: str) -> None:
    result = lint_text(text)
    for name, field in result.fields.items():
        if field.lengths is not None:
            continue  # a template's counts are its longest rendering
        normalised = field.text
        assert field.counts.chars == len(normalised), name
        assert field.counts.chars_utf16 == len(normalised.encode("utf-16-le")) // 2, name
        assert field.counts.words == sum(1 for chunk in normalised.split() if any(c.isalnum() for c in chunk))


@settings(max_examples=500, deadline=None)
@given(st.text("ab_ .1é'’-İ\n", max_size=14), st.text("ab_ .1é'’-", min_size=1, max_size=4))
def test_a_word_is_found_where_a_pattern_with_word_edges_finds_it(text: str, word: str) -> None:
    import re

    from inmail_lint.util.text import has_word

    assert has_word(text, word) == bool(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text))
