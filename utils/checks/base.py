"""The shared part of every exercise check: the ``Exercise`` base class, the probes that measure a learner's model, and the notebook parser.

Why this module exists: every exercise in the course is checked the same way,
so a learner meets the same behaviour in each, and a new exercise is one short
module (see :mod:`utils.checks`). Three things live here:

* :class:`Exercise`, the base class of every exercise object: ``check(answer,
  model=...)``, ``hint()`` and ``solution()``. ``check`` never raises on an
  answer: a starter left at ``None`` or ``...`` is "not attempted yet", and
  anything else that goes wrong becomes a "Not yet:" message.
* The probes a check uses to measure the learner's model instead of trusting
  it: :func:`is_keras_model`, :func:`foreign_parts` (is the model built
  from Keras's own layers only, with no ``Lambda``, no class of the
  learner's own and no arithmetic between layers that could compute the
  answer around the recurrent layer?), :func:`recurrent_layers` (is there an
  LSTM, GRU or SimpleRNN, alone or wrapped in ``Bidirectional`` or ``RNN``?),
  :func:`perturbed_recurrent_weights` and :meth:`Exercise.answers_change` (do
  the answers move when the recurrent layers' weights move?),
  :func:`silenced_recurrent_layers` and :meth:`Exercise.silence_test` (does
  the answer lose its skill when the recurrent layers are switched off, and
  when they only stop seeing the sequence, or does another path compute
  it?), :func:`future_leak` (is a per-step output causal?) and
  :func:`forecasts_of` (call a forecaster on windows, report a crash, a
  wrong shape or NaN in words).
* The parser of solved notebooks: :func:`make_exercise_notebook` turns
  ``solutions/<name>_solutions.ipynb`` into the learner's notebook
  (``tools/make_exercises.py`` writes it) and :func:`solution_code` reads the
  solution blocks back for ``.solution()``. One parser, so the notebook a
  learner sees and the solution they are shown cannot disagree.

Importing this module does not import TensorFlow: the probes look for Keras
in ``sys.modules``, where the notebook that made the model has put it.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import math
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "BEGIN_SOLUTION",
    "END_SOLUTION",
    "RECURRENT_LAYERS",
    "SILENCED_MIN_SKILL_LOST",
    "SOLUTION_TAG",
    "STARTER_PREFIX",
    "Exercise",
    "SilenceTest",
    "describe",
    "fmt",
    "forecasts_of",
    "foreign_parts",
    "future_leak",
    "is_keras_model",
    "keras_input_shape",
    "layer_names",
    "make_exercise_notebook",
    "perturbed_recurrent_weights",
    "perturbed_weights",
    "recurrent_layers",
    "silenced_recurrent_layers",
    "skill_lost",
    "solution_code",
    "window_predictor",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
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


# --- Words for messages ----------------------------------------------------------------------


def describe(value: object) -> str:
    """A short description of what the learner passed, for messages.

    Example:
        >>> describe(np.zeros((3, 1)))
        'a NumPy array of shape (3, 1) (dtype float64)'
        >>> describe(42)
        'int 42'
    """
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape} (dtype {value.dtype})"
    if isinstance(value, pd.DataFrame):
        return f"a DataFrame of shape {value.shape}"
    if is_keras_model(value):
        return f"a Keras model ({type(value).__name__} {getattr(value, 'name', '')!r})"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def fmt(value: float) -> str:
    """An error or RMSE with three significant digits: 0.0423, 0.211, 1.5e-05.

    Example:
        >>> fmt(0.04229), fmt(0.2), fmt(0.0000152)
        ('0.0423', '0.2', '1.52e-05')
    """
    return f"{value:.3g}"


# --- Probes: measure the learner's model -----------------------------------------------------

#: What counts as a recurrent layer, in the words the messages use.
RECURRENT_LAYERS = "an LSTM, GRU or SimpleRNN layer (alone or wrapped in Bidirectional or RNN)"


def _keras() -> Any:
    """The Keras module if the learner's notebook has imported it, else None (never imports it)."""
    return sys.modules.get("keras")


def is_keras_model(value: object) -> bool:
    """Whether ``value`` is a Keras model (``keras.Model``: Sequential, functional or subclassed).

    Never imports Keras: if no code has imported it, nothing can be a Keras model.

    Example:
        >>> is_keras_model(lambda x: x)
        False
    """
    keras = _keras()
    return keras is not None and isinstance(value, keras.Model)


#: Keras defines its own layers and models in these modules; a class defined anywhere else is the learner's own.
_KERAS_MODULES = ("keras.src.layers.", "keras.src.models.", "keras.layers.", "keras.models.")


