"""inmail-lint: a linter for LinkedIn InMail drafts."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
