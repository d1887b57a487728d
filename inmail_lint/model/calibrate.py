"""Fitting the refund model to a team's own outcomes (``inmail-lint calibrate``).

The fitted model has the same factors as the model it starts from, so its numbers mean the same things; it is
fitted with a regularised logistic regression (scikit-learn, the optional extra ``[calibrate]``) and judged on
a held-out split against the model it would replace.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from inmail_lint.model.estimate import Factor, Model, logistic, logit, parse_model

FITTED_MAX_SHIFT = 6.0


class CalibrationError(Exception):
    """The history cannot be used to fit a model; the message says why."""


@dataclass(frozen=True)
class Column:
    factor: Factor
    bin: int | None  # the bin of a binned factor, None for a yes/no factor
    curve: bool = False  # a smooth factor: the column is its default log odds, the coefficient a multiple of it


def columns(model: Model) -> tuple[list[Column], dict[str, int]]:
    """One column per yes/no factor and per bin, except each binned factor's reference bin (the one whose
    effect in ``model`` is nearest to none), which is fixed at zero so the bins are not collinear."""
    cols: list[Column] = []
    reference: dict[str, int] = {}
    for factor in model.factors:
        if factor.curve:
            cols.append(Column(factor, None, curve=True))
        elif factor.bins:
            ref = min(range(len(factor.bins)), key=lambda i: abs(factor.bins[i][1].log_or))
            reference[factor.name] = ref
            cols.extend(Column(factor, i) for i in range(len(factor.bins)) if i != ref)
        else:
            cols.append(Column(factor, None))
    return cols, reference


def design_row(cols: Sequence[Column], observations: Mapping[str, Any]) -> list[float]:
    row = []
    for col in cols:
        observed = observations.get(col.factor.observe)
        if col.curve:
            effect = col.factor.effect_for(observed)
            row.append(effect.log_or if effect is not None else 0.0)
        elif col.bin is None:
            row.append(1.0 if observed is not None and observed == col.factor.when else 0.0)
        else:
            row.append(1.0 if col.factor.bin_index(observed) == col.bin else 0.0)
    return row


#: How far a fit may move from the default model: the variance of the prior around each default coefficient, in
#: logits squared (0.1: a standard deviation of about 0.32). Chosen on synthetic histories of 200 to 5,000 rows
#: whose true effects differ from the default by 0.3-0.9 logits: with it, no fit of 10 seeds at each size ended
#: further from the truth than the default, and at 5,000 rows the error fell to about a tenth.
PRIOR_STRENGTH = 0.1


def prior_coefficients(cols: Sequence[Column], reference: Mapping[str, int]) -> list[float]:
    """The default model's value of each column: a yes/no factor's log odds, a bin's log odds relative to its
    factor's reference bin, and 1 for a smooth factor (the column is already its default log odds)."""
    values = []
    for col in cols:
        factor = col.factor
        if col.curve:
            values.append(1.0)
        elif col.bin is None:
            values.append(factor.effect.log_or if factor.effect is not None else 0.0)
        else:
            values.append(factor.bins[col.bin][1].log_or - factor.bins[reference[factor.name]][1].log_or)
    return values


def fit_around_prior(np: Any, x: Any, y: Any, prior: Any, prior_intercept: float, c: float) -> tuple[float, Any]:
    """Logistic regression penalised toward the default model, not toward zero: it minimises the negative log
    likelihood plus ``(coefficient - default)^2 / (2c)`` for each column (the intercept is nearly free), by
    Newton's method. A small history moves the model a little, a large one a lot, and a factor the history never
    shows keeps its default value."""
    n, k = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    centre = np.concatenate([[prior_intercept], prior])
    penalty = np.full(k + 1, 1.0 / c)
    penalty[0] = 1e-6
    weights = centre.copy()
    for _ in range(100):
        z = np.clip(design @ weights, -30, 30)
        p = 1.0 / (1.0 + np.exp(-z))
        gradient = design.T @ (p - y) + penalty * (weights - centre)
        hessian = (design.T * (p * (1 - p))) @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        weights = weights - step
        if float(np.max(np.abs(step))) < 1e-9:
            break
    return float(weights[0]), weights[1:]


def _sklearn() -> Any:
    try:
        from sklearn import linear_model, metrics, model_selection  # the calibrate extra: only when fitting
    except ImportError:
        raise CalibrationError(
            "calibration needs scikit-learn: python -m pip install -e '.[calibrate]' in the inmail-lint checkout "
            "(it is not on a package index)"
        ) from None
    return linear_model, metrics, model_selection


#: The fewest sent messages calibration accepts: with fewer, a fit moves the model on noise, and a held-out
#: quarter of the rows is too few to tell a fitted model from the default one (a 5-row history gave "AUC 1.000").
MIN_ROWS = 50


