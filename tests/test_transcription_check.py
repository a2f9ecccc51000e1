"""utils.checks.transcription: the CTC check passes a trained recogniser and rejects the wrong answers, saying why.

One bidirectional LSTM is trained once for the module with lesson 36's recipe (about fifteen seconds on two
cores). The wrong answers: the same network untrained, a network without a recurrent layer, one that gives a row
per strip instead of per frame, one with ten scores per frame instead of eleven, one whose LSTM is multiplied by
zero while a convolution reads the strip, and a model= beside another answer.
"""

import numpy as np
import pytest

from utils.checks import TRANSCRIPTION_BAR_SHARE, transcription_exercise
from utils.checks.transcription import transcription_bar
from utils.datasets import load_handwritten_digits
from utils.transcription import Strips, make_strips, pad_strips, split_digit_images

keras = pytest.importorskip("keras")


def run_check(answer, capsys, **parts):
    result = transcription_exercise.check(answer, **parts)
    assert isinstance(result, bool)
    return result, capsys.readouterr().out


def ctc_loss(targets, logits):
    targets = keras.ops.cast(targets, "int32")
    target_lengths = keras.ops.sum(keras.ops.cast(targets > 0, "int32"), axis=1)
    frame_counts = keras.ops.full((keras.ops.shape(logits)[0],), keras.ops.shape(logits)[1], dtype="int32")
    return keras.ops.ctc_loss(targets, logits, target_lengths, frame_counts, mask_index=0)


def length_batches(strips, batch_size, seed):
    """Lesson 36's batches: shuffled, sorted by length within groups of eight, each padded to its longest strip."""
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(len(strips.frames))
    group = 8 * batch_size
    order = np.concatenate([sorted(shuffled[g:g + group], key=lambda i: len(strips.frames[i]))
                            for g in range(0, len(shuffled), group)])
    batches = []
    for b in range(0, len(order), batch_size):
        x, _, targets, _ = pad_strips(Strips(*([part[i] for i in order[b:b + batch_size]] for part in strips)))
        batches.append((x, np.pad(targets, ((0, 0), (0, 6 - targets.shape[1])))))
    return batches


class Batches(keras.utils.PyDataset):
    def __init__(self, batches, seed):
        super().__init__()
        self.batches, self.rng = batches, np.random.default_rng(seed)
        self.order = self.rng.permutation(len(batches))

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        return self.batches[self.order[index]]

    def on_epoch_end(self):
        self.order = self.rng.permutation(len(self.batches))


def recogniser(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(None, 8)),
                              keras.layers.Bidirectional(keras.layers.LSTM(64, return_sequences=True)),
                              keras.layers.Dense(11)])
    model.compile(optimizer=keras.optimizers.Adam(1e-2, clipnorm=1.0), loss=ctc_loss)
    return model


@pytest.fixture(scope="module")
def trained():
    """Lesson 36's BiLSTM(64) and recipe, trained on 3,200 strips of the training images (half gapped, half touching)."""
    images, labels = load_handwritten_digits()
    split = split_digit_images(labels)
    train = images[split.train], labels[split.train]
    gapped, touching = (make_strips(*train, 1600, seed=s, touching=t) for s, t in ((1, False), (2, True)))
    strips = Strips(*(gapped[part] + touching[part] for part in range(3)))
    model = recogniser()
    model.fit(Batches(length_batches(strips, 32, 0), 0), epochs=5, verbose=0)
    return model


def test_the_bar_is_half_the_pipelines_errors_on_held_out_strips():
    bar = transcription_bar()
    assert bar.x.shape[0] == len(bar.digits) == 600 and bar.touching.sum() == 300
    assert bar.pipeline_gapped < 0.15 < 0.3 < bar.pipeline_touching, "the pipeline reads gapped strips, not touching"
    assert bar.bar == pytest.approx(TRANSCRIPTION_BAR_SHARE * bar.pipeline)
    assert bar is transcription_bar(), "computed once, then cached"


def test_a_trained_recogniser_passes(trained, capsys):
    result, out = run_check(trained, capsys)
    assert result, out
    assert out.startswith("Correct: on 600 strips made from images you never trained on")
    assert "segment-and-classify pipeline's" in out and "from your Bidirectional(LSTM)" in out
    assert "an empty transcription" in out


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

