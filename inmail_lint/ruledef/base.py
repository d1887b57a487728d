"""What a rule is: metadata, typed options, examples; and the generic types that declarative YAML rules use.

A rule reports :class:`Finding` values (a message and a span in one field). It never decides its own severity
or whether it runs: the linter applies the configuration.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from inmail_lint.analysis.document import Analysis
from inmail_lint.analysis.field import METRICS, OCCURRENCES, FieldAnalysis
from inmail_lint.diagnostic import Edit, Finding, Fix, Severity
from inmail_lint.util.text import utf16_length, word_count

FIELD_TITLES = {"subject": "subject", "body": "body", "cta": "call-to-action label", "file": "file"}


class RuleDefinitionError(Exception):
    """A rule (built-in or a team's) is not well formed; the message names the file and key."""


@dataclass(frozen=True)
class KindRef:
    """An option default taken from the message kind's limits, e.g. ``{kind: subject-max}``."""

    key: str

    def __str__(self) -> str:
        return f"the kind's {self.key}"


_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "string": (str,),
    "boolean": (bool,),
    "list": (list, tuple),
}


@dataclass(frozen=True)
class OptionSpec:
    type: str
    default: Any
    description: str = ""

    def check(self, value: Any) -> str | None:
        """None if ``value`` suits this option, else what is expected."""
        allowed = _OPTION_TYPES[self.type]
        if isinstance(value, bool) and self.type != "boolean":
            return f"a {self.type}"
        if not isinstance(value, allowed):
            return f"a {self.type}"
        if isinstance(value, (list, tuple)) and not all(isinstance(item, str) for item in value):
            return "a list of strings"
        return None


@dataclass(frozen=True)
class Example:
    """A draft that the rule must flag (``fails``) or leave alone."""

    draft: str | bytes
    fails: bool
    kind: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)  # config keys such as free-account


class Rule:
    """Base of every rule. Python rules subclass it and set the class attributes; YAML rules are instances."""

    code: str = ""
    name: str = ""
    default_severity: Severity = Severity.WARNING
    summary: str = ""
    explanation: str = ""
    examples: tuple[Example, ...] = ()
    options: Mapping[str, OptionSpec] = {}
    url: str | None = None
    origin: str = "built-in"
    language: str | None = None  # "en": reads English phrasing; the engine skips it on other languages
    type_name: ClassVar[str] = "python"

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterable[Finding]:
        raise NotImplementedError

    def default_options(self) -> dict[str, Any]:
        return {name: spec.default for name, spec in self.options.items()}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code} {self.name}>"


def resolve(value: Any, analysis: Analysis) -> Any:
    """An option's value for this draft: a :class:`KindRef` is looked up in the kind's limits."""
    if isinstance(value, KindRef):
        return analysis.kind.get(value.key)
    return value


# -----------------------------------------------------------------------------------------------------
# Declarative rule types


