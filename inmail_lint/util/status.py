"""The exit statuses of a run, as ruff and pre-commit hooks use them."""

EXIT_OK = 0  # nothing at or above --fail-on
EXIT_PROBLEMS = 1  # problems found
EXIT_ERROR = 2  # a usage, configuration, file or internal error
