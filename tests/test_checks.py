"""utils.checks: each exercise check measures the learner's model, accepts the reference and rejects the wrong answers.

Every check is asserted twice: its return value, and the feedback it prints
(a check that says False without saying why does not teach). The Keras
models are trained once per module, briefly, on each exercise's own data. The
answers tried include the three that passed before issue 13 (arithmetic for
counting, the exact two-term recursion for the cosine, a tuning table typed by
hand), a function that ignores its model, a model without a recurrent layer,
a val_rmse column in scaled units and a table whose numbers do not match its
model.
"""

import math

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from utils.baselines import persistence_forecast, rmse
from utils.checks import (
    COSINE_DT,
    COSINE_WINDOW,
    EXERCISES,
    CosineExercise,
    CountingExercise,
    Exercise,
    TuningExercise,
    base,
    cosine,
    cosine_exercise,
    counting,
    counting_exercise,
    transcription,
    tuning,
    tuning_exercise,
)
from utils.checks.base import fmt
from utils.datasets import SeriesScaler, cosine_wave, make_windows, sine_wave

EXERCISE_LIST = list(EXERCISES.values())
RECURSION = lambda x: 2 * np.cos(COSINE_DT) * x[:, -1] - x[:, -2]  # noqa: E731 - the exact two-term recursion
ARITHMETIC = lambda s: s[-1] + (s[-1] - s[-2])  # noqa: E731


def run_check(exercise, *answer, capsys, **parts):
    """The check's result and everything it printed."""
    result = exercise.check(*answer, **parts)
    assert isinstance(result, bool)
    return result, capsys.readouterr().out


def sequential(keras, *layers, input_shape=(None, 1)):
    return keras.Sequential([keras.Input(shape=input_shape), *layers])


def trained(keras, x, y, *layers, epochs=20, seed=0, input_shape=(None, 1)):
    """A model of `layers` then Dense(1), Adam 0.01, MSE, batch 32."""
    keras.utils.set_random_seed(seed)
    model = sequential(keras, *layers, keras.layers.Dense(1), input_shape=input_shape)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    return model


def times_a_constant_rnn(keras, inputs, answer):
    """The multiplicative bypass: ``answer`` (batch, 1), computed by another layer, times a SimpleRNN(1) with zero
    kernels and bias 0.1, which outputs tanh(0.1) whatever the sequence, scaled back by a Dense layer. Silenced, the
    product is 0; perturbed, tanh(0.1) moves; yet the answers never need what the SimpleRNN reads."""
    constant = keras.layers.SimpleRNN(1, kernel_initializer="zeros", recurrent_initializer="zeros",
                                      bias_initializer=keras.initializers.Constant(0.1))(inputs)
    undo = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(1 / np.tanh(0.1)),
                              bias_initializer="zeros")
    return undo(keras.layers.Multiply()([answer, constant]))


# --- Shared behaviour ---------------------------------------------------------------------


def test_every_exercise_is_registered_under_the_name_the_notebooks_use():
    assert set(EXERCISES) == {
        "cosine_exercise",
        "counting_exercise",
        "tuning_exercise",
        "adding_exercise",
        "transcription_exercise",
        "names_exercise",
        "name_writer_exercise",
        "dates_exercise",
    }
    for name, exercise in EXERCISES.items():
        assert isinstance(exercise, Exercise) and exercise.name == name
        assert exercise.solutions_path.is_file(), f"{name} has no solved notebook at {exercise.solutions_path}"


@pytest.mark.parametrize("exercise", EXERCISE_LIST, ids=lambda e: e.name)
@pytest.mark.parametrize("starter", [None, ...], ids=["None", "Ellipsis"])
def test_an_untouched_starter_is_not_attempted_yet_and_never_raises(exercise, starter, capsys):
    result, out = run_check(exercise, starter, capsys=capsys, model=starter)
    assert result is False
    assert out.startswith("Not attempted yet: assign ")
    assert "run this cell again" in out


def _raises(*args):
    raise RuntimeError("boom")


ODD_ANSWERS = [42, "text", object(), _raises, np.zeros((3, 1)), [1, 2], {"a": 1}, lambda *a: None]


@pytest.mark.parametrize("exercise", EXERCISE_LIST, ids=lambda e: e.name)
@pytest.mark.parametrize("answer", ODD_ANSWERS, ids=["int", "str", "object", "raises", "array", "list", "dict", "none-fn"])
@pytest.mark.parametrize("model", [None, 42, _raises], ids=["no-model", "int-model", "function-model"])
def test_a_check_never_raises_on_an_answer(exercise, answer, model, capsys):
    result, out = run_check(exercise, answer, capsys=capsys, model=model)
    assert result is False
    assert out.startswith("Not yet: ")


@pytest.mark.parametrize("exercise", EXERCISE_LIST, ids=lambda e: e.name)
@pytest.mark.parametrize("as_model", [False, True], ids=["as-answer", "as-model"])
def test_every_check_refuses_a_model_with_a_lambda_layer(keras, exercise, as_model, capsys):
    """A Lambda layer can compute the answer around the recurrent layer and fool the probes (see test_adding_check):
    every check refuses it first, whether the model is the answer or comes as model=, and says what it found."""
    model = sequential(keras, keras.layers.Lambda(lambda x: 2.0 * x), keras.layers.LSTM(2), keras.layers.Dense(1))
    answer, kwargs = (lambda x: x, {"model": model}) if as_model else (model, {})
    result, out = run_check(exercise, answer, capsys=capsys, **kwargs)
    assert result is False
    assert out.startswith("Not yet: your model is not built from Keras layers alone: it contains a Lambda layer (lambda")
    assert "This check accepts a model made of an input, recurrent layers (keras.layers.LSTM, GRU, SimpleRNN" in out
    assert "Rebuild the model from Keras layers" in out


@pytest.mark.parametrize("exercise", EXERCISE_LIST, ids=lambda e: e.name)
def test_an_unknown_keyword_is_named_and_does_not_raise(exercise, capsys):
    result, out = run_check(exercise, 1, capsys=capsys, modle=2)
    assert result is False
    assert f"Not yet: {exercise.name}.check() takes answer, model=" in out and "no argument modle" in out


