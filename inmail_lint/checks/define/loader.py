"""Reading a declarative rule from its YAML file: schema, type, options, examples and phrase lists, each problem
a :class:`~inmail_lint.checks.define.base.RuleDefinitionError` naming the file and the key."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from inmail_lint.checks.define.base import Example, RuleDefinitionError
from inmail_lint.checks.define.declarative import DeclarativeRule
from inmail_lint.checks.define.types import RULE_TYPES
from inmail_lint.util.files import ReadRefused, read_regular_text
from inmail_lint.util.resources import rules_dir, schema_path
from inmail_lint.util.schema import describe, first_error
from inmail_lint.util.yamlsafe import UnsafeYaml, load_yaml_value, yaml_error_summary

COMMON_KEYS = frozenset(
    {"code", "name", "type", "severity", "summary", "explanation", "message", "url", "source", "language", "examples"}
)
MAX_RULE_FILE_BYTES = 256 * 1024


@lru_cache(maxsize=1)
def _rule_validator() -> Any:
    import jsonschema  # on first use: built-in rules are not validated at start-up

    schema = json.loads(schema_path("rule.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _schema_error(path: Path, data: Any) -> str | None:
    error = first_error(_rule_validator(), data)
    return None if error is None else f"{path}: {describe(error)}"


def _read_rule_data(path: Path) -> Any:
    try:
        return load_yaml_value(read_regular_text(path, MAX_RULE_FILE_BYTES))
    except ReadRefused as exc:
        raise RuleDefinitionError(f"{path}: rule file {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleDefinitionError(f"{path}: cannot read rule file: {exc}") from None
    except UnsafeYaml as exc:
        raise RuleDefinitionError(f"{path}: rule file {exc}") from None
    except yaml.YAMLError as exc:
        raise RuleDefinitionError(f"{path}: not valid YAML: {yaml_error_summary(exc)}") from None


def _is_phrase_list(data: Any) -> bool:
    """A phrase list kept beside the rules that use it (a list, or a mapping of only phrases and patterns)."""
    return isinstance(data, list) or (isinstance(data, dict) and bool(data) and set(data) <= {"phrases", "patterns"})


def load_rule_file(path: Path, *, validate: bool = True, phrase_dirs: tuple[Path, ...] = ()) -> DeclarativeRule:
    """Load one declarative rule. Raises :class:`RuleDefinitionError` naming the file and key."""
    return _rule_from_data(path, _read_rule_data(path), validate=validate, phrase_dirs=phrase_dirs)


def _rule_from_data(path: Path, data: Any, *, validate: bool, phrase_dirs: tuple[Path, ...]) -> DeclarativeRule:
    if not isinstance(data, dict):
        raise RuleDefinitionError(f"{path}: a rule file must be a mapping with 'code', 'name', 'type', ...")
    if "phrase-list" in data:
        data = dict(data)
        listed, patterns = _phrase_list(path, str(data.pop("phrase-list")), phrase_dirs)
        data["phrases"] = list(data.get("phrases") or []) + listed
        if patterns:
            data["patterns"] = list(data.get("patterns") or []) + patterns
    if validate:
        error = _schema_error(path, data)
        if error:
            raise RuleDefinitionError(error)
    rule_type = RULE_TYPES.get(str(data.get("type")))
    if rule_type is None:
        raise RuleDefinitionError(f"{path}: key 'type': expected one of {', '.join(RULE_TYPES)}")
    meta = {k: v for k, v in data.items() if k in COMMON_KEYS}
    spec = {k: v for k, v in data.items() if k not in COMMON_KEYS}
    for key in spec:
        if key not in rule_type.type_keys:
            raise RuleDefinitionError(f"{path}: key {key!r} does not apply to a {rule_type.type_name} rule")
    for key, (_, required) in rule_type.type_keys.items():
        if required and key not in spec:
            raise RuleDefinitionError(f"{path}: a {rule_type.type_name} rule needs the key {key!r}")
    try:
        rule = rule_type(meta, spec, str(path))
    except KeyError as exc:
        raise RuleDefinitionError(f"{path}: missing key {exc}") from None
    rule.examples = tuple(_examples(path, data.get("examples") or {}))
    return rule


def _strings(candidate: Path, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise RuleDefinitionError(f"{candidate}: key {key!r}: expected a list of non-empty strings")
    return value


def _phrase_list(path: Path, name: str, phrase_dirs: tuple[Path, ...]) -> tuple[list[str], list[str]]:
    """The phrases and patterns of a phrase list: ``rules/phrases/NAME.yaml`` or one beside the rule."""
    for folder in (path.parent, *phrase_dirs, rules_dir() / "phrases"):
        candidate = folder / f"{name}.yaml"
        if candidate.exists():  # a FIFO or a device is refused when read, not taken for a missing list
            try:
                data = load_yaml_value(read_regular_text(candidate, MAX_RULE_FILE_BYTES))
            except (OSError, UnicodeDecodeError) as exc:
                raise RuleDefinitionError(f"{candidate}: cannot read phrase list: {exc}") from None
            except UnsafeYaml as exc:
                raise RuleDefinitionError(f"{candidate}: phrase list {exc}") from None
            except yaml.YAMLError as exc:
                raise RuleDefinitionError(
                    f"{candidate}: phrase list is not valid YAML: {yaml_error_summary(exc)}"
                ) from None
            if isinstance(data, list):
                return _strings(candidate, "phrases", data), []
            if not isinstance(data, dict):
                raise RuleDefinitionError(f"{candidate}: a phrase list is a list, or a mapping with 'phrases'")
            return (
                _strings(candidate, "phrases", data.get("phrases") or []),
                _strings(candidate, "patterns", data.get("patterns") or []),
            )
    raise RuleDefinitionError(f"{path}: key 'phrase-list': no phrase list named {name!r} ({name}.yaml)")


def _examples(path: Path, examples: Mapping[str, Any]) -> Iterator[Example]:
    for outcome in ("pass", "fail"):
        for item in examples.get(outcome) or []:
            if isinstance(item, str):
                yield Example(item, fails=outcome == "fail")
            else:
                yield Example(
                    item["draft"],
                    fails=outcome == "fail",
                    kind=item.get("kind"),
                    options=item.get("options") or {},
                    settings=item.get("settings") or {},
                )


def load_rule_dir(folder: Path, *, validate: bool = True) -> list[DeclarativeRule]:
    if not folder.is_dir():
        raise RuleDefinitionError(f"{folder}: rule directory does not exist")
    rules = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        data = _read_rule_data(path)
        if _is_phrase_list(data):  # a phrase list kept beside the rules (phrase-list: NAME), not a rule
            continue
        rules.append(_rule_from_data(path, data, validate=validate, phrase_dirs=()))
    return rules
