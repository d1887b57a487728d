"""Where the built-in rule pack (the top-level ``rules/`` folder) is found.

In a wheel it is copied into the package as ``inmail_lint/rules``; in a source checkout or an editable
install it is the ``rules/`` folder beside the package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from inmail_lint.util.yamlsafe import FAST_LOADER

_PACKAGE = Path(__file__).resolve().parent.parent  # the inmail_lint package


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    for candidate in (_PACKAGE / "rules", _PACKAGE.parent / "rules"):
        if (candidate / "kinds.yaml").is_file():
            return candidate
    raise FileNotFoundError(f"the built-in rule pack was not found beside {_PACKAGE}; reinstall inmail-lint")


def schema_path(name: str) -> Path:
    return _PACKAGE / "schemas" / name


@lru_cache(maxsize=32)
def load_data(name: str) -> Any:
    """A YAML data file of the built-in rule pack, loaded once per process with a safe loader. The pack is the
    project's own data, so it may use anchors and aliases (``rules/cues.yaml`` does); what users write is read
    with :func:`inmail_lint.util.yamlsafe.load_yaml`."""
    with (rules_dir() / name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=FAST_LOADER)
