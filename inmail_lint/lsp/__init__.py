"""The language server (``inmail-lint server``)."""
