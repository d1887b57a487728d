"""The rule pack's data files: well formed, every number sourced, and no YAML surprises (an unquoted `on`
or `no` in a list becomes a boolean)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from inmail_lint.util.resources import rules_dir

DATA_FILES = sorted(p for p in rules_dir().rglob("*.yaml"))


def strings_only(value: Any, where: str) -> None:
    if isinstance(value, list):
        for i, item in enumerate(value):
            # numbers are fine in lists; a boolean in a list is an unquoted on/off/yes/no
            if isinstance(item, bool):
                raise AssertionError(f"{where}[{i}] is a boolean; quote it")
            strings_only(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            strings_only(item, f"{where}.{key}")


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.relative_to(rules_dir()).as_posix())
def test_no_booleans_hide_in_lists(path: Path) -> None:
    strings_only(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


def test_every_kind_limit_has_a_source() -> None:
    kinds = yaml.safe_load((rules_dir() / "kinds.yaml").read_text(encoding="utf-8"))
    for name, kind in kinds.items():
        numbers = [k for k, v in kind.items() if isinstance(v, int) and not isinstance(v, bool)]
        missing = [k for k in numbers if k not in kind.get("sources", {})]
        assert not missing, f"kind {name}: no source for {missing}"


def test_every_template_length_has_a_source() -> None:
    data = yaml.safe_load((rules_dir() / "template-variables.yaml").read_text(encoding="utf-8"))
    assert data["default"]["source"]
    for name, spec in data["variables"].items():
        assert spec.get("source"), name


def test_cue_patterns_compile() -> None:
    """The cue patterns build in inmail-lint's matcher and are valid for spaCy's Matcher too (same syntax)."""
    from spacy.matcher import Matcher

    from inmail_lint.analysis.cues import cue_patterns
    from inmail_lint.analysis.nlp import get_nlp
    from inmail_lint.util.resources import load_data

    assert cue_patterns()
    matcher = Matcher(get_nlp().vocab, validate=True)
    for label, patterns in load_data("cues.yaml")["patterns"].items():
        matcher.add(label, patterns)
    assert len(matcher) >= 7