def foreign_parts(model: Any, *, operations_allowed: bool = False) -> list[str]:
    """The parts of a Keras model that are not Keras's own layers, in words; empty when there are none.

    A check confirms that the recurrent layer does the work by perturbing and
    silencing it. Code of the learner's own inside the model can compute the
    answer around that layer and still pass both probes: a ``Lambda`` layer
    that adds up the marked values and multiplies the sum by a ratio of the
    recurrent output to a copy of its arithmetic, which is 1 as handed in,
    moves when the layer's weights move, and is 0 when the layer is silenced.
    So the checks accept only models built from Keras's own layers. The search
    goes through nested models and wrappers (``Bidirectional``,
    ``TimeDistributed``, the cells of an ``RNN``) and lists:

    * every ``Lambda`` layer;
    * every layer, cell or model whose class is not Keras's own (defined
      outside ``keras.layers`` and ``keras.models``), such as a subclassed
      ``keras.Model`` with its own ``call``;
    * every operation a functional model applies between layers
      (``keras.ops.sum(inputs)``, ``inputs[:, -1]``, ``h / h``): Keras records
      those without a layer, so ``model.layers`` does not show them. Unless
      ``operations_allowed``.

    Args:
        model: A Keras model (anything else has no parts to list).
        operations_allowed: Accept operations between layers, for an exercise
            whose model needs one (the dates exercise computes its padding mask
            with ``keras.ops.not_equal``).

    Returns:
        One entry per kind of part found, in the order of the model, such as
        ``'a Lambda layer (lambda)'`` or ``'the operation Sum between layers'``.

    Example:
        >>> foreign_parts(lambda x: x)
        []
    """
    keras = _keras()
    if keras is None or not isinstance(model, keras.layers.Layer):
        return []
    found: dict[str, None] = {}  # ordered and without repeats
    seen: set[int] = set()

    def walk(part: Any) -> None:
        if id(part) in seen:
            return
        seen.add(id(part))
        kind = type(part)
        if not isinstance(part, keras.layers.Layer):
            if not isinstance(part, keras.Operation):
                found[f"{kind.__name__}, a class of your own"] = None
            elif not operations_allowed:
                found[f"the operation {kind.__name__} between layers"] = None
            return
        if isinstance(part, keras.layers.Lambda):
            found[f"a Lambda layer ({part.name})"] = None
            return
        if not kind.__module__.startswith(_KERAS_MODULES):
            what = "model" if isinstance(part, keras.Model) else "layer"
            found[f"{kind.__name__}, a {what} class of your own ({part.name})"] = None
            return
        children: list[Any] = []
        for attribute in ("forward_layer", "backward_layer", "layer"):  # Bidirectional, TimeDistributed and others
            child = getattr(part, attribute, None)
            if isinstance(child, keras.layers.Layer):
                children.append(child)
        if isinstance(part, keras.layers.RNN):
            children.append(part.cell)
            children.extend(getattr(part.cell, "cells", []))  # StackedRNNCells
        try:
            inner = part.operations if isinstance(part, keras.Model) and hasattr(part, "operations") else None
            children.extend(inner if inner is not None else getattr(part, "layers", []))
        except Exception:  # an unbuilt model has nothing to list yet
            pass
        for child in children:
            walk(child)

    walk(model)
    return list(found)


def layer_names(model: Any) -> list[str]:
    """The class names of a model's layers, in order: ``['LSTM', 'Dense']``."""
    try:
        return [type(layer).__name__ for layer in model.layers]
    except Exception:
        return []


def recurrent_layer_objects(model: Any) -> list[Any]:
    """The recurrent layers inside a Keras model themselves, searched as :func:`recurrent_layers` says.

    A ``Bidirectional`` wrapper is one entry (its two layers are not listed
    again). Anything that is not a Keras layer has none.
    """
    keras = _keras()
    if keras is None or not isinstance(model, keras.layers.Layer):
        return []
    found: list[Any] = []
    seen: set[int] = set()

    def walk(layer: Any) -> None:
        if id(layer) in seen:
            return
        seen.add(id(layer))
        if isinstance(layer, (keras.layers.Bidirectional, keras.layers.RNN)):
            found.append(layer)
            return
        inner = getattr(layer, "layer", None)  # TimeDistributed and other wrappers
        if isinstance(inner, keras.layers.Layer):
            walk(inner)
        try:
            children = list(layer.layers) if hasattr(layer, "layers") else []
        except Exception:
            children = []
        for child in children:
            walk(child)

    walk(model)
    return found


