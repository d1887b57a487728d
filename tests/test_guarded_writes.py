"""The one guarded write path, tried from several entry points: nothing is written over a file the run reads
(whatever reads it: a config's `extend`, a phrase list below a team rule folder, calibrate's config and
history), never over an edit made since the file was read, never through a link out of the cache folder, and
new files get the mode the umask allows. A temporary file never outlives SIGTERM."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from inmail_lint.run import targets
from inmail_lint.run.result_cache import CHECKED, LAYOUT
from inmail_lint.sources.write import Inputs, Stamp, WriteRefused, write_file

Run = Callable[..., tuple[int, str, str]]
FIXABLE = "Subject: Re: your PyData talk\n\nHi Ana, Jane Doe suggested I write. One question?\n"


def project(tmp_path: Path) -> Path:
    """A subfolder whose config extends its parent's, whose team rule reads a phrase list in a subfolder."""
    (tmp_path / "team" / "lists").mkdir(parents=True)
    (tmp_path / "team" / "lists" / "jargon.yaml").write_text("- synergy\n", encoding="utf-8")
    (tmp_path / "team" / "TM001.yaml").write_text(
        "code: TM001\nname: synergy\ntype: existence\nseverity: warning\nsummary: Jargon.\nmessage: jargon\n"
        "phrases: [synergy]\n"
        'examples: {pass: ["Subject: a\\n\\nHi Ana"], fail: ["Subject: a\\n\\nHi Ana, synergy?"]}\n',
        encoding="utf-8",
    )
    (tmp_path / "inmail-lint.toml").write_text('rule-dirs = ["team"]\n', encoding="utf-8")
    sub = tmp_path / "drafts"
    sub.mkdir()
    (sub / "inmail-lint.toml").write_text('extend = "../inmail-lint.toml"\n', encoding="utf-8")
    (sub / "a.inmail").write_text(FIXABLE, encoding="utf-8")
    return sub


@pytest.mark.parametrize(
    "target",
    ["../inmail-lint.toml", "../team/lists/jargon.yaml", "../team/TM001.yaml", "inmail-lint.toml", "a.inmail"],
    ids=["extended-config", "phrase-list-in-subfolder", "team-rule", "config", "draft"],
)
def test_the_report_never_replaces_a_file_the_run_reads(cli: Run, tmp_path: Path, target: str) -> None:
    sub = project(tmp_path)
    before = (sub / target).read_bytes()
    status, _, err = cli("check", "--no-cache", "-o", target, ".", cwd=sub)
    assert status == 2 and ("which this run reads" in err or "so nothing was run" in err), err
    assert (sub / target).read_bytes() == before


def test_calibrate_never_replaces_its_history_or_its_config(cli: Run, tmp_path: Path) -> None:
    sub = project(tmp_path)
    history = sub / "history.csv"
    history.write_text("subject,body,responded\nHi,Hello Ana,1\n", encoding="utf-8")
    for target in ("history.csv", "inmail-lint.toml", "../inmail-lint.toml"):
        before = (sub / target).read_bytes()
        status, _, err = cli("calibrate", "history.csv", "-o", target, cwd=sub)
        assert status == 2 and "which this run reads" in err, err
        assert (sub / target).read_bytes() == before