def test_a_check_that_breaks_inside_reports_it_instead_of_raising(monkeypatch, capsys):
    exercise = CountingExercise()
    monkeypatch.setattr(exercise, "_check", lambda answer, model: 1 / 0)
    result, out = run_check(exercise, ARITHMETIC, capsys=capsys)
    assert result is False
    assert out.startswith("Not yet: checking your answer stopped with ZeroDivisionError: division by zero.")
    assert "counting_exercise.check(predict_next, model=counting_model)" in out


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


def test_the_third_hints_are_sketches_that_hand_in_the_model():
    assert "cosine_wave(2000, dt=COSINE_DT)" in cosine_exercise.hints[2]
    assert "tuning_exercise.check(trials, model=models[best.units, best.window])" in tuning_exercise.hints[2]
    assert "np.diff(np.asarray(s, dtype='float64'))" in counting_exercise.hints[2]
    assert "counting_exercise.check(predict_next, model=counting_model)" in counting_exercise.hints[2]


@pytest.mark.parametrize("exercise", EXERCISE_LIST, ids=lambda e: e.name)
def test_each_exercise_reads_its_solution_from_its_solved_notebook(exercise):
    stems = {
        "cosine_exercise": "22_exercise_cosine_wave",
        "tuning_exercise": "25_exercise_tuning",
        "counting_exercise": "23_exercise_counting",
        "adding_exercise": "34_exercise_adding_problem",
        "transcription_exercise": "37_exercise_transcription",
        "names_exercise": "42_exercise_names",
        "name_writer_exercise": "44_exercise_name_writer",
        "dates_exercise": "46_exercise_dates",
    }
    assert exercise.solutions_path == base.REPO_ROOT / "solutions" / f"{stems[exercise.name]}_solutions.ipynb"


@pytest.mark.parametrize("module", [cosine, counting, tuning, transcription], ids=lambda m: m.__name__)
def test_the_check_seeds_are_not_in_the_notebooks(module):
    """The learner cannot train on or tune to the check's data: its seed appears in no notebook."""
    seed = str(module._CHECK_SEED)
    for folder in ("notebooks", "solutions"):
        for path in (base.REPO_ROOT / folder).glob("*.ipynb"):
            text = path.read_text(encoding="utf-8").replace("_", "")
            assert seed not in text, f"{path.name} shows the check seed of {module.__name__}"


