"""IM301 unfilled-placeholder: a slot left in the message for something that was never filled in."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from inmail_lint.analysis.facts import Analysis
from inmail_lint.checks.define.base import Example, Rule
from inmail_lint.diagnostic import Finding, Severity
from inmail_lint.draft.templates import names_in, variable_key
from inmail_lint.util.text import shown

FIELDS = ("subject", "body", "cta")


class UnfilledPlaceholder(Rule):
    code = "IM301"
    name = "unfilled-placeholder"
    default_severity = Severity.ERROR
    summary = "A placeholder (`[Name]`, `<Company>`, `{first_name}`, `{{x}}`, `%FNAME%`, ...) is left unfilled."
    explanation = """
Slots left in a message are the surest sign of a mass mailing: "Hi [First Name]". Every form writers and mail
tools leave is reported (`rules/placeholders.yaml`): words in square brackets in any language (`[Name]`,
`[Your Name]`, `[Prénom]`, `[specific point]`), in angle brackets (`<role>`, `<Company>`, `<<First Name>>`), a
parenthesised slot that names what goes there or says to put something there (`(Company Name)`, `(insert
event)`), `{first_name}`, `${name}`, `$first_name`, a format string's `{0}`, `%s` and `%(name)s`, `*|FNAME|*`,
`%FNAME%`, `%%FirstName%%`, `#FirstName#`, `{!Contact.FirstName}`, `«FirstName»`, a name field as one word
(`FIRSTNAME`, `first_name`) or in capitals standing alone (`YOUR NAME`, `JOB TITLE`), `__NAME__`, `XXX`, a
blank (`at ___ we`), spintax (`{Hi|Hello}`), `insert_company_name`, an HTML comment (`<!-- REPLACE_WITH: ...
-->`), and a template engine's `{{x}}` and `{% if x %}` in a draft that is not a template. Footnotes (`[1]`),
checkboxes (`[x]`), editors' marks (`[sic]`), Markdown links (`[text](url)`), HTML tags (`<b>`), addresses in
angle brackets (`<https://...>`), `<3`, comparisons and a line of underscores are not slots. In a template
(`template: true`, or matched by the config's `templates` globs) the engine's variables are filled from each
row and are not reported; the other forms are, since no engine fills them. LinkedIn's own ad macros
(`%FIRSTNAME%`, ...) are IM307.
"""
    examples = (
        Example("Subject: Your PyData talk\n\nHi Ana, could I ask one question about it?\n", fails=False),
        Example(
            "---\nsubject: Your talk, {{first_name}}\ntemplate: true\n---\nHi {{first_name}}, one question?\n",
            fails=False,
        ),
        Example(
            "Subject: Your talk\n\nHi Ana, see [1] and the slides at <https://example.com>. One question?\n",
            fails=False,
        ),
        Example("Subject: Your PyData talk\n\nHi {{first_name}}, could I ask one question?\n", fails=True),
        Example("Subject: Your PyData talk\n\nHi [First Name], could I ask one question?\n", fails=True),
        Example("Subject: Ihr Vortrag\n\nHallo [Vorname], darf ich eine Frage stellen?\n", fails=True),
        Example("Subject: A question for <Company>\n\nHi Ana, could I ask one question?\n", fails=True),
        Example("---\nsubject: Your talk\ntemplate: true\n---\nHi {{first_name}}, how is [COMPANY]?\n", fails=True),
    )

    def message_for_row(self, written: str, row: Mapping[str, str]) -> str | None:
        """On a mail-merge row: which variable the row leaves empty, or that no column holds it."""
        empty = [n for n in names_in(written) if not row.get(variable_key(n), "").strip()]
        if not empty:
            return None
        name = empty[0]
        where = "this row leaves its column empty" if variable_key(name) in row else "no column holds it"
        return (
            f"'{written}' is not filled in: {where}; fill it in, or give the variable a fallback "
            f'({{{{{name} | default: "..."}}}})'
        )

    def check(self, analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Finding]:
        for name in FIELDS:
            fa = analysis.field(name)
            if fa is None:
                continue
            for slot in fa.slots:
                written = shown(fa.text[slot.start : slot.end])
                if slot.stands_for == "choice":
                    message = (
                        f"'{written}' holds choices for a mail tool to pick from (spintax); pick one before sending"
                    )
                elif analysis.template:
                    # the engine's own syntax is filled (and rendered away before this runs); this is not
                    message = (
                        f"'{written}' is not a variable the template fills; write it as "
                        f"{{{{{slot.variable()}}}}}, or fill it in"
                    )
                elif slot.engine:
                    message = (
                        f"'{written}' is a merge field that was never filled in; fill it in, or mark the draft "
                        "`template: true` if a tool fills it"
                    )
                else:
                    message = f"'{written}' is a placeholder left unfilled; write what it stands for before sending"
                yield Finding(message, slot.start, slot.end, field=name)
