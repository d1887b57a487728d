"""Rule-file patterns run with a time limit (the ``regex`` package's timeout), and many patterns as one
alternation where that means the same."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.checks.define.base import Rule, RuleDefinitionError
from inmail_lint.util.runs import current_run

if TYPE_CHECKING:
    from inmail_lint.util.literals import Gate

PATTERN_TIMEOUT = 0.25  # seconds one pattern may spend on one field
# A pattern's needles (util/literals.py) are read once it has been searched this often: reading all of
# the pack's costs about 3 ms, and a run of one draft, which searches each pattern in at most its three fields,
# would pay that for nothing (the cold draft's figure of the speed issue)
GATE_AFTER = 4


class BoundedPattern:
    """A rule file's regular expression, run with a time limit (the ``regex`` package's timeout), so a
    pattern that backtracks catastrophically on some input cannot hang the linter. One that runs out of time
    is off for the rest of that run (:mod:`inmail_lint.util.runs`), not for the rest of the process: the rules
    are built once per process, and a slow moment of the machine or one draft that made it backtrack must not
    turn a check off for every later run of the language server or the page."""

    def __init__(self, origin: str, key: str, pattern: str, ignore_case: bool) -> None:
        import regex  # on first use: only rules with patterns need it, and it is slow to import

        self.key = key
        self.source = pattern
        self.stopped_in: int | None = None  # the run in which it ran out of time: off for the rest of that run
        self.reported_in: int | None = None  # the run whose notes say so
        too_big = _too_big(pattern)
        if too_big is not None:
            raise RuleDefinitionError(f"{origin}: key {key!r}: regular expression {too_big}")
        try:
            self._pattern = regex.compile(pattern, regex.IGNORECASE if ignore_case else 0)
        except (regex.error, ValueError, OverflowError) as exc:
            raise RuleDefinitionError(f"{origin}: key {key!r}: invalid regular expression: {exc}") from None
        except (RecursionError, MemoryError):
            raise RuleDefinitionError(f"{origin}: key {key!r}: regular expression too large to compile") from None
        self._ignore_case = ignore_case
        self._searched = 0
        self.gate: Gate | None = None  # the words any match holds: a text without them is not searched

    def spans(self, text: str) -> list[tuple[int, int]] | None:
        """Non-empty match spans, or None when the pattern ran out of time, now or on an earlier field of the run
        (a pattern that backtracks on one field would cost its time limit on every field of every draft). The
        limit is wall-clock time, so a search that runs out of it is tried once more before the pattern is
        stopped: a moment the machine spent elsewhere does not happen twice, a pattern that backtracks does."""
        if self.stopped_in == current_run():
            return None
        if self._searched < GATE_AFTER:  # (worked out once the pattern has earned it: see GATE_AFTER)
            self._searched += 1
            if self._searched == GATE_AFTER:
                from inmail_lint.util.literals import gate  # (with the needles: see GATE_AFTER)

                self.gate = gate(self.source, self._ignore_case)
        elif self.gate is not None and not self.gate.admits(text):
            return []
        for last in (False, True):
            try:
                return [m.span() for m in self._pattern.finditer(text, timeout=PATTERN_TIMEOUT) if m.end() > m.start()]
            except TimeoutError:
                if last:
                    self.stopped_in = current_run()
        return None


class _AnyOf:
    """One search for "does any of these patterns match here?", so that a field none of them matches (most
    fields, for a rule such as IM301 with nine patterns) costs one call instead of one per pattern. The patterns
    are searched as two alternations, those anchored at the start ("^...") and the others: one alternation
    that mixes them is tried at every position with every branch (13.7 us on a subject for IM401's, against
    3.3 + 2.9 us as two); which alternation a pattern is in changes nothing but the time."""

    def __init__(self, patterns: list[Any]) -> None:
        self._patterns = patterns
        self._off_in: int | None = None  # the run in which a search ran out of time (see BoundedPattern)

    def search(self, text: str) -> bool | None:
        """False when no pattern matches anywhere in ``text``; True when one matches some characters; None when
        the patterns must be run one by one (an empty match, which may hide another pattern's match at the
        same place, or out of time)."""
        if self._off_in == current_run():
            return None
        for pattern in self._patterns:
            try:
                m = pattern.search(text, timeout=PATTERN_TIMEOUT)
            except TimeoutError:
                self._off_in = current_run()  # the patterns run one by one for the rest of the run, each with its limit
                return None
            if m is not None:
                return True if m.end() > m.start() else None
        return False


ANY_OF_MIN = 4  # fewer patterns are quicker one by one: an alternation loses each one's literal-prefix scan


MAX_REPEAT = 10_000  # a count in {m,n}: a rule about a draft of at most 1 MiB needs no more
MAX_NESTING = 50  # groups inside groups
_REPEAT = re.compile(r"(?<!\\)\{(\d+)(?:,(\d*))?\}")


def _too_big(pattern: str) -> str | None:
    """Why a pattern is refused before it is compiled (compiling it could take the memory or the stack)."""
    for m in _REPEAT.finditer(pattern):
        if any(n and int(n) > MAX_REPEAT for n in m.groups()):
            return f"repeats {m.group()}: keep counts at most {MAX_REPEAT:,}"
    depth = deepest = 0
    escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    if deepest > MAX_NESTING:
        return f"nests groups {deepest} deep: keep it at most {MAX_NESTING}"
    return None


def any_of(patterns: list[BoundedPattern], ignore_case: bool) -> _AnyOf | None:
    """The patterns as one alternation, when there are enough of them to be worth it and none sets a flag for
    the whole pattern (which, inside an alternation, would change the others)."""
    import regex  # on first use (see BoundedPattern)

    sources = [p.source for p in patterns]
    if len(sources) < ANY_OF_MIN or any(_NOT_COMBINABLE.search(s) for s in sources):
        return None
    anchored = [s for s in sources if s.startswith("^")]
    groups = [group for group in (anchored, [s for s in sources if not s.startswith("^")]) if group]
    try:
        flags = regex.IGNORECASE if ignore_case else 0
        combined = [regex.compile("|".join(f"(?:{s})" for s in group), flags) for group in groups]
    except (regex.error, ValueError, OverflowError, RecursionError, MemoryError):
        return None
    return _AnyOf(combined)


# what would mean something else inside an alternation: a flag for the whole pattern ("(?i)"), a group
# number or name used again (the groups of the patterns before it count too), recursion
_NOT_COMBINABLE = re.compile(r"\(\?[a-zA-Z^-]+\)|\\[1-9]|\\g|\(\?P?[=>&]|\(\?[R0-9+-]")


def _timed_out(analysis: Analysis, rule: Rule, pattern: BoundedPattern, field: str) -> None:
    """Record that ``pattern`` did not run on this field: a note the first time (it ran out of time and is
    off for the rest of the run), and on every draft a check that was skipped, so no run that skipped work
    reports a clean pass."""
    if pattern.reported_in != current_run():
        pattern.reported_in = current_run()
        analysis.notes.append(
            f"{rule.code}: the pattern in key {pattern.key!r} took over {PATTERN_TIMEOUT} s on the {field} and was "
            "stopped; it is off for the rest of this run (simplify it: nested repeats such as (a|aa)+ backtrack)"
        )
    skipped = f"{rule.code} ({pattern.key})"
    if skipped not in analysis.skipped:
        analysis.skipped.append(skipped)
