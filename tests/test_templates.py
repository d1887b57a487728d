"""Templates (limits at the longest rendering) and mail merge (--vars)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import codes, lint_text, validate_report

Run = Callable[..., tuple[int, str, str]]

TEMPLATE = (
    "---\nsubject: '{{first_name}}, your {{topic}} talk'\ntemplate: true\n---\n"
    "Hi {{first_name}},\n\nJane Doe suggested I reach out after your talk on {{topic}} at {{company}}. "
    "Could I ask one question about it?\n"
)


def test_placeholders_are_fine_in_a_template_and_an_error_elsewhere() -> None:
    assert "IM301" not in codes(TEMPLATE)
    assert "IM301" in codes(TEMPLATE.replace("template: true", "template: false"))


def test_advice_reads_a_typical_rendering_and_the_report_gives_the_range() -> None:
    # "{{first_name}}, your {{topic}} talk": 12 literal characters + first_name 2..20 + topic 3..60
    result = lint_text(TEMPLATE)
    subject = result.fields["subject"]
    assert subject.text == "{{first_name}}, your {{topic}} talk"
    assert subject.lengths is not None
    assert (subject.lengths.shortest_chars, subject.lengths.longest_chars) == (12 + 2 + 3, 12 + 20 + 60)
    # IM201 (keep it under 40) reads each variable's sample, as a typical row fills it, not the longest (92)
    assert subject.lengths.typical_chars < 40
    assert "IM201" not in [d.code for d in result.diagnostics]
    long_sample = TEMPLATE.replace("template: true", "template: true\nvariables: {topic: {sample: " + "x" * 30 + "}}")
    [im201] = [d for d in lint_text(long_sample).diagnostics if d.code == "IM201"]
    assert "with each variable's sample value" in im201.message


def test_declared_lengths_override_the_defaults() -> None:
    declared = TEMPLATE.replace("template: true", "template: true\nvariables: {topic: {max: 5}, first_name: {max: 10}}")
    assert "IM201" not in codes(declared)  # 12 + 10 + 5 = 27
    config_declared = lint_text(TEMPLATE, variables={"topic": {"max": 5}, "first_name": {"max": 10}})
    assert "IM201" not in [d.code for d in config_declared.diagnostics]


def test_over_the_limit_only_for_long_values_is_a_warning_naming_the_lengths_assumed() -> None:
    text = (
        "---\nsubject: '"
        + "a" * 150
        + " {{topic}} {{zz_extra}}'\ntemplate: true\n---\nHi {{first_name}}, Jane Doe said hi. Coffee?\n"
    )
    found = lint_text(text).diagnostics
    assert "IM102" not in [d.code for d in found]  # the shortest rendering (152 + 3 + 1) can be sent
    [warning] = [d for d in found if d.code == "IM109"]  # 152 + 60 + 30 = 242 at the longest
    assert warning.message.startswith("subject can reach 242 characters when its variables are long (")
    assert "{{topic}} at 60, {{zz_extra}} at 30 (assumed)" in warning.message
    declared = text.replace("template: true", "template: true\nvariables: {topic: {max: 10}, zz_extra: {max: 5}}")
    assert not {"IM102", "IM109"} & set(codes(declared))


def test_over_the_limit_for_every_row_is_the_error() -> None:
    text = "---\nsubject: '" + "a" * 199 + " {{topic}}'\ntemplate: true\n---\nHi {{first_name}}, one question?\n"
    found = codes(text)
    assert "IM102" in found and "IM109" not in found  # even the shortest (200 + 3) is over 200


def test_name_placeholder_is_a_greeting_not_personalization() -> None:
    generic = (
        "---\nsubject: Hello {{first_name}}\ntemplate: true\n---\nHi {{first_name}},\n\nWe sell software. Interested?\n"
    )
    found = codes(generic)
    assert "IM303" in found  # the name alone is not personal
    assert "IM305" not in found  # but it does make the subject personal
    assert "IM302" not in found  # and it is a greeting by name
    personal = generic.replace("We sell software.", "I saw {{company}} is hiring data engineers.")
    assert "IM303" not in codes(personal)


@pytest.mark.parametrize("variable", ["first_name", "First Name", "contact.firstname"])
def test_name_variables_however_they_are_written(variable: str) -> None:
    text = (
        f"---\nsubject: Hello {{{{{variable}}}}}\ntemplate: true\n---\n"
        f"Hi {{{{{variable}}}}},\n\nWe sell software. Interested?\n"
    )
    found = codes(text)
    assert "IM303" in found  # the name alone is not personal
    assert "IM305" not in found  # but it makes the subject personal
    assert lint_text(text).fields["subject"].lengths.longest_chars == len("Hello ") + 20  # first_name's length


def test_templates_glob_in_config(tmp_path: Path) -> None:
    text = "Subject: Hi {{first_name}}\n\nHi {{first_name}}, Jane Doe said to write. Coffee?\n"
    assert "IM301" in codes(text)
    result = lint_text(text, templates=["templates/*"])
    assert "IM301" in [d.code for d in result.diagnostics]  # lint_text has no path: the glob cannot match
    from inmail_lint.config.settings import parse_config
    from inmail_lint.draft.parse import parse
    from inmail_lint.engine.linter import Linter

    linter = Linter(parse_config({"templates": ["templates/*"]}, None, tmp_path))
    assert "IM301" not in [d.code for d in linter.lint(parse(text), "templates/intro.inmail").diagnostics]
    assert "IM301" in [d.code for d in linter.lint(parse(text), "drafts/intro.inmail").diagnostics]


def test_json_reports_rendered_lengths(cli: Run, tmp_path: Path, report_schema: dict[str, Any]) -> None:
    (tmp_path / "t.inmail").write_text(TEMPLATE, encoding="utf-8")
    _, out, _ = cli("check", "t.inmail", "--output-format", "json", cwd=tmp_path)
    document = json.loads(out)
    validate_report(document, report_schema)
    assert document["files"][0]["subject"]["rendered"] == {
        "shortest": {"chars_utf16": 17, "words": 4},
        "longest": {"chars_utf16": 92, "words": 5},
    }


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_vars_lints_each_row_and_names_it(cli: Run, tmp_path: Path, report_schema: dict[str, Any]) -> None:
    (tmp_path / "t.inmail").write_text(TEMPLATE, encoding="utf-8")
    write_rows(
        tmp_path / "people.csv",
        [
            {"id": "a1", "first_name": "Ana", "topic": "contracts", "company": "Globex"},
            {"id": "b2", "first_name": "Tom", "topic": "", "company": "Hooli"},  # topic missing
            {"id": "c3", "first_name": "Kim", "topic": "x" * 60, "company": "Initech"},  # subject too long
        ],
    )
    status, out, _ = cli("check", "t.inmail", "--vars", "people.csv", "--output-format", "json", cwd=tmp_path)
    assert status == 1
    document = json.loads(out)
    validate_report(document, report_schema)
    by_row = {(f["row"], f["id"]): sorted({d["code"] for d in f["diagnostics"]}) for f in document["files"]}
    assert by_row == {(1, "a1"): [], (2, "b2"): ["IM301"], (3, "c3"): ["IM201"]}
    _, out, _ = cli("check", "t.inmail", "--vars", "people.csv", "--output-format", "concise", cwd=tmp_path)
    assert "t.inmail:2:32: IM301 [error] row 2 (id b2), subject: '{{topic}}' is not filled in: this row leaves " in out


def test_vars_say_which_cell_or_column_is_missing(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "t.inmail").write_text(
        "---\nsubject: Your {{Topic}} talk\ntemplate: true\n---\nHi {{First Name}}, see you at {{Venue}}?\n",
        encoding="utf-8",
    )
    write_rows(tmp_path / "p.csv", [{"First Name": "Ana", "Topic": " "}, {"First Name": "Tom", "Topic": "dbt"}])
    _, out, _ = cli("check", "t.inmail", "--vars", "p.csv", "--output-format", "concise", cwd=tmp_path)
    lines = [line for line in out.splitlines() if "IM301" in line]
    assert lines == [
        "t.inmail:2:15: IM301 [error] row 1, subject: '{{Topic}}' is not filled in: this row leaves its column "
        'empty; fill it in, or give the variable a fallback ({{Topic | default: "..."}})',
        "t.inmail:5:31: IM301 [error] row 1, body: '{{Venue}}' is not filled in: no column holds it; fill it in, "
        'or give the variable a fallback ({{Venue | default: "..."}})',
        "t.inmail:5:31: IM301 [error] row 2, body: '{{Venue}}' is not filled in: no column holds it; fill it in, "
        'or give the variable a fallback ({{Venue | default: "..."}})',
    ]
    (tmp_path / "plain.inmail").write_text("Subject: Hi {{topic}}\n\nHi Ana, a question?\n", encoding="utf-8")
    _, out, _ = cli("check", "plain.inmail", "--output-format", "concise", cwd=tmp_path)
    assert "mark the draft `template: true`" in out  # not a merge: the rule's own message


def test_vars_rows_become_the_recipient(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "t.inmail").write_text(TEMPLATE.replace("Hi {{first_name}}", "Hi Mark"), encoding="utf-8")
    write_rows(tmp_path / "p.csv", [{"first_name": "Ana", "name": "Ana Kowalski", "topic": "x", "company": "Globex"}])
    _, out, _ = cli("check", "t.inmail", "--vars", "p.csv", "--output-format", "concise", cwd=tmp_path)
    assert "IM306 [error] row 1, body: greeting says 'Mark' but this message is to Ana Kowalski" in out


def test_variable_names_as_outreach_tools_export_them(cli: Run, tmp_path: Path) -> None:
    """{{First Name}} is a variable; a column headed "First Name" fills {{first_name}} and {{First Name}} alike,
    becomes the recipient's first name, and its declared length applies whichever way it is written."""
    template = (
        "---\nsubject: '{{First Name}}, your {{topic}} talk'\ntemplate: true\nvariables: {first-name: {max: 5}}\n"
        "---\nHi {{ first_name }},\n\nJane Doe suggested I write about {{Topic}}. Could I ask one question?\n"
    )
    result = lint_text(template)
    assert "IM301" not in [d.code for d in result.diagnostics]
    subject = result.fields["subject"]
    assert subject.lengths is not None and subject.lengths.longest_chars == 12 + 5 + 60
    (tmp_path / "t.inmail").write_text(template.replace("Hi {{ first_name }}", "Hi Mark"), encoding="utf-8")
    write_rows(tmp_path / "p.csv", [{"ID": "a1", "First Name": "Ana", "Topic": "contracts"}])
    _, out, _ = cli("check", "t.inmail", "--vars", "p.csv", "--output-format", "concise", cwd=tmp_path)
    assert "IM301" not in out  # every placeholder was filled
    assert "greeting says 'Mark' but this message is to Ana" in out  # the column became the recipient
    assert "row 1 (id a1), body:" in out  # and "ID" is the id column


