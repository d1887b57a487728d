"""The values that flow out of the linter: severities, findings, diagnostics, and positions.

Positions are character offsets into the file's text (after a UTF-8 byte-order mark is dropped) until the
very end; :class:`Locator` turns them into 1-based rows and UTF-16 columns once, for output.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple

from inmail_lint.util.text import astral_offsets


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r}; expected error, warning or info") from None

    def __str__(self) -> str:
        return self.name.lower()


SEVERITY_NAMES = ("error", "warning", "info")


class Position(NamedTuple):
    """A place in a file for people and editors (a tuple: cheap to build and to send between processes)."""

    row: int  # 1-based
    column: int  # 1-based, in UTF-16 code units (as LSP counts them)


@dataclass(frozen=True)
class Edit:
    """A rule's edit: replace the text between two character offsets of the field it checked."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fix:
    """A rule's fix, in the offsets of the field it checked."""

    message: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass(frozen=True)
class FileEdit:
    """A diagnostic's edit, in the file: between two character offsets of the file's text, and the same range
    in UTF-16 units (``offset``, ``length``) for editors, filled in when the diagnostic is placed."""

    start: int
    end: int
    text: str
    offset: int = 0
    length: int = 0


@dataclass(frozen=True)
class FileFix:
    """A diagnostic's fix, in the file."""

    message: str
    edits: tuple[FileEdit, ...]
    safe: bool = True


@dataclass(frozen=True)
class Finding:
    """What a rule reports: a message and a span, in character offsets into the field's text.

    A rule never decides its own severity or whether it runs; the linter adds those.
    """

    message: str
    start: int = 0
    end: int = 0
    field: str | None = None  # defaults to the field the rule checked
    fix: Fix | None = None


@dataclass(frozen=True)
class Diagnostic:
    """A finding placed in the file and stamped with the rule's code, name and configured severity."""

    code: str
    name: str
    severity: Severity
    message: str
    field: str  # "subject", "body", "cta" or "file"
    start: int  # character offsets into the file text
    end: int
    doc: str = ""
    url: str | None = None
    fix: FileFix | None = None
    # Filled in once per file by :func:`inmail_lint.engine.linter.place`:
    location: Position | None = None  # 1-based row, UTF-16 column
    end_location: Position | None = None
    offset: int = 0  # UTF-16 units from the start of the file
    length: int = 0  # UTF-16 units

    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.code)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class Locator:
    """Converts character offsets in one file's text to rows, UTF-16 columns and UTF-16 offsets.

    Lines end at CRLF, CR or LF, as in LSP. The table of line starts is built once per file and
    looked up by bisection.
    """

    text: str
    _line_starts: list[int] = field(init=False)
    _astral: list[int] = field(init=False)  # sorted offsets of characters outside the BMP

    def __post_init__(self) -> None:
        self._line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        self._astral = astral_offsets(self.text)

    def utf16_offset(self, offset: int) -> int:
        """UTF-16 code units before character ``offset``."""
        offset = max(0, min(offset, len(self.text)))
        if not self._astral:
            return offset
        return offset + bisect.bisect_left(self._astral, offset)

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        start = self._line_starts[line]
        if not self._astral:  # every character one UTF-16 unit (most files)
            return Position(row=line + 1, column=offset - start + 1)
        column = self.utf16_offset(offset) - self.utf16_offset(start)
        return Position(row=line + 1, column=column + 1)

    def line_count(self) -> int:
        return len(self._line_starts)

    def line_text(self, row: int) -> str:
        start = self._line_starts[row - 1]
        end = self._line_starts[row] if row < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")
