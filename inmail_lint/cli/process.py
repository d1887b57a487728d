"""How an inmail-lint process ends (shared by the entry point and the command line)."""

from __future__ import annotations

import contextlib
import os
import sys

from inmail_lint.util.status import EXIT_ERROR


def finish(status: int) -> None:
    """End the process with ``status``, without tearing the interpreter down when nothing is left running.

    Freeing every object of a process that has loaded spaCy takes about 0.15 s, a tenth of a cold run, and
    nothing in it is inmail-lint's to do: the output is flushed and the exit handlers run here (logging's,
    temporary folders', helpers' pools), and every file was written, synced and renamed before the command
    returned. mypy ends its runs the same way. With a thread still running (a server's), Python's own exit
    waits for it as usual.
    """
    import threading

    if threading.active_count() > 1:
        sys.exit(status)
    import atexit

    atexit._run_exitfuncs()  # first, as Python's own exit does: what they print is flushed below
    try:
        sys.stdout.flush()
    except ValueError:  # closed by the command (the language server closes its output): nothing left to write
        pass
    except BrokenPipeError:  # the reader went away (inmail-lint check | head): as for one during the command
        status = EXIT_ERROR
    except OSError as exc:  # a command that ends with 2 has said why (check, when its report could not be written)
        if status != EXIT_ERROR:
            sys.stderr.write(f"inmail-lint: could not write the output ({exc.strerror or exc})\n")
        status = EXIT_ERROR
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)
