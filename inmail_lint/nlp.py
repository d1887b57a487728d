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
    """A matcher for these phrases, built once per process: whole tokens compared on ``attr`` (NORM: lower
    case with contractions expanded, so "I'm" matches "I am"), and any run of spaces or a line break between
    two words still matches, as drafts are often wrapped."""
    from spacy.matcher import Matcher

    nlp = get_nlp(model)
    matcher = Matcher(nlp.vocab)
    key = "ORTH" if attr == "ORTH" else attr
    patterns = []
    for doc in nlp.tokenizer.pipe(phrases):
        words = [t for t in doc if not t.is_space]
        if not words:
            continue
        pattern: list[dict[str, Any]] = []
        for i, token in enumerate(words):
            if i:
                pattern.append({"IS_SPACE": True, "OP": "*"})
            pattern.append({key: token.norm_ if key == "NORM" else token.text})
        patterns.append(pattern)
    matcher.add("PHRASE", patterns)
    return matcher