def test_solution_says_where_the_missing_solved_notebook_should_be(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(base, "SOLUTIONS_DIR", tmp_path)
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
    monkeypatch.setattr(base, "SOLUTIONS_DIR", tmp_path)
    counting_exercise.solution()
    out = capsys.readouterr().out
    assert out.startswith("Reference solution for counting_exercise (from ")
    assert "def predict_next(sequence):\n    return sequence[-1] + (sequence[-1] - sequence[-2])\n" in out
    assert "    return 1\n\nsecond_block = 2\n" in out
    assert "assert counting_exercise.check(predict_next)" in out
    assert "solution part 3 of 3" in out
    for left_out in ("not a solution", "STARTER", "BEGIN SOLUTION", "END SOLUTION", "counting_exercise.check(predict_next)\n"):
        assert left_out not in out.replace("assert counting_exercise.check(predict_next)", "")


# --- The probes -----------------------------------------------------------------------------


def test_recurrent_layers_are_found_alone_wrapped_and_nested(keras):
    layers = keras.layers
    inner = sequential(keras, layers.GRU(2, return_sequences=True))
    inputs = keras.Input(shape=(None, 1))
    functional = keras.Model(inputs, layers.Dense(1)(layers.SimpleRNN(2)(inputs)))

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.rnn = layers.LSTM(2)
            self.head = layers.Dense(1)

        def call(self, x):
            return self.head(self.rnn(x))

    assert base.recurrent_layers(sequential(keras, layers.LSTM(2), layers.Dense(1))) == ["LSTM"]
    assert base.recurrent_layers(sequential(keras, layers.Bidirectional(layers.LSTM(2)))) == ["Bidirectional(LSTM)"]
    assert base.recurrent_layers(sequential(keras, layers.RNN(layers.LSTMCell(2)))) == ["RNN"]
    assert base.recurrent_layers(sequential(keras, inner, layers.Flatten())) == ["GRU"]
    assert base.recurrent_layers(functional) == ["SimpleRNN"]
    assert base.recurrent_layers(Subclassed()) == ["LSTM"]
    dense = sequential(keras, layers.Flatten(), layers.Dense(1), input_shape=(10, 1))
    assert base.recurrent_layers(dense) == [] and base.layer_names(dense) == ["Flatten", "Dense"]
    assert base.recurrent_layers(lambda x: x) == [] and base.recurrent_layers(None) == []


def test_foreign_parts_lists_what_is_not_a_keras_layer(keras):
    layers, ops = keras.layers, keras.ops
    made_of_layers = sequential(keras, layers.Masking(0.0), layers.Bidirectional(layers.GRU(2, return_sequences=True)),
                                layers.RNN([layers.SimpleRNNCell(2), layers.LSTMCell(2)], return_sequences=True),
                                layers.TimeDistributed(layers.Dense(1)), layers.GlobalAveragePooling1D(), layers.Dense(1))
    assert base.foreign_parts(made_of_layers) == []
    nested = sequential(keras, keras.Sequential([layers.Lambda(lambda x: x), layers.LSTM(2)]), layers.Dense(1))
    found = base.foreign_parts(nested)
    assert len(found) == 1 and found[0].startswith("a Lambda layer (lambda"), "found inside a nested model"

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.rnn = layers.LSTM(2)

        def call(self, x):
            return self.rnn(x)

    class OwnCell(layers.Layer):
        state_size = 1

        def call(self, x, states):
            return x[:, :1], [x[:, :1]]

    assert base.foreign_parts(Subclassed())[0].startswith("Subclassed, a model class of your own")
    assert base.foreign_parts(sequential(keras, layers.RNN(OwnCell()), layers.Dense(1)))[0].startswith(
        "OwnCell, a layer class of your own")
    inputs = keras.Input(shape=(5, 2))
    h = layers.SimpleRNN(1)(inputs)
    arithmetic = keras.Model(inputs, ops.sum(inputs[:, :, :1], axis=1) * h / h)
    assert sorted(base.foreign_parts(arithmetic)) == [f"the operation {name} between layers"
                                                      for name in ("GetItem", "Multiply", "Sum", "TrueDivide")]
    assert base.foreign_parts(arithmetic, operations_allowed=True) == []
    assert base.foreign_parts(lambda x: x) == [] and base.foreign_parts(None) == []


def test_only_the_dates_exercise_accepts_operations_between_layers():
    from utils.checks import dates_exercise

    assert dates_exercise.operations_allowed, "its reference computes the padding mask with keras.ops.not_equal"
    assert [e.name for e in EXERCISE_LIST if e.operations_allowed] == ["dates_exercise"]


def test_is_keras_model_tells_models_from_anything_else(keras):
    assert base.is_keras_model(sequential(keras, keras.layers.Dense(1)))
    assert not base.is_keras_model(keras.layers.LSTM(2))
    assert not base.is_keras_model(lambda x: x) and not base.is_keras_model(None)


def test_perturbed_weights_change_the_model_and_restore_it_exactly(keras):
    keras.utils.set_random_seed(0)
    model = sequential(keras, keras.layers.LSTM(4), keras.layers.Dense(1))
    x = np.linspace(-1, 1, 30).reshape(3, 10, 1)
    before = model.predict(x, verbose=0)
    weights = [w.copy() for w in model.get_weights()]
    with base.perturbed_weights(model):
        inside = model.predict(x, verbose=0)
    assert np.max(np.abs(inside - before)) > 0.01
    for restored, original in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(restored, original)
    with pytest.raises(RuntimeError, match="inside the block"), base.perturbed_weights(model):
        raise RuntimeError("an error inside the block")
    for restored, original in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(restored, original)


def test_answers_change_is_zero_for_a_function_that_ignores_the_model(keras):
    model = sequential(keras, keras.layers.LSTM(4), keras.layers.Dense(1))
    x = np.ones((2, 5, 1))
    before = model.predict(x, verbose=0)
    assert Exercise.answers_change(lambda: model.predict(x, verbose=0), before, model) > 0
    assert Exercise.answers_change(lambda: np.array(before), before, model) == 0
    assert Exercise.answers_change(lambda: 1 / 0, before, model) == math.inf
    assert Exercise.answers_change(lambda: before[:1], before, model) == math.inf


def recurrent_zoo(keras):
    """An LSTM, a Bidirectional GRU and an RNN of two stacked cells in a row, each kind of recurrent layer, with
    random weights and biases (Keras starts most biases at zero), then a Dense layer without a bias."""
    layers = keras.layers
    keras.utils.set_random_seed(0)
    model = sequential(keras, layers.LSTM(3, return_sequences=True),
                       layers.Bidirectional(layers.GRU(2, return_sequences=True)),
                       layers.RNN([layers.SimpleRNNCell(2), layers.LSTMCell(2)]), layers.Dense(1, use_bias=False))
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


@pytest.mark.parametrize("inputs_only", [False, True], ids=["every-weight", "input-kernels"])
def test_silenced_recurrent_layers_zero_their_weights_and_restore_them_exactly(keras, inputs_only):
    model = recurrent_zoo(keras)
    x = np.random.default_rng(0).normal(size=(4, 6, 1))
    before = model.predict(x, verbose=0)
    weights = {v.path: np.array(v.numpy()) for v in model.weights}
    recurrent = {v.path for layer in base.recurrent_layer_objects(model) for v in layer.weights}
    kernels = {path for path in recurrent if path.endswith("/kernel")}
    assert len(kernels) == 5, "the LSTM, both directions of the GRU and the two stacked cells"
    zeroed = kernels if inputs_only else recurrent
    with base.silenced_recurrent_layers(model, inputs_only=inputs_only):
        for variable in model.weights:
            if variable.path in zeroed:
                assert not np.any(variable.numpy()), variable.path
            else:
                np.testing.assert_array_equal(variable.numpy(), weights[variable.path])
        inside = model.predict(x, verbose=0)
    assert np.max(np.abs(inside - inside[:1])) < 1e-6, "silenced, every sequence gets the same outputs"
    assert (np.min(np.abs(inside)) > 1e-3) == inputs_only, "with the biases kept, the outputs are not zero"
    np.testing.assert_array_equal(model.predict(x, verbose=0), before)
    with pytest.raises(RuntimeError, match="inside the block"), base.silenced_recurrent_layers(model, inputs_only=inputs_only):
        raise RuntimeError("an error inside the block")
    for variable in model.weights:
        np.testing.assert_array_equal(variable.numpy(), weights[variable.path])


def test_forecasts_of_reports_problems_in_words():
    x = np.zeros((4, 10, 1))
    assert base.forecasts_of(lambda w: None, x, "4 windows")[1] == (
        "your model returned None for 4 windows; a function must return its forecasts"
    )
    assert "raised RuntimeError: boom" in base.forecasts_of(_raises, x, "4 windows")[1]
    assert "NaN or infinity for 4 of 4 windows" in base.forecasts_of(lambda w: np.full((4, 1), np.nan), x, "4 windows")[1]


# --- Cosine ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cosine_model(keras):
    """LSTM(16), 20 epochs on raw windows of the exercise's cosine: the reference, made quicker."""
    x, y = make_windows(cosine_wave(2000, dt=COSINE_DT), COSINE_WINDOW)
    return trained(keras, x, y, keras.layers.LSTM(16))


@pytest.fixture(scope="module")
def sine_model(keras):
    """Trained the same way on lesson 21's data: a sine sampled every 0.1."""
    x, y = make_windows(sine_wave(2000, dt=0.1), COSINE_WINDOW)
    return trained(keras, x, y, keras.layers.LSTM(16))


@pytest.fixture(scope="module")
def dense_cosine_model(keras):
    """No recurrent layer: a linear map of the window, which forecasts a clean cosine almost exactly."""
    x, y = make_windows(cosine_wave(2000, dt=COSINE_DT), COSINE_WINDOW)
    return trained(keras, x, y, keras.layers.Flatten(), epochs=30, input_shape=(COSINE_WINDOW, 1))


def test_cosine_constants_are_the_exercises_step_and_window():
    assert (COSINE_DT, COSINE_WINDOW) == (0.3, 10)


def test_cosine_accepts_a_briefly_trained_lstm(cosine_model, capsys):
    result, out = run_check(cosine_exercise, cosine_model, capsys=capsys)
    assert result is True, out
    assert out.startswith("Correct: your model's RMSE on 1,560 unseen cosine windows is ")
    assert "the persistence baseline is 0.211; the bar was 0.0422 (a fifth of persistence)" in out


def test_cosine_accepts_a_function_that_uses_its_model(cosine_model, capsys):
    def forecast(windows):  # as a learner who scaled would write it, here with the identity scaling
        return cosine_model.predict(windows * 1.0, verbose=0) + 0.0

    result, out = run_check(cosine_exercise, forecast, capsys=capsys, model=cosine_model)
    assert result is True, out
    assert out.startswith("Correct:")


def test_cosine_rejects_the_exact_recursion_without_a_model(capsys):
    """Issue 13's answer: RMSE 1e-12 with no network; the forecasts are right, the exercise is not done."""
    result, out = run_check(cosine_exercise, RECURSION, capsys=capsys)
    assert result is False
    assert out.startswith("Not yet: your forecasts are right (RMSE ")
    assert "you handed in a function without the model it uses" in out
    assert "Why it matters: a clean cosine can be continued exactly by a formula" in out
    assert "recurrent network (an LSTM) that learns the wave from data" in out


def test_cosine_rejects_a_function_that_ignores_its_model(cosine_model, capsys):
    result, out = run_check(cosine_exercise, RECURSION, capsys=capsys, model=cosine_model)
    assert result is False
    assert out.startswith("Not yet: your forecasts are right")
    assert "your forecasts do not depend on the model's LSTM: with that layer's weights perturbed they move by at most 0" in out
    assert "Why it matters" in out


def test_cosine_rejects_a_function_that_barely_touches_its_model(cosine_model, capsys):
    def token(windows):
        return RECURSION(windows) + 1e-4 * cosine_model.predict(windows, verbose=0)

    result, out = run_check(cosine_exercise, token, capsys=capsys, model=cosine_model)
    assert result is False
    assert "your forecasts do not depend on the model's LSTM" in out


def recursion_layer(keras, inputs):
    """The exact two-term recursion inside the model, 2·cos(dt)·x[t] − x[t−1] from the window's last two values: a
    fixed Dense layer over the flattened window (Keras layers alone, as the checks require)."""
    recursion = keras.layers.Dense(1, use_bias=False, trainable=False)
    forecast = recursion(keras.layers.Flatten()(inputs))
    weights = np.zeros((COSINE_WINDOW, 1), "float32")
    weights[-1], weights[-2] = 2 * np.cos(COSINE_DT), -1.0
    recursion.set_weights([weights])
    return forecast


def steep_term(keras, h, scale):
    """``scale`` times a tanh that a steep Dense layer drives to about +1 or -1 by the sign of the sum of ``h``: small,
    and it jumps when the recurrent layer's weights are perturbed."""
    steep = keras.layers.Dense(1, activation="tanh", kernel_initializer=keras.initializers.Constant(50.0))(h)
    return keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(scale))(steep)


