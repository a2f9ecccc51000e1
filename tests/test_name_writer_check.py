"""Exercise 44's check (utils.checks.name_writer): the encoding, the bar, and right and wrong language models."""

from __future__ import annotations

import math

import numpy as np
import pytest

from utils.checks import NAME_ALPHABET, NAME_VOCAB_SIZE, encode_names, name_writer, name_writer_exercise


@pytest.fixture(scope="module")
def keras():
    from utils import import_tensorflow_quietly

    import_tensorflow_quietly()
    import keras

    return keras


def language_model(keras, *middle, outputs=NAME_VOCAB_SIZE, mask_zero=True):
    return keras.Sequential(
        [keras.Input(shape=(None,), dtype="int32"), keras.layers.Embedding(NAME_VOCAB_SIZE, 8, mask_zero=mask_zero),
         *middle, keras.layers.Dense(outputs)]
    )


@pytest.fixture(scope="module")
def briefly_trained(keras):
    """An LSTM(16) trained for two epochs on the training names: a real model, but not yet good."""
    keras.utils.set_random_seed(0)
    model = language_model(keras, keras.layers.LSTM(16, return_sequences=True))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = encode_names(name_writer._names("train"))
    model.fit(x, y, epochs=2, batch_size=128, verbose=0)
    return model


def score(model):
    return name_writer._bits_per_character(model, *encode_names(name_writer._names("check")))[0]


def run(answer, capsys, **kwargs):
    result = name_writer_exercise.check(answer, **kwargs)
    return result, capsys.readouterr().out


def test_encode_names_frames_each_name_and_pads_with_zero():
    x, y = encode_names(["Emma", "al-b"])
    assert x.shape == y.shape == (2, 5) and x.dtype == np.int32
    assert "".join(NAME_ALPHABET[i - 1] for i in x[1, :5]) == ".al-b"
    assert "".join(NAME_ALPHABET[i - 1] for i in y[1, :5]) == "al-b."
    assert x[0, 0] == 1 and y[0, 4] == 1 and (x[1:, 5:] == 0).all()


@pytest.mark.parametrize(
    ("names", "error", "match"),
    [
        ("Emma", TypeError, "not one string"),
        ([], ValueError, "names is empty"),
        (["Emma", 3], TypeError, "every name must be a str"),
        (["Emma", ""], ValueError, "a name is empty"),
        (["Zoë"], ValueError, r"outside the alphabet \(\['ë'\]\)"),
    ],
)
def test_encode_names_rejects_bad_input(names, error, match):
    with pytest.raises(error, match=match):
        encode_names(names)


def test_the_bar_is_the_best_kneser_ney_ngram_on_the_check_names():
    bar, n = name_writer.ngram_bar()
    assert n in name_writer.NAME_NGRAM_ORDERS
    assert 2.0 < bar < math.log2(len(NAME_ALPHABET))


def test_the_check_names_are_not_the_training_or_validation_names():
    check = set(name_writer._names("check"))
    assert check and not check & set(name_writer._names("train")) and not check & set(name_writer._names("test"))


def test_a_model_below_the_bar_passes(briefly_trained, monkeypatch, capsys):
    bits = score(briefly_trained)
    monkeypatch.setattr(name_writer, "ngram_bar", lambda: (bits + 0.05, 4))
    result, out = run(briefly_trained, capsys)
    assert result is True
    assert out.startswith(f"Correct: your model scores {bits:.3f} bits per character on the 1,268 check names")


def test_a_model_above_the_real_bar_fails_and_says_by_how_much(briefly_trained, capsys):
    bits, (bar, n) = score(briefly_trained), name_writer.ngram_bar()
    assert bits > bar  # two epochs of LSTM(16) are not enough
    result, out = run(briefly_trained, capsys)
    assert result is False
    assert f"scores {bits:.3f}" in out and f"Kneser–Ney {n}-gram" in out and f"scores {bar:.3f}; yours must be lower" in out


def test_softmax_probabilities_score_like_logits(keras, briefly_trained):
    with_softmax = language_model(keras, keras.layers.LSTM(16, return_sequences=True))
    with_softmax.layers[-1].activation = keras.activations.softmax
    with_softmax.set_weights(briefly_trained.get_weights())
    assert score(with_softmax) == pytest.approx(score(briefly_trained), abs=1e-4)


def test_an_untrained_model_is_called_a_guess(keras, capsys):
    keras.utils.set_random_seed(0)
    result, out = run(language_model(keras, keras.layers.LSTM(8, return_sequences=True)), capsys)
    assert result is False and "close to guessing among the 28 characters" in out


def test_a_model_without_a_recurrent_layer_fails(keras, capsys):
    result, out = run(language_model(keras), capsys)
    assert result is False and "has no recurrent layer" in out


