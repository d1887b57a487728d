"""``inmail-lint web``: a local page for writing drafts, on the same linter as the command line."""
