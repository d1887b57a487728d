"""The reports recorded before a restructuring, and how to make them again.

Each set of drafts is copied into a fresh folder and checked there with ``inmail-lint check`` in every output
format (no result cache), so the reports name the same relative paths wherever the tests run. The recorded
reports live in ``tests/golden/reports/`` (gzip, as some are large); ``python -m tests.golden.sets`` records
them again after a change that is meant to change what reports say.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import random
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORTS = Path(__file__).resolve().parent / "reports"
FORMATS = ("full", "concise", "estimate", "json", "json-lines", "github", "sarif", "junit", "csv")


def _generated(folder: Path, count: int) -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.corpus import draft
    finally:
        sys.path.remove(str(ROOT))
    rng = random.Random(2026)
    for i in range(count):
        (folder / f"draft{i:05d}.inmail").write_text(draft(rng), encoding="utf-8")


def _batch(folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.corpus import draft
    finally:
        sys.path.remove(str(ROOT))
    rng = random.Random(7)
    rows = []
    for i in range(40):
        text = draft(rng)
        subject, _, body = text.partition("\n\n") if text.startswith("Subject: ") else ("", "", text)
        rows.append({"id": f"r{i}", "subject": subject.removeprefix("Subject: "), "body": body})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["id", "subject", "body"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / "outreach.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (folder / "intro.inmail").write_text(
        '---\nsubject: "{{ first_name }}, your talk at {{ event }}"\ntemplate: true\n---\n'
        "Hi {{ first_name }},\n\nI enjoyed your talk at {{ event }} on {{ topic }}. Could I ask one question"
        " about how {{ company }} tests it?\n\nBest,\nSam\n",
        encoding="utf-8",
    )
    (folder / "people.csv").write_text(
        "first_name,event,topic,company\nAna,PyData,data contracts,Acme\nBo,PyCon,typing,Initech\n"
        ",EuroPython,testing,\nMaximiliana-Josephine,a very long conference name that goes on,x,Globex\n",
        encoding="utf-8",
    )


def _copy(source: Path) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        shutil.copytree(source, folder, dirs_exist_ok=True)

    return make


# name -> (how the folder is made, the arguments of `check` after the format)
SETS: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "corpus": (_copy(ROOT / "tests" / "corpus" / "drafts"), (".",)),
    "examples": (_copy(ROOT / "examples"), (".",)),
    "generated": (lambda folder: _generated(folder, 1000), (".",)),
    "batch": (_batch, ("outreach.csv",)),
    "vars": (_batch, ("--vars", "people.csv", "intro.inmail")),
}


def reports(work: Path, run: Callable[[list[str], Path], tuple[int, str]]) -> Iterator[tuple[str, bytes]]:
    """Each set's report in each format, as (name, the exit status and the report)."""
    for name, (make, args) in SETS.items():
        folder = work / name
        folder.mkdir(parents=True)
        make(folder)
        for fmt in FORMATS:
            status, out = run(["check", "--no-cache", "--output-format", fmt, *args], folder)
            yield f"{name}.{fmt}", f"exit {status}\n{out}".encode("utf-8", "surrogateescape")


def recorded(name: str) -> bytes:
    return gzip.decompress((REPORTS / f"{name}.gz").read_bytes())


def _run_in_process(args: list[str], cwd: Path) -> tuple[int, str]:
    import contextlib

    from inmail_lint.cli.main import main

    out = io.StringIO()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            status = main(args)
    finally:
        os.chdir(previous)
    return status, out.getvalue()


def record() -> None:
    import tempfile

    os.environ["NO_COLOR"] = "1"
    REPORTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for name, data in reports(Path(work), _run_in_process):
            (REPORTS / f"{name}.gz").write_bytes(gzip.compress(data, mtime=0))
            print(name, len(data))


if __name__ == "__main__":
    record()
