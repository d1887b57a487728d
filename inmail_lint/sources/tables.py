"""The one reader of tables: batch files, mail-merge values (``--vars``) and calibration histories, as CSV (a
header row naming the columns) or JSON Lines, streamed a row at a time and read to the end."""

from __future__ import annotations

import csv
import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from inmail_lint.draft.templates import variable_key
from inmail_lint.util.files import describe_mode, unusable_path
from inmail_lint.util.yamlsafe import UnsafeYaml, load_json

MAX_BATCH_BYTES = 512 * 1024 * 1024
MAX_CELL_CHARS = 1024 * 1024  # characters in one cell
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")

#: (row number, 1 for the first after the header; the row's values by variable key, or None; a problem, or None;
#: the line of the file where the row starts, 0 for a problem with the whole file)
Row = tuple[int, "dict[str, str] | None", "str | None", int]


class RowsError(Exception):
    """A table cannot be used; the message names the file, the row and the problem."""


def read_rows(path: Path) -> list[dict[str, str]]:
    """Every row of a mail-merge or history CSV or JSON Lines file; the first problem is a :class:`RowsError`."""
    problem = unusable_path(path)
    if problem is not None:
        raise RowsError(f"{path}: cannot be used as a path: {problem}")
    if not path.exists():
        raise RowsError(f"{path}: no such file")
    rows: list[dict[str, str]] = []
    for number, values, problem, _line in iter_rows(path):
        if problem is not None:
            where = f"row {number}: " if number else ""
            raise RowsError(f"{path}: {where}{problem}")
        assert values is not None
        rows.append(values)
    return rows


def iter_rows(path: Path, *, required: str | None = None) -> Iterator[Row]:
    """(row number, values, problem) for each row of a CSV (header row first) or JSON Lines file, streamed:
    the file is read whole, however large, a row at a time. Column names are compared as template variables
    are (:func:`variable_key`): "Subject", "Body" and "First Name" work. ``required`` names a column every
    row must have (a batch file's ``body``). A problem with the whole file is row 0."""
    try:
        info = path.stat()
    except OSError as exc:
        yield 0, None, f"cannot read: {exc.strerror or exc}", 0
        return
    if not stat.S_ISREG(info.st_mode):  # a link to /dev/zero, a FIFO: nothing to read to an end
        yield 0, None, f"is {describe_mode(info.st_mode)}, not a file", 0
        return
    size = info.st_size
    if size > MAX_BATCH_BYTES:
        yield 0, None, f"batch file is {size / 2**20:.0f} MiB; split it (at most {MAX_BATCH_BYTES // 2**20} MiB)", 0
        return
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if path.suffix.lower() in JSON_LINES_SUFFIXES:
                yield from _jsonl_rows(handle, required)
            else:
                yield from _csv_rows(handle, required)
    except UnicodeDecodeError as exc:
        yield 0, None, f"not UTF-8 (byte {exc.start}); save it as UTF-8", 0
    except OSError as exc:
        yield 0, None, f"cannot read: {exc.strerror or exc}", 0


def _csv_rows(handle: Any, required: str | None) -> Iterator[Row]:
    """Rows of a CSV file. strict: a quote that is never closed is an error at the row where it opened, not a
    cell that swallows the rest of the file; a cell over :data:`MAX_CELL_CHARS` is an error too."""
    if csv.field_size_limit() < MAX_CELL_CHARS:
        csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        yield 0, None, f"not valid CSV in the header row (line 1): {_csv_problem(exc)}", 0
        return
    if not header:
        yield 0, None, "empty; the first row must name the columns (body, subject, first_name, ...)", 0
        return
    keys = [variable_key(h) for h in header]
    twice = _first_repeated(keys)
    if twice is not None:
        names = ", ".join(repr(h) for h, k in zip(header, keys, strict=True) if k == twice)
        yield 0, None, f"the header row (line 1) names the column {twice!r} twice ({names}); keep one", 0
        return
    if required is not None and required not in keys:
        yield 0, None, f"a batch CSV needs a header row with a {required!r} column (and usually 'subject', 'id')", 0
        return
    number = 0
    while True:
        line = reader.line_num + 1  # where the next row starts
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            yield number + 1, None, f"not valid CSV in the row that starts on line {line}: {_csv_problem(exc)}", line
            return
        if cells is None:
            return
        if not cells:
            continue  # a blank line
        number += 1
        if len(cells) > len(keys):
            yield (
                number,
                None,
                f"row on line {line} has {len(cells)} cells but the header names {len(keys)} columns",
                line,
            )
            continue
        yield number, {key: cells[i] if i < len(cells) else "" for i, key in enumerate(keys)}, None, line


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(value: Any) -> bool:
    """Whether a decoded JSON value holds a lone surrogate anywhere (a key or a string)."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _first_repeated(keys: list[str]) -> str | None:
    """The first key that is given twice (in one pass: a header of 100,000 columns is read in milliseconds)."""
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return None


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a cell is over {MAX_CELL_CHARS // 1024 // 1024} MiB"
    if "unexpected end of data" in text:
        return 'a quote (") opens a cell that is never closed'
    return text


def _jsonl_rows(handle: Any, required: str | None = "body") -> Iterator[Row]:
    number = 0
    for at, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        number += 1
        try:
            data = load_json(line)
        except UnsafeYaml as exc:
            yield number, None, f"the JSON {exc}", at
            continue
        except ValueError as exc:
            yield number, None, f"not valid JSON: {exc}", at
            continue
        if _has_surrogate(data):
            yield number, None, "holds a lone surrogate (such as \\ud800), which is no character; fix the export", at
            continue
        if isinstance(data, dict):
            keys = [variable_key(str(k)) for k in data]
            twice = _first_repeated(keys)
            if twice is not None:
                yield number, None, f"names the column {twice!r} twice; keep one", at
                continue
            data = dict(zip(keys, data.values(), strict=True))
        if not isinstance(data, dict) or (required is not None and not isinstance(data.get(required), str)):
            problem = f"not a JSON object with a {required!r} string" if required else "not a JSON object"
            yield number, None, problem, at
            continue
        yield number, {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}, None, at
