"""One shared, lazy analysis per draft: counts, spaCy docs and metrics, each computed once when first asked for."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from inmail_lint.draft.profiles import CommonGround, Profile, fold_aligned
from inmail_lint.util.text import utf16_length, word_count, word_spans
from inmail_lint.analysis.cues import (
    Cue,
    Greeting,
    find_greeting,
    language_cues,
    placeholder_cues,
    profile_cues,
    subject_cues,
)
from inmail_lint.draft.parse import Draft, Field, parse_send_at
from inmail_lint.model.estimate import Estimate, Model
from inmail_lint.analysis.nlp import get_nlp, phrase_matcher
from inmail_lint.draft.templates import LengthRange, length_range, names_in, render, variable

# a link, without the punctuation that ends the sentence around it ("see https://x.io/a?b=1." ends at "1")
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()\"']*[^\s<>()\"'.,;:!?]")
MAX_ANALYSED = 10_000
MAX_CHUNK = 64
_CHUNK = re.compile(r"\S+")
_LONG_SPACE = re.compile(r"\s{2,}")
_QUESTIONS = re.compile("[?\uff1f]+")  # ASCII and full-width question marks
_QUOTED = re.compile(
    '"[^"\\n]{1,300}"|\u201c[^\u201d\\n]{1,300}\u201d|\u00ab[^\u00bb\\n]{1,300}\u00bb|(?m:^[^\\S\\n]*>.*$)'
)
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_LIST_MARKER = r"[^\S\n]*(?:[-*+\u2022\u2023\u25e6\u2013\u2014]|\d{1,2}[.)])[^\S\n]+\S"  # "- x", "• x", "1. x", "2) x"
# where a piece of text ends: a blank line, or a line break before a list item
_PIECE_BREAK = re.compile(rf"\n[^\S\n]*\n\s*|\n(?={_LIST_MARKER})")
_LIST_ITEM = re.compile(_LIST_MARKER)
_LIST_LINE = re.compile(rf"(?m)^{_LIST_MARKER}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
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


def _split_long_chunks(text: str) -> tuple[str, Callable[[int], int]]:
    """Whitespace collapsed and chunks over MAX_CHUNK characters cut, with a table back to the text."""
    parts: list[str] = []
    index: list[int] = []
    for m in _CHUNK.finditer(text):
        for k in range(m.start(), m.end(), MAX_CHUNK):
            piece = text[k : min(k + MAX_CHUNK, m.end())]
            if parts:
                parts.append(" ")
                index.append(k)
            parts.append(piece)
            index.extend(range(k, k + len(piece)))
    index.append(len(text))
    return "".join(parts), index.__getitem__


class FieldAnalysis:
    """What is known about one field; every attribute is computed on first use.

    For a template, ``field`` is the rendering with each variable's sample value, ``placeholders`` says where
    the values stand in it, and ``lengths`` gives the shortest and longest renderings: limits are checked
    against the longest.
    """

    def __init__(
        self,
        field: Field,
        model: str | None = None,
        placeholders: tuple[tuple[str, int, int], ...] = (),
        lengths: LengthRange | None = None,
    ) -> None:
        self.field = field
        # Content rules read at most MAX_ANALYSED characters: far more than any message LinkedIn accepts (a
        # longer one is IM104 anyway), and it keeps a hostile file from making the language analysis crawl.
        self.text = field.text[:MAX_ANALYSED]
        self.model = model
        self.placeholders = placeholders
        self.lengths = lengths

    @cached_property
    def counts(self) -> Counts:
        """Counted over the whole field, not only the part the content rules read."""
        if self.lengths is not None:
            literal = len(self.text) - sum(end - start for _, start, end in self.placeholders)
            extra = self.lengths.longest_chars - utf16_length(self.text) + sum(e - s for _, s, e in self.placeholders)
            return Counts(literal + extra, self.lengths.longest_chars, self.lengths.longest_words)
        text = self.field.text
        return Counts(len(text), utf16_length(text), word_count(text))

    @cached_property
    def folded(self) -> str:
        """The text lower-cased and without accents, character for character (same offsets)."""
        return fold_aligned(self.text)

    @cached_property
    def word_spans(self) -> list[tuple[int, int]]:
        return word_spans(self.text)

    @cached_property
    def _nlp_input(self) -> tuple[str, Callable[[int], int] | None]:
        """The text spaCy reads: words separated by single spaces (line breaks and runs of spaces collapse, so a
        phrase wrapped across lines is still one phrase to the matchers), and no chunk longer than MAX_CHUNK
        characters (spaCy's tokenizer slows down quadratically on a long chunk of punctuation). The function maps
        an offset in it back to the field's text; None when the text is already in that shape."""
        text = self.text
        words = text.split()  # str.split() and the regular expressions' \s agree on what is whitespace
        if words and max(map(len, words)) > MAX_CHUNK:
            return _split_long_chunks(text)
        collapsed = " ".join(words)
        if collapsed == text:
            return text, None
        if text[:1].isspace():  # a run at either end becomes one space too
            collapsed = " " + collapsed
        if text[-1:].isspace() and words:
            collapsed += " "
        # each run of whitespace becomes one space; only runs of two or more move the offsets after them:
        # remember, at each such run's end in the new text, how many characters were removed so far
        ends: list[int] = []
        removed: list[int] = []
        total = 0
        for m in _LONG_SPACE.finditer(text):
            total += m.end() - m.start() - 1
            ends.append(m.end() - total)
            removed.append(total)

        def to_field(offset: int) -> int:
            i = bisect.bisect_right(ends, offset) - 1
            return offset + (removed[i] if i >= 0 else 0)

        return collapsed, to_field

    @cached_property
    def doc(self) -> Any:
        """The spaCy Doc of the text with whitespace runs collapsed; use :meth:`span` for its offsets."""
        return get_nlp(self.model)(self._nlp_input[0])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets in the Doc, as offsets in the field's text."""
        to_field = self._nlp_input[1]
        if to_field is None:
            return start, end
        return to_field(start), to_field(end - 1) + 1 if end > start else to_field(start)

    def token_span(self, start: int, end: int) -> tuple[int, int]:
        """Tokens ``start`` to ``end`` of the Doc, as offsets in the field's text."""
        doc = self.doc
        return self.span(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))

    def phrase_spans(self, phrases: tuple[str, ...], attr: str = "NORM") -> list[tuple[int, int]]:
        """Where any of these phrases occurs, as whole tokens (see :func:`inmail_lint.analysis.nlp.phrase_matcher`)."""
        if not self.text.strip():
            return []
        matcher = phrase_matcher(phrases, attr, self.model)
        return [self.token_span(s, e) for _, s, e in matcher(self.doc)]

    @cached_property
    def _norm_counts(self) -> dict[int, int]:
        doc = self.doc  # first: spaCy is imported by get_nlp(), without its command line (see inmail_lint.analysis.nlp)
        from spacy.attrs import NORM

        return dict(doc.count_by(NORM))

    def count_norms(self, norms: frozenset[str]) -> int:
        """How many tokens have one of these NORM values."""
        counts = self._norm_counts
        return sum(counts.get(h, 0) for h in _norm_hashes(norms))

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Character spans of the sentences that hold at least one word. A blank line ends a sentence too
        (greetings and sign-offs have no full stop), and so does a line break before a list item; a list
        item's marker ("1.") never ends one."""
        text = self.text
        starts = sorted({self.span(sent.start_char, sent.end_char)[0] for sent in self.doc.sents})
        spans = []
        pos = 0
        for m in [*_PIECE_BREAK.finditer(text), None]:
            end = m.start() if m is not None else len(text)
            marker = _LIST_ITEM.match(text, pos, end)
            after = marker.end() - 1 if marker is not None else pos  # the item's first character
            cuts = starts[bisect.bisect_right(starts, after) : bisect.bisect_left(starts, end)]
            for a, b in zip([pos, *cuts], [*cuts, end], strict=True):
                piece = text[a:b]
                if any(ch.isalnum() for ch in piece):
                    spans.append((a + len(piece) - len(piece.lstrip()), a + len(piece.rstrip())))
            pos = m.end() if m is not None else len(text)
        return spans

    def entities(self, label: str) -> list[tuple[int, int]]:
        """Spans of named entities with this label (PERSON, ORG): only a trained pipeline finds any."""
        return [self.span(e.start_char, e.end_char) for e in self.doc.ents if e.label_ == label]

    @cached_property
    def links(self) -> list[tuple[int, int]]:
        return [m.span() for m in _LINK.finditer(self.text)]

    @cached_property
    def emojis(self) -> list[tuple[int, int]]:
        return [m.span() for m in _EMOJI.finditer(self.text)]

    @cached_property
    def questions(self) -> list[tuple[int, int]]:
        """Question marks (a run such as "??" counts once), except inside links ("/offer?utm_source=...")."""
        links = self.links
        return [m.span() for m in _QUESTIONS.finditer(self.text) if not any(a <= m.start() < b for a, b in links)]

    @cached_property
    def quoted(self) -> list[tuple[int, int]]:
        """Spans of quoted text: double quotes within a paragraph, and lines starting with '>'."""
        return [m.span() for m in _QUOTED.finditer(self.text)]

    def in_quote(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.quoted)

    def sentence_around(self, start: int, end: int) -> tuple[int, int] | None:
        for a, b in self.sentences:
            if a <= start and end <= b:
                return a, b
        return None

    @cached_property
    def paragraphs(self) -> int:
        stripped = self.text.strip()
        return len(_PARAGRAPH_BREAK.split(stripped)) if stripped else 0

    @cached_property
    def prose(self) -> str:
        """The text as readability formulas should see it: links and email addresses are one short word each
        (not a forty-syllable one), and each list item, and the line that introduces a list, ends a sentence
        (a list has no full stops, and would otherwise read as one long sentence)."""
        text = self.text
        if self.links:
            text = _LINK.sub("link", text)
        if "@" in text:
            text = _EMAIL.sub("email", text)
        if not _LIST_LINE.search(text):
            return text
        lines = text.split("\n")
        items = [_LIST_ITEM.match(line) is not None for line in lines]
        for i, line in enumerate(lines):
            ends = line.rstrip()
            if (items[i] or (i + 1 < len(lines) and items[i + 1])) and ends and ends[-1] not in ".!?":
                lines[i] = ends + "."
        return "\n".join(lines)

    @cached_property
    def grade(self) -> float:
        """Flesch-Kincaid grade level (textstat, pyphen syllables)."""
        from inmail_lint.analysis.readability import flesch_kincaid_grade

        return flesch_kincaid_grade(self.prose)

    @cached_property
    def reading_ease(self) -> float:
        from inmail_lint.analysis.readability import flesch_reading_ease

        return flesch_reading_ease(self.prose)

    def metric(self, name: str) -> float:
        """A named measure of this field (see :data:`METRICS`)."""
        return float(METRICS[name](self))


