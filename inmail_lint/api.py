"""The Python API: lint a string, bytes or a file and get a :class:`~inmail_lint.engine.linter.FileResult`."""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from inmail_lint.config.settings import Config, ConfigResolver, default_config, load_config_file
from inmail_lint.draft.profiles import RECIPIENT_KEYS
from inmail_lint.draft.parse import Draft, body_field, decode, field_from_slice, parse
from inmail_lint.engine.fixer import fix_until_stable
from inmail_lint.engine.linter import FileResult, Linter, unreadable_result
from inmail_lint.sources.files import STDIN, Target, load_draft, prepare, read_bytes, relpath_for
from inmail_lint.draft.templates import render

_LINTERS: dict[int, tuple[Config, Linter]] = {}
MAX_CELL = 1024 * 1024  # characters read from one cell of a batch or history row


def linter_for(config: Config | None = None) -> Linter:
    """The linter for a configuration, built once (building validates the config against the registry)."""
    config = config if config is not None else _default()
    cached = _LINTERS.get(id(config))
    if cached is None or cached[0] is not config:
        cached = (config, Linter(config))
        _LINTERS[id(config)] = cached
    return cached[1]


@lru_cache(maxsize=1)
def _default() -> Config:
    return default_config()


def load_config(path: str | Path | None = None, *, directory: str | Path | None = None) -> Config:
    """A configuration: from a config file, or the one that applies in ``directory`` (default: the current one)."""
    if path is not None:
        return load_config_file(Path(path))
    return ConfigResolver().for_directory(Path(directory) if directory else Path.cwd())


def lint_text(text: str, path: str = "<string>", *, config: Config | None = None) -> FileResult:
    """Lint a draft given as text (no files are read; a ``recipient:`` path is not loaded)."""
    return linter_for(config).lint(parse(text.removeprefix("\ufeff"), path))


def lint_bytes(
    data: bytes, path: str = "<bytes>", *, config: Config | None = None, directory: Path | None = None
) -> FileResult:
    """Lint a draft file's bytes: decoding problems are IM001; a ``recipient:`` path is read from ``directory``."""
    linter = linter_for(config)
    draft, problem = load_draft(data, path, directory, linter.config.root if directory else None)
    if draft is None:
        return unreadable_result(path, str(problem), linter)
    return linter.lint(draft)


def target_directory(target: Target) -> Path:
    """The folder a draft's relative paths (``recipient:``) start from; for standard input, that of
    ``--stdin-filename``, else the current one."""
    if target.path is None:
        return Path(target.display).parent if target.display != STDIN else Path.cwd()
    return target.path.parent


def read_target(target: Target) -> tuple[bytes | None, str | None, Path]:
    """A draft's bytes (or why they cannot be read) and the folder its relative paths start from."""
    if target.path is None:
        return sys.stdin.buffer.read(), None, target_directory(target)
    data, error = read_bytes(target.path)
    return data, error, target.path.parent


def lint_target(
    target: Target, config: Config, linter: Linter | None = None, *, data: bytes | None = None
) -> FileResult:
    """Read and lint one draft (a file, or standard input when ``target.path`` is None); ``data`` is the
    draft's bytes when they were read already (standard input can be read once only)."""
    linter = linter or linter_for(config)
    if data is None:
        data, error, directory = read_target(target)
    else:
        error, directory = None, target_directory(target)
    if data is None:
        return unreadable_result(target.display, str(error), linter)
    draft, problem = load_draft(data, target.display, directory, config.root)
    if draft is None:
        return unreadable_result(target.display, str(problem), linter)
    return linter.lint(draft, relpath_for(target, config))


@dataclass
class FixOutcome:
    """What fixing one draft would do: the result after fixing, and the text before and after."""

    result: FileResult
    fixed: int = 0
    before: str = ""
    after: str = ""
    bom: bool = False

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def encoded(self) -> bytes:
        return (("\ufeff" if self.bom else "") + self.after).encode("utf-8")


def fix_target(target: Target, config: Config, linter: Linter | None = None, *, unsafe: bool = False) -> FixOutcome:
    """Lint one draft and apply its fixes in memory (nothing is written here)."""
    linter = linter or linter_for(config)
    data, error, directory = read_target(target)
    if data is None:
        return FixOutcome(unreadable_result(target.display, str(error), linter))
    text, problem, bom = decode(data)
    if text is None:
        return FixOutcome(unreadable_result(target.display, str(problem), linter))
    relpath = relpath_for(target, config)

    def lint(source: str) -> FileResult:
        return linter.lint(prepare(source, target.display, directory, config.root, bom=bom), relpath)

    after, fixed, result = fix_until_stable(text, lint, unsafe=unsafe)
    return FixOutcome(result, fixed, text, after, bom)


