"""The fingerprint of the code and data every result depends on, whatever the configuration: this package, the
built-in rule pack, the libraries that judge (spaCy, textstat, pyphen, ...), Python, the version; by their
files' sizes and modification times.

It is light on purpose (``os``, ``hashlib``, ``importlib.util``): a run replayed from its record
(:mod:`inmail_lint.run.replay`) computes it before anything else is imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys

from inmail_lint.util.files import file_stamp, file_stamps
from inmail_lint.util.version import __version__

#: the libraries whose versions change what a draft gets (msgspec: what a kept one reads back as)
JUDGES = ("spacy", "textstat", "pyphen", "regex", "jinja2", "liquid", "yaml", "jsonschema", "msgspec")
_CODE = (".py", ".json", ".yaml", ".yml")
_PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # the inmail_lint package
_measured: list[str] = []


def pack_fingerprint() -> str:
    """The fingerprint, measured once per process (a few hundred stat calls)."""
    if not _measured:
        _measured.append(_measure())
    return _measured[0]


def _measure() -> str:
    parts = [__version__, sys.version, *file_stamps(_PACKAGE, _CODE, recursive=True)]
    pack = os.path.join(_PACKAGE, "rules")
    if os.path.islink(pack):  # a checkout: the walk above does not follow the link to the pack
        parts += file_stamps(pack, (".yaml", ".yml", ".json"), recursive=True)
    for name in JUDGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        parts.append(f"{name}={file_stamp(origin) if origin else 'absent'}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
