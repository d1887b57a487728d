"""The runs of this process, numbered: a ``check``, one lint of the page or the language server, one call of
the Python API. What a run learns about its own work (a rule-file pattern that ran out of time, a mail merge's
template read once) holds for that run only, never for a later one in a long-lived process. Light on purpose:
the run layer imports it before anything that lints."""

from __future__ import annotations

_CURRENT = [0]


def new_run() -> int:
    """A run begins: its number (the numbers of this process only grow)."""
    _CURRENT[0] += 1
    return _CURRENT[0]


def current_run() -> int:
    """The number of the run under way (0 before the first: a ``--jobs`` helper runs its parent's only run)."""
    return _CURRENT[0]
