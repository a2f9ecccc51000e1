"""utils.checks.adding (exercise 34): the check measures the learner's model on its own adding-problem sequences.

The models here are built by hand instead of trained, so the tests take
seconds: a one-unit linear SimpleRNN that adds up value times marker solves
the adding problem exactly, and the wrong answers are that model's cheats
(no recurrent layer, a recurrent layer that does nothing, or that only scales the answer by a constant; a Lambda
layer, arithmetic between layers or a class of one's own that computes the answer around the recurrent layer) and
its mistakes (untrained, the wrong length, a value per step). Every model the check is meant to measure is built from
Keras layers alone, as the check requires.
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
    """value * marker at each step, (batch, timesteps, 1), from Keras layers: two fixed Dense(1) pick the features."""
    pick_value, pick_marker = (keras.layers.Dense(1, use_bias=False, trainable=False) for _ in range(2))
    value, marker = pick_value(inputs), pick_marker(inputs)
    pick_value.set_weights([np.array([[1.0], [0.0]])])
    pick_marker.set_weights([np.array([[0.0], [1.0]])])
    return keras.layers.Multiply()([value, marker])


def exact_sum(keras, inputs):
    """The sum of value * marker over the steps, (batch, 1), by a fixed Dense layer: no recurrent layer involved."""
    summed = keras.layers.Dense(1, use_bias=False, trainable=False)
    exact = summed(keras.layers.Flatten()(products(keras, inputs)))
    summed.set_weights([np.ones((ADDING_TIMESTEPS, 1))])
    return exact


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
    model = keras.Model(inputs, exact_sum(keras, inputs))
    result, out = run_check(model, capsys)
    assert result is False
    assert out.startswith("Not yet: your model is accurate")
    assert "no recurrent layer (its layers: InputLayer, Dense, Dense, Multiply, Flatten, Dense)" in out


def test_a_recurrent_layer_that_does_no_work_fails(keras, capsys):
    inputs = keras.Input(shape=(ADDING_TIMESTEPS, 2))
    exact = exact_sum(keras, inputs)
    ignored = keras.layers.Dense(1, use_bias=False, trainable=False)
    idle = ignored(keras.layers.GRU(4)(inputs))
    model = keras.Model(inputs, keras.layers.Add()([exact, idle]))
    ignored.set_weights([np.zeros((4, 1))])
    result, out = run_check(model, capsys)
    assert result is False
    assert "do not depend on its GRU" in out


def exact_sum_beside(keras, branch_of):
    """The exact sum by a Dense layer over value × marker, plus ``branch_of(GRU output)``."""
    inputs = keras.Input(shape=(ADDING_TIMESTEPS, 2))
    exact = exact_sum(keras, inputs)
    keras.utils.set_random_seed(3)
    branch = branch_of(keras.layers.GRU(4)(inputs))
    return keras.Model(inputs, keras.layers.Add()([exact, branch]))


def test_a_recurrent_output_multiplied_by_zero_fails(keras, capsys):
    model = exact_sum_beside(keras, lambda h: keras.layers.Dense(1, kernel_initializer="zeros")(h))
    result, out = run_check(model, capsys)
    assert result is False
    assert "your model's predictions do not depend on its GRU: with that layer's weights perturbed they move by 0" in out


def test_the_exact_sum_plus_a_small_recurrent_term_fails_the_silence_test(keras, capsys):
    """It moves when the GRU is perturbed, and stays accurate, but the Dense layer computes the sum: the term is
    0.08 times a tanh that a steep Dense layer drives to about +1 or -1 by the sign of the GRU's outputs' sum."""
    def small(h):
        steep = keras.layers.Dense(1, activation="tanh", kernel_initializer=keras.initializers.Constant(50.0))(h)
        return keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(0.08))(steep)

    result, out = run_check(exact_sum_beside(keras, small), capsys)
    assert result is False
    assert out.startswith("Not yet: your model is accurate (your model's MSE on 2,000 new sequences")
    assert "but your GRU does not carry the answer. With every weight of that layer set to zero" in out
    assert "for always predicting the mean (1): they keep all of their lead, and more, over always predicting" in out


def test_the_exact_sum_times_a_constant_recurrent_output_fails(keras, capsys):
    """Dense layers compute the sum; a SimpleRNN(1) with zero kernels and bias 0.1 always outputs tanh(0.1); their
    product, scaled back by a Dense layer, is the exact sum. Silenced, the product is 0, and perturbed, tanh(0.1)
    moves, so both probes pass; with only the SimpleRNN's input kernel set to zero nothing changes."""
    inputs = keras.Input(shape=(ADDING_TIMESTEPS, 2))
    exact = exact_sum(keras, inputs)
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