def recurrent_layers(model: Any) -> list[str]:
    """The recurrent layers inside a Keras model, searched through nested models and wrappers.

    A layer counts when it is a ``keras.layers.RNN`` (``LSTM``, ``GRU`` and
    ``SimpleRNN`` are, and so is ``RNN(cell)``) or a ``Bidirectional``
    wrapper. Models inside the model and wrappers such as ``TimeDistributed``
    are searched too.

    Args:
        model: A Keras model (anything else has no recurrent layer).

    Returns:
        Their names as the messages print them, e.g. ``['LSTM']`` or
        ``['Bidirectional(GRU)']``; empty when there is none.

    Example:
        >>> recurrent_layers(lambda x: x)
        []
    """
    keras = _keras()
    return [
        f"Bidirectional({type(layer.forward_layer).__name__})"
        if isinstance(layer, keras.layers.Bidirectional)
        else type(layer).__name__
        for layer in recurrent_layer_objects(model)
    ]


def keras_input_shape(model: object) -> tuple | None:
    """The input shape of a built Keras model, e.g. ``(None, 10, 1)``; None for anything else."""
    if not is_keras_model(model):
        return None
    try:
        inputs = model.inputs
        return tuple(inputs[0].shape) if inputs else None
    except Exception:  # an unbuilt Sequential or a subclassed model has no inputs yet
        return None


@contextlib.contextmanager
def perturbed_weights(model: Any, seed: int = 0, scale: float = 0.5) -> Iterator[None]:
    """Add noise to every trainable weight of a Keras model for the duration of a ``with`` block.

    Each weight tensor ``w`` gets ``scale * (std(w) + 0.05)`` times standard
    normal noise; on leaving the block, even through an error, every weight
    is restored exactly. A function that uses the model gives other answers
    inside the block; one that ignores it gives the same ones.

    Args:
        model: A Keras model.
        seed: Seeds the noise, so a check is repeatable.
        scale: The noise relative to each tensor's spread.

    Example:
        >>> import keras  # doctest: +SKIP
        >>> with perturbed_weights(model):  # doctest: +SKIP
        ...     changed = model.predict(x, verbose=0)
    """
    with _perturbed(list(model.trainable_weights), seed, scale):
        yield


@contextlib.contextmanager
def perturbed_recurrent_weights(model: Any, seed: int = 0, scale: float = 0.5) -> Iterator[None]:
    """Like :func:`perturbed_weights`, on the weights of the model's recurrent layers only.

    A check uses it to show that the recurrent part, not only a Dense layer
    after it, decides the answers.
    """
    variables = [v for layer in recurrent_layer_objects(model) for v in layer.trainable_weights]
    with _perturbed(variables, seed, scale):
        yield


@contextlib.contextmanager
def _perturbed(variables: list[Any], seed: int, scale: float) -> Iterator[None]:
    saved = [np.array(variable.numpy()) for variable in variables]
    rng = np.random.default_rng(seed)
    try:
        for variable, weights in zip(variables, saved):
            if weights.dtype.kind == "f" and weights.size:
                noise = rng.standard_normal(weights.shape) * scale * (float(weights.std()) + 0.05)
                variable.assign((weights + noise).astype(weights.dtype))
        yield
    finally:
        for variable, weights in zip(variables, saved):
            variable.assign(weights)


def _input_kernels(layer: Any) -> list[Any]:
    """The weights through which a recurrent layer reads its input sequence: the ``kernel`` of each of its cells.

    A ``Bidirectional`` wrapper has two layers and an ``RNN`` of several cells
    (``StackedRNNCells``) has several cells; each has its ``kernel``. A cell
    without one (a learner's own cell) gives all its weights, so that zeroing
    them still cuts the layer off from its input.
    """
    keras = _keras()
    if isinstance(layer, keras.layers.Bidirectional):
        return _input_kernels(layer.forward_layer) + _input_kernels(layer.backward_layer)
    cell = layer.cell
    kernels: list[Any] = []
    for one in getattr(cell, "cells", [cell]):
        kernel = getattr(one, "kernel", None)
        kernels.extend([kernel] if kernel is not None else one.weights)
    return kernels


