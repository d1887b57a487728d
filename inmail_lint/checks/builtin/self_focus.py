"""IM404 self-focused: the message talks about the sender more than the reader."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.checks.define.base import Example, OptionSpec, Rule
from inmail_lint.diagnostic import Finding, Severity

SELF = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"})
OTHER = frozenset({"you", "your", "yours", "yourself", "yourselves"})


class SelfFocused(Rule):
    code = "IM404"
    language = "en"
    name = "self-focused"
    default_severity = Severity.INFO
    summary = "I/we/our/us far outnumber you/your: the message is about the sender."
    explanation = """
Readers answer messages about themselves. When the words for the sender (I, me, my, we, us, our) outnumber
the words for the reader (you, your) by more than `ratio` to one, and there are at least `min-count` of them,
turn sentences around: what is in it for the reader?
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
        if mine >= options["min-count"] and mine > options["ratio"] * max(theirs, 1):
            yield Finding(
                f"{mine} words about yourself (I, we, our) and {theirs} about them (you, your); "
                "say what is in it for them",
                0,
                len(body.text),
                field="body",
            )
