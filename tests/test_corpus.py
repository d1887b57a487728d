"""Each rule's precision and recall on the corpus of realistic drafts (tests/corpus) stay at 0.95 or above."""

from __future__ import annotations

import pytest

from .corpus.score import Score, expected_codes, score

SCORES, MISSES = score()


def test_the_corpus_is_large_enough() -> None:
    assert len(expected_codes()) >= 40


@pytest.mark.parametrize("code", sorted(SCORES))
def test_precision_and_recall(code: str) -> None:
    s: Score = SCORES[code]
    wrong = {name: diff for name, diff in MISSES.items() if code in diff[0] | diff[1]}
    assert s.precision >= 0.95, f"{code} precision {s.precision:.2f}: {wrong}"
    assert s.recall >= 0.95, f"{code} recall {s.recall:.2f}: {wrong}"


def test_every_content_rule_is_exercised() -> None:
    exercised = {code for code, s in SCORES.items() if s.tp}
    content = {
        f"IM{n}" for n in (203, 204, 301, 302, 303, 304, 305, 306, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410)
    }
    assert content <= exercised, sorted(content - exercised)
