"""Every report is byte-identical to the one recorded before the run-session restructuring (recorded again only
by a change meant to change reports: the git log of tests/golden/reports says which), in every output format,
on the project's corpus, the examples, 1,000 generated drafts, a batch CSV and a mail merge. A difference names
the report and the first line that changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.golden.sets import FORMATS, SETS, recorded, reports


def test_reports_are_byte_identical(
    tmp_path: Path, cli: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def run(args: list[str], cwd: Path) -> tuple[int, str]:
        status, out, _ = cli(*args, cwd=cwd)
        return status, out

    compared = 0
    for name, data in reports(tmp_path, run):
        expected = recorded(name)
        if data != expected:
            got, want = data.decode(errors="replace").splitlines(), expected.decode(errors="replace").splitlines()
            pairs = enumerate(zip(got, want, strict=False))
            line = next((i for i, (a, b) in pairs if a != b), min(len(got), len(want)))
            pytest.fail(
                f"{name}: the report changed at line {line + 1}:\n"
                f"  recorded: {want[line] if line < len(want) else '<end>'}\n"
                f"  now:      {got[line] if line < len(got) else '<end>'}"
            )
        compared += 1
    assert compared == len(SETS) * len(FORMATS)