def h_over_h_model(keras):
    """exact * h/h + 0.12 sin(500 h), the arithmetic in a Lambda layer: h/h is 1 while the SimpleRNN reads the input
    and 0/0 when it cannot."""
    inputs = keras.Input(shape=(ADDING_TIMESTEPS, 2))
    exact = exact_sum(keras, inputs)
    keras.utils.set_random_seed(0)
    h = keras.layers.SimpleRNN(1, bias_initializer="zeros")(inputs)
    out = keras.layers.Lambda(lambda t: t[0] * t[1] / t[1] + 0.12 * keras.ops.sin(500 * t[1]),
                              output_shape=(1,))([exact, h])
    return keras.Model(inputs, out)


def test_the_exact_sum_gated_by_h_over_h_is_refused_for_its_lambda(keras, capsys):
    result, printed = run_check(h_over_h_model(keras), capsys)
    assert result is False
    assert printed.startswith("Not yet: your model is not built from Keras layers alone: it contains a Lambda layer")


def test_the_silence_test_refuses_answers_that_break_when_the_layer_is_blind(keras):
    """Measured past the refusal: both silencings give NaN (which for the full silencing counts as all skill lost),
    and the sine term moves under the perturbation. A recurrent layer that cannot see the sequence still gives
    finite answers, so NaN there is refused."""
    model = h_over_h_model(keras)
    x, y = adding_module._check_sequences()
    score = float(np.mean((model.predict(x, verbose=0) - y) ** 2))
    baseline = float(np.mean((1.0 - y) ** 2))
    result = adding_exercise.silence_test(lambda: np.mean((model.predict(x, verbose=0) - y) ** 2), score, baseline,
                                          model, metric="MSE", baseline_name="always predicting the mean (1)")
    assert score < 0.1 * baseline and not np.isfinite(result.blind)
    assert "your answers break when your SimpleRNN cannot see the sequence." in result.problem
    assert "your model then gives no usable answers (NaN, infinity or an error)" in result.problem


def replica_cheat(keras, arithmetic):
    """The reviewer's cheat: the exact sum times (h_T / replica(x)) ** 8, where h_T is an untrained SimpleRNN(1) and
    replica runs the same SimpleRNN arithmetic outside any recurrent layer. As handed in the ratio is 1, perturbed
    it moves, and silenced h_T = 0 gives the answer 0, so the perturbation and both silencings are passed.

    ``arithmetic="lambda"`` computes the sum, the replica and the product in Lambda layers; ``"ops"`` writes the same
    with keras.ops on the symbolic tensors, which a functional model records as operations between layers, not as
    layers; ``"subclass"`` puts it in the call() of a keras.Model subclass."""
    ops = keras.ops
    W, U = np.array([[3.0], [0.0]], "float32"), np.array([[0.5]], "float32")

    def replica(x):
        h = ops.zeros_like(x[:, 0, :1])
        for t in range(ADDING_TIMESTEPS):
            h = ops.tanh(ops.matmul(x[:, t, :], W) + ops.matmul(h, U))
        return h

    def answer(x, h):
        return ops.sum(x[:, :, 0:1] * x[:, :, 1:2], axis=1) * (h / replica(x)) ** 8

    rnn = keras.layers.SimpleRNN(1, name="decoy")
    if arithmetic == "subclass":
        class Cheat(keras.Model):
            def __init__(self):
                super().__init__()
                self.rnn = rnn

            def call(self, x):
                return answer(x, self.rnn(x))

        model = Cheat()
        model(np.zeros((1, ADDING_TIMESTEPS, 2), "float32"))
    else:
        inputs = keras.Input(shape=(ADDING_TIMESTEPS, 2))
        h = rnn(inputs)
        if arithmetic == "lambda":
            out = keras.layers.Lambda(lambda t: answer(t[0], t[1]), output_shape=(1,))([inputs, h])
        else:
            out = answer(inputs, h)
        model = keras.Model(inputs, out)
    rnn.set_weights([W, U, np.zeros(1, "float32")])
    return model


@pytest.mark.parametrize("arithmetic, found", [
    ("lambda", "it contains a Lambda layer (lambda"),
    ("ops", "it contains the operation GetItem between layers; the operation"),
    ("subclass", "it contains Cheat, a model class of your own"),
])
def test_the_exact_sum_times_a_ratio_to_a_replica_is_refused(keras, capsys, arithmetic, found):
    model = replica_cheat(keras, arithmetic)
    x, y = adding_module._check_sequences()
    assert np.mean((model.predict(x[:200], verbose=0) - y[:200]) ** 2) < 1e-6, "the cheat answers exactly"
    result, out = run_check(model, capsys)
    assert result is False
    assert out.startswith("Not yet: your model is not built from Keras layers alone: ")
    assert found in out
    assert "can compute the answer around the recurrent layer" in out
    assert "Rebuild the model from Keras layers" in out


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
