"""Drafts made from table rows: a batch row (``subject``/``body`` columns) and a template merged with a row's
values. Columns named like profile fields (name, first_name, company, ...) become the recipient."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from inmail_lint.draft.document import Draft, Field, body_field, field_from_slice
from inmail_lint.draft.profiles import RECIPIENT_KEYS
from inmail_lint.draft.template_engines import TemplateError, detect
from inmail_lint.draft.template_engines import render as engine_render
from inmail_lint.draft.template_engines import variables as engine_variables
from inmail_lint.draft.templates import render, variable_key

MAX_CELL = 1024 * 1024  # characters read from one cell of a batch or history row


def merge(template: Draft, values: Mapping[str, str]) -> Draft:
    """The message a template becomes with these values; a variable without a value stays as written (so IM301
    reports it). Columns named like profile fields (name, first_name, company, ...) become the recipient."""
    fields = {name: _merged(field, template.meta.get("template"), values) for name, field in template.fields.items()}
    meta = {k: v for k, v in template.meta.items() if k not in ("template", "variables")}
    meta["template"] = False
    profile = profile_from_row(values)
    if profile and not isinstance(meta.get("recipient"), dict):
        meta["recipient"] = profile
    elif profile:
        meta["recipient"] = {**meta["recipient"], **profile}
    return dataclasses.replace(template, fields=fields, meta=meta, problems=list(template.problems))


def _merged(field: Field, syntax: Any, values: Mapping[str, str]) -> Field:
    """A field filled from a row, by the template's engine when it is Jinja or Liquid (a row without a value
    leaves the variable undefined, so a ``default`` filter applies, else it stays as ``{{name}}``)."""
    engine = detect(field.text, syntax)
    if engine is not None:
        try:
            names = engine_variables(field.text, engine)
            return engine_render(field, engine, {n: values.get(variable_key(n)) for n in names}).field
        except TemplateError:
            pass  # the analysis of the template itself says why; the built-in renderer reads the row
    return render(field, values).field


def row_draft(values: Mapping[str, str], display: str) -> Draft:
    """A draft from a batch row: ``subject`` and ``body`` columns, optional ``kind`` and profile columns.
    Its positions count in a virtual draft: line 1 is the subject, the body starts on line 3."""
    subject = " ".join(values.get("subject", "")[:MAX_CELL].split())  # an empty cell is no subject
    body = values.get("body", "")[:MAX_CELL]
    if subject:
        prefix = "Subject: "
        source = f"{prefix}{subject}\n\n{body}"
        fields = {
            "subject": field_from_slice("subject", source, len(prefix), len(prefix) + len(subject)),
            "body": body_field(source, len(prefix) + len(subject) + 2),
        }
    else:
        source = body
        fields = {"body": body_field(source, 0)}
    draft = Draft(path=display, source=source, style="batch", fields=fields)
    kind = values.get("kind", "").strip()
    if kind:
        draft.meta["kind"] = kind
    profile = profile_from_row(values)
    if profile:
        draft.meta["recipient"] = profile
    return draft


def profile_from_row(values: Mapping[str, str]) -> dict[str, Any]:
    """Recipient profile fields from a row's columns named like them (name, first_name, company, ...). The
    row's keys are variable keys, as :func:`~inmail_lint.run.batch.batch_rows` and :func:`read_rows` give them
    ("First Name" is ``first_name``)."""
    return {key: _profile_value(key, values[key]) for key in RECIPIENT_KEYS if str(values.get(key, "")).strip()}


def _profile_value(key: str, value: str) -> Any:
    kind = RECIPIENT_KEYS[key]
    if kind == "list":
        return [part.strip() for part in re.split(r"[;|]", value) if part.strip()]
    if kind == "boolean":
        return value.strip().lower() in ("1", "true", "yes", "y")
    return value.strip()