@contextlib.contextmanager
def silenced_recurrent_layers(model: Any, *, inputs_only: bool = False) -> Iterator[None]:
    """Set the weights of the model's recurrent layers to zero for the duration of a ``with`` block.

    With all its weights and biases at zero, an LSTM's candidate is
    ``tanh(0) = 0``, so its cell state stays 0 and its output
    ``h_t = o_t * tanh(c_t)`` is 0 at every step, whatever the input; a GRU
    and a SimpleRNN give 0 too. What the model still gets right without
    them comes from another path.

    With ``inputs_only=True`` only the input kernels are set to zero (the
    ``kernel`` of every cell, both directions of a ``Bidirectional``); the
    recurrent kernels and the biases are kept. The layers then no longer see
    the sequence and give the same outputs for every input (only its length
    can matter, under a mask), but not zero: the constant their biases
    produce. A recurrent layer used as a constant factor, such as an answer
    computed by a Lambda layer and multiplied by a SimpleRNN whose output is
    always ``tanh(b)``, survives the first silencing's test (the answer
    times 0 is 0) and not this one.

    On leaving the block, even through an error, every weight is restored exactly.

    Args:
        model: A Keras model; its recurrent layers are found by :func:`recurrent_layer_objects`.
        inputs_only: Zero only the input kernels instead of every weight.

    Example:
        >>> with silenced_recurrent_layers(model):  # doctest: +SKIP
        ...     without = model.predict(x, verbose=0)
        >>> with silenced_recurrent_layers(model, inputs_only=True):  # doctest: +SKIP
        ...     blind = model.predict(x, verbose=0)
    """
    layers = recurrent_layer_objects(model)
    variables = [v for layer in layers for v in (_input_kernels(layer) if inputs_only else layer.weights)]
    saved = [np.array(variable.numpy()) for variable in variables]
    try:
        for variable, weights in zip(variables, saved):
            if weights.dtype.kind == "f" and weights.size:
                variable.assign(np.zeros_like(weights))
        yield
    finally:
        for variable, weights in zip(variables, saved):
            variable.assign(weights)


#: Silenced, a model must fall at least this share of the way from its score back to the check's baseline.
SILENCED_MIN_SKILL_LOST = 0.75


def skill_lost(score: float, silenced: float, baseline: float, *, higher_is_better: bool = False) -> float:
    """The share of a model's lead over the baseline that it loses when its recurrent layers are silenced.

    0 means the silenced model scores as well as the model, 1 that it falls
    back to the baseline, more than 1 that it falls below it.

    Args:
        score: The model's score as handed in.
        silenced: Its score with the recurrent layers silenced (NaN or infinity: it broke, so all is lost).
        baseline: The check's baseline score (persistence, the mean, the majority class, ...).
        higher_is_better: True for an accuracy or a count of right answers, False for an error.

    Returns:
        The share lost; ``math.inf`` when the silenced model broke, NaN when the model has no lead to lose.

    Example:
        >>> skill_lost(0.01, 0.2, 0.2)                           # an RMSE back at persistence's
        1.0
        >>> skill_lost(90, 80, 50, higher_is_better=True)        # 90 of 100 right, 80 silenced: a quarter lost
        0.25
        >>> skill_lost(0.3, 0.25, 0.2)                           # worse than the baseline: nothing to lose
        nan
    """
    if not math.isfinite(silenced):
        return math.inf
    lead = score - baseline if higher_is_better else baseline - score
    if not lead > 0 or not math.isfinite(lead):
        return math.nan
    drop = score - silenced if higher_is_better else silenced - score
    return float(drop / lead)


class SilenceTest(NamedTuple):
    """What :meth:`Exercise.silence_test` measured: the score each way, the baseline, and the verdict.

    ``silenced`` is the score with every weight of the recurrent layers set
    to zero, ``blind`` with only their input kernels set to zero (they can
    no longer see the sequence); ``share_lost`` and ``blind_share_lost`` are
    the shares of the lead over the baseline lost each way (:func:`skill_lost`).
    """

    score: float
    silenced: float
    baseline: float
    baseline_name: str
    share_lost: float
    problem: str | None
    blind: float = math.nan
    blind_share_lost: float = math.nan

    def summary(self, metric: str, formatter: Callable[[float], str] = fmt) -> str:
        """A clause for the "Correct" message: what the answers score with the recurrent layers silenced, both ways."""

        def scores(value: float) -> str:
            return f"it scores {_scored(metric, formatter, value)}" if math.isfinite(value) else "it gives no usable answers"

        return (
            f"with its recurrent layers silenced (weights set to zero) {scores(self.silenced)}, and with only their "
            f"input weights set to zero, so that they cannot see the sequence, {scores(self.blind)}, against "
            f"{formatter(self.baseline)} for {self.baseline_name}"
        )


def _scored(metric: str, formatter: Callable[[float], str], value: float) -> str:
    """``'RMSE 0.0123'``, or the formatted value alone when the metric has no name."""
    return f"{metric} {formatter(value)}" if metric else formatter(value)


def _kept(share_lost: float) -> str:
    """How much of their lead silenced answers keep, in words: ``'all of their lead, and more,'`` or ``'40% of their lead'``."""
    return "all of their lead, and more," if share_lost < 0 else f"{1 - share_lost:.0%} of their lead"


