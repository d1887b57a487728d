"""Nothing reaches the network, and readability is the same on every machine."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inmail_lint.analysis.readability import LANGUAGE, flesch_kincaid_grade

ROOT = Path(__file__).resolve().parent.parent
Run = Callable[..., tuple[int, str, str]]


class SocketOpened(AssertionError):
    pass


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Any socket opened, connected or resolved fails the test.

    spaCy's own import (through requests and urllib3) creates and binds a loopback socket once to probe for
    IPv6 support; it never connects. The libraries are imported before the guard goes up, and the test in a
    fresh interpreter below checks that nothing during import connects or resolves a name either.
    """
    from inmail_lint.analysis.nlp import get_nlp
    from inmail_lint.analysis.readability import flesch_kincaid_grade

    get_nlp()
    flesch_kincaid_grade("Warm up.")
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[1:] if args else args))
        raise SocketOpened(f"a socket was used: {args!r}")

    monkeypatch.setattr(socket.socket, "__init__", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == []


def test_nothing_connects_or_resolves_even_at_import(tmp_path: Path) -> None:
    code = (
        "import socket, sys\n"
        "def refuse(*a, **k):\n    raise SystemExit('network used: %r' % (a,))\n"
        "socket.socket.connect = refuse\nsocket.socket.connect_ex = refuse\nsocket.socket.sendto = refuse\n"
        "socket.getaddrinfo = refuse\nsocket.create_connection = refuse\n"
        "from inmail_lint.cli.main import main\n"
        f"sys.exit(main(['check', {str(ROOT / 'examples')!r}, '--isolated', '-q']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr  # the bad examples fail; nothing touched the network
    assert "network used" not in done.stdout + done.stderr


def test_a_whole_lint_opens_no_socket(no_sockets: list[str], cli: Run, tmp_path: Path) -> None:
    draft = tmp_path / "t.inmail"
    draft.write_text(
        "---\nsubject: Your talk, {{first_name}}\ntemplate: true\n---\nHi {{first_name}},\n\n"
        "I hope this message finds you well. Considering the organizational implications of comprehensive "
        "governance initiatives, I would appreciate understanding your perspective on prioritization "
        "methodologies. Would you have ten minutes?\n",
        encoding="utf-8",
    )
    status, out, err = cli("check", str(ROOT / "examples"), str(draft), "--output-format", "json", "--isolated")
    assert status == 1, err
    assert '"IM406"' in out and '"IM405"' in out  # readability and phrase matching ran
    status, out, err = cli("check", str(draft), "--fix", "--isolated")
    assert "Fixed" in out


def test_textstat_never_loads_nltk_or_its_dictionary() -> None:
    from inmail_lint.analysis.readability import flesch_reading_ease

    flesch_reading_ease("Readability is measured without downloading anything at all.")  # through textstat
    from textstat.backend.counts import _count_syllables

    assert _count_syllables.get_cmudict("en_US") is None  # syllables come from pyphen alone
    assert "nltk" not in sys.modules or not hasattr(sys.modules["nltk"], "download")


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        pytest.param("Hi Ana. I liked your talk. Can we meet next week?", -1.64, id="plain"),
        pytest.param(
            "Considering the organizational implications of comprehensive data governance initiatives, I would "
            "appreciate understanding your perspective.",
            23.3,
            id="dense",
        ),
    ],
)
def test_readability_is_deterministic(text: str, grade: float) -> None:
    # pyphen syllables only: the same figure on every machine, whatever NLTK data it has
    assert flesch_kincaid_grade(text) == pytest.approx(grade, abs=0.01)


