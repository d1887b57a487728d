"""The language server's wire, with a raw JSON-RPC client: a wrong or absurd Content-Length, requests before
initialize and after shutdown, and exit without shutdown behave as the LSP specification says, and the server
keeps answering or ends cleanly. (pygls trusted the length: too long and the server went deaf, huge and it
died of a MemoryError.)"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from typing import Any

import pytest

pytest.importorskip("pygls")

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"processId": None, "rootUri": None, "capabilities": {}},
}
SHUTDOWN = {"jsonrpc": "2.0", "id": 2, "method": "shutdown"}
HOVER = {
    "jsonrpc": "2.0",
    "id": 3,
    "method": "textDocument/hover",
    "params": {"textDocument": {"uri": "file:///x.inmail"}, "position": {"line": 0, "character": 0}},
}


def frame(message: dict[str, Any], length: int | None = None) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body) if length is None else length}\r\n\r\n".encode() + body


class Client:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "inmail_lint", "server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._buffer = b""

    def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def responses(self, ids: set[int], timeout: float = 60) -> dict[int, dict[str, Any]]:
        """The responses to these request ids (a ceiling only a deaf server reaches)."""
        assert self.process.stdout is not None
        found: dict[int, dict[str, Any]] = {}
        deadline = time.monotonic() + timeout
        while not ids <= set(found) and time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 65536)
                if not chunk:
                    break
                self._buffer += chunk
            while b"\r\n\r\n" in self._buffer:
                head, rest = self._buffer.split(b"\r\n\r\n", 1)
                match = re.search(rb"Content-Length: *(\d+)", head)
                assert match is not None
                length = int(match.group(1))
                if len(rest) < length:
                    break
                message = json.loads(rest[:length])
                self._buffer = rest[length:]
                if isinstance(message.get("id"), int):
                    found[message["id"]] = message
        return found

    def close(self) -> str:
        self.process.kill()
        self.process.wait(10)
        assert self.process.stderr is not None
        return self.process.stderr.read().decode()


@pytest.fixture
def client() -> Any:
    c = Client()
    yield c
    c.close()


def test_a_request_before_initialize_is_server_not_initialized(client: Client) -> None:
    client.send(frame({**HOVER, "id": 7}))
    assert client.responses({7})[7]["error"]["code"] == -32002


def test_a_request_after_shutdown_is_invalid_request(client: Client) -> None:
    client.send(frame(INIT) + frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}) + frame(SHUTDOWN))
    client.send(frame(HOVER))
    answered = client.responses({1, 2, 3})
    assert "result" in answered[2] and answered[3]["error"]["code"] == -32600


@pytest.mark.parametrize(("shutdown", "status"), [(True, 0), (False, 1)])
def test_exit_ends_the_process_with_the_status_the_specification_gives(shutdown: bool, status: int) -> None:
    client = Client()
    client.send(frame(INIT) + (frame(SHUTDOWN) if shutdown else b"") + frame({"jsonrpc": "2.0", "method": "exit"}))
    assert client.process.wait(60) == status
    client.close()


@pytest.mark.parametrize("wrong", [+40, -10], ids=["too long", "too short"])
def test_a_wrong_content_length_leaves_the_server_answering(client: Client, wrong: int) -> None:
    body = json.dumps(INIT).encode()
    client.send(frame(INIT, len(body) + wrong))
    time.sleep(0.2)
    client.send(frame(SHUTDOWN))
    answered = client.responses({1, 2})
    assert "capabilities" in answered[1]["result"] and "result" in answered[2]


def test_an_absurd_content_length_is_ignored_not_allocated(client: Client) -> None:
    client.send(b"Content-Length: 99999999999999\r\n\r\n{}" + frame(INIT) + frame(SHUTDOWN))
    answered = client.responses({1, 2})
    assert set(answered) == {1, 2}
    assert client.process.poll() is None
    assert "MemoryError" not in client.close()


def test_bytes_that_are_no_message_are_dropped_up_to_the_next_one(client: Client) -> None:
    client.send(b"Content-Length: 12\r\n\r\nnot json at all" + frame(INIT))
    assert "result" in client.responses({1})[1]


def test_a_change_to_a_document_never_opened_is_ignored_quietly(client: Client) -> None:
    change = {
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": {
            "textDocument": {"uri": "file:///never-opened.inmail", "version": 2},
            "contentChanges": [{"text": "Subject: hi\n\nHi"}],
        },
    }
    client.send(frame(INIT) + frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}) + frame(change))
    client.send(frame(SHUTDOWN))
    assert set(client.responses({1, 2})) == {1, 2}
    stderr = client.close()
    assert "KeyError" not in stderr and "never opened" in stderr
