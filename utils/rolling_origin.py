"""Lesson 24's forecasters, evaluated at one forecast origin of a rolling-origin evaluation.

Why this module exists: lesson 24 compares its forecasters on one test period
(five December weeks), and one period is one sample of the weather. Lesson 27
(``notebooks/27_forecasting_over_many_origins.ipynb``) repeats the whole
comparison at several origins: each test month is forecast by models trained on
every hour before it (an *expanding window*), with the four weeks before the
month for validation. ``tools/rolling_origin_weather.py`` runs every origin and
seed and ships the results in ``data/``; lesson 27 recomputes one origin live
with :func:`evaluate_origin` and checks it against the shipped rows.

Everything here is what lessons 24 and 27 teach, in one place:

* :func:`daily_cycle_forecast`: persistence moved along the training period's
  mean day (lesson 24);
* :func:`fit_ridge`: ridge on the flattened windows, its penalty chosen on
  validation from :data:`ALPHAS` (lesson 24);
* :func:`sarimax_forecasts`: a regression on daily Fourier terms with ARIMA
  errors (statsmodels' ``SARIMAX``), fitted on the training period (its order
  chosen on validation from :data:`ORDERS`), then run forward over the later hours with its parameters fixed, so
  that every origin's 24 forecasts use only what was known at it (lesson 27);
* :func:`train_network`: lesson 24's dense, Conv1D and LSTM networks with its
  recipe (Adam 3e-3, mean squared error on the standardised level or change,
  early stopping with patience 10, at most 25 epochs);
* :func:`evaluate_origin`: all of them at one test month, as a table.

Importing this module imports neither TensorFlow nor statsmodels; the
functions that need them import them when called.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from utils.data import DATA_DIR, verify_data_file
from utils.datasets import _check_seed
from utils.weather_windows import FEATURES, WeatherWindows, weather_windows

__all__ = [
    "ALPHAS",
    "COLUMNS",
    "FORECASTERS",
    "MONTHS",
    "NETWORKS",
    "ORDERS",
    "VALIDATION_DAYS",
    "daily_cycle_forecast",
    "evaluate_origin",
    "fit_ridge",
    "load_rolling_origins",
    "month_periods",
    "sarimax_forecasts",
    "train_network",
]

#: The test months of the rolling-origin evaluation (2013): July to December, each with every earlier hour to learn
#: from (the first origin has five months of training, the last eleven).
MONTHS = (7, 8, 9, 10, 11, 12)

#: Days before each test month that validate (early stopping and every choice); the hours before them train.
VALIDATION_DAYS = 28

#: Lesson 24's input columns: every feature but the ``filled`` flag (its choice on validation).
COLUMNS = tuple(c for c in FEATURES if c != "filled")

#: Ridge penalties, a grid wider than lesson 24's so that the chosen one lies inside it at every origin.
ALPHAS = (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0)

#: The ARIMA orders ``(p, d, q)`` that :func:`evaluate_origin` chooses from for SARIMAX, on validation: errors that
#: revert to a mean (d = 0) or a random walk's (d = 1).
ORDERS = ((2, 0, 1), (1, 1, 0), (1, 1, 1))

#: Fourier pairs of the daily cycle in the SARIMAX regression: sin and cos of 2 pi k hour / 24, k = 1, 2, 3.
FOURIER_PAIRS = 3

#: Lesson 24's networks: builder name and target (the temperature itself, or its change from the last value).
NETWORKS = {
    "dense → level": ("dense", "level"),
    "dense → change": ("dense", "change"),
    "Conv1D": ("conv", "level"),
    "LSTM → level": ("lstm", "level"),
    "LSTM → change": ("lstm", "change"),
}

#: Every forecaster :func:`evaluate_origin` scores, in table order. The last three use the two other airports:
#: their measurements as extra inputs (``+ EWR, LGA``), or their windows as more training data (``3 airports``).
FORECASTERS = ("persistence", "persistence + daily cycle", "SARIMAX", "ridge", *NETWORKS,
               "ridge + EWR, LGA", "LSTM → change + EWR, LGA", "LSTM → change, 3 airports")

EPOCHS, PATIENCE, BATCH, LEARNING_RATE = 25, 10, 256, 3e-3


def month_periods(month: int) -> tuple[str, str, str | None]:
    """The ``periods`` of :func:`~utils.weather_windows.weather_windows` for one test month of 2013.

    >>> month_periods(7)
    ('2013-06-03', '2013-07-01', '2013-08-01')
    >>> month_periods(12)
    ('2013-11-03', '2013-12-01', None)
    """
    if isinstance(month, bool) or not isinstance(month, int | np.integer) or month not in MONTHS:
        raise ValueError(f"month must be one of the test months {MONTHS}; received {month!r}.")
    start = pd.Timestamp(2013, int(month), 1)
    end = None if month == 12 else f"{start + pd.offsets.MonthBegin(1):%Y-%m-%d}"
    return f"{start - pd.Timedelta(days=VALIDATION_DAYS):%Y-%m-%d}", f"{start:%Y-%m-%d}", end


def _last_temperature(windows: WeatherWindows, x: np.ndarray) -> np.ndarray:
    temp = windows.columns.index("temp")
    return x[:, -1, temp] * windows.std["temp"] + windows.mean["temp"]


def daily_cycle_forecast(windows: WeatherWindows, part: str) -> np.ndarray:
    """Persistence plus the daily cycle for one period's windows: y(t) + m(hour(t+h)) - m(hour(t)), m the training
    period's mean reported temperature by UTC hour (lesson 24)."""
    lo, hi = windows.bounds["train"]
    hour = windows.features.index.hour.to_numpy()
    cycle = windows.measured["temp"].iloc[lo:hi].groupby(hour[lo:hi]).mean().to_numpy()
    subset = getattr(windows, part)
    out = subset.y.shape[1]
    ahead = hour[subset.origin[:, None] + np.arange(1, out + 1)]
    return _last_temperature(windows, subset.x)[:, None] + cycle[ahead] - cycle[hour[subset.origin]][:, None]


