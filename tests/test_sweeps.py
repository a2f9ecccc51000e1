"""utils.sweeps: lesson 32's seed sweeps (train a recipe per seed, tabulate the runs, read a gap against the spread)."""

import io
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest

from utils import import_tensorflow_quietly

import_tensorflow_quietly()

from utils.classify import build_day_classifier  # noqa: E402
from utils.sweeps import VERDICTS, compare, print_epochs, train_seeds, with_mean_and_spread  # noqa: E402

SEEDS = pd.Index([42, 43, 44], name="seed")
A = pd.Series([0.95, 0.96, 0.97], index=SEEDS)


def quietly(function, *args, **kwargs):
    with redirect_stdout(io.StringIO()):
        return function(*args, **kwargs)


# --- compare --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "b, verdict",
    [
        (pd.Series([0.90, 0.92, 0.91], index=SEEDS), "a difference"),  # 5 spreads, + in every seed
        (pd.Series([0.935, 0.955, 0.945], index=SEEDS), "a hint"),  # 1.5 spreads
        (pd.Series([0.90, 0.97, 0.91], index=SEEDS), "within the spread"),  # 3.3 spreads of a, 0.9 of b's larger one
        (pd.Series([0.95, 0.955, 0.96], index=SEEDS), "within the spread"),  # 0.5 spreads
        (0.90, "a difference"),  # a baseline with no seed: a's own spread is the yardstick (5 spreads)
        (0.945, "a hint"),  # 1.5 spreads
        (0.955, "within the spread"),  # 0.5 spreads
    ],
)
def test_compare_grades_the_mean_gap_against_the_larger_spread(b, verdict):
    assert quietly(compare, "A minus B", A, b) == verdict


def test_compare_needs_the_same_sign_in_every_seed_for_a_difference():
    a = pd.Series([0.50, 0.80, 0.80], index=SEEDS)  # spread 0.173
    same_sign = pd.Series([0.49, 0.20, 0.20], index=SEEDS)  # gaps +0.01, +0.6, +0.6: 2.3 spreads
    mixed = pd.Series([0.51, 0.20, 0.20], index=SEEDS)  # gaps -0.01, +0.6, +0.6: 2.2 spreads, one seed negative
    assert quietly(compare, "same sign", a, same_sign) == "a difference"
    assert quietly(compare, "mixed", a, mixed) == "a hint"
    ten_seeds = pd.Series([0.699] + [0.8] * 9)  # against a baseline of 0.7: 2.8 spreads, one seed negative
    assert quietly(compare, "mixed, baseline", ten_seeds, 0.7) == "a hint"
    assert quietly(compare, "same sign, baseline", ten_seeds, 0.69) == "a difference"


def test_compare_prints_each_seed_the_mean_the_count_and_the_verdict(capsys):
    verdict = compare("A minus B", A, pd.Series([0.90, 0.92, 0.91], index=SEEDS), 200, "test days")
    assert capsys.readouterr().out == (
        "A minus B: per seed +0.0500, +0.0400, +0.0600; mean +0.0500 (+10.0 test days), 5.0 spreads; "
        f"{VERDICTS['a difference']}\n"
    )
    assert verdict == "a difference" and set(VERDICTS) == {"within the spread", "a hint", "a difference"}
    compare("A minus 1-NN", A, 0.955)
    assert capsys.readouterr().out == (
        "A minus 1-NN: per seed -0.0050, +0.0050, +0.0150; mean +0.0050, 0.5 spreads; "
        "within the spread: one more run could land on either side\n"
    )


def test_compare_with_no_spread_at_all():
    flat = pd.Series([0.9, 0.9, 0.9], index=SEEDS)
    assert quietly(compare, "equal", flat, flat.copy()) == "within the spread"  # 0 spreads
    assert quietly(compare, "apart", flat, 0.8) == "a difference"  # an infinite number of spreads


