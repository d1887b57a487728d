"""Running one case of a rule's case file (``tests/rules/IMxxx.yaml``): what the linter reports for that rule,
in the form the case file records it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inmail_lint.api import lint_bytes
from inmail_lint.config.settings import parse_config
from inmail_lint.diagnostic import Diagnostic
from inmail_lint.draft.parse import parse
from inmail_lint.engine.linter import Linter

CASES = Path(__file__).resolve().parent / "rules"
CASE_KEYS = frozenset({"name", "draft", "bytes", "kind", "options", "config", "expect"})


def run_case(code: str, case: dict[str, Any]) -> list[dict[str, Any]]:
    """The diagnostics of rule ``code`` on the case's draft, every other rule on too (all of them run, as in a
    real run, so a case also shows that the rule is not crowded out). Each is the message, where it is
    (``row:column-row:column``, 1-based, UTF-16 columns), the text it covers and, when it has a fix, the whole
    draft after that fix alone."""
    unknown = set(case) - CASE_KEYS
    if unknown:
        raise ValueError(f"unknown case keys {sorted(unknown)}")
    data: dict[str, Any] = {"select": ["ALL"], **(case.get("config") or {})}
    if case.get("kind"):
        data["kind"] = case["kind"]
    if case.get("options"):
        data["rules"] = {code: dict(case["options"])}
    config = parse_config(data, None, Path.cwd())
    if "bytes" in case:
        raw = str(case["bytes"]).encode("latin-1")  # each character of the YAML string is one byte
        result = lint_bytes(raw, "draft.inmail", config=config)
        source = None
    else:
        source = str(case["draft"])
        result = Linter(config).lint(parse(source, "draft.inmail"))
    return [_describe(d, source) for d in result.diagnostics if d.code == code]


def _describe(d: Diagnostic, source: str | None) -> dict[str, Any]:
    assert d.location is not None and d.end_location is not None
    found: dict[str, Any] = {
        "message": d.message,
        "at": f"{d.location.row}:{d.location.column}-{d.end_location.row}:{d.end_location.column}",
    }
    if source is not None:
        found["text"] = source[d.start : d.end]
        if d.fix is not None:
            fixed = source
            for edit in sorted(d.fix.edits, key=lambda e: e.start, reverse=True):
                fixed = fixed[: edit.start] + edit.text + fixed[edit.end :]
            found["fixed"] = fixed
            found["safe"] = d.fix.safe
    return found


if __name__ == "__main__":
    # Print what each case of a case file finds today, to help write the expectations of a new case:
    #     python -m tests.rule_cases IM201
    import sys

    import yaml

    from inmail_lint.util.yamlsafe import load_yaml_value

    for code in sys.argv[1:]:
        data = load_yaml_value((CASES / f"{code}.yaml").read_text(encoding="utf-8"))
        for case in data["cases"]:
            found = run_case(code, {k: v for k, v in case.items() if k != "expect"})
            print(yaml.dump({"name": case["name"], "expect": found}, sort_keys=False, allow_unicode=True))
