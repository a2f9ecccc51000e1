"""Exercise 44: write first names with a character-level LSTM language model; the check scores unseen names.

Why this module exists: it holds the name encoding, the check and the hints of
``notebooks/44_exercise_name_writer.ipynb``. The answer is the trained Keras
language model: it reads names as character numbers (:func:`encode_names`)
and gives, at every position, the logits (or probabilities) of the next
character. The check measures the model itself in bits per character on the
names of the ``"check"`` part of ``data/first_names.csv``, which
``load_first_names()`` leaves out unless asked, and sets that next to the bar it computes itself: the best
interpolated Kneser–Ney character n-gram (n = 1 … 6) counted on the training
names, scored on the same check names. It also confirms that the model is
causal (its predictions at a position do not move when later characters
change: a model that reads the next character is not predicting it), that it
has a recurrent layer, that its predictions move when that layer's weights
are perturbed, and that silencing the layer (weights set to zero) takes its
score most of the way back to a 1-gram model's.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable

import numpy as np

from utils.checks.base import (
    RECURRENT_LAYERS,
    Exercise,
    describe,
    future_leak,
    is_keras_model,
    layer_names,
    perturbed_recurrent_weights,
    recurrent_layers,
)

__all__ = [
    "NAME_ALPHABET",
    "NAME_VOCAB_SIZE",
    "NameWriterExercise",
    "encode_names",
    "name_writer_exercise",
]

#: The characters of a lower-cased first name, after "." (the boundary: start and end of a name).
NAME_ALPHABET = ".-abcdefghijklmnopqrstuvwxyz"
#: Outputs per position: 0 is padding (never a target), then one per character of NAME_ALPHABET.
NAME_VOCAB_SIZE = len(NAME_ALPHABET) + 1
#: The n-gram orders the check tries for its bar; the best on the check names is the bar.
NAME_NGRAM_ORDERS = tuple(range(1, 7))
#: With the recurrent layers' weights perturbed, the bits per character must move by at least this much.
NAME_MIN_DEPENDENCE = 0.01
#: Changing the characters after position t may move the log-probabilities at t and before by at most this
#: (float rounding): a causal model's outputs there do not depend on later characters at all.
NAME_MAX_LEAK = 1e-4
_CAUSALITY_SEED = 3_141_592
_INDEX = {char: i + 1 for i, char in enumerate(NAME_ALPHABET)}


def encode_names(names: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Turn first names into inputs and next-character targets for a language model.

    Each name is lower-cased and framed by the boundary ``"."``: ``"Emma"`` is
    read as ``".emma"`` and must predict ``"emma."`` (the final ``"."`` says the
    name ends). Characters are numbered by their place in :data:`NAME_ALPHABET`
    plus one; shorter names are padded with 0 at the end, so
    ``Embedding(NAME_VOCAB_SIZE, ..., mask_zero=True)`` hides the padding.

    Args:
        names: First names (letters and ``-``).

    Returns:
        ``(x, y)``, both ``int32`` of shape ``(names, longest name + 1)``.

    Raises:
        TypeError: If ``names`` is a single string or holds something that is not a string.
        ValueError: If there are no names, a name is empty, or a name has a character outside ``NAME_ALPHABET``.

    Example:
        >>> x, y = encode_names(["Emma", "Al"])
        >>> x.tolist()  # ".emma" and ".al", padded with 0
        [[1, 7, 15, 15, 3], [1, 3, 14, 0, 0]]
        >>> y.tolist()  # "emma." and "al."
        [[7, 15, 15, 3, 1], [3, 14, 1, 0, 0]]
    """
    if isinstance(names, str):
        raise TypeError(f"names must be a list of names, not one string; received {names!r}. Pass [{names!r}].")
    names = list(names)
    if not names:
        raise ValueError("names is empty; pass at least one first name.")
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"every name must be a str; received {describe(name)}.")
        if not name:
            raise ValueError("a name is empty; drop empty strings before encoding.")
        bad = sorted(set(name.lower()) - set(NAME_ALPHABET[1:]))
        if bad:
            raise ValueError(f"the name {name!r} has characters outside the alphabet ({bad}); names use a-z and '-'.")
    width = max(len(name) for name in names) + 1
    x = np.zeros((len(names), width), dtype=np.int32)
    y = np.zeros((len(names), width), dtype=np.int32)
    for row, name in enumerate(names):
        ids = [_INDEX[char] for char in "." + name.lower() + "."]
        x[row, : len(ids) - 1] = ids[:-1]
        y[row, : len(ids) - 1] = ids[1:]
    return x, y


