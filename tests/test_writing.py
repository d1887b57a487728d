"""Nothing the tool writes may lose or damage a file: the report is written only at the end and never over a file
the run reads; fixes write atomically through links, keep mode and owner, and refuse what cannot be replaced
safely (devices, FIFOs, hard links, read-only files); one file's failure is reported for that file and the rest
go on; batch tables are never rewritten; tables are read whole."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from inmail_lint.sources.tables import read_rows
from inmail_lint.sources.write import WriteRefused, write_file

Run = Callable[..., tuple[int, str, str]]
ROOT = os.geteuid() == 0
# "Re: " is removed by IM410's safe fix, so --fix changes this draft
FIXABLE = b"Subject: Re: your PyData talk\n\nHi Ana, Jane Doe suggested I write. One question?\n"
FIXED = b"Subject: Your PyData talk\n\nHi Ana, Jane Doe suggested I write. One question?\n"


def draft(folder: Path, name: str = "a.inmail", data: bytes = FIXABLE) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- the report file -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("flags", [(), ("--diff",), ("--fix",)], ids=["report", "diff", "fix"])
def test_the_report_is_never_written_over_a_draft(cli: Run, tmp_path: Path, flags: tuple[str, ...]) -> None:
    path = draft(tmp_path)
    status, _out, err = cli("check", "a.inmail", *flags, "-o", "a.inmail", "--isolated", cwd=tmp_path)
    assert status == 2
    assert "a draft it lints" in err and "nothing was run" in err
    assert path.read_bytes() == FIXABLE


def test_the_report_is_never_written_over_a_config_vars_or_rule_file(cli: Run, tmp_path: Path) -> None:
    draft(tmp_path)
    (tmp_path / "team").mkdir()
    rule = tmp_path / "team" / "r.yaml"
    rule.write_text(
        "code: TM001\nname: t\ntype: existence\nsummary: s\nmessage: m\npatterns: [zzz]\n"
        "examples: {pass: [x], fail: [zzz]}\n"
    )
    config = tmp_path / "inmail-lint.toml"
    config.write_text('rule-dirs = ["team"]\n')
    values = tmp_path / "values.csv"
    values.write_text("first_name\nAna\n")
    for target, what in ((config, "a config file"), (rule, "a team rule file"), (values, "the --vars table")):
        before = target.read_bytes()
        extra = ("--vars", "values.csv") if target == values else ()
        status, _out, err = cli("check", "a.inmail", *extra, "-o", str(target), cwd=tmp_path)
        assert status == 2 and what in err, err
        assert target.read_bytes() == before


def test_the_report_is_never_written_over_a_profile_the_run_read(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "inmail-lint.toml").write_text("")
    profile = tmp_path / "ana.yaml"
    profile.write_text("name: Ana Kowalski\n")
    draft(tmp_path, data=b"---\nsubject: Your talk\nrecipient: ana.yaml\n---\nHi Ana, one question?\n")
    status, _out, err = cli("check", "a.inmail", "-o", "ana.yaml", cwd=tmp_path)
    assert status == 2 and "which this run reads" in err
    assert profile.read_text() == "name: Ana Kowalski\n"


def test_the_report_is_written_at_the_end_and_not_when_the_run_fails(cli: Run, tmp_path: Path) -> None:
    draft(tmp_path)
    report = tmp_path / "report.json"
    report.write_text("keep me")
    (tmp_path / "inmail-lint.toml").write_text("select = 5\n")  # a broken config stops the run
    status, _out, _err = cli("check", "a.inmail", "-o", "report.json", "--output-format", "json", cwd=tmp_path)
    assert status == 2 and report.read_text() == "keep me"
    (tmp_path / "inmail-lint.toml").write_text("")
    status, out, _err = cli("check", "a.inmail", "-o", "report.json", "--output-format", "json", cwd=tmp_path)
    assert status == 1 and out == ""
    assert json.loads(report.read_text())["files"][0]["path"] == "a.inmail"


def test_a_diff_goes_to_the_output_file(cli: Run, tmp_path: Path) -> None:
    path = draft(tmp_path)
    status, out, _err = cli("check", "a.inmail", "--diff", "-o", "fixes.patch", "--isolated", cwd=tmp_path)
    assert status == 1 and out == ""
    assert "-Subject: Re: your PyData talk" in (tmp_path / "fixes.patch").read_text()
    assert path.read_bytes() == FIXABLE


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("/dev/full", "is not a regular file (a character device)"),
        ("/dev/null", "is not a regular file (a character device)"),
        ("missing/dir/report.json", "does not exist"),
        (".", "directory"),
    ],
)
def test_an_output_that_cannot_be_written_is_exit_2_with_a_message(
    cli: Run, tmp_path: Path, target: str, fragment: str
) -> None:
    draft(tmp_path)
    status, _out, err = cli("check", "a.inmail", "-o", target, "--isolated", cwd=tmp_path)
    assert status == 2 and fragment in err and "Traceback" not in err


def test_an_output_fifo_stays_a_fifo(cli: Run, tmp_path: Path) -> None:
    draft(tmp_path)
    os.mkfifo(tmp_path / "pipe")
    status, _out, err = cli("check", "a.inmail", "-o", "pipe", "--isolated", cwd=tmp_path)
    assert status == 2 and "a FIFO" in err
    assert stat.S_ISFIFO((tmp_path / "pipe").stat().st_mode)


def test_calibrate_output_on_a_fifo_is_refused_before_fitting(cli: Run, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "model.yaml")
    (tmp_path / "history.csv").write_text("subject,body,responded\nHi,Hi Ana,1\n")
    status, _out, err = cli("calibrate", "history.csv", "-o", "model.yaml", "--isolated", cwd=tmp_path)
    assert status == 2 and "a FIFO" in err
    assert stat.S_ISFIFO((tmp_path / "model.yaml").stat().st_mode)


# --- fixing in place -----------------------------------------------------------------------------------------


def test_fix_writes_through_a_symlink_to_its_target(cli: Run, tmp_path: Path) -> None:
    real = draft(tmp_path, "real.inmail")
    (tmp_path / "link.inmail").symlink_to("real.inmail")
    status, _out, _err = cli("check", "link.inmail", "--fix", "--isolated", cwd=tmp_path)
    assert status == 0
    assert (tmp_path / "link.inmail").is_symlink()
    assert real.read_bytes() == FIXED


def test_fix_refuses_a_hard_linked_draft_and_fixes_the_others(cli: Run, tmp_path: Path) -> None:
    linked = draft(tmp_path, "a.inmail")
    os.link(linked, tmp_path / "b.inmail")
    other = draft(tmp_path, "c.inmail")
    status, _out, err = cli("check", ".", "--fix", "--isolated", cwd=tmp_path)
    assert status == 2 and "has 2 hard links" in err
    assert linked.read_bytes() == FIXABLE and (tmp_path / "b.inmail").read_bytes() == FIXABLE
    assert linked.stat().st_ino == (tmp_path / "b.inmail").stat().st_ino
    assert other.read_bytes() == FIXED


def test_fix_keeps_the_mode(cli: Run, tmp_path: Path) -> None:
    path = draft(tmp_path)
    path.chmod(0o640)
    cli("check", "a.inmail", "--fix", "--isolated", cwd=tmp_path)
    assert path.read_bytes() == FIXED and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_fix_respects_a_read_only_draft(cli: Run, tmp_path: Path) -> None:
    path = draft(tmp_path)
    path.chmod(0o444)
    status, out, err = cli("check", "a.inmail", "--fix", "--isolated", cwd=tmp_path)
    assert status == 2 and "is read-only; not written" in err
    assert path.read_bytes() == FIXABLE
    assert "IM410" in out  # its problems are reported as they are


@pytest.mark.skipif(not ROOT, reason="only root can give a file to another user")
def test_fix_keeps_the_owner_and_group(cli: Run, tmp_path: Path) -> None:
    path = draft(tmp_path)
    os.chown(path, 12345, 23456)
    cli("check", "a.inmail", "--fix", "--isolated", cwd=tmp_path)
    assert path.read_bytes() == FIXED
    assert (path.stat().st_uid, path.stat().st_gid) == (12345, 23456)


def test_a_folder_that_cannot_be_written_is_reported_for_its_draft_and_the_rest_go_on(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root every folder is writable, so the refusal is simulated where the temporary file is made; the
    real case, as an ordinary user, is the next test."""
    (tmp_path / "locked").mkdir()
    (tmp_path / "open").mkdir()
    locked = draft(tmp_path / "locked")
    fine = draft(tmp_path / "open")
    import tempfile  # the write path imports it when it writes, and looks the maker up then

    real = tempfile.NamedTemporaryFile

    def refuse(*args: object, **kwargs: object) -> object:
        if Path(str(kwargs["dir"])).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    status, out, err = cli("check", ".", "--fix", "--isolated", cwd=tmp_path)
    assert status == 2 and "locked/a.inmail" in err and "Permission denied" in err
    assert "Traceback" not in err
    assert locked.read_bytes() == FIXABLE and fine.read_bytes() == FIXED
    assert "locked/a.inmail" in out  # still linted and reported


