"""Checks, hints and solutions for the exercise notebooks, and the parser their build tool uses.

Why this module exists: an exercise teaches only if the learner finds out
whether the answer is right and, when it is not, what exactly is wrong. Each
exercise notebook gets one object here that it imports::

    from utils.checks import COSINE_DT, COSINE_WINDOW, cosine_exercise

    cosine_exercise.check(cosine_model)  # prints what it measured and the bar; True or False
    cosine_exercise.hint()               # the next hint, stronger each time (three in all)
    cosine_exercise.solution()           # the reference solution, read from the solved notebook

The objects are :data:`cosine_exercise` (``notebooks/22_exercise_cosine_wave.ipynb``),
:data:`tuning_exercise` (``notebooks/25_exercise_tuning.ipynb``) and
:data:`counting_exercise` (``notebooks/23_exercise_counting.ipynb``). Every
check evaluates the answer on data the learner has not seen, never raises on
an answer (a starter left at ``None`` or ``...``, the wrong type, a model that
crashes), and says what it received, what it expected and how far off it is.

The solved notebook ``solutions/<name>_solutions.ipynb`` is the single source
of each exercise. Its code cells mark the reference code::

    # STARTER: cosine_model = None  # assign your trained model
    ### BEGIN SOLUTION
    cosine_model = train_cosine_model()
    ### END SOLUTION
    cosine_exercise.check(cosine_model)

:func:`make_exercise_notebook` turns it into the learner's notebook (the
block removed, the ``# STARTER:`` line made code) and :func:`solution_code`
reads the blocks back for ``.solution()``; ``tools/make_exercises.py`` writes
the learner's notebooks with the former. Both use one parser, so the
notebook a learner sees and the solution they are shown cannot disagree.

Importing this module does not import TensorFlow: the checks only call the
model they are given.
"""

from __future__ import annotations

import copy
import inspect
import math
import numbers
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from utils.baselines import persistence_forecast, rmse
from utils.datasets import (
    Split,
    chronological_split,
    cosine_wave,
    make_windows,
    sine_wave,
)

