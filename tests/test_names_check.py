"""utils.checks.names: the names check passes a trained character LSTM and rejects the wrong answers, saying why.

One small LSTM is trained once for the module (a few seconds, like lesson 41's
name reader). The wrong answers: the model handed in as the answer, a
function without a model, a model without a recurrent layer, an untrained
model, the trained model read the wrong way round, a vectorize_names that
raises, a model that returns a value per character, and a cheat whose
recurrent layer is multiplied by zero while the labels come in through the
input.
"""

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from utils.checks import NAMES_BAR_SHARE, names_exercise
from utils.checks.names import names_bar
from utils.text import load_first_names

keras = pytest.importorskip("keras")

MAX_LEN = 15


def run_check(answer, capsys, **parts):
    result = names_exercise.check(answer, **parts)
    assert isinstance(result, bool)
    return result, capsys.readouterr().out


@pytest.fixture(scope="module")
def trained():
    """(vectorize_names, model): lesson 41's name reader, trained on the train part."""
    names = load_first_names()
    names = names[~names["in_both"] & (names["part"] == "train")]
    y = (names["list"] == "male").to_numpy().astype("int32")
    vectorizer = keras.layers.TextVectorization(split="character", standardize="lower", output_sequence_length=MAX_LEN)
    vectorizer.adapt(names["name"].tolist())

    def vectorize_names(batch):
        return vectorizer(list(batch)).numpy()

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(MAX_LEN,), dtype="int64"),
        keras.layers.Embedding(len(vectorizer.get_vocabulary()), 16, mask_zero=True),
        keras.layers.LSTM(32),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy")
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    x_fit, x_val, y_fit, y_val = train_test_split(vectorize_names(names["name"]), y, test_size=0.15, stratify=y,
                                                  random_state=0)
    model.fit(x_fit, y_fit, validation_data=(x_val, y_val), epochs=30, batch_size=128, verbose=0, callbacks=[stop])
    return vectorize_names, model


def test_the_bar_lies_between_the_majority_and_the_ngram_model():
    bar = names_bar()
    assert 0.5 < bar.majority < bar.bar < bar.ngram < 1
    assert bar.bar == pytest.approx(bar.majority + NAMES_BAR_SHARE * (bar.ngram - bar.majority))
    names = load_first_names(include_check=True)
    check = names[(names["part"] == "check") & ~names["in_both"]]
    assert bar.names == check["name"].tolist(), "the check scores the check part, names on both lists left out"


def test_a_trained_character_lstm_passes(trained, capsys):
    vectorize_names, model = trained
    result, out = run_check(vectorize_names, capsys, model=model)
    assert result, out
    assert out.startswith("Correct: your model names the right list for ")
    assert "the bar is" in out and "n-gram logistic regression" in out and "from your LSTM" in out


def test_the_model_as_the_answer_is_turned_away(trained, capsys):
    _, model = trained
    result, out = run_check(model, capsys)
    assert not result
    assert "you passed a Keras model as the answer" in out


def test_a_function_without_its_model_fails(trained, capsys):
    vectorize_names, _ = trained
    result, out = run_check(vectorize_names, capsys)
    assert not result
    assert "without the model it uses" in out and "model=names_model" in out


def test_a_model_without_a_recurrent_layer_fails(trained, capsys):
    vectorize_names, _ = trained
    bag = keras.Sequential([keras.Input(shape=(MAX_LEN,), dtype="int64"), keras.layers.Embedding(40, 8),
                            keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, activation="sigmoid")])
    result, out = run_check(vectorize_names, capsys, model=bag)
    assert not result
    assert "no recurrent layer" in out and "GlobalAveragePooling1D" in out


def test_an_untrained_model_fails_with_the_accuracy_and_the_bar(trained, capsys):
    vectorize_names, model = trained
    keras.utils.set_random_seed(1)
    untrained = keras.models.clone_model(model)
    result, out = run_check(vectorize_names, capsys, model=untrained)
    assert not result
    assert out.startswith("Not yet: your model names the right list for ") and "the bar is" in out
    assert "has not learned to tell names apart" in out


