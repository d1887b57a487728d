"""The project's YAML and JSON limits decide what is refused, and with the same words, whatever parser is
installed: libyaml (any version, including one with a nesting limit of its own) or PyYAML's pure-Python loader.
Every site that reads what a user wrote is checked: front matter, recipient profiles, team rule files, phrase
lists, team models and JSONL batch rows."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from inmail_lint.checks.define.base import RuleDefinitionError
from inmail_lint.checks.define.loader import load_rule_file
from inmail_lint.draft.parse import parse
from inmail_lint.model import estimate
from inmail_lint.model.estimate import ModelError, load_model
from inmail_lint.sources.files import load_draft
from inmail_lint.sources.tables import _jsonl_rows
from inmail_lint.util import yamlsafe
from inmail_lint.util.yamlsafe import MAX_DEPTH, UnsafeYaml, json_depth_problem, load_json, load_yaml


class ShallowLoader(yaml.SafeLoader):
    """A stand-in for a libyaml with a nesting limit of its own far below the project's, and its own words
    (libyaml 0.2.6 stops at 1,000 with "while increasing flow level"; this one stops at 5)."""

    def _refuse_deep(self) -> None:
        if self.flow_level >= 5 or len(self.indents) >= 5:
            mark = self.get_mark()
            raise yaml.scanner.ScannerError("while increasing flow level", mark, "exceeded max depth", mark)

    def fetch_flow_sequence_start(self) -> None:
        self._refuse_deep()
        super().fetch_flow_sequence_start()

    def fetch_flow_mapping_start(self) -> None:
        self._refuse_deep()
        super().fetch_flow_mapping_start()

    def add_indent(self, column: int) -> bool:
        added = super().add_indent(column)
        if added:
            self._refuse_deep()
        return added


LOADERS = {
    "pure-python": yaml.SafeLoader,
    "shallow-libyaml": ShallowLoader,
    **({"libyaml": yaml.CSafeLoader} if hasattr(yaml, "CSafeLoader") else {}),
}


@pytest.fixture(params=sorted(LOADERS))
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(yamlsafe, "FAST_LOADER", LOADERS[request.param])
    monkeypatch.setattr(estimate, "_MODELS", {})
    yield request.param


DEPTH = MAX_DEPTH + 1
DEEP_FLOW = "[" * 5000 + "]" * 5000
DEEP_BLOCK = "".join(f"{'  ' * i}k{i}:\n" for i in range(DEPTH)) + "  " * DEPTH + "v\n"
# (YAML value text, what the message must say)
BAD_YAML = {
    "deep flow": (f"x: {DEEP_FLOW}\n", f"nested more than {MAX_DEPTH} levels deep"),
    "deep block": (DEEP_BLOCK, f"nested more than {MAX_DEPTH} levels deep"),
    "just deep enough for libyaml": ("x: " + "[" * 1001 + "]" * 1001 + "\n", f"nested more than {MAX_DEPTH} levels"),
    "alias": ("a: &a [1, 2]\nb: *a\n", "anchors and aliases"),
    "duplicate key": ("a: 1\nb: 2\na: 3\n", "has the key 'a' twice"),
}


def _messages(make: Callable[[str], str]) -> dict[str, str]:
    return {name: make(text) for name, (text, _) in BAD_YAML.items()}


def _check(messages: dict[str, str]) -> None:
    for name, (_, fragment) in BAD_YAML.items():
        assert fragment in messages[name], (name, messages[name])


# The messages each site gives, per loader; the test below compares them across loaders.
SEEN: dict[str, dict[str, dict[str, str]]] = {}


def _remember(site: str, loader: str, messages: dict[str, str]) -> None:
    SEEN.setdefault(site, {})[loader] = messages
    first = next(iter(SEEN[site].values()))
    assert messages == first, f"{site}: {loader} words it differently"


def test_front_matter(loader: str) -> None:
    def message(text: str) -> str:
        draft = parse(f"---\n{text}---\nHi Ana\n")
        assert not draft.readable
        return draft.problems[0].message

    messages = _messages(message)
    _check(messages)
    _remember("front matter", loader, messages)


def test_recipient_profile(loader: str, tmp_path: Path) -> None:
    def message(text: str) -> str:
        (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
        draft, _ = load_draft(b"---\nsubject: Hi\nrecipient: p.yaml\n---\nHi Ana\n", "d.inmail", tmp_path, tmp_path)
        assert draft is not None and "recipient" not in draft.meta
        return draft.problems[0].message

    messages = _messages(message)
    _check(messages)
    _remember("profile", loader, messages)


def test_team_rule_file(loader: str, tmp_path: Path) -> None:
    def message(text: str) -> str:
        path = tmp_path / "rule.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(RuleDefinitionError) as raised:
            load_rule_file(path)
        return str(raised.value).replace(str(tmp_path), "")

    messages = _messages(message)
    _check(messages)
    _remember("rule file", loader, messages)


def test_phrase_list(loader: str, tmp_path: Path) -> None:
    rule = tmp_path / "rule.yaml"
    rule.write_text(
        "code: TM001\nname: t\ntype: existence\nsummary: s\nmessage: m\nphrase-list: words\n", encoding="utf-8"
    )

    def message(text: str) -> str:
        (tmp_path / "words.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(RuleDefinitionError) as raised:
            load_rule_file(rule)
        return str(raised.value).replace(str(tmp_path), "")

    messages = _messages(message)
    _check(messages)
    _remember("phrase list", loader, messages)


def test_team_model(loader: str, tmp_path: Path) -> None:
    def message(text: str) -> str:
        path = tmp_path / f"model-{len(text)}-{hash(text)}.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ModelError) as raised:
            load_model(path)
        return str(raised.value).replace(str(path), "")

    messages = _messages(message)
    _check(messages)
    _remember("model", loader, messages)


def test_syntax_errors_are_worded_the_same_by_every_loader(loader: str) -> None:
    for text in ("a: [1, 2\nb: 3\n", "a: 'open\n", "a:\n  - x\n y: 2\n", "\t- tab\n"):
        draft = parse(f"---\n{text}---\nHi\n")
        assert not draft.readable
        _remember(f"syntax {text!r}", loader, {"m": draft.problems[0].message})


def test_good_yaml_loads_the_same_by_every_loader(loader: str) -> None:
    text = "name: Ana\nmutual_connections: [Tom, 'Eve Lee']\nrecent_posts:\n  - title: x\n    url: y\n"
    node, value = load_yaml(text)
    assert node is not None
    assert value == {
        "name": "Ana",
        "mutual_connections": ["Tom", "Eve Lee"],
        "recent_posts": [{"title": "x", "url": "y"}],
    }


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
def test_json_depth_boundary(depth: int) -> None:
    text = '{"a": ' * depth + "1" + "}" * depth
    if depth > MAX_DEPTH:
        with pytest.raises(UnsafeYaml, match=f"nested more than {MAX_DEPTH} levels deep"):
            load_json(text)
    else:
        assert load_json(text) is not None


def test_json_brackets_inside_strings_do_not_count() -> None:
    text = '{"a": "' + "[" * 500 + '\\"{{{{", "b": ["]]]]"]}'
    assert json_depth_problem(text) is None
    assert load_json(text)["b"] == ["]]]]"]


def test_deep_json_is_refused_where_it_starts() -> None:
    text = '{"k": "[[[", "v": ' + "[" * 50_000
    problem = json_depth_problem(text)
    assert problem is not None
    assert problem[1] == text.index("[", text.index('"v"')) + MAX_DEPTH - 1


def test_a_deep_jsonl_row_is_a_row_problem_not_a_recursion_error() -> None:
    handle = io.StringIO('{"body": "hi"}\n{"body": ' + "[" * 100_000 + "\n")
    rows = list(_jsonl_rows(handle))
    assert rows[0][1] == {"body": "hi"}
    number, row, error, line = rows[1]
    assert number == 2 and line == 2 and row is None and error is not None and f"nested more than {MAX_DEPTH}" in error
