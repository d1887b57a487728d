"""Finding what makes a message personal: the greeting, and cues that it was written for this reader.

Cues come from three places: the recipient's profile (their company, mutual connections, groups, ...), the
language alone (token patterns in spaCy's Matcher syntax in ``rules/cues.yaml``, matched by
:mod:`inmail_lint.analysis.tokenmatch`: "Jane Doe suggested I reach out", "we both worked at Globex", "I enjoyed your
post on ..."), and template placeholders that stand for something about the recipient (``{{company}}``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from inmail_lint.analysis.slots import Slot, stands_for
from inmail_lint.analysis.tokenmatch import Token, TokenPatterns
from inmail_lint.draft.profiles import HONORIFICS, CommonGround, Profile
from inmail_lint.draft.templates import PLACEHOLDER, variable_base
from inmail_lint.util.resources import load_data
from inmail_lint.util.text import fold_aligned

if TYPE_CHECKING:
    from inmail_lint.analysis.field import FieldAnalysis

COMMON_GROUND = frozenset({"mutual-connection", "shared-group", "shared-employer", "shared-school"})
PERSONAL = COMMON_GROUND | {"recent-post", "recent-event", "their-work", "placeholder"}
NAME_VARIABLES = frozenset({"first_name", "firstname", "name", "full_name", "fullname", "last_name", "lastname"})

_GREETING_WORD = r"(?:hi|hello|hey|dear|respected|hiya|howdy|greetings|good\s+(?:morning|afternoon|evening|day)|yo)"
_SYMBOLS = r"[^\w\s]+[^\S\n]*"  # an emoji or other symbols before the greeting ("👋 Hi Ana,")
_LEADING_SYMBOLS = re.compile(_SYMBOLS)
_GREETING = re.compile(rf"(?i)^[^\S\n]*(?:{_SYMBOLS})?(?P<word>{_GREETING_WORD})\b(?P<rest>[^\n]*)")
_NAME_ONLY = re.compile(r"^[^\S\n]*(?P<rest>[A-Z][\w'’.-]*(?:[^\S\n]+[A-Z][\w'’.-]*){0,2})[^\S\n]*,[^\S\n]*$", re.M)
_TRAILING_PUNCT = " \t\n,!.:;\u2014\u2013-"  # stripped from the end of a greeting line


@dataclass(frozen=True)
class Greeting:
    start: int  # span of the greeting line's text in the body
    end: int
    name: str | None  # the name it uses ("Ana"), or None
    name_start: int = 0
    name_end: int = 0
    generic: bool = False  # names no one: "Dear Sir/Madam", "Hi there", "Hello,"
    placeholder: bool = False  # "Hi {{first_name}},"


@dataclass(frozen=True)
class Cue:
    category: str
    start: int
    end: int
    detail: str = ""  # the profile value it names, when it came from a profile


@lru_cache(maxsize=1)
def _greeting_data() -> tuple[tuple[str, ...], frozenset[str]]:
    data = load_data("phrases/generic-greetings.yaml")
    phrases = tuple(sorted((_normalise(p) for p in data["phrases"]), key=len, reverse=True))
    return phrases, frozenset(data.get("bare-greetings", ()))


@lru_cache(maxsize=1)
def _role_words() -> frozenset[str]:
    """The words that end a role written where a name goes ("Candidate", "Business Owner")."""
    return frozenset(str(w).lower() for w in load_data("phrases/generic-greetings.yaml").get("roles", ()))


_SPACES = re.compile(r"\s+")
_SLASH = re.compile(r"\s*/\s*")
_GAP_BEFORE_SLOT = re.compile(r"[^\S\n]*[,:!\u2014\u2013-]?[^\S\n]*")
_GREETING_END = re.compile(r"[,:!]|\s[\u2014\u2013-]\s")
_WORDS = re.compile(r"[\w'’&-]+")


def _normalise(text: str) -> str:
    return _SLASH.sub("/", _SPACES.sub(" ", text.strip().lower()))


def find_greeting(text: str, slots: Sequence[Slot] = ()) -> Greeting | None:
    """The greeting on the first line of a body, if it has one. A slot where the name goes ("Hi [Name],")
    makes it a placeholder greeting, as a template variable does."""
    first = re.search(r"\S[^\n]*", text)
    if first is None:
        return None
    line_start, line = first.start(), first.group().rstrip()
    stock = _stock_greeting(line, line_start, text, slots)
    if stock is not None:
        return stock
    m = _GREETING.match(line)
    if m is None:
        only = _NAME_ONLY.match(line)
        if only is None:
            return None
        name = only.group("rest")
        return Greeting(line_start, line_start + len(line), name, line_start, line_start + len(name))
    rest = m.group("rest")
    if re.match(r"[^\S\n]*[,!.:;\u2014\u2013]", rest) or not rest.strip():
        named = _NAME_AFTER_COMMA.match(rest)
        if named is not None and _first_word(named.group("name")) not in _NOT_NAMES:
            start = line_start + m.start("rest") + named.start("name")  # "Hey, Ana!", "Hi, Ana. I saw ..."
            name = named.group("name")
            end = line_start + _marks_end(line, m.start("rest") + named.end("name"))
            return Greeting(line_start, end, name, start, start + len(name))
        slotted = _slot_after(text, slots, line, line_start, m.start("rest"))
        if slotted is not None:  # "Hey, {first}!": the name is a slot
            return slotted
        # "Hi," / "Hello!" / "Hello. I saw ...": the greeting ends at the marks after its word, not at a comma
        # further on (a fix that greets them by name must not take the writer's words)
        return Greeting(line_start, line_start + _marks_end(line, m.start("rest")), None, generic=True)
    name_match = re.match(r"[\s,]*", rest)
    offset = m.start("rest") + (name_match.end() if name_match else 0)
    # titles first, so that the full stop of "Mr." or "Dr." does not end the name
    while (title := _TITLE.match(line, offset)) is not None and _is_title(title.group(1)):
        offset = title.end()
    slot = next((s for s in slots if s.start == line_start + offset), None)  # "Hi [Name],", "Hi <!-- Name -->,"
    if slot is not None:
        rel = slot.end - line_start  # the greeting ends at the comma after the slot: "Hi [Name],"
        end = line_start + rel + (_greeting_end(line[rel:]) if re.match(r"[^\S\n]*[,:!]", line[rel:]) else 0)
        return Greeting(line_start, end, text[slot.start : slot.end], slot.start, slot.end, placeholder=True)
    return _greeting_with_name(line, line_start, offset)


def _slot_after(text: str, slots: Sequence[Slot], line: str, line_start: int, at: int) -> Greeting | None:
    """A greeting whose name is a slot that follows the greeting word at ``at`` of its line, after a comma or
    a space ("Hey, {first}!", "Good morning, <Name>,"); None when no slot stands there."""
    gap = _GAP_BEFORE_SLOT.match(line[at:])
    start = line_start + at + (gap.end() if gap else 0)
    slot = next((s for s in slots if s.start == start), None)
    if slot is None:
        return None
    end = line_start + _named_end(line, slot.end - line_start)
    return Greeting(line_start, end, text[slot.start : slot.end], slot.start, slot.end, placeholder=True)


def _stock_greeting(line: str, line_start: int, text: str, slots: Sequence[Slot]) -> Greeting | None:
    """A stock greeting with no name ("Hi there,", "Good morning"), unless a name follows the phrase; with a
    slot after it ("Good morning, <Name>,", "Hey, {first}!"), a greeting whose name is a placeholder."""
    lead = _LEADING_SYMBOLS.match(line)
    words_at = lead.end() if lead else 0  # after an emoji or other symbols that open the line ("👋 Hi there")
    normalised = _normalise(line[words_at:].rstrip(_TRAILING_PUNCT))
    for phrase in _phrases_for(normalised):
        if normalised == phrase or (normalised.startswith(phrase) and not normalised[len(phrase)].isalnum()):
            written = _phrase_start(phrase).match(line, words_at)
            rest_at = written.end() if written else len(line)
            after = line[rest_at:].lstrip(" \t")
            slotted = _slot_after(text, slots, line, line_start, rest_at)
            if slotted is not None:  # "Good morning, <Name>,": the name is a slot
                return slotted
            if after[:1].isupper() and _first_word(after) not in _NOT_NAMES:
                return None  # "Good morning Robert", "Hi there Ana": a name follows the phrase (not "Hi there I")
            # "Hi there, ..." ends at its comma and "Hi there. I saw ..." at its full stop; "Hey man saw your
            # profile" at the phrase, not at a comma further on (a fix that greets them by name must not take the
            # words after it)
            tail = _GREETING_TAIL.match(line, rest_at)  # "Dear Hiring Team at Globex,": still the greeting
            end = tail.end() if tail else _marks_end(line, rest_at)
            return Greeting(line_start, line_start + end, None, generic=True)
    return None


@lru_cache(maxsize=1)
def _phrases_by_first_word() -> dict[str | None, tuple[str, ...]]:
    """The generic phrases by their first word (a run of letters and digits), each list longest first as
    :func:`_greeting_data` gives them; a phrase without one is in every list, and alone under None."""
    phrases, _ = _greeting_data()
    firsts = [m.group() if (m := _ALNUM_RUN.search(phrase)) else None for phrase in phrases]
    by_word: dict[str | None, list[str]] = {word: [] for word in [*firsts, None]}
    for phrase, first in zip(phrases, firsts, strict=True):
        for word in by_word if first is None else (first,):
            by_word[word].append(phrase)
    return {word: tuple(group) for word, group in by_word.items()}


_ALNUM_RUN = re.compile(r"[^\W_]+")  # letters and digits (str.isalnum, character by character)


def _phrases_for(normalised: str) -> tuple[str, ...]:
    """The generic phrases that can open ``normalised``, longest first: a phrase that does, followed by a
    character that is not a letter or digit, has the same first run of letters and digits (or none)."""
    by_word = _phrases_by_first_word()
    first = _ALNUM_RUN.search(normalised)
    return by_word.get(first.group() if first else None, by_word[None])


def _greeting_with_name(line: str, line_start: int, offset: int) -> Greeting:
    """The greeting whose name (or template variable) starts at ``offset`` of its line."""
    written = PLACEHOLDER.match(line, offset)  # "Hi {{first_name | default: 'there'}},"
    name_text = (
        written.group() if written else re.split(r"[,!.:;(\u2014\u2013]| - ", line[offset:], maxsplit=1)[0].strip()
    )
    if not name_text:
        return Greeting(line_start, line_start + _greeting_end(line), None, generic=True)
    placeholder = PLACEHOLDER.fullmatch(name_text)
    if placeholder:
        end = line_start + _named_end(line, offset + len(name_text))
        return Greeting(
            line_start, end, name_text, line_start + offset, line_start + offset + len(name_text), placeholder=True
        )
    words = name_text.split()
    while words and not any(ch.isalpha() for ch in words[-1]):
        words.pop()  # "Hi Ana 👋," / "Hi Ana :)"
    # a title, or "there" before a name ("Hi there Ana"), is not the name
    while words and (words[0].lower().rstrip(".") in HONORIFICS or (words[0].lower() == "there" and len(words) > 1)):
        offset += line[offset:].index(words[0]) + len(words[0])
        offset += len(line[offset:]) - len(line[offset:].lstrip())
        words = words[1:]
    if not words:
        return Greeting(line_start, line_start + _greeting_end(line), None, generic=True)
    if _first_word(words[0]) in _NOT_NAMES:  # "Hi I'm Sam, ...", "Hey hope you are well": it names no one
        return Greeting(line_start, line_start + len(line[:offset].rstrip()), None, generic=True)
    two = len(words) >= 3 and words[1].lower() in ("and", "&")
    if two and words[0][:1].isupper() and _first_word(words[0]) not in _role_words():
        # "Hi Ana and team,", "Hello Ana & Tom,": the first one named is who it greets
        end = line_start + _named_end(line, offset + len(" ".join(words)))
        return Greeting(line_start, end, words[0], line_start + offset, line_start + offset + len(words[0]))
    if len(words) <= 3 and words[0][:1].isupper() and _first_word(words[-1]) in _role_words():
        # a role where the name goes ("Hello Candidate,", "Dear Business Owner,"): it names no one
        return Greeting(line_start, line_start + _marks_end(line, offset + len(" ".join(words))), None, generic=True)
    if not words[0][:1].isupper() or len(words) > 3:  # no name ("Hi candidate name,": a template's sample)
        # more words than a name has: a sentence may start right after the greeting word ("Hi Ana I saw ...")
        end = _named_end(line, offset) if len(words) > 3 else _greeting_end(line)
        return Greeting(line_start, line_start + end, None)
    name = " ".join(words)
    end = line_start + _named_end(line, offset + len(name))
    return Greeting(line_start, end, name, line_start + offset, line_start + offset + len(name))


# "Hey, Ana!", "Hi, Ana. I saw your talk": after a comma, a name that ends the line or a mark closes
_NAME_AFTER_COMMA = re.compile(
    r"[^\S\n]*,[^\S\n]*(?P<name>[A-Z][\w'’-]*(?:[^\S\n]+[A-Z][\w'’-]*){0,2})(?=[^\S\n]*(?:[,!.:;?]|$))"
)


def _first_word(text: str) -> str:
    """The first word of ``text`` in lower case, with an apostrophe it holds ("I'm")."""
    word = _WORDS.match(text)
    return word.group().lower() if word else ""


_NOT_NAMES = frozenset({"i", "i'm", "i’m", "we", "my", "our", "this", "it", "hope", "thanks", "there", "all", "team"})
_TITLE = re.compile(r"([A-Za-z]+\.?(?:[^\S\n]?/[^\S\n]?[A-Za-z]+\.?)*)[^\S\n]+(?=\S)")


def _is_title(written: str) -> bool:
    """Whether a word before a name is a title, or titles joined by slashes: "Dr.", "Mr./Ms.", "Mr / Mrs"."""
    return all(part.strip(" .").lower() in HONORIFICS for part in written.split("/"))


@lru_cache(maxsize=256)
def _phrase_start(phrase: str) -> re.Pattern[str]:
    """A normalised generic phrase ("dear sir/madam") as written at the start of a line ("Dear Sir / Madam")."""
    words = [re.escape(w).replace("/", r"[^\S\n]*/[^\S\n]*") for w in phrase.split()]
    return re.compile(r"[^\S\n]*" + r"[^\S\n]+".join(words), re.IGNORECASE)


# who the stock greeting is for, up to its comma: "Dear Hiring Team at Globex,", "Hi everyone on the data team,"
_GREETING_TAIL = re.compile(
    r"[^\S\n]+(?:at|of|from|for|in|on|with)[^\S\n]+"
    r"(?![^,:;!.?\n]{0,40}\b(?:[Yy]ou|[Yy]our|I|[Ww]e|[Mm]y|[Oo]ur|me|us)\b)[^,:;!.?\n]{1,40}[,:!]"
)  # (not a sentence: "Hi there in case you missed it," ends at "Hi there")
_MARKS = re.compile(r"[^\S\n]*[,!.:;?\u2014\u2013]+")


def _marks_end(line: str, at: int) -> int:
    """Where a greeting that names no one ends: after the marks that follow its words at ``at`` ("Hi there,",
    "Hello!!", "Hi —"), at ``at`` when words follow without a mark ("Hey man saw ..."), or at the line's end."""
    if not line[at:].strip():
        return len(line.rstrip())
    marks = _MARKS.match(line, at)
    return marks.end() if marks else at


