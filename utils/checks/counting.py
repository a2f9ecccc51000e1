"""Exercise 23: count on, far beyond the training range, when the steps follow a pattern the network must remember.

Why this module exists: it holds the sequences, the check and the hints of
``notebooks/23_exercise_counting.ipynb``. The answer is a function
``predict_next(sequence) -> float`` together with the trained Keras model it
uses (``model=``). The sequences increase by steps that follow one of three
patterns (:data:`COUNTING_PATTERNS`): steps that alternate, steps that grow
by a fixed amount, and a step that changes once. The next step depends on
which pattern the sequence follows, so a network must read it from the
sequence: a constant, or "the last value plus the last step", does not do.
The check asks the function about sequences drawn when it runs (from a seed
that is not in the notebook), starting far outside any training range. It
confirms the model has a recurrent layer, that the answers change when that
layer's weights are perturbed, and that they lose their skill when it is
silenced (weights set to zero): one line of arithmetic per pattern continues
every sequence, so right answers alone do not show that a network learned
the patterns.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from utils.checks.base import Exercise, describe, is_keras_model, recurrent_layers

__all__ = [
    "COUNTING_CASES",
    "COUNTING_PATTERNS",
    "COUNTING_TOLERANCE",
    "CountingExercise",
    "counting_exercise",
    "counting_sequences",
]

#: The three ways the steps of a sequence can go on.
COUNTING_PATTERNS = ("alternating", "growing", "changing")
#: How many sequences the check asks about, drawn when it runs (a third of each pattern).
COUNTING_CASES = 30
#: A prediction counts as right within this distance of the true next number (every answer is a whole number).
COUNTING_TOLERANCE = 0.5
#: Sequences hold COUNTING_MIN_LENGTH to COUNTING_MAX_LENGTH numbers.
COUNTING_MIN_LENGTH, COUNTING_MAX_LENGTH = 5, 16
#: The check's sequences start anywhere in [COUNTING_START_LOW, COUNTING_START_HIGH).
COUNTING_START_LOW, COUNTING_START_HIGH = -1000, 20000
_CHECK_SEED = 1_414_213  # not shown in the notebook: the learner cannot tune to the check's sequences
#: With the model's weights perturbed, at least one of the first _PROBE_CASES answers must move by more than the tolerance.
_PROBE_CASES = 6

_ASKS_FOR = (
    "Why it matters: once you know the three patterns, one line of arithmetic each continues every sequence, so "
    "right answers alone prove nothing. The exercise asks for an LSTM that reads the steps, remembers the pattern "
    "and predicts the next step, so the check confirms that your answers come from its recurrent layer."
)


def _steps(rng: np.random.Generator, pattern: str, count: int) -> np.ndarray:
    """``count`` whole-number steps that follow ``pattern``, the step after them last."""
    if pattern == "alternating":
        a, b = rng.choice(np.arange(1, 10), size=2, replace=False)
        return np.where(np.arange(count) % 2 == 0, a, b)
    if pattern == "growing":
        first, growth = rng.integers(1, 7), rng.integers(1, 3)
        return first + growth * np.arange(count)
    before, after = rng.choice(np.arange(1, 10), size=2, replace=False)
    change = rng.integers(2, count - 2)  # at least two steps before the change, and two seen after it
    return np.where(np.arange(count) < change, before, after)


def counting_sequences(
    n: int,
    seed: int,
    *,
    start_low: int = 1,
    start_high: int = 100,
    min_length: int = COUNTING_MIN_LENGTH,
    max_length: int = COUNTING_MAX_LENGTH,
) -> tuple[list[np.ndarray], np.ndarray, list[str]]:
    """Increasing sequences whose steps follow a pattern, with the number that comes next.

    The patterns take turns (:data:`COUNTING_PATTERNS`): *alternating* steps
    a, b, a, b, … (two different steps from 1 to 9); *growing* steps s, s + g,
    s + 2g, … (s from 1 to 6, g 1 or 2); and a step that *changes* once, from
    one value from 1 to 9 to another, with at least two steps on each side of
    the change. Every number is whole.

    Args:
        n: How many sequences.
        seed: Seeds the draw.
        start_low: The smallest first number.
        start_high: One past the largest first number.
        min_length: The fewest numbers in a sequence (at least 5, so every pattern shows).
        max_length: The most numbers in a sequence.

    Returns:
        ``(sequences, answers, patterns)``: a list of 1-D float64 arrays, the next number of each
        (float64, shape ``(n,)``), and each sequence's pattern.

    Raises:
        ValueError: If ``n`` is not positive, the starts are an empty range, or the lengths are
            outside ``5 <= min_length <= max_length``.

    Example:
        >>> sequences, answers, patterns = counting_sequences(3, seed=1, min_length=7, max_length=7)
        >>> for sequence, answer, pattern in zip(sequences, answers, patterns):
        ...     print(f"{pattern:<12}", sequence.astype(int).tolist(), "->", int(answer))
        alternating  [47, 52, 59, 64, 71, 76, 83] -> 88
        growing      [4, 5, 8, 13, 20, 29, 40] -> 53
        changing     [94, 96, 98, 100, 103, 106, 109] -> 112
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive whole number of sequences; received n={n!r}.")
    if not start_low < start_high:
        raise ValueError(
            f"start_low must be below start_high; received start_low={start_low!r}, start_high={start_high!r}."
        )
    if not COUNTING_MIN_LENGTH <= min_length <= max_length:
        raise ValueError(
            f"lengths must satisfy {COUNTING_MIN_LENGTH} <= min_length <= max_length (a pattern needs at least "
            f"{COUNTING_MIN_LENGTH} numbers to show); received min_length={min_length!r}, max_length={max_length!r}."
        )
    rng = np.random.default_rng(seed)
    sequences, answers, patterns = [], [], []
    for index in range(n):
        pattern = COUNTING_PATTERNS[index % len(COUNTING_PATTERNS)]
        length = int(rng.integers(min_length, max_length + 1))
        start = int(rng.integers(start_low, start_high))
        numbers = start + np.concatenate([[0], np.cumsum(_steps(rng, pattern, length))])
        sequences.append(numbers[:-1].astype(np.float64))
        answers.append(float(numbers[-1]))
        patterns.append(pattern)
    return sequences, np.array(answers), patterns


