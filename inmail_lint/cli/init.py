"""``inmail-lint init``: write a commented configuration for a new project, asking only what it cannot guess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import click

from inmail_lint.cli.common import _error
from inmail_lint.util.status import EXIT_ERROR, EXIT_OK

CONFIG_FILE = "inmail-lint.toml"
KINDS = ("inmail", "open-profile", "connection-note", "message-ad")


def _git_name() -> str:
    """The name git knows the writer by, if it knows one: a guess the writer confirms."""
    try:
        done = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def render_config(name: str, company: str, kind: str, templates: str | None) -> str:
    """The configuration file's text, every setting explained."""
    lines = [
        "# inmail-lint's configuration for this folder and the folders below it (see the README's",
        '# "Configuration"). Every setting here can be left out; these are the ones a new project sets first.',
        "",
        "# The kind of message a draft is unless its front matter says otherwise:",
        "# inmail, open-profile, connection-note or message-ad (limits per kind are in rules/kinds.yaml).",
        f"kind = {_toml_string(kind)}",
        "",
    ]
    if templates:
        lines += [
            "# Drafts under this folder are mail-merge templates: {{first_name}} is filled from each row.",
            f"templates = [{_toml_string(templates.rstrip('/') + '/**')}]",
            "",
        ]
    else:
        lines += [
            "# Folders of mail-merge templates, whose {{variables}} are filled from each row:",
            '# templates = ["templates/**"]',
            "",
        ]
    lines += [
        "# Who sends the drafts: common ground (a former employer, a school, a group) is found between the sender",
        "# and a recipient's profile, and a draft that names the sender's own company is not about the reader.",
        "[sender]",
        f"name = {_toml_string(name)}" if name else '# name = "Sam Lee"',
        f"company = {_toml_string(company)}" if company else '# company = "Initech"',
        '# past_companies = ["Globex"]',
        '# schools = ["University of Warsaw"]',
        '# groups = ["Rust Berlin"]',
        "",
    ]
    return "\n".join(lines)


@click.command()
@click.option("--name", help="The sender's name (asked for when not given; git's user.name is offered).")
@click.option("--company", help="The sender's company (asked for when not given; Enter to skip).")
@click.option("--kind", type=click.Choice(KINDS), help="The usual kind of message (default: inmail).")
@click.option("--templates", "templates", help="A folder of mail-merge templates (default: templates/ if it exists).")
@click.option("-y", "--yes", is_flag=True, help="Ask nothing: take the guesses and the defaults.")
def init(name: str | None, company: str | None, kind: str | None, templates: str | None, yes: bool) -> int:
    """Write a commented inmail-lint.toml in the current folder, asking only what it cannot guess."""
    from inmail_lint.config.settings import CONFIG_NAMES, ConfigError, load_config_file
    from inmail_lint.run.session import Session
    from inmail_lint.sources.write import WriteRefused

    folder = Path.cwd()
    existing = [n for n in CONFIG_NAMES if n != "pyproject.toml" and (folder / n).exists()]
    if existing:
        _error(f"{existing[0]} already exists here; edit it (init never writes over a file)")
        return EXIT_ERROR
    if (folder / "pyproject.toml").is_file():
        try:
            load_config_file(folder / "pyproject.toml")
            has_table = True
        except ConfigError as exc:
            has_table = "has no [tool.inmail-lint] table" not in str(exc)
        if has_table:  # an inmail-lint.toml beside it would silently take its place
            _error(
                "pyproject.toml here already has a [tool.inmail-lint] table, and an inmail-lint.toml would "
                "override it; edit that table instead (nothing was written)"
            )
            return EXIT_ERROR
    if templates is None and (folder / "templates").is_dir():
        templates = "templates/"
    if name is None:
        guess = _git_name()
        name = guess if yes else click.prompt("Sender's name", default=guess or "", show_default=bool(guess))
    if company is None:
        company = "" if yes else click.prompt("Sender's company (Enter to skip)", default="", show_default=False)
    kind = kind or ("inmail" if yes else click.prompt("Usual kind", type=click.Choice(KINDS), default="inmail"))
    text = render_config(name.strip(), company.strip(), kind, templates)
    target = folder / CONFIG_FILE
    try:
        with Session() as session:
            session.write(target, text.encode("utf-8"), new_only=True)  # never over a file
    except WriteRefused as exc:
        _error(f"{target}: {exc}")
        return EXIT_ERROR
    try:
        load_config_file(target)  # what was written is a configuration inmail-lint reads
    except ConfigError as exc:  # pragma: no cover - a bug in render_config
        _error(f"{target}: wrote a configuration that does not load: {exc}")
        return EXIT_ERROR
    click.echo(f"wrote {target.name}; lint the drafts here with: inmail-lint check .")
    return EXIT_OK
