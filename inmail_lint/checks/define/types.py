"""The declarative rule types, by the name a rule file gives in ``type:``."""

from __future__ import annotations

from inmail_lint.checks.define.declarative import DeclarativeRule
from inmail_lint.checks.define.existence import ExistenceRule
from inmail_lint.checks.define.limit import LimitRule
from inmail_lint.checks.define.metric import MetricRule
from inmail_lint.checks.define.occurrence import OccurrenceRule

RULE_TYPES: dict[str, type[DeclarativeRule]] = {
    cls.type_name: cls for cls in (LimitRule, OccurrenceRule, MetricRule, ExistenceRule)
}
