"""Slots: the placeholders a writer or a mail tool leaves in a message for something to be filled in later
(``[Name]``, ``<Company>``, ``{first_name}``, ``%FNAME%``, ``<!-- REPLACE_WITH: ... -->``).

The forms, and the words that say what a slot stands for, are data (``rules/placeholders.yaml``). IM301 reports
the slots left in; the other content rules leave a slot's own words alone; and a slot that stands for something
about the recipient counts as a cue, the way a template variable does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from inmail_lint.util.resources import load_data
from inmail_lint.util.text import fold_aligned

if TYPE_CHECKING:
    from inmail_lint.util.literals import Gate

ENGINE_OPENERS = ("{{", "{%")  # the syntax of the template engines: a template's engine fills these


@dataclass(frozen=True)
class Slot:
    start: int
    end: int
    stands_for: str  # "sender", "name", "choice", a cue category ("mutual-connection", ...) or "placeholder"
    engine: bool  # written in a template engine's syntax ({{x}}, {% if x %})
    inner: str = ""  # its words: "First Name" for [First Name]

    def variable(self) -> str:
        """The slot as a template variable's name: [First Name] -> first_name."""
        return "_".join(re.findall(r"[^\W_]+", self.inner.lower())) or "value"


@dataclass(frozen=True)
class _SlotData:
    patterns: tuple[re.Pattern[str], ...]
    not_slots: frozenset[str]
    html_tags: frozenset[str]
    sender_words: frozenset[str]
    name_words: frozenset[str]
    categories: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]
    sender_things: tuple[tuple[str, ...], ...]
    slot_words: tuple[str, ...]


@lru_cache(maxsize=1)
def _data() -> _SlotData:
    data = load_data("placeholders.yaml")
    return _SlotData(
        tuple(re.compile(p) for p in data["patterns"]),
        frozenset(str(w).lower() for w in data["not-slots"]),
        frozenset(str(t).lower() for t in data["html-tags"]),
        frozenset(_words(str(w))[0] for w in data["sender-words"]),
        frozenset(" ".join(_words(str(w))) for w in data["name-words"]),
        tuple((category, tuple(tuple(_words(str(k))) for k in keys)) for category, keys in data["categories"].items()),
        tuple(tuple(_words(str(k))) for k in data["sender-things"]),
        tuple(_words(str(w))[0] for w in data["slot-words"]),
    )


_WORD = re.compile(r"[^\W\d_]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")  # where camelCase starts a word: senderFirst, myCompany
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_CLOSERS = {"[": "]", "<": ">", "(": ")", "{": "}"}


def _words(text: str) -> list[str]:
    return _WORD.findall(fold_aligned(text))


# Each form's needles (util/literals.py: the words every match holds) are read once this many texts have been
# searched: reading them costs about 1.5 ms, which a run of one draft (two or three texts) would pay for nothing
GATE_AFTER = 4
_gates: list[tuple[Gate | None, ...] | None] = [None]
_searched = [0]


def _gated(data: _SlotData) -> tuple[Gate | None, ...] | None:
    """The quick test before each form's search, once enough texts have been searched (see GATE_AFTER)."""
    if _gates[0] is None and _searched[0] < GATE_AFTER:
        _searched[0] += 1
        if _searched[0] == GATE_AFTER:
            from inmail_lint.util.literals import gate

            _gates[0] = tuple(gate(p.pattern, bool(p.flags & re.IGNORECASE)) for p in data.patterns)
    return _gates[0]


def find_slots(text: str, links: Sequence[tuple[int, int]] = (), *, subject: bool = False) -> tuple[Slot, ...]:
    """Every slot in the text, outermost first where two overlap, in order. In a subject, a tag in brackets
    at the start ("[Hiring] Senior engineer") is not a slot unless its words say what goes there."""
    data = _data()
    if not any(ch in text for ch in "{[<(%*_X#$«") and "ame" not in text and "AME" not in text:
        return ()
    gates = _gated(data)
    found: list[tuple[int, int, str, bool]] = []
    for i, pattern in enumerate(data.patterns):
        if gates is not None and (needles := gates[i]) is not None and not needles.admits(text):
            continue  # none of the words a match of this form holds
        for m in pattern.finditer(text):
            groups = m.groupdict()
            choices = groups.get("choices")  # spintax: {Hi|Hello}
            inner = choices if choices is not None else groups.get("inner")
            whole = m.group()
            if inner is None:
                inner = whole.strip("{}%$*|_<>!-[]() ")
            if not _is_slot(text, m.start(), whole, inner, links, data):
                continue
            if subject and whole.startswith("[") and _is_subject_tag(text, m.start(), m.end(), inner, data):
                continue
            found.append((m.start(), m.end(), inner, choices is not None))
    slots: list[Slot] = []
    for start, end, inner, choice in sorted(found, key=lambda s: (s[0], -s[1])):
        if slots and start < slots[-1].end:
            continue  # inside (or overlapping) one already taken: "[{{x}}]", "<!-- [Name] -->"
        engine = text.startswith(ENGINE_OPENERS, start)
        slots.append(Slot(start, end, "choice" if choice else stands_for(inner), engine, inner))
    return tuple(slots)


