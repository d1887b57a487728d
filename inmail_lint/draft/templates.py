"""Templates and mail merge: ``{{variable}}`` placeholders, their assumed lengths, and rendering a field with
values while keeping every character's place in the original file."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from inmail_lint.draft.document import Field
from inmail_lint.draft.lengths import LengthRange, Variable
from inmail_lint.util.resources import load_data
from inmail_lint.util.text import utf16_length, word_count

# {{first_name}}, {{ company }}, names with spaces as outreach tools export them ({{First Name}}), and a
# fallback for an empty value: {{first_name | default: "there"}} (Liquid) or {{first_name|there}}
PLACEHOLDER = re.compile(
    r"\{\{\s*([A-Za-z_][\w.-]*(?: [\w.-]+){0,4})\s*"
    r"(?:\|\s*(?:default\s*:\s*)?(?:\"([^\"{}\n]*)\"|'([^'{}\n]*)'|([^{}|\"'\n]*?))\s*)?\}\}"
)


# the block tags of Handlebars/Mustache ({{#if x}}, {{else}}, {{/if}}, {{^x}}, {{! note }}) and Liquid
# ({% if x %}, {% else %}, {% endif %}): they choose what a row gets, and are never sent themselves
BLOCK_TAG = re.compile(
    r"\{\{~?\s*(?:(?P<hb>[#^/])\s*(?P<hb_word>[\w.-]{0,80})\s*(?P<hb_arg>[^{}\n]{0,200}?)"
    r"|(?P<hb_else>else(?:\s+if\s+(?P<hb_elif>[^{}\n]{0,200}?))?)|![^{}\n]{0,200})\s*~?\}\}"
    r"|\{%-?\s*(?P<lq_word>\w{1,40})\s*(?P<lq_arg>[^%\n]{0,200}?)\s*-?%\}"
)
_BARE_NAME = re.compile(r"[A-Za-z_][\w.-]*")
_NOT_BLANK = re.compile(r"""\s*(?:!=|<>)\s*(?:blank|empty|nil|null|""|'')\s*$""")


def branches(text: str, has_value: Callable[[str], bool]) -> list[tuple[int, int]]:
    """The spans of ``text`` a template engine would send: block tags left out, and of each if/else the branch
    the values choose (``has_value(name)``). A condition that is more than a variable's name counts as true."""
    kept: list[tuple[int, int]] = []
    # per open block: [this branch is sent, a branch of it was taken, the text around the block is sent]
    frames: list[list[bool]] = []
    position = 0

    def sending() -> bool:
        return not frames or (frames[-1][0] and frames[-1][2])

    def holds(condition: str) -> bool:
        name = _NOT_BLANK.sub("", condition.strip())  # "x != blank" asks whether x has a value
        return has_value(name) if _BARE_NAME.fullmatch(name) else True

    def open_block(sent: bool) -> None:
        frames.append([sent, sent, sending()])

    for m in BLOCK_TAG.finditer(text):
        if sending() and m.start() > position:
            kept.append((position, m.start()))
        position = m.end()
        sign, liquid = m.group("hb"), m.group("lq_word") is not None
        word = (m.group("hb_word") or m.group("lq_word") or "").lower()
        argument = m.group("hb_arg") or m.group("lq_arg") or ""
        if sign == "/" or (liquid and word.startswith("end")):
            if frames:
                frames.pop()
        elif m.group("hb_else") or (liquid and word in ("else", "elsif")):
            condition = m.group("hb_elif") if m.group("hb_else") else (argument if word == "elsif" else None)
            if frames:
                sent = not frames[-1][1] and (condition is None or holds(condition))
                frames[-1][0] = sent
                frames[-1][1] = frames[-1][1] or sent
        else:
            opened = _opens(sign, liquid, word, argument, holds)
            if opened is not None:
                open_block(opened)
    if sending() and position < len(text):
        kept.append((position, len(text)))
    return kept


def _opens(sign: str | None, liquid: bool, word: str, argument: str, holds: Callable[[str], bool]) -> bool | None:
    """Whether a tag that opens a block sends what it holds; None for a tag that opens none."""
    if (sign == "#" or liquid) and word == "unless":
        return not holds(argument)
    if ((sign == "#" or liquid) and word == "if") or (sign == "#" and word in ("with", "each")):
        return holds(argument)
    if sign == "#":  # a Mustache section: {{#company}}...{{/company}}
        return holds(word)
    if sign == "^":  # an inverted section: {{^company}}...{{/company}}
        return not holds(word)
    if liquid and word in ("for", "case", "capture", "comment", "raw"):
        return word in ("for", "case")  # a loop or case is sent; a capture or comment is not
    return None  # other tags ({{! note }}, {% assign %}, {% when %}) send nothing themselves