def check_history(outcomes: Sequence[int], holdout: float = 0.25) -> None:
    """Refuse a history calibration cannot use, saying why: no rows, one outcome only, too few rows."""
    if not outcomes:
        raise CalibrationError("the history has a header but no rows; it needs one row for each message sent")
    if len(set(outcomes)) < 2:
        raise CalibrationError("the history needs both outcomes (some responded, some did not)")
    if len(outcomes) < MIN_ROWS:
        raise CalibrationError(
            f"the history has {len(outcomes)} rows; calibration needs at least {MIN_ROWS} sent messages, because "
            "with fewer a fit follows chance and the held-out comparison cannot tell it from the default model"
        )
    if holdout and round(len(outcomes) * holdout) < 1:
        raise CalibrationError(f"--holdout {holdout} leaves no row to test on; give a larger share or 0")


def fit(
    observations: Sequence[Mapping[str, Any]],
    outcomes: Sequence[int],
    base: Model,
    *,
    c: float = PRIOR_STRENGTH,
    bootstrap: int = 30,
    seed: int = 0,
    source: str = "a team's history",
) -> tuple[Model, dict[str, Any]]:
    """A model with ``base``'s factors, fitted to these outcomes (1: a response within 90 days), and the YAML
    document that stores it."""
    _sklearn()  # the calibrate extra (numpy comes with it); a clear message when it is missing
    import numpy as np  # scikit-learn's numpy: the calibrate extra, imported only when fitting

    if len(set(outcomes)) < 2:
        raise CalibrationError("the history needs both outcomes (some responded, some did not)")
    cols, reference = columns(base)
    x = np.array([design_row(cols, o) for o in observations])
    y = np.array(outcomes)

    prior = np.array(prior_coefficients(cols, reference))
    prior_intercept = logit(base.baseline)

    def one_fit(xs: Any, ys: Any) -> tuple[float, Any]:
        return fit_around_prior(np, xs, ys, prior, prior_intercept, c)

    intercept, coef = one_fit(x, y)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(bootstrap):
        idx = rng.integers(0, len(y), len(y))
        if len(set(y[idx])) == 2:
            draws.append(one_fit(x[idx], y[idx]))
    lows = highs = None
    if draws:
        intercepts = np.array([d[0] for d in draws])
        coefs = np.array([d[1] for d in draws])
        lows, highs = np.percentile(coefs, 2.5, axis=0), np.percentile(coefs, 97.5, axis=0)
        base_low, base_high = np.percentile(intercepts, [2.5, 97.5])
    else:
        base_low = base_high = intercept
    document = to_document(
        base, cols, reference, intercept, coef, lows, highs, float(base_low), float(base_high), source, len(y)
    )
    return parse_model(document, source), document


def to_document(
    base: Model,
    cols: Sequence[Column],
    reference: Mapping[str, int],
    intercept: float,
    coef: Sequence[float],
    lows: Sequence[float] | None,
    highs: Sequence[float] | None,
    base_low: float,
    base_high: float,
    source: str,
    rows: int,
) -> dict[str, Any]:
    """The fitted model as the YAML document ``--model`` reads (the same layout as rules/refund-model.yaml)."""
    fitted = {(col.factor.name, col.bin): i for i, col in enumerate(cols)}
    today = dt.date.today().isoformat()
    note = f"fitted by inmail-lint calibrate on {source} ({rows} sent messages, {today})"

    def effect(name: str, index: int | None) -> dict[str, Any]:
        i = fitted.get((name, index))
        if i is None:  # the reference bin
            return {"log-or": 0.0, "range-log-or": [0.0, 0.0]}
        point = round(float(coef[i]), 4)
        lo = round(float(lows[i]), 4) if lows is not None else point
        hi = round(float(highs[i]), 4) if highs is not None else point
        return {"log-or": point, "range-log-or": [min(lo, point), max(hi, point)]}

    factors = [_factor_document(factor, effect, note) for factor in base.factors]
    p0 = logistic(intercept)
    low, high = sorted((logistic(base_low), logistic(base_high)))
    return {
        "version": 1,
        "name": f"fitted-{today}",
        "window-days": 90,
        "baseline": {
            "p": round(p0, 4),
            "range": [round(min(low, p0), 4), round(max(high, p0), 4)],
            "source": note + "; the probability for a draft with no factor (reference bins)",
            "grade": "TEAM",
        },
        "max-shift": FITTED_MAX_SHIFT,
        "max-shift-source": "fitted jointly, so only a loose cap against extreme extrapolation",
        "factors": factors,
    }


