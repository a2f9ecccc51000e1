"""Exercise 22: a cosine-wave forecaster, checked on cosine windows drawn at check time.

Why this module exists: it holds the check, hints and constants of
``notebooks/22_exercise_cosine_wave.ipynb``. The answer is the trained Keras
model (or a function of windows together with ``model=``, the model it uses);
the check measures it on windows from cosine stretches far from the training
series, at start times drawn from a seed that is not in the notebook, confirms
the model has a recurrent layer, that the forecasts change when that layer's
weights are perturbed, and that they lose their skill when it is silenced
(its weights set to zero), whether the model comes alone or with a function.
"""

from __future__ import annotations

import numpy as np

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
from utils.datasets import cosine_wave, make_windows

__all__ = ["COSINE_DT", "COSINE_MAX_RATIO", "COSINE_WINDOW", "CosineExercise", "cosine_exercise"]

#: The cosine exercise samples its wave every 0.3 (lesson 21's sine used 0.1). A sine and a
#: cosine with the same step are the same signal shifted, so only a different step makes a model
#: trained on lesson 21's sine fail this check.
COSINE_DT = 0.3
#: Every window the check feeds the model has this many steps.
COSINE_WINDOW = 10
#: To pass, the model's RMSE must be at most this share of persistence's RMSE.
COSINE_MAX_RATIO = 0.2
#: The check cuts windows from COSINE_CHECK_STRETCHES stretches of this many steps, each
#: starting at a time drawn from [1000, 100000); the training series covers times 0 to 600.
COSINE_CHECK_LENGTH = 400
COSINE_CHECK_STRETCHES = 4
_CHECK_SEED = 2_718_281  # not shown in the notebook: the learner cannot train on the check's windows

# A clean sampled cosine obeys x[t+1] = 2 cos(dt) x[t] - x[t-1] exactly, so right forecasts alone
# do not show that a network learned anything.
_ASKS_FOR = (
    "Why it matters: a clean cosine can be continued exactly by a formula, x[t+1] = 2·cos(0.3)·x[t] − x[t−1], "
    "so right forecasts alone prove nothing. The exercise asks for a recurrent network (an LSTM) that learns "
    "the wave from data, and the check confirms that the network makes the forecasts."
)


def _check_windows() -> tuple[np.ndarray, np.ndarray]:
    """The check's windows ``(n, COSINE_WINDOW, 1)`` and targets ``(n, 1)`` from unseen cosine stretches."""
    starts = np.random.default_rng(_CHECK_SEED).uniform(1000.0, 100000.0, size=COSINE_CHECK_STRETCHES)
    pairs = [make_windows(cosine_wave(COSINE_CHECK_LENGTH, dt=COSINE_DT, start=start), COSINE_WINDOW) for start in starts]
    return np.concatenate([x for x, _ in pairs]), np.concatenate([y for _, y in pairs])


