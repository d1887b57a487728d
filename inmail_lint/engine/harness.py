"""The one runner for rule examples and case files: a rule's own ``examples`` (checked when a team rule loads,
and for every rule in the tests) and the case files (``tests/rules/IMxxx.yaml``, or a team's own) go
through :func:`lint_case`, which lints a draft as ``check`` would with a configuration made from the case.
:mod:`inmail_lint.testing` offers it to teams for their rule folders."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from inmail_lint.checks.define.base import Example, Rule, RuleDefinitionError
from inmail_lint.config.settings import ConfigError, parse_config
from inmail_lint.diagnostic import Diagnostic
from inmail_lint.draft.parse import parse
from inmail_lint.engine.linter import Linter, unreadable_result
from inmail_lint.engine.registry import Registry, builtin_rules
from inmail_lint.engine.result import FileResult
from inmail_lint.sources.files import load_draft

#: the keys a case of a case file may have
CASE_KEYS = frozenset({"name", "draft", "bytes", "kind", "options", "config", "expect"})


def lint_case(
    code: str,
    draft: str | bytes,
    *,
    registry: Registry | None = None,
    select: tuple[str, ...] | None = None,
    kind: str | None = None,
    options: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> FileResult:
    """Lint ``draft`` (text, or a file's bytes) as ``check`` would, with ``select`` (default: only ``code``),
    the draft's ``kind``, ``options`` for rule ``code`` and other config ``settings``. :class:`ConfigError`
    when the case's configuration is wrong."""
    data: dict[str, Any] = {"select": list(select or (code,)), **(settings or {})}
    if kind:
        data["kind"] = kind
    if options:
        data["rules"] = {code: dict(options)}
    linter = Linter(parse_config(data, None, Path.cwd()), registry)
    if isinstance(draft, bytes):
        loaded, problem = load_draft(draft, "draft.inmail", None, None)
        if loaded is None:
            return unreadable_result("draft.inmail", str(problem), linter)
        return linter.lint(loaded)
    return linter.lint(parse(draft, "draft.inmail"))


def lint_example(rule: Rule, example: Example, registry: Registry | None = None) -> FileResult:
    """One of a rule's own examples, linted with only that rule selected."""
    return lint_case(
        rule.code,
        example.draft,
        registry=registry,
        kind=example.kind,
        options=example.options,
        settings=example.settings,
    )


def check_team_examples(registry: Registry) -> None:
    """Every team rule's examples in ``registry`` checked, once per registry (the built-in rules' are checked
    by the tests); :class:`RuleDefinitionError` for the first that does not hold, on every call until fixed."""
    if registry.examples_checked:
        return
    builtin = set(builtin_rules())
    for rule in registry:
        if rule not in builtin:
            check_examples(rule, registry)
    registry.examples_checked = True


def check_examples(rule: Rule, registry: Registry) -> None:
    """A rule's examples, each as it claims: a ``fail`` example flagged by the rule and a ``pass`` example
    not; :class:`RuleDefinitionError` naming the file and the example otherwise."""
    counts = {True: 0, False: 0}
    for example in rule.examples:
        which = f"examples.{'fail' if example.fails else 'pass'}[{counts[example.fails]}]"
        counts[example.fails] += 1
        if isinstance(example.draft, bytes):
            loaded, problem = load_draft(example.draft, "example.inmail", None, None)
            if loaded is None:
                raise RuleDefinitionError(f"{rule.origin}: {which}: the example cannot be read: {problem}")
        try:
            result = lint_example(rule, example, registry)
        except ConfigError as exc:
            raise RuleDefinitionError(f"{rule.origin}: {which}: {exc}") from None
        found = [d for d in result.diagnostics if d.code == rule.code]
        if example.fails and not found:
            raise RuleDefinitionError(
                f"{rule.origin}: {which}: the rule does not flag this example; fix the rule or the example"
            )
        if not example.fails and found:
            raise RuleDefinitionError(
                f"{rule.origin}: {which}: the rule flags this example ({found[0].message}); fix the rule or the example"
            )


def run_case(code: str, case: Mapping[str, Any], registry: Registry | None = None) -> list[dict[str, Any]]:
    """The findings of rule ``code`` on a case of a case file, every other rule on too (all of them run, as in
    a real run, so a case also shows that the rule is not crowded out). Each is the message, where it is
    (``row:column-row:column``, 1-based, UTF-16 columns), the text it covers and, when it has a fix, the whole
    draft after that fix alone."""
    unknown = set(case) - CASE_KEYS
    if unknown:
        raise ValueError(f"unknown case keys {sorted(unknown)}")
    draft: str | bytes
    if "bytes" in case:
        draft = str(case["bytes"]).encode("latin-1")  # each character of the YAML string is one byte
        source = None
    else:
        draft = source = str(case["draft"])
    result = lint_case(
        code,
        draft,
        registry=registry,
        select=("ALL",),
        kind=case.get("kind"),
        options=case.get("options"),
        settings=case.get("config"),
    )
    return [describe(d, source) for d in result.diagnostics if d.code == code]


def describe(d: Diagnostic, source: str | None) -> dict[str, Any]:
    """A finding as a case file records it (a finding about the whole file is at 1:1, as reports put it)."""
    start, end = d.location or (1, 1), d.end_location or d.location or (1, 1)
    found: dict[str, Any] = {"message": d.message, "at": f"{start[0]}:{start[1]}-{end[0]}:{end[1]}"}
    if source is not None:
        found["text"] = source[d.start : d.end]
        if d.fix is not None:
            fixed = source
            for edit in sorted(d.fix.edits, key=lambda e: e.start, reverse=True):
                fixed = fixed[: edit.start] + edit.text + fixed[edit.end :]
            found["fixed"] = fixed
            found["safe"] = d.fix.safe
    return found


def case_file_problems(path: Path, registry: Registry | None = None) -> list[str]:
    """Every case of a case file whose findings differ from its ``expect``, said as "NAME: expected ..., found
    ..."; empty when all hold. The file is ``rule: CODE`` and ``cases: [...]``."""
    from inmail_lint.util.yamlsafe import load_yaml_value

    data = load_yaml_value(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("rule"), str) or not isinstance(data.get("cases"), list):
        return [f"{path}: expected 'rule: CODE' and a list of 'cases'"]
    problems = []
    for case in data["cases"]:
        expected = case.get("expect") or []
        found = run_case(data["rule"], {k: v for k, v in case.items() if k != "expect"}, registry)
        if found != expected:
            problems.append(f"{path.name}: {case.get('name')}: expected {expected!r}, found {found!r}")
    return problems
