"""IM408 shouting: words written in capitals, and runs of marks."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.analysis.readability import is_common_word
from inmail_lint.checks.define.base import Example, OptionSpec, Rule
from inmail_lint.diagnostic import Edit, Finding, Fix, Severity
from inmail_lint.util.resources import load_data
from inmail_lint.util.text import all_caps

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
acronym, and merge fields and ad macros (%FIRSTNAME%, [COMPANY]) are left to IM301 and IM307, names in code
joined by underscores (DATABASE_URL, MAX_RETRIES) to the writer. Capitalised
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
            fields = [(s.start, s.end) for s in fa.slots] + [(a, b) for _, a, b in fa.placeholders]
            fields += [m.span() for m in _AD_MACRO.finditer(fa.text)]  # %FIRSTNAME%: LinkedIn's, IM307's
            for start, end in _shouted_runs(fa.text, acronyms, loud, fields):
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


_AD_MACRO = re.compile(r"%[A-Z][A-Z0-9_]*%")
_TWO_CAPITALS = re.compile(r"[A-Z]{2}")
# the words of _WORD that are in capitals: a word runs from the first letter of a run of its characters to the
# run's end, so one in capitals is a capital after no letter of its run, then capitals, digits and the like
# to the run's end. The search starts at a capital (Python skips to each one; a look-behind first was tried
# at every character) and the run's start is checked after, by upper_words().
_UPPER_WORD = re.compile(r"[A-Z][A-Z0-9&'’]*(?![A-Za-z0-9&'’])")
_RUN_PUNCT = "0123456789&'’"  # what a run may hold before its first letter
_LETTERS = frozenset(string.ascii_letters)


def upper_words(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the words in capitals (see _UPPER_WORD): a capital with no letter before it in its run of
    letters, digits, '&' and apostrophes, and capitals, digits and the like from there to the run's end."""
    for m in _UPPER_WORD.finditer(text):
        at = m.start()
        while at > 0 and text[at - 1] in _RUN_PUNCT:
            at -= 1
        if at == 0 or text[at - 1] not in _LETTERS:
            yield m.span()


def _in_identifier(text: str, start: int, end: int) -> bool:
    """Whether the word at ``start:end`` is joined to another by an underscore ("DATABASE_URL"); "_URGENT_",
    underscores around a word for emphasis, is not."""
    return (start >= 2 and text[start - 1] == "_" and text[start - 2].isalnum()) or (
        text[end : end + 1] == "_" and text[end + 1 : end + 2].isalnum()
    )


def _shouted_runs(
    text: str, acronyms: frozenset[str], loud: frozenset[str], fields: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """Spans of shouting: runs of capitalised words, separated only by spaces, commas or hyphens, that hold at
    least one loud word that is not an acronym: six letters or more, a common word of four or five (HUGE), or a
    listed one such as NOW or FREE.
    Short capitalised words inside a run belong to it ("WE HAVE AN AMAZING OFFER" is one run); single
    letters and acronyms at its edges do not ("THANK YOU, I" is "THANK YOU"; "AWS NOW" is "NOW"). Words inside
    ``fields`` (slots and template variables: [COMPANY], %FIRSTNAME%, [PERSONALIZE: ...]) are left out:
    IM301 and IM307 speak about those; so are the words of a name in code joined by underscores (MAX_RETRIES)."""
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

    for start, end in upper_words(text):
        word = text[start:end]
        if group and text[group[-1][1] : start].strip(" ,-") != "":
            close()  # a word in lower case, or other punctuation, lies between
        if fields and any(a <= start and end <= b for a, b in fields):
            close()
            continue
        if _in_identifier(text, start, end):
            close()  # a name in code (DATABASE_URL, PERMISSION_DENIED) is written in capitals, not shouted
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
