"""Templates and mail merge: ``{{variable}}`` placeholders, their assumed lengths, and rendering a field with
values while keeping every character's place in the original file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from inmail_lint.counting import utf16_length, word_count
from inmail_lint.draft import Field
from inmail_lint.resources import load_data

# {{first_name}}, {{ company }}, names with spaces as outreach tools export them ({{First Name}}), and a
# fallback for an empty value: {{first_name | default: "there"}} (Liquid) or {{first_name|there}}
PLACEHOLDER = re.compile(
    r"\{\{\s*([A-Za-z_][\w.-]*(?: [\w.-]+){0,4})\s*"
    r"(?:\|\s*(?:default\s*:\s*)?(?:\"([^\"{}\n]*)\"|'([^'{}\n]*)'|([^{}|\"'\n]*?))\s*)?\}\}"
)


def fallback(m: re.Match[str]) -> str | None:
    """The text a placeholder gives when its variable has no value, if it names one."""
    for group in (2, 3, 4):
        if m.group(group) is not None:
            return m.group(group)
    return None


_SEPARATORS = re.compile(r"[\s-]+")


def variable_key(name: str) -> str:
    """How variable names are compared: ``First Name``, ``first-name`` and ``first_name`` are one variable,
    so a template's ``{{first_name}}`` is filled from a column headed "First Name"."""
    return _SEPARATORS.sub("_", name.strip()).lower()


def variable_base(name: str) -> str:
    """What a variable stands for, without the object a CRM export puts before it: ``{{contact.first_name}}``
    is ``first_name``."""
    return variable_key(name).rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Variable:
    name: str
    max: int
    min: int
    sample: str


@lru_cache(maxsize=1)
def _defaults() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    data = load_data("template-variables.yaml")
    return data["default"], data["variables"]


def _builtin(key: str) -> Mapping[str, Any]:
    """The built-in table's entry for a variable: by its name, else by its last dotted part, with or without
    underscores ("contact.firstname" is first_name)."""
    _, known = _defaults()
    base = variable_base(key)
    return known.get(key) or known.get(base) or _loose_defaults().get(base.replace("_", ""), {})


@lru_cache(maxsize=1)
def _loose_defaults() -> dict[str, dict[str, Any]]:
    return {name.replace("_", ""): spec for name, spec in _defaults()[1].items()}


def variable(name: str, *declared: Mapping[str, Mapping[str, Any]]) -> Variable:
    """A variable's lengths and sample: declared (front matter first, then config), else the built-in table."""
    default, _ = _defaults()
    key = variable_key(name)
    spec: dict[str, Any] = {**default, **_builtin(key)}
    for table in reversed(declared):
        for declared_name, declared_spec in table.items():
            if variable_key(declared_name) == key:
                spec.update(declared_spec)
    sample = spec.get("sample") or name.replace("_", " ")
    maximum = int(spec["max"])
    minimum = min(int(spec.get("min", 0)), maximum)
    return Variable(name, maximum, minimum, sample)


@dataclass(frozen=True)
class Rendering:
    field: Field  # the rendered text, mapped back to the template's file offsets
    placeholders: tuple[tuple[str, int, int], ...]  # (variable, start, end) in the rendered text


def render(field: Field, values: Mapping[str, str]) -> Rendering:
    """Replace each ``{{name}}`` that has a value (names compared by :func:`variable_key`) or a fallback
    (``{{name | default: "there"}}``); leave the others as written."""
    values = {variable_key(k): v for k, v in values.items()}
    parts: list[str] = []
    index: list[int] = []
    placeholders: list[tuple[str, int, int]] = []
    position = 0
    length = 0
    for m in PLACEHOLDER.finditer(field.text):
        literal = field.text[position : m.start()]
        parts.append(literal)
        index.extend(field.to_file(i) for i in range(position, m.start()))
        length += len(literal)
        name = m.group(1)
        value = values.get(variable_key(name))
        if value is None:
            value = fallback(m)  # the tool would send the fallback ("Hi there,")
        if value is not None:
            anchor = field.to_file(m.start())
            parts.append(value)
            index.extend([anchor] * len(value))
            placeholders.append((name, length, length + len(value)))
            length += len(value)
        else:
            raw = m.group()
            parts.append(raw)
            index.extend(field.to_file(i) for i in range(m.start(), m.end()))
            length += len(raw)
        position = m.end()
    parts.append(field.text[position:])
    index.extend(field.to_file(i) for i in range(position, len(field.text)))
    text = "".join(parts)
    rendered = Field(field.name, text, field.start, field.end, tuple(index), field.exact)
    return Rendering(rendered, tuple(placeholders))


@dataclass(frozen=True)
class LengthRange:
    shortest_chars: int
    longest_chars: int
    shortest_words: int
    longest_words: int


def length_range(field: Field, variables: Mapping[str, Variable]) -> LengthRange:
    """Characters (UTF-16 units) and words of the shortest and longest renderings of a template field."""
    literal = PLACEHOLDER.sub("", field.text)
    names = names_in(field.text)
    base = utf16_length(literal)
    short_words = word_count(PLACEHOLDER.sub(" ", field.text))
    long_words = word_count(PLACEHOLDER.sub(lambda m: " " + variables[m.group(1)].sample + " ", field.text))
    return LengthRange(
        base + sum(variables[n].min for n in names),
        base + sum(variables[n].max for n in names),
        short_words + sum(1 for n in names if variables[n].min > 0),
        long_words,
    )


def names_in(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]