def bypassed_cosine_model(keras, how):
    """An LSTM multiplied by zero ("times-zero") or behind a Dense head with zero weights ("zero-head"), added to
    a Dense layer that computes the recursion: right forecasts, and the LSTM does nothing."""
    inputs = keras.Input(shape=(COSINE_WINDOW, 1))
    lstm = keras.layers.LSTM(8)(inputs)
    if how == "times-zero":
        branch = keras.layers.Dense(1)(keras.layers.Rescaling(0.0)(lstm))
    else:
        branch = keras.layers.Dense(1, kernel_initializer="zeros")(lstm)
    return keras.Model(inputs, keras.layers.Add()([recursion_layer(keras, inputs), branch]))


@pytest.mark.parametrize("how", ["times-zero", "zero-head"])
@pytest.mark.parametrize("with_function", [False, True], ids=["alone", "with-function"])
def test_cosine_rejects_a_bypassed_lstm(keras, how, with_function, capsys):
    model = bypassed_cosine_model(keras, how)
    answer = (lambda windows: model.predict(windows, verbose=0)) if with_function else model
    result, out = run_check(cosine_exercise, answer, capsys=capsys, model=model if with_function else None)
    assert result is False
    assert out.startswith("Not yet: your forecasts are right")
    assert "your forecasts do not depend on the model's LSTM: with that layer's weights perturbed they move by at most 0," in out


def test_cosine_rejects_the_recursion_plus_a_small_recurrent_term(keras, capsys):
    """The exact answer plus a small LSTM term: it moves past the bar when the LSTM is perturbed, but the recursion forecasts."""
    inputs = keras.Input(shape=(COSINE_WINDOW, 1))
    keras.utils.set_random_seed(1)
    small = steep_term(keras, keras.layers.LSTM(8)(inputs), 0.03)
    model = keras.Model(inputs, keras.layers.Add()([recursion_layer(keras, inputs), small]))
    result, out = run_check(cosine_exercise, model, capsys=capsys)
    assert result is False
    assert "but your LSTM does not carry the answer. With every weight of that layer set to zero" in out
    rest = out.split("your answers still score RMSE ")[1]
    silenced, handed_in = float(rest.split(",")[0]), float(rest.split("against ")[1].split(" ")[0])
    assert silenced < 1e-6 and 0.02 < handed_in < 0.042, "silenced, only the exact recursion is left"
    assert "as handed in and 0.211 for persistence: they keep all of their lead, and more, over persistence" in out


