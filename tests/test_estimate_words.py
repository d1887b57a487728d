"""How the estimate is said: every grade shown is explained once, never printed twice, and the interval has one
name in every surface."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from inmail_lint.api import lint_text
from inmail_lint.model.estimate import GRADES, cited, grade_legend

Run = Callable[..., tuple[int, str, str]]
SPAMMY = "Subject: SPECIAL OFFER\n\nDear Sir/Madam, our limited time offer ends Friday. Act now!\n"


def test_a_grade_is_said_once() -> None:
    assert cited("ASSUMPTION", "ASSUMPTION (range 0.25-0.90): no published size") == (
        "ASSUMPTION (range 0.25-0.90): no published size"
    )
    assert cited("VEND", "Boomerang (2016)") == "VEND; Boomerang (2016)"


def test_the_legend_explains_each_grade_shown_in_a_fixed_order() -> None:
    assert grade_legend(["VEND", "ASSUMPTION", "VEND"]) == (
        f"grades: VEND = {GRADES['VEND']}; ASSUMPTION = {GRADES['ASSUMPTION']}"
    )
    assert grade_legend([]) == ""


def test_the_estimate_format_ends_with_the_grades_it_showed(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "a.inmail").write_text(SPAMMY, encoding="utf-8")
    _, out, _ = cli("check", "--no-cache", "--output-format", "estimate", "a.inmail", cwd=tmp_path)
    shown = {line.rsplit("(", 1)[1].rstrip(")") for line in out.splitlines() if "x odds" in line}
    legend = out.strip().splitlines()[-1]
    assert legend.startswith("grades: ") and all(f"{g} = " in legend for g in shown)
    assert "90% interval" in out


def test_the_language_servers_estimate_says_each_grade_once() -> None:
    from inmail_lint.lsp.server import _estimate_text

    text = _estimate_text(lint_text(SPAMMY), markdown=True)
    assert "ASSUMPTION; ASSUMPTION" not in text and "90% interval" in text and "Range " not in text
    assert "Grades: " in text and "ASSUMPTION = " in text
