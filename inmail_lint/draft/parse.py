"""Turning one file's text into a :class:`Draft`: subject, body and settings, with offsets back into the file.

A draft file is one message, in one of three forms:

1. YAML front matter between ``---`` lines, then the body;
2. a header line ``Subject: ...`` or ``Subject line: ...`` (``**Subject:**`` in Markdown), after any blank
   lines, with any ``To:``, ``From:``, ``Cc:`` lines of an e-mail header around it (an optional blank line
   follows), then the body; a ``To:`` line's name is the recipient's;
3. anything else: the whole file is the body and there is no subject.

This module is pure: it reads no files. Problems with the file itself are reported as IM001 (unreadable) and
IM002 (invalid front matter) :class:`Problem` values that the linter treats like any other finding.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from inmail_lint.draft.profiles import validate_profile
from inmail_lint.util.text import normalize_newlines
from inmail_lint.util.yamlsafe import UnsafeYaml, load_yaml

MAX_BYTES = 1024 * 1024
MAX_KEY_PROBLEMS = 20  # unknown keys reported one by one; past this, one summary
BOM = "\ufeff"

UNREADABLE = "IM001"
INVALID_FRONT_MATTER = "IM002"

_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|\Z)")
_HSPACE = r"[^\S\r\n]"
_FENCE = re.compile(rf"---{_HSPACE}*")
# "Subject:", "Subject line:", and in Markdown "**Subject:**" or "**Subject**:"
_SUBJECT_HEADER = re.compile(rf"(?i)(?P<em>[*_]{{1,2}})?subject(?:{_HSPACE}+line)?[*_]{{0,2}}{_HSPACE}*:[*_]{{0,2}}")
# other lines of an e-mail style header block around the subject line ("To: Marta Kowalczyk")
_OTHER_HEADER = re.compile(rf"(?i)[*_]{{0,2}}(?P<name>to|from|cc|bcc|date|reply-to)[*_]{{0,2}}{_HSPACE}*:[*_]{{0,2}}")
_ADDRESS = re.compile(r"<[^<>]*>|\S+@\S+|\([^()]*\)")
_LEADING_BLANK_LINES = re.compile(rf"(?:{_HSPACE}*(?:\r\n|\r|\n))*")
_HSPACE_RUN = re.compile(rf"{_HSPACE}*")


@dataclass(frozen=True)
class Problem:
    """A problem with the file itself (IM001, IM002), in file offsets."""

    code: str
    message: str
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Field:
    """One part of the message as it will be sent (``subject``, ``body`` or ``cta``).

    ``text`` has LF line breaks and is trimmed the way it is counted. ``start`` and ``end`` are the file offsets
    of the text; ``index`` maps each character of ``text`` to its file offset where that is not simply
    ``start + i`` (CRLF line breaks), and ``exact`` is False when the text came from a YAML scalar whose
    escapes or folding make characters impossible to place: then every offset maps to the whole scalar.
    """

    name: str
    text: str
    start: int
    end: int
    index: tuple[int, ...] | None = None
    exact: bool = True

    def to_file(self, i: int) -> int:
        """The file offset of character ``i`` of the field's text (``len(text)`` gives the end)."""
        if i >= len(self.text):
            return self.end
        if i <= 0 or not self.exact:
            return self.start
        if self.index is None:
            return self.start + i
        return self.index[i]

    def span_to_file(self, start: int, end: int) -> tuple[int, int]:
        if not self.exact:
            return self.start, self.end
        return self.to_file(start), max(self.to_file(start), self.to_file(end))


def field_from_slice(name: str, source: str, start: int, end: int) -> Field:
    """A field whose text is ``source[start:end]`` with line breaks normalised to LF."""
    raw = source[start:end]
    if "\r" not in raw:
        return Field(name, raw, start, end)
    text_chars: list[str] = []
    index: list[int] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\r":
            text_chars.append("\n")
            index.append(start + i)
            i += 2 if raw.startswith("\r\n", i) else 1
            continue
        text_chars.append(ch)
        index.append(start + i)
        i += 1
    return Field(name, "".join(text_chars), start, end, tuple(index))


