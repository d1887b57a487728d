"""Readability scores from textstat, offline and the same on every machine.

textstat's English syllable counter asks NLTK for the CMU pronouncing dictionary and downloads it on first
use. inmail-lint never lets that happen: textstat is imported with a stand-in for ``nltk`` (so NLTK is not
even imported, which also saves a second of start-up), and its dictionary lookup is replaced by "no
dictionary", so every syllable comes from pyphen's hyphenation patterns, which ship inside the pyphen
package. A machine that happens to have the CMU dictionary installed gets the same numbers as one that has not.
Each word's hyphenation is looked up once per process (see :class:`_RememberedHyphenation`).
"""

from __future__ import annotations

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
        from pyphen import Pyphen

        self.positions = lru_cache(maxsize=50_000)(Pyphen(lang=lang).positions)


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
    textstat.set_lang(LANGUAGE)
    return textstat


def flesch_kincaid_grade(text: str) -> float:
    return float(_textstat().flesch_kincaid_grade(text))


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
