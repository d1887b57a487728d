"""The engine: runs the enabled rules over one draft's analysis and applies the configuration.

The linter, not the rule, decides whether a rule runs (``select``, ``ignore``, ``per-file-ignores``, a
draft's own ``inmail-lint: {ignore: [...]}``) and at what severity. Findings in field offsets become
diagnostics in file offsets, and are placed (row, UTF-16 column) once, here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.analysis.nlp import recycle_if_large
from inmail_lint.analysis.observe import observe
from inmail_lint.checks.define.base import Rule, docs_url
from inmail_lint.config.settings import Config, ConfigError
from inmail_lint.diagnostic import FileEdit, FileFix, Finding, Fix, Severity
from inmail_lint.draft.document import INVALID_FRONT_MATTER, UNREADABLE, Directive, Draft, Field, Problem
from inmail_lint.draft.profiles import Profile
from inmail_lint.engine.registry import Registry, build_registry
from inmail_lint.engine.result import LANGUAGE_NOTE, FieldSummary, FileResult, Pending, place
from inmail_lint.engine.validate import check_codes, check_spacy_model, refund_model
from inmail_lint.util.globs import matches
from inmail_lint.util.text import did_you_mean, normalize_newlines

#: Said beside the estimate of a draft whose English phrasing was not read (the rules marked ``language: en``
#: did not run, and the factors that read English cues are left out).
NOT_ENGLISH = "English phrasing not read: the body is in another language"


@dataclass(frozen=True)
class ActiveRule:
    rule: Rule
    severity: Severity
    options: Mapping[str, Any]


def _longest(code: str, prefixes: Iterable[str]) -> int:
    """Length of the longest prefix of ``code`` among ``prefixes`` (ALL counts 0), or -1."""
    best = -1
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 0)
        elif code.startswith(prefix):
            best = max(best, len(prefix))
    return best


def is_selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """The most specific matching prefix decides; on a tie, ignore wins."""
    chosen = _longest(code, select)
    if chosen < 0:
        return False
    return _longest(code, ignore) < chosen


def matches_any(code: str, prefixes: Iterable[str]) -> bool:
    return any(p == "ALL" or code.startswith(p) for p in prefixes)


class Linter:
    """Lints drafts under one configuration. Build one per configuration and reuse it."""

    def __init__(self, config: Config, registry: Registry | None = None) -> None:
        self.config = config
        self.registry = registry or build_registry(config.rule_dirs)
        check_codes(config, self.registry)
        # each rule's page: its own url, the config's docs-url template, or the repository's docs/rules/ page
        self._urls = {rule.code: docs_url(rule, config.docs_url) for rule in self.registry}
        select = config.select + config.extend_select
        self.active: list[ActiveRule] = []
        for rule in self.registry:
            if not is_selected(rule.code, select, config.ignore):
                continue
            settings = dict(config.rules.get(rule.code) or config.rules.get(rule.name) or {})
            severity = Severity.parse(settings.pop("severity")) if "severity" in settings else rule.default_severity
            self.active.append(ActiveRule(rule, severity, {**rule.default_options(), **settings}))
        self._active_codes = {a.rule.code: a for a in self.active}
        # the rules whose findings the refund model observes run on every draft, selected or not, so that
        # turning a rule off silences its message but not what the draft costs in replies
        self._for_estimate: list[ActiveRule] = []
        self._runnable: dict[tuple[str, ...], list[ActiveRule]] = {}  # the active rules, by what is suppressed
        self.sender = Profile.from_mapping(config.sender)
        self.refund_model = refund_model(config)
        self._observed_names = set(self.refund_model.observed_names)
        for code in sorted(self.refund_model.finding_codes):
            observed = self.registry.get(code)
            if observed is None:
                raise ConfigError(f"{config.label}: key 'model': it observes {code}, which is not a rule")
            active = self._active_codes.get(code)
            self._for_estimate.append(
                active or ActiveRule(observed, observed.default_severity, observed.default_options())
            )
        check_spacy_model(config)

    @cached_property
    def goals(self) -> dict[tuple[str, str], float]:
        """What the rules of advice ask of each field, by (field, measure): an active rule's configured value,
        else the rule's default (the page shows them beside its counters)."""
        goals: dict[tuple[str, str], float] = {}
        for rule in self.registry:
            active = self._active_codes.get(rule.code)
            goal = rule.goal(active.options if active is not None else rule.default_options())
            if goal is not None and (goal[0], goal[1]) not in goals:
                goals[(goal[0], goal[1])] = goal[2]
        return goals

    def is_template(self, draft: Draft, relpath: str | None) -> bool:
        """Front matter ``template:`` decides; otherwise the config's ``templates`` globs."""
        if "template" in draft.meta:
            return draft.template
        return relpath is not None and matches(relpath, self.config.templates)

    def file_ignores(self, relpath: str | None) -> tuple[str, ...]:
        if relpath is None:
            return ()
        ignored: list[str] = []
        for pattern, codes in self.config.per_file_ignores:
            if matches(relpath, (pattern,)):
                ignored.extend(codes)
        return tuple(ignored)

    def lint(self, draft: Draft, relpath: str | None = None) -> FileResult:
        """Lint one parsed draft. ``relpath`` (relative to the config's folder) is used for per-file-ignores."""
        recycle_if_large()  # between drafts: spaCy's vocabulary only grows
        suppressed = self.file_ignores(relpath) + draft.ignore
        kind_name, problems = self._kind(draft)
        diagnostics: list[Pending] = []
        for problem in problems:
            active = self._active_codes.get(problem.code)
            if active is None or matches_any(problem.code, suppressed):
                continue
            diagnostics.append(self._diagnostic(active, problem.message, "file", problem.start, problem.end))
        result = FileResult(path=draft.path, kind=kind_name if draft.readable else None)
        result.reads = list(draft.reads)
        if draft.readable:
            suppressed += tuple(self.config.kinds[kind_name].get("ignore", ()))  # rules not for the kind
            diagnostics.extend(self._analyse(draft, kind_name, relpath, suppressed, result))
        if draft.directives:
            diagnostics = self._follow_directives(draft.directives, diagnostics, suppressed)
        result.diagnostics, result.locator = place(draft.source, diagnostics)
        return result

    def _follow_directives(
        self, directives: tuple[Directive, ...], diagnostics: list[Pending], suppressed: tuple[str, ...]
    ) -> list[Pending]:
        """Drop each finding a directive silences (one naming its rule, on the line before the finding's or
        the same), then report the directives that cannot be followed (IM003) or silence nothing (IM004).
        What is silenced still counts in the estimate, as with every other way of turning a rule off."""
        used: set[int] = set()
        kept = []
        for d in diagnostics:
            silencer = next(
                (
                    i
                    for i, x in enumerate(directives)
                    if x.error is None and x.start <= d.start <= x.target and matches_any(d.code, x.codes)
                ),
                None,
            )
            if silencer is None:
                kept.append(d)
            else:
                used.add(silencer)
        known = {rule.code for rule in self.registry}
        for i, directive in enumerate(directives):
            code, message = "IM004", ""
            unknown = [c for c in directive.codes if not any(k.startswith(c) for k in known)]
            if directive.error is not None:
                code, message = "IM003", directive.error
            elif unknown:
                code, message = "IM003", f"'{unknown[0]}' names no rule; check the code (inmail-lint rule --all)"
            elif i not in used and all(
                any(k.startswith(c) and not matches_any(k, suppressed) for k in self._active_codes)
                for c in directive.codes
            ):  # a rule that did not run here (deselected, or not for this kind) may well find it elsewhere
                message = (
                    f"this directive silences {', '.join(directive.codes)}, but nothing here is found by "
                    f"{'it' if len(directive.codes) == 1 else 'them'} on this line or the next; remove it"
                )
            active = self._active_codes.get(code)
            if message and active is not None and not matches_any(code, suppressed):
                kept.append(self._diagnostic(active, message, "body", directive.start, directive.end))
        return kept

    def _kind(self, draft: Draft) -> tuple[str, list[Problem]]:
        """The draft's kind (the config's when it names none, or one the config does not know), and its problems."""
        problems = list(draft.problems)
        kind_name = draft.kind or self.config.kind
        if kind_name not in self.config.kinds:
            span = draft.spans.get("kind", (0, 0))
            kinds = self.config.kinds
            message = f"'kind' is {kind_name!r}; expected one of {', '.join(kinds)}{did_you_mean(kind_name, kinds)}"
            problems.append(Problem(INVALID_FRONT_MATTER, message, *span))
            kind_name = self.config.kind
        return kind_name, problems

    def _analyse(
        self, draft: Draft, kind_name: str, relpath: str | None, suppressed: tuple[str, ...], result: FileResult
    ) -> list[Pending]:
        """The stages after reading: rules -> findings -> observe -> estimate -> the rules that read it."""
        analysis = Analysis(
            draft,
            kind_name,
            self.config.kind_limits(kind_name),
            model=self.config.spacy_model,
            sender=self.sender,
            template=self.is_template(draft, relpath),
            variables=self.config.variables,
            send_at=self.config.send_at,
            language=self.config.language,
        )
        runnable = self._runnable_in_language(analysis, suppressed)
        # 1. the rules, each once: what they find is both reported and observed
        findings: dict[str, list[Finding]] = {}
        diagnostics: list[Pending] = []
        for active in runnable:
            if not active.rule.reads_estimate:
                found = findings[active.rule.code] = list(active.rule.check(analysis, active.options))
                if found:
                    diagnostics.extend(self._place(active, draft, analysis, finding) for finding in found)
        # 2. observe: the rules the model reads run even when deselected (off is silent, not free)
        self._observed_rules(analysis, kind_name, findings)
        observations = observe(analysis, findings, self._observed_names)
        # 3. the estimate, from what was observed
        estimate = self.refund_model.estimate(observations, credit_at_stake=analysis.credit_at_stake)
        if not analysis.reads_english:
            estimate = dataclasses.replace(estimate, caveat=NOT_ENGLISH)
        # 4. the rules that read the estimate
        for active in runnable:
            if active.rule.reads_estimate:
                found = list(active.rule.check_estimate(analysis, active.options, estimate))
                diagnostics.extend(self._place(active, draft, analysis, finding) for finding in found)
        result.estimate, result.observations = estimate, observations
        result.notes, result.skipped = analysis.notes, analysis.skipped
        self._summarise(draft, analysis, result)
        return diagnostics

    def _runnable_in_language(self, analysis: Analysis, suppressed: tuple[str, ...]) -> list[ActiveRule]:
        """The rules to run: without those that read English phrasing on a draft that is not in English."""
        runnable = self._runnable_for(suppressed)
        if any(a.rule.language == "en" for a in runnable) and not analysis.reads_english:
            skipped = tuple(a.rule.code for a in runnable if a.rule.language == "en")
            if self.config.language_note:
                analysis.notes.append(
                    f"{LANGUAGE_NOTE} ({', '.join(skipped)}); its limits, counts, capitals, links and placeholders "
                    'were checked (language = "en" in the config runs them on every draft; language-note = false '
                    "or --quiet leaves this note out)"
                )
            runnable = self._runnable_for(suppressed + skipped)
        return runnable

    def _observed_rules(self, analysis: Analysis, kind_name: str, findings: dict[str, list[Finding]]) -> None:
        """The findings of the rules the model observes that did not run (deselected), added to ``findings``."""
        not_here = tuple(self.config.kinds[kind_name].get("ignore", ()))  # a kind's rules do not apply
        if not analysis.reads_english:
            not_here += tuple(a.rule.code for a in self._for_estimate if a.rule.language == "en")
        for active in self._for_estimate:
            if active.rule.code not in findings and not matches_any(active.rule.code, not_here):
                findings[active.rule.code] = list(active.rule.check(analysis, active.options))

    @staticmethod
    def _summarise(draft: Draft, analysis: Analysis, result: FileResult) -> None:
        for name in ("subject", "body", "cta"):
            fa = analysis.field(name)
            if fa is not None:
                written = draft.fields[name].text if fa.lengths is not None else fa.text
                result.fields[name] = FieldSummary(written, fa.counts, fa.lengths)

    def _runnable_for(self, suppressed: tuple[str, ...]) -> list[ActiveRule]:
        """The active rules that these codes and prefixes leave on (worked out once per combination)."""
        runnable = self._runnable.get(suppressed)
        if runnable is None:
            if len(self._runnable) >= 256:
                self._runnable.clear()
            runnable = [a for a in self.active if not matches_any(a.rule.code, suppressed)]
            self._runnable[suppressed] = runnable
        return runnable

    def url_for(self, rule: Rule) -> str | None:
        """Where the rule's page is (see :func:`inmail_lint.checks.define.base.docs_url`)."""
        return self._urls.get(rule.code)

    def _diagnostic(
        self, active: ActiveRule, message: str, field_name: str, start: int, end: int, fix: FileFix | None = None
    ) -> Pending:
        rule = active.rule
        return Pending(
            rule.code,
            rule.name,
            active.severity,
            message,
            field_name,
            start,
            end,
            rule.summary,
            self._urls.get(rule.code),
            fix,
            rule.located,
        )

    def _place(self, active: ActiveRule, draft: Draft, analysis: Analysis, finding: Finding) -> Pending:
        name = finding.field or "body"
        if name == "file":
            return self._diagnostic(active, finding.message, "file", finding.start, finding.end, _in_file(finding.fix))
        fa = analysis.field(name)
        if fa is None:  # the field is missing: point at the start of the file
            return self._diagnostic(active, finding.message, name, 0, 0, _in_file(finding.fix))
        start, end = fa.field.span_to_file(finding.start, finding.end)
        fix = _fix_to_file(finding.fix, fa.field, draft.source) if finding.fix else None
        return self._diagnostic(active, finding.message, name, start, end, fix)


