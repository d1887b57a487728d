"""What text a pattern needs before it can match: a quick test that skips the search (for the rule files'
patterns, ``checks/define/patterns.py``, and the placeholder forms, ``analysis/slots.py``).

Most fields match none of a rule's patterns, and a time-limited search with the ``regex`` package costs a few
microseconds even then (IM307's ``%(?:FIRSTNAME|...)%`` on a body: 5.5 us). Nearly every pattern holds words
that any match must contain (IM307's: FIRSTNAME, LASTNAME, ...; IM407's: "guaranteed"), and looking for those
with ``in`` costs a tenth of that. :func:`gate` finds them, and a pattern is searched only in a text that
holds one (:func:`gate`). The test may only ever say "cannot match" when the pattern cannot match, so:

- the pattern is read by Python's own parser (``re``'s), and only when it is written in the part of the syntax
  that ``re`` and ``regex`` read alike (:data:`_SAFE`): ``[[:alpha:]]``, ``{e<=1}``, ``\\p{L}``, atomic groups
  and the like get no gate and are always searched;
- a needle is taken only from what every match must go through once: a run of literal characters, a group,
  a repeat of at least one, every branch of an alternation (then any of their needles will do), or a small
  character class; never from inside a group that changes the flags, a look-around or an optional part;
- when case is ignored, a needle holds only ASCII characters and characters that have no case, and the text
  is lower-cased first, with the non-ASCII characters that the ``regex`` package's case-insensitive matching
  takes for ASCII letters (the Kelvin sign, the long s, the dotted capital I; and the dotless i, to be safe)
  read as those letters (``tests/test_literals.py`` checks the list against the installed ``regex`` over
  every code point).
"""

from __future__ import annotations

import re
import sys
import unicodedata
import warnings
from typing import Any

if sys.version_info >= (3, 11):
    from re import _constants as _c
    from re import _parser as _sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _sre_parse

MAX_NEEDLES = 64  # alternatives (or class members) worth testing one by one; more, and the search is as quick

# The syntax ``re`` and ``regex`` (version 0, its default) read the same way, token by token: escapes of
# classes, controls, hex code points and punctuation; classes without nesting or POSIX names; plain,
# non-capturing, named and scoped-flag groups, look-arounds; global flags other than verbose, full case
# folding and the regex package's versions; counted repeats; and any other character standing for itself.
_SAFE = re.compile(
    r"""
      \\(?:[bBdDsSwWAZnrtfv]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[^\w\s])
    | \[\^?(?:\\(?:[dDsSwWnrtfv]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[^\w\s])|[^\\\[\]])+\]
    | \(\?(?::|=|!|<=|<!|P<\w+>|[imsu]*(?:-[imsu]+)?:)
    | \(\?[aiLmsu]+\)
    | \{\d+(?:,\d*)?\}
    | \{,\d+\}
    | \((?!\?)
    | [)|^$.*+?]
    | [^\\\[\](){}]
    """,
    re.VERBOSE,
)

# Non-ASCII characters that the regex package's case-insensitive matching takes for an ASCII letter
AS_ASCII = {"\u212a": "k", "\u017f": "s", "\u0130": "i", "\u0131": "i"}


def _needles(pattern: str, ignore_case: bool) -> tuple[tuple[str, ...], bool] | None:
    """Strings of which every match of ``pattern`` contains at least one (lower-cased when case is ignored),
    and whether they are looked for with case ignored (the rule's setting, or ``(?i)``); None when none are
    known."""
    pos = 0
    while pos < len(pattern):
        m = _SAFE.match(pattern, pos)
        if m is None:
            return None
        pos = m.end()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = _sre_parse.parse(pattern, re.IGNORECASE if ignore_case else 0)
    except Exception:  # (re refuses what regex may take, such as a global flag after the start)
        return None
    folded = bool(parsed.state.flags & re.IGNORECASE)
    found = _required(parsed.data, folded)  # (the parsed items, as a list)
    if found is None:
        return None
    return (tuple(dict.fromkeys(s.lower() for s in found)), True) if folded else (found, False)


