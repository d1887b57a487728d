"""Everything a rule is, in one package: ``define/`` holds the rule types (the base class and options, the
declarative types a rule file names, the loader and the bounded patterns they use) and ``builtin/`` the
built-in rules that need Python, listed in one table. The rule pack's data (rule files, phrase lists,
limits per kind, the refund model) stays in the top-level ``rules/`` folder."""
