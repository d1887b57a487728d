"""Where the built-in rule pack (the top-level ``rules/`` folder) is found.

In a wheel it is copied into the package as ``inmail_lint/rules``; in a source checkout or an editable
install it is the ``rules/`` folder beside the package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_PACKAGE = Path(__file__).resolve().parent
#: A safe YAML loader, libyaml's when PyYAML has it (several times faster at start-up).
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    """A YAML data file of the built-in rule pack, loaded safely once per process."""
    with (rules_dir() / name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=FAST_LOADER)