@lru_cache(maxsize=64)
def _norm_hashes(norms: frozenset[str]) -> tuple[int, ...]:
    from spacy.strings import get_string_id

    return tuple(get_string_id(n) for n in norms)


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
    "flesch-kincaid-grade": lambda fa: fa.grade,
    "flesch-reading-ease": lambda fa: fa.reading_ease,
}

#: Things an occurrence rule can count, each a function giving their spans.
OCCURRENCES = {
    "emoji": lambda fa: fa.emojis,
    "link": lambda fa: fa.links,
    "question": lambda fa: fa.questions,
    "word": lambda fa: fa.word_spans,
    "sentence": lambda fa: fa.sentences,
}


@lru_cache(maxsize=1)
def _language_data() -> tuple[int, int, float, frozenset[str], frozenset[str]]:
    from inmail_lint.util.resources import load_data

    data = load_data("phrases/languages.yaml")
    english, other = (frozenset(str(w).lower() for w in data[key]) for key in ("english", "other"))
    return int(data["min-words"]), int(data["min-other"]), float(data["ratio"]), english, other


class Analysis:
    """The shared analysis of one draft, handed to every rule. Everything is computed on first use, once."""

    def __init__(
        self,
        draft: Draft,
        kind_name: str,
        kind: dict[str, Any],
        *,
        model: str | None = None,
        sender: Profile | None = None,
        template: bool = False,
        variables: Mapping[str, Mapping[str, Any]] | None = None,
        refund_model: Model | None = None,
        send_at: dt.datetime | None = None,
    ) -> None:
        self.draft = draft
        self.notes: list[str] = []  # things the writer should know that are not diagnostics (a stopped pattern)
        self.refund_model = refund_model
        self._send_at = send_at
        self.kind_name = kind_name
        self.kind = kind
        self.model = model
        self.sender = sender
        self.template = template
        self._variables = variables or {}
        self._fields: dict[str, FieldAnalysis] = {}

    @cached_property
    def recipient(self) -> Profile | None:
        data = self.draft.meta.get("recipient")
        return Profile.from_mapping(data) if isinstance(data, dict) else None

    @cached_property
    def send_at(self) -> dt.datetime | None:
        """When the draft will be sent: front matter ``send_at``, else the command line's ``--send-at``."""
        value = self.draft.meta.get("send_at")
        return self._send_at if value is None else parse_send_at(value)

    @cached_property
    def credit_at_stake(self) -> bool:
        """A credit is spent unless the kind costs none or the recipient has an Open Profile."""
        if not self.kind.get("credit", False):
            return False
        return not (self.recipient is not None and self.recipient.open_profile)

    @cached_property
    def estimate(self) -> Estimate | None:
        """The refund (response) likelihood, or None when no model is loaded."""
        if self.refund_model is None:
            return None
        from inmail_lint.analysis.observations import observe

        wanted = {factor.observe for factor in self.refund_model.factors}
        return self.refund_model.estimate(observe(self, wanted), credit_at_stake=self.credit_at_stake)

    @cached_property
    def common_ground(self) -> CommonGround:
        return CommonGround.between(self.recipient, self.sender)

    def field(self, name: str) -> FieldAnalysis | None:
        if name not in self._fields:
            field = self.draft.fields.get(name)
            if field is None:
                return None
            self._fields[name] = self._analyse(field)
        return self._fields[name]

    def _analyse(self, field: Field) -> FieldAnalysis:
        if not self.template or ("{{" not in field.text and "{%" not in field.text):
            return FieldAnalysis(field, self.model)
        declared = self.draft.meta.get("variables") or {}
        variables = {n: variable(n, declared, self._variables) for n in names_in(field.text)}
        rendering = render(field, {n: v.sample for n, v in variables.items()})
        return FieldAnalysis(rendering.field, self.model, rendering.placeholders, length_range(field, variables))

    @cached_property
    def in_english(self) -> bool:
        """Whether the body reads as English; False only when it is clearly in another language (see
        ``rules/phrases/languages.yaml``). The rules marked ``language: en`` are not run on such a draft."""
        body = self.field("body")
        if body is None:
            return True
        words = body.counts.words
        min_words, min_other, ratio, english, other = _language_data()
        if words < min_words:
            return True
        if body.count_norms(other) < min_other:  # most drafts: no need to look closer
            return True
        # a word written in capitals is an acronym, not another language's word (MIT, OS, ES, DOS)
        found = sum(1 for token in body.doc if token.norm_ in other and not token.text.isupper())
        return not (found >= min_other and found >= ratio * body.count_norms(english))

    @cached_property
    def greeting(self) -> Greeting | None:
        body = self.field("body")
        return find_greeting(body.text) if body is not None else None

    def cues(self, name: str) -> list[Cue]:
        """Everything in the field that is specific to the recipient (see :mod:`inmail_lint.analysis.cues`)."""
        if name not in self._cues:
            fa = self.field(name)
            found: list[Cue] = []
            if fa is not None and fa.text.strip():
                found = language_cues(fa) + placeholder_cues(fa)
                if name == "subject":
                    found += subject_cues(fa)
                if self.recipient is not None:
                    found += profile_cues(fa, self.recipient, self.common_ground)
                greeting = self.greeting if name == "body" else None
                if greeting is not None:
                    found = [c for c in found if not (greeting.start <= c.start and c.end <= greeting.end)]
            self._cues[name] = sorted(found, key=lambda c: (c.start, c.end))
        return self._cues[name]

    @cached_property
    def _cues(self) -> dict[str, list[Cue]]:
        return {}
