"""Phrase variants: one written phrase for the forms a cliché takes.

In a phrase, ``(just)`` is an optional word, ``(I am|I'm)`` optional alternatives, ``{you are|you're}``
alternatives of which one is required, and ``want|wanted`` alternatives for one word. So
``(I) (just) want|wanted to reach out (to you)`` stands for "wanted to reach out", "I just want to reach out
to you" and the other 14 combinations. Phrases are expanded once, when a rule is loaded, into the plain
phrases the matcher compares on whole tokens.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

MAX_FORMS = 256  # forms one written phrase may stand for: more is a mistake in the phrase, not a list
_GROUP = re.compile(r"\(([^()]*)\)|\{([^{}]*)\}|(\S+)")


class VariantError(ValueError):
    pass


@lru_cache(maxsize=4096)
def expand(phrase: str) -> tuple[str, ...]:
    """The plain phrases a written phrase stands for, in order, without repeats (remembered: an option's
    ``extend-phrases`` is expanded on each draft)."""
    if not any(ch in phrase for ch in "(){}|"):
        return (phrase,)
    choices: list[list[str]] = []
    for m in _GROUP.finditer(phrase):
        optional, required, word = m.groups()
        if optional is not None:
            choices.append(["", *(a.strip() for a in optional.split("|"))])
        elif required is not None:
            choices.append([a.strip() for a in required.split("|")])
        else:
            choices.append(word.split("|") if "|" in word else [word])
    if any(ch in "(){}" for m in _GROUP.finditer(phrase) if m.group(3) for ch in m.group(3)):
        raise VariantError(f"unbalanced brackets in phrase {phrase!r}")
    if all("" in options for options in choices):
        raise VariantError(f"phrase {phrase!r} can match nothing: every word is optional")
    count = 1
    for options in choices:
        count *= len(options)
    if count > MAX_FORMS:
        raise VariantError(f"phrase {phrase!r} stands for {count} forms; at most {MAX_FORMS}")
    forms: list[str] = []
    for combination in itertools.product(*choices):
        form = " ".join(w for w in combination if w)
        if form and form not in forms:
            forms.append(form)
    return tuple(forms)