_LOWER_WORD = re.compile(r"(?<![^\W\d_])[a-z]")  # a word that opens in lower case: the sentence's, not a name


def _named_end(line: str, at: int) -> int:
    """Where a greeting ends whose name (or slot) ends at ``at`` of its line: at the first comma, colon or dash
    ("Hi Ana 👋,"), unless a word in lower case comes first: then after the marks that follow the name ("Hi Ana.
    I saw your talk, loved it" is "Hi Ana."; "Hi Ana I saw ..." is "Hi Ana"), so that the sentence is the
    body's, and a cue in it counts."""
    end = _greeting_end(line)
    if not _LOWER_WORD.search(line, at, end):  # a name, a slot or an emoji, then the comma: "Hi **[Name]**,"
        return end
    return _marks_end(line, at)


def _greeting_end(line: str) -> int:
    """Where the greeting ends on its line: at the first comma, colon or dash, else the line's end."""
    m = _GREETING_END.search(line)
    return m.end() if m else len(line.rstrip())


@lru_cache(maxsize=1)
def cue_patterns() -> TokenPatterns:
    """The patterns of ``rules/cues.yaml``, built once per process."""
    return TokenPatterns(load_data("cues.yaml")["patterns"])


def language_cues(fa: FieldAnalysis) -> list[Cue]:
    """The cues the language alone shows. A reference to their work that names nothing only this reader has
    ("your experience in sales", "you have built great teams") is flattery anyone could be sent: it is
    ``generic-praise``, which is not personal (IM303 fires, the estimate's personal level is 0)."""
    found = []
    tokens = fa.tokens
    not_after = _referrer_not_after()
    for label, s, e in cue_patterns().match(tokens):
        if label == "their-work" and _writers_own(tokens, s):
            continue  # "I lead the data team at Acme": the writer's team, not the reader's
        if label == "their-work" and not _names_something(fa, s, e):
            label = "generic-praise"
        if label == "mutual-connection" and s > 0 and "IS_TITLE" in tokens[s][3] and tokens[s - 1][0] in not_after:
            continue  # "Team Kestrel thought ...", "our Acme rep mentioned ...": the sender's side, not a referrer
        found.append(Cue(label, *fa.token_span(s, e)))
    return found


