"""The quick test before a rule-file pattern's search (``util/literals.py``): it may skip a search only
when the pattern cannot match, and it must be told apart from syntax that ``re`` reads otherwise than
``regex``."""

from __future__ import annotations

import string
import sys

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from inmail_lint.checks.define.patterns import GATE_AFTER, BoundedPattern
from inmail_lint.util.literals import AS_ASCII, gate, lowered
from inmail_lint.util.resources import load_data


def needles(source: str, ignore_case: bool) -> tuple[str, ...] | None:
    quick = gate(source, ignore_case)
    return quick.needles if quick is not None else None


def gated(source: str, ignore_case: bool) -> BoundedPattern:
    """A rule-file pattern searched often enough to have read its needles (see patterns.GATE_AFTER)."""
    pattern = BoundedPattern("test.yaml", "patterns[0]", source, ignore_case)
    for _ in range(GATE_AFTER):
        pattern.spans("")
    assert pattern.gate is not None
    return pattern


def _pack_patterns() -> list[tuple[str, bool]]:
    """Every regular expression of the built-in rule files, with its ignore-case setting."""
    from importlib import resources

    found = []
    pack = resources.files("inmail_lint") / "rules" / "pack"
    import yaml

    for entry in sorted(pack.iterdir(), key=lambda e: e.name):
        spec = yaml.safe_load(entry.read_text(encoding="utf-8"))
        sources = list(spec.get("patterns") or []) + ([spec["pattern"]] if spec.get("pattern") else [])
        found += [(p, spec.get("ignore-case", True)) for p in sources]
    phrases = load_data("phrases/cliches.yaml")
    found += [(p, True) for p in phrases.get("patterns") or []] if isinstance(phrases, dict) else []
    return found


PLACEHOLDERS = [(p, False) for p in load_data("placeholders.yaml")["patterns"]]
WRITTEN = [
    (r"\bok\b", True),
    (r"(?i)straße", False),
    (r"\u017fpots? left", True),
    (r"\bin\b", True),
    (r"İstanbul", True),
    (r"(?-i:Acme) corp", True),
    (r"(?i:acme) Corp", False),
    (r"(?:urgent|asap)ly?", True),
    (r"a(?:b|)c", True),
    (r"x[\u00ad\u200b]+y", True),
    (r"[A-Z]{3}-\d+", False),
    (r"(?:foo)?bar", True),
    (r"(?:foo)+bar", True),
    (r"(?:foo){0,2}baz", True),
    (r"don[’']t", True),
]
PATTERNS = _pack_patterns() + PLACEHOLDERS + WRITTEN
PIECES = sorted(
    {piece for source, _ in PATTERNS for piece in (needles(source, True) or ()) + (needles(source, False) or ())}
    | {"\u212a", "\u017f", "\u0130", "\u0131", "ß", "SS", "ǅ", "Ω", "\u2126", "’", "\u00ad", "\u200b", " ", "\n"}
    | {"I", "i", "K", "k", "S", "s", "OK", "Ok", "URGENT", "Acme", "ACME", "%", "{{", "}}", "[", "]", "-", ":"}
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=12).map("".join))
def test_a_pattern_is_never_skipped_where_it_would_match(text: str) -> None:
    for source, ignore_case in PATTERNS:
        quick = gate(source, ignore_case)
        if quick is None or quick.admits(text):
            continue
        flags = regex.IGNORECASE if ignore_case else 0
        assert regex.search(source, text, flags) is None, (source, text)


def test_the_characters_taken_for_ascii_letters_are_all_known() -> None:
    """Every non-ASCII character the installed regex package matches to an ASCII letter with case ignored is one
    of AS_ASCII, which maps it to that letter (the list may hold more: a needle found where no match is costs a
    search, never a finding)."""
    letters = regex.compile("(?i)(?:" + "|".join(string.ascii_lowercase) + ")")
    found = {}
    for point in range(0x80, sys.maxunicode + 1):
        if 0xD800 <= point <= 0xDFFF:
            continue
        char = chr(point)
        m = letters.fullmatch(char)
        if m is not None:
            found[char] = next(c for c in string.ascii_lowercase if regex.fullmatch(f"(?i){c}", char))
    assert found.items() <= AS_ASCII.items()
    assert found  # (the Kelvin sign and the long s, at least)


