"""One :class:`~inmail_lint.engine.linter.Linter` per configuration, built once: building one validates the
configuration against the rule registry and loads its model, so every caller (the Python API, ``check``, the
batch helpers, the language server) shares this one cache instead of keeping its own."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from inmail_lint.config.settings import Config
from inmail_lint.engine.harness import check_team_examples
from inmail_lint.engine.linter import Linter
from inmail_lint.engine.registry import build_registry


class LinterCache:
    """Linters by configuration, the least recently used dropped past ``size``.

    A configuration is keyed by identity (the resolver builds one ``Config`` per config file) unless the caller
    gives a ``key`` of its own: a helper process receives a fresh copy of each ``Config`` with every batch of
    work, and keys it by the parent's key instead."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, tuple[Config, Linter]] = OrderedDict()

    def get(self, config: Config, key: Hashable | None = None) -> Linter:
        own_key = key is None
        key = id(config) if key is None else key
        item = self._items.get(key)
        if item is None or (own_key and item[0] is not config):
            item = (config, build_linter(config))
            self._items[key] = item
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(key)
        return item[1]

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def build_linter(config: Config) -> Linter:
    """Validate, then build: the configuration's rules (a team's loaded and their examples checked), then the
    linter, which checks what the configuration names against them."""
    registry = build_registry(config.rule_dirs)
    check_team_examples(registry)
    return Linter(config, registry)


#: The cache of this process.
LINTERS = LinterCache()


def linter_for(config: Config) -> Linter:
    """The linter for a configuration, from this process's cache."""
    return LINTERS.get(config)
