"""Templates rendered by their own engines: Jinja (``jinja2``'s sandbox) and Liquid (``python-liquid``), so
filters, expressions and blocks mean what the engine makes of them, and lengths are those of real renderings.

Positions stay exact: before rendering, each run of literal text gets a marker naming its offset in the
template, and each output expression (``{{ ... }}``) markers around it; the engine carries them through (a loop
repeats them, a false branch drops them), and reading them back maps every character of the rendering to the
place in the template it came from. A variable's value maps to the start of its expression.

Handlebars and Mustache templates, and ones that use only ``{{name}}``, are rendered by
:mod:`inmail_lint.draft.templates` (which understands their sections and ``{{#if}}`` blocks).
"""

from __future__ import annotations

import contextvars
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from inmail_lint.draft.document import Field

ENGINES = ("jinja", "liquid")

MAX_OUTPUT = 200_000  # characters of one rendering: a template that loops past this is refused
MAX_LOOP = 200  # items a loop may run over (Jinja's range(), Liquid's loops, nested loops multiplied)
MAX_STEPS = 20_000  # loop iterations and output chunks of one rendering, all loops together
MAX_SECONDS = 2.0  # of one rendering, however it spends them
MAX_LOCALS = 1_000_000  # bytes of values a Liquid template may assign (a string doubled in a loop)

_TOKEN = re.compile(r"\{\{-?.*?-?\}\}|\{%-?.*?-?%\}|\{#.*?#\}", re.S)
# marker characters: a literal run's start and end, an expression's start and end; a draft holding one is
# rendered by the built-in renderer instead
_LITERAL, _END, _OPEN, _SEP, _CLOSE = "\x02", "\x06", "\x04", "\x03", "\x05"
_MARKERS = (_LITERAL, _END, _OPEN, _SEP, _CLOSE)
_MARK = re.compile(r"[\x02\x04\x06](\d+)\x03|\x05")
_WORD = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*")
_NOT_NAMES = frozenset(
    {"if", "else", "elif", "endif", "and", "or", "not", "in", "is", "true", "false", "none", "null", "nil"}
    | {"blank", "empty", "loop", "forloop", "for", "endfor", "default", "range", "with"}
)

# what says a template is Jinja's or Liquid's when front matter only says `template: true`
_JINJA = re.compile(
    r"\{%-?\s*(?:set|elif|macro|call|filter|block|extends|include|raw)\b|(?<!\{)\{#(?!\{)|\{\{[^{}]*\|\s*\w+\s*\("
    r"|\{\{[^{}]*\bif\b[^{}]*\belse\b|\{\{[^{}]*~|\|\s*(?:upper|lower|title|trim|wordcount|truncate|join)\b"
)
_LIQUID = re.compile(
    r"\{%-?\s*(?:elsif|unless|assign|capture|case|when|comment|increment|decrement|liquid|echo)\b"
    r"|\|\s*\w+\s*:|\|\s*(?:upcase|downcase|strip|lstrip|rstrip|append|prepend|remove|truncatewords|split)\b"
)


class TemplateError(Exception):
    """The engine cannot render the template; the message says why, as the engine put it."""


def detect(text: str, named: Any) -> str | None:
    """The engine a template is for: the one front matter names (``template: jinja``), else the one its
    syntax shows; None for a template the built-in renderer reads (``{{name}}``, Handlebars, Mustache)."""
    if isinstance(named, str):
        return named if named in ENGINES else None
    if "{%" not in text and "{{" not in text:
        return None
    if _LIQUID.search(text):
        return "liquid"
    if _JINJA.search(text):
        return "jinja"
    return None


@dataclass(frozen=True)
class EngineRendering:
    field: Field  # the rendered text, mapped back to the template's file offsets (as templates.Rendering)
    placeholders: tuple[tuple[str, int, int], ...]  # (variable, start, end) of each expression's output


def variables(text: str, engine: str) -> list[str]:
    """The variables the template reads, as the names its expressions write them (``contact.first_name``)."""
    roots = set(_roots(text, engine))
    found: list[str] = []
    for expression in _expressions(text):
        for name in _names(expression):
            if name.split(".")[0] in roots and name not in found:
                found.append(name)
    for root in sorted(roots):  # read only by a tag ({% if referrer %}): still a variable
        if not any(n.split(".")[0] == root for n in found):
            found.append(root)
    return found


