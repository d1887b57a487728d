"""The one registry of rules: the built-in YAML rules in ``rules/pack/``, the Python rules in
:mod:`inmail_lint.checks.builtin`, and a team's own YAML rules from ``rule-dirs``. Codes are unique and stable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from inmail_lint.checks.builtin import RULES
from inmail_lint.checks.define.base import Rule, RuleDefinitionError
from inmail_lint.checks.define.loader import load_rule_dir
from inmail_lint.util.files import RULE_FILES, file_stamps
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
        self.examples_checked = False  # a team rule's examples are checked once (engine.harness)

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


def build_registry(rule_dirs: tuple[Path, ...] = ()) -> Registry:
    """The built-in rules plus the team rules in ``rule_dirs``, built once per version of those folders' files:
    a long-lived process (``check --watch``, the language server, the web page) sees a rule file edited since."""
    return _build_registry(
        rule_dirs, tuple(s for folder in rule_dirs for s in file_stamps(folder, RULE_FILES, recursive=True))
    )


@lru_cache(maxsize=16)
def _build_registry(rule_dirs: tuple[Path, ...], stamps: tuple[str, ...]) -> Registry:
    rules: list[Rule] = list(builtin_rules())
    for folder in rule_dirs:
        rules.extend(load_rule_dir(folder))
    return Registry(rules)
