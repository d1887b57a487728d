"""What the refund model observes in each sent message of a history, for ``calibrate``."""

from __future__ import annotations

from typing import Any

from inmail_lint.analysis.document import Analysis, observe
from inmail_lint.config.settings import Config
from inmail_lint.draft.frontmatter import parse_send_at
from inmail_lint.draft.profiles import Profile
from inmail_lint.draft.rows import row_draft
from inmail_lint.model.calibrate import CalibrationError, parse_outcome


def history_observations(rows: list[dict[str, str]], config: Config) -> tuple[list[dict[str, Any]], list[int]]:
    """What the refund model observes in each sent message of a history CSV, and whether it got a response.
    Columns: ``subject``, ``body``, ``responded``; optionally ``kind``, ``send_at`` and profile fields."""
    if rows and not {"body", "responded"} <= set(rows[0]):
        raise CalibrationError("the history needs the columns 'body' and 'responded' (and usually 'subject')")
    sender = Profile.from_mapping(config.sender)
    observations, outcomes = [], []
    for number, row in enumerate(rows, start=1):
        try:
            outcome = parse_outcome(row.get("responded", ""))
            kind = row.get("kind") or config.kind
            if kind not in config.kinds:
                raise CalibrationError(f"unknown kind {kind!r}")
            draft = row_draft(row, f"row {number}")
            send_at = parse_send_at(row["send_at"]) if row.get("send_at", "").strip() else None
        except (CalibrationError, ValueError) as exc:
            raise CalibrationError(f"row {number}: {exc}") from None
        analysis = Analysis(
            draft, kind, config.kind_limits(kind), model=config.spacy_model, sender=sender, send_at=send_at
        )
        observations.append(observe(analysis))
        outcomes.append(outcome)
    return observations, outcomes