@functools.cache
def _names(part: str) -> tuple[str, ...]:
    """The distinct lower-cased names of one part of the split (a name in both lists counts once)."""
    from utils.text import load_first_names

    table = load_first_names(include_check=True)
    return tuple(sorted(set(table.loc[table["part"] == part, "name"].str.lower())))


@functools.cache
def ngram_scores() -> dict[int, float]:
    """Bits per character on the check names of the Kneser–Ney n-gram counted on the training names, for each n.

    The 1-gram reads no earlier character: it is what a model without memory
    scores, the baseline of the silence test.
    """
    from utils.char_lm import CharNGramModel

    def stream(names: tuple[str, ...]) -> np.ndarray:
        return np.array([_INDEX[char] - 1 for char in "." + ".".join(names) + "."])

    train, check = stream(_names("train")), stream(_names("check"))
    return {
        n: CharNGramModel(n, "kneser-ney").fit(train, len(NAME_ALPHABET)).bits_per_character(check)
        for n in NAME_NGRAM_ORDERS
    }


def ngram_bar() -> tuple[float, int]:
    """The check's bar: (bits per character, n) of the best Kneser–Ney n-gram counted on the training names."""
    scores = ngram_scores()
    best = min(scores, key=scores.get)
    return scores[best], best


def _log_probabilities(model, x: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """The model's log-probability of every next character, ``(names, characters, NAME_VOCAB_SIZE)``, or what went wrong."""
    try:
        out = np.asarray(model(x, training=False), dtype=np.float64)
    except Exception as error:  # the learner's model: report, never crash the check
        return None, f"your model raised {type(error).__name__} on a batch of shape {x.shape}: {error}"
    if out.shape != (*x.shape, NAME_VOCAB_SIZE):
        if out.ndim == 2:
            why = ("one output per name instead of one per character: give the LSTM return_sequences=True so "
                   "a Dense layer predicts the next character at every step")
        elif out.ndim == 3 and out.shape[-1] != NAME_VOCAB_SIZE:
            why = (f"{out.shape[-1]} scores per character; it needs NAME_VOCAB_SIZE = {NAME_VOCAB_SIZE} (0 for "
                   f"padding, then the {len(NAME_ALPHABET)} characters of NAME_ALPHABET): end with "
                   "keras.layers.Dense(NAME_VOCAB_SIZE)")
        else:
            why = "a shape that is not (names, characters, NAME_VOCAB_SIZE)"
        return None, f"for inputs of shape {x.shape} your model returned shape {out.shape}: {why}"
    if not np.all(np.isfinite(out)):
        return None, "your model returned NaN or infinite values"
    is_probability = out.min() >= 0 and out.max() <= 1 and np.allclose(out.sum(-1), 1, atol=1e-3)
    if is_probability:
        return np.log(np.clip(out, 1e-12, None)), None
    shifted = out - out.max(-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True)), None


def _bits_per_character(model, x: np.ndarray, y: np.ndarray) -> tuple[float | None, str | None]:
    """The model's bits per character on the real targets of (x, y), or None and what went wrong."""
    log_p, problem = _log_probabilities(model, x)
    if problem is not None:
        return None, problem
    real = y > 0
    picked = np.take_along_axis(log_p, y[..., None], axis=-1)[..., 0]
    return float(-picked[real].mean() / math.log(2)), None


