"""The rule pages in docs/rules/ (one a rule, generated from the rule definitions, as `inmail-lint rule CODE`
prints them). Regenerate after changing a rule:

    python -m tests.rule_pages

tests/test_rule_pages.py fails when a page is missing, stale, or left over from a rule that is gone."""

from __future__ import annotations

from pathlib import Path

from inmail_lint.engine.registry import build_registry
from inmail_lint.report.rulesdoc import rule_to_markdown

PAGES = Path(__file__).resolve().parent.parent / "docs" / "rules"


def pages() -> dict[str, str]:
    """Each built-in rule's page, by file name."""
    return {f"{rule.code}.md": rule_to_markdown(rule) for rule in build_registry(())}


if __name__ == "__main__":
    PAGES.mkdir(parents=True, exist_ok=True)
    wanted = pages()
    for stale in set(p.name for p in PAGES.glob("*.md")) - set(wanted):
        (PAGES / stale).unlink()
    for name, text in wanted.items():
        (PAGES / name).write_text(text, encoding="utf-8")
    print(f"{len(wanted)} rule pages in {PAGES}")
