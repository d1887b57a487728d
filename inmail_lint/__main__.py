from __future__ import annotations

from inmail_lint.cli.entry import run

if __name__ == "__main__":
    run()
