"""The ``limit`` rule type: a bound on a field's length in characters (UTF-16 units) or words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from inmail_lint.analysis.document import Analysis
from inmail_lint.analysis.field import FieldAnalysis
from inmail_lint.diagnostic import Finding
from inmail_lint.ruledef.base import RuleDefinitionError, resolve
from inmail_lint.ruledef.declarative import DeclarativeRule, _values
from inmail_lint.util.text import index_past_utf16, utf16_length, word_count


class LimitRule(DeclarativeRule):
    """A bound on a field's length in characters (UTF-16 units) or words."""

    type_name = "limit"
    type_keys: ClassVar[dict[str, tuple[str, bool]]] = {
        "field": ("string", False),
        "fields": ("list", False),
        "measure": ("string", True),
        "max": ("integer", True),
        "compare": ("string", False),
        "scope": ("string", False),
    }
    configurable = ("max",)
    bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {"max": (1, None)}  # 0 would flag every field
    placeholders = frozenset({"field", "kind", "kind_name", "value", "max", "over", "unit"})

    def validate(self) -> None:
        super().validate()
        if self.spec["measure"] not in ("chars", "words"):
            raise RuleDefinitionError(f"{self.origin}: key 'measure': expected 'chars' or 'words'")
        if self.spec.get("compare", "above") not in ("above", "at-least"):
            raise RuleDefinitionError(f"{self.origin}: key 'compare': expected 'above' or 'at-least'")
        if self.spec.get("scope", "field") not in ("field", "sentence"):
            raise RuleDefinitionError(f"{self.origin}: key 'scope': expected 'field' or 'sentence'")

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        limit = resolve(options["max"], analysis)
        if limit is None:
            return
        at_least = self.spec.get("compare", "above") == "at-least"
        measure = self.spec["measure"]
        if self.spec.get("scope") == "sentence":
            yield from self._check_sentences(analysis, limit, at_least, measure)
            return
        for name, fa in self.fields_present(analysis):
            value = fa.counts.chars_utf16 if measure == "chars" else fa.counts.words
            if not (value >= limit if at_least else value > limit):
                continue
            whole = at_least or fa.lengths is not None  # a template's overflow depends on the values
            start, end = (0, len(fa.text)) if whole else _overflow(fa, measure, limit)
            message = self.format(
                value=value,
                max=limit,
                over=value - limit,
                unit="characters" if measure == "chars" else "words",
                **_values(analysis, fa, name),
            )
            if fa.lengths is not None:
                message += " (the longest rendering: each variable at its maximum length, set in 'variables:')"
            yield Finding(message, start, end, field=name)

    def _check_sentences(self, analysis: Analysis, limit: int, at_least: bool, measure: str) -> Iterator[Finding]:
        for name, fa in self.fields_present(analysis):
            for start, end in fa.sentences:
                sentence = fa.text[start:end]
                value = utf16_length(sentence) if measure == "chars" else word_count(sentence)
                if value >= limit if at_least else value > limit:
                    message = self.format(
                        value=value,
                        max=limit,
                        over=value - limit,
                        unit="characters" if measure == "chars" else "words",
                        **_values(analysis, fa, name),
                    )
                    trimmed = len(sentence.rstrip())
                    yield Finding(message, start, start + trimmed, field=name)


def _overflow(fa: FieldAnalysis, measure: str, limit: int) -> tuple[int, int]:
    """The span of the text past the limit: what must go."""
    if measure == "words":
        spans = fa.word_spans
        return (spans[limit][0], len(fa.text)) if limit < len(spans) else (0, len(fa.text))
    past = index_past_utf16(fa.text, limit)
    return (past, len(fa.text)) if past is not None else (0, len(fa.text))
