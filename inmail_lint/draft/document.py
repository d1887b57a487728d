"""The draft as the rest of the flow sees it: a :class:`Draft` of :class:`Field` values (subject, body, call to
action) with offsets back into the file, and the :class:`Problem` values (IM001, IM002) found reading it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

UNREADABLE = "IM001"
INVALID_FRONT_MATTER = "IM002"

_HSPACE = r"[^\S\r\n]"
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


# "<!-- inmail-lint: ignore IM404, IM405 -- the sender is the point here -->" on a line of its own
_DIRECTIVE_LINE = re.compile(r"^[^\S\n]*<!--[^\S\n]*inmail-lint[^\S\n]*:(?P<text>[^\n]*?)-->[^\S\n]*(?:\n|$)", re.M)
_DIRECTIVE = re.compile(r"^\s*(?P<verb>[\w-]*)\s*(?P<codes>[^\n]*?)\s*(?:--\s*(?P<reason>.*?))?\s*$", re.S)
_CODE = re.compile(r"^[A-Z]{1,4}\d{0,4}$")


@dataclass(frozen=True)
class Directive:
    """A comment in the body that speaks to inmail-lint and is never part of the message: it silences the
    named rules on its own line and the next. ``start``/``end`` are the comment's file offsets, ``target`` the
    file offset where the line after it ends (the findings that start before it are the directive's);
    ``error`` says what is wrong with one that cannot be followed."""

    start: int
    end: int
    target: int
    codes: tuple[str, ...] = ()
    reason: str = ""
    error: str | None = None


def _parse_directive(text: str) -> tuple[tuple[str, ...], str, str | None]:
    m = _DIRECTIVE.match(text)
    assert m is not None  # the expression matches any text
    verb, written, reason = m.group("verb").lower(), m.group("codes"), (m.group("reason") or "").strip()
    example = "<!-- inmail-lint: ignore IM404 -- why -->"
    if verb != "ignore":
        return (), reason, f"'{text.strip()}' is not a directive inmail-lint knows; write {example}"
    codes = tuple(c for c in re.split(r"[\s,]+", written.strip()) if c)
    if not codes:
        return (), reason, f"'ignore' must name the codes it silences, e.g. {example}"
    bad = [c for c in codes if not _CODE.match(c)]
    if bad:
        return codes, reason, f"'{bad[0]}' is not a rule code; write codes such as IM404 or IM4, e.g. {example}"
    return codes, reason, None


def without_directives(body: Field) -> tuple[Field, tuple[Directive, ...]]:
    """The body as it is sent: without the lines that hold only an inmail-lint directive (they are not
    counted, linted, sent or copied), and the directives, with what each applies to."""
    if "inmail-lint" not in body.text:
        return body, ()
    found = list(_DIRECTIVE_LINE.finditer(body.text))
    if not found:
        return body, ()
    chars: list[str] = []
    index: list[int] = []
    found_at: list[tuple[int, int, int, re.Match[str]]] = []  # (comment start, end, where the kept text resumes)
    position = 0
    for m in found:
        chars.extend(body.text[position : m.start()])
        index.extend(body.to_file(i) for i in range(position, m.start()))
        position = m.end()
        comment = body.text.index("<!--", m.start())
        end = body.text.index("-->", comment) + 3
        found_at.append((body.to_file(comment), body.to_file(end), len(chars), m))
    chars.extend(body.text[position:])
    index.extend(body.to_file(i) for i in range(position, len(body.text)))
    text = "".join(chars)
    directives = []
    for start, end, resumes, m in found_at:
        # it applies up to the end of the first line after it that is not a directive
        line_end = text.find("\n", resumes)
        target = index[line_end] if line_end >= 0 else body.end
        directives.append(Directive(start, end, target, *_parse_directive(m.group("text"))))
    lead = len(text) - len(text.lstrip("\n"))  # a directive that opened the body leaves its blank line
    trail = len(text.rstrip("\n"))
    text, index = text[lead:trail], index[lead:trail]
    if not text:
        return Field(body.name, "", body.start, body.start, None, body.exact), tuple(directives)
    return Field(body.name, text, index[0], index[-1] + 1, tuple(index), body.exact), tuple(directives)


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
    reads: list[str] = field(default_factory=list)  # other files read for it (a recipient profile)
    directives: tuple[Directive, ...] = ()  # <!-- inmail-lint: ignore ... --> lines of the body

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
