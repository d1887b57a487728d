"""The process-wide spaCy pipeline, built once and only when a rule needs language analysis.

The default is a blank English pipeline with a sentencizer: it works offline on a fresh machine. Importing
this module does not import spaCy; :func:`get_nlp` does, on first use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


class ModelNotInstalled(Exception):
    """A configured spaCy pipeline is not installed (it is never downloaded)."""


@lru_cache(maxsize=4)
def get_nlp(model: str | None = None) -> Any:
    import spacy

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
    return nlp


@lru_cache(maxsize=256)
def phrase_matcher(phrases: tuple[str, ...], attr: str = "NORM", model: str | None = None) -> Any:
    """A PhraseMatcher for these phrases, built once per process. It compares whole tokens on ``attr``: NORM
    is lower case with contractions expanded, so "I'm" matches "I am"; ORTH is exact. Whitespace inside a
    phrase is collapsed, as it is in the text it is matched against (see FieldAnalysis.doc)."""
    from spacy.matcher import PhraseMatcher

    nlp = get_nlp(model)
    matcher = PhraseMatcher(nlp.vocab, attr=attr)
    patterns = [nlp.make_doc(" ".join(p.split())) for p in phrases if p.strip()]
    matcher.add("PHRASE", patterns)
    return matcher
