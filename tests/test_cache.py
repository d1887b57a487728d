"""The result cache of ``check``: the same output with and without it, in every format; a run served from it
never imports spaCy; anything a result depends on changing makes it a miss; a corrupt, foreign or half-written
entry is passed over and written again; it writes only inside its own folder, atomically, and never when told
not to."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from inmail_lint.engine.result import FileResult
from inmail_lint.run.result_cache import FOLDER_NAME, LAYOUT, ResultCache, cacheable, from_entry, to_entry

Run = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus  # noqa: E402

from .conftest import team_rule  # noqa: E402

FORMATS = ("full", "concise", "estimate", "json", "json-lines", "github", "sarif", "junit")
GOOD = "Subject: Your PyData talk on data contracts\n\nHi Ana,\n\nJane Doe suggested I write. One question?\n"
BAD = "Subject: EXCITING OPPORTUNITY!!! Act now\n\nDear Sir/Madam,\n\nI hope this message finds you well.\n"
GERMAN = (
    "Subject: Ihr Vortrag auf der PyData\n\nHallo Anna,\n\nJana Schmidt hat mir empfohlen, Ihnen zu schreiben. "
    "Ich habe Ihren Vortrag über Datenverträge gesehen und hätte eine kurze Frage dazu. Hätten Sie Zeit?\n"
)


def filler_rule(code: str, says: str) -> str:
    """A team rule that finds 'finds you well', its message ending in ``says``."""
    return (
        f"code: {code}\nname: filler\ntype: existence\nseverity: warning\nsummary: Filler.\n"
        f"message: \"'{{match}}' {says}\"\n"
        'phrases: [finds you well]\nexamples: {pass: ["Hi Ana"], fail: ["Hi Ana, hope this finds you well"]}\n'
    )


def entries(folder: Path) -> list[Path]:
    return sorted((folder / FOLDER_NAME / LAYOUT).glob("*.json"))


def project(tmp_path: Path, drafts: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "inmail-lint.toml").write_text('kind = "inmail"\n', encoding="utf-8")
    for name, text in (drafts or {"good.inmail": GOOD, "bad.inmail": BAD, "de.inmail": GERMAN}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_cli(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1", "CI": "1"}
    return subprocess.run(
        [sys.executable, "-m", "inmail_lint", "check", *args], cwd=folder, capture_output=True, env=env, timeout=300
    )


# --- the same output -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rule corpus's real-world-like drafts and 120 of the benchmark's, with a config of their own."""
    folder = tmp_path_factory.mktemp("cached") / "drafts"
    shutil.copytree(ROOT / "tests" / "corpus" / "drafts", folder / "corpus")
    write_corpus(folder / "bench", 120)
    (folder / "inmail-lint.toml").write_text("", encoding="utf-8")
    return folder


@pytest.mark.parametrize("output_format", FORMATS)
def test_output_is_byte_identical_with_and_without_the_cache(corpus_folder: Path, output_format: str) -> None:
    fresh = run_cli(corpus_folder, "--no-cache", "--output-format", output_format, ".")
    assert fresh.returncode in (0, 1), fresh.stderr
    assert not (corpus_folder / FOLDER_NAME).exists() or output_format != FORMATS[0]
    filling = run_cli(corpus_folder, "--output-format", output_format, ".")
    served = run_cli(corpus_folder, "--output-format", output_format, ".")
    assert len(entries(corpus_folder)) >= 150
    for run in (filling, served):
        assert (run.returncode, run.stdout, run.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)


def test_a_result_reads_back_equal_to_what_was_kept(corpus_folder: Path) -> None:
    """Every field of every corpus result (diagnostics, fixes, positions, counts, renderings, the estimate and
    its factors, notes) survives the entry exactly: tuples stay tuples, floats the same floats."""
    from inmail_lint.api import lint_file

    paths = sorted(corpus_folder.rglob("*.inmail*"))
    assert len(paths) > 150
    for path in paths:
        result = lint_file(path)
        back = from_entry("k", to_entry("k", result))
        assert back is not None
        for name in ("path", "kind", "fields", "row", "row_id", "estimate", "source_line", "notes", "diagnostics"):
            assert getattr(back, name) == getattr(result, name), (path, name)
        if result.diagnostics:
            assert back.locator is not None and result.locator is not None
            assert back.locator.text == result.locator.text


