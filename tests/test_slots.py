"""The slot patterns of rules/placeholders.yaml (and the abbreviation ends and words in capitals) open with their
literal character (so Python's regular expressions skip to it) and find exactly what the same patterns with
the look-behind first find."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inmail_lint.util.resources import load_data

# the forms with the look-behind (or word boundary) first, as they were written before
LOOK_BEHIND_FIRST = {
    r"\{(?<![{\w$]\{)": r"(?<![{\w$])\{",
    r"XXX(?<!\wXXX)X*(?!\w)": r"\b[X]{3,}\b",
    r"\[(?<![\\\w]\[)": r"(?<![\\\w])\[",
    r"<(?<![<\w]<)": r"(?<![<\w])<",
}


def _pairs() -> list[tuple[str, str]]:
    pairs = []
    for pattern in load_data("placeholders.yaml")["patterns"]:
        for fast, slow in LOOK_BEHIND_FIRST.items():
            if pattern.startswith(fast):
                pairs.append((pattern, slow + pattern[len(fast) :]))
    return pairs


def test_each_rewritten_pattern_is_in_the_pack() -> None:
    used = {fast for fast in LOOK_BEHIND_FIRST for pattern, _ in _pairs() if pattern.startswith(fast)}
    assert used == set(LOOK_BEHIND_FIRST)


_TEXT = st.text(st.sampled_from("{}[]<>()$\\_-. \n:@!XxaZ1é{[<"), max_size=40)


@settings(max_examples=400, deadline=None)
@given(_TEXT, st.text(st.sampled_from("aXé_ 1"), max_size=6))
@pytest.mark.parametrize(("fast", "slow"), _pairs())
def test_literal_first_finds_what_look_behind_first_finds(fast: str, slow: str, text: str, word: str) -> None:
    for sample in (text, f"{word}{text}", f"{text}{word}XXXX{word}", f"{word}[{word}]{text}<{word}>{{{word}}}"):
        found = [(m.span(), m.groupdict()) for m in re.finditer(fast, sample)]
        assert found == [(m.span(), m.groupdict()) for m in re.finditer(slow, sample)], sample


_ABBREVIATION_WORDS = st.sampled_from(["Dr.", "Inc.", "A.", "U.S.", "x.", "1.", ".", "Our", "We", "the", "Ana", "Wei"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_ABBREVIATION_WORDS, st.sampled_from(["", " ", "  ", "\n", " \t"])), max_size=20))
def test_abbreviation_ends_are_found_as_with_the_look_behind_first(words: list[tuple[str, str]]) -> None:
    """The gap after an abbreviation's full stop before a sentence opener ("Series A. Our"), searched from
    the full stop, is the gap the look-behind-first form finds."""
    from inmail_lint.analysis.field import _ABBREVIATION_END, _STARTERS

    text = "".join(word + gap for word, gap in words)
    slow = re.compile(rf"(?<=[A-Za-z]\.)[^\S\n]+(?=(?:{_STARTERS})\b)")
    assert [m.span("gap") for m in _ABBREVIATION_END.finditer(text)] == [m.span() for m in slow.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("AZbz09&'’ -.,\né"), max_size=40))
def test_words_in_capitals_are_found_as_with_the_look_behind_first(text: str) -> None:
    """IM408's words in capitals, searched from each capital with the run's start checked after, are the
    words the look-behind-first form finds."""
    from inmail_lint.checks.builtin.shouting import upper_words

    slow = re.compile(r"(?<![A-Za-z0-9&'’])[0-9&'’]*([A-Z][A-Z0-9&'’]*)(?![A-Za-z0-9&'’])")
    assert list(upper_words(text)) == [m.span(1) for m in slow.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from("ab \t\n\u00a0\u3000."), max_size=30))
def test_double_spaces_are_found_as_with_the_look_behind_first(text: str) -> None:
    from inmail_lint.checks.builtin.whitespace import _DOUBLE

    slow = re.compile(r"(?<=\S)[^\S\n]{2,}(?=\S)")
    assert [m.span() for m in _DOUBLE.finditer(text)] == [m.span() for m in slow.finditer(text)]


_LINK_PIECES = ["http://x.io", "HTTPS://A.b/c?d=1.", "www.x.org", "WwW.y", "see", " ", "(", ")", ".", "hTTp", "ftp://z"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_LINK_PIECES), max_size=12).map("".join))
def test_links_and_prose_are_the_patterns(text: str) -> None:
    """A field's links skip the pattern when no "http" or "www." is written in any case, and the prose read for
    readability puts "link" where the pattern finds one, as _LINK.sub did."""
    from inmail_lint.analysis.field import _LINK, FieldAnalysis
    from inmail_lint.draft.document import Field

    fa = FieldAnalysis(Field("body", text, 0, len(text)))
    assert fa.links == [m.span() for m in _LINK.finditer(text)]
    assert fa.prose == _LINK.sub("link", text)


def _opens_with(normalised: str, phrase: str) -> bool:
    return normalised == phrase or (normalised.startswith(phrase) and not normalised[len(phrase)].isalnum())


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "hi",
                "there",
                "dear",
                "sir/madam",
                "good",
                "day",
                "all",
                "team",
                "hiya",
                ",",
                "!",
                "ana",
                "to",
                "whom",
                "it",
                "may",
                "concern",
                "1",
                "é",
            ]
        ),
        max_size=5,
    )
)
def test_generic_greetings_are_looked_up_by_their_first_word(words: list[str]) -> None:
    """The stock greetings a line may open with, looked up by its first word, are the ones a scan of every
    phrase finds, in the same order (the longest first)."""
    from inmail_lint.analysis.cues import _greeting_data, _phrases_for

    normalised = " ".join(words)
    every = [p for p in _greeting_data()[0] if _opens_with(normalised, p)]
    assert [p for p in _phrases_for(normalised) if _opens_with(normalised, p)] == every


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("[]:ab \t\n\u00a0x"), max_size=30), st.sampled_from(["a", "ab", "a b", "x"]))
def test_a_reference_definition_is_found_as_the_pattern_finds_it(text: str, label: str) -> None:
    """A bracketed label defined as a Markdown reference link elsewhere ("[deck]: https://...") is found by a
    string search, as the multi-line pattern compiled for each label found it."""
    from inmail_lint.analysis.slots import _defined_as_reference

    pattern = re.compile(rf"(?m)^[^\S\n]*\[{re.escape(label)}\]:")
    assert _defined_as_reference(text, label) == (pattern.search(text) is not None)


_SLOT_PIECES = [*"{}[]<>()$%#*|_!-. \nXaZé", "name", "Name", "NAME", "First", "insert_", "your_", "Co", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SLOT_PIECES), max_size=40).map("".join))
def test_the_needles_before_each_form_skip_no_slot(text: str) -> None:
    """A form is searched only in a text holding one of its needles (once four texts have been searched): the
    slots found are the same as when every form is searched."""
    from inmail_lint.analysis import slots

    data = slots._data()
    for _ in range(slots.GATE_AFTER):
        slots._gated(data)
    gates = slots._gates[0]
    assert gates is not None and any(g is not None for g in gates)
    gated = slots.find_slots(text)
    try:
        slots._gates[0] = tuple(None for _ in gates)
        assert slots.find_slots(text) == gated
    finally:
        slots._gates[0] = gates


def test_the_forms_needles_are_read_only_after_a_few_texts() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from inmail_lint.analysis.slots import find_slots\n"
        "for text in ('Hi [Name]', 'at {{x}}', 'and <<Co>>'):\n"
        "    find_slots(text)\n"
        "print('inmail_lint.util.literals' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"  # a run of one draft never reads them
