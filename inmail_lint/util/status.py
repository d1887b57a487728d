"""The exit statuses of a run, as ruff and pre-commit hooks use them."""

EXIT_OK = 0  # nothing at or above --fail-on
EXIT_PROBLEMS = 1  # problems found
EXIT_ERROR = 2  # a usage, configuration, file or internal error


def unwritable_output(exc: OSError) -> str:
    """What a run says when standard output cannot take its report (a full disk, a closed terminal), in its own
    words whether the run was done in full or replayed from its record."""
    return f"could not write the report to standard output ({exc.strerror or exc})"