__all__ = [
    "BEGIN_SOLUTION",
    "COSINE_DT",
    "COSINE_MAX_RATIO",
    "COSINE_WINDOW",
    "COUNTING_CASES",
    "COUNTING_TOLERANCE",
    "END_SOLUTION",
    "SOLUTION_TAG",
    "STARTER_PREFIX",
    "TUNING_DEFAULT_WINDOW",
    "TUNING_HYPERPARAMETERS",
    "TUNING_MIN_TRIALS",
    "Exercise",
    "cosine_exercise",
    "counting_exercise",
    "make_exercise_notebook",
    "solution_code",
    "tuning_exercise",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Where ``.solution()`` looks for ``<stem>_solutions.ipynb`` (read at call time, so tests can move it).
SOLUTIONS_DIR = REPO_ROOT / "solutions"


# --- Solved notebook -> exercise notebook --------------------------------------------------

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
STARTER_PREFIX = "# STARTER:"
SOLUTION_TAG = "solution"

_STARTER_LINE = re.compile(r"^(?P<indent>[ \t]*)# STARTER:(?: (?P<code>.*))?$")
# Lines that were probably meant as markers ("#### BEGIN SOLUTION", "# END SOLUTION ",
# "#STARTER: x"). Left as they are they would leak solution code into the learner's
# notebook or leave a stray comment there, so they are errors.
_NEAR_MARKER = re.compile(r"^\s*#+\s*(BEGIN|END)[ _]+SOLUTION", re.IGNORECASE)
_NEAR_STARTER = re.compile(r"^\s*#+\s*STARTER\b", re.IGNORECASE)


class _ParsedCell(NamedTuple):
    exercise_source: str
    solution_blocks: list[str]
    starter_lines: int


def _parse_cell(source: str, where: str) -> _ParsedCell:
    """Split one code cell's source into the learner's version and its solution blocks."""
    exercise_lines: list[str] = []
    blocks: list[str] = []
    block: list[str] | None = None
    block_start = 0
    starters = 0
    for number, line in enumerate(source.split("\n"), start=1):
        marker = line.strip()
        if marker == BEGIN_SOLUTION:
            if block is not None:
                raise ValueError(
                    f"{where}: line {number} opens a '{BEGIN_SOLUTION}' block inside the block opened "
                    f"on line {block_start}; blocks cannot be nested. Close the first one with "
                    f"'{END_SOLUTION}' before opening the next."
                )
            block, block_start = [], number
        elif marker == END_SOLUTION:
            if block is None:
                raise ValueError(
                    f"{where}: line {number} has '{END_SOLUTION}' without a '{BEGIN_SOLUTION}' "
                    "before it. Every block starts with a BEGIN line and ends with an END line."
                )
            blocks.append("\n".join(block))
            block = None
        elif _NEAR_MARKER.match(line):
            raise ValueError(
                f"{where}: line {number} looks like a solution marker but is not one: {line.strip()!r}. "
                f"A marker is a line holding exactly '{BEGIN_SOLUTION}' or '{END_SOLUTION}' "
                "(indentation allowed)."
            )
        elif block is not None:
            block.append(line)
        elif match := _STARTER_LINE.match(line):
            starters += 1
            exercise_lines.append(match["indent"] + match["code"] if match["code"] else "")
        elif _NEAR_STARTER.match(line):
            raise ValueError(
                f"{where}: line {number} looks like a starter line but is not one: {line.strip()!r}. "
                f"A starter line is '{STARTER_PREFIX} <code>' (indentation allowed), e.g. "
                "'# STARTER: cosine_model = None'."
            )
        else:
            exercise_lines.append(line)
    if block is not None:
        raise ValueError(
            f"{where}: the '{BEGIN_SOLUTION}' on line {block_start} is never closed; add a line "
            f"'{END_SOLUTION}' after the solution code."
        )
    return _ParsedCell("\n".join(exercise_lines), blocks, starters)


def _is_tagged_solution(cell: Any) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def make_exercise_notebook(nb: Any, name: str = "notebook") -> Any:
    """Make the learner's exercise notebook from a solved notebook.

    The rules, applied to a copy (``nb`` itself is not changed):

    * in a code cell, every block from a line ``### BEGIN SOLUTION`` to a
      line ``### END SOLUTION`` (both included, any indentation) is removed;
    * a line ``# STARTER: <code>`` outside the blocks becomes ``<code>``,
      with the line's indentation kept;
    * a cell whose metadata ``tags`` contain ``"solution"`` is dropped;
    * everything else is kept as it is (cell ids, cell and notebook metadata
      such as the kernelspec and ``course.budget``), except that code cells
      lose their outputs and execution counts.

    ``tools/make_exercises.py`` writes the result to ``notebooks/``.

    Args:
        nb: A solved notebook (nbformat 4), as ``nbformat.read(path, as_version=4)``
            returns it.
        name: What to call the notebook in error messages, e.g. its path.

    Returns:
        The exercise notebook, a new ``NotebookNode``.

    Raises:
        ValueError: If a cell has a solution block but no ``# STARTER:`` line
            (the learner would get no line to fill in), or if its markers
            are unbalanced, nested or misspelt. The message names the
            notebook and the cell's index in ``nb.cells`` (counting from 0).

    Example:
        >>> from nbformat.v4 import new_code_cell, new_notebook
        >>> solved = new_notebook(cells=[new_code_cell(
        ...     "# STARTER: answer = None  # your answer\\n"
        ...     "### BEGIN SOLUTION\\n"
        ...     "answer = 42\\n"
        ...     "### END SOLUTION\\n"
        ...     "print(answer)", id="ask")])
        >>> print(make_exercise_notebook(solved).cells[0].source)
        answer = None  # your answer
        print(answer)
    """
    exercise = copy.deepcopy(nb)
    exercise.cells = []
    for index, cell in enumerate(nb.cells):
        if _is_tagged_solution(cell):
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            parsed = _parse_cell(cell.source, f"{name}, cell index {index}")
            if parsed.solution_blocks and not parsed.starter_lines:
                raise ValueError(
                    f"{name}, cell index {index}: the cell has a solution block but no "
                    f"'{STARTER_PREFIX} <code>' line, so the learner's notebook would have nothing to "
                    f"fill in. Add one above the block, e.g. '{STARTER_PREFIX} answer = None  # your answer'."
                )
            cell.source = parsed.exercise_source
            cell.outputs = []
            cell.execution_count = None
        exercise.cells.append(cell)
    return exercise


def solution_code(path: str | Path) -> list[str]:
    """Read the reference code of each solution cell of a solved notebook.

    A solution cell is a code cell with ``### BEGIN SOLUTION`` blocks (its
    blocks, joined by a blank line, without the marker lines) or a code cell
    tagged ``"solution"`` (its whole source). ``.solution()`` of each exercise
    prints these.

    Args:
        path: The solved notebook, e.g. ``solutions/22_exercise_cosine_wave_solutions.ipynb``.

    Returns:
        The code of each solution cell, in notebook order.

    Raises:
        FileNotFoundError: If there is no file at ``path``.
        ValueError: If a cell's markers are unbalanced, nested or misspelt.

    Example:
        >>> import tempfile
        >>> import nbformat
        >>> from nbformat.v4 import new_code_cell, new_notebook
        >>> solved = new_notebook(cells=[new_code_cell(
        ...     "# STARTER: answer = None\\n### BEGIN SOLUTION\\nanswer = 42\\n### END SOLUTION", id="ask")])
        >>> path = Path(tempfile.mkdtemp()) / "99_example_solutions.ipynb"
        >>> nbformat.write(solved, path)
        >>> solution_code(path)
        ['answer = 42']
    """
    import nbformat  # only the maintainer's tool and .solution() need it

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no solved notebook at {path}")
    nb = nbformat.read(path, as_version=4)
    code = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if _is_tagged_solution(cell):
            code.append(cell.source)
            continue
        blocks = _parse_cell(cell.source, f"{path.name}, cell index {index}").solution_blocks
        if blocks:
            code.append("\n\n".join(blocks))
    return code


# --- The shared part of every exercise ------------------------------------------------------


def _describe(value: object) -> str:
    """A short description of what the learner passed, for messages."""
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape} (dtype {value.dtype})"
    if isinstance(value, pd.DataFrame):
        return f"a DataFrame of shape {value.shape}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _fmt(value: float) -> str:
    """An error or RMSE with three significant digits: 0.0423, 0.211, 1.5e-05."""
    return f"{value:.3g}"


