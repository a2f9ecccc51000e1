"""utils.checks.adding (exercise 34): the check measures the learner's model on its own adding-problem sequences.

The models here are built by hand instead of trained, so the tests take
seconds: a one-unit linear SimpleRNN that adds up value times marker solves
the adding problem exactly, and the wrong answers are that model's cheats
(no recurrent layer, a recurrent layer that does nothing, or that only scales the answer by a constant) and its mistakes
(untrained, the wrong length, a value per step).
"""

import numpy as np
import pytest

from utils import adding_problem
from utils.checks import ADDING_MAX_RATIO, ADDING_TIMESTEPS, AddingExercise, adding_exercise
from utils.checks import adding as adding_module


def run_check(answer, capsys, **kwargs):
    result = adding_exercise.check(answer, **kwargs)
    assert isinstance(result, bool)
    return result, capsys.readouterr().out


def products(keras, inputs):
    """value * marker at each step: (batch, timesteps, 1)."""
    return keras.layers.Lambda(lambda x: x[..., :1] * x[..., 1:], output_shape=lambda s: (*s[:-1], 1))(inputs)


def exact_recurrent_model(keras, timesteps=ADDING_TIMESTEPS):
    """h_t = h_{t-1} + value_t * marker_t with a linear SimpleRNN(1): the sum, exactly."""
    inputs = keras.Input(shape=(timesteps, 2))
    rnn = keras.layers.SimpleRNN(1, activation="linear")
    outputs = keras.layers.Dense(1)(rnn(products(keras, inputs)))
    model = keras.Model(inputs, outputs)
    rnn.set_weights([np.ones((1, 1)), np.ones((1, 1)), np.zeros(1)])
    model.layers[-1].set_weights([np.ones((1, 1)), np.zeros(1)])
    return model


def test_the_check_draws_its_own_sequences_at_the_exercise_length():
    x, _ = adding_module._check_sequences()
    assert x.shape == (adding_module.ADDING_CHECK_SEQUENCES, ADDING_TIMESTEPS, 2)
    for seed in range(100):  # not the sequences of any small seed a notebook would use
        assert not np.array_equal(adding_problem(10, ADDING_TIMESTEPS, seed)[0], x[:10])


def test_an_exact_recurrent_model_passes(keras, capsys):
    result, out = run_check(exact_recurrent_model(keras), capsys)
    assert result is True
    assert out.startswith("Correct: your model's MSE on 2,000 new sequences of 50 steps is ")
    assert "SimpleRNN" in out


def test_a_model_without_a_recurrent_layer_fails_even_when_exact(keras, capsys):
    inputs = keras.Input(shape=(ADDING_TIMESTEPS, 2))
    dense = keras.layers.Dense(1, use_bias=False)
    model = keras.Model(inputs, dense(keras.layers.Flatten()(products(keras, inputs))))
    dense.set_weights([np.ones((ADDING_TIMESTEPS, 1))])
    result, out = run_check(model, capsys)
    assert result is False
    assert out.startswith("Not yet: your model is accurate")
    assert "no recurrent layer (its layers: InputLayer, Lambda, Flatten, Dense)" in out


def test_a_recurrent_layer_that_does_no_work_fails(keras, capsys):
    inputs = keras.Input(shape=(ADDING_TIMESTEPS, 2))
    summed = keras.layers.Dense(1, use_bias=False, trainable=False)
    exact = summed(keras.layers.Flatten()(products(keras, inputs)))
    ignored = keras.layers.Dense(1, use_bias=False, trainable=False)
    idle = ignored(keras.layers.GRU(4)(inputs))
    model = keras.Model(inputs, keras.layers.Add()([exact, idle]))
    summed.set_weights([np.ones((ADDING_TIMESTEPS, 1))])
    ignored.set_weights([np.zeros((4, 1))])
    result, out = run_check(model, capsys)
    assert result is False
    assert "do not depend on its GRU" in out


