"""Text helpers that know nothing of drafts: counting the way LinkedIn's web composer does, folding names for
comparison, telling text written in capitals.

How inmail-lint counts:

* Characters are UTF-16 code units after CRLF and CR become LF: an emoji outside the Basic Multilingual Plane
  counts 2, a line break counts 1. (JavaScript's ``String.length``, which LinkedIn's text boxes enforce.)
* Words are whitespace-separated chunks holding at least one letter or digit: a lone dash is not a word.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from inmail_lint.util.unsafe import UNSAFE_CHARACTERS


def utf16_units(ch: str) -> int:
    """UTF-16 code units of one character: 2 outside the Basic Multilingual Plane (most emoji), else 1."""
    return 2 if ord(ch) > 0xFFFF else 1


def utf16_length(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def astral_offsets(text: str) -> list[int]:
    """The sorted character offsets of the characters that count two UTF-16 units."""
    return [] if text.isascii() else [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]


def index_at_utf16(text: str, units: int) -> int:
    """The index of the first character that starts at or after ``units`` UTF-16 units (``len(text)`` if none):
    where an editor's UTF-16 column falls in the text."""
    if text.isascii():
        return min(max(units, 0), len(text))
    count = 0
    for i, ch in enumerate(text):
        if count >= units:
            return i
        count += utf16_units(ch)
    return len(text)


def index_past_utf16(text: str, limit: int) -> int | None:
    """The index of the first character that ends past ``limit`` UTF-16 units, or None when all of it fits."""
    count = 0
    for i, ch in enumerate(text):
        count += utf16_units(ch)
        if count > limit:
            return i
    return None


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# a whitespace-separated chunk with a letter or digit in it; the look-behind pins each try to a chunk's start,
# and what precedes the first letter or digit cannot be one, so a failing chunk costs its length once
_WORD_CHUNK = re.compile(r"(?<!\S)(?:[^\s\w]|_)*[^\W_]\S*")


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the words in ``text``."""
    return [m.span() for m in _WORD_CHUNK.finditer(text)]


#: A letter or digit: what str.isalnum says of a character (the two agree on every code point)
ALNUM = re.compile(r"[^\W_]")


def word_count(text: str) -> int:
    """How many words: whitespace-separated chunks with a letter or digit in them (what ``word_spans`` finds).
    A chunk that is all letters and digits is settled by ``str.isalnum``; only the others ("week.", "—") are
    searched, which is a third of the time of scanning the text with ``_WORD_CHUNK``."""
    return sum(1 for chunk in text.split() if chunk.isalnum() or ALNUM.search(chunk))


def has_word(text: str, word: str) -> bool:
    """Whether ``word`` occurs in ``text`` with no word character (``\\w``: a letter, digit or underscore) just
    before or after it, as ``(?<!\\w)word(?!\\w)`` finds it, without a pattern made for each word."""
    at = text.find(word) if word else -1
    while at != -1:
        end = at + len(word)
        if (at == 0 or not _is_word(text[at - 1])) and (end == len(text) or not _is_word(text[end])):
            return True
        at = text.find(word, at + 1)
    return False


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def fold(text: str) -> str:
    """Case- and accent-insensitive form for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def fold_aligned(text: str) -> str:
    """Lower-case ``text`` and drop accents without changing its length, so offsets stay valid."""
    if text.isascii():
        return text.lower()
    out = []
    for ch in text:
        low = ch.lower()
        if len(low) != 1:
            low = ch
        base = unicodedata.normalize("NFKD", low)[:1]
        out.append(base if base and len(base) == 1 and base.isascii() and base.isalpha() else low)
    return "".join(out)


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'’]*")


def all_caps(text: str) -> bool:
    """Written wholly in capitals: two or more words and at least six letters, none of them lower case."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(_WORD.findall(text)) >= 2 and len(letters) >= 6 and all(ch.isupper() for ch in letters)


# Characters a report must not pass through as they are: C0 and C1 controls (a draft's ESC can clear a
# terminal or retitle the window), and the invisible and direction-changing ones (U+202E turns text around).
# Tab and line feed are not in it (callers decide about those), nor the zero-width joiners that emoji need.
_UNSAFE = re.compile(UNSAFE_CHARACTERS)
_SURROGATE = re.compile("[\ud800-\udfff]")
# what XML 1.0 does not allow at all, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape_unsafe(text: str) -> str:
    """``text`` with every control, invisible or direction-changing character written as an escape (``\\x1b``,
    ``\\u202e``), and a lone surrogate (a file name that was not UTF-8) as U+FFFD: safe to print."""
    text = _UNSAFE.sub(lambda m: _escape(m.group()), text)
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def shown_unsafe(text: str) -> str:
    """``text`` with each unsafe character replaced by one visible stand-in (a control picture such as ␛, or
    U+FFFD), so the text keeps its length: for a line of context with a caret under it."""

    def stand_in(match: re.Match[str]) -> str:
        code = ord(match.group())
        if code < 0x20:
            return chr(0x2400 + code)
        return "\u2421" if code == 0x7F else "\ufffd"

    text = _UNSAFE.sub(stand_in, text)
    return _SURROGATE.sub("\ufffd", text)


def valid_unicode(text: str) -> str:
    """``text`` without lone surrogates (U+FFFD instead), so it encodes as UTF-8."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def xml_text(text: str) -> str:
    """``text`` without what XML 1.0 cannot hold (controls other than tab and newlines, lone surrogates):
    each written as an escape instead."""
    return _NOT_XML.sub(lambda m: "\ufffd" if 0xD800 <= ord(m.group()) <= 0xDFFF else _escape(m.group()), text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


MAX_SHOWN = 60  # characters of a match quoted in a message; a 40,000-character match was printed whole


def shown(text: str) -> str:
    """A match as a message quotes it: on one line, and cut short with an ellipsis past :data:`MAX_SHOWN`."""
    if len(text) <= MAX_SHOWN and "\n" not in text:
        return text
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1].rstrip() + "…"


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """ "; did you mean 'x'?" for the choice ``value`` most likely stands for, else "": one that differs only in
    case, spaces, hyphens or underscores ("Connection Note", "extend_select"), the one choice of which it is a
    hyphenated part ("ad" for "message-ad"), or a close spelling ("inmial", "selekt")."""
    by_form = {_choice_form(c): c for c in choices}
    text = _choice_form(str(value))
    parts = [c for form, c in by_form.items() if text and text in form.split("-")]
    close = difflib.get_close_matches(text, list(by_form), n=1)
    guess = by_form.get(text) or (parts[0] if len(parts) == 1 else by_form[close[0]] if close else None)
    return f"; did you mean {guess!r}?" if guess is not None and guess != value else ""


def _choice_form(text: str) -> str:
    return text.strip().lower().replace("_", "-").replace(" ", "-")