def test_one_output_per_name_asks_for_return_sequences(keras, capsys):
    result, out = run(language_model(keras, keras.layers.LSTM(8)), capsys)
    assert result is False and "return_sequences=True" in out


def test_the_wrong_number_of_outputs_is_named(keras, capsys):
    result, out = run(language_model(keras, keras.layers.LSTM(8, return_sequences=True), outputs=27), capsys)
    assert result is False and "27 scores per character" in out and f"NAME_VOCAB_SIZE = {NAME_VOCAB_SIZE}" in out


def test_a_model_whose_lstm_is_switched_off_fails(keras, capsys):
    tokens = keras.Input(shape=(None,), dtype="int32")
    embedded = keras.layers.Embedding(NAME_VOCAB_SIZE, 8)(tokens)
    ignored = keras.layers.LSTM(8, return_sequences=True)(embedded)
    switched_off = keras.layers.Rescaling(0.0)(keras.layers.Dense(NAME_VOCAB_SIZE)(ignored))
    logits = keras.layers.Add()([keras.layers.Dense(NAME_VOCAB_SIZE)(embedded), switched_off])
    result, out = run(keras.Model(tokens, logits), capsys)
    assert result is False and "do not come from the recurrent layer" in out


def test_a_bidirectional_model_reads_its_target_and_is_refused(keras, capsys):
    """Trained for two epochs it scores far below the n-gram bar, because at position t it reads character t+1."""
    keras.utils.set_random_seed(0)
    model = language_model(keras, keras.layers.Bidirectional(keras.layers.LSTM(16, return_sequences=True)))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(*encode_names(name_writer._names("train")), epochs=2, batch_size=128, verbose=0)
    bits, (bar, _) = score(model), name_writer.ngram_bar()
    assert bits < bar - 0.5, "reading the next character makes it look far better than any n-gram"
    result, out = run(model, capsys)
    assert result is False
    assert out.startswith(f"Not yet: your model scores {bits:.3f} bits per character")
    assert "but your model reads ahead: when the check changed the characters after a position t, its predictions " \
           "at t and before moved" in out
    assert "At position t the target is character t+1, so a model that sees the input after t can copy its answer" in out
    assert "A Bidirectional layer reads each name backwards too" in out


def test_a_convolution_that_looks_ahead_is_refused(keras, capsys):
    keras.utils.set_random_seed(0)
    model = language_model(keras, keras.layers.Conv1D(8, 3, padding="same"), keras.layers.LSTM(8, return_sequences=True),
                           mask_zero=False)
    result, out = run(model, capsys)
    assert result is False
    assert "your model reads ahead" in out and "Conv1D needs padding='causal'" in out


def test_a_causal_convolution_before_the_lstm_is_not_called_a_peek(keras, capsys):
    keras.utils.set_random_seed(0)
    model = language_model(keras, keras.layers.Conv1D(8, 3, padding="causal"), keras.layers.LSTM(8, return_sequences=True),
                           mask_zero=False)
    result, out = run(model, capsys)
    assert result is False and "reads ahead" not in out and "close to guessing" in out


def test_the_future_leak_of_a_causal_lstm_is_exactly_zero(briefly_trained):
    x, _ = encode_names(name_writer._names("check"))
    leak = name_writer.future_leak(lambda inputs: name_writer._log_probabilities(briefly_trained, inputs)[0], x,
                                   (x > 0).sum(axis=1), low=3, high=NAME_VOCAB_SIZE)
    assert leak == 0.0


def test_a_passing_model_loses_its_skill_when_silenced(briefly_trained, monkeypatch, capsys):
    bits = score(briefly_trained)
    monkeypatch.setattr(name_writer, "ngram_bar", lambda: (bits + 0.05, 4))
    result, out = run(briefly_trained, capsys)
    assert result is True
    assert "with its recurrent layers silenced (weights set to zero) it scores bits per character " in out
    assert "and with only their input weights set to zero, so that they cannot see the sequence, it scores bits per " \
           "character " in out
    silenced, blind = (float(part.split(",")[0]) for part in out.split("it scores bits per character ")[1:])
    unigram = name_writer.ngram_scores()[1]
    assert min(silenced, blind) >= unigram - 0.25 * (unigram - bits)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [(np.zeros((2, 5)), "not its outputs"), (lambda x: x, "not a function"), ("model", "received str")],
)
def test_anything_but_a_model_is_named(answer, expected, capsys):
    result, out = run(answer, capsys)
    assert result is False and out.startswith("Not yet: expected your trained Keras language model") and expected in out


def test_two_different_models_are_refused(keras, briefly_trained, capsys):
    result, out = run(briefly_trained, capsys, model=language_model(keras))
    assert result is False and "another one as model=" in out
