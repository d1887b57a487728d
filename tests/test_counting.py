from __future__ import annotations

import pytest

from inmail_lint.counting import normalize_newlines, utf16_length, word_count


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


def test_normalize_newlines() -> None:
    assert normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n"