def _flat(x: np.ndarray) -> np.ndarray:
    return x.reshape(len(x), -1).astype("float64")


def fit_ridge(train: tuple[np.ndarray, np.ndarray], validation: tuple[np.ndarray, np.ndarray],
              alphas: Sequence[float] = ALPHAS):
    """Ridge on the flattened windows for each penalty; returns ``(model, alpha, validation MAEs by alpha)`` with
    the penalty whose validation MAE is lowest (lesson 24's ``fit_ridge``)."""
    from sklearn.linear_model import Ridge

    models = {alpha: Ridge(alpha=alpha).fit(_flat(train[0]), train[1]) for alpha in alphas}
    scores = {alpha: float(np.abs(m.predict(_flat(validation[0])) - validation[1]).mean()) for alpha, m in models.items()}
    best = min(scores, key=scores.get)
    return models[best], best, scores


def _fourier(hours: np.ndarray, pairs: int = FOURIER_PAIRS) -> np.ndarray:
    return np.column_stack([f(2 * np.pi * k * hours / 24) for k in range(1, pairs + 1) for f in (np.sin, np.cos)])


def sarimax_forecasts(temperature: np.ndarray, hours: np.ndarray, train_end: int, origins: np.ndarray,
                      out_hours: int = 24, order: tuple[int, int, int] = (1, 1, 1)):
    """Forecasts of the next ``out_hours`` from each origin by a regression on daily Fourier terms with ARIMA errors.

    The model, statsmodels' ``SARIMAX(order)`` with exog the :data:`FOURIER_PAIRS` sine and cosine pairs of the UTC
    hour (and a constant when ``order`` has no differencing), is fitted by maximum likelihood on
    ``temperature[:train_end]``, the Kalman filter skipping unreported hours (NaN). Its parameters are then fixed
    and the filter runs over the record up to the last target hour, so that the state at an origin holds only the
    hours up to it; the forecast h hours ahead is that state moved h steps by the transition matrix, read through
    the design matrix, plus the regression at that hour: what ``forecast`` returns from one origin, for all
    origins at once.

    Returns ``(forecasts of shape (origins, out_hours), the fitted training results)``.
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    temperature, hours, origins = np.asarray(temperature, float), np.asarray(hours), np.asarray(origins)
    if temperature.ndim != 1 or hours.shape != temperature.shape:
        raise ValueError(f"temperature and hours must be 1-D of one length; received {temperature.shape}, {hours.shape}.")
    if origins.ndim != 1 or len(origins) == 0:
        raise ValueError(f"origins must be a non-empty 1-D array of rows; received shape {origins.shape}.")
    if not 0 < train_end <= len(temperature) or origins.min() < train_end - 1 or origins.max() + out_hours >= len(temperature):
        raise ValueError(
            f"train_end ({train_end}) and origins ({origins.min()} to {origins.max()}) must lie inside the record of "
            f"{len(temperature)} hours, every origin at or after the last training hour, with {out_hours} hours after it."
        )
    exog = _fourier(hours)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes from the optimiser
        fitted = SARIMAX(temperature[:train_end], exog=exog[:train_end], order=order,
                         trend="c" if order[1] == 0 else "n").fit(disp=False)
    end = origins.max() + out_hours + 1
    full = fitted.apply(temperature[:end], exog=exog[:end])  # the same parameters, filtered over every hour
    ssm = full.model.ssm
    transition, design = (m[..., 0] if m.ndim == 3 else m for m in (ssm["transition"], ssm["design"]))
    state_intercept, obs_intercept = (m.reshape(len(m), -1) for m in (ssm["state_intercept"], ssm["obs_intercept"]))
    if state_intercept.shape[1] == 1 or obs_intercept.shape[1] == 1:  # constant over time: one column for every hour
        state_intercept = np.broadcast_to(state_intercept, (len(state_intercept), end))
        obs_intercept = np.broadcast_to(obs_intercept, (1, end))
    state = full.filter_results.filtered_state[:, origins]  # (states, origins): what each origin knew
    forecasts = np.empty((len(origins), out_hours))
    for h in range(1, out_hours + 1):
        state = transition @ state + state_intercept[:, origins + h]
        forecasts[:, h - 1] = (design @ state)[0] + obs_intercept[0, origins + h]
    return forecasts, fitted


def _build(kind: str, in_hours: int, features: int, out_hours: int):
    import keras

    layers = keras.layers
    body = {"dense": [layers.Flatten(), layers.Dense(64, activation="relu")],
            "conv": [layers.Conv1D(32, 6, activation="relu"), layers.Flatten()],
            "lstm": [layers.LSTM(32)]}[kind]
    return keras.Sequential([keras.Input((in_hours, features)), *body, layers.Dense(out_hours)])


def train_network(kind: str, target: str, train: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
                  validation: tuple[np.ndarray, np.ndarray, np.ndarray], seed: int):
    """Train one of lesson 24's networks with its recipe; returns ``(predict, epochs run, best epoch)``.

    ``train`` is one or more ``(x, y, last)`` triples (``last``: each window's last temperature in °F, ``y`` in °F;
    several triples when windows of other stations join, each normalised with its own station's statistics) and
    ``validation`` one; the network learns ``(y - offset) / scale`` where the offset is ``last`` for ``target
    "change"`` and the first triple's training mean for ``"level"``, the scale the first triple's ``y`` standard
    deviation. ``predict(x, last)`` returns °F.
    """
    import keras

    seed = _check_seed(seed)
    if kind not in ("dense", "conv", "lstm") or target not in ("level", "change"):
        raise ValueError(f"kind must be dense, conv or lstm and target level or change; received {kind!r}, {target!r}.")
    keras.utils.set_random_seed(seed)
    scale, level = float(np.std(train[0][1])), float(np.mean(train[0][1]))

    def encode(y, last):
        return ((y - (last[:, None] if target == "change" else level)) / scale).astype("float32")

    x_train = np.concatenate([x for x, _, _ in train])
    z_train = np.concatenate([encode(y, last) for _, y, last in train])
    x_val, y_val, last_val = validation
    _, in_hours, features = x_train.shape
    model = _build(kind, in_hours, features, y_val.shape[1])
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="mse")
    history = model.fit(x_train, z_train, validation_data=(x_val, encode(y_val, last_val)), epochs=EPOCHS,
                        batch_size=BATCH, validation_batch_size=len(x_val), verbose=0,
                        callbacks=[keras.callbacks.EarlyStopping(patience=PATIENCE, restore_best_weights=True)])
    val_loss = history.history["val_loss"]

    def predict(x, last):
        z = np.asarray(model(x, training=False))  # eager: no predict function to trace for each new model
        return z * scale + (last[:, None] if target == "change" else level)

    return predict, len(val_loss), int(np.argmin(val_loss)) + 1


def _row(month, name, seed, val_pred, validation, test_pred, test, **extra):
    lead = np.abs(test_pred - test.y).mean(axis=0)
    row = {"month": month, "forecaster": name, "seed": seed,
           "val_mae": float(np.abs(val_pred - validation.y).mean()), "test_mae": float(lead.mean())}
    row |= {f"mae_{h}h": float(v) for h, v in enumerate(lead, start=1)}
    return row | {"windows": len(test.y)} | extra


def evaluate_origin(month: int, seeds: Sequence[int] = (1, 2, 3), forecasters: Sequence[str] = FORECASTERS,
                    progress: bool = False) -> pd.DataFrame:
    """Every forecaster in ``forecasters`` at the origin of one test ``month`` (one of :data:`MONTHS`).

    Returns one row per forecaster and seed (seed 0 for the forecasters that draw nothing): the validation and test
    MAE (°F), the test MAE at each lead ``mae_1h`` to ``mae_24h``, the number of test windows, and ``detail`` (the
    penalty, the ARMA order, or the epochs run and the best epoch).
    """
    unknown = [f for f in forecasters if f not in FORECASTERS]
    if unknown or not forecasters:
        raise ValueError(f"forecasters must name some of {list(FORECASTERS)}; received {list(forecasters)}.")
    seeds = [_check_seed(s) for s in seeds]
    periods = month_periods(month)
    jfk = weather_windows("JFK", list(COLUMNS), periods=periods)
    validation, test = jfk.validation, jfk.test
    rows = []

    def log(name, seed, started):
        if progress:
            print(f"  {month:2d} {name} seed {seed}: {time.perf_counter() - started:.1f} s", flush=True)

    for name in forecasters:
        started = time.perf_counter()
        if name == "persistence":
            val_pred, test_pred = (np.repeat(_last_temperature(jfk, p.x)[:, None], p.y.shape[1], axis=1)
                                   for p in (validation, test))
            rows.append(_row(month, name, 0, val_pred, validation, test_pred, test, detail=""))
        elif name == "persistence + daily cycle":
            rows.append(_row(month, name, 0, daily_cycle_forecast(jfk, "validation"), validation,
                             daily_cycle_forecast(jfk, "test"), test, detail=""))
        elif name == "SARIMAX":
            origins, cut = np.concatenate([validation.origin, test.origin]), len(validation.y)
            forecasts = {order: sarimax_forecasts(jfk.measured["temp"].to_numpy(), jfk.features.index.hour.to_numpy(),
                                                  jfk.bounds["train"][1], origins, test.y.shape[1], order)[0]
                         for order in ORDERS}
            order = min(forecasts, key=lambda o: np.abs(forecasts[o][:cut] - validation.y).mean())
            rows.append(_row(month, name, 0, forecasts[order][:cut], validation, forecasts[order][cut:], test,
                             detail=f"order {order}"))
        elif name.startswith("ridge"):
            windows = jfk if name == "ridge" else weather_windows("JFK", list(COLUMNS), periods=periods,
                                                                   neighbours=("EWR", "LGA"))
            model, alpha, _ = fit_ridge(windows.train[:2], windows.validation[:2])
            rows.append(_row(month, name, 0, model.predict(_flat(windows.validation.x)), validation,
                             model.predict(_flat(windows.test.x)), test, detail=f"alpha {alpha:g}"))
        else:
            kind, target = NETWORKS.get(name, ("lstm", "change"))
            windows = jfk if "EWR" not in name else weather_windows("JFK", list(COLUMNS), periods=periods,
                                                                     neighbours=("EWR", "LGA"))
            stations = [windows] + ([weather_windows(s, list(COLUMNS), periods=periods) for s in ("EWR", "LGA")]
                                    if name.endswith("3 airports") else [])
            train = [(w.train.x, w.train.y, _last_temperature(w, w.train.x)) for w in stations]
            val = (windows.validation.x, validation.y, _last_temperature(windows, windows.validation.x))
            for seed in seeds:
                predict, epochs, best = train_network(kind, target, train, val, seed)
                rows.append(_row(month, name, seed, predict(val[0], val[2]), validation,
                                 predict(windows.test.x, _last_temperature(windows, windows.test.x)), test,
                                 detail=f"epochs {epochs}, best {best}"))
                _release()
                log(name, seed, started)
                started = time.perf_counter()
            continue
        log(name, 0, started)
    return pd.DataFrame(rows)


def _release() -> None:
    from utils.memory import release_training_memory

    release_training_memory()


#: The shipped table and its log in ``data/``, written by ``tools/rolling_origin_weather.py``.
TABLE_FILE, LOG_FILE = "nyc_weather_rolling_origins.csv", "nyc_weather_rolling_origins.json"


def load_rolling_origins(data_dir: str | Path | None = None) -> tuple[pd.DataFrame, dict]:
    """The shipped rolling-origin results and the log of the run that made them, both checked against
    ``SHA256SUMS``.

    Returns ``(table, log)``: the table has one row per month, forecaster and seed, with the columns
    :func:`evaluate_origin` returns; the log gives the command, settings, versions and run times.

    Raises:
        ValueError: If either file is unlisted, corrupt or edited (its checksum does not match), or the table lacks
            a column or a forecaster that :func:`evaluate_origin` writes; FileNotFoundError if one is missing.
    """
    folder = Path(DATA_DIR if data_dir is None else data_dir)
    table = pd.read_csv(verify_data_file(TABLE_FILE, folder), keep_default_na=False)
    log = json.loads(verify_data_file(LOG_FILE, folder).read_text(encoding="utf-8"))
    expected = {"month", "forecaster", "seed", "val_mae", "test_mae", "windows", "detail"} | {f"mae_{h}h" for h in (1, 24)}
    missing = sorted(expected - set(table.columns)) + sorted(set(FORECASTERS) - set(table.get("forecaster", [])))
    if missing:
        raise ValueError(f"{folder / TABLE_FILE} lacks {missing}; rerun tools/rolling_origin_weather.py to rebuild it.")
    return table, log