def _factor_document(factor: Factor, effect: Callable[[str, int | None], dict[str, Any]], note: str) -> dict[str, Any]:
    """One factor of a fitted model, laid out as in rules/refund-model.yaml, with its fitted effects."""
    spec: dict[str, Any] = {"name": factor.name, "label": factor.label, "observe": factor.observe}
    if factor.curve:
        fitted_effect = effect(factor.name, None)
        multiple = fitted_effect["log-or"]
        lo, hi = fitted_effect["range-log-or"]
        spec["curve"] = [[x, round(y * multiple, 4)] for x, y in factor.curve]
        spec["range"] = sorted([lo / multiple, hi / multiple]) if multiple else [0.0, 0.0]
    elif factor.bins:
        spec["bins"] = [
            {"upto": upto, "label": e.label, **effect(factor.name, i)} for i, (upto, e) in enumerate(factor.bins)
        ]
    else:
        spec.update({"when": factor.when, **effect(factor.name, None)})
    if factor.fixed_by:  # what fixing a finding gives the factor is the model's reading of the rules, not fitted
        spec["fixed-by"] = dict(factor.fixed_by)
    spec.update({"source": note + f"; the default model cited: {factor.source}", "grade": "TEAM"})
    return spec


@dataclass(frozen=True)
class Scores:
    log_loss: float
    brier: float
    auc: float | None
    rows: int


def score(model: Model, observations: Sequence[Mapping[str, Any]], outcomes: Sequence[int]) -> Scores:
    _, metrics, _ = _sklearn()
    predicted = [model.estimate(o).probability for o in observations]
    auc = metrics.roc_auc_score(outcomes, predicted) if len(set(outcomes)) == 2 else None
    return Scores(
        log_loss=float(metrics.log_loss(outcomes, predicted, labels=[0, 1])),
        brier=float(metrics.brier_score_loss(outcomes, predicted)),
        auc=None if auc is None else float(auc),
        rows=len(outcomes),
    )


@dataclass(frozen=True)
class Comparison:
    gain: float  # the default's held-out log loss minus the fitted one's: above 0, the fit is better
    low: float  # a 90% interval of the gain (paired bootstrap over the held-out rows)
    high: float

    @property
    def recommended(self) -> bool:
        """Recommend the fitted model only when it is better on the held-out rows beyond chance."""
        return self.low > 0


def compare(
    default: Model,
    fitted: Model,
    observations: Sequence[Mapping[str, Any]],
    outcomes: Sequence[int],
    *,
    draws: int = 400,
    seed: int = 0,
) -> Comparison:
    """How much better the fitted model predicts the held-out rows than the default, with an interval."""
    import random

    def losses(model: Model) -> list[float]:
        out = []
        for o, y in zip(observations, outcomes, strict=True):
            p = min(max(model.estimate(o).probability, 1e-9), 1 - 1e-9)
            out.append(-math.log(p if y else 1 - p))
        return out

    diffs = [a - b for a, b in zip(losses(default), losses(fitted), strict=True)]
    n = len(diffs)
    gain = sum(diffs) / n
    rng = random.Random(seed)
    means = sorted(sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(draws))
    return Comparison(gain, means[int(0.05 * draws)], means[int(0.95 * draws) - 1])


def reliability(
    model: Model, observations: Sequence[Mapping[str, Any]], outcomes: Sequence[int], bins: int = 10
) -> list[dict[str, Any]]:
    """Predicted against observed response rates, by bands of predicted probability."""
    table: list[dict[str, Any]] = []
    pairs = [(model.estimate(o).probability, y) for o, y in zip(observations, outcomes, strict=True)]
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(p, y) for p, y in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if inside:
            table.append(
                {
                    "band": f"{lo:.0%}-{hi:.0%}",
                    "drafts": len(inside),
                    "predicted": round(sum(p for p, _ in inside) / len(inside), 4),
                    "observed": round(sum(y for _, y in inside) / len(inside), 4),
                }
            )
    return table


def split(n: int, holdout: float, outcomes: Sequence[int], seed: int) -> tuple[list[int], list[int]]:
    """Stratified train and held-out indices."""
    _, _, model_selection = _sklearn()
    indices = list(range(n))
    if holdout <= 0:
        return indices, []
    train, test = model_selection.train_test_split(
        indices,
        test_size=holdout,
        random_state=seed,
        stratify=list(outcomes) if min(sum(outcomes), n - sum(outcomes)) >= 2 else None,
    )
    return list(train), list(test)


def parse_outcome(value: str) -> int:
    text = value.strip().lower()
    if text in ("1", "true", "yes", "y", "responded", "replied", "accepted", "declined"):
        return 1
    if text in ("0", "false", "no", "n", "", "no response", "none"):
        return 0
    raise CalibrationError(f"'responded' must be 1/0, true/false or yes/no, got {value!r}")