def exact_sum_beside(keras, branch_of):
    """The exact sum by a Dense layer over value × marker, plus ``branch_of(GRU output)``."""
    inputs = keras.Input(shape=(ADDING_TIMESTEPS, 2))
    summed = keras.layers.Dense(1, use_bias=False, trainable=False)
    exact = summed(keras.layers.Flatten()(products(keras, inputs)))
    keras.utils.set_random_seed(3)
    branch = branch_of(keras.layers.GRU(4)(inputs))
    model = keras.Model(inputs, keras.layers.Add()([exact, branch]))
    summed.set_weights([np.ones((ADDING_TIMESTEPS, 1))])
    return model


def test_a_recurrent_output_multiplied_by_zero_fails(keras, capsys):
    model = exact_sum_beside(keras, lambda h: keras.layers.Dense(1)(keras.layers.Lambda(lambda v: 0.0 * v)(h)))
    result, out = run_check(model, capsys)
    assert result is False
    assert "your model's predictions do not depend on its GRU: with that layer's weights perturbed they move by 0" in out


def test_the_exact_sum_plus_a_small_recurrent_term_fails_the_silence_test(keras, capsys):
    """It moves when the GRU is perturbed, and stays accurate, but the Dense layer computes the sum."""
    def small(h):
        scores = keras.layers.Dense(1, kernel_initializer="ones")(h)
        return keras.layers.Lambda(lambda v: 0.1 * keras.ops.sin(50 * v), output_shape=(1,))(scores)

    result, out = run_check(exact_sum_beside(keras, small), capsys)
    assert result is False
    assert out.startswith("Not yet: your model is accurate (your model's MSE on 2,000 new sequences")
    assert "but your GRU does not carry the answer. With every weight of that layer set to zero" in out
    assert "for always predicting the mean (1): they keep all of their lead, and more, over always predicting" in out


def test_the_exact_sum_times_a_constant_recurrent_output_fails(keras, capsys):
    """A Lambda computes the sum; a SimpleRNN(1) with zero kernels and bias 0.1 always outputs tanh(0.1); their
    product, scaled back by a Dense layer, is the exact sum. Silenced, the product is 0, and perturbed, tanh(0.1)
    moves, so both probes pass; with only the SimpleRNN's input kernel set to zero nothing changes."""
    inputs = keras.Input(shape=(ADDING_TIMESTEPS, 2))
    exact = keras.layers.Lambda(lambda x: keras.ops.sum(x[:, :, :1] * x[:, :, 1:], axis=1), output_shape=(1,))(inputs)
    constant = keras.layers.SimpleRNN(1, kernel_initializer="zeros", recurrent_initializer="zeros",
                                      bias_initializer=keras.initializers.Constant(0.1))(inputs)
    undo = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(1 / np.tanh(0.1)),
                              bias_initializer="zeros")
    model = keras.Model(inputs, undo(keras.layers.Multiply()([exact, constant])))
    result, out = run_check(model, capsys)
    assert result is False
    assert out.startswith("Not yet: your model is accurate (your model's MSE on 2,000 new sequences")
    assert "but your answers do not depend on what your SimpleRNN reads from the sequence. With only its input " \
           "weights (its kernel) set to zero, so that it no longer sees the sequence and gives the same output " \
           "whatever the input, your answers still score MSE " in out
    assert "they keep 100% of their lead over always predicting the mean (1)" in out
    assert "let the recurrent layer read the sequence and compute the answer itself." in out


