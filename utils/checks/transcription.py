"""Exercise 37: transcribe strips of handwritten digits with a recurrent network trained with CTC.

Why this module exists: it holds the check and hints of
``notebooks/37_exercise_transcription.ipynb``. The answer is the trained Keras
model itself: it maps a batch of strips, ``(strips, frames, 8)``, to one score
per class and frame, ``(strips, frames, 11)`` (class 0 CTC's blank, class
``d + 1`` the digit ``d``), as lesson 36's recogniser does. The check makes its
own strips when it runs, from the held-out test images of
:func:`utils.transcription.split_digit_images`, half of them gapped and half
touching; it decodes the model's scores itself (greedy CTC decoding,
``keras.ops.ctc_decode``) and measures the character error rate. The check's
seed is in this file, so its strips could be rebuilt: the check cannot tell
whether a model was trained on the test images, and a learner must not do so.
The bar is computed at the same time: the segment-and-classify pipeline
(:class:`utils.transcription.SegmentAndClassify`, its piece classifier chosen
on the validation images by :func:`utils.transcription.choose_piece_classifier`
and fitted on the training images, wide pieces cut at low-ink columns)
transcribes the same strips, and the model must make at most
:data:`TRANSCRIPTION_BAR_SHARE` of the pipeline's errors. The check confirms
that the model has a recurrent layer, that perturbing that layer's weights
moves the scores, that silencing it (weights set to zero, then only its input
weights) takes the error rate most of the way back to an empty
transcription's, and that zeroing only its recurrent kernels (the weights
from one frame's output to the next frame's gates) loses at least
:data:`RECURRENCE_MIN_SKILL_LOST` of the model's lead, so the strips are read
by a recurrence across frames and not frame by frame.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

from utils.checks.base import (
    Exercise,
    _keras,
    describe,
    fmt,
    is_keras_model,
    recurrent_layer_objects,
    recurrent_layers,
    skill_lost,
)

__all__ = [
    "RECURRENCE_MIN_SKILL_LOST",
    "TRANSCRIPTION_BAR_SHARE",
    "TRANSCRIPTION_CLASSES",
    "TRANSCRIPTION_STRIPS",
    "TranscriptionExercise",
    "transcription_exercise",
]

#: How many strips of each kind (gapped, touching) the check makes from the held-out images.
TRANSCRIPTION_STRIPS = 300
#: The model may make at most this share of the (tuned) segment-and-classify pipeline's errors on the same strips.
TRANSCRIPTION_BAR_SHARE = 0.75
#: With only its recurrent kernels at zero, the model must lose at least this share of its lead over an empty answer.
RECURRENCE_MIN_SKILL_LOST = 0.5
#: The scores per frame the check expects: CTC's blank (class 0) and the ten digits (class d + 1).
TRANSCRIPTION_CLASSES = 11
_CHECK_SEED = 8_091_357  # the check's strips; they come from the test images, which no learner may train on
#: With the recurrent layers' weights perturbed, some score must move by more than this.
_MIN_CHANGE = 1e-3
_PROBE_STRIPS = 60

_ASKS_FOR = (
    "Why it matters: the exercise is about a recurrent network that carries what it has read from one frame to the "
    "next and is trained with the CTC loss, so the check asks for a recurrent layer, and a recurrence across frames, "
    "that the transcriptions depend on."
)


class _Bar(NamedTuple):
    """The check's strips and what the segment-and-classify pipeline makes of them."""

    x: np.ndarray
    frame_lengths: np.ndarray
    digits: list[np.ndarray]
    touching: np.ndarray
    pipeline: float
    pipeline_gapped: float
    pipeline_touching: float
    bar: float
    classifier: str


_BAR: _Bar | None = None


