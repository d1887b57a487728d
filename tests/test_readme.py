from __future__ import annotations

from pathlib import Path

from inmail_lint.engine.registry import builtin_rules
from inmail_lint.report.rulesdoc import readme_with_rules

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def test_readme_starts_with_the_two_setup_commands() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    head = "\n".join(lines[:6])
    assert "python -m pip install -e . && inmail-lint check examples/" in head
    assert "python -m pip install -e '.[test]' && python -m pytest" in head


def test_readme_rule_table_matches_the_registry() -> None:
    text = README.read_text(encoding="utf-8")
    expected = readme_with_rules(text, list(builtin_rules()))
    assert text == expected, (
        "README's rule table is out of date; regenerate it with "
        "`inmail-lint rule --all --output-format markdown` between the rules markers"
    )


def test_every_rule_code_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    for rule in builtin_rules():
        assert f"| {rule.code} | `{rule.name}` |" in text


def test_readme_explains_every_factor_of_the_model() -> None:
    from inmail_lint.model.estimate import load_model

    text = README.read_text(encoding="utf-8").lower()
    for factor in load_model().factors:
        assert factor.label.split()[0].lower() in text, factor.name
    for grade in ("PLAT", "UNV", "VEND", "ACAD", "ASSUMPTION"):
        assert grade.lower() in text