# --- what it saves ---------------------------------------------------------------------------------------------


def test_a_run_served_from_the_cache_imports_neither_spacy_nor_the_linter(tmp_path: Path) -> None:
    folder = project(tmp_path)
    first = run_cli(folder, ".")
    assert first.returncode == 1 and len(entries(folder)) == 3
    probe = (
        "import sys\nfrom inmail_lint.cli.main import main\n"
        "status = main(['check', '-q', '.'])\n"
        "print('LOADED', sorted(m for m in ('spacy', 'thinc', 'inmail_lint.engine.linter', "
        "'inmail_lint.checks.builtin', 'inmail_lint.checks.define.loader', 'concurrent.futures', 'pathspec', "
        "'inmail_lint.analysis.field') "
        "if m in sys.modules), status)\n"
    )
    env = {**os.environ, "NO_COLOR": "1"}
    served = subprocess.run([sys.executable, "-c", probe], cwd=folder, capture_output=True, text=True, env=env)
    assert "LOADED [] 1" in served.stdout, served.stdout + served.stderr
    # one changed draft: that one is linted (spaCy loads), the others still come from the cache
    (folder / "good.inmail").write_text(GOOD.replace("One question?", "Two questions?"), encoding="utf-8")
    changed = subprocess.run([sys.executable, "-c", probe], cwd=folder, capture_output=True, text=True, env=env)
    assert "'spacy'" in changed.stdout and len(entries(folder)) == 4