class DeclarativeRule(Rule):
    """A rule loaded from a YAML file; ``spec`` holds the type-specific keys."""

    #: keys of the type, with (option type, required?); options can be overridden in config
    type_keys: ClassVar[dict[str, tuple[str, bool]]] = {}
    #: placeholders its message may use
    placeholders: ClassVar[frozenset[str]] = frozenset()
    configurable: ClassVar[tuple[str, ...]] = ()

    def __init__(self, meta: Mapping[str, Any], spec: Mapping[str, Any], origin: str) -> None:
        self.code = meta["code"]
        self.name = meta["name"]
        self.default_severity = Severity.parse(meta.get("severity", "warning"))
        self.summary = meta["summary"]
        self.explanation = meta.get("explanation", "").strip()
        self.url = meta.get("url")
        self.language = meta.get("language")
        self.origin = origin
        self.message = meta["message"]
        self.fields = tuple(spec.get("fields") or [spec.get("field", "body")])
        self.spec = dict(spec)
        self.options = {
            name: OptionSpec(_option_type(spec[name], self.type_keys[name][0]), _option_default(spec[name]))
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
    units = 0
    for i, ch in enumerate(fa.text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return i, len(fa.text)
    return 0, len(fa.text)


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
                    _timed_out(analysis, self, self._regex.key, name)
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


class MetricRule(DeclarativeRule):
    """A threshold on a measure of a field (see ``inmail_lint.analysis.document.METRICS``)."""

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


class ExistenceRule(DeclarativeRule):
    """Flags each phrase (matched on tokens, case-insensitively) or regular-expression match in a field."""

    type_name = "existence"
    type_keys: ClassVar[dict[str, tuple[str, bool]]] = {
        "field": ("string", False),
        "fields": ("list", False),
        "phrases": ("list", False),
        "patterns": ("list", False),
        "ignore-case": ("boolean", False),
        "skip-quoted": ("boolean", False),
        "fix": ("string", False),
        "fix-safe": ("boolean", False),
        "fix-message": ("string", False),
        "fix-capitalize": ("boolean", False),
    }
    placeholders = frozenset({"field", "kind", "kind_name", "match"})
    fixes = ("remove-match", "remove-sentence")

    def __init__(self, meta: Mapping[str, Any], spec: Mapping[str, Any], origin: str) -> None:
        super().__init__(meta, spec, origin)
        self.options = {
            "extend-phrases": OptionSpec("list", [], "more phrases to flag, added to the rule's own"),
        }

    def validate(self) -> None:
        super().validate()
        phrases = self.spec.get("phrases") or []
        patterns = self.spec.get("patterns") or []
        if not phrases and not patterns:
            raise RuleDefinitionError(f"{self.origin}: an existence rule needs 'phrases' or 'patterns'")
        if self.spec.get("fix") not in (None, *self.fixes):
            raise RuleDefinitionError(f"{self.origin}: key 'fix': expected one of {', '.join(self.fixes)}")
        ignore_case = self.spec.get("ignore-case", True)
        self._regexes = [BoundedPattern(self.origin, f"patterns[{i}]", p, ignore_case) for i, p in enumerate(patterns)]
        self._any = any_of(self._regexes, ignore_case)
        self._phrases = tuple(str(p) for p in phrases)

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        phrases = self._phrases + tuple(options.get("extend-phrases") or ())
        attr = "NORM" if self.spec.get("ignore-case", True) else "ORTH"
        skip_quoted = self.spec.get("skip-quoted", False)
        for name, fa in self.fields_present(analysis):
            if not fa.text.strip():
                continue
            spans: set[tuple[int, int]] = set(fa.phrase_spans(phrases, attr)) if phrases else set()
            regexes = self._regexes if self._any is None or self._any.search(fa.text) is not False else ()
            for pattern in regexes:
                found = pattern.spans(fa.text)
                if found is None:
                    _timed_out(analysis, self, pattern.key, name)
                else:
                    spans.update(found)
            for start, end in sorted(_outermost(spans)):
                if skip_quoted and fa.in_quote(start, end):
                    continue
                values = _values(analysis, fa, name) | {"match": fa.text[start:end]}
                yield Finding(self.format(**values), start, end, field=name, fix=self._fix(fa, start, end, values))

    def _fix(self, fa: FieldAnalysis, start: int, end: int, values: Mapping[str, Any]) -> Fix | None:
        action = self.spec.get("fix")
        if action is None:
            return None
        if action == "remove-sentence":
            span = fa.sentence_around(start, end)
            if span is None:
                return None
            sentence = fa.text[span[0] : span[1]]
            rest = sentence[: start - span[0]] + sentence[end - span[0] :]
            if any(ch.isalnum() for ch in rest):
                return None  # the sentence says more than the cliche: leave it to the writer
            start, end = span
        removal_end = end + (len(fa.text[end:]) - len(fa.text[end:].lstrip()))
        if removal_end == len(fa.text):  # at the end of the field: take the whitespace before instead
            removal_end = end
            start = len(fa.text[:start].rstrip())
        message = self.spec.get("fix-message", "remove '{match}'").format(**values)
        edit = Edit(start, removal_end, "")
        following = fa.text[removal_end : removal_end + 1]
        if self.spec.get("fix-capitalize") and not fa.text[:start].strip() and following.islower():
            edit = Edit(start, removal_end + 1, following.upper())  # "Re: your talk" -> "Your talk"
        return Fix(message, (edit,), safe=self.spec.get("fix-safe", True))


def _outermost(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans that overlap become one, so one stretch of text is reported once ("For a limited time only" holds
    "for a limited time" and "limited time only")."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if kept and start < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
            continue
        kept.append((start, end))
    return kept


PATTERN_TIMEOUT = 0.25  # seconds one pattern may spend on one field


class BoundedPattern:
    """A rule file's regular expression, run with a time limit (the ``regex`` package's timeout), so a
    pattern that backtracks catastrophically on some input cannot hang the linter."""

    def __init__(self, origin: str, key: str, pattern: str, ignore_case: bool) -> None:
        import regex

        self.key = key
        self.source = pattern
        try:
            self._pattern = regex.compile(pattern, regex.IGNORECASE if ignore_case else 0)
        except (regex.error, ValueError) as exc:
            raise RuleDefinitionError(f"{origin}: key {key!r}: invalid regular expression: {exc}") from None

    def spans(self, text: str) -> list[tuple[int, int]] | None:
        """Non-empty match spans, or None when the pattern ran out of time."""
        try:
            return [m.span() for m in self._pattern.finditer(text, timeout=PATTERN_TIMEOUT) if m.end() > m.start()]
        except TimeoutError:
            return None


class _AnyOf:
    """One search for "does any of these patterns match here?", so that a field none of them matches (most
    fields, for a rule such as IM301 with nine patterns) costs one call instead of one per pattern."""

    def __init__(self, pattern: Any) -> None:
        self._pattern = pattern

    def search(self, text: str) -> bool | None:
        """False when no pattern matches anywhere in ``text``; True when one matches some characters; None when
        the patterns must be run one by one (an empty match, which may hide another pattern's match at the
        same place, or out of time)."""
        try:
            m = self._pattern.search(text, timeout=PATTERN_TIMEOUT)
        except TimeoutError:
            return None
        if m is None:
            return False
        return True if m.end() > m.start() else None


ANY_OF_MIN = 4  # fewer patterns are quicker one by one: an alternation loses each one's literal-prefix scan


def any_of(patterns: list[BoundedPattern], ignore_case: bool) -> _AnyOf | None:
    """The patterns as one alternation, when there are enough of them to be worth it and none sets a flag for
    the whole pattern (which, inside an alternation, would change the others)."""
    import regex

    sources = [p.source for p in patterns]
    if len(sources) < ANY_OF_MIN or any(_NOT_COMBINABLE.search(s) for s in sources):
        return None
    try:
        combined = regex.compile("|".join(f"(?:{s})" for s in sources), regex.IGNORECASE if ignore_case else 0)
    except (regex.error, ValueError):
        return None
    return _AnyOf(combined)


# what would mean something else inside an alternation: a flag for the whole pattern ("(?i)"), a group
# number or name used again (the groups of the patterns before it count too), recursion
_NOT_COMBINABLE = re.compile(r"\(\?[a-zA-Z^-]+\)|\\[1-9]|\\g|\(\?P?[=>&]|\(\?[R0-9+-]")


def _timed_out(analysis: Analysis, rule: Rule, key: str, field: str) -> None:
    analysis.notes.append(
        f"{rule.code}: the pattern in key {key!r} took over {PATTERN_TIMEOUT} s on the {field} and was stopped"
    )


RULE_TYPES: dict[str, type[DeclarativeRule]] = {
    cls.type_name: cls for cls in (LimitRule, OccurrenceRule, MetricRule, ExistenceRule)
}

# -----------------------------------------------------------------------------------------------------
# Python rules

PYTHON_RULES: list[type[Rule]] = []


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a Python rule to the built-in registry."""
    PYTHON_RULES.append(cls)
    return cls
