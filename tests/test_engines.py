"""Templates rendered by their own engines: Jinja and Liquid through inmail-lint's instrumented renderer,
checked against the engine rendering the template itself; Mustache and Handlebars sections through the built-in
renderer, checked against chevron and pybars3. No IM301 for anything an engine fills, lengths of real
renderings, and diagnostics that point into the template."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from inmail_lint.draft.document import Field
from inmail_lint.draft.template_engines import TemplateError, detect, render, variables
from inmail_lint.util.text import utf16_length

from .conftest import lint_text

Run = Callable[..., tuple[int, str, str]]

JINJA = (
    'Hi {{ first_name | default("there") | title }}, {{ seats }} seat{{ "s" if seats | int > 1 else "" }} left'
    "{% set venue = city ~ ' office' %} at {{ venue }}.{% for n in range(2) %} Bring {{ n + 1 }}.{% endfor %}"
    "{% if company %} Say hi to {{ company | upper }}.{% else %} Say hi.{% endif %}{# a note for the writer #}"
)
LIQUID = (
    'Hi {{ first_name | default: "there" | capitalize }},{% assign team = company | append: " team" %}'
    "{% if company %} how is {{ team | downcase }}?{% elsif city %} how is {{ city }}?{% endif %}"
    "{% unless referrer == blank %} {{ referrer }} said hi.{% endunless %}"
    "{% capture ask %}Coffee in {{ city | upcase }}{% endcapture %} {{ ask }}?"
)


def engine_render(engine: str, text: str, values: Mapping[str, Any]) -> str:
    """The engine rendering the template itself, as an outreach tool would, except that a variable the row
    leaves undefined shows as {{name}} (where the tool would send nothing, inmail-lint reports IM301)."""
    if engine == "jinja":
        from jinja2 import Undefined
        from jinja2.sandbox import SandboxedEnvironment

        class JinjaShown(Undefined):
            def __str__(self) -> str:
                return "{{" + str(self._undefined_name) + "}}"

        return SandboxedEnvironment(undefined=JinjaShown, keep_trailing_newline=True).from_string(text).render(**values)
    from liquid import Environment
    from liquid import Undefined as LiquidUndefined

    class LiquidShown(LiquidUndefined):
        def __str__(self) -> str:
            return "{{" + self.name + "}}"

    return Environment(undefined=LiquidShown).from_string(text).render(**values)


ROWS = [
    {"first_name": "ana", "seats": "3", "city": "Lisbon", "company": "Globex", "referrer": "Jane"},
    {"first_name": "", "seats": "1", "city": "Porto", "company": "", "referrer": ""},
    {"first_name": "Tomasz", "seats": "12", "city": "Kraków", "company": "Łódź Robotics", "referrer": "Ola"},
]


@pytest.mark.parametrize(("engine", "text"), [("jinja", JINJA), ("liquid", LIQUID)])
@pytest.mark.parametrize("row", ROWS)
def test_the_rendering_is_the_engines_own(engine: str, text: str, row: dict[str, str]) -> None:
    field = Field("body", text, 0, len(text))
    values = {k: (v or None) for k, v in row.items()}
    ours = render(field, engine, values)
    theirs = engine_render(engine, text, {k: v for k, v in row.items() if v})
    assert ours.field.text == theirs
    for i, ch in enumerate(ours.field.text):  # every literal character maps to itself in the template
        if not any(a <= i < b for _, a, b in ours.placeholders):
            assert text[ours.field.to_file(i)] == ch or ch.isspace(), (i, ch)


@pytest.mark.parametrize(("engine", "text"), [("jinja", JINJA), ("liquid", LIQUID)])
def test_a_template_lints_with_no_im301_and_real_lengths(engine: str, text: str) -> None:
    draft = f"---\nsubject: A question\ntemplate: {engine}\n---\n{text}\n"
    result = lint_text(draft)
    assert "IM301" not in [d.code for d in result.diagnostics]
    body = result.fields["body"]
    assert body.lengths is not None
    names = variables(text, engine)
    from inmail_lint.draft.templates import variable

    table = {n: variable(n) for n in names}
    for length, attribute in ((lambda v: v.min, "shortest_chars"), (lambda v: v.max, "longest_chars")):
        values = {n: "x" * length(v) for n, v in table.items() if length(v)}
        assert getattr(body.lengths, attribute) == utf16_length(engine_render(engine, text, values))
    typical = engine_render(engine, text, {n: v.sample for n, v in table.items()})
    assert body.lengths.typical_chars == utf16_length(typical)


def test_the_syntax_is_detected_or_named() -> None:
    assert detect('Hi {{ name | default("there") }}', True) == "jinja"
    assert detect("{% set x = 1 %}{{ x }}", True) == "jinja"
    assert detect("{{ 's' if n > 1 else '' }}", True) == "jinja"
    assert detect('Hi {{ name | default: "there" }}', True) == "liquid"
    assert detect("{% unless x %}y{% endunless %}", True) == "liquid"
    assert detect("Hi {{first_name}}", True) is None  # any engine: the built-in renderer
    assert detect("{{#if x}}y{{/if}}", True) is None
    assert detect("Hi {{first_name}}", "jinja") == "jinja"
    assert detect('Hi {{ name | default("x") }}', "handlebars") is None


def test_a_diagnostic_in_a_rendering_points_into_the_template() -> None:
    text = (
        "---\nsubject: Your talk\ntemplate: jinja\n---\n"
        "{% if first_name %}Hi {{ first_name | title }},{% endif %} I hope this message finds you well. "
        "This is HUGE news for {{ company }}. Coffee?\n"
    )
    result = lint_text(text)
    for code, written in (("IM405", "I hope this message finds you well"), ("IM408", "HUGE")):
        [d] = [d for d in result.diagnostics if d.code == code]
        assert text[d.start : d.end] == written


def test_a_value_spans_its_expression() -> None:
    text = "---\nsubject: Hello\ntemplate: jinja\n---\nHi {{ first_name | default('there') }}, one question?\n"
    result = lint_text(text)
    [greeting] = [d for d in result.diagnostics if d.code == "IM302"] or [None]
    assert greeting is None  # a name is there in a typical row: no generic greeting


def test_rows_are_rendered_by_the_same_engine(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "t.inmail").write_text(
        "---\nsubject: A question\ntemplate: liquid\n---\n"
        'Hi {{ first_name | default: "there" | capitalize }}, how is {{ company | upcase }} doing? Coffee?\n',
        encoding="utf-8",
    )
    with (tmp_path / "rows.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "company"])
        writer.writerow(["a", "ana", "Globex"])
        writer.writerow(["b", "", "Initech"])  # the default fills the name: "Hi There,"
        writer.writerow(["c", "tom", ""])  # nothing fills the company
    status, out, _ = cli("check", "t.inmail", "--vars", "rows.csv", "--output-format", "concise", cwd=tmp_path)
    assert status == 1
    lines = out.splitlines()
    assert not any("row 1 " in line and ("IM301" in line or "IM302" in line) for line in lines)
    assert any("row 2 (id b)" in line and "IM302" in line for line in lines)  # "Hi There," names no one
    assert any("row 1 (id a)" in line and "'GLOBEX' is in capitals" in line for line in lines)  # as sent
    [unfilled] = [line for line in lines if "IM301" in line]
    assert "row 3 (id c)" in unfilled and "'{{ company | upcase }}' is not filled in: this row leaves" in unfilled


def test_a_template_the_engine_refuses_is_read_by_the_built_in_renderer() -> None:
    text = "---\nsubject: Hello\ntemplate: jinja\n---\nHi {{ first_name }, {% if %} one question?\n"
    result = lint_text(text)  # no traceback
    assert any("cannot be rendered as a Jinja template" in note for note in result.notes)


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(10**9) %}x{% endfor %}",
        "{% for i in range(1000) %}{% for j in range(1000) %}x{% endfor %}{% endfor %}",
        "{{ 'x' * 1000000000 }}",
        "{{ 9 ** 9 ** 9 }}",
        "{{ ''.__class__.__mro__ }}",
    ],
)
def test_hostile_jinja_is_bounded(body: str) -> None:
    field = Field("body", body, 0, len(body))
    try:
        rendering = render(field, "jinja", {})
    except TemplateError:
        return
    assert len(rendering.field.text) <= 200_000


def test_hostile_liquid_is_bounded() -> None:
    body = "{% for i in (1..100000000) %}x{% endfor %}"
    with pytest.raises(TemplateError):
        render(Field("body", body, 0, len(body)), "liquid", {})


HANDLEBARS = (
    "Hi {{#if first_name}}{{first_name}}{{else}}there{{/if}},{{#unless referrer}} we have not met.{{/unless}}"
    "{{#if company}} How is {{company}}?{{/if}} Coffee?"
)
MUSTACHE = "Hi {{#first_name}}{{first_name}}{{/first_name}}{{^first_name}}there{{/first_name}}, coffee?"


@pytest.mark.parametrize("row", ROWS)
def test_handlebars_and_mustache_sections_render_as_their_engines_do(row: dict[str, str]) -> None:
    import chevron
    import pybars

    from inmail_lint.draft.templates import render as builtin

    values = {k: v for k, v in row.items() if v}
    for text, theirs in (
        (HANDLEBARS, str(pybars.Compiler().compile(HANDLEBARS)(values))),
        (MUSTACHE, chevron.render(MUSTACHE, values)),
    ):
        ours = builtin(Field("body", text, 0, len(text)), values).field.text
        assert ours == theirs
