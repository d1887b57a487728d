"""The bottom layer: helpers that know nothing of drafts or rules (text counting, safe YAML and JSON, schema
messages, globs, where the rule pack is)."""
