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

import re
from collections.abc import Iterator

from inmail_lint.draft.document import (
    _HSPACE,
    INVALID_FRONT_MATTER,
    Draft,
    Field,
    Problem,
    _stripped_field,
    body_field,
    without_directives,
)
from inmail_lint.draft.frontmatter import (
    _load_front_matter,
)
from inmail_lint.util.text import valid_unicode

_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|\Z)")
_FENCE = re.compile(rf"---{_HSPACE}*")
# "Subject:", "Subject line:", and in Markdown "**Subject:**" or "**Subject**:"
_SUBJECT_HEADER = re.compile(rf"(?i)(?P<em>[*_]{{1,2}})?subject(?:{_HSPACE}+line)?[*_]{{0,2}}{_HSPACE}*:[*_]{{0,2}}")
# other lines of an e-mail style header block around the subject line ("To: Marta Kowalczyk")
_OTHER_HEADER = re.compile(rf"(?i)[*_]{{0,2}}(?P<name>to|from|cc|bcc|date|reply-to)[*_]{{0,2}}{_HSPACE}*:[*_]{{0,2}}")
_ADDRESS = re.compile(r"<[^<>]*>|\S+@\S+|\([^()]*\)")


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
    """Parse a draft's text into a Draft. Never raises on any input.

    A lone surrogate (valid in JSON, so an editor can send one; never in a decoded file) becomes U+FFFD, one
    character for one, so every offset stays the same and nothing downstream meets text it cannot encode."""
    source = valid_unicode(source)
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
        _set_body(draft, body_field(source, body_start))
        name = recipient_name(to) if to is not None else None
        if name is not None:
            draft.meta["recipient"] = {"name": name}
    else:
        _set_body(draft, body_field(source, 0))
    return draft


def _set_body(draft: Draft, body: Field) -> None:
    draft.fields["body"], draft.directives = without_directives(body)


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
    _set_body(draft, body_field(source, body_start))
    _load_front_matter(draft, fm_start, fm_end)
