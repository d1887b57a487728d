"""The one registry of rules: the built-in YAML rules in ``rules/pack/``, the Python rules in
:mod:`inmail_lint.checks`, and a team's own YAML rules from ``rule-dirs``. Codes are unique and stable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from inmail_lint.checks import RULES
from inmail_lint.ruledef.base import Rule, RuleDefinitionError
from inmail_lint.ruledef.loader import load_rule_dir
from inmail_lint.util.resources import rules_dir


class Registry:
    """Rules by code, in code order."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules: dict[str, Rule] = {}
        names: dict[str, Rule] = {}
        for rule in rules:
            for key, table in ((rule.code, self._rules), (rule.name, names)):
                if key in table:
                    other = table[key]
                    raise RuleDefinitionError(
                        f"{rule.origin}: rule {key!r} is already defined by {other.origin}; codes and names "
                        "must be unique"
                    )
                table[key] = rule
        self._rules = dict(sorted(self._rules.items()))

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def get(self, code: str) -> Rule | None:
        return self._rules.get(code) or next((r for r in self._rules.values() if r.name == code), None)

    @property
    def codes(self) -> list[str]:
        return list(self._rules)


@lru_cache(maxsize=1)
def builtin_rules() -> tuple[Rule, ...]:
    python_rules: list[Rule] = [cls() for cls in RULES]
    yaml_rules = load_rule_dir(rules_dir() / "pack", validate=False)
    return tuple(sorted((*python_rules, *yaml_rules), key=lambda rule: rule.code))


@lru_cache(maxsize=16)
def build_registry(rule_dirs: tuple[Path, ...] = ()) -> Registry:
    """The built-in rules plus the team rules in ``rule_dirs``."""
    rules: list[Rule] = list(builtin_rules())
    for folder in rule_dirs:
        for rule in load_rule_dir(folder):
            check_examples(rule)
            rules.append(rule)
    return Registry(rules)


def check_examples(rule: Rule) -> None:
    """A team rule's examples are checked when it loads, as the built-in rules' are in the tests: each
    ``fail`` example must be flagged by the rule and each ``pass`` example not, or the rule is refused."""
    from inmail_lint.analysis.document import Analysis
    from inmail_lint.config.settings import default_config
    from inmail_lint.draft.decode import decode
    from inmail_lint.draft.parse import parse

    config = default_config()
    counts = {True: 0, False: 0}
    for example in rule.examples:
        which = f"examples.{'fail' if example.fails else 'pass'}[{counts[example.fails]}]"
        counts[example.fails] += 1
        text = example.draft if isinstance(example.draft, str) else decode(example.draft)[0]
        if text is None:
            raise RuleDefinitionError(f"{rule.origin}: {which}: the example is not text")
        draft = parse(text, "example.inmail")
        kind = example.kind or draft.kind or config.kind
        if kind not in config.kinds:
            raise RuleDefinitionError(f"{rule.origin}: {which}: unknown kind {kind!r}")
        analysis = Analysis(draft, kind, config.kind_limits(kind))
        found = list(rule.check(analysis, {**rule.default_options(), **example.options}))
        if example.fails and not found:
            raise RuleDefinitionError(
                f"{rule.origin}: {which}: the rule does not flag this example; fix the rule or the example"
            )
        if not example.fails and found:
            raise RuleDefinitionError(
                f"{rule.origin}: {which}: the rule flags this example ({found[0].message}); fix the rule or the example"
            )