class Exercise:
    """One exercise: ``check(answer)``, ``hint()`` and ``solution()``.

    The shared behaviour of the three exercise objects: answers left at
    ``None`` or ``...`` are reported as not attempted (never an error),
    each ``hint()`` call gives the next, stronger hint, and ``solution()``
    prints the reference code from the solved notebook. A subclass sets the
    hints and implements ``_check``.

    Args:
        name: The object's name in the notebooks, used in messages
            (``"cosine_exercise"``).
        stem: The exercise notebook's name without ``.ipynb``
            (``"22_exercise_cosine_wave"``); the solved notebook is
            ``solutions/<stem>_solutions.ipynb``.
        expected: What the learner should assign, for the "Not attempted
            yet" message.
        hints: The hints, weakest first.
    """

    def __init__(self, name: str, stem: str, expected: str, hints: Sequence[str]):
        if not hints:
            raise ValueError(f"an exercise needs at least one hint; received hints={hints!r}.")
        self.name = name
        self.stem = stem
        self.expected = expected
        self.hints = tuple(hints)
        self._hints_given = 0

    def __repr__(self) -> str:
        return f"<{self.name}: .check(answer), .hint(), .solution()>"

    @property
    def solutions_path(self) -> Path:
        """The solved notebook that ``solution()`` reads."""
        return SOLUTIONS_DIR / f"{self.stem}_solutions.ipynb"

    def check(self, answer: object) -> bool:
        """Check ``answer``, print what was measured and the bar, and return whether it passes.

        An answer left at ``None`` or ``...`` is reported as not attempted
        yet; an answer of the wrong type is reported too. Neither raises.

        Args:
            answer: The learner's answer; each exercise says what it expects.

        Returns:
            ``True`` if the answer passes, ``False`` otherwise.
        """
        if answer is None or answer is Ellipsis:
            placeholder = "None" if answer is None else "..."
            print(f"Not attempted yet: {self.expected} in place of the {placeholder}, then run this cell again.")
            return False
        return bool(self._check(answer))

    def _check(self, answer: object) -> bool:  # pragma: no cover - every exercise overrides it
        raise NotImplementedError

    def hint(self) -> None:
        """Print the next hint; each call gives a stronger one, and the last one repeats.

        Example:
            >>> exercise = CountingExercise()  # a fresh copy of counting_exercise, no hints given yet
            >>> exercise.hint()  # doctest: +ELLIPSIS
            Hint 1 of 3: A network only outputs values in the range it was trained on...
            (Still stuck? Run counting_exercise.hint() again for a stronger hint.)
        """
        total = len(self.hints)
        if self._hints_given < total:
            self._hints_given += 1
            number = self._hints_given
            print(f"Hint {number} of {total}: {self.hints[number - 1]}")
            if number < total:
                print(f"(Still stuck? Run {self.name}.hint() again for a stronger hint.)")
            else:
                gap = "\n" if "\n" in self.hints[-1] else ""  # a blank line after a code sketch
                print(
                    f"{gap}That was the last hint. If you are still stuck, {self.name}.solution() shows the "
                    "reference solution."
                )
        else:
            print(f"Hint {total} of {total} (again): {self.hints[-1]}")
            gap = "\n" if "\n" in self.hints[-1] else ""
            print(f"{gap}There are no more hints. {self.name}.solution() shows the reference solution.")

    def solution(self) -> None:
        """Print the reference solution code from the solved notebook.

        Prints a clear message instead when the solved notebook is missing.
        """
        path = self.solutions_path
        shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        if not path.is_file():
            print(
                f"No solution to show: the reference solution should be in {shown}, and that file "
                f"does not exist ({path}). If you are taking the course, get the complete course "
                "folder again; if you maintain it, write the solved notebook there."
            )
            return
        blocks = solution_code(path)
        if not blocks:
            print(f"No solution to show: {shown} has no '{BEGIN_SOLUTION}' blocks and no cell tagged '{SOLUTION_TAG}'.")
            return
        print(f"Reference solution for {self.name} (from {shown}):")
        for number, code in enumerate(blocks, start=1):
            print(f"\n# --- solution part {number} of {len(blocks)} ---")
            print(code)