def test_jobs_start_no_helper_when_everything_is_cached(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inmail_lint.run import session as run_check

    folder = project(tmp_path)
    status, before, _ = cli("check", ".", cwd=folder)
    started: list[int] = []
    monkeypatch.setattr(run_check, "start_workers", lambda processes: started.append(processes))
    again, after, _ = cli("check", "-j", "2", ".", cwd=folder)
    assert (again, after) == (status, before) and started == []


# --- when a result is not used ---------------------------------------------------------------------------------


def codes_of(out: str) -> list[str]:
    return sorted(d["code"] for f in json.loads(out)["files"] for d in f["diagnostics"])


def test_changing_what_a_result_depends_on_is_a_miss(cli: Run, tmp_path: Path) -> None:
    folder = project(tmp_path, {"a.inmail": BAD})
    _, out, _ = cli("check", "--output-format", "json", ".", cwd=folder)
    assert "IM302" in codes_of(out)
    # the config
    (folder / "inmail-lint.toml").write_text('kind = "inmail"\nignore = ["IM302"]\n', encoding="utf-8")
    _, out, _ = cli("check", "--output-format", "json", ".", cwd=folder)
    assert "IM302" not in codes_of(out)
    # the command line's settings
    _, out, _ = cli("check", "--output-format", "json", "--select", "IM405", ".", cwd=folder)
    assert set(codes_of(out)) == {"IM405"}
    # a team rule in rule-dirs
    team_rule(folder, "TM001", filler_rule("TM001", "is pushy"))
    rule = folder / "team" / "TM001.yaml"
    # (in a process of its own each time: a process builds a rule folder's rules once)
    out = run_cli(folder, "--output-format", "json", ".").stdout.decode()
    assert "TM001" in codes_of(out)
    rule.write_text(rule.read_text(encoding="utf-8").replace("is pushy", "sounds pushy"), encoding="utf-8")
    out = run_cli(folder, "--output-format", "json", ".").stdout.decode()
    assert "sounds pushy" in out
    # the draft's own bytes
    (folder / "a.inmail").write_text(GOOD, encoding="utf-8")
    _, out, _ = cli("check", "--output-format", "json", ".", cwd=folder)
    assert "TM001" not in codes_of(out) and "IM302" not in codes_of(out)


def test_a_changed_recipient_profile_is_a_miss(cli: Run, tmp_path: Path) -> None:
    folder = project(tmp_path, {})
    (folder / "ana.yaml").write_text(
        "name: Ana Kowalski\nfirst_name: Ana\nmutual_connections: [Jane Doe]\n", encoding="utf-8"
    )
    (folder / "a.inmail").write_text(
        "---\nsubject: Your PyData talk\nrecipient: ana.yaml\n---\nHi Ana,\n\nJane Doe suggested I write. "
        "One question?\n",
        encoding="utf-8",
    )
    _, first, _ = cli("check", "--output-format", "json", ".", cwd=folder)
    (folder / "ana.yaml").write_text("name: Maria Kowalski\nfirst_name: Maria\n", encoding="utf-8")
    _, second, _ = cli("check", "--output-format", "json", ".", cwd=folder)
    _, fresh, _ = cli("check", "--no-cache", "--output-format", "json", ".", cwd=folder)
    assert second == fresh and second != first
    assert "IM306" in codes_of(second)  # greeted as Ana, but the recipient is Maria


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b'{"key": "someone else", "reads": [], "source": null, "result": []}',
        b"[1, 2, 3]",
        b"\xff\xfe garbage",
        "same key, wrong shape",
        "same key, a finding outside the text",
        "same key, a read file's name with a NUL",
        "truncated",
    ],
    ids=["empty", "broken", "foreign", "list", "bytes", "wrong-shape", "outside", "nul-read", "truncated"],
)
def test_a_damaged_entry_is_passed_over_and_written_again(cli: Run, tmp_path: Path, damage: object) -> None:
    folder = project(tmp_path, {"a.inmail": BAD})
    _, fresh, _ = cli("check", ".", cwd=folder)
    (entry,) = entries(folder)
    original = entry.read_bytes()
    if damage == "same key, wrong shape":
        data = json.loads(original)
        data["result"]["path"] = 42
        entry.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "same key, a finding outside the text":
        data = json.loads(original)
        # a row the draft does not have: the full format would fail on it
        data["result"]["diagnostics"][0]["location"] = [999, 1]
        entry.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "same key, a read file's name with a NUL":
        data = json.loads(original)
        data["reads"] = [["profile\u0000.yaml", 1, 1, 1]]
        entry.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "truncated":
        entry.write_bytes(original[: len(original) // 2])
    else:
        assert isinstance(damage, bytes)
        entry.write_bytes(damage)
    status, out, err = cli("check", ".", cwd=folder)
    assert (status, out, err) == (1, fresh, "")
    assert entry.read_bytes() == original  # written again


def test_a_draft_whose_name_is_not_utf8_is_linted_each_time_and_the_cache_goes_on(tmp_path: Path) -> None:
    """An entry is UTF-8 JSON; a file name that is not UTF-8 cannot be kept in one. That draft is linted
    again each run (the same report, no note), and the other drafts are still kept."""
    folder = project(tmp_path, {"good.inmail": GOOD})
    with open(os.path.join(os.fsencode(folder), b"bad\xff.inmail"), "wb") as handle:
        handle.write(BAD.encode())
    fresh = run_cli(folder, "--no-cache", "--output-format", "concise", ".")
    assert fresh.returncode == 1 and b"bad" in fresh.stdout
    for _ in range(2):
        run = run_cli(folder, "--output-format", "concise", ".")
        assert (run.returncode, run.stdout, run.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert len(entries(folder)) == 1


def test_an_entry_that_is_a_link_is_not_followed(cli: Run, tmp_path: Path) -> None:
    folder = project(tmp_path, {"a.inmail": BAD})
    _, fresh, _ = cli("check", ".", cwd=folder)
    (entry,) = entries(folder)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(entry.read_bytes().replace(b"I hope this message", b"I HOPE THIS MESSAGE"))
    entry.unlink()
    entry.symlink_to(elsewhere)
    _, out, _ = cli("check", ".", cwd=folder)
    assert out == fresh and not entry.is_symlink()
    assert b"I HOPE" in elsewhere.read_bytes()  # the link's target is never written


def test_decoding_refuses_a_wrong_shape() -> None:
    result = FileResult("a.inmail", "inmail")
    assert from_entry("k", to_entry("k", result)) == result
    assert from_entry("other", to_entry("k", result)) is None
    entry = json.loads(to_entry("k", result))
    for field, wrong in (("path", 42), ("kind", ["inmail"]), ("diagnostics", {}), ("fields", [])):
        damaged = {**entry, "result": {**entry["result"], field: wrong}}
        assert from_entry("k", json.dumps(damaged).encode()) is None, field
    assert from_entry("k", json.dumps(["k", [], None, entry["result"]]).encode()) is None  # the old layout
    assert not cacheable(FileResult("a", None, error="boom"))
    assert not cacheable(FileResult("a", None, skipped=["TM001"]))


def test_a_config_that_passed_the_schema_is_not_checked_again_until_it_changes(tmp_path: Path) -> None:
    """A cached run over a project with a config file skips jsonschema when that config, byte for byte in its
    settings, passed before under this code; any change to the settings is checked again, and a config made
    wrong is reported as before."""
    folder = project(tmp_path)
    probe = (
        "import sys\nfrom inmail_lint.cli.main import main\n"
        "status = main(['check', '-q', *sys.argv[1:], '.'])\n"
        "print('SCHEMA', 'jsonschema' in sys.modules, status)\n"
    )
    env = {**os.environ, "NO_COLOR": "1"}

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-c", probe, *args], cwd=folder, capture_output=True, text=True, env=env)
        return done.stdout + done.stderr

    assert "SCHEMA True 1" in run()  # checked, and remembered
    assert "SCHEMA False 1" in run()
    assert "SCHEMA True 1" in run("--no-cache")  # no cache: always checked
    (folder / "inmail-lint.toml").write_text('kind = "inmail"\nignore = ["IM305"]\n', encoding="utf-8")
    assert "SCHEMA True 1" in run()
    assert "SCHEMA False 1" in run()
    (folder / "inmail-lint.toml").write_text('kind = "inmail"\nignore = "IM305"\n', encoding="utf-8")
    wrong = run()
    assert "SCHEMA True 2" in wrong and "key 'ignore': expected array" in wrong
    assert "SCHEMA True 2" in run()  # a wrong config is never remembered
    (folder / "inmail-lint.toml").write_text('kind = "inmail"\ncache = false\n', encoding="utf-8")
    run()
    assert "SCHEMA True 1" in run()  # cache = false: nothing kept, so checked each time


def test_config_tables_are_remembered_by_value_and_type(tmp_path: Path) -> None:
    import datetime as dt

    cache = ResultCache(tmp_path / "c")
    tables = [
        {"a": 1},
        {"a": True},
        {"a": "1"},
        {"a": 1.0},
        {"a": [1]},
        {"a": {"b": 1}},
        {"a": dt.date(2026, 1, 1)},
        {"a": "2026-01-01"},
        {"a": 1, "b": 2},
    ]
    names = {cache._passed_path(t).name for t in tables}
    assert len(names) == len(tables)
    assert cache._passed_path({"b": 2, "a": 1}) == cache._passed_path({"a": 1, "b": 2})  # key order is no change
    cache.mark_schema_passed({"a": 1})
    assert cache.schema_passed({"a": 1}) and not cache.schema_passed({"a": True})


# --- where it writes, and when not ---------------------------------------------------------------------------


def test_the_cache_folder_is_beside_the_config_and_ignored_by_git(cli: Run, tmp_path: Path) -> None:
    folder = project(tmp_path)
    (folder / "sub").mkdir()
    (folder / "sub" / "c.inmail").write_text(GOOD, encoding="utf-8")
    cli("check", "c.inmail", cwd=folder / "sub")
    cache = folder / FOLDER_NAME
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (
        (cache / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert len(entries(folder)) == 1 and not (folder / "sub" / FOLDER_NAME).exists()
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
        listed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=folder,
            text=True,
            capture_output=True,
            check=True,
        ).stdout
        assert FOLDER_NAME not in listed


def test_no_cache_and_cache_false_write_nothing(cli: Run, tmp_path: Path) -> None:
    folder = project(tmp_path)
    cli("check", "--no-cache", ".", cwd=folder)
    assert not (folder / FOLDER_NAME).exists()
    (folder / "inmail-lint.toml").write_text("cache = false\n", encoding="utf-8")
    cli("check", ".", cwd=folder)
    assert not (folder / FOLDER_NAME).exists()
    (folder / "inmail-lint.toml").write_text('cache = "no"\n', encoding="utf-8")
    status, _, err = cli("check", ".", cwd=folder)
    assert status == 2 and "cache" in err


def test_cache_dir_and_no_config(cli: Run, tmp_path: Path) -> None:
    folder = project(tmp_path)
    (folder / "inmail-lint.toml").unlink()
    cli("check", ".", cwd=folder)
    assert len(entries(folder)) == 3  # no config: in the current folder
    elsewhere = tmp_path / "cache-here"
    status, _, _ = cli("check", "--cache-dir", str(elsewhere), "--isolated", ".", cwd=folder)
    assert status == 1 and len(list((elsewhere / LAYOUT).glob("*.json"))) == 3


def test_fix_diff_and_vars_are_correct_with_the_cache(cli: Run, tmp_path: Path) -> None:
    folder = project(tmp_path, {"a.inmail": "Subject: Re: your PyData talk\n\nHi Ana, Jane Doe suggested I write.\n"})
    _, before, _ = cli("check", "--output-format", "json", ".", cwd=folder)
    assert "IM410" in codes_of(before)
    status, diff, _ = cli("check", "--diff", ".", cwd=folder)
    assert status == 1 and "-Subject: Re: your PyData talk" in diff
    cli("check", "--fix", ".", cwd=folder)
    _, after, _ = cli("check", "--output-format", "json", ".", cwd=folder)
    assert "IM410" not in codes_of(after)
    (folder / "t.inmail").write_text("Subject: Hi {{first_name}}\n\nHi {{first_name}}, one question?\n")
    (folder / "rows.csv").write_text("first_name\nAna\n\n", encoding="utf-8")
    kept = len(entries(folder))
    status, _, _ = cli("check", "--vars", "rows.csv", "t.inmail", cwd=folder)
    assert len(entries(folder)) == kept  # renderings are not kept


def test_a_folder_that_cannot_be_written_is_said_once_and_the_run_is_right(cli: Run, tmp_path: Path) -> None:
    folder = project(tmp_path)
    (folder / FOLDER_NAME).write_text("a file, not a folder", encoding="utf-8")
    _, fresh, _ = cli("check", "--no-cache", ".", cwd=folder)
    status, out, err = cli("check", ".", cwd=folder)
    assert status == 1 and out == fresh
    assert err.count("result cache was not written") == 1 and FOLDER_NAME in err
    assert (folder / FOLDER_NAME).read_text(encoding="utf-8") == "a file, not a folder"


def test_runs_at_the_same_time_share_the_cache_safely(tmp_path: Path) -> None:
    """pre-commit runs hooks in parallel: four runs at once on the same drafts, each writing the same entries,
    all print the right report, and every entry left is whole."""
    folder = tmp_path / "drafts"
    write_corpus(folder, 60)
    (folder / "inmail-lint.toml").write_text("", encoding="utf-8")
    fresh = run_cli(folder, "--no-cache", "--output-format", "concise", ".")
    env = {**os.environ, "NO_COLOR": "1", "CI": "1"}
    command = [sys.executable, "-m", "inmail_lint", "check", "--output-format", "concise", "."]
    runs = [
        subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(4)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for out, err in outputs:
        assert (out.decode(), err.decode()) == (fresh.stdout.decode(), fresh.stderr.decode())
    kept = entries(folder)
    assert len(kept) == 60
    assert not [p for p in (folder / FOLDER_NAME / LAYOUT).iterdir() if p.name.startswith(".tmp")]
    for path in kept:
        assert from_entry(path.stem, path.read_bytes()) is not None
    again = run_cli(folder, "--output-format", "concise", ".")
    assert (again.stdout, again.stderr) == (fresh.stdout, fresh.stderr)


def test_put_gives_up_quietly_on_a_folder_it_cannot_make(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    cache = ResultCache(blocker / "cache")
    cache.put("k", FileResult("a", "inmail"))
    assert cache.problem is not None and cache.get("k") is None


def test_a_rule_file_edited_between_two_runs_of_one_process_is_read_again(cli: Run, tmp_path: Path) -> None:
    """check --watch, the language server and the web page live on: a team rule edited meanwhile was the old
    rule until the process ended (its rules were built once per folder), with or without the cache."""
    folder = project(tmp_path, {"a.inmail": BAD})
    team_rule(folder, "TM002", filler_rule("TM002", "is filler"))
    rule = folder / "team" / "TM002.yaml"
    for flags in ((), ("--no-cache",)):
        _, out, _ = cli("check", "--output-format", "concise", *flags, ".", cwd=folder)
        assert "is filler" in out
    rule.write_text(rule.read_text(encoding="utf-8").replace("is filler", "says nothing"), encoding="utf-8")
    for flags in ((), ("--no-cache",)):
        _, out, _ = cli("check", "--output-format", "concise", *flags, ".", cwd=folder)
        assert "says nothing" in out and "is filler" not in out
