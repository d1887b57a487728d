"""inmail-lint: a linter for LinkedIn InMail drafts.

    >>> from inmail_lint import lint_text
    >>> result = lint_text("Subject: Your PyData talk\\n\\nHi Ana, Jane Doe suggested I write. One question?\\n")
    >>> [d.code for d in result.diagnostics], round(result.estimate.probability, 2)

The names below are imported on first use, so ``import inmail_lint`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inmail_lint.util.version import __version__

__all__ = [
    "Config",
    "Diagnostic",
    "Estimate",
    "FileResult",
    "Severity",
    "__version__",
    "lint_bytes",
    "lint_file",
    "lint_text",
    "load_config",
]

_LAZY = {
    "lint_text": "inmail_lint.api",
    "lint_file": "inmail_lint.api",
    "lint_bytes": "inmail_lint.api",
    "load_config": "inmail_lint.api",
    "Config": "inmail_lint.config.settings",
    "Diagnostic": "inmail_lint.diagnostic",
    "Severity": "inmail_lint.diagnostic",
    "Estimate": "inmail_lint.model.estimate",
    "FileResult": "inmail_lint.engine.result",
}

if TYPE_CHECKING:
    from inmail_lint.api import lint_bytes, lint_file, lint_text, load_config
    from inmail_lint.config.settings import Config
    from inmail_lint.diagnostic import Diagnostic, Severity
    from inmail_lint.engine.result import FileResult
    from inmail_lint.model.estimate import Estimate


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'inmail_lint' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
