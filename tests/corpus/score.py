"""Precision and recall of each rule on the corpus of realistic drafts in tests/corpus/drafts.

    python tests/corpus/score.py

prints a table; tests/test_corpus.py holds every rule to 0.95 or better on both.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def found_codes() -> dict[str, set[str]]:
    from inmail_lint.api import lint_file
    from inmail_lint.config.settings import default_config

    config = default_config(HERE)
    return {
        path.name: {d.code for d in lint_file(path, config=config).diagnostics}
        for path in sorted((HERE / "drafts").iterdir())
    }


def expected_codes() -> dict[str, set[str]]:
    data = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))
    return {name: set(codes) for name, codes in data.items()}


def score() -> tuple[dict[str, Score], dict[str, tuple[set[str], set[str]]]]:
    expected, found = expected_codes(), found_codes()
    if set(expected) != set(found):
        raise SystemExit(f"expected.yaml and drafts/ differ: {sorted(set(expected) ^ set(found))}")
    scores: dict[str, Score] = {}
    misses: dict[str, tuple[set[str], set[str]]] = {}
    for name in sorted(found):
        want, got = expected[name], found[name]
        for code in want | got:
            s = scores.setdefault(code, Score())
            if code in want and code in got:
                s.tp += 1
            elif code in got:
                s.fp += 1
            else:
                s.fn += 1
        if want != got:
            misses[name] = (got - want, want - got)
    return dict(sorted(scores.items())), misses


def main() -> int:
    scores, misses = score()
    print(f"{'rule':<7}{'tp':>4}{'fp':>4}{'fn':>4}  precision  recall")
    for code, s in scores.items():
        print(f"{code:<7}{s.tp:>4}{s.fp:>4}{s.fn:>4}  {s.precision:>9.2f}  {s.recall:>6.2f}")
    for name, (extra, missing) in misses.items():
        print(f"  {name}: extra {sorted(extra)} missing {sorted(missing)}")
    return 0 if all(s.precision >= 0.95 and s.recall >= 0.95 for s in scores.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
