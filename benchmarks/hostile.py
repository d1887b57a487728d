"""How long each hostile input of the test suite takes to lint, in a warm process. Run by hand (it is not a
test; the tests only check that nothing hangs):

    python benchmarks/hostile.py

The target, recorded in the README ("Reliability"), is under 2 s for every input on a 2-core machine.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inmail_lint.api import lint_bytes  # noqa: E402
from inmail_lint.config.settings import parse_config  # noqa: E402
from inmail_lint.draft.parse import parse  # noqa: E402
from inmail_lint.engine.linter import Linter  # noqa: E402
from tests.test_hostile import ADVERSARIAL, HOSTILE  # noqa: E402

TARGET = 2.0


def timed(work: object, repeat: int = 3) -> float:
    """The median wall time of ``repeat`` calls."""
    assert callable(work)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    lint_bytes(b"Subject: warm up\n\nHi Ana, one question?\n")
    rows: list[tuple[str, float]] = []
    for name in sorted(HOSTILE):
        rows.append((name, timed(lambda name=name: lint_bytes(HOSTILE[name], f"{name}.inmail"))))
    linter = Linter(parse_config({}, None, Path.cwd()))
    for index, text in enumerate(ADVERSARIAL):
        draft = f"Subject: {text[:5000]}\n\n{text}"
        rows.append((f"pattern-{index:02d} {text[:12]!r}", timed(lambda draft=draft: linter.lint(parse(draft)))))
    width = max(len(name) for name, _ in rows)
    print(f"{'input':<{width}}  seconds (median of 3)")
    for name, seconds in rows:
        flag = "" if seconds < TARGET else f"  over the {TARGET:.0f} s target"
        print(f"{name:<{width}}  {seconds:7.3f}{flag}")
    worst = max(rows, key=lambda row: row[1])
    print(f"slowest: {worst[0]} at {worst[1]:.3f} s (target under {TARGET:.0f} s)")
    # the peak of the whole process, so every single input stayed under it
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process after every input: {peak:.0f} MB (target under 300 MB for any one)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
