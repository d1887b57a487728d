"""The third attack on the whole surface, one test per shape, each with inputs of our own: crashes become
messages (exit 2, naming the file and the problem), stale cache entries become misses, text from input is
escaped wherever it is printed, and the page and the language server answer hostile requests and go on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from inmail_lint.run.result_cache import LAYOUT
from inmail_lint.sources.tables import read_rows
from inmail_lint.util.resources import rules_dir

from .conftest import page_call, serving, team_rule

Run = Callable[..., tuple[int, str, str]]
DRAFT = "Subject: Your PyData talk\n\nHi Ana, Jane Doe suggested I write. One question?\n"
LONG = "x" * 300  # one name over the file system's limit of 255 bytes


def no_traceback(err: str) -> None:
    assert "Traceback" not in err and "internal error" not in err, err


# --- bad input is a message, exit 2 ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["extend", "rule-dirs", "model"])
@pytest.mark.parametrize("value", [LONG, "a\\u0000b"], ids=["too-long", "nul"])
def test_a_config_path_the_system_refuses_is_named(cli: Run, tmp_path: Path, key: str, value: str) -> None:
    (tmp_path / "a.inmail").write_text(DRAFT, encoding="utf-8")
    setting = f'["{value}"]' if key == "rule-dirs" else f'"{value}"'
    (tmp_path / "inmail-lint.toml").write_text(f"{key} = {setting}\n", encoding="utf-8")
    status, _, err = cli("check", "--no-cache", "a.inmail", cwd=tmp_path)
    no_traceback(err)
    assert status == 2 and f"key '{key}'" in err and "inmail-lint.toml" in err, err


@pytest.mark.parametrize(
    "args",
    [("check", LONG), ("check", "--vars", LONG, "a.inmail"), ("calibrate", LONG, "-o", "m.yaml")],
    ids=["path", "vars", "history"],
)
def test_a_name_too_long_is_no_such_file_not_a_crash(cli: Run, tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "a.inmail").write_text(DRAFT, encoding="utf-8")
    status, _, err = cli(*args, cwd=tmp_path)
    no_traceback(err)
    assert status == 2 and "too long" in err, err


def test_a_stdin_filename_too_long_lints_standard_input(cli: Run, tmp_path: Path) -> None:
    status, _out, err = cli("check", "--no-cache", "--stdin-filename", LONG, "-", cwd=tmp_path, stdin=DRAFT.encode())
    no_traceback(err)
    assert status in (0, 1)


@pytest.mark.parametrize(
    ("pattern", "said"),
    [("a{99999}", "keep counts at most"), ("(" * 80 + "a" + ")" * 80, "nests groups 80 deep")],
    ids=["huge-repeat", "deep-nesting"],
)
def test_a_team_regex_too_big_to_compile_names_the_file(cli: Run, tmp_path: Path, pattern: str, said: str) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "TM001.yaml").write_text(
        yaml.safe_dump(
            {
                "code": "TM001",
                "name": "big",
                "type": "existence",
                "severity": "warning",
                "summary": "Big.",
                "message": "x",
                "patterns": [pattern],
                "examples": {"pass": ["Subject: a\n\nHi"], "fail": ["Subject: a\n\naaa"]},
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "inmail-lint.toml").write_text('rule-dirs = ["team"]\n', encoding="utf-8")
    (tmp_path / "a.inmail").write_text(DRAFT, encoding="utf-8")
    status, _, err = cli("check", "--no-cache", "a.inmail", cwd=tmp_path)
    no_traceback(err)
    assert status == 2 and "TM001.yaml" in err and said in err, err


def test_a_negative_max_shift_is_refused(cli: Run, tmp_path: Path) -> None:
    model = yaml.safe_load((rules_dir() / "refund-model.yaml").read_text(encoding="utf-8"))
    model["max-shift"] = -1
    (tmp_path / "model.yaml").write_text(yaml.safe_dump(model), encoding="utf-8")
    (tmp_path / "a.inmail").write_text(DRAFT, encoding="utf-8")
    status, _, err = cli("check", "--no-cache", "--model", "model.yaml", "a.inmail", cwd=tmp_path)
    assert status == 2 and "max-shift" in err and "at least 0" in err, err


def test_a_folder_too_deep_to_read_is_an_error_not_a_pass(cli: Run, tmp_path: Path) -> None:
    """Past the system's limit on a path's length, a folder cannot be listed: the run says so and fails."""
    name = "d" * 250
    depth = 20  # 20 * 251 bytes: past PATH_MAX (4,096) for a path given from the top
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        with os.fdopen(os.open("deep.inmail", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as handle:
            handle.write(DRAFT)
    finally:
        os.close(fd)
    status, _, err = cli("check", "--no-cache", ".", cwd=tmp_path)
    no_traceback(err)
    assert status == 2 and "nested too deeply" in err, err


def test_an_internal_error_exits_2_with_a_message(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from inmail_lint.run import check as check_run

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(check_run, "make_plan", broken)
    (tmp_path / "a.inmail").write_text(DRAFT, encoding="utf-8")
    status, _, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and "internal error (RuntimeError: a bug)" in err and "Traceback" not in err


# --- tables and profiles ----------------------------------------------------------------------------------------


def test_a_json_lines_row_with_a_lone_surrogate_is_that_rows_im001(cli: Run, tmp_path: Path) -> None:
    rows = [{"body": "Hi Ana, one question?"}, {"body": "Hi \\ud800 Ana"}]
    text = "\n".join(json.dumps(r) for r in rows).replace("\\\\ud800", "\\ud800") + "\n"
    (tmp_path / "rows.jsonl").write_text(text, encoding="utf-8")
    _status, out, err = cli("check", "--no-cache", "--output-format", "json", "rows.jsonl", cwd=tmp_path)
    no_traceback(err)
    report = json.loads(out)
    second = [f for f in report["files"] if f.get("row") == 2]
    assert [d["code"] for d in second[0]["diagnostics"]] == ["IM001"]
    assert "lone surrogate" in second[0]["diagnostics"][0]["message"]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_key_given_twice_in_json_is_refused(cli: Run, tmp_path: Path, suffix: str) -> None:
    if suffix == ".jsonl":
        (tmp_path / "rows.jsonl").write_text('{"body": "Hi Ana", "body": "Hello"}\n', encoding="utf-8")
        _, out, _ = cli("check", "--no-cache", "--output-format", "json", "rows.jsonl", cwd=tmp_path)
        messages = [d["message"] for f in json.loads(out)["files"] for d in f["diagnostics"]]
    else:
        (tmp_path / "ana.json").write_text('{"name": "Ana Kowalski", "name": "Bo"}', encoding="utf-8")
        (tmp_path / "a.inmail").write_text(f"---\nrecipient: ana.json\n---\n{DRAFT}", encoding="utf-8")
        _status, out, _ = cli("check", "--no-cache", "--output-format", "json", "a.inmail", cwd=tmp_path)
        messages = [d["message"] for f in json.loads(out)["files"] for d in f["diagnostics"]]
    assert any("'body' is given twice" in m or "'name' is given twice" in m for m in messages), messages


def test_a_header_of_100000_columns_with_one_repeated_is_read_in_one_pass(tmp_path: Path) -> None:
    header = [f"c{i}" for i in range(100_000)] + ["c5"]
    (tmp_path / "wide.csv").write_text(",".join(header) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match="names the column 'c5' twice"):
        read_rows(tmp_path / "wide.csv")


# --- the result cache ---------------------------------------------------------------------------------------------


def _findings(cli: Run, folder: Path) -> list[str]:
    """Each finding of a.inmail as 'CODE message', from a run that keeps and reuses results."""
    _status, out, _err = cli("check", "--output-format", "json", "a.inmail", cwd=folder)
    return [f"{d['code']} {d['message']}" for d in json.loads(out)["files"][0]["diagnostics"]]


def _with_recipient(reference: str) -> str:
    return f"---\nsubject: Your PyData talk\nrecipient: {reference}\n---\n{DRAFT.split(chr(10), 2)[2]}"


def test_a_profile_that_was_missing_and_is_created_is_read(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "a.inmail").write_text(_with_recipient("ana.yaml"), encoding="utf-8")
    assert any("does not exist" in f for f in _findings(cli, tmp_path))
    (tmp_path / "ana.yaml").write_text("name: Ana Kowalski\nmutual_connections: [Jane Doe]\n", encoding="utf-8")
    assert not any("does not exist" in f for f in _findings(cli, tmp_path))


def test_a_profile_link_pointed_elsewhere_is_read_again(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "ana.yaml").write_text("name: Ana Kowalski\n", encoding="utf-8")
    (tmp_path / "bo.yaml").write_text("name: Bo Zhang\n", encoding="utf-8")
    (tmp_path / "who.yaml").symlink_to("ana.yaml")
    (tmp_path / "a.inmail").write_text(_with_recipient("who.yaml"), encoding="utf-8")
    first = _findings(cli, tmp_path)
    (tmp_path / "who.yaml").unlink()
    (tmp_path / "who.yaml").symlink_to("bo.yaml")
    second = _findings(cli, tmp_path)
    # "Hi Ana" to Bo Zhang: someone else's name
    assert not any(f.startswith("IM306") for f in first) and any(f.startswith("IM306") for f in second)


def test_a_phrase_list_below_a_rule_folder_is_part_of_the_key(cli: Run, tmp_path: Path) -> None:
    team_rule(
        tmp_path,
        "TM001",
        "code: TM001\nname: listed\ntype: existence\nseverity: warning\nsummary: Listed.\nmessage: listed\n"
        "phrase-list: lists/words\n"
        'examples: {pass: ["Subject: a\\n\\nHi Ana"], fail: ["Subject: a\\n\\nHi Ana, pydata?"]}\n',
    )
    (tmp_path / "team" / "lists").mkdir()
    (tmp_path / "team" / "lists" / "words.yaml").write_text("- pydata\n", encoding="utf-8")
    (tmp_path / "a.inmail").write_text(DRAFT, encoding="utf-8")
    first = _findings(cli, tmp_path)
    (tmp_path / "team" / "lists" / "words.yaml").write_text("- pydata\n- question\n", encoding="utf-8")
    second = _findings(cli, tmp_path)
    assert len([f for f in first if f.startswith("TM001")]) < len([f for f in second if f.startswith("TM001")])


@pytest.mark.parametrize("odds", [0, -1.5])
def test_a_cache_entry_with_an_impossible_odds_ratio_is_a_miss(cli: Run, tmp_path: Path, odds: float) -> None:
    (tmp_path / "a.inmail").write_text(DRAFT, encoding="utf-8")
    status, fresh, _ = cli("check", "--output-format", "estimate", "a.inmail", cwd=tmp_path)
    (entry,) = (tmp_path / ".inmail_lint_cache").rglob(f"{LAYOUT}/*.json")
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["result"]["estimate"]["factors"][0]["odds_ratio"] = odds
    entry.write_text(json.dumps(data), encoding="utf-8")
    again, out, err = cli("check", "--output-format", "estimate", "a.inmail", cwd=tmp_path)
    no_traceback(err)
    assert (again, out) == (status, fresh)


def test_a_spacy_model_path_with_a_dot_does_not_break_a_cached_run(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "a.inmail").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "inmail-lint.toml").write_text('spacy-model = "./models/en.v1"\n', encoding="utf-8")
    first, _, err1 = cli("check", "a.inmail", cwd=tmp_path)
    second, _, err2 = cli("check", "a.inmail", cwd=tmp_path)
    no_traceback(err1 + err2)
    assert first == second == 2 and "spacy-model" in err2


# --- everything printed from input is escaped -------------------------------------------------------------------


def test_a_team_models_labels_reach_the_terminal_escaped(cli: Run, tmp_path: Path) -> None:
    model = yaml.safe_load((rules_dir() / "refund-model.yaml").read_text(encoding="utf-8"))
    for factor in model["factors"]:
        for key in ("label",):
            if key in factor:
                factor[key] = "evil \x1b[31mred\x1b[0m " + str(factor[key])
        for item in factor.get("bins", ()):
            item["label"] = "evil \x1b]0;title\x07 " + str(item["label"])
    (tmp_path / "model.yaml").write_text(yaml.safe_dump(model), encoding="utf-8")
    (tmp_path / "a.inmail").write_text(DRAFT, encoding="utf-8")
    for fmt in ("full", "concise", "estimate"):
        _status, out, err = cli("check", "--model", "model.yaml", "--output-format", fmt, "a.inmail", cwd=tmp_path)
        assert "\x1b" not in out + err and "\x07" not in out + err, fmt
        assert "evil" in out or fmt == "concise"


def test_a_missing_paths_name_reaches_standard_error_escaped(cli: Run, tmp_path: Path) -> None:
    status, _, err = cli("check", "no\x1b[2Jsuch.inmail", cwd=tmp_path)
    assert status == 2 and "\x1b" not in err and "\\x1b" in err


def test_a_backslash_in_a_linux_file_name_stays_in_the_sarif_uri(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "a\\b.inmail").write_text(DRAFT.replace("Jane Doe suggested I write. ", ""), encoding="utf-8")
    _status, out, _ = cli("check", "--no-cache", "--output-format", "sarif", "a\\b.inmail", cwd=tmp_path)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(out)["runs"][0]["results"]
    }
    assert uris == {"a%5Cb.inmail"}


# --- init and --watch ----------------------------------------------------------------------------------------------


def test_init_will_not_override_a_pyproject_table(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.inmail-lint]\nkind = "inmail"\n', encoding="utf-8")
    status, _, err = cli("init", "--yes", "--name", "Sam", cwd=tmp_path)
    assert status == 2 and "[tool.inmail-lint]" in err
    assert not (tmp_path / "inmail-lint.toml").exists()


def test_init_beside_a_pyproject_without_a_table_writes_the_config(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    status, _, err = cli("init", "--yes", "--name", "Sam", cwd=tmp_path)
    assert status == 0, err
    assert (tmp_path / "inmail-lint.toml").is_file()


def test_watch_lints_again_when_a_json_profile_is_saved() -> None:
    from inmail_lint.cli.check import WATCHED_SUFFIXES

    assert "profile.json".endswith(WATCHED_SUFFIXES) and "rows.ndjson".endswith(WATCHED_SUFFIXES)


# --- the language server -----------------------------------------------------------------------------------------


def _frame(body: bytes) -> bytes:
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def test_the_language_server_answers_bad_params_and_survives_deep_nesting(tmp_path: Path) -> None:
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "processId": None}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "textDocument/hover",
            "params": {"textDocument": {"uri": "file:///x.inmail"}, "position": {"line": -1, "character": -5}},
        },
    ]
    data = b"".join(_frame(json.dumps(m).encode()) for m in messages)
    data += _frame(b'{"jsonrpc":"2.0","id":3,"method":"x","params":' + b"[" * 50_000 + b"]" * 50_000 + b"}")
    data += _frame(b'{"jsonrpc":"2.0","id":4,"method":"shutdown"}') + _frame(b'{"jsonrpc":"2.0","method":"exit"}')
    done = subprocess.run(
        [sys.executable, "-m", "inmail_lint", "server"], input=data, capture_output=True, timeout=120, cwd=tmp_path
    )
    answers = {}
    for chunk in done.stdout.split(b"Content-Length: ")[1:]:
        message = json.loads(chunk.split(b"\r\n\r\n", 1)[1])
        if "id" in message:
            answers[message["id"]] = message
    assert done.returncode == 0, done.stderr
    assert answers[2]["error"]["code"] == -32602
    assert 4 in answers and "Traceback" not in done.stderr.decode()


# --- the --jobs helpers ----------------------------------------------------------------------------------------------


def test_a_helper_that_sends_nothing_is_taken_for_dead(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stopped helper (SIGSTOP: alive, silent) never finishes its chunks: after a silence the main process
    lints them itself, says so once, and the run ends with every result in order."""
    from concurrent.futures import Executor, Future

    from inmail_lint.config.settings import default_config
    from inmail_lint.run import batch
    from inmail_lint.run.linters import LINTERS
    from inmail_lint.sources.files import Target

    class Stopped(Executor):
        def submit(self, fn: object, /, *args: object, **kwargs: object) -> Future[object]:
            return Future()  # never runs, never finishes

    monkeypatch.setattr(batch, "HELPER_SILENCE", 0.2)
    monkeypatch.setattr(batch, "HELD", 0)  # the main process waits on the helper at once
    config = default_config()
    jobs = [batch.Job("file", Target(None, f"d{i}.inmail"), id(config), data=DRAFT.encode()) for i in range(70)]
    results = list(batch.run_all(jobs, {id(config): config}, {id(config): LINTERS.get(config)}, Stopped(), 1))
    assert [r.path for r in results] == [f"d{i}.inmail" for i in range(70)]
    notes = [n for r in results for n in r.notes if "--jobs helper" in n]
    assert len(notes) == 1 and "TimeoutError" in notes[0]


