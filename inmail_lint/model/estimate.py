"""The refund-likelihood model: how likely the recipient is to respond within 90 days (which refunds the
credit), and why. The numbers live in ``rules/refund-model.yaml`` (or a team's fitted model), each with its
source; this module only reads them and adds up log odds.

    logit p = logit p0 + clamp(sum of log(odds ratio) over the factors the draft shows, -max_shift, +max_shift)
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from inmail_lint.util.files import ReadRefused, file_stamp, read_regular_text
from inmail_lint.util.resources import rules_dir
from inmail_lint.util.yamlsafe import UnsafeYaml, load_yaml_value, yaml_error_summary


class ModelError(Exception):
    """A model file cannot be used; the message names the file and the key."""


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def logistic(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def percent(probability: float) -> str:
    """A probability as every report and surface shows it: in whole percent from 10% up, and to a tenth below,
    rounded down ("9.6%", "9.9%" for 0.0996): a figure under 10% never reads as 10%, where IM901 draws its line
    ("refund likelihood 10%" beside "9.6%, under 10%" read as a contradiction)."""
    if probability < 0.1:
        return f"{math.floor(probability * 1000) / 10:.1f}%"
    return f"{probability:.0%}"


def odds_ratio_from_lift(rr: float, p0: float) -> float:
    """A relative lift RR measured at baseline p0, as an odds ratio: OR = RR(1 - p0) / (1 - RR p0)."""
    if not 0 < p0 < 1 or rr <= 0 or rr * p0 >= 1:
        raise ValueError(f"a lift of {rr} cannot apply at a baseline of {p0}")
    return rr * (1 - p0) / (1 - rr * p0)


@dataclass(frozen=True)
class Effect:
    label: str
    log_or: float  # the point value, in log odds
    low: float  # bounds, in log odds
    high: float


@dataclass(frozen=True)
class Factor:
    name: str
    label: str
    observe: str
    source: str
    grade: str
    when: Any = None  # a boolean factor applies when the observation equals this
    effect: Effect | None = None
    bins: tuple[tuple[float | None, Effect], ...] = ()
    # a smooth factor: log odds at these observed values, straight lines between them and flat beyond the ends;
    # its bounds are multiples of the point (curve_range)
    curve: tuple[tuple[float, float], ...] = ()
    curve_range: tuple[float, float] = (1.0, 1.0)
    # a numeric factor that a rule's finding keeps low: (rule code, the value it observes at least once that
    # finding is fixed), such as IM303 -> 1 on "how personal": a message that names something of the reader's
    fixed_by: tuple[tuple[str, float], ...] = ()

    @cached_property  # (asked for every factor of every draft's what-if: worked out once)
    def finding(self) -> str | None:
        """The rule code a factor observes through its finding ("finding:IM407"), or None."""
        return self.observe.split(":", 1)[1] if self.observe.startswith("finding:") else None

    def bin_index(self, observed: Any) -> int | None:
        """Which of ``bins`` an observed number falls in (the first whose ``upto`` it does not exceed)."""
        if observed is None:
            return None
        for i, (upto, _) in enumerate(self.bins):
            if upto is None or observed <= upto:
                return i
        return None

    def effect_for(self, observed: Any) -> Effect | None:
        if observed is None:
            return None
        if self.curve:
            point = _interpolate(self.curve, float(observed))
            if point == 0:
                return None
            lo, hi = self.curve_range
            return Effect(f"{self.label} {float(observed):.1f}", point, point * lo, point * hi)
        if self.bins:
            i = self.bin_index(observed)
            return None if i is None else self.bins[i][1]
        return self.effect if observed == self.when else None


def _interpolate(points: tuple[tuple[float, float], ...], x: float) -> float:
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


@dataclass(frozen=True)
class FactorResult:
    name: str
    label: str  # what was observed, in words
    observed: Any
    odds_ratio: float
    source: str
    grade: str

    @property
    def sign(self) -> str:
        return "+" if self.odds_ratio > 1 else "-" if self.odds_ratio < 1 else ""


@dataclass(frozen=True)
class Estimate:
    probability: float
    low: float
    high: float
    baseline: float
    factors: tuple[FactorResult, ...]
    credit_at_stake: bool
    expected_credit_cost: float
    model: str = "default"
    # what the estimate would be without each finding that lowers it: (rule code, probability), largest gain first
    if_fixed: tuple[tuple[str, float], ...] = ()
    # the rules whose findings lower it but whose fix alone would not show: the model's floor (max-shift)
    # holds the estimate down while the other findings remain
    held: tuple[str, ...] = ()
    # what the estimate could not read ("English phrasing was not read: ..."), said beside it everywhere
    caveat: str = ""

    def visible_gains(self) -> list[tuple[str, float]]:
        """The fixes that would raise the estimate by a point or more, largest first."""
        return [(code, p) for code, p in self.if_fixed if round(p, 2) > round(self.probability, 2)]

    def also_lower(self) -> list[str]:
        """The other costly findings: fixing one alone would not show (the model's floor holds the estimate, or
        the gain is under a point) while the others remain; each is named all the same."""
        visible = {code for code, _ in self.visible_gains()}
        return [code for code, _ in self.if_fixed if code not in visible] + list(self.held)

    def fixing(self, limit: int = 3) -> str:
        """'fixing IM407 would raise it to 24%, IM302 to 20%': the findings whose fix matters most."""
        visible = self.visible_gains()
        gains = visible[:limit]
        smaller = [code for code, _ in visible[limit:]]
        hidden = self.also_lower()
        held = ""
        if hidden:
            verb = "lowers" if len(hidden) == 1 else "lower"
            held = f"{', '.join(hidden)} {verb} it too, but fixing one alone would not show while the rest remain"
        if not gains:
            return held
        first, rest = gains[0], gains[1:]
        text = f"fixing {first[0]} would raise it to {percent(first[1])}"
        text += "".join(f", {code} to {percent(p)}" for code, p in rest)
        text += f", {' or '.join(smaller)} less" if smaller else ""
        return text + (f"; {held}" if held else "")

    def by_weight(self) -> list[FactorResult]:
        """The factors, the one that moves the estimate most first (the order every reason is given in)."""
        return sorted(self.factors, key=lambda f: -abs(math.log(f.odds_ratio)))

    def lowered_by(self) -> list[str]:
        """What lowers the estimate, by weight: the summary's "lowered by" and IM901's "held back by"."""
        return [f.label for f in self.by_weight() if f.odds_ratio < 1]

    def summary(self) -> str:
        """'refund likelihood 21% (typical 18%), raised by 1-3 questions; lowered by 801-1,200 characters'
        (the reasons in order of weight)."""
        up = [f.label for f in self.by_weight() if f.odds_ratio > 1]
        down = self.lowered_by()
        reasons = [f"{verb} {', '.join(names)}" for verb, names in (("raised by", up), ("lowered by", down)) if names]
        shown, typical = percent(self.probability), percent(self.baseline)
        head = f"refund likelihood {shown} (typical {typical})"
        if not self.credit_at_stake:
            head = f"response likelihood {shown} (typical {typical}; no credit at stake)"
        fixing = self.fixing()
        if self.caveat:
            head = head[:-1] + f"; {self.caveat})"
        return head + (", " + "; ".join(reasons) if reasons else "") + (f"; {fixing}" if fixing else "")


#: What each evidence grade of a factor's source means (the grades of ``shared/facts.md``), said wherever a
#: grade is shown so that no reader has to guess.
GRADES: dict[str, str] = {
    "OFF": "a LinkedIn help or ads page",
    "PLAT": "LinkedIn's own data, reported in the press",
    "ACAD": "a peer-reviewed study",
    "VEND": "a vendor's own data",
    "SEC": "an aggregator's report",
    "UNV": "a claim not confirmed in any readable source",
    "ASSUMPTION": "no published figure; the size is assumed, with a range",
}


def grade_legend(grades: Iterable[str]) -> str:
    """'grades: PLAT = LinkedIn's own data, ...; VEND = ...' for the grades given, in a fixed order."""
    wanted = set(grades)
    shown = [g for g in GRADES if g in wanted]
    return "grades: " + "; ".join(f"{g} = {GRADES[g]}" for g in shown) if shown else ""


