"""The shape the README's architecture section promises, read from the package's source: the surfaces reach
the run layer only through the session, one function writes files, and no function is too long."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "inmail_lint"
WRITER = PACKAGE / "sources" / "write.py"
MAX_LINES = 60


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _contracts() -> list[dict[str, object]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = data["tool"]["importlinter"]["contracts"]
    return contracts


def test_every_run_module_but_the_session_is_forbidden_to_the_surfaces() -> None:
    """A new module in run/ is closed to the surfaces until it is listed (or it is the session)."""
    (contract,) = [c for c in _contracts() if c["type"] == "forbidden"]
    run_modules = {f"inmail_lint.run.{p.stem}" for p in (PACKAGE / "run").glob("*.py") if p.stem != "__init__"}
    assert set(contract["forbidden_modules"]) == run_modules - {"inmail_lint.run.session"}  # type: ignore[arg-type]
    assert set(contract["source_modules"]) == {  # type: ignore[arg-type]
        "inmail_lint.cli",
        "inmail_lint.lsp",
        "inmail_lint.web",
        "inmail_lint.api",
    }


def _writes(tree: ast.AST) -> list[tuple[int, str]]:
    """Calls that create or rename a file: os.replace/rename/link/mkdir/makedirs/open with O_CREAT, mkstemp,
    NamedTemporaryFile, Path.write_text/write_bytes/mkdir/touch/rename/replace, shutil copies and moves, and
    open() for writing."""
    found = []
    attributes = {
        "replace": ("os",),
        "rename": None,
        "link": ("os",),
        "symlink": ("os",),
        "mkdir": None,
        "makedirs": None,
        "mkstemp": None,
        "mkdtemp": None,
        "NamedTemporaryFile": None,
        "write_text": None,
        "write_bytes": None,
        "touch": None,
        "copy": ("shutil",),
        "copyfile": ("shutil",),
        "copy2": ("shutil",),
        "move": ("shutil",),
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in attributes:
            owners = attributes[func.attr]
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            if owners is None or owner in owners:
                found.append((node.lineno, func.attr))
        os_open = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "os"
        if (isinstance(func, ast.Name) and func.id == "open") or (
            isinstance(func, ast.Attribute) and func.attr == "open" and not os_open
        ):
            at = 1 if isinstance(func, ast.Name) else 0  # open(path, mode) or path.open(mode)
            keyword = next((k.value for k in node.keywords if k.arg == "mode"), None)
            mode = node.args[at] if len(node.args) > at else keyword
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+"):
                found.append((node.lineno, f"open(mode={mode.value!r})"))
        if isinstance(func, ast.Attribute) and func.attr == "open" and os_open and "O_CREAT" in ast.unparse(node):
            found.append((node.lineno, "os.open(O_CREAT)"))
    return found


def test_one_function_creates_or_renames_files() -> None:
    """Only sources/write.py creates, renames or links files; every other module writes through it."""
    offenders = []
    for path in _modules():
        if path == WRITER:
            continue
        for line, what in _writes(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert offenders == []


def test_the_scanner_finds_writers() -> None:
    """The scan above is no test unless it sees a writer where there is one."""
    source = (
        "import os, shutil\nos.replace(a, b)\nopen(p, 'w')\nPath(p).write_text('x')\nshutil.move(a, b)\n"
        "p.open('a')\nos.open(p, os.O_WRONLY | os.O_CREAT)\nopen(p)\n"
    )
    assert [what for _, what in _writes(ast.parse(source))] == [
        "replace",
        "open(mode='w')",
        "write_text",
        "move",
        "open(mode='a')",
        "os.open(O_CREAT)",
    ]
    assert _writes(ast.parse((WRITER).read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_function_is_longer_than_sixty_lines(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, from line {node.lineno})"  # type: ignore[operator]
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > MAX_LINES  # type: ignore[operator]
    ]
    assert long == []