def selected(text: str, has_value: Callable[[str], bool]) -> str:
    """The text of :func:`branches`."""
    if "{{" not in text and "{%" not in text:
        return text
    return "".join(text[a:b] for a, b in branches(text, has_value))


def fallback(m: re.Match[str]) -> str | None:
    """The text a placeholder gives when its variable has no value, if it names one."""
    for group in (2, 3, 4):
        if m.group(group) is not None:
            return m.group(group)
    return None


_SEPARATORS = re.compile(r"[\s-]+")


@lru_cache(maxsize=4096)  # asked for every placeholder of a template, which repeats its few names
def variable_key(name: str) -> str:
    """How variable names are compared: ``First Name``, ``first-name`` and ``first_name`` are one variable,
    so a template's ``{{first_name}}`` is filled from a column headed "First Name"."""
    return _SEPARATORS.sub("_", name.strip()).lower()


def variable_base(name: str) -> str:
    """What a variable stands for, without the object a CRM export puts before it: ``{{contact.first_name}}``
    is ``first_name``."""
    return variable_key(name).rsplit(".", 1)[-1]


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
    builtin = _builtin(key)
    spec: dict[str, Any] = {**default, **builtin}
    assumed = not builtin
    for table in reversed(declared):
        for declared_name, declared_spec in table.items():
            if variable_key(declared_name) == key:
                spec.update(declared_spec)
                assumed = assumed and "max" not in declared_spec
    sample = spec.get("sample") or name.replace("_", " ")
    maximum = int(spec["max"])
    minimum = min(int(spec.get("min", 0)), maximum)
    return Variable(name, maximum, minimum, sample, assumed)


@dataclass(frozen=True)
class Rendering:
    field: Field  # the rendered text, mapped back to the template's file offsets
    placeholders: tuple[tuple[str, int, int], ...]  # (variable, start, end) in the rendered text


def render(field: Field, values: Mapping[str, str], *, spaced: bool = False) -> Rendering:
    """Replace each ``{{name}}`` that has a value (names compared by :func:`variable_key`) or a fallback
    (``{{name | default: "there"}}``); leave the others as written. Block tags ({{#if x}}, {% if x %}) are
    left out, with the branches the values do not choose. ``spaced`` puts a space between a value and a
    letter it would otherwise touch (``{{intro}}I'm writing``): for reading a template's language with sample
    values, never for a message that is sent."""
    values = {variable_key(k): v for k, v in values.items()}
    parts: list[str] = []
    index: list[int] = []
    placeholders: list[tuple[str, int, int]] = []
    length = 0
    for start, end in branches(field.text, lambda name: bool(values.get(variable_key(name), "").strip())):
        position = start
        for m in PLACEHOLDER.finditer(field.text, start, end):
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
                if spaced and value:
                    if parts and parts[-1][-1:].isalnum():
                        value = " " + value
                    if m.end() < len(field.text) and field.text[m.end()].isalnum():
                        value += " "
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
        parts.append(field.text[position:end])
        index.extend(field.to_file(i) for i in range(position, end))
        length += end - position
    text = "".join(parts)
    rendered = Field(field.name, text, field.start, field.end, tuple(index), field.exact)
    return Rendering(rendered, tuple(placeholders))


def length_range(field: Field, variables: Mapping[str, Variable]) -> LengthRange:
    """Characters (UTF-16 units) and words of the shortest and longest renderings of a template field (for a
    row with every value: the if-branches of its blocks)."""
    text = selected(field.text, lambda name: True)
    literal = PLACEHOLDER.sub("", text)
    names = names_in(text)
    base = utf16_length(literal)
    short_words = word_count(PLACEHOLDER.sub(" ", text))
    long_words = word_count(PLACEHOLDER.sub(lambda m: " " + variables[m.group(1)].sample + " ", text))
    typical = PLACEHOLDER.sub(lambda m: variables[m.group(1)].sample, text)
    return LengthRange(
        base + sum(variables[n].min for n in names),
        base + sum(variables[n].max for n in names),
        short_words + sum(1 for n in names if variables[n].min > 0),
        long_words,
        len(literal) + sum(variables[n].max for n in names),
        utf16_length(typical),
        long_words,
        tuple(variables[n] for n in dict.fromkeys(names)),
    )


def names_in(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]
