"""A credit plan for the months ahead, as ``inmail-lint credits`` prints it and the web page draws it: the plan,
the month-by-month table, and the response rate it assumes (given, or the mean estimate of a folder's drafts)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inmail_lint.config.settings import Config
from inmail_lint.model.credits import Month, Plan, PlanError, plans, simulate, sustainable, with_expiry


@dataclass(frozen=True)
class CreditPlan:
    plan: Plan
    table: list[Month]
    per_month: float
    response_rate: float
    basis: str  # where the response rate comes from
    opening: float

    @property
    def ran_out(self) -> list[int]:
        return [m.month for m in self.table if m.short > 0]

    @property
    def keepable(self) -> float:
        return sustainable(self.plan, self.response_rate)

    def to_dict(self) -> dict[str, Any]:
        """The plan as ``credits --output-format json`` prints it, with series for a chart."""
        table = self.table
        return {
            "plan": dataclasses.asdict(self.plan),
            "opening_balance": self.opening,
            "per_month": self.per_month,
            "response_rate": round(self.response_rate, 4),
            "response_rate_basis": self.basis,
            "months": [dataclasses.asdict(m) for m in table],
            "ran_out": self.ran_out,
            "sustainable_per_month": round(self.keepable, 2),
            "chart": {  # series for a chart of the balance, one value a month, with the cap to scale it
                "cap": self.plan.cap,
                "balance": [m.balance_end for m in table],
                "sent": [m.sent for m in table],
                "refunded": [m.refunded for m in table],
                "expired": [m.expired for m in table],
                "over_cap": [m.over_cap for m in table],
            },
        }


def plan_credits(
    config: Config,
    mean_estimate: Callable[[Path], tuple[float, int]],
    plan_name: str,
    per_month: float,
    months: int,
    response_rate: float | None,
    drafts_dir: Path | None,
    *,
    opening: float = 0.0,
    expiry: str | None = None,
) -> CreditPlan:
    """Simulate ``plan_name`` with a response rate given or taken from the drafts in ``drafts_dir`` (the
    plans are the built-in ones and those of ``config``; ``mean_estimate`` reads a folder's drafts).
    ``PlanError`` says what is wrong."""
    available = plans(config.plans)
    if plan_name not in available:
        raise PlanError(f"unknown plan {plan_name!r}; plans: {', '.join(available)}")
    plan = with_expiry(available[plan_name], expiry)
    basis = "given"
    if drafts_dir is not None:
        response_rate, count = mean_estimate(drafts_dir)
        if count == 0:
            raise PlanError(f"{drafts_dir}: no InMail drafts with a credit at stake")
        spend = "spends" if count == 1 else "spend"  # connection notes, Open Profile messages and the like do not
        basis = f"mean estimate over {count} draft{'s' if count != 1 else ''} in {drafts_dir} that {spend} a credit"
    if response_rate is None:
        raise PlanError("give either a response rate or a folder of drafts")
    table = simulate(plan, per_month, months, response_rate, opening=opening)
    return CreditPlan(plan, table, per_month, response_rate, basis, opening)