def _accessible(path: Path) -> bool:
    """Whether an ordinary user can reach ``path`` (every folder on the way searchable, the file readable)."""
    path = path.resolve()
    folders_ok = all(os.stat(p).st_mode & 0o001 for p in path.parents)
    return folders_ok and bool(os.stat(path).st_mode & 0o004)


def _ordinary_user_command() -> tuple[list[str], dict[str, str], Callable[[], None]] | None:
    """How to run the command line as an ordinary user: an interpreter and the packages it can reach, or None.
    Not root: this process is one. Root: user 65534 (nobody), with this interpreter when nobody can reach it,
    else the system's Python of the same version, given this environment's packages and the project."""
    import inmail_lint

    if not ROOT:
        return [sys.executable], {}, lambda: None
    import sysconfig

    site = Path(sysconfig.get_paths()["purelib"])
    project = Path(inmail_lint.__file__).resolve().parent.parent
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    for interpreter in (Path(sys.executable), system):
        if interpreter.exists() and _accessible(interpreter) and _accessible(site) and _accessible(project):
            env = {"PYTHONPATH": f"{project}{os.pathsep}{site}"}

            def drop() -> None:
                os.setgid(65534)
                os.setuid(65534)

            return [str(interpreter)], env, drop
    return None


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder an ordinary user can reach (pytest's own temporary folders are root's alone)."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="inmail-lint-user-"))
    base.chmod(0o777)
    try:
        yield base
    finally:
        for path in base.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_a_read_only_folder_as_an_ordinary_user(shared_folder: Path) -> None:
    how = _ordinary_user_command()
    if how is None:
        pytest.skip("no interpreter and packages that an ordinary user can reach here")
    command, extra_env, drop = how
    base = shared_folder
    locked, fine = base / "locked", base / "open"
    locked.mkdir()
    fine.mkdir()
    for folder in (locked, fine):
        path = draft(folder)
        if ROOT:  # the ordinary user's own files, as they would be
            os.chown(path, 65534, 65534)
            os.chown(folder, 65534, 65534)
    locked.chmod(0o555)
    fine.chmod(0o777)
    env = {**os.environ, "NO_COLOR": "1", "HOME": str(base), **extra_env}
    done = subprocess.run(
        [*command, "-m", "inmail_lint", "check", "locked", "open", "--fix", "--isolated"],
        cwd=base,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=drop,
        timeout=120,
        check=False,
    )
    if "No module named" in done.stderr or "Permission denied: '" in done.stderr:
        pytest.skip(f"the package cannot be loaded as an ordinary user here: {done.stderr[-200:]}")
    assert done.returncode == 2, done.stderr
    assert "locked/a.inmail" in done.stderr and "permission denied" in done.stderr.lower()
    assert "Traceback" not in done.stderr
    assert (locked / "a.inmail").read_bytes() == FIXABLE
    assert (fine / "a.inmail").read_bytes() == FIXED


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
@pytest.mark.parametrize("flag", ["--fix", "--diff"])
def test_fix_and_diff_never_rewrite_a_batch_file(cli: Run, tmp_path: Path, suffix: str, flag: str) -> None:
    if suffix == ".csv":
        data = b"id,subject,body\nb1,Re: your talk,Hi Ana  one question?\n"
    else:
        data = b'{"id": "b1", "subject": "Re: your talk", "body": "Hi Ana  one question?"}\n'
    path = tmp_path / f"rows{suffix}"
    path.write_bytes(data)
    status, out, err = cli("check", path.name, flag, "--isolated", "--output-format", "concise", cwd=tmp_path)
    assert path.read_bytes() == data
    assert "rows are linted, not fixed" in err
    if flag == "--fix":  # a report of the rows' problems
        assert "IM410" in out and status == 1
    else:  # no diff for a table: nothing would change
        assert out == "" and status == 0


# --- the writer itself ---------------------------------------------------------------------------------------


def test_write_atomic_refuses_a_device_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(WriteRefused, match="character device"):
        write_file(Path("/dev/null"), b"x")
    write_file(tmp_path / "new.txt", b"hello")
    assert (tmp_path / "new.txt").read_bytes() == b"hello"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.txt"]


# --- tables are read whole -----------------------------------------------------------------------------------


def test_a_table_over_1_mib_is_read_to_its_last_row(tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    rows = 40_000
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,first_name,body\n")
        for i in range(rows):
            handle.write(f'r{i},Ana{i},"Hi Ana, a line of body text to make the file large, row {i}"\n')
    assert path.stat().st_size > 3 * 1024 * 1024
    read = read_rows(path)
    assert len(read) == rows
    assert read[-1] == {"id": f"r{rows - 1}", "first_name": f"Ana{rows - 1}", "body": read[-1]["body"]}
    assert read[-1]["body"].endswith(f"row {rows - 1}")
