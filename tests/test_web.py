"""``inmail-lint web`` without a browser: the server's security checks, and what its calls answer (the findings
placed where the command line places them, fixes, saving with the conflict refusal, the folder, mail merge,
credits). The page itself is tested in a real browser in ``test_web_browser.py``."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inmail_lint.web.edit import splice
from inmail_lint.web.httpd import TOKEN_HEADER, WebServer

from .conftest import serving

ROOT = Path(__file__).resolve().parent.parent
EMOJI_CRLF = (
    "Subject: 🚀 Re: your talk at PyData!!!\r\n\r\nDear Sir/Madam,\r\n\r\nI hope this message finds you well.\r\n"
)
TEMPLATE = (
    "---\nsubject: A question about {{ company }}\ntemplate: liquid\n---\n"
    "Hi {{ first_name }}, how is {{ company }} doing? Coffee next week?\n"
)


def utf16(text: str, start: int, end: int) -> str:
    data = text.encode("utf-16-le")
    return data[2 * start : 2 * end].decode("utf-16-le")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "drafts"
    shutil.copytree(ROOT / "examples", root)
    (root / "emoji.inmail").write_bytes(EMOJI_CRLF.encode("utf-8"))
    (root / "template.inmail").write_text(TEMPLATE, encoding="utf-8")
    (root / "rows.csv").write_text("id,first_name,company\na,Ana,Globex\nb,,Initech\n", encoding="utf-8")
    return root


@pytest.fixture
def server(folder: Path) -> Iterator[WebServer]:
    web = WebServer(folder)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    yield web
    web.shutdown()
    web.server_close()


def call(
    web: WebServer,
    method: str,
    path: str,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    token: bool = True,
    raw: bytes | None = None,
) -> tuple[int, Any]:
    port = web.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sent = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    if token:
        sent[TOKEN_HEADER] = web.token
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        sent.setdefault("Content-Type", "application/json")
    connection.request(method, path, body=data, headers=sent)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    try:
        return response.status, json.loads(payload)
    except ValueError:
        return response.status, payload


def cli_json(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "inmail_lint", "check", "--no-cache", "--output-format", "json", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)["files"][0]
    return result


# --- security --------------------------------------------------------------------------------------------------


def test_a_wrong_host_is_refused(server: WebServer) -> None:
    """DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends its own name as Host."""
    for host in ("evil.example", f"evil.example:{server.server_address[1]}", "127.0.0.1:1"):
        status, body = call(server, "GET", "/api/folder", headers={"Host": host})
        assert status == 403 and "answers only to" in body["error"]
    status, _ = call(server, "GET", "/", headers={"Host": "evil.example"}, token=False)
    assert status == 403


def test_another_origin_is_refused(server: WebServer) -> None:
    status, body = call(
        server, "POST", "/api/lint", {"subject": "x", "body": "y"}, headers={"Origin": "https://evil.example"}
    )
    assert status == 403 and "evil.example" in body["error"]
    status, _ = call(server, "GET", "/api/folder", headers={"Sec-Fetch-Site": "cross-site"})
    assert status == 403
    port = server.server_address[1]
    status, _ = call(server, "GET", "/api/folder", headers={"Origin": f"http://127.0.0.1:{port}"})
    assert status == 200


def test_the_api_wants_the_token(server: WebServer) -> None:
    for headers in ({}, {TOKEN_HEADER: "guess"}, {TOKEN_HEADER: ""}):
        status, body = call(server, "GET", "/api/folder", headers=headers, token=False)
        assert status == 403 and TOKEN_HEADER in body["error"]
    status, _ = call(server, "POST", "/api/save", {"path": "emoji.inmail"}, token=False)
    assert status == 403
    assert call(server, "GET", "/", token=False)[0] == 200  # the page itself holds no data


def test_no_cors_and_strict_headers(server: WebServer) -> None:
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
    response = connection.getresponse()
    response.read()
    headers = {k.lower(): v for k, v in response.getheaders()}
    assert "access-control-allow-origin" not in headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    status, _ = call(server, "OPTIONS", "/api/lint")
    assert status == 405


@pytest.mark.parametrize(
    "path", ["../outside.inmail", "/etc/passwd", "bad/../../outside.inmail", "escape.inmail", "escape-dir/a.inmail"]
)
def test_paths_stay_inside_the_folder(server: WebServer, folder: Path, path: str) -> None:
    outside = folder.parent / "outside.inmail"
    outside.write_text("Subject: secret\n\nsecret\n", encoding="utf-8")
    (folder / "escape.inmail").symlink_to(outside)
    (folder / "escape-dir").symlink_to(folder.parent)
    (folder.parent / "a.inmail").write_text("Subject: secret\n\nsecret\n", encoding="utf-8")
    status, body = call(server, "GET", f"/api/file?path={path}")
    assert status == 403 and "secret" not in json.dumps(body)
    status, body = call(server, "GET", f"/api/profile?path={path}")
    assert status == 403 and "secret" not in json.dumps(body)
    before = outside.read_bytes()
    status, _ = call(server, "POST", "/api/save", {"path": path, "base": "", "subject": "x", "body": "y", "etag": ""})
    assert status == 403 and outside.read_bytes() == before
    status, _ = call(
        server, "POST", "/api/save", {"create": True, "path": "../new.inmail", "subject": "x", "body": "y"}
    )
    assert status == 403 and not (folder.parent / "new.inmail").exists()


@pytest.mark.parametrize(
    ("method", "path", "raw", "headers", "expected"),
    [
        ("POST", "/api/lint", b"{not json", {}, 400),
        ("POST", "/api/lint", b"[1, 2]", {}, 400),
        ("POST", "/api/lint", b"\xff\xfe", {}, 400),
        ("POST", "/api/lint", b'{"subject": 5, "body": []}', {}, 400),
        ("POST", "/api/lint", b'{"subject": "a", "body": "b", "kind": "fax"}', {}, 400),
        ("POST", "/api/lint", b'{"subject": "a"}', {"Content-Type": "text/plain"}, 415),
        ("POST", "/api/fix", b'{"subject": "a", "body": "b", "index": 99, "code": "IM201"}', {}, 409),
        ("POST", "/api/credits", b'{"plan": "nope", "per_month": 5}', {}, 400),
        ("POST", "/api/credits", b'{"plan": "premium-career", "per_month": "many"}', {}, 400),
        ("GET", "/api/file", None, {}, 400),
        ("GET", "/api/file?path=missing.inmail", None, {}, 404),
        ("GET", "/api/profile", None, {}, 400),
        ("GET", "/api/profile?path=profiles/missing.yaml", None, {}, 404),
        ("GET", "/api/merge?template=template.inmail&table=missing.csv", None, {}, 404),
        ("GET", "/api/nothing", None, {}, 404),
        ("GET", "/static/../server.py", None, {}, 404),
    ],
)
def test_a_malformed_request_is_a_4xx_with_a_message(
    server: WebServer, method: str, path: str, raw: bytes | None, headers: dict[str, str], expected: int
) -> None:
    status, body = call(server, method, path, raw=raw, headers=headers)
    assert status == expected and isinstance(body, dict) and body["error"], body
    assert call(server, "GET", "/api/plans")[0] == 200  # and the server still answers


def test_oversized_and_broken_requests(server: WebServer) -> None:
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("POST", "/api/lint", skip_host=True)
    for name, value in (
        ("Host", f"127.0.0.1:{port}"),
        (TOKEN_HEADER, server.token),
        ("Content-Type", "application/json"),
        ("Content-Length", str(50 * 1024 * 1024)),
    ):
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    connection.close()
    import socket

    def whole_answer(raw: socket.socket) -> bytes:  # the server closes the connection after a refusal
        chunks = []
        while chunk := raw.recv(4096):
            chunks.append(chunk)
        return b"".join(chunks)

    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        raw.sendall(b"GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = whole_answer(raw)
        assert answer.split(b"\r\n")[0] == b"HTTP/1.1 501 Not Implemented" and b'"error"' in answer
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        raw.sendall(b"\x16\x03\x01 not http at all\r\n\r\n")
        assert b'{"error": "Bad request version' in whole_answer(raw)  # no status line: http.server reads it as 0.9
    assert call(server, "GET", "/api/plans")[0] == 200


# --- what the calls answer -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["emoji.inmail", "bad/long-subject.inmail", "good/former-colleague.inmail.md", "good/pydata-talk.inmail"]
)
def test_findings_are_where_the_command_line_puts_them(server: WebServer, folder: Path, name: str) -> None:
    status, opened = call(server, "GET", f"/api/file?path={name}")
    assert status == 200
    cli = cli_json(folder / name)
    source = (folder / name).read_bytes().decode("utf-8-sig")
    assert [d["code"] for d in opened["diagnostics"]] == [d["code"] for d in cli["diagnostics"]]
    placed = 0
    for page, command_line in zip(opened["diagnostics"], cli["diagnostics"], strict=True):
        if page["target"] is None:
            continue
        covered = utf16(opened["fields"][page["target"]], page["start"], page["end"])
        in_file = utf16(source, command_line["offset"], command_line["offset"] + command_line["length"])
        assert covered == in_file.replace("\r\n", "\n"), (page, command_line)
        placed += 1
    assert placed >= (2 if "good/" not in name else 0)
    assert opened["estimate"]["probability"] == cli["estimate"]["probability"]


def test_a_new_draft_is_linted_with_its_recipient(server: WebServer) -> None:
    draft = {"subject": "Your PyData talk", "body": "Hi Maria,\n\nOne question?", "kind": "inmail"}
    status, plain = call(server, "POST", "/api/lint", draft)
    assert status == 200 and "IM306" not in [d["code"] for d in plain["diagnostics"]]
    status, named = call(server, "POST", "/api/lint", {**draft, "recipient": {"name": "Ana Kowalski"}})
    wrong = [d for d in named["diagnostics"] if d["code"] == "IM306"]
    assert wrong and utf16(named["fields"]["body"], wrong[0]["start"], wrong[0]["end"]).startswith("Maria")
    assert named["counts"]["subject"] == {"chars": 16, "words": 3, "max": 200, "goal": 40}
    status, profiled = call(server, "POST", "/api/lint", {**draft, "recipient": "profiles/ana-kowalski.yaml"})
    assert status == 200 and "IM306" in [d["code"] for d in profiled["diagnostics"]]


def test_a_fix_changes_the_text_and_the_estimate(server: WebServer) -> None:
    draft = {"subject": "Re: your PyData talk", "body": "Hi Ana,\n\nJane Doe suggested I write. One question?"}
    _, before = call(server, "POST", "/api/lint", draft)
    (fake,) = [d for d in before["diagnostics"] if d["code"] == "IM410"]
    status, after = call(server, "POST", "/api/fix", {**draft, "index": fake["index"], "code": "IM410"})
    assert status == 200 and after["fields"]["subject"] == "Your PyData talk"
    assert "IM410" not in [d["code"] for d in after["diagnostics"]]
    assert after["estimate"]["probability"] > before["estimate"]["probability"]


def test_save_writes_the_file_and_refuses_when_it_changed_on_disk(server: WebServer, folder: Path) -> None:
    path = folder / "emoji.inmail"
    os.chmod(path, 0o640)
    _, opened = call(server, "GET", "/api/file?path=emoji.inmail")
    edit = {
        "path": "emoji.inmail",
        "base": opened["base"],
        "subject": "Your PyData talk",
        "body": "Hi Ana,\n\nOne question?",
    }
    status, saved = call(server, "POST", "/api/save", {**edit, "etag": opened["etag"]})
    assert status == 200 and saved["saved"]
    assert path.read_bytes() == b"Subject: Your PyData talk\r\n\r\nHi Ana,\r\n\r\nOne question?\r\n"  # CRLF kept
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    # someone else changes the file: the old etag is refused and nothing is written
    path.write_bytes(b"Subject: Changed elsewhere\n\nHi\n")
    status, refused = call(server, "POST", "/api/save", {**edit, "etag": saved["etag"]})
    assert status == 409 and "changed on disk" in refused["error"]
    assert path.read_bytes() == b"Subject: Changed elsewhere\n\nHi\n"


def test_front_matter_is_kept_as_written(server: WebServer, folder: Path) -> None:
    path = folder / "good" / "pydata-talk.inmail"
    original = path.read_text(encoding="utf-8")
    _, opened = call(server, "GET", "/api/file?path=good/pydata-talk.inmail")
    edit = {"path": "good/pydata-talk.inmail", "base": opened["base"], "etag": opened["etag"]}
    status, _ = call(server, "POST", "/api/save", {**edit, "subject": "Your talk: contracts", "body": "Hi Ana,\n\nQ?"})
    assert status == 200
    text = path.read_text(encoding="utf-8")
    head = original.split("\n---\n")[0]
    assert text.startswith(head.replace("subject: Your PyData talk on contracts", 'subject: "Your talk: contracts"'))
    assert text.endswith("---\nHi Ana,\n\nQ?\n")


def test_a_message_ads_button_label_is_read_linted_and_written(server: WebServer, folder: Path) -> None:
    """The side panel's button label (``cta:``): a new ad is linted with it, an opened one shows its own, a
    change is written into the front matter (emptied, the key goes), and only text is taken."""
    ad = {"subject": "Your PyData talk", "body": "Hi Ana,\n\nOne question?", "kind": "message-ad"}
    _, long = call(server, "POST", "/api/lint", {**ad, "cta": "Get the free hiring guide now"})
    assert "IM106" in [d["code"] for d in long["diagnostics"]]
    _, short = call(server, "POST", "/api/lint", {**ad, "cta": "Get the guide"})
    assert "IM106" not in [d["code"] for d in short["diagnostics"]]
    path = folder / "ad.inmail"
    path.write_text("---\nkind: message-ad\ncta: Get the free hiring guide now\nsubject: Hi\n---\nHi Ana\n", "utf-8")
    _, opened = call(server, "GET", "/api/file?path=ad.inmail")
    assert opened["cta"] == "Get the free hiring guide now"
    edit = {"path": "ad.inmail", "base": opened["base"], "etag": opened["etag"], "subject": "Hi", "body": "Hi Ana"}
    status, saved = call(server, "POST", "/api/save", {**edit, "context": {"cta": "  Get   the guide "}})
    assert status == 200 and "IM106" not in [d["code"] for d in saved["diagnostics"]]
    assert path.read_text("utf-8") == "---\nkind: message-ad\ncta: Get the guide\nsubject: Hi\n---\nHi Ana\n"
    edit.update(base=saved["base"], etag=saved["etag"])
    status, _ = call(server, "POST", "/api/save", {**edit, "context": {"cta": ""}})
    assert status == 200 and path.read_text("utf-8") == "---\nkind: message-ad\nsubject: Hi\n---\nHi Ana\n"
    status, refused = call(server, "POST", "/api/lint", {**ad, "cta": ["a", "list"]})
    assert status == 400 and "cta" in refused["error"]
    status, refused = call(server, "POST", "/api/lint", {**ad, "cta": "x" * 5000})
    assert status == 400 and "button label" in refused["error"]
    _, listed = call(server, "GET", "/api/folder")
    assert [k["name"] for k in listed["kinds"] if k["cta"]] == ["message-ad"]


def test_save_as_never_overwrites(server: WebServer, folder: Path) -> None:
    new = {"create": True, "subject": "Hello", "body": "Hi Ana, one question?", "kind": "inmail"}
    status, created = call(server, "POST", "/api/save", {**new, "path": "fresh.inmail"})
    assert status == 200 and created["path"] == "fresh.inmail" and (folder / "fresh.inmail").is_file()
    before = (folder / "emoji.inmail").read_bytes()
    status, refused = call(server, "POST", "/api/save", {**new, "path": "emoji.inmail"})
    assert status == 409 and "exists already" in refused["error"]
    assert (folder / "emoji.inmail").read_bytes() == before
    status, _ = call(server, "POST", "/api/save", {**new, "path": "notes.txt"})
    assert status == 400
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_the_folder_lists_what_check_finds(server: WebServer) -> None:
    status, listing = call(server, "GET", "/api/folder")
    assert status == 200
    paths = {d["path"] for d in listing["drafts"]}
    assert {"emoji.inmail", "template.inmail", "good/pydata-talk.inmail", "bad/long-subject.inmail"} <= paths
    assert "rows.csv" in listing["tables"] and "profiles/ana-kowalski.yaml" in listing["profiles"]
    (template,) = [d for d in listing["drafts"] if d["path"] == "template.inmail"]
    assert template["template"] is True
    (long,) = [d for d in listing["drafts"] if d["path"] == "bad/long-subject.inmail"]
    assert long["warnings"] >= 5 and 0 < long["estimate"] < 0.2


def test_mail_merge_renders_each_row(server: WebServer) -> None:
    status, merged = call(server, "GET", "/api/merge?template=template.inmail&table=rows.csv")
    assert status == 200 and merged["total"] == 2
    first, second = merged["rows"]
    assert first["id"] == "a" and first["body"].startswith("Hi Ana, how is Globex")
    assert any(d["code"] == "IM301" for d in second["diagnostics"])  # the empty first_name


def test_credits_from_a_rate_or_the_folders_drafts(server: WebServer) -> None:
    status, plans = call(server, "GET", "/api/plans")
    name = plans["plans"][0]["name"]
    status, given = call(
        server, "POST", "/api/credits", {"plan": name, "per_month": 20, "months": 6, "response_rate": 0.2}
    )
    assert status == 200 and len(given["chart"]["balance"]) == 6 and given["response_rate_basis"] == "given"
    status, derived = call(server, "POST", "/api/credits", {"plan": name, "per_month": 20, "months": 6})
    assert status == 200 and "mean estimate" in derived["response_rate_basis"]


def test_splice_keeps_what_is_around_the_fields() -> None:
    source = "---\nkind: inmail  # a comment\nsubject: 'Old'\nrecipient: {name: Ana}\n---\n\nOld body.\n\n"
    spliced = splice(source, 'New: "quoted" subject', "New body\nline two")
    assert spliced.source == (
        '---\nkind: inmail  # a comment\nsubject: "New: \\"quoted\\" subject"\nrecipient: {name: Ana}\n---\n\n'
        "New body\nline two\n\n"
    )
    subject = spliced.fields["subject"]
    start = spliced.source.index("quoted")
    assert subject.to_field(start, start + 6) == (6, 12)
    assert splice(source, "Plain subject", None).source.startswith(
        "---\nkind: inmail  # a comment\nsubject: Plain subject\n"
    )


def test_the_command_starts_and_refuses_a_port_in_use(tmp_path: Path) -> None:
    web = WebServer(tmp_path)
    try:
        port = web.server_address[1]
        done = subprocess.run(
            [sys.executable, "-m", "inmail_lint", "web", str(tmp_path), "--port", str(port), "--no-browser"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2 and "cannot serve" in done.stderr
    finally:
        web.server_close()


def test_a_config_edited_while_the_page_is_open_takes_effect_when_the_folder_is_read_again(
    server: WebServer, folder: Path
) -> None:
    draft = {"subject": "A rather long subject line about your recent PyData talk", "body": "Hi Ana, one question?"}
    _, before = call(server, "POST", "/api/lint", draft)
    assert "IM201" in [d["code"] for d in before["diagnostics"]]
    config = folder / "inmail-lint.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\nignore = ["IM201"]\n', encoding="utf-8")
    assert call(server, "GET", "/api/folder")[0] == 200
    _, after = call(server, "POST", "/api/lint", draft)
    assert "IM201" not in [d["code"] for d in after["diagnostics"]]


def test_serving_beyond_this_machine_is_said_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--host other than loopback: a warning in red; on every interface any Host is taken (the token still
    guards the calls); the browser is opened only without --no-browser."""
    from inmail_lint.cli import web as web_command
    from inmail_lint.cli.main import main

    opened: list[str] = []
    started: list[WebServer] = []

    def serve(self: WebServer) -> None:
        started.append(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(WebServer, "serve_forever", serve)
    monkeypatch.setattr("webbrowser.open", opened.append)
    assert main(["web", str(tmp_path), "--host", "0.0.0.0"]) == 0
    err = capsys.readouterr().err
    assert "WARNING: serving on 0.0.0.0" in err and "token=" in err and len(opened) == 1
    assert started[0].any_host
    assert main(["web", str(tmp_path), "--no-browser"]) == 0
    err = capsys.readouterr().err
    assert "WARNING" not in err and "http://127.0.0.1:" in err and len(opened) == 1
    assert web_command._loopback("::1") and web_command._loopback("localhost") and not web_command._loopback("10.0.0.1")


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        pytest.param(
            "---\nsubject: Hi\nkind: inmail\n---\nHi Ana\n",
            {"kind": "open-profile"},
            "---\nsubject: Hi\nkind: open-profile\n---\nHi Ana\n",
            id="a key it has, replaced where it is",
        ),
        pytest.param(
            "---\nsubject: Hi\n---\nHi Ana\n",
            {"recipient": {"name": "Ana Kowalski"}},
            "---\nsubject: Hi\nrecipient: {name: Ana Kowalski}\n---\nHi Ana\n",
            id="a new key, before the closing fence",
        ),
        pytest.param(
            "---\nsubject: Hi\nrecipient:\n  name: Ana\n  company: Globex\nkind: inmail\n---\nHi Ana\n",
            {"recipient": None},
            "---\nsubject: Hi\nkind: inmail\n---\nHi Ana\n",
            id="a block value removed whole",
        ),
        pytest.param(
            "Subject: Your talk\r\n\r\nHi Ana, one question?\r\n",
            {"kind": "open-profile"},
            "---\r\nsubject: Your talk\r\nkind: open-profile\r\n---\r\nHi Ana, one question?\r\n",
            id="a header draft gets front matter, its subject moved in, CRLF kept",
        ),
        pytest.param("Hi Ana, one question?\n", {"recipient": None}, "Hi Ana, one question?\n", id="nothing to write"),
    ],
)
def test_the_side_panel_is_written_into_front_matter(source: str, values: dict[str, Any], expected: str) -> None:
    from inmail_lint.web.edit import with_front_matter

    assert with_front_matter(source, values) == expected