# --- Exercise 22: a cosine-wave forecaster --------------------------------------------------

#: The cosine exercise samples its wave every 0.3 (lesson 21's sine used 0.1). A sine and a
#: cosine with the same step are the same signal shifted, so only a different step makes a model
#: trained on lesson 21's sine fail this check.
COSINE_DT = 0.3
#: Every window the check feeds the model has this many steps.
COSINE_WINDOW = 10
#: To pass, the model's RMSE must be at most this share of persistence's RMSE.
COSINE_MAX_RATIO = 0.2
#: The unseen cosine stretches the check uses: cosine_wave(400, dt=COSINE_DT, start=s) for each s.
#: The training series cosine_wave(2000, dt=COSINE_DT) covers times 0 to 600.
COSINE_CHECK_STARTS = (1000.0, 2345.6, 7777.7, 31415.9)
COSINE_CHECK_LENGTH = 400


def _cosine_check_windows() -> tuple[np.ndarray, np.ndarray]:
    """The check's windows ``(n, COSINE_WINDOW, 1)`` and targets ``(n, 1)`` from unseen cosine stretches."""
    pairs = [
        make_windows(cosine_wave(COSINE_CHECK_LENGTH, dt=COSINE_DT, start=start), COSINE_WINDOW)
        for start in COSINE_CHECK_STARTS
    ]
    return np.concatenate([x for x, _ in pairs]), np.concatenate([y for _, y in pairs])


def _accepts_keyword(function: Callable, keyword: str) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == keyword or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def _window_predictor(answer: object) -> Callable[[np.ndarray], Any] | None:
    """``answer.predict`` (with ``verbose=0`` where it takes it), else ``answer`` if callable, else None."""
    predict = getattr(answer, "predict", None)
    if callable(predict):
        if _accepts_keyword(predict, "verbose"):
            return lambda x: predict(x, verbose=0)
        return predict
    if callable(answer):
        return answer
    return None


def _keras_input_shape(answer: object) -> tuple | None:
    """The input shape of a built Keras model, e.g. ``(None, 10, 1)``; None for anything else."""
    if not hasattr(type(answer), "inputs"):
        return None
    try:
        inputs = answer.inputs
        return tuple(inputs[0].shape) if inputs else None
    except Exception:  # an unbuilt Sequential model has no inputs yet
        return None


