"""Estimates over a folder of drafts, for the credit planner's response rate."""

from __future__ import annotations

from pathlib import Path

from inmail_lint.config.settings import ConfigResolver
from inmail_lint.run.targets import lint_target
from inmail_lint.sources.files import Target, discover


def mean_estimate(folder: Path, isolated: bool) -> tuple[float, int]:
    """The mean refund estimate of the drafts in ``folder`` that spend a credit, and how many there are."""
    resolver = ConfigResolver(isolated=isolated)
    total, count = 0.0, 0
    for item in discover([str(folder)], resolver):
        if not isinstance(item, Target) or item.path is None:
            continue
        config = resolver.for_path(item.path)
        estimate = lint_target(item, config).estimate  # one linter per config (run.cache)
        if estimate is not None and estimate.credit_at_stake:
            total += estimate.probability
            count += 1
    return (total / count if count else 0.0), count
