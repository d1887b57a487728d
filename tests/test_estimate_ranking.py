"""The refund estimate orders drafts as a reader would: it ranks the corpus's drafts against a reviewer's
judgement of their reply chances (tests/corpus/replies.yaml) at least as well as a count of their
warnings does, and it puts a draft that names the reader's own work above the same
draft with flattery anyone could be sent. The figures are written in the README ("How good is the estimate")."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from inmail_lint.api import lint_file, lint_text
from inmail_lint.config.settings import default_config
from inmail_lint.diagnostic import Severity

CORPUS = Path(__file__).resolve().parent / "corpus"


def ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties given the mean of the ranks they span (as Spearman's coefficient needs)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def spearman(xs: list[float], ys: list[float]) -> float:
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sx = sum((a - mx) ** 2 for a in rx) ** 0.5
    sy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (sx * sy)


def test_spearman_is_right_on_known_orders() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 2, 3], [1, 2, 2, 3]) == pytest.approx(1.0)
    assert ranks([5, 1, 5, 3]) == [3.5, 1.0, 3.5, 2.0]


def corpus_figures() -> tuple[list[float], list[float], list[float]]:
    """For each judged draft: the reviewer's label, the estimate, and minus its count of warnings and errors
    (fewer warnings should mean more replies, so both are oriented the same way)."""
    labels = yaml.safe_load((CORPUS / "replies.yaml").read_text(encoding="utf-8"))
    config = default_config(CORPUS)
    judged, estimates, warnings = [], [], []
    for name, label in sorted(labels.items()):
        result = lint_file(CORPUS / "drafts" / name, config=config)
        assert result.estimate is not None, name
        judged.append(float(label))
        estimates.append(result.estimate.probability)
        warnings.append(-float(sum(d.severity >= Severity.WARNING for d in result.diagnostics)))
    return judged, estimates, warnings


# Measured on 2026-12-06: the estimate 0.850, the count of warnings 0.846 (README, "How good is the estimate").
# The goal is met: the estimate ranks at or above the count. The floor below also holds it where it is, so that
# a change that makes both rank worse together fails here too.
ESTIMATE_AT_LEAST = 0.84


def test_the_estimate_ranks_the_corpus_at_least_as_well_as_a_warning_count() -> None:
    judged, estimates, warnings = corpus_figures()
    assert len(judged) >= 60
    by_estimate, by_warnings = spearman(estimates, judged), spearman(warnings, judged)
    assert by_estimate >= ESTIMATE_AT_LEAST, f"estimate {by_estimate:.2f} (warnings {by_warnings:.2f})"
    assert by_estimate >= by_warnings, f"estimate {by_estimate:.3f} < warnings {by_warnings:.3f}"


FLATTERY = (
    "I came across your profile and was impressed by your background",
    "your experience in data engineering looks like a great fit",
    "I love what you have built over your career",
)
SPECIFIC = (
    "I read your post on schema drift at Kestrel last week",
    "your talk at PyData Lisbon on data contracts stuck with me",
    "you built the Orbisoft billing pipeline that everyone cites",
)


@pytest.mark.parametrize("flattery", FLATTERY)
@pytest.mark.parametrize("specific", SPECIFIC)
def test_naming_their_work_is_estimated_above_generic_flattery(specific: str, flattery: str) -> None:
    def estimate(sentence: str) -> float:
        text = f"Subject: A question\n\nHi Ana,\n\n{sentence}. Could I ask how you test it?\n\nTom\n"
        result = lint_text(text, "draft.inmail", config=default_config(CORPUS))
        assert result.estimate is not None
        return result.estimate.probability

    assert estimate(specific) > estimate(flattery)
