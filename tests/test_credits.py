"""The credit planner, checked against a month worked by hand, and its invariants."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from inmail_lint.model.credits import Plan, PlanError, plans, simulate, sustainable

Run = Callable[..., tuple[int, str, str]]


def test_hand_worked_example() -> None:
    # Premium Business: 15 a month, cap 45, credits last 3 months; 5 sends a month; 20% respond; refunds
    # arrive the month after. Worked by hand:
    #   m1: +15 -> 15, send 5 -> 10; 1 refund due in m2
    #   m2: +1 refund +15 -> 26, send 5 (from m1's credits) -> 21
    #   m3: +1 +15 -> 37, send 5 (m1's last 5) -> 32
    #   m4: +1 -> 33, +15 would make 48: 3 lost at the cap -> 45, send 5 -> 40
    #   m5: m2's 11 unused credits lapse -> 29, +1 +15 -> 45, send 5 -> 40
    # credits lost to age (expired) and to the cap (over cap) are counted apart
    table = simulate(plans()["premium-business"], 5, 5, 0.2)
    rows = [(m.month, m.allotted, m.sent, m.refunded, m.expired, m.over_cap, m.balance_end) for m in table]
    assert rows == [
        (1, 15, 5, 0, 0, 0, 10),
        (2, 15, 5, 1, 0, 0, 21),
        (3, 15, 5, 1, 0, 0, 32),
        (4, 15, 5, 1, 0, 3, 40),
        (5, 15, 5, 1, 11, 0, 40),
    ]


def test_an_opening_balance_is_spent_first_and_ages_like_any_credit() -> None:
    plan = Plan("p", "P", monthly=10, cap=100, expiry_months=2)
    table = simulate(plan, 5, 3, 0.0, opening=30)
    # m1: 30 + 10 = 40, send 5 from the opening 30 -> 35; m2: the opening's 25 lapse (received in month 0),
    # +10 -> 20, send 5 of m1's -> 15; m3: m1's last 5 lapse, +10 -> 20, send 5 -> 15
    assert [(m.expired, m.balance_end) for m in table] == [(0, 35), (25, 15), (5, 15)]
    over = simulate(plan, 0, 1, 0.0, opening=150)
    assert over[0].over_cap == 60 and over[0].balance_end == 100  # 50 over the cap, then 10 more
    with pytest.raises(PlanError, match="opening balance"):
        simulate(plan, 5, 3, 0.0, opening=-1)


def test_refunds_with_no_delay_come_back_the_same_month() -> None:
    plan = Plan("p", "P", monthly=10, cap=100, expiry_months=None)
    table = simulate(plan, 10, 2, 0.5, delay=0)
    assert [(m.refunded, m.balance_end) for m in table] == [(5, 5), (5, 10)]  # none is dropped
    later = simulate(plan, 10, 2, 0.5, delay=1)
    assert [(m.refunded, m.balance_end) for m in later] == [(0, 0), (5, 5)]


def test_credits_that_never_expire_are_lost_only_to_the_cap() -> None:
    plan = plans()["recruiter-lite"]
    assert plan.expiry_months is None and "4x cap" in plan.expiry_note
    table = simulate(plan, 0, 6, 0.0)
    assert all(m.expired == 0 for m in table)
    assert [m.balance_end for m in table] == [30, 60, 90, 120, 120, 120]
    assert [m.over_cap for m in table] == [0, 0, 0, 0, 30, 30]


def test_the_expiry_can_be_chosen_where_linkedin_disagrees() -> None:
    from inmail_lint.model.credits import with_expiry

    navigator = plans()["sales-navigator-core"]
    assert navigator.expiry_months == 3 and "a101030" in navigator.expiry_note
    never = with_expiry(navigator, "never")
    assert never.expiry_months is None
    assert all(m.expired == 0 for m in simulate(never, 0, 6, 0.0))
    assert any(m.expired > 0 for m in simulate(navigator, 0, 6, 0.0))
    assert with_expiry(navigator, "2").expiry_months == 2
    with pytest.raises(PlanError, match="--expiry"):
        with_expiry(navigator, "soon")


def test_the_balance_bar() -> None:
    from inmail_lint.model.credits import balance_bar

    assert balance_bar(0, 100) == ""
    assert balance_bar(100, 100, width=10) == "█" * 10
    assert balance_bar(50, 100, width=10) == "█" * 5
    assert balance_bar(55, 100, width=10) == "█" * 5 + "▌"
    assert balance_bar(500, 100, width=10) == "█" * 10  # never past the cap


@pytest.mark.parametrize("name", sorted(plans()))
@pytest.mark.parametrize(("per_month", "rate"), [(0, 0.0), (3, 0.5), (40, 0.18), (500, 0.9)])
def test_balance_stays_between_zero_and_the_cap(name: str, per_month: float, rate: float) -> None:
    plan = plans()[name]
    for month in simulate(plan, per_month, 24, rate):
        assert 0 <= month.balance_end <= plan.cap
        assert 0 <= month.sent <= per_month
        assert month.expired >= 0 and month.short >= 0


def test_running_out_and_the_sustainable_rate() -> None:
    plan = Plan("p", "P", monthly=50, cap=150, expiry_months=3)
    table = simulate(plan, 70, 12, 0.18)
    assert all(m.short > 0 for m in table)
    assert table[-1].sent == pytest.approx(sustainable(plan, 0.18), abs=0.05)
    assert sustainable(plan, 0.18) == pytest.approx(50 / 0.82)
    assert all(m.short == 0 for m in simulate(plan, 45, 12, 0.18))
    settles = simulate(plan, 60, 12, 0.18)  # short at first, until refunds start coming back
    assert settles[0].short > 0 and all(m.short == 0 for m in settles[3:])


def test_plans_follow_linkedin_help() -> None:
    table = plans()
    assert (table["premium-career"].monthly, table["premium-career"].cap) == (5, 15)
    assert (table["premium-business"].monthly, table["premium-business"].cap) == (15, 45)
    assert (table["recruiter-lite"].monthly, table["recruiter-lite"].cap) == (30, 120)
    assert (table["recruiter"].monthly, table["recruiter"].cap) == (150, 600)
    for name in ("sales-navigator-core", "sales-navigator-advanced", "sales-navigator-advanced-plus"):
        assert (table[name].monthly, table[name].cap) == (50, 150)
    assert all(plan.source for plan in table.values())


def test_bad_inputs() -> None:
    with pytest.raises(PlanError):
        simulate(plans()["recruiter"], 10, 3, 1.0)


def test_credits_command(cli: Run, tmp_path: Path) -> None:
    status, out, _ = cli(
        "credits",
        "--plan",
        "premium-business",
        "--per-month",
        "5",
        "--months",
        "5",
        "--response-rate",
        "0.2",
        "--output-format",
        "json",
        cwd=tmp_path,
    )
    assert status == 0
    data = json.loads(out)
    assert data["plan"]["name"] == "premium-business"
    assert [m["balance_end"] for m in data["months"]] == [10, 21, 32, 40, 40]
    assert data["sustainable_per_month"] == 18.75 and data["ran_out"] == []
    assert data["chart"]["balance"] == [10, 21, 32, 40, 40] and data["chart"]["cap"] == 45
    assert data["chart"]["over_cap"] == [0, 0, 0, 3, 0] and data["chart"]["expired"] == [0, 0, 0, 0, 11]
    status, out, _ = cli(
        "credits",
        "--plan",
        "sales-navigator-core",
        "--per-month",
        "10",
        "--months",
        "4",
        "--response-rate",
        "0.2",
        "--balance",
        "40",
        "--expiry",
        "never",
        cwd=tmp_path,
    )
    assert status == 0 and "credits never expire (--expiry never)" in out and "opening balance 40" in out
    assert "over cap" in out and "█" in out and "(bar: the balance, full at the cap of 150)" in out
    status, out, _ = cli(
        "credits",
        "--plan",
        "premium-career",
        "--per-month",
        "10",
        "--months",
        "3",
        "--response-rate",
        "0.1",
        cwd=tmp_path,
    )
    assert "Runs out in months 1, 2, 3" in out and "Sustainable: about 6 sends a month" in out
    assert "(bar:" not in out  # no bar was drawn, so no legend for one
    assert "a554514: a LinkedIn Help article, at https://www.linkedin.com/help/linkedin/answer/<number>" in out
    assert not any("." in cell for line in out.splitlines()[3:-2] for cell in line.split()[:7])  # whole sends


def test_credits_from_drafts_and_config_plans(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "inmail-lint.toml").write_text("[plans.team]\nmonthly = 20\ncap = 60\n", encoding="utf-8")
    (tmp_path / "a.inmail").write_text("Subject: Ana, your talk\n\nHi Ana, one question?\n", encoding="utf-8")
    status, out, _ = cli(
        "credits",
        "--plan",
        "team",
        "--per-month",
        "25",
        "--months",
        "2",
        "--drafts",
        ".",
        "--output-format",
        "json",
        cwd=tmp_path,
    )
    assert status == 0
    data = json.loads(out)
    assert data["plan"]["monthly"] == 20 and data["response_rate_basis"].startswith("mean estimate over 1 draft in ")
    assert data["response_rate_basis"].endswith(" that spends a credit")  # notes and Open Profile messages do not
    assert 0 < data["response_rate"] < 1


def test_credits_usage_errors(cli: Run, tmp_path: Path) -> None:
    status, _, err = cli("credits", "--plan", "gold", "--per-month", "5", "--response-rate", "0.2", cwd=tmp_path)
    assert status == 2 and "unknown plan 'gold'" in err
    status, _, err = cli("credits", "--plan", "recruiter", "--per-month", "5", cwd=tmp_path)
    assert status == 2 and "--response-rate or --drafts" in err
