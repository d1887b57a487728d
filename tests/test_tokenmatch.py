"""inmail_lint.analysis.tokenmatch finds exactly what spaCy's Matcher finds, for the syntax it accepts, and refuses the
rest when patterns are built."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.matcher import Matcher

from inmail_lint.analysis.nlp import get_nlp
from inmail_lint.analysis.tokenmatch import PatternError, TokenPatterns, doc_tokens
from inmail_lint.util.resources import load_data

ROOT = Path(__file__).resolve().parent.parent


def spacy_matches(patterns: dict[str, list[Any]], text: str) -> list[tuple[str, int, int]]:
    nlp = get_nlp()
    matcher = Matcher(nlp.vocab)
    for label, group in patterns.items():
        matcher.add(label, group)
    doc = nlp.make_doc(text)
    found = [(nlp.vocab.strings[k], s, e) for k, s, e in matcher(doc)]
    return sorted(found, key=lambda m: (m[1], m[2], m[0]))


def ours(patterns: dict[str, list[Any]], text: str) -> list[tuple[str, int, int]]:
    return TokenPatterns(patterns)(get_nlp().make_doc(text))


CASES = [
    # (patterns, text, expected (label, start, end))
    ({"A": [[{"NORM": "we"}, {"NORM": "both"}]]}, "We both did", [("A", 0, 2)]),
    ({"A": [[{"NORM": "we"}, {"NORM": "both"}]]}, "we did both", []),
    ({"A": [[{"NORM": "we"}, {"NORM": "are", "OP": "?"}, {"NORM": "both"}]]}, "we are both", [("A", 0, 3)]),
    ({"A": [[{"NORM": "we"}, {"NORM": "are", "OP": "?"}, {"NORM": "both"}]]}, "we both", [("A", 0, 2)]),
    ({"A": [[{"NORM": "i"}, {"NORM": "am"}]]}, "I'm here", [("A", 0, 2)]),  # NORM expands contractions
    ({"A": [[{"ORTH": "I"}]]}, "i I", [("A", 1, 2)]),
    ({"A": [[{"LOWER": "globex"}]]}, "GLOBEX", [("A", 0, 1)]),
    ({"A": [[{"NORM": {"IN": ["hi", "hey"]}}, {"IS_TITLE": True}]]}, "hey Ana", [("A", 0, 2)]),
    ({"A": [[{"NORM": {"IN": ["hi", "hey"]}}, {"IS_TITLE": True}]]}, "hey ana", []),
    ({"A": [[{"IS_TITLE": True, "NORM": {"NOT_IN": ["the"]}}, {"NORM": "said"}]]}, "The said", []),
    ({"A": [[{"IS_TITLE": True, "NORM": {"NOT_IN": ["the"]}}, {"NORM": "said"}]]}, "Ana said", [("A", 0, 2)]),
    ({"A": [[{"NORM": {"REGEX": "^ex"}}]]}, "next extra", [("A", 1, 2)]),
    ({"A": [[{"NORM": "a"}, {"OP": "*"}, {"NORM": "b"}]]}, "a x y b", [("A", 0, 4)]),
    ({"A": [[{"NORM": "a"}, {"OP": "+"}]]}, "a x y", [("A", 0, 2), ("A", 0, 3)]),
    ({"A": [[{"NORM": "a"}, {"IS_PUNCT": False, "OP": "{1,2}"}, {"NORM": "b"}]]}, "a x . b", []),
    ({"A": [[{"NORM": "a"}, {"OP": "{2}"}]]}, "a x y z", [("A", 0, 3)]),
    ({"A": [[{"NORM": "a"}, {"NORM": "x", "OP": "!"}, {"NORM": "b"}]]}, "a y b a x b", [("A", 0, 3)]),
    ({"A": [[{"LIKE_NUM": True}]], "B": [[{"NORM": "of"}]]}, "class of 2019", [("B", 1, 2), ("A", 2, 3)]),
    ({"A": [[{"NORM": "x"}]], "B": [[{"NORM": "x"}]]}, "x", [("A", 0, 1), ("B", 0, 1)]),
    ({"A": [[{"NORM": "x"}], [{"NORM": {"IN": ["x"]}}]]}, "x", [("A", 0, 1)]),  # one match per label and span
    ({"A": [[{"NORM": "x", "OP": "?"}, {"NORM": "y"}]]}, "x y", [("A", 0, 2), ("A", 1, 2)]),
]


@pytest.mark.parametrize(("patterns", "text", "expected"), CASES)
def test_cases(patterns: dict[str, list[Any]], text: str, expected: list[tuple[str, int, int]]) -> None:
    assert ours(patterns, text) == expected
    assert spacy_matches(patterns, text) == expected  # the cases state spaCy's behaviour, not only ours


@pytest.mark.parametrize(
    "pattern",
    [
        [],
        [{"NORM": "x", "OP": "?"}],  # matches nothing
        [{"POS": "NOUN"}],  # needs a trained pipeline
        [{"NORM": {"FUZZY": "x"}}],
        [{"NORM": {"IN": "x"}}],
        [{"NORM": {"IN": ["x", 1]}}],
        [{"IS_TITLE": "yes"}],
        [{"NORM": "x", "OP": "{3,1}"}],
        [{"NORM": "x", "OP": "~"}],
        ["x"],
    ],
)
def test_unsupported_patterns_are_refused(pattern: list[Any]) -> None:
    with pytest.raises(PatternError):
        TokenPatterns({"A": [pattern]})


def _cue_texts() -> list[str]:
    files = sorted(ROOT.glob("tests/**/*.inmail")) + sorted(ROOT.glob("examples/**/*.inmail"))
    return [" ".join(f.read_text(encoding="utf-8", errors="replace").split()) for f in files]


def test_rule_pack_cues_match_like_spacy_on_every_test_draft() -> None:
    patterns = load_data("cues.yaml")["patterns"]
    texts = _cue_texts()
    assert len(texts) > 50
    for text in texts:
        assert ours(patterns, text) == spacy_matches(patterns, text), text


_CUE_WORDS = sorted(
    {w for w in re.findall(r"[A-Za-z'-]+", (ROOT / "rules" / "cues.yaml").read_text(encoding="utf-8"))}
    | {"Ana", "Jane", "Doe", "I'm", "we're", "2019", ".", ",", "!", "?", "-"}
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_CUE_WORDS), st.booleans()), min_size=1, max_size=40))
def test_rule_pack_cues_match_like_spacy_on_generated_text(words: list[tuple[str, bool]]) -> None:
    """Text made of the patterns' own words (often capitalised) exercises every pattern's branches."""
    text = " ".join(w.title() if cap else w for w, cap in words)
    patterns = load_data("cues.yaml")["patterns"]
    assert ours(patterns, text) == spacy_matches(patterns, text)


_WORDS = ["a", "b", "c", "the", ".", "ana"]
_TOKEN_SPECS = st.one_of(
    st.fixed_dictionaries({"NORM": st.sampled_from(_WORDS)}),
    st.fixed_dictionaries({"NORM": st.fixed_dictionaries({"IN": st.lists(st.sampled_from(_WORDS), min_size=1)})}),
    st.fixed_dictionaries({"NORM": st.fixed_dictionaries({"NOT_IN": st.lists(st.sampled_from(_WORDS), min_size=1)})}),
    st.fixed_dictionaries({"IS_TITLE": st.booleans()}),
    st.fixed_dictionaries({"IS_PUNCT": st.booleans(), "NORM": st.sampled_from(_WORDS)}),
    st.just({}),
)
_OPS = st.sampled_from([None, "?", "*", "+", "!", "{2}", "{1,2}", "{0,2}", "{2,}", "{,2}"])


@st.composite
def _patterns(draw: st.DrawFn) -> list[dict[str, Any]]:
    pattern = []
    for _ in range(draw(st.integers(1, 4))):
        spec = dict(draw(_TOKEN_SPECS))
        op = draw(_OPS)
        if op is not None:
            spec["OP"] = op
        pattern.append(spec)
    return pattern


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_patterns(), st.lists(st.sampled_from(["a", "b", "c", "the", ".", "Ana", "A"]), min_size=1, max_size=8))
def test_any_supported_pattern_matches_like_spacy(pattern: list[dict[str, Any]], words: list[str]) -> None:
    """Every operator and key this matcher accepts, in random patterns: the same matches as spaCy's Matcher."""
    try:
        compiled = TokenPatterns({"X": [pattern]})
    except PatternError:
        assert all(spec.get("OP") in ("?", "*", "{0,2}", "{,2}") for spec in pattern)  # only all-optional
        return
    doc = get_nlp().make_doc(" ".join(words))
    assert compiled(doc) == spacy_matches({"X": [pattern]}, " ".join(words))