@lru_cache(maxsize=1)
def _referrer_not_after() -> frozenset[str]:
    return frozenset(str(w).lower() for w in load_data("cues.yaml")["referrer-not-after"])


@lru_cache(maxsize=1)
def _their_work_not_after() -> frozenset[str]:
    return frozenset(str(w).lower() for w in load_data("cues.yaml")["their-work-not-after"])


_ARTICLES = frozenset({"the", "a", "an"})


def _writers_own(tokens: Sequence[Token], start: int) -> bool:
    """Whether the cue starting at token ``start`` follows a word that makes it the writer's ("I lead the data
    team at Acme", "I'm on the platform team at Acme"), articles between skipped; not a cue that opens with
    "you" or "your", which says whose it is."""
    if tokens[start][0] in ("you", "your"):
        return False
    i = start - 1
    while i >= 0 and tokens[i][0] in _ARTICLES:
        i -= 1
    return i >= 0 and tokens[i][0] in _their_work_not_after()


_CLAUSE_END = frozenset({".", "!", "?", ";", ":", ",", "(", ")"})
_LOOK_AHEAD = 10  # tokens after a cue in which its object may be named ("your work on the payments API at Globex")


@lru_cache(maxsize=1)
def _generic_names() -> frozenset[str]:
    return frozenset(str(w).lower() for w in load_data("cues.yaml")["generic-names"])


