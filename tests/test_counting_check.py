"""utils.checks.counting (exercise 23): sequences whose steps follow a pattern, continued far beyond the training range.

The reference answer (an LSTM on the scaled steps) is trained once, briefly;
the wrong answers are built by hand: the three rules written out (right, no
network), the rules next to a model they ignore, the rules plus a small
recurrent term, a recurrent layer multiplied by zero or behind a zeroed head
while a Lambda layer computes the rules, the rules multiplied by a recurrent
layer whose output never changes, "the last value plus the last step",
persistence, functions that only work inside their training range, and
functions that raise or return something that is not a number.
"""

import numpy as np
import pytest

from utils.checks import COUNTING_CASES, COUNTING_PATTERNS, COUNTING_TOLERANCE, counting_exercise
from utils.checks import counting as counting_module
from utils.checks.counting import arithmetic_rule, counting_sequences

MAX_STEPS = 15


def run_check(answer, capsys, **kwargs):
    result = counting_exercise.check(answer, **kwargs)
    assert isinstance(result, bool)
    return result, capsys.readouterr().out


def by_the_rules(sequence):
    """The three patterns written out: exactly right, and no network."""
    d = np.diff(np.asarray(sequence, dtype="float64"))
    if d[-1] == d[-2]:
        return float(sequence[-1] + d[-1])
    return float(sequence[-1] + (d[-2] if d[-1] == d[-3] else 2 * d[-1] - d[-2]))


def relative_steps(sequences):
    """Each sequence's steps over their largest, padded in front to MAX_STEPS: (batch, MAX_STEPS, 1), and the scales."""
    import keras

    steps = [np.diff(np.asarray(s, dtype="float64")) for s in sequences]
    scales = np.array([np.abs(d).max() for d in steps])
    x = keras.utils.pad_sequences([d / c for d, c in zip(steps, scales)], maxlen=MAX_STEPS, dtype="float32",
                                  padding="pre", value=0.0)
    return x[..., None], scales


def predict_next_with(model):
    def predict_next(sequence):
        x, scales = relative_steps([sequence])
        return float(sequence[-1] + model.predict(x, verbose=0)[0, 0] * scales[0])

    return predict_next


@pytest.fixture(scope="module")
def counting_model(keras):
    """The reference, trained briefly: Masking, LSTM(32), Dense(1) on 4,000 sequences for 30 epochs."""
    keras.utils.set_random_seed(42)
    sequences, answers, _ = counting_sequences(4000, seed=42)
    x, scales = relative_steps(sequences)
    y = ((answers - np.array([s[-1] for s in sequences])) / scales).astype("float32")[:, None]
    model = keras.Sequential([keras.Input(shape=(None, 1)), keras.layers.Masking(mask_value=0.0),
                              keras.layers.LSTM(32), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, y, epochs=30, batch_size=64, verbose=0)
    return model


def rule_layer(keras, inputs):
    """The three rules on the scaled steps, inside the model: the next scaled step."""

    def rules(x):
        d1, d2, d3 = x[:, -1, 0], x[:, -2, 0], x[:, -3, 0]
        ops = keras.ops
        return ops.expand_dims(ops.where(ops.equal(d1, d2), d1, ops.where(ops.equal(d1, d3), d2, 2 * d1 - d2)), -1)

    return keras.layers.Lambda(rules, output_shape=(1,))(inputs)


def bypassed_model(keras, how):
    """An LSTM whose output is multiplied by zero ("times-zero") or feeds a zeroed Dense head ("zero-head"),
    added to a Lambda layer that computes the rules; or the rules multiplied by a SimpleRNN(1) with zero kernels and
    bias 0.1, whose output is always tanh(0.1), scaled back by a Dense layer ("times-constant")."""
    inputs = keras.Input(shape=(MAX_STEPS, 1))
    if how == "times-constant":
        constant = keras.layers.SimpleRNN(1, kernel_initializer="zeros", recurrent_initializer="zeros",
                                          bias_initializer=keras.initializers.Constant(0.1))(inputs)
        undo = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(1 / np.tanh(0.1)),
                                  bias_initializer="zeros")
        return keras.Model(inputs, undo(keras.layers.Multiply()([rule_layer(keras, inputs), constant])))
    lstm = keras.layers.LSTM(8)(inputs)
    if how == "times-zero":
        branch = keras.layers.Dense(1)(keras.layers.Lambda(lambda h: 0.0 * h, output_shape=(8,))(lstm))
        model = keras.Model(inputs, keras.layers.Add()([rule_layer(keras, inputs), branch]))
    else:
        head = keras.layers.Dense(1, kernel_initializer="zeros")
        model = keras.Model(inputs, keras.layers.Add()([rule_layer(keras, inputs), head(lstm)]))
    return model