def cited(grade: str, source: str) -> str:
    """A factor's grade and source as one note, the grade said once ("ASSUMPTION (range ...): ..." already
    opens with it)."""
    return source if source.startswith(grade) else f"{grade}; {source}"


@dataclass(frozen=True)
class Model:
    name: str
    baseline: float
    baseline_low: float
    baseline_high: float
    max_shift: float
    factors: tuple[Factor, ...]
    source: str = ""

    @property
    def finding_codes(self) -> frozenset[str]:
        """The rule codes whose findings the model observes (a factor's own, or a ``fixed-by`` rule's)."""
        return frozenset(f.finding for f in self.factors if f.finding) | frozenset(
            code for f in self.factors for code, _ in f.fixed_by
        )

    @property
    def observed_names(self) -> frozenset[str]:
        """What the model asks to be observed: each factor's observation, and "finding:CODE" for each rule that
        a factor is ``fixed-by``."""
        return frozenset(f.observe for f in self.factors) | frozenset(
            f"finding:{code}" for f in self.factors for code, _ in f.fixed_by
        )

    def estimate(self, observations: Mapping[str, Any], *, credit_at_stake: bool = True) -> Estimate:
        """The estimate for a draft whose factors were observed as given (a missing factor has no effect).

        ``low`` and ``high`` are a 90% interval: the baseline and each factor's effect are taken as anywhere in
        their ranges with equal chance (uniform on the log-odds scale), independently, and the interval of
        their sum is approximated by a normal one (mean and variance of the uniform draws)."""
        effects = self._effects(observations)  # each factor's effect, found once for the what-if questions too
        probability = self._probability(effects)  # the estimate's own, to the last bit (a test holds them equal)
        at_floor = probability <= self._shifted(-self.max_shift) + 1e-12
        gains, held = [], []
        for code, fixed, lowers in self._fixes(observations, effects):
            without = self._probability(fixed)
            if without > probability:
                gains.append((code, without))
            elif at_floor and lowers:
                held.append(code)  # it lowers the estimate, but the floor hides what fixing it alone would gain
        gains.sort(key=lambda g: -g[1])
        return self._estimate(observations, credit_at_stake, effects, tuple(gains), tuple(held))

    def _fixes(
        self, observations: Mapping[str, Any], effects: list[Effect | None]
    ) -> Iterator[tuple[str, list[Effect | None], bool]]:
        """Each finding on this draft whose fix the model measures: its rule code, the factors' effects once it
        is fixed, and whether it lowers the estimate now. A factor's own finding is gone (only the factors that
        observe it change); a ``fixed-by`` rule's factor observes at least the value fixing it gives."""
        for factor in self.factors:
            code = factor.finding
            if code is not None and observations.get(factor.observe):
                gone = factor.observe
                fixed = [
                    f.effect_for(False) if f.observe == gone else e for f, e in zip(self.factors, effects, strict=True)
                ]
                yield code, fixed, factor.effect is not None and factor.effect.log_or < 0
        for i, factor in enumerate(self.factors):
            observed = observations.get(factor.observe)
            for code, value in factor.fixed_by:
                if observations.get(f"finding:{code}") and observed is not None and observed < value:
                    fixed = list(effects)
                    fixed[i] = factor.effect_for(value)
                    current = effects[i]
                    yield code, fixed, current is not None and current.log_or < 0

    def _effects(self, observations: Mapping[str, Any]) -> list[Effect | None]:
        """Each factor's effect on a draft observed as given (None: the factor does not apply)."""
        return [factor.effect_for(observations.get(factor.observe)) for factor in self.factors]

    def _probability(self, effects: list[Effect | None]) -> float:
        """The point estimate alone, as :meth:`_estimate` makes it (the same sum in the same order), without the
        interval and the factors' results that the what-if questions above do not read."""
        point = 0.0
        for effect in effects:
            if effect is not None:
                point += effect.log_or
        return self._shifted(point)

    def _shifted(self, log_odds: float) -> float:
        """The baseline moved by ``log_odds``, held within the model's largest shift."""
        return logistic(logit(self.baseline) + max(-self.max_shift, min(self.max_shift, log_odds)))

    def _estimate(
        self,
        observations: Mapping[str, Any],
        credit_at_stake: bool,
        effects: list[Effect | None] | None = None,
        if_fixed: tuple[tuple[str, float], ...] = (),
        held: tuple[str, ...] = (),
    ) -> Estimate:
        results: list[FactorResult] = []
        point = 0.0
        b_lo, b_hi = logit(self.baseline_low), logit(self.baseline_high)
        mean = (b_lo + b_hi) / 2 - logit(self.baseline)  # the draws, relative to the point baseline
        variance = (b_hi - b_lo) ** 2 / 12
        effects = self._effects(observations) if effects is None else effects
        for factor, effect in zip(self.factors, effects, strict=True):
            if effect is None:
                continue
            observed = observations.get(factor.observe)
            point += effect.log_or
            lo, hi = min(effect.low, effect.high), max(effect.low, effect.high)
            mean += (lo + hi) / 2
            variance += (hi - lo) ** 2 / 12
            results.append(
                FactorResult(factor.name, effect.label, observed, math.exp(effect.log_or), factor.source, factor.grade)
            )

        p = self._shifted(point)
        spread = Z90 * math.sqrt(variance)
        p_low = self._shifted(mean - spread)
        p_high = self._shifted(mean + spread)
        return Estimate(
            probability=p,
            low=min(p_low, p),
            high=max(p_high, p),
            baseline=self.baseline,
            factors=tuple(results),
            credit_at_stake=credit_at_stake,
            expected_credit_cost=(1 - p) if credit_at_stake else 0.0,
            model=self.name,
            if_fixed=if_fixed,
            held=held,
        )


