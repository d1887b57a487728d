"""IM402, IM404, IM408, IM204: an ask to reply to, the reader's side, capitals, and stray whitespace."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from inmail_lint.analysis.document import Analysis
from inmail_lint.analysis.readability import is_common_word
from inmail_lint.diagnostic import Edit, Finding, Fix, Severity
from inmail_lint.ruledef.base import Example, OptionSpec, Rule, register
from inmail_lint.util.resources import load_data
from inmail_lint.util.text import all_caps

SELF = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"})
OTHER = frozenset({"you", "your", "yours", "yourself", "yourselves"})


@lru_cache(maxsize=1)
def _requests() -> tuple[str, ...]:
    return tuple(load_data("phrases/requests.yaml")["phrases"])


@register
class NoAsk(Rule):
    code = "IM402"
    language = "en"
    name = "no-ask"
    default_severity = Severity.WARNING
    summary = "No question and no explicit request: nothing to reply to."
    explanation = """
A message that asks nothing gets nothing back. End with one clear, easy question or request ("Would you be
open to a 15-minute call next week?"). A question mark anywhere in the body counts, except inside a link
("/offer?id=1"), and so do request phrases such as "let me know", "would you be open", "happy to"
(`rules/phrases/requests.yaml`).
"""
    examples = (
        Example("Subject: Your talk\n\nHi Ana, loved your talk. Would a short call next week work?\n", fails=False),
        Example("Subject: Your talk\n\nHi Ana, loved your talk. Let me know if a short call works.\n", fails=False),
        Example("Subject: Your talk\n\nHi Ana, loved your talk. We build data tools at Initech.\n", fails=True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        body = analysis.field("body")
        if body is None or not body.text.strip() or body.questions:
            return
        if body.phrase_spans(_requests()):
            return
        start, end = body.sentences[-1] if body.sentences else (0, len(body.text))
        yield Finding(
            'nothing here asks for a reply; end with one easy question ("Would a 15-minute call next week work?")',
            start,
            start + len(body.text[start:end].rstrip()),
            field="body",
        )


@register
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
            "ratio": OptionSpec("number", 2.5, "how many sender words per reader word are too many"),
            "min-count": OptionSpec("integer", 6, "sender words needed before the rule looks at the ratio"),
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
                f"{mine} words about you (I, we, our) and {theirs} about them (you, your); say what is in it for them",
                0,
                len(body.text),
                field="body",
            )


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'’]*")
_REPEATED = re.compile(r"!{2,}|\?{2,}|[!?]{3,}")
_PAIRS = ("!!", "??", "!?", "?!")  # every _REPEATED match holds one: a quick test before the search


@lru_cache(maxsize=1)
def _proper_forms() -> dict[str, str]:
    """The acronym list's spelling of each entry, by its capitals: {"SAAS": "SaaS", "PYDATA": "PyData"}."""
    return {str(a).upper(): str(a) for a in load_data("phrases/acronyms.yaml")["acronyms"]}


@lru_cache(maxsize=1)
def _acronym_data() -> tuple[frozenset[str], frozenset[str]]:
    loud = load_data("phrases/acronyms.yaml").get("shouting", ())
    return frozenset(_proper_forms()), frozenset(w.upper() for w in loud)


@register
class Shouting(Rule):
    code = "IM408"
    name = "shouting"
    default_severity = Severity.WARNING
    summary = 'Words in capitals (acronyms such as CEO, SaaS, AWS, ETL are fine), an all-caps subject, "!!" or "??".'
    explanation = """
Capitals read as shouting, and all-caps subjects get fewer replies (Boomerang: 34.6% against about 50%).
A word in capitals is flagged when it is not a known acronym (`rules/phrases/acronyms.yaml`; add yours with
the option `extend-acronyms`) and it is a word that shouts: six letters or more, a common English word of four
or five (the Dale-Chall list of about 3,000 words, as textstat ships it: HUGE, TODAY, CRAZY), or a listed one
such as NOW or FREE. An unknown word of four or five letters in capitals (FHIR, DICOM) is taken for an
acronym, and merge fields and ad macros (%FIRSTNAME%, [COMPANY]) are left to IM301 and IM307. Capitalised
words next to each other are one diagnostic ("WE HAVE AN AMAZING OFFER FOR YOU"), up to a full stop or other
punctuation. A subject written wholly in capitals, and repeated "!!" or "??", are flagged too. The fixes (lower
case; sentence case for a subject) are unsafe, since a word in capitals may be a name: apply them with
`--fix --unsafe-fixes`.
"""
    options = MappingProxyType(
        {"extend-acronyms": OptionSpec("list", [], "more words that may be written in capitals")}
    )
    examples = (
        Example("Subject: Your AWS migration\n\nHi Ana, how did the ETL move to SaaS go for the CEO?\n", fails=False),
        Example("Subject: YOUR DATA TEAM\n\nHi Ana, one question?\n", fails=True),
        Example("Subject: Your data team\n\nHi Ana, this is HUGE news. One question?\n", fails=True),
        Example("Subject: Your data team\n\nHi Ana, one question??\n", fails=True),
        Example("Subject: Your data team\n\nHi Ana, act NOW!\n", fails=True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        acronyms, loud = _acronym_data()
        extra = options.get("extend-acronyms")
        if extra:
            acronyms = acronyms | {a.upper() for a in extra}
        subject = analysis.field("subject")
        if subject is not None and all_caps(subject.text):
            cased = _sentence_case(subject.text, acronyms)
            yield Finding(
                "subject is in capitals; write it in sentence case",
                0,
                len(subject.text),
                field="subject",
                fix=Fix("write the subject in sentence case", (Edit(0, len(subject.text), cased),), safe=False),
            )
            subject = None
        for name in ("subject", "body"):
            fa = subject if name == "subject" else analysis.field("body")
            if fa is None:
                continue
            greeting = analysis.greeting if name == "body" else None
            for start, end in _shouted_runs(fa.text, acronyms, loud):
                shouted = fa.text[start:end]
                quiet = _lower_keeping(shouted, acronyms)
                if greeting is not None and greeting.name and start <= greeting.name_start < greeting.name_end <= end:
                    # "HELLO ANA," -> "Hello Ana,": the name the greeting uses keeps a capital
                    a, b = greeting.name_start - start, greeting.name_end - start
                    quiet = quiet[:a] + string.capwords(quiet[a:b]) + quiet[b:]
                before = fa.text[:start].rstrip()
                if not before or before[-1] in ".!?" or "\n" in fa.text[len(before) : start]:
                    quiet = quiet[:1].upper() + quiet[1:]
                yield Finding(
                    f"'{shouted}' is in capitals, which reads as shouting; use lower case",
                    start,
                    end,
                    field=name,
                    fix=Fix(f"write '{quiet}'", (Edit(start, end, quiet),), safe=False),
                )
            repeated = _REPEATED.finditer(fa.text) if any(pair in fa.text for pair in _PAIRS) else ()
            for m in repeated:
                one = m.group()[-1]
                yield Finding(
                    f"'{m.group()}' reads as shouting; use one mark",
                    m.start(),
                    m.end(),
                    field=name,
                    fix=Fix(f"write '{one}'", (Edit(m.start(), m.end(), one),)),
                )


def _lower_keeping(text: str, acronyms: frozenset[str]) -> str:
    """'CALL OUR AWS TEAM' -> 'call our AWS team': lower case, but acronyms keep their capitals."""

    def word(m: re.Match[str]) -> str:
        written = m.group()
        if written == "I" or (len(written) > 1 and written.upper() in acronyms):
            return _proper_forms().get(written.upper(), written)  # "PYDATA" -> "PyData", as the list writes it
        return written.lower()

    return _WORD.sub(word, text)


_SENTENCE_START = re.compile(r"(?:^|[.!?]+\s+)[^A-Za-z]*?([a-z])")


def _sentence_case(text: str, acronyms: frozenset[str]) -> str:
    """'YOUR AWS MIGRATION' -> 'Your AWS migration'; 'URGENT! BIG NEWS' -> 'Urgent! Big news' (acronyms keep
    their capitals; each sentence starts with one)."""
    lowered = _lower_keeping(text, acronyms)
    return _SENTENCE_START.sub(lambda m: m.group()[:-1] + m.group(1).upper(), lowered)


_TWO_CAPITALS = re.compile(r"[A-Z]{2}")
# the words of _WORD that are in capitals: a word runs from the first letter of a run of its characters to the
# run's end, so one in capitals is a capital after no letter of its run, then capitals, digits and the like
# to the run's end
_UPPER_WORD = re.compile(r"(?<![A-Za-z0-9&'’])[0-9&'’]*([A-Z][A-Z0-9&'’]*)(?![A-Za-z0-9&'’])")


# a merge field or ad macro is written in capitals by convention (%FIRSTNAME%, *|FNAME|*, [COMPANY]):
# IM301 and IM307 speak about those
_MERGE_FIELD = re.compile(
    r"%[A-Z][A-Z0-9_]*%|\*\|[A-Z0-9_]+\|\*|\{\{[^{}\n]*\}\}|\$?\{[A-Za-z_][\w .-]*\}"
    r"|\[[A-Z][A-Z0-9_ ]*\]|<[A-Z][A-Z0-9_ ]*>|__[A-Z0-9_]+__"
)


def _shouted_runs(text: str, acronyms: frozenset[str], loud: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of shouting: runs of capitalised words, separated only by spaces, commas or hyphens, that hold at
    least one loud word that is not an acronym: six letters or more, a common word of four or five (HUGE), or a
    listed one such as NOW or FREE.
    Short capitalised words inside a run belong to it ("WE HAVE AN AMAZING OFFER" is one run); single
    letters and acronyms at its edges do not ("THANK YOU, I" is "THANK YOU"; "AWS NOW" is "NOW")."""
    runs: list[tuple[int, int]] = []
    if not _TWO_CAPITALS.search(text):
        return runs
    group: list[tuple[int, int, str]] = []  # (start, end, "loud" | "short" | "edge") of one run of capitals

    def close() -> None:
        while group and group[-1][2] == "edge":
            group.pop()
        while group and group[0][2] == "edge":
            group.pop(0)
        if any(k == "loud" for _, _, k in group):
            runs.append((group[0][0], group[-1][1]))
        group.clear()

    fields = [m.span() for m in _MERGE_FIELD.finditer(text)]
    for m in _UPPER_WORD.finditer(text):
        word, start, end = m.group(1), m.start(1), m.end(1)
        if group and text[group[-1][1] : start].strip(" ,-") != "":
            close()  # a word in lower case, or other punctuation, lies between
        if fields and any(a <= start and end <= b for a, b in fields):
            close()
            continue
        letters = sum(1 for ch in word if ch.isalpha())
        bare = re.sub(r"['’]S$", "", word.upper())
        if letters < 2 or bare in acronyms or word.upper() in acronyms:
            kind = "edge"
        elif bare in loud or (letters >= 4 and (letters >= 6 or is_common_word(bare))):
            kind = "loud"
        else:
            # short, or four or five letters and no common word (FHIR, REPLY): loud only next to a loud word
            kind = "short"
        group.append((start, end, kind))
    close()
    return runs


def _trailing_spaces(text: str) -> list[tuple[int, int]]:
    """Spans of spaces at the ends of lines (line by line: a regex here backtracks badly on long runs)."""
    spans = []
    start = 0
    for line in text.split("\n"):
        kept = len(line.rstrip())
        if kept < len(line):
            spans.append((start + kept, start + len(line)))
        start += len(line) + 1
    return spans


_DOUBLE = re.compile(r"(?<=\S)[^\S\n]{2,}(?=\S)")


@register
class StrayWhitespace(Rule):
    code = "IM204"
    name = "stray-whitespace"
    default_severity = Severity.INFO
    summary = "Spaces at the ends of lines, or several spaces between words."
    explanation = """
Stray spaces count toward LinkedIn's character limit and show as ragged gaps in the composer. The fix trims
spaces at the ends of lines and turns runs of spaces between words into one.
"""
    examples = (
        Example("Subject: Your talk\n\nHi Ana,\n\nOne question?\n", fails=False),
        Example("Subject: Your talk\n\nHi Ana,   \n\nOne  question?\n", fails=True),
    )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        body = analysis.field("body")
        if body is None or body.placeholders:
            return
        edits = [Edit(a, b, "") for a, b in _trailing_spaces(body.text)]
        edits += [Edit(m.start(), m.end(), " ") for m in _DOUBLE.finditer(body.text)]
        if not edits:
            return
        edits.sort(key=lambda e: e.start)
        first = edits[0]
        places = "1 place" if len(edits) == 1 else f"{len(edits)} places"
        yield Finding(
            f"stray whitespace in {places} (spaces at line ends or between words); the fix trims it",
            first.start,
            first.end,
            field="body",
            fix=Fix("trim stray whitespace", tuple(edits)),
        )
