from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from inmail_lint.draft.decode import decode
from inmail_lint.draft.parse import parse
from inmail_lint.util.yamlsafe import FAST_LOADER
from inmail_lint.util.yamlsafe import MAX_DEPTH as MAX_YAML_DEPTH
from inmail_lint.util.yamlsafe import check_events as _check_events
from inmail_lint.util.yamlsafe import event_pass as _event_pass

from .conftest import codes


def test_front_matter_form() -> None:
    text = "---\nsubject: Your PyData talk\nkind: connection-note\ntemplate: false\n---\n\nHi Ana,\n\nThanks\n\n"
    draft = parse(text)
    assert draft.style == "front-matter"
    assert draft.subject is not None and draft.subject.text == "Your PyData talk"
    assert text[draft.subject.start : draft.subject.end] == "Your PyData talk"
    assert draft.body.text == "Hi Ana,\n\nThanks"
    assert text[draft.body.start : draft.body.end] == "Hi Ana,\n\nThanks"
    assert draft.kind == "connection-note"
    assert draft.template is False
    assert draft.readable and not draft.problems


def test_header_form() -> None:
    draft = parse("Subject:  Quick question  \n\nHi Ana,\nthanks\n")
    assert draft.style == "header"
    assert draft.subject is not None and draft.subject.text == "Quick question"
    assert draft.body.text == "Hi Ana,\nthanks"


def test_header_form_without_blank_line_and_any_case() -> None:
    draft = parse("subject: Quick question\nHi Ana\n")
    assert draft.subject is not None and draft.subject.text == "Quick question"
    assert draft.body.text == "Hi Ana"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Subject line: Quick question\n\nHi Ana\n", id="'Subject line:'"),
        pytest.param("SUBJECT LINE : Quick question\n\nHi Ana\n", id="any case, space before the colon"),
        pytest.param("\n  \r\nSubject: Quick question\n\nHi Ana\n", id="after blank lines"),
        pytest.param("**Subject:** Quick question\n\nHi Ana\n", id="Markdown bold, colon inside"),
        pytest.param("**Subject**: Quick question\n\nHi Ana\n", id="Markdown bold, colon outside"),
        pytest.param("**Subject: Quick question**\n\nHi Ana\n", id="Markdown bold around the whole line"),
        pytest.param("To: Ana Kowalski\nSubject: Quick question\n\nHi Ana\n", id="a To: line first"),
        pytest.param("From: Jo\r\nSubject: Quick question\r\nCc: Lee <lee@x.io>\r\nHi Ana\r\n", id="header block"),
    ],
)
def test_header_forms_people_write(text: str) -> None:
    draft = parse(text)
    assert draft.style == "header"
    assert draft.subject is not None and draft.subject.text == "Quick question"
    assert text[draft.subject.start : draft.subject.end] == "Quick question"
    assert draft.body.text == "Hi Ana"


@pytest.mark.parametrize(
    ("to", "name"),
    [
        pytest.param("Marta Kowalczyk", "Marta Kowalczyk", id="a name"),
        pytest.param('"Marta Kowalczyk" <marta@allegro.pl>', "Marta Kowalczyk", id="a name and an address"),
        pytest.param("Marta Kowalczyk (Allegro)", "Marta Kowalczyk", id="a name and a note"),
        pytest.param("marta@allegro.pl", None, id="an address alone"),
        pytest.param("Marta Kowalczyk, Jan Nowak", None, id="two people"),
        pytest.param("", None, id="blank"),
    ],
)
def test_a_to_line_names_the_recipient(to: str, name: str | None) -> None:
    draft = parse(f"To: {to}\nSubject: Quick question\n\nHi Marta\n")
    assert draft.meta.get("recipient") == ({"name": name} if name else None)


def test_a_to_line_without_a_subject_line_is_body() -> None:
    draft = parse("To: the hiring team\n\nHi all\n")
    assert draft.style == "plain" and draft.subject is None and "recipient" not in draft.meta
    assert draft.body.text.startswith("To: the hiring team")


def test_a_to_line_is_checked_against_the_greeting() -> None:
    found = codes("To: Marta Kowalczyk\nSubject: Your search talk\n\nHi Mark, one question about it?\n")
    assert "IM306" in found
    assert "IM306" not in codes("To: Marta Kowalczyk\nSubject: Your search talk\n\nHi Marta, one question?\n")


