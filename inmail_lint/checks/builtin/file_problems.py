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


class InvalidDirective(_ParserRule):
    code = "IM003"
    name = "invalid-directive"
    default_severity = Severity.ERROR
    summary = "An inmail-lint directive in the body cannot be followed: no codes, an unknown code, or no 'ignore'."
    explanation = """
A line holding only `<!-- inmail-lint: ignore IM404 -- the sender is the point here -->` silences the named
rules (codes or prefixes, separated by commas or spaces) on its line and the next; the text after `--` is the
reason, for the next reader. It is never part of the message: not counted, linted, sent or copied. `ignore`
without codes is refused (name what you silence), as is a code that names no rule or a word other than
`ignore`; such a directive silences nothing.
"""
    examples = (
        Example(
            "Subject: Us\n\n<!-- inmail-lint: ignore IM404 -- a founder's intro -->\nHi Ana, one question?\n",
            fails=False,
        ),
        Example("Subject: Us\n\n<!-- inmail-lint: ignore -->\nHi Ana, one question?\n", fails=True),
        Example("Subject: Us\n\n<!-- inmail-lint: ignore IM999 -->\nHi Ana, one question?\n", fails=True),
    )


class UnusedDirective(_ParserRule):
    code = "IM004"
    name = "unused-directive"
    default_severity = Severity.INFO
    summary = "An inmail-lint directive silences nothing: no finding of its rules starts on its line or the next."
    explanation = """
A directive that silences nothing is left over from an earlier version of the draft, or sits on the wrong
line: it applies to findings that start on its own line or the next (as ruff's RUF100 reports an unused
`noqa`). Remove it, or move it to the line before the finding.
"""
    examples = (
        Example(
            "Subject: Your talk\n\n<!-- inmail-lint: ignore IM302 -- a team inbox -->\nHi there, one question?\n",
            fails=False,
        ),
        Example(
            "Subject: Your talk\n\n<!-- inmail-lint: ignore IM004 -->\nHi Ana, one question about your talk?\n",
            fails=True,
        ),
    )