def test_cosine_rejects_the_recursion_times_a_constant_recurrent_output(keras, capsys):
    """The recursion times a SimpleRNN whose output never changes: the silencing and the perturbation both move the
    forecasts, and only zeroing the SimpleRNN's input kernel shows that they do not need the sequence through it."""
    inputs = keras.Input(shape=(COSINE_WINDOW, 1))
    model = keras.Model(inputs, times_a_constant_rnn(keras, inputs, recursion_layer(keras, inputs)))
    result, out = run_check(cosine_exercise, model, capsys=capsys)
    assert result is False
    assert out.startswith("Not yet: your forecasts are right")
    assert "but your answers do not depend on what your SimpleRNN reads from the sequence. With only its input " \
           "weights (its kernel) set to zero, so that it no longer sees the sequence" in out
    assert "they keep 100% of their lead over persistence" in out


def test_cosine_reports_what_the_reference_scores_silenced(cosine_model, capsys):
    result, out = run_check(cosine_exercise, cosine_model, capsys=capsys)
    assert result is True
    assert "The forecasts come from your LSTM: with its recurrent layers silenced (weights set to zero) it scores RMSE " in out
    silenced = float(out.split("it scores RMSE ")[1].split(",")[0])
    assert silenced > 0.211, "silenced, the reference is worse than persistence"
    assert "and with only their input weights set to zero, so that they cannot see the sequence, it scores RMSE " in out
    blind = float(out.split("it scores RMSE ")[2].split(",")[0])
    assert blind > 0.211, "unable to see the windows, the reference forecasts a constant, worse than persistence"


def test_cosine_rejects_a_model_without_a_recurrent_layer(dense_cosine_model, capsys):
    result, out = run_check(cosine_exercise, dense_cosine_model, capsys=capsys)
    assert result is False
    assert out.startswith("Not yet: your forecasts are right")
    assert "your model has no recurrent layer (its layers: Flatten, Dense)" in out
    assert "keras.layers.LSTM(32)" in out


def test_cosine_rejects_a_function_whose_model_has_no_recurrent_layer(dense_cosine_model, capsys):
    predict = lambda x: dense_cosine_model.predict(x, verbose=0)  # noqa: E731
    result, out = run_check(cosine_exercise, predict, capsys=capsys, model=dense_cosine_model)
    assert result is False
    assert "your model has no recurrent layer (its layers: Flatten, Dense)" in out


def test_cosine_rejects_an_untrained_model(keras, capsys):
    keras.utils.set_random_seed(0)
    untrained = sequential(keras, keras.layers.LSTM(16), keras.layers.Dense(1))
    result, out = run_check(cosine_exercise, untrained, capsys=capsys)
    assert result is False
    assert out.startswith("Not yet: your model's RMSE on 1,560 unseen cosine windows is ")
    assert "to pass, stay at or below 0.0422 (a fifth of persistence)" in out


def test_cosine_rejects_a_model_trained_on_lesson_21s_sine(sine_model, cosine_model, capsys):
    """Why COSINE_DT is 0.3: with lesson 21's step the sine would be the cosine shifted, and pass."""
    result, out = run_check(cosine_exercise, sine_model, capsys=capsys)
    assert result is False
    assert "Not yet: your model's RMSE" in out and "lesson 21's sine (dt=0.1)" in out
    assert cosine_exercise.check(cosine_model) is True  # the same training passes on the right data


def test_cosine_rejects_persistence_and_asks_for_the_model(capsys):
    result, out = run_check(cosine_exercise, persistence_forecast, capsys=capsys)
    assert result is False
    assert "is 0.211; the persistence baseline is 0.211; to pass, stay at or below 0.0422" in out
    assert "And you handed in a function without the model it uses" in out


@pytest.mark.parametrize(
    "function, expected",
    [
        (lambda x: np.zeros((len(x), 10, 1)), "returned shape (1560, 10, 1); expected (1560, 1)"),
        (lambda x: np.zeros((len(x), 2)), "returned shape (1560, 2); expected (1560, 1)"),
        (lambda x: np.zeros((5, 1)), "returned shape (5, 1); expected (1560, 1)"),
    ],
)
def test_cosine_rejects_a_wrong_output_shape_and_says_which(function, expected, capsys):
    result, out = run_check(cosine_exercise, function, capsys=capsys)
    assert result is False
    assert expected in out
    if "(1560, 10, 1)" in expected:
        assert "return_sequences=True" in out


def test_cosine_names_a_fixed_input_length_other_than_10(keras, capsys):
    model = sequential(keras, keras.layers.LSTM(4), keras.layers.Dense(1), input_shape=(20, 1))
    result, out = run_check(cosine_exercise, model, capsys=capsys)
    assert result is False
    assert "fixed to windows of 20 steps" in out and "COSINE_WINDOW = 10" in out


def test_cosine_rejects_two_different_models(cosine_model, sine_model, capsys):
    result, out = run_check(cosine_exercise, cosine_model, capsys=capsys, model=sine_model)
    assert result is False
    assert "you passed a Keras model as the answer and another one as model=" in out


def test_cosine_reports_nan_outputs(capsys):
    result, out = run_check(cosine_exercise, lambda x: np.full((len(x), 1), np.nan), capsys=capsys)
    assert result is False
    assert "NaN or infinity for 1,560 of 1,560 unseen cosine windows" in out


def test_cosine_reports_a_model_that_raises_without_raising(capsys):
    result, out = run_check(cosine_exercise, _raises, capsys=capsys)
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
    result, out = run_check(cosine_exercise, answer, capsys=capsys)
    assert result is False
    assert out.startswith("Not yet: expected your trained Keras model")
    assert expected in out


def test_cosine_checks_windows_from_unseen_stretches_drawn_from_its_seed():
    x, y = cosine._check_windows()
    assert x.shape == (1560, COSINE_WINDOW, 1) and y.shape == (1560, 1)
    starts = np.random.default_rng(cosine._CHECK_SEED).uniform(1000.0, 100000.0, size=4)
    assert starts.min() > 2000 * COSINE_DT  # beyond the training series' times
    np.testing.assert_allclose(y[:3, 0], np.cos(starts[0] + COSINE_DT * np.arange(10, 13)), atol=1e-9)
    np.testing.assert_array_equal(cosine._check_windows()[0], x)  # the same windows every time


