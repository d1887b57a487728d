"""``inmail-lint rule``: explain a rule, or list them all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from inmail_lint.cli.common import _error
from inmail_lint.util.status import EXIT_ERROR, EXIT_OK


@click.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
@click.option("--output-format", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--isolated", is_flag=True, help="Ignore config files (list only the built-in rules).")
def rule(code: str | None, show_all: bool, output_format: str, isolated: bool) -> int:
    """Print a rule's page (by code or name: what it finds, why, options, examples, source; the same text as
    docs/rules/CODE.md), or list them all with --all."""
    import json

    # imported when the command runs, so that --help and --version stay fast
    from inmail_lint.checks.define.base import docs_url
    from inmail_lint.config.settings import ConfigResolver
    from inmail_lint.engine.registry import build_registry
    from inmail_lint.report.rulesdoc import rule_to_json, rule_to_markdown, rules_table

    if bool(code) == show_all:
        _error("give a rule code (such as IM201) or --all")
        return EXIT_ERROR
    try:
        config = ConfigResolver(isolated=isolated).for_directory(Path.cwd())
        registry = build_registry(config.rule_dirs)
    except Exception as exc:
        _error(str(exc))
        return EXIT_ERROR
    rules = list(registry)
    if code:
        found = registry.get(code.upper()) or registry.get(code)
        if found is None:
            _error(f"unknown rule {code!r}; 'inmail-lint rule --all' lists them")
            return EXIT_ERROR
        rules = [found]
    if output_format == "json":
        data: Any = [rule_to_json(r, docs_url(r, config.docs_url)) for r in rules]
        click.echo(json.dumps(data if show_all else data[0], indent=2, ensure_ascii=False))
    elif show_all:
        click.echo(
            rules_table(rules)
            if output_format == "markdown"
            else "\n".join(f"{r.code}  {r.name:<24} {r.default_severity!s:<8} {r.summary}" for r in rules)
        )
    else:
        click.echo(rule_to_markdown(rules[0]), nl=False)
    return EXIT_OK
