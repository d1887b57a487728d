"""Token patterns in spaCy's Matcher syntax, matched by an index on the first tokens.

spaCy's :class:`~spacy.matcher.Matcher` tries every pattern at every token: with the hundred-odd cue patterns
of ``rules/cues.yaml`` that was most of the time inmail-lint spent on a draft. These patterns almost all open
with a fixed word ("we", "fellow", "your"), so :class:`TokenPatterns` files each pattern under the words its
first token can be (under the pair, when its second token's words are fixed too), and at each token only
tries the patterns filed under that token's NORM. A pattern that can open on any token is filed under its
second token's words when those are fixed ("the team at ..."), else tried at every token its first token's
spec accepts (a capitalised name), and only in a doc that holds a word of each of its fixed tokens. It
finds the same ``(label, start, end)`` matches as spaCy's Matcher (``tests/test_tokenmatch.py`` checks that
against spaCy on every draft in the tests, on text made of the patterns' words, and on random patterns with
every operator), for the part of the syntax the rule pack uses:

- token keys ``NORM``, ``ORTH``, ``TEXT``, ``LOWER`` with a string or ``{IN: [...]}``, ``{NOT_IN: [...]}``,
  ``{REGEX: "..."}``; the flags ``IS_ALPHA``, ``IS_ASCII``, ``IS_DIGIT``, ``IS_LOWER``, ``IS_UPPER``,
  ``IS_TITLE``, ``IS_PUNCT``, ``IS_SPACE``, ``IS_STOP``, ``LIKE_NUM``, ``LIKE_URL``, ``LIKE_EMAIL`` with
  true or false; an empty ``{}`` matches any token;
- ``OP``: ``!``, ``?``, ``*``, ``+``, ``{n}``, ``{n,m}``, ``{n,}``, ``{,m}``.

Anything else is refused when the patterns are built (:class:`PatternError`), never silently ignored.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import itemgetter
from typing import Any, cast

STRING_KEYS = {"NORM": "norm", "ORTH": "orth", "TEXT": "orth", "LOWER": "lower"}
FLAG_KEYS = (
    "IS_ALPHA",
    "IS_ASCII",
    "IS_DIGIT",
    "IS_LOWER",
    "IS_UPPER",
    "IS_TITLE",
    "IS_PUNCT",
    "IS_SPACE",
    "IS_STOP",
    "LIKE_NUM",
    "LIKE_URL",
    "LIKE_EMAIL",
)
_OP_RANGE = re.compile(r"\{(\d*)(,?)(\d*)\}")
_UNBOUNDED = 1 << 30
# (ORTH, NORM) pairs remembered before starting afresh: about 650 bytes each, so 50,000 is about 30 MB, and a
# batch of a million rows with new words in each stays bounded (200,000 held 130 MB)
MAX_REMEMBERED = 50_000

#: What a predicate reads: the token's NORM, its lexeme's text and lower case, and its lexeme's true flags.
Token = tuple[str, str, str, frozenset[str]]
_FLAG_SETS: dict[frozenset[str], frozenset[str]] = {}
Predicate = Callable[[Token], bool]


class PatternError(ValueError):
    """A pattern uses syntax this matcher does not support, or is malformed."""


def _string_check(field: int, value: Any, where: str) -> Predicate:
    if isinstance(value, str):
        return lambda tok: tok[field] == value
    if isinstance(value, Mapping) and len(value) == 1:
        ((op, arg),) = value.items()
        if op in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(v, str) for v in arg):
            words = frozenset(arg)
            if op == "IN":
                return lambda tok: tok[field] in words
            return lambda tok: tok[field] not in words
        if op == "REGEX" and isinstance(arg, str):
            search = re.compile(arg).search
            text_of = cast("Callable[[Token], str]", itemgetter(field))
            return lambda tok: search(text_of(tok)) is not None
    raise PatternError(f"{where}: expected a string or one of IN, NOT_IN (lists of strings), REGEX; got {value!r}")


def _flag_check(flag: str, value: Any, where: str) -> Predicate:
    if not isinstance(value, bool):
        raise PatternError(f"{where}: {flag} must be true or false, got {value!r}")
    if value:
        return lambda tok: flag in tok[3]
    return lambda tok: flag not in tok[3]


def _quantifier(op: Any, where: str) -> tuple[int, int, bool]:
    """(fewest, most, negated) for an OP value."""
    if op is None:
        return 1, 1, False
    fixed = {"!": (1, 1, True), "?": (0, 1, False), "*": (0, _UNBOUNDED, False), "+": (1, _UNBOUNDED, False)}
    if op in fixed:
        return fixed[op]
    m = _OP_RANGE.fullmatch(op) if isinstance(op, str) else None
    if m is None or (not m.group(1) and not m.group(3)):
        raise PatternError(f"{where}: unknown OP {op!r}; expected !, ?, *, +, {{n}}, {{n,m}}, {{n,}} or {{,m}}")
    low = int(m.group(1) or 0)
    if not m.group(2):
        return low, low, False
    high = int(m.group(3)) if m.group(3) else _UNBOUNDED
    if high < low:
        raise PatternError(f"{where}: OP {op!r} has its bounds the wrong way round")
    return low, high, False


class _Element:
    """One token spec of a pattern: a predicate, how many tokens it takes, and which NORMs can open it."""

    __slots__ = ("flags", "high", "low", "norms", "only_norm", "only_norm_when_once", "test")

    def __init__(self, spec: Any, where: str) -> None:
        if not isinstance(spec, Mapping):
            raise PatternError(f"{where}: a token spec must be a mapping, got {spec!r}")
        checks: list[Predicate] = []
        norms: frozenset[str] | None = None  # the NORMs this token must have, when it is fixed
        for key, value in spec.items():
            if key == "OP":
                continue
            if key in STRING_KEYS:
                field = {"norm": 0, "orth": 1, "lower": 2}[STRING_KEYS[key]]
                checks.append(_string_check(field, value, f"{where}: {key}"))
                if key == "NORM" and isinstance(value, str):
                    norms = frozenset([value])
                elif key == "NORM" and isinstance(value, Mapping) and "IN" in value:
                    norms = frozenset(value["IN"])
            elif key in FLAG_KEYS:
                checks.append(_flag_check(key, value, f"{where}: {key}"))
            else:
                raise PatternError(f"{where}: unsupported token key {key!r}")
        self.low, self.high, negated = _quantifier(spec.get("OP"), where)
        self.norms = None if negated else norms
        # a token with a fixed NORM and nothing else, taken once: finding it in the index is the whole test
        self.only_norm_when_once = norms is not None and len(checks) == 1 and not negated
        self.only_norm = self.only_norm_when_once and self.low == self.high == 1
        # flags that must be set for the token to match (to skip the test on most tokens)
        self.flags = frozenset() if negated else frozenset(k for k in FLAG_KEYS if spec.get(k) is True)
        test = _all_of(checks)
        self.test: Predicate = (lambda tok: not test(tok)) if negated else test

    def at_least_once(self) -> _Element:
        """This element taking one token or more (of the tokens it took before): a leading ``?`` or ``*``
        element split off as a required one, so the pattern can be filed by its words."""
        element = copy.copy(self)
        element.low = max(1, self.low)
        element.only_norm = self.only_norm_when_once and element.high == 1
        return element


def _all_of(checks: list[Predicate]) -> Predicate:
    """One predicate that holds when every check does (chained, so no generator runs per token)."""
    if not checks:
        return lambda tok: True
    if len(checks) == 1:
        return checks[0]
    first, rest = checks[0], _all_of(checks[1:])
    return lambda tok: first(tok) and rest(tok)


class _Pattern:
    __slots__ = ("elements", "label", "needs", "next_flags", "next_norms", "skip")

    def __init__(self, label: str, elements: tuple[_Element, ...]) -> None:
        self.label = label
        self.elements = elements
        # the NORMs of each required token with fixed words: a doc without one of each cannot match
        self.needs = tuple(e.norms for e in elements if e.low >= 1 and e.norms is not None)
        self.skip = 1 if elements[0].only_norm else 0  # found in the index: the first token is already known
        one = elements[0].low == elements[0].high == 1  # the first element takes exactly one token
        self.next_norms = _next_norms(elements) if one else None
        # the flags the token after a one-token first element must have, when the next element is required
        following = elements[1] if one and len(elements) > 1 else None
        self.next_flags = following.flags if following is not None and following.low >= 1 else frozenset()

    def ends(self, tokens: list[Token], start: int, first: int = 0) -> set[int] | list[int]:
        """Every position at which the pattern, begun at ``start``, can end (element by element, keeping the
        set of positions reached so far). ``first`` is 1 when the caller knows the first token matched."""
        n = len(tokens)
        frontier: set[int] | list[int] = [start + first]
        for element in self.elements[first:]:
            low, high, test = element.low, element.high, element.test
            if low == 1 and high == 1:  # the common case: exactly one token
                frontier = [p + 1 for p in frontier if p < n and test(tokens[p])]
            else:
                reached: set[int] = set()
                for pos in frontier:
                    if low == 0:
                        reached.add(pos)
                    taken = 0
                    while taken < high and pos + taken < n and test(tokens[pos + taken]):
                        taken += 1
                        if taken >= low:
                            reached.add(pos + taken)
                frontier = reached
            if not frontier:
                return []
        return frontier


def _variants(elements: tuple[_Element, ...]) -> Iterator[tuple[_Element, ...]]:
    """The pattern as patterns whose first element takes at least one token: ``[A?, B]`` is ``[B]`` and
    ``[A, B]``; ``[A*, B]`` is ``[B]`` and ``[A+, B]`` (the same matches, but each can be filed under the words
    its first token can be instead of being tried at every token)."""
    first = elements[0]
    if first.low > 0 or len(elements) == 1:
        yield elements
        return
    if any(e.low > 0 for e in elements[1:]):
        yield from _variants(elements[1:])
    yield (first.at_least_once(), *elements[1:])


def _next_norms(elements: tuple[_Element, ...]) -> frozenset[str] | None:
    """The NORMs the token after a one-token first element must have (a cheap test before the full match), or
    None when it can be any: the next element's NORMs, and the one after's too when the next is optional."""
    allowed: set[str] = set()
    for element in elements[1:]:
        if element.norms is None or element.high < 1:
            return None
        allowed |= element.norms
        if element.low >= 1:
            return frozenset(allowed)
    return None  # the pattern may end after its first token


class TokenPatterns:
    """A set of labelled token patterns, matched against spaCy Docs (see the module's docstring)."""

    def __init__(self, patterns: Mapping[str, Iterable[Any]]) -> None:
        # patterns whose first token has fixed NORMs, filed under each of them: those whose second token has
        # fixed NORMs too under each pair ("your" then "talk"), the others under the first word alone
        self._by_norm: dict[str, list[_Pattern]] = {}
        self._by_pair: dict[tuple[str, str], list[_Pattern]] = {}
        # patterns that can open on any token but whose second token has fixed NORMs ("the team at Globex":
        # any word but "our", then "team"), filed under those NORMs and tried at the token before them
        self._by_next_norm: dict[str, list[tuple[_Element, _Pattern]]] = {}
        # the other patterns that can open on any token, grouped by their first token's spec (tested once per token)
        self._anywhere: dict[str, tuple[_Element, list[_Pattern]]] = {}
        for label, group in patterns.items():
            for i, pattern in enumerate(group):
                where = f"{label}[{i}]"
                if not isinstance(pattern, list) or not pattern:
                    raise PatternError(f"{where}: a pattern must be a non-empty list of token specs")
                elements = tuple(_Element(spec, f"{where}[{j}]") for j, spec in enumerate(pattern))
                if all(e.low == 0 for e in elements):
                    raise PatternError(f"{where}: every token is optional, so it would match nothing")
                for variant in _variants(elements):  # each filed by the words its first token can be
                    compiled = _Pattern(label, variant)
                    first = variant[0]
                    if first.norms is not None and first.low > 0:
                        for norm in first.norms:
                            self._by_norm.setdefault(norm, [])
                            if compiled.next_norms is None:
                                self._by_norm[norm].append(compiled)
                            for following in compiled.next_norms or ():
                                self._by_pair.setdefault((norm, following), []).append(compiled)
                    elif compiled.next_norms is not None:  # filed by the words the token after it can be
                        for norm in compiled.next_norms:
                            self._by_next_norm.setdefault(norm, []).append((first, compiled))
                    else:
                        spec = pattern[len(elements) - len(variant)]
                        key = repr((first.low, first.high, sorted(spec.items(), key=repr)))
                        self._anywhere.setdefault(key, (first, []))[1].append(compiled)

    def __call__(self, doc: Any) -> list[tuple[str, int, int]]:
        """Every ``(label, start, end)`` match in ``doc``'s token offsets, sorted by start then end then label."""
        return self.match(doc_tokens(doc))

    def match(self, tokens: list[Token]) -> list[tuple[str, int, int]]:
        """The matches in a doc read as :func:`doc_tokens` reads it (a field's analysis holds them, read once
        for every set of patterns: ``FieldAnalysis.tokens``)."""
        found: set[tuple[str, int, int]] = set()
        self._by_first_word(tokens, found)
        self._by_second_word(tokens, found)
        self._at_any_token(tokens, found)
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))

    def _by_first_word(self, tokens: list[Token], found: set[tuple[str, int, int]]) -> None:
        """The patterns filed by the words their first token can be, at the tokens that are one of them."""
        by_norm, by_pair = self._by_norm, self._by_pair
        n = len(tokens)
        for i in [i for i, tok in enumerate(tokens) if tok[0] in by_norm]:  # one pass: most tokens open none
            norm = tokens[i][0]
            candidates = by_norm[norm]
            if i + 1 < n and (norm, tokens[i + 1][0]) in by_pair:  # and those for the word after it
                candidates = candidates + by_pair[(norm, tokens[i + 1][0])]
            for pattern in candidates:
                flags = pattern.next_flags
                if flags and (i + 1 >= n or not flags <= tokens[i + 1][3]):
                    continue
                for end in pattern.ends(tokens, i, pattern.skip):
                    found.add((pattern.label, i, end))

    def _by_second_word(self, tokens: list[Token], found: set[tuple[str, int, int]]) -> None:
        """The patterns filed by the words their second token can be, at the token before one of them."""
        by_next_norm = self._by_next_norm
        for j in [j for j, tok in enumerate(tokens) if j and tok[0] in by_next_norm]:
            i = j - 1
            for first, pattern in by_next_norm[tokens[j][0]]:
                flags = pattern.next_flags
                if not (first.flags <= tokens[i][3] and first.test(tokens[i])) or (flags and not flags <= tokens[j][3]):
                    continue
                for end in pattern.ends(tokens, i):
                    found.add((pattern.label, i, end))

    def _at_any_token(self, tokens: list[Token], found: set[tuple[str, int, int]]) -> None:
        """The other patterns, at every token their first token's spec accepts."""
        n = len(tokens)
        present = {tok[0] for tok in tokens} if self._anywhere else set()
        for first, spread in self._anywhere.values():
            # ("Jane Doe suggested ...": tried at every capital, only in a doc that holds one of its verbs)
            group = [p for p in spread if not any(need.isdisjoint(present) for need in p.needs)]
            if not group:
                continue
            test, flags = first.test, first.flags
            starts = [i for i, tok in enumerate(tokens) if flags <= tok[3] and test(tok)] if first.low else range(n)
            for i in starts:
                for pattern in group:
                    after = pattern.next_flags  # (the token after the first has no fixed words: not filed by them)
                    if after and (i + 1 >= n or not after <= tokens[i + 1][3]):
                        continue
                    for end in pattern.ends(tokens, i):
                        if end > i:  # a match takes at least one token
                            found.add((pattern.label, i, end))


