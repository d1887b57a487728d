"""The page's two text fields and the file they belong to.

The page edits a draft as a subject and a body; the file keeps its own form (front matter, a ``Subject:`` line,
or a body alone), its other front matter as written, its line endings. :func:`splice` puts the fields' text
into the file's text where the parser found them, and keeps, for each field, where each of its characters
landed in the file; :func:`to_field` takes a diagnostic's place in the file back to the field, in UTF-16 units
as the page counts. So an underline on the page covers exactly the characters the command line and the language
server point at.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from inmail_lint.draft.document import Draft
from inmail_lint.draft.parse import parse
from inmail_lint.util.text import valid_unicode

FIELDS = ("subject", "body")
_FENCE = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)
_PLAIN = yaml.SafeLoader


@dataclass(frozen=True)
class Rendering:
    """A field's text as written into the file: ``out`` starts at ``base`` in the file, and character ``i`` of
    ``text`` starts at ``base + starts[i]`` (``starts`` ends with ``len(out)``)."""

    text: str
    out: str
    base: int
    starts: tuple[int, ...]

    def to_field(self, start: int, end: int) -> tuple[int, int] | None:
        """A file span as a span of ``text`` (character indexes), or None when it lies outside this field."""
        lo, hi = start - self.base, end - self.base
        if lo < 0 or hi > len(self.out):
            return None
        first = max(0, bisect.bisect_right(self.starts, lo) - 1)
        last = bisect.bisect_left(self.starts, hi)
        return min(first, len(self.text)), max(min(last, len(self.text)), min(first, len(self.text)))


@dataclass
class Spliced:
    """The file's text with the fields put in, and where each field went."""

    source: str
    fields: dict[str, Rendering] = field(default_factory=dict)


def _plain(text: str, newline: str) -> tuple[str, tuple[int, ...]]:
    """``text`` with its line breaks in the file's style."""
    if newline == "\n" or "\n" not in text:
        return text, (*range(len(text)), len(text))
    starts, out = [], []
    position = 0
    for ch in text:
        starts.append(position)
        piece = newline if ch == "\n" else ch
        out.append(piece)
        position += len(piece)
    starts.append(position)
    return "".join(out), tuple(starts)


