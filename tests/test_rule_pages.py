"""Rule pages: docs/rules/IMxxx.md is generated from each rule's definition and kept up to date; `inmail-lint
rule CODE` prints the same page; every JSON diagnostic carries its rule's page as `url` and SARIF as
`helpUri`, from the config's `docs-url` template when it has one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .rule_pages import PAGES, pages

Cli = Callable[..., tuple[int, str, str]]


def test_every_rule_has_an_up_to_date_page() -> None:
    wanted = pages()
    found = {p.name for p in PAGES.glob("*.md")}
    assert found == set(wanted), "run python -m tests.rule_pages"
    for name, text in wanted.items():
        assert (PAGES / name).read_text(encoding="utf-8") == text, f"{name} is stale: run python -m tests.rule_pages"


def test_a_page_says_what_why_options_examples_and_source() -> None:
    page = pages()["IM404.md"]
    for heading in ("# IM404 self-focused (info)", "## Why", "## Options", "## Fails", "## Passes", "## Source"):
        assert heading in page
    assert "`inmail_lint/checks/builtin/self_focus.py`" in page
    limit = pages()["IM102.md"]
    assert "`rules/pack/IM102-subject-too-long.yaml`" in limit and "Its figures:" in limit


def test_the_rule_command_prints_the_page(cli: Cli, tmp_path: Path) -> None:
    status, out, _ = cli("rule", "IM404", "--isolated", cwd=tmp_path)
    assert status == 0 and out == pages()["IM404.md"]


def test_diagnostics_link_their_rule_page(cli: Cli, tmp_path: Path) -> None:
    draft = tmp_path / "d.inmail"
    draft.write_text("Subject: Quick question\n\nDear Sir/Madam, interested?\n", encoding="utf-8")
    _, out, _ = cli("check", "--no-cache", "--isolated", "--output-format", "json", str(draft), cwd=tmp_path)
    diagnostics = json.loads(out)["files"][0]["diagnostics"]
    assert diagnostics and all(d["url"] == f"docs/rules/{d['code']}.md" for d in diagnostics)
    (tmp_path / "inmail-lint.toml").write_text('docs-url = "https://lint.example.org/rules/{code}"\n', encoding="utf-8")
    _, out, _ = cli("check", "--no-cache", "--output-format", "sarif", str(draft), cwd=tmp_path)
    rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert rules and all(r["helpUri"] == f"https://lint.example.org/rules/{r['id']}" for r in rules)


def test_a_docs_url_without_a_placeholder_is_refused(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "inmail-lint.toml").write_text('docs-url = "https://lint.example.org/rules"\n', encoding="utf-8")
    (tmp_path / "d.inmail").write_text("Subject: Hi\n\nHi Ana, one question?\n", encoding="utf-8")
    status, _, err = cli("check", "--no-cache", "d.inmail", cwd=tmp_path)
    assert status == 2 and "docs-url" in err
