"""The declarative rule types, by the name a rule file gives in ``type:``."""

from __future__ import annotations

from inmail_lint.ruledef.declarative import DeclarativeRule
from inmail_lint.ruledef.existence import ExistenceRule
from inmail_lint.ruledef.limit import LimitRule
from inmail_lint.ruledef.metric import MetricRule
from inmail_lint.ruledef.occurrence import OccurrenceRule

RULE_TYPES: dict[str, type[DeclarativeRule]] = {
    cls.type_name: cls for cls in (LimitRule, OccurrenceRule, MetricRule, ExistenceRule)
}
