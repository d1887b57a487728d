"""The rule pack (top-level ``rules/``) ships inside the wheel, also when the wheel is built from the sdist,
and an installed wheel finds it."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = sorted(p.relative_to(ROOT / "rules").as_posix() for p in (ROOT / "rules").rglob("*") if p.is_file())


def build(source: Path, out: Path, *targets: str) -> None:
    flags = [arg for target in targets for arg in ("-t", target)]
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", *flags, "-d", str(out)],
        cwd=source,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("dist")
    # as after `inmail-lint check examples/` in a checkout: a result cache beside the examples' config
    cache = ROOT / "examples" / ".inmail_lint_cache"
    made = not cache.exists()
    cache.mkdir(exist_ok=True)
    probe = cache / "packaging-probe.json"
    probe.write_text("{}", encoding="utf-8")
    try:
        build(ROOT, out, "wheel", "sdist")
    finally:
        probe.unlink()
        if made:
            cache.rmdir()
    return out


def wheel_names(folder: Path) -> set[str]:
    [wheel] = folder.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_rule_pack_is_inside_the_wheel(artifacts: Path) -> None:
    assert RULE_FILES, "the rule pack is empty"
    names = wheel_names(artifacts)
    missing = [f for f in RULE_FILES if f"inmail_lint/rules/{f}" not in names]
    assert not missing, f"rule files missing from the wheel: {missing}"
    assert "inmail_lint/schemas/report.schema.json" in names
    assert "inmail_lint/py.typed" in names
    for page in ("index.html", "app.js", "app.css", "favicon.svg"):  # the web page ships inside the package
        assert f"inmail_lint/web/static/{page}" in names


def test_no_result_cache_is_packaged(artifacts: Path) -> None:
    """Linting the examples in a checkout leaves examples/.inmail_lint_cache/ behind; no package carries it."""
    [sdist] = artifacts.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    assert not [n for n in names + sorted(wheel_names(artifacts)) if ".inmail_lint_cache" in n]


def test_wheel_built_from_the_sdist_has_the_rule_pack(artifacts: Path, tmp_path: Path) -> None:
    [sdist] = artifacts.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data") if sys.version_info >= (3, 12) else archive.extractall(tmp_path)
    [unpacked] = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert all((unpacked / "rules" / f).is_file() for f in RULE_FILES)
    out = tmp_path / "dist"
    build(unpacked, out, "wheel")
    names = wheel_names(out)
    assert all(f"inmail_lint/rules/{f}" in names for f in RULE_FILES)


def test_installed_wheel_finds_its_rules(artifacts: Path, tmp_path: Path) -> None:
    [wheel] = artifacts.glob("*.whl")
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)  # what an installer puts in site-packages
    code = (
        "import inmail_lint.util.resources as r, sys; d = r.rules_dir(); "
        "print(d); sys.exit(0 if str(d).startswith(sys.argv[1]) else 1)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(target)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_old_python_is_told_plainly_at_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip before 23.1 skips requires-python for a local project and failed later on a dependency's build."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    hook_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook_module)
    monkeypatch.setattr(hook_module, "MINIMUM", (99, 0))  # as if this Python were too old
    hook = hook_module.CustomMetadataHook.__new__(hook_module.CustomMetadataHook)
    with pytest.raises(RuntimeError, match=r"requires Python 3\.10 or newer; this is Python \d"):
        hook.update({})
    monkeypatch.setattr(hook_module, "MINIMUM", (3, 10))
    hook.update({})  # this Python is new enough
