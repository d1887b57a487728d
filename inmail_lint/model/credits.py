"""The credit planner: a month-by-month simulation of an InMail credit balance.

Each month the plan's allotment arrives (what would pass the cap is lost), the writer sends up to N InMails
from the oldest credits first, responses to a share R of them refund those credits after a delay, and credits
older than the plan's expiry lapse. The balance never passes the cap and never goes below zero. Figures are
expected values (a refund rate of 18% on 50 sends is 9 credits back), so they may be fractional.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from inmail_lint.util.resources import load_data


class PlanError(Exception):
    pass


@dataclass(frozen=True)
class Plan:
    name: str
    title: str
    monthly: float
    cap: float
    expiry_months: int = 3
    source: str = ""


def plans(extra: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Plan]:
    """The built-in plans (rules/plans.yaml) and any a config adds or overrides."""
    data = load_data("plans.yaml")["plans"]
    merged: dict[str, Mapping[str, Any]] = {**data, **(extra or {})}
    return {
        name: Plan(
            name,
            str(spec.get("title", name)),
            float(spec["monthly"]),
            float(spec["cap"]),
            int(spec.get("expiry-months", 3)),
            str(spec.get("source", "config")),
        )
        for name, spec in merged.items()
    }


def refund_delay() -> int:
    return int(load_data("plans.yaml").get("refund-delay-months", 1))


@dataclass
class Month:
    month: int
    allotted: float
    sent: float
    refunded: float
    expired: float
    balance_end: float
    short: float = 0.0  # sends wanted but not possible: the balance ran out


def simulate(plan: Plan, per_month: float, months: int, response_rate: float, delay: int | None = None) -> list[Month]:
    if not 0 <= response_rate < 1:
        raise PlanError(f"the response rate must be at least 0 and under 1, got {response_rate}")
    if per_month < 0 or months < 1:
        raise PlanError("sends per month must be 0 or more, and months 1 or more")
    delay = refund_delay() if delay is None else delay
    lots: list[list[float]] = []  # [credits, month received], oldest first
    pending: dict[int, float] = {}  # month -> refunds arriving then
    table: list[Month] = []

    def balance() -> float:
        return sum(lot[0] for lot in lots)

    for month in range(1, months + 1):
        expired = 0.0
        # credits past their life lapse at the start of the month
        for lot in lots:
            if month - lot[1] >= plan.expiry_months:
                expired += lot[0]
                lot[0] = 0.0
        lots = [lot for lot in lots if lot[0] > 1e-9]
        # refunds come back, then the allotment; what would pass the cap is lost
        refunded = pending.pop(month, 0.0)
        for amount in (refunded, plan.monthly):
            room = max(0.0, plan.cap - balance())
            kept = min(amount, room)
            expired += amount - kept
            if kept > 0:
                lots.append([kept, month])
        # send, oldest credits first
        sent = min(per_month, balance())
        remaining = sent
        for lot in lots:
            used = min(lot[0], remaining)
            lot[0] -= used
            remaining -= used
        lots = [lot for lot in lots if lot[0] > 1e-9]
        if sent:
            pending[month + delay] = pending.get(month + delay, 0.0) + sent * response_rate
        table.append(
            Month(month, plan.monthly, _r(sent), _r(refunded), _r(expired), _r(balance()), _r(per_month - sent))
        )
    return table


def _r(x: float) -> float:
    return round(x + 0.0, 2)


def sustainable(plan: Plan, response_rate: float) -> float:
    """Sends a month the plan can keep up: each send costs (1 - R) credits on average."""
    return plan.monthly / (1 - response_rate)
