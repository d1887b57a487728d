"""Front matter: its keys, each with a validator, loaded with the safe YAML loader and checked key by key (IM002)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import yaml

from inmail_lint.draft.document import INVALID_FRONT_MATTER, Draft, Field, Problem, field_from_slice
from inmail_lint.draft.profiles import validate_profile
from inmail_lint.util.text import did_you_mean, normalize_newlines, shown
from inmail_lint.util.yamlsafe import UnsafeYaml, load_yaml

MAX_KEY_PROBLEMS = 20  # unknown keys reported one by one; past this, one summary


Validator = Callable[[Any], str | None]


def _is_str(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be text (put it in quotes)"


def _is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _is_recipient(value: Any) -> str | None:
    if isinstance(value, str):
        return None
    if isinstance(value, dict):
        return validate_profile(value)
    return "must be a mapping of profile fields or the path of a YAML or JSON profile"


def validate_variables(data: Any) -> str | None:
    """None if ``data`` is a valid ``variables:`` mapping, else what is wrong."""
    if not isinstance(data, dict):
        return "must be a mapping such as {first_name: {max: 20}}"
    for name, spec in data.items():
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][\w.-]*", name):
            return f"has an invalid variable name {name!r}"
        if not isinstance(spec, dict):
            return f"entry {name!r} must be a mapping with 'max', 'min' or 'sample'"
        for key, value in spec.items():
            if key in ("max", "min"):
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    return f"entry {name!r}: {key!r} must be a whole number of characters"
            elif key == "sample":
                if not isinstance(value, str):
                    return f"entry {name!r}: 'sample' must be text"
            else:
                return f"entry {name!r} has unknown key {key!r}; expected max, min or sample"
        if spec.get("min", 0) > spec.get("max", spec.get("min", 0)):
            return f"entry {name!r}: 'min' is larger than 'max'"
    return None


def _is_settings(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be a mapping such as {ignore: [IM201]}"
    unknown = sorted(set(value) - {"ignore"})
    if unknown:
        return f"has unknown key {unknown[0]!r}; the only key is 'ignore'"
    ignore = value.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(c, str) and c for c in ignore):
        return "'ignore' must be a list of rule codes such as [IM201]"
    return None


def parse_send_at(value: Any) -> dt.datetime | None:
    """A send time from front matter (a YAML date or datetime) or the command line (ISO 8601); ValueError if it
    is neither."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    raise ValueError(f"expected a date or time such as 2026-05-04T09:30, got {value!r}")


def _is_send_time(value: Any) -> str | None:
    try:
        parse_send_at(value)
    except ValueError:
        return "must be a date or time such as 2026-05-04 or 2026-05-04T09:30"
    return None


TEMPLATE_SYNTAXES = ("jinja", "liquid", "handlebars", "mustache")


def _is_template(value: Any) -> str | None:
    """``template: true`` (the syntax is detected) or the syntax's name."""
    if isinstance(value, bool) or value in TEMPLATE_SYNTAXES:
        return None
    return f"must be true, false or one of {', '.join(TEMPLATE_SYNTAXES)}"


#: The keys a draft's front matter may hold, each with its validator. Later features add theirs here.
FRONT_MATTER_KEYS: dict[str, Validator] = {
    "subject": _is_str,
    "kind": _is_str,
    "recipient": _is_recipient,
    "template": _is_template,
    "inmail-lint": _is_settings,
    "cta": _is_str,
    "variables": validate_variables,
    "send_at": _is_send_time,
}

#: Front matter keys whose value is part of the sent message, and so a field.
FIELD_KEYS = ("subject", "cta")


def _load_front_matter(draft: Draft, fm_start: int, fm_end: int) -> None:
    source = draft.source
    text = source[fm_start:fm_end]
    try:
        node, data = load_yaml(text)
    except UnsafeYaml as exc:
        draft.readable = False
        at = fm_start + exc.index
        draft.problems.append(Problem(INVALID_FRONT_MATTER, f"front matter {exc}", at, at))
        return
    except yaml.YAMLError as exc:
        draft.readable = False
        draft.problems.append(_yaml_problem(exc, text, fm_start))
        return
    except (RecursionError, ValueError, TypeError) as exc:
        draft.readable = False
        draft.problems.append(
            Problem(INVALID_FRONT_MATTER, f"front matter could not be read: {exc}", fm_start, fm_start)
        )
        return
    if node is None:
        return
    if not isinstance(data, dict):
        draft.readable = False
        draft.problems.append(
            Problem(
                INVALID_FRONT_MATTER,
                f"front matter must be a mapping of keys such as 'subject: ...', not {_describe(data)}",
                fm_start,
                fm_end,
            )
        )
        return
    assert isinstance(node, yaml.MappingNode)
    _read_keys(draft, node, data, fm_start)


def _read_keys(draft: Draft, node: yaml.MappingNode, data: dict[Any, Any], fm_start: int) -> None:
    """Each key of the front matter checked and kept (its value in ``meta``, a field's text in ``fields``)."""
    unknown = 0
    for key_node, value_node in node.value:
        key = key_node.value
        key_span = (fm_start + key_node.start_mark.index, fm_start + key_node.end_mark.index)
        value_span = (fm_start + value_node.start_mark.index, fm_start + value_node.end_mark.index)
        value = data.get(key) if isinstance(key, str) else None
        validator = FRONT_MATTER_KEYS.get(key) if isinstance(key, str) else None
        if validator is None:
            unknown += 1
            if unknown <= MAX_KEY_PROBLEMS:
                draft.problems.append(_unknown_key(key, key_span, node, unknown == MAX_KEY_PROBLEMS))
            continue
        error = validator(value)
        if error is not None:
            draft.problems.append(Problem(INVALID_FRONT_MATTER, f"'{key}' {error}", *value_span))
            continue
        draft.meta[key] = value
        draft.spans[key] = value_span
        if key in FIELD_KEYS and isinstance(value, str):
            draft.fields[key] = _scalar_field(key, draft.source, value, value_node, fm_start)
            comment = _comment_after(draft.source, key, value_node, fm_start)
            if comment is not None:
                draft.problems.append(comment)