def _names_something(fa: FieldAnalysis, start: int, end: int) -> bool:
    """Whether tokens ``start`` to ``end`` of the field's Doc, or the rest of their clause, name something
    specific: a name as written (Globex, Kafka, PyCon), a number or date, or a template variable or slot."""
    tokens = fa.tokens  # (NORM, text, lower case, flags): no spaCy Token object built for each
    stop = min(len(tokens), end + _LOOK_AHEAD)
    generic = _generic_names()
    for i in range(start, stop):
        norm, text, _, flags = tokens[i]
        if i >= end and (text in _CLAUSE_END or "IS_SPACE" in flags):
            break
        if "LIKE_NUM" in flags or any(ch.isdigit() for ch in text):
            return True
        # a capital on the cue's own first word is the sentence's ("Your work ...", "Saw you ...")
        if i > start and text[:1].isupper() and norm not in generic and norm not in _FUNCTION_WORDS:
            return True
        if fa.in_slot(*fa.token_span(i, i + 1)):
            return True
    return False


def names_in_text(text: str) -> list[str]:
    """The words of ``text`` written as names (a capital, not a function word nor a generic name such as "AI" or
    "Sales"), but its first word, whose capital may be the sentence's."""
    words = _WORDS.findall(text)[1:]
    common = _generic_names() | _FUNCTION_WORDS
    return [w for w in words if w[:1].isupper() and len(w) > 1 and w.lower() not in common]


