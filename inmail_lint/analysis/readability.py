"""Readability scores from textstat, offline and the same on every machine.

textstat's English syllable counter asks NLTK for the CMU pronouncing dictionary and downloads it on first
use. inmail-lint never lets that happen: textstat is imported with a stand-in for ``nltk`` (so NLTK is not
even imported, which also saves a second of start-up), and its dictionary lookup is replaced by "no
dictionary", so every syllable comes from pyphen's hyphenation patterns, which ship inside the pyphen
package. A machine that happens to have the CMU dictionary installed gets the same numbers as one that has not.
Each word's hyphenation is looked up once per process (see :class:`_RememberedHyphenation`), on pyphen's
patterns read in a few passes over its dictionary file (see :func:`_read_patterns`), with pyphen's own
hyphenation where that reading does not apply.
"""

from __future__ import annotations

import re
import sys
import types
from functools import lru_cache
from typing import Any

LANGUAGE = "en_US"


def _no_dictionary(lang: str) -> None:
    return None


class _RememberedHyphenation:
    """pyphen's hyphenation points, remembered per word: the same words come back in draft after draft, and
    looking them up in pyphen's patterns is most of the cost of a readability score."""

    def __init__(self, lang: str) -> None:
        from pyphen import LANGUAGES, Pyphen, language_fallback

        patterns = _read_patterns(LANGUAGES[language_fallback(lang)])
        if patterns is None:  # a dictionary with more than plain patterns: pyphen reads it
            self.positions = lru_cache(maxsize=50_000)(Pyphen(lang=lang).positions)
        else:
            self.positions = lru_cache(maxsize=50_000)(_Liang(patterns).positions)


#: What pyphen leaves out of a dictionary (see ``pyphen.HyphDict``)
_IGNORED = ("%", "#", "LEFTHYPHENMIN", "RIGHTHYPHENMIN", "COMPOUNDLEFTHYPHENMIN", "COMPOUNDRIGHTHYPHENMIN")
_DIGITS = "0123456789"
#: Every byte but a digit or a line break becomes "L" (a letter, for the places between letters)
_AS_LETTERS = bytes(c if chr(c) in _DIGITS + "\n" else ord("L") for c in range(256))


def _read_patterns(path: Any) -> dict[str, tuple[int, tuple[int, ...]]] | None:
    """The patterns of a pyphen dictionary as pyphen's ``HyphDict`` holds them (the letters -> the offset of
    the first non-zero number and the numbers from there to the last non-zero one), read in a few passes
    over the whole file instead of a dozen steps a pattern (pyphen's own reading is about 70 ms of a cold
    run; this, about 20). None for a dictionary with anything but letters and single digits (``^^``
    escapes, nonstandard hyphenation, other scripts' digits): pyphen reads those itself. A test holds the two
    readings equal."""
    first, _, rest = path.read_bytes().partition(b"\n")
    encoding = first.decode().strip()
    encoding = "cp1251" if encoding.lower() == "microsoft-cp1251" else encoding
    lines = (line.strip() for line in rest.decode(encoding).split("\n"))
    kept = "\n".join(line for line in lines if line and not line.startswith(_IGNORED))
    if "^^" in kept or "/" in kept or re.search("[0-9][0-9]", kept) or not kept:
        return None
    if any(ch.isdigit() or ch.isspace() for ch in set(kept) - set(_DIGITS + "\n")):
        return None
    # the number at each place between letters (0 where there is none), one byte for each character
    marks = kept.encode("ascii", "replace").translate(_AS_LETTERS)
    marks = marks.replace(b"LL", b"L0L").replace(b"LL", b"L0L")  # twice: L0LL after once is L0L0L
    marks = (b"\n" + marks + b"\n").replace(b"\nL", b"\n0L").replace(b"L\n", b"L0\n")[1:-1]
    numbers = marks.translate(None, b"L").decode().split("\n")
    letters = kept
    for digit in _DIGITS:
        letters = letters.replace(digit, "")
    parsed = {digits: _trimmed(digits) for digits in set(numbers)}
    return {key: found for key, digits in zip(letters.split("\n"), numbers, strict=True) if (found := parsed[digits])}


def _trimmed(digits: str) -> tuple[int, tuple[int, ...]] | None:
    """The offset of the first non-zero number and the numbers to the last one; None when all are zero."""
    values = digits.strip("0")
    return (len(digits) - len(digits.lstrip("0")), tuple(map(int, values))) if values else None


