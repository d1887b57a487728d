"""The speed issue's benchmark, checked for what a test can check without timing anything: its corpus is
deterministic and lints cleanly, its command line starts, and the README shows a table it wrote, with a row for
every target. (The figures themselves are measured by hand: `python benchmarks/run.py --readme`.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from inmail_lint.api import lint_file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import write_corpus  # noqa: E402

TARGET_ROWS = (
    "check on 1,000 drafts, all cached (replayed)",
    "cached 1,000 drafts / --version, side by side (median)",
    "check on 1,000 drafts, 10 changed",
    "marginal cost per draft, nothing cached",
    "speed-up per draft vs proselint",
    "speed-up at 10,000 drafts vs proselint",
    "one draft, cold process, not cached",
    "cold draft / import spacy, side by side (median)",
    "--version",
    "check --help",
    "rule IM201",
    "peak memory, 10,000 drafts",
    "--jobs 2 vs --jobs 1, 10,000 drafts",
    "language server re-lint after an edit",
    "web page re-lint after an edit (in the server)",
    "web page, keystroke to underlines, p50 / p95 (Chromium)",
    "browser extension, lint round trip, p50 / p95 (Chromium)",
)


def test_the_corpus_is_deterministic_and_lints_without_errors(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "a", 40)
    second = write_corpus(tmp_path / "b", 40)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert len({p.read_text(encoding="utf-8") for p in first}) > 30  # a mix, not one draft forty times
    for path in first:
        result = lint_file(path)
        assert result.error is None and not any(d.code in ("IM001", "IM002") for d in result.diagnostics), path


def test_the_benchmark_script_starts() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "--readme" in done.stdout


def test_the_readme_shows_the_table_with_every_target() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- benchmark:start (written by python benchmarks/run.py --readme) -->")
    table = readme[start : readme.index("<!-- benchmark:end -->")]
    assert "Measured on " in table and "cores, Python " in table  # the machine
    cells = [line.strip("| ").split(" | ") for line in table.splitlines() if line.startswith("| ")]
    rows = {row[0]: row for row in cells}
    for figure in TARGET_ROWS:
        assert figure in rows, figure
        _, measured, target = rows[figure]
        assert any(ch.isdigit() for ch in measured) and ("≥" in target or "≤" in target), (figure, rows[figure])
    assert rows["spaCy imported when all are cached"][1] == "no"
    assert "Targets not met, and why" in readme  # the unmet ones are explained
