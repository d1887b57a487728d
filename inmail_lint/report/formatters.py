"""Output formats. A formatter only reads results: it is given each file's result as it is linted, then a
summary, and writes text to a stream."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from inmail_lint.diagnostic import Diagnostic, Severity
from inmail_lint.engine.result import JSON_VERSION, FileResult, diagnostic_to_json, result_to_json
from inmail_lint.model.estimate import grade_legend, percent
from inmail_lint.util.text import escape_unsafe, index_at_utf16, shown_unsafe, valid_unicode, xml_text
from inmail_lint.util.version import __version__

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_CONTEXT_WIDTH = 100


@dataclass
class Summary:
    files: int = 0
    files_with_problems: int = 0
    by_severity: Counter[Severity] = field(default_factory=Counter)
    by_code: Counter[tuple[str, str, Severity]] = field(default_factory=Counter)
    path_errors: int = 0
    include: tuple[str, ...] = ()
    fixed: int = 0
    errors: int = 0  # files that could not be linted, fixed or written (each reported on standard error)
    incomplete: Counter[str] = field(default_factory=Counter)  # checks skipped, by check: drafts skipped

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.incomplete.update(result.skipped)
        if result.diagnostics:
            self.files_with_problems += 1
        for d in result.diagnostics:
            self.by_severity[d.severity] += 1
            self.by_code[(d.code, d.name, d.severity)] += 1

    @property
    def problems(self) -> int:
        return sum(self.by_severity.values())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(frozen=True)
class RuleDoc:
    """What a formatter may say about a rule besides its diagnostics (SARIF's rule metadata)."""

    code: str
    name: str
    summary: str
    explanation: str
    severity: Severity
    url: str | None = None


class Formatter:
    name: ClassVar[str] = ""

    def __init__(
        self,
        out: IO[str],
        *,
        color: bool = False,
        summary: bool = True,
        statistics: bool = False,
        rule_docs: Mapping[str, RuleDoc] | None = None,
        fail_on: Severity = Severity.WARNING,
    ) -> None:
        self.rule_docs = rule_docs if rule_docs is not None else {}
        self.fail_on = fail_on  # what makes a draft fail, as --fail-on makes the run fail
        self.out = out
        self.color = color
        self.show_summary = summary
        self.statistics = statistics

    def start(self) -> None:
        pass

    def file(self, result: FileResult) -> None:
        pass

    def finish(self, summary: Summary) -> None:
        pass

    def style(self, text: str, **styles: Any) -> str:
        if not self.color:
            return text
        import click  # only a coloured report needs it (the JSON formats and the server do not)

        return click.style(text, **styles)


class ConciseFormatter(Formatter):
    """``path:line:col: CODE [severity] message``, one line a diagnostic, then a summary."""

    name = "concise"

    show_estimate: ClassVar[bool] = False

    def file(self, result: FileResult) -> None:
        if self.statistics:
            return
        for d in result.diagnostics:
            self.out.write(self.headline(result, d) + "\n")
            self.details(result, d)
        if self.show_estimate and self.show_summary and result.estimate is not None:
            where = self.style(f"{escape_unsafe(result.path)}:", bold=True)
            self.out.write(f"{where} {escape_unsafe(row_label(result) + result.estimate.summary())}\n")

    def headline(self, result: FileResult, d: Diagnostic) -> str:
        (row, col), _ = result.file_position(d)
        where = self.style(f"{escape_unsafe(result.path)}:{row}:{col}:", bold=True)
        code = self.style(d.code, fg=_COLORS[d.severity], bold=True)
        # what came from the draft or its name is escaped: a draft must not drive the reader's terminal
        return f"{where} {code} [{d.severity}] {escape_unsafe(row_label(result, d) + d.message)}"

    def details(self, result: FileResult, d: Diagnostic) -> None:
        pass

    def finish(self, summary: Summary) -> None:
        if self.statistics:
            for (code, name, severity), n in sorted(summary.by_code.items(), key=lambda kv: (-kv[1], kv[0][0])):
                self.out.write(f"{n:>5}  {code}  [{severity}] {name}\n")
        if not self.show_summary:
            return
        if summary.fixed:
            self.out.write(f"Fixed {_plural(summary.fixed, 'problem')}.\n")
        if summary.files == 0 and not summary.path_errors:
            patterns = ", ".join(summary.include)
            self.out.write(f"No drafts found (draft files are named {patterns}).\n")
        elif summary.problems == 0 and not (summary.incomplete or summary.errors or summary.path_errors):
            self.out.write(self.style("All checks passed", fg="green") + f": {_plural(summary.files, 'draft')}.\n")
        elif summary.problems == 0:
            self.out.write(
                f"No problems found in {_plural(summary.files, 'draft')}, but {self._why_not_passed(summary)}.\n"
            )
        else:
            parts = [
                _plural(summary.by_severity[s], str(s))
                for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
                if summary.by_severity[s]
            ]
            self.out.write(
                f"Found {_plural(summary.problems, 'problem')} ({', '.join(parts)}) in "
                f"{summary.files_with_problems} of {_plural(summary.files, 'draft')}.\n"
            )
            if summary.incomplete or summary.errors or summary.path_errors:
                self.out.write(f"Also, {self._why_not_passed(summary)}.\n")

    @staticmethod
    def _why_not_passed(summary: Summary) -> str:
        """What keeps a run without problems from being a pass: errors, and checks that did not run."""
        reasons = []
        errors = summary.errors + summary.path_errors
        if errors:
            reasons.append(f"{_plural(errors, 'error')} (above)")
        for check, drafts in sorted(summary.incomplete.items()):
            reasons.append(f"{check} was not checked on {_plural(drafts, 'draft')} (see the note above)")
        return "; ".join(reasons)


class FullFormatter(ConciseFormatter):
    """The concise line, then the line of the draft it points at, underlined."""

    name = "full"
    show_estimate = True

    def details(self, result: FileResult, d: Diagnostic) -> None:
        if d.location is None:  # a finding about the whole file (it could not be read): no line to show
            return
        if result.source_line is not None and d.field == "file":
            return  # a batch row's finding about the whole message: no one line of it to show
        line = result.line(d.location.row)
        if line is None:
            return
        start_char = index_at_utf16(line, d.location.column - 1)
        end_char = len(line)
        if d.end_location and d.end_location.row == d.location.row:
            end_char = index_at_utf16(line, d.end_location.column - 1)
        window_start = max(0, min(start_char - 20, len(line) - _CONTEXT_WIDTH))
        shown = shown_unsafe(line[window_start : window_start + _CONTEXT_WIDTH].expandtabs(1))
        prefix = "…" if window_start > 0 else ""
        suffix = "…" if window_start + _CONTEXT_WIDTH < len(line) else ""
        caret_from = start_char - window_start + len(prefix)
        caret_len = max(1, min(end_char, window_start + _CONTEXT_WIDTH) - start_char)
        gutter = str(d.location.row) if result.source_line is None else d.field  # a batch row: its field
        pad = " " * len(gutter)
        marker = self.style("^" * caret_len, fg=_COLORS[d.severity], bold=True)
        self.out.write(f"{pad} |\n{gutter} | {prefix}{shown}{suffix}\n{pad} | {' ' * caret_from}{marker}\n")

    def finish(self, summary: Summary) -> None:
        if summary.problems and not self.statistics:
            self.out.write("\n")
        super().finish(summary)


def _json(document: Any, indent: int | None = None) -> str:
    """JSON that is valid UTF-8 whatever it holds (a file name that is not UTF-8 has lone surrogates)."""
    return valid_unicode(json.dumps(document, indent=indent, ensure_ascii=False))


def _uri(path: str) -> str:
    """A relative URI reference for a path, percent-encoded from its bytes (``my draft#1?.inmail`` is
    ``my%20draft%231%3F.inmail``; a name that is not UTF-8 keeps its bytes)."""
    from urllib.parse import quote  # only the formats that name files by URI (SARIF) need it

    separators = path.replace(os.sep, "/") if os.sep != "/" else path  # on POSIX a backslash is part of a name
    return quote(os.fsencode(separators), safe="/")


def row_label(result: FileResult, d: Diagnostic | None = None) -> str:
    """'row 5 (id a17), body: ' for a row of a batch file or a mail merge (naming the column), else ''."""
    if result.row is None:
        return ""
    label = f"row {result.row} (id {result.row_id})" if result.row_id else f"row {result.row}"
    if d is not None and d.field in ("subject", "body", "cta"):
        label += f", {d.field}"
    return label + ": "


class JsonFormatter(Formatter):
    """One versioned JSON document (see ``inmail_lint/schemas/report.schema.json``), written as files are linted."""

    name = "json"

    def start(self) -> None:
        self.out.write(f'{{"version": {JSON_VERSION}, "files": [')
        self._first = True

    def file(self, result: FileResult) -> None:
        self.out.write(("\n  " if self._first else ",\n  ") + _json(result_to_json(result)))
        self._first = False

    def finish(self, summary: Summary) -> None:
        self.out.write("\n]}\n" if not self._first else "]}\n")


class JsonLinesFormatter(Formatter):
    """One JSON object a diagnostic, with the file's path."""

    name = "json-lines"

    def file(self, result: FileResult) -> None:
        for d in result.diagnostics:
            where: dict[str, Any] = {"path": result.path}
            if result.row is not None:
                where.update(row=result.row, id=result.row_id)
            self.out.write(_json({**where, **diagnostic_to_json(d)}) + "\n")


_GITHUB_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _github_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    text = escape_unsafe(text)  # after the line breaks, which GitHub's own escapes carry
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


class GithubFormatter(Formatter):
    """GitHub Actions workflow commands: an annotation on the line of each diagnostic."""

    name = "github"

    def file(self, result: FileResult) -> None:
        for d in result.diagnostics:
            (row, col), (end_row, end_col) = result.file_position(d)
            props = [f"file={_github_escape(result.path, prop=True)}"]
            props += [f"line={row}", f"col={col}", f"endLine={end_row}", f"endColumn={end_col}"]
            props.append(f"title={_github_escape(f'{d.code} {d.name}', prop=True)}")
            message = _github_escape(f"{row_label(result, d)}{d.message}")
            self.out.write(f"::{_GITHUB_LEVELS[d.severity]} {','.join(props)}::{message}\n")


_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


class SarifFormatter(Formatter):
    """SARIF 2.1.0, as GitHub code scanning accepts it; columns are UTF-16 code units (SARIF's default)."""

    name = "sarif"

    def start(self) -> None:
        self._results: list[dict[str, Any]] = []
        self._rules: dict[str, int] = {}
        self._rule_list: list[dict[str, Any]] = []

    def _rule_index(self, d: Diagnostic) -> int:
        if d.code not in self._rules:
            doc = self.rule_docs.get(d.code)
            summary = doc.summary if doc else d.doc or d.name
            explanation = doc.explanation if doc and doc.explanation else summary
            entry: dict[str, Any] = {
                "id": d.code,
                "name": d.name,
                "shortDescription": {"text": summary},
                "fullDescription": {"text": explanation},
                "help": {"text": f"{explanation}\n\nSee: inmail-lint rule {d.code}"},
                "defaultConfiguration": {"level": _SARIF_LEVELS[doc.severity if doc else d.severity]},
            }
            if d.url:
                entry["helpUri"] = d.url
            self._rules[d.code] = len(self._rule_list)
            self._rule_list.append(entry)
        return self._rules[d.code]

    def file(self, result: FileResult) -> None:
        for d in result.diagnostics:
            (row, col), (end_row, end_col) = result.file_position(d)
            region: dict[str, int] = {"startLine": row, "startColumn": col, "endLine": end_row, "endColumn": end_col}
            sarif_result: dict[str, Any] = {
                "ruleId": d.code,
                "ruleIndex": self._rule_index(d),
                "level": _SARIF_LEVELS[d.severity],
                "message": {"text": f"{row_label(result, d)}{d.message}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(result.path)},
                            "region": region,
                        }
                    }
                ],
            }
            self._results.append(sarif_result)

    def finish(self, summary: Summary) -> None:
        document = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "inmail-lint",
                            "version": __version__,
                            "rules": self._rule_list,
                        }
                    },
                    "columnKind": "utf16CodeUnits",
                    "results": self._results,
                }
            ],
        }
        self.out.write(_json(document, indent=2) + "\n")