def test_the_folder_offers_only_tables_that_fill_a_template(server: WebServer, folder: Path) -> None:
    (folder / "tpl.inmail").write_text(
        "---\nsubject: About {{ company }}\ntemplate: true\n---\nHi {{ First Name }}, one question?\n",
        encoding="utf-8",
    )
    (folder / "people.csv").write_text("First Name,company\nAna,Globex\n", encoding="utf-8")
    (folder / "history.csv").write_text("subject,body,responded\nHi,Hello,1\n", encoding="utf-8")
    status, listing = call(server, "GET", "/api/folder")
    assert status == 200 and "people.csv" in listing["tables"] and "history.csv" not in listing["tables"]


EXTENSION = "kifkoimaegnkolhpmanpolckhooabfom"  # extension/manifest.json's key gives this id
OTHER_EXTENSION = "a" * 32


@pytest.fixture
def paired(folder: Path) -> Iterator[WebServer]:
    with serving(folder, (EXTENSION,)) as web:
        yield web


def test_a_paired_extension_may_lint_what_it_sends_and_nothing_else(paired: WebServer, server: WebServer) -> None:
    origin = {"Origin": f"chrome-extension://{EXTENSION}", "Sec-Fetch-Site": "none"}
    draft = {"subject": "Your talk", "body": "Hi Ana, one question?", "kind": "inmail", "recipient": {"name": "Ana"}}
    status, answer = call(paired, "POST", "/api/lint", draft, headers=origin)
    assert status == 200 and "diagnostics" in answer and answer["estimate"] is not None
    # the same call from a server not paired with it, with a wrong token, or from another extension: refused
    assert call(server, "POST", "/api/lint", draft, headers=origin)[0] == 403
    assert call(paired, "POST", "/api/lint", draft, headers={**origin, TOKEN_HEADER: "wrong"}, token=False)[0] == 403
    status, _ = call(paired, "POST", "/api/lint", draft, headers={"Origin": f"chrome-extension://{OTHER_EXTENSION}"})
    assert status == 403
    # a paired extension reads and writes no file: no folder, no file, no save, no lint of a file by path
    for method, path, body in [
        ("GET", "/api/folder", None),
        ("GET", '/api/file?path="good/pydata-talk.inmail"', None),
        ("GET", "/", None),
        ("POST", "/api/save", {**draft, "path": "x.inmail", "create": True}),
        ("POST", "/api/lint", {**draft, "path": "good/pydata-talk.inmail", "base": ""}),
        ("POST", "/api/credits", {"plan": "premium-career"}),
    ]:
        status, answer = call(paired, method, path, body, headers=origin)
        assert status == 403 and "only lint" in answer["error"], (method, path)
    # the page itself is unchanged for every other caller
    assert call(paired, "POST", "/api/lint", draft, headers={"Origin": "https://evil.example"})[0] == 403
    assert call(paired, "GET", "/api/folder")[0] == 200


