"""Directives in a draft's body (``<!-- inmail-lint: ignore CODES -- reason -->``): they silence one finding,
are never part of the message, are refused without codes, are reported when they silence nothing, and
survive --fix and the page's Save."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from inmail_lint.api import lint_text
from inmail_lint.config.settings import default_config

from .conftest import page_call, serving

SELF_FOCUSED = "We are a startup. Our platform is great and we love our customers. I think our team and I can help."
DRAFT = f"""Subject: Your PyData talk

Hi Ana,

<!-- inmail-lint: ignore IM404 -- a founder's intro is about the founder -->
{SELF_FOCUSED} Could I ask about your talk?

Tom
"""


def codes(text: str) -> list[str]:
    return [d.code for d in lint_text(text, "d.inmail", config=default_config(Path.cwd())).diagnostics]


def test_a_directive_silences_its_rule_on_the_next_line() -> None:
    without = DRAFT.replace("<!-- inmail-lint: ignore IM404 -- a founder's intro is about the founder -->\n", "")
    assert "IM404" in codes(without)
    assert "IM404" not in codes(DRAFT)
    assert "IM004" not in codes(DRAFT) and "IM003" not in codes(DRAFT)


def test_a_directive_two_lines_above_the_finding_silences_nothing_and_is_reported() -> None:
    moved = DRAFT.replace("-->\n", "-->\n\n")
    found = codes(moved)
    assert "IM404" in found and "IM004" in found


def test_stacked_directives_each_apply_to_the_next_line_of_text() -> None:
    stacked = DRAFT.replace(
        "<!-- inmail-lint: ignore IM404",
        "<!-- inmail-lint: ignore IM304 -- none shared -->\n<!-- inmail-lint: ignore IM404",
    )
    found = codes(stacked)
    assert "IM404" not in found and "IM004" not in found


def test_a_directive_is_not_part_of_the_message() -> None:
    result = lint_text(DRAFT, "d.inmail", config=default_config(Path.cwd()))
    plain = lint_text(DRAFT.replace(DRAFT.splitlines()[4] + "\n", ""), "d.inmail", config=default_config(Path.cwd()))
    assert result.fields["body"].counts == plain.fields["body"].counts  # not counted
    assert "IM301" not in codes(DRAFT)  # a comment is a placeholder elsewhere; a directive is not one
    # silenced, not free: the estimate still reads IM404
    assert result.estimate is not None and plain.estimate is not None
    assert result.estimate.probability == plain.estimate.probability


def test_ignore_without_codes_is_refused_and_silences_nothing() -> None:
    bare = DRAFT.replace("ignore IM404 -- a founder's intro is about the founder", "ignore")
    found = codes(bare)
    assert "IM003" in found and "IM404" in found


def test_positions_after_a_directive_point_at_the_file() -> None:
    result = lint_text(DRAFT, "d.inmail", config=default_config(Path.cwd()))
    lines = DRAFT.splitlines()
    for d in result.diagnostics:
        if d.field == "body" and d.location is not None and d.end_location is not None:
            line = lines[d.location.row - 1]
            assert "inmail-lint:" not in line, (d.code, line)


def test_fix_leaves_directives_alone(tmp_path: Path, cli: Callable[..., tuple[int, str, str]]) -> None:
    draft = tmp_path / "d.inmail"
    text = (
        "Subject: Your talk\n\n<!-- inmail-lint: ignore IM304 -- none -->\nHi Ana,  one question  about your talk? \n"
    )
    draft.write_text(text, encoding="utf-8")
    status, out, err = cli("check", "--no-cache", "--fix", "--isolated", str(draft))
    assert status in (0, 1), out + err
    fixed = draft.read_text(encoding="utf-8")
    assert "<!-- inmail-lint: ignore IM304 -- none -->\n" in fixed
    assert fixed != text  # the stray spaces were fixed around it


def test_the_page_keeps_directives_on_save(tmp_path: Path) -> None:
    draft = tmp_path / "d.inmail"
    draft.write_text(DRAFT, encoding="utf-8")
    with serving(tmp_path) as web:
        status, opened = page_call(web, "GET", "/api/file?path=d.inmail")
        assert status == 200
        assert "<!-- inmail-lint: ignore IM404" in opened["fields"]["body"]
        edit = {"path": "d.inmail", "base": opened["base"], "etag": opened["etag"]}
        body = opened["fields"]["body"].replace("Could I ask", "May I ask")
        status, _ = page_call(web, "POST", "/api/save", {**edit, "subject": opened["fields"]["subject"], "body": body})
        assert status == 200
    saved = draft.read_text(encoding="utf-8")
    assert "<!-- inmail-lint: ignore IM404 -- a founder's intro is about the founder -->\n" in saved
    assert "May I ask" in saved


def test_a_directive_in_a_file_with_carriage_returns_only() -> None:
    old_mac = DRAFT.replace("\n", "\r")
    assert "IM404" not in codes(old_mac)
    assert "IM404" in codes(old_mac.replace("-->\r", "-->\r\r"))  # two lines above: it silences nothing
