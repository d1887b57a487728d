"""The spaCy pipeline: imported without spaCy's command line (cold start), and spaCy still whole afterwards."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_spacy_is_imported_without_its_command_line() -> None:
    done = _run(
        """
        import sys
        from inmail_lint.analysis.nlp import get_nlp
        doc = get_nlp()("I'm sure. We both worked there!")
        assert [t.norm_ for t in doc][:2] == ["i", "am"], [t.norm_ for t in doc]
        assert len(list(doc.sents)) == 2
        heavy = ("spacy.cli", "spacy.cli.info", "requests", "typer", "weasel", "httpx")
        loaded = [m for m in heavy if m in sys.modules]
        assert not loaded, loaded
        import spacy
        assert not hasattr(spacy, "cli")
        """
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "first",
    [
        "from inmail_lint.api import lint_text; lint_text('Subject: Hi\\n\\nBonjour, merci pour votre article sur '"
        "'les données et la migration chez Doctolib, une question pour vous et votre équipe ?')",
        "from inmail_lint.analysis.facts import FieldAnalysis; from inmail_lint.draft.parse import parse; "
        "FieldAnalysis(parse('Hi Ana').body).count_norms(frozenset({'hi'}))",
        "from inmail_lint.analysis.nlp import phrase_matcher; phrase_matcher(('touch base',))",
    ],
    ids=["a whole lint", "counting words first", "a phrase matcher first"],
)
def test_no_way_in_imports_the_spacy_command_line(first: str) -> None:
    done = _run(
        f"""
        import sys
        {first}
        heavy = ("spacy.cli", "spacy.cli.info", "requests", "typer", "weasel", "httpx")
        loaded = [m for m in heavy if m in sys.modules]
        assert "spacy" in sys.modules and not loaded, loaded
        """
    )
    assert done.returncode == 0, done.stderr


def test_spacy_command_line_and_info_still_work_afterwards() -> None:
    done = _run(
        """
        from inmail_lint.analysis.nlp import get_nlp
        get_nlp()
        import spacy
        import spacy.cli
        assert hasattr(spacy.cli, "download") and "stand-in" not in (spacy.cli.__doc__ or "")
        info = spacy.info()
        assert info["spacy_version"] == spacy.__version__
        """
    )
    assert done.returncode == 0, done.stderr


def test_spacy_imported_first_is_used_as_it_is() -> None:
    done = _run(
        """
        import spacy, spacy.cli
        real = spacy.cli
        from inmail_lint.analysis.nlp import get_nlp
        get_nlp()
        import sys
        assert sys.modules["spacy.cli"] is real
        """
    )
    assert done.returncode == 0, done.stderr


def test_one_pipeline_per_model_however_it_is_asked_for() -> None:
    # the --jobs workers warm up with get_nlp() and the linter asks for get_nlp(config.spacy_model), which is
    # None by default: both must be the same pipeline, built once (each build costs a tenth of a second or more)
    from inmail_lint.analysis.nlp import get_nlp

    assert get_nlp() is get_nlp(None) is get_nlp(model=None)


def test_the_pipeline_is_built_afresh_when_its_vocabulary_grows(monkeypatch: pytest.MonkeyPatch) -> None:
    """spaCy never forgets a word, so a batch of a million rows with new words grew without bound. Past
    MAX_VOCAB words the pipeline is rebuilt between drafts, and the results stay the same."""
    from inmail_lint.analysis import nlp
    from inmail_lint.api import lint_text

    drafts = [f"Subject: Your talk\n\nHi Ana, word{i}x and thing{i}y, one question? Let me know.\n" for i in range(40)]
    before = [[(d.code, d.start, d.end, d.message) for d in lint_text(text).diagnostics] for text in drafts]
    first = nlp.get_nlp()
    monkeypatch.setattr(nlp, "MAX_VOCAB", 0)  # rebuilt before every draft: the hardest case
    after = [[(d.code, d.start, d.end, d.message) for d in lint_text(text).diagnostics] for text in drafts]
    assert nlp.get_nlp() is not first  # rebuilt at least once
    assert after == before


def test_a_kept_phrase_list_finds_its_matcher_by_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule's list of a thousand phrases is looked up by the tuple it keeps, not hashed on every field; an
    equal tuple gets the same matcher, and a rebuilt pipeline gets new ones."""
    from inmail_lint.analysis import nlp
    from inmail_lint.api import lint_text

    phrases = ("let me know", "could we")
    first = nlp.matcher_for(phrases)
    assert nlp.matcher_for(phrases) is first is nlp.phrase_matcher(phrases, "NORM", None)
    assert nlp.matcher_for(tuple(list(phrases))) is first  # equal content: the same matcher
    monkeypatch.setattr(nlp, "MAX_VOCAB", 0)
    lint_text("Subject: Your talk\n\nHi Ana, one question?\n")  # the pipeline is rebuilt between drafts
    assert nlp.matcher_for(phrases) is not first