def _transcription_bar() -> _Bar:
    """The check's strips (padded as :func:`utils.transcription.pad_strips` pads them) and its bar; private.

    :data:`TRANSCRIPTION_STRIPS` gapped and as many touching strips are made
    from the test images of :func:`utils.transcription.split_digit_images`;
    :class:`utils.transcription.SegmentAndClassify` (its piece classifier chosen
    on the validation images, wide pieces cut at low-ink columns) is fitted on
    the training images and transcribes them. The bar is
    :data:`TRANSCRIPTION_BAR_SHARE` times its character error rate on all of
    them. Computed once, then cached.

    Example:
        >>> bar = _transcription_bar()
        >>> bar.x.shape[0], bar.x.shape[2], bool(bar.pipeline_gapped < bar.pipeline < bar.pipeline_touching)
        (600, 8, True)
    """
    global _BAR
    if _BAR is None:
        from utils.datasets import load_handwritten_digits
        from utils.transcription import (
            SegmentAndClassify,
            Strips,
            character_error_rate,
            choose_piece_classifier,
            make_strips,
            pad_strips,
            split_digit_images,
        )

        images, labels = load_handwritten_digits()
        split = split_digit_images(labels)
        held_out = images[split.test], labels[split.test]
        kinds = [make_strips(*held_out, TRANSCRIPTION_STRIPS, seed=_CHECK_SEED + touching, touching=bool(touching))
                 for touching in (0, 1)]
        strips = Strips(*(kinds[0][part] + kinds[1][part] for part in range(3)))
        x, frame_lengths, _, _ = pad_strips(strips)
        touching = np.repeat([False, True], TRANSCRIPTION_STRIPS)
        name, classifier, _ = choose_piece_classifier(images, labels, split)
        pipeline = SegmentAndClassify(classifier=classifier).fit(images[split.train], labels[split.train])
        read = pipeline.transcribe(strips.frames)
        overall = character_error_rate(strips.digits, read)
        gapped_cer, touching_cer = (
            character_error_rate([d for d, t in zip(strips.digits, touching) if t == kind],
                                 [r for r, t in zip(read, touching) if t == kind])
            for kind in (False, True)
        )
        _BAR = _Bar(x, frame_lengths, strips.digits, touching, overall, gapped_cer, touching_cer,
                    TRANSCRIPTION_BAR_SHARE * overall, name)
    return _BAR


#: The check scores strips in groups of this many of similar length, each padded only to its own longest strip.
_GROUP = 50