_CLAUSE_MARK = re.compile(r"[.!?;:,()\n]|\s[\u2014\u2013-]\s")


def clause_end(text: str, at: int) -> int:
    """Where the clause holding ``at`` ends: its next mark, or the end of the text."""
    m = _CLAUSE_MARK.search(text, at)
    return m.start() if m else len(text)


def topic_pairs(text: str) -> list[str]:
    """Each two words in a row that are neither function words nor generic ("data contracts", "error
    budgets"): a topic a subject can name in words of its own."""
    common = _not_topic_words()
    words = _WORDS.findall(text)
    return [
        f"{a} {b}"
        for a, b in itertools.pairwise(words)
        if len(a) > 2 and len(b) > 2 and a.lower() not in common and b.lower() not in common
    ]


@lru_cache(maxsize=1)
def _not_topic_words() -> frozenset[str]:
    """English stop words and the words generic after "your" ("career", "business"): no topic."""
    from spacy.lang.en.stop_words import STOP_WORDS  # (spaCy is loaded by then: a field was read with it)

    return frozenset(STOP_WORDS) | _subject_your()[1]


_FUNCTION_WORDS = frozenset(
    {"i", "we", "you", "he", "she", "they", "it", "my", "our", "your", "his", "her", "their", "the", "a", "an"}
    | {"this", "that", "these", "those", "what", "how", "why", "when"}
)


