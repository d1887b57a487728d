"""The ``metric`` rule type: a bound on a measure of a field (reading grade, words per sentence, ...)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from inmail_lint.analysis.facts import Analysis
from inmail_lint.analysis.field import METRICS
from inmail_lint.checks.define.base import RuleDefinitionError, resolve
from inmail_lint.checks.define.declarative import DeclarativeRule, _values
from inmail_lint.diagnostic import Finding


class MetricRule(DeclarativeRule):
    """A threshold on a measure of a field (see ``inmail_lint.analysis.facts.METRICS``)."""

    type_name = "metric"
    type_keys: ClassVar[dict[str, tuple[str, bool]]] = {
        "field": ("string", False),
        "fields": ("list", False),
        "metric": ("string", True),
        "max": ("number", False),
        "min": ("number", False),
        "min-words": ("integer", False),
    }
    configurable = ("max", "min")
    bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {}  # any finite number
    placeholders = frozenset({"field", "kind", "kind_name", "value", "max", "min", "metric"})

    def validate(self) -> None:
        super().validate()
        if self.spec["metric"] not in METRICS:
            raise RuleDefinitionError(
                f"{self.origin}: key 'metric': unknown metric {self.spec['metric']!r}; "
                f"expected one of {', '.join(METRICS)}"
            )
        if "max" not in self.spec and "min" not in self.spec:
            raise RuleDefinitionError(f"{self.origin}: a metric rule needs 'max' or 'min'")

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        high = resolve(options.get("max"), analysis)
        low = resolve(options.get("min"), analysis)
        min_words = self.spec.get("min-words", 1)
        for name, fa in self.fields_present(analysis):
            if fa.counts.words < min_words:
                continue  # too little text for the measure to mean anything
            value = fa.metric(self.spec["metric"])
            shown = int(value) if float(value).is_integer() else round(value, 1)
            values = _values(analysis, fa, name) | {
                "value": shown,
                "max": high,
                "min": low,
                "metric": self.spec["metric"],
            }
            if (high is not None and value > high) or (low is not None and value < low):
                yield Finding(self.format(**values), 0, len(fa.text), field=name)
