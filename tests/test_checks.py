"""utils.checks: each exercise check accepts its reference answer and rejects the typical wrong ones.

Every check is asserted twice: its return value, and the feedback it prints
(a check that says False without saying why does not teach). The Keras
models are trained once per module, briefly, on the exercise's own data.
"""

import math

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from utils import checks
from utils.baselines import LinearAutoregression, persistence_forecast
from utils.checks import (
    COSINE_DT,
    COSINE_WINDOW,
    COUNTING_CASES,
    CosineExercise,
    CountingExercise,
    TuningExercise,
    cosine_exercise,
    counting_exercise,
    tuning_exercise,
)
from utils.datasets import cosine_wave, make_windows, sine_wave

EXERCISES = [cosine_exercise, tuning_exercise, counting_exercise]


def run_check(exercise, answer, capsys):
    """The check's result and everything it printed."""
    result = exercise.check(answer)
    assert isinstance(result, bool)
    return result, capsys.readouterr().out


# --- Shared behaviour ---------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
@pytest.mark.parametrize("starter", [None, ...], ids=["None", "Ellipsis"])
def test_an_untouched_starter_is_not_attempted_yet_and_never_raises(exercise, starter, capsys):
    result, out = run_check(exercise, starter, capsys)
    assert result is False
    assert out.startswith("Not attempted yet: assign ")
    assert "run this cell again" in out


@pytest.mark.parametrize("make", [CosineExercise, TuningExercise, CountingExercise])
def test_hints_get_stronger_then_repeat_the_last_and_point_to_the_solution(make, capsys):
    exercise = make()
    assert len(exercise.hints) == 3
    printed = []
    for _ in range(5):
        exercise.hint()
        printed.append(capsys.readouterr().out)
    for number in (1, 2):
        assert printed[number - 1].startswith(f"Hint {number} of 3: {exercise.hints[number - 1]}")
        assert f"Run {exercise.name}.hint() again for a stronger hint" in printed[number - 1]
    assert printed[2].startswith(f"Hint 3 of 3: {exercise.hints[2]}")
    assert "That was the last hint" in printed[2] and f"{exercise.name}.solution()" in printed[2]
    for again in printed[3:]:
        assert again.startswith(f"Hint 3 of 3 (again): {exercise.hints[2]}")
        assert "There are no more hints" in again and f"{exercise.name}.solution()" in again
    assert len(set(exercise.hints)) == 3 and all(len(hint) > 100 for hint in exercise.hints)


def test_the_third_hints_are_sketches_that_run_into_the_exercise():
    assert "cosine_wave(2000, dt=COSINE_DT)" in cosine_exercise.hints[2]
    assert "trials['chosen'] = trials.val_rmse == trials.val_rmse.min()" in tuning_exercise.hints[2]
    assert "np.diff(sequence)" in counting_exercise.hints[2]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_each_exercise_reads_its_solution_from_its_solved_notebook(exercise):
    stems = {
        "cosine_exercise": "22_exercise_cosine_wave",
        "tuning_exercise": "25_exercise_tuning",
        "counting_exercise": "23_exercise_counting",
    }
    assert exercise.solutions_path == checks.REPO_ROOT / "solutions" / f"{stems[exercise.name]}_solutions.ipynb"


