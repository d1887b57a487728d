"""The one reader of tables: batch files, mail-merge values (``--vars``) and calibration histories, as CSV (a
header row naming the columns) or JSON Lines, streamed a row at a time and read to the end."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from inmail_lint.draft.templates import variable_key
from inmail_lint.util.yamlsafe import UnsafeYaml, load_json

MAX_BATCH_BYTES = 512 * 1024 * 1024
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")

#: (row number, 1 for the first after the header; the row's values by variable key, or None; a problem, or None)
Row = tuple[int, "dict[str, str] | None", "str | None"]


class RowsError(Exception):
    """A table cannot be used; the message names the file, the row and the problem."""


def read_rows(path: Path) -> list[dict[str, str]]:
    """Every row of a mail-merge or history CSV or JSON Lines file; the first problem is a :class:`RowsError`."""
    if not path.is_file():
        raise RowsError(f"{path}: no such file")
    rows: list[dict[str, str]] = []
    for number, values, problem in iter_rows(path):
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
        size = path.stat().st_size
    except OSError as exc:
        yield 0, None, f"cannot read: {exc.strerror or exc}"
        return
    if size > MAX_BATCH_BYTES:
        yield 0, None, f"batch file is {size / 2**20:.0f} MiB; split it (at most {MAX_BATCH_BYTES // 2**20} MiB)"
        return
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if path.suffix.lower() in JSON_LINES_SUFFIXES:
                yield from _jsonl_rows(handle, required)
            else:
                yield from _csv_rows(handle, required)
    except UnicodeDecodeError as exc:
        yield 0, None, f"not UTF-8 (byte {exc.start}); save it as UTF-8"
    except OSError as exc:
        yield 0, None, f"cannot read: {exc.strerror or exc}"


def _csv_rows(handle: Any, required: str | None) -> Iterator[Row]:
    reader = csv.DictReader(handle)
    try:
        header = reader.fieldnames
        if not header:
            yield 0, None, "empty; the first row must name the columns (body, subject, first_name, ...)"
            return
        if required is not None and required not in [variable_key(h) for h in header]:
            yield 0, None, f"a batch CSV needs a header row with a {required!r} column (and usually 'subject', 'id')"
            return
        for number, row in enumerate(reader, start=1):
            yield number, {variable_key(str(k)): (v or "") for k, v in row.items() if k is not None}, None
    except csv.Error as exc:
        yield reader.line_num, None, f"not valid CSV at line {reader.line_num}: {exc}"


def _jsonl_rows(handle: Any, required: str | None = "body") -> Iterator[Row]:
    number = 0
    for line in handle:
        if not line.strip():
            continue
        number += 1
        try:
            data = load_json(line)
        except UnsafeYaml as exc:
            yield number, None, f"the JSON {exc}"
            continue
        except ValueError as exc:
            yield number, None, f"not valid JSON: {exc}"
            continue
        if isinstance(data, dict):
            data = {variable_key(str(k)): v for k, v in data.items()}
        if not isinstance(data, dict) or (required is not None and not isinstance(data.get(required), str)):
            yield number, None, f"not a JSON object with a {required!r} string" if required else "not a JSON object"
            continue
        yield number, {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}, None
