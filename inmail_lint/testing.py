"""Testing rules, for the project and for teams: the same runner that checks every rule's examples when it
loads and the project's case files (``tests/rules/IMxxx.yaml``) in the tests.

A team keeps a case file per rule beside its rule folder and checks them all in one pytest test::

    from pathlib import Path

    from inmail_lint.testing import case_file_problems, registry_for

    def test_team_rules() -> None:
        registry = registry_for(Path("team-rules"))
        for case_file in sorted(Path("team-rules/cases").glob("*.yaml")):
            assert case_file_problems(case_file, registry) == []

A case file is ``rule: CODE`` and ``cases``: each with a ``name``, a ``draft`` (or ``bytes``), optionally
``kind``, ``options`` for the rule and ``config`` settings, and ``expect``: the rule's findings, each its
``message``, where it is (``at: row:column-row:column``), the ``text`` it covers and, for a fix, the draft
after it (``fixed``) and whether it is ``safe``. ``python -m inmail_lint.testing CASE_FILE [RULE_DIR ...]``
prints what each case finds today, to start one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from inmail_lint.engine.harness import (
    CASE_KEYS,
    case_file_problems,
    check_examples,
    check_team_examples,
    describe,
    lint_case,
    lint_example,
    run_case,
)
from inmail_lint.engine.registry import Registry, build_registry

__all__ = [
    "CASE_KEYS",
    "case_file_problems",
    "check_examples",
    "describe",
    "lint_case",
    "lint_example",
    "registry_for",
    "run_case",
]


def registry_for(*rule_dirs: Path) -> Registry:
    """The built-in rules and a team's rule folders, with the team rules' examples checked."""
    registry = build_registry(tuple(folder.resolve() for folder in rule_dirs))
    check_team_examples(registry)
    return registry


def _print_findings(case_file: Path, rule_dirs: list[Path]) -> None:
    import yaml

    from inmail_lint.util.yamlsafe import load_yaml_value

    registry = registry_for(*rule_dirs)
    data = load_yaml_value(case_file.read_text(encoding="utf-8"))
    for case in data["cases"]:
        found = run_case(data["rule"], {k: v for k, v in case.items() if k != "expect"}, registry)
        print(yaml.dump({"name": case["name"], "expect": found}, sort_keys=False, allow_unicode=True))


if __name__ == "__main__":
    _print_findings(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
