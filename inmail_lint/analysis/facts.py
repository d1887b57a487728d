"""One shared, lazy analysis per draft, and the facts that the rules and the refund model both read.

Each fact is computed from the same analysis, so the estimate and the rules agree: "personalized" here is
exactly what keeps IM303 silent, "name-in-subject" what keeps IM305 silent. The refund model asks for facts
by the names ``rules/refund-model.yaml`` uses (``observe:``, see :mod:`inmail_lint.analysis.observe`). The
analysis never reads what the rules found: the facts that depend on a rule's findings take them as an
argument, given by the estimate's stage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property, lru_cache
from typing import Any

from inmail_lint.analysis.cues import (
    COMMON_GROUND,
    PERSONAL,
    Cue,
    Greeting,
    clause_end,
    find_greeting,
    find_phrase,
    is_name_variable,
    language_cues,
    names_in_text,
    placeholder_cues,
    profile_cues,
    subject_cues,
    topic_pairs,
)
from inmail_lint.analysis.field import FieldAnalysis
from inmail_lint.diagnostic import Finding
from inmail_lint.draft.document import Draft, Field
from inmail_lint.draft.frontmatter import parse_send_at
from inmail_lint.draft.lengths import LengthRange
from inmail_lint.draft.profiles import CommonGround, Profile
from inmail_lint.draft.template_engines import TemplateError, detect
from inmail_lint.draft.template_engines import render as engine_render
from inmail_lint.draft.template_engines import variables as engine_variables
from inmail_lint.draft.templates import length_range, names_in, render, variable
from inmail_lint.util.resources import load_data
from inmail_lint.util.text import fold_aligned, has_word, utf16_length, word_count

Findings = Mapping[str, list[Finding]]  # what each rule found, by code


@lru_cache(maxsize=1)
def _language_data() -> tuple[int, int, float, frozenset[str], frozenset[str]]:
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
        send_at: dt.datetime | None = None,
        language: str = "auto",
    ) -> None:
        self.draft = draft
        self.language = language  # the config's: "en" reads every draft as English
        self.notes: list[str] = []  # things the writer should know that are not diagnostics (a stopped pattern)
        self.skipped: list[str] = []  # checks that did not run on this draft ("TM001 (patterns[0])")
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
        engine = detect(field.text, self.draft.meta.get("template"))
        if engine is not None:
            try:
                return self._analyse_with(engine, field, declared)
            except TemplateError as exc:
                self.notes.append(
                    f"the {field.name} cannot be rendered as a {engine.title()} template ({exc}); it was read "
                    "with the built-in renderer"
                )
        variables = {n: variable(n, declared, self._variables) for n in names_in(field.text)}
        rendering = render(field, {n: v.sample for n, v in variables.items()}, spaced=True)
        return FieldAnalysis(rendering.field, self.model, rendering.placeholders, length_range(field, variables))

    def _analyse_with(self, engine: str, field: Field, declared: Mapping[str, Any]) -> FieldAnalysis:
        """A Jinja or Liquid field, rendered by its engine: with each variable's sample value for reading, and
        at each variable's shortest and longest for the lengths."""
        variables = {n: variable(n, declared, self._variables) for n in engine_variables(field.text, engine)}
        typical = engine_render(field, engine, {n: v.sample for n, v in variables.items()})
        shortest = engine_render(field, engine, {n: "x" * v.min for n, v in variables.items()}).field.text
        longest = engine_render(field, engine, {n: "x" * v.max for n, v in variables.items()}).field.text
        sample = typical.field.text
        lengths = LengthRange(
            utf16_length(shortest),
            utf16_length(longest),
            word_count(shortest),
            word_count(sample),
            len(longest),
            utf16_length(sample),
            word_count(sample),
            tuple(variables.values()),
        )
        return FieldAnalysis(typical.field, self.model, typical.placeholders, lengths)

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
        found = sum(1 for norm, text, _, _ in body.tokens if norm in other and not text.isupper())
        return not (found >= min_other and found >= ratio * body.count_norms(english))

    @cached_property
    def reads_english(self) -> bool:
        """Whether the English phrasing is read: the config says every draft is English, or this one is. The
        rules marked ``language: en``, the cues and the reading grade all go by it."""
        return self.language == "en" or self.in_english

    @cached_property
    def greeting(self) -> Greeting | None:
        body = self.field("body")
        return find_greeting(body.text, body.slots) if body is not None else None

    def cues(self, name: str) -> list[Cue]:
        """Everything in the field that is specific to the recipient (see :mod:`inmail_lint.analysis.cues`)."""
        if name not in self._cues:
            fa = self.field(name)
            found: list[Cue] = []
            if fa is not None and fa.text.strip():
                found = language_cues(fa) + placeholder_cues(fa)
                if name == "subject":
                    found += subject_cues(fa) + self._echoed_in_subject(fa)
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

    @cached_property
    def _categories(self) -> dict[tuple[str, ...], frozenset[str]]:
        return {}

    def _echoed_in_subject(self, subject: FieldAnalysis) -> list[Cue]:
        """A name the body uses of the reader's own things ("Saw Acme just raised ...") that the subject
        repeats ("Analytics at Acme Corp") makes the subject about them too, with the body's cue's category."""
        body = self.field("body")
        if body is None:
            return []
        found = []
        for cue in self.cues("body"):
            if cue.category not in PERSONAL or cue.category == "placeholder":
                continue
            for name in names_in_text(body.text[cue.start : cue.end]):
                found += [Cue(cue.category, a, b) for a, b in find_phrase(subject, name)]
            # the topic of their post or talk, in words of its own: "your PyData talk on data contracts" and a
            # subject "Question about data contracts"
            for topic in topic_pairs(body.text[cue.start : clause_end(body.text, cue.end)]):
                found += [Cue(cue.category, a, b) for a, b in find_phrase(subject, topic)]
        return found