# a plain (unquoted) value ends where " #" starts: YAML reads the rest of the line as a comment
_TRAILING_COMMENT = re.compile(r"[ \t]+#")


def _line_end(text: str, at: int) -> int:
    """Where the line holding ``at`` ends (at its CR or LF, or the text's end)."""
    ends = [i for i in (text.find("\n", at), text.find("\r", at)) if i >= 0]
    return min(ends, default=len(text))


def _comment_after(source: str, key: str, node: yaml.Node, fm_start: int) -> Problem | None:
    """IM002 for a field's unquoted value followed by ' #' on its line ('subject: Your talk at #PyData'): YAML
    reads the rest as a comment, so the writer's words would be dropped from the message without a word."""
    if getattr(node, "style", None) not in (None, ""):  # quoted or a block scalar ('' is plain to libyaml)
        return None
    match = _TRAILING_COMMENT.match(source, fm_start + node.end_mark.index)
    if match is None:
        return None
    start = match.end() - 1
    end = start + len(source[start : _line_end(source, start)].rstrip(" \t"))  # (no pattern over it: a MiB line)
    message = (
        f"'{key}' stops before '{shown(source[start:end])}': YAML reads ' #' and what follows as a comment, so it "
        f"is not part of the {key}; put the whole {key} in quotes to keep it"
    )
    return Problem(INVALID_FRONT_MATTER, message, start, end)


def _unknown_key(key: Any, span: tuple[int, int], node: yaml.MappingNode, last: bool) -> Problem:
    """IM002 for an unknown key; the last one said counts all the unknown keys."""
    if last:
        extra = sum(1 for k, _ in node.value if getattr(k, "value", None) not in FRONT_MATTER_KEYS)
        return Problem(INVALID_FRONT_MATTER, f"{extra} unknown front matter keys; the first ones are above", *span)
    suggestion = did_you_mean(key, FRONT_MATTER_KEYS) or f"; known keys: {', '.join(FRONT_MATTER_KEYS)}"
    return Problem(INVALID_FRONT_MATTER, f"unknown front matter key {key!r}{suggestion}", *span)


def _yaml_problem(exc: yaml.YAMLError, text: str, fm_start: int) -> Problem:
    """IM002 for a YAML error, placed where the problem is (or where the unfinished construct began)."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0]).strip()
    context = getattr(exc, "context", None)
    mark = problem_mark or context_mark
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
        message = f"front matter uses a YAML tag that is not allowed (tags that build objects are refused): {problem}"
    else:
        message = f"front matter is not valid YAML: {problem}{_quote_hint(problem, text, problem_mark)}"
        if context and context_mark is not None:
            message += f" ({context}, which starts on line {context_mark.line + 2})"
            if problem_mark is not None and problem_mark.index >= len(text.rstrip()):
                mark = context_mark  # the parser ran off the end: point where the construct began
    at = fm_start + (mark.index if mark is not None else 0)
    return Problem(INVALID_FRONT_MATTER, message, at, at)


# "subject: Re: our chat": a key, then an unquoted value that holds ": " itself
_KEY_AND_VALUE = re.compile(r"[ \t]*([A-Za-z_][\w-]*):[ \t]+(?=[^'\"\s])")


def _quote_hint(problem: str, text: str, mark: Any) -> str:
    """How to fix the commonest YAML error in a draft: a subject holding ': ' ("Re: ...", "Quick question: ...")
    that YAML reads as a second key. Empty when the error is another one."""
    if problem != "mapping values are not allowed here" or mark is None:
        return ""
    line_start = max(text.rfind("\n", 0, mark.index), text.rfind("\r", 0, mark.index)) + 1
    match = _KEY_AND_VALUE.match(text, line_start)
    if match is None:
        return ""
    value = text[match.end() : _line_end(text, match.end())].rstrip(" \t")  # (no pattern over it: a MiB line)
    if ": " not in value + " ":
        return ""
    # a JSON string is a YAML double-quoted scalar: its escapes are YAML's
    return f"; a value holding ': ' goes in quotes: {match.group(1)}: {json.dumps(shown(value), ensure_ascii=False)}"


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "plain text"
    return f"a {type(value).__name__}"


def _scalar_field(name: str, source: str, value: str, node: yaml.Node, fm_start: int) -> Field:
    """A field for a YAML string value, placed exactly when the file holds its characters verbatim."""
    start = fm_start + node.start_mark.index
    end = fm_start + node.end_mark.index
    style = getattr(node, "style", None)
    inner_start, inner_end = (start + 1, end - 1) if style in ("'", '"') and end - start >= 2 else (start, end)
    text = value.strip()
    if normalize_newlines(source[inner_start:inner_end]) == value:
        lead = len(value) - len(value.lstrip())
        placed = field_from_slice(name, source, inner_start + lead, inner_start + lead + len(text))
        if placed.text == text:
            return placed
    return Field(name, text, start, end, exact=False)
