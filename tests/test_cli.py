"""The command line, end to end, on real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import validate_report

Run = Callable[..., tuple[int, str, str]]

ASK = "Hi Ana, Jane Doe suggested I reach out. Could I ask one question about your talk?\n"
GOOD = "Subject: Your PyData talk\n\n" + ASK
WARN = "Subject: A question about your PyData talk on data contracts\n\n" + ASK  # IM201 only
ERROR = ASK  # no subject: IM101 only
INFO = "---\nkind: connection-note\nsubject: Hi\n---\n" + ASK  # IM105 only
LONG = "Hi Ana, Jane Doe suggested I reach out. " + "It was fun. " * 34 + "Coffee?\n"  # IM101 and IM202


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def test_clean_draft_exits_0(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", GOOD)
    status, out, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 0, out + err
    assert out.splitlines() == [
        "a.inmail: refund likelihood 32% (typical 18%), raised by 1-3 questions, personal with common ground, under "
        "400 characters",
        "All checks passed: 1 draft.",
    ]
    assert err == ""


def test_warning_exits_1_with_path_line_column(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", WARN)
    status, out, _ = cli("check", "a.inmail", "--output-format", "concise", cwd=tmp_path)
    assert status == 1
    assert out.splitlines()[0] == (
        "a.inmail:1:10: IM201 [warning] subject is 51 characters; keep it under 40 (short subjects get opened)"
    )
    assert out.splitlines()[-1] == "Found 1 problem (1 warning) in 1 of 1 draft."


def test_full_format_shows_the_line_and_underlines_the_span(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", WARN)
    _, out, _ = cli("check", "a.inmail", cwd=tmp_path)
    lines = out.splitlines()
    assert lines[2] == "1 | Subject: A question about your PyData talk on data contracts"
    assert lines[3] == "  |          " + "^" * 51


@pytest.mark.parametrize(
    ("content", "fail_on", "status"),
    [
        pytest.param(INFO, "warning", 0, id="info never fails by default"),
        pytest.param(INFO, "info", 1, id="fail on info"),
        pytest.param(WARN, "warning", 1, id="warning fails by default"),
        pytest.param(WARN, "error", 0, id="warning passes with fail-on error"),
        pytest.param(ERROR, "error", 1, id="error fails with fail-on error"),
    ],
)
def test_fail_on(cli: Run, tmp_path: Path, content: str, fail_on: str, status: int) -> None:
    write(tmp_path, "a.inmail", content)
    assert cli("check", "a.inmail", "--fail-on", fail_on, cwd=tmp_path)[0] == status


def test_exit_zero(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", ERROR)
    status, out, _ = cli("check", "a.inmail", "--exit-zero", cwd=tmp_path)
    assert status == 0 and "IM101" in out


def test_quiet_prints_diagnostics_only(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", GOOD)
    write(tmp_path, "b.inmail", WARN)
    status, out, _ = cli("check", ".", "--quiet", "--output-format", "concise", cwd=tmp_path)
    assert status == 1
    assert out.splitlines() == [
        "b.inmail:1:10: IM201 [warning] subject is 51 characters; keep it under 40 (short subjects get opened)"
    ]
    assert cli("check", "a.inmail", "-q", cwd=tmp_path)[1] == ""


def test_statistics(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", WARN)
    write(tmp_path, "b.inmail", WARN)
    write(tmp_path, "c.inmail", ERROR)
    _, out, _ = cli("check", ".", "--statistics", "-q", cwd=tmp_path)
    assert out.splitlines() == ["    2  IM201  [warning] subject-over-40", "    1  IM101  [error] subject-missing"]


def test_select_ignore_and_extend_select(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", LONG)

    def found(*args: str) -> set[str]:
        _, out, _ = cli("check", "a.inmail", "--output-format", "json-lines", *args, cwd=tmp_path)
        return {json.loads(line)["code"] for line in out.splitlines()}

    assert found() == {"IM101", "IM202"}
    assert found("--select", "IM2") == {"IM202"}
    assert found("--ignore", "IM202") == {"IM101"}
    assert found("--ignore", "IM1,IM2") == set()
    assert found("--select", "IM101", "--extend-select", "IM202") == {"IM101", "IM202"}
    assert found("--select", "IM2", "--ignore", "IM202") == set()


def test_unknown_code_in_select_is_a_usage_error(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", GOOD)
    status, out, err = cli("check", "a.inmail", "--select", "IM999", cwd=tmp_path)
    assert status == 2 and out == ""
    assert "unknown rule code or prefix 'IM999'" in err


def test_kind_option(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", "Hi Ana, loved your talk. Connect?\n")
    assert cli("check", "a.inmail", cwd=tmp_path)[0] == 1  # IM101
    assert cli("check", "a.inmail", "--kind", "connection-note", cwd=tmp_path)[0] == 0
    status, _, err = cli("check", "a.inmail", "--kind", "telegram", cwd=tmp_path)
    assert status == 2 and "unknown kind 'telegram'" in err
    for isolated in ((), ("--isolated",)):  # --isolated: the option is checked as the session starts
        status, _, err = cli("check", "a.inmail", "--kind", "note", *isolated, cwd=tmp_path)
        assert status == 2 and "unknown kind 'note'" in err and "did you mean 'connection-note'?" in err, err
        assert "internal error" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("value", "meant"),
    [
        ("ad", "message-ad"),  # a part of one kind's name
        ("InMail", "inmail"),  # case
        ("connection note", "connection-note"),  # a space for the hyphen
        ("inmial", "inmail"),  # a slip of the keys
        ("telegram", None),
    ],
)
def test_an_unknown_kind_in_front_matter_says_which_it_may_mean(
    cli: Run, tmp_path: Path, value: str, meant: str | None
) -> None:
    write(tmp_path, "a.inmail", f"---\nkind: {value}\nsubject: Your PyData talk\n---\n{ASK}")
    _, out, _ = cli("check", "a.inmail", "--select", "IM002", "--output-format", "concise", cwd=tmp_path)
    assert f"'kind' is {value!r}; expected one of inmail, open-profile, connection-note, message-ad" in out
    assert (f"did you mean {meant!r}?" in out) if meant else ("did you mean" not in out), out


def test_stdin_with_stdin_filename(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "sub/.inmail-lint.toml", 'ignore = ["IM201"]\n')
    status, out, _ = cli("check", "-", "--output-format", "concise", stdin=WARN.encode(), cwd=tmp_path)
    assert status == 1 and out.startswith("-:1:10: IM201")
    status, out, _ = cli("check", "-", "--stdin-filename", "sub/draft.inmail", stdin=WARN.encode(), cwd=tmp_path)
    assert status == 0, out  # the config beside the named file applies


def test_output_file(cli: Run, tmp_path: Path, report_schema: dict[str, Any]) -> None:
    write(tmp_path, "a.inmail", WARN)
    status, out, _ = cli("check", "a.inmail", "--output-format", "json", "-o", "report.json", cwd=tmp_path)
    assert status == 1 and out == ""
    document = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    validate_report(document, report_schema)
    assert document["files"][0]["diagnostics"][0]["code"] == "IM201"


def test_missing_path_is_reported_and_the_rest_is_linted(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", WARN)
    status, out, err = cli("check", "nope.inmail", "a.inmail", "--output-format", "concise", cwd=tmp_path)
    assert status == 2
    assert "inmail-lint: error: nope.inmail: no such file or directory" in err
    assert "a.inmail:1:10: IM201" in out
    assert "Traceback" not in out + err


def test_directory_of_mixed_files(cli: Run, tmp_path: Path, report_schema: dict[str, Any]) -> None:
    write(tmp_path, "drafts/good.inmail", GOOD)
    write(tmp_path, "drafts/binary.inmail", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path, "drafts/latin1.inmail.txt", "Subject: Caf\u00e9\n\nHi\n".encode("latin-1"))
    write(tmp_path, "drafts/empty.inmail.md", "")  # IM101 and IM103 only
    write(tmp_path, "drafts/unclosed.inmail", "---\nsubject: Hi\n\nHi Ana\n")
    write(tmp_path, "drafts/invalid.inmail", "---\nsubject: [Hi\n---\nHi Ana\n")
    write(tmp_path, "drafts/notes.md", "# not a draft\n")  # not a draft file name: skipped
    write(tmp_path, "drafts/.git/x.inmail", ERROR)  # excluded folder
    write(tmp_path, "drafts/nested/warn.inmail", WARN)
    status, out, err = cli("check", "drafts", "--output-format", "json", cwd=tmp_path)
    assert status == 1
    assert err == ""
    document = json.loads(out)
    validate_report(document, report_schema)
    by_path = {f["path"]: [d["code"] for d in f["diagnostics"]] for f in document["files"]}
    assert by_path == {
        "drafts/binary.inmail": ["IM001"],
        "drafts/empty.inmail.md": ["IM101", "IM103"],
        "drafts/good.inmail": [],
        "drafts/invalid.inmail": ["IM002"],
        "drafts/latin1.inmail.txt": ["IM001"],
        "drafts/nested/warn.inmail": ["IM201"],
        "drafts/unclosed.inmail": ["IM002"],
    }
    messages = {f["path"]: f["diagnostics"][0]["message"] for f in document["files"] if f["diagnostics"]}
    assert "NUL byte" in messages["drafts/binary.inmail"]
    assert "not UTF-8" in messages["drafts/latin1.inmail.txt"] and "Latin-1" in messages["drafts/latin1.inmail.txt"]


def test_explicit_files_are_always_linted(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "notes.md", WARN)
    status, out, _ = cli("check", "notes.md", "--output-format", "concise", cwd=tmp_path)
    assert status == 1 and "IM201" in out


def test_no_drafts_found(cli: Run, tmp_path: Path) -> None:
    status, out, _ = cli("check", ".", cwd=tmp_path)
    assert status == 0
    assert out.startswith("No drafts found")


def test_json_positions_in_a_crlf_file_with_front_matter(
    cli: Run, tmp_path: Path, report_schema: dict[str, Any]
) -> None:
    text = "---\r\nsubject: 🚀 A question about your PyData talk on contracts\r\n---\r\n" + ASK.replace("\n", "\r\n")
    write(tmp_path, "a.inmail", text)
    _, out, _ = cli("check", "a.inmail", "--output-format", "json", cwd=tmp_path)
    document = json.loads(out)
    validate_report(document, report_schema)
    [file] = document["files"]
    assert file["subject"] == {
        "text": "🚀 A question about your PyData talk on contracts",
        "chars": 48,
        "chars_utf16": 49,
        "words": 8,
    }
    assert file["body"]["text"] == ASK.strip()
    [d] = file["diagnostics"]
    assert d["code"] == "IM201" and d["field"] == "subject"
    assert d["location"] == {"row": 2, "column": 10}
    assert d["end_location"] == {"row": 2, "column": 10 + 49}
    utf16 = text.encode("utf-16-le")
    assert utf16[d["offset"] * 2 : (d["offset"] + d["length"]) * 2].decode("utf-16-le") == file["subject"]["text"]
    assert d["fix"] is None and d["doc"]


def test_json_lines(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", LONG)
    _, out, _ = cli("check", "a.inmail", "--output-format", "json-lines", cwd=tmp_path)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["code"] for r in rows] == ["IM101", "IM202"]
    assert all(r["path"] == "a.inmail" for r in rows)


def test_rule_command(cli: Run, tmp_path: Path) -> None:
    status, out, _ = cli("rule", "IM201", cwd=tmp_path)
    assert status == 0
    assert out.startswith("# IM201 subject-over-40 (warning)")
    assert "## Passes" in out and "## Fails" in out and "| `max` | integer | `40` |" in out
    assert cli("rule", "subject-over-40", cwd=tmp_path)[1] == out
    status, out, _ = cli("rule", "--all", "--output-format", "json", cwd=tmp_path)
    rules = json.loads(out)
    assert [r["code"] for r in rules][:5] == ["IM001", "IM002", "IM003", "IM004", "IM101"]
    assert all(r["examples"]["pass"] and r["examples"]["fail"] for r in rules)
    status, _, err = cli("rule", "IM999", cwd=tmp_path)
    assert status == 2 and "unknown rule 'IM999'" in err


def test_version_and_help_do_not_import_spacy(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom inmail_lint.cli.main import main\n"
        "for args in (['--version'], ['--help'], ['check', '--help'], ['rule', 'IM201']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "print('spacy' in sys.modules, 'textstat' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.splitlines()[-1] == "False False"
    assert "inmail-lint 0." in out.stdout


def run_module(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inmail_lint", "check", "a.inmail"],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "", **env},
    )


def test_python_dash_m_without_color(tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", WARN)
    done = run_module(tmp_path, NO_COLOR="1")
    assert done.returncode == 1 and "IM201" in done.stdout
    assert "\x1b[" not in done.stdout


def test_color_on_request(tmp_path: Path) -> None:
    write(tmp_path, "a.inmail", WARN)
    assert "\x1b[" in run_module(tmp_path, FORCE_COLOR="1").stdout


def test_stdin_draft_finds_its_profile_beside_stdin_filename(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "sub/ana.yaml", "name: Ana Kowalski\n")
    text = "---\nsubject: Your talk\nrecipient: ana.yaml\n---\n" + ASK
    _, out, _ = cli(
        "check",
        "-",
        "--stdin-filename",
        "sub/d.inmail",
        "--output-format",
        "concise",
        stdin=text.encode(),
        cwd=tmp_path,
    )
    assert "IM002" not in out, out
    _, out, _ = cli("check", "-", "--output-format", "concise", stdin=text.encode(), cwd=tmp_path)
    assert "IM002" in out and "does not exist" in out


def test_internal_error_in_one_file_does_not_stop_the_others(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inmail_lint.engine import linter as linter_module

    write(tmp_path, "a.inmail", WARN)
    write(tmp_path, "boom.inmail", GOOD)
    original = linter_module.Linter.lint

    def lint(self: Any, draft: Any, relpath: Any = None) -> Any:
        if draft.path.endswith("boom.inmail"):
            raise RuntimeError("kaboom")
        return original(self, draft, relpath)

    monkeypatch.setattr(linter_module.Linter, "lint", lint)
    status, out, err = cli("check", ".", "--output-format", "concise", cwd=tmp_path)
    assert status == 2
    assert "boom.inmail: internal error while linting (RuntimeError: kaboom)" in err
    assert "a.inmail:1:10: IM201" in out


def test_install_advice_names_a_command_that_can_work() -> None:
    """'pip install inmail-lint[lsp]' cannot work: the package is not on a package index."""
    import inspect

    from inmail_lint.cli import serve
    from inmail_lint.model import calibrate

    for module in (serve, calibrate):
        source = inspect.getsource(module)
        assert "'inmail-lint[" not in source
        assert "python -m pip install -e '.[" in source and "checkout" in source


def test_the_progress_bar_shows_no_time_estimate(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rate measured while spaCy loads made a six-second run say 00:51:57 remained."""
    import click

    from inmail_lint.cli import check as check_module

    seen: dict[str, object] = {}
    real = click.progressbar

    def recording(*args: object, **kwargs: object) -> object:
        seen.update(kwargs)
        return real(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(check_module, "_use_progress", lambda: True)
    monkeypatch.setattr(click, "progressbar", recording)
    for i in range(check_module.PROGRESS_AFTER):
        write(tmp_path, f"d{i:03d}.inmail", "Subject: Your talk\n\nHi Ana, one question about your talk?\n")
    status, _, _ = cli("check", ".", "--output-format", "concise", cwd=tmp_path)
    assert status in (0, 1) and seen.get("show_eta") is False and seen.get("show_pos") is True


def test_watch_lints_again_after_a_save(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles

    draft = write(tmp_path, "a.inmail", "Subject: Re: your talk\n\nHi Ana, one question?\n")

    def saves(*paths: str, **_: object) -> object:
        assert paths == (".",)
        draft.write_text("Subject: Your talk\n\nDear Sir/Madam, one question?\n", encoding="utf-8")
        yield {(watchfiles.Change.modified, str(draft))}
        yield {(watchfiles.Change.modified, str(tmp_path / "notes.py"))}  # not a draft: nothing to do

    monkeypatch.setattr(watchfiles, "watch", saves)
    status, out, err = cli("check", "--watch", "--output-format", "concise", cwd=tmp_path)
    first, second = out.split("Found", 2)[0], out.split("\n", 1)[1]
    assert "IM410" in first and "IM302" in second
    assert "a.inmail changed: linting again" in err and "notes.py" not in err
    assert status == 1


@pytest.mark.parametrize("extra", [["--fix"], ["--diff"], ["-o", "report.txt"], ["-"]])
def test_watch_only_reads(cli: Run, tmp_path: Path, extra: list[str]) -> None:
    status, _, err = cli("check", "--watch", *extra, cwd=tmp_path)
    assert status == 2 and "--watch reads drafts and prints" in err


FRENCH = (
    "Subject: Votre article\n\nBonjour Élodie,\n\nJ'ai lu votre article sur la migration vers Kubernetes chez "
    "Doctolib. Nous faisons la même chose chez Alan. Seriez-vous disponible pour un café la semaine prochaine ?\n"
)


def test_watch_names_paths_as_the_first_run_and_says_a_note_once(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import watchfiles

    (tmp_path / "drafts").mkdir()
    draft = write(tmp_path / "drafts", "a.inmail", "Subject: Re: your talk\n\nHi Ana, one question?\n")
    french = write(tmp_path / "drafts", "b.inmail", FRENCH)

    def saves(*paths: str, **_: object) -> object:
        yield {(watchfiles.Change.modified, str(draft.resolve())), (watchfiles.Change.modified, str(french.resolve()))}

    monkeypatch.setattr(watchfiles, "watch", saves)
    status, out, err = cli("check", "--watch", "--output-format", "concise", "drafts", cwd=tmp_path)
    assert status == 1
    located = [line.split(":", 1)[0] for line in out.splitlines() if ":" in line and "IM" in line]
    assert len(located) >= 2 and set(located) == {"drafts/a.inmail"}, out  # both runs: the same relative path
    assert err.count("the body is not in English") == 1, err


def test_the_language_note_can_be_left_out(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "b.inmail", FRENCH)
    _, _, err = cli("check", "--no-cache", "b.inmail", cwd=tmp_path)
    assert "not in English" in err
    _, _, err = cli("check", "--no-cache", "--quiet", "b.inmail", cwd=tmp_path)
    assert "not in English" not in err
    (tmp_path / "inmail-lint.toml").write_text("language-note = false\n", encoding="utf-8")
    _, out, err = cli("check", "--no-cache", "b.inmail", cwd=tmp_path)
    assert "not in English" not in err and "English phrasing not read" in out  # still beside the estimate


#: Python's own environment, with its output buffered as a user's is (the tests may run with PYTHONUNBUFFERED)
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def test_the_entry_point_ends_with_the_status_its_output_flushed_and_exit_handlers_run() -> None:
    code = (
        "import atexit, sys\nfrom inmail_lint.cli.main import finish\n"
        "atexit.register(lambda: print('handler ran'))\nsys.stdout.write('buffered ')\nfinish(3)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=BUFFERED)
    assert (proc.returncode, proc.stdout, proc.stderr) == (3, "buffered handler ran\n", "")


def test_the_entry_point_waits_for_a_running_thread_as_python_does() -> None:
    code = (
        "import threading, time\nfrom inmail_lint.cli.main import finish\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done', flush=True))).start()\n"
        "finish(0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=BUFFERED)
    assert (proc.returncode, proc.stdout) == (0, "thread done\n")


def test_the_entry_point_prints_all_of_a_large_report(tmp_path: Path) -> None:
    for i in range(40):
        write(tmp_path, f"d{i:02}.inmail", LONG)
    args = ["check", "--isolated", "--no-cache", "--output-format", "json", str(tmp_path)]
    run = [sys.executable, "-m", "inmail_lint", *args]
    proc = subprocess.run(run, capture_output=True, text=True, timeout=300, env=BUFFERED)
    assert proc.returncode == 1, proc.stderr
    files = json.loads(proc.stdout)["files"]
    assert len(files) == 40 and all(len(f["diagnostics"]) == 2 for f in files)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a device every write to fails)")
@pytest.mark.parametrize("drafts", [1, 40], ids=["report flushed at the end", "report larger than a buffer"])
def test_a_report_standard_output_cannot_take_is_an_error_naming_it_not_an_internal_error(
    tmp_path: Path, drafts: int
) -> None:
    for i in range(drafts):
        write(tmp_path, f"d{i:02}.inmail", LONG)
    run = [sys.executable, "-m", "inmail_lint", "check", "--isolated", "--no-cache", str(tmp_path)]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(run, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300, env=BUFFERED)
    assert proc.returncode == 2
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.count("could not write") == 1, proc.stderr
    assert "No space left on device" in proc.stderr


@pytest.mark.parametrize("drafts", [1, 60], ids=["gone before the final flush", "gone during the report"])
def test_a_reader_that_goes_away_ends_the_run_quietly_with_2(tmp_path: Path, drafts: int) -> None:
    """``inmail-lint check | head -1``: the reader closes the pipe; the run ends at once, says nothing, and
    exits 2 as the command line documents (click on its own would end the process with 1)."""
    for i in range(drafts):
        write(tmp_path, f"d{i:02}.inmail", LONG)
    run = [sys.executable, "-m", "inmail_lint", "check", "--isolated", "--no-cache", str(tmp_path)]
    read, written = os.pipe()
    os.close(read)  # the reader is gone before a byte is written
    try:
        proc = subprocess.run(run, stdout=written, stderr=subprocess.PIPE, text=True, timeout=300, env=BUFFERED)
    finally:
        os.close(written)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == ""
