"""Generated hostile input against the entry points a stranger can reach, for a bounded number of examples (the
same ones every run; HYPOTHESIS_PROFILE=explore searches further): the page's API over HTTP, the language
server over its wire, and both template engines. Each must answer (a result, or a 4xx / an LSP error / a
TemplateError) and go on: never a 500, a traceback, a dead server or an unbounded rendering."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inmail_lint.draft.document import Field
from inmail_lint.draft.template_engines import MAX_OUTPUT, TemplateError, render
from inmail_lint.web.httpd import WebServer

from .conftest import page_call, serving

DRAFT = "Subject: Your PyData talk\n\nHi Ana, Jane Doe suggested I write. One question?\n"

# JSON of any shape, with the hostile values an attacker reaches for
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["../../etc/passwd", "/etc/passwd", "a.inmail", "\u202e", "{{ 9 ** 9 }}", "x" * 300, "inmail"]),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
KEYS = ["subject", "body", "path", "base", "kind", "recipient", "index", "code", "etag", "create"]
REQUESTS = st.dictionaries(st.sampled_from(KEYS), JSON, max_size=6) | st.dictionaries(st.text(max_size=8), JSON)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    folder = tmp_path_factory.mktemp("page")
    (folder / "a.inmail").write_text(DRAFT, encoding="utf-8")
    with serving(folder) as web:
        yield web


@pytest.mark.parametrize("route", ["/api/lint", "/api/fix", "/api/save", "/api/credits"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=REQUESTS)
def test_the_page_answers_any_request(page: WebServer, route: str, request: dict[str, Any]) -> None:
    before = (page.workspace.folder / "a.inmail").read_bytes()
    status, answer = page_call(page, "POST", route, request)
    assert status == 200 or 400 <= status < 500, (status, answer)
    assert isinstance(answer, dict)
    if route == "/api/save" and status == 200 and not request.get("create"):
        pytest.fail(f"a save went through without the file's etag: {request!r}")
    assert (page.workspace.folder / "a.inmail").read_bytes() == before


# --- the language server -------------------------------------------------------------------------------------------

METHODS = [
    "textDocument/hover",
    "textDocument/codeAction",
    "textDocument/codeLens",
    "textDocument/didChange",
    "textDocument/didOpen",
    "workspace/executeCommand",
    "textDocument/completion",
    "$/cancelRequest",
]
MESSAGES = st.lists(
    st.fixed_dictionaries(
        {"method": st.sampled_from(METHODS), "params": JSON, "id": st.one_of(st.none(), st.integers(1, 10**6))}
    ),
    min_size=1,
    max_size=12,
)


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


@settings(max_examples=8, deadline=None)
@given(messages=MESSAGES)
def test_the_language_server_answers_any_request_and_goes_on(
    messages: list[dict[str, Any]], tmp_path_factory: Any
) -> None:
    start = [
        {"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": {"capabilities": {}, "processId": None}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": "file:///x.inmail", "languageId": "inmail", "version": 1, "text": DRAFT}
            },
        },
    ]
    sent = []
    for m in messages:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": m["method"], "params": m["params"]}
        if m["id"] is not None:
            message["id"] = m["id"]
        sent.append(message)
    end = [{"jsonrpc": "2.0", "id": "bye", "method": "shutdown"}, {"jsonrpc": "2.0", "method": "exit"}]
    data = b"".join(_frame(m) for m in [*start, *sent, *end])
    done = subprocess.run(
        [sys.executable, "-m", "inmail_lint", "server"],
        input=data,
        capture_output=True,
        timeout=120,
        cwd=tmp_path_factory.mktemp("lsp"),
    )
    answered = set()
    for chunk in done.stdout.split(b"Content-Length: ")[1:]:
        message = json.loads(chunk.split(b"\r\n\r\n", 1)[1])
        if "id" in message and ("result" in message or "error" in message):
            answered.add(message["id"])
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert "bye" in answered and "init" in answered
    assert "Traceback" not in done.stderr.decode(), done.stderr.decode()[-2000:]


# --- the template engines --------------------------------------------------------------------------------------------

NUMBER = st.sampled_from(["2", "200", "1000", "100000", "-1", "10**9", "9 ** 9"])
TEXT = st.sampled_from(["'x'", "'abc' * 3", "name", "(name ~ name)", "''"])
JINJA_PARTS = st.recursive(
    st.one_of(
        st.builds(lambda t: f"{{{{ {t} }}}}", TEXT),
        st.builds(lambda n, t: f"{{{{ {n} * {t} }}}}", NUMBER, TEXT),
        st.builds(lambda t, n: f"{{{{ {t} * {n} }}}}", TEXT, NUMBER),
        st.just("plain text "),
    ),
    lambda inner: st.one_of(
        st.builds(lambda n, b: f"{{% for i in range({n}) %}}{b}{{% endfor %}}", NUMBER, inner),
        st.builds(lambda t, b: f"{{% for c in {t} %}}{b}{{% endfor %}}", TEXT, inner),
        st.builds(lambda a, b: a + b, inner, inner),
        st.builds(lambda b: f"{{% if name %}}{b}{{% endif %}}", inner),
    ),
    max_leaves=8,
)
LIQUID_PARTS = st.recursive(
    st.one_of(
        st.just("{{ name }}"),
        st.just("{{ name | append: name }}"),
        st.just("{% assign s = s | append: s %}"),
        st.just("{{ s }}"),
        st.just("plain "),
    ),
    lambda inner: st.one_of(
        st.builds(
            lambda n, b: f"{{% for i in (1..{n}) %}}{b}{{% endfor %}}",
            st.sampled_from(["2", "50", "200", "100000"]),
            inner,
        ),
        st.builds(lambda a, b: a + b, inner, inner),
        st.builds(lambda b: f"{{% capture s %}}{b}{b}{{% endcapture %}}", inner),
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(body=JINJA_PARTS, name=st.text(max_size=30))
def test_a_jinja_rendering_stays_within_its_budget(body: str, name: str) -> None:
    _bounded(body, "jinja", name)


@settings(max_examples=150, deadline=None)
@given(body=LIQUID_PARTS, name=st.text(max_size=30))
def test_a_liquid_rendering_stays_within_its_budget(body: str, name: str) -> None:
    _bounded("{% assign s = 'abcdefghij' %}" + body, "liquid", name)


def _bounded(body: str, engine: str, name: str) -> None:
    field = Field("body", body, 0, len(body))
    try:
        rendering = render(field, engine, {"name": name})
    except TemplateError:
        return
    assert len(rendering.field.text) <= MAX_OUTPUT