def render(field: Field, engine: str, values: Mapping[str, str | None]) -> EngineRendering:
    """The field rendered by the engine with these values (None: the row has no value, so the engine sees
    an undefined variable, which a ``default`` filter replaces and which otherwise stays as ``{{name}}``)."""
    text = field.text
    if any(marker in text for marker in _MARKERS):
        raise TemplateError("it holds control characters this renderer uses for positions")
    instrumented, expressions = _instrument(text)
    output = _render(instrumented, engine, _context(values))
    rendered, index, placeholders = _read_back(output, expressions, text)
    mapped = tuple(field.to_file(i) for i in index)
    return EngineRendering(Field(field.name, rendered, field.start, field.end, mapped, field.exact), placeholders)


# ------------------------------------------------------------------------------------------------------------


def _expressions(text: str) -> Iterator[str]:
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token.startswith("{{"):
            yield token[2:-2].strip("-").strip()


def _names(expression: str) -> list[str]:
    """Variable names in an expression, skipping strings, keywords and filter names."""
    without_strings = re.sub(r"'[^']*'|\"[^\"]*\"", " ", expression)
    head = without_strings.split("|")[0]  # filters and their arguments come after the first |
    return [w for w in _WORD.findall(head) if w.lower() not in _NOT_NAMES]


def _roots(text: str, engine: str) -> list[str]:
    try:
        if engine == "jinja":
            from jinja2 import meta

            return sorted(meta.find_undeclared_variables(_jinja().parse(text)))
        template = _liquid().from_string(text)
        return sorted(template.global_variables())
    except Exception as exc:  # each engine's syntax errors: the message is the engine's own
        raise TemplateError(_engine_message(exc)) from None


def _instrument(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The template with markers: where each literal run starts and ends (inside its leading and trailing
    whitespace, so the engine's whitespace control still sees that whitespace), and each output expression's
    number (its offset and variable are kept aside)."""
    parts: list[str] = []
    expressions: list[tuple[int, int, str]] = []
    position = 0

    def literal(start: int, end: int) -> None:
        run = text[start:end]
        if not run:
            return
        lead = len(run) - len(run.lstrip())
        if lead == len(run):
            parts.append(run)  # whitespace only: placed from the text around it
            return
        core_end = len(run.rstrip())
        parts.append(
            run[:lead]
            + f"{_LITERAL}{start + lead}{_SEP}"
            + run[lead:core_end]
            + f"{_END}{start + core_end}{_SEP}"
            + run[core_end:]
        )

    for m in _TOKEN.finditer(text):
        literal(position, m.start())
        token = m.group()
        if token.startswith("{{"):
            trim_left, trim_right = token.startswith("{{-"), token.endswith("-}}")
            inner = token[3 if trim_left else 2 : -3 if trim_right else -2]
            names = _names(inner)
            number = len(expressions)
            expressions.append((m.start(), m.end(), names[0] if names else ""))
            opening = f"{_OPEN}{number}{_SEP}"
            parts.append(f'{{{{- "{opening}" }}}}' if trim_left else opening)
            parts.append("{{" + inner + "}}")
            parts.append(f'{{{{ "{_CLOSE}" -}}}}' if trim_right else _CLOSE)
        else:
            parts.append(token)
        position = m.end()
    literal(position, len(text))
    return "".join(parts), expressions


def _context(values: Mapping[str, str | None]) -> dict[str, Any]:
    """Values for the engine: ``contact.first_name`` becomes ``{"contact": {"first_name": ...}}``."""
    context: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        *path, last = name.split(".")
        target = context
        for part in path:
            nested = target.get(part)
            if not isinstance(nested, dict):
                nested = target[part] = {}
            target = nested
        target[last] = Sample(value)
    return context


class Sample(str):
    """A variable's sample value, which a template may also compare with a number (``{% if shared_connections
    > 0 %}``, ``{{ '' if count == 1 else 's' }}``): a merge tool's column is text or a number, and the sample
    is text. Compared with a number, it counts as its length, so an empty value is 0 (the shortest rendering
    takes the branch for none, the longest the branch for some)."""

    __slots__ = ()

    def _number(self, other: object) -> object:
        return len(self) if isinstance(other, (int, float)) and not isinstance(other, bool) else None

    def __lt__(self, other: object) -> bool:
        n = self._number(other)
        return n < other if n is not None else str.__lt__(self, other)  # type: ignore[operator]

    def __le__(self, other: object) -> bool:
        n = self._number(other)
        return n <= other if n is not None else str.__le__(self, other)  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        n = self._number(other)
        return n > other if n is not None else str.__gt__(self, other)  # type: ignore[operator]

    def __ge__(self, other: object) -> bool:
        n = self._number(other)
        return n >= other if n is not None else str.__ge__(self, other)  # type: ignore[operator]

    def __eq__(self, other: object) -> bool:
        n = self._number(other)
        return n == other if n is not None else str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__


class Budget:
    """What one rendering may spend, whichever engine and whatever the template does: loop iterations and
    output chunks together (:data:`MAX_STEPS`), characters of output (:data:`MAX_OUTPUT`) and time
    (:data:`MAX_SECONDS`). Every loop of a Jinja template counts against it (the compiler wraps each loop's
    items); Liquid's own limits multiply nested loops and bound what a template assigns."""

    def __init__(self) -> None:
        self.steps = 0
        self.chars = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def step(self, chars: int = 0) -> None:
        self.steps += 1
        self.chars += chars
        if self.steps > MAX_STEPS:
            raise TemplateError(f"its loops run more than {MAX_STEPS:,} times")
        if self.chars > MAX_OUTPUT:
            raise TemplateError(f"it renders to more than {MAX_OUTPUT:,} characters")
        if self.steps % 64 == 0 and time.monotonic() > self.deadline:
            raise TemplateError(f"it takes more than {MAX_SECONDS:g} s to render")


