"""The ``limit`` rule type: a bound on a field's length in characters (UTF-16 units) or words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from inmail_lint.analysis.facts import Analysis
from inmail_lint.analysis.field import FieldAnalysis
from inmail_lint.checks.define.base import RuleDefinitionError, resolve
from inmail_lint.checks.define.declarative import DeclarativeRule, _values
from inmail_lint.diagnostic import Finding, Severity
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
        "rendering": ("string", False),
    }
    configurable = ("max",)
    bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {"max": (1, None)}  # 0 would flag every field
    placeholders = frozenset({"field", "kind", "kind_name", "value", "max", "over", "unit", "assumed"})
    # which rendering of a template is measured: the longest (every variable at its maximum length), the
    # typical (each variable's sample value: for best-practice advice), the shortest (every variable at its
    # minimum: a platform limit that no row can meet), or "longest-only": the longest when the shortest is
    # within the limit (a template over the limit only for long values). A draft that is not a template has
    # one rendering, and a "longest-only" rule never fires on it.
    renderings = ("longest", "typical", "shortest", "longest-only")

    def validate(self) -> None:
        super().validate()
        if self.spec["measure"] not in ("chars", "words"):
            raise RuleDefinitionError(f"{self.origin}: key 'measure': expected 'chars' or 'words'")
        if self.spec.get("compare", "above") not in ("above", "at-least"):
            raise RuleDefinitionError(f"{self.origin}: key 'compare': expected 'above' or 'at-least'")
        if self.spec.get("scope", "field") not in ("field", "sentence"):
            raise RuleDefinitionError(f"{self.origin}: key 'scope': expected 'field' or 'sentence'")
        if self.spec.get("rendering", "longest") not in self.renderings:
            raise RuleDefinitionError(f"{self.origin}: key 'rendering': expected one of {', '.join(self.renderings)}")

    def goal(self, options: Mapping[str, Any]) -> tuple[str, str, float] | None:
        """Advice (not an error) about one whole field sets that field's goal: its ``max``."""
        field = self.spec.get("field")
        limit = options.get("max")
        if self.default_severity >= Severity.ERROR or self.spec.get("scope", "field") != "field" or not field:
            return None
        return (field, self.spec["measure"], limit) if isinstance(limit, (int, float)) else None

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        limit = resolve(options["max"], analysis)
        if limit is None:
            return
        at_least = self.spec.get("compare", "above") == "at-least"
        measure = self.spec["measure"]
        if self.spec.get("scope") == "sentence":
            yield from self._check_sentences(analysis, limit, at_least, measure)
            return
        rendering = self.spec.get("rendering", "longest")
        for name, fa in self.fields_present(analysis):
            value = fa.counts.chars_utf16 if measure == "chars" else fa.counts.words
            lengths = fa.lengths
            if lengths is not None:
                chars = measure == "chars"
                shortest = lengths.shortest_chars if chars else lengths.shortest_words
                if rendering == "typical":
                    value = lengths.typical_chars if chars else lengths.typical_words
                elif rendering == "shortest":
                    value = shortest
                elif rendering == "longest-only" and (shortest >= limit if at_least else shortest > limit):
                    continue  # over for every row: the rule on the shortest rendering says so
            elif rendering == "longest-only":
                continue
            if not (value >= limit if at_least else value > limit):
                continue
            whole = at_least or fa.lengths is not None  # a template's overflow depends on the values
            start, end = (0, len(fa.text)) if whole else _overflow(fa, measure, limit)
            message = self.format(
                value=value,
                max=limit,
                over=value - limit,
                unit="characters" if measure == "chars" else "words",
                assumed=lengths.assumed() if lengths is not None else "",
                **_values(analysis, fa, name),
            )
            if lengths is not None and rendering != "longest-only":
                message += _RENDERING_NOTES[rendering]
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


_RENDERING_NOTES = {
    "longest": " (the longest rendering: each variable at its maximum length; declare real lengths in 'variables:')",
    "typical": " (with each variable's sample value)",
    "shortest": " (even with every variable at its shortest)",
}


def _overflow(fa: FieldAnalysis, measure: str, limit: int) -> tuple[int, int]:
    """The span of the text past the limit: what must go."""
    if measure == "words":
        spans = fa.word_spans
        return (spans[limit][0], len(fa.text)) if limit < len(spans) else (0, len(fa.text))
    past = index_past_utf16(fa.text, limit)
    return (past, len(fa.text)) if past is not None else (0, len(fa.text))
