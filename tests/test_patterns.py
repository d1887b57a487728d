"""A rule's regular expressions searched as one alternation first (``ruletypes.any_of``): it must never change
what the rule finds, only skip the fields none of them matches."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inmail_lint.checks.define.patterns import _NOT_COMBINABLE, ANY_OF_MIN, BoundedPattern, any_of
from inmail_lint.util.resources import load_data

# many patterns with look-arounds and classes: the placeholder forms of rules/placeholders.yaml, without
# their named groups (an alternation cannot repeat a name), without the one with an inline flag, and
# without those any_of would not combine
PLACEHOLDERS = [
    BoundedPattern("placeholders.yaml", f"patterns[{i}]", p.replace("(?P<inner>", "(?:"), False)
    for i, p in enumerate(load_data("placeholders.yaml")["patterns"])
    if not p.startswith("(?") and not _NOT_COMBINABLE.search(p.replace("(?P<inner>", "(?:"))
]
PIECES = [
    "{{",
    "}}",
    "{",
    "}",
    "${",
    "*|",
    "|*",
    "%",
    "[",
    "]",
    "<",
    ">",
    "__",
    "XXX",
    "x",
    "FNAME",
    "first",
    "name",
    "Company",
    "your ",
    " ",
    "\n",
    "(",
    "a",
    "Z",
    "_",
    "'s",
    "é",
]


def patterns(sources: list[str], ignore_case: bool = False) -> list[BoundedPattern]:
    return [BoundedPattern("t", f"patterns[{i}]", s, ignore_case) for i, s in enumerate(sources)]


def found_one_by_one(regexes: list[BoundedPattern], text: str) -> bool:
    return any(p.spans(text) for p in regexes)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_the_alternation_agrees_with_the_patterns_one_by_one(text: str) -> None:
    regexes = PLACEHOLDERS
    combined = any_of(regexes, ignore_case=False)
    assert combined is not None
    verdict = combined.search(text)
    if verdict is False:
        assert not found_one_by_one(regexes, text)
    elif verdict is True:
        assert found_one_by_one(regexes, text)


def test_a_pattern_that_matches_nothing_first_cannot_hide_another() -> None:
    regexes = patterns(["x*", "b?", "q|", "abc"])
    combined = any_of(regexes, ignore_case=False)
    assert combined is not None and combined.search("abc") is None  # an empty match: run them one by one
    assert found_one_by_one(regexes, "abc")
    assert combined.search("") is None


@pytest.mark.parametrize(
    "sources",
    [
        ["(?i)abc", "d", "e", "f"],  # a flag for the whole pattern
        ["(a)\\1", "b", "c", "d"],  # a back-reference: numbers shift in an alternation
        ["(?P<w>a)(?P=w)", "b", "c", "d"],
        ["a(?R)?b", "c", "d", "e"],  # recursion
        ["a", "b", "c"],  # too few to be worth it
    ],
)
def test_patterns_that_would_change_meaning_are_not_combined(sources: list[str]) -> None:
    assert len(sources) < ANY_OF_MIN or any_of(patterns(sources), ignore_case=False) is None


def test_a_combined_rule_still_reports_every_match() -> None:
    from inmail_lint.api import lint_text

    result = lint_text("Subject: Hi {{first_name}}\n\nHi [First Name], about <Company> and %FNAME%: XXX.\n")
    found = [d.message.split("'")[1] for d in result.diagnostics if d.code == "IM301"]
    assert found == ["{{first_name}}", "[First Name]", "<Company>", "%FNAME%", "XXX"]


# IM401's expressions: some anchored at the start of the subject ("^\W*(?:no more|...)"), some not, searched
# as two alternations
PITCHY = [
    BoundedPattern("IM401", f"patterns[{i}]", p, True)
    for i, p in enumerate(load_data("pack/IM401-pitchy-subject.yaml")["patterns"])
]
PITCHY_WORDS = ["no more", "Grow your", "help you", "Final call", "for", "teams", "in 30 seconds", "autopilot", "on"]
PITCHY_WORDS += ["weekly market insights", "newsletter", "Ana", "your talk", " ", ":", "!", "\n", "—", "zero", "needed"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PITCHY_WORDS), max_size=8).map(" ".join))
def test_anchored_and_other_patterns_searched_apart_agree_with_them_one_by_one(text: str) -> None:
    combined = any_of(PITCHY, ignore_case=True)
    assert combined is not None and len(combined._patterns) == 2  # the anchored ones, and the others
    verdict = combined.search(text)
    if verdict is False:
        assert not found_one_by_one(PITCHY, text)
    elif verdict is True:
        assert found_one_by_one(PITCHY, text)


class _StallsOnce:
    """A compiled pattern whose first search runs out of time, as when the machine stalls for a moment."""

    def __init__(self, pattern: object) -> None:
        self.pattern, self.calls = pattern, 0

    def finditer(self, text: str, timeout: float) -> object:
        self.calls += 1
        if self.calls == 1:
            raise TimeoutError("regex timed out")
        return self.pattern.finditer(text, timeout=timeout)  # type: ignore[attr-defined]


def test_a_search_that_runs_out_of_time_once_is_tried_again() -> None:
    """The time limit is wall-clock time: one stall of the machine must not stop a pattern (and turn its
    check off for the run); a pattern that backtracks runs out of time twice and is stopped."""
    pattern = BoundedPattern("t.yaml", "patterns[0]", "%FIRSTNAME%", True)
    pattern._pattern = _StallsOnce(pattern._pattern)
    assert pattern.spans("Hi %FIRSTNAME%,") == [(3, 14)]
    assert pattern.stopped_in is None
    slow = BoundedPattern("t.yaml", "patterns[0]", "(a|aa)+$", True)
    assert slow.spans("a" * 60 + "!") is None and slow.stopped_in is not None
    assert slow.spans("aa") is None  # off for the rest of the run