@pytest.mark.parametrize(
    "a, b, kwargs, error, message",
    [
        ([0.9, 0.8, 0.7], 0.5, {}, TypeError, r"a must be a pandas Series .* received list"),
        (A.to_numpy(), 0.5, {}, TypeError, r"received ndarray"),
        (pd.Series(["x", "y"]), 0.5, {}, TypeError, r"a must hold numbers; received a Series of dtype"),
        (pd.Series([True, False]), 0.5, {}, TypeError, r"dtype bool"),
        (A.iloc[:1], 0.5, {}, ValueError, r"at least 2 seeds' scores .* received 1"),
        (pd.Series([], dtype=float), 0.5, {}, ValueError, r"at least 2 .* received 0"),
        (pd.Series([0.9, np.nan, 0.7], index=SEEDS), 0.5, {}, ValueError, r"a must hold finite numbers; received \[0.9, nan"),
        (A, pd.Series([0.9, np.inf, 0.7], index=SEEDS), {}, ValueError, r"b must hold finite numbers"),
        (A, pd.Series([0.9, 0.8, 0.7], index=[43, 42, 44]), {}, ValueError,
         r"same index .* a.index=\[42, 43, 44\] and b.index=\[43, 42, 44\].*reindex"),
        (A, pd.Series([0.9, 0.8], index=SEEDS[:2]), {}, ValueError, r"same index"),
        (A, "0.5", {}, TypeError, r"b must be a pandas Series .* or one number .* received str"),
        (A, True, {}, TypeError, r"received bool"),
        (A, np.nan, {}, ValueError, r"b must be a finite number; received b=nan"),
        (A, 0.5, {"count": 0}, ValueError, r"count must be >= 1 or None; received count=0"),
        (A, 0.5, {"count": 10.0}, TypeError, r"count must be a whole number .* received count=10.0 \(float\)"),
        (A, 0.5, {"unit": 3}, TypeError, r"unit must be a string"),
    ],
)
def test_compare_refuses_bad_arguments(a, b, kwargs, error, message):
    with pytest.raises(error, match=message):
        compare("label", a, b, **kwargs)


# --- with_mean_and_spread and print_epochs ----------------------------------------------------


def test_with_mean_and_spread_appends_the_mean_and_the_sample_std():
    per_seed = pd.DataFrame({"accuracy": [0.9, 0.8, 0.7], "loss": [0.1, 0.3, 0.2]}, index=SEEDS)
    table = with_mean_and_spread(per_seed)
    assert table.index.tolist() == [42, 43, 44, "mean", "spread (std)"]
    assert table.loc["mean"].tolist() == pytest.approx([0.8, 0.2])
    assert table.loc["spread (std)"].tolist() == pytest.approx([0.1, 0.1])  # ddof=1
    assert np.array_equal(table.iloc[:3].to_numpy(dtype=float), per_seed.to_numpy())
    assert per_seed.index.tolist() == [42, 43, 44], "the input is left as it was"


@pytest.mark.parametrize(
    "per_seed, error, message",
    [
        ({"accuracy": [0.9, 0.8]}, TypeError, r"pandas DataFrame .* received dict"),
        (pd.DataFrame({"accuracy": [0.9]}), ValueError, r"at least 2 rows .* received 1"),
        (pd.DataFrame({"accuracy": []}), ValueError, r"received 0"),
        (pd.DataFrame({"accuracy": [0.9, np.nan]}), ValueError, r"NaN in columns \['accuracy'\]"),
        (pd.DataFrame({"model": ["a", "b"]}), TypeError, r"non-numeric columns \['model'\]"),
    ],
)
def test_with_mean_and_spread_refuses_bad_tables(per_seed, error, message):
    with pytest.raises(error, match=message):
        with_mean_and_spread(per_seed)


def test_print_epochs_counts_the_runs_the_cap_ended(capsys):
    recipe = {"epochs": 30, "batch_size": 32, "patience": 10}
    runs = {42: {"best epoch": 20}, 43: {"best epoch": 21}, 44: {"best epoch": 30}}  # 21 > 30 - 10: cut short
    assert print_epochs("LSTM(32)", runs, recipe) == [20, 21, 30]
    assert capsys.readouterr().out == (
        "LSTM(32): best epochs [20, 21, 30] (cap 30, patience 10); "
        "2 of 3 runs ended by the cap before the patience rule could end them\n"
    )