def test_a_fallback_fills_an_empty_value(cli: Run, tmp_path: Path) -> None:
    """{{first_name | default: "there"}} (Liquid) and {{first_name|there}}: a row without the value gets the
    fallback, as the outreach tool would send it, so "Hi there," is a generic greeting for that row."""
    for i, placeholder in enumerate(['{{ first_name | default: "there" }}', "{{first_name|there}}"]):
        template = (
            "---\nsubject: 'Your {{topic}} talk'\ntemplate: true\n---\n"
            f"Hi {placeholder},\n\nJane Doe suggested I write about {{{{topic}}}}. Could I ask one question?\n"
        )
        assert "IM301" not in codes(template)
        (tmp_path / f"t{i}.inmail").write_text(template, encoding="utf-8")
    write_rows(tmp_path / "p.csv", [{"first_name": "Ana", "topic": "contracts"}, {"first_name": "", "topic": "x"}])
    for i in range(2):
        _, out, _ = cli("check", f"t{i}.inmail", "--vars", "p.csv", "--output-format", "concise", cwd=tmp_path)
        assert "IM301" not in out
        assert "row 2, body: 'Hi there' names no one" in out and "row 1, body: 'Hi" not in out


def test_a_thousand_rows(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "t.inmail").write_text(TEMPLATE, encoding="utf-8")
    rows = [{"id": f"r{i}", "first_name": "Ana", "topic": "contracts", "company": "Globex"} for i in range(1000)]
    rows[499]["company"] = ""
    write_rows(tmp_path / "people.csv", rows)
    status, out, _ = cli("check", "t.inmail", "--vars", "people.csv", "--output-format", "concise", cwd=tmp_path)
    assert status == 1
    lines = [line for line in out.splitlines() if "IM301" in line]
    column = len("Jane Doe suggested I reach out after your talk on {{topic}} at ") + 1
    assert lines == [
        f"t.inmail:7:{column}: IM301 [error] row 500 (id r499), body: '{{{{company}}}}' is not filled in: this "
        'row leaves its column empty; fill it in, or give the variable a fallback ({{company | default: "..."}})'
    ]
    assert out.splitlines()[-1] == "Found 1 problem (1 error) in 1 of 1000 drafts."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "no such file", id="missing"),
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"first_name\n\xff\xfe\n", "not UTF-8", id="not utf-8"),
    ],
)
def test_bad_vars_file(cli: Run, tmp_path: Path, content: bytes | None, message: str) -> None:
    (tmp_path / "t.inmail").write_text(TEMPLATE, encoding="utf-8")
    if content is not None:
        (tmp_path / "p.csv").write_bytes(content)
    status, out, err = cli("check", "t.inmail", "--vars", "p.csv", cwd=tmp_path)
    assert status == 2 and "p.csv" in err and message in err and out == ""