class JunitFormatter(Formatter):
    """JUnit XML: one test case per draft (per row of a batch), failing when it fails ``--fail-on``, as the
    command's exit status does; diagnostics below that are the case's output, not a failure."""

    name = "junit"

    def start(self) -> None:
        self._cases: list[str] = []
        self._failures = 0

    def file(self, result: FileResult) -> None:
        # imported here: xml.sax pulls in urllib and ssl, 45 ms of start-up that the other formats never need
        from xml.sax.saxutils import escape as xml_escape
        from xml.sax.saxutils import quoteattr as xml_quoteattr

        def escape(text: str) -> str:
            return xml_escape(xml_text(text))

        def quoteattr(text: str) -> str:
            return xml_quoteattr(xml_text(text))

        name = result.path if result.row is None else f"{result.path} {row_label(result).rstrip(': ')}"
        lines = []
        for d in result.diagnostics:
            (row, col), _ = result.file_position(d)
            where = f"{result.path}:{row}:{col}"
            lines.append(f"{where}: {d.code} [{d.severity}] {d.message}")
        failing = [d for d in result.diagnostics if d.severity >= self.fail_on]
        if not failing:
            output = f"\n      <system-out>{escape(chr(10).join(lines))}</system-out>\n    " if lines else ""
            end = f">{output}</testcase>" if output else "/>"
            self._cases.append(f'    <testcase classname="inmail-lint" name={quoteattr(name)}{end}')
            return
        self._failures += 1
        first = failing[0]
        message = quoteattr(f"{len(failing)} problem(s); first: {first.code} {first.message}")
        self._cases.append(
            f'    <testcase classname="inmail-lint" name={quoteattr(name)}>\n'
            f'      <failure message={message} type="inmail-lint">{escape(chr(10).join(lines))}</failure>\n'
            "    </testcase>"
        )

    def finish(self, summary: Summary) -> None:
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(
            f'<testsuites name="inmail-lint" tests="{len(self._cases)}" failures="{self._failures}">\n'
            f'  <testsuite name="inmail-lint" tests="{len(self._cases)}" failures="{self._failures}" errors="0">\n'
        )
        for case in self._cases:
            self.out.write(case + "\n")
        self.out.write("  </testsuite>\n</testsuites>\n")