def test_front_matter_must_open_the_file() -> None:
    draft = parse("\n---\nsubject: Hi\n---\nHi Ana\n")
    assert draft.style == "plain" and draft.subject is None


def test_plain_form_has_no_subject() -> None:
    draft = parse("Hi Ana,\n\nWould you have ten minutes?\n")
    assert draft.style == "plain"
    assert draft.subject is None
    assert draft.body.text == "Hi Ana,\n\nWould you have ten minutes?"


def test_a_line_mentioning_subject_later_is_body() -> None:
    draft = parse("Hi Ana,\nSubject: not a header here\n")
    assert draft.subject is None


def test_crlf_is_normalised_and_offsets_point_into_the_file() -> None:
    text = "Subject: Hi\r\n\r\nline one\r\nline two\r\n"
    draft = parse(text)
    body = draft.body
    assert body.text == "line one\nline two"
    # the "l" of "line two" is at file offset of "line two"
    i = body.text.index("line two")
    assert body.to_file(i) == text.index("line two")
    assert body.to_file(len(body.text)) == text.index("line two") + len("line two")


def test_bare_cr_line_endings() -> None:
    draft = parse("Subject: Hi\r\rone\rtwo\r")
    assert draft.subject is not None and draft.subject.text == "Hi"
    assert draft.body.text == "one\ntwo"


def test_leading_and_trailing_blank_lines_are_not_part_of_the_body() -> None:
    draft = parse("Subject: Hi\n\n\n   \n  Hi Ana  \n\n \n")
    assert draft.body.text == "  Hi Ana  "


def test_blank_body() -> None:
    draft = parse("Subject: Hi\n\n   \n\n")
    assert draft.body.text == ""


def test_bom_is_dropped() -> None:
    text, problem, bom = decode("\ufeffSubject: Hi\n\nBody\n".encode())
    assert problem is None and bom
    assert text is not None and text.startswith("Subject")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        pytest.param("Caf\u00e9".encode("latin-1"), "not UTF-8", id="latin-1"),
        pytest.param(b"abc\x00def", "NUL byte", id="nul"),
        pytest.param(b"\xff\xfeH\x00i\x00", "UTF-16", id="utf-16"),
        pytest.param(b"a" * (1024 * 1024 + 1), "over 1 MiB", id="too large"),
        pytest.param(b"\xed\xa0\x80", "not UTF-8", id="lone surrogate"),
    ],
)
def test_decode_problems(data: bytes, fragment: str) -> None:
    text, problem, _ = decode(data)
    assert text is None
    assert problem is not None and fragment in problem


def test_exactly_one_mib_is_read() -> None:
    text, problem, _ = decode(b"a" * (1024 * 1024))
    assert problem is None and text is not None


@pytest.mark.parametrize(
    ("text", "fragment", "row_text"),
    [
        pytest.param("---\nsubject: Hi\n\nHi Ana\n", "never closed", "---", id="unclosed"),
        pytest.param("---\nsubject: [a\n---\nHi\n", "not valid YAML", "subject: [a", id="invalid yaml"),
        pytest.param("---\n- a\n- b\n---\nHi\n", "must be a mapping", "- a", id="list"),
        pytest.param("---\njust text\n---\nHi\n", "must be a mapping", "just text", id="scalar"),
        pytest.param("---\na: &x [1]\nb: *x\n---\nHi\n", "anchors and aliases", "b: *x", id="alias"),
        pytest.param("---\nsubject: !!python/object:os.system ls\n---\nHi\n", "tag", "subject", id="python tag"),
        pytest.param(
            "---\nsubject: a\nsubject: b\n---\nHi\n", "has the key 'subject' twice", "subject: b", id="duplicate key"
        ),
        pytest.param(
            "---\nrecipient: " + "[" * 30 + "]" * 30 + "\n---\nHi\n", "nested more than", "recipient", id="deep nesting"
        ),
    ],
)
def test_fatal_front_matter_problems(text: str, fragment: str, row_text: str) -> None:
    draft = parse(text)
    assert not draft.readable
    [problem] = draft.problems
    assert problem.code == "IM002"
    assert fragment in problem.message
    line_start = text.rfind("\n", 0, problem.start) + 1
    line_end = text.find("\n", problem.start)
    assert row_text in text[line_start:line_end]


