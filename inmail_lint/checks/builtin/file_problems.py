"""IM001 and IM002: problems with the file itself, found while reading and parsing it.

The parser (:mod:`inmail_lint.draft.parse`) reports them; these classes give them a place in the registry, so they
are documented, selected and ignored like any other rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.checks.define.base import Example, Rule
from inmail_lint.diagnostic import Finding, Severity
from inmail_lint.draft.frontmatter import FRONT_MATTER_KEYS

# every key front matter accepts, from the table that checks them (the description cannot fall behind)
_KEYS = ", ".join(f"`{key}`" for key in FRONT_MATTER_KEYS)


class _ParserRule(Rule):
    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterable[Finding]:
        return ()  # reported by the parser


class UnreadableDraft(_ParserRule):
    code = "IM001"
    name = "unreadable-draft"
    default_severity = Severity.ERROR
    located = False  # a file that cannot be read has no line to show
    summary = "The file cannot be read as a draft: it is not UTF-8, holds a NUL byte, or is over 1 MiB."
    explanation = """
A draft must be a UTF-8 text file of at most 1 MiB. Files that are not are reported with what is wrong (the
encoding, the first bad byte and its line) and are not linted further; every other file still is.
Save the file as UTF-8 (most editors offer "Save with encoding").
"""
    examples = (
        Example("Subject: Quick question\n\nHi Ana, would you have ten minutes this week?\n", fails=False),
        Example("Subject: Caf\u00e9 chat\n\nHi Ana\n".encode("latin-1"), fails=True),
        Example(b"PK\x03\x04\x00\x00binary", fails=True),
    )


class InvalidFrontMatter(_ParserRule):
    code = "IM002"
    name = "invalid-front-matter"
    default_severity = Severity.ERROR
    summary = "The YAML front matter is not valid: bad YAML, not a mapping, a bad key or value, or never closed."
    explanation = f"""
Front matter is YAML between a first line `---` and the next line `---`. It must be a mapping whose keys are
among {_KEYS}. Invalid YAML, YAML that is not a mapping, anchors and aliases, and front matter that is never
closed stop the draft from being linted further; an unknown key or a bad value is reported at its line and
the rest of the draft is still linted.
"""
    examples = (
        Example("---\nsubject: Your talk at PyData\n---\nHi Ana, loved the talk. Coffee?\n", fails=False),
        Example("---\nsubject: Your talk at PyData\nHi Ana, loved the talk. Coffee?\n", fails=True),
        Example("---\nsubject: [unclosed\n---\nHi Ana\n", fails=True),
        Example("---\nsubjcet: Typo in the key\n---\nHi Ana\n", fails=True),
    )
