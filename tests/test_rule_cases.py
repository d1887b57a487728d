"""Every rule's case file (``tests/rules/IMxxx.yaml``, one file a rule, as sqlfluff keeps them): drafts that
should and should not trigger it, the boundaries of its limits, and for each finding its message, its span
and the draft after its fix. A rule without a case file fails here."""

from __future__ import annotations

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