class CosineExercise(Exercise):
    """Exercise 22: train an LSTM that forecasts the next value of a cosine wave.

    The learner trains on ``cosine_wave(2000, dt=COSINE_DT)``, windows of
    ``COSINE_WINDOW`` raw values (the wave lies between -1 and 1, so no
    scaling is needed) mapped to the next value. The check builds windows
    from cosine stretches far from the training range
    (:data:`COSINE_CHECK_STARTS`) and passes a model whose RMSE there is at
    most ``COSINE_MAX_RATIO`` (a fifth) of the persistence baseline's.

    ``check(answer)`` takes the trained Keras model, any object with
    ``.predict(x)`` or any function ``f(x)``, mapping windows
    ``(batch, 10, 1)`` to ``(batch, 1)`` or ``(batch,)``.

    Used in ``notebooks/22_exercise_cosine_wave.ipynb`` as :data:`cosine_exercise`.

    Example:
        >>> from utils.baselines import LinearAutoregression
        >>> x, y = make_windows(cosine_wave(2000, dt=COSINE_DT), COSINE_WINDOW)
        >>> cosine_exercise.check(LinearAutoregression().fit(x, y).predict)  # doctest: +ELLIPSIS
        Correct: your model's RMSE on 1,560 unseen cosine windows is ...; the persistence baseline is 0.211; ...
        True
        >>> cosine_exercise.check(persistence_forecast)  # doctest: +ELLIPSIS
        Not yet: your model's RMSE on 1,560 unseen cosine windows is 0.211; ... stay at or below 0.0423 ...
        False
    """

    def __init__(self):
        super().__init__(
            name="cosine_exercise",
            stem="22_exercise_cosine_wave",
            expected=(
                "assign your trained Keras model (or a function that maps windows of shape "
                f"(batch, {COSINE_WINDOW}, 1) to forecasts of shape (batch, 1))"
            ),
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

    def _check(self, answer: object) -> bool:
        predict = _window_predictor(answer)
        if predict is None:
            nudge = ""
            if type(answer).__name__ == "History":
                nudge = " model.fit(...) returns the History of the losses, not the model: pass the model itself."
            elif isinstance(answer, np.ndarray):
                nudge = " Pass the model itself, not its predictions: the check makes its own windows."
            print(
                f"Not yet: expected your trained Keras model, an object with .predict(x) or a function "
                f"f(x) that maps windows of shape (batch, {COSINE_WINDOW}, 1) to forecasts of shape "
                f"(batch, 1); received {_describe(answer)}.{nudge}"
            )
            return False

        input_shape = _keras_input_shape(answer)
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

        x, y = _cosine_check_windows()
        count = f"{len(x):,} unseen cosine windows"
        try:
            raw = predict(x)
        except Exception as error:  # the learner's model: report, never crash the check
            print(
                f"Not yet: calling your model on {count} of shape {x.shape} (batch, timesteps, "
                f"features) raised {type(error).__name__}: {error}"
            )
            return False
        if raw is None:
            print(f"Not yet: your model returned None for {count}; a function must return its forecasts.")
            return False
        try:
            y_pred = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            print(f"Not yet: your model returned {_describe(raw)}; expected numbers of shape ({len(x)}, 1).")
            return False
        if y_pred.shape == (len(x),):
            y_pred = y_pred[:, np.newaxis]
        if y_pred.shape != (len(x), 1):
            nudge = (
                " If your last LSTM layer has return_sequences=True, it returns a value for every step; "
                "set return_sequences=False on the last one and end with Dense(1)."
                if y_pred.ndim == 3
                else " End the model with a single Dense(1) layer: one forecast per window."
            )
            print(
                f"Not yet: for windows of shape {x.shape} your model returned shape {y_pred.shape}; expected "
                f"({len(x)}, 1), one next value per window (or ({len(x)},)).{nudge}"
            )
            return False
        bad = int(np.count_nonzero(~np.isfinite(y_pred)))
        if bad:
            print(
                f"Not yet: your model returned NaN or infinity for {bad:,} of {count}. Training probably "
                "diverged: try a smaller learning rate, and check that the training data has no NaN."
            )
            return False

        model_rmse = rmse(y, y_pred)
        persistence_rmse = rmse(y, persistence_forecast(x))
        bar = COSINE_MAX_RATIO * persistence_rmse
        measured = (
            f"your model's RMSE on {count} is {_fmt(model_rmse)}; the persistence baseline is "
            f"{_fmt(persistence_rmse)}"
        )
        if model_rmse <= bar:
            print(f"Correct: {measured}; the bar was {_fmt(bar)} (a fifth of persistence).")
            return True
        print(f"Not yet: {measured}; to pass, stay at or below {_fmt(bar)} (a fifth of persistence).")
        print(
            "Check that you trained on cosine_wave(2000, dt=COSINE_DT): a model trained on lesson 21's "
            "sine (dt=0.1) has never seen steps of 0.3. The check feeds raw, unscaled windows; if you "
            "scaled your data, pass a function that scales the windows and un-scales the forecasts."
        )
        return False


# --- Exercise 25: tune hyperparameters on the validation set --------------------------------

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
#: The window persistence is scored with when the table has no ``window`` column.
TUNING_DEFAULT_WINDOW = 10


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


class TuningExercise(Exercise):
    """Exercise 25: tune an LSTM's hyperparameters on the validation part, then choose one trial.

    ``load_data()`` gives the data, a noisy sine split in time. The answer is
    a pandas DataFrame of trials, one row per trial: hyperparameter columns
    from :data:`TUNING_HYPERPARAMETERS` (at least two of them varied), a
    ``val_rmse`` column (validation RMSE in the data's own units), a boolean
    ``chosen`` column with exactly one ``True`` and, optionally, a
    ``test_rmse`` column. The chosen trial must have the lowest ``val_rmse``
    and beat persistence on the validation part.

    Used in ``notebooks/25_exercise_tuning.ipynb`` as :data:`tuning_exercise`.

    Example:
        >>> trials = pd.DataFrame({"units": [16, 16, 32, 32], "window": [10, 20, 10, 20],
        ...                        "val_rmse": [0.121, 0.115, 0.108, 0.112]})
        >>> trials["chosen"] = trials.val_rmse == trials.val_rmse.min()
        >>> tuning_exercise.check(trials)  # doctest: +ELLIPSIS
        Correct: 4 trials, varying units (16, 32) and window (10, 20); you chose row 2 ...
        True
    """

    def __init__(self):
        super().__init__(
            name="tuning_exercise",
            stem="25_exercise_tuning",
            expected=(
                "assign a pandas DataFrame of your trials (one row per trial: the hyperparameters, "
                "val_rmse and a boolean chosen column)"
            ),
            hints=(
                ("Pick at least two of units, layers, batch_size, window and learning_rate and try a few "
                 "values of each: two values of two of them already make four trials. Train every trial "
                 "on the training part only and score it on the validation part; leave the test part "
                 "alone until you have chosen."),
                ("For each trial, append a dict such as {'units': 32, 'window': 20, 'val_rmse': 0.104} to a "
                 "list rows, then build the table with trials = pd.DataFrame(rows) and mark the winner "
                 "with trials['chosen'] = trials.val_rmse == trials.val_rmse.min(). Compute val_rmse in "
                 "the data's own units: if you scaled the data, un-scale the forecasts first. Your "
                 "chosen trial must beat persistence_forecast on the validation windows."),
                ("A sketch that passes:\n\n"
                 "train, val, test = tuning_exercise.load_data()\n"
                 "rows = []\n"
                 "for units in (16, 32):\n"
                 "    for window in (10, 20):\n"
                 "        x_train, y_train = make_windows(train, window)\n"
                 "        x_val, y_val = make_windows(val, window)\n"
                 "        keras.utils.set_random_seed(SEED)\n"
                 "        model = keras.Sequential([keras.Input(shape=(None, 1)), keras.layers.LSTM(units), keras.layers.Dense(1)])\n"
                 "        model.compile(optimizer=keras.optimizers.Adam(0.01), loss='mse')\n"
                 "        model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=30, batch_size=32, verbose=0,\n"
                 "                  callbacks=[keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)])\n"
                 "        rows.append({'units': units, 'window': window,\n"
                 "                     'val_rmse': rmse(y_val, model.predict(x_val, verbose=0))})\n"
                 "trials = pd.DataFrame(rows)\n"
                 "trials['chosen'] = trials.val_rmse == trials.val_rmse.min()"),
            ),
        )

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

    def persistence_val_rmse(self, window: int = TUNING_DEFAULT_WINDOW) -> float:
        """Persistence's RMSE on the validation part, with the targets of windows of ``window`` steps.

        The targets and windows are those of ``make_windows(val, window)``; the
        forecast is each window's last value.

        Args:
            window: The window length, >= 1 and shorter than the validation part.

        Returns:
            The RMSE, in the data's units.

        Raises:
            ValueError: If ``window`` is not between 1 and ``len(val) - 1``.

        Example:
            >>> round(tuning_exercise.persistence_val_rmse(10), 3)
            0.154
        """
        val = self.load_data().val
        if isinstance(window, (bool, np.bool_)) or not isinstance(window, numbers.Integral) or not 1 <= window < len(val):
            raise ValueError(
                f"window must be a whole number from 1 to {len(val) - 1}; received window={window!r}."
            )
        x_val, y_val = make_windows(val, int(window))
        return rmse(y_val, persistence_forecast(x_val))

    def _check(self, answer: object) -> bool:
        if not isinstance(answer, pd.DataFrame):
            if isinstance(answer, (list, dict)):
                nudge = "Build it with trials = pd.DataFrame(rows), one dict per trial."
            else:
                nudge = "Collect one dict per trial in a list rows and build the table with pd.DataFrame(rows)."
            print(
                f"Not yet: expected a pandas DataFrame with one row per trial; received {_describe(answer)}. {nudge}"
            )
            return False
        trials = answer
        columns = [str(c) for c in trials.columns]

        if len(trials) < TUNING_MIN_TRIALS:
            print(
                f"Not yet: your table has {len(trials)} trial(s); run at least {TUNING_MIN_TRIALS}, for "
                "example two values each of two hyperparameters (2 x 2 = 4)."
            )
            return False

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
            return False

        if "val_rmse" not in trials.columns:
            print(
                f"Not yet: your table has no val_rmse column; received columns {columns}. Add each "
                "trial's validation RMSE (in the data's units) as val_rmse."
            )
            return False
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
            return False
        not_finite = np.flatnonzero(~np.isfinite(val_rmse))
        if not_finite.size:
            print(
                f"Not yet: val_rmse is NaN or infinite in {', '.join(_row_label(trials, i) for i in not_finite[:5])}; "
                "every trial needs a validation RMSE (a NaN usually means the training diverged)."
            )
            return False
        not_positive = np.flatnonzero(val_rmse <= 0)
        if not_positive.size:
            print(
                f"Not yet: val_rmse must be positive, an RMSE of noisy data is never 0 or below; "
                f"{_row_label(trials, not_positive[0])} holds {val_rmse[not_positive[0]]:g}."
            )
            return False

        if "chosen" not in trials.columns:
            print(
                "Not yet: your table has no chosen column; mark the trial you pick with "
                "trials['chosen'] = trials.val_rmse == trials.val_rmse.min()."
            )
            return False
        chosen_column = trials["chosen"]
        if not (
            pd.api.types.is_bool_dtype(chosen_column)
            or all(isinstance(v, (bool, np.bool_)) for v in chosen_column)
        ):
            print(
                f"Not yet: chosen must hold True or False; received dtype {chosen_column.dtype} (values "
                f"{_values(chosen_column.astype(str))}). Use trials['chosen'] = trials.val_rmse == trials.val_rmse.min()."
            )
            return False
        chosen_rows = np.flatnonzero(chosen_column.to_numpy(dtype=bool))
        if len(chosen_rows) != 1:
            where = f" ({', '.join(_row_label(trials, i) for i in chosen_rows[:5])})" if len(chosen_rows) else ""
            print(
                f"Not yet: exactly one trial must have chosen == True; yours has {len(chosen_rows)}{where}. "
                "Pick the one trial with the lowest val_rmse."
            )
            return False
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
                    f"({_fmt(test_rmse[chosen])}), but {_row_label(trials, best)} has a lower val_rmse "
                    f"({_fmt(val_rmse[best])} against {_fmt(chosen_val)}). That is choosing on the test set: "
                    "the test data leaks into your choice, and its RMSE is no longer an honest estimate "
                    "for unseen data. Choose by val_rmse; look at test_rmse only for the trial you chose."
                )
            else:
                print(
                    f"Not yet: you chose {_row_label(trials, chosen)} with val_rmse {_fmt(chosen_val)}, but "
                    f"{_row_label(trials, best)} has a lower one ({_fmt(val_rmse[best])}). Choose the trial "
                    "with the lowest validation RMSE: trials.val_rmse == trials.val_rmse.min()."
                )
            return False

        val = self.load_data().val
        window = TUNING_DEFAULT_WINDOW
        if "window" in trials.columns:
            window = _as_whole_number(trials["window"].iloc[chosen])
            if window is None or not 1 <= window < len(val):
                print(
                    f"Not yet: the chosen trial's window is {trials['window'].iloc[chosen]!r}; expected a "
                    f"whole number of steps from 1 to {len(val) - 1}."
                )
                return False
        persistence = self.persistence_val_rmse(window)
        if chosen_val < 0.5 * TUNING_NOISE_STD:
            print(
                f"Not yet: your chosen val_rmse, {_fmt(chosen_val)}, is below what any forecast can reach on "
                f"this data: its noise alone has a standard deviation of {TUNING_NOISE_STD}. Did you store "
                "the MSE (the Keras loss) instead of the RMSE? Take its square root, or use rmse(y_val, forecast)."
            )
            return False
        if chosen_val >= persistence:
            print(
                f"Not yet: your chosen trial's val_rmse is {_fmt(chosen_val)}, but persistence (repeating the "
                f"last value) scores {_fmt(persistence)} on the same validation targets (window={window}). "
                "A tuned LSTM should beat it: train longer, try other values, and make sure val_rmse is in "
                "the data's own units (un-scale the forecasts if you scaled the data)."
            )
            return False

        setting = ", ".join(f"{c}={_value_text(trials[c].iloc[chosen])}" for c in present)
        varied_text = " and ".join(f"{c} ({_values(trials[c])})" for c in varied)
        print(
            f"Correct: {len(trials)} trials, varying {varied_text}; you chose {_row_label(trials, chosen)} "
            f"({setting}) by its validation RMSE {_fmt(chosen_val)}, which beats persistence on the "
            f"validation part ({_fmt(persistence)}, window={window})."
        )
        return True


