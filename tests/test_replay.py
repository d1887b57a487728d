"""A ``check`` run replayed from its record (inmail_lint.run.replay): the same output and status as the run done
in full; anything the run depended on changing (a draft, a folder's entries, a config or a file it reads or
names, a config or project marker appearing above, where a link leads, the arguments, the environment) means
no replay; runs that write, read standard input, print on standard error or fail are never recorded; a
damaged or foreign record is passed over; and a replayed process imports nothing but the replay."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inmail_lint.cli.main import main
from inmail_lint.run import replay as replay_module
from inmail_lint.run import session as session_module
from inmail_lint.run.replay import KEEP, RECORDS, Spot, keep_records, replay, spot_for

from .conftest import team_rule

GOOD = "Subject: Your PyData talk on data contracts\n\nHi Ana,\n\nJane Doe suggested I write. One question?\n"
BAD = "Subject: EXCITING OPPORTUNITY!!! Act now\n\nDear Sir/Madam,\n\nI hope this message finds you well.\n"
GERMAN = "Subject: Ihr Vortrag\n\nHallo Anna, Jana Schmidt hat mir empfohlen, Ihnen zu schreiben. Haben Sie Zeit?\n"
ARGS = ["check", "--output-format", "concise", "."]
FOLDER = ".inmail_lint_cache"


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test are read at once: the two seconds a file must be unchanged are waived (one test
    puts them back)."""
    monkeypatch.setattr(replay_module, "SETTLED_NS", 0)