def _in_file(fix: Fix | None) -> FileFix | None:
    """The fix of a finding about the whole file, or about a field that is missing: its offsets are the file's."""
    if fix is None:
        return None
    return FileFix(fix.message, tuple(FileEdit(e.start, e.end, e.text) for e in fix.edits), fix.safe)


def _fix_to_file(fix: Fix, field_: Field, source: str) -> FileFix | None:
    """A fix's edits moved from field offsets to file offsets, in the file's newline style; None when the
    field's text is not the file's text there (a template's variable, an escaped YAML string)."""
    newline = "\r\n" if "\r\n" in source else ("\r" if "\r" in source else "\n")
    edits = []
    for edit in fix.edits:
        start, end = field_.span_to_file(edit.start, edit.end)
        if not field_.exact or normalize_newlines(source[start:end]) != field_.text[edit.start : edit.end]:
            return None
        edits.append(FileEdit(start, end, edit.text.replace("\n", newline)))
    return FileFix(fix.message, tuple(edits), fix.safe)


def unreadable_result(path: str, message: str, linter: Linter) -> FileResult:
    """The result for a file that could not be decoded (IM001)."""
    draft = Draft(path=path, source="", readable=False, problems=[Problem(UNREADABLE, message)])
    return linter.lint(draft)


__all__ = ["Linter", "is_selected"]
