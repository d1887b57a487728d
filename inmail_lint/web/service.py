"""What the web page asks of a folder: lint what is being written, open, fix and save a draft, list the folder's
drafts, render a template with each row of a CSV, plan credits. Every answer is a JSON-ready mapping; every
path is relative to the folder and stays inside it; :class:`PageError` is a refusal with an HTTP status and a
message for the writer. The linting is the command line's: the same discovery, configuration, linter and
result, so the page shows what ``check`` would print."""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from inmail_lint.checks.define.base import RuleDefinitionError
from inmail_lint.config.settings import Config, ConfigError
from inmail_lint.diagnostic import Locator
from inmail_lint.draft.decode import decode
from inmail_lint.draft.document import Draft
from inmail_lint.draft.parse import parse
from inmail_lint.draft.profiles import RECIPIENT_KEYS
from inmail_lint.draft.template_engines import detect
from inmail_lint.draft.template_engines import variables as engine_variables
from inmail_lint.draft.templates import names_in, variable_base
from inmail_lint.engine.fixer import apply_fixes
from inmail_lint.engine.linter import Linter
from inmail_lint.engine.result import FileResult, estimate_to_json
from inmail_lint.model.credits import PlanError
from inmail_lint.model.estimate import cited, grade_legend
from inmail_lint.run.session import RunOptions, Session, Skipped, Target, is_batch
from inmail_lint.sources.files import MAX_BYTES, read_bytes, read_profile
from inmail_lint.sources.tables import RowsError, read_rows
from inmail_lint.sources.write import Stamp, WriteRefused
from inmail_lint.util.files import describe_mode
from inmail_lint.util.text import utf16_length, valid_unicode
from inmail_lint.web.edit import FIELDS, Spliced, clean, field_texts, new_draft, splice, with_front_matter

UNTITLED = "untitled.inmail"
DRAFT_SUFFIXES = (".inmail", ".inmail.md", ".inmail.txt")
MAX_MERGE_ROWS = 200  # rows of a CSV shown on the page (the command line lints them all)
MAX_LISTED = 2000  # files looked at when listing a folder's CSVs and profiles
MAX_CTA = 1000  # characters of a button label the page takes (LinkedIn allows 20; IM106 says so)
SKIPPED_FOLDERS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".inmail_lint_cache"}


