"""One shared, lazy analysis per draft: counts, spaCy docs and metrics, each computed once when first asked for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from inmail_lint.counting import utf16_length, word_count, word_spans
from inmail_lint.draft import Draft, Field
from inmail_lint.nlp import get_nlp

_LINK = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()\"']+")
_QUESTION_MARKS = "?\uff1f"  # ASCII and full-width
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_EMOJI = re.compile(
    "(?:"
    "[\U0001f1e6-\U0001f1ff]{2}"  # flags: a pair of regional indicators
    "|[#*0-9]\ufe0f?\u20e3"  # keycaps
    "|[\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\U0001f000-\U0001faff]"
    "[\ufe0f\U0001f3fb-\U0001f3ff]*"
    "(?:\u200d[\u2600-\u27bf\U0001f000-\U0001faff][\ufe0f\U0001f3fb-\U0001f3ff]*)*"
    ")"
)


@dataclass(frozen=True)
class Counts:
    chars: int  # code points
    chars_utf16: int  # what LinkedIn's limits count
    words: int


class FieldAnalysis:
    """What is known about one field; every attribute is computed on first use."""

    def __init__(self, field: Field, model: str | None = None) -> None:
        self.field = field
        self.text = field.text
        self._model = model

    @cached_property
    def counts(self) -> Counts:
        return Counts(len(self.text), utf16_length(self.text), word_count(self.text))

    @cached_property
    def word_spans(self) -> list[tuple[int, int]]:
        return word_spans(self.text)

    @cached_property
    def doc(self) -> Any:
        return get_nlp(self._model)(self.text)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Character spans of the sentences that hold at least one word."""
        spans = []
        for sent in self.doc.sents:
            if any(ch.isalnum() for ch in sent.text):
                spans.append((sent.start_char, sent.end_char))
        return spans

    @cached_property
    def links(self) -> list[tuple[int, int]]:
        return [m.span() for m in _LINK.finditer(self.text)]

    @cached_property
    def emojis(self) -> list[tuple[int, int]]:
        return [m.span() for m in _EMOJI.finditer(self.text)]

    @cached_property
    def questions(self) -> list[tuple[int, int]]:
        return [(i, i + 1) for i, ch in enumerate(self.text) if ch in _QUESTION_MARKS]

    @cached_property
    def paragraphs(self) -> int:
        stripped = self.text.strip()
        return len(_PARAGRAPH_BREAK.split(stripped)) if stripped else 0

    def metric(self, name: str) -> float:
        """A named measure of this field (see :data:`METRICS`)."""
        return float(METRICS[name](self))


def _words_per_sentence(fa: FieldAnalysis) -> float:
    sentences = len(fa.sentences)
    return fa.counts.words / sentences if sentences else 0.0


def _longest_sentence(fa: FieldAnalysis) -> float:
    return max((word_count(fa.text[a:b]) for a, b in fa.sentences), default=0)


METRICS = {
    "chars": lambda fa: fa.counts.chars_utf16,
    "words": lambda fa: fa.counts.words,
    "sentences": lambda fa: len(fa.sentences),
    "words-per-sentence": _words_per_sentence,
    "longest-sentence": _longest_sentence,
    "paragraphs": lambda fa: fa.paragraphs,
    "lines": lambda fa: fa.text.count("\n") + 1 if fa.text else 0,
    "links": lambda fa: len(fa.links),
    "emojis": lambda fa: len(fa.emojis),
    "questions": lambda fa: len(fa.questions),
}

#: Things an occurrence rule can count, each a function giving their spans.
OCCURRENCES = {
    "emoji": lambda fa: fa.emojis,
    "link": lambda fa: fa.links,
    "question": lambda fa: fa.questions,
    "word": lambda fa: fa.word_spans,
    "sentence": lambda fa: fa.sentences,
}


class Analysis:
    """The shared analysis of one draft, handed to every rule."""

    def __init__(self, draft: Draft, kind_name: str, kind: dict[str, Any], model: str | None = None) -> None:
        self.draft = draft
        self.kind_name = kind_name
        self.kind = kind
        self._model = model
        self._fields: dict[str, FieldAnalysis] = {}

    def field(self, name: str) -> FieldAnalysis | None:
        if name not in self._fields:
            field = self.draft.fields.get(name)
            if field is None:
                return None
            self._fields[name] = FieldAnalysis(field, self._model)
        return self._fields[name]