# --- The sequences --------------------------------------------------------------------------


def test_every_pattern_continues_as_its_name_says():
    sequences, answers, patterns = counting_sequences(300, seed=0)
    assert [patterns.count(p) for p in COUNTING_PATTERNS] == [100, 100, 100]
    for sequence, answer, pattern in zip(sequences, answers, patterns):
        steps = np.diff(np.append(sequence, answer))
        assert np.all(steps == np.round(steps)) and steps.min() >= 1, "increasing whole numbers"
        assert 5 <= len(sequence) <= 16
        if pattern == "alternating":
            assert steps[0] != steps[1] and np.all(steps[2:] == steps[:-2])
        elif pattern == "growing":
            assert np.all(np.diff(steps, 2) == 0) and steps[1] > steps[0]
        else:
            change = np.flatnonzero(np.diff(steps))
            assert len(change) == 1 and change[0] >= 1 and len(steps) - change[0] - 1 >= 2, "two steps each side"
        assert by_the_rules(sequence) == answer


def test_the_check_cases_come_from_the_check_seed_and_start_far_outside_the_training_range():
    sequences, _, patterns = counting_module.check_cases()
    again = counting_module.check_cases()
    assert len(sequences) == COUNTING_CASES == 30 and all(np.array_equal(a, b) for a, b in zip(sequences, again[0]))
    assert sorted(set(patterns)) == sorted(COUNTING_PATTERNS)
    starts = np.array([s[0] for s in sequences])
    assert starts.min() >= -1000 and starts.max() < 20000 and (starts > 1000).sum() >= 20
    training, _, _ = counting_sequences(1000, seed=1)
    assert max(s[0] for s in training) < 100, "the learner's default training starts lie below 100"
    assert min(np.diff(s).min() for s in sequences) > COUNTING_TOLERANCE, "persistence never counts as right"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n": 0}, "n must be a positive whole number of sequences; received n=0"),
        ({"n": 2.5}, "received n=2.5"),
        ({"n": 3, "start_low": 5, "start_high": 5}, "start_low must be below start_high"),
        ({"n": 3, "min_length": 4}, "5 <= min_length <= max_length"),
        ({"n": 3, "min_length": 9, "max_length": 8}, "received min_length=9, max_length=8"),
    ],
)
def test_counting_sequences_refuses_bad_settings(kwargs, message):
    n = kwargs.pop("n")
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        counting_sequences(n, seed=0, **kwargs)


def test_the_arithmetic_rule_is_right_only_where_the_step_stays():
    sequences, answers, patterns = counting_sequences(300, seed=3)
    right = {p: 0 for p in COUNTING_PATTERNS}
    for sequence, answer, pattern in zip(sequences, answers, patterns):
        right[pattern] += abs(arithmetic_rule(sequence) - answer) <= COUNTING_TOLERANCE
    assert right == {"alternating": 0, "growing": 0, "changing": 100}


# --- The reference passes -------------------------------------------------------------------


def test_the_reference_lstm_passes_and_loses_its_skill_when_silenced(counting_model, capsys):
    result, out = run_check(predict_next_with(counting_model), capsys, model=counting_model)
    assert result is True, out
    assert out.startswith("Correct: all 30 sequences right, each within ±0.5 of the true next number, on sequences "
                          "of 5 to 16 numbers whose steps alternate, grow or change once")
    assert "The last value plus the last step gets 10 of them." in out
    assert "with its recurrent layers silenced (weights set to zero) it scores " in out
    assert "and with only their input weights set to zero, so that they cannot see the sequence, it scores " in out
    silenced, blind = (int(part.split(" of 30 right")[0]) for part in out.split("it scores ")[1:])
    assert max(silenced, blind) <= 10, "silenced either way, the reference falls back to the baseline or below"