def test_remembered_hyphenation_counts_as_pyphen_does() -> None:
    from pyphen import Pyphen

    from inmail_lint.analysis.readability import _textstat

    _textstat()
    from textstat.backend.counts._count_syllables import count_syllables

    text = "Considering organizational implications, we rebuilt onboarding; readability isn't everything."
    plain = Pyphen(lang="en_US")
    words = text.lower().replace(",", "").replace(";", "").replace(".", "").split()
    expected = sum(len(plain.positions(w)) + 1 for w in words)
    assert count_syllables(text, "en_US") == expected
    again = len(plain.positions("everything")) + 1
    assert count_syllables(text + " everything", "en_US") == expected + again  # remembered words, new text


def test_hyphenation_patterns_are_read_as_pyphen_reads_them() -> None:
    from pyphen import LANGUAGES, HyphDict

    from inmail_lint.analysis.readability import _read_patterns

    compared = 0
    for path in sorted(set(LANGUAGES.values()), key=str):
        ours = _read_patterns(path)
        if ours is not None:  # None: pyphen reads it itself
            assert ours == HyphDict(path).patterns, path
            compared += 1
    assert compared >= 20
    assert _read_patterns(LANGUAGES["en_US"]) is not None  # the one the grade uses is read the quick way


GRADE_PIECES = [
    "Hi Ana",
    "I liked your talk",
    "organizational",
    "isn't",
    "don't",
    "'quoted'",
    "rock 'n' roll",
    "we've",
    "it'll",
    "they're",
    "e.g.",
    "3.5",
    "U.S.",
    "...",
    "?!",
    "!",
    ".",
    "-",
    "--",
    "_",
    "a_b",
    "https://example.com/x",
    "naïve café",
    "İstanbul",
    "Straße",
    "日本語",
    "\u00ad",
    "\x1c",
    "\x7f",
    "\t",
    "\n",
    "\n\n",
    " ",
    "’",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(GRADE_PIECES), st.text(max_size=4)), max_size=30).map(" ".join))
def test_the_grade_is_textstats_to_the_last_bit(text: str) -> None:
    """The grade is computed here with textstat's rules, words found once (readability.flesch_kincaid_grade);
    it must be textstat's own figure exactly, on any text (ASCII text takes a quicker way to its words)."""
    from inmail_lint.analysis.readability import _textstat

    for variant in (text, text.encode("ascii", "ignore").decode("ascii")):
        assert flesch_kincaid_grade(variant) == float(_textstat().flesch_kincaid_grade(variant)), variant


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéßİ'-", min_size=1, max_size=18), min_size=1))
def test_hyphenation_points_are_pyphens(words: list[str]) -> None:
    from pyphen import Pyphen

    from inmail_lint.analysis.readability import _hyphenation

    plain, ours = Pyphen(lang=LANGUAGE), _hyphenation(LANGUAGE)
    for word in [*words, *(w.upper() for w in words), *EVERYDAY_WORDS]:
        assert ours.positions(word) == plain.positions(word), word


EVERYDAY_WORDS = [
    "considering",
    "organizational",
    "implications",
    "rebuilt",
    "onboarding",
    "readability",
    "everything",
    "hyphenation",
    "recruiting",
    "opportunity",
    "introduction",
    "conversation",
    "engineering",
    "infrastructure",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Considering", "we", "isn't", "re-built", "data", "Ana's", "2024", "—", "rhythm", "a", "I"])
        | st.text(max_size=12),
        max_size=25,
    )
)
def test_grades_count_syllables_as_textstat_does(words: list[str]) -> None:
    """The grades' syllable count (textstat's own count without its dictionary lookup) equals textstat's
    count_syllables, on words and on any text."""
    from textstat.backend.counts._count_syllables import count_syllables
    from textstat.backend.metrics import _syllables_per_word

    from inmail_lint.analysis.readability import _count_syllables_without_dictionary

    flesch_kincaid_grade("warm up")  # textstat is set up
    assert _syllables_per_word.count_syllables is _count_syllables_without_dictionary
    text = " ".join(words)
    assert _count_syllables_without_dictionary(text, LANGUAGE) == count_syllables(text, LANGUAGE)
