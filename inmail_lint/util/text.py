"""How inmail-lint counts, the way LinkedIn's web composer does.

* Characters are UTF-16 code units after CRLF and CR become LF: an emoji outside the Basic Multilingual Plane
  counts 2, a line break counts 1. (JavaScript's ``String.length``, which LinkedIn's text boxes enforce.)
* Words are whitespace-separated chunks holding at least one letter or digit: a lone dash is not a word.
"""

from __future__ import annotations

import re


def utf16_length(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# a whitespace-separated chunk with a letter or digit in it; the look-behind pins each try to a chunk's start,
# and what precedes the first letter or digit cannot be one, so a failing chunk costs its length once
_WORD_CHUNK = re.compile(r"(?<!\S)(?:[^\s\w]|_)*[^\W_]\S*")


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the words in ``text``."""
    return [m.span() for m in _WORD_CHUNK.finditer(text)]


def word_count(text: str) -> int:
    return len(_WORD_CHUNK.findall(text))