# --- Exercise 23: count beyond the training range --------------------------------------------

#: The sequences the counting check asks about, as (start, step, length). The sequence is
#: start + step * arange(length) and the right answer start + step * length.
COUNTING_CASES: tuple[tuple[float, float, int], ...] = (
    (0.0, 1.0, 3), (0.0, 2.0, 5), (1000.0, 1.0, 10), (1000.0, 25.0, 3),
    (5000.0, 7.0, 17), (5000.0, 1.0, 5), (-250.0, 3.0, 10), (-250.0, 25.0, 17),
    (12345.5, 1.0, 5), (12345.5, 7.0, 3), (0.0, 25.0, 10), (1000.0, 3.0, 17),
    (5000.0, 2.0, 3), (-250.0, 1.0, 5), (12345.5, 2.0, 10), (0.0, 7.0, 5),
    (1000.0, 1.5, 10), (-250.0, 7.0, 3), (5000.0, 25.0, 30), (12345.5, 3.0, 17),
)
#: A prediction counts as right within this distance of the true next number.
COUNTING_TOLERANCE = 0.5


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
            f"your function returned {_describe(raw)}; expected one number (a float, an int, a NumPy "
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


class CountingExercise(Exercise):
    """Exercise 23: predict the next number of any arithmetic sequence, far beyond the training range.

    The answer is a function ``predict_next(sequence) -> float``, where
    ``sequence`` is a 1-D NumPy array of increasing, evenly spaced numbers.
    The check asks it about the sequences in :data:`COUNTING_CASES` (lengths
    3 to 30, steps 1 to 25 and 1.5, starts from -250 to 12,345.5) and wants
    every prediction within :data:`COUNTING_TOLERANCE` of the true next
    number. A function that raises or returns something other than a number
    fails that case; the check itself never raises.

    Used in ``notebooks/23_exercise_counting.ipynb`` as :data:`counting_exercise`.

    Example:
        >>> counting_exercise.check(lambda s: s[-1] + (s[-1] - s[-2]))  # doctest: +ELLIPSIS
        Correct: all 20 sequences right, each within ±0.5 of the true next number...
        True
        >>> counting_exercise.check(lambda s: s[-1])  # doctest: +ELLIPSIS
        Not yet: 0 of 20 sequences right; ...
          after [0, 1, 2] you predicted 2, the answer is 3
        ...
        False
    """

    def __init__(self):
        super().__init__(
            name="counting_exercise",
            stem="23_exercise_counting",
            expected=(
                "assign your function predict_next(sequence) -> float (it gets a 1-D NumPy array of "
                "evenly spaced numbers and returns the next one)"
            ),
            hints=(
                ("A network only outputs values in the range it was trained on: its tanh and sigmoid "
                 "activations flatten out, so a model that has seen numbers up to 100 cannot answer 12346 "
                 "after 12345. Rather than more training, you need an input that looks the same for every "
                 "arithmetic sequence, wherever it starts and however big its step is."),
                ("Feed the network something that does not depend on where the sequence starts or how "
                 "big its step is: the differences np.diff(sequence), or the window minus its last value "
                 "divided by its step. Then turn its output back into a number: the last value plus the "
                 "predicted difference (times the step, if you divided by it). Build the model with "
                 "keras.Input(shape=(None, 1)) so it takes sequences of any length."),
                ("A sketch, with model trained on the scaled differences of short and long sequences "
                 "(the check asks about 3 to 30 numbers):\n\n"
                 "def predict_next(sequence):\n"
                 "    sequence = np.asarray(sequence, dtype='float64')\n"
                 "    diffs = np.diff(sequence)\n"
                 "    scale = np.abs(diffs).max() or 1.0\n"
                 "    next_diff = model.predict((diffs / scale)[np.newaxis, :, np.newaxis], verbose=0)[0, 0]\n"
                 "    return float(sequence[-1] + next_diff * scale)"),
            ),
        )

    def _check(self, answer: object) -> bool:
        if not callable(answer):
            print(
                f"Not yet: expected a function predict_next(sequence) -> float; received {_describe(answer)}. "
                "Define it with def predict_next(sequence): ... and pass the function itself, without ()."
            )
            return False
        failures: list[_CountingFailure] = []
        for start, step, length in COUNTING_CASES:
            sequence = start + step * np.arange(length, dtype=np.float64)
            truth = start + step * length
            try:
                raw = answer(sequence.copy())
            except Exception as error:  # the learner's function: report, never crash the check
                problem = f"your function raised {type(error).__name__}: {error}"
                failures.append(_CountingFailure(sequence, truth, None, problem))
                continue
            prediction, problem = _as_prediction(raw)
            if problem is not None or not abs(prediction - truth) <= COUNTING_TOLERANCE:
                failures.append(_CountingFailure(sequence, truth, prediction, problem))

        total = len(COUNTING_CASES)
        if not failures:
            print(
                f"Correct: all {total} sequences right, each within ±{COUNTING_TOLERANCE} of the true next "
                "number, on sequences of 3 to 30 numbers with steps from 1 to 25 (and 1.5) starting "
                "anywhere from -250 to 12345.5."
            )
            return True

        print(
            f"Not yet: {total - len(failures)} of {total} sequences right; each prediction must be within "
            f"±{COUNTING_TOLERANCE} of the true next number. For example:"
        )
        for failure in failures[:3]:
            print(f"  {failure}")
        if len(failures) > 3:
            print(f"  (and {len(failures) - 3} more)")
        numeric = [f for f in failures if f.prediction is not None and math.isfinite(f.prediction)]
        steps = [f.sequence[1] - f.sequence[0] for f in numeric]
        if numeric and all(abs(f.prediction - f.sequence[-1]) <= 1e-9 * max(1.0, abs(f.truth)) for f in numeric):
            print(
                "You predicted the last number itself (persistence); the next number is one step "
                "further: the last value plus the step between two numbers."
            )
        elif any(abs(f.prediction - f.truth) > 10 * step for f, step in zip(numeric, steps)):
            print(
                "Some predictions are far from the sequence they follow. A network only outputs values in "
                "the range it was trained on: its activations saturate, so it cannot extrapolate to "
                "numbers it never saw. Feed it something that looks the same for every arithmetic "
                "sequence (the differences); counting_exercise.hint() says more."
            )
        return False


cosine_exercise = CosineExercise()
tuning_exercise = TuningExercise()
counting_exercise = CountingExercise()
