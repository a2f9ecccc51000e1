"""Diagnose a one-step forecast: is it flat, is it a copy of the last value, does it beat the baselines?

Why this module exists: a forecaster can fail in ways that a low loss or a
good-looking plot hides. Lesson 52
(``notebooks/52_normalisation_initialisation_and_diagnosis.ipynb``) trains three
such failures on purpose and catches each with :func:`diagnose_forecast`:

* **nearly constant** predictions: the model ignores its input, for example
  because unscaled inputs around 1000 saturate the LSTM's gates;
* predictions that **copy the last value** of the window: the model has
  learned persistence, and on a plot it looks excellent because it only lags
  the truth by one step;
* **no skill**: the error is not clearly below the better of two baselines
  that need no training, persistence and the targets' own mean, for example
  because the window is too short to see the pattern.

The diagnosis looks only at the windows, the targets and the predictions, so
it works for any forecaster (a Keras model, a baseline, your own function).
It does not import TensorFlow. The argument checks are those of
:mod:`utils.datasets` and :mod:`utils.baselines`.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from utils.baselines import _as_windows, _check_same_shape, _rmse
from utils.datasets import _check_real

__all__ = ["ForecastDiagnosis", "diagnose_forecast"]


@dataclass(frozen=True)
class ForecastDiagnosis:
    """What :func:`diagnose_forecast` found: the numbers, three flags and a verdict in words.

    Introduced in lesson 52 (``notebooks/52_normalisation_initialisation_and_diagnosis.ipynb``).
    Print it for a readable report; ``dataclasses.asdict(diagnosis)`` gives a dict for a
    table.

    Attributes:
        rmse: RMSE of the predictions against the targets.
        persistence_rmse: RMSE of persistence (the window's last value).
        mean_rmse: RMSE of the best constant forecast, the targets' own mean
            (that is, their standard deviation). It knows the targets'
            average, so it is a little harder to beat than the training mean.
        skill: ``1 - rmse / min(persistence_rmse, mean_rmse)``: 0 is no
            better than the better baseline, 1 is perfect, negative is worse.
        prediction_std_ratio: Standard deviation of the predictions divided by
            that of the targets (the smallest over the target columns); near 0
            for a flat line.
        copy_ratio: ``rmse(predictions, last value) / rmse(last value,
            targets)``: the size of the change the forecast predicts from the
            window's last value, relative to the size of the true change. 0
            is an exact copy; a forecast that gets the changes right is near 1
            (precisely: the square root of the share of the changes'
            variance it explains).
        nearly_constant: ``prediction_std_ratio < flat_tolerance``.
        copies_last_value: ``copy_ratio < copy_tolerance``.
        no_skill: ``skill < skill_margin``.
        verdict: One sentence per finding, each saying what to try.

    Example:
        >>> x = np.arange(12.0).reshape(4, 3, 1)  # four windows, ending in 2, 5, 8 and 11
        >>> diagnosis = diagnose_forecast(x, np.array([3.5, 5.0, 9.5, 11.0]), np.array([2.0, 5.0, 8.0, 11.0]))
        >>> print(str(diagnosis).splitlines()[0])
        RMSE 1.061 | persistence 1.061 | mean 3.092 | skill +0.00 | spread ratio 1.08 | copy ratio 0.00
        >>> [line.split(":")[0] for line in diagnosis.verdict]
        ['copies the last value', 'no skill']
    """

    rmse: float
    persistence_rmse: float
    mean_rmse: float
    skill: float
    prediction_std_ratio: float
    copy_ratio: float
    nearly_constant: bool
    copies_last_value: bool
    no_skill: bool
    verdict: tuple[str, ...]

    def __str__(self) -> str:
        numbers_line = (
            f"RMSE {self.rmse:.4g} | persistence {self.persistence_rmse:.4g} | mean {self.mean_rmse:.4g} | "
            f"skill {self.skill:+.2f} | spread ratio {self.prediction_std_ratio:.2f} | "
            f"copy ratio {self.copy_ratio:.2f}"
        )
        return "\n".join([numbers_line, *(f"- {line}" for line in self.verdict)])


def _check_tolerance(value: object, name: str, low_closed: bool = False) -> float:
    """A tolerance as a float in (0, 1) (or [0, 1) when ``low_closed``), else a clear error."""
    value = _check_real(value, name)
    low_ok = value >= 0.0 if low_closed else value > 0.0
    if not (low_ok and value < 1.0):
        interval = "[0, 1)" if low_closed else "(0, 1)"
        raise ValueError(
            f"{name} must lie in {interval}; received {name}={value}. It is a fraction: "
            f"use a small value such as {name}=0.1."
        )
    return value


def _as_targets(y: np.ndarray, name: str) -> np.ndarray:
    """Targets or predictions as ``(n, num_targets)``: ``(n,)`` becomes ``(n, 1)``."""
    if y.ndim == 1:
        return y[:, np.newaxis]
    if y.ndim == 2:
        return y
    raise ValueError(
        f"{name} must have shape (n,) or (n, num_targets); received {y.ndim}-D shape {y.shape}. "
        f"A model with return_sequences=True in its last LSTM returns one value per time step: "
        "keep the last step, or end the model in Dense(1)."
    )


def diagnose_forecast(
    x: np.ndarray,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    flat_tolerance: float = 0.1,
    copy_tolerance: float = 0.5,
    skill_margin: float = 0.1,
    target_feature: int = 0,
) -> ForecastDiagnosis:
    """Check a one-step forecast for three common failures and explain each one found.

    * ``nearly_constant``: the predictions barely move (their standard
      deviation is below ``flat_tolerance`` times the targets').
    * ``copies_last_value``: the changes the forecast predicts from the
      window's last value are much smaller than the true changes
      (``copy_ratio < copy_tolerance``, by default less than half).
    * ``no_skill``: the RMSE is not at least ``skill_margin`` (as a fraction,
      by default 10 %) below the better of persistence and the targets' mean.

    A forecaster can trip more than one flag: a copy of the last value has
    no skill over persistence by construction. A window that is too short to
    see the pattern cannot be detected from predictions alone; it shows up as
    ``no_skill`` (and a learning curve stuck at the baseline).

    Introduced in lesson 52 (``notebooks/52_normalisation_initialisation_and_diagnosis.ipynb``).

    Args:
        x: The input windows, shape ``(n, window, num_features)``.
        y_true: The targets, shape ``(n,)`` or ``(n, num_targets)``, in the
            same units as ``x``.
        y_pred: The forecasts of the same windows, exactly the shape of
            ``y_true``.
        flat_tolerance: Flag predictions whose spread is below this fraction
            of the targets' spread; in (0, 1).
        copy_tolerance: Flag predictions whose change from the last value is
            smaller than this fraction of the true change (in RMS); in (0, 1).
        skill_margin: How far (as a fraction of the better baseline's RMSE)
            a forecast must beat the baselines to have skill; in [0, 1).
        target_feature: Which feature of ``x`` the single target column
            forecasts (used for persistence when ``x`` has several features
            and the targets one column).

    Returns:
        A :class:`ForecastDiagnosis`.

    Raises:
        TypeError: If an array is not numeric, or a tolerance or
            ``target_feature`` is not a number of the right kind.
        ValueError: If ``x`` is not 3-D; ``y_true`` and ``y_pred`` differ in
            shape or are not 1-D or 2-D; the numbers of windows and targets
            differ; the target columns match neither 1 nor ``num_features``;
            an array is empty or holds NaN or infinity; a tolerance is outside
            its interval; or a baseline is already perfect (constant targets,
            or targets equal to the last value), which leaves nothing to
            diagnose.

    Example:
        >>> from utils.datasets import make_windows, sine_wave
        >>> x, y = make_windows(sine_wave(300, noise_std=0.1, seed=0), window=10)
        >>> copycat = diagnose_forecast(x, y, x[:, -1, :])  # the last value again
        >>> copycat.copies_last_value, copycat.no_skill, copycat.nearly_constant
        (True, True, False)
        >>> flat = diagnose_forecast(x, y, np.full_like(y, y.mean()))
        >>> flat.nearly_constant, flat.no_skill
        (True, True)
        >>> clean = make_windows(sine_wave(300), window=10)[1]
        >>> good = diagnose_forecast(x, y, clean)  # the wave without its noise
        >>> good.verdict[0][:16], round(good.skill, 2)
        ('no problem found', 0.36)
    """
    x = _as_windows(x, "x")
    y_true, y_pred = _check_same_shape(y_true, y_pred)
    y_true, y_pred = _as_targets(y_true, "y_true"), _as_targets(y_pred, "y_pred")
    flat_tolerance = _check_tolerance(flat_tolerance, "flat_tolerance")
    copy_tolerance = _check_tolerance(copy_tolerance, "copy_tolerance")
    skill_margin = _check_tolerance(skill_margin, "skill_margin", low_closed=True)
    n, _, num_features = x.shape
    if y_true.shape[0] != n:
        raise ValueError(
            f"x holds {n} window(s) but y_true and y_pred hold {y_true.shape[0]} value(s); pass the "
            "targets and forecasts of exactly these windows (the x and y make_windows returned together)."
        )
    num_targets = y_true.shape[1]
    if num_targets == num_features:
        last = x[:, -1, :]
    elif num_targets == 1:
        if isinstance(target_feature, (bool, np.bool_)) or not isinstance(target_feature, numbers.Integral):
            raise TypeError(
                f"target_feature must be an integer; received target_feature={target_feature!r} "
                f"({type(target_feature).__name__})."
            )
        if not 0 <= target_feature < num_features:
            raise ValueError(
                f"target_feature must be between 0 and {num_features - 1} for windows with {num_features} "
                f"feature(s); received target_feature={target_feature}."
            )
        last = x[:, -1, target_feature : target_feature + 1]
    else:
        raise ValueError(
            f"y_true has {num_targets} column(s) but x has {num_features} feature(s); the targets must "
            "be one column (the feature target_feature) or one per feature."
        )

    y_true64, y_pred64, last64 = (a.astype(np.float64) for a in (y_true, y_pred, last))
    target_std = y_true64.std(axis=0)
    if np.any(target_std == 0.0):
        raise ValueError(
            "y_true is constant in column(s) "
            f"{[int(i) for i in np.flatnonzero(target_std == 0.0)]}, so its mean is a perfect forecast and "
            "there is nothing to diagnose. Diagnose on targets that vary (e.g. a longer validation part)."
        )
    persistence_rmse = _rmse(y_true64, last64)
    if persistence_rmse == 0.0:
        raise ValueError(
            "every target equals the last value of its window, so persistence is a perfect forecast and "
            "there is nothing to diagnose. Check that y_true holds the values after the windows "
            "(make_windows(series, window, horizon=1))."
        )
    rmse = _rmse(y_true64, y_pred64)
    mean_rmse = _rmse(y_true64, np.broadcast_to(y_true64.mean(axis=0), y_true64.shape))
    best_name, best_rmse = min((("persistence", persistence_rmse), ("the mean", mean_rmse)), key=lambda p: p[1])
    skill = 1.0 - rmse / best_rmse
    std_ratio = float(np.min(y_pred64.std(axis=0) / target_std))
    copy_ratio = _rmse(y_pred64, last64) / persistence_rmse

    nearly_constant = std_ratio < flat_tolerance
    copies_last_value = copy_ratio < copy_tolerance
    no_skill = skill < skill_margin
    verdict = []
    if nearly_constant:
        verdict.append(
            f"nearly constant: the predictions spread only {std_ratio:.0%} as much as the targets "
            f"(flat_tolerance={flat_tolerance:g}), so the model ignores its input. Check that the inputs "
            "are scaled (values far from 0 saturate the LSTM's gates; use SeriesScaler), try another "
            "learning rate, and check that the window holds information about the target."
        )
    if copies_last_value:
        verdict.append(
            f"copies the last value: the changes it predicts from the window's last value are only "
            f"{copy_ratio:.0%} the size of the true changes (copy_tolerance={copy_tolerance:g}). The model has "
            "learned persistence; on a plot it looks good because it lags the truth by one step. Compare it "
            "with persistence_forecast(x), and forecast the change from the last value or a longer horizon."
        )
    if no_skill:
        verdict.append(
            f"no skill: RMSE {rmse:.4g} is not at least {skill_margin:.0%} below the better baseline, "
            f"{best_name} ({best_rmse:.4g}); skill {skill:+.2f}. If the learning curve is stuck at the "
            "baseline, the window may be too short to see the pattern: try a window that covers the "
            "longest lag that matters (e.g. a full season), or more informative features."
        )
    if not verdict:
        verdict.append(
            f"no problem found: RMSE {rmse:.4g} is {skill:.0%} below the better baseline, {best_name} "
            f"({best_rmse:.4g}), and the predictions move with the targets."
        )
    return ForecastDiagnosis(
        rmse=rmse,
        persistence_rmse=persistence_rmse,
        mean_rmse=mean_rmse,
        skill=float(skill),
        prediction_std_ratio=std_ratio,
        copy_ratio=float(copy_ratio),
        nearly_constant=bool(nearly_constant),
        copies_last_value=bool(copies_last_value),
        no_skill=bool(no_skill),
        verdict=tuple(verdict),
    )
