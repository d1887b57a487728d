"""Running one case of a rule's case file (``tests/rules/IMxxx.yaml``): the project's own case files go
through the same runner teams use for theirs (:mod:`inmail_lint.testing`)."""

from __future__ import annotations

from pathlib import Path

from inmail_lint.testing import CASE_KEYS, run_case

CASES = Path(__file__).resolve().parent / "rules"

__all__ = ["CASES", "CASE_KEYS", "run_case"]

if __name__ == "__main__":
    # Print what each case of a case file finds today, to help write the expectations of a new case:
    #     python -m tests.rule_cases IM201
    import sys

    from inmail_lint.testing import _print_findings

    for code in sys.argv[1:]:
        _print_findings(CASES / f"{code}.yaml", [])