class NameWriterExercise(Exercise):
    """Exercise 44: a character-level LSTM language model of first names that beats a smoothed n-gram.

    The answer is the trained Keras model: inputs ``x`` from :func:`encode_names`
    (``(names, characters)``, integers), outputs ``(names, characters,
    NAME_VOCAB_SIZE)``, the logits (or softmax probabilities) of the next
    character at every position. The check encodes the ``"check"`` names of
    ``data/first_names.csv`` (left out by ``load_first_names()`` unless asked), measures the
    model's bits per character on every real target (each name's characters
    and its closing ``"."``), and passes it when that is below the best
    Kneser–Ney n-gram (n = 1 … 6) counted on the training names. The model must
    be causal (changing the characters after a position moves no prediction
    at or before it by more than :data:`NAME_MAX_LEAK`), have a recurrent
    layer, move the score by at least :data:`NAME_MIN_DEPENDENCE` bits when
    that layer's weights are perturbed, and lose at least three quarters of
    its lead over the 1-gram model when the layer is silenced.

    Used in ``notebooks/44_exercise_name_writer.ipynb`` as :data:`name_writer_exercise`.

    Example:
        >>> name_writer_exercise.check("a model")  # doctest: +ELLIPSIS
        Not yet: expected your trained Keras language model...
        False
    """

    def __init__(self):
        super().__init__(
            name="name_writer_exercise",
            stem="44_exercise_name_writer",
            expected=(
                "assign your trained Keras language model (inputs from encode_names, outputs "
                "(names, characters, NAME_VOCAB_SIZE) next-character logits)"
            ),
            usage="name_writer_exercise.check(name_model)",
            hints=(
                ("This is lesson 43's model at a small scale: the targets are the inputs shifted by one "
                 "character, so the LSTM needs return_sequences=True and a Dense(NAME_VOCAB_SIZE) layer that "
                 "scores the next character at every step, trained with "
                 "SparseCategoricalCrossentropy(from_logits=True). encode_names gives you x and y already "
                 "shifted and padded with 0; Embedding(NAME_VOCAB_SIZE, 16, mask_zero=True) keeps the padding "
                 "out of the LSTM and out of the loss."),
                ("About 5,900 training names are few: a large LSTM learns them by heart and its score on new "
                 "names gets worse after a few epochs. Watch the validation loss on the 'test' names, add "
                 "Dropout after the LSTM, and stop early with "
                 "keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True). LSTM(64) with a learning "
                 "rate of 0.01 is enough."),
                ("A sketch:\n\n"
                 "name_model = keras.Sequential([\n"
                 "    keras.Input(shape=(None,), dtype='int32'),\n"
                 "    keras.layers.Embedding(NAME_VOCAB_SIZE, 16, mask_zero=True),\n"
                 "    keras.layers.LSTM(64, return_sequences=True),\n"
                 "    keras.layers.Dropout(0.3),\n"
                 "    keras.layers.Dense(NAME_VOCAB_SIZE),\n"
                 "])\n"
                 "name_model.compile(optimizer=keras.optimizers.Adam(0.01),\n"
                 "                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n"
                 "name_model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=30, batch_size=64,\n"
                 "               callbacks=[keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)])\n"
                 "name_writer_exercise.check(name_model)"),
            ),
        )

    def _check(self, answer: object, model: object) -> bool:
        if not is_keras_model(answer):
            nudge = ""
            if type(answer).__name__ == "History":
                nudge = " model.fit(...) returns the History of the losses, not the model: pass the model itself."
            elif isinstance(answer, np.ndarray):
                nudge = " Pass the model itself, not its outputs: the check encodes its own names."
            elif callable(answer):
                nudge = " This exercise wants the model itself, not a function: name_writer_exercise.check(name_model)."
            print(
                "Not yet: expected your trained Keras language model, which maps names encoded by encode_names "
                f"(names, characters) to next-character scores (names, characters, {NAME_VOCAB_SIZE}); received "
                f"{describe(answer)}.{nudge}"
            )
            return False
        if model is not None and model is not answer:
            print(
                "Not yet: you passed a model as the answer and another one as model=. Pass your trained model "
                "alone: name_writer_exercise.check(name_model)."
            )
            return False
        if not recurrent_layers(answer):
            print(
                f"Not yet: your model has no recurrent layer (its layers: {', '.join(layer_names(answer)) or 'none'}). "
                f"This exercise asks for an LSTM language model; {RECURRENT_LAYERS} counts."
            )
            return False

        names = _names("check")
        x, y = encode_names(names)
        bits, problem = _bits_per_character(answer, x, y)
        if problem is not None:
            print(f"Not yet: {problem}.")
            return False
        bar, best_n = ngram_bar()
        measured = (
            f"your model scores {bits:.3f} bits per character on the {len(names):,} check names it never saw "
            f"(every letter and each name's end); the best smoothed n-gram, a Kneser–Ney {best_n}-gram counted on "
            f"the training names, scores {bar:.3f}"
        )
        lengths = (x > 0).sum(axis=1)
        leak = future_leak(lambda inputs: _log_probabilities(answer, inputs)[0], x, lengths,
                           low=_INDEX["a"], high=NAME_VOCAB_SIZE, seed=_CAUSALITY_SEED)
        if not leak <= NAME_MAX_LEAK:
            print(
                f"Not yet: {measured}, but your model reads ahead: when the check changed the characters after a "
                f"position t, its predictions at t and before moved (log-probabilities by up to {leak:.3g}). At "
                "position t the target is character t+1, so a model that sees the input after t can copy its "
                "answer instead of predicting it, and when it writes a name that character does not exist yet. "
                "A Bidirectional layer reads each name backwards too, and Conv1D(padding='same') or attention "
                "without a causal mask looks ahead: use a one-directional LSTM(..., return_sequences=True) "
                "(Conv1D needs padding='causal')."
            )
            return False
        with perturbed_recurrent_weights(answer):
            moved, _ = _bits_per_character(answer, x, y)
        change = math.inf if moved is None else abs(moved - bits)
        if change < NAME_MIN_DEPENDENCE:
            print(
                f"Not yet: {measured}, but with the weights of its {', '.join(recurrent_layers(answer))} perturbed "
                f"the score moves by only {change:.4f} bits, so the predictions do not come from the recurrent layer."
            )
            return False
        unigram = ngram_scores()[1]
        silence = self.silence_test(
            lambda: _bits_per_character(answer, x, y)[0], bits, unigram, answer,
            metric="bits per character", baseline_name="a 1-gram model, which reads no earlier character",
            formatter=lambda value: f"{value:.3f}",
        )
        if bits < bar and silence.problem is not None:
            print(f"Not yet: {measured}, but {silence.problem}.")
            return False
        if bits < bar:
            print(
                f"Correct: {measured}. Your LSTM predicts unseen names better than counting does; "
                f"{silence.summary('bits per character', lambda value: f'{value:.3f}')}."
            )
            return True
        print(f"Not yet: {measured}; yours must be lower.")
        if bits > math.log2(len(NAME_ALPHABET)) - 0.5:
            print(
                f"That is close to guessing among the {len(NAME_ALPHABET)} characters "
                f"(log2({len(NAME_ALPHABET)}) = {math.log2(len(NAME_ALPHABET)):.2f} bits): is the model trained, on "
                "x and y from encode_names, with the targets shifted by one character?"
            )
        else:
            print(
                "A model that learns the training names by heart gets worse on new ones: watch the validation "
                "loss, add dropout and stop early (name_writer_exercise.hint())."
            )
        return False


name_writer_exercise = NameWriterExercise()