# --- No network, or a network that does not do the work -----------------------------------------


def test_the_rules_without_a_model_are_right_and_rejected(capsys):
    result, out = run_check(by_the_rules, capsys)
    assert result is False
    assert out.startswith("Not yet: your predict_next is right on all 30 sequences, each within ±0.5")
    assert "you handed in a function without the model it uses" in out
    assert "Why it matters: once you know the three patterns, one line of arithmetic each" in out


def test_the_rules_next_to_a_model_they_ignore_are_rejected(counting_model, capsys):
    result, out = run_check(by_the_rules, capsys, model=counting_model)
    assert result is False
    assert "your answers do not come from the model's LSTM: with that layer's weights perturbed no answer moves by " \
           "more than 0," in out


def test_the_rules_plus_a_small_recurrent_term_are_caught_by_the_silence_test(counting_model, capsys):
    def decorative(sequence):  # moves by up to 0.9 when the LSTM is perturbed, but the rules give the answer
        x, _ = relative_steps([sequence])
        return by_the_rules(sequence) + 0.45 * float(np.sin(50 * counting_model.predict(x, verbose=0)[0, 0]))

    result, out = run_check(decorative, capsys, model=counting_model)
    assert result is False
    assert "but your LSTM does not carry the answer. With every weight of that layer set to zero" in out, out
    assert "your answers still score 30 of 30 right, against 30 of 30 right as handed in and 10 of 30 right for " \
           "the last value plus the last step: they keep 100% of their lead over" in out


@pytest.mark.parametrize("how", ["times-zero", "zero-head"])
def test_a_bypassed_lstm_is_rejected(keras, how, capsys, past_the_refusal):
    model = bypassed_model(keras, how)
    result, out = run_check(predict_next_with(model), capsys, model=model)
    assert result is False
    assert out.startswith("Not yet: your predict_next is right on all 30 sequences")
    assert "your answers do not come from the model's LSTM: with that layer's weights perturbed no answer moves" in out


def test_the_rules_times_a_constant_recurrent_output_are_rejected(keras, capsys, past_the_refusal):
    """Silenced, the rules times 0 give 0 and fail; perturbed, tanh(0.1) moves the answers; only zeroing the
    SimpleRNN's input kernel alone shows that the answers do not need what it reads."""
    model = bypassed_model(keras, "times-constant")
    result, out = run_check(predict_next_with(model), capsys, model=model)
    assert result is False
    assert out.startswith("Not yet: your predict_next is right on all 30 sequences")
    assert "but your answers do not depend on what your SimpleRNN reads from the sequence. With only its input " \
           "weights (its kernel) set to zero" in out
    assert "your answers still score 30 of 30 right, against 30 of 30 right as handed in and 10 of 30 right for " \
           "the last value plus the last step: they keep 100% of their lead over" in out


def test_the_rules_in_a_model_without_a_recurrent_layer_are_rejected(keras, capsys, past_the_refusal):
    inputs = keras.Input(shape=(MAX_STEPS, 1))
    model = keras.Model(inputs, rule_layer(keras, inputs))
    result, out = run_check(predict_next_with(model), capsys, model=model)
    assert result is False
    assert out.startswith("Not yet: your predict_next is right on all 30 sequences")
    assert "your model has no recurrent layer (its layers: InputLayer, Lambda)" in out


def test_the_model_alone_is_not_the_answer(counting_model, capsys):
    result, out = run_check(counting_model, capsys)
    assert result is False
    assert "you passed a Keras model as the answer; this exercise wants your function predict_next" in out


# --- Wrong answers, and what the check says about them -------------------------------------------


def test_the_last_step_repeated_is_named(capsys):
    result, out = run_check(arithmetic_rule, capsys)
    assert result is False
    assert out.startswith("Not yet: 10 of 30 sequences right; each prediction must be within ±0.5")
    assert "You continued every sequence by its last step. That is right only when the step stays the same" in out


