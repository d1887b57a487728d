"""What the commands share: exit statuses, error messages, colour and progress on a terminal."""

from __future__ import annotations

import os
import sys
from typing import IO

import click

from inmail_lint.util.text import escape_unsafe

PROGRESS_AFTER = 300  # drafts: a run this long shows a progress bar on a terminal
OUTPUT_FORMATS = ("full", "concise", "estimate", "json", "json-lines", "github", "sarif", "junit", "csv")


def _codes(value: tuple[str, ...]) -> tuple[str, ...]:
    """Codes given as repeated options and/or comma-separated lists."""
    return tuple(code.strip().upper() for item in value for code in item.split(",") if code.strip())


def _error(message: str) -> None:
    """An error on standard error; whatever came from input (a path, a file's text) is shown escaped."""
    click.echo(f"inmail-lint: error: {escape_unsafe(message)}", err=True)


def _use_progress() -> bool:
    return bool(sys.stderr.isatty()) and not os.environ.get("CI")


def _use_color(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