@pytest.mark.parametrize(
    ("text", "fragment", "at"),
    [
        pytest.param("---\nsubjcet: Hi\n---\nHi\n", "did you mean 'subject'", "subjcet", id="typo key"),
        pytest.param("---\nsubject: 42\n---\nHi\n", "'subject' must be text", "42", id="number subject"),
        pytest.param(
            "---\nsubject: Hi\ntemplate: maybe\n---\nHi\n",
            "true, false or one of jinja, liquid",
            "maybe",
            id="bad template value",
        ),
        pytest.param("---\nrecipient: 3\n---\nHi\n", "mapping of profile fields", "3", id="bad recipient"),
        pytest.param("---\ninmail-lint: {ignore: IM201}\n---\nHi\n", "list of rule codes", "{ignore", id="bad ignore"),
    ],
)
def test_key_problems_are_placed_and_the_rest_is_linted(text: str, fragment: str, at: str) -> None:
    draft = parse(text)
    assert draft.readable
    [problem] = draft.problems
    assert fragment in problem.message
    assert text[problem.start :].startswith(at)


def test_quoted_subject_is_placed_inside_the_quotes() -> None:
    text = '---\nsubject: "  Your talk "\n---\nHi\n'
    draft = parse(text)
    assert draft.subject is not None
    assert draft.subject.text == "Your talk"
    assert text[draft.subject.start : draft.subject.end] == "Your talk"


def test_escaped_subject_maps_to_the_whole_scalar() -> None:
    text = '---\nsubject: "Caf\\u00e9 chat"\n---\nHi\n'
    draft = parse(text)
    assert draft.subject is not None and draft.subject.text == "Café chat"
    assert not draft.subject.exact
    assert text[draft.subject.start : draft.subject.end] == '"Caf\\u00e9 chat"'


def test_empty_front_matter() -> None:
    draft = parse("---\n---\nHi Ana\n")
    assert draft.readable and draft.subject is None and draft.body.text == "Hi Ana"


def test_front_matter_with_crlf() -> None:
    text = "---\r\nsubject: Hi there\r\n---\r\nBody\r\n"
    draft = parse(text)
    assert draft.subject is not None and draft.subject.text == "Hi there"
    assert text[draft.subject.start : draft.subject.end] == "Hi there"
    assert draft.body.text == "Body"


def test_ignore_settings() -> None:
    draft = parse("---\nsubject: Hi\ninmail-lint: {ignore: [IM201, IM2]}\n---\nHi\n")
    assert draft.ignore == ("IM201", "IM2")


YAML_PIECES = ["a", ": ", "- ", "\n", "\n  ", "\n    ", "[", "]", "{", "}", ", ", "? ", "&x ", "*x", "'q'", '"', "#"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join))
def test_the_event_pass_is_skipped_only_when_it_could_find_nothing(text: str) -> None:
    """Front matter with no '*' or '&' and at most MAX_YAML_DEPTH openers skips the event pass (it is half the cost of
    reading front matter); the event pass would have found no alias and no deep nesting there, and a YAML
    error is then raised by the load instead, with the same message."""
    if "*" in text or "&" in text or sum(text.count(ch) for ch in ":-[{?") > MAX_YAML_DEPTH:
        return
    try:
        assert _event_pass(text) is None
    except yaml.YAMLError as exc:
        loader = FAST_LOADER(text)
        with pytest.raises(yaml.YAMLError) as raised:
            loader.get_single_node()
        loader.dispose()
        assert str(raised.value) == str(exc)


@pytest.mark.parametrize("depth", [MAX_YAML_DEPTH, MAX_YAML_DEPTH + 1])
def test_nesting_is_refused_with_or_without_the_shortcut(depth: int) -> None:
    flow = "[" * depth + "]" * depth
    block = "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"
    for text in (f"x: {flow}\n", block):
        refused = _check_events(text) is not None
        assert refused is (depth + (text.startswith("x") and 1) > MAX_YAML_DEPTH)
