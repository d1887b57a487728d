"""The command line: ``inmail-lint check``, ``init``, ``rule``, ``calibrate``, ``credits``, ``server``, ``web``; one
module a command.

Only click is imported at start-up, so ``--help`` and ``--version`` stay fast: each command imports what it
needs when it runs, and spaCy is imported by the first rule that needs language analysis.
"""

from __future__ import annotations

import os
import sys

import click

from inmail_lint.cli.calibrate import calibrate
from inmail_lint.cli.check import check
from inmail_lint.cli.credits import credits
from inmail_lint.cli.init import init
from inmail_lint.cli.rule import rule
from inmail_lint.cli.serve import server
from inmail_lint.cli.web import web
from inmail_lint.util.status import EXIT_ERROR, EXIT_OK
from inmail_lint.util.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="inmail-lint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint LinkedIn InMail drafts: platform limits, reply best practice, the chance of a credit refund."""


for _command in (check, init, rule, calibrate, credits, server, web):
    cli.add_command(_command)


def main(argv: list[str] | None = None, prog_name: str = "inmail-lint") -> int:
    """Run the command line and return its exit status (0 clean, 1 problems, 2 usage, config or internal error)."""
    try:
        result = cli.main(args=argv, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # a bug, never the input's fault: exit 2 and a message, not a traceback and exit 1
        import traceback

        from inmail_lint.util.text import escape_unsafe

        if os.environ.get("INMAIL_LINT_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"inmail-lint: internal error ({type(exc).__name__}: {escape_unsafe(str(exc))[:500]}); please report it "
            "(INMAIL_LINT_DEBUG=1 shows where it happened)",
            err=True,
        )
        return EXIT_ERROR
    return int(result) if isinstance(result, int) else EXIT_OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