def _is_slot(text: str, start: int, whole: str, inner: str, links: Sequence[tuple[int, int]], data: _SlotData) -> bool:
    opener = whole[:1]
    if not whole.strip("_"):  # a blank ("at ___ we"), unless the line holds nothing else (a rule drawn across)
        line_end = text.find("\n", start)
        line = text[text.rfind("\n", 0, start) + 1 : len(text) if line_end == -1 else line_end]
        return bool(line.replace("_", "").strip())
    bare = inner.strip().lower()
    if opener == "[":
        if bare in data.not_slots or (len(bare) == 1 and inner.islower()):
            return False  # [sic], [x], [a]: an editor's mark, a checkbox, a footnote letter
        if _defined_as_reference(text, inner):
            return False  # the label of a Markdown reference link, defined elsewhere ([deck]: https://...)
    elif opener == "<" and not whole.startswith("<!--"):
        first = re.split(r"[\s/]", bare, maxsplit=1)[0]
        if first in data.html_tags or _SCHEME.match(inner) or bare.startswith("/"):
            return False  # markup, or an address written in angle brackets
    elif opener not in _CLOSERS and opener not in "%*$_X" and links:
        end = start + len(whole)
        if any(a <= start and end <= b for a, b in links):
            return False  # insert_id inside a web address is part of the address
    return True


def _defined_as_reference(text: str, label: str) -> bool:
    r"""Whether a line of ``text`` opens with ``[label]:`` after nothing but spaces (a Markdown reference link's
    definition): what ``(?m)^[^\S\n]*\[label\]:`` finds, without compiling a pattern for each label."""
    needle = f"[{label}]:"
    at = text.find(needle)
    while at != -1:
        before = text[text.rfind("\n", 0, at) + 1 : at]
        if not before or before.isspace():  # (no line break in it: it starts after the last one)
            return True
        at = text.find(needle, at + 1)
    return False


def _is_subject_tag(text: str, start: int, end: int, inner: str, data: _SlotData) -> bool:
    """A bracketed tag opening a subject, with more words after it, that names no slot: "[Hiring] ..."."""
    if text[:start].strip() or not text[end:].strip() or not text[end : end + 1].isspace():
        return False
    if stands_for(inner) != "placeholder":
        return False  # a name, the sender's or common ground: a slot
    return not any(word.startswith(data.slot_words) for word in _words(inner.replace("_", " ")))


@lru_cache(maxsize=4096)  # a template repeats its variables: a mail merge of 100,000 {{a}} asks 100,000 times
def stands_for(inner: str) -> str:
    """What a slot's words say it stands for: "sender" ([Your Name]), "name" (the reader's: [First Name]),
    "choice" (spintax, {Hi|Hello}: words for a mail tool to pick from, about no one), a common-ground category
    ([Mutual Connection]) or "placeholder" (anything else about the reader)."""
    data = _data()
    words = _words(_CAMEL.sub(" ", inner).replace("_", " ").replace(".", " "))  # senderFirst, owner.name
    if not words:
        return "placeholder"
    if words[0] in data.sender_words:
        return "sender"
    joined = " " + " ".join(words)
    for category, keys in data.categories:
        if any((" " + " ".join(k)) in joined for k in keys):
            return category
    if any((" " + " ".join(k)) in joined for k in data.sender_things):
        return "sender"
    if " ".join(words) in data.name_words or (" ".join(words[-2:]) in data.name_words and len(words) <= 3):
        return "name"
    return "placeholder"