def lint_file(path: str | Path, *, config: Config | None = None) -> FileResult:
    """Lint one draft file with the nearest configuration (or ``config``)."""
    file_path = Path(path)
    chosen = config or ConfigResolver().for_path(file_path)
    return lint_target(Target(file_path, str(path)), chosen)


def merge(template: Draft, values: Mapping[str, str]) -> Draft:
    """The message a template becomes with these values; a variable without a value stays as written (so IM301
    reports it). Columns named like profile fields (name, first_name, company, ...) become the recipient."""
    fields = {name: render(field, values).field for name, field in template.fields.items()}
    meta = {k: v for k, v in template.meta.items() if k not in ("template", "variables")}
    meta["template"] = False
    profile = profile_from_row(values)
    if profile and not isinstance(meta.get("recipient"), dict):
        meta["recipient"] = profile
    elif profile:
        meta["recipient"] = {**meta["recipient"], **profile}
    return dataclasses.replace(template, fields=fields, meta=meta, problems=list(template.problems))


def row_draft(values: Mapping[str, str], display: str) -> Draft:
    """A draft from a batch row: ``subject`` and ``body`` columns, optional ``kind`` and profile columns.
    Its positions count in a virtual draft: line 1 is the subject, the body starts on line 3."""
    subject = " ".join(values.get("subject", "")[:MAX_CELL].split())  # an empty cell is no subject
    body = values.get("body", "")[:MAX_CELL]
    if subject:
        prefix = "Subject: "
        source = f"{prefix}{subject}\n\n{body}"
        fields = {
            "subject": field_from_slice("subject", source, len(prefix), len(prefix) + len(subject)),
            "body": body_field(source, len(prefix) + len(subject) + 2),
        }
    else:
        source = body
        fields = {"body": body_field(source, 0)}
    draft = Draft(path=display, source=source, style="batch", fields=fields)
    kind = values.get("kind", "").strip()
    if kind:
        draft.meta["kind"] = kind
    profile = profile_from_row(values)
    if profile:
        draft.meta["recipient"] = profile
    return draft


def profile_from_row(values: Mapping[str, str]) -> dict[str, Any]:
    """Recipient profile fields from a row's columns named like them (name, first_name, company, ...). The
    row's keys are variable keys, as :func:`~inmail_lint.run.batch.batch_rows` and :func:`read_rows` give them
    ("First Name" is ``first_name``)."""
    return {key: _profile_value(key, values[key]) for key in RECIPIENT_KEYS if str(values.get(key, "")).strip()}


def _profile_value(key: str, value: str) -> Any:
    kind = RECIPIENT_KEYS[key]
    if kind == "list":
        return [part.strip() for part in re.split(r"[;|]", value) if part.strip()]
    if kind == "boolean":
        return value.strip().lower() in ("1", "true", "yes", "y")
    return value.strip()


def history_observations(rows: list[dict[str, str]], config: Config) -> tuple[list[dict[str, Any]], list[int]]:
    """What the refund model observes in each sent message of a history CSV, and whether it got a response.
    Columns: ``subject``, ``body``, ``responded``; optionally ``kind``, ``send_at`` and profile fields."""
    from inmail_lint.analysis.document import Analysis
    from inmail_lint.model.calibrate import CalibrationError, parse_outcome
    from inmail_lint.draft.profiles import Profile
    from inmail_lint.draft.parse import parse_send_at
    from inmail_lint.analysis.observations import observe

    if rows and not {"body", "responded"} <= set(rows[0]):
        raise CalibrationError("the history needs the columns 'body' and 'responded' (and usually 'subject')")
    sender = Profile.from_mapping(config.sender)
    observations, outcomes = [], []
    for number, row in enumerate(rows, start=1):
        try:
            outcome = parse_outcome(row.get("responded", ""))
            kind = row.get("kind") or config.kind
            if kind not in config.kinds:
                raise CalibrationError(f"unknown kind {kind!r}")
            draft = row_draft(row, f"row {number}")
            send_at = parse_send_at(row["send_at"]) if row.get("send_at", "").strip() else None
        except (CalibrationError, ValueError) as exc:
            raise CalibrationError(f"row {number}: {exc}") from None
        analysis = Analysis(
            draft, kind, config.kind_limits(kind), model=config.spacy_model, sender=sender, send_at=send_at
        )
        observations.append(observe(analysis))
        outcomes.append(outcome)
    return observations, outcomes
