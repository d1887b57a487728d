"""--fix, --diff and --unsafe-fixes: what is written, how, and that fixing twice changes nothing."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest

from inmail_lint.cli.main import main

Run = Callable[..., tuple[int, str, str]]

FIXABLE = (
    "---\nsubject: 'Re: your PyData talk'\nrecipient: {name: Ana Kowalski, first_name: Ana}\n---\n"
    "Dear Sir/Madam,\n\nI hope this message finds you well.\n\n"
    "Jane Doe suggested I reach out.  Could I ask one question about your talk??   \n"
)
FIXED = (
    "---\nsubject: 'Your PyData talk'\nrecipient: {name: Ana Kowalski, first_name: Ana}\n---\n"
    "Hi Ana,\n\n"
    "Jane Doe suggested I reach out. Could I ask one question about your talk?\n"
)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_fix_applies_safe_fixes(cli: Run, tmp_path: Path) -> None:
    draft = write(tmp_path / "a.inmail", FIXABLE.encode())
    _, out, _ = cli("check", "a.inmail", "--fix", "--isolated", cwd=tmp_path)
    assert draft.read_text(encoding="utf-8") == FIXED
    assert "Fixed 5 problems." in out and "All checks passed" in out
    _status, out, _ = cli("check", "a.inmail", "--fix", "--isolated", cwd=tmp_path)
    assert draft.read_text(encoding="utf-8") == FIXED  # idempotent
    assert "Fixed" not in out


@pytest.mark.parametrize(
    ("prefix", "newline"),
    [
        pytest.param(b"", "\n", id="LF"),
        pytest.param(b"", "\r\n", id="CRLF"),
        pytest.param(b"\xef\xbb\xbf", "\r\n", id="BOM CRLF"),
    ],
)
def test_fix_keeps_encoding_bom_and_newlines(cli: Run, tmp_path: Path, prefix: bytes, newline: str) -> None:
    draft = write(tmp_path / "a.inmail", prefix + FIXABLE.replace("\n", newline).encode())
    cli("check", "a.inmail", "--fix", "--isolated", cwd=tmp_path)
    data = draft.read_bytes()
    assert data.startswith(prefix)
    assert data[len(prefix) :].decode() == FIXED.replace("\n", newline)


def test_fix_never_touches_front_matter_it_did_not_mean_to(cli: Run, tmp_path: Path) -> None:
    text = (
        "---\n# a comment\nsubject:   Your PyData talk   # trailing comment\nkind: inmail\n---\n"
        "Hi Ana,  Jane Doe suggested I write. Coffee??\n"
    )
    draft = write(tmp_path / "a.inmail", text.encode())
    cli("check", "a.inmail", "--fix", "--isolated", cwd=tmp_path)
    after = draft.read_text(encoding="utf-8")
    assert after.split("---\n")[1] == text.split("---\n")[1]
    assert after.endswith("Hi Ana, Jane Doe suggested I write. Coffee?\n")


def test_diff_prints_and_writes_nothing(cli: Run, tmp_path: Path) -> None:
    draft = write(tmp_path / "a.inmail", FIXABLE.encode())
    status, out, _ = cli("check", "a.inmail", "--diff", "--isolated", cwd=tmp_path)
    assert status == 1
    assert draft.read_bytes() == FIXABLE.encode()
    assert "--- a/a.inmail" in out and "+Hi Ana," in out and "-Dear Sir/Madam," in out
    clean = write(tmp_path / "b.inmail", FIXED.encode())
    status, out, _ = cli("check", "b.inmail", "--diff", "--isolated", cwd=tmp_path)
    assert status == 0 and out == ""
    assert clean.read_bytes() == FIXED.encode()


def test_unsafe_fixes_only_on_request(cli: Run, tmp_path: Path) -> None:
    text = "Subject: YOUR AWS MIGRATION PLAN\n\nHi Ana, Jane Doe suggested I write. This is HUGE. Coffee?\n"
    draft = write(tmp_path / "a.inmail", text.encode())
    cli("check", "a.inmail", "--fix", "--isolated", cwd=tmp_path)
    assert draft.read_text(encoding="utf-8") == text
    cli("check", "a.inmail", "--fix", "--unsafe-fixes", "--isolated", cwd=tmp_path)
    assert draft.read_text(encoding="utf-8") == (
        "Subject: Your AWS migration plan\n\nHi Ana, Jane Doe suggested I write. This is huge. Coffee?\n"
    )


def test_unsafe_fixes_write_each_shouted_sentence_in_sentence_case(cli: Run, tmp_path: Path) -> None:
    text = "Subject: URGENT!!! EXCLUSIVE AWS OFFER\n\nHELLO ANA,\n\nWE HAVE AN OFFER FOR YOU. REPLY NOW?\n"
    draft = write(tmp_path / "a.inmail", text.encode())
    cli("check", "a.inmail", "--fix", "--unsafe-fixes", "--isolated", cwd=tmp_path)
    assert draft.read_text(encoding="utf-8") == (
        "Subject: Urgent! Exclusive AWS offer\n\nHello Ana,\n\nWe have an offer for you. Reply now?\n"
    )


def test_fix_from_stdin_prints_the_fixed_draft(cli: Run, tmp_path: Path) -> None:
    _status, out, _ = cli("check", "-", "--fix", "--isolated", stdin=FIXABLE.encode(), cwd=tmp_path)
    assert out == FIXED


def test_fix_from_stdin_says_on_standard_error_what_is_still_wrong(cli: Run, tmp_path: Path) -> None:
    """It printed the fixed draft and exited 1 without saying why."""
    draft = b"Subject: Re: your PyData talk\n\nHi Ana, Jane Doe suggested I write. I enjoyed your talk.\n"
    status, out, err = cli("check", "-", "--fix", "--isolated", stdin=draft, cwd=tmp_path)
    assert out.startswith("Subject: Your PyData talk") and status == 1
    still = [line for line in err.splitlines() if line.startswith("-:")]
    assert still and any(" IM402 " in line for line in still)  # no ask: no fix for it


def test_json_carries_the_edits(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.inmail", FIXABLE.encode())
    _, out, _ = cli("check", "a.inmail", "--output-format", "json", "--isolated", cwd=tmp_path)
    [file] = json.loads(out)["files"]
    fixes = {d["code"]: d["fix"] for d in file["diagnostics"] if d["fix"]}
    assert fixes["IM302"] == {
        "message": "greet Ana by name",
        "safe": True,
        "edits": [{"offset": FIXABLE.index("Dear"), "length": len("Dear Sir/Madam,"), "text": "Hi Ana,"}],
    }
    assert set(fixes) == {"IM302", "IM405", "IM410", "IM408", "IM204"}


def _fix_in_process(folder: str) -> int:
    return main(["check", folder, "--fix", "--isolated", "-q"])


def test_parallel_fixes_leave_every_file_valid(tmp_path: Path) -> None:
    for i in range(20):
        write(tmp_path / f"d{i}.inmail", FIXABLE.encode())
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_fix_in_process, [str(tmp_path)] * 4)
    for i in range(20):
        assert (tmp_path / f"d{i}.inmail").read_text(encoding="utf-8") == FIXED
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("subject", "fixed"),
    [
        pytest.param("Re: your PyData talk", "Your PyData talk", id="capital after the prefix"),
        pytest.param("RE: Fwd: data contracts", "Data contracts", id="several prefixes"),
        pytest.param("Re: PyData", "PyData", id="already a capital"),
        pytest.param("Re: 3 questions", "3 questions", id="no letter to capitalise"),
    ],
)
def test_removing_a_fake_reply_prefix_capitalises_what_follows(subject: str, fixed: str) -> None:
    from inmail_lint.api import lint_text as lint
    from inmail_lint.engine.fixer import fix_until_stable

    text = f"Subject: {subject}\n\nHi Ana, one question about your talk?\n"
    after, _, _ = fix_until_stable(text, lint, unsafe=False)
    assert after.splitlines()[0] == f"Subject: {fixed}"
