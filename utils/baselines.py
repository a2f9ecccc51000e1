"""Baseline forecasts and the error metrics every forecasting result is judged by.

Why this module exists: a model's error means little on its own. The course
shows every model next to simple baselines, and these are the ones for
forecasting (``notebooks/21_sine_wave_forecaster.ipynb`` introduces them):

* :func:`persistence_forecast`: tomorrow is like today (the last value of
  the window);
* :func:`seasonal_naive_forecast`: tomorrow is like the same time one
  season ago;
* :class:`LinearAutoregression`: a least-squares straight-line fit on the
  window, the strongest of the three on a clean sine wave (which a linear
  recurrence describes exactly).

The metrics :func:`mae`, :func:`rmse` and :func:`skill_score` refuse arrays
whose shapes differ, because NumPy would otherwise broadcast ``(n, 1)``
against ``(n,)`` into an ``(n, n)`` array and report a plausible but wrong
number.

All functions take windows shaped ``(n, window, num_features)`` as made by
:func:`utils.datasets.make_windows` and return forecasts shaped
``(n, num_features)``, like the targets ``y``.
"""

from __future__ import annotations

import numpy as np

from utils.datasets import _as_numeric, _check_positive_int

__all__ = [
    "LinearAutoregression",
    "mae",
    "persistence_forecast",
    "rmse",
    "seasonal_naive_forecast",
    "skill_score",
]


def _as_windows(x: object, name: str = "x") -> np.ndarray:
    """Check a batch of windows and return it as a float array ``(n, window, num_features)``."""
    array = _as_numeric(x, name)
    if array.ndim != 3:
        hint = (
            " Add the feature axis with x[..., np.newaxis]."
            if array.ndim == 2
            else " Window the series first with make_windows(series, window)."
        )
        raise ValueError(
            f"{name} must be windows of shape (n, window, num_features); received "
            f"{array.ndim}-D shape {array.shape}.{hint}"
        )
    return array


def persistence_forecast(x: np.ndarray) -> np.ndarray:
    """Forecast that the next value equals the last value of each window.

    The simplest forecast there is, and often a hard one to beat for one step
    ahead: a model that does not beat it has learned nothing useful.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Args:
        x: Windows, shape ``(n, window, num_features)``.

    Returns:
        The last step of each window, shape ``(n, num_features)``.

    Raises:
        TypeError: If ``x`` is not numeric.
        ValueError: If ``x`` is not 3-D, is empty or contains NaN or infinity.

    Example:
        >>> x = np.array([[[1.0], [2.0], [3.0]], [[2.0], [3.0], [4.0]]])  # (2, 3, 1)
        >>> persistence_forecast(x)
        array([[3.],
               [4.]])
    """
    return _as_windows(x)[:, -1, :].copy()


def seasonal_naive_forecast(x: np.ndarray, season: int, horizon: int = 1) -> np.ndarray:
    """Forecast that the target equals the value one season (period) before it.

    The target of window ``i`` is step ``i + window - 1 + horizon``; this
    forecast is the step ``season`` earlier, which is position
    ``window - 1 + horizon - season`` inside the window. On a series that
    repeats exactly every ``season`` steps it is perfect.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Args:
        x: Windows, shape ``(n, window, num_features)``.
        season: Length of one season in time steps, >= ``horizon``.
        horizon: The ``horizon`` the windows were made with
            (:func:`utils.datasets.make_windows`).

    Returns:
        The forecast, shape ``(n, num_features)``.

    Raises:
        TypeError: If ``x`` is not numeric, or ``season`` or ``horizon`` is
            not an integer.
        ValueError: If ``x`` is not 3-D, empty or not finite; if
            ``season < horizon`` (the value a season back would lie in the
            future); or if the windows are shorter than
            ``season - horizon + 1`` steps.

    Example:
        >>> series = np.tile([0.0, 1.0, 2.0, 3.0], 3)  # repeats every 4 steps
        >>> from utils.datasets import make_windows
        >>> x, y = make_windows(series, window=4)
        >>> bool(np.array_equal(seasonal_naive_forecast(x, season=4), y))
        True
    """
    x = _as_windows(x)
    season = _check_positive_int(season, "season")
    horizon = _check_positive_int(horizon, "horizon")
    if season < horizon:
        raise ValueError(
            f"season must be >= horizon; received season={season}, horizon={horizon}. "
            "The value one season before the target would lie after the window, in the "
            "future you are forecasting."
        )
    window = x.shape[1]
    needed = season - horizon + 1
    if window < needed:
        raise ValueError(
            f"windows of {window} step(s) are too short for season={season} and horizon={horizon}: "
            f"they must hold at least season - horizon + 1 = {needed} steps to reach one season "
            f"back. Make them with make_windows(series, window={needed}, horizon={horizon}) or longer."
        )
    return x[:, window - 1 + horizon - season, :].copy()


