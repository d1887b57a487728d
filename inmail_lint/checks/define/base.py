"""What a rule is: metadata, typed options, examples; and the generic types that declarative YAML rules use.

A rule reports :class:`Finding` values (a message and a span in one field). It never decides its own severity
or whether it runs: the linter applies the configuration.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from inmail_lint.diagnostic import Finding, Severity

if TYPE_CHECKING:  # annotations only: what a rule is can be known without loading the analysis
    from inmail_lint.analysis.facts import Analysis
    from inmail_lint.model.estimate import Estimate

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
    """A rule option: its type, default, and for a number the range it must lie in (checked when the
    configuration loads, so a bad value is an error naming the file and the key, never a crash later)."""

    type: str
    default: Any
    description: str = ""
    minimum: float | None = None  # inclusive
    maximum: float | None = None  # inclusive

    def check(self, value: Any) -> str | None:
        """None if ``value`` suits this option, else what is expected."""
        allowed = _OPTION_TYPES[self.type]
        if isinstance(value, bool) and self.type != "boolean":
            return self.expected()
        if not isinstance(value, allowed):
            return self.expected()
        if isinstance(value, (list, tuple)) and not all(isinstance(item, str) for item in value):
            return "a list of strings"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                return self.expected()
            if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum
            ):
                return self.expected()
        return None

    def expected(self) -> str:
        noun = "an integer" if self.type == "integer" else f"a {self.type}"
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"{noun} from {low:g} to {high:g}"
        if low is not None:
            return f"{noun} of at least {low:g}"
        if high is not None:
            return f"{noun} of at most {high:g}"
        return f"a finite {self.type}" if self.type == "number" else noun


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
    source: str = ""  # where the rule's numbers or advice come from, as a reader could find it
    language: str | None = None  # "en": reads English phrasing; the engine skips it on other languages
    located: ClassVar[bool] = True  # False: it speaks of the whole file (unreadable), no place in it to show
    draft_wide: ClassVar[bool] = False  # it speaks of the whole draft: the page says it beside the text, unmarked
    reads_estimate: ClassVar[bool] = False  # run after the others: it reads the estimate, which reads their findings
    type_name: ClassVar[str] = "python"

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterable[Finding]:
        raise NotImplementedError

    def goal(self, options: Mapping[str, Any]) -> tuple[str, str, float] | None:
        """The length a rule of advice asks of a field, as (field, measure, value) for counters to show
        (IM201: a subject under 40 characters); None for a rule that sets none."""
        return None

    def message_for_row(self, written: str, row: Mapping[str, str]) -> str | None:
        """What a finding over ``written`` says on a mail-merge row with these values, when the rule says it
        differently there (None: as it is)."""
        return None

    def check_estimate(
        self, analysis: Analysis, options: Mapping[str, Any], estimate: Estimate | None
    ) -> Iterable[Finding]:
        """A rule that ``reads_estimate`` is given the refund estimate, made from the other rules' findings."""
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


DEFAULT_DOCS_URL = "docs/rules/{code}.md"  # the page inside the repository (docs/rules/, generated)


def docs_url(rule: Rule, template: str | None) -> str | None:
    """Where a rule's page is: its own ``url`` when its file gives one, else the config's ``docs-url`` template
    (``{code}`` and ``{name}`` filled in), else, for a built-in rule, its page in this repository."""
    if rule.url:
        return rule.url
    if template:
        return template.format(code=rule.code, name=rule.name)
    return DEFAULT_DOCS_URL.format(code=rule.code) if rule.origin == "built-in" or in_pack(rule) else None


def in_pack(rule: Rule) -> bool:
    return "/rules/pack/" in rule.origin.replace("\\", "/")