def test_a_model_read_the_wrong_way_round_is_told_the_labels_may_be_flipped(trained, capsys):
    vectorize_names, model = trained
    inputs = keras.Input(shape=(MAX_LEN,), dtype="int64")
    flipped = keras.Model(inputs, keras.layers.Rescaling(-1.0, offset=1.0)(model(inputs)))  # 1 - p
    result, out = run_check(vectorize_names, capsys, model=flipped)
    assert not result
    assert "worse than a coin: are your labels flipped?" in out


def test_a_vectorize_names_that_raises_is_reported(trained, capsys):
    _, model = trained

    def broken(names):
        raise KeyError("Zelda")

    result, out = run_check(broken, capsys, model=model)
    assert not result
    assert out.startswith("Not yet: vectorize_names raised KeyError")


def test_a_value_per_character_is_explained(trained, capsys):
    vectorize_names, _ = trained
    per_step = keras.Sequential([keras.Input(shape=(MAX_LEN,), dtype="int64"), keras.layers.Embedding(40, 8),
                                 keras.layers.LSTM(4, return_sequences=True),
                                 keras.layers.Dense(1, activation="sigmoid")])
    result, out = run_check(vectorize_names, capsys, model=per_step)
    assert not result
    assert "return_sequences=True" in out


def test_a_smuggled_label_is_refused_before_the_model_runs(capsys):
    """The labels come in through vectorize_names and the LSTM is multiplied by zero: right answers, but no reading."""
    bar = names_bar()
    label_of = dict(zip(bar.names, bar.is_male))

    def looked_up(names):
        return np.array([[[float(label_of.get(name, 0))]] for name in names], dtype="float32")  # (n, 1, 1)

    inputs = keras.Input(shape=(1, 1))
    ignored = keras.layers.Rescaling(0.0)(keras.layers.LSTM(2)(inputs))
    answer = keras.layers.Rescaling(0.98, offset=0.01)(keras.layers.Flatten()(inputs))
    cheat = keras.Model(inputs, keras.layers.Add()([answer, keras.layers.Dense(1)(ignored)]))
    result, out = run_check(looked_up, capsys, model=cheat)
    assert not result
    assert out.startswith("Not yet: vectorize_names must return one integer per letter of each name")
    assert "only the name's letters may reach the model" in out


@pytest.mark.parametrize("where", ["last-id", "extra-column", "padding-side"])
def test_a_label_hidden_in_the_letters_is_refused(trained, where, capsys):
    """The letters are there, but a looked-up label rides along: in one id, in a column, or in the padding side."""
    vectorize_names, model = trained
    bar = names_bar()
    label_of = dict(zip(bar.names, bar.is_male))

    def smuggled(names):
        x = vectorize_names(names)
        labels = np.array([label_of.get(name, 0) for name in names])
        if where == "last-id":
            x[np.arange(len(x)), 0] = np.where(labels == 1, 29, x[:, 0])
        elif where == "extra-column":
            x = np.concatenate([x, labels[:, None]], axis=1)
        else:
            x = np.array([np.roll(row, MAX_LEN - np.count_nonzero(row)) if label else row for row, label in zip(x, labels)])
        return x

    result, out = run_check(smuggled, capsys, model=model)
    assert not result
    assert out.startswith("Not yet: vectorize_names must return one integer per letter of each name")


def test_a_recurrent_layer_that_does_not_decide_the_answers_is_named(trained, capsys):
    """The LSTM's output is multiplied by zero, and a bag of letters decides: the perturbation finds it."""
    vectorize_names, _ = trained
    inputs = keras.Input(shape=(MAX_LEN,), dtype="int64")
    embedded = keras.layers.Embedding(40, 8)(inputs)
    ignored = keras.layers.Rescaling(0.0)(keras.layers.LSTM(4)(embedded))
    bag = keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(embedded))
    cheat = keras.Model(inputs, keras.layers.Activation("sigmoid")(keras.layers.Add()([bag, keras.layers.Dense(1)(ignored)])))
    result, out = run_check(vectorize_names, capsys, model=cheat)
    assert not result
    assert "your recurrent layers (LSTM) do not decide the answers: with their weights perturbed, no probability moves" in out
