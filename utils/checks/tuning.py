"""Exercise 25: tune an LSTM honestly; the check re-measures the chosen model instead of trusting the table.

Why this module exists: it holds the data, check and hints of
``notebooks/25_exercise_tuning.ipynb``. The answer is the table of trials and
the chosen trial's trained Keras model (``model=``), with ``forecast=``, a
function of raw windows that uses the model, when the model works on scaled
values. The check reads the table (enough trials, two hyperparameters varied,
chosen on validation, not on test), then measures the chosen model itself:
on the validation targets, where its RMSE must match the table's within a few
percent, lie above the noise floor and beat persistence; and on a stretch of
the wave generated at check time from a seed that is not in the notebook,
where it reports the RMSE next to persistence's. The forecasts must come
from the model's recurrent layer: they move when its weights are perturbed,
and they fall most of the way back to persistence when it is silenced.

Every trial is scored on the same validation targets, whatever its window:
all the values of the validation part, the first windows taking their context
from the end of the training part.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from utils.baselines import persistence_forecast, rmse
from utils.checks.base import (
    Exercise,
    describe,
    fmt,
    forecasts_of,
    is_keras_model,
    keras_input_shape,
    recurrent_layers,
    window_predictor,
)
from utils.datasets import Split, chronological_split, make_windows, sine_wave

__all__ = [
    "TUNING_DEFAULT_WINDOW",
    "TUNING_HYPERPARAMETERS",
    "TUNING_MATCH",
    "TUNING_MIN_TRIALS",
    "TUNING_NOISE_STD",
    "TuningExercise",
    "tuning_exercise",
]

#: The data of the tuning exercise: a noisy sine, split 60/20/20 in time (tuning_exercise.load_data()).
TUNING_LENGTH = 1500
TUNING_DT = 0.1
TUNING_NOISE_STD = 0.1
TUNING_SEED = 7
TUNING_TRAIN_FRACTION = 0.6
TUNING_VAL_FRACTION = 0.2
#: The hyperparameter columns the check knows; at least two must vary.
TUNING_HYPERPARAMETERS = ("units", "layers", "batch_size", "window", "learning_rate")
TUNING_MIN_TRIALS = 4
#: The window the check uses when neither the table nor the model's input fixes one.
TUNING_DEFAULT_WINDOW = 10
#: The table's val_rmse and the check's own measurement of the chosen model may differ by this share.
TUNING_MATCH = 0.05
#: A chosen val_rmse below this share of the noise floor is impossible (see TuningExercise.noise_floor).
TUNING_FLOOR_MARGIN = 0.95
#: The unseen test stretch: this many targets, from a time drawn in [500, 5000) (the data ends at 150).
TUNING_UNSEEN_LENGTH = 300
_CHECK_SEED = 1_732_050  # not shown in the notebook: the learner never sees the unseen stretch


def _value_text(value: object) -> str:
    """A hyperparameter's value for messages: 32, 0.001, 'adam'."""
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        return f"{value:g}"
    return str(value)


def _values(column: pd.Series, limit: int = 6) -> str:
    """The distinct values of a column, sorted where possible: '16, 32, 64'."""
    unique = list(pd.unique(column.dropna()))
    try:
        unique = sorted(unique)
    except TypeError:
        pass
    shown = ", ".join(_value_text(v) for v in unique[:limit])
    return shown + (", ..." if len(unique) > limit else "")


def _row_label(trials: pd.DataFrame, position: int) -> str:
    return f"row {trials.index[position]!r}"


def _as_whole_number(value: object) -> int | None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return None
    if not math.isfinite(value) or value != int(value):
        return None
    return int(value)


def _close(a: float, b: float, share: float = TUNING_MATCH) -> bool:
    return b > 0 and abs(a / b - 1) <= share