def doc_tokens(doc: Any) -> list[Token]:
    """What the predicates read, for each token of ``doc`` (each token looked up once per process and
    vocabulary, per ORTH and NORM: a token's flags are its language's, so a German pipeline's "two" is not the
    English one's number)."""
    from spacy.attrs import NORM, ORTH  # spaCy is imported on first use (start-up; see analysis.nlp)

    array = doc.to_array([ORTH, NORM])
    vocab = doc.vocab
    held = _KNOWN.get(id(vocab))
    if held is None or held[0] is not vocab:  # (the vocabulary is held with its table: its id stays its own)
        if len(_KNOWN) >= MAX_VOCABULARIES:
            _KNOWN.clear()
        held = _KNOWN[id(vocab)] = (vocab, {})
    known = held[1]
    if len(known) > MAX_REMEMBERED:
        known.clear()
    get = known.get
    return [get(pair) or _token(pair, vocab, known) for pair in zip(*array.T.tolist(), strict=True)]


MAX_VOCABULARIES = 4  # the pipelines built at once (see inmail_lint.analysis.nlp)
_KNOWN: dict[int, tuple[Any, dict[tuple[int, int], Token]]] = {}


def _token(pair: tuple[int, int], vocab: Any, known: dict[tuple[int, int], Token]) -> Token:
    orth, norm = pair
    lexeme = vocab[orth]
    flags = frozenset(f for f in FLAG_KEYS if getattr(lexeme, f.lower()))
    flags = _FLAG_SETS.setdefault(flags, flags)  # a few dozen distinct sets, shared by every token
    token = known[pair] = (vocab.strings[norm], lexeme.orth_, lexeme.lower_, flags)
    return token


__all__ = ["PatternError", "Token", "TokenPatterns", "doc_tokens"]
