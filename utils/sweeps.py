"""Seed sweeps: train a recipe once per seed, tabulate the runs, and read a gap against the spread between seeds.

Why this module exists: ``notebooks/32_how_sure_is_a_classifier.ipynb``
writes these helpers while it teaches that one training run is one draw: the
same recipe with another seed gives another model and another score, so a gap
between two recipes means something only when it is large next to the spread
between seeds. Later lessons (lesson 35 first) sweep seeds the same way; a
copy typed into each would drift from the first, so the helpers live here
once, with argument checks:

* :func:`train_seeds` trains a recipe once per seed, as lesson 31's
  :func:`utils.classify.fit_classifier` trains one model, and keeps what the
  lessons read of each run;
* :func:`print_epochs` shows where each run's best epoch fell and how many
  runs the epoch cap, not the patience rule, ended;
* :func:`with_mean_and_spread` adds the mean and the standard deviation over
  the seeds below a table with a row per seed;
* :func:`compare` lines two recipes (or a recipe and a baseline with no seed)
  up seed by seed and gives one of the three :data:`VERDICTS`.

Importing this module does not import TensorFlow; :func:`train_seeds` imports
Keras when it is called, after the notebook's setup cell has loaded it quietly.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from utils.classify import _as_batch, fit_classifier
from utils.datasets import _check_seed
from utils.memory import release_training_memory

__all__ = ["VERDICTS", "compare", "print_epochs", "train_seeds", "with_mean_and_spread"]

#: The three grades of :func:`compare`, keyed by the verdict it returns, with the sentence it prints.
VERDICTS = {
    "within the spread": "within the spread: one more run could land on either side",
    "a hint": "more than a spread, but under two or not in every seed: a hint, not a difference",
    "a difference": "two spreads or more, the same sign in every seed: a difference",
}

_RUN_KEYS = ("validation loss", "best epoch", "epochs run", "validation losses", "probabilities")


# --- Argument checks -----------------------------------------------------------------------


def _check_seeds(seeds: object) -> list[int]:
    """Check a non-empty sequence of distinct integer seeds and return them as Python ints, in order."""
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, (Sequence, np.ndarray)):
        raise TypeError(
            f"seeds must be a sequence of integers such as (42, 43, 44); received {type(seeds).__name__}. "
            "Pass a tuple or a list, in the order the runs should be trained."
        )
    if isinstance(seeds, np.ndarray) and seeds.ndim != 1:
        raise ValueError(f"seeds must be 1-D; received an array of shape {seeds.shape}. Pass e.g. seeds=(42, 43, 44).")
    if len(seeds) == 0:
        raise ValueError("seeds is empty; a sweep needs at least one seed. Pass e.g. seeds=(42, 43, 44).")
    checked = [_check_seed(seed) for seed in seeds]
    repeated = sorted({seed for seed in checked if checked.count(seed) > 1})
    if repeated:
        raise ValueError(
            f"seeds must be distinct; received seeds={list(checked)}, which repeats {repeated}. The same seed "
            "trains the same model twice and would count one run as two; drop the repeats."
        )
    return checked


def _check_series(values: object, name: str) -> pd.Series:
    """Check a pandas Series of at least two finite numbers (one per seed)."""
    if not isinstance(values, pd.Series):
        raise TypeError(
            f"{name} must be a pandas Series with one score per seed; received {type(values).__name__}. "
            "Take a column of the per-seed table, e.g. table.loc[list(SEEDS), column]."
        )
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise TypeError(
            f"{name} must hold numbers; received a Series of dtype {values.dtype}. "
            f"Convert it first, e.g. {name}.astype(float)."
        )
    if len(values) < 2:
        raise ValueError(
            f"{name} must hold at least 2 seeds' scores to have a spread; received {len(values)}. "
            "Train the recipe with more seeds."
        )
    if not np.isfinite(values.to_numpy(dtype=float)).all():
        raise ValueError(
            f"{name} must hold finite numbers; received {values.tolist()}. Drop the seeds with NaN or infinite "
            "scores (a run that diverged), or fix what produced them."
        )
    return values


# --- Training and tabulating a sweep -------------------------------------------------------


def train_seeds(
    build: Callable[[int], Any],
    x_fit: np.ndarray,
    y_fit: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    x_test: np.ndarray,
    *,
    seeds: Sequence[int],
    epochs: int,
    batch_size: int,
    patience: int,
) -> dict[int, dict[str, Any]]:
    """Train one model per seed with lesson 31's recipe and keep what a sweep reads of each run.

    For each seed, in order: ``keras.utils.set_random_seed(seed)`` (the initial
    weights, and any layer made inside ``build``), ``build(seed)``, then
    :func:`utils.classify.fit_classifier` with that seed (the batch order),
    which prints one line per run. After the last seed,
    :func:`utils.memory.release_training_memory` frees what the runs left behind.

    Introduced in ``notebooks/32_how_sure_is_a_classifier.ipynb``.

    Args:
        build: Called with the seed, returns a new compiled Keras classifier
            with an ``accuracy`` metric, e.g.
            ``lambda seed: build_day_classifier(2, seed, name=f"seed_{seed}")``.
        x_fit: Training sequences, shape ``(n, timesteps, num_features)``.
        y_fit: Their integer labels.
        x_val: Validation sequences; their loss chooses the epoch.
        y_val: Their labels.
        x_test: Test sequences, with the same ``(timesteps, num_features)`` as ``x_fit``.
        seeds: Distinct integer seeds, one run each.
        epochs: The most epochs to train.
        batch_size: Examples per training batch.
        patience: Epochs without a lower validation loss before stopping.

    Returns:
        ``{seed: run}`` in the order of ``seeds``; each run is a dict with
        ``"validation loss"`` (the lowest, the epoch early stopping kept),
        ``"best epoch"`` (that epoch, counted from 1), ``"epochs run"``,
        ``"validation losses"`` (one per epoch) and ``"probabilities"`` (the
        kept model's outputs on ``x_test``, a NumPy array).

    Raises:
        TypeError: If ``build`` is not callable or is a model rather than a function that builds one, a seed is not an integer, or an
            array is not numeric.
        ValueError: If ``seeds`` is empty or repeats a seed, or ``x_test`` does
            not have ``x_fit``'s sequence shape. The other arguments are checked
            by :func:`utils.classify.fit_classifier`.

    Example:
        >>> import contextlib, io
        >>> from utils.classify import build_day_classifier
        >>> x = np.random.default_rng(0).normal(size=(20, 24, 1)).astype("float32")
        >>> y = (x[:, -1, 0] > 0).astype(int)
        >>> with contextlib.redirect_stdout(io.StringIO()):  # one progress and one summary line per run
        ...     runs = train_seeds(lambda seed: build_day_classifier(1, seed, name=f"seed_{seed}"),
        ...                        x[:12], y[:12], x[12:16], y[12:16], x[16:], seeds=(1, 2), epochs=2,
        ...                        batch_size=4, patience=1)
        >>> list(runs), list(runs[1]), runs[1]["probabilities"].shape
        ([1, 2], ['validation loss', 'best epoch', 'epochs run', 'validation losses', 'probabilities'], (4, 1))
    """
    if not callable(build):
        raise TypeError(
            f"build must be a function that takes a seed and returns a compiled model; received "
            f"{type(build).__name__}. Pass e.g. lambda seed: build_day_classifier(2, seed)."
        )
    import keras

    if isinstance(build, keras.Model):  # a model is callable too, but would be trained again and again
        raise TypeError(
            f"build must be a function that takes a seed and returns a new compiled model; received the model "
            f"{type(build).__name__} {build.name!r}. Pass the function that builds it, e.g. "
            "lambda seed: build_day_classifier(2, seed), so that every seed starts from its own weights."
        )
    seeds = _check_seeds(seeds)
    fit_shape = _as_batch(x_fit, "x_fit").shape[1:]
    test_shape = _as_batch(x_test, "x_test").shape[1:]
    if test_shape != fit_shape:
        raise ValueError(
            f"x_test's sequences have shape {test_shape}, x_fit's {fit_shape}; the models are trained on the "
            "second. Prepare x_test exactly as x_fit (the same features, padding and length)."
        )
    runs = {}
    for seed in seeds:
        keras.utils.set_random_seed(seed)  # the initial weights (and the layers made inside build)
        model = build(seed)
        history, _ = fit_classifier(
            model, x_fit, y_fit, x_val, y_val, epochs=epochs, batch_size=batch_size, patience=patience, seed=seed
        )  # seed: the batch order
        val_loss = history.history["val_loss"]
        runs[seed] = {
            "validation loss": min(val_loss),
            "best epoch": int(np.argmin(val_loss)) + 1,
            "epochs run": len(val_loss),
            "validation losses": val_loss,
            "probabilities": np.asarray(model(x_test, training=False)),  # no predict() set-up
        }
        del model
    release_training_memory()
    return runs


def print_epochs(name: str, runs: Mapping[int, Mapping[str, Any]], recipe: Mapping[str, Any]) -> list[int]:
    """Print where each run's best epoch fell and how many runs the epoch cap ended; return the best epochs.

    A run whose best epoch is later than ``epochs - patience`` was stopped by
    the cap before the patience rule could stop it: it might have improved
    with more epochs.

    Introduced in ``notebooks/32_how_sure_is_a_classifier.ipynb``.

    Args:
        name: The recipe's name, printed first.
        runs: ``{seed: run}`` from :func:`train_seeds` (each run needs its ``"best epoch"``).
        recipe: The training settings, with at least ``"epochs"`` and ``"patience"``.

    Returns:
        The best epochs, in the order of ``runs``.

    Raises:
        TypeError: If ``runs`` or ``recipe`` is not a mapping.
        ValueError: If ``runs`` is empty, or a key is missing.

    Example:
        >>> runs = {42: {"best epoch": 12}, 43: {"best epoch": 28}}
        >>> print_epochs("LSTM(32)", runs, {"epochs": 30, "batch_size": 32, "patience": 10})
        LSTM(32): best epochs [12, 28] (cap 30, patience 10); 1 of 2 runs ended by the cap before the patience rule could end them
        [12, 28]
    """
    if not isinstance(runs, Mapping):
        raise TypeError(
            f"runs must be a dict {{seed: run}} as train_seeds returns; received {type(runs).__name__}."
        )
    if len(runs) == 0:
        raise ValueError("runs is empty; pass the dict train_seeds returned for at least one seed.")
    for seed, run in runs.items():
        if not isinstance(run, Mapping) or "best epoch" not in run:
            raise ValueError(
                f"runs[{seed!r}] must be a run dict with a 'best epoch' key, as train_seeds returns; received "
                f"{type(run).__name__}{' with keys ' + str(list(run)) if isinstance(run, Mapping) else ''}."
            )
    if not isinstance(recipe, Mapping):
        raise TypeError(
            f"recipe must be a dict of training settings such as {{'epochs': 30, 'batch_size': 32, 'patience': 10}}; "
            f"received {type(recipe).__name__}."
        )
    missing = [key for key in ("epochs", "patience") if key not in recipe]
    if missing:
        raise ValueError(
            f"recipe must hold 'epochs' and 'patience'; received keys {list(recipe)}, missing {missing}. "
            "Pass the dict the runs were trained with."
        )
    best = [run["best epoch"] for run in runs.values()]
    cut_short = sum(epoch > recipe["epochs"] - recipe["patience"] for epoch in best)
    print(f"{name}: best epochs {best} (cap {recipe['epochs']}, patience {recipe['patience']}); "
          f"{cut_short} of {len(best)} runs ended by the cap before the patience rule could end them")
    return best


def with_mean_and_spread(per_seed: pd.DataFrame) -> pd.DataFrame:
    """Append two rows to a table with one row per seed: the ``"mean"`` and the ``"spread (std)"`` of each column.

    The spread is pandas' standard deviation, with ``ddof=1`` (the sample
    standard deviation over the seeds).

    Introduced in ``notebooks/32_how_sure_is_a_classifier.ipynb``.

    Args:
        per_seed: One row per seed, one numeric column per score and recipe.

    Returns:
        A new DataFrame: the rows of ``per_seed``, then ``"mean"`` and ``"spread (std)"``.

    Raises:
        TypeError: If ``per_seed`` is not a DataFrame or has a column that is not numeric.
        ValueError: If it has fewer than 2 rows (no spread) or holds NaN.

    Example:
        >>> table = pd.DataFrame({"accuracy": [0.9, 0.8, 0.7]}, index=pd.Index([42, 43, 44], name="seed"))
        >>> with_mean_and_spread(table)["accuracy"].round(4).tolist()
        [0.9, 0.8, 0.7, 0.8, 0.1]
        >>> with_mean_and_spread(table).index[-2:].tolist()
        ['mean', 'spread (std)']
    """
    if not isinstance(per_seed, pd.DataFrame):
        raise TypeError(
            f"per_seed must be a pandas DataFrame with one row per seed; received {type(per_seed).__name__}. "
            "Build it with pd.DataFrame(...), e.g. pd.DataFrame(scores).T for a dict of per-seed scores."
        )
    if len(per_seed) < 2:
        raise ValueError(
            f"per_seed must have at least 2 rows (seeds) to have a spread; received {len(per_seed)}. "
            "Train the recipe with more seeds."
        )
    not_numeric = [column for column in per_seed.columns if not pd.api.types.is_numeric_dtype(per_seed[column])]
    if not_numeric:
        raise TypeError(
            f"per_seed's columns must be numeric; received non-numeric columns {not_numeric}. "
            "Keep only the scores, or convert them with .astype(float)."
        )
    if per_seed.isna().to_numpy().any():
        raise ValueError(
            f"per_seed holds NaN in columns {per_seed.columns[per_seed.isna().any()].tolist()}; the mean and the "
            "spread would silently skip those seeds. Fill in the missing runs or drop those seeds from every column."
        )
    return pd.concat([per_seed, per_seed.agg(["mean", "std"]).rename(index={"std": "spread (std)"})])


# --- Reading a gap ---------------------------------------------------------------------------


def compare(label: str, a: pd.Series, b: pd.Series | float, count: int | None = None, unit: str = "") -> str:
    """Print ``a - b`` seed by seed and the mean gap in spreads, with a verdict; return the verdict.

    The gap is the mean of the per-seed differences; the yardstick is the
    larger of the two recipes' spreads (standard deviations over the seeds),
    or ``a``'s own spread when ``b`` is a baseline with no seed. The verdict
    has three grades (:data:`VERDICTS`): within one spread, ``"within the
    spread"``; two spreads or more with the same sign in every seed, ``"a
    difference"``; anything between, ``"a hint"`` to check with more seeds.

    Introduced in ``notebooks/32_how_sure_is_a_classifier.ipynb``.

    Args:
        label: Printed first, e.g. ``"LSTM(32) minus 1-NN"``.
        a: One score per seed, a pandas Series indexed by seed.
        b: Another recipe's scores with the same index as ``a`` (each seed
            paired with the same seed), or one number for a baseline with no seed.
        count: If given, also print the mean gap times ``count``, e.g. the
            number of test examples, to turn an accuracy gap into examples.
        unit: What ``count`` counts, printed after that number.

    Returns:
        The verdict: ``"within the spread"``, ``"a hint"`` or ``"a difference"``
        (a key of :data:`VERDICTS`).

    Raises:
        TypeError: If ``a`` or ``b`` has the wrong type, ``count`` is not an
            integer, or ``label`` or ``unit`` is not a string.
        ValueError: If ``a`` has fewer than 2 values, a value is not finite,
            ``b``'s index differs from ``a``'s, or ``count`` < 1.

    Example:
        >>> seeds = pd.Index([42, 43, 44], name="seed")
        >>> a = pd.Series([0.95, 0.96, 0.97], index=seeds)
        >>> compare("A minus B", a, pd.Series([0.90, 0.92, 0.91], index=seeds), 100, "test days")
        A minus B: per seed +0.0500, +0.0400, +0.0600; mean +0.0500 (+5.0 test days), 5.0 spreads; two spreads or more, the same sign in every seed: a difference
        'a difference'
        >>> compare("A minus 1-NN", a, 0.955)
        A minus 1-NN: per seed -0.0050, +0.0050, +0.0150; mean +0.0050, 0.5 spreads; within the spread: one more run could land on either side
        'within the spread'
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a string; received {label!r} ({type(label).__name__}). Pass e.g. 'A minus B'.")
    a = _check_series(a, "a")
    if isinstance(b, pd.Series):
        b = _check_series(b, "b")
        if not b.index.equals(a.index):
            raise ValueError(
                f"b must have the same index (seeds, in the same order) as a, so that each seed is paired with "
                f"itself; received a.index={a.index.tolist()} and b.index={b.index.tolist()}. "
                "Select both with the same seeds, e.g. table.loc[list(SEEDS), column], or use b.reindex(a.index)."
            )
    elif isinstance(b, (bool, np.bool_)) or not isinstance(b, numbers.Real):
        raise TypeError(
            f"b must be a pandas Series of per-seed scores with a's index, or one number for a baseline with no "
            f"seed; received {type(b).__name__}. Pass e.g. a float such as the 1-NN accuracy."
        )
    elif not np.isfinite(b):
        raise ValueError(f"b must be a finite number; received b={b}. Check how the baseline was computed.")
    if count is not None:
        if isinstance(count, (bool, np.bool_)) or not isinstance(count, numbers.Integral):
            raise TypeError(
                f"count must be a whole number such as the number of test examples, or None; received "
                f"count={count!r} ({type(count).__name__}). Pass e.g. count=len(y_test)."
            )
        if count < 1:
            raise ValueError(f"count must be >= 1 or None; received count={count}. Pass e.g. count=len(y_test).")
    if not isinstance(unit, str):
        raise TypeError(f"unit must be a string; received {unit!r} ({type(unit).__name__}). Pass e.g. 'test days'.")
    differences = a - b
    spread = max(a.std(), b.std() if isinstance(b, pd.Series) else 0.0)
    gap = differences.mean()
    spreads = abs(gap) / spread if spread > 0 else (np.inf if gap else 0.0)
    same_sign = len(set(np.sign(differences))) == 1
    verdict = "within the spread" if spreads <= 1 else "a difference" if spreads >= 2 and same_sign else "a hint"
    in_units = f" ({gap * count:+.1f} {unit})" if count else ""
    print(f"{label}: per seed {', '.join(f'{d:+.4f}' for d in differences)}; mean {gap:+.4f}{in_units}, "
          f"{spreads:.1f} spreads; {VERDICTS[verdict]}")
    return verdict
