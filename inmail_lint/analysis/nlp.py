"""The process-wide spaCy pipeline, built once and only when a rule needs language analysis.

The default is a blank English pipeline with a sentencizer: it works offline on a fresh machine. Importing
this module does not import spaCy; :func:`get_nlp` does, on first use.
"""

from __future__ import annotations

import sys
import types
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inmail_lint.analysis.tokenmatch import Token


class ModelNotInstalled(Exception):
    """A configured spaCy pipeline is not installed (it is never downloaded)."""


def _import_spacy() -> Any:
    """spaCy, imported without its command line.

    ``import spacy`` also imports ``spacy.cli`` (for ``spacy.info``), and with it requests, httpx, typer, rich,
    jinja2 and weasel, and reads a YAML file: about 0.3 s of a cold run that inmail-lint never uses. While
    spaCy imports, ``spacy.cli`` and ``spacy.cli.info`` are stand-ins in ``sys.modules``; they are removed
    afterwards, so ``import spacy.cli`` later imports the real one, and ``spacy.info`` imports it when called.
    If a spaCy release imports more of its command line than ``info``, the stand-ins are dropped and spaCy
    is imported as usual.
    """
    if "spacy" in sys.modules:
        import spacy

        return spacy

    def info(*args: Any, **kwargs: Any) -> Any:
        import importlib

        return importlib.import_module("spacy.cli.info").info(*args, **kwargs)

    cli = types.ModuleType("spacy.cli", "inmail-lint: stand-in while spaCy imports (see inmail_lint.analysis.nlp)")
    cli.__path__ = []
    cli_info = types.ModuleType("spacy.cli.info", cli.__doc__)
    cli_info.info = info  # type: ignore[attr-defined]
    stand_ins = {"spacy.cli": cli, "spacy.cli.info": cli_info}
    if any(name in sys.modules for name in stand_ins):
        import spacy

        return spacy
    sys.modules.update(stand_ins)
    try:
        import spacy
    except ImportError:
        _drop(stand_ins)
        import spacy
    finally:
        _drop(stand_ins)
    if getattr(spacy, "cli", None) is cli:
        delattr(spacy, "cli")
    return spacy


def _drop(stand_ins: dict[str, types.ModuleType]) -> None:
    for name, module in stand_ins.items():
        if sys.modules.get(name) is module:
            del sys.modules[name]


def get_nlp(model: str | None = None) -> Any:
    """The pipeline for ``model`` (None: blank English with a sentencizer), built once per process however it
    is asked for (``get_nlp()`` and ``get_nlp(None)`` are the same pipeline)."""
    return _build_nlp(model)


#: Words a pipeline may learn before it is built afresh. spaCy adds every new word to the pipeline's vocabulary
#: and never forgets one, so a batch of a million rows with a few new words each grew without bound (445 MB at
#: 300,000 rows); a fresh blank pipeline costs about 0.2 s.
MAX_VOCAB = 50_000


def recycle_if_large() -> None:
    """Build the pipelines afresh when one has learnt more than :data:`MAX_VOCAB` words. Called between
    drafts (never while one is analysed, whose tokens belong to the old vocabulary)."""
    if _build_nlp.cache_info().currsize == 0:
        return
    for model in list(_BUILT):
        if len(_build_nlp(model).vocab) > MAX_VOCAB:
            _build_nlp.cache_clear()
            phrase_matcher.cache_clear()
            _HELD_MATCHERS.clear()
            _BUILT.clear()
            return


_BUILT: set[str | None] = set()


@lru_cache(maxsize=4)
def _build_nlp(model: str | None) -> Any:
    spacy = _import_spacy()

    if model is None:
        nlp = spacy.blank("en")
    else:
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise ModelNotInstalled(
                f"spaCy pipeline {model!r} is not installed; install it with "
                f"'python -m pip install {model}' (inmail-lint never downloads models), "
                "or remove 'spacy-model' from the config to use the built-in blank English pipeline"
            ) from exc
    if "sentencizer" not in nlp.pipe_names and "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    _BUILT.add(model)  # only a pipeline that was built: one that failed to load is never asked again here
    return nlp


def sentence_starts(tokens: list[Token], punct_chars: frozenset[str]) -> list[int]:
    """The tokens that start a sentence, as spaCy's ``Sentencizer`` marks them (``predict``): the first, and
    each token that is neither punctuation nor one of ``punct_chars`` after one of ``punct_chars`` ("." "!"
    "?" and the like). ``tokens`` are (NORM, text, lower case, flags) as the token patterns read them. The
    default pipeline runs only its tokenizer on a field; this gives its sentencizer's boundaries when a rule
    asks for sentences, from tokens already read (``tests/test_tokenmatch.py`` holds the two equal)."""
    if not tokens:
        return []
    starts = [0]
    seen_period = False
    for i, (_, text, _, flags) in enumerate(tokens):
        in_punct_chars = text in punct_chars
        if seen_period and not in_punct_chars and "IS_PUNCT" not in flags:
            starts.append(i)
            seen_period = False
        elif in_punct_chars:
            seen_period = True
    return starts


@lru_cache(maxsize=1)
def punct_chars() -> frozenset[str]:
    """What ends a sentence for the default pipeline's sentencizer."""
    return frozenset(get_nlp().get_pipe("sentencizer").punct_chars)


_HELD_MATCHERS: dict[tuple[int, str, str | None], tuple[tuple[str, ...], Any]] = {}
MAX_HELD_MATCHERS = 64


def matcher_for(phrases: tuple[str, ...], attr: str = "NORM", model: str | None = None) -> Any:
    """:func:`phrase_matcher` for a tuple of phrases the caller keeps (a rule's list): found by the tuple's
    identity, so a list of a thousand phrases is not hashed again on every field (1.9 us for the clichés)."""
    key = (id(phrases), attr, model)
    held = _HELD_MATCHERS.get(key)
    if held is not None and held[0] is phrases:  # (the tuple is held with its matcher: its id stays its own)
        return held[1]
    matcher = phrase_matcher(phrases, attr, model)
    if len(_HELD_MATCHERS) >= MAX_HELD_MATCHERS:
        _HELD_MATCHERS.clear()
    _HELD_MATCHERS[key] = (phrases, matcher)
    return matcher


@lru_cache(maxsize=256)
def phrase_matcher(phrases: tuple[str, ...], attr: str = "NORM", model: str | None = None) -> Any:
    """A PhraseMatcher for these phrases, built once per process. It compares whole tokens on ``attr``: NORM
    is lower case with contractions expanded, so "I'm" matches "I am"; ORTH is exact. Whitespace inside a
    phrase is collapsed, as it is in the text it is matched against (see FieldAnalysis.doc)."""
    nlp = get_nlp(model)  # first: it imports spaCy without its command line
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr=attr)
    patterns = [nlp.make_doc(" ".join(p.split())) for p in phrases if p.strip()]
    matcher.add("PHRASE", patterns)
    return matcher