def find_phrase(fa: FieldAnalysis, phrase: str) -> list[tuple[int, int]]:
    """Where ``phrase`` occurs in the field as whole words, ignoring case and accents; a one-word name
    ("Notion", "Square", "Box") must be written with its capital, so "a notion that", "square footage" and
    "outside the box" are not their company."""
    words = _phrase_words(phrase)
    if not words or words[0] not in fa.folded:  # most of a long list: no need to look further
        return []
    spans = phrase_spans_in(fa.folded, words)
    if spans and phrase[:1].isupper() and len(phrase.split()) == 1:
        spans = [(a, b) for a, b in spans if not fa.text[a].islower()]
    return spans


_PHRASE_WORD = re.compile(r"\w[\w'’&.-]*\w|\w")


@lru_cache(maxsize=65536)
def _phrase_words(phrase: str) -> tuple[str, ...]:
    """The phrase's words, folded as the field's text is. A profile may list 30,000 mutual connections: a
    field that does not hold a phrase's first word costs a substring test, with these remembered."""
    return tuple(fold_aligned(w) for w in _PHRASE_WORD.findall(phrase))


def phrase_spans_in(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    r"""Where ``words`` occur in ``text`` as whole words, one to three characters that are not letters or
    digits between each two: what ``(?<!\w)w1[\W_]{1,3}w2...(?!\w)`` finds (``finditer``, the same spans in
    the same order; a test holds them equal), without compiling a pattern for each phrase (a profile's names
    are new in every draft, and compiling one cost 70 us)."""
    if not words:
        return []
    spans = []
    first = words[0]
    at = text.find(first)
    while at != -1:
        end = None if at and _is_word_char(text[at - 1]) else _rest_of_phrase(text, at + len(first), words, 1)
        if end is not None:
            spans.append((at, end))
        at = text.find(first, end if end is not None else at + 1)
    return spans


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches


def _rest_of_phrase(text: str, pos: int, words: tuple[str, ...], k: int) -> int | None:
    r"""Where the phrase ends when ``words[k:]`` follow ``pos`` (None if they do not): each gap tried longest
    first, as the regular expression's greedy ``[\W_]{1,3}`` tries it, and no word character after the last."""
    if k == len(words):
        return pos if pos == len(text) or not _is_word_char(text[pos]) else None
    for gap in (3, 2, 1):
        start = pos + gap
        if start > len(text) or any(ch.isalnum() for ch in text[pos:start]):
            continue
        if text.startswith(words[k], start):
            end = _rest_of_phrase(text, start + len(words[k]), words, k + 1)
            if end is not None:
                return end
    return None


def profile_cues(fa: FieldAnalysis, recipient: Profile, common: CommonGround) -> list[Cue]:
    found: list[Cue] = []

    def add(category: str, values: tuple[str, ...] | list[str]) -> None:
        for value in values:
            found.extend(Cue(category, a, b, value) for a, b in find_phrase(fa, value))

    add("mutual-connection", recipient.mutual_connections)
    add("recent-post", recipient.recent_posts)
    add("their-work", [v for v in (recipient.company, recipient.title) if v])
    for category, theirs, shared in (
        ("shared-employer", recipient.past_companies, common.employers),
        ("shared-group", recipient.groups, common.groups),
        ("shared-school", recipient.schools, common.schools),
    ):
        add(category, [v for v in theirs if v in shared])
        for value in (v for v in theirs if v not in shared):  # the writer may say it is theirs too
            found.extend(
                Cue(category if _claimed_too(fa.text, a, b) else "their-work", a, b, value)
                for a, b in find_phrase(fa, value)
            )
    add("shared-employer", [e for e in common.employers if e != recipient.company])
    return found


# the writer's claim to one of the reader's groups, employers or schools, named from their profile: "I am also
# in Women in SRE", "we were both at Globex", "I studied at Leeds too"
_ALSO_BEFORE = re.compile(
    r"(?i)\b(?:i|we)(?:[^\S\n]+(?:am|was|were|are)|'m|’m|'re|’re)?[^\S\n]+(?:also|both)[^\S\n]+"
    r"(?:(?:a[^\S\n]+)?(?:member|part|alum|alumnus|alumna|graduate)[^\S\n]+of|in|at|with|on|from|studied[^\S\n]+at"
    r"|worked[^\S\n]+at|went[^\S\n]+to)[^\S\n]+(?:the[^\S\n]+)?$"
)
_TOO_AFTER = re.compile(r"(?i)[^\S\n]*,?[^\S\n]*(?:too|as[^\S\n]+well)\b")


def _claimed_too(text: str, start: int, end: int) -> bool:
    """Whether the words around a name of the reader's at ``start:end`` say the writer shares it."""
    return bool(_ALSO_BEFORE.search(text[max(0, start - 60) : start]) or _TOO_AFTER.match(text, end))


@lru_cache(maxsize=1)
def _subject_your() -> tuple[re.Pattern[str], frozenset[str]]:
    data = load_data("cues.yaml")
    after = "|".join(re.escape(w) for w in data["subject-your-after"])
    pattern = re.compile(rf"(?i)(?:^[^\w]*|\b(?:{after}):?[^\S\n]+)your\b(?P<rest>[^.!?,;:()\n]*)")
    return pattern, frozenset(data["generic-after-your"])


def subject_cues(fa: FieldAnalysis) -> list[Cue]:
    """ "Your Kafka migration", "Question about your team's move to Snowflake": a thing of theirs, named in a
    subject, unless every word after "your" is generic ("Your career", "About your business")."""
    pattern, generic = _subject_your()
    found = []
    for m in pattern.finditer(fa.text):
        words = re.findall(r"[\w'’-]+", m.group("rest").lower().replace("'s", " ").replace("’s", " "))
        if any(w not in generic for w in words[:4]):
            found.append(Cue("their-work", m.start(), m.end()))
    return found


def is_name_variable(name: str) -> bool:
    """Whether a template variable stands for the recipient's name: {{first_name}}, {{First Name}},
    {{contact.firstname}}."""
    return variable_base(name) in NAME_VARIABLES


def placeholder_cues(fa: FieldAnalysis) -> list[Cue]:
    """A template variable or a slot that stands for something about the recipient (not their name, nor
    the sender's) is personal; one that stands for common ground ({{mutual_connection}}, [Mutual Connection])
    is that cue."""
    found = []
    for name, start, end in fa.placeholders:
        if is_name_variable(name):
            continue
        meaning = stands_for(name)
        if meaning != "sender":
            found.append(Cue(meaning if meaning in COMMON_GROUND else "placeholder", start, end, name))
    for slot in fa.slots:
        if slot.stands_for not in ("sender", "name", "choice"):
            category = slot.stands_for if slot.stands_for in COMMON_GROUND else "placeholder"
            found.append(Cue(category, slot.start, slot.end, fa.text[slot.start : slot.end]))
    return found
