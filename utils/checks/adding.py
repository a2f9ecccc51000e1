"""Exercise 34: a gated recurrent network learns the adding problem; the check draws its own sequences.

Why this module exists: it holds the check and the hints
of ``notebooks/34_exercise_adding_problem.ipynb``. The answer is the trained
Keras model, mapping sequences ``(batch, ADDING_TIMESTEPS, 2)`` to sums
``(batch, 1)``. The check generates fresh sequences from a seed that is not
in the notebook, measures the model's mean squared error on them next to the
error of always predicting the mean target, confirms that the model has a
recurrent layer, and confirms that the predictions depend on that layer: with
its weights perturbed they move, and with it silenced (its weights set to zero)
they fall most of the way back to the mean predictor's error. Before all that,
the shared :meth:`Exercise.check` refuses a model that is not built from Keras
layers alone (a ``Lambda`` layer, a class of the learner's own, arithmetic
between layers), which could compute the sum around the recurrent layer.
"""

from __future__ import annotations

import math

import numpy as np

from utils.checks.base import (
    RECURRENT_LAYERS,
    Exercise,
    describe,
    fmt,
    forecasts_of,
    is_keras_model,
    keras_input_shape,
    layer_names,
    perturbed_recurrent_weights,
    recurrent_layers,
)
from utils.datasets import adding_problem

__all__ = [
    "ADDING_MAX_RATIO",
    "ADDING_TIMESTEPS",
    "AddingExercise",
    "adding_exercise",
]

#: Every sequence of the exercise has this many steps.
ADDING_TIMESTEPS = 50
#: To pass, the model's MSE must be at most this share of the mean predictor's MSE.
ADDING_MAX_RATIO = 0.1
#: The check measures the model on this many sequences it generates when it runs.
ADDING_CHECK_SEQUENCES = 2000
#: The mean of every target: two values drawn uniformly from [0, 1] add up to 1 on average.
ADDING_MEAN_TARGET = 1.0
#: With the recurrent layers' weights perturbed, the predictions must move by at least this much (RMS).
ADDING_MIN_DEPENDENCE = 0.05
_CHECK_SEED = 5_772_156  # not shown in the notebook: the learner cannot train on the check's sequences


def _check_sequences() -> tuple[np.ndarray, np.ndarray]:
    """The check's own sequences, drawn from a seed the notebook does not show."""
    return adding_problem(ADDING_CHECK_SEQUENCES, ADDING_TIMESTEPS, seed=_CHECK_SEED)


