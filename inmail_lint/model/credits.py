"""The credit planner: a month-by-month simulation of an InMail credit balance.

Each month the plan's allotment arrives (what would pass the cap is lost), the writer sends up to N InMails
from the oldest credits first, responses to a share R of them refund those credits after a delay, and credits
older than the plan's expiry lapse. The balance never passes the cap and never goes below zero. Figures are
expected values (a refund rate of 18% on 50 sends is 9 credits back), so they may be fractional.
"""

from __future__ import annotations

import dataclasses
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
    expiry_months: int | None = 3  # None: credits do not expire by age (only what passes the cap is lost)
    source: str = ""
    expiry_note: str = ""  # where LinkedIn's pages disagree on expiry, and what the planner follows


def _expiry(value: Any) -> int | None:
    return None if value is None or value == "never" else int(value)


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
            _expiry(spec.get("expiry-months", 3)),
            str(spec.get("source", "config")),
            str(spec.get("expiry-note", "")),
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
    expired: float  # credits that lapsed by age
    balance_end: float
    short: float = 0.0  # sends wanted but not possible: the balance ran out
    over_cap: float = 0.0  # credits lost because the balance was at the plan's cap when they arrived


def simulate(
    plan: Plan,
    per_month: float,
    months: int,
    response_rate: float,
    delay: int | None = None,
    *,
    opening: float = 0.0,
) -> list[Month]:
    """The balance month by month. ``opening`` credits are held at the start (received the month before).
    Each month: credits past the plan's expiry lapse; refunds due and the allotment arrive (what would pass the
    cap is lost); the sends are taken from the oldest credits first; responses to them are refunded ``delay``
    months later (0: within the same month, after the sends)."""
    delay = refund_delay() if delay is None else delay
    _check_simulation(per_month, months, response_rate, opening, delay)
    wallet = _Wallet(plan.cap, [[min(opening, plan.cap), 0]] if opening else [])
    pending: dict[int, float] = {}  # month -> refunds arriving then
    table: list[Month] = []
    over_opening = max(0.0, opening - plan.cap)
    for month in range(1, months + 1):
        expired = wallet.expire(month, plan.expiry_months)  # credits past their life lapse at the month's start
        refunded = pending.pop(month, 0.0)
        over_cap = wallet.receive(refunded, month) + wallet.receive(plan.monthly, month) + over_opening
        over_opening = 0.0
        sent = wallet.spend(per_month)
        back = sent * response_rate
        if back and delay == 0:
            refunded += back
            over_cap += wallet.receive(back, month)
        elif back:
            pending[month + delay] = pending.get(month + delay, 0.0) + back
        table.append(
            Month(
                month,
                plan.monthly,
                _r(sent),
                _r(refunded),
                _r(expired),
                _r(wallet.balance()),
                _r(per_month - sent),
                _r(over_cap),
            )
        )
    return table


def _check_simulation(per_month: float, months: int, response_rate: float, opening: float, delay: int) -> None:
    if not 0 <= response_rate < 1:
        raise PlanError(f"the response rate must be at least 0 and under 1, got {response_rate}")
    if per_month < 0 or months < 1:
        raise PlanError("sends per month must be 0 or more, and months 1 or more")
    if opening < 0:
        raise PlanError(f"the opening balance must be 0 or more, got {opening:g}")
    if delay < 0:
        raise PlanError(f"the refund delay must be 0 months or more, got {delay}")


@dataclass
class _Wallet:
    """The credits held, as lots of [credits, month received], oldest first, up to the plan's cap."""

    cap: float
    lots: list[list[float]]

    def balance(self) -> float:
        return sum(lot[0] for lot in self.lots)

    def receive(self, amount: float, month: int) -> float:
        """Add credits up to the cap; what does not fit is lost (and returned)."""
        kept = min(amount, max(0.0, self.cap - self.balance()))
        if kept > 0:
            self.lots.append([kept, month])
        return amount - kept

    def expire(self, month: int, expiry_months: int | None) -> float:
        expired = 0.0
        if expiry_months is not None:
            for lot in self.lots:
                if month - lot[1] >= expiry_months:
                    expired += lot[0]
                    lot[0] = 0.0
        self.lots = [lot for lot in self.lots if lot[0] > 1e-9]
        return expired

    def spend(self, wanted: float) -> float:
        """Send up to ``wanted``, oldest credits first; what was sent."""
        sent = min(wanted, self.balance())
        remaining = sent
        for lot in self.lots:
            used = min(lot[0], remaining)
            lot[0] -= used
            remaining -= used
        self.lots = [lot for lot in self.lots if lot[0] > 1e-9]
        return sent


def with_expiry(plan: Plan, expiry: str | None) -> Plan:
    """The plan with its expiry overridden: a number of months, or "never"."""
    if expiry is None:
        return plan
    if expiry != "never" and not (expiry.isdigit() and int(expiry) > 0):
        raise PlanError(f"--expiry: expected a number of months or 'never', got {expiry!r}")
    return dataclasses.replace(plan, expiry_months=_expiry(expiry), expiry_note=f"--expiry {expiry}")


BARS = " ▏▎▍▌▋▊▉█"


def balance_bar(value: float, cap: float, width: int = 30) -> str:
    """The balance as a bar of ``width`` characters at the cap, in eighths of a character."""
    if cap <= 0:
        return ""
    eighths = round(max(0.0, min(value, cap)) / cap * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (BARS[part] if part else "")


def _r(x: float) -> float:
    return round(x + 0.0, 2)


def sustainable(plan: Plan, response_rate: float) -> float:
    """Sends a month the plan can keep up: each send costs (1 - R) credits on average."""
    return plan.monthly / (1 - response_rate)