Z90 = 1.645  # a two-sided 90% interval of a normal distribution


# --------------------------------------------------------------------------------------------------------
# Loading


def _number(value: Any, where: str, *, minimum: float | None = None) -> float:
    """A finite number (at least ``minimum``); :class:`ModelError` naming where, and what is expected."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ModelError(f"{where}: expected a number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ModelError(f"{where}: expected a number of at least {minimum:g}, got {value!r}")
    return float(value)


def _effect(spec: Mapping[str, Any], label: str, p0: float, where: str, defaults: Mapping[str, Any]) -> Effect:
    scale = _number(spec.get("scale", defaults.get("scale", 1.0)), f"{where}.scale")
    share = _number(spec.get("share", defaults.get("share", 1.0)), f"{where}.share")
    at = spec.get("at", defaults.get("at", "model"))
    at_p = p0 if at == "model" else _number(at, f"{where}.at")

    def log_or_of_rr(rr: Any, key: str) -> float:
        try:
            return math.log(odds_ratio_from_lift(_number(rr, key), at_p)) * scale * share
        except ValueError as exc:
            raise ModelError(f"{key}: {exc}") from None

    if "log-or" in spec:  # a fitted model stores log odds directly
        point = _number(spec["log-or"], f"{where}.log-or")
        bounds = spec.get("range-log-or", [point, point])
        return Effect(
            label, point, _number(bounds[0], f"{where}.range-log-or"), _number(bounds[1], f"{where}.range-log-or")
        )
    if "or-from" in spec:
        rates = spec["or-from"]
        p1, pb = _number(rates.get("p1"), f"{where}.or-from.p1"), _number(rates.get("p0"), f"{where}.or-from.p0")
        if not (0 < p1 < 1 and 0 < pb < 1):
            raise ModelError(f"{where}.or-from: rates must be between 0 and 1")
        point = (logit(p1) - logit(pb)) * scale * share
    elif "rr" in spec:
        point = log_or_of_rr(spec["rr"], f"{where}.rr")
    else:
        raise ModelError(f"{where}: give 'rr', 'or-from' or 'log-or'")
    if "range-rr" in spec:
        lo, hi = spec["range-rr"]
        return Effect(label, point, log_or_of_rr(lo, f"{where}.range-rr"), log_or_of_rr(hi, f"{where}.range-rr"))
    lo_m, hi_m = spec.get("range", [1.0, 1.0])
    return Effect(label, point, point * _number(lo_m, f"{where}.range"), point * _number(hi_m, f"{where}.range"))


_RULE_CODE = re.compile(r"[A-Z]+[0-9]+")


def _fixed_by(value: Any, factor: Factor, where: str) -> tuple[tuple[str, float], ...]:
    """A factor's ``fixed-by``: {rule code: the value the factor observes at least once that rule's finding is
    fixed}. Only a factor that observes a number (bins or a curve) has one."""
    if not (factor.bins or factor.curve):
        raise ModelError(f"{where}.fixed-by: only a factor with 'bins' or a 'curve' observes a number to raise")
    if not isinstance(value, dict) or not value:
        raise ModelError(f"{where}.fixed-by: expected a mapping of rule codes to values, such as {{IM303: 1}}")
    pairs = []
    for code, at_least in value.items():
        if not isinstance(code, str) or not _RULE_CODE.fullmatch(code):
            raise ModelError(f"{where}.fixed-by: {code!r} is not a rule code (such as IM303)")
        pairs.append((code, _number(at_least, f"{where}.fixed-by.{code}")))
    return tuple(pairs)


def _one_place_for_each_finding(factors: list[Factor], source: str) -> None:
    """A rule's finding is observed by one factor or fixes one factor: two answers to "what would fixing it
    gain?" would each be half the truth."""
    seen: dict[str, str] = {}
    for factor in factors:
        for code in ([factor.finding] if factor.finding else []) + [code for code, _ in factor.fixed_by]:
            if code in seen:
                raise ModelError(f"{source}: {code} is named by both '{seen[code]}' and '{factor.name}'; keep one")
            seen[code] = factor.name


