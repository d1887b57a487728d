"""The one way inmail-lint reads YAML and JSON that a user wrote: front matter, recipient profiles, team rule
files, phrase lists, team models, batch rows.

The project's own limits decide what is refused, and with the same words whatever PyYAML or libyaml is
installed:

* no tags that build objects (a safe loader);
* no anchors and aliases (``&a`` / ``*a``: an alias bomb is a few hundred bytes);
* at most :data:`MAX_DEPTH` levels of nesting, checked on the event stream before anything is composed (the
  composer recurses, so a deep document would be a RecursionError);
* no key given twice in one mapping (YAML would silently keep the last).

libyaml is used when PyYAML has it (it is several times faster), but libyaml has limits and messages of its own
that change between versions (0.2.6 and later stop at 1,000 nested flow collections with "while increasing flow
level"). So when libyaml refuses a document, the pure-Python parser, which has no such limits, reads it again:
the project's checks then run first and PyYAML's own wording describes any real syntax error. A document is
therefore judged the same with or without the C loader.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

import yaml

MAX_DEPTH = 20

#: libyaml's safe loader when PyYAML was built with it, else the pure-Python one.
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: The pure-Python safe loader: no limits of its own, and the same messages in every PyYAML 6 release.
PURE_LOADER: type[yaml.SafeLoader] = yaml.SafeLoader

# every mapping or sequence opens with its own '{', '[', '-', '?' or first key's ':'
_OPENERS = ":-[{?"


class UnsafeYaml(ValueError):
    """YAML (or JSON) refused before anything is built from it: anchors and aliases, deep nesting, a key twice."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index  # character offset in the text


def load_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree and the value of one YAML document, loaded safely (see the module's notes).

    Raises :class:`UnsafeYaml` for what the project refuses and :class:`yaml.YAMLError` for a syntax error."""
    try:
        return _load(text, FAST_LOADER)
    except yaml.YAMLError:
        if FAST_LOADER is PURE_LOADER:
            raise
    # libyaml refused it: read it again with the parser whose only limits are the project's (see above)
    return _load(text, PURE_LOADER)


def load_yaml_value(text: str) -> Any:
    """The value of one YAML document, loaded as :func:`load_yaml` loads it."""
    return load_yaml(text)[1]


def _load(text: str, loader_class: type[yaml.SafeLoader]) -> tuple[yaml.Node | None, Any]:
    structural = check_events(text, loader_class)
    if structural is not None:
        raise UnsafeYaml(*structural)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            structural = check_duplicates(node)
            if structural is not None:
                raise UnsafeYaml(*structural)
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def check_events(text: str, loader_class: type[yaml.SafeLoader] = FAST_LOADER) -> tuple[str, int] | None:
    """Aliases and deep nesting, found on the event stream before anything is composed (no alias bombs)."""
    if "*" not in text and "&" not in text and sum(text.count(ch) for ch in _OPENERS) <= MAX_DEPTH:
        # no alias or anchor without '*' and '&'; and with this few openers nothing can nest too deep
        return None
    return event_pass(text, loader_class)


def event_pass(text: str, loader_class: type[yaml.SafeLoader] = FAST_LOADER) -> tuple[str, int] | None:
    depth = 0
    for event in yaml.parse(text, Loader=loader_class):
        at = event.start_mark.index if event.start_mark is not None else 0
        if isinstance(event, yaml.AliasEvent):
            return "may not use YAML anchors and aliases ('&', '*')", at
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return f"is nested more than {MAX_DEPTH} levels deep", at
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


def check_duplicates(root: yaml.Node) -> tuple[str, int] | None:
    """A key given twice in one mapping (YAML would silently keep the last)."""
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            keys: set[Any] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in keys:
                        return f"has the key {key_node.value!r} twice; keep one", key_node.start_mark.index
                    keys.add(key_node.value)
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None


def yaml_error_summary(exc: yaml.YAMLError) -> str:
    """One line for a YAML syntax error: what went wrong and where (line and column, 1-based)."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return f"{str(problem).strip()}{where}"


# ---------------------------------------------------------------------------------------------------------
# JSON

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth_problem(text: str) -> tuple[str, int] | None:
    """Nesting deeper than :data:`MAX_DEPTH` in a JSON text, found before it is parsed (``json.loads``
    recurses, so a deep document would be a RecursionError; the limit is the project's, as for YAML)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    skeleton = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if skeleton.count("[") + skeleton.count("{") <= MAX_DEPTH:
        return None
    for i, depth in enumerate(accumulate(1 if ch in "[{" else -1 for ch in skeleton)):
        if depth > MAX_DEPTH:
            return f"is nested more than {MAX_DEPTH} levels deep", _nth_opener(text, i)
    return None


def _nth_opener(text: str, bracket_index: int) -> int:
    """The text offset of the bracket that is number ``bracket_index`` outside strings."""
    seen = -1
    pos = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', text, re.DOTALL):
        if match.group()[0] != '"':
            seen += 1
            if seen == bracket_index:
                return match.start()
        pos = match.end()
    return pos


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's keys, each once: a key given twice is refused (JSON would keep the last silently)."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key {key!r} is given twice; keep one")
        data[key] = value
    return data


def load_json(text: str) -> Any:
    """A JSON value, with the project's nesting limit and each key of an object once. Raises
    :class:`UnsafeYaml` (too deep) or ``ValueError`` (not JSON, or a key given twice)."""
    problem = json_depth_problem(text)
    if problem is not None:
        raise UnsafeYaml(*problem)
    return json.loads(text, object_pairs_hook=_no_repeated_keys)
