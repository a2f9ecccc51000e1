"""Exercise 23: count on, far beyond the training range, with a network doing the counting.

Why this module exists: it holds the check and hints of
``notebooks/23_exercise_counting.ipynb``. The answer is a function
``predict_next(sequence) -> float`` together with the trained Keras model it
uses (``model=``). The check asks the function about arithmetic sequences
drawn when it runs (from a seed that is not in the notebook), far outside any
training range, confirms the model has a recurrent layer, and confirms the
answers change when the model's weights are perturbed: continuing a sequence
is one line of arithmetic, so right answers alone do not show that a network
learned to extrapolate.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from utils.checks.base import Exercise, describe, is_keras_model, recurrent_layers

__all__ = ["COUNTING_CASES", "COUNTING_STEPS", "COUNTING_TOLERANCE", "CountingExercise", "counting_exercise"]

#: How many sequences the check asks about, drawn when it runs.
COUNTING_CASES = 20
#: The steps the check's sequences use.
COUNTING_STEPS = (1.0, 1.5, 2.0, 3.0, 7.0, 25.0)
#: A prediction counts as right within this distance of the true next number.
COUNTING_TOLERANCE = 0.5
#: Starts are drawn from [COUNTING_START_LOW, COUNTING_START_HIGH); lengths from 3 to 30 numbers.
COUNTING_START_LOW, COUNTING_START_HIGH = -1000.0, 20000.0
COUNTING_MIN_LENGTH, COUNTING_MAX_LENGTH = 3, 30
_CHECK_SEED = 1_414_213  # not shown in the notebook: the learner cannot tune to the check's sequences
#: With the model's weights perturbed, at least one answer must move by more than the tolerance.
_PROBE_CASES = 6

_ASKS_FOR = (
    "Why it matters: continuing an arithmetic sequence takes one line of arithmetic (the last value plus the "
    "last step), so right answers alone prove nothing. The exercise asks for an LSTM that makes the prediction, "
    "because its point is making a network extrapolate far beyond the numbers it was trained on."
)


def check_cases(seed: int = _CHECK_SEED) -> list[tuple[float, float, int]]:
    """The check's sequences as ``(start, step, length)``: ``start + step * arange(length)``, answer ``start + step * length``.

    Drawn from ``seed``: starts in [-1000, 20000) to the nearest 0.5, steps
    from :data:`COUNTING_STEPS`, lengths from 3 to 30 (the first case has 3
    numbers, the second 30).

    Example:
        >>> cases = check_cases(seed=0)
        >>> len(cases), cases[0][2], cases[1][2]
        (20, 3, 30)
    """
    rng = np.random.default_rng(seed)
    starts = np.round(rng.uniform(COUNTING_START_LOW, COUNTING_START_HIGH, COUNTING_CASES) * 2) / 2
    steps = rng.choice(COUNTING_STEPS, COUNTING_CASES)
    lengths = rng.integers(COUNTING_MIN_LENGTH, COUNTING_MAX_LENGTH + 1, COUNTING_CASES)
    lengths[:2] = COUNTING_MIN_LENGTH, COUNTING_MAX_LENGTH
    return [(float(a), float(d), int(n)) for a, d, n in zip(starts, steps, lengths)]


def _number(value: float) -> str:
    """1003 for whole numbers, 101.3 or 12345.5 otherwise, 1e+30 for huge ones, nan as nan."""
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1e9:
        return f"{value:.4g}"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _sequence_text(sequence: np.ndarray) -> str:
    values = [_number(v) for v in sequence]
    if len(values) > 5:
        values = [*values[:3], "...", values[-1]]
    return "[" + ", ".join(values) + "]"


def _as_prediction(raw: object) -> tuple[float | None, str | None]:
    """The prediction as a float, or None and what is wrong with it."""
    if raw is None:
        return None, "your function returned None (is its return statement missing?)"
    if isinstance(raw, (bool, np.bool_)):
        return None, f"your function returned {raw!r}, not a number"
    if isinstance(raw, (str, bytes)):
        return None, f"your function returned the string {raw!r}, not a number"
    try:
        array = np.asarray(raw)
    except Exception:
        array = None
    if array is None or array.dtype.kind not in "iuf" or array.size != 1:
        return None, (
            f"your function returned {describe(raw)}; expected one number (a float, an int, a NumPy "
            "scalar or an array holding one value)"
        )
    return float(array.reshape(())), None


class _CountingFailure(NamedTuple):
    sequence: np.ndarray
    truth: float
    prediction: float | None
    problem: str | None

    def __str__(self) -> str:
        after = f"after {_sequence_text(self.sequence)}"
        if self.problem is not None:
            return f"{after} {self.problem}; the answer is {_number(self.truth)}"
        return f"{after} you predicted {_number(self.prediction)}, the answer is {_number(self.truth)}"


def _ask(function: object, sequence: np.ndarray) -> tuple[float | None, str | None]:
    """The function's prediction for one sequence (a copy, so it cannot change the case), or what went wrong."""
    try:
        raw = function(sequence.copy())
    except Exception as error:  # the learner's function: report, never crash the check
        return None, f"your function raised {type(error).__name__}: {error}"
    return _as_prediction(raw)


