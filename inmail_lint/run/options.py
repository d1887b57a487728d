"""How a run session finds and overrides configurations, and whether it keeps results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RunOptions:
    """How a session finds and overrides configurations, and whether it keeps results."""

    config_file: Path | None = None
    isolated: bool = False
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    kind: str | None = None
    model: Path | None = None
    send_at: dt.datetime | None = None
    cache: bool = False  # keep and reuse each draft file's result (check's default is on)
    cache_dir: Path | None = None  # one folder for every configuration's entries
    cache_beside: Path | None = None  # where a configuration without a file keeps its cache (default: here)
    jobs: int = 1  # processes in all (1: this one only)
