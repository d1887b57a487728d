"""Config files: discovery, validation with the file and key named, selection and per-rule settings."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from inmail_lint.config.settings import ConfigError, load_config_file, parse_config
from inmail_lint.engine.linter import is_selected

from .conftest import codes

Run = Callable[..., tuple[int, str, str]]
WARN = (  # IM201 only
    "Subject: A question about your PyData talk on data contracts\n\n"
    "Hi Ana, Jane Doe suggested I reach out. Could I ask one question about your talk?\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def found(cli: Run, cwd: Path, *args: str) -> dict[str, list[str]]:
    _, out, err = cli("check", *args, "--output-format", "json", cwd=cwd)
    assert not err, err
    return {f["path"]: [d["code"] for d in f["diagnostics"]] for f in json.loads(out)["files"]}


def test_nearest_config_wins(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.inmail-lint]\nignore = ["IM201"]\n')
    write(tmp_path / "a.inmail", WARN)
    write(tmp_path / "team" / "b.inmail", WARN)
    write(tmp_path / "team" / "inmail-lint.toml", 'select = ["IM1"]\n')
    write(tmp_path / "other" / "c.inmail", WARN)
    write(tmp_path / "other" / "pyproject.toml", "[project]\nname = 'x'\n")  # no table: passed over
    assert found(cli, tmp_path, ".") == {"a.inmail": [], "other/c.inmail": [], "team/b.inmail": []}
    write(tmp_path / "team" / "inmail-lint.toml", 'select = ["IM2"]\n')
    assert found(cli, tmp_path, "team")["team/b.inmail"] == ["IM201"]


def test_dot_file_beats_plain_name_beats_pyproject(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.inmail", WARN)
    write(tmp_path / "pyproject.toml", '[tool.inmail-lint]\nselect = ["IM1"]\n')
    write(tmp_path / "inmail-lint.toml", 'select = ["IM2"]\n')
    assert found(cli, tmp_path, "a.inmail") == {"a.inmail": ["IM201"]}
    write(tmp_path / ".inmail-lint.toml", 'select = ["IM1"]\n')
    assert found(cli, tmp_path, "a.inmail") == {"a.inmail": []}


def test_config_option_and_isolated(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.inmail", WARN)
    write(tmp_path / "inmail-lint.toml", 'ignore = ["IM201"]\n')
    write(tmp_path / "strict.toml", '[rules.IM201]\nseverity = "error"\n')
    assert found(cli, tmp_path, "a.inmail") == {"a.inmail": []}
    assert found(cli, tmp_path, "a.inmail", "--isolated") == {"a.inmail": ["IM201"]}
    _, out, _ = cli("check", "a.inmail", "--config", "strict.toml", "--output-format", "json", cwd=tmp_path)
    assert json.loads(out)["files"][0]["diagnostics"][0]["severity"] == "error"
    status, _, err = cli("check", "a.inmail", "--config", "strict.toml", "--isolated", cwd=tmp_path)
    assert status == 2 and "cannot be used together" in err


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        pytest.param(
            "pyproject.toml",
            '[tool.inmail-lint]\nselekt = ["IM1"]\n',
            "unknown key 'tool.inmail-lint.selekt'; did you mean 'select'?",
            id="unknown key",
        ),
        pytest.param("inmail-lint.toml", 'select = "IM1"\n', "key 'select': expected array", id="not a list"),
        pytest.param(
            "pyproject.toml",
            '[tool.inmail-lint]\nkind = "telegram"\n',
            "key 'tool.inmail-lint.kind': unknown kind 'telegram'",
            id="unknown kind",
        ),
        pytest.param(
            "inmail-lint.toml", '[rules.IM201]\nseverity = "fatal"\n', "key 'rules.IM201.severity'", id="bad severity"
        ),
        pytest.param(
            "inmail-lint.toml",
            "[rules.IM201]\nmax = 'forty'\n",
            "rules.IM201.max: expected an integer of at least 1",
            id="bad option type",
        ),
        pytest.param("inmail-lint.toml", "[rules.IM201]\nlimit = 50\n", "unknown option 'limit'", id="unknown option"),
        pytest.param("inmail-lint.toml", "[rules.IM999]\nmax = 50\n", "unknown rule 'IM999'", id="unknown rule"),
        pytest.param("inmail-lint.toml", 'ignore = ["XX1"]\n', "unknown rule code or prefix 'XX1'", id="unknown code"),
        pytest.param("inmail-lint.toml", "select = [\n", "not valid TOML", id="bad toml"),
        pytest.param("inmail-lint.toml", 'rule-dirs = ["missing"]\n', "is not a directory", id="missing rule dir"),
        pytest.param(
            "inmail-lint.toml", "[kinds.inmail]\nbody-max = -1\n", "key 'kinds.inmail.body-max'", id="bad kind limit"
        ),
    ],
)
def test_bad_config_stops_with_exit_2_naming_file_and_key(
    cli: Run, tmp_path: Path, filename: str, content: str, message: str
) -> None:
    write(tmp_path / filename, content)
    write(tmp_path / "a.inmail", WARN)
    for named in ((), ("--config", filename)):  # found beside the draft, or named: read as the session starts
        status, out, err = cli("check", "a.inmail", *named, cwd=tmp_path)
        assert status == 2
        assert out == ""
        assert filename in err and message in err, err
        assert "Traceback" not in err and "internal error" not in err, err


def test_per_file_ignores(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "inmail-lint.toml", '[per-file-ignores]\n"templates/*" = ["IM201"]\n"*.inmail.md" = ["IM2"]\n')
    write(tmp_path / "templates" / "a.inmail", WARN)
    write(tmp_path / "drafts" / "b.inmail", WARN)
    write(tmp_path / "drafts" / "c.inmail.md", WARN)
    assert found(cli, tmp_path, ".") == {
        "drafts/b.inmail": ["IM201"],
        "drafts/c.inmail.md": [],
        "templates/a.inmail": [],
    }


def test_include_and_exclude(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "inmail-lint.toml", 'include = ["*.msg"]\nextend-exclude = ["archive"]\n')
    write(tmp_path / "a.msg", WARN)
    write(tmp_path / "b.inmail", WARN)
    write(tmp_path / "archive" / "c.msg", WARN)
    assert found(cli, tmp_path, ".") == {"a.msg": ["IM201"]}


def test_draft_ignore_in_front_matter(tmp_path: Path) -> None:
    text = "---\nsubject: A question about your PyData talk on data contracts\ninmail-lint: {ignore: [IM2]}\n---\nHi\n"
    assert "IM201" in codes(text.replace("IM2", "IM9"))
    assert "IM201" not in codes(text)


def test_rule_options_and_severity(tmp_path: Path) -> None:
    config = load_config_file(write(tmp_path / "inmail-lint.toml", "[rules.IM201]\nmax = 60\n"))
    from inmail_lint.api import lint_text

    assert [d.code for d in lint_text(WARN, config=config).diagnostics] == []
    config = load_config_file(write(tmp_path / "inmail-lint.toml", '[rules.subject-over-40]\nseverity = "info"\n'))
    [d] = lint_text(WARN, config=config).diagnostics
    assert str(d.severity) == "info"


def test_kind_overrides(tmp_path: Path) -> None:
    assert "IM104" in codes("Subject: Hi\n\n" + "a" * 1950 + "\n", kinds={"inmail": {"body-max": 1900}})
    assert "IM104" not in codes("Subject: Hi\n\n" + "a" * 1950 + "\n")
    assert "IM104" in codes("Subject: Hi\n\n" + "a" * 600 + "\n", kind="sms", kinds={"sms": {"body-max": 500}})


def test_team_rule_errors_name_file_and_key(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "inmail-lint.toml", 'rule-dirs = ["team"]\n')
    write(tmp_path / "a.inmail", WARN)
    rule = (
        "code: TM001\nname: no-synergy\ntype: existence\nsummary: s\nphrases: [synergy]\nmessage: m\n"
        "examples: {pass: [a], fail: [synergy]}\n"
    )
    write(tmp_path / "team" / "r.yaml", rule.replace("phrases:", "phrasez:"))
    status, _, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and "r.yaml: unknown key 'phrasez'" in err
    write(tmp_path / "team" / "r.yaml", rule.replace("type: existence", "type: magic"))
    status, _, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and "r.yaml: key 'type'" in err
    write(tmp_path / "team" / "r.yaml", rule.replace("message: m", "message: '{nope}'"))
    status, _, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and "key 'message': unknown placeholder {nope}" in err
    write(tmp_path / "team" / "r.yaml", rule.replace("phrases: [synergy]", "patterns: ['(unclosed']"))
    status, _, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and "invalid regular expression" in err
    write(tmp_path / "team" / "r.yaml", rule.replace("TM001", "IM201"))
    status, _, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and "already defined" in err
    write(tmp_path / "team" / "r.yaml", "!!python/object/apply:os.system ['echo pwned']\n")
    status, _, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and "r.yaml: not valid YAML" in err


@pytest.mark.parametrize(
    ("code", "select", "ignore", "expected"),
    [
        ("IM201", ["ALL"], [], True),
        ("IM201", ["ALL"], ["IM2"], False),
        ("IM201", ["IM2"], ["IM201"], False),
        ("IM201", ["IM201"], ["IM2"], True),  # the more specific prefix wins
        ("IM201", ["IM2"], ["IM2"], False),  # a tie: ignore wins
        ("IM101", ["IM2"], [], False),
    ],
)
def test_selection_by_longest_prefix(code: str, select: list[str], ignore: list[str], expected: bool) -> None:
    assert is_selected(code, select, ignore) is expected


def test_parse_config_rejects_unknown_keys() -> None:
    with pytest.raises(ConfigError, match="unknown key 'colour'"):
        parse_config({"colour": True}, None, Path.cwd())


def test_a_subfolder_config_extends_its_parent_and_knows_its_team_rules(cli: Run, tmp_path: Path) -> None:
    from .conftest import team_rule

    team_rule(
        tmp_path,
        "TM001",
        "code: TM001\nname: jargon\ntype: existence\nseverity: warning\nsummary: Jargon.\nmessage: \"'{match}'\"\n"
        'phrases: [synergy]\nexamples: {pass: ["Hi Ana"], fail: ["Hi Ana, synergy"]}\n',
    )
    (tmp_path / "sub").mkdir()
    draft = "Subject: Your talk\n\nHi Ana, synergy? One question about your talk?\n"
    write(tmp_path / "sub" / "a.inmail", draft)
    write(tmp_path / "sub" / "inmail-lint.toml", 'ignore = ["TM001"]\n')
    status, _, err = cli("check", "sub/a.inmail", cwd=tmp_path)
    assert status == 2 and "unknown rule code or prefix 'TM001'" in err and 'extend = "../inmail-lint.toml"' in err
    write(tmp_path / "sub" / "inmail-lint.toml", 'extend = "../inmail-lint.toml"\nignore = ["TM001"]\n')
    status, out, err = cli("check", "sub/a.inmail", "--output-format", "concise", cwd=tmp_path)
    assert status in (0, 1) and "TM001" not in out, err
    write(tmp_path / "sub" / "inmail-lint.toml", 'extend = "../inmail-lint.toml"\n')
    _, out, _ = cli("check", "sub/a.inmail", "--output-format", "concise", cwd=tmp_path)
    assert "TM001" in out  # the parent's team rule runs in the subfolder


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('extend = "inmail-lint.toml"\n', "extends itself"),
        ('extend = "missing.toml"\n', "is not a config file"),
        ("extend = 3\n", "expected the path of another config file"),
    ],
)
def test_bad_extend(cli: Run, tmp_path: Path, content: str, message: str) -> None:
    write(tmp_path / "inmail-lint.toml", content)
    write(tmp_path / "a.inmail", "Subject: Hi\n\nHi Ana, one question?\n")
    status, _, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and "key 'extend'" in err and message in err