def future_leak(
    outputs_of: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    lengths: np.ndarray,
    low: int,
    high: int,
    seed: int = 0,
) -> float:
    """How far a per-step model's outputs up to position t move when its inputs after t change.

    A model that predicts the next element at every step (a language model)
    must be causal: its output at t may depend on inputs 0 … t only. For each
    sequence a cut t is drawn, every input after t (up to the sequence's
    length, so padding stays padding) is replaced by another id from
    ``[low, high)``, and the outputs at 0 … t are compared. A causal model
    gives 0; a ``Bidirectional`` layer or a ``Conv1D(padding="same")`` does not.

    Args:
        outputs_of: Maps integer inputs ``(n, steps)`` to per-step outputs ``(n, steps, ...)``, e.g. log-probabilities.
        x: The inputs, ``(n, steps)`` integers.
        lengths: The real length of each sequence (at least 2).
        low: The smallest id to write in.
        high: One past the largest id to write in.
        seed: Seeds the cuts and the new ids.

    Returns:
        The largest absolute change of an output at or before its sequence's cut.

    Example:
        >>> x = np.array([[1, 3, 4, 5], [1, 6, 7, 0]])
        >>> causal = lambda x: np.cumsum(x, axis=1)[..., None]              # reads the past only
        >>> peeking = lambda x: np.roll(x, -1, axis=1)[..., None]           # reads the next input
        >>> future_leak(causal, x, np.array([4, 3]), 3, 9), future_leak(peeking, x, np.array([4, 3]), 3, 9) > 0
        (0.0, True)
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(x)
    changed = x.copy()
    cuts = np.array([rng.integers(0, max(int(n) - 1, 1)) for n in lengths])
    for row, (cut, n) in enumerate(zip(cuts, lengths)):
        later = slice(int(cut) + 1, int(n))
        offsets = rng.integers(1, high - low, size=changed[row, later].shape)
        changed[row, later] = low + (changed[row, later] - low + offsets) % (high - low)  # never the same id
    before = np.asarray(outputs_of(x), dtype=np.float64)
    after = np.asarray(outputs_of(changed), dtype=np.float64)
    steps = np.arange(x.shape[1])
    kept = steps[np.newaxis, :] <= cuts[:, np.newaxis]
    return float(np.max(np.abs(after - before)[kept])) if kept.any() else 0.0


def _accepts_keyword(function: Callable, keyword: str) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == keyword or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def window_predictor(answer: object) -> Callable[[np.ndarray], Any] | None:
    """``answer.predict`` (with ``verbose=0`` where it takes it), else ``answer`` if callable, else None."""
    predict = getattr(answer, "predict", None)
    if callable(predict):
        if _accepts_keyword(predict, "verbose"):
            return lambda x: predict(x, verbose=0)
        return predict
    if callable(answer):
        return answer
    return None


def forecasts_of(
    predict: Callable[[np.ndarray], Any], x: np.ndarray, what: str, *, per: str = "window", value: str = "forecast"
) -> tuple[np.ndarray | None, str | None]:
    """Call a model that gives one number per input sequence, and check what comes back.

    The one-step forecasters of exercises 22 and 25 give one forecast per
    window; the adding problem's model (exercise 34) gives one sum per sequence.

    Args:
        predict: Maps inputs ``(n, steps, features)`` to ``n`` numbers.
        x: The inputs.
        what: The inputs in words, for messages: ``"1,560 unseen cosine windows"``.
        per: What one input is called in messages: ``"window"`` or ``"sequence"``.
        value: What the model gives for each: ``"forecast"`` or ``"sum"``.

    Returns:
        ``(forecasts, None)`` with forecasts of shape ``(n, 1)`` as float64,
        or ``(None, problem)`` where ``problem`` says in a sentence what went
        wrong (it raised, returned None, the wrong shape, NaN). Never raises.

    Example:
        >>> x = np.zeros((4, 10, 1))
        >>> forecasts_of(lambda w: w[:, -1], x, "4 windows")[0].shape
        (4, 1)
        >>> forecasts_of(lambda w: w, x, "4 windows")[1]  # doctest: +ELLIPSIS
        'for windows of shape (4, 10, 1) your model returned shape (4, 10, 1); expected (4, 1), ...'
    """
    n = len(x)
    try:
        raw = predict(x)
    except Exception as error:  # the learner's model: report, never crash the check
        return None, (
            f"calling your model on {what} of shape {x.shape} (batch, timesteps, features) raised "
            f"{type(error).__name__}: {error}"
        )
    if raw is None:
        return None, f"your model returned None for {what}; a function must return its forecasts"
    try:
        y_pred = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"your model returned {describe(raw)}; expected numbers of shape ({n}, 1)"
    if y_pred.shape == (n,):
        y_pred = y_pred[:, np.newaxis]
    if y_pred.shape != (n, 1):
        nudge = (
            " If your last LSTM layer has return_sequences=True, it returns a value for every step; "
            "set return_sequences=False on the last one and end with Dense(1)"
            if y_pred.ndim == 3
            else f" End the model with a single Dense(1) layer: one {value} per {per}"
        )
        return None, (
            f"for {per}s of shape {x.shape} your model returned shape {y_pred.shape}; expected "
            f"({n}, 1), one {value} per {per} (or ({n},)).{nudge}"
        )
    bad = int(np.count_nonzero(~np.isfinite(y_pred)))
    if bad:
        return None, (
            f"your model returned NaN or infinity for {bad:,} of {what}. Training probably diverged: try a "
            "smaller learning rate, and check that the training data has no NaN"
        )
    return y_pred, None


# --- The shared part of every exercise ------------------------------------------------------


class Exercise:
    """One exercise: ``check(answer, model=...)``, ``hint()`` and ``solution()``.

    The shared behaviour of every exercise object. Answers left at ``None``
    or ``...`` are reported as not attempted (never an error); each
    ``hint()`` call gives the next, stronger hint; ``solution()`` prints the
    reference code from the solved notebook. A subclass sets the hints and
    implements ``_check``, usually in three steps: measure the answer on data
    drawn at check time, then :meth:`model_problem` and
    :meth:`answers_change` to confirm a trained recurrent network did the
    work, then one message that says what was measured.

    Args:
        name: The object's name in the notebooks, used in messages
            (``"cosine_exercise"``).
        stem: The exercise notebook's name without ``.ipynb``
            (``"22_exercise_cosine_wave"``); the solved notebook is
            ``solutions/<stem>_solutions.ipynb``.
        expected: What the learner should assign, for the "Not attempted
            yet" message.
        hints: The hints, weakest first.
        usage: How the check cell calls the check, for messages:
            ``"counting_exercise.check(predict_next, model=counting_model)"``.
        parts: Keyword arguments of ``check`` besides ``model``, e.g.
            ``("forecast",)``.
    """

    def __init__(
        self, name: str, stem: str, expected: str, hints: Sequence[str], usage: str = "", parts: Sequence[str] = ()
    ):
        if not hints:
            raise ValueError(f"an exercise needs at least one hint; received hints={hints!r}.")
        self.name = name
        self.stem = stem
        self.expected = expected
        self.hints = tuple(hints)
        self.usage = usage or f"{name}.check(answer)"
        self.parts = tuple(parts)
        self._hints_given = 0

    def __repr__(self) -> str:
        return f"<{self.name}: .check(answer, model=...), .hint(), .solution()>"

    @property
    def solutions_path(self) -> Path:
        """The solved notebook that ``solution()`` reads."""
        return SOLUTIONS_DIR / f"{self.stem}_solutions.ipynb"

    def check(self, answer: object, model: object = None, **parts: object) -> bool:
        """Check ``answer``, print what was measured and the bar, and return whether it passes.

        An answer left at ``None`` or ``...`` is reported as not attempted
        yet. Nothing the learner passes makes the check raise: a wrong type,
        a model that crashes or a function that raises are reported in words.

        Args:
            answer: The learner's answer; each exercise says what it expects
                (a model, a function, a table).
            model: The trained Keras model the answer uses, when the answer
                is not the model itself.
            **parts: Further parts some exercises take (``forecast=`` for tuning).

        Returns:
            ``True`` if the answer passes, ``False`` otherwise.
        """
        unknown = sorted(set(parts) - set(self.parts))
        if unknown:
            takes = ", ".join(["answer", "model=", *(f"{p}=" for p in self.parts)])
            print(
                f"Not yet: {self.name}.check() takes {takes}; it has no argument {', '.join(unknown)}. "
                f"Call it as {self.usage}."
            )
            return False
        if answer is None or answer is Ellipsis:
            placeholder = "None" if answer is None else "..."
            print(f"Not attempted yet: {self.expected} in place of the {placeholder}, then run this cell again.")
            return False
        try:
            for value in (answer, model, *parts.values()):
                problem = self.foreign_parts_problem(value) if is_keras_model(value) else None
                if problem is not None:
                    print(f"Not yet: {problem}.")
                    return False
            return bool(self._check(answer, model, **parts))
        except Exception as error:  # a safety net: an answer must never crash the check cell
            print(
                f"Not yet: checking your answer stopped with {type(error).__name__}: {error}. Make sure you pass "
                f"what the exercise asks for: {self.usage}."
            )
            return False

    def _check(self, answer: object, model: object, **parts: object) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    # --- Probes a subclass's _check uses ---

    #: Whether a model may apply operations between its layers (``keras.ops`` on symbolic tensors); see :func:`foreign_parts`.
    operations_allowed = False

    def foreign_parts_problem(self, model: Any) -> str | None:
        """What in the learner's Keras model is not a Keras layer, or None if it is built from Keras's layers only.

        :meth:`check` calls it on every Keras model it is handed, before the
        exercise's own check: a model with a ``Lambda`` layer, a class of the
        learner's own, or (unless :attr:`operations_allowed`) operations
        between layers is refused, whatever it scores (:func:`foreign_parts`
        says why).

        Returns:
            None, or a clause that completes "Not yet: <clause>."
        """
        found = foreign_parts(model, operations_allowed=self.operations_allowed)
        if not found:
            return None
        listed = "; ".join(found[:6]) + (f"; and {len(found) - 6} more" if len(found) > 6 else "")
        return (
            f"your model is not built from Keras layers alone: it contains {listed}. This check accepts a model "
            "made of an input, recurrent layers (keras.layers.LSTM, GRU, SimpleRNN, alone or in Bidirectional), "
            "keras.layers.Dense and other layers of keras.layers, because a Lambda layer, a layer or model class of "
            "your own, or arithmetic on tensors between layers can compute the answer around the recurrent layer, "
            "and then no measurement can tell whether your network learned it. Rebuild the model from Keras layers "
            "(keras.layers.Multiply, Add and Concatenate do the arithmetic between layers), train it, and check it again"
        )

    def model_problem(self, model: object, *, handed_in: str = "a function") -> str | None:
        """What is wrong with the model the learner handed in, or None if it is a Keras model with a recurrent layer.

        Args:
            model: The ``model=`` argument (or the answer, when the answer is the model).
            handed_in: What came without a model, for the message (``"a function"``, ``"a table"``).

        Returns:
            None, or a clause that completes "Not yet: ..., but <clause>".
        """
        if model is None or model is Ellipsis:
            return (
                f"you handed in {handed_in} without the model it uses, so nothing shows that a network did the "
                f"work. Pass the model too: {self.usage}"
            )
        if not is_keras_model(model):
            return (
                f"model= must be your trained Keras model; received {describe(model)}. Pass the model itself: "
                f"{self.usage}"
            )
        if not recurrent_layers(model):
            layers = ", ".join(layer_names(model)) or "none"
            return (
                f"your model has no recurrent layer (its layers: {layers}). Add one, such as "
                f"keras.layers.LSTM(32); {RECURRENT_LAYERS} counts"
            )
        return None

    @staticmethod
    def answers_change(compute: Callable[[], Any], before: np.ndarray, model: Any, seed: int = 0) -> float:
        """How far the answers move when the recurrent layers' weights are perturbed: the largest absolute change.

        ``compute()`` is called once inside :func:`perturbed_recurrent_weights`
        and its result compared with ``before`` (the answers with the trained
        weights). A function that ignores the model gives 0, and so does a
        model whose recurrent layer feeds nothing (an output multiplied by
        zero, a head with zero weights). If it raises or returns something
        else (NaN, another shape), the model clearly matters, and the change
        is infinite.

        Args:
            compute: Recomputes the answers, calling the learner's function.
            before: The answers with the trained weights.
            model: The Keras model to perturb.
            seed: Seeds the perturbation.

        Returns:
            The largest absolute change, ``math.inf`` when it cannot be compared.
        """
        with perturbed_recurrent_weights(model, seed=seed):
            try:
                after = np.asarray(compute(), dtype=np.float64)
            except Exception:
                return math.inf
        before = np.asarray(before, dtype=np.float64)
        if after.shape != before.shape or not np.all(np.isfinite(after)):
            return math.inf
        return float(np.max(np.abs(after - before))) if after.size else 0.0

    @staticmethod
    def silence_test(
        measure: Callable[[], float],
        score: float,
        baseline: float,
        model: Any,
        *,
        metric: str,
        baseline_name: str,
        higher_is_better: bool = False,
        formatter: Callable[[float], str] = fmt,
    ) -> SilenceTest:
        """Score the answers again with the model's recurrent layers silenced, twice: they must lose most of their skill.

        An answer that passes only because the recurrent layer changes it a
        little (the exact answer plus a small recurrent term), or because a
        Dense layer reads the input past a recurrent layer that feeds
        nothing, scores nearly as well silenced. ``measure()`` is called
        inside :func:`silenced_recurrent_layers` twice: with every weight of
        the recurrent layers set to zero, then with only their input kernels
        set to zero, so that they output a constant that does not depend on
        the sequence (this catches an answer computed elsewhere and scaled by
        a recurrent layer whose output never changes). Both times the answers
        must fall at least :data:`SILENCED_MIN_SKILL_LOST` of the way from
        ``score`` back to ``baseline`` (see :func:`skill_lost`). With every
        weight at zero, a model that raises, or a ``measure`` that raises or
        returns NaN, has lost everything; with only the input kernels at zero
        it must still give usable answers (a recurrent layer that cannot see
        the sequence still outputs a finite constant), else the check refuses.

        Args:
            measure: Recomputes the check's score, calling the learner's model or function.
            score: The score as handed in.
            baseline: The check's baseline score.
            model: The Keras model whose recurrent layers are silenced.
            metric: The score's name in messages: ``"RMSE"``, ``"accuracy"`` (or ``""`` when ``formatter`` names it).
            baseline_name: The baseline in messages: ``"persistence"``.
            higher_is_better: True for an accuracy or a count of right answers.
            formatter: Writes a score for messages.

        Returns:
            A :class:`SilenceTest`; its ``problem`` is None when the answers lost enough both times (or had no
            lead to lose), else a clause that completes "Not yet: ..., but <problem>".
        """
        scores = []
        for inputs_only in (False, True):
            with silenced_recurrent_layers(model, inputs_only=inputs_only):
                try:
                    scores.append(float(measure()))
                except Exception:  # the learner's model: a silenced model that breaks has lost its skill
                    scores.append(math.nan)
        silenced, blind = scores
        share = skill_lost(score, silenced, baseline, higher_is_better=higher_is_better)
        blind_share = skill_lost(score, blind, baseline, higher_is_better=higher_is_better)
        layers = ", ".join(recurrent_layers(model))
        problem = None
        # NaN (no lead over the baseline) compares False below: nothing to lose, no problem.
        if share < SILENCED_MIN_SKILL_LOST:
            problem = (
                f"your {layers} does not carry the answer. With every weight of that layer set to zero, so that its "
                f"output no longer depends on the input, your answers still score {_scored(metric, formatter, silenced)}, "
                f"against {formatter(score)} as handed in and {formatter(baseline)} for {baseline_name}: they keep "
                f"{_kept(share)} over {baseline_name}. Answers that come through the recurrent layer "
                f"lose at least {SILENCED_MIN_SKILL_LOST:.0%} of it. Another path computes them (a Dense or Lambda "
                "layer that reads the input directly, a skip connection around the recurrent layer, or arithmetic "
                "in your function): let the recurrent layer read the sequence and feed the output"
            )
        elif not math.isfinite(blind):
            problem = (
                f"your answers break when your {layers} cannot see the sequence. With only its input weights (its "
                "kernel) set to zero, its recurrent weights and biases kept, a recurrent layer still gives a finite "
                "output that is the same whatever the input; your model then gives no usable answers (NaN, infinity "
                "or an error), so it divides by that output or otherwise uses it as something other than a reading of "
                "the sequence: let the recurrent layer read the sequence and compute the answer itself"
            )
        elif blind_share < SILENCED_MIN_SKILL_LOST:
            problem = (
                f"your answers do not depend on what your {layers} reads from the sequence. With only its input "
                "weights (its kernel) set to zero, so that it no longer sees the sequence and gives the same output "
                f"whatever the input, your answers still score {_scored(metric, formatter, blind)}, against {formatter(score)} as "
                f"handed in and {formatter(baseline)} for {baseline_name}: they keep {_kept(blind_share)} over "
                f"{baseline_name}. Answers that come through the recurrent layer lose at least "
                f"{SILENCED_MIN_SKILL_LOST:.0%} of it. The recurrent layer's output is used as a constant (a factor "
                "or an offset on answers that another path computes, such as a Lambda or Dense layer that reads the "
                "input directly): let the recurrent layer read the sequence and compute the answer itself"
            )
        return SilenceTest(score, silenced, baseline, baseline_name, share, problem, blind, blind_share)

    # --- Hints and the solution ---

    def hint(self) -> None:
        """Print the next hint; each call gives a stronger one, and the last one repeats.

        Example:
            >>> from utils.checks import CountingExercise
            >>> exercise = CountingExercise()  # a fresh copy of counting_exercise, no hints given yet
            >>> exercise.hint()  # doctest: +ELLIPSIS
            Hint 1 of 3: ...
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