def _field_texts() -> list[str]:
    """Every test draft and example as written (line breaks, runs of spaces, long chunks), and the same with
    whitespace collapsed: the field analysis reads spaCy's Doc through arrays, and must read what spaCy's
    own objects say."""
    files = sorted(ROOT.glob("tests/**/*.inmail")) + sorted(ROOT.glob("examples/**/*.inmail"))
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    return texts + [" ".join(t.split()) for t in texts] + ["", " ", "x" * 200 + " Ana. Hi!", "U.S. Army. Ok"]


def test_field_reads_the_doc_as_spacy_objects_do() -> None:
    """Token offsets, NORM counts and sentence starts read from arrays (FieldAnalysis) equal what spaCy's
    Token, Doc.count_by and its sentencizer's sentences give, on every test draft."""
    from spacy.attrs import NORM

    from inmail_lint.analysis.field import FieldAnalysis
    from inmail_lint.draft.document import Field

    texts = _field_texts()
    assert len(texts) > 100
    for text in texts:
        fa = FieldAnalysis(Field("body", text, 0, len(text)))
        doc = fa.doc
        for i, token in enumerate(doc):
            assert fa.token_span(i, i + 1) == fa.span(token.idx, token.idx + len(token.text)), (text, i)
            norm, orth, _, flags = fa.tokens[i]
            assert (norm, orth) == (token.norm_, token.text)
            assert ("IS_TITLE" in flags, "IS_SPACE" in flags, "LIKE_NUM" in flags) == (
                token.is_title,
                token.is_space,
                token.like_num,
            )
        if len(doc) > 1:
            assert fa.token_span(0, len(doc)) == fa.span(doc[0].idx, doc[-1].idx + len(doc[-1].text))
        whole = get_nlp()(fa._nlp_input[0])  # the whole pipeline: its sentencizer marks the sentences
        assert fa._sentence_starts() == [sent.start_char for sent in whole.sents], text
        by_hash = doc.count_by(NORM)
        words = frozenset(fa.tokens[i][0] for i in range(0, len(doc), 3)) | {"you", "we", "absent-word"}
        assert fa.count_norms(words) == sum(n for h, n in by_hash.items() if doc.vocab.strings[h] in words)