@pytest.mark.parametrize(
    ("text", "values", "sent"),
    [
        pytest.param("Hi {{#if first_name}}{{first_name}}{{else}}there{{/if}},", {"first_name"}, "Hi {{first_name}},"),
        pytest.param("Hi {{#if first_name}}{{first_name}}{{else}}there{{/if}},", set(), "Hi there,"),
        pytest.param("{{#if a}}A{{else if b}}B{{else}}C{{/if}}", {"b"}, "B", id="handlebars else if"),
        pytest.param("{% if a %}A{% elsif b %}B{% else %}C{% endif %}", {"a", "b"}, "A", id="liquid elsif, first"),
        pytest.param("{% if a %}A{% elsif b %}B{% else %}C{% endif %}", set(), "C", id="liquid else"),
        pytest.param("{% if x != blank %}X{% else %}Y{% endif %}", set(), "Y", id="x != blank"),
        pytest.param("{% if x > 3 %}X{% else %}Y{% endif %}", set(), "X", id="an expression counts as true"),
        pytest.param("{{^company}}your team{{/company}}{{#company}}{{company}}{{/company}}", set(), "your team"),
        pytest.param("{{#company}}at {{company}}{{/company}}!", {"company"}, "at {{company}}!", id="a section"),
        pytest.param("{%- unless x -%}no x{%- endunless -%} end", set(), "no x end", id="unless, whitespace control"),
        pytest.param("{{! a note }}Hi{% assign y = 1 %}!", set(), "Hi!", id="notes and assignments"),
        pytest.param("{% comment %}secret{% endcomment %}shown", set(), "shown", id="a comment block"),
        pytest.param("Text {{/if}} with {% endif %} strays", set(), "Text  with  strays", id="unbalanced tags"),
        pytest.param("{% if a %}{% if b %}AB{% else %}A{% endif %}{% endif %}.", {"a"}, "A.", id="nested"),
    ],
)
def test_block_tags_choose_what_is_sent(text: str, values: set[str], sent: str) -> None:
    from inmail_lint.draft.templates import selected

    assert selected(text, lambda name: name in values) == sent


