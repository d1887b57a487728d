"""Who the message is to and from: the recipient's profile (front matter ``recipient:``) and the sender's
(config ``[tool.inmail-lint.sender]``), and the ground they share."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from inmail_lint.util.text import fold

RECIPIENT_KEYS: dict[str, str] = {
    "name": "text",
    "first_name": "text",
    "company": "text",
    "title": "text",
    "mutual_connections": "list",
    "groups": "list",
    "past_companies": "list",
    "schools": "list",
    "recent_posts": "list",
    "open_profile": "boolean",
}
_LIST_KEYS = frozenset(key for key, kind in RECIPIENT_KEYS.items() if kind == "list")
HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "madam", "mme", "herr", "frau"}
)
_COMPANY_SUFFIXES = re.compile(
    r"[\s,]+(inc|llc|ltd|limited|gmbh|ag|sa|plc|corp|corporation|co|company|group|holdings)\.?$", re.IGNORECASE
)


def validate_profile(data: Any, keys: Mapping[str, str] = RECIPIENT_KEYS) -> str | None:
    """None if ``data`` is a valid profile mapping, else what is wrong with it."""
    if not isinstance(data, dict):
        return "must be a mapping of profile fields"
    for key, value in data.items():
        kind = keys.get(key) if isinstance(key, str) else None
        if kind is None:
            return f"has unknown field {key!r}; known fields: {', '.join(keys)}"
        if kind == "text" and not isinstance(value, str):
            return f"field {key!r} must be text"
        if kind == "boolean" and not isinstance(value, bool):
            return f"field {key!r} must be true or false"
        if kind == "list" and not (
            isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value)
        ):
            return f"field {key!r} must be a list of names, such as [Jane Doe]"
    return None


@dataclass(frozen=True)
class Profile:
    name: str = ""
    first_name: str = ""
    company: str = ""
    title: str = ""
    mutual_connections: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    past_companies: tuple[str, ...] = ()
    schools: tuple[str, ...] = ()
    recent_posts: tuple[str, ...] = ()
    open_profile: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Profile | None:
        if not data:
            return None
        values: dict[str, Any] = {}
        for key in RECIPIENT_KEYS:
            if key not in data:
                continue
            value = data[key]
            if key in _LIST_KEYS:
                values[key] = tuple(v.strip() for v in value if v.strip())
            else:  # a blank name or company is no name or company
                values[key] = value.strip() if isinstance(value, str) else value
        if "name" in values and not values.get("first_name"):
            values["first_name"] = values["name"].split()[0] if values["name"].split() else ""
        return cls(**values)

    @property
    def employers(self) -> tuple[str, ...]:
        return tuple(c for c in (self.company, *self.past_companies) if c)

    def name_forms(self) -> set[str]:
        """The ways a greeting may name this person: first name, any part of the full name."""
        forms = {fold(self.first_name)} if self.first_name else set()
        forms.update(fold(part) for part in self.name.replace("-", " ").split())
        if self.name:
            forms.add(fold(self.name))
        return {f for f in forms if f}


_POSSESSIVE = re.compile(r"['’]s\b.*", re.DOTALL)


def same_organisation(a: str, b: str) -> bool:
    """Whether two names are one organisation: case, accents, a legal suffix ("Inc.") and a possessive with
    what follows it ("Globex's Berlin office") aside; one may be the other plus more words ("Globex Labs")."""

    def key(text: str) -> str:
        return fold(_COMPANY_SUFFIXES.sub("", _POSSESSIVE.sub("", text.strip())))

    ka, kb = key(a), key(b)
    return bool(ka) and bool(kb) and (ka == kb or ka.startswith(kb + " ") or kb.startswith(ka + " "))


def _shared(mine: Iterable[str], theirs: Iterable[str]) -> tuple[str, ...]:
    theirs = list(theirs)
    return tuple(t for t in theirs if any(same_organisation(m, t) for m in mine))


@dataclass(frozen=True)
class CommonGround:
    """What recipient and sender share: the things worth naming in the message."""

    mutual_connections: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    employers: tuple[str, ...] = ()
    schools: tuple[str, ...] = ()

    @classmethod
    def between(cls, recipient: Profile | None, sender: Profile | None) -> CommonGround:
        if recipient is None:
            return cls()
        if sender is None:
            return cls(mutual_connections=recipient.mutual_connections)
        return cls(
            mutual_connections=recipient.mutual_connections,
            groups=_shared(sender.groups, recipient.groups),
            employers=_shared(sender.employers, recipient.employers),
            schools=_shared(sender.schools, recipient.schools),
        )

    def suggestion(self) -> str | None:
        """What to mention, in words, for the first thing on record."""
        if self.mutual_connections:
            return f"mention {self.mutual_connections[0]}, your mutual connection"
        if self.employers:
            return f"mention that you both worked at {self.employers[0]}"
        if self.groups:
            return f"mention that you are both in {self.groups[0]}"
        if self.schools:
            return f"mention that you both studied at {self.schools[0]}"
        return None

    def __bool__(self) -> bool:
        return bool(self.mutual_connections or self.groups or self.employers or self.schools)
