"""What the refund model observes in each sent message of a history, for ``calibrate``."""

from __future__ import annotations

from typing import Any

from inmail_lint.config.settings import Config
from inmail_lint.draft.frontmatter import parse_send_at
from inmail_lint.draft.rows import row_draft
from inmail_lint.engine.linter import Linter
from inmail_lint.model.calibrate import CalibrationError, parse_outcome


def history_observations(
    rows: list[dict[str, str]], config: Config, linter: Linter
) -> tuple[list[dict[str, Any]], list[int]]:
    """What the refund model observes in each sent message of a history CSV, and whether it got a response.
    Columns: ``subject``, ``body``, ``responded``; optionally ``kind``, ``send_at`` and profile fields."""
    if rows and not {"body", "responded"} <= set(rows[0]):
        raise CalibrationError("the history needs the columns 'body' and 'responded' (and usually 'subject')")
    # the linter: the same rules and facts as `check`, so the fitted factors mean the same
    observations, outcomes = [], []
    for number, row in enumerate(rows, start=1):
        try:
            outcome = parse_outcome(row.get("responded", ""))
            kind = row.get("kind") or config.kind
            if kind not in config.kinds:
                raise CalibrationError(f"unknown kind {kind!r}")
            draft = row_draft(row, f"row {number}")
            draft.meta["kind"] = kind
            if row.get("send_at", "").strip():
                parse_send_at(row["send_at"])  # a bad date is this row's error, not a traceback
                draft.meta["send_at"] = row["send_at"]
        except (CalibrationError, ValueError) as exc:
            raise CalibrationError(f"row {number}: {exc}") from None
        result = linter.lint(draft)
        observations.append(dict(result.observations or {}))
        outcomes.append(outcome)
    return observations, outcomes