# --- Tuning ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tuning_models(keras):
    """The chosen trial's model two ways: on raw values, and on scaled values with a forecast function."""
    train = tuning_exercise.load_data().train
    scaler = SeriesScaler().fit(train)
    raw = trained(keras, *make_windows(train, 10), keras.layers.LSTM(8), epochs=15)
    scaled = trained(keras, *make_windows(scaler.transform(train), 10), keras.layers.LSTM(8), epochs=15)

    def forecast(windows):
        return scaler.inverse_transform(scaled.predict(scaler.transform(windows), verbose=0))

    return {"raw": raw, "scaled": scaled, "forecast": forecast, "std": float(train.std())}


def measured(predict, window=10):
    x_val, y_val = tuning_exercise.validation_windows(window)
    return rmse(y_val, predict(x_val))


def table(chosen_val, **changes):
    """Four trials whose best (row 2, units=32, window=10) scores `chosen_val`."""
    trials = pd.DataFrame(
        {
            "units": [16, 16, 32, 32],
            "window": [10, 20, 10, 20],
            "learning_rate": [0.01, 0.01, 0.01, 0.01],
            "val_rmse": [chosen_val + 0.013, chosen_val + 0.007, chosen_val, chosen_val + 0.004],
            "test_rmse": [0.141, 0.139, 0.133, 0.132],
        }
    )
    trials["chosen"] = trials.val_rmse == trials.val_rmse.min()
    for column, values in changes.items():
        trials[column] = values
    return trials


@pytest.fixture(scope="module")
def raw_val(tuning_models):
    return measured(lambda x: tuning_models["raw"].predict(x, verbose=0))


def test_tuning_data_is_the_noisy_sine_split_in_time():
    train, val, test = tuning_exercise.load_data()
    assert (train.shape, val.shape, test.shape) == ((900,), (300,), (300,))
    series = sine_wave(1500, dt=0.1, noise_std=0.1, seed=7)
    np.testing.assert_array_equal(np.concatenate([train, val, test]), series)


@pytest.mark.parametrize("window", [1, 5, 30, 900])
def test_every_window_is_scored_on_every_validation_value(window):
    train, val, _ = tuning_exercise.load_data()
    x_val, y_val = tuning_exercise.validation_windows(window)
    assert x_val.shape == (300, window, 1)
    np.testing.assert_array_equal(y_val[:, 0], val)
    np.testing.assert_array_equal(x_val[0, :, 0], train[-window:])


@pytest.mark.parametrize("window", [0, 901, 2.5, True])
def test_validation_windows_rejects_a_bad_window(window):
    with pytest.raises(ValueError, match=r"window must be a whole number from 1 to 900; received window="):
        tuning_exercise.validation_windows(window)


def test_persistence_and_the_noise_floor_are_measured_on_the_validation_targets():
    train, val, _ = tuning_exercise.load_data()
    previous = np.concatenate([train[-1:], val[:-1]])
    assert tuning_exercise.persistence_val_rmse() == pytest.approx(math.sqrt(np.mean((val - previous) ** 2)))
    clean = np.sin(0.1 * np.arange(900, 1200))
    assert tuning_exercise.noise_floor() == pytest.approx(math.sqrt(np.mean((val - clean) ** 2)))
    assert 0.09 < tuning_exercise.noise_floor() < 0.11 < tuning_exercise.persistence_val_rmse()


def test_tuning_unseen_stretch_is_new_data_from_the_check_seed():
    x, y = TuningExercise._unseen_stretch(10)
    assert x.shape == (300, 10, 1) and y.shape == (300, 1)
    series = np.concatenate(tuning_exercise.load_data())
    assert not np.isin(y[:, 0], series).any()
    np.testing.assert_array_equal(TuningExercise._unseen_stretch(10)[1], y)


def test_tuning_accepts_the_chosen_model_on_raw_values(tuning_models, raw_val, capsys):
    result, out = run_check(tuning_exercise, table(raw_val), capsys=capsys, model=tuning_models["raw"])
    assert result is True, out
    assert out.startswith("Correct: 4 trials, varying units (16, 32) and window (10, 20); you chose row 2")
    assert "The check re-measured your model on the same 300 validation targets" in out
    assert "against persistence's 0.155 and a noise floor of 0.0989" in out
    assert "On 300 targets of a stretch of the wave you never saw, your model scores" in out
    assert "better than persistence" in out
    assert "with its recurrent layers silenced (weights set to zero) it scores validation RMSE " in out


def linear_forecaster(keras, recurrent_term):
    """A least-squares linear forecast of the window (it beats persistence on the noisy sine) computed by a Dense
    layer, added to an LSTM branch: multiplied by zero ("times-zero"), or small ("decorative"); or multiplied by a
    SimpleRNN whose output never changes ("times-constant")."""
    train = tuning_exercise.load_data().train
    x, y = make_windows(train, 10)
    coefficients, *_ = np.linalg.lstsq(np.c_[x[:, :, 0], np.ones(len(x))], y[:, 0], rcond=None)
    inputs = keras.Input(shape=(10, 1))
    linear = keras.layers.Dense(1)
    direct = linear(keras.layers.Flatten()(inputs))
    linear.set_weights([coefficients[:-1, None].astype("float32"), coefficients[-1:].astype("float32")])
    keras.utils.set_random_seed(2)
    lstm = keras.layers.LSTM(8)(inputs)
    branch = steep_term(keras, lstm, 0.0 if recurrent_term == "times-zero" else 0.02)
    if recurrent_term == "times-constant":
        return keras.Model(inputs, times_a_constant_rnn(keras, inputs, direct))
    return keras.Model(inputs, keras.layers.Add()([direct, branch]))


