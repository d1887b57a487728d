"""Finding, loading and validating configuration.

Configuration lives in ``[tool.inmail-lint]`` of a ``pyproject.toml``, or at the top level of
``.inmail-lint.toml`` or ``inmail-lint.toml``. For each linted file the nearest such file in its directory or
above wins; in one directory ``.inmail-lint.toml`` beats ``inmail-lint.toml`` beats ``pyproject.toml``
(a ``pyproject.toml`` without the table is passed over). Unknown keys and bad values raise
:class:`ConfigError`, which names the file and the key.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from inmail_lint.diagnostic import SEVERITY_NAMES
from inmail_lint.util.files import ReadRefused, read_regular_text, resolved
from inmail_lint.util.resources import load_data
from inmail_lint.util.schema import describe, first_error
from inmail_lint.util.text import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

CONFIG_NAMES = (".inmail-lint.toml", "inmail-lint.toml", "pyproject.toml")
DEFAULT_KIND = "inmail"
MAX_CONFIG_BYTES = 1024 * 1024
DEFAULT_INCLUDE = ("*.inmail", "*.inmail.md", "*.inmail.txt")
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "build",
    "dist",
    "site-packages",
)


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file, the key and what is expected."""


_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_KIND_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string"},
        "description": {"type": "string"},
        "credit": {"type": "boolean"},
        "subject-required": {"type": "boolean"},
        "subject-sent": {"type": "boolean"},
        "subject-max": {"type": "integer", "minimum": 1},
        "body-max": {"type": "integer", "minimum": 1},
        "body-max-free-account": {"type": "integer", "minimum": 1},
        "cta-max": {"type": "integer", "minimum": 1},
        "links-max": {"type": "integer", "minimum": 0},
        "links-advised": {"type": "integer", "minimum": 0},
        "emojis-max": {"type": "integer", "minimum": 0},
        "ignore": _STRINGS,
        "sources": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "select": _STRINGS,
        "extend-select": _STRINGS,
        "ignore": _STRINGS,
        "per-file-ignores": {"type": "object", "additionalProperties": _STRINGS},
        "rules": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"severity": {"enum": list(SEVERITY_NAMES)}},
            },
        },
        "rule-dirs": _STRINGS,
        "extend": {"type": "string"},
        "include": _STRINGS,
        "exclude": _STRINGS,
        "extend-exclude": _STRINGS,
        "kind": {"type": "string", "minLength": 1},
        "kinds": {"type": "object", "additionalProperties": _KIND_SCHEMA},
        "free-account": {"type": "boolean"},
        "cache": {"type": "boolean"},
        "spacy-model": {"type": "string", "minLength": 1},
        "language": {"enum": ["auto", "en"]},
        "language-note": {"type": "boolean"},
        "model": {"type": "string", "minLength": 1},
        "baseline": {"type": "string", "minLength": 1},
        "docs-url": {"type": "string", "minLength": 1, "pattern": "\\{(code|name)\\}"},
        "allow-extensions": {"type": "array", "items": {"type": "string", "pattern": "^[a-p]{32}$"}},
        "plans": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["monthly", "cap"],
                "additionalProperties": False,
                "properties": {
                    "title": {"type": "string"},
                    "monthly": {"type": "integer", "minimum": 0},
                    "cap": {"type": "integer", "minimum": 0},
                    "expiry-months": {"oneOf": [{"type": "integer", "minimum": 1}, {"const": "never"}]},
                    "expiry-note": {"type": "string"},
                    "source": {"type": "string"},
                },
            },
        },
        "templates": _STRINGS,
        "variables": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "max": {"type": "integer", "minimum": 0},
                    "min": {"type": "integer", "minimum": 0},
                    "sample": {"type": "string"},
                },
            },
        },
        "sender": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string"},
                "company": {"type": "string"},
                "past_companies": _STRINGS,
                "schools": _STRINGS,
                "groups": _STRINGS,
            },
        },
    },
}


