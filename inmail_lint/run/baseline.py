"""A baseline: the findings a repository accepts as they are today, so that a hook reports only new ones.

``check --write-baseline FILE`` records every finding of the run; ``check --baseline FILE`` (or the config's
``baseline = "..."``) leaves out each finding that matches one recorded, and says how many it left out. A
finding is matched by its draft's path, its rule and the text it covers (not its line, so an edit elsewhere
in the draft does not break the match); a finding recorded twice is left out twice, no more. Fixed findings
leave the baseline when it is written again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from inmail_lint.diagnostic import Diagnostic
from inmail_lint.engine.result import FileResult
from inmail_lint.util.files import ReadRefused, path_problem, read_regular_text

VERSION = 1
MAX_BYTES = 64 * 1024 * 1024  # of a baseline file: about 500,000 findings
_LONG = 200  # characters of covered text kept as they are; a longer text is kept as its hash

Key = tuple[str, str, str]  # (path, code, covered text or its hash)


class BaselineError(Exception):
    """The baseline file cannot be read or is not one inmail-lint wrote; the message names the file."""


def _covered(result: FileResult, d: Diagnostic) -> str:
    text = result.locator.text[d.start : d.end] if result.locator is not None else ""
    if len(text) > _LONG:
        return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return text


def _path(result: FileResult, folder: Path) -> str:
    """The draft's path relative to the baseline's folder, so a run from another folder (a hook at the
    repository's root, a writer in a subfolder) matches the same findings."""
    path = result.path
    if path != "-":
        path = Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()
    return f"{path}#row{result.row}" if result.row is not None else path


def keys(result: FileResult, baseline: Path) -> list[Key]:
    """The keys of a result's findings for the baseline file at ``baseline``."""
    folder = baseline.parent
    return [(_path(result, folder), d.code, _covered(result, d)) for d in result.diagnostics]


class Baseline:
    """The recorded findings, as a multiset, used up as they are matched."""

    def __init__(self, path: Path, counts: Counter[Key]) -> None:
        self.path = path
        self._counts = counts
        self.left_out = 0

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(read_regular_text(path, MAX_BYTES))
        except ReadRefused as exc:
            raise BaselineError(f"{path}: {exc}") from None
        except OSError as exc:
            raise BaselineError(f"{path}: {path_problem(exc)}") from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise BaselineError(f"{path}: not a baseline written by inmail-lint ({exc})") from None
        findings = data.get("findings") if isinstance(data, dict) else None
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(findings, list):
            raise BaselineError(f"{path}: not a baseline written by inmail-lint (write one with --write-baseline)")
        counts: Counter[Key] = Counter()
        for i, entry in enumerate(findings):
            fields = [entry.get(k) if isinstance(entry, dict) else None for k in ("path", "code", "text")]
            strings = [f for f in fields if isinstance(f, str)]
            if len(strings) != 3:
                raise BaselineError(f"{path}: finding {i + 1} needs a path, a code and a text (strings)")
            counts[(strings[0], strings[1], strings[2])] += 1
        return cls(path, counts)

    def filter(self, result: FileResult) -> FileResult:
        """The result without the findings the baseline holds (each recorded one matches once)."""
        if not result.diagnostics:
            return result
        kept = []
        for d, key in zip(result.diagnostics, keys(result, self.path), strict=True):
            if self._counts[key] > 0:
                self._counts[key] -= 1
                self.left_out += 1
            else:
                kept.append(d)
        if len(kept) == len(result.diagnostics):
            return result
        return dataclasses.replace(result, diagnostics=kept)


def baseline_text(found: Iterable[Key]) -> tuple[str, int]:
    """The baseline file's text for these findings (sorted, one a line, so a change reads well in a diff), and
    how many it holds."""
    lines = [json.dumps({"path": p, "code": c, "text": t}, ensure_ascii=False) for p, c, t in sorted(found)]
    findings = "[\n    " + ",\n    ".join(lines) + "\n  ]" if lines else "[]"
    return f'{{\n  "version": {VERSION},\n  "tool": "inmail-lint",\n  "findings": {findings}\n}}\n', len(lines)
