"""A build-time check: installing on a Python older than 3.10 stops at once with a plain message, instead of
pip (before 23.1, which skips the requires-python check for a local project) resolving dependencies that then
fail to build."""

from __future__ import annotations

import sys
from typing import Any

from hatchling.metadata.plugin.interface import MetadataHookInterface

MINIMUM = (3, 10)


class CustomMetadataHook(MetadataHookInterface):
    def update(self, metadata: dict[str, Any]) -> None:
        if sys.version_info[:2] < MINIMUM:
            found = ".".join(map(str, sys.version_info[:3]))
            raise RuntimeError(
                f"inmail-lint requires Python 3.10 or newer; this is Python {found}. "
                "Install it with a newer Python (python3.10 -m pip install -e '.[test]' or later)."
            )