def make_project(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (a git folder with a config and two drafts) to work in."""
    folder.mkdir()
    (folder / ".git").mkdir()
    (folder / "inmail-lint.toml").write_text('kind = "inmail"\n', encoding="utf-8")
    (folder / "good.inmail").write_text(GOOD, encoding="utf-8")
    (folder / "bad.inmail").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_project(tmp_path / "project", monkeypatch)


def full(capsys: pytest.CaptureFixture[str], argv: list[str] = ARGS) -> tuple[int, str, str]:
    """The run done in full (and recorded, when it may be)."""
    status = main(argv, record=spot_for(argv))
    out, err = capsys.readouterr()
    return status, out, err


def replayed(argv: list[str] = ARGS) -> tuple[int, str, str] | None:
    """The replay's status and what it prints on standard output and on standard error; None: no replay."""
    spot = spot_for(argv)
    assert spot is not None
    found = replay(spot)
    if found is None:
        return None
    status, output = found
    return status, "".join(t for fd, t in output if fd == 1), "".join(t for fd, t in output if fd == 2)


def records(folder: Path) -> list[Path]:
    return sorted((folder / ".inmail_lint_cache" / RECORDS).glob("*.json"))


# --- the same output ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["full", "concise", "json", "sarif", "github", "junit", "estimate"])
def test_a_replay_prints_what_the_run_printed(
    project: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    argv = ["check", "--output-format", output_format, "."]
    status, out, err = full(capsys, argv)
    assert status == 1 and out and not err
    assert replayed(argv) == (status, out, err)
    assert len(records(project)) == 1


def test_a_clean_run_replays_with_status_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "bad.inmail").unlink()
    status, out, err = full(capsys)
    assert status == 0
    assert replayed() == (0, out, err)


# --- anything changed: no replay -------------------------------------------------------------------------------


def _same_size_same_time(path: Path, text: str) -> None:
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_draft_changed_in_place_is_no_replay(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full(capsys)
    assert replayed() is not None
    _same_size_same_time(project / "good.inmail", GOOD.replace("Ana", "Eva"))  # same size, same modification time
    assert replayed() is None
    status, out, err = full(capsys)  # done in full, and recorded again
    assert replayed() == (status, out, err)


@pytest.mark.parametrize(
    "change",
    [
        lambda p: (p / "new.inmail").write_text(GOOD, encoding="utf-8"),
        lambda p: (p / "good.inmail").unlink(),
        lambda p: (p / "sub").mkdir(),
        lambda p: (p / "notes.txt").write_text("not a draft, but the folder changed", encoding="utf-8"),
        lambda p: (p / "good.inmail").rename(p / "good.inmail.md"),
    ],
    ids=["draft-added", "draft-removed", "folder-added", "other-file-added", "draft-renamed"],
)
def test_a_changed_folder_is_no_replay(project: Path, capsys: pytest.CaptureFixture[str], change: object) -> None:
    full(capsys)
    change(project)  # type: ignore[operator]
    assert replayed() is None


def test_a_draft_in_a_new_subfolder_is_found(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "sub").mkdir()
    full(capsys)
    (project / "sub" / "late.inmail").write_text(BAD, encoding="utf-8")
    assert replayed() is None
    _, out, _ = full(capsys)
    assert "late.inmail" in out


def test_a_changed_config_is_no_replay(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full(capsys)
    (project / "inmail-lint.toml").write_text('kind = "inmail"\nignore = ["IM410"]\n', encoding="utf-8")
    assert replayed() is None


def test_a_config_appearing_nearer_is_no_replay(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "sub").mkdir()
    (project / "sub" / "x.inmail").write_text(BAD, encoding="utf-8")
    full(capsys)
    (project / "sub" / ".inmail-lint.toml").write_text('ignore = ["ALL"]\n', encoding="utf-8")
    assert replayed() is None


def test_a_config_or_marker_appearing_above_is_no_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    top = tmp_path / "top"
    (top / "drafts").mkdir(parents=True)
    (top / "drafts" / "bad.inmail").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(top / "drafts")
    full(capsys)
    assert replayed() is not None
    (top / "pyproject.toml").write_text("[tool.inmail-lint]\nignore = ['ALL']\n", encoding="utf-8")
    assert replayed() is None
    (top / "pyproject.toml").unlink()
    full(capsys)
    assert replayed() is not None
    (top / ".git").mkdir()  # the project now begins above: paths are relative to it
    assert replayed() is None


def test_a_pyproject_without_the_table_that_gains_it_is_no_replay(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "inmail-lint.toml").unlink()
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    full(capsys)
    assert replayed() is not None
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.inmail-lint]\nignore = ["ALL"]\n')
    assert replayed() is None


def test_a_config_it_extends_changed_is_no_replay(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "base.toml").write_text('kind = "inmail"\n', encoding="utf-8")
    (project / "inmail-lint.toml").write_text('extend = "base.toml"\n', encoding="utf-8")
    full(capsys)
    assert replayed() is not None
    (project / "base.toml").write_text('kind = "inmail"\nignore = ["IM410"]\n', encoding="utf-8")
    assert replayed() is None


def test_a_baseline_or_a_config_given_changed_is_no_replay(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full(capsys, ["check", "--write-baseline", "accepted.json", "."])
    (project / "other.toml").write_text('kind = "inmail"\n', encoding="utf-8")
    argv = ["check", "--baseline", "accepted.json", "--config", "other.toml", "."]
    full(capsys, argv)
    assert replayed(argv) is not None
    (project / "other.toml").write_text('kind = "inmail"\nignore = ["IM410"]\n', encoding="utf-8")
    assert replayed(argv) is None
    full(capsys, argv)
    assert replayed(argv) is not None
    (project / "accepted.json").write_text("[]\n", encoding="utf-8")
    assert replayed(argv) is None


def test_a_team_rule_added_or_changed_is_no_replay(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    team_rule(project, "filler", _rule("TM001"))
    full(capsys)
    assert replayed() is not None
    (project / "team" / "more.yaml").write_text(_rule("TM002"), encoding="utf-8")
    assert replayed() is None
    (project / "team" / "more.yaml").unlink()
    assert replayed() is not None
    (project / "team" / "filler.yaml").write_text(_rule("TM003"), encoding="utf-8")
    assert replayed() is None


def test_a_link_the_config_names_pointed_elsewhere_is_no_replay(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, code in (("one", "TM001"), ("two", "TM002")):
        (project / name).mkdir()
        (project / name / "rule.yaml").write_text(_rule(code), encoding="utf-8")
    (project / "team").symlink_to("one")
    (project / "inmail-lint.toml").write_text('rule-dirs = ["team"]\n', encoding="utf-8")
    full(capsys)
    assert replayed() is not None
    (project / "team").unlink()
    (project / "team").symlink_to("two")
    assert replayed() is None


def test_a_folder_given_as_a_link_pointed_elsewhere_is_no_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, config in (("one", ""), ("two", 'ignore = ["ALL"]\n')):
        (tmp_path / name).mkdir()
        (tmp_path / name / "bad.inmail").write_text(BAD, encoding="utf-8")
        (tmp_path / name / "inmail-lint.toml").write_text(config, encoding="utf-8")
    (tmp_path / "drafts").symlink_to("one")
    monkeypatch.chdir(tmp_path)
    argv = ["check", "--cache-dir", "cache", "drafts"]  # the results (and the record) kept here
    full(capsys, argv)
    assert replayed(argv) is not None
    (tmp_path / "drafts").unlink()
    (tmp_path / "drafts").symlink_to("two")
    assert replayed(argv) is None


def test_a_recipient_profile_changed_or_appearing_is_no_replay(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The project's cache folder first: a run that creates it changes the project folder while it runs, and a
    # missing file there (the profile) is then no settled absence, so that run is not recorded (which on a
    # busy machine, where the folder's time stamp falls after the run's start, made this test fail).
    full(capsys)
    (project / "p.inmail").write_text(
        "---\nsubject: Your PyData talk\nrecipient: ana.yaml\n---\n"
        "Hi Ana,\n\nJane Doe suggested I write. One question?\n",
        encoding="utf-8",
    )
    full(capsys)  # the profile is missing: a finding, and the record says it is missing
    assert replayed() is not None
    (project / "ana.yaml").write_text("name: Ana Diaz\n", encoding="utf-8")
    assert replayed() is None
    full(capsys)
    assert replayed() is not None
    (project / "ana.yaml").write_text("name: Maria Diaz\n", encoding="utf-8")
    assert replayed() is None


def test_other_arguments_or_environment_are_other_records(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    full(capsys)
    assert replayed(["check", "--output-format", "full", "."]) is None
    monkeypatch.setenv("NO_COLOR", "1")
    assert replayed() is None
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("INMAIL_LINT_ANYTHING", "1")
    assert replayed() is None
    monkeypatch.delenv("INMAIL_LINT_ANYTHING")
    assert replayed() is not None


def test_a_draft_replaced_by_a_fifo_is_no_replay_and_no_hang(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full(capsys)
    (project / "good.inmail").unlink()
    os.mkfifo(project / "good.inmail")
    assert replayed() is None


def test_a_draft_given_by_name_changed_is_no_replay(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "good.inmail", "bad.inmail"]
    status, out, err = full(capsys, argv)
    assert replayed(argv) == (status, out, err)
    _same_size_same_time(project / "bad.inmail", BAD.replace("Dear", "DEAR"))
    assert replayed(argv) is None


# --- runs that are never recorded --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--no-cache", "."],
        ["check", "--diff", "."],
        ["check", "-o", "report.txt", "."],
        ["check", "--write-baseline", "b.json", "."],
        ["check", "--kind", "no-such-kind", "."],  # an error, exit 2
        ["check", "missing.inmail", "."],  # an error on standard error
    ],
    ids=["no-cache", "diff", "output-file", "write-baseline", "error", "path-error"],
)
def test_runs_that_write_or_fail_are_not_recorded(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    full(capsys, argv)
    assert records(project) == []


def test_a_note_on_standard_error_is_replayed_in_order(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "de.inmail").write_text(GERMAN, encoding="utf-8")
    status, out, err = full(capsys)
    assert "note:" in err
    assert replayed() == (status, out, err)
    spot = spot_for(ARGS)
    assert spot is not None
    found = replay(spot)
    assert found is not None and [fd for fd, _ in found[1]] == [1, 2, 1]  # a draft's note comes with its findings


def test_anything_on_standard_error_at_a_terminal_is_not_recorded(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """(A progress bar is drawn there by the clock.)"""
    (project / "de.inmail").write_text(GERMAN, encoding="utf-8")
    real = os.isatty
    monkeypatch.setattr(replay_module.os, "isatty", lambda fd: fd == 2 or real(fd))
    _, _, err = full(capsys)
    assert "note:" in err and records(project) == []


def test_a_config_saved_just_before_the_run_is_not_recorded(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file saved in the same tick of a coarse clock as a later change would look unchanged: a file held by
    its digest must have been left alone for two seconds before the run began."""
    monkeypatch.setattr(replay_module, "SETTLED_NS", 2 * 10**9)
    full(capsys)
    assert records(project) == []
    monkeypatch.setattr(replay_module, "SETTLED_NS", 0)
    full(capsys)
    assert len(records(project)) == 1


def test_a_run_with_helper_processes_is_not_recorded_until_it_needs_none(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A helper prints where the recording cannot see it; the next run, all cached, starts none."""
    argv = ["check", "--jobs", "2", "."]
    full(capsys, argv)
    assert records(project) == []
    status, out, err = full(capsys, argv)
    assert replayed(argv) == (status, out, err)


def test_a_walk_never_goes_into_the_result_cache_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".inmail_lint_cache").mkdir()
    (project / ".inmail_lint_cache" / "stray.inmail").write_text(BAD, encoding="utf-8")
    (project / "kept").mkdir()
    (project / "kept" / "found.inmail").write_text(BAD, encoding="utf-8")
    _, out, _ = full(capsys)  # (the default exclude does not name it)
    assert "found.inmail" in out and "stray.inmail" not in out


def _during_the_run(monkeypatch: pytest.MonkeyPatch, change: object) -> None:
    """``change`` made after the run has read everything and before its record is made."""
    keep = session_module.Session.keep_record

    def changed_first(self: object, *args: object) -> bool:
        change()  # type: ignore[operator]
        return keep(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(session_module.Session, "keep_record", changed_first)


@pytest.mark.parametrize("what", ["a config it extends", "a team rule file"])
def test_a_file_the_run_read_gone_during_it_is_not_recorded(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    """(Recorded as missing, its record would replay a report made with it.)"""
    (project / "base.toml").write_text('kind = "inmail"\n', encoding="utf-8")
    team_rule(project, "filler", _rule("TM001"))
    (project / "inmail-lint.toml").write_text('extend = "base.toml"\nrule-dirs = ["team"]\n', encoding="utf-8")
    gone = project / ("base.toml" if what == "a config it extends" else "team/filler.yaml")
    _during_the_run(monkeypatch, gone.unlink)
    full(capsys)
    assert records(project) == []


def test_a_rule_file_appearing_during_the_run_is_not_recorded(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    team_rule(project, "filler", _rule("TM001"))
    _during_the_run(monkeypatch, lambda: (project / "team" / "late.yaml").write_text(_rule("TM002")))
    full(capsys)
    assert records(project) == []


def test_a_config_naming_a_spacy_model_is_not_recorded(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "inmail-lint.toml").write_text('spacy-model = "blank:en"\n', encoding="utf-8")
    full(capsys)
    assert records(project) == []


def test_a_folder_given_with_a_config_of_its_own_keeps_the_record(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "team").mkdir()
    (project / "team" / "inmail-lint.toml").write_text('ignore = ["IM901"]\n', encoding="utf-8")
    (project / "team" / "x.inmail").write_text(BAD, encoding="utf-8")
    argv = ["check", "team"]
    status, out, err = full(capsys, argv)
    assert records(project) == [] and len(records(project / "team")) == 1
    assert replayed(argv) == (status, out, err)


def test_the_record_is_kept_only_where_the_results_are(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cache = tmp_path / "elsewhere"
    argv = ["check", "--cache-dir", str(cache), "."]
    full(capsys, argv)
    assert records(project) == [] and len(list((cache / RECORDS).glob("*.json"))) == 1
    assert replayed(argv) is not None
    (project / "sub").mkdir()
    (project / "sub" / "x.inmail").write_text(BAD, encoding="utf-8")
    os.chdir(project / "sub")  # the results are kept beside the config, not here: no record
    full(capsys, ["check", "."])
    assert not (project / "sub" / ".inmail_lint_cache").exists() and records(project) == []


# --- damaged and foreign records ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: b"{not json",
        lambda r: json.dumps({**r, "key": "0" * 64}).encode(),
        lambda r: json.dumps({**r, "status": 2}).encode(),
        lambda r: json.dumps({**r, "status": True}).encode(),
        lambda r: json.dumps({**r, "output": 7}).encode(),
        lambda r: json.dumps({**r, "output": [[3, "to a third stream"]]}).encode(),
        lambda r: json.dumps({**r, "output": [[True, "a stream that is a bool"]]}).encode(),
        lambda r: json.dumps({**r, "checks": [["unknown", "x", "y"]]}).encode(),
        lambda r: json.dumps({**r, "checks": [["draft", "good.inmail"]]}).encode(),
        lambda r: json.dumps({**r, "checks": [["path", "a\0b", "absent"]]}).encode(),
        lambda r: json.dumps([r]).encode(),
        lambda r: b"[" * 100_000,
    ],
    ids=[
        "not-json",
        "other-key",
        "status-2",
        "status-bool",
        "output-number",
        "stream-3",
        "stream-bool",
        "unknown-check",
        "short-check",
        "nul",
        "a-list",
        "deep",
    ],
)
def test_a_damaged_record_is_passed_over(project: Path, capsys: pytest.CaptureFixture[str], damage: object) -> None:
    full(capsys)
    (record,) = records(project)
    record.write_bytes(damage(json.loads(record.read_bytes())))  # type: ignore[operator]
    assert replayed() is None
    status, out, err = full(capsys)  # done in full and recorded again
    assert replayed() == (status, out, err)


def test_a_record_printing_controls_to_a_terminal_is_passed_over(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    full(capsys)
    (record,) = records(project)
    data = json.loads(record.read_bytes())
    spot = spot_for(ARGS)
    assert spot is not None
    monkeypatch.setattr(replay_module.os, "isatty", lambda fd: True)
    assert replay(spot) is not None  # the key was made without a terminal; the output is plain text
    for text, shown in (("\x1b[31mred\x1b[0m\n", True), ("\x1b]0;title\x07\n", False), ("a\rb\n", False)):
        record.write_text(json.dumps({**data, "output": [[1, text]]}), encoding="ascii")
        assert (replay(spot) is not None) is shown, text


def test_only_the_newest_records_are_kept(tmp_path: Path) -> None:
    for i in range(KEEP + 5):
        path = tmp_path / f"{i:02}.json"
        path.write_text("{}", encoding="utf-8")
        os.utime(path, ns=(i * 10**9, i * 10**9))
    keep_records(str(tmp_path))
    assert [p.name for p in sorted(tmp_path.iterdir())] == [f"{i:02}.json" for i in range(5, KEEP + 5)]


def test_a_spot_is_made_only_for_check(project: Path) -> None:
    assert spot_for(["rule", "IM410"]) is None and spot_for([]) is None
    assert spot_for(["check", "--no-cache", "."]) is None  # never recorded: no fingerprint to compute
    spot = spot_for(["check", "--cache-dir=c", "."])
    assert isinstance(spot, Spot) and spot.folders == [str(project / "c")]
    (project / "sub").mkdir()
    spot = spot_for(["check", "--quiet", "sub", "good.inmail", "."])
    assert spot is not None and spot.folders == [
        str(project / ".inmail_lint_cache"),
        str(project / "sub" / ".inmail_lint_cache"),
    ]


# --- the process -------------------------------------------------------------------------------------------------


def run_probed(argv: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess[bytes], set[str]]:
    """The entry point run as the script runs it, ended by a finish that lists, after the output, the modules
    the process imported (on standard error)."""
    probe = (
        "import os, sys\nimport inmail_lint.cli.entry as entry\n"
        "def finish(status):\n    sys.stdout.flush()\n    sys.stderr.write(' '.join(sorted(sys.modules)))\n"
        f"    os._exit(status)\nentry.finish = finish\nsys.argv = ['inmail-lint', *{argv!r}]\nentry.run()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, env=env, timeout=300)
    return done, set(done.stderr.decode().split())


def test_a_replayed_process_prints_the_same_bytes_and_imports_only_the_replay(project: Path) -> None:
    """--isolated: no config file, whose two seconds a real process would wait for."""
    env = {**os.environ, "NO_COLOR": "1", "CI": "1"}
    command = [sys.executable, "-m", "inmail_lint", "check", "--isolated", "."]
    first = subprocess.run(command, capture_output=True, env=env, timeout=300)
    assert first.returncode == 1 and b"bad.inmail" in first.stdout and len(records(project)) == 1, first.stderr
    second, imported = run_probed(["check", "--isolated", "."], env)
    assert second.returncode == first.returncode and second.stdout == first.stdout
    assert "inmail_lint.run.replay" in imported
    assert not imported & {"click", "inmail_lint.run.session", "yaml", "msgspec", "pathlib", "unicodedata"}
    timed = subprocess.run([*command[:1], "-X", "importtime", *command[1:]], capture_output=True, env=env)
    assert b"inmail_lint.run.session" in timed.stderr  # Python's options are in the key: done in full
    plain = subprocess.run(command, capture_output=True, env=env, timeout=300)
    assert plain.stdout == first.stdout and plain.stderr == b""  # never the other run's lines
    third = subprocess.run([*command, "--quiet"], capture_output=True, env=env, timeout=300)
    assert third.returncode == 1 and third.stdout != first.stdout  # other arguments: done in full


@pytest.mark.parametrize("argv", [["--version"], ["rule", "IM201"]])
def test_a_run_that_is_never_recorded_does_not_import_the_replay(project: Path, argv: list[str]) -> None:
    done, imported = run_probed(argv, {**os.environ, "NO_COLOR": "1"})
    assert done.returncode in (0, 1) and "inmail_lint.run.replay" not in imported


@pytest.fixture
def recorded(project: Path) -> list[str]:
    """A project whose --isolated run is recorded (by a real process); the command that replays it."""
    command = [sys.executable, "-m", "inmail_lint", "check", "--isolated", "."]
    first = subprocess.run(command, capture_output=True, env={**os.environ, "NO_COLOR": "1"}, timeout=300)
    assert first.returncode == 1 and len(records(project)) == 1, first.stderr
    again, imported = run_probed(command[3:], {**os.environ, "NO_COLOR": "1"})
    assert again.stdout == first.stdout and "inmail_lint.run.session" not in imported  # it is replayed
    return command


def test_a_replay_to_a_reader_gone_ends_quietly_with_2(recorded: list[str]) -> None:
    read, written = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(recorded, stdout=written, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})
    finally:
        os.close(written)
    assert (proc.returncode, proc.stderr) == (2, b"")


def test_a_replay_to_a_full_disk_says_so_with_2(recorded: list[str]) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run(recorded, stdout=full, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 2
    assert proc.stderr.decode().count("could not write") == 1 and b"Traceback" not in proc.stderr


def test_a_replay_that_fails_falls_back_to_the_full_run(recorded: list[str]) -> None:
    """A bug in the replay costs the time it would have saved, never the run (no traceback, the same report)."""
    env = {**os.environ, "NO_COLOR": "1"}
    expected = subprocess.run(recorded, capture_output=True, env=env)
    broken = (
        "import sys\nimport inmail_lint.run.replay as r\n"
        "def boom(spot): raise RuntimeError('a bug')\n"
        "r.replay = boom\nsys.argv = ['inmail-lint', 'check', '--isolated', '.']\n"
        "from inmail_lint.cli.entry import run\nrun()\n"
    )
    proc = subprocess.run([sys.executable, "-c", broken], capture_output=True, env=env)
    assert (proc.returncode, proc.stdout, proc.stderr) == (expected.returncode, expected.stdout, b"")


def _rule(code: str) -> str:
    return (
        f"code: {code}\nname: filler-{code.lower()}\ntype: existence\nseverity: warning\nsummary: Filler.\n"
        "message: \"'{match}' is filler\"\n"
        'phrases: [finds you well]\nexamples: {pass: ["Hi Ana"], fail: ["Hi Ana, hope this finds you well"]}\n'
    )


# --- a property: whatever changes, a replay is the run's output or nothing ---------------------------------------


def _edit_in_place(p: Path, i: int) -> None:
    drafts = sorted(p.rglob("*.inmail"))
    if drafts:
        path = drafts[i % len(drafts)]
        text = path.read_text(encoding="utf-8")
        _same_size_same_time(path, text.swapcase())


def _append(p: Path, i: int) -> None:
    drafts = sorted(p.rglob("*.inmail"))
    if drafts:
        with open(drafts[i % len(drafts)], "a", encoding="utf-8") as handle:
            handle.write("P.S. One more thing. ACT NOW!!!\n")


def _remove(p: Path, i: int) -> None:
    drafts = sorted(p.rglob("*.inmail"))
    if drafts:
        drafts[i % len(drafts)].unlink()


def _symlink(p: Path, i: int) -> None:
    drafts = sorted(p.glob("*.inmail"))
    if len(drafts) >= 2:
        drafts[0].unlink()
        drafts[0].symlink_to(drafts[1].name)


def _config(p: Path, i: int) -> None:
    settings = ('ignore = ["IM901"]\n', 'ignore = ["ALL"]\n', 'select = ["IM4"]\n', 'kind = "inmail"\n')[i % 4]
    (p / "inmail-lint.toml").write_text(settings, encoding="utf-8")


def _nested_config(p: Path, i: int) -> None:
    (p / "sub").mkdir(exist_ok=True)
    (p / "sub" / ".inmail-lint.toml").write_text('kind = "inmail"\nignore = ["IM9"]\n', encoding="utf-8")


MUTATIONS = {
    "edit in place": _edit_in_place,
    "append": _append,
    "remove": _remove,
    "add draft": lambda p, i: (p / f"new{i}.inmail").write_text(BAD if i % 2 else GOOD, encoding="utf-8"),
    "add other file": lambda p, i: (p / f"notes{i}.txt").write_text("x", encoding="utf-8"),
    "add subfolder draft": lambda p, i: (
        (p / "sub").mkdir(exist_ok=True) or (p / "sub" / f"s{i}.inmail").write_text(BAD, encoding="utf-8")
    ),
    "rename": lambda p, i: [d.rename(d.with_suffix(".inmail.md")) for d in sorted(p.glob("*.inmail"))[:1]],
    "touch": lambda p, i: [os.utime(d) for d in sorted(p.rglob("*.inmail"))],
    "symlink": _symlink,
    "config": _config,
    "no config": lambda p, i: (p / "inmail-lint.toml").unlink(missing_ok=True),
    "nested config": _nested_config,
    "pyproject above": lambda p, i: (p.parent / "pyproject.toml").write_text(
        f"[tool.inmail-lint]\nignore = ['IM40{i % 10}']\n", encoding="utf-8"
    ),
    "git above": lambda p, i: (p.parent / ".git").mkdir(exist_ok=True),
    "no git here": lambda p, i: (p / ".git").rmdir() if (p / ".git").is_dir() else None,
    "german draft": lambda p, i: (p / f"de{i}.inmail").write_text(GERMAN, encoding="utf-8"),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(st.tuples(st.sampled_from(sorted(MUTATIONS)), st.integers(0, 9)), min_size=1, max_size=5),
    argv=st.sampled_from([ARGS, ["check", "--output-format", "json", "."], ["check", "--statistics", "."]]),
)
def test_whatever_changes_a_replay_is_the_run_or_nothing(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    steps: list[tuple[str, int]],
    argv: list[str],
) -> None:
    project = make_project(tmp_path_factory.mktemp("replay") / "project", monkeypatch)
    full(capsys, argv)
    for name, i in steps:
        MUTATIONS[name](project, i)
        before = replayed(argv)
        after = full(capsys, argv)
        assert before is None or before == after, name
        again = replayed(argv)
        assert again is None or again == after, name
