from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inmail_lint.util.text import normalize_newlines, utf16_length, word_count, word_spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", 0, id="empty"),
        pytest.param("hello", 5, id="ascii"),
        pytest.param("café", 4, id="latin accent is one unit"),
        pytest.param("🚀", 2, id="astral emoji is two units"),
        pytest.param("a\nb", 3, id="line break counts one"),
        pytest.param("👩‍💻", 5, id="zwj sequence counts its code units"),
        pytest.param("日本", 2, id="cjk in the BMP"),
    ],
)
def test_utf16_length(text: str, expected: int) -> None:
    assert utf16_length(text) == expected
    assert utf16_length(text) == len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", 0, id="empty"),
        pytest.param("Hi Ana", 2, id="two"),
        pytest.param("Hi — Ana", 2, id="lone dash is not a word"),
        pytest.param("Hi 🚀 Ana", 2, id="lone emoji is not a word"),
        pytest.param("15-minute call", 2, id="hyphenated is one"),
        pytest.param("Q3 2024", 2, id="digits are words"),
        pytest.param("  spaced\n\nout\t words ", 3, id="any whitespace separates"),
        pytest.param("don't", 1, id="apostrophe"),
    ],
)
def test_word_count(text: str, expected: int) -> None:
    assert word_count(text) == expected


_CHARS = st.characters(codec="utf-8") | st.sampled_from(" \t\n\x0b\x0c\x1c\x1d\x85\xa0\u2028\u3000_-—.'’🚀½²٣")


@settings(max_examples=500, deadline=None)
@given(st.text(_CHARS, max_size=60))
def test_word_count_is_the_number_of_word_spans(text: str) -> None:
    """Counted by str.split and str.isalnum, found by the regular expression: the same words in any text,
    whatever Unicode calls whitespace, letters and digits."""
    assert word_count(text) == len(word_spans(text))


def test_normalize_newlines() -> None:
    assert normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n"


WHITESPACE = [
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1f",
    "\x85",
    "\xa0",
    "\u2028",
    "\u3000",
    "\u200b",
]


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(WHITESPACE), st.sampled_from(["a", "word", "x" * 70, "é", "🚀", "."])), max_size=25
    )
)
def test_the_text_spacy_reads_collapses_whitespace_as_the_regular_expression_did(pieces: list[str]) -> None:
    """FieldAnalysis._nlp_input splits with str.split(); it must agree with the regular expressions it replaced
    (runs of \\s become one space, a chunk of 65 or more non-space characters is cut), offsets included."""
    import bisect
    import re

    from inmail_lint.analysis.field import MAX_CHUNK, FieldAnalysis
    from inmail_lint.draft.document import Field

    text = "".join(pieces)
    got, to_field = FieldAnalysis(Field("body", text, 0, len(text)))._nlp_input
    if re.search(rf"\S{{{MAX_CHUNK + 1}}}", text):
        assert all(len(chunk) <= MAX_CHUNK for chunk in got.split(" "))
        return
    if not re.search(r"\s{2,}|[^\S ]|^\s|\s$", text):
        assert (got, to_field) == (text, None)
        return
    assert got == re.sub(r"\s+", " ", text)
    assert to_field is not None
    ends, removed, total = [], [], 0
    for m in re.finditer(r"\s{2,}", text):
        total += m.end() - m.start() - 1
        ends.append(m.end() - total)
        removed.append(total)
    for offset in range(len(got) + 1):
        i = bisect.bisect_right(ends, offset) - 1
        assert to_field(offset) == offset + (removed[i] if i >= 0 else 0)


def test_alnum_is_str_isalnum_on_every_code_point() -> None:
    """util.text.ALNUM finds a letter or digit without a Python loop over the characters; it must say what
    str.isalnum says, for every character Unicode has."""
    import sys

    from inmail_lint.util.text import ALNUM

    differ = [c for c in range(sys.maxunicode + 1) if (ALNUM.match(chr(c)) is not None) != chr(c).isalnum()]
    assert differ == []