_BUDGET: contextvars.ContextVar[Budget] = contextvars.ContextVar("inmail_lint_template_budget")


def _counted(items: Any) -> Iterator[Any]:
    """A loop's items, each counted against the rendering's budget (the Jinja compiler wraps every loop in it)."""
    budget = _BUDGET.get()
    for item in items:
        budget.step()
        yield item


MAX_KEPT_SOURCE = 20_000  # characters: an InMail body is at most 2,000


@lru_cache(maxsize=64)
def _compiled(source: str, engine: str) -> Any:
    """The engine's compiled template for this (instrumented) source, compiled once: a field is rendered three
    times (with the samples, the shortest and the longest values) and a mail merge renders it for every row,
    and compiling was most of a rendering's time (6 compiles, 6.5 ms, for a two-field Jinja draft). A template
    that does not compile raises each time it is asked for, as before; the budget is spent when it runs."""
    return _jinja().from_string(source) if engine == "jinja" else _liquid().from_string(source)


def _render(source: str, engine: str, context: Mapping[str, Any]) -> str:
    budget = Budget()
    token = _BUDGET.set(budget)
    try:
        # (a long source is compiled each time: 64 of them kept would hold too much)
        template = (
            _compiled(source, engine) if len(source) <= MAX_KEPT_SOURCE else _compiled.__wrapped__(source, engine)
        )
        # (Jinja streams its chunks; Liquid renders whole, within its own output limit)
        chunks = template.generate(**context) if engine == "jinja" else iter([template.render(**context)])
        parts = []
        for chunk in chunks:  # streamed: a rendering over the budget stops where it goes over
            budget.step(len(chunk))
            parts.append(chunk)
        return "".join(parts)
    except TemplateError:
        raise
    except Exception as exc:  # the engines raise many kinds: each is this template's problem, said in its words
        raise TemplateError(_engine_message(exc)) from None
    finally:
        _BUDGET.reset(token)


def _read_back(
    output: str, expressions: list[tuple[int, int, str]], template: str
) -> tuple[str, tuple[int, ...], tuple[tuple[str, int, int], ...]]:
    """The rendering without its marks, each character's offset in the template, and each expression's output."""
    text: list[str] = []
    index: list[int | None] = []
    placeholders: list[tuple[str, int, int]] = []
    cursor: int | None = None  # the template offset of the next literal character
    anchor: int | None = None  # inside an expression's output: its start in the template
    stack: list[tuple[int, int, int, str]] = []  # open expressions: (start and end in the template, output start, name)

    def take(chunk: str) -> None:
        nonlocal cursor
        for ch in chunk:
            text.append(ch)
            if anchor is not None:
                index.append(anchor)
            else:
                index.append(cursor)
                cursor = cursor + 1 if cursor is not None else None

    position = 0
    for m in _MARK.finditer(output):
        between = len(text)
        take(output[position : m.start()])
        marker = m.group()
        if marker == _CLOSE:
            if stack:
                _, end, start, name = stack.pop()
                if len(text) > start:
                    index[-1] = end - 1  # the value spans its whole expression: "{{ company }}"
                placeholders.append((name or "value", start, len(text)))
                anchor = stack[-1][0] if stack else None
                cursor = None
        elif marker.startswith(_LITERAL):
            cursor = int(m.group(1))
            # whitespace just before a run's start is that run's leading whitespace when the template says so
            # (not the trailing whitespace of the run before a tag)
            gap = len(text) - between
            if gap and anchor is None and template[cursor - gap : cursor] == "".join(text[between:]):
                index[between:] = range(cursor - gap, cursor)
        elif marker.startswith(_END):
            cursor = int(m.group(1))  # the end of a run: its trailing whitespace follows, if the engine kept it
        else:
            number = int(m.group(1))
            offset, end, name = expressions[number] if number < len(expressions) else (0, 1, "")
            stack.append((offset, end, len(text), name))
            anchor = offset
        position = m.end()
    take(output[position:])
    return "".join(text), _fill(index), tuple(placeholders)