class CountingExercise(Exercise):
    """Exercise 23: predict the next number of any arithmetic sequence with a network, far beyond the training range.

    The answer is a function ``predict_next(sequence) -> float``, where
    ``sequence`` is a 1-D NumPy array of increasing, evenly spaced numbers,
    and ``model=``, the trained Keras model it uses. The check asks the
    function about :data:`COUNTING_CASES` sequences drawn when it runs
    (3 to 30 numbers, steps from :data:`COUNTING_STEPS`, starts from -1000 to
    20,000) and wants every prediction within :data:`COUNTING_TOLERANCE` of
    the true next number. The model must have a recurrent layer, and
    perturbing its weights must change at least one answer by more than the
    tolerance. A function that raises or returns something other than a
    number fails that case; the check itself never raises.

    Used in ``notebooks/23_exercise_counting.ipynb`` as :data:`counting_exercise`.

    Example:
        >>> counting_exercise.check(lambda s: s[-1] + (s[-1] - s[-2]))  # doctest: +ELLIPSIS
        Not yet: your predict_next is right on all 20 sequences, ... but you handed in a function without the model it uses...
        Why it matters: continuing an arithmetic sequence takes one line of arithmetic...
        False
        >>> counting_exercise.check(lambda s: s[-1])  # doctest: +ELLIPSIS
        Not yet: 0 of 20 sequences right; ...
        You predicted the last number itself (persistence)...
        False
    """

    def __init__(self):
        super().__init__(
            name="counting_exercise",
            stem="23_exercise_counting",
            expected=(
                "assign your function predict_next(sequence) -> float (it gets a 1-D NumPy array of "
                "evenly spaced numbers and returns the next one) and the trained model it uses"
            ),
            usage="counting_exercise.check(predict_next, model=counting_model)",
            hints=(
                ("A network only outputs values in the range it was trained on: an LSTM's output h_t lies "
                 "between -1 and 1, so Dense(1) on top of it cannot output more than the sum of its absolute "
                 "weights plus its bias, and its tanh and sigmoid activations flatten out for big inputs. A "
                 "model that has seen numbers up to 100 cannot answer 12346 after 12345. Rather than more "
                 "training, you need an input that looks the same for every arithmetic sequence, wherever "
                 "it starts and however big its step is."),
                ("Feed the network something that does not depend on where the sequence starts or how "
                 "big its step is: the differences np.diff(sequence), or the window minus its last value "
                 "divided by its step. Then turn its output back into a number: the last value plus the "
                 "predicted difference (times the step, if you divided by it). Build the model with "
                 "keras.Input(shape=(None, 1)) so it takes sequences of any length, and pass it to the "
                 "check with model=counting_model."),
                ("A sketch, with counting_model trained on the scaled differences of short and long sequences "
                 "(the check asks about 3 to 30 numbers):\n\n"
                 "def predict_next(sequence):\n"
                 "    sequence = np.asarray(sequence, dtype='float64')\n"
                 "    diffs = np.diff(sequence)\n"
                 "    scale = np.abs(diffs).max() or 1.0\n"
                 "    next_diff = counting_model.predict((diffs / scale)[np.newaxis, :, np.newaxis], verbose=0)[0, 0]\n"
                 "    return float(sequence[-1] + next_diff * scale)\n\n"
                 "counting_exercise.check(predict_next, model=counting_model)"),
            ),
        )

    def _check(self, answer: object, model: object) -> bool:
        if is_keras_model(answer):
            print(
                "Not yet: you passed a Keras model as the answer; this exercise wants your function "
                "predict_next(sequence) -> float, which calls the model, with the model beside it: "
                "counting_exercise.check(predict_next, model=counting_model)."
            )
            return False
        if not callable(answer):
            print(
                f"Not yet: expected a function predict_next(sequence) -> float; received {describe(answer)}. "
                "Define it with def predict_next(sequence): ... (it calls your model inside) and pass the "
                "function itself, without (), with the model: "
                "counting_exercise.check(predict_next, model=counting_model)."
            )
            return False
        cases = check_cases()
        failures: list[_CountingFailure] = []
        answers: list[float | None] = []
        for start, step, length in cases:
            sequence = start + step * np.arange(length, dtype=np.float64)
            truth = start + step * length
            prediction, problem = _ask(answer, sequence)
            answers.append(prediction)
            if problem is not None or not abs(prediction - truth) <= COUNTING_TOLERANCE:
                failures.append(_CountingFailure(sequence, truth, prediction, problem))

        problem = self.model_problem(model, handed_in="a function")
        if problem is None:
            probe = [(i, start + step * np.arange(length, dtype=np.float64))
                     for i, (start, step, length) in enumerate(cases[:_PROBE_CASES]) if answers[i] is not None]
            if probe:
                before = np.array([answers[i] for i, _ in probe])
                change = self.answers_change(lambda: [_ask(answer, seq)[0] for _, seq in probe], before, model)
                if change <= COUNTING_TOLERANCE:
                    problem = (
                        "your function does not use that model: with the model's weights perturbed no answer "
                        f"moves by more than {_number(change)}, so the answers come from somewhere else"
                    )

        total = len(cases)
        lengths = [n for _, _, n in cases]
        starts = [a for a, _, _ in cases]
        steps = sorted({d for _, d, _ in cases})
        covered = (
            f"sequences of {min(lengths)} to {max(lengths)} numbers with steps from {_number(steps[0])} to "
            f"{_number(steps[-1])}, starting anywhere from {_number(min(starts))} to {_number(max(starts))}"
        )
        if not failures and problem is None:
            print(
                f"Correct: all {total} sequences right, each within ±{COUNTING_TOLERANCE} of the true next "
                f"number, on {covered}; and the answers come from your model's {', '.join(recurrent_layers(model))}."
            )
            return True
        if not failures:
            print(
                f"Not yet: your predict_next is right on all {total} sequences, each within "
                f"±{COUNTING_TOLERANCE} ({covered}), but {problem}."
            )
            print(_ASKS_FOR)
            return False

        print(
            f"Not yet: {total - len(failures)} of {total} sequences right; each prediction must be within "
            f"±{COUNTING_TOLERANCE} of the true next number. For example:"
        )
        for failure in failures[:3]:
            print(f"  {failure}")
        if len(failures) > 3:
            print(f"  (and {len(failures) - 3} more)")
        numeric = [f for f in failures if f.prediction is not None and math.isfinite(f.prediction)]
        steps_of = [f.sequence[1] - f.sequence[0] for f in numeric]
        if numeric and all(abs(f.prediction - f.sequence[-1]) <= 1e-9 * max(1.0, abs(f.truth)) for f in numeric):
            print(
                "You predicted the last number itself (persistence); the next number is one step "
                "further: the last value plus the step between two numbers."
            )
        elif any(abs(f.prediction - f.truth) > 10 * step for f, step in zip(numeric, steps_of)):
            print(
                "Some predictions are far from the sequence they follow. A network fed raw numbers only "
                "outputs values in the range it was trained on: its output layer is bounded and its "
                "activations saturate, so it cannot extrapolate to numbers it never saw. Feed it something "
                "that looks the same for every arithmetic sequence (the differences); "
                "counting_exercise.hint() says more."
            )
        if problem is not None:
            print(f"And {problem}.")
        return False


counting_exercise = CountingExercise()