def _score(candidate: tuple[str, ...]) -> tuple[int, int]:
    return min(map(len, candidate)), -len(candidate)


def _required(items: list[Any], folded: bool) -> tuple[str, ...] | None:
    """The best set of strings one of which every match of this sequence contains (see :func:`gate`)."""
    best: tuple[str, ...] | None = None
    run: list[str] = []

    def consider(candidate: tuple[str, ...] | None) -> None:
        nonlocal best
        if (
            candidate
            and len(candidate) <= MAX_NEEDLES
            and all(candidate)
            and (best is None or _score(candidate) > _score(best))
        ):
            best = candidate

    for op, av in items:
        if op is _c.LITERAL and _usable(chr(av), folded):
            run.append(chr(av))
            continue
        consider(("".join(run),) if run else None)
        run = []
        if op is _c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if not add_flags and not del_flags:
                consider(_required(list(sub), folded))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            consider(_required(list(av[2]), folded))
        elif op is _c.BRANCH:
            alternatives = [_required(list(alt), folded) for alt in av[1]]
            if all(a is not None for a in alternatives):
                consider(tuple(dict.fromkeys(s for a in alternatives if a is not None for s in a)))
        elif op is _c.IN:
            consider(_class_members(av, folded))
    consider(("".join(run),) if run else None)
    return best


def _usable(char: str, folded: bool) -> bool:
    """Whether a literal character can stand in a needle: any when case matters; when it is ignored, an ASCII
    character (compared lower-cased) or one with no case at all (a format character, a space, punctuation)."""
    if not folded or char.isascii():
        return True
    caseless = char.lower() == char == char.upper() and char.casefold() == char
    return caseless and unicodedata.category(char)[0] in "CZP"


def _class_members(items: list[Any], folded: bool) -> tuple[str, ...] | None:
    """A character class of a few literal characters and ranges, as its characters (None otherwise)."""
    members: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            members.append(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < MAX_NEEDLES:
            members.extend(map(chr, range(av[0], av[1] + 1)))
        else:
            return None  # a negated class, \w, \d, a wide range
        if len(members) > MAX_NEEDLES:
            return None
    if not members or not all(_usable(c, folded) for c in members):
        return None
    return tuple(dict.fromkeys(members))


class Gate:
    """The quick test before a pattern's search: False when the text holds none of its needles."""

    __slots__ = ("folded", "needles")

    def __init__(self, found: tuple[str, ...], folded: bool) -> None:
        self.needles = found
        self.folded = folded

    def admits(self, text: str) -> bool:
        haystack = lowered(text) if self.folded else text
        return any(needle in haystack for needle in self.needles)


def gate(pattern: str, ignore_case: bool) -> Gate | None:
    """The quick test for a pattern compiled with or without IGNORECASE; None when it has no needles."""
    found = _needles(pattern, ignore_case)
    return Gate(*found) if found is not None else None


_LOWERED: dict[int, tuple[str, str]] = {}
MAX_LOWERED = 8  # the fields of a draft (each rule asks about the subject, then the body)


def lowered(text: str) -> str:
    """The text as a case-insensitive needle is looked for in it; the last few are kept (by identity, the text
    held with it so that its id stays its own): each rule's patterns ask about each field in turn."""
    held = _LOWERED.get(id(text))
    if held is not None and held[0] is text:
        return held[1]
    if len(_LOWERED) >= MAX_LOWERED:
        _LOWERED.clear()
    folded = text
    if not text.isascii():
        for char, letter in AS_ASCII.items():
            if char in text:  # (str.translate looks up every character: ten times slower on a body)
                folded = folded.replace(char, letter)
    folded = folded.lower()
    _LOWERED[id(text)] = (text, folded)
    return folded