@pytest.mark.parametrize(
    "runs, recipe, error, message",
    [
        ({}, {"epochs": 30, "patience": 10}, ValueError, r"runs is empty"),
        ([{"best epoch": 3}], {"epochs": 30, "patience": 10}, TypeError, r"runs must be a dict .* received list"),
        ({42: {"epochs run": 3}}, {"epochs": 30, "patience": 10}, ValueError, r"runs\[42\] .* 'best epoch'"),
        ({42: {"best epoch": 3}}, {"epochs": 30}, ValueError, r"missing \['patience'\]"),
        ({42: {"best epoch": 3}}, (30, 10), TypeError, r"recipe must be a dict"),
    ],
)
def test_print_epochs_refuses_bad_arguments(runs, recipe, error, message):
    with pytest.raises(error, match=message):
        print_epochs("name", runs, recipe)


# --- train_seeds ------------------------------------------------------------------------------

X_DAYS = np.random.default_rng(0).normal(size=(40, 24, 1)).astype("float32")
Y_DAYS = (X_DAYS[:, 6:12, 0].mean(axis=1) > 0).astype(int)
FIT, VAL, TEST = np.arange(24), np.arange(24, 32), np.arange(32, 40)
RECIPE = {"epochs": 2, "batch_size": 8, "patience": 1}


def build(seed):
    return build_day_classifier(1, seed, name=f"seed_{seed}")


def sweep(build=build, x_test=X_DAYS[TEST], seeds=(1, 2), **recipe):
    return train_seeds(build, X_DAYS[FIT], Y_DAYS[FIT], X_DAYS[VAL], Y_DAYS[VAL], x_test, seeds=seeds,
                       **(recipe or RECIPE))


def test_train_seeds_keeps_what_the_lesson_reads_and_is_reproducible(capsys):
    runs = sweep()
    summaries = [line for line in capsys.readouterr().out.split("\n") if " epochs in " in line]
    assert [line.split("\r")[-1].split(":")[0] for line in summaries] == ["seed_1", "seed_2"], "one line per run"
    assert list(runs) == [1, 2]
    for run in runs.values():
        assert list(run) == ["validation loss", "best epoch", "epochs run", "validation losses", "probabilities"]
        assert run["epochs run"] == len(run["validation losses"]) <= 2
        assert run["validation loss"] == min(run["validation losses"])
        assert run["validation losses"][run["best epoch"] - 1] == run["validation loss"]
        assert isinstance(run["probabilities"], np.ndarray) and run["probabilities"].shape == (len(TEST), 1)
        assert np.all((run["probabilities"] >= 0) & (run["probabilities"] <= 1))
    assert not np.array_equal(runs[1]["probabilities"], runs[2]["probabilities"]), "another seed, another model"
    again = quietly(sweep)
    for seed in (1, 2):
        assert np.array_equal(again[seed]["probabilities"], runs[seed]["probabilities"])
        assert again[seed]["validation losses"] == runs[seed]["validation losses"]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"build": "lstm"}, TypeError, r"build must be a function .* received str"),
        ({"seeds": ()}, ValueError, r"seeds is empty"),
        ({"seeds": (1, 2, 1)}, ValueError, r"seeds must be distinct; received seeds=\[1, 2, 1\], which repeats \[1\]"),
        ({"seeds": 42}, TypeError, r"seeds must be a sequence .* received int"),
        ({"seeds": "42"}, TypeError, r"received str"),
        ({"seeds": {1, 2}}, TypeError, r"received set"),
        ({"seeds": (1, 2.5)}, TypeError, r"seed must be an integer; received seed=2.5"),
        ({"seeds": (1, True)}, TypeError, r"seed must be an integer; received seed=True"),
        ({"x_test": X_DAYS[TEST, :12]}, ValueError, r"x_test's sequences have shape \(12, 1\), x_fit's \(24, 1\)"),
        ({"x_test": X_DAYS[TEST, :, 0]}, ValueError, r"x_test must have shape \(n, timesteps, num_features\)"),
        ({"x_test": np.full((2, 24, 1), np.nan)}, ValueError, r"x_test"),
        ({"epochs": 0, "batch_size": 8, "patience": 1}, ValueError, r"epochs must be >= 1"),
    ],
)
def test_train_seeds_refuses_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        quietly(sweep, **kwargs)


def test_train_seeds_refuses_a_model_in_place_of_the_function_that_builds_it():
    with pytest.raises(TypeError, match=r"build must be a function .* received the model Sequential 'seed_0'"):
        quietly(sweep, build=build(0))
