"""``inmail-lint server``: the language server on standard input and output."""

from __future__ import annotations

import click

from inmail_lint.cli.common import _error
from inmail_lint.util.status import EXIT_ERROR


@click.command()
def server() -> int:
    """Run the language server on standard input and output (needs the lsp extra)."""
    try:
        from inmail_lint.lsp.server import main as serve  # pygls is an extra: imported only here
    except ImportError as exc:
        _error(
            f"the language server needs pygls ({exc.name}): python -m pip install -e '.[lsp]' in the inmail-lint "
            "checkout (it is not on a package index)"
        )
        return EXIT_ERROR
    return serve()