def test_the_exact_sum_gated_by_h_over_h_fails_when_the_blind_model_gives_nan(keras, capsys):
    """exact * h/h + 0.12 sin(500 h): h/h is 1 while the SimpleRNN reads the input and 0/0 when it cannot, so both
    silencings give NaN (which for the full silencing counts as all skill lost) and the sine term moves under the
    perturbation. A recurrent layer that cannot see the sequence still gives finite answers: NaN there is refused."""
    inputs = keras.Input(shape=(ADDING_TIMESTEPS, 2))
    exact = keras.layers.Lambda(lambda x: keras.ops.sum(x[:, :, :1] * x[:, :, 1:], axis=1), output_shape=(1,))(inputs)
    keras.utils.set_random_seed(0)
    h = keras.layers.SimpleRNN(1, bias_initializer="zeros")(inputs)
    out = keras.layers.Lambda(lambda t: t[0] * t[1] / t[1] + 0.12 * keras.ops.sin(500 * t[1]),
                              output_shape=(1,))([exact, h])
    result, printed = run_check(keras.Model(inputs, out), capsys)
    assert result is False
    assert "but your answers break when your SimpleRNN cannot see the sequence." in printed
    assert "your model then gives no usable answers (NaN, infinity or an error)" in printed


def test_the_exact_model_loses_everything_when_silenced(keras, capsys):
    result, out = run_check(exact_recurrent_model(keras), capsys)
    assert result is True
    assert "with its recurrent layers silenced (weights set to zero) it scores MSE " in out
    assert "and with only their input weights set to zero, so that they cannot see the sequence, it scores MSE " in out
    silenced, blind = (float(part.split(",")[0]) for part in out.split("it scores MSE ")[1:])
    assert min(silenced, blind) > 0.17, "both ways the exact model falls below always predicting the mean"


def test_an_untrained_gru_is_no_better_than_the_mean(keras, capsys):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(ADDING_TIMESTEPS, 2)), keras.layers.GRU(8), keras.layers.Dense(1)])
    result, out = run_check(model, capsys)
    assert result is False
    assert out.startswith("Not yet: your model's MSE on 2,000 new sequences of 50 steps is ")
    assert "always predicting the mean target (1) scores 0.1" in out
    assert "the bar is a tenth of that" in out and ADDING_MAX_RATIO == 0.1
    assert "no better than predicting the mean" in out


def test_a_partly_trained_model_is_told_to_train_longer(keras, capsys):
    model = exact_recurrent_model(keras)
    model.layers[-1].set_weights([np.full((1, 1), 0.6), np.full(1, 0.4)])  # 0.6 * sum + 0.4
    result, out = run_check(model, capsys)
    assert result is False
    assert "It has learned part of the task" in out


def test_the_wrong_length_and_the_wrong_features_are_named(keras, capsys):
    result, out = run_check(exact_recurrent_model(keras, timesteps=30), capsys)
    assert result is False and "input is fixed to 30 steps" in out and "ADDING_TIMESTEPS = 50" in out
    model = keras.Sequential([keras.Input(shape=(None, 3)), keras.layers.GRU(2), keras.layers.Dense(1)])
    result, out = run_check(model, capsys)
    assert result is False and "expects 3 features per step" in out


def test_a_value_per_step_is_named(keras, capsys):
    model = keras.Sequential([keras.Input(shape=(ADDING_TIMESTEPS, 2)), keras.layers.GRU(2, return_sequences=True),
                              keras.layers.Dense(1)])
    result, out = run_check(model, capsys)
    assert result is False and "return_sequences=False" in out and "(2000, 50, 1)" in out


@pytest.mark.parametrize(
    "answer, expected",
    [
        (lambda x: x[:, :, 0].sum(axis=1), "not a function"),
        (np.zeros((2000, 1)), "not its predictions"),
        (None, "Not attempted yet"),
    ],
)
def test_answers_that_are_not_a_model_are_named(answer, expected, capsys):
    result, out = run_check(answer, capsys)
    assert result is False and expected in out


def test_two_different_models_are_refused(keras, capsys):
    result, out = run_check(exact_recurrent_model(keras), capsys, model=exact_recurrent_model(keras))
    assert result is False and "another one as model=" in out


def test_the_hints_end_in_a_sketch_that_hands_in_the_model():
    exercise = AddingExercise()
    assert len(exercise.hints) == 3
    assert "keras.layers.GRU(16)" in exercise.hints[2] and "adding_model = model" in exercise.hints[2]