class PageError(Exception):
    """A request the page cannot have: ``status`` is its HTTP status, the message says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def etag(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Workspace:
    """One folder, as the page sees it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        # with check's result cache: a folder the page has listed before is listed without linting again
        self.session = Session(RunOptions(cache=True, cache_beside=self.folder))

    # --- paths -----------------------------------------------------------------------------------------------
    def path(self, relative: Any, *, must_exist: bool = True) -> Path:
        """A path inside the folder: no absolute path, no ``..``, no link that leads out of it."""
        if not isinstance(relative, str) or not relative or "\0" in relative:
            raise PageError(400, "expected the path of a file in the folder")
        if os.path.isabs(relative) or any(part == ".." for part in Path(relative).parts):
            raise PageError(403, f"{relative}: only files inside {self.folder.name}/ can be opened or saved")
        candidate = self.folder / relative
        try:
            resolved = candidate.resolve(strict=must_exist)
        except (OSError, RuntimeError):
            raise PageError(404, f"{relative}: no such file in the folder") from None
        if resolved != self.folder and self.folder not in resolved.parents:
            raise PageError(403, f"{relative}: it leads outside the folder (a link?); it is not opened here")
        if must_exist:
            try:
                mode = resolved.stat().st_mode
            except OSError as exc:
                raise PageError(404, f"{relative}: {exc.strerror or exc}") from None
            if not stat.S_ISREG(mode):  # a FIFO would block the read, and the page with it
                raise PageError(422, f"{relative}: is {describe_mode(mode)}, not a file")
        return resolved

    def inside(self, path: Path) -> bool:
        """Whether ``path``, its links followed, is in the folder."""
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError, ValueError):
            return False
        return resolved == self.folder or self.folder in resolved.parents

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.folder).as_posix()
        except ValueError:
            return path.name

    def config(self, path: Path | None) -> Config:
        try:
            return self.session.config_for(path, self.folder)
        except ConfigError as exc:
            raise PageError(422, str(exc)) from None

    def linter(self, config: Config) -> Linter:
        try:
            return self.session.linter(config)
        except (ConfigError, RuleDefinitionError) as exc:
            raise PageError(422, str(exc)) from None

    # --- writing and linting ---------------------------------------------------------------------------------
    def _fields(self, request: Mapping[str, Any]) -> tuple[str, str]:
        try:
            return clean(request.get("subject", "")), clean(request.get("body", ""))
        except ValueError:
            raise PageError(400, "'subject' and 'body' must be text") from None

    def _draft(self, request: Mapping[str, Any]) -> tuple[Spliced, Path | None, Config, str]:
        """The text being written, put into its file (or into a new draft), with its config and display name."""
        subject, body = self._fields(request)
        relative = request.get("path")
        if relative:
            path = self.path(relative)
            base = request.get("base")
            if not isinstance(base, str):
                raise PageError(400, "'base' (the file's text as opened) is missing")
            source = valid_unicode(base)
            context = request.get("context")
            if context is not None:  # the side panel changed: its kind and recipient go into front matter
                source = with_front_matter(source, self._context(context, path), relative)
            return splice(source, subject, body, relative), path, self.config(path), relative
        config = self.config(None)
        kind = request.get("kind") or config.kind
        if kind not in config.kinds:
            raise PageError(400, f"unknown kind {kind!r}; expected one of {', '.join(config.kinds)}")
        recipient, cta = self._recipient(request.get("recipient")), self._cta(request.get("cta"))
        return new_draft(kind, recipient, subject, body, cta), None, config, UNTITLED

    def _context(self, context: Any, path: Path) -> dict[str, Any]:
        """The side panel's kind and recipient for an opened draft's front matter: a profile's path is written
        relative to the draft, as front matter reads it."""
        if not isinstance(context, dict):
            raise PageError(400, "'context' must be a mapping of 'kind' and 'recipient'")
        config = self.config(path)
        values: dict[str, Any] = {}  # only the keys the writer changed
        if "kind" in context:
            kind = context["kind"]
            if kind not in config.kinds:
                raise PageError(400, f"unknown kind {kind!r}; expected one of {', '.join(config.kinds)}")
            values["kind"] = kind
        if "recipient" in context:
            recipient = self._recipient(context["recipient"])
            if isinstance(recipient, str):
                recipient = Path(os.path.relpath(self.path(recipient), path.parent)).as_posix()
            values["recipient"] = recipient
        if "cta" in context:  # a Message Ad's button label; emptied, the key goes
            values["cta"] = self._cta(context["cta"])
        return values

    @staticmethod
    def _cta(value: Any) -> str | None:
        """The side panel's button label (``cta:``) as front matter takes it: one line, None when empty."""
        if value is None:
            return None
        try:
            text = " ".join(clean(value).split())
        except ValueError:
            raise PageError(400, "'cta' must be text") from None
        if len(text) > MAX_CTA:
            raise PageError(400, f"'cta' is {len(text):,} characters; a button label is short (at most {MAX_CTA:,})")
        return text or None

    def _recipient(self, value: Any) -> Any:
        """The side panel's recipient: a mapping of profile fields (empty ones dropped), or a profile's path."""
        if not value:
            return None
        if isinstance(value, str):
            self.path(value)  # it must be a file in the folder
            return value
        if not isinstance(value, dict):
            raise PageError(400, "'recipient' must be a mapping of profile fields or a profile's path")
        profile: dict[str, Any] = {}
        for key, kind in RECIPIENT_KEYS.items():  # each field as a profile has it (text, a list, true or false)
            item = value.get(key)
            if kind == "boolean" and isinstance(item, bool):
                profile[key] = item
            elif kind != "boolean" and isinstance(item, str) and item.strip():
                profile[key] = item.strip()
            elif kind != "boolean" and isinstance(item, list):
                items = [str(x).strip() for x in item if isinstance(x, str) and x.strip()]
                if items:
                    profile[key] = items
        return profile or None

    def _lint(self, spliced: Spliced, path: Path | None, config: Config, display: str) -> tuple[FileResult, Linter]:
        linter = self.linter(config)
        result = self.session.lint_text(spliced.source, path, display=display, directory=self.folder, config=config)
        return result, linter

    def lint(self, request: Mapping[str, Any]) -> dict[str, Any]:
        spliced, path, config, display = self._draft(request)
        result, linter = self._lint(spliced, path, config, display)
        return describe(result, spliced, linter, config)

    def fix(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """Apply one finding's fix: the new text of the fields (and of the file), linted again."""
        spliced, path, config, display = self._draft(request)
        result, linter = self._lint(spliced, path, config, display)
        index, code = request.get("index"), request.get("code")
        if not isinstance(index, int) or not 0 <= index < len(result.diagnostics):
            raise PageError(409, "that finding is gone (the draft changed); try again")
        finding = result.diagnostics[index]
        if finding.code != code or finding.fix is None:
            raise PageError(409, f"finding {index} is not a fixable {code}; the draft changed, try again")
        fixed, applied = apply_fixes(spliced.source, [finding], unsafe=True)
        if not applied:
            raise PageError(409, f"the fix for {code} could not be applied")
        texts = field_texts(parse(fixed, display))
        spliced, path, config, display = self._draft({**request, "base": fixed, **texts})  # the fixed text
        result, linter = self._lint(spliced, path, config, display)
        answer = describe(result, spliced, linter, config)
        answer["fixed"] = {"code": code, "message": finding.fix.message, "safe": finding.fix.safe}
        return answer

    # --- files -----------------------------------------------------------------------------------------------
    def open(self, relative: Any) -> dict[str, Any]:
        path = self.path(relative)
        if not path.is_file():
            raise PageError(404, f"{relative}: not a file")
        data, error = read_bytes(path)
        if data is None:
            raise PageError(422, f"{relative}: {error}")
        text, problem, _ = decode(data)
        if text is None:
            raise PageError(422, f"{relative}: {problem}; it cannot be edited here")
        draft = parse(text, relative)
        texts = field_texts(draft)
        spliced = splice(text, texts["subject"], texts["body"], relative)
        config = self.config(path)
        result, linter = self._lint(spliced, path, config, relative)
        answer = describe(result, spliced, linter, config)
        answer.update({"path": self.relative(path), "base": text, "etag": etag(data), "style": draft.style})
        answer.update(self._opened_context(draft, path))
        return answer

    def _opened_context(self, draft: Draft, path: Path) -> dict[str, Any]:
        """The opened draft's own recipient, as the side panel shows it: the fields of a mapping (or of a
        header's To: line), or a profile file's path in the folder."""
        recipient = draft.meta.get("recipient")
        profile = None
        if isinstance(recipient, str):
            try:
                target = (path.parent / recipient).resolve()
                profile = self.relative(target) if self.inside(target) and target.is_file() else None
            except (OSError, ValueError):
                profile = None
        fields = recipient if isinstance(recipient, dict) else None
        cta = draft.meta.get("cta")
        return {
            "recipient": fields,
            "recipient_profile": profile,
            "front_matter": draft.style == "front-matter",
            "cta": cta if isinstance(cta, str) else "",
        }

    def profile(self, relative: Any) -> dict[str, Any]:
        """A profile file's fields, as a draft that names it is linted with them (read and checked the same way),
        for the side panel to show; or what is wrong with it."""
        path = self.path(relative)
        loaded = read_profile(path)
        if isinstance(loaded, str):
            return {"path": self.relative(path), "fields": None, "problem": f"{relative} {loaded}"}
        fields = {key: loaded[key] for key in RECIPIENT_KEYS if key in loaded}
        return {"path": self.relative(path), "fields": fields, "problem": None}

    def save(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """Write the draft being edited over its file, only if the file is as it was when opened; or, with
        ``create``, a new draft file that must not exist yet."""
        if request.get("create"):
            return self._create(request)
        spliced, path, config, display = self._draft(request)
        if path is None:
            raise PageError(400, "a new draft is saved with a name: 'create' and 'path'")
        data, error = read_bytes(path)
        if data is None:
            raise PageError(409, f"{display}: {error}; it was not saved")
        stamp = Stamp.of(path, data)
        if etag(data) != request.get("etag") or stamp is None:
            raise PageError(
                409,
                f"{display} changed on disk since you opened it; it was not saved. Your text is still here: copy "
                "it, open the file again, and put your changes back.",
            )
        bom = data.startswith(b"\xef\xbb\xbf")
        new = (("\ufeff" if bom else "") + spliced.source).encode("utf-8", "surrogatepass")
        if len(new) > MAX_BYTES:
            raise PageError(413, f"{display}: the draft would be over 1 MiB; it was not saved")
        try:
            self.session.write(path, new, replaces=stamp)  # only if it is still as it was read
        except WriteRefused as exc:
            raise PageError(409, f"{exc}; it was not saved") from None
        result, linter = self._lint(spliced, path, config, display)
        answer = describe(result, spliced, linter, config)
        answer.update({"path": display, "etag": etag(new), "base": spliced.source, "saved": True})
        return answer

    def _create(self, request: Mapping[str, Any]) -> dict[str, Any]:
        relative = request.get("path")
        if not isinstance(relative, str) or not relative.endswith(DRAFT_SUFFIXES):
            raise PageError(400, f"a draft's name ends in {', '.join(DRAFT_SUFFIXES)}")
        path = self.path(relative, must_exist=False)
        if not path.parent.is_dir():
            raise PageError(404, f"{relative}: its folder does not exist")
        spliced, _, _, _ = self._draft({**request, "path": None})
        data = spliced.source.encode("utf-8", "surrogatepass")
        try:
            self.session.write(path, data, new_only=True)  # never over a file, even one that appeared meanwhile
        except WriteRefused as exc:
            message = str(exc).replace(str(path), relative)
            raise PageError(409, message) from None
        return self.open(relative)

    # --- the folder ------------------------------------------------------------------------------------------
    def listing(self) -> dict[str, Any]:
        """The folder's drafts and templates (as ``check`` finds them) with their counts and estimates, and the
        CSV tables and profiles the page can choose from. Config files are read afresh: the page asks for the
        folder when it opens and after each save, so a config edited meanwhile takes effect."""
        self.session.reset()
        drafts = []
        notes = []
        plan: list[tuple[Target, Config]] = []
        try:
            for item in self.session.discover([str(self.folder)]):
                if isinstance(item, Skipped):
                    notes.append(f"{self.relative(Path(item.display))}: {item.message}")
                    continue
                if not isinstance(item, Target) or item.path is None or is_batch(item):
                    continue  # a batch table's rows are drafts of their own: the page lists draft files
                if not self.inside(item.path):  # a link that leads out of the folder: never read here
                    notes.append(f"{self.relative(item.path)}: a link that leads outside the folder; not listed")
                    continue
                plan.append((Target(item.path, self.relative(item.path)), self.config(item.path)))
            for config in {id(config): config for _, config in plan}.values():
                self.linter(config)
            wanted: set[str] = set()  # the variables the folder's templates read, as a table's header names them
            for result in self.session.results(plan):
                estimate = result.estimate
                if any(f.lengths is not None for f in result.fields.values()):
                    wanted |= _template_variables(result)
                drafts.append(
                    {
                        "path": result.path,
                        "kind": result.kind,
                        "template": any(f.lengths is not None for f in result.fields.values()),
                        "errors": sum(1 for d in result.diagnostics if str(d.severity) == "error"),
                        "warnings": sum(1 for d in result.diagnostics if str(d.severity) == "warning"),
                        "infos": sum(1 for d in result.diagnostics if str(d.severity) == "info"),
                        "estimate": round(estimate.probability, 4) if estimate is not None else None,
                    }
                )
        except (ConfigError, RuleDefinitionError) as exc:
            raise PageError(422, str(exc)) from None
        tables, profiles = [], []
        for path in self._files():
            name = path.name.lower()
            if name.endswith(".csv"):
                if wanted & _header_keys(path):  # a table that fills a template: not an outcome history
                    tables.append(self.relative(path))
            elif name.endswith((".yaml", ".yml", ".json")) and not name.startswith(("inmail-lint", ".")):
                profiles.append(self.relative(path))
        config = self.config(None)
        return {
            "folder": str(self.folder),
            "drafts": drafts,
            "tables": tables,
            "profiles": profiles,
            "notes": notes,
            "kinds": [{"name": k, "title": v.get("title", k), "cta": "cta-max" in v} for k, v in config.kinds.items()],
            "kind": config.kind,
        }

    def _files(self) -> Iterator[Path]:
        seen = 0
        for root, dirs, files in os.walk(self.folder):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith("."))
            for name in sorted(files):
                seen += 1
                if seen > MAX_LISTED:
                    return
                path = Path(root, name)
                if path.is_file() and not path.is_symlink():
                    yield path

    def merge(self, template: Any, table: Any) -> dict[str, Any]:
        """Each row of ``table`` rendered into ``template``, with its findings (the first rows)."""
        path, csv = self.path(template), self.path(table)
        config = self.config(path)
        self.linter(config)
        try:
            rows = read_rows(csv)
        except RowsError as exc:
            raise PageError(422, str(exc)) from None
        shown = rows[:MAX_MERGE_ROWS]
        target = Target(path, self.relative(path))
        results = self.session.results([(target, config)], shown)
        rendered = []
        for result in results:
            fields = {name: result.fields[name].text if name in result.fields else "" for name in FIELDS}
            rendered.append(
                {
                    "row": result.row,
                    "id": result.row_id,
                    "subject": fields["subject"],
                    "body": fields["body"],
                    "estimate": round(result.estimate.probability, 4) if result.estimate is not None else None,
                    "diagnostics": [
                        {"code": d.code, "severity": str(d.severity), "message": d.message, "field": d.field}
                        for d in result.diagnostics
                    ],
                    "error": result.error,
                }
            )
        return {"template": target.display, "table": self.relative(csv), "rows": rendered, "total": len(rows)}

    def credits(self, request: Mapping[str, Any]) -> dict[str, Any]:
        def number(key: str, default: float | None, low: float, high: float) -> float | None:
            value = request.get(key, default)
            if value is None or value == "":
                return default
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise PageError(400, f"'{key}' must be a number")
            if not low <= value <= high:
                raise PageError(400, f"'{key}' must be between {low:g} and {high:g}")
            return float(value)

        plan = request.get("plan")
        if not isinstance(plan, str) or not plan:
            raise PageError(400, "choose a plan")
        per_month = number("per_month", None, 0, 100_000)
        months = number("months", 12, 1, 120)
        rate = number("response_rate", None, 0, 0.99)
        opening = number("balance", 0.0, 0, 1_000_000)
        expiry = request.get("expiry") or None
        if per_month is None:
            raise PageError(400, "give the InMails sent a month")
        if expiry is not None and not isinstance(expiry, str):
            raise PageError(400, "'expiry' is a number of months or 'never'")
        try:
            result = self.session.plan_credits(
                plan,
                per_month,
                int(months or 12),
                rate,
                self.folder if rate is None else None,
                opening=opening or 0.0,
                expiry=expiry,
                directory=self.folder,
            )
        except (PlanError, ConfigError) as exc:
            message = str(exc)
            if "no InMail drafts" in message:
                message = "the folder has no InMail drafts with a credit at stake: give a response rate"
            raise PageError(400, message) from None
        return result.to_dict()

    def plans(self) -> dict[str, Any]:
        from inmail_lint.model.credits import plans

        available = plans(self.config(None).plans)
        return {
            "plans": [
                {"name": p.name, "title": p.title, "monthly": p.monthly, "cap": p.cap} for p in available.values()
            ]
        }


def describe(result: FileResult, spliced: Spliced, linter: Linter, config: Config) -> dict[str, Any]:
    """What the page shows of one lint: each finding placed in the field it is about (UTF-16 indexes of the
    field's text, as the page counts), the counters with their limits, and the estimate with its reasons."""
    findings = _findings(result, spliced, linter)
    kind = result.kind or config.kind
    limits = config.kinds.get(kind, {})
    goals = linter.goals
    counts = {}
    for name in FIELDS:
        summary = result.fields.get(name)
        text = spliced.fields[name].text if name in spliced.fields else ""
        counts[name] = {
            "chars": summary.counts.chars_utf16 if summary is not None else utf16_length(text),
            "words": summary.counts.words if summary is not None else 0,
            "max": limits.get(f"{name}-max"),
        }
    counts["subject"]["goal"] = goals.get(("subject", "chars"))
    counts["body"]["goal_words"] = goals.get(("body", "words"))
    estimate = estimate_to_json(result.estimate)
    if estimate is not None and result.estimate is not None:
        estimate["summary"] = result.estimate.summary()
        estimate["grades"] = grade_legend(f.grade for f in result.estimate.factors)
        for factor in estimate["factors"]:  # the grade said once: "ASSUMPTION (range ...): ..." opens with it
            factor["cited"] = cited(factor["grade"], factor["source"])
        estimate["also_lower"] = result.estimate.also_lower()
    sent = {name: summary.text for name, summary in result.fields.items() if name in FIELDS}
    if not limits.get("subject-sent", True):
        sent.pop("subject", None)
    return {
        "source": spliced.source,
        "message": {"subject": sent.get("subject", ""), "body": sent.get("body", "")},
        "kind": kind,
        "subject_sent": limits.get("subject-sent", True),
        "fields": {name: spliced.fields[name].text if name in spliced.fields else "" for name in FIELDS},
        "diagnostics": findings,
        "counts": counts,
        "estimate": estimate,
        "notes": list(result.notes),
        "error": result.error,
    }


def _findings(result: FileResult, spliced: Spliced, linter: Linter) -> list[dict[str, Any]]:
    """Each finding placed in the field it is about, in UTF-16 indexes of the field's text (as the page counts)."""
    index = {name: Locator(rendering.text).utf16_offset for name, rendering in spliced.fields.items()}
    gains = dict(result.estimate.if_fixed) if result.estimate is not None else {}
    findings = []
    for i, d in enumerate(result.diagnostics):
        rendering = spliced.fields.get(d.field)
        span = rendering.to_field(d.start, d.end) if rendering is not None else None
        findings.append(
            {
                "index": i,
                "code": d.code,
                "name": d.name,
                "severity": str(d.severity),
                "message": d.message,
                "field": d.field,
                "target": d.field if span is not None else None,
                "start": index[d.field](span[0]) if span is not None else None,
                "end": index[d.field](span[1]) if span is not None else None,
                "row": d.location.row if d.location else None,
                "column": d.location.column if d.location else None,
                "fix": None if d.fix is None else {"message": d.fix.message, "safe": d.fix.safe},
                "if_fixed": round(gains[d.code], 4) if d.code in gains else None,
                "wide": _draft_wide(linter, d.code),
            }
        )
    return findings


def _draft_wide(linter: Linter, code: str) -> bool:
    """Whether a rule speaks of the whole draft (IM303, IM304): the page says it once beside the text."""
    rule = linter.registry.get(code)
    return bool(rule is not None and rule.draft_wide)


def _template_variables(result: FileResult) -> set[str]:
    """The variables a template's fields read (from the text the linter kept, as written: no file read again)."""
    found: set[str] = set()
    for field in result.fields.values():
        names = set(names_in(field.text))
        engine = detect(field.text, None)
        if engine is not None:
            with contextlib.suppress(Exception):  # a template its engine cannot read: the names above
                names.update(engine_variables(field.text, engine))
        found.update(variable_base(n) for n in names)
    return found


def _header_keys(path: Path) -> set[str]:
    """The variables a CSV table's header names (its first line, read up to 64 KiB)."""
    import csv
    import io

    try:
        with path.open("rb") as handle:
            head = handle.read(65536).decode("utf-8-sig", "replace").splitlines()[:1]
    except OSError:
        return set()
    row = next(csv.reader(io.StringIO(head[0])), []) if head else []
    return {variable_base(cell) for cell in row if cell.strip()}