@pytest.mark.parametrize("recurrent_term", ["times-zero", "decorative", "times-constant"])
def test_tuning_rejects_a_linear_forecaster_with_an_lstm_beside_it(keras, recurrent_term, capsys):
    model = linear_forecaster(keras, recurrent_term)
    val = measured(lambda x: model.predict(x, verbose=0))
    assert val < tuning_exercise.persistence_val_rmse(), "the linear forecaster beats persistence"
    result, out = run_check(tuning_exercise, table(val), capsys=capsys, model=model)
    assert result is False
    if recurrent_term == "times-zero":
        assert out.startswith("Not yet: your model's forecasts do not depend on its LSTM: with that layer's weights "
                              "perturbed they move by at most 0.")
    elif recurrent_term == "decorative":
        assert out.startswith(f"Not yet: your chosen model's validation RMSE is {fmt(val)}, but your LSTM does not "
                              "carry the answer. With every weight of that layer set to zero")
        assert "for persistence: they keep" in out
    else:
        assert out.startswith(f"Not yet: your chosen model's validation RMSE is {fmt(val)}, but your answers do not "
                              "depend on what your SimpleRNN reads from the sequence. With only its input weights")
        assert "they keep 100% of their lead over persistence" in out


def test_tuning_accepts_a_scaled_model_with_its_forecast_function(tuning_models, capsys):
    forecast = tuning_models["forecast"]
    result, out = run_check(
        tuning_exercise, table(measured(forecast)), capsys=capsys, model=tuning_models["scaled"], forecast=forecast
    )
    assert result is True, out


def test_tuning_accepts_a_table_without_window_or_test_rmse(tuning_models, raw_val, capsys):
    trials = table(raw_val).drop(columns=["window", "test_rmse"])
    trials["layers"] = [1, 2, 1, 2]
    result, out = run_check(tuning_exercise, trials, capsys=capsys, model=tuning_models["raw"])
    assert result is True, out
    assert "varying units (16, 32) and layers (1, 2)" in out


def test_tuning_rejects_a_typed_score_below_the_noise_floor(tuning_models, capsys):
    """Issue 13's answer: a chosen val_rmse of 0.07, impossible with noise of 0.1, passed before."""
    for model in (None, tuning_models["raw"]):
        result, out = run_check(tuning_exercise, table(0.07), capsys=capsys, model=model)
        assert result is False
        assert out.startswith("Not yet: your chosen val_rmse, 0.07, is below what any forecast can reach")
        assert "noise alone (standard deviation 0.1) gives 0.0989" in out


def test_tuning_rejects_an_mse_column(tuning_models, raw_val, capsys):
    result, out = run_check(tuning_exercise, table(raw_val**2), capsys=capsys, model=tuning_models["raw"])
    assert result is False
    assert "is below what any forecast can reach" in out and "Did you store the MSE" in out


def test_tuning_rejects_a_val_rmse_column_in_scaled_units(tuning_models, raw_val, capsys):
    """Issue 13's answer: RMSEs of scaled values (divided by the training std, 0.715) passed before."""
    result, out = run_check(tuning_exercise, table(raw_val / tuning_models["std"]), capsys=capsys, model=tuning_models["raw"])
    assert result is False
    assert "but the check measured your model at" in out and "on the same 300 validation targets" in out
    assert "divided by 0.715, the training part's standard deviation: the column is in scaled units" in out


def test_tuning_rejects_a_table_that_does_not_match_its_model(tuning_models, raw_val, capsys):
    result, out = run_check(tuning_exercise, table(raw_val * 1.15), capsys=capsys, model=tuning_models["raw"])
    assert result is False
    assert f"your table says the chosen trial (row 2) scores val_rmse {raw_val * 1.15:.3g}, but the check measured" in out
    assert "(15% apart; up to 5% is fine)" in out
    assert "model= is not the chosen trial's model" in out


def test_tuning_wants_the_model_before_it_believes_the_table(raw_val, capsys):
    result, out = run_check(tuning_exercise, table(raw_val), capsys=capsys)
    assert result is False
    assert "the check does not take its numbers on trust: it re-measures the chosen trial's model" in out
    assert "tuning_exercise.check(trials, model=chosen_model)" in out


def test_tuning_names_a_scaled_model_passed_without_its_forecast(keras, capsys):
    """A model trained on values scaled to [0, 1], handed in without the function that scales for it."""
    train = tuning_exercise.load_data().train
    low, span = train.min(), train.max() - train.min()
    model = trained(keras, *make_windows((train - low) / span, 10), keras.layers.LSTM(8), epochs=15)
    trials = table(measured(lambda x: model.predict((x - low) / span, verbose=0) * span + low))
    result, out = run_check(tuning_exercise, trials, capsys=capsys, model=model)
    assert result is False
    assert "but the check measured your model at" in out
    assert "Your model seems to work on scaled values: fed windows scaled to [0, 1]" in out and "forecast=forecast" in out


def test_tuning_rejects_a_forecast_that_ignores_its_model(tuning_models, raw_val, capsys):
    raw = tuning_models["raw"]
    result, out = run_check(
        tuning_exercise, table(raw_val), capsys=capsys, model=tuning_models["scaled"],
        forecast=lambda x: raw.predict(x, verbose=0),
    )
    assert result is False
    assert "your forecast function does not use the LSTM of the model you passed" in out


def test_tuning_rejects_a_model_without_a_recurrent_layer(keras, raw_val, capsys):
    dense = sequential(keras, keras.layers.Flatten(), keras.layers.Dense(1), input_shape=(10, 1))
    result, out = run_check(tuning_exercise, table(raw_val), capsys=capsys, model=dense)
    assert result is False
    assert "your model has no recurrent layer (its layers: Flatten, Dense)" in out


def test_tuning_names_targets_that_drop_the_first_windows(tuning_models, capsys):
    raw = tuning_models["raw"]

    def off_at_the_start(windows):  # as if the first 10 targets were never scored while tuning
        forecasts = raw.predict(windows, verbose=0)
        if len(windows) == 300:
            forecasts[:10] += 0.5
        return forecasts

    x_val, y_val = tuning_exercise.validation_windows(10)
    forecasts = off_at_the_start(x_val)
    trials = table(rmse(y_val[10:], forecasts[10:]))
    result, out = run_check(tuning_exercise, trials, capsys=capsys, model=raw, forecast=off_at_the_start)
    assert result is False
    assert "matches the check's measurement on the last 290 targets" in out
    assert "make_windows(np.concatenate([train[-window:], val]), window)" in out


