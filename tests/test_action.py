"""The GitHub Action (action.yml): a composite action whose check step runs here as it runs on GitHub, with
its inputs passed as arguments, never spliced into shell text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def test_the_action_is_composite_and_documents_its_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    for name, spec in ACTION["inputs"].items():
        assert spec["description"] and "default" in spec, name
    for step in ACTION["runs"]["steps"]:
        # an input written into the script could run as shell code; they arrive through env
        assert "${{ inputs." not in step["run"], step["name"]


def run_check_step(tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    [step] = [s for s in ACTION["runs"]["steps"] if s["name"] == "Check the drafts"]
    env = dict(os.environ)
    defaults = {name: str(spec["default"]) for name, spec in ACTION["inputs"].items()}
    values = {**defaults, **inputs}
    for key, expression in step["env"].items():
        name = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", expression)
        assert name is not None
        env[key] = values[name.group(1)]
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)


@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash")
def test_the_check_step_annotates_and_fails_on_a_bad_draft(tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "a.inmail").write_text("Subject: Hi\n\nDear Sir/Madam, act now!\n", encoding="utf-8")
    done = run_check_step(tmp_path, paths="drafts/")
    assert done.returncode == 1 and "::warning file=drafts/a.inmail" in done.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash")
def test_the_check_step_writes_sarif_and_takes_paths_as_arguments(tmp_path: Path) -> None:
    (tmp_path / "a b.inmail").write_text("Subject: Your talk\n\nHi Ana, one question?\n", encoding="utf-8")
    done = run_check_step(tmp_path, paths="$(touch pwned)", **{"output-format": "sarif"})
    assert not (tmp_path / "pwned").exists()  # the input is a path that does not exist, not a command
    assert done.returncode == 2
    done = run_check_step(tmp_path, paths=".", **{"output-format": "sarif", "fail-on": "error"})
    assert done.returncode == 0, done.stderr
    assert '"version": "2.1.0"' in (tmp_path / "inmail-lint.sarif").read_text(encoding="utf-8")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_works_as_the_readme_says(shell: str) -> None:
    exe = shutil.which("inmail-lint", path=str(Path(sys.executable).parent))
    assert exe is not None
    env = {**os.environ, "_INMAIL_LINT_COMPLETE": f"{shell}_source"}
    done = subprocess.run([exe], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and "_INMAIL_LINT_COMPLETE" in done.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"_INMAIL_LINT_COMPLETE={shell}_source inmail-lint" in readme