def test_an_extension_id_must_be_one(folder: Path, cli: Any) -> None:
    with pytest.raises(ValueError, match="not an extension id"):
        WebServer(folder, extensions=("not-an-id",))
    status, _, err = cli("web", "--no-browser", "--allow-extension", "nope", str(folder))
    assert status == 2 and "not an extension id" in err


def test_a_profile_file_is_read_as_linting_reads_it(server: WebServer, folder: Path) -> None:
    """The side panel shows a chosen profile's fields (greyed): the ones a draft naming it is linted with."""
    status, answer = call(server, "GET", "/api/profile?path=%22profiles/ana-kowalski.yaml%22")
    assert status == 200 and answer["problem"] is None and answer["path"] == "profiles/ana-kowalski.yaml"
    assert answer["fields"]["name"] == "Ana Kowalski" and answer["fields"]["groups"] == ["PyData Warsaw"]
    (folder / "profiles" / "broken.yaml").write_text("name: [not, text]\n", encoding="utf-8")
    status, answer = call(server, "GET", "/api/profile?path=profiles/broken.yaml")
    assert status == 200 and answer["fields"] is None
    assert answer["problem"] == "profiles/broken.yaml field 'name' must be text"


def test_a_profile_rewritten_with_its_old_size_and_time_is_read_again(server: WebServer, folder: Path) -> None:
    """A profile is kept by its file's version: a rewrite of the same size that puts the modification time back
    (a sync tool, an editor that keeps times) is still a new version (its change time moved), never the old
    fields."""
    profile = folder / "profiles" / "same-size.yaml"
    profile.write_text("name: Ana Kowalski\n", encoding="utf-8")
    _, answer = call(server, "GET", "/api/profile?path=profiles/same-size.yaml")
    assert answer["fields"] == {"name": "Ana Kowalski"}
    before = profile.stat()
    profile.write_text("name: Eva Kowalski\n", encoding="utf-8")  # the same number of bytes
    os.utime(profile, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (profile.stat().st_size, profile.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    _, answer = call(server, "GET", "/api/profile?path=profiles/same-size.yaml")
    assert answer["fields"] == {"name": "Eva Kowalski"}
