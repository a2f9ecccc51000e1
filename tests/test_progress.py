"""FitProgress: one line per training run, rewritten in place, and clear errors."""

import io
from pathlib import Path

import numpy as np
import pytest

from utils import FitProgress


def test_rewrites_one_line_and_ends_it_once():
    out = io.StringIO()
    progress = FitProgress(stream=out)
    progress.params = {"epochs": 4}
    progress.on_train_begin()
    for epoch in range(4):
        progress.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": np.float32(0.5)})
    progress.on_train_end()
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert text.count("\r") == 5  # four epochs and the final line
    assert "epoch 4/4 · loss 0.25 · val_loss 0.5" in text.split("\r")[-1]


def test_every_skips_intermediate_epochs_but_shows_the_last():
    out = io.StringIO()
    progress = FitProgress(every=10, stream=out)
    progress.params = {"epochs": 15}
    progress.on_train_begin()
    for epoch in range(15):
        progress.on_epoch_end(epoch, {"loss": 1.0})
    shown = [line.split(" · ")[0] for line in out.getvalue().split("\r") if line]
    assert shown == ["epoch 10/15", "epoch 15/15"]


def test_shorter_line_covers_the_longer_one_before_it():
    out = io.StringIO()
    progress = FitProgress(stream=out)
    progress.params = {"epochs": 2}
    progress.on_train_begin()
    progress.on_epoch_end(0, {"loss": 123456.0, "val_loss": 654321.0})
    progress.on_epoch_end(1, {"loss": 1.0})
    first, second = out.getvalue().split("\r")[1:]
    assert len(second) >= len(first)


def test_non_numeric_log_entries_are_left_out():
    out = io.StringIO()
    progress = FitProgress(stream=out)
    progress.params = {"epochs": 1}
    progress.on_train_begin()
    progress.on_epoch_end(0, {"loss": 1.0, "note": "text"})
    assert "note" not in out.getvalue()


@pytest.mark.parametrize("every", [0, -1, 1.5, True, "2"])
def test_bad_every_is_a_clear_error(every):
    with pytest.raises(ValueError, match="every must be a whole number >= 1; received"):
        FitProgress(every=every)


def test_bad_label_is_a_clear_error():
    with pytest.raises(TypeError, match="label must be a string; received int"):
        FitProgress(label=3)


@pytest.mark.parametrize("stream", ["training.log", Path("training.log")])
def test_a_file_name_for_stream_is_refused_at_construction(stream):
    with pytest.raises(TypeError, match=r"stream must be an open text stream such as sys\.stdout; received the file name 'training\.log'.*Open the file and pass the stream.*sys\.stdout"):
        FitProgress(stream=stream)


@pytest.mark.parametrize(("stream", "match"), [
    (io.BytesIO(), r"binary stream BytesIO.*text mode"),
    (42, r"writable text stream with write\(\) and flush\(\).*received int"),
])
def test_a_stream_that_cannot_take_text_is_refused_at_construction(stream, match):
    with pytest.raises(TypeError, match=match):
        FitProgress(stream=stream)


def test_an_open_file_is_a_good_stream(tmp_path):
    with open(tmp_path / "training.log", "w") as log:
        progress = FitProgress(stream=log)
        progress.params = {"epochs": 1}
        progress.on_train_begin()
        progress.on_epoch_end(0, {"loss": 1.0})
        progress.on_train_end()
    assert "epoch 1/1 · loss 1" in (tmp_path / "training.log").read_text()


def test_works_inside_keras_fit(capsys):
    from utils.startup import import_tensorflow_quietly

    import_tensorflow_quietly()
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 2)), np.ones(8), epochs=3, verbose=0, callbacks=[FitProgress(label="tiny")])
    out = capsys.readouterr().out
    assert out.rstrip("\n").split("\r")[-1].startswith("tiny: epoch 3/3 · loss ")