def test_a_fix_never_replaces_an_edit_saved_while_the_run_linted(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer saves the draft after it was read and before the fix is written: the save wins."""
    sub = project(tmp_path)
    draft = sub / "a.inmail"
    saved = "Subject: Re: a newer subject\n\nHi Ana, a newer body the writer just saved. One question?\n"
    fix = targets.fix_until_stable

    def fix_while_the_writer_saves(*args: object, **kwargs: object) -> object:
        result = fix(*args, **kwargs)  # type: ignore[arg-type]
        draft.write_text(saved, encoding="utf-8")
        return result

    monkeypatch.setattr(targets, "fix_until_stable", fix_while_the_writer_saves)
    status, _, err = cli("check", "--no-cache", "--fix", "a.inmail", cwd=sub)
    assert status == 2 and "changed on disk since it was read" in err and "a.inmail" in err, err
    assert draft.read_text(encoding="utf-8") == saved
    assert [p.name for p in sub.iterdir() if p.name.startswith(".a.inmail")] == []


def test_a_fix_of_an_unchanged_draft_is_written(cli: Run, tmp_path: Path) -> None:
    sub = project(tmp_path)
    status, _, _ = cli("check", "--no-cache", "--fix", "a.inmail", cwd=sub)
    assert status in (0, 1)
    assert (sub / "a.inmail").read_text(encoding="utf-8").startswith("Subject: Your PyData talk")


def test_replacing_is_refused_for_an_input_that_is_not_a_draft(tmp_path: Path) -> None:
    config = tmp_path / "inmail-lint.toml"
    config.write_text("kind = 'inmail'\n", encoding="utf-8")
    inputs = Inputs()
    inputs.add(config, "a config file it reads")
    stamp = Stamp.of(config, config.read_bytes())
    with pytest.raises(WriteRefused, match="which this run reads"):
        write_file(config, b"x", inputs=inputs, replaces=stamp)
    draft = tmp_path / "a.inmail"
    draft.write_text(FIXABLE, encoding="utf-8")
    inputs.add(draft, "a draft it lints", rewritable=True)
    write_file(draft, b"new", inputs=inputs, replaces=Stamp.of(draft, draft.read_bytes()))
    assert draft.read_bytes() == b"new"
    assert config.read_text(encoding="utf-8") == "kind = 'inmail'\n"


def test_new_files_get_the_mode_the_umask_allows(cli: Run, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        sub = project(tmp_path)
        status, _, _ = cli("check", "--no-cache", "-o", "report.txt", ".", cwd=sub)
        assert status in (0, 1)
        assert stat.S_IMODE((sub / "report.txt").stat().st_mode) == 0o644
        fresh = tmp_path / "fresh"
        fresh.mkdir()
        status, _, err = cli("init", "--yes", "--name", "Sam", cwd=fresh)
        assert status == 0, err
        assert stat.S_IMODE((fresh / "inmail-lint.toml").stat().st_mode) == 0o644
        os.umask(0o077)
        write_file(tmp_path / "private.txt", b"x")
        assert stat.S_IMODE((tmp_path / "private.txt").stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    write_file(path, b"new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and path.read_bytes() == b"new"


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_signal_during_a_write_leaves_no_temporary_file(tmp_path: Path, signal_name: str) -> None:
    """The process ends by the signal as it would have, and the half-written copy is gone."""
    script = textwrap.dedent(
        f"""
        import io, os, signal
        from pathlib import Path
        from inmail_lint.sources.write import write_file

        class Slow(io.StringIO):
            def read(self, size=-1):
                os.kill(os.getpid(), signal.{signal_name})
                return super().read(size)

        target = Path({str(tmp_path / "draft.inmail")!r})
        target.write_text("the writer's draft")
        write_file(target, Slow("a fixed draft " * 1000))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == -getattr(signal, signal_name), done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.inmail"]
    assert (tmp_path / "draft.inmail").read_text() == "the writer's draft"


@pytest.mark.parametrize("planted", [LAYOUT, CHECKED])
def test_a_link_planted_in_the_cache_folder_makes_no_file_outside_it(cli: Run, tmp_path: Path, planted: str) -> None:
    sub = project(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    cache = sub / ".inmail_lint_cache"
    cache.mkdir()
    (cache / planted).symlink_to(outside, target_is_directory=True)
    status, _, _ = cli("check", ".", cwd=sub)
    assert status in (0, 1)
    assert list(outside.iterdir()) == []


def test_the_page_never_saves_over_a_config_or_a_profile_it_reads(tmp_path: Path) -> None:
    """The page's Save goes through the same write path: a file the session read as a config or a profile is
    refused even with the right etag; a draft is saved."""
    from inmail_lint.web.service import PageError, Workspace, etag

    sub = project(tmp_path)
    (sub / "ana.yaml").write_text("name: Ana Kowalski\n", encoding="utf-8")
    (sub / "b.inmail").write_text(
        "---\nsubject: Hi\nrecipient: ana.yaml\n---\nHi Ana, one question?\n", encoding="utf-8"
    )
    workspace = Workspace(sub)
    workspace.open("b.inmail")  # reads its config and its profile
    for name in ("inmail-lint.toml", "ana.yaml"):
        text = (sub / name).read_text(encoding="utf-8")
        request = {"path": name, "base": text, "subject": "", "body": "replaced", "etag": etag(text.encode())}
        with pytest.raises(PageError, match="which this run reads"):
            workspace.save(request)
        assert (sub / name).read_text(encoding="utf-8") == text
    opened = workspace.open("a.inmail")
    saved = workspace.save(
        {
            "path": "a.inmail",
            "base": opened["base"],
            "subject": "Your PyData talk",
            "body": opened["fields"]["body"],
            "etag": opened["etag"],
        }
    )
    assert saved["saved"] is True
