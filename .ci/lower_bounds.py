"""Print a pip constraints file that pins every direct dependency (and every one of the ``test`` extra) to the
lowest version its range in pyproject.toml allows, so CI can install the oldest dependencies the project claims
to work with. A dependency without a lower bound is an error: a range must say where it starts.

    python .ci/lower_bounds.py > lowest.txt
    PIP_CONSTRAINT=lowest.txt python -m pip install -e '.[test]'
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

REQUIREMENT = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<spec>[^;]*?)\s*(?:;\s*(?P<marker>.+))?$")


def lower_bounds(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    lines: list[str] = []
    for requirement in requirements:
        match = REQUIREMENT.match(requirement)
        if match is None:
            raise SystemExit(f"pyproject.toml: cannot read the requirement {requirement!r}")
        lowest = re.search(r">=\s*([0-9][^,\s]*)", match["spec"])
        if lowest is None:
            raise SystemExit(f"pyproject.toml: {requirement!r} has no lower bound ('>=')")
        marker = f"; {match['marker']}" if match["marker"] else ""
        lines.append(f"{match['name']}=={lowest[1]}{marker}")
    return lines


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    print("\n".join(lower_bounds(root / "pyproject.toml")))
