"""A mail merge on the terminal prints one line a row and a count a rule; --output-format csv writes that table
for a spreadsheet, with cells that would run as formulas escaped."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

Cli = Callable[..., tuple[int, str, str]]

TEMPLATE = (
    '---\nsubject: "{{ first_name }}, your talk at {{ event }}"\ntemplate: true\n---\n'
    "Hi {{ first_name }},\n\nI enjoyed your talk at {{ event }}. Could I ask one question about it?\n\nSam\n"
)


def _merge(folder: Path, rows: int) -> None:
    (folder / "intro.inmail").write_text(TEMPLATE, encoding="utf-8")
    lines = ["first_name,event"] + [f"Ana{i},PyData" for i in range(rows - 1)] + [",PyCon"]
    (folder / "people.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_merge_prints_a_line_a_row_and_a_count_a_rule(tmp_path: Path, cli: Cli) -> None:
    _merge(tmp_path, 20)
    status, out, _ = cli("check", "--no-cache", "--isolated", "--vars", "people.csv", "intro.inmail", cwd=tmp_path)
    assert status == 1  # row 20 leaves the name empty
    rows = [line for line in out.splitlines() if line.startswith("intro.inmail: row ")]
    assert len(rows) == 20
    assert rows[-1].startswith("intro.inmail: row 20: ") and "IM301 [error]" in rows[-1] and "more)" in rows[-1]
    assert "%" in rows[0]
    counts = [line.split() for line in out.splitlines() if line.strip().startswith(tuple("0123456789"))]
    assert ["2", "IM301", "[error]", "unfilled-placeholder"] in [c[:4] for c in counts]  # subject and body
    assert len(out.splitlines()) < 40  # not every diagnostic of every row
    _, concise, _ = cli(
        "check", "--no-cache", "--isolated", "--output-format", "concise", "--vars", "people.csv", "intro.inmail"
    )
    assert concise.count("IM304") >= 20  # the concise format still lists them all


def test_csv_writes_the_table_with_formulas_escaped(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "outreach.csv").write_text(
        'id,subject,body\n"=1+2",Hello,"Hi Ana, one question?"\n@SUM,Hi,"Hi Bo, +1 question?"\n', encoding="utf-8"
    )
    (tmp_path / "=cmd.inmail").write_text("Subject: Hi\n\nHi Ana, one question?\n", encoding="utf-8")
    status, out, _ = cli(
        "check", "--no-cache", "--isolated", "--output-format", "csv", "outreach.csv", "=cmd.inmail", cwd=tmp_path
    )
    assert status == 1
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["path", "row", "id", "estimate", "errors", "warnings", "infos", "worst_code", "worst_message"]
    cells = [cell for row in table[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), cells
    assert "'=1+2" in cells and "'@SUM" in cells and "'=cmd.inmail" in cells
    assert all(0 <= float(row[3]) <= 1 for row in table[1:])
