"""What linting one draft gives: a :class:`FileResult` (its fields' counts, its diagnostics placed in rows and
UTF-16 columns, the refund estimate), and its JSON form. Formatters read only this; the JSON form lives here so
the engine never imports the report layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from inmail_lint.diagnostic import Diagnostic, FileEdit, FileFix, Locator, Severity
from inmail_lint.draft.lengths import Counts, LengthRange
from inmail_lint.model.estimate import Estimate

JSON_VERSION = 1


#: How the note for a draft in another language opens (``--quiet`` and the config's ``language-note = false``
#: leave it out); here, where a cached run's report reads it, not in the linter.
LANGUAGE_NOTE = "the body is not in English, so the rules that read English phrasing were not run"


@dataclass(frozen=True)
class FieldSummary:
    text: str  # as written (a template keeps its placeholders)
    counts: Counts  # for a template: of the longest rendering
    lengths: LengthRange | None = None  # for a template: shortest and longest renderings


@dataclass
class FileResult:
    """Everything the linter found in one draft; formatters read only this."""

    path: str
    kind: str | None
    fields: dict[str, FieldSummary] = field(default_factory=dict)
    row: int | None = None  # mail merge: the data row this rendering came from (1 = first after the header)
    row_id: str | None = None  # and its id column
    estimate: Estimate | None = None  # the refund likelihood (None for an unreadable draft)
    observations: dict[str, Any] | None = None  # what the refund model observed (for calibrate); not reported
    # a row of a batch file: the line of the file where the row starts. Diagnostics keep their position in the
    # row's draft (line 1 the subject, the body from line 3); reports that point into the file use this line.
    source_line: int | None = None

    def file_position(self, d: Diagnostic) -> tuple[tuple[int, int], tuple[int, int]]:
        """Where a diagnostic is in the file the report names: (line, column) of its start and end."""
        if self.source_line is not None:
            return (self.source_line, 1), (self.source_line, 1)
        start = (d.location.row, d.location.column) if d.location else (1, 1)
        end = (d.end_location.row, d.end_location.column) if d.end_location else start
        return start, end

    error: str | None = None  # an internal error while linting this draft (reported, never formatted)
    notes: list[str] = field(default_factory=list)  # printed to standard error by the command line
    skipped: list[str] = field(default_factory=list)  # checks that did not run on it (a stopped pattern)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    locator: Locator | None = None  # the file's table of lines, when it has diagnostics
    reads: list[str] = field(default_factory=list)  # other files read for it (a recipient profile); not reported

    def line(self, row: int) -> str | None:
        """The text of line ``row`` (1-based) of the file, for showing context."""
        return self.locator.line_text(row) if self.locator else None

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def to_dict(self) -> dict[str, Any]:
        """The same content as this draft's entry in the JSON report."""
        return result_to_json(self)


class Pending(NamedTuple):
    """A finding in file offsets, stamped by the linter with its rule, before it is placed in rows and UTF-16
    columns (once per file, by :func:`place`, which builds its :class:`Diagnostic`)."""

    code: str
    name: str
    severity: Severity
    message: str
    field: str
    start: int
    end: int
    doc: str
    url: str | None
    fix: FileFix | None  # in file offsets; UTF-16 filled in by place
    located: bool  # False: about the whole file (it could not be read): no place in it to point at

    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.code)


def place(source: str, pending: list[Pending]) -> tuple[list[Diagnostic], Locator | None]:
    """Each finding as a :class:`Diagnostic`, built once, in file order, with its row, UTF-16 column, UTF-16
    offset and length; one table of lines per file."""
    if not pending:
        return [], None
    locator = Locator(source)
    placed = []
    utf16_offset, position = locator.utf16_offset, locator.position
    for p in sorted(pending, key=Pending.sort_key):
        offset = utf16_offset(p.start)
        fix = p.fix
        if fix is not None:
            fix = FileFix(fix.message, tuple(_utf16_edit(locator, e) for e in fix.edits), fix.safe)
        placed.append(
            Diagnostic(
                code=p.code,
                name=p.name,
                severity=p.severity,
                message=p.message,
                field=p.field,
                start=p.start,
                end=p.end,
                doc=p.doc,
                url=p.url,
                fix=fix,
                location=position(p.start) if p.located else None,
                end_location=position(p.end) if p.located else None,
                offset=offset,
                length=utf16_offset(p.end) - offset,
            )
        )
    return placed, locator


