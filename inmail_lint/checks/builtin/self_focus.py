"""IM404 self-focused: the message talks about the sender more than the reader."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import pairwise
from types import MappingProxyType
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.checks.define.base import Example, OptionSpec, Rule
from inmail_lint.diagnostic import Finding, Severity

SELF = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"})
OTHER = frozenset({"you", "your", "yours", "yourself", "yourselves"})
_THANK = frozenset({"thank"})


class SelfFocused(Rule):
    code = "IM404"
    language = "en"
    name = "self-focused"
    default_severity = Severity.INFO
    summary = "I/we/our/us far outnumber you/your: the message is about the sender."
    explanation = """
Readers answer messages about themselves. When the words for the sender (I, me, my, we, us, our) outnumber
the words for the reader (you, your; not the "you" of "thank you", a formula) by more than `ratio` to one,
and there are at least `min-count` of them, turn sentences around: what is in it for the reader? The finding
points at the sentence most about the sender (the most sender words, less reader words), and says how many
it holds.
"""
    options = MappingProxyType(
        {
            "ratio": OptionSpec("number", 2.5, "how many sender words per reader word are too many", minimum=0),
            "min-count": OptionSpec("integer", 6, "sender words needed before the rule looks at the ratio", minimum=0),
        }
    )
    examples = (
        Example(
            "Subject: Your talk\n\nHi Ana, your talk on contracts was great. How do you version yours? "
            "I would love your take.\n",
            fails=False,
        ),
        Example(
            "Subject: Us\n\nHi Ana, we are a startup. Our platform is great and we love our customers. "
            "I think our team and I can help. We are hiring. Do you like it?\n",
            fails=True,
        ),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        body = analysis.field("body")
        if body is None or not body.text.strip():
            return
        mine = body.count_norms(SELF)
        theirs = body.count_norms(OTHER)
        if theirs and body.count_norms(_THANK):
            theirs -= _thank_yous([token[0] for token in body.tokens])
        if mine >= options["min-count"] and mine > options["ratio"] * max(theirs, 1):
            start, end, words = _most_about_yourself(analysis)
            where = f"; this sentence has {words}" if words > 1 else ""
            yield Finding(
                f"{mine} words about yourself (I, we, our) and {theirs} about them (you, your){where}; "
                "say what is in it for them",
                start,
                end,
                field="body",
            )


def _thank_yous(words: list[str]) -> int:
    """How many times these lower-case words say "thank you": a formula, not words about the reader."""
    return sum(1 for a, b in pairwise(words) if a == "thank" and b == "you")


def _most_about_yourself(analysis: Analysis) -> tuple[int, int, int]:
    """The sentence of the body with the most words about the sender, less those about the reader (the first
    of equals): where turning a sentence around helps most. Its span and its count of sender words."""
    body = analysis.field("body")
    assert body is not None
    best = (0, len(body.text), 0)
    best_score = None
    for start, end in body.sentences:
        words = [w.lower() for w in _WORD.findall(body.text[start:end])]
        mine = sum(w in SELF for w in words)
        score = mine - (sum(w in OTHER for w in words) - _thank_yous(words))  # as the body's count goes
        if best_score is None or score > best_score:
            best, best_score = (start, end, mine), score
    return best


_WORD = re.compile(r"[A-Za-z]+")
