"""Built-in rules that need logic. Each module registers its rules with :func:`inmail_lint.ruledef.base.register`."""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every module in this package so that its rules register themselves."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