def body_field(source: str, start: int) -> Field:
    """The body from ``start`` to the end of the file, without leading and trailing blank lines (spaces at
    the end of its last line are kept: they are sent)."""
    lead = _LEADING_BLANK_LINES.match(source, start)
    begin = lead.end() if lead else start
    finish = len(source.rstrip()) if source[begin:].strip() else begin
    if finish > begin:
        spaces = _HSPACE_RUN.match(source, finish)
        finish = spaces.end() if spaces else finish
    return field_from_slice("body", source, begin, max(begin, finish))


def _stripped_field(name: str, source: str, start: int, end: int) -> Field:
    raw = source[start:end]
    left = len(raw) - len(raw.lstrip())
    right = len(raw.rstrip())
    if right <= left:
        return field_from_slice(name, source, start + left, start + left)
    return field_from_slice(name, source, start + left, start + right)


@dataclass
class Draft:
    path: str
    source: str
    style: str = "plain"  # "front-matter", "header" or "plain"
    fields: dict[str, Field] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # valid front matter values
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # file spans of front matter values
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True  # False: only the problems are reported, no content rules run
    bom: bool = False

    @property
    def subject(self) -> Field | None:
        return self.fields.get("subject")

    @property
    def body(self) -> Field:
        return self.fields.get("body") or Field("body", "", len(self.source), len(self.source))

    @property
    def kind(self) -> str | None:
        kind = self.meta.get("kind")
        return kind if isinstance(kind, str) else None

    @property
    def ignore(self) -> tuple[str, ...]:
        settings = self.meta.get("inmail-lint") or {}
        return tuple(settings.get("ignore", ()))

    @property
    def template(self) -> bool:
        return bool(self.meta.get("template", False))


# ---------------------------------------------------------------------------------------------------------
# Bytes to text


def decode(data: bytes) -> tuple[str | None, str | None, bool]:
    """Decode a draft file's bytes: (text, problem message, had a byte-order mark)."""
    if len(data) > MAX_BYTES:
        size = len(data) / MAX_BYTES
        return None, f"file is {size:.1f} MiB; drafts over 1 MiB are not read", False
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, "file is UTF-16; save it as UTF-8", False
    nul = data.find(b"\x00")
    if nul >= 0:
        return None, f"file holds a NUL byte at byte {nul}: it looks like a binary file, not a draft", False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex().upper()
        hint = "; it looks like Latin-1 or Windows-1252" if _looks_single_byte(data) else ""
        return None, f"file is not UTF-8 (byte 0x{bad} at line {line}){hint}: save it as UTF-8", False
    if text.startswith(BOM):
        return text[1:], None, True
    return text, None, False


