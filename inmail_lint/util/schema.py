"""The one way a JSON Schema error becomes a message for the writer, for the configuration and for rule files:
the key it is about, in dotted form, and what was expected ("unknown key 'selekt'; did you mean 'select'?",
"key 'select': expected array, got 'IM1'")."""

from __future__ import annotations

from typing import Any

from inmail_lint.util.text import did_you_mean


def first_error(validator: Any, data: Any) -> Any | None:
    """The error to report first: the one nearest the top of the document, then in key order."""
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    return errors[0] if errors else None


def describe(error: Any) -> str:
    """A message for one error, naming the key."""
    where = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        if extra:
            key = f"{where}.{extra[0]}" if where else extra[0]
            hint = did_you_mean(extra[0], allowed) or (f"; expected one of {', '.join(allowed)}" if allowed else "")
            return f"unknown key {key!r}{hint}"
    return f"key {where or '(top level)'!r}: {_expected(error)}"


def _expected(error: Any) -> str:
    if error.validator == "type":
        return f"expected {error.validator_value}, got {error.instance!r}"
    if error.validator == "enum":
        return f"expected one of {', '.join(map(str, error.validator_value))}, got {error.instance!r}"
    if error.validator in ("minLength", "minimum"):
        return f"{error.instance!r} is too small"
    return str(error.message)