class EstimateFormatter(ConciseFormatter):
    """Each draft's refund estimate and every reason for it, one factor a line with its source's grade; no
    diagnostics (``inmail-lint check draft.inmail --output-format estimate``)."""

    name = "estimate"

    def file(self, result: FileResult) -> None:
        where = self.style(f"{escape_unsafe(result.path)}:", bold=True)
        estimate = result.estimate
        if estimate is None:
            self.out.write(f"{where} {escape_unsafe(row_label(result))}no estimate (the draft cannot be read)\n")
            return
        self.out.write(f"{where} {escape_unsafe(row_label(result) + estimate.summary())}\n")
        self.out.write(f"  90% interval {percent(estimate.low)} to {percent(estimate.high)}\n")
        for factor in estimate.by_weight():
            if factor.odds_ratio == 1:
                continue
            self.__dict__.setdefault("grades", set()).add(factor.grade)
            self.out.write(f"  {factor.odds_ratio:>5.2f}x odds  {escape_unsafe(f'{factor.label} ({factor.grade})')}\n")

    def finish(self, summary: Summary) -> None:
        legend = grade_legend(self.__dict__.get("grades", ()))  # each grade shown above, said once at the end
        if legend:
            self.out.write(f"{escape_unsafe(legend)}\n")


def worst(result: FileResult) -> Diagnostic | None:
    """The finding that matters most: the most severe, the first in the draft among equals."""
    return max(result.diagnostics, key=lambda d: (d.severity, -d.start), default=None)