def check_cases(seed: int = _CHECK_SEED) -> tuple[list[np.ndarray], np.ndarray, list[str]]:
    """The check's :data:`COUNTING_CASES` sequences: every pattern, 5 to 16 numbers, starting from -1000 to 20,000.

    Example:
        >>> sequences, answers, patterns = check_cases(seed=0)
        >>> len(sequences), sorted(set(patterns)) == sorted(COUNTING_PATTERNS)
        (30, True)
    """
    return counting_sequences(COUNTING_CASES, seed, start_low=COUNTING_START_LOW, start_high=COUNTING_START_HIGH)


def arithmetic_rule(sequence: np.ndarray) -> float:
    """The last value plus the last step: right for a step that stays, wrong for steps that alternate or grow.

    The check's baseline: what continues a sequence without remembering more than its last step.

    Example:
        >>> arithmetic_rule(np.array([1.0, 4.0, 6.0, 9.0, 11.0]))   # alternating 3, 2: the answer is 14
        13.0
    """
    return float(sequence[-1] + (sequence[-1] - sequence[-2]))


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
    pattern: str

    def __str__(self) -> str:
        after = f"after {_sequence_text(self.sequence)} (steps {self.pattern})"
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
    """Exercise 23: predict the next number of a sequence whose steps follow a pattern, far beyond the training range.

    The answer is a function ``predict_next(sequence) -> float``, where
    ``sequence`` is a 1-D NumPy array of increasing whole numbers whose steps
    follow one of :data:`COUNTING_PATTERNS` (see :func:`counting_sequences`),
    and ``model=``, the trained Keras model it uses. The check asks the
    function about :data:`COUNTING_CASES` sequences drawn when it runs (5 to
    16 numbers, starting from -1000 to 20,000) and wants every prediction
    within :data:`COUNTING_TOLERANCE` of the true next number. The model must
    have a recurrent layer; perturbing that layer's weights must change at
    least one answer by more than the tolerance; and with the layer silenced
    (weights set to zero) the answers must lose at least three quarters of
    their lead over :func:`arithmetic_rule`. A function that raises or returns
    something other than a number fails that case; the check itself never
    raises.

    Used in ``notebooks/23_exercise_counting.ipynb`` as :data:`counting_exercise`.

    Example:
        >>> def by_the_rules(s):  # the three patterns written out: right, but no network
        ...     d = np.diff(s)
        ...     if d[-1] == d[-2]:
        ...         return s[-1] + d[-1]
        ...     return s[-1] + (d[-2] if d[-1] == d[-3] else 2 * d[-1] - d[-2])
        >>> counting_exercise.check(by_the_rules)  # doctest: +ELLIPSIS
        Not yet: your predict_next is right on all 30 sequences, ... but you handed in a function without the model it uses...
        Why it matters: ...
        False
        >>> counting_exercise.check(arithmetic_rule)  # doctest: +ELLIPSIS
        Not yet: 10 of 30 sequences right; ...
        You continued every sequence by its last step...
        False
    """

    def __init__(self):
        super().__init__(
            name="counting_exercise",
            stem="23_exercise_counting",
            expected=(
                "assign your function predict_next(sequence) -> float (it gets a 1-D NumPy array of increasing "
                "numbers whose steps follow a pattern and returns the next number) and the trained model it uses"
            ),
            usage="counting_exercise.check(predict_next, model=counting_model)",
            hints=(
                ("Two things are needed. First, what the network sees: fed raw numbers it cannot answer beyond "
                 "the range it was trained on (its Dense output reads h_t, which lies between -1 and 1, so its output "
                 "is bounded, and its activations saturate), so feed "
                 "it something that looks the same wherever a sequence starts: the steps np.diff(sequence), "
                 "divided by their largest, and turn its output back into a number outside the network. Second, "
                 "pattern: the next step depends on whether the steps alternate, grow or changed once, which the "
                 "LSTM must tell apart from the last few steps it has read."),
                ("Make training data with counting_sequences(6000, seed=...) (any seed: the check draws its own "
                 "sequences): sequences starting from 1 to 99 and the number after each. For each, the input is its "
                 "steps divided by their largest absolute value, padded at the end with zeros to 15 steps "
                 "(keras.utils.pad_sequences(..., padding='post', dtype='float32'); every step is at least 1, so 0 "
                 "never stands for a real step) and shaped (batch, 15, 1); the "
                 "target is the next step divided by the same scale. Train keras.Input(shape=(None, 1)) -> "
                 "Masking(mask_value=0.0) -> LSTM(32) -> Dense(1) with keras.optimizers.Adam(learning_rate=0.01) on "
                 "the mean squared error for about 40 epochs (the default learning rate is too slow here), then "
                 "predict_next returns sequence[-1] + prediction * scale."),
                ("A sketch:\n\n"
                 "def relative_steps(sequences):\n"
                 "    steps = [np.diff(np.asarray(s, dtype='float64')) for s in sequences]\n"
                 "    scales = np.array([np.abs(d).max() for d in steps])\n"
                 "    x = keras.utils.pad_sequences([d / c for d, c in zip(steps, scales)], maxlen=15,\n"
                 "                                  dtype='float32', padding='post', value=0.0)\n"
                 "    return x[..., None], scales\n\n"
                 "def predict_next(sequence):\n"
                 "    x, scales = relative_steps([sequence])\n"
                 "    return float(sequence[-1] + counting_model.predict(x, verbose=0)[0, 0] * scales[0])\n\n"
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
        sequences, truths, patterns = check_cases()
        answers = [_ask(answer, sequence) for sequence in sequences]
        failures = [
            _CountingFailure(sequence, truth, prediction, problem, pattern)
            for sequence, truth, pattern, (prediction, problem) in zip(sequences, truths, patterns, answers)
            if problem is not None or not abs(prediction - truth) <= COUNTING_TOLERANCE
        ]
        total = len(sequences)
        right = total - len(failures)
        baseline = _right(truths, [arithmetic_rule(sequence) for sequence in sequences])

        problem = self.model_problem(model, handed_in="a function")
        silence = None
        if problem is None:
            probe = [(i, sequences[i]) for i in range(_PROBE_CASES) if answers[i][0] is not None]
            if probe:
                before = np.array([answers[i][0] for i, _ in probe])
                change = self.answers_change(lambda: [_ask(answer, seq)[0] for _, seq in probe], before, model)
                if change <= COUNTING_TOLERANCE:
                    problem = (
                        f"your answers do not come from the model's {', '.join(recurrent_layers(model))}: with that "
                        f"layer's weights perturbed no answer moves by more than {_number(change)}, so they come "
                        "from somewhere else"
                    )
        if problem is None and not failures:
            silence = self.silence_test(
                lambda: _right(truths, [_ask(answer, sequence)[0] for sequence in sequences]), right, baseline,
                model, metric="", baseline_name="the last value plus the last step",
                higher_is_better=True, formatter=lambda count: f"{count:.0f} of {total} right",
            )
            problem = silence.problem

        covered = (
            f"sequences of {min(map(len, sequences))} to {max(map(len, sequences))} numbers whose steps alternate, "
            f"grow or change once, starting anywhere from {_number(min(s[0] for s in sequences))} to "
            f"{_number(max(s[0] for s in sequences))}"
        )
        if not failures and problem is None:
            print(
                f"Correct: all {total} sequences right, each within ±{COUNTING_TOLERANCE} of the true next number, "
                f"on {covered}. The last value plus the last step gets {baseline} of them. The answers come from "
                f"your model's {', '.join(recurrent_layers(model))}: "
                f"{silence.summary('', lambda count: f'{count:.0f} of {total} right')}."
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
            f"Not yet: {right} of {total} sequences right; each prediction must be within ±{COUNTING_TOLERANCE} of "
            "the true next number. For example:"
        )
        for failure in failures[:3]:
            print(f"  {failure}")
        if len(failures) > 3:
            print(f"  (and {len(failures) - 3} more)")
        numeric = [f for f in failures if f.prediction is not None and math.isfinite(f.prediction)]
        by_pattern = {p: sum(f.pattern == p for f in failures) for p in COUNTING_PATTERNS}
        if numeric and all(abs(f.prediction - f.sequence[-1]) <= 1e-9 * max(1.0, abs(f.truth)) for f in numeric):
            print(
                "You predicted the last number itself (persistence); the next number is one step further, and "
                "the step follows the sequence's pattern."
            )
        elif numeric and all(abs(f.prediction - arithmetic_rule(f.sequence)) <= COUNTING_TOLERANCE for f in numeric):
            print(
                "You continued every sequence by its last step. That is right only when the step stays the same; "
                "here steps alternate (a, b, a, b: the next is a) or grow (by the same amount each time), and "
                "the network must pick the pattern up from the steps it has read."
            )
        elif any(abs(f.prediction - f.truth) > 10 * abs(f.sequence[-1] - f.sequence[-2]) for f in numeric):
            print(
                "Some predictions are far from the sequence they follow. A network fed raw numbers only outputs "
                "values in the range it was trained on: its output layer reads the LSTM's h_t, which lies between -1 "
                "and 1, so its output is bounded, and its activations saturate, so it cannot extrapolate to numbers "
                "it never saw. Feed it something that looks the same wherever "
                "a sequence starts (its steps, scaled); counting_exercise.hint() says more."
            )
        else:
            most = max(by_pattern.values())
            worst = [p for p, k in by_pattern.items() if k == most]
            where = (
                f"The {worst[0]} sequences are where your model errs most"
                if len(worst) == 1
                else f"Your model errs as often on {' and '.join(worst)} sequences"
            )
            print(
                f"Misses by pattern: {', '.join(f'{p} {k}' for p, k in by_pattern.items())} (of {total // 3} each). "
                f"{where}: train longer (a learning rate of 0.01 with Adam helps here), on more sequences, or with "
                "more units, and make sure it sees sequences of every length from 5 to 16 numbers."
            )
        if problem is not None:
            print(f"And {problem}.")
        return False


def _right(truths: np.ndarray, predictions: list[float | None]) -> int:
    """How many predictions are within the tolerance of their truth (None counts as wrong)."""
    return sum(p is not None and abs(p - t) <= COUNTING_TOLERANCE for p, t in zip(predictions, truths))


counting_exercise = CountingExercise()
