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


def language_model(keras, *middle, outputs=NAME_VOCAB_SIZE):
    return keras.Sequential(
        [keras.Input(shape=(None,), dtype="int32"), keras.layers.Embedding(NAME_VOCAB_SIZE, 8, mask_zero=True), *middle,
         keras.layers.Dense(outputs)]
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
    logits = keras.layers.Dense(NAME_VOCAB_SIZE)(embedded) + 0.0 * keras.layers.Dense(NAME_VOCAB_SIZE)(ignored)
    result, out = run(keras.Model(tokens, logits), capsys)
    assert result is False and "do not come from the recurrent layer" in out


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