# --- one budget per template rendering ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("engine", "body", "said"),
    [
        ("jinja", "{{ 100000 * 'text' }}", "repeating text"),
        ("jinja", "{{ 'text' * 100000 }}", "repeating text"),
        ("jinja", "{{ 300 * ('x' * 1000) }}", "repeating text"),
        (
            "jinja",
            "{% for a in range(200) %}{% for b in range(200) %}{% for c in range(200) %}{% for d in range(200) %}"
            "{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
            "loops run more than",
        ),
        ("jinja", "{% for c in ('x' * 1000) %}{% for d in ('y' * 1000) %}{{ c }}{% endfor %}{% endfor %}", "more than"),
        (
            "jinja",
            "{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            "namespace",
        ),
        (
            "liquid",
            "{% assign s = 'abcdefghij' %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}{{ s }}",
            "limit",
        ),
        (
            "liquid",
            "{% for a in (1..200) %}{% for b in (1..200) %}{% for c in (1..200) %}{% for d in (1..200) %}"
            "{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
            "limit",
        ),
    ],
    ids=[
        "times-left",
        "times-right",
        "nested-repeat",
        "nested-loops",
        "loops-over-text",
        "namespace",
        "doubling",
        "liquid-nested",
    ],
)
def test_one_budget_bounds_a_whole_rendering(engine: str, body: str, said: str) -> None:
    """Each construct under its own cap once added up past any bound (a count on the left, strings doubled in a
    loop, nested loops): one budget for the whole rendering refuses them, in either engine."""
    from inmail_lint.draft.document import Field
    from inmail_lint.draft.template_engines import TemplateError, render

    with pytest.raises(TemplateError, match=said):
        render(Field("body", body, 0, len(body)), engine, {})