def parse_model(data: Any, source: str) -> Model:
    if not isinstance(data, dict):
        raise ModelError(f"{source}: a model is a mapping with 'baseline' and 'factors'")
    try:
        base = data["baseline"]
        p0 = _number(base["p"], f"{source}: baseline.p")
        lo, hi = (_number(v, f"{source}: baseline.range") for v in base.get("range", [p0, p0]))
        if not (0 < lo <= p0 <= hi < 1):
            raise ModelError(f"{source}: baseline: need 0 < range low <= p <= range high < 1")
        factors = []
        for i, spec in enumerate(data.get("factors") or []):
            factors.append(_parse_factor(spec, f"{source}: factors[{i}] ({spec.get('name', '?')})", p0))
        _one_place_for_each_finding(factors, source)
        return Model(
            name=str(data.get("name", Path(source).stem)),
            baseline=p0,
            baseline_low=lo,
            baseline_high=hi,
            max_shift=_number(data.get("max-shift", 1.5), f"{source}: max-shift", minimum=0),
            factors=tuple(factors),
            source=source,
        )
    except KeyError as exc:
        raise ModelError(f"{source}: missing key {exc}") from None
    except (TypeError, ValueError) as exc:
        raise ModelError(f"{source}: {exc}") from None


def _parse_factor(spec: Mapping[str, Any], where: str, p0: float) -> Factor:
    """One factor of a model file: a curve, bins or a yes/no effect, and what fixing a finding gives it."""
    label = str(spec.get("label", spec["name"]))
    common = {k: spec[k] for k in ("scale", "share", "at") if k in spec}
    identity = (
        spec["name"],
        label,
        spec.get("observe", spec["name"]),
        str(spec.get("source", "")),
        str(spec.get("grade", "")),
    )
    if "curve" in spec:
        points = tuple((_number(x, f"{where}.curve"), _number(y, f"{where}.curve")) for x, y in spec["curve"])
        if len(points) < 2 or any(b[0] <= a[0] for a, b in itertools.pairwise(points)):
            raise ModelError(f"{where}.curve: give two or more [value, log-or] points in increasing order")
        scale = _number(spec.get("scale", 1.0), f"{where}.scale")
        lo_m, hi_m = spec.get("range", [1.0, 1.0])
        factor = Factor(
            *identity,
            curve=tuple((x, y * scale) for x, y in points),
            curve_range=(_number(lo_m, f"{where}.range"), _number(hi_m, f"{where}.range")),
        )
    elif "bins" in spec:
        bins = tuple(
            (
                None if b.get("upto") is None else _number(b["upto"], f"{where}.bins[{j}].upto"),
                _effect(b, str(b.get("label", label)), p0, f"{where}.bins[{j}]", common),
            )
            for j, b in enumerate(spec["bins"])
        )
        factor = Factor(*identity, bins=bins)
    else:
        factor = Factor(*identity, when=spec.get("when", True), effect=_effect(spec, label, p0, where, {}))
    if "fixed-by" in spec:
        factor = dataclasses.replace(factor, fixed_by=_fixed_by(spec["fixed-by"], factor, where))
    if not factor.source:
        raise ModelError(f"{where}: every factor needs a 'source'")
    return factor


_MODELS: dict[str, Model] = {}


def load_model(path: Path | None = None) -> Model:
    """The built-in model, or a team's model file; each read once per process and version of the file (its
    path, size and modification time: a long-lived process, such as the page or the language server, reads a
    model file edited since)."""
    path = path or rules_dir() / "refund-model.yaml"
    key = file_stamp(path)
    if key not in _MODELS:
        try:
            data = load_yaml_value(read_regular_text(path))
        except ReadRefused as exc:
            raise ModelError(f"{path}: model file {exc}") from None
        except OSError as exc:
            raise ModelError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise ModelError(f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8") from None
        except UnsafeYaml as exc:
            raise ModelError(f"{path}: model file {exc}") from None
        except yaml.YAMLError as exc:
            raise ModelError(f"{path}: not valid YAML: {yaml_error_summary(exc)}") from None
        if len(_MODELS) >= 64:  # a run uses one model or a few; a long-lived server keeps no more
            _MODELS.pop(next(iter(_MODELS)))
        _MODELS[key] = parse_model(data, str(path))
    return _MODELS[key]
