"""One line that shows a training run is alive, updated in place.

Why this module exists: lessons train with ``verbose=0`` so that forty epochs
do not print eighty lines, but then a cell that trains for half a minute shows
nothing until it ends, and you cannot tell a slow cell from a hung one. Keras'
own progress bar (``verbose=1``) prints a bar per epoch; ``verbose=2`` a line
per epoch. :class:`FitProgress` is a Keras callback that keeps a *single* line
up to date instead::

    epoch 12/40 · loss 0.0123 · val_loss 0.0145 · 3.2 s

It writes to standard output and rewrites the line with a carriage return,
which JupyterLab and terminals both honour. Lesson 13 introduces it next to
``fit``; every later lesson passes it to ``fit`` and ``predict`` runs stay quiet.

``import utils`` must not load TensorFlow (the setup cell loads it quietly, after
importing utils), so the Keras callback class is made the first time you ask
for ``FitProgress``, after :func:`utils.import_tensorflow_quietly`.
"""

from __future__ import annotations

import io
import os
import sys
import time
from typing import Any, TextIO

__all__ = ["ProgressLine"]  # and FitProgress, made on first use (see __getattr__ below)


def _check_stream(stream: object) -> None:
    """Refuse, at construction, a stream the first epoch could not write to."""
    if stream is None:
        return
    if isinstance(stream, (str, bytes, os.PathLike)):
        name = os.fsdecode(stream) if not isinstance(stream, bytes) else stream.decode(errors="replace")
        raise TypeError(
            f"stream must be an open text stream such as sys.stdout; received the file name {name!r} "
            f"({type(stream).__name__}). Open the file and pass the stream, e.g. "
            f"ProgressLine(stream=open({name!r}, 'w')), or pass sys.stdout (the default)."
        )
    if isinstance(stream, (io.RawIOBase, io.BufferedIOBase)):
        raise TypeError(
            f"stream must be a text stream; received the binary stream {type(stream).__name__}. Open the file in "
            "text mode ('w', not 'wb'), wrap it with io.TextIOWrapper, or pass sys.stdout."
        )
    if not (callable(getattr(stream, "write", None)) and callable(getattr(stream, "flush", None))):
        raise TypeError(
            f"stream must be a writable text stream with write() and flush(), such as sys.stdout or an open file; "
            f"received {type(stream).__name__}. Pass sys.stdout, an open file or io.StringIO()."
        )


class ProgressLine:
    """A Keras callback that shows one progress line, rewritten after each epoch.

    Lesson 13 introduces it.

    Args:
        label: Text put before the line, such as the model's name; ``""`` for none.
        every: Rewrite the line every ``every`` epochs (and always after the last).
        stream: Where to write: an open text stream (``sys.stdout``, an open file, ``io.StringIO()``);
            standard output by default.

    Raises:
        ValueError: If ``every`` is not a positive whole number.
        TypeError: If ``label`` is not a string, or ``stream`` is not a writable text stream (for example a file
            name: open the file and pass the stream).

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> progress = ProgressLine(label="demo", stream=out)
        >>> progress.params = {"epochs": 3}
        >>> progress.on_train_begin()
        >>> progress.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.6})
        >>> progress.on_train_end()
        >>> print(out.getvalue().split("\\r")[-1].split(" · ")[:3])
        ['demo: epoch 1/3', 'loss 0.5', 'val_loss 0.6']
    """

    def __init__(self, label: str = "", every: int = 1, stream: TextIO | None = None) -> None:
        if not isinstance(label, str):
            raise TypeError(f"label must be a string; received {type(label).__name__}. Pass e.g. label='LSTM(32)'.")
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a whole number >= 1; received every={every!r}.")
        _check_stream(stream)
        super().__init__()  # keras.callbacks.Callback's, in FitProgress
        self.label = label
        self.every = every
        self.stream = stream
        self._start = 0.0
        self._last = ""
        self._width = 0

    def _write(self, text: str, end: str = "") -> None:
        stream = self.stream if self.stream is not None else sys.stdout
        # Pad with spaces so a shorter line fully covers the longer one before it.
        padded = text.ljust(self._width)
        self._width = max(self._width, len(text))
        stream.write("\r" + padded + end)
        stream.flush()

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._start = time.perf_counter()
        self._last = ""
        self._width = 0

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        epochs = (getattr(self, "params", None) or {}).get("epochs", "?")
        parts = [f"{self.label + ': ' if self.label else ''}epoch {epoch + 1}/{epochs}"]
        for name, value in (logs or {}).items():
            try:
                parts.append(f"{name} {float(value):.4g}")
            except (TypeError, ValueError):  # a log entry that is not a number (rare): leave it out
                continue
        parts.append(f"{time.perf_counter() - self._start:.1f} s")
        self._last = " · ".join(parts)
        if (epoch + 1) % self.every == 0 or epoch + 1 == epochs:
            self._write(self._last)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._last:
            self._write(self._last, end="\n")


def __getattr__(name: str) -> type:
    """Make ``FitProgress`` (a Keras callback) on first use, once TensorFlow is loaded quietly."""
    if name != "FitProgress":
        raise AttributeError(f"module 'utils.progress' has no attribute {name!r}")
    from utils.startup import import_tensorflow_quietly

    import_tensorflow_quietly()
    import keras

    cls = type(
        "FitProgress",
        (ProgressLine, keras.callbacks.Callback),
        {"__module__": __name__, "__doc__": ProgressLine.__doc__},
    )
    globals()["FitProgress"] = cls
    return cls