def _looks_single_byte(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


# ---------------------------------------------------------------------------------------------------------
# Front matter

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


#: The keys a draft's front matter may hold, each with its validator. Later features add theirs here.
FRONT_MATTER_KEYS: dict[str, Validator] = {
    "subject": _is_str,
    "kind": _is_str,
    "recipient": _is_recipient,
    "template": _is_bool,
    "inmail-lint": _is_settings,
    "cta": _is_str,
    "variables": validate_variables,
    "send_at": _is_send_time,
}

#: Front matter keys whose value is part of the sent message, and so a field.
FIELD_KEYS = ("subject", "cta")


def _lines(source: str, start: int = 0) -> Iterator[tuple[int, int, int]]:
    """(line start, content end, next line start) for each line from ``start``."""
    pos = start
    while pos <= len(source):
        m = _LINE.match(source, pos)
        if m is None:  # pragma: no cover - the pattern always matches
            return
        yield m.start(), m.end(1), m.end()
        if m.end() == pos or m.end(2) == m.end(1):  # at the end of the text
            return
        pos = m.end()


def _fence_at(source: str, start: int, end: int) -> bool:
    return _FENCE.fullmatch(source, start, end) is not None


def parse(source: str, path: str = "<string>", *, bom: bool = False) -> Draft:
    """Parse a draft's text into a Draft. Never raises on any input."""
    draft = Draft(path=path, source=source, bom=bom)
    lines = _lines(source)
    first = next(lines, None)
    if first is not None and _fence_at(source, first[0], first[1]):
        _parse_front_matter(draft, first[2], lines)
        return draft
    while first is not None and not source[first[0] : first[1]].strip() and first[2] > first[0]:
        first = next(lines, None)  # blank lines before a header line
    header: re.Match[str] | None = None
    to: str | None = None
    line = first
    body_start = 0
    while line is not None:  # a header block: the subject line, and any To:, From:, Cc: lines around it
        start, end, following = line
        subject = _SUBJECT_HEADER.match(source, start, end) if header is None else None
        other = _OTHER_HEADER.match(source, start, end) if subject is None else None
        if subject is None and other is None:
            break
        if subject is not None:
            header = subject
        elif other is not None and other.group("name").lower() == "to":
            to = source[other.end() : end]
        body_start = following
        if following == end:  # the last line of the file
            break
        line = next(lines, None)
    if header is not None:
        draft.style = "header"
        line_end = header.endpos
        if header.group("em"):  # "**Subject: Your talk**": the closing emphasis is not part of the subject
            line_end = len(source[:line_end].rstrip().rstrip("*_"))
        draft.fields["subject"] = _stripped_field("subject", source, header.end(), line_end)
        draft.fields["body"] = body_field(source, body_start)
        name = recipient_name(to) if to is not None else None
        if name is not None:
            draft.meta["recipient"] = {"name": name}
    else:
        draft.fields["body"] = body_field(source, 0)
    return draft


def recipient_name(to: str) -> str | None:
    """The name in a header's To: line ("Marta Kowalczyk <marta@allegro.pl>"), or None when it names no one
    person (an address alone, several recipients)."""
    name = " ".join(_ADDRESS.sub(" ", to).replace('"', " ").split()).strip(" ,;")
    if not name or any(ch in name for ch in ",;") or len(name.split()) > 4 or not any(c.isalpha() for c in name):
        return None
    return name


def _parse_front_matter(draft: Draft, fm_start: int, lines: Iterator[tuple[int, int, int]]) -> None:
    source = draft.source
    draft.style = "front-matter"
    for line_start, content_end, next_start in lines:
        if _fence_at(source, line_start, content_end):
            fm_end, body_start = line_start, next_start
            break
    else:
        draft.readable = False
        draft.problems.append(
            Problem(
                INVALID_FRONT_MATTER,
                "front matter opened with '---' on line 1 is never closed; add a line holding only '---' "
                "after it, before the body",
                0,
                3,
            )
        )
        return
    draft.fields["body"] = body_field(source, body_start)
    _load_front_matter(draft, fm_start, fm_end)


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
    unknown = 0
    for key_node, value_node in node.value:
        key = key_node.value
        key_span = (fm_start + key_node.start_mark.index, fm_start + key_node.end_mark.index)
        value_span = (fm_start + value_node.start_mark.index, fm_start + value_node.end_mark.index)
        value = data.get(key) if isinstance(key, str) else None
        validator = FRONT_MATTER_KEYS.get(key) if isinstance(key, str) else None
        if validator is None:
            unknown += 1
            if unknown > MAX_KEY_PROBLEMS:
                continue
            if unknown == MAX_KEY_PROBLEMS:
                extra = sum(1 for k, _ in node.value if getattr(k, "value", None) not in FRONT_MATTER_KEYS)
                draft.problems.append(
                    Problem(
                        INVALID_FRONT_MATTER, f"{extra} unknown front matter keys; the first ones are above", *key_span
                    )
                )
                continue
            hint = difflib.get_close_matches(str(key), FRONT_MATTER_KEYS, n=1)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else f"; known keys: {', '.join(FRONT_MATTER_KEYS)}"
            draft.problems.append(
                Problem(INVALID_FRONT_MATTER, f"unknown front matter key {key!r}{suggestion}", *key_span)
            )
            continue
        error = validator(value)
        if error is not None:
            draft.problems.append(Problem(INVALID_FRONT_MATTER, f"'{key}' {error}", *value_span))
            continue
        draft.meta[key] = value
        draft.spans[key] = value_span
        if key in FIELD_KEYS and isinstance(value, str):
            draft.fields[key] = _scalar_field(key, source, value, value_node, fm_start)


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
        message = f"front matter is not valid YAML: {problem}"
        if context and context_mark is not None:
            message += f" ({context}, which starts on line {context_mark.line + 2})"
            if problem_mark is not None and problem_mark.index >= len(text.rstrip()):
                mark = context_mark  # the parser ran off the end: point where the construct began
    at = fm_start + (mark.index if mark is not None else 0)
    return Problem(INVALID_FRONT_MATTER, message, at, at)


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