# ---------------------------------------------------------------------------------------------------------
# Facts that the rules and the refund model both read


def categories(analysis: Analysis, *fields: str) -> frozenset[str]:
    """The categories of the cues in these fields (asked by several rules and observations: found once)."""
    known = analysis._categories.get(fields)
    if known is None:
        known = analysis._categories[fields] = frozenset(cue.category for name in fields for cue in analysis.cues(name))
    return known


def personalized(analysis: Analysis) -> bool:
    return bool(categories(analysis, "subject", "body") & PERSONAL)


def names_recipient_in_subject(analysis: Analysis, findings: Findings | None = None) -> bool:
    """The recipient's name (from the profile, or the greeting) or a name variable is in the subject. With the
    rules' ``findings`` (the estimate's stage), a name IM306 calls someone else's does not count."""
    subject = analysis.field("subject")
    if subject is None:
        return False
    if _wrong_recipient(findings, "subject"):
        return False  # a wrong name in the subject earns nothing
    if any(is_name_variable(name) for name, _, _ in subject.placeholders):
        return True
    if any(slot.stands_for == "name" for slot in subject.slots):
        return True  # "Quick question, [First Name]": the name goes there
    names: set[str] = set()
    if analysis.recipient is not None:
        names |= analysis.recipient.name_forms()
    greeting = analysis.greeting
    if greeting is not None and greeting.name and not greeting.placeholder and not _wrong_recipient(findings):
        names.add(fold_aligned(greeting.name.split()[0]))
    folded = subject.folded.replace("’", "'")  # O’Neil and O'Neil are one name
    forms = {name.replace("’", "'") for name in names if name}
    return any(has_word(folded, form) for form in forms)


def _wrong_recipient(findings: Findings | None, field: str | None = None) -> bool:
    """IM306 found a name or company that is not the recipient's (in ``field``, or anywhere)."""
    found = (findings or {}).get("IM306", ())
    return any(field is None or f.field == field for f in found)


def personal_level(analysis: Analysis, findings: Findings | None = None) -> int | None:
    """How personal the message is, as one dimension: 0 nothing specific to the reader (generic praise of
    their profile counts as nothing), 1 something of theirs (their work named, a post, an event), 2 one kind
    of common ground (a mutual connection, group, employer or school, wherever it is named), 3 two kinds or
    more. A wrong name or company (IM306) makes it 0: it is personal to someone else. None (not known) for a
    draft in another language with no cue found: the cues are read in English."""
    if _wrong_recipient(findings):
        return 0
    found = categories(analysis, "subject", "body")
    common = len(found & COMMON_GROUND)
    if common >= 2:
        return 3
    if common:
        return 2
    if found & PERSONAL:
        return 1
    return 0 if analysis.reads_english else None
