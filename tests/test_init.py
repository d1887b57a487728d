"""``inmail-lint init``: a commented configuration that loads, guesses offered, and never over a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from inmail_lint.config.settings import load_config_file

Run = Callable[..., tuple[int, str, str]]


def test_init_asks_what_it_cannot_guess_and_writes_a_config_that_loads(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("inmail_lint.cli.init._git_name", lambda: "Sam Lee")
    (tmp_path / "templates").mkdir()
    status, out, _ = cli("init", cwd=tmp_path, stdin=b"\nInitech\nconnection-note\n")  # Enter takes git's name
    assert status == 0 and "wrote inmail-lint.toml" in out
    config = load_config_file(tmp_path / "inmail-lint.toml")
    assert config.sender == {"name": "Sam Lee", "company": "Initech"}
    assert config.kind == "connection-note" and config.templates == ("templates/**",)
    text = (tmp_path / "inmail-lint.toml").read_text(encoding="utf-8")
    assert text.count("\n# ") >= 5  # each setting is explained


def test_init_never_writes_over_a_config(cli: Run, tmp_path: Path) -> None:
    (tmp_path / ".inmail-lint.toml").write_text('kind = "inmail"\n', encoding="utf-8")
    status, _, err = cli("init", "--yes", cwd=tmp_path)
    assert status == 2 and ".inmail-lint.toml already exists" in err
    assert (tmp_path / ".inmail-lint.toml").read_text(encoding="utf-8") == 'kind = "inmail"\n'
    assert not (tmp_path / "inmail-lint.toml").exists()


def test_init_with_every_answer_given_asks_nothing(cli: Run, tmp_path: Path) -> None:
    status, _, _ = cli("init", "--name", 'Zoë "Z" O’Neil', "--company", "Globex", "--kind", "inmail", cwd=tmp_path)
    assert status == 0
    config = load_config_file(tmp_path / "inmail-lint.toml")
    assert config.sender["name"] == 'Zoë "Z" O’Neil' and config.templates == ()


def test_init_yes_takes_the_defaults(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("inmail_lint.cli.init._git_name", lambda: "")
    status, _, _ = cli("init", "-y", cwd=tmp_path)
    assert status == 0
    config = load_config_file(tmp_path / "inmail-lint.toml")
    assert config.kind == "inmail" and config.sender == {}