def _yaml_scalar(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` as a YAML value on a ``subject:`` line: plain when YAML reads it back the same, else a
    double-quoted string (JSON's escapes, which YAML reads)."""
    if text and text == text.strip() and "\n" not in text:
        try:
            if yaml.load(f"subject: {text}", Loader=_PLAIN) == {"subject": text}:
                return text, (*range(len(text)), len(text))
        except yaml.YAMLError:
            pass
    starts, out = [], ['"']
    position = 1
    for ch in text:
        piece = json.dumps(ch, ensure_ascii=False)[1:-1]
        starts.append(position)
        out.append(piece)
        position += len(piece)
    out.append('"')
    starts.append(position)
    return "".join(out), tuple(starts)


def _one_line(text: str) -> str:
    return " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text


def clean(text: Any) -> str:
    """Text from the page: a string, lone surrogates made U+FFFD (as the parser does), CRLF as LF."""
    if not isinstance(text, str):
        raise ValueError("expected text")
    return valid_unicode(text).replace("\r\n", "\n").replace("\r", "\n")


def splice(source: str, subject: str | None, body: str | None, path: str = "<page>") -> Spliced:
    """``source`` with its subject and body replaced by ``subject`` and ``body`` (None: left as it is)."""
    draft = parse(source, path)
    newline = "\r\n" if "\r\n" in source else "\n"
    pieces: list[tuple[int, int, str | None, str, tuple[int, ...]]] = []  # (start, end, field, out, starts)
    if body is not None:
        out, starts = _plain(body, newline)
        current = draft.fields.get("body")
        if current is not None and current.end > current.start:
            pieces.append((current.start, current.end, "body", out, starts))
        else:  # no body yet: after the front matter or the subject line, on a line of its own
            head = len(source.rstrip(" \t\r\n")) if draft.style != "plain" else 0
            gap = {"front-matter": newline, "header": newline * 2}.get(draft.style, "")
            final = newline if out else ""
            shifted = tuple(len(gap) + k for k in starts)
            pieces.append((head, len(source), "body", gap + out + final, shifted))
    if subject is not None:
        subject = _one_line(subject)
        current = draft.fields.get("subject")
        if draft.style == "front-matter":
            if "subject" in draft.spans:
                out, starts = _yaml_scalar(subject)
                pieces.append((*draft.spans["subject"], "subject", out, starts))
            elif subject:
                fences = list(_FENCE.finditer(source))
                at = fences[1].start() if len(fences) > 1 else 0
                out, starts = _yaml_scalar(subject)
                pieces.append((at, at, None, "subject: ", ()))
                pieces.append((at, at, "subject", out, starts))
                pieces.append((at, at, None, newline, ()))
        elif current is not None:
            pieces.append((current.start, current.end, "subject", subject, (*range(len(subject)), len(subject))))
        elif subject:
            pieces.append((0, 0, None, "Subject: ", ()))
            pieces.append((0, 0, "subject", subject, (*range(len(subject)), len(subject))))
            pieces.append((0, 0, None, newline * 2, ()))
    pieces.sort(key=lambda p: (p[0], p[1]))
    result = Spliced("")
    parts: list[str] = []
    position = 0  # in the old source
    length = 0  # of the new one
    for start, end, name, out, starts in pieces:
        keep = source[position:start] if start >= position else ""
        parts.append(keep)
        length += len(keep)
        if name is not None:
            text = (subject if name == "subject" else body) or ""
            result.fields[name] = Rendering(text, out, length, starts)
        parts.append(out)
        length += len(out)
        position = max(position, end)
    parts.append(source[position:])
    result.source = "".join(parts)
    return result


def new_draft(kind: str, recipient: Any, subject: str, body: str, cta: str | None = None) -> Spliced:
    """A new draft in front matter form: its kind, the recipient (a mapping of profile fields, or a profile's
    path), a Message Ad's button label (``cta``), the subject, and the body."""
    meta: dict[str, Any] = {"kind": kind}
    if recipient:
        meta["recipient"] = recipient
    if cta:
        meta["cta"] = cta
    head = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    subject_out, subject_starts = _yaml_scalar(_one_line(subject))
    lead = head + "subject: "
    middle = "\n---\n"
    body_out, body_starts = _plain(body, "\n")
    source = lead + subject_out + middle + body_out + ("\n" if body_out and not body_out.endswith("\n") else "")
    return Spliced(
        source,
        {
            "subject": Rendering(_one_line(subject), subject_out, len(lead), subject_starts),
            "body": Rendering(body, body_out, len(lead) + len(subject_out) + len(middle), body_starts),
        },
    )


def field_texts(draft: Draft) -> dict[str, str]:
    """The subject and body as the page shows them: as the parser reads them, but for the directives inside
    the body (``<!-- inmail-lint: ignore ... -->``), which the page keeps as written so that a save leaves
    them in the file."""
    texts = {name: draft.fields[name].text if name in draft.fields else "" for name in FIELDS}
    body = draft.fields.get("body")
    if draft.directives and body is not None:
        texts["body"] = draft.source[body.start : body.end].replace("\r\n", "\n").replace("\r", "\n")
    return texts


def _yaml_value(value: Any) -> str:
    """A front matter value on one line: a scalar, or a flow mapping for a recipient's fields."""
    return (
        yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=100_000).strip().removesuffix("\n...")
    )


def with_front_matter(source: str, values: Mapping[str, Any], path: str = "<page>") -> str:
    """``source`` with these front matter keys set (a value of None removes the key), and nothing else of the
    file changed: a value the front matter has is replaced where it is written, a new key goes before the
    closing fence. A draft without front matter gets one, and its subject line moves into it (a draft with
    front matter takes its subject from there)."""
    draft = parse(source, path)
    newline = "\r\n" if "\r\n" in source else "\n"
    if draft.style != "front-matter" and all(v is None for v in values.values()):
        return source  # nothing to write, and no front matter to write it in
    if draft.style != "front-matter":
        meta: dict[str, Any] = {}
        if "subject" in draft.fields and draft.style == "header":
            meta["subject"] = draft.fields["subject"].text
        meta.update({k: v for k, v in values.items() if v is not None})
        body = draft.fields.get("body")
        rest = source[body.start :] if body is not None and body.end > body.start else ""
        head = "".join(f"{key}: {_yaml_value(value)}{newline}" for key, value in meta.items())
        return f"---{newline}{head}---{newline}{rest}"
    fences = list(_FENCE.finditer(source))
    closing = fences[1].start() if len(fences) > 1 else len(source)
    edits: list[tuple[int, int, str]] = []
    for key, value in values.items():
        span = draft.spans.get(key)
        if span is not None:
            start, end = span
            if value is None:  # the whole "key: value" line(s)
                line = source.rfind("\n", 0, start) + 1
                key_line = source.rfind("\n", 0, source.rfind(key + ":", 0, start) + 1) + 1
                after = source.find("\n", end - 1 if source[end - 1 : end] == "\n" else end)
                edits.append((min(line, key_line), len(source) if after < 0 else after + 1, ""))
            else:
                keep = newline if source[start:end].endswith("\n") else ""
                edits.append((start, end, _yaml_value(value) + keep))
        elif value is not None:
            edits.append((closing, closing, f"{key}: {_yaml_value(value)}{newline}"))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source