def _scores(model: Any, x: np.ndarray, frame_lengths: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """The model's scores for the padded strips ``x``, shape ``(n, frames, 11)``, or None and what went wrong.

    The strips are sorted by length and scored in groups of :data:`_GROUP`, each
    cut to its longest strip, as lesson 36 trains and scores them: a model
    trained on batches of similar length meets no more padding here than in
    training. Scores after a strip's last frame are set to zero (decoding stops
    at its length, and scores of padding are never compared). The model is called directly, not through ``predict``, so
    that groups of different lengths do not retrace a graph each time.
    """
    n, frames, _ = x.shape
    scores = np.zeros((n, frames, TRANSCRIPTION_CLASSES), np.float64)
    order = np.argsort(frame_lengths, kind="stable")
    for group in np.array_split(order, max(1, len(order) // _GROUP)):
        width = int(frame_lengths[group].max())
        batch = x[group, :width]
        try:
            raw = model(batch, training=False)
        except Exception as error:  # the learner's model: report, never crash the check
            return None, (
                f"calling your model on {len(group)} strips of {width} frames, shape {batch.shape} (strips, frames, 8 "
                f"values per frame), raised {type(error).__name__}: {error}. Build it on keras.Input(shape=(None, 8)) "
                "so that it takes strips of any length"
            )
        try:
            part = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            return None, f"your model returned {describe(raw)}; expected scores of shape ({len(group)}, {width}, 11)"
        expected = (len(group), width, TRANSCRIPTION_CLASSES)
        if part.shape != expected:
            if part.ndim == 2:
                nudge = (" It gives one row per strip: CTC needs a row of scores for every frame, so set "
                         "return_sequences=True on the last recurrent layer and end with Dense(11)")
            elif part.ndim == 3 and part.shape[1] != width:
                nudge = (" It gives another number of rows than frames: keep one output per frame (no pooling, no "
                         "strides, no Flatten)")
            elif part.ndim == 3:
                nudge = (f" It gives {part.shape[2]} scores per frame: end with Dense(11), one score for CTC's blank "
                         "(class 0) and one for each digit d (class d + 1)")
            else:
                nudge = ""
            return None, (f"for strips of shape {batch.shape} your model returned shape {part.shape}; expected "
                          f"{expected}.{nudge}")
        bad = int(np.count_nonzero(~np.isfinite(part)))
        if bad:
            return None, (f"your model returned NaN or infinity in {bad:,} scores; training probably diverged (clip "
                          "the gradients with clipnorm=1.0, as lesson 36 does)")
        scores[group, :width] = part
    scores[np.arange(frames)[np.newaxis, :] >= frame_lengths[:, np.newaxis]] = 0.0  # padding: no score to compare
    return scores, None


def _transcripts(scores: np.ndarray, frame_lengths: np.ndarray) -> list[np.ndarray]:
    """Greedy CTC decoding of the scores: the digits of each strip (class d + 1 becomes digit d)."""
    keras = _keras()
    decoded, _ = keras.ops.ctc_decode(scores.astype("float32"), frame_lengths, strategy="greedy", mask_index=0)
    return [row[row >= 0] - 1 for row in np.asarray(decoded)[0]]


def _error_rate(scores: np.ndarray | None, bar: _Bar, rows: np.ndarray | None = None) -> float:
    """The character error rate of the greedy transcriptions (of ``rows`` only, if given; NaN without scores)."""
    from utils.transcription import character_error_rate

    if scores is None:
        return math.nan
    rows = np.arange(len(bar.digits)) if rows is None else rows
    read = _transcripts(scores[rows], bar.frame_lengths[rows])
    return character_error_rate([bar.digits[i] for i in rows], read)


def _recurrent_kernels(layer: Any) -> list[Any]:
    """The ``recurrent_kernel`` of every cell of a recurrent layer (both directions of a ``Bidirectional``)."""
    keras = _keras()
    if isinstance(layer, keras.layers.Bidirectional):
        return _recurrent_kernels(layer.forward_layer) + _recurrent_kernels(layer.backward_layer)
    cells = getattr(layer.cell, "cells", [layer.cell])
    return [cell.recurrent_kernel for cell in cells if getattr(cell, "recurrent_kernel", None) is not None]


@contextlib.contextmanager
def _recurrent_kernels_zeroed(model: Any) -> Iterator[int]:
    """Set only the recurrent kernels (state of one step into the next step's gates) to zero; restore them after.

    Yields how many kernels were zeroed. The input kernels and biases are
    kept: each frame is still read, and an LSTM's cell state still carries
    over through its forget gate, but no step's output feeds the next step's
    gates. A model that reads each frame on its own (a convolution feeding a
    recurrent layer that runs one step per frame) does not change at all.
    """
    variables = [v for layer in recurrent_layer_objects(model) for v in _recurrent_kernels(layer)]
    saved = [np.array(v.numpy()) for v in variables]
    try:
        for variable, weights in zip(variables, saved):
            variable.assign(np.zeros_like(weights))
        yield len(variables)
    finally:
        for variable, weights in zip(variables, saved):
            variable.assign(weights)


class TranscriptionExercise(Exercise):
    """Exercise 37: a recurrent network trained with the CTC loss transcribes strips of handwritten digits.

    The answer is the trained Keras model: ``(strips, frames, 8)`` in,
    ``(strips, frames, 11)`` scores out (logits, as ``keras.ops.ctc_loss``
    takes them; probabilities decode the same way). The check makes
    :data:`TRANSCRIPTION_STRIPS` gapped and as many touching strips from the
    held-out images, decodes them greedily and wants a character error rate
    at most :data:`TRANSCRIPTION_BAR_SHARE` of the segment-and-classify
    pipeline's on the same strips. The model must have a recurrent layer,
    perturbing its weights must move the scores, silencing it must lose at
    least three quarters of the model's lead over an empty transcription
    (error rate 1), and zeroing only its recurrent kernels must lose at least
    :data:`RECURRENCE_MIN_SKILL_LOST` of that lead. The check itself never raises.

    Used in ``notebooks/37_exercise_transcription.ipynb`` as :data:`transcription_exercise`.
    """

    def __init__(self):
        super().__init__(
            name="transcription_exercise",
            stem="37_exercise_transcription",
            expected="assign your trained Keras model (strips of frames in, 11 scores per frame out)",
            usage="transcription_exercise.check(recogniser)",
            hints=(
                ("Follow lesson 36: strips from the training images only (half gapped, half touching), padded with "
                 "pad_strips; a model keras.Input(shape=(None, 8)) -> Bidirectional(LSTM(64, return_sequences=True)) "
                 "-> Dense(11), no softmax (the CTC loss takes logits); a loss function that calls "
                 "keras.ops.ctc_loss(targets, logits, target_lengths, frame_counts, mask_index=0), with the target "
                 "lengths counted from the targets (the digits are classes 1 to 10, the padding is 0)."),
                ("If the loss stays high for many epochs and the model transcribes nothing, it sits on the all-blank "
                 "plateau: use Adam(learning_rate=1e-2, clipnorm=1.0), a few thousand strips and batches of 32 for "
                 "five epochs or more. Batches of strips of similar length (utils.LengthBatches, lesson 36) waste "
                 "less time on padding; the check, too, scores your model on groups of strips of similar length "
                 "(utils.transcription.scores_by_length). Measure your own error rate on validation strips with "
                 "keras.ops.ctc_decode before you call the check."),
                ("A sketch (lesson 36's code; from utils import LengthBatches):\n\n"
                 "def ctc_loss(targets, logits):\n"
                 "    targets = keras.ops.cast(targets, 'int32')\n"
                 "    target_lengths = keras.ops.sum(keras.ops.cast(targets > 0, 'int32'), axis=1)\n"
                 "    frames = keras.ops.shape(logits)[1]\n"
                 "    frame_counts = keras.ops.full((keras.ops.shape(logits)[0],), frames, dtype='int32')\n"
                 "    return keras.ops.ctc_loss(targets, logits, target_lengths, frame_counts, mask_index=0)\n\n"
                 "recogniser = keras.Sequential([keras.Input(shape=(None, 8)),\n"
                 "    keras.layers.Bidirectional(keras.layers.LSTM(64, return_sequences=True)),\n"
                 "    keras.layers.Dense(11)])\n"
                 "recogniser.compile(optimizer=keras.optimizers.Adam(1e-2, clipnorm=1.0), loss=ctc_loss)\n"
                 "recogniser.fit(LengthBatches(train_strips, 32, seed=SEED), epochs=5)\n"
                 "transcription_exercise.check(recogniser)"),
            ),
        )

    def _check(self, answer: object, model: object) -> bool:
        if not is_keras_model(answer):
            print(
                f"Not yet: expected your trained Keras model, which maps strips (strips, frames, 8) to scores "
                f"(strips, frames, 11); received {describe(answer)}. Pass the model itself: {self.usage}."
            )
            return False
        if model is not None and model is not answer:
            print(f"Not yet: this exercise takes the model alone, as the answer: {self.usage}.")
            return False
        problem = self.model_problem(answer, handed_in="a model")
        if problem is not None:
            print(f"Not yet: {problem}.")
            print(_ASKS_FOR)
            return False

        bar = _transcription_bar()
        scores, problem = _scores(answer, bar.x, bar.frame_lengths)
        if problem is not None:
            print(f"Not yet: {problem}.")
            return False
        error_rate = _error_rate(scores, bar)
        gapped, touching = (_error_rate(scores, bar, np.flatnonzero(bar.touching == kind)) for kind in (False, True))
        layers = ", ".join(recurrent_layers(answer))
        measured = (
            f"on {len(bar.digits)} strips made from images you never trained on (half gapped, half touching), "
            f"your model's character error rate is {fmt(error_rate)} ({fmt(gapped)} gapped, {fmt(touching)} touching)"
        )
        bar_text = (
            f"the bar is {fmt(bar.bar)}, {TRANSCRIPTION_BAR_SHARE:.0%} of the segment-and-classify pipeline's "
            f"({bar.classifier} on the pieces) {fmt(bar.pipeline)} on the same strips ({fmt(bar.pipeline_gapped)} gapped, "
            f"{fmt(bar.pipeline_touching)} touching)"
        )

        probe = bar.x[:_PROBE_STRIPS]
        change = self.answers_change(lambda: _scores(answer, probe, bar.frame_lengths[:_PROBE_STRIPS])[0],
                                     scores[:_PROBE_STRIPS], answer)
        if not change > _MIN_CHANGE:
            print(
                f"Not yet: {measured}, but your recurrent layers ({layers}) do not decide the scores: with their "
                f"weights perturbed, no score moves by more than {change:.3g}. The frames must pass through the "
                "recurrence."
            )
            print(_ASKS_FOR)
            return False
        if error_rate <= bar.bar:
            silence = self.silence_test(
                lambda: _error_rate(_scores(answer, bar.x, bar.frame_lengths)[0], bar), error_rate, 1.0, answer,
                metric="character error rate", baseline_name="an empty transcription",
            )
            if silence.problem is not None:
                print(f"Not yet: {measured}, below the bar ({fmt(bar.bar)}), but {silence.problem}.")
                print(_ASKS_FOR)
                return False
            with _recurrent_kernels_zeroed(answer) as zeroed:
                if zeroed:
                    try:
                        frame_by_frame = _error_rate(_scores(answer, bar.x, bar.frame_lengths)[0], bar)
                    except Exception:  # the learner's model: one that breaks without its recurrence has lost its skill
                        frame_by_frame = math.nan
            if zeroed:
                lost = skill_lost(error_rate, frame_by_frame, 1.0)
                if not lost >= RECURRENCE_MIN_SKILL_LOST and not math.isnan(frame_by_frame):
                    print(
                        f"Not yet: {measured}, below the bar ({fmt(bar.bar)}), but with only the recurrent kernels of "
                        f"your {layers} set to zero (each step still reads its frame, but no step's output reaches "
                        f"the next step) the error rate is {fmt(frame_by_frame)}: the model keeps "
                        f"{1 - lost:.0%} of its lead over an empty transcription, so it reads the strip frame by "
                        f"frame rather than through the recurrence (it must lose at least "
                        f"{RECURRENCE_MIN_SKILL_LOST:.0%}). Feed the frames to the recurrent layer as one sequence, "
                        "not one frame per sequence."
                    )
                    print(_ASKS_FOR)
                    return False
                across = (f"; with only the recurrent kernels at zero it scores character error rate "
                          f"{fmt(frame_by_frame)}, so it reads across frames")
            else:
                across = ""
            print(
                f"Correct: {measured}; {bar_text}. The transcriptions come from your {layers}: "
                f"{silence.summary('character error rate')}{across}."
            )
            return True

        print(f"Not yet: {measured}; {bar_text}.")
        read = _transcripts(scores, bar.frame_lengths)
        empty = float(np.mean([len(r) == 0 for r in read]))
        longer = float(np.mean([len(r) > len(d) for r, d in zip(read, bar.digits)]))
        if empty > 0.5:
            print(
                f"Your model transcribes {empty:.0%} of the strips as nothing: every frame's best class is the "
                "blank. That is where CTC training starts (the all-blank plateau); train longer, with "
                "Adam(learning_rate=1e-2, clipnorm=1.0), and check that the targets hold digit d as class d + 1 "
                "with 0 only as padding, and that your loss passes mask_index=0."
            )
        elif longer > 0.3:
            print(
                f"{longer:.0%} of your transcriptions hold more digits than the strip: the model's best path "
                "fires a digit class in several runs separated by a blank or by another class, and each run counts "
                "as a digit (repeats with nothing between them collapse to one). Train longer, and check that the "
                "model ends with Dense(11) whose class 0 is the blank the loss uses (mask_index=0)."
            )
        else:
            print(
                "Train longer or on more strips (half gapped, half touching, from the training images only), and "
                "measure your error rate on validation strips as lesson 36 does; transcription_exercise.hint() "
                "says more."
            )
        return False


transcription_exercise = TranscriptionExercise()