class _Liang:
    """Liang's hyphenation, as ``pyphen.Pyphen.positions`` computes it (2 letters at least before the first
    point and after the last), on patterns read by :func:`_read_patterns`."""

    def __init__(self, patterns: dict[str, tuple[int, tuple[int, ...]]]) -> None:
        self.patterns = patterns
        self.maxlen = max(map(len, patterns))

    def positions(self, word: str) -> list[int]:
        pointed = f".{word.lower()}."
        references = [0] * (len(pointed) + 1)
        get, maxlen, n = self.patterns.get, self.maxlen, len(pointed)
        for i in range(n - 1):
            for j in range(i + 1, min(i + maxlen, n) + 1):
                pattern = get(pointed[i:j])
                if pattern:
                    offset, values = pattern
                    where = slice(i + offset, i + offset + len(values))
                    references[where] = map(max, values, references[where])
        right = len(word) - 2
        return [i - 1 for i, reference in enumerate(references) if reference % 2 and 2 <= i - 1 <= right]


@lru_cache(maxsize=4)
def _hyphenation(lang: str) -> _RememberedHyphenation:
    return _RememberedHyphenation(lang)


@lru_cache(maxsize=1)
def _textstat() -> Any:
    stand_in = None
    if "nltk" not in sys.modules:
        stand_in = types.ModuleType("nltk")
        stand_in.__doc__ = "inmail-lint: NLTK is not used; textstat's syllables come from pyphen"
        sys.modules["nltk"] = stand_in
    try:
        import textstat
        from textstat.backend.counts import _count_syllables
    finally:
        if stand_in is not None and sys.modules.get("nltk") is stand_in:
            del sys.modules["nltk"]
    _count_syllables.get_cmudict = _no_dictionary  # pyphen only: offline and deterministic
    _count_syllables.get_pyphen = _hyphenation
    from textstat.backend.metrics import _syllables_per_word

    # the grades' syllable count: textstat's own with its dictionary lookup left out (it raised and caught
    # an error for every word, half of the count's time)
    _syllables_per_word.count_syllables = _count_syllables_without_dictionary
    textstat.set_lang(LANGUAGE)
    return textstat


def _count_syllables_without_dictionary(text: str, lang: str) -> int:
    """What ``textstat.backend.counts.count_syllables`` counts when there is no pronouncing dictionary: each
    word's hyphenation points plus one (``tests/test_offline.py`` holds the two equal)."""
    from textstat.backend.selections._list_words import list_words

    if not text:
        return 0
    return _syllables(list_words(text, lowercase=True), lang)


def _syllables(words: list[str], lang: str) -> int:
    """Each word's hyphenation points plus one, summed (no Python loop a word)."""
    return sum(map(len, map(_hyphenation(lang).positions, words))) + len(words)


# textstat's rules for words and sentences (``textstat.backend``: ``remove_punctuation``, ``list_words`` and
# ``count_sentences``, the same in every release this project allows)
_NON_CONTRACTION_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")


#: The ASCII characters that _PUNCTUATION removes: deleted from ASCII text as bytes (0.5 us on a body, against
#: 4.9 us for the expression and 4.6 us for str.translate)
_ASCII_PUNCTUATION = bytes(c for c in range(128) if _PUNCTUATION.match(chr(c)))


def _without_punctuation(text: str) -> str:
    """textstat's ``remove_punctuation`` (apostrophes kept in contractions)."""
    if "'" in text:
        text = _NON_CONTRACTION_APOSTROPHE.sub("", text)
    if text.isascii():
        return text.encode("ascii").translate(None, _ASCII_PUNCTUATION).decode("ascii")
    return _PUNCTUATION.sub("", text)


def flesch_kincaid_grade(text: str) -> float:
    """textstat's Flesch-Kincaid grade, 0.39 words a sentence + 11.8 syllables a word - 15.59, by textstat's own
    rules for words, sentences (a "sentence" of two words or fewer does not count) and syllables, with the
    words found once: textstat finds them three times and again for each sentence, through a cache for each
    step (a body's grade 31 to 19 us). ``tests/test_offline.py`` holds it equal to textstat's, to the last bit."""
    if not text:
        return 0.0
    words = _without_punctuation(text).lower().split()  # (lower-casing adds no space and takes none away)
    if not words:
        return 0.0
    sentences = _SENTENCE.findall(text)
    short = sum(1 for s in sentences if len(s.split()) <= 2 or len(_without_punctuation(s).split()) <= 2)
    per_sentence = len(words) / max(1, len(sentences) - short)
    return (0.39 * per_sentence) + (11.8 * (_syllables(words, LANGUAGE) / len(words))) - 15.59


def flesch_reading_ease(text: str) -> float:
    return float(_textstat().flesch_reading_ease(text))


def is_common_word(word: str) -> bool:
    """Whether ``word`` (any case) is on the Dale-Chall list of about 3,000 words most fourth-graders know, as
    textstat ships it, or is a plural or past tense of one (the list has "deal" and "ask", not "deals", "asked")."""
    word = word.lower()
    forms = [word]
    if word.endswith("s"):
        forms += [word[:-1], word[:-2]] if word.endswith("es") else [word[:-1]]
    if word.endswith("ed"):
        forms += [word[:-1], word[:-2]]
    return any(_textstat().is_easy_word(form, syllable_threshold=0) for form in forms if len(form) > 1)