def test_tuning_rejects_a_chosen_model_worse_than_persistence(keras, capsys):
    keras.utils.set_random_seed(0)
    untrained = sequential(keras, keras.layers.LSTM(4), keras.layers.Dense(1))
    score = measured(lambda x: untrained.predict(x, verbose=0))
    result, out = run_check(tuning_exercise, table(score), capsys=capsys, model=untrained)
    assert result is False
    assert f"your chosen model's validation RMSE is {score:.3g}, but persistence (repeating the last value) scores 0.155" in out


def test_tuning_says_which_window_it_measured_when_nothing_fixes_one(keras, capsys):
    """A search that fixed window 20, a table without a window column, a model that takes any length."""
    train = tuning_exercise.load_data().train
    model = trained(keras, *make_windows(train, 20), keras.layers.LSTM(8), epochs=8)
    val_20 = measured(lambda x: model.predict(x, verbose=0), window=20)
    trials = table(val_20).drop(columns=["window"])
    trials["layers"] = [1, 2, 1, 2]
    result, out = run_check(tuning_exercise, trials, capsys=capsys, model=model)
    assert result is False, "measured on 10-step windows, the model trained on 20 scores more than 5 % apart"
    assert "The check measured windows of 10 steps (TUNING_DEFAULT_WINDOW): neither a window column" in out


def test_tuning_names_a_window_that_does_not_match_the_model(keras, raw_val, capsys):
    fixed = sequential(keras, keras.layers.LSTM(4), keras.layers.Dense(1), input_shape=(20, 1))
    result, out = run_check(tuning_exercise, table(raw_val), capsys=capsys, model=fixed)
    assert result is False
    assert "used window=10, but the model you passed takes windows of 20 steps" in out


def test_tuning_rejects_a_single_trial(capsys):
    result, out = run_check(tuning_exercise, table(0.12).iloc[[2]], capsys=capsys)
    assert result is False
    assert "your table has 1 trial(s); run at least 4" in out


def test_tuning_rejects_a_table_that_varies_one_hyperparameter(capsys):
    result, out = run_check(tuning_exercise, table(0.12, window=[10, 10, 10, 10]), capsys=capsys)
    assert result is False
    assert "only units takes more than one value" in out
    assert "units: 16, 32; window: 10; learning_rate: 0.01" in out


def test_tuning_names_the_hyperparameter_columns_it_knows(capsys):
    trials = table(0.12).rename(columns={"units": "n_units", "window": "lookback", "learning_rate": "lr"})
    result, out = run_check(tuning_exercise, trials, capsys=capsys)
    assert result is False
    assert "none of your columns is a hyperparameter the check knows" in out
    assert "'n_units'" in out and "units, layers, batch_size, window, learning_rate" in out


def test_tuning_rejects_a_choice_made_on_the_test_set(capsys):
    chosen_on_test = table(0.12, chosen=[False, False, False, True])  # row 3 has the lowest test_rmse
    result, out = run_check(tuning_exercise, chosen_on_test, capsys=capsys)
    assert result is False
    assert "you chose row 3, which has the lowest test_rmse (0.132)" in out
    assert "row 2 has a lower val_rmse" in out
    assert "choosing on the test set" in out and "leaks" in out


def test_tuning_rejects_a_choice_that_is_not_the_best_validation_score(capsys):
    result, out = run_check(tuning_exercise, table(0.12, chosen=[True, False, False, False]), capsys=capsys)
    assert result is False
    assert "you chose row 0 with val_rmse 0.133, but row 2 has a lower one (0.12)" in out
    assert "test set" not in out


def test_tuning_allows_ties_for_the_best_validation_score(tuning_models, raw_val):
    trials = table(raw_val, val_rmse=[raw_val, 0.2, raw_val, 0.2], chosen=[False, False, True, False])
    assert tuning_exercise.check(trials, model=tuning_models["raw"]) is True


@pytest.mark.parametrize(
    "chosen, expected",
    [
        ([False, False, False, False], "exactly one trial must have chosen == True; yours has 0."),
        ([False, True, True, False], "yours has 2 (row 1, row 2)"),
    ],
    ids=["none", "two"],
)
def test_tuning_wants_exactly_one_chosen_trial(chosen, expected, capsys):
    result, out = run_check(tuning_exercise, table(0.12, chosen=chosen), capsys=capsys)
    assert result is False
    assert expected in out


def test_tuning_wants_a_chosen_column_of_booleans(capsys):
    result, out = run_check(tuning_exercise, table(0.12).drop(columns="chosen"), capsys=capsys)
    assert result is False and "no chosen column" in out
    result, out = run_check(tuning_exercise, table(0.12, chosen=[0, 0, 1, 0]), capsys=capsys)
    assert result is False and "chosen must hold True or False; received dtype int64" in out


@pytest.mark.parametrize(
    "val_rmse, expected",
    [
        (["a", "b", "c", "d"], "val_rmse must hold numbers"),
        ([0.121, np.nan, 0.108, 0.112], "val_rmse is NaN or infinite in row 1"),
        ([0.121, -0.1, 0.108, 0.112], "val_rmse must be positive"),
    ],
    ids=["text", "nan", "negative"],
)
def test_tuning_checks_val_rmse(val_rmse, expected, capsys):
    result, out = run_check(tuning_exercise, table(0.12, val_rmse=val_rmse), capsys=capsys)
    assert result is False
    assert expected in out


def test_tuning_wants_a_val_rmse_column(capsys):
    result, out = run_check(tuning_exercise, table(0.12).drop(columns="val_rmse"), capsys=capsys)
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
    result, out = run_check(tuning_exercise, answer, capsys=capsys)
    assert result is False
    assert out.startswith("Not yet: expected a pandas DataFrame with one row per trial;")
    assert expected in out and "pd.DataFrame(rows)" in out


def test_tuning_rejects_the_model_in_place_of_the_table(tuning_models, capsys):
    result, out = run_check(tuning_exercise, tuning_models["raw"], capsys=capsys)
    assert result is False
    assert "Pass the table first and the model as model=" in out


def test_tuning_rejects_a_forecast_that_is_not_a_function(tuning_models, raw_val, capsys):
    result, out = run_check(tuning_exercise, table(raw_val), capsys=capsys, model=tuning_models["raw"], forecast=3)
    assert result is False
    assert "forecast= must be a function that maps raw windows" in out
