"""utils.checks.transcription: the CTC check passes a trained recogniser and rejects the wrong answers, saying why.

One bidirectional LSTM is trained once for the module with lesson 36's recipe (about fifteen seconds on two
cores). The wrong answers: the same network untrained, a network without a recurrent layer, one that gives a row
per strip instead of per frame, one with ten scores per frame instead of eleven, one whose LSTM is multiplied by
zero while a convolution reads the strip, a trained convolution whose LSTM runs one step per frame (no recurrence
across frames), and a model= beside another answer.
"""

import pytest

from utils.checks import TRANSCRIPTION_BAR_SHARE, transcription_exercise
from utils.checks.transcription import _transcription_bar
from utils.datasets import load_handwritten_digits
from utils.transcription import Strips, make_strips, pad_strips, split_digit_images

keras = pytest.importorskip("keras")
from utils.transcription import LengthBatches  # noqa: E402 (needs Keras)


def run_check(answer, capsys, **parts):
    result = transcription_exercise.check(answer, **parts)
    assert isinstance(result, bool)
    return result, capsys.readouterr().out


def ctc_loss(targets, logits):
    targets = keras.ops.cast(targets, "int32")
    target_lengths = keras.ops.sum(keras.ops.cast(targets > 0, "int32"), axis=1)
    frame_counts = keras.ops.full((keras.ops.shape(logits)[0],), keras.ops.shape(logits)[1], dtype="int32")
    return keras.ops.ctc_loss(targets, logits, target_lengths, frame_counts, mask_index=0)


def recogniser(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(None, 8)),
                              keras.layers.Bidirectional(keras.layers.LSTM(64, return_sequences=True)),
                              keras.layers.Dense(11)])
    model.compile(optimizer=keras.optimizers.Adam(1e-2, clipnorm=1.0), loss=ctc_loss)
    return model


@pytest.fixture(scope="module")
def train_strips():
    """3,200 strips of the training images, half gapped, half touching."""
    images, labels = load_handwritten_digits()
    split = split_digit_images(labels)
    train = images[split.train], labels[split.train]
    gapped, touching = (make_strips(*train, 1600, seed=s, touching=t) for s, t in ((1, False), (2, True)))
    return Strips(*(gapped[part] + touching[part] for part in range(3)))


@pytest.fixture(scope="module")
def trained(train_strips):
    """Lesson 36's BiLSTM(64) and recipe."""
    model = recogniser()
    model.fit(LengthBatches(train_strips, 32, 0), epochs=5, verbose=0)
    return model


def test_the_bar_is_half_the_pipelines_errors_on_held_out_strips():
    bar = _transcription_bar()
    assert bar.x.shape[0] == len(bar.digits) == 600 and bar.touching.sum() == 300
    assert bar.pipeline_gapped < 0.05 < 0.1 < bar.pipeline_touching, "the pipeline reads gapped strips, not touching"
    assert bar.bar == pytest.approx(TRANSCRIPTION_BAR_SHARE * bar.pipeline)
    assert bar.classifier.startswith(("SVC", "logistic", "1-", "3-")), "the piece classifier chosen on validation"
    assert bar is _transcription_bar(), "computed once, then cached"


def test_a_trained_recogniser_passes(trained, capsys):
    result, out = run_check(trained, capsys)
    assert result, out
    assert out.startswith("Correct: on 600 strips made from images you never trained on")
    assert "segment-and-classify pipeline's" in out and "from your Bidirectional(LSTM)" in out
    assert "an empty transcription" in out and "so it reads across frames" in out


def test_the_model_may_also_come_as_model(trained, capsys):
    result, out = run_check(trained, capsys, model=trained)
    assert result, out


def test_another_model_beside_the_answer_is_refused(trained, capsys):
    result, out = run_check(trained, capsys, model=recogniser(1))
    assert not result
    assert "takes the model alone, as the answer" in out


def test_an_untrained_recogniser_fails_with_its_error_rate_and_the_bar(capsys):
    result, out = run_check(recogniser(1), capsys)
    assert not result
    assert out.startswith("Not yet: on 600 strips made from images you never trained on")
    assert "the bar is" in out and "segment-and-classify pipeline's" in out


def test_a_model_without_a_recurrent_layer_fails(capsys):
    conv = keras.Sequential([keras.Input(shape=(None, 8)), keras.layers.Conv1D(16, 5, padding="same"),
                             keras.layers.Dense(11)])
    result, out = run_check(conv, capsys)
    assert not result
    assert "no recurrent layer" in out and "Conv1D" in out


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        (lambda: [keras.layers.LSTM(8), keras.layers.Dense(11)], "one row per strip: CTC needs a row of scores"),
        (lambda: [keras.layers.LSTM(8, return_sequences=True), keras.layers.Dense(10)], "gives 10 scores per frame"),
    ],
    ids=["row-per-strip", "ten-classes"],
)
def test_a_wrong_output_shape_is_explained(layers, expected, capsys):
    model = keras.Sequential([keras.Input(shape=(None, 8)), *layers()])
    result, out = run_check(model, capsys)
    assert not result
    assert out.startswith("Not yet: for strips of shape (") and expected in out


def test_a_recurrent_layer_multiplied_by_zero_is_named(capsys):
    """A convolution reads the strip; the LSTM's output is multiplied by zero: the perturbation finds it."""
    inputs = keras.Input(shape=(None, 8))
    ignored = keras.layers.Rescaling(0.0)(keras.layers.LSTM(8, return_sequences=True)(inputs))
    conv = keras.layers.Dense(11)(keras.layers.Conv1D(16, 5, padding="same")(inputs))
    cheat = keras.Model(inputs, keras.layers.Add()([conv, keras.layers.Dense(11)(ignored)]))
    result, out = run_check(cheat, capsys)
    assert not result
    assert "your recurrent layers (LSTM) do not decide the scores" in out



def test_a_convolution_read_frame_by_frame_by_an_lstm_fails_the_recurrence_probe(train_strips, capsys):
    """Conv1D reads each window; the LSTM runs one step per frame, so no frame's output reaches the next frame."""
    keras.utils.set_random_seed(0)
    framewise = keras.Sequential([
        keras.Input(shape=(None, 8)),
        keras.layers.Conv1D(64, 9, padding="same", activation="relu"),
        keras.layers.Reshape((-1, 1, 64)),
        keras.layers.TimeDistributed(keras.layers.LSTM(64)),
        keras.layers.Dense(11),
    ])
    framewise.compile(optimizer=keras.optimizers.Adam(1e-2, clipnorm=1.0), loss=ctc_loss)
    x, _, targets, _ = pad_strips(train_strips)  # one fixed width: TimeDistributed(LSTM) trains only on known shapes
    framewise.fit(x, targets, batch_size=32, epochs=5, verbose=0)
    assert framewise.evaluate(x[:200], targets[:200], verbose=0) < 5, "it learned to transcribe (CTC loss well below the plateau)"
    result, out = run_check(framewise, capsys)
    assert not result
    assert "only the recurrent kernels" in out and "frame by frame rather than through the recurrence" in out, out