def test_persistence_is_named(capsys):
    result, out = run_check(lambda s: s[-1], capsys)
    assert result is False
    assert "Not yet: 0 of 30 sequences right" in out
    assert "You predicted the last number itself (persistence)" in out


@pytest.mark.parametrize(
    "answer",
    [lambda s: min(by_the_rules(s), 100.0), lambda s: 100.0 * np.tanh(by_the_rules(s) / 100.0)],
    ids=["clipped-at-100", "tanh-squashed"],
)
def test_a_function_that_only_works_inside_its_training_range_is_told_why(answer, capsys):
    result, out = run_check(answer, capsys)
    assert result is False
    assert "its output is bounded, and its activations saturate" in out and "cannot extrapolate" in out


def test_up_to_three_failing_cases_are_shown_with_their_pattern(capsys):
    result, out = run_check(lambda s: min(by_the_rules(s), 100.0), capsys)
    assert result is False
    shown = [line for line in out.splitlines() if line.startswith("  after ")]
    assert len(shown) == 3 and "more)" in out
    sequences, answers, patterns = counting_module.check_cases()
    first = next(i for i, s in enumerate(sequences) if by_the_rules(s) > 100)
    head = ", ".join(counting_module._number(v) for v in sequences[first][:3])
    assert shown[0].startswith(f"  after [{head}, ..., {counting_module._number(sequences[first][-1])}] "
                               f"(steps {patterns[first]}) you predicted 100, the answer is "
                               f"{counting_module._number(answers[first])}")


def test_misses_in_one_pattern_are_counted_by_pattern(capsys):
    def no_growth(sequence):
        d = np.diff(sequence)
        return by_the_rules(sequence) if d[-1] == d[-2] or d[-1] == d[-3] else float(sequence[-1] + d[-1] + 3)

    result, out = run_check(no_growth, capsys)
    assert result is False
    assert "Misses by pattern: alternating 0, growing 10, changing 0 (of 10 each)" in out


def test_the_function_cannot_change_the_cases(capsys):
    def greedy(sequence):
        answer = by_the_rules(sequence)
        sequence[:] = 0.0
        return answer

    run_check(greedy, capsys)
    _, out = run_check(by_the_rules, capsys)
    assert "right on all 30 sequences" in out


def test_a_function_that_raises_is_reported(capsys):
    def needs_ten(sequence):
        if len(sequence) < 10:
            raise ValueError(f"expected 10 numbers, got {len(sequence)}")
        return by_the_rules(sequence)

    result, out = run_check(needs_ten, capsys)
    assert result is False
    assert "your function raised ValueError: expected 10 numbers, got " in out


@pytest.mark.parametrize(
    "answer, expected",
    [
        (lambda s: float("nan"), "you predicted nan, the answer is"),
        (lambda s: "3", "your function returned the string '3', not a number"),
        (lambda s: None, "your function returned None"),
        (lambda s: np.array([1.0, 2.0]), "expected one number"),
        (lambda s: True, "your function returned True, not a number"),
    ],
    ids=["nan", "string", "None", "two-values", "bool"],
)
def test_a_result_that_is_not_one_number_is_reported(answer, expected, capsys):
    result, out = run_check(answer, capsys)
    assert result is False
    assert "Not yet: 0 of 30 sequences right" in out
    assert expected in out


@pytest.mark.parametrize(
    "answer",
    [
        by_the_rules,
        lambda s: round(by_the_rules(s)),
        lambda s: np.float32(by_the_rules(s)),
        lambda s: np.array([[by_the_rules(s)]]),
    ],
    ids=["float", "int", "float32", "1-element-array"],
)
def test_any_kind_of_number_is_read(answer, capsys):
    _, out = run_check(answer, capsys)
    assert "right on all 30 sequences" in out  # right answers; rejected only for the missing model


def test_something_that_is_not_a_function_is_refused(capsys):
    result, out = run_check(3.0, capsys)
    assert result is False
    assert out.startswith("Not yet: expected a function predict_next(sequence) -> float; received float 3.0")