@dataclass(frozen=True)
class Config:
    """One configuration file's settings (or the defaults), with paths made absolute."""

    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    select: tuple[str, ...] = ("ALL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    rule_dirs: tuple[Path, ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    kind: str = DEFAULT_KIND
    kinds: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    free_account: bool = False
    spacy_model: str | None = None
    language: str = "auto"  # "en": every draft is English (the rules marked language: en always run)
    language_note: bool = True  # say, for a draft in another language, that its English rules did not run
    templates: tuple[str, ...] = ()
    variables: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sender: Mapping[str, Any] = field(default_factory=dict)
    model: Path | None = None  # a team's refund model (inmail-lint calibrate); None: the built-in one
    baseline: Path | None = None  # findings accepted as they are (check --write-baseline); only new ones shown
    docs_url: str | None = None  # where each rule's page is: a template with {code} and {name}
    allow_extensions: tuple[str, ...] = ()  # browser extensions `inmail-lint web` pairs (their ids)
    plans: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    send_at: dt.datetime | None = None  # from the command line
    cache: bool = True  # `check` keeps each draft's result in .inmail_lint_cache/ beside the config
    extends: tuple[Path, ...] = ()  # the config files this one extends (read to build it), nearest first

    @property
    def label(self) -> str:
        return str(self.path) if self.path else "the command line"

    def with_overrides(
        self,
        *,
        select: tuple[str, ...] | None = None,
        extend_select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        kind: str | None = None,
        model: Path | None = None,
        send_at: dt.datetime | None = None,
    ) -> Config:
        """Settings from the command line on top of this file's."""
        changes: dict[str, Any] = {
            "extend_select": self.extend_select + extend_select,
            "ignore": self.ignore + ignore,
        }
        if select is not None:
            changes["select"] = select
        if kind is not None:
            changes["kind"] = kind
        if model is not None:
            changes["model"] = model.resolve()
        if send_at is not None:
            changes["send_at"] = send_at
        new = dataclasses.replace(self, **changes)
        if kind is not None and kind not in new.kinds:
            raise ConfigError(
                f"--kind: unknown kind {kind!r}; expected one of {', '.join(new.kinds)}{did_you_mean(kind, new.kinds)}"
            )
        return new

    def kind_limits(self, name: str) -> dict[str, Any]:
        """The kind's limits, adjusted for a free account."""
        limits = dict(self.kinds[name])
        if self.free_account and "body-max-free-account" in limits:
            limits["body-max"] = limits["body-max-free-account"]
        return limits


def builtin_kinds() -> dict[str, dict[str, Any]]:
    return copy.deepcopy(load_data("kinds.yaml"))


def default_config(root: Path | None = None) -> Config:
    return Config(root=root or Path.cwd(), kinds=builtin_kinds())


class SchemaPasses(Protocol):
    """Configuration tables that passed the schema in an earlier run (the run session keeps them in the result
    cache's folder, by their contents and this code): a table known to pass is not checked again, which saves
    importing jsonschema (about 40 ms) on a run over drafts whose config has not changed."""

    def known(self, path: Path, table: Mapping[str, Any]) -> bool: ...

    def add(self, path: Path, table: Mapping[str, Any]) -> None: ...


def _validate(data: Any, label: str, path: Path | None = None, passes: SchemaPasses | None = None) -> None:
    if passes is not None and path is not None and passes.known(path, data):
        return
    import jsonschema  # on first use: it is a tenth of a second of start-up that --version does not need

    error = first_error(jsonschema.Draft202012Validator(CONFIG_SCHEMA), data)
    if error is not None:
        raise ConfigError(f"{label}: {describe(error)}")
    if passes is not None and path is not None:
        passes.add(path, data)


def _path_in(label: str, key: str, folder: Path, value: str) -> Path:
    """A path a config names, relative to its folder; :class:`ConfigError` when the system refuses it."""
    try:
        return resolved(folder / value)
    except ValueError as exc:
        raise ConfigError(f"{label}: key {key!r}: {value!r} cannot be used as a path: {exc}") from None


def parse_config(
    data: Mapping[str, Any], path: Path | None, root: Path, *, passes: SchemaPasses | None = None
) -> Config:
    """Validate a configuration table and turn it into a Config."""
    label = str(path) if path else "configuration"
    _validate(data, label, path, passes)
    kinds = builtin_kinds()
    for name, overrides in (data.get("kinds") or {}).items():
        kinds[name] = {**kinds.get(name, {"title": name, "credit": True}), **overrides}
    kind = data.get("kind", DEFAULT_KIND)
    if kind not in kinds:
        raise ConfigError(
            f"{label}: key 'kind': unknown kind {kind!r}; expected one of {', '.join(kinds)}{did_you_mean(kind, kinds)}"
        )
    rule_dirs = tuple(_path_in(label, "rule-dirs", root, d) for d in data.get("rule-dirs", ()))
    for folder in rule_dirs:
        if not folder.is_dir():
            raise ConfigError(f"{label}: key 'rule-dirs': {folder} is not a directory")
    return Config(
        path=path,
        root=root,
        select=tuple(data.get("select", ("ALL",))),
        extend_select=tuple(data.get("extend-select", ())),
        ignore=tuple(data.get("ignore", ())),
        per_file_ignores=tuple((k, tuple(v)) for k, v in (data.get("per-file-ignores") or {}).items()),
        rules=data.get("rules") or {},
        rule_dirs=rule_dirs,
        include=tuple(data.get("include", DEFAULT_INCLUDE)),
        exclude=tuple(data.get("exclude", DEFAULT_EXCLUDE)) + tuple(data.get("extend-exclude", ())),
        kind=kind,
        kinds=kinds,
        free_account=bool(data.get("free-account", False)),
        spacy_model=data.get("spacy-model"),
        language=data.get("language", "auto"),
        language_note=data.get("language-note", True),
        templates=tuple(data.get("templates", ())),
        variables=data.get("variables") or {},
        sender=data.get("sender") or {},
        model=_path_in(label, "model", root, data["model"]) if "model" in data else None,
        baseline=_path_in(label, "baseline", root, data["baseline"]) if "baseline" in data else None,
        docs_url=data.get("docs-url"),
        allow_extensions=tuple(data.get("allow-extensions", ())),
        plans=data.get("plans") or {},
        cache=bool(data.get("cache", True)),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = read_regular_text(path, MAX_CONFIG_BYTES)
    except ReadRefused as exc:
        raise ConfigError(f"{path}: config file {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses into nested inline tables and arrays
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None


def _table(path: Path) -> dict[str, Any] | None:
    """The inmail-lint settings in a config file, or None for a pyproject.toml without them."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("inmail-lint") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: 'tool.inmail-lint' must be a table")
        return table
    return data


MAX_EXTENDS = 8  # configs one `extend` chain may hold


def _extended(
    path: Path, table: dict[str, Any], chain: tuple[Path, ...] = (), read: list[Path] | None = None
) -> dict[str, Any]:
    """The settings of a config that says ``extend = "../inmail-lint.toml"``: the parent's, then its own on top.
    Paths the parent gives (``rule-dirs``, ``model``) stay relative to the parent's folder; ``rule-dirs``
    accumulate, so a subfolder's config knows the parent's team rules (``ignore = ["TM001"]`` there works)."""
    reference = table.get("extend")
    if reference is None:
        return table
    label = f"{path}: key 'extend'"
    if not isinstance(reference, str) or not reference.strip():
        raise ConfigError(f"{label}: expected the path of another config file")
    parent = _path_in(str(path), "extend", path.parent, reference)
    if parent in chain or parent == path:
        raise ConfigError(f"{label}: {parent} extends itself through {len(chain) + 1} files")
    if len(chain) >= MAX_EXTENDS:
        raise ConfigError(f"{label}: more than {MAX_EXTENDS} configs extend one another")
    if not parent.is_file():
        raise ConfigError(f"{label}: {parent} is not a config file")
    parent_table = _table(parent)
    if parent_table is None:
        raise ConfigError(f"{label}: {parent} has no [tool.inmail-lint] table")
    if read is not None:
        read.append(parent)
    base = dict(_extended(parent, parent_table, (*chain, path), read))
    inherited_dirs = base.get("rule-dirs")
    if isinstance(inherited_dirs, list):
        base["rule-dirs"] = [str((parent.parent / d).resolve()) for d in inherited_dirs if isinstance(d, str)]
    for key in ("model", "baseline"):  # paths the parent gives stay relative to the parent's folder
        if isinstance(base.get(key), str):
            base[key] = str((parent.parent / base[key]).resolve())
    own = {k: v for k, v in table.items() if k != "extend"}
    merged = {**base, **own}
    if isinstance(base.get("rule-dirs"), list) and isinstance(own.get("rule-dirs"), list):
        merged["rule-dirs"] = [*base["rule-dirs"], *own["rule-dirs"]]  # the parent's team rules stay known
    return merged


def load_config_file(path: Path, passes: SchemaPasses | None = None) -> Config:
    path = path.resolve()
    table = _table(path)
    if table is None:
        raise ConfigError(f"{path}: has no [tool.inmail-lint] table")
    extends: list[Path] = []
    table = _extended(path, table, read=extends)
    try:
        return dataclasses.replace(parse_config(table, path, path.parent, passes=passes), extends=tuple(extends))
    except ConfigError as exc:
        message = str(exc)
        if path.name == "pyproject.toml" and "key '" in message:
            message = message.replace("key '", "key 'tool.inmail-lint.", 1)
        raise ConfigError(message) from None


def _config_in(folder: Path) -> Path | None:
    """The config file in ``folder`` itself, if any (a pyproject.toml counts when it has our table)."""
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.exists() and not candidate.is_dir():  # a FIFO or a device is refused when it is read
            if name == "pyproject.toml":
                try:
                    if _table(candidate) is None:
                        continue
                except ConfigError:
                    return candidate  # report the broken file when it is loaded
            return candidate
    return None


PROJECT_MARKERS = (".git", ".hg")
#: the names looked for in each folder from a draft's up (a record of a run checks that they stay as they were)
LOOKED_FOR = (*CONFIG_NAMES, *PROJECT_MARKERS)


def _project_marker(folder: Path) -> Path | None:
    """``folder`` when it holds ``.git`` or ``.hg`` (where a project without a config file begins)."""
    return folder if any((folder / name).exists() for name in PROJECT_MARKERS) else None


def named_paths(config_file: Path) -> list[Path]:
    """The paths a config file names (``rule-dirs``, ``model``, ``baseline``, ``extend``), joined to its folder
    as written, links not followed: a record of a run checks that each still leads where it led. Empty when
    the file cannot be read now."""
    try:
        table = _table(config_file)
    except ConfigError:
        return []
    named: list[Any] = list(table.get("rule-dirs") or []) if table is not None else []
    if table is not None:
        named += [table.get(key) for key in ("model", "baseline", "extend")]
    return [config_file.parent / value for value in named if isinstance(value, str) and "\0" not in value]


class ConfigResolver:
    """Gives the Config for each linted path: one file for all (``--config``), none (``--isolated``), or the
    nearest one, each loaded once."""

    def __init__(
        self,
        *,
        config_file: Path | None = None,
        isolated: bool = False,
        passes: SchemaPasses | None = None,
        **overrides: Any,
    ) -> None:
        self._overrides = overrides
        self._passes = passes
        self._by_file: dict[Path, Config] = {}
        self._by_directory: dict[Path, Config] = {}
        self._fixed: Config | None = None
        self._memo: dict[Callable[[Path], Path | None], dict[Path, Path | None]] = {}
        if config_file is not None:
            self._fixed = load_config_file(config_file, passes).with_overrides(**overrides)
        elif isolated:
            self._fixed = default_config().with_overrides(**overrides)

    def for_directory(self, directory: Path, *, resolved: bool = False) -> Config:
        """The configuration for drafts in ``directory`` (``resolved``: the path is already absolute and free
        of links, as a walk from a resolved folder gives them)."""
        if self._fixed is not None:
            return self._fixed
        cached = self._by_directory.get(directory)
        if cached is not None:
            return cached
        real = directory if resolved else directory.resolve()
        path = self._nearest(real, _config_in)
        key: Path = path if path is not None else (self._nearest(real, _project_marker) or real)
        if key not in self._by_file:
            base = load_config_file(path, self._passes) if path else default_config(key)
            self._by_file[key] = base.with_overrides(**self._overrides)
        self._by_directory[directory] = self._by_file[key]
        return self._by_file[key]

    def _nearest(self, folder: Path, look: Callable[[Path], Path | None]) -> Path | None:
        """What ``look`` finds in ``folder`` or the nearest folder above it, each folder asked once per run (a
        walk asks for every folder of a deep tree: asking each one's parents again was quadratic)."""
        memo = self._memo.setdefault(look, {})
        chain: list[Path] = []
        current = folder
        while True:
            if current in memo:
                found = memo[current]
                break
            found = look(current)
            if found is not None:
                memo[current] = found
                break
            chain.append(current)
            if current.parent == current:
                break
            current = current.parent
        for visited in chain:
            memo[visited] = found
        return found

    def for_path(self, path: Path) -> Config:
        return self.for_directory(path.parent if not path.is_dir() else path)

    def looked_in(self) -> list[Path]:
        """Every folder this resolver looked in for a config file or a project marker, in order."""
        return sorted({folder for memo in self._memo.values() for folder in memo})

    def unchanged(self) -> bool:
        """Whether every folder looked in would give the same answer now: no config file or project marker
        has appeared, gone or stopped counting since (a record of the run is kept only then)."""
        for look, memo in self._memo.items():
            for folder, found in memo.items():
                own = found if found is not None and folder in (found, found.parent) else None
                try:
                    if look(folder) != own:
                        return False
                except (OSError, ConfigError):
                    return False
        return True