def _fill(index: list[int | None]) -> tuple[int, ...]:
    """Characters that came with no marker (whitespace before a literal run) take the offsets just before the
    next known one, or just after the last one."""
    filled: list[int] = [0] * len(index)
    following: int | None = None
    distance = 0
    for i in range(len(index) - 1, -1, -1):
        known = index[i]
        if known is not None:
            following, distance = known, 0
            filled[i] = known
        else:
            distance += 1
            filled[i] = max(0, following - distance) if following is not None else -1
    last = 0
    for i, value in enumerate(filled):
        if value < 0:
            last += 1
            filled[i] = last
        else:
            last = value
    return tuple(filled)


def _engine_message(exc: Exception) -> str:
    """The engine's own words, without the position markers it may quote from the instrumented template."""
    message = _MARK.sub("", str(exc))
    for marker in _MARKERS:
        message = message.replace(marker, "")
    return " ".join(message.split())[:200] or type(exc).__name__


_ENVIRONMENTS: dict[str, Any] = {}


def _jinja() -> Any:
    """A sandboxed Jinja environment: no attribute tricks, short loops, bounded string arithmetic, and an
    undefined variable that shows as ``{{name}}`` (so IM301 reports what a row leaves empty)."""
    if "jinja" not in _ENVIRONMENTS:
        from jinja2 import Undefined, nodes
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        class Unfilled(Undefined):
            def __str__(self) -> str:
                return "{{" + str(self._undefined_name or "value") + "}}"

        class Bounded(ImmutableSandboxedEnvironment):  # immutable: no list or dict grows from a template
            intercepted_binops = frozenset({"*", "**"})
            counted = staticmethod(_counted)

            def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
                """Every ``for`` loop runs over its items through :func:`_counted`, so all the loops of a
                rendering share one budget (four nested loops of 200 are 1.6 billion steps, not 4 x 200)."""
                tree = super()._parse(source, name, filename)
                for loop in tree.find_all(nodes.For):
                    loop.iter = nodes.Call(nodes.EnvironmentAttribute("counted"), [loop.iter], [], None, None)
                return tree

            def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
                if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
                    raise TemplateError("a power over 64 is refused")
                if operator == "*":
                    for sequence, count in ((left, right), (right, left)):  # 'x' * 3 and 3 * 'x' alike
                        if (
                            isinstance(sequence, str | list | tuple)
                            and isinstance(count, int)
                            and (count > 1000 or len(sequence) * count > MAX_OUTPUT)
                        ):
                            raise TemplateError("repeating text more than 1,000 times is refused")
                return super().call_binop(context, operator, left, right)

        env = Bounded(undefined=Unfilled, autoescape=False, keep_trailing_newline=True)
        # no namespace() (a value carried across loop iterations), no lipsum(), cycler() or joiner()
        env.globals = {"range": lambda *args: range(*args)[:MAX_LOOP], "dict": dict}
        _ENVIRONMENTS["jinja"] = env
    return _ENVIRONMENTS["jinja"]


def _liquid() -> Any:
    if "liquid" not in _ENVIRONMENTS:
        from liquid import Environment, Undefined

        class Unfilled(Undefined):
            def __str__(self) -> str:
                return "{{" + str(getattr(self, "name", "") or "value") + "}}"

        class Bounded(Environment):
            loop_iteration_limit = MAX_LOOP  # nested loops multiplied
            output_stream_limit = MAX_OUTPUT
            local_namespace_limit = MAX_LOCALS  # what {% assign %} and {% capture %} hold
            context_depth_limit = 20

        _ENVIRONMENTS["liquid"] = Bounded(undefined=Unfilled)
    return _ENVIRONMENTS["liquid"]