def _context_windows(before: np.ndarray, part: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows whose targets are every value of ``part``; the first windows reach back into ``before``."""
    return make_windows(np.concatenate([before[-window:], part]), window)


class TuningExercise(Exercise):
    """Exercise 25: tune an LSTM's hyperparameters on the validation part, choose one trial, hand in its model.

    ``load_data()`` gives the data, a noisy sine split in time. The answer is
    a pandas DataFrame of trials, one row per trial: hyperparameter columns
    from :data:`TUNING_HYPERPARAMETERS` (at least two of them varied), a
    ``val_rmse`` column (validation RMSE in the data's own units), a boolean
    ``chosen`` column with exactly one ``True`` and, optionally, a
    ``test_rmse`` column; with it ``model=``, the chosen trial's trained
    Keras model, and, if that model works on scaled values, ``forecast=``, a
    function that maps raw windows ``(batch, window, 1)`` to forecasts in the
    data's units by calling the model.

    The chosen trial must have the lowest ``val_rmse``, above the noise floor.
    The check measures the model on the validation targets (every value of
    the validation part, see :meth:`validation_windows`): its RMSE must match
    the table's within :data:`TUNING_MATCH` and beat persistence. It then
    reports the model's RMSE on a stretch of the wave drawn at check time,
    next to persistence's.

    Used in ``notebooks/25_exercise_tuning.ipynb`` as :data:`tuning_exercise`.

    Example:
        >>> trials = pd.DataFrame({"units": [16, 16, 32, 32], "window": [10, 20, 10, 20],
        ...                        "val_rmse": [0.121, 0.115, 0.07, 0.112]})
        >>> trials["chosen"] = trials.val_rmse == trials.val_rmse.min()
        >>> tuning_exercise.check(trials)  # doctest: +ELLIPSIS
        Not yet: your chosen val_rmse, 0.07, is below what any forecast can reach on these validation targets...
        False
    """

    def __init__(self):
        super().__init__(
            name="tuning_exercise",
            stem="25_exercise_tuning",
            expected=(
                "assign a pandas DataFrame of your trials (one row per trial: the hyperparameters, "
                "val_rmse and a boolean chosen column) and the chosen trial's trained model"
            ),
            usage="tuning_exercise.check(trials, model=chosen_model), adding forecast=... if the model works on scaled values",
            parts=("forecast",),
            hints=(
                ("Pick at least two of units, layers, batch_size, window and learning_rate and try a few "
                 "values of each: two values of two of them already make four trials. Train every trial "
                 "on the training part only and score it on the validation part; leave the test part "
                 "alone until you have chosen. Keep each trial's model: the check re-measures the one "
                 "you choose."),
                ("Score every trial on the same targets, all 300 validation values, whatever its window: "
                 "give the first validation windows their context from the end of the training part, "
                 "make_windows(np.concatenate([train[-window:], val]), window). For each trial append a "
                 "dict such as {'units': 32, 'window': 20, 'val_rmse': 0.104} to a list rows, build "
                 "trials = pd.DataFrame(rows) and mark the winner with trials['chosen'] = "
                 "trials.val_rmse == trials.val_rmse.min(). val_rmse is in the data's own units: if you "
                 "scaled the data, un-scale the forecasts first, and hand the check a function that "
                 "scales the windows and un-scales the forecasts as forecast=."),
                ("A sketch that passes (raw values, no scaler: the wave lies between about -1.3 and 1.3):\n\n"
                 "train, val, test = tuning_exercise.load_data()\n"
                 "rows, models = [], {}\n"
                 "for units in (16, 32):\n"
                 "    for window in (10, 20):\n"
                 "        x_train, y_train = make_windows(train, window)\n"
                 "        x_val, y_val = make_windows(np.concatenate([train[-window:], val]), window)\n"
                 "        keras.utils.set_random_seed(SEED)\n"
                 "        model = keras.Sequential([keras.Input(shape=(None, 1)), keras.layers.LSTM(units), keras.layers.Dense(1)])\n"
                 "        model.compile(optimizer=keras.optimizers.Adam(0.01), loss='mse')\n"
                 "        model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=30, batch_size=32, verbose=0,\n"
                 "                  callbacks=[keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)])\n"
                 "        models[units, window] = model\n"
                 "        rows.append({'units': units, 'window': window,\n"
                 "                     'val_rmse': rmse(y_val, model.predict(x_val, verbose=0))})\n"
                 "trials = pd.DataFrame(rows)\n"
                 "trials['chosen'] = trials.val_rmse == trials.val_rmse.min()\n"
                 "best = trials[trials.chosen].iloc[0]\n"
                 "tuning_exercise.check(trials, model=models[best.units, best.window])"),
            ),
        )

    # --- The data and the numbers the check compares with ---

    @staticmethod
    def load_data() -> Split:
        """The tuning exercise's data: a noisy sine wave split 60/20/20 in time.

        ``chronological_split(sine_wave(1500, dt=0.1, noise_std=0.1, seed=7), 0.6, 0.2)``:
        raw values, not scaled.

        Returns:
            A :class:`utils.datasets.Split` ``(train, val, test)`` of 1-D arrays.

        Example:
            >>> train, val, test = tuning_exercise.load_data()
            >>> train.shape, val.shape, test.shape
            ((900,), (300,), (300,))
        """
        series = sine_wave(TUNING_LENGTH, dt=TUNING_DT, noise_std=TUNING_NOISE_STD, seed=TUNING_SEED)
        return chronological_split(series, TUNING_TRAIN_FRACTION, TUNING_VAL_FRACTION)

    def validation_windows(self, window: int) -> tuple[np.ndarray, np.ndarray]:
        """The validation windows of ``window`` steps and their targets: every value of the validation part.

        The first windows take their context from the end of the training
        part, so every window length is scored on the same 300 targets.

        Args:
            window: The window length, a whole number from 1 to the length of the training part.

        Returns:
            ``(x_val, y_val)`` of shapes ``(300, window, 1)`` and ``(300, 1)``, raw values.

        Raises:
            ValueError: If ``window`` is not a whole number from 1 to 900.

        Example:
            >>> x_val, y_val = tuning_exercise.validation_windows(30)
            >>> x_val.shape, y_val.shape
            ((300, 30, 1), (300, 1))
        """
        train, val, _ = self.load_data()
        if isinstance(window, (bool, np.bool_)) or not isinstance(window, numbers.Integral) or not 1 <= window <= len(train):
            raise ValueError(
                f"window must be a whole number from 1 to {len(train)}; received window={window!r}."
            )
        return _context_windows(train, val, int(window))

    def persistence_val_rmse(self) -> float:
        """Persistence's RMSE on the validation targets (each value forecast by the one before it).

        The same for every window length, since every trial is scored on the same targets.

        Example:
            >>> round(tuning_exercise.persistence_val_rmse(), 3)
            0.155
        """
        x_val, y_val = self.validation_windows(1)
        return rmse(y_val, persistence_forecast(x_val))

    def noise_floor(self) -> float:
        """The RMSE of a forecast that knows the clean sine exactly, on the validation targets.

        The noise (standard deviation 0.1) cannot be forecast, so no model can
        do much better than this; a ``val_rmse`` below it is a mistake
        (an MSE, other targets) rather than a good model.

        Example:
            >>> round(tuning_exercise.noise_floor(), 4)
            0.0989
        """
        _, val, _ = self.load_data()
        n_train = len(self.load_data().train)
        clean = sine_wave(TUNING_LENGTH, dt=TUNING_DT)[n_train : n_train + len(val)]
        return rmse(val, clean)

    @staticmethod
    def _unseen_stretch(window: int) -> tuple[np.ndarray, np.ndarray]:
        """Windows and targets from a stretch of the same noisy wave, far from the data, drawn at check time."""
        rng = np.random.default_rng(_CHECK_SEED)
        start = float(rng.uniform(500.0, 5000.0))
        series = sine_wave(
            window + TUNING_UNSEEN_LENGTH, dt=TUNING_DT, start=start, noise_std=TUNING_NOISE_STD,
            seed=int(rng.integers(2**31)),
        )
        return make_windows(series, window)

    # --- The check ---

    def _check(self, answer: object, model: object, forecast: object = None) -> bool:
        chosen = self._read_table(answer)
        if chosen is None:
            return False
        trials, row, setting, varied_text = chosen
        table_val = float(pd.to_numeric(trials["val_rmse"]).iloc[row])
        floor = self.noise_floor()
        if table_val < TUNING_FLOOR_MARGIN * floor:
            print(
                f"Not yet: your chosen val_rmse, {fmt(table_val)}, is below what any forecast can reach on these "
                f"validation targets: their noise alone (standard deviation {TUNING_NOISE_STD}) gives "
                f"{fmt(floor)} even to a forecast that knows the clean sine exactly. Did you store the MSE (the "
                "Keras loss) instead of its square root, or score on other targets than the validation part's "
                "values? Use rmse(y_val, forecast) on the validation windows."
            )
            return False

        if model is None or model is Ellipsis:
            print(
                f"Not yet: your table looks sound, but the check does not take its numbers on trust: it "
                f"re-measures the chosen trial's model. Pass that model too: {self.usage}."
            )
            return False
        if not is_keras_model(model):
            print(f"Not yet: model= must be the chosen trial's trained Keras model; received {describe(model)}.")
            return False
        if not recurrent_layers(model):
            print(f"Not yet: {self.model_problem(model)}.")
            return False
        if forecast is not None and not callable(forecast):
            print(
                f"Not yet: forecast= must be a function that maps raw windows (batch, window, 1) to forecasts "
                f"in the data's units by calling your model; received {describe(forecast)}."
            )
            return False

        window = self._window(trials, row, model)
        if window is None:
            return False
        x_val, y_val = self.validation_windows(window)
        predict = forecast if forecast is not None else window_predictor(model)
        what = f"the {len(y_val)} validation windows of {window} steps"
        y_pred, problem = forecasts_of(predict, x_val, what)
        if problem is not None:
            print(f"Not yet: {problem}.")
            return False
        change = self.answers_change(lambda: forecasts_of(predict, x_val[::5], "windows")[0], y_pred[::5], model)
        if change <= 0.1 * TUNING_NOISE_STD:
            layers = ", ".join(recurrent_layers(model))
            if forecast is not None:
                print(
                    f"Not yet: your forecast function does not use the {layers} of the model you passed: with that "
                    f"layer's weights perturbed its forecasts move by at most {fmt(change)}. The check measures the "
                    "chosen trial's LSTM, so forecast= must call that model (model.predict inside it)."
                )
            else:
                print(
                    f"Not yet: your model's forecasts do not depend on its {layers}: with that layer's weights "
                    f"perturbed they move by at most {fmt(change)}. Another part of the model computes them; let "
                    "the recurrent layer read the window and feed the output."
                )
            return False

        measured = rmse(y_val, y_pred)
        if not _close(table_val, measured):
            print(
                f"Not yet: your table says the chosen trial ({_row_label(trials, row)}) scores val_rmse "
                f"{fmt(table_val)}, but the check measured your model at {fmt(measured)} on the same "
                f"{len(y_val)} validation targets ({abs(table_val / measured - 1):.0%} apart; up to "
                f"{TUNING_MATCH:.0%} is fine)."
            )
            print(self._mismatch(table_val, measured, model, forecast, x_val, y_val, y_pred, window))
            input_shape = keras_input_shape(model)
            if "window" not in trials.columns and (input_shape is None or input_shape[1] is None):
                print(
                    f"The check measured windows of {window} steps (TUNING_DEFAULT_WINDOW): neither a window column "
                    "in your table nor your model's input shape says which window the chosen trial used. If your "
                    "search used another window, add a window column to the table (or build the model with "
                    "keras.Input(shape=(window, 1)))."
                )
            return False

        persistence = self.persistence_val_rmse()
        if measured >= persistence:
            print(
                f"Not yet: your chosen model's validation RMSE is {fmt(measured)}, but persistence (repeating the "
                f"last value) scores {fmt(persistence)} on the same validation targets. A tuned LSTM should beat "
                "it: train longer, try other values."
            )
            return False

        silence = self.silence_test(
            lambda: rmse(y_val, forecasts_of(predict, x_val, what)[0]), measured, persistence, model,
            metric="validation RMSE", baseline_name="persistence",
        )
        if silence.problem is not None:
            print(f"Not yet: your chosen model's validation RMSE is {fmt(measured)}, but {silence.problem}.")
            return False

        x_unseen, y_unseen = self._unseen_stretch(window)
        unseen_pred, problem = forecasts_of(predict, x_unseen, "windows of an unseen stretch")
        if problem is not None:
            print(f"Not yet: on a stretch of the wave you never saw, {problem}.")
            return False
        unseen = rmse(y_unseen, unseen_pred)
        unseen_persistence = rmse(y_unseen, persistence_forecast(x_unseen))
        verdict = "better than" if unseen < unseen_persistence else "no better than"
        print(
            f"Correct: {len(trials)} trials, varying {varied_text}; you chose {_row_label(trials, row)} ({setting}) "
            f"by its validation RMSE {fmt(table_val)}. The check re-measured your model on the same "
            f"{len(y_val)} validation targets: {fmt(measured)}, against persistence's {fmt(persistence)} and a "
            f"noise floor of {fmt(floor)}; {silence.summary('validation RMSE')}. On {len(y_unseen)} targets of a "
            f"stretch of the wave you never saw, your model scores {fmt(unseen)}, {verdict} persistence "
            f"({fmt(unseen_persistence)})."
        )
        return True

    def _read_table(self, answer: object) -> tuple[pd.DataFrame, int, str, str] | None:
        """The table's checks, in the order a learner fixes them; ``(trials, chosen row, setting, varied)`` or None."""
        if not isinstance(answer, pd.DataFrame):
            if isinstance(answer, (list, dict)):
                nudge = "Build it with trials = pd.DataFrame(rows), one dict per trial."
            elif is_keras_model(answer):
                nudge = "Pass the table first and the model as model=: tuning_exercise.check(trials, model=chosen_model)."
            else:
                nudge = "Collect one dict per trial in a list rows and build the table with pd.DataFrame(rows)."
            print(
                f"Not yet: expected a pandas DataFrame with one row per trial; received {describe(answer)}. {nudge}"
            )
            return None
        trials = answer
        columns = [str(c) for c in trials.columns]

        if len(trials) < TUNING_MIN_TRIALS:
            print(
                f"Not yet: your table has {len(trials)} trial(s); run at least {TUNING_MIN_TRIALS}, for "
                "example two values each of two hyperparameters (2 x 2 = 4)."
            )
            return None

        present = [c for c in TUNING_HYPERPARAMETERS if c in trials.columns]
        varied = [c for c in present if trials[c].nunique(dropna=True) >= 2]
        if len(varied) < 2:
            known = ", ".join(TUNING_HYPERPARAMETERS)
            if not present:
                print(
                    f"Not yet: none of your columns is a hyperparameter the check knows; received columns "
                    f"{columns}. Name at least two of them exactly {known}."
                )
            else:
                recorded = "; ".join(f"{c}: {_values(trials[c])}" for c in present)
                which = f"only {varied[0]} takes" if varied else "none of them takes"
                print(
                    f"Not yet: tuning means varying at least two hyperparameters, but of those in your "
                    f"table ({recorded}) {which} more than one value. Vary at least two of {known}."
                )
            return None

        if "val_rmse" not in trials.columns:
            print(
                f"Not yet: your table has no val_rmse column; received columns {columns}. Add each "
                "trial's validation RMSE (in the data's units) as val_rmse."
            )
            return None
        val_column = trials["val_rmse"]
        try:
            if pd.api.types.is_bool_dtype(val_column) or any(isinstance(v, (bool, np.bool_, str, bytes)) for v in val_column):
                raise TypeError
            val_rmse = np.array([float(v) for v in val_column], dtype=np.float64)  # float() also takes 0-d tensors
        except (TypeError, ValueError):
            print(
                f"Not yet: val_rmse must hold numbers; received dtype {val_column.dtype} (first value "
                f"{val_column.iloc[0]!r}). Store float(rmse(y_val, forecast)) for each trial."
            )
            return None
        not_finite = np.flatnonzero(~np.isfinite(val_rmse))
        if not_finite.size:
            print(
                f"Not yet: val_rmse is NaN or infinite in {', '.join(_row_label(trials, i) for i in not_finite[:5])}; "
                "every trial needs a validation RMSE (a NaN usually means the training diverged)."
            )
            return None
        not_positive = np.flatnonzero(val_rmse <= 0)
        if not_positive.size:
            print(
                f"Not yet: val_rmse must be positive, an RMSE of noisy data is never 0 or below; "
                f"{_row_label(trials, not_positive[0])} holds {val_rmse[not_positive[0]]:g}."
            )
            return None

        if "chosen" not in trials.columns:
            print(
                "Not yet: your table has no chosen column; mark the trial you pick with "
                "trials['chosen'] = trials.val_rmse == trials.val_rmse.min()."
            )
            return None
        chosen_column = trials["chosen"]
        if not (
            pd.api.types.is_bool_dtype(chosen_column)
            or all(isinstance(v, (bool, np.bool_)) for v in chosen_column)
        ):
            print(
                f"Not yet: chosen must hold True or False; received dtype {chosen_column.dtype} (values "
                f"{_values(chosen_column.astype(str))}). Use trials['chosen'] = trials.val_rmse == trials.val_rmse.min()."
            )
            return None
        chosen_rows = np.flatnonzero(chosen_column.to_numpy(dtype=bool))
        if len(chosen_rows) != 1:
            where = f" ({', '.join(_row_label(trials, i) for i in chosen_rows[:5])})" if len(chosen_rows) else ""
            print(
                f"Not yet: exactly one trial must have chosen == True; yours has {len(chosen_rows)}{where}. "
                "Pick the one trial with the lowest val_rmse."
            )
            return None
        chosen = int(chosen_rows[0])
        chosen_val = float(val_rmse[chosen])
        best = int(np.argmin(val_rmse))

        if chosen_val > val_rmse[best]:
            test_rmse = None
            if "test_rmse" in trials.columns:
                test_rmse = pd.to_numeric(trials["test_rmse"], errors="coerce").to_numpy(dtype=np.float64)
            if test_rmse is not None and np.isfinite(test_rmse[chosen]) and test_rmse[chosen] <= np.nanmin(test_rmse):
                print(
                    f"Not yet: you chose {_row_label(trials, chosen)}, which has the lowest test_rmse "
                    f"({fmt(test_rmse[chosen])}), but {_row_label(trials, best)} has a lower val_rmse "
                    f"({fmt(val_rmse[best])} against {fmt(chosen_val)}). That is choosing on the test set: "
                    "the test data leaks into your choice, and its RMSE is no longer an honest estimate "
                    "for unseen data. Choose by val_rmse; look at test_rmse only for the trial you chose."
                )
            else:
                print(
                    f"Not yet: you chose {_row_label(trials, chosen)} with val_rmse {fmt(chosen_val)}, but "
                    f"{_row_label(trials, best)} has a lower one ({fmt(val_rmse[best])}). Choose the trial "
                    "with the lowest validation RMSE: trials.val_rmse == trials.val_rmse.min()."
                )
            return None

        setting = ", ".join(f"{c}={_value_text(trials[c].iloc[chosen])}" for c in present)
        varied_text = " and ".join(f"{c} ({_values(trials[c])})" for c in varied)
        return trials, chosen, setting, varied_text

    def _window(self, trials: pd.DataFrame, row: int, model: object) -> int | None:
        """The chosen trial's window: the table's, the model's fixed input length, or the default."""
        train_length = len(self.load_data().train)
        table_window = None
        if "window" in trials.columns:
            table_window = _as_whole_number(trials["window"].iloc[row])
            if table_window is None or not 1 <= table_window <= train_length:
                print(
                    f"Not yet: the chosen trial's window is {trials['window'].iloc[row]!r}; expected a "
                    f"whole number of steps from 1 to {train_length}."
                )
                return None
        input_shape = keras_input_shape(model)
        steps = input_shape[1] if input_shape is not None and len(input_shape) == 3 else None
        if steps is not None and table_window is not None and steps != table_window:
            print(
                f"Not yet: your table says the chosen trial used window={table_window}, but the model you passed "
                f"takes windows of {steps} steps (input shape {input_shape}). Is model= the chosen trial's model?"
            )
            return None
        return table_window or steps or TUNING_DEFAULT_WINDOW

    def _scaled_inputs(self, model: object, x_val: np.ndarray, y_val: np.ndarray) -> tuple[str, float] | None:
        """The usual scaling under which the model forecasts best, and its RMSE there; None if none works."""
        train = self.load_data().train
        low, high = float(train.min()), float(train.max())
        scalings = (
            ("standardised with the training part's mean and standard deviation", float(train.mean()), float(train.std())),
            ("scaled to [0, 1] with the training part's minimum and maximum", low, high - low),
            ("scaled to [-1, 1] with the training part's minimum and maximum", (high + low) / 2, (high - low) / 2),
        )
        predict = window_predictor(model)
        best = None
        for how, centre, scale in scalings:
            forecasts, _ = forecasts_of(lambda x, c=centre, s=scale: predict((x - c) / s), x_val, "scaled windows")
            if forecasts is not None:
                score = rmse(y_val, forecasts * scale + centre)
                if best is None or score < best[1]:
                    best = (how, score)
        return best

    def _mismatch(
        self, table: float, measured: float, model: object, forecast: object,
        x_val: np.ndarray, y_val: np.ndarray, y_pred: np.ndarray, window: int,
    ) -> str:
        """Why the table's val_rmse and the check's measurement disagree, as far as the numbers tell."""
        std = float(self.load_data().train.std())
        if _close(table, measured**2):
            return (
                "Your val_rmse is the square of what the check measured: the column holds the MSE (the Keras "
                "loss). Store the RMSE, its square root, for example rmse(y_val, forecast)."
            )
        if _close(table, measured / std):
            return (
                f"Your val_rmse is the check's measurement divided by {std:.3g}, the training part's standard "
                "deviation: the column is in scaled units. Un-scale the forecasts and the targets "
                "(scaler.inverse_transform) before you compute the RMSE, so that it is in the data's own units."
            )
        if forecast is None:
            found = self._scaled_inputs(model, x_val, y_val)
            if found is not None and (found[1] < 0.8 * measured or _close(table, found[1])):
                how, scaled = found
                return (
                    f"Your model seems to work on scaled values: fed windows {how}, and its forecasts un-scaled "
                    f"the same way, it scores {fmt(scaled)}. The check feeds raw windows and reads raw forecasts; "
                    "hand it a function that scales and un-scales around your model: "
                    "tuning_exercise.check(trials, model=chosen_model, forecast=forecast), with def "
                    "forecast(windows): return scaler.inverse_transform(chosen_model.predict("
                    "scaler.transform(windows), verbose=0))."
                )
        if window < len(y_val):
            dropped = rmse(y_val[window:], y_pred[window:])
            if _close(table, dropped, 0.01):
                return (
                    f"Your val_rmse matches the check's measurement on the last {len(y_val) - window} targets "
                    f"({fmt(dropped)}): you scored the windows of the validation part alone, which drops its first "
                    f"{window} values, so trials with other windows were scored on other targets. Give the first "
                    "windows their context from the end of the training part: "
                    "make_windows(np.concatenate([train[-window:], val]), window)."
                )
        return (
            "Possible causes: model= is not the chosen trial's model (the last one your loop trained, say); the "
            "RMSE was computed in other units (scaled, or the MSE); or on other targets than every value of the "
            "validation part (give the first windows their context from the end of the training part)."
        )


tuning_exercise = TuningExercise()