def _utf16_edit(locator: Locator, edit: FileEdit) -> FileEdit:
    offset = locator.utf16_offset(edit.start)
    return FileEdit(edit.start, edit.end, edit.text, offset, locator.utf16_offset(edit.end) - offset)


def diagnostic_to_json(d: Diagnostic) -> dict[str, Any]:
    loc, end = d.location, d.end_location
    return {
        "code": d.code,
        "name": d.name,
        "severity": str(d.severity),
        "message": d.message,
        "field": d.field,
        "location": {"row": loc.row, "column": loc.column} if loc else {"row": 1, "column": 1},
        "end_location": {"row": end.row, "column": end.column} if end else {"row": 1, "column": 1},
        "offset": d.offset,
        "length": d.length,
        "url": d.url,
        "doc": d.doc,
        "fix": None
        if d.fix is None
        else {
            "message": d.fix.message,
            "safe": d.fix.safe,
            "edits": [{"offset": e.offset, "length": e.length, "text": e.text} for e in d.fix.edits],
        },
    }


def result_to_json(result: FileResult) -> dict[str, Any]:
    def field_json(name: str) -> dict[str, Any] | None:
        summary = result.fields.get(name)
        if summary is None:
            return None
        counts = summary.counts
        data: dict[str, Any] = {
            "text": summary.text,
            "chars": counts.chars,
            "chars_utf16": counts.chars_utf16,
            "words": counts.words,
        }
        if summary.lengths is not None:
            lengths = summary.lengths
            data["rendered"] = {
                "shortest": {"chars_utf16": lengths.shortest_chars, "words": lengths.shortest_words},
                "longest": {"chars_utf16": lengths.longest_chars, "words": lengths.longest_words},
            }
        return data

    document: dict[str, Any] = {"path": result.path}
    if result.row is not None:
        document["row"] = result.row
        document["id"] = result.row_id
    if result.source_line is not None:
        document["source_line"] = result.source_line
    document.update(
        {
            "kind": result.kind,
            "subject": field_json("subject"),
            "body": field_json("body"),
            "diagnostics": _with_gains([diagnostic_to_json(d) for d in result.diagnostics], result.estimate),
            "estimate": estimate_to_json(result.estimate),
        }
    )
    if result.notes:
        document["notes"] = list(result.notes)
    return document


def _with_gains(diagnostics: list[dict[str, Any]], estimate: Estimate | None) -> list[dict[str, Any]]:
    """Each diagnostic that lowers the estimate says what the estimate would be without its rule's findings."""
    gains = dict(estimate.if_fixed) if estimate is not None else {}
    for d in diagnostics:
        if d["code"] in gains:
            d["estimate_if_fixed"] = round(gains[d["code"]], 4)
    return diagnostics


def estimate_to_json(estimate: Estimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {
        "probability": round(estimate.probability, 4),
        "low": round(estimate.low, 4),
        "high": round(estimate.high, 4),
        "if_fixed": [{"code": code, "probability": round(p, 4)} for code, p in estimate.if_fixed],
        "baseline": estimate.baseline,
        "model": estimate.model,
        "factors": [
            {
                "name": f.name,
                "observed": f.label,
                "odds_ratio": round(f.odds_ratio, 4),
                "source": f.source,
                "grade": f.grade,
            }
            for f in estimate.factors
        ],
        "credit_at_stake": estimate.credit_at_stake,
        "expected_credit_cost": round(estimate.expected_credit_cost, 4),
        **({"held": list(estimate.held)} if estimate.held else {}),
        **({"caveat": estimate.caveat} if estimate.caveat else {}),
    }
