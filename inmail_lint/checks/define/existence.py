"""The ``existence`` rule type: phrases and patterns that should not be in a field."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from inmail_lint.analysis.facts import Analysis
from inmail_lint.analysis.field import FieldAnalysis
from inmail_lint.analysis.tokenmatch import PatternError, TokenPatterns
from inmail_lint.checks.define.base import OptionSpec, RuleDefinitionError
from inmail_lint.checks.define.declarative import DeclarativeRule, _values
from inmail_lint.checks.define.patterns import BoundedPattern, _timed_out, any_of
from inmail_lint.checks.define.variants import VariantError, expand
from inmail_lint.diagnostic import Edit, Finding, Fix
from inmail_lint.util.text import shown


class ExistenceRule(DeclarativeRule):
    """Flags each phrase (matched on tokens, case-insensitively) or regular-expression match in a field."""

    type_name = "existence"
    type_keys: ClassVar[dict[str, tuple[str, bool]]] = {
        "field": ("string", False),
        "fields": ("list", False),
        "phrases": ("list", False),
        "patterns": ("list", False),
        "token-patterns": ("list", False),
        "unless-phrases": ("list", False),
        "unless-field": ("string", False),
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
        token_patterns = self.spec.get("token-patterns") or []
        if not phrases and not patterns and not token_patterns:
            raise RuleDefinitionError(
                f"{self.origin}: an existence rule needs 'phrases', 'patterns' or 'token-patterns'"
            )
        try:  # spaCy Matcher syntax (NORM, LIKE_NUM, IS_TITLE, OP, ...): shapes, not one phrase at a time
            self._tokens = TokenPatterns({"pattern": token_patterns}) if token_patterns else None
        except PatternError as exc:
            raise RuleDefinitionError(f"{self.origin}: key 'token-patterns': {exc}") from None
        if self.spec.get("fix") not in (None, *self.fixes):
            raise RuleDefinitionError(f"{self.origin}: key 'fix': expected one of {', '.join(self.fixes)}")
        ignore_case = self.spec.get("ignore-case", True)
        self._regexes = [BoundedPattern(self.origin, f"patterns[{i}]", p, ignore_case) for i, p in enumerate(patterns)]
        self._any = any_of(self._regexes, ignore_case)
        if self.spec.get("unless-field", "body") not in ("subject", "body", "cta"):
            raise RuleDefinitionError(f"{self.origin}: key 'unless-field': expected subject, body or cta")
        self._phrases = self._expanded("phrases", phrases)
        self._unless = self._expanded("unless-phrases", self.spec.get("unless-phrases") or ())

    def _expanded(self, key: str, phrases: Any) -> tuple[str, ...]:
        try:
            return tuple(form for p in phrases for form in expand(str(p)))
        except VariantError as exc:
            raise RuleDefinitionError(f"{self.origin}: key {key!r}: {exc}") from None

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        phrases = self._phrases + tuple(form for p in options.get("extend-phrases") or () for form in expand(p))
        attr = "NORM" if self.spec.get("ignore-case", True) else "ORTH"
        skip_quoted = self.spec.get("skip-quoted", False)
        if self._unless:  # the draft says what makes this fine ("thanks for your message" for a real "Re:")
            other = analysis.field(self.spec.get("unless-field", "body"))
            if other is not None and other.text.strip() and other.phrase_spans(self._unless, attr):
                return
        for name, fa in self.fields_present(analysis):
            if not fa.text.strip():
                continue
            spans: set[tuple[int, int]] = set(fa.phrase_spans(phrases, attr)) if phrases else set()
            if self._tokens is not None:
                spans.update(fa.token_span(s, e) for _, s, e in self._tokens.match(fa.tokens))
            regexes = self._regexes if self._any is None or self._any.search(fa.text) is not False else ()
            for pattern in regexes:
                found = pattern.spans(fa.text)
                if found is None:
                    _timed_out(analysis, self, pattern, name)
                else:
                    spans.update(found)
            for start, end in sorted(_outermost(spans)):
                if skip_quoted and fa.in_quote(start, end):
                    continue
                if fa.in_slot(start, end):
                    continue  # a template variable's sample or a slot's words: not what the writer wrote
                values = _values(analysis, fa, name) | {"match": shown(fa.text[start:end])}
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
        # the space after goes too when the match stands alone ("Re: your" at the start, "foo ACT NOW bar"), not
        # when it touches the word before ("PyData\u200b talk" keeps its space)
        alone = start == 0 or fa.text[start - 1].isspace()
        removal_end = end + (len(fa.text[end:]) - len(fa.text[end:].lstrip())) if alone else end
        if alone and removal_end == len(fa.text):  # at the end of the field: take the whitespace before instead
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