def test_solution_says_where_the_missing_solved_notebook_should_be(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(checks, "SOLUTIONS_DIR", tmp_path)
    cosine_exercise.solution()
    out = capsys.readouterr().out
    assert out.startswith("No solution to show: the reference solution should be in ")
    assert str(tmp_path / "22_exercise_cosine_wave_solutions.ipynb") in out
    assert "does not exist" in out


def test_solution_prints_every_solution_block_of_the_solved_notebook(tmp_path, monkeypatch, capsys):
    solved = new_notebook(
        cells=[
            new_markdown_cell("### Exercise 23.1\n\nCount.", id="task"),
            new_code_cell(
                "# STARTER: predict_next = None\n### BEGIN SOLUTION\ndef predict_next(sequence):\n"
                "    return sequence[-1] + (sequence[-1] - sequence[-2])\n### END SOLUTION\n"
                "counting_exercise.check(predict_next)",
                id="answer",
            ),
            new_code_cell("print('not a solution')", id="other"),
            new_code_cell(
                "def f():\n    # STARTER: return None\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"
                "### BEGIN SOLUTION\nsecond_block = 2\n### END SOLUTION",
                id="two",
            ),
            new_code_cell("assert counting_exercise.check(predict_next)", id="tagged", metadata={"tags": ["solution"]}),
        ]
    )
    nbformat.write(solved, tmp_path / "23_exercise_counting_solutions.ipynb")
    monkeypatch.setattr(checks, "SOLUTIONS_DIR", tmp_path)
    counting_exercise.solution()
    out = capsys.readouterr().out
    assert out.startswith("Reference solution for counting_exercise (from ")
    assert "def predict_next(sequence):\n    return sequence[-1] + (sequence[-1] - sequence[-2])\n" in out
    assert "    return 1\n\nsecond_block = 2\n" in out
    assert "assert counting_exercise.check(predict_next)" in out
    assert "solution part 3 of 3" in out
    for left_out in ("not a solution", "STARTER", "BEGIN SOLUTION", "END SOLUTION", "counting_exercise.check(predict_next)\n"):
        assert left_out not in out.replace("assert counting_exercise.check(predict_next)", "")


# --- Cosine ---------------------------------------------------------------------------------


def _lstm(keras, series, seed=0):
    """LSTM(16) -> Dense(1), Adam 0.01, 20 epochs of batch 32 on raw windows of the series."""
    keras.utils.set_random_seed(seed)
    x, y = make_windows(series, COSINE_WINDOW)
    model = keras.Sequential([keras.Input(shape=(None, 1)), keras.layers.LSTM(16), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    return model


@pytest.fixture(scope="module")
def cosine_model(keras):
    return _lstm(keras, cosine_wave(2000, dt=COSINE_DT))


@pytest.fixture(scope="module")
def sine_model(keras):
    """Trained the same way on lesson 21's data: a sine sampled every 0.1."""
    return _lstm(keras, sine_wave(2000, dt=0.1))


def test_cosine_constants_are_the_exercises_step_and_window():
    assert (COSINE_DT, COSINE_WINDOW) == (0.3, 10)


def test_cosine_accepts_a_briefly_trained_lstm(cosine_model, capsys):
    result, out = run_check(cosine_exercise, cosine_model, capsys)
    assert result is True, out
    assert out.startswith("Correct: your model's RMSE on 1,560 unseen cosine windows is ")
    assert "the persistence baseline is 0.211; the bar was 0.0423 (a fifth of persistence)" in out


def test_cosine_accepts_a_callable_such_as_a_fitted_linear_autoregression(capsys):
    x, y = make_windows(cosine_wave(2000, dt=COSINE_DT), COSINE_WINDOW)
    result, out = run_check(cosine_exercise, LinearAutoregression().fit(x, y).predict, capsys)
    assert result is True, out
    assert out.startswith("Correct:")


def test_cosine_accepts_an_object_with_predict_and_a_flat_output(capsys):
    x, y = make_windows(cosine_wave(2000, dt=COSINE_DT), COSINE_WINDOW)
    fitted = LinearAutoregression().fit(x, y)

    class Flat:  # predict(x) without a verbose argument, returning (batch,)
        def predict(self, windows):
            return fitted.predict(windows)[:, 0]

    result, out = run_check(cosine_exercise, Flat(), capsys)
    assert result is True, out


def test_cosine_rejects_an_untrained_model(keras, capsys):
    keras.utils.set_random_seed(0)
    untrained = keras.Sequential([keras.Input(shape=(None, 1)), keras.layers.LSTM(16), keras.layers.Dense(1)])
    result, out = run_check(cosine_exercise, untrained, capsys)
    assert result is False
    assert out.startswith("Not yet: your model's RMSE on 1,560 unseen cosine windows is ")
    assert "to pass, stay at or below 0.0423 (a fifth of persistence)" in out


def test_cosine_rejects_a_model_trained_on_lesson_04s_sine(sine_model, cosine_model, capsys):
    """Why COSINE_DT is 0.3: with lesson 21's step the sine would be the cosine shifted, and pass."""
    result, out = run_check(cosine_exercise, sine_model, capsys)
    assert result is False
    assert "Not yet: your model's RMSE" in out and "lesson 21's sine (dt=0.1)" in out
    # The same architecture and training pass when the data is right (see the test above).
    assert cosine_exercise.check(cosine_model) is True


def test_cosine_rejects_persistence(capsys):
    result, out = run_check(cosine_exercise, persistence_forecast, capsys)
    assert result is False
    assert "is 0.211; the persistence baseline is 0.211; to pass, stay at or below 0.0423" in out


@pytest.mark.parametrize(
    "function, expected",
    [
        (lambda x: np.zeros((len(x), 10, 1)), "returned shape (1560, 10, 1); expected (1560, 1)"),
        (lambda x: np.zeros((len(x), 2)), "returned shape (1560, 2); expected (1560, 1)"),
        (lambda x: np.zeros((5, 1)), "returned shape (5, 1); expected (1560, 1)"),
    ],
)
def test_cosine_rejects_a_wrong_output_shape_and_says_which(function, expected, capsys):
    result, out = run_check(cosine_exercise, function, capsys)
    assert result is False
    assert expected in out
    if "(1560, 10, 1)" in expected:
        assert "return_sequences=True" in out


def test_cosine_names_a_fixed_input_length_other_than_10(keras, capsys):
    model = keras.Sequential([keras.Input(shape=(20, 1)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    result, out = run_check(cosine_exercise, model, capsys)
    assert result is False
    assert "fixed to windows of 20 steps" in out and "COSINE_WINDOW = 10" in out


def test_cosine_reports_nan_outputs(capsys):
    result, out = run_check(cosine_exercise, lambda x: np.full((len(x), 1), np.nan), capsys)
    assert result is False
    assert "NaN or infinity for 1,560 of 1,560 unseen cosine windows" in out


def test_cosine_reports_a_model_that_raises_without_raising(capsys):
    def broken(x):
        raise RuntimeError("boom")

    result, out = run_check(cosine_exercise, broken, capsys)
    assert result is False
    assert "raised RuntimeError: boom" in out


@pytest.mark.parametrize(
    "answer, expected",
    [
        (42, "received int 42"),
        (np.zeros((3, 1)), "Pass the model itself, not its predictions"),
        (type("History", (), {})(), "model.fit(...) returns the History"),
    ],
    ids=["int", "predictions", "History"],
)
def test_cosine_rejects_the_wrong_type_without_raising(answer, expected, capsys):
    result, out = run_check(cosine_exercise, answer, capsys)
    assert result is False
    assert out.startswith("Not yet: expected your trained Keras model")
    assert expected in out


def test_cosine_checks_windows_from_unseen_stretches_of_the_exercises_wave():
    x, y = checks._cosine_check_windows()
    assert x.shape == (1560, COSINE_WINDOW, 1) and y.shape == (1560, 1)
    assert min(checks.COSINE_CHECK_STARTS) > 2000 * COSINE_DT  # beyond the training series' times
    np.testing.assert_allclose(y[:3, 0], np.cos(1000.0 + COSINE_DT * np.arange(10, 13)), atol=1e-12)


# --- Tuning ---------------------------------------------------------------------------------


def valid_trials(**changes):
    trials = pd.DataFrame(
        {
            "units": [16, 16, 32, 32],
            "window": [10, 20, 10, 20],
            "learning_rate": [0.01, 0.01, 0.01, 0.01],
            "val_rmse": [0.121, 0.115, 0.108, 0.112],
            "test_rmse": [0.119, 0.117, 0.111, 0.110],
        }
    )
    trials["chosen"] = trials.val_rmse == trials.val_rmse.min()
    for column, values in changes.items():
        trials[column] = values
    return trials


def test_tuning_data_is_the_noisy_sine_split_in_time():
    train, val, test = tuning_exercise.load_data()
    assert (train.shape, val.shape, test.shape) == ((900,), (300,), (300,))
    series = sine_wave(1500, dt=0.1, noise_std=0.1, seed=7)
    np.testing.assert_array_equal(np.concatenate([train, val, test]), series)


def test_tuning_accepts_a_valid_table(capsys):
    result, out = run_check(tuning_exercise, valid_trials(), capsys)
    assert result is True, out
    assert out.startswith("Correct: 4 trials, varying units (16, 32) and window (10, 20); you chose row 2")
    assert "validation RMSE 0.108, which beats persistence on the validation part (0.154, window=10)" in out


def test_tuning_accepts_a_table_without_window_or_test_rmse(capsys):
    trials = valid_trials().drop(columns=["window", "test_rmse"])
    trials["layers"] = [1, 2, 1, 2]
    result, out = run_check(tuning_exercise, trials, capsys)
    assert result is True, out
    assert "varying units (16, 32) and layers (1, 2)" in out and "window=10" in out


def test_tuning_rejects_a_single_trial(capsys):
    result, out = run_check(tuning_exercise, valid_trials().iloc[[2]], capsys)
    assert result is False
    assert "your table has 1 trial(s); run at least 4" in out


def test_tuning_rejects_a_table_that_varies_one_hyperparameter(capsys):
    result, out = run_check(tuning_exercise, valid_trials(window=[10, 10, 10, 10]), capsys)
    assert result is False
    assert "only units takes more than one value" in out
    assert "units: 16, 32; window: 10; learning_rate: 0.01" in out


def test_tuning_names_the_hyperparameter_columns_it_knows(capsys):
    trials = valid_trials().rename(columns={"units": "n_units", "window": "lookback", "learning_rate": "lr"})
    result, out = run_check(tuning_exercise, trials, capsys)
    assert result is False
    assert "none of your columns is a hyperparameter the check knows" in out
    assert "'n_units'" in out and "units, layers, batch_size, window, learning_rate" in out


def test_tuning_rejects_a_choice_made_on_the_test_set(capsys):
    chosen_on_test = valid_trials(chosen=[False, False, False, True])  # row 3 has the lowest test_rmse
    result, out = run_check(tuning_exercise, chosen_on_test, capsys)
    assert result is False
    assert "you chose row 3, which has the lowest test_rmse (0.11)" in out
    assert "row 2 has a lower val_rmse" in out
    assert "choosing on the test set" in out and "leaks" in out


def test_tuning_rejects_a_choice_that_is_not_the_best_validation_score(capsys):
    result, out = run_check(tuning_exercise, valid_trials(chosen=[True, False, False, False]), capsys)
    assert result is False
    assert "you chose row 0 with val_rmse 0.121, but row 2 has a lower one (0.108)" in out
    assert "test set" not in out


def test_tuning_allows_ties_for_the_best_validation_score(capsys):
    trials = valid_trials(val_rmse=[0.108, 0.115, 0.108, 0.112], chosen=[False, False, True, False])
    assert tuning_exercise.check(trials) is True


@pytest.mark.parametrize(
    "chosen, expected",
    [
        ([False, False, False, False], "exactly one trial must have chosen == True; yours has 0."),
        ([False, True, True, False], "yours has 2 (row 1, row 2)"),
    ],
    ids=["none", "two"],
)
def test_tuning_wants_exactly_one_chosen_trial(chosen, expected, capsys):
    result, out = run_check(tuning_exercise, valid_trials(chosen=chosen), capsys)
    assert result is False
    assert expected in out


def test_tuning_wants_a_chosen_column_of_booleans(capsys):
    result, out = run_check(tuning_exercise, valid_trials().drop(columns="chosen"), capsys)
    assert result is False and "no chosen column" in out
    result, out = run_check(tuning_exercise, valid_trials(chosen=[0, 0, 1, 0]), capsys)
    assert result is False and "chosen must hold True or False; received dtype int64" in out


def test_tuning_rejects_a_chosen_trial_worse_than_persistence(capsys):
    trials = valid_trials(val_rmse=[0.171, 0.175, 0.168, 0.172])
    result, out = run_check(tuning_exercise, trials, capsys)
    assert result is False
    assert "your chosen trial's val_rmse is 0.168, but persistence (repeating the last value) scores 0.154" in out
    assert "(window=10)" in out


def test_tuning_scores_persistence_with_the_chosen_window():
    val = tuning_exercise.load_data().val
    expected = math.sqrt(np.mean((val[20:] - val[19:-1]) ** 2))
    assert tuning_exercise.persistence_val_rmse(20) == pytest.approx(expected, rel=1e-12)
    assert tuning_exercise.persistence_val_rmse() == tuning_exercise.persistence_val_rmse(10)
    with pytest.raises(ValueError, match=r"window must be a whole number from 1 to 299; received window=0"):
        tuning_exercise.persistence_val_rmse(0)


@pytest.mark.parametrize(
    "val_rmse, expected",
    [
        (["a", "b", "c", "d"], "val_rmse must hold numbers"),
        ([0.121, np.nan, 0.108, 0.112], "val_rmse is NaN or infinite in row 1"),
        ([0.121, -0.1, 0.108, 0.112], "val_rmse must be positive"),
        ([0.0121, 0.0115, 0.0108, 0.0112], "Did you store the MSE"),
    ],
    ids=["text", "nan", "negative", "mse"],
)
def test_tuning_checks_val_rmse(val_rmse, expected, capsys):
    trials = valid_trials(val_rmse=val_rmse)
    if isinstance(val_rmse[0], float):
        trials["chosen"] = [False, False, True, False]
    result, out = run_check(tuning_exercise, trials, capsys)
    assert result is False
    assert expected in out


def test_tuning_wants_a_val_rmse_column(capsys):
    result, out = run_check(tuning_exercise, valid_trials().drop(columns="val_rmse"), capsys)
    assert result is False
    assert "your table has no val_rmse column" in out


@pytest.mark.parametrize(
    "answer, expected",
    [
        ([{"units": 16, "val_rmse": 0.1}], "received list"),
        ({"units": [16, 32]}, "received dict"),
        (0.108, "received float 0.108"),
    ],
)
def test_tuning_rejects_anything_but_a_dataframe(answer, expected, capsys):
    result, out = run_check(tuning_exercise, answer, capsys)
    assert result is False
    assert out.startswith("Not yet: expected a pandas DataFrame with one row per trial;")
    assert expected in out and "pd.DataFrame(rows)" in out


# --- Counting -------------------------------------------------------------------------------


def difference_based(sequence):
    return sequence[-1] + (sequence[-1] - sequence[-2])


def test_counting_cases_are_fixed_and_cover_the_promised_range():
    assert len(COUNTING_CASES) == 20
    starts, steps, lengths = (set(values) for values in zip(*COUNTING_CASES))
    assert starts == {0.0, 1000.0, 5000.0, -250.0, 12345.5}
    assert steps == {1.0, 2.0, 3.0, 7.0, 25.0, 1.5}
    assert lengths == {3, 5, 10, 17, 30}


@pytest.mark.parametrize(
    "answer",
    [
        difference_based,
        lambda s: float(s[-1] + (s[-1] - s[-2])),
        lambda s: round(float(s[-1] + (s[-1] - s[-2]))),  # an int, at most 0.5 off
        lambda s: np.float32(s[-1] + (s[-1] - s[-2])),
        lambda s: np.array(s[-1] + (s[-1] - s[-2])),
        lambda s: np.array([[s[-1] + (s[-1] - s[-2])]]),
    ],
    ids=["numpy-float", "float", "int", "float32", "0-d-array", "1-element-array"],
)
def test_counting_accepts_a_difference_based_function_returning_any_number(answer, capsys):
    result, out = run_check(counting_exercise, answer, capsys)
    assert result is True, out
    assert out.startswith("Correct: all 20 sequences right, each within ±0.5 of the true next number")


def test_counting_does_not_let_the_function_change_the_cases(capsys):
    def greedy(sequence):
        answer = difference_based(sequence)
        sequence[:] = 0.0
        return answer

    assert counting_exercise.check(greedy) is True
    assert counting_exercise.check(difference_based) is True


@pytest.mark.parametrize(
    "answer",
    [lambda s: min(s[-1] + 1, 100.0), lambda s: 100.0 * np.tanh((s[-1] + (s[-1] - s[-2])) / 100.0)],
    ids=["clipped-at-100", "tanh-squashed"],
)
def test_counting_rejects_a_function_that_only_works_inside_its_training_range(answer, capsys):
    result, out = run_check(counting_exercise, answer, capsys)
    assert result is False
    assert out.startswith("Not yet: ")
    assert "sequences right; each prediction must be within ±0.5 of the true next number" in out
    assert "saturate" in out and "cannot extrapolate" in out


def test_counting_shows_up_to_three_failing_cases(capsys):
    result, out = run_check(counting_exercise, lambda s: min(s[-1] + 1, 100.0), capsys)
    assert result is False
    shown = [line for line in out.splitlines() if line.startswith("  after ")]
    assert len(shown) == 3
    assert "  after [0, 2, 4, 6, 8] you predicted 9, the answer is 10" in shown
    assert "  after [1000, 1001, 1002, ..., 1009] you predicted 100, the answer is 1010" in shown
    assert "more)" in out


def test_counting_rejects_persistence_and_says_so(capsys):
    result, out = run_check(counting_exercise, lambda s: s[-1], capsys)
    assert result is False
    assert "Not yet: 0 of 20 sequences right" in out
    assert "  after [0, 1, 2] you predicted 2, the answer is 3" in out
    assert "You predicted the last number itself (persistence)" in out


def test_counting_reports_a_function_that_raises(capsys):
    def needs_ten(sequence):
        if len(sequence) < 10:
            raise ValueError(f"expected 10 numbers, got {len(sequence)}")
        return difference_based(sequence)

    result, out = run_check(counting_exercise, needs_ten, capsys)
    assert result is False
    assert "after [0, 1, 2] your function raised ValueError: expected 10 numbers, got 3; the answer is 3" in out


@pytest.mark.parametrize(
    "answer, expected",
    [
        (lambda s: float("nan"), "you predicted nan, the answer is 3"),
        (lambda s: "3", "your function returned the string '3', not a number"),
        (lambda s: None, "your function returned None"),
        (lambda s: np.array([1.0, 2.0]), "expected one number"),
        (lambda s: True, "your function returned True, not a number"),
    ],
    ids=["nan", "string", "None", "two-values", "bool"],
)
def test_counting_reports_a_result_that_is_not_one_number(answer, expected, capsys):
    result, out = run_check(counting_exercise, answer, capsys)
    assert result is False
    assert "Not yet: 0 of 20 sequences right" in out
    assert expected in out


def test_counting_rejects_something_that_is_not_a_function(capsys):
    result, out = run_check(counting_exercise, 3.0, capsys)
    assert result is False
    assert out.startswith("Not yet: expected a function predict_next(sequence) -> float; received float 3.0")
