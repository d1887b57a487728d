"""check --write-baseline and --baseline: a repository of older drafts adopts the hook, and only new findings
are reported; findings match by path, rule and the text they cover, not by line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

Cli = Callable[..., tuple[int, str, str]]

OLD = "Subject: Exciting opportunity\n\nDear Sir/Madam,\n\nI hope this message finds you well. Interested?\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "old.inmail").write_text(OLD, encoding="utf-8")
    (tmp_path / "good.inmail").write_text(
        "Subject: Your PyData talk\n\nHi Ana, Jane Doe suggested I write. One question about your talk?\n",
        encoding="utf-8",
    )
    return tmp_path


def test_write_then_report_only_new_findings(repo: Path, cli: Cli) -> None:
    status, out, err = cli("check", "--no-cache", "--isolated", "--write-baseline", "baseline.json", ".", cwd=repo)
    assert status == 0, err
    recorded = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))
    assert recorded["version"] == 1 and {f["code"] for f in recorded["findings"]} >= {"IM302", "IM401", "IM405"}
    assert "recorded" in err and "baseline.json" in err

    status, out, err = cli(
        "check", "--no-cache", "--isolated", "--output-format", "concise", "--baseline", "baseline.json", ".", cwd=repo
    )
    assert status == 0, out
    assert "IM302" not in out and "left out" in err

    # an edit elsewhere in the draft (lines move) keeps the match; a new problem is reported alone
    (repo / "old.inmail").write_text(OLD.replace("Dear Sir/Madam,\n", "\n\nDear Sir/Madam,\n") + "\nAct now!\n")
    status, out, err = cli(
        "check", "--no-cache", "--isolated", "--output-format", "concise", "--baseline", "baseline.json", ".", cwd=repo
    )
    assert status == 1
    codes = [line.split()[1] for line in out.splitlines() if line.startswith("old.inmail:")]
    assert sorted(codes) == ["IM407", "IM901"], out  # the spam phrase, and the estimate it pushed under 10%


def test_a_fixed_finding_leaves_the_baseline_when_written_again(repo: Path, cli: Cli) -> None:
    cli("check", "--no-cache", "--isolated", "--write-baseline", "baseline.json", ".", cwd=repo)
    (repo / "old.inmail").write_text(OLD.replace("Dear Sir/Madam", "Hi Ana"), encoding="utf-8")
    cli("check", "--no-cache", "--isolated", "--write-baseline", "baseline.json", ".", cwd=repo)
    recorded = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))
    assert "IM302" not in {f["code"] for f in recorded["findings"]}


def test_the_config_names_the_baseline(repo: Path, cli: Cli) -> None:
    cli("check", "--no-cache", "--write-baseline", "baseline.json", ".", cwd=repo)
    (repo / "inmail-lint.toml").write_text('baseline = "baseline.json"\n', encoding="utf-8")
    status, out, err = cli("check", "--no-cache", "--output-format", "concise", ".", cwd=repo)
    assert status == 0 and "IM302" not in out and "left out" in err


def test_a_baseline_never_overwrites_an_input_and_a_bad_one_is_named(repo: Path, cli: Cli) -> None:
    status, _, err = cli("check", "--no-cache", "--isolated", "--write-baseline", "old.inmail", ".", cwd=repo)
    assert status == 2 and "--write-baseline" in err
    assert (repo / "old.inmail").read_text(encoding="utf-8") == OLD
    (repo / "broken.json").write_text("{not json", encoding="utf-8")
    status, _, err = cli("check", "--no-cache", "--isolated", "--baseline", "broken.json", ".", cwd=repo)
    assert status == 2 and "broken.json" in err and "Traceback" not in err
    (repo / "other.json").write_text('{"version": 1, "findings": [{"path": 1}]}', encoding="utf-8")
    status, _, err = cli("check", "--no-cache", "--isolated", "--baseline", "other.json", ".", cwd=repo)
    assert status == 2 and "finding 1" in err
    status, _, err = cli("check", "--no-cache", "--isolated", "--baseline", "missing.json", ".", cwd=repo)
    assert status == 2 and "missing.json" in err


def test_write_baseline_does_not_go_with_fix_or_baseline(repo: Path, cli: Cli) -> None:
    for extra in (("--fix",), ("--baseline", "b.json")):
        status, _, err = cli("check", "--no-cache", "--isolated", "--write-baseline", "x.json", *extra, ".", cwd=repo)
        assert status == 2 and "--write-baseline" in err
    assert not (repo / "x.json").exists()


def test_a_baseline_matches_from_another_folder(repo: Path, cli: Cli) -> None:
    """Paths are kept relative to the baseline's folder: a hook at the root and a writer in a subfolder
    leave out the same findings."""
    drafts = repo / "drafts"
    drafts.mkdir()
    (repo / "old.inmail").rename(drafts / "old.inmail")
    cli("check", "--no-cache", "--isolated", "--write-baseline", "baseline.json", "drafts", cwd=repo)
    status, out, err = cli(
        "check",
        "--no-cache",
        "--isolated",
        "-q",
        "--output-format",
        "concise",
        "--baseline",
        "../baseline.json",
        "old.inmail",
        cwd=drafts,
    )
    assert status == 0 and out == "" and "left out" in err