class CosineExercise(Exercise):
    """Exercise 22: train an LSTM that forecasts the next value of a cosine wave.

    The learner trains on ``cosine_wave(2000, dt=COSINE_DT)``, windows of
    ``COSINE_WINDOW`` raw values (the wave lies between -1 and 1, so no
    scaling is needed) mapped to the next value. The check builds windows
    from cosine stretches far from the training range, at times drawn when it
    runs, and passes a model whose RMSE there is at most
    ``COSINE_MAX_RATIO`` (a fifth) of the persistence baseline's, provided the
    model has a recurrent layer and that layer does the forecasting: perturbing
    its weights moves the forecasts, and silencing it (weights set to zero)
    takes at least three quarters of the way back to persistence's RMSE.

    ``check(cosine_model)`` takes the trained Keras model, mapping windows
    ``(batch, 10, 1)`` to ``(batch, 1)``; ``check(forecast, model=cosine_model)``
    takes a function of such windows that uses the model (for example one that
    scales the windows and un-scales the forecasts).

    Used in ``notebooks/22_exercise_cosine_wave.ipynb`` as :data:`cosine_exercise`.

    Example:
        >>> cosine_exercise.check(lambda x: 2 * np.cos(COSINE_DT) * x[:, -1] - x[:, -2])  # doctest: +ELLIPSIS
        Not yet: your forecasts are right (RMSE ... on 1,560 unseen cosine windows; ...), but you handed in a function without the model it uses...
        False
        >>> cosine_exercise.check(persistence_forecast)  # doctest: +ELLIPSIS
        Not yet: your model's RMSE on 1,560 unseen cosine windows is 0.211; ... stay at or below 0.04...
        False
    """

    def __init__(self):
        super().__init__(
            name="cosine_exercise",
            stem="22_exercise_cosine_wave",
            expected=(
                "assign your trained Keras model (its input: windows of shape "
                f"(batch, {COSINE_WINDOW}, 1); its output: forecasts of shape (batch, 1))"
            ),
            usage="cosine_exercise.check(cosine_model), or cosine_exercise.check(forecast, model=cosine_model)",
            hints=(
                ("You built this pipeline in lesson 21 (notebooks/21_sine_wave_forecaster.ipynb): "
                 "window the series, split it in time, train an LSTM with early stopping and compare it "
                 "with persistence. Only the data changes: a cosine wave sampled every COSINE_DT = 0.3 "
                 "instead of a sine sampled every 0.1. The check feeds your model raw windows of "
                 f"{COSINE_WINDOW} steps from stretches of the cosine it never saw, so train on raw "
                 "values: the wave already lies between -1 and 1, no scaler needed."),
                ("Make the series with cosine_wave(2000, dt=COSINE_DT), split it with "
                 "chronological_split(series, 0.6, 0.2) and window each part with "
                 "make_windows(part, COSINE_WINDOW). Build keras.Input(shape=(None, 1)) -> "
                 "keras.layers.LSTM(32) -> keras.layers.Dense(1), compile it with Adam and loss='mse', "
                 "and fit it on the training windows with validation_data=(x_val, y_val) and "
                 "keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True). Before you call "
                 "the check, compare its validation RMSE with persistence_forecast(x_val): you need a "
                 "fifth of it or less."),
                ("A sketch that passes:\n\n"
                 "series = cosine_wave(2000, dt=COSINE_DT)\n"
                 "split = chronological_split(series, 0.6, 0.2)\n"
                 "x_train, y_train = make_windows(split.train, COSINE_WINDOW)\n"
                 "x_val, y_val = make_windows(split.val, COSINE_WINDOW)\n"
                 "model = keras.Sequential([keras.Input(shape=(None, 1)), keras.layers.LSTM(32), keras.layers.Dense(1)])\n"
                 "model.compile(optimizer=keras.optimizers.Adam(0.01), loss='mse')\n"
                 "early_stopping = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)\n"
                 "model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=100, batch_size=32,\n"
                 "          callbacks=[early_stopping], verbose=0)\n"
                 "cosine_model = model"),
            ),
        )

    def _check(self, answer: object, model: object) -> bool:
        if is_keras_model(answer):
            if model is not None and model is not answer:
                print(
                    "Not yet: you passed a Keras model as the answer and another one as model=. Pass your "
                    "trained model alone, cosine_exercise.check(cosine_model), or a function that uses it "
                    "with the model: cosine_exercise.check(forecast, model=cosine_model)."
                )
                return False
            the_model, function = answer, None
        else:
            function, the_model = window_predictor(answer), model
            if function is None:
                nudge = ""
                if type(answer).__name__ == "History":
                    nudge = " model.fit(...) returns the History of the losses, not the model: pass the model itself."
                elif isinstance(answer, np.ndarray):
                    nudge = " Pass the model itself, not its predictions: the check makes its own windows."
                print(
                    f"Not yet: expected your trained Keras model, which maps windows of shape "
                    f"(batch, {COSINE_WINDOW}, 1) to forecasts of shape (batch, 1), or a function of such "
                    f"windows together with the model it uses; received {describe(answer)}.{nudge}"
                )
                return False

        input_shape = keras_input_shape(the_model)
        if input_shape is not None and len(input_shape) == 3:
            steps, features = input_shape[1], input_shape[2]
            if steps is not None and steps != COSINE_WINDOW:
                print(
                    f"Not yet: your model's input is fixed to windows of {steps} steps (input shape "
                    f"{input_shape}), but this exercise uses windows of COSINE_WINDOW = {COSINE_WINDOW} steps. "
                    f"Build it with keras.Input(shape=(None, 1)) (any length) or (COSINE_WINDOW, 1), and "
                    "train it on make_windows(series, COSINE_WINDOW)."
                )
                return False
            if features is not None and features != 1:
                print(
                    f"Not yet: your model expects {features} features per step (input shape {input_shape}), "
                    "but the cosine wave has one. Build it with keras.Input(shape=(None, 1))."
                )
                return False

        predict = function or window_predictor(the_model)
        x, y = _check_windows()
        count = f"{len(x):,} unseen cosine windows"
        y_pred, problem = forecasts_of(predict, x, count)
        if problem is not None:
            print(f"Not yet: {problem}.")
            return False

        model_rmse = rmse(y, y_pred)
        persistence_rmse = rmse(y, persistence_forecast(x))
        bar = COSINE_MAX_RATIO * persistence_rmse
        measured = (
            f"your model's RMSE on {count} is {fmt(model_rmse)}; the persistence baseline is "
            f"{fmt(persistence_rmse)}"
        )
        problem = self.model_problem(the_model, handed_in="a function")
        silence = None
        if problem is None:
            probe = x[::8]
            change = self.answers_change(lambda: forecasts_of(predict, probe, "windows")[0], y_pred[::8], the_model)
            if change <= bar:
                layers = ", ".join(recurrent_layers(the_model))
                problem = (
                    f"your forecasts do not depend on the model's {layers}: with that layer's weights perturbed they "
                    f"move by at most {fmt(change)}, less than the bar, so they come from somewhere else"
                )
        if problem is None and model_rmse <= bar:
            silence = self.silence_test(
                lambda: rmse(y, forecasts_of(predict, x, count)[0]), model_rmse, persistence_rmse,
                the_model, metric="RMSE", baseline_name="persistence",
            )
            problem = silence.problem

        if model_rmse <= bar and problem is None:
            print(
                f"Correct: {measured}; the bar was {fmt(bar)} (a fifth of persistence). The forecasts come from "
                f"your {', '.join(recurrent_layers(the_model))}: {silence.summary('RMSE')}."
            )
            return True
        if model_rmse <= bar:
            print(
                f"Not yet: your forecasts are right (RMSE {fmt(model_rmse)} on {count}; persistence "
                f"{fmt(persistence_rmse)}, the bar {fmt(bar)}), but {problem}."
            )
            print(_ASKS_FOR)
            return False
        print(f"Not yet: {measured}; to pass, stay at or below {fmt(bar)} (a fifth of persistence).")
        print(
            "Check that you trained on cosine_wave(2000, dt=COSINE_DT): a model trained on lesson 21's "
            "sine (dt=0.1) has never seen steps of 0.3. The check feeds raw, unscaled windows; if you "
            "scaled your data, pass a function that scales the windows and un-scales the forecasts, "
            "with the model: cosine_exercise.check(forecast, model=cosine_model)."
        )
        if problem is not None:
            print(f"And {problem}.")
        return False


cosine_exercise = CosineExercise()
