"""What each call of the page may send, as JSON Schemas checked before the call runs: a value of the wrong
type (a list where text is expected) is a 400 naming the key, never an internal error. Keys the page does
not send are refused too, so a typo in a client is said, not ignored."""

from __future__ import annotations

from functools import cache
from typing import Any

from inmail_lint.draft.profiles import RECIPIENT_KEYS
from inmail_lint.util.schema import describe, first_error

_TEXT = {"type": "string"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_NUMBER_OR_BLANK = {"type": ["number", "string", "null"]}  # "" is blank; the service checks the range
# a recipient: a profile's path, or its fields, each of the kind a profile's field is (text, a list, true or false)
_PROFILE = {
    "type": ["object", "string", "null"],
    "properties": {key: {"type": ["boolean", "null"]} for key, kind in RECIPIENT_KEYS.items() if kind == "boolean"},
    "additionalProperties": {"type": ["string", "array", "null"], "items": {"type": "string"}},
}
_DRAFT = {
    "subject": _TEXT,
    "body": _TEXT,
    "path": _TEXT_OR_NULL,
    "base": _TEXT,
    "kind": _TEXT_OR_NULL,
    "recipient": _PROFILE,
    "cta": _TEXT_OR_NULL,  # a new Message Ad's button label
    # an opened draft's side panel, when the writer changed it: written into its front matter
    "context": {
        "type": "object",
        "properties": {"kind": _TEXT_OR_NULL, "recipient": _PROFILE, "cta": _TEXT_OR_NULL},
        "additionalProperties": False,
    },
}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "additionalProperties": False}


SCHEMAS: dict[str, dict[str, Any]] = {
    "/api/lint": _object(_DRAFT),
    "/api/fix": _object({**_DRAFT, "index": {"type": "integer"}, "code": _TEXT}),
    "/api/save": _object({**_DRAFT, "etag": _TEXT_OR_NULL, "create": {"type": "boolean"}}),
    "/api/credits": _object(
        {
            "plan": _TEXT,
            "per_month": _NUMBER_OR_BLANK,
            "months": _NUMBER_OR_BLANK,
            "response_rate": _NUMBER_OR_BLANK,
            "balance": _NUMBER_OR_BLANK,
            "expiry": {"type": ["string", "number", "null"]},
        }
    ),
}


@cache
def _validator(route: str) -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(SCHEMAS[route])


def request_problem(route: str, document: Any) -> str | None:
    """What is wrong with a call's JSON, in the words of the config's errors; None when it fits."""
    if route not in SCHEMAS:
        return None
    error = first_error(_validator(route), document)
    return None if error is None else describe(error)