CONDITIONAL = (
    '---\nsubject: "{{#if referrer}}{{referrer}} suggested I write{{else}}A question about your long and storied '
    'data platform migration{{/if}}"\ntemplate: true\n---\n'
    "Hi {{#if first_name}}{{first_name}}{{else}}there{{/if}},\n\n"
    "{% if topic %}I read your post on {{topic}}.{% endif %} Could I ask one question about it?\n"
)


def test_a_template_with_blocks_is_linted_as_a_row_with_every_value() -> None:
    found = lint_text(CONDITIONAL)
    assert [d.code for d in found.diagnostics] == []  # no block tag is IM301; a typical subject is short
    lengths = found.fields["subject"].lengths
    assert lengths is not None  # the if-branch: referrer (at most 40) and " suggested I write", not the else-branch
    assert (lengths.shortest_chars, lengths.longest_chars) == (5 + 18, 40 + 18)


def test_mail_merge_rows_get_the_branch_their_values_choose(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "t.inmail").write_text(CONDITIONAL, encoding="utf-8")
    write_rows(
        tmp_path / "p.csv",
        [
            {"first_name": "Ana", "referrer": "Jane Doe", "topic": "contracts"},
            {"first_name": "", "referrer": "", "topic": ""},
        ],
    )
    _, out, _ = cli("check", "t.inmail", "--vars", "p.csv", "--output-format", "concise", cwd=tmp_path)
    rows: dict[int, list[str]] = {1: [], 2: []}
    for line in out.splitlines():
        found = re.search(r" (IM\d+) \[\w+\] row (\d+)", line)
        if found:
            rows[int(found.group(2))].append(found.group(1))
    assert "IM301" not in rows[1] + rows[2]
    assert "IM302" in rows[2] and "IM302" not in rows[1]  # "Hi there," only where the name is empty
    assert "IM201" in rows[2] and "IM201" not in rows[1]  # the long subject is the else-branch
    greeting = [line for line in out.splitlines() if "IM302" in line]
    assert greeting[0].startswith("t.inmail:5:1: IM302")  # positions still point into the template