class MergeSummaryFormatter(ConciseFormatter):
    """A mail merge on the terminal: one line a row (row, id, estimate, the worst finding and how many more),
    then how often each rule fired (the statistics), instead of every diagnostic of every row
    (``--output-format concise`` still prints them all)."""

    name = "merge"

    def __init__(self, out: IO[str], **options: Any) -> None:
        super().__init__(out, **{**options, "statistics": True})

    def file(self, result: FileResult) -> None:
        label = escape_unsafe(row_label(result).removesuffix(": ") or result.path)
        estimate = f"{percent(result.estimate.probability):>4}" if result.estimate is not None else "   -"
        first = worst(result)
        if first is None:
            found = self.style("no problems", fg="green")
        else:
            code = self.style(first.code, fg=_COLORS[first.severity], bold=True)
            more = len(result.diagnostics) - 1
            found = f"{code} [{first.severity}] {escape_unsafe(first.message)}" + (f" (+{more} more)" if more else "")
        where = self.style(f"{escape_unsafe(result.path)}:", bold=True)
        self.out.write(f"{where} {label}: {estimate}  {found}\n")

    def finish(self, summary: Summary) -> None:
        if summary.by_code:
            self.out.write("\n")
        super().finish(summary)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a cell a spreadsheet would run as a formula


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: one that opens like a formula gets a leading quote
    (OWASP's advice for CSV injection), and nothing from a draft can drive a terminal."""
    text = "" if value is None else escape_unsafe(str(value))
    return "'" + text if text.startswith(_FORMULA) else text


class CsvFormatter(Formatter):
    """A table for a spreadsheet: one line a draft (a row of a merge or batch), with its estimate, how many
    findings of each severity, and the worst."""

    name = "csv"
    HEADER = ("path", "row", "id", "estimate", "errors", "warnings", "infos", "worst_code", "worst_message")

    def start(self) -> None:
        import csv

        self.writer = csv.writer(self.out, lineterminator="\n")
        self.writer.writerow(self.HEADER)

    def file(self, result: FileResult) -> None:
        counts = Counter(d.severity for d in result.diagnostics)
        first = worst(result)
        estimate = f"{result.estimate.probability:.4f}" if result.estimate is not None else ""
        row = (
            result.path,
            result.row,
            result.row_id,
            estimate,
            counts[Severity.ERROR],
            counts[Severity.WARNING],
            counts[Severity.INFO],
            first.code if first else "",
            first.message if first else "",
        )
        self.writer.writerow([_cell(v) for v in row])


FORMATTERS: dict[str, type[Formatter]] = {
    cls.name: cls
    for cls in (
        FullFormatter,
        ConciseFormatter,
        EstimateFormatter,
        JsonFormatter,
        JsonLinesFormatter,
        GithubFormatter,
        SarifFormatter,
        JunitFormatter,
        CsvFormatter,
    )
}
