"""The analysis of one field (subject, body or call to action): counts, spaCy's tokens, sentences, links,
emojis, questions and readability, each computed once when first asked for."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from functools import cached_property
from typing import Any

from inmail_lint.analysis.nlp import get_nlp, matcher_for, punct_chars, sentence_starts
from inmail_lint.analysis.readability import flesch_kincaid_grade, flesch_reading_ease
from inmail_lint.analysis.slots import Slot, find_slots
from inmail_lint.analysis.tokenmatch import Token, doc_tokens
from inmail_lint.draft.document import Field
from inmail_lint.draft.lengths import Counts, LengthRange
from inmail_lint.draft.profiles import HONORIFICS
from inmail_lint.util.text import ALNUM, fold_aligned, utf16_length, word_count, word_spans

# a link, without the punctuation that ends the sentence around it ("see https://x.io/a?b=1." ends at "1")
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()\"']*[^\s<>()\"'.,;:!?]")
MAX_ANALYSED = 10_000
MAX_CHUNK = 64
_CHUNK = re.compile(r"\S+")
_LONG_SPACE = re.compile(r"\s{2,}")
# Markdown's emphasis marks, written against a word on one side only (**Spotify**, *Data Scientist*): the
# language analysis reads them as spaces, so a phrase is still one phrase ("you work as a *Data Scientist* at
# **Spotify**"); IM411 reports them from the text itself. Not a bullet ("* item") nor a product (5*3).
_EMPHASIS = re.compile(r"(?<![\w*])\*{1,3}(?=[^\s*])|(?<=[^\s*])\*{1,3}(?![\w*])")
_QUESTIONS = re.compile("[?\uff1f]+")  # ASCII and full-width question marks
_QUOTED_LINE = re.compile(r"[^\S\n]*>")  # a line quoted from another message, from its start
_QUOTED = re.compile(
    '"[^"\\n]{1,300}"|\u201c[^\u201d\\n]{1,300}\u201d|\u00ab[^\u00bb\\n]{1,300}\u00bb|(?m:^[^\\S\\n]*>.*$)'
)
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
# a symbol that opens a list item in a message: an arrow, a geometric shape, a dingbat or an emoji ("✅ x",
# "👉 x", "▪️ x", "➡️ x"), with its variation selector or skin tone; or a keycap digit ("1️⃣ x")
_SYMBOL_BULLET = (
    "(?:[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]|\\d\ufe0f?\u20e3)"
    "[\ufe0f\U0001f3fb-\U0001f3ff]*"
)
# "- x", "• x", "1. x", "2) x", "✅ x"
_LIST_MARKER = rf"[^\S\n]*(?:[-*+\u2022\u2023\u25e6\u2013\u2014]|\d{{1,2}}[.)]|{_SYMBOL_BULLET})[^\S\n]+\S"
# where a piece of text ends: a blank line, or a line break before a list item
_PIECE_BREAK = re.compile(rf"\n[^\S\n]*\n\s*|\n(?={_LIST_MARKER})")
_LIST_ITEM = re.compile(_LIST_MARKER)
# An abbreviation or a name's capital with its full stop ("Series A.", "Inc.", "U.S.") ends a sentence when the
# next word is one a sentence opens with; spaCy's tokenizer keeps such a full stop in its token, so its
# sentencizer never ends a sentence there. A title ("Dr. Smith") or a name that goes on ("U.S. Army") does not.
_STARTERS = (
    "Our|We|I|The|This|That|These|It|They|You|Your|My|He|She|There|And|But|So|Now|Today|Since|After|If|When|"
    "Would|Could|Can|Do|Are|Is|Was|Let|Please|Thanks|Happy|Also|However|Then|What|How|Why|Any|Most|Both"
)
# (the full stop first, so the search skips to each one: the gap is the group)
_ABBREVIATION_END = re.compile(rf"\.(?<=[A-Za-z]\.)(?P<gap>[^\S\n]+)(?=(?:{_STARTERS})\b)")
_WORD_BEFORE = re.compile(r"(\S+)\.$")
_TITLES = HONORIFICS | {"st", "mt", "rev", "hon", "gen", "sgt"}  # "Dr. Smith", "St. Louis": a name goes on
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
            lengths = self.lengths
            return Counts(lengths.longest_points, lengths.longest_chars, lengths.longest_words)
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
        phrase wrapped across lines is still one phrase to the matchers; Markdown's emphasis marks are spaces),
        and no chunk longer than MAX_CHUNK characters (spaCy's tokenizer slows down quadratically on a long chunk
        of punctuation). The function maps an offset in it back to the field's text; None when the text is
        already in that shape."""
        text = self.text
        if "*" in text:
            text = _EMPHASIS.sub(lambda m: " " * len(m.group()), text)
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
        """The spaCy Doc of the text with whitespace runs collapsed; use :meth:`span` for its offsets. The
        default pipeline's only component is a sentencizer: its tokenizer makes the Doc, and the sentence
        boundaries are found when asked for (:meth:`_sentence_starts`); a configured pipeline runs whole."""
        nlp = get_nlp(self.model)
        return nlp.make_doc(self._nlp_input[0]) if self.model is None else nlp(self._nlp_input[0])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets in the Doc, as offsets in the field's text."""
        to_field = self._nlp_input[1]
        if to_field is None:
            return start, end
        return to_field(start), to_field(end - 1) + 1 if end > start else to_field(start)

    @cached_property
    def tokens(self) -> list[Token]:
        """Each token of the Doc as the token patterns read it: (NORM, text, lower case, true flags), read
        from the Doc once (see :func:`inmail_lint.analysis.tokenmatch.doc_tokens`)."""
        return doc_tokens(self.doc)

    @cached_property
    def _token_starts(self) -> list[int]:
        from spacy.attrs import IDX  # spaCy is imported by the Doc first (see inmail_lint.analysis.nlp)

        doc = self.doc
        return [int(i) for i in doc.to_array(IDX).tolist()] if len(doc) else []

    def token_span(self, start: int, end: int) -> tuple[int, int]:
        """Tokens ``start`` to ``end`` of the Doc, as offsets in the field's text (read from arrays: a spaCy
        Token object for each token asked about cost more than the rest of the lookup)."""
        starts = self._token_starts
        return self.span(starts[start], starts[end - 1] + len(self.tokens[end - 1][1]))

    def phrase_spans(self, phrases: tuple[str, ...], attr: str = "NORM") -> list[tuple[int, int]]:
        """Where any of these phrases occurs, as whole tokens (see :func:`inmail_lint.analysis.nlp.phrase_matcher`);
        a caller that asks on every field keeps its tuple (:func:`inmail_lint.analysis.nlp.matcher_for`)."""
        if not self.text.strip():
            return []
        matcher = matcher_for(phrases, attr, self.model)
        return [self.token_span(s, e) for _, s, e in matcher(self.doc)]

    @cached_property
    def _norm_counts(self) -> Counter[str]:
        return Counter(token[0] for token in self.tokens)

    def count_norms(self, norms: frozenset[str]) -> int:
        """How many tokens have one of these NORM values."""
        counts = self._norm_counts
        if len(counts) < len(norms):  # a short field and a long word list: look the field's words up
            return sum(n for norm, n in counts.items() if norm in norms)
        return sum(counts.get(norm, 0) for norm in norms)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Character spans of the sentences that hold at least one word. A blank line ends a sentence too
        (greetings and sign-offs have no full stop), and so does a line break before a list item; a list
        item's marker ("1.") never ends one."""
        text = self.text
        found = {self.span(start, start + 1)[0] for start in self._sentence_starts()}
        for gap in _ABBREVIATION_END.finditer(text):
            before = _WORD_BEFORE.search(text, max(0, gap.start("gap") - 40), gap.start("gap"))
            if before is None or before.group(1).lower() not in _TITLES:
                found.add(gap.end("gap"))
        starts = sorted(found)
        spans = []
        pos = 0
        for m in [*_PIECE_BREAK.finditer(text), None]:
            end = m.start() if m is not None else len(text)
            marker = _LIST_ITEM.match(text, pos, end)
            after = marker.end() - 1 if marker is not None else pos  # the item's first character
            cuts = starts[bisect.bisect_right(starts, after) : bisect.bisect_left(starts, end)]
            for a, b in zip([pos, *cuts], [*cuts, end], strict=True):
                piece = text[a:b]
                if ALNUM.search(piece):  # a letter or digit (str.isalnum), found without a Python loop
                    spans.append((a + len(piece) - len(piece.lstrip()), a + len(piece.rstrip())))
            pos = m.end() if m is not None else len(text)
        return spans

    def _sentence_starts(self) -> list[int]:
        """Where the Doc's sentences start (offsets in the Doc's text), as ``Doc.sents`` gives them: for the
        default pipeline, where its sentencizer would mark them (found from the tokens); for a configured one,
        its first token and each token marked as a sentence start, read from an array instead of building a
        Span for each sentence (a pipeline with its own ``sents`` hook is asked through ``Doc.sents``)."""
        doc = self.doc
        starts = self._token_starts
        if self.model is None:  # the default pipeline: its sentencizer's boundaries, from the tokens
            return [starts[i] for i in sentence_starts(self.tokens, punct_chars())]
        if "sents" in doc.user_hooks or not doc.has_annotation("SENT_START"):
            return [sent.start_char for sent in doc.sents]  # (the latter raises spaCy's own error, as before)
        from spacy.attrs import SENT_START  # spaCy is imported by the Doc first (see inmail_lint.analysis.nlp)

        marks = doc.to_array(SENT_START).tolist() if len(doc) else []
        return [starts[i] for i, mark in enumerate(marks) if i == 0 or mark == 1]

    def entities(self, label: str) -> list[tuple[int, int]]:
        """Spans of named entities with this label (PERSON, ORG): only a trained pipeline finds any."""
        return [self.span(e.start_char, e.end_char) for e in self.doc.ents if e.label_ == label]

    @cached_property
    def links(self) -> list[tuple[int, int]]:
        lowered = self.text.lower()  # (only ASCII letters match h, t, p and w when case is ignored)
        if "http" not in lowered and "www." not in lowered:
            return []  # most fields: no need to try the pattern at every character
        return [m.span() for m in _LINK.finditer(self.text)]

    @cached_property
    def slots(self) -> tuple[Slot, ...]:
        """Placeholders left in the text for something to be filled in (see :mod:`inmail_lint.analysis.slots`);
        not in a template variable's sample value, which the writer did not write ({{YOUR_NAME}} read as
        "YOUR NAME")."""
        found = find_slots(self.text, self.links, subject=self.field.name == "subject")
        if not self.placeholders or not found:
            return found
        return tuple(s for s in found if not any(a <= s.start and s.end <= b for _, a, b in self.placeholders))

    def in_slot(self, start: int, end: int) -> bool:
        """Whether the span lies inside a slot or a template variable's value: words the writer did not write
        for the reader (a variable's sample, the instructions in a [PERSONALIZE: ...] slot)."""
        return any(s.start <= start and end <= s.end for s in self.slots) or any(
            a <= start and end <= b for _, a, b in self.placeholders
        )

    @cached_property
    def emojis(self) -> list[tuple[int, int]]:
        return [m.span() for m in _EMOJI.finditer(self.text)]

    @cached_property
    def questions(self) -> list[tuple[int, int]]:
        """Question marks (a run such as "??" counts once), except inside links ("/offer?utm_source=...") and on
        a line quoted from another message ("> Could you send the notes?" is theirs, not the writer's ask)."""
        text, links = self.text, self.links
        found = []
        for m in _QUESTIONS.finditer(text):
            at = m.start()
            if any(a <= at < b for a, b in links):
                continue
            if self.on_quoted_line(at):
                continue
            found.append(m.span())
        return found

    def on_quoted_line(self, offset: int) -> bool:
        """Whether the offset is on a line quoted from another message ("> ..."): someone else's words."""
        text = self.text
        return ">" in text and _QUOTED_LINE.match(text, text.rfind("\n", 0, offset) + 1) is not None

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
        if self.links:  # each link is one word: "link" (the spans _LINK.sub would replace, found once)
            cuts = [0, *(offset for span in self.links for offset in span), len(text)]
            text = "link".join(text[a:b] for a, b in zip(cuts[::2], cuts[1::2], strict=True))
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
        return flesch_kincaid_grade(self.prose)

    @cached_property
    def reading_ease(self) -> float:
        return flesch_reading_ease(self.prose)

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
