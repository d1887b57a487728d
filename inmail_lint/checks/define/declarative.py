"""What every declarative (YAML) rule type shares: the common keys, typed options, the message and its placeholders."""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from inmail_lint.analysis.facts import Analysis
from inmail_lint.analysis.field import FieldAnalysis
from inmail_lint.checks.define.base import FIELD_TITLES, KindRef, OptionSpec, Rule, RuleDefinitionError
from inmail_lint.diagnostic import Severity


class DeclarativeRule(Rule):
    """A rule loaded from a YAML file; ``spec`` holds the type-specific keys."""

    #: keys of the type, with (option type, required?); options can be overridden in config
    type_keys: ClassVar[dict[str, tuple[str, bool]]] = {}
    #: placeholders its message may use
    placeholders: ClassVar[frozenset[str]] = frozenset()
    configurable: ClassVar[tuple[str, ...]] = ()
    #: the range of each configurable number, (minimum, maximum), inclusive; None for no bound
    bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {}

    def __init__(self, meta: Mapping[str, Any], spec: Mapping[str, Any], origin: str) -> None:
        self.code = meta["code"]
        self.name = meta["name"]
        self.default_severity = Severity.parse(meta.get("severity", "warning"))
        self.summary = meta["summary"]
        self.explanation = meta.get("explanation", "").strip()
        self.url = meta.get("url")
        self.source = str(meta.get("source", ""))
        self.language = meta.get("language")
        self.origin = origin
        self.message = meta["message"]
        self.fields = tuple(spec.get("fields") or [spec.get("field", "body")])
        self.spec = dict(spec)
        self.options = {
            name: OptionSpec(
                _option_type(spec[name], self.type_keys[name][0]),
                _option_default(spec[name]),
                minimum=self.bounds.get(name, (None, None))[0],
                maximum=self.bounds.get(name, (None, None))[1],
            )
            for name in self.configurable
            if name in spec
        }
        self.examples = ()
        self.validate()

    def validate(self) -> None:
        names = {f for _, f, _, _ in string.Formatter().parse(self.message) if f}
        unknown = sorted(n for n in names if n.split(".")[0] not in self.placeholders)
        if unknown:
            raise RuleDefinitionError(
                f"{self.origin}: key 'message': unknown placeholder {{{unknown[0]}}}; "
                f"a {self.type_name} rule can use {', '.join('{' + p + '}' for p in sorted(self.placeholders))}"
            )

    def fields_present(self, analysis: Analysis) -> Iterator[tuple[str, FieldAnalysis]]:
        for name in self.fields:
            fa = analysis.field(name)
            if fa is not None:
                yield name, fa

    def format(self, **values: Any) -> str:
        return self.message.format(**values)


def _option_type(value: Any, declared: str) -> str:
    if isinstance(value, Mapping):  # {kind: key}
        return "integer"
    return declared


def _option_default(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"kind"}:
        return KindRef(str(value["kind"]))
    return value


def _values(analysis: Analysis, fa: FieldAnalysis, name: str) -> dict[str, Any]:
    return {
        "field": FIELD_TITLES.get(name, name),
        "kind": analysis.kind.get("title", analysis.kind_name),
        "kind_name": analysis.kind_name,
    }