def _predictions(model, x: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """The model's sums ``(n, 1)`` as float64, or what went wrong in a sentence."""
    return forecasts_of(lambda sequences: model.predict(sequences, verbose=0, batch_size=500), x,
                        f"{len(x):,} sequences", per="sequence", value="sum")


class AddingExercise(Exercise):
    """Exercise 34: train a recurrent network that solves the adding problem at ``ADDING_TIMESTEPS`` steps.

    The learner trains on ``adding_problem(n, ADDING_TIMESTEPS, seed)`` with
    seeds of their choice. The check generates ``ADDING_CHECK_SEQUENCES``
    sequences of its own and passes a model whose mean squared error there is
    at most ``ADDING_MAX_RATIO`` (a tenth) of the error of always predicting
    the mean target, 1. The model must contain a recurrent layer (LSTM, GRU
    or SimpleRNN, alone or wrapped), perturbing that layer's weights must
    move the predictions, and silencing it (weights set to zero) must take
    the error at least three quarters of the way back to the mean predictor's:
    the recurrent layer has to do the work.

    Used in ``notebooks/34_exercise_adding_problem.ipynb`` as :data:`adding_exercise`.

    Example:
        >>> adding_exercise.check(lambda x: x[:, :, 0].sum(axis=1))  # doctest: +ELLIPSIS
        Not yet: expected your trained Keras model, ...
        False
    """

    def __init__(self):
        super().__init__(
            name="adding_exercise",
            stem="34_exercise_adding_problem",
            expected=(
                "assign your trained Keras model (its input: sequences of shape "
                f"(batch, {ADDING_TIMESTEPS}, 2); its output: sums of shape (batch, 1))"
            ),
            usage="adding_exercise.check(adding_model)",
            hints=(
                ("Lesson 14 showed that a SimpleRNN stays at the 'always predict the mean' baseline on the "
                 "adding problem while an LSTM learns it, and lesson 33 put the GRU next to both. A gated layer "
                 "is what you need: keras.layers.GRU or keras.layers.LSTM. The check feeds your model "
                 f"sequences of ADDING_TIMESTEPS = {ADDING_TIMESTEPS} steps with 2 features (value, marker) "
                 "and wants one number per sequence, so end with Dense(1) and train on the mean squared error."),
                ("Make training and validation data with adding_problem(num_sequences, ADDING_TIMESTEPS, seed) "
                 "and two different seeds (a few thousand training sequences are enough). Build "
                 "keras.Input(shape=(ADDING_TIMESTEPS, 2)) -> keras.layers.GRU(16) -> keras.layers.Dense(1), "
                 "compile with keras.optimizers.Adam(0.01, clipnorm=1.0) and loss='mse', and fit with "
                 "validation data and EarlyStopping(restore_best_weights=True). The loss sits near the "
                 "baseline for several epochs before it drops: give it patience (10 epochs) or a fixed "
                 "number of epochs. Compare the validation MSE with a tenth of the baseline's before you call "
                 "the check."),
                ("A sketch that passes:\n\n"
                 "x_train, y_train = adding_problem(2000, ADDING_TIMESTEPS, seed=SEED)\n"
                 "x_val, y_val = adding_problem(500, ADDING_TIMESTEPS, seed=SEED + 1)\n"
                 "model = keras.Sequential([keras.Input(shape=(ADDING_TIMESTEPS, 2)), keras.layers.GRU(16),\n"
                 "                          keras.layers.Dense(1)])\n"
                 "model.compile(optimizer=keras.optimizers.Adam(0.01, clipnorm=1.0), loss='mse')\n"
                 "model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=20, batch_size=32,\n"
                 "          callbacks=[keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)],\n"
                 "          verbose=0)\n"
                 "adding_model = model"),
            ),
        )

    def _check(self, answer: object, model: object) -> bool:
        if not is_keras_model(answer):
            nudge = ""
            if type(answer).__name__ == "History":
                nudge = " model.fit(...) returns the History of the losses, not the model: pass the model itself."
            elif isinstance(answer, np.ndarray):
                nudge = " Pass the model itself, not its predictions: the check makes its own sequences."
            elif callable(answer):
                nudge = " This exercise wants the model itself, not a function: adding_exercise.check(adding_model)."
            print(
                f"Not yet: expected your trained Keras model, which maps sequences of shape "
                f"(batch, {ADDING_TIMESTEPS}, 2) to sums of shape (batch, 1); received {describe(answer)}.{nudge}"
            )
            return False
        if model is not None and model is not answer:
            print(
                "Not yet: you passed a model as the answer and another one as model=. Pass your trained model "
                "alone: adding_exercise.check(adding_model)."
            )
            return False

        input_shape = keras_input_shape(answer)
        if input_shape is not None and len(input_shape) == 3:
            steps, features = input_shape[1], input_shape[2]
            if steps is not None and steps != ADDING_TIMESTEPS:
                print(
                    f"Not yet: your model's input is fixed to {steps} steps (input shape {input_shape}), but this "
                    f"exercise's sequences have ADDING_TIMESTEPS = {ADDING_TIMESTEPS}. Build it with "
                    f"keras.Input(shape=(ADDING_TIMESTEPS, 2)) and train it on adding_problem(n, ADDING_TIMESTEPS, seed)."
                )
                return False
            if features is not None and features != 2:
                print(
                    f"Not yet: your model expects {features} features per step (input shape {input_shape}), but "
                    "each step of the adding problem has 2: the value and the marker. Build it with "
                    "keras.Input(shape=(ADDING_TIMESTEPS, 2))."
                )
                return False

        x, y = _check_sequences()
        count = f"{len(x):,} new sequences of {ADDING_TIMESTEPS} steps"
        y_pred, problem = _predictions(answer, x)
        if problem is not None:
            print(f"Not yet: {problem}.")
            return False
        y = y.astype(np.float64)
        model_mse = float(np.mean((y_pred - y) ** 2))
        mean_mse = float(np.mean((ADDING_MEAN_TARGET - y) ** 2))
        bar = ADDING_MAX_RATIO * mean_mse
        measured = (
            f"your model's MSE on {count} is {fmt(model_mse)}; always predicting the mean target "
            f"({ADDING_MEAN_TARGET:g}) scores {fmt(mean_mse)}, and the bar is a tenth of that, {fmt(bar)}"
        )

        problem = None
        found = recurrent_layers(answer)
        if not found:
            layers = ", ".join(layer_names(answer)) or "none"
            problem = (
                f"your model has no recurrent layer (its layers: {layers}). This exercise is about the recurrent "
                f"family: use {RECURRENT_LAYERS}"
            )
        else:
            probe = x[:500]
            with perturbed_recurrent_weights(answer):
                moved, _ = _predictions(answer, probe)
            change = math.inf if moved is None else float(np.sqrt(np.mean((moved - y_pred[:500]) ** 2)))
            if change < ADDING_MIN_DEPENDENCE:
                problem = (
                    f"your model's predictions do not depend on its {', '.join(found)}: with that layer's weights "
                    f"perturbed they move by {fmt(change)} (RMS), less than {ADDING_MIN_DEPENDENCE}, so another part "
                    "of the model does the work. Let the recurrent layer read the sequence and feed the output"
                )
        silence = None
        if problem is None and model_mse <= bar:
            silence = self.silence_test(
                lambda: np.mean((_predictions(answer, x)[0] - y) ** 2), model_mse, mean_mse, answer,
                metric="MSE", baseline_name=f"always predicting the mean ({ADDING_MEAN_TARGET:g})",
            )
            problem = silence.problem

        if model_mse <= bar and problem is None:
            print(
                f"Correct: {measured}. Your {', '.join(found)} keeps the marked values in memory to the end: "
                f"{silence.summary('MSE')}."
            )
            return True
        if model_mse <= bar:
            print(f"Not yet: your model is accurate ({measured}), but {problem}.")
            return False
        print(f"Not yet: {measured}.")
        if model_mse >= 0.8 * mean_mse:
            print(
                "Your model is no better than predicting the mean: it has not found the marked values. A "
                "SimpleRNN usually stays here (lesson 14); a GRU or an LSTM gets past it, often only after several "
                "epochs on the plateau, so train longer before you give up, and clip the gradients."
            )
        else:
            print(
                "It has learned part of the task. Train for more epochs (the error keeps falling after it leaves "
                "the plateau), or on more sequences; adding_exercise.hint() says more."
            )
        if problem is not None:
            print(f"And {problem}.")
        return False


adding_exercise = AddingExercise()
