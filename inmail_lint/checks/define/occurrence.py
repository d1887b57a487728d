"""The ``occurrence`` rule type: at most (or at least) so many of something (emojis, links, questions, ...)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from inmail_lint.analysis.facts import Analysis
from inmail_lint.analysis.field import OCCURRENCES
from inmail_lint.checks.define.base import RuleDefinitionError, resolve
from inmail_lint.checks.define.declarative import DeclarativeRule, _values
from inmail_lint.checks.define.patterns import BoundedPattern, _timed_out
from inmail_lint.diagnostic import Finding


class OccurrenceRule(DeclarativeRule):
    """A bound on how often a thing (emoji, link, question, word, sentence or a pattern) occurs in a field."""

    type_name = "occurrence"
    type_keys: ClassVar[dict[str, tuple[str, bool]]] = {
        "field": ("string", False),
        "fields": ("list", False),
        "count": ("string", False),
        "pattern": ("string", False),
        "max": ("integer", False),
        "min": ("integer", False),
        "ignore-case": ("boolean", False),
    }
    configurable = ("max", "min")
    bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {"max": (0, None), "min": (0, None)}
    placeholders = frozenset({"field", "kind", "kind_name", "value", "max", "min", "thing"})

    def validate(self) -> None:
        super().validate()
        count, pattern = self.spec.get("count"), self.spec.get("pattern")
        if (count is None) == (pattern is None):
            raise RuleDefinitionError(f"{self.origin}: give exactly one of the keys 'count' and 'pattern'")
        if count is not None and count not in OCCURRENCES:
            raise RuleDefinitionError(
                f"{self.origin}: key 'count': unknown thing {count!r}; expected one of {', '.join(OCCURRENCES)}"
            )
        if "max" not in self.spec and "min" not in self.spec:
            raise RuleDefinitionError(f"{self.origin}: an occurrence rule needs 'max' or 'min'")
        ignore_case = self.spec.get("ignore-case", True)
        self._regex = BoundedPattern(self.origin, "pattern", pattern, ignore_case) if pattern else None

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        high = resolve(options.get("max"), analysis)
        low = resolve(options.get("min"), analysis)
        if high is None and low is None:
            return
        thing = self.spec.get("count") or "match"
        for name, fa in self.fields_present(analysis):
            if self._regex is not None:
                found = self._regex.spans(fa.text)
                if found is None:
                    _timed_out(analysis, self, self._regex, name)
                    continue
                spans = found
            else:
                spans = OCCURRENCES[thing](fa)
            values = _values(analysis, fa, name) | {"value": len(spans), "max": high, "min": low, "thing": thing}
            if high is not None and len(spans) > high:
                start, end = spans[high][0], spans[-1][1]
                yield Finding(self.format(**values), start, end, field=name)
            elif low is not None and len(spans) < low:
                yield Finding(self.format(**values), 0, len(fa.text), field=name)