_SENTENCE_PIECES = [
    "Ana",
    "we",
    "I'm",
    "U.S.",
    "e.g.",
    "Inc.",
    "2.5",
    ".",
    "!",
    "?",
    "...",
    "?!",
    ";",
    ",",
    ")",
    '"',
    "”",
    "’",
    "。",
    "!",
    "\n",
    "-",
    ":)",
    "http://x.io/a.b",
    "Hi",
    "👋",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_SENTENCE_PIECES), st.booleans()), max_size=30))
def test_sentence_starts_are_the_sentencizers(pieces: list[tuple[str, bool]]) -> None:
    """The default pipeline's sentences, found from the tokens, are its sentencizer's, on any mix of words and
    punctuation, glued to the word before or not."""
    from inmail_lint.analysis.field import FieldAnalysis
    from inmail_lint.draft.document import Field

    text = "".join((" " if spaced else "") + piece for piece, spaced in pieces)
    fa = FieldAnalysis(Field("body", text, 0, len(text)))
    whole = get_nlp()(fa._nlp_input[0])
    assert fa._sentence_starts() == [sent.start_char for sent in whole.sents]


def test_a_token_is_read_with_its_own_language_s_flags() -> None:
    """Token reads are remembered per vocabulary: a run with two configurations, one with a pipeline of another
    language, reads "two" as a number in English and not in German (the table was once shared by every
    pipeline, so whichever read a word first decided its flags for all)."""
    import spacy

    english, german = spacy.blank("en"), spacy.blank("de")
    assert english.vocab["two"].like_num and not german.vocab["two"].like_num  # the languages disagree
    for first, second in ((english, german), (german, english)):
        for nlp in (first, second):
            [(_, text, _, flags)] = doc_tokens(nlp.make_doc("two"))
            assert text == "two" and ("LIKE_NUM" in flags) == nlp.vocab["two"].like_num