def test_a_hostile_template_is_an_im002_wherever_it_is_linted(cli: Run, tmp_path: Path) -> None:
    """The same budget guards the command line, the page and the language server: they all lint through it."""
    from inmail_lint.web.service import Workspace

    loops = "{% for a in range(200) %}{% for b in range(200) %}{% for c in range(200) %}x"
    body = "Hi {{ name }}, " + loops + "{% endfor %}{% endfor %}{% endfor %}"
    draft = f"---\nsubject: Hi\ntemplate: jinja\n---\n{body}\n"
    (tmp_path / "t.inmail").write_text(draft, encoding="utf-8")
    status, _, err = cli("check", "--no-cache", "t.inmail", cwd=tmp_path)
    no_traceback(err)
    assert status in (1, 2)
    answer = Workspace(tmp_path).open("t.inmail")
    assert answer["diagnostics"] is not None


# --- the page -------------------------------------------------------------------------------------------------------


@pytest.fixture
def page(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "a.inmail").write_text(DRAFT, encoding="utf-8")
    with serving(folder) as web:
        yield web


@pytest.mark.parametrize(
    "request_body",
    [
        {"subject": ["a list"], "body": "Hi"},
        {"subject": "Hi", "body": "Hi", "kind": ["inmail"]},
        {"subject": "Hi", "body": "Hi", "recipient": 5},
        {"subject": "Hi", "body": "Hi", "path": {"x": 1}},
        {"subject": "Hi", "body": "Hi", "subjet": "typo"},
    ],
    ids=["subject-list", "kind-list", "recipient-number", "path-object", "unknown-key"],
)
def test_the_page_answers_a_wrong_json_type_with_400(page, request_body: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    status, answer = page_call(page, "POST", "/api/lint", request_body)
    assert status == 400 and "key" in answer["error"], answer  # type: ignore[index]


def test_the_page_refuses_save_as_a_name_over_the_limit(page) -> None:  # type: ignore[no-untyped-def]
    body = {"subject": "Hi", "body": "Hi Ana", "create": True, "path": "x" * 300 + ".inmail", "kind": "inmail"}
    status, answer = page_call(page, "POST", "/api/save", body)
    assert 400 <= status < 500, answer


def test_the_page_never_reads_a_fifo_and_stays_responsive(page) -> None:  # type: ignore[no-untyped-def]
    os.mkfifo(page.workspace.folder / "pipe.inmail")
    status, answer = page_call(page, "GET", '/api/file?path="pipe.inmail"')
    assert status == 422 and "FIFO" in answer["error"]  # type: ignore[index]
    save = {"subject": "Hi", "body": "Hi", "path": "pipe.inmail", "base": "", "etag": "x"}
    status, answer = page_call(page, "POST", "/api/save", save)
    assert status == 422 and "FIFO" in answer["error"]  # type: ignore[index]
    assert page_call(page, "GET", "/api/plans")[0] == 200  # the lock was never held by a blocked read


def test_the_folder_listing_skips_a_link_that_leads_outside(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "secret.inmail").write_text("Subject: secret\n\nThe numbers outside the folder.\n", encoding="utf-8")
    (page.workspace.folder / "out.inmail").symlink_to(tmp_path / "secret.inmail")
    status, answer = page_call(page, "GET", "/api/folder")
    assert status == 200
    assert [d["path"] for d in answer["drafts"]] == ["a.inmail"]  # type: ignore[index]
    assert any("outside the folder" in n for n in answer["notes"])  # type: ignore[index]


def test_a_draft_whose_name_is_not_utf8_is_listed_and_opened(page) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import quote

    name = os.fsdecode(b"caf\xe9.inmail")
    (page.workspace.folder / name).write_text(DRAFT, encoding="utf-8")
    status, answer = page_call(page, "GET", "/api/folder")
    listed = [d["path"] for d in answer["drafts"]]  # type: ignore[index]
    assert name in listed
    status, opened = page_call(page, "GET", f"/api/file?path={quote(json.dumps(name))}")
    assert status == 200 and opened["path"] == name  # type: ignore[index]


def test_silent_connections_time_out_and_are_capped(page, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import socket
    import time

    from inmail_lint.web import httpd

    monkeypatch.setattr(httpd.Handler, "timeout", 0.5)
    port = page.server_address[1]
    stalled = []
    for _ in range(httpd.MAX_CONNECTIONS + 8):  # half-sent requests, more than the server serves at once
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"POST /api/lint HTTP/1.1\r\nHost: x\r\n")
        stalled.append(sock)
    deadline = time.monotonic() + 30  # past the timeout every stalled connection is closed and its slot freed
    while True:
        try:
            status = page_call(page, "GET", "/api/plans")[0]
            break
        except (ConnectionError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)
    assert status == 200
    for sock in stalled:
        sock.close()
