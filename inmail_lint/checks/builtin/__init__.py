"""Built-in rules that need logic, one module per rule or close family, listed in one explicit table.

The registry builds one instance of each class in :data:`RULES`; nothing registers itself on import. A new
Python rule is added here (and gets its case file in ``tests/rules/``).
"""

from __future__ import annotations

from inmail_lint.checks.builtin.ask import NoAsk
from inmail_lint.checks.builtin.file_problems import (
    InvalidDirective,
    InvalidFrontMatter,
    UnreadableDraft,
    UnusedDirective,
)
from inmail_lint.checks.builtin.greeting import GenericGreeting, RecipientMismatch
from inmail_lint.checks.builtin.markdown import MarkdownFormatting
from inmail_lint.checks.builtin.personal import NoCommonGround, NoPersonalization, SubjectNotPersonal
from inmail_lint.checks.builtin.placeholders import UnfilledPlaceholder
from inmail_lint.checks.builtin.refund import LowRefundLikelihood
from inmail_lint.checks.builtin.self_focus import SelfFocused
from inmail_lint.checks.builtin.shouting import Shouting
from inmail_lint.checks.builtin.structure import BodyMissing, SubjectMissing, SubjectNotSent
from inmail_lint.checks.builtin.whitespace import StrayWhitespace
from inmail_lint.checks.define.base import Rule

RULES: tuple[type[Rule], ...] = (
    UnreadableDraft,  # IM001
    InvalidFrontMatter,  # IM002
    InvalidDirective,  # IM003
    UnusedDirective,  # IM004
    SubjectMissing,  # IM101
    BodyMissing,  # IM103
    SubjectNotSent,  # IM105
    StrayWhitespace,  # IM204
    UnfilledPlaceholder,  # IM301
    GenericGreeting,  # IM302
    NoPersonalization,  # IM303
    NoCommonGround,  # IM304
    SubjectNotPersonal,  # IM305
    RecipientMismatch,  # IM306
    NoAsk,  # IM402
    SelfFocused,  # IM404
    Shouting,  # IM408
    MarkdownFormatting,  # IM411
    LowRefundLikelihood,  # IM901
)
