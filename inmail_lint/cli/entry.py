"""The process's entry point (the ``inmail-lint`` script, ``python -m inmail_lint``).

A ``check`` whose record still holds is replayed from it (:mod:`inmail_lint.run.replay`) before anything else
is imported; every other run goes to the command line (:mod:`inmail_lint.cli.main`), which records a
``check`` it may replay next time.
"""

from __future__ import annotations

import os
import sys

from inmail_lint.cli.process import finish
from inmail_lint.util.status import EXIT_ERROR, unwritable_output


def run() -> None:
    """Console-script entry point."""
    argv = sys.argv[1:]
    spot, replayed = None, None
    if argv[:1] == ["check"] and "--no-cache" not in argv:  # no other run is recorded: --version imports nothing
        from inmail_lint.run.replay import replay, spot_for

        try:
            spot = spot_for(argv)
            replayed = replay(spot) if spot is not None else None
        except Exception:  # a bug in the replay costs the time it would have saved, never the run
            if os.environ.get("INMAIL_LINT_DEBUG"):
                raise
            spot, replayed = None, None
    if replayed is not None:
        finish(_print(*replayed))
    from inmail_lint.cli.main import main

    finish(main(argv, record=spot))


def _print(status: int, output: list[tuple[int, str]]) -> int:
    """A replayed run's output, each piece on its stream in the order the run wrote them; its status, or 2 when
    standard output cannot take the report."""
    try:
        for fd, text in output:
            stream = sys.stdout if fd == 1 else sys.stderr
            stream.write(text)
            stream.flush()  # the next piece may go to the other stream
    except BrokenPipeError:  # the reader went away (inmail-lint check | head): as in a run done in full
        return EXIT_ERROR
    except OSError as exc:
        sys.stderr.write(f"inmail-lint: error: {unwritable_output(exc)}\n")
        return EXIT_ERROR
    return status
