"""Forecast many steps ahead with a one-step model, by feeding its forecasts back in.

Why this module exists: a model trained to predict the next step can
forecast further only by treating its own forecast as the newest
observation and predicting again. That loop is short but easy to get wrong
(the window must slide by one step, the forecast must keep its feature
axis), and ``notebooks/21_sine_wave_forecaster.ipynb`` runs it for several
models: a Keras LSTM, :func:`utils.baselines.persistence_forecast` and
:class:`utils.baselines.LinearAutoregression`. Errors made early are fed
back in, which is why the error of a recursive forecast grows with the
horizon (see :func:`utils.plotting.plot_error_growth`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.datasets import _as_numeric, _check_positive_int

__all__ = ["recursive_forecast"]


def recursive_forecast(
    predict: Callable[[np.ndarray], np.ndarray], start_window: np.ndarray, steps: int
) -> np.ndarray:
    """Forecast ``steps`` steps ahead by feeding each one-step forecast back in.

    Starting from ``start_window``, each step asks ``predict`` for the next
    value, appends it as the newest step of the window and drops the oldest
    step. Only ``start_window`` comes from the data; everything after it is
    the model's own making.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Args:
        predict: Any callable that maps windows ``(batch, window,
            num_features)`` to one-step forecasts ``(batch, num_features)``:
            a Keras model itself (``model``, faster than ``model.predict``
            for one window at a time), :func:`utils.baselines.persistence_forecast`
            or ``LinearAutoregression().fit(x, y).predict``. What it returns
            is converted with ``np.asarray``, so tensors are fine.
        start_window: The last observed window, shape ``(window, num_features)``,
            or ``(window,)`` for one feature; for example ``x_test[0]``.
        steps: How many steps to forecast, >= 1.

    Returns:
        The forecast, shape ``(steps, num_features)``, in the floating dtype
        of ``start_window`` (float64 for integers).

    Raises:
        TypeError: If ``predict`` is not callable, ``start_window`` is not
            numeric or ``steps`` is not an integer.
        ValueError: If ``start_window`` is not 1-D or 2-D, empty or not
            finite; if ``steps < 1``; or if ``predict`` returns a shape other
            than ``(1, num_features)`` or a NaN or infinite value.

    Example:
        >>> from utils.baselines import persistence_forecast
        >>> recursive_forecast(persistence_forecast, np.array([1.0, 2.0, 3.0]), steps=2)
        array([[3.],
               [3.]])
        >>> def double_last(x):  # any function of the window will do
        ...     return 2 * x[:, -1, :]
        >>> recursive_forecast(double_last, np.array([[1.0], [2.0]]), steps=3)[:, 0]
        array([ 4.,  8., 16.])
    """
    if not callable(predict):
        raise TypeError(
            "predict must be a function of the windows, e.g. a Keras model, persistence_forecast "
            f"or LinearAutoregression().fit(x, y).predict; received {type(predict).__name__}."
        )
    window = _as_numeric(start_window, "start_window")
    if window.ndim == 1:
        window = window[:, np.newaxis]
    elif window.ndim != 2:
        raise ValueError(
            f"start_window must be one window of shape (window, num_features) or (window,); "
            f"received {window.ndim}-D shape {window.shape}. Pass a single window, e.g. "
            "x_test[0], not the whole batch."
        )
    steps = _check_positive_int(steps, "steps")

    num_features = window.shape[1]
    current = window[np.newaxis].copy()  # (1, window, num_features): a batch of one
    forecast = np.empty((steps, num_features), dtype=window.dtype)
    for step in range(steps):
        prediction = np.asarray(predict(current))
        if prediction.shape != (1, num_features):
            raise ValueError(
                f"predict returned shape {prediction.shape} for a window of shape {current.shape}; "
                f"it must return one forecast per window, shape (1, {num_features}) = "
                "(batch, num_features). A model ending in Dense(num_features) does; a model "
                "with return_sequences=True in its last LSTM does not."
            )
        if not np.all(np.isfinite(prediction)):
            raise ValueError(
                f"predict returned {prediction.ravel().tolist()} at step {step + 1} of {steps}: the "
                "forecast diverged to NaN or infinity. Check the model on one step first, and "
                "scale the series (SeriesScaler) before training."
            )
        forecast[step] = prediction[0]
        current = np.concatenate([current[:, 1:], forecast[np.newaxis, step : step + 1]], axis=1)
    return forecast
