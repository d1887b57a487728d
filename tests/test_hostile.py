"""Hostile input: any bytes give a report quickly, front matter is parsed safely, patterns cannot hang the
linter, and a language-server session opens no socket."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from inmail_lint.api import lint_bytes
from inmail_lint.config.settings import parse_config
from inmail_lint.draft.parse import parse
from inmail_lint.engine.linter import Linter

from .conftest import team_rule

Run = Callable[..., tuple[int, str, str]]
MIB = 1024 * 1024
# No test asserts how fast: a busy machine is not a bug. HANG is a ceiling only a hang (or work that grows far
# faster than the input) would reach; how fast each hostile input is linted is measured by
# benchmarks/hostile.py and recorded in the README ("Reliability").
HANG = 60.0

HOSTILE: dict[str, bytes] = {
    "binary": bytes(range(256)) * 100,
    "nul": b"Subject: hi\n\nbody\x00more",
    "invalid-utf8": b"Subject: caf\xe9\n\nhi",
    "lone-surrogate": b"Subject: hi\n\n\xed\xa0\x80 lone surrogate",
    "mixed-line-endings": b"Subject: hi\r\n\rbody\rline\nline\r\n\n\r",
    "bom": "\ufeff---\nsubject: hi\n---\nbody".encode(),
    "zero-width-and-rtl": ("Subject: h\u200bi\u202e\n\n" + "Hi \u200fAna\u200b, one question?\u2066 " * 2000).encode(),
    "thousands-of-emojis": ("Subject: 🚀\n\n" + "🚀👩\u200d💻🇵🇱" * 20000).encode()[: MIB - 10],
    "long-line": ("Subject: x\n\n" + "word " * 200000).encode()[: MIB - 10],
    "long-word": ("Subject: x\n\n" + "a" * (MIB - 20)).encode(),
    "open-braces": ("Subject: x\n\n" + "{{" * 450000).encode(),
    "open-brackets": ("Subject: x\n\n" + "[" * (MIB - 20)).encode(),
    "spaces": ("Subject: x\n\n" + " " * 900 * 1024 + "hi").encode(),
    "newlines": ("Subject: x\n\nhi" + "\n" * 900000 + "hi").encode(),
    "capitals": ("Subject: x\n\n" + "SHOUT " * 170000).encode(),
    "question-marks": ("Subject: x\n\n" + "?" * (MIB - 20)).encode(),
    "quotes": ("Subject: x\n\n" + '"' * (MIB - 20)).encode(),
    "sentences": ("Subject: x\n\n" + ". " * 500000).encode(),
    "cliches": ("Subject: x\n\n" + "I hope this message finds you well. " * 28000).encode(),
    "exclamations": ("Subject: " + "!" * 500000 + "\n\nHi!").encode(),
    "long-subject-greeting": ("Subject: Hi" + " ," * 200000 + "\n\nHi" + " !" * 200000).encode(),
    "over-1-mib": b"a" * (MIB + 1),
    "deep-yaml": ("---\nrecipient: " + "[" * 5000 + "]" * 5000 + "\n---\nhi").encode(),
    "alias-bomb": b"---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    b"c: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n---\nhi",
    "many-keys": ("---\n" + "".join(f"k{i}: v\n" for i in range(40000)) + "---\nhi").encode(),
    "python-tag": b"---\nsubject: !!python/object/apply:os.system ['echo pwned']\n---\nhi",
    "unclosed-front-matter": ("---\nsubject: x\n" + "a: b\n" * 50000).encode(),
    "template-placeholders": ("---\ntemplate: true\nsubject: x\n---\n" + "{{a}} " * 100000).encode(),
    "nested-template-blocks": (
        "---\ntemplate: true\nsubject: x\n---\n" + "{% if a %}{{#if b}}x" * 25000 + "{{/if}}{% endif %}" * 25000
    ).encode(),
    "open-liquid-tags": ("---\ntemplate: true\nsubject: x\n---\n" + "{% " * 300000).encode(),
    # IM002's two hints read the rest of a line: a run of spaces there once made a pattern quadratic
    "subject-comment-spaces": ("---\nsubject: a #" + " " * 900000 + "x\n---\nhi").encode(),
    "subject-colon-spaces": ("---\nsubject: a: b" + " " * 900000 + "x\n---\nhi").encode(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_any_bytes_give_a_report(name: str) -> None:
    lint_bytes(b"Subject: warm up\n\nHi Ana, one question?\n")
    start = time.perf_counter()
    result = lint_bytes(HOSTILE[name], f"{name}.inmail")
    elapsed = time.perf_counter() - start
    assert result.error is None
    assert elapsed < HANG, f"{name} took {elapsed:.2f} s: it hangs"


def test_over_1_mib_is_not_parsed() -> None:
    result = lint_bytes(HOSTILE["over-1-mib"])
    [d] = result.diagnostics
    assert d.code == "IM001" and "over 1 MiB" in d.message and result.fields == {}


def test_a_folder_of_hostile_files_from_the_command_line(cli: Run, tmp_path: Path) -> None:
    for name, data in HOSTILE.items():
        (tmp_path / f"{name}.inmail").write_bytes(data)
    status, out, err = cli("check", ".", "--output-format", "concise", "--isolated", cwd=tmp_path)
    assert status == 1
    assert "Traceback" not in out + err and "internal error" not in err
    assert out.splitlines()[-1].endswith(f"of {len(HOSTILE)} drafts.")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("---\nsubject: !!python/object/apply:os.system ['echo x']\n---\nhi\n", "tag", id="object tag"),
        pytest.param("---\na: &a [1]\nb: *a\n---\nhi\n", "aliases", id="alias"),
        pytest.param("---\nrecipient: " + "{a: " * 30 + "1" + "}" * 30 + "\n---\nhi\n", "nested", id="deep"),
    ],
)
def test_front_matter_is_parsed_safely(text: str, fragment: str) -> None:
    draft = parse(text)
    assert not draft.readable and fragment in draft.problems[0].message


# Built-in patterns against strings built to make backtracking regular expressions crawl.
ADVERSARIAL = [
    "{" * 50000,
    "[" * 50000,
    "<" * 50000,
    "%A" * 25000,
    "__A" * 20000,
    "X" * 50000,
    "$" + "{" * 50000,
    "*|" * 25000,
    "my name is " + "a " * 20000,
    "Re: " * 20000,
    "re " * 30000 + ":",
    "your " * 20000,
    " " * 50000 + "x",
    "\n \n" * 20000,
    "Hi " + "A " * 20000 + ",",
    "a-" * 30000,
]


@pytest.mark.parametrize("index", range(len(ADVERSARIAL)))
def test_built_in_patterns_finish_on_adversarial_strings(index: int) -> None:
    text = ADVERSARIAL[index]
    config = parse_config({}, None, Path.cwd())
    linter = Linter(config)
    start = time.perf_counter()
    linter.lint(parse(f"Subject: {text[:5000]}\n\n{text}"))
    assert time.perf_counter() - start < HANG


def test_a_catastrophic_team_pattern_is_stopped(cli: Run, tmp_path: Path) -> None:
    team_rule(
        tmp_path,
        "slow",
        "code: TM001\nname: slow\ntype: existence\nsummary: s\npatterns: ['(a|aa)+$']\nmessage: m\n"
        "examples: {pass: [x], fail: [aaa]}\n",
    )
    (tmp_path / "a.inmail").write_text("Subject: Hi\n\n" + "a" * 60 + "!\n", encoding="utf-8")
    start = time.perf_counter()
    _status, _out, err = cli("check", "a.inmail", "--output-format", "concise", cwd=tmp_path)
    assert time.perf_counter() - start < HANG
    assert "TM001: the pattern in key 'patterns[0]' took over 0.25 s on the body and was stopped" in err
    assert "Traceback" not in err


def test_a_language_server_session_opens_no_socket(tmp_path: Path) -> None:
    """The server's whole session (initialize, open, code action, shutdown) with connecting, name lookup and
    new sockets refused after start-up."""
    import json
    import subprocess

    code = (
        "import socket, sys\n"
        "from inmail_lint.analysis.nlp import get_nlp\n"
        "from inmail_lint.analysis.readability import flesch_kincaid_grade\n"
        "get_nlp(); flesch_kincaid_grade('Warm up.')\n"
        "def refuse(*a, **k):\n    sys.stderr.write('SOCKET USED\\n'); raise OSError('no network')\n"
        "socket.socket.connect = refuse\nsocket.getaddrinfo = refuse\nsocket.create_connection = refuse\n"
        "init = socket.socket.__init__\n"
        "def guarded(self, family=-1, *a, **k):\n"
        "    if family in (socket.AF_INET, socket.AF_INET6):\n        refuse()\n"
        "    init(self, family, *a, **k)\n"
        "socket.socket.__init__ = guarded  # the event loop's own local socketpair is allowed\n"
        "from inmail_lint.lsp.server import main\nmain()\n"
    )
    draft = tmp_path / "a.inmail"
    draft.write_text("Subject: Re: hi\n\nDear Sir/Madam, we sell tools.\n", encoding="utf-8")

    def message(payload: dict[str, object]) -> bytes:
        body = json.dumps({"jsonrpc": "2.0", **payload}).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    uri = draft.as_uri()
    stream = b"".join(
        [
            message(
                {
                    "id": 1,
                    "method": "initialize",
                    "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}},
                }
            ),
            message({"method": "initialized", "params": {}}),
            message(
                {
                    "method": "textDocument/didOpen",
                    "params": {
                        "textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": draft.read_text()}
                    },
                }
            ),
            message(
                {
                    "id": 2,
                    "method": "textDocument/codeAction",
                    "params": {
                        "textDocument": {"uri": uri},
                        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}},
                        "context": {"diagnostics": []},
                    },
                }
            ),
            message({"id": 3, "method": "shutdown"}),
            message({"method": "exit"}),
        ]
    )
    done = subprocess.run([sys.executable, "-c", code], input=stream, capture_output=True, timeout=120)
    assert b"SOCKET USED" not in done.stderr, done.stderr
    assert b"publishDiagnostics" in done.stdout and b"IM410" in done.stdout
