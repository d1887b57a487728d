"""What a field measures, as the results keep it: counts, and a template's range of lengths with its variables.

Plain types with nothing to compute, apart from the analysis that fills them in, so that a run whose results
come from the cache reads them back without importing the analysis (see ``inmail_lint.run.result_cache``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Counts:
    chars: int  # code points
    chars_utf16: int  # what LinkedIn's limits count
    words: int


@dataclass(frozen=True)
class Variable:
    name: str
    max: int
    min: int
    sample: str
    assumed: bool = False  # neither declared nor in the built-in table: the default lengths were assumed


@dataclass(frozen=True)
class LengthRange:
    shortest_chars: int
    longest_chars: int
    shortest_words: int
    longest_words: int
    longest_points: int  # code points of the longest rendering (what the JSON report calls "chars")
    typical_chars: int  # each variable at its sample value: what best-practice advice (IM201) reads
    typical_words: int
    variables: tuple[Variable, ...] = ()  # each variable once, in order of appearance

    def assumed(self) -> str:
        """The lengths the longest rendering takes, as a message states them: "{{company}} at 40 characters,
        {{topic}} at 30 (assumed)"."""
        parts = [f"{{{{{v.name}}}}} at {v.max}" + (" (assumed)" if v.assumed else "") for v in self.variables]
        return ", ".join(parts[:4]) + (f" and {len(parts) - 4} more" if len(parts) > 4 else "")