def test_a_variable_touching_a_word_is_read_apart_from_it() -> None:
    # the sample value is read as its own word ("intro I am reaching out"), not glued to the next one; the
    # lengths still count the template as sent, with no space added
    text = "---\nsubject: Hello\ntemplate: true\n---\n{{localIntro}}I'm reaching out about your shop. Coffee?\n"
    result = lint_text(text)
    assert "IM405" in [d.code for d in result.diagnostics]
    body = result.fields["body"]
    assert body.lengths is not None
    assert body.lengths.longest_chars == len("I'm reaching out about your shop. Coffee?") + 30  # unknown: 30


@pytest.mark.parametrize("engine", ["jinja", "liquid"])
def test_a_template_is_compiled_once_for_all_its_renderings(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A field is rendered three times (samples, shortest, longest) and a mail merge renders it for every row:
    the engine compiles it once, and each rendering still gets its own values. A template that does not
    compile is refused every time it is rendered."""
    from inmail_lint.draft import template_engines as te
    from inmail_lint.draft.document import Field

    te._compiled.cache_clear()
    env = te._jinja() if engine == "jinja" else te._liquid()
    compiled: list[str] = []
    original = type(env).from_string

    def counting(self: Any, source: str, *args: Any, **kwargs: Any) -> Any:
        compiled.append(source)
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(type(env), "from_string", counting)
    text = "Hi {{ name }}, about {{ company }}."
    field = Field("body", text, 0, len(text))
    first = te.render(field, engine, {"name": "Ana", "company": "Acme"})
    second = te.render(field, engine, {"name": "Bo", "company": "Initech"})
    assert (first.field.text, second.field.text) == ("Hi Ana, about Acme.", "Hi Bo, about Initech.")
    assert len(compiled) == 1
    broken = "Hi {{ name "
    for _ in range(2):
        with pytest.raises(te.TemplateError):
            te.render(Field("body", broken, 0, len(broken)), engine, {"name": "Ana"})
    assert len(compiled) == 3


def test_a_long_template_is_not_kept() -> None:
    from inmail_lint.draft import template_engines as te
    from inmail_lint.draft.document import Field

    te._compiled.cache_clear()
    text = "Hi {{ name }}. " + "x" * te.MAX_KEPT_SOURCE
    assert te.render(Field("body", text, 0, len(text)), "jinja", {"name": "Ana"}).field.text.startswith("Hi Ana.")
    assert te._compiled.cache_info().currsize == 0


def test_a_later_merge_reads_its_template_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A template is read once per run, not once per process: a long-lived process (the language server, the
    API, an in-process test) that merges the same path with the same configuration again sees the file as it
    is now. (The key was the path and the configuration's id, and a later run can get both back for another
    file: CI once printed a test's findings for the previous test's template.)"""
    from inmail_lint.config.settings import ConfigResolver
    from inmail_lint.engine.linter import Linter
    from inmail_lint.run.batch import make_jobs, run_all
    from inmail_lint.sources.files import Target

    monkeypatch.chdir(tmp_path)
    config = ConfigResolver(isolated=True).for_directory(tmp_path)
    linter = Linter(config)
    target = Target(Path("t.inmail"), "t.inmail")  # relative, as the command line gives it

    def merged(body: str) -> list[str]:
        (tmp_path / "t.inmail").write_text(f"---\nsubject: A question\ntemplate: true\n---\n{body}\n", "utf-8")
        jobs = make_jobs([(target, config)], [{"name": "Ana"}])
        [result] = run_all(jobs, {id(config): config}, {id(config): linter})
        return [d.message for d in result.diagnostics if d.code == "IM301"]

    assert merged("Hi {{name}}, are you at {{Venue}}?") == [
        "'{{Venue}}' is not filled in: no column holds it; fill it in, or give the variable a fallback "
        '({{Venue | default: "..."}})'
    ]
    assert merged("Hi {{name}}, could we talk on {{Day}}?") == [
        "'{{Day}}' is not filled in: no column holds it; fill it in, or give the variable a fallback "
        '({{Day | default: "..."}})'
    ]
