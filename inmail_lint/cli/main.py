"""The command line: ``inmail-lint check``, ``init``, ``rule``, ``calibrate``, ``credits``, ``server``, ``web``; one
module a command.

Only click is imported at start-up, so ``--help`` and ``--version`` stay fast: each command imports what it
needs when it runs, and spaCy is imported by the first rule that needs language analysis.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

import click

from inmail_lint.cli.process import finish
from inmail_lint.util.status import EXIT_ERROR, EXIT_OK
from inmail_lint.util.version import __version__

if TYPE_CHECKING:
    from inmail_lint.run.session import Spot

__all__ = ["cli", "finish", "main", "run"]

#: Each command and the module that defines it (``--help`` lists them in alphabetical order).
COMMANDS = {
    "check": "check",
    "init": "init",
    "rule": "rule",
    "calibrate": "calibrate",
    "credits": "credits",
    "server": "serve",
    "web": "web",
}


class _ReaderGone(Exception):
    """The reader of standard output went away (``inmail-lint check | head``)."""


class _Commands(click.Group):
    """The commands, each imported when it is run or listed (click's lazily loaded subcommands), so a run of
    ``check`` does not import what ``calibrate`` or ``web`` need."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # click would end the process itself with 1; inmail-lint's status for it is 2
            raise _ReaderGone from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command = getattr(importlib.import_module(f"inmail_lint.cli.{module}"), cmd_name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="inmail-lint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint LinkedIn InMail drafts: platform limits, reply best practice, the chance of a credit refund."""


def main(argv: list[str] | None = None, prog_name: str = "inmail-lint", *, record: Spot | None = None) -> int:
    """Run the command line and return its exit status (0 clean, 1 problems, 2 usage, config or internal error).
    ``record``: where a ``check`` keeps the record of its run (:mod:`inmail_lint.run.replay`)."""
    try:
        result = cli.main(args=argv, prog_name=prog_name, standalone_mode=False, obj={"record": record})
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_ERROR
    except (BrokenPipeError, _ReaderGone):  # quietly: the reader has what it asked for
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
    """The command line without a replay (see :func:`inmail_lint.cli.entry.run`, the console script)."""
    finish(main())
