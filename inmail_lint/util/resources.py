"""Where the built-in rule pack (the top-level ``rules/`` folder) is found: always ``inmail_lint/rules``. In a
wheel that folder holds the files; in a source checkout or an editable install it is a link to ``rules/``
beside the package, so there is one place to look.
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
    folder = _PACKAGE / "rules"
    if not (folder / "kinds.yaml").is_file():
        raise FileNotFoundError(f"the built-in rule pack was not found in {folder}; reinstall inmail-lint")
    return folder


def schema_path(name: str) -> Path:
    return _PACKAGE / "schemas" / name


@lru_cache(maxsize=32)
def load_data(name: str) -> Any:
    """A YAML data file of the built-in rule pack, loaded once per process with a safe loader. The pack is the
    project's own data, so it may use anchors and aliases (``rules/cues.yaml`` does); what users write is read
    with :func:`inmail_lint.util.yamlsafe.load_yaml`."""
    with (rules_dir() / name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=FAST_LOADER)
