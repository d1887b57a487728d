"""``inmail-lint web``: the page for writers, served on this machine."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from inmail_lint.cli.common import _error
from inmail_lint.util.status import EXIT_ERROR, EXIT_OK


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.argument("folder", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="The port (default: a free one).")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to serve on. Anything but this machine's own lets others on the network use the page.",
)
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
@click.option(
    "--allow-extension",
    "extensions",
    multiple=True,
    metavar="ID",
    help="Pair inmail-lint's browser extension with this id (chrome://extensions shows it): it may lint the "
    "draft it sends, with the printed token. Also the config's allow-extensions.",
)
def web(folder: Path, port: int, host: str, no_browser: bool, extensions: tuple[str, ...]) -> int:
    """Serve a page for writing drafts in FOLDER (default: here): live findings, fixes, the refund estimate,
    the folder's drafts, mail merge and a credit plan. Ctrl-C stops it."""
    # imported when the command runs, so that --help and --version stay fast
    import webbrowser

    from inmail_lint.web.httpd import WebServer

    try:
        allowed = tuple(dict.fromkeys(extensions + _configured_extensions(folder)))
        server = WebServer(folder, host, port, allowed)
    except OSError as exc:
        _error(f"cannot serve on {host}:{port}: {exc.strerror or exc}")
        return EXIT_ERROR
    except ValueError as exc:  # an extension id that is not one, or a config that cannot be read
        _error(f"--allow-extension: {exc}")
        return EXIT_ERROR
    for extension in allowed:
        click.echo(f"inmail-lint web: paired extension {extension} may lint the drafts it sends", err=True)
    if not _loopback(host):
        click.secho(
            f"WARNING: serving on {host}, not only this machine: anyone who can reach {host}:"
            f"{server.server_address[1]} and has the address below can read and change the drafts in {folder}.",
            fg="red",
            bold=True,
            err=True,
        )
    click.echo(f"inmail-lint web: {folder.resolve()} at {server.url}", err=True)
    click.echo("Ctrl-C stops it.", err=True)
    if not no_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def _configured_extensions(folder: Path) -> tuple[str, ...]:
    """The extension ids the served folder's config pairs (``allow-extensions``)."""
    from inmail_lint.config.settings import ConfigError
    from inmail_lint.run.session import RunOptions, Session

    try:
        return tuple(Session(RunOptions()).config_for(None, folder.resolve()).allow_extensions)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
