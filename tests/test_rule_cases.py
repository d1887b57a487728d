"""Every rule's case file (``tests/rules/IMxxx.yaml``, one file a rule, as sqlfluff keeps them): drafts that
should and should not trigger it, the boundaries of its limits, and for each finding its message, its span
and the draft after its fix. A rule without a case file fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inmail_lint.engine.registry import builtin_rules
from inmail_lint.util.yamlsafe import load_yaml_value

from .rule_cases import CASES, run_case

CODES = [rule.code for rule in builtin_rules()]


def _load(code: str) -> dict[str, Any]:
    data = load_yaml_value((CASES / f"{code}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data.get("rule") == code, f"{code}.yaml must say 'rule: {code}'"
    return data


def _all_cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        code = path.stem
        for case in _load(code)["cases"]:
            params.append(pytest.param(code, case, id=f"{code}-{case['name']}"))
    return params


@pytest.mark.parametrize("code", CODES)
def test_every_rule_has_a_case_file_with_cases_that_pass_and_fail(code: str) -> None:
    path = CASES / f"{code}.yaml"
    assert path.is_file(), f"{code} has no case file: write tests/rules/{code}.yaml"
    cases = _load(code)["cases"]
    assert any(case["expect"] for case in cases), f"{code}: no case where the rule fires"
    assert any(not case["expect"] for case in cases), f"{code}: no case where the rule stays quiet"


def test_every_case_file_is_for_a_rule() -> None:
    stray = sorted(p.stem for p in CASES.glob("*.yaml") if p.stem not in CODES)
    assert not stray, f"case files for rules that do not exist: {stray}"


@pytest.mark.parametrize(("code", "case"), _all_cases())
def test_rule_case(code: str, case: dict[str, Any]) -> None:
    expected = case["expect"]
    found = run_case(code, {k: v for k, v in case.items()})
    assert found == expected


def test_a_team_checks_its_rule_folder_with_the_same_runner(tmp_path: Path) -> None:
    """inmail_lint.testing runs a team's case files against its rule folder, and says which case is off."""
    from inmail_lint.testing import case_file_problems, registry_for

    rules = tmp_path / "team"
    rules.mkdir()
    (rules / "TM001.yaml").write_text(
        "code: TM001\nname: synergy\ntype: existence\nseverity: warning\nsummary: Jargon.\n"
        "message: \"'{match}' is jargon\"\nphrases: [synergy]\n"
        'examples: {pass: ["Subject: a\\n\\nHi Ana"], fail: ["Subject: a\\n\\nHi Ana, synergy?"]}\n',
        encoding="utf-8",
    )
    case = tmp_path / "TM001.yaml"
    case.write_text(
        "rule: TM001\ncases:\n"
        '  - name: quiet\n    draft: "Subject: a\\n\\nHi Ana\\n"\n    expect: []\n'
        '  - name: fires\n    draft: "Subject: a\\n\\nsynergy\\n"\n'
        "    expect: [{message: \"'synergy' is jargon\", at: '3:1-3:8', text: synergy}]\n",
        encoding="utf-8",
    )
    registry = registry_for(rules)
    assert case_file_problems(case, registry) == []
    case.write_text(case.read_text(encoding="utf-8").replace("3:1-3:8", "3:1-3:9"), encoding="utf-8")
    (problem,) = case_file_problems(case, registry)
    assert problem.startswith("TM001.yaml: fires: expected") and "3:1-3:8" in problem