class LinearAutoregression:
    """Ordinary least squares on the flattened window: ``y = x.reshape(n, -1) @ W + b``.

    A linear autoregressive model, fitted exactly (no gradient descent) with
    ``np.linalg.lstsq``. It is a strong baseline on smooth series: a clean
    sine wave obeys ``s_t = 2 cos(dt) s_{t-1} - s_{t-2}``, which it recovers
    from windows of two steps.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Attributes:
        coef_: The weights, shape ``(window, num_features, num_targets)``:
            ``coef_[j, f, k]`` multiplies feature ``f`` at step ``j`` of the
            window in the forecast of target ``k``.
        intercept_: The constant term, shape ``(num_targets,)``.
        window_: The window length it was fitted on.
        num_features_: The number of input features it was fitted on.

    Example:
        >>> from utils.datasets import make_windows, sine_wave
        >>> x, y = make_windows(sine_wave(200), window=2)
        >>> model = LinearAutoregression().fit(x, y)
        >>> model.coef_[:, 0, 0].round(6)  # -1 and 2 cos(0.1)
        array([-1.      ,  1.990008])
        >>> bool(np.allclose(model.predict(x), y))
        True
    """

    def __repr__(self) -> str:
        if not hasattr(self, "coef_"):
            return "LinearAutoregression() (not fitted)"
        return f"LinearAutoregression(window_={self.window_}, num_features_={self.num_features_})"

    def fit(self, x_train: np.ndarray, y_train: np.ndarray) -> LinearAutoregression:
        """Fit the weights and intercept by least squares.

        Args:
            x_train: Training windows, shape ``(n, window, num_features)``.
            y_train: Their targets, shape ``(n, num_targets)`` (usually
                ``num_targets == num_features``).

        Returns:
            The model itself, so ``LinearAutoregression().fit(x, y)`` can be
            chained.

        Raises:
            TypeError: If an array is not numeric.
            ValueError: If ``x_train`` is not 3-D, ``y_train`` is not 2-D,
                they hold different numbers of examples, or an array is empty
                or not finite.

        Example:
            >>> x = np.array([[[0.0]], [[1.0]], [[2.0]]])  # windows of one step
            >>> model = LinearAutoregression().fit(x, np.array([[1.0], [3.0], [5.0]]))
            >>> model.coef_.ravel().round(6), model.intercept_.round(6)
            (array([2.]), array([1.]))
        """
        x_train = _as_windows(x_train, "x_train")
        y_train = _as_numeric(y_train, "y_train")
        if y_train.ndim != 2:
            raise ValueError(
                f"y_train must have shape (n, num_targets); received {y_train.ndim}-D shape "
                f"{y_train.shape}. For a single target use y_train.reshape(-1, 1)."
            )
        if y_train.shape[0] != x_train.shape[0]:
            raise ValueError(
                f"x_train holds {x_train.shape[0]} window(s) but y_train holds {y_train.shape[0]} "
                "target(s); pass the x and y that make_windows returned together."
            )
        n, window, num_features = x_train.shape
        design = np.hstack([x_train.reshape(n, -1).astype(np.float64), np.ones((n, 1))])
        solution, *_ = np.linalg.lstsq(design, y_train.astype(np.float64), rcond=None)
        self.coef_ = solution[:-1].reshape(window, num_features, -1)
        self.intercept_ = solution[-1]
        self.window_ = window
        self.num_features_ = num_features
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Forecast the target of each window.

        Args:
            x: Windows, shape ``(n, window, num_features)`` with the
                ``window`` and ``num_features`` of the training windows.

        Returns:
            The forecasts, shape ``(n, num_targets)``, in the floating dtype of
            ``x`` (float64 for integer input).

        Raises:
            RuntimeError: If the model has not been fitted.
            TypeError: If ``x`` is not numeric.
            ValueError: If ``x`` is not 3-D, empty or not finite, or its
                window or feature count differs from the training windows.

        Example:
            >>> model = LinearAutoregression().fit(np.array([[[0.0]], [[1.0]]]), np.array([[0.0], [2.0]]))
            >>> model.predict(np.array([[[5.0]]])).round(6)
            array([[10.]])
        """
        if not hasattr(self, "coef_"):
            raise RuntimeError(
                "This LinearAutoregression is not fitted yet; call model.fit(x_train, y_train) first."
            )
        x = _as_windows(x)
        if x.shape[1:] != (self.window_, self.num_features_):
            raise ValueError(
                f"x has windows of shape (window, num_features) = {x.shape[1:]} but the model was "
                f"fitted on ({self.window_}, {self.num_features_}). Make the windows with the same "
                f"window and features as x_train: make_windows(series, window={self.window_})."
            )
        weights = self.coef_.reshape(-1, self.coef_.shape[-1])
        forecast = x.reshape(x.shape[0], -1) @ weights + self.intercept_
        return forecast.astype(x.dtype, copy=False)


def _check_same_shape(y_true: object, y_pred: object, name_true: str = "y_true", name_pred: str = "y_pred"):
    """Return both arrays checked (numeric, finite, non-empty) and of exactly the same shape."""
    y_true = _as_numeric(y_true, name_true)
    y_pred = _as_numeric(y_pred, name_pred)
    if y_true.shape != y_pred.shape:
        if y_true.size == y_pred.size:
            hint = (
                f" They hold the same {y_true.size} values, so reshape one to the other: e.g. "
                f"{name_pred}.reshape(-1, 1) for a column or {name_pred}.ravel() for a flat array. "
                "Left as they are, NumPy would broadcast them into a grid of every pair and "
                "give a wrong score."
            )
        else:
            hint = " Compare the forecasts of the same windows as the targets."
        raise ValueError(
            f"{name_true} has shape {y_true.shape} but {name_pred} has shape {y_pred.shape}; "
            f"they must match exactly.{hint}"
        )
    return y_true, y_pred


def _rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    difference = y_true.astype(np.float64) - y_pred.astype(np.float64)
    return float(np.sqrt(np.mean(difference**2)))


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error: the average size of a forecast's mistake, in the series' units.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Args:
        y_true: The true values, any shape.
        y_pred: The forecasts, exactly the shape of ``y_true``.

    Returns:
        ``mean(|y_true - y_pred|)`` as a Python float.

    Raises:
        TypeError: If an array is not numeric.
        ValueError: If the shapes differ, or an array is empty or contains
            NaN or infinity.

    Example:
        >>> mae(np.array([[1.0], [2.0]]), np.array([[1.5], [1.0]]))
        0.75
    """
    y_true, y_pred = _check_same_shape(y_true, y_pred)
    return float(np.mean(np.abs(y_true.astype(np.float64) - y_pred.astype(np.float64))))


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error: like :func:`mae`, but large mistakes weigh more.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Args:
        y_true: The true values, any shape.
        y_pred: The forecasts, exactly the shape of ``y_true``.

    Returns:
        ``sqrt(mean((y_true - y_pred) ** 2))`` as a Python float.

    Raises:
        TypeError: If an array is not numeric.
        ValueError: If the shapes differ, or an array is empty or contains
            NaN or infinity.

    Example:
        >>> round(rmse(np.array([[0.0], [0.0]]), np.array([[3.0], [-4.0]])) ** 2, 6)  # (9 + 16) / 2
        12.5
    """
    y_true, y_pred = _check_same_shape(y_true, y_pred)
    return _rmse(y_true, y_pred)


def skill_score(y_true: np.ndarray, y_pred: np.ndarray, y_reference: np.ndarray) -> float:
    """How much better a forecast is than a reference: ``1 - rmse(model) / rmse(reference)``.

    1 is a perfect forecast, 0 is no better than the reference (usually
    :func:`persistence_forecast`), and a negative score is worse than it.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Args:
        y_true: The true values, any shape.
        y_pred: The model's forecasts, exactly the shape of ``y_true``.
        y_reference: The reference forecasts, exactly the shape of ``y_true``.

    Returns:
        The skill score as a Python float, at most 1.

    Raises:
        TypeError: If an array is not numeric.
        ValueError: If the shapes differ, an array is empty or not finite, or
            the reference is perfect (RMSE 0), which leaves nothing to beat.

    Example:
        >>> y_true = np.array([[1.0], [2.0], [3.0]])
        >>> round(skill_score(y_true, y_true + 0.1, y_reference=y_true + 0.4), 6)  # 1 - 0.1 / 0.4
        0.75
    """
    y_true, y_pred = _check_same_shape(y_true, y_pred)
    y_true, y_reference = _check_same_shape(y_true, y_reference, name_pred="y_reference")
    reference_error = _rmse(y_true, y_reference)
    if reference_error == 0.0:
        raise ValueError(
            "y_reference is a perfect forecast (RMSE 0), so no model can beat it and the skill "
            "score 1 - rmse(model) / rmse(reference) is undefined. Compare with a reference that "
            "makes mistakes, such as persistence_forecast(x)."
        )
    return 1.0 - _rmse(y_true, y_pred) / reference_error