@pytest.mark.parametrize(
    ("source", "ignore_case", "expected"),
    [
        ("%(?:FIRSTNAME|LASTNAME)%", False, ("FIRSTNAME", "LASTNAME")),
        (r"\burgent(?:ly)?\b", True, ("urgent",)),
        (r"(?<!not )\bGuaranteed\b", True, ("guaranteed",)),
        (r"(?:foo)?bar", True, ("bar",)),
        (r"(?:foo)+bar", True, ("foo",)),
        (r"(?:foo){0,2}baz", True, ("baz",)),
        (r"[\u00ad\u200b]+", True, ("\u00ad", "\u200b")),
        (r"(?-i:Acme) corp", True, (" corp",)),
        (r"(?i)ACME", False, ("acme",)),
    ],
)
def test_needles_are_what_every_match_goes_through(source: str, ignore_case: bool, expected: tuple[str, ...]) -> None:
    assert needles(source, ignore_case) == expected


@pytest.mark.parametrize(
    "source",
    [
        r"[[:alpha:]]+xyz",  # a POSIX class to regex, a set and a literal "]" to re
        r"(?:colour){e<=1}",  # fuzzy matching to regex, a literal "{e<=1}" to re
        r"\p{Lu}abc",
        r"(?>abc)d",
        r"(?V1)[[a-z]--[aeiou]]x",
        r"(?x) a b c",
        r"(?f)strasse",
        r"(abc)\1",
        r"\N{BULLET}abc",
        r"a|",  # an empty branch: a match need hold nothing
        r"(?:abc)?",
        r"\w+\s+\d",
    ],
)
def test_syntax_read_otherwise_or_without_needles_gets_no_gate(source: str) -> None:
    assert gate(source, True) is None
    assert gate(source, False) is None


def test_a_pattern_reads_its_needles_only_once_searched_often() -> None:
    """A run of one draft never pays for reading a pattern's needles (about 3 ms for the pack, at start-up)."""
    pattern = BoundedPattern("test.yaml", "patterns[0]", r"\burgent(?:ly)?\b", True)
    for _ in range(GATE_AFTER - 1):
        assert pattern.spans("an urgent note") == [(3, 9)]
    assert pattern.gate is None
    pattern.spans("another")
    assert pattern.gate is not None and pattern.gate.needles == ("urgent",)


def test_a_text_without_the_needles_is_not_searched() -> None:
    pattern = gated(r"\burgent(?:ly)?\b", True)
    searched = []
    compiled = pattern._pattern

    class Counting:
        def finditer(self, text: str, **kwargs: object) -> object:
            searched.append(text)
            return compiled.finditer(text, **kwargs)

    pattern._pattern = Counting()
    assert pattern.spans("Could we talk this week?") == []
    assert searched == []
    assert pattern.spans("This is URGENTLY needed") == [(8, 16)]
    assert searched == ["This is URGENTLY needed"]
    assert pattern.spans("o\u212ak, urgent") == [(5, 11)]


def test_characters_taken_for_letters_still_match() -> None:
    """The Kelvin sign is a "k" and the long s an "s" to a case-insensitive search: the test must let them by."""
    for source, text in [(r"\bok\b", "O\u212a"), (r"spots left", "\u017fpots left"), (r"\bin\b", "\u0130n")]:
        found = gated(source, True).spans(text)
        assert found == [m.span() for m in regex.finditer(source, text, regex.IGNORECASE)]
        assert found


def test_the_lowered_text_is_the_texts_own() -> None:
    """The few lowered texts kept are looked up by identity, each held with its text."""
    a, b = "Hello \u212a", "Another"
    assert lowered(a) == "hello k"
    assert lowered(b) == "another"
    assert lowered(a) == "hello k"
    for i in range(20):
        assert lowered(f"Text {i}") == f"text {i}"
