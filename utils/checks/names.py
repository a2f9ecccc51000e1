"""Exercise 42: tell which list a first name comes from, with a recurrent network reading its letters.

Why this module exists: it holds the check and hints of
``notebooks/42_exercise_names.ipynb``. The answer is a function
``vectorize_names(names) -> model input`` together with the trained Keras model
(``model=``). The check encodes the names of the ``check`` part of
:func:`utils.text.load_first_names` (names the lessons never train or tune
on; names that are on both lists are left out, since no answer can be right
for both of their rows), calls the model on them itself and measures the
accuracy against a bar it computes when it runs: the majority list and a
character n-gram logistic regression, both trained on the ``train`` part.
Only the letters may reach the model: what ``vectorize_names`` returns must
be one integer per letter of each name (the same integer for the same
character everywhere), so no label can travel with a name. The check
confirms the model has a recurrent layer, that perturbing the weights of the
recurrent layers alone changes the model's answers, and that silencing them
(weights set to zero) takes the accuracy most of the way back to the
majority list's, so the letters really pass through the recurrence.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from utils.checks.base import Exercise, describe, is_keras_model, perturbed_weights, recurrent_layer_objects

__all__ = ["NAMES_BAR_SHARE", "NamesBar", "NamesExercise", "names_bar", "names_exercise"]

#: The bar lies this share of the way from the majority list's accuracy to the n-gram model's.
NAMES_BAR_SHARE = 2 / 3
#: With the recurrent layers' weights perturbed, some probability of "male" must move by more than this.
NAMES_MIN_CHANGE = 0.05
_PROBE_NAMES = 300  # how many check names the perturbation probe uses

_ASKS_FOR = (
    "Why it matters: the exercise is about a network that reads a name letter by letter, so the check asks for "
    "a recurrent layer that the answers depend on."
)


class NamesBar(NamedTuple):
    """What the check measures the learner against, on the check names."""

    names: list[str]
    is_male: np.ndarray
    majority: float
    ngram: float
    bar: float


_BAR: NamesBar | None = None


def names_bar() -> NamesBar:
    """The check names (``part == "check"``, names on both lists left out), their labels and the bar.

    The majority list and a character n-gram logistic regression (TF-IDF of
    runs of one to four characters, ``analyzer="char_wb"``, ``C=10``) are
    trained on the ``train`` part, with the same names left out, and scored
    on the check names; the bar is :data:`NAMES_BAR_SHARE` of the way from
    the first accuracy to the second. Computed once, then cached.

    Example:
        >>> bar = names_bar()
        >>> len(bar.names) == len(bar.is_male), bar.majority < bar.bar < bar.ngram
        (True, True)
    """
    global _BAR
    if _BAR is None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        from utils.text import load_first_names

        names = load_first_names(include_check=True)
        names = names[~names["in_both"]]
        train, check = names[names["part"] == "train"], names[names["part"] == "check"]
        y_train = (train["list"] == "male").to_numpy()
        y_check = (check["list"] == "male").to_numpy()
        majority = float(np.mean(y_check == (y_train.mean() > 0.5)))
        ngrams = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True).fit(train["name"])
        model = LogisticRegression(C=10, solver="liblinear").fit(ngrams.transform(train["name"]), y_train)
        ngram = float(model.score(ngrams.transform(check["name"]), y_check))
        bar = majority + NAMES_BAR_SHARE * (ngram - majority)
        _BAR = NamesBar(check["name"].tolist(), y_check.astype("int32"), majority, ngram, bar)
    return _BAR


def _male_probabilities(model: Any, x: Any, n: int) -> tuple[np.ndarray | None, str | None]:
    """The model's probability that each name is from the male list, or None and what went wrong."""
    try:
        raw = model.predict(x, verbose=0)
    except Exception as error:  # the learner's model: report, never crash the check
        return None, (
            f"calling your model on what vectorize_names returned ({describe(x)}) raised {type(error).__name__}: "
            f"{error}. The model must take exactly what vectorize_names returns"
        )
    try:
        p = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"your model returned {describe(raw)}; expected probabilities of shape ({n}, 1)"
    if p.shape == (n,):
        p = p[:, np.newaxis]
    if p.shape == (n, 2):
        p = p[:, 1:]  # softmax over (female, male)
    if p.shape != (n, 1):
        nudge = (
            " Your last recurrent layer returns a value for every character (return_sequences=True); set "
            "return_sequences=False on the last one"
            if p.ndim == 3
            else ""
        )
        return None, (
            f"for {n} names your model returned shape {p.shape}; expected ({n}, 1), the probability that each "
            f"name is from the male list (a Dense(1, activation='sigmoid') output), or ({n}, 2) for a softmax "
            f"over (female, male).{nudge}"
        )
    bad = int(np.count_nonzero(~np.isfinite(p)))
    if bad:
        return None, f"your model returned NaN or infinity for {bad} names; training probably diverged"
    if p.min() < 0 or p.max() > 1:
        return None, (
            f"your model's outputs run from {p.min():.3g} to {p.max():.3g}; expected probabilities between 0 and 1. "
            "End the model with Dense(1, activation='sigmoid')"
        )
    return p[:, 0], None


def _accuracy(p: np.ndarray | None, is_male: np.ndarray) -> float:
    """The share of names whose list the probabilities get right (NaN when the model gave none)."""
    return math.nan if p is None else float(np.mean((p > 0.5).astype("int32") == is_male))


def _encode(vectorize_names: Any, names: list[str]) -> tuple[Any, str | None]:
    """What the learner's function returns for ``names`` (a copy of the list), or what went wrong."""
    try:
        x = vectorize_names(list(names))
    except Exception as error:  # the learner's function: report, never crash the check
        return None, (
            f"vectorize_names raised {type(error).__name__}: {error} when given a list of {len(names)} first names "
            f"such as {names[:3]}"
        )
    if x is None:
        return None, "vectorize_names returned None (is its return statement missing?)"
    return x, None


def _encoding_problem(names: list[str], x: Any) -> str | None:
    """None if ``x`` holds one integer per letter of each name and nothing else, else what is wrong in a sentence.

    Accepted: a 2-D array of whole numbers ``(len(names), length)``, 0 for
    padding, where every name's letters sit in one run at the start of its
    row (padding after) or, for every name alike, at the end (padding
    before); a name longer than the row is cut the same way for all. Each
    character must get the same number wherever it occurs (several
    characters may share one, as an out-of-vocabulary number does), and
    characters other than letters may be dropped, the same ones everywhere.
    Then the row is a function of the name's letters alone, so no label or
    other information can travel with it.
    """
    expected = (
        "vectorize_names must return one integer per letter of each name, padded with 0, as a 2-D array "
        "(names, length) (TextVectorization(split='character', ...) gives that); the model's Embedding turns the "
        "integers into vectors"
    )
    try:
        ids = np.asarray(x)
    except Exception:  # ragged lists, a model input of several parts
        return f"{expected}; it returned {describe(x)}"
    if ids.ndim != 2 or ids.shape[0] != len(names) or ids.dtype.kind not in "iuf" or ids.shape[1] == 0:
        return f"{expected}; for {len(names):,} names it returned {describe(x)}"
    if ids.dtype.kind == "f":
        if not np.all(np.isfinite(ids)) or not np.all(ids == np.round(ids)):
            return f"{expected}; it returned fractional numbers ({describe(x)}), which are not character numbers"
        ids = ids.astype(np.int64)
    width = ids.shape[1]
    present = ids != 0
    counts = present.sum(axis=1)
    first = np.where(counts > 0, present.argmax(axis=1), 0)
    if not all(row[start : start + count].all() for row, start, count in zip(present, first, counts)):
        return f"{expected}; some rows have a 0 between two characters, so they are not a name's letters padded with 0"
    starts_left = bool(np.all(first == 0))
    ends_right = bool(np.all(first + counts == width))
    if not (starts_left or ends_right):
        return (
            f"{expected}; the names do not all start at the beginning of their row (padding after) or all end at its "
            "end (padding before): padding on different sides for different names can carry information that is "
            "not in the letters"
        )
    letters_only = [[c for c in name if c.isalpha()] for name in names]
    for keep in (lambda i: list(names[i]), lambda i: letters_only[i]):
        for cut in ("end", "start"):
            mapping: dict[str, int] = {}
            consistent = True
            for i in range(len(names)):
                chars = keep(i)
                if len(chars) > width:
                    chars = chars[:width] if cut == "end" else chars[-width:]
                row = ids[i, first[i] : first[i] + counts[i]]
                if len(row) != len(chars) or any(mapping.setdefault(c, int(v)) != int(v) for c, v in zip(chars, row)):
                    consistent = False
                    break
            if consistent:
                return None
    for i, name in enumerate(names):
        if counts[i] not in (len(name), len(letters_only[i]), width):
            return (
                f"{expected}; for the name {name!r} ({len(name)} characters) it returned {int(counts[i])} non-zero "
                f"numbers: {ids[i].tolist()}"
            )
    return (
        f"{expected}; the same character gets different numbers in different names or places, so the numbers "
        "carry something besides the letters. Encode every name with one vectoriser, adapted once"
    )


class NamesExercise(Exercise):
    """Exercise 42: which list, female or male, is a first name from? A recurrent network reads its letters.

    The answer is a function ``vectorize_names(names) -> model input`` (it gets a
    list of first names as written, such as ``["Ishmael", "Anna"]``, and
    returns what the model takes, typically an integer array of shape
    ``(len(names), max_length)``) and ``model=``, the trained Keras model,
    whose output is the probability that each name is from the male list
    (shape ``(n, 1)``; ``(n, 2)`` for a softmax over female, male also works).
    The check encodes the check names, predicts them and wants an accuracy of
    at least the bar of :func:`names_bar`. The model must have a recurrent
    layer, and perturbing the recurrent layers' weights alone must move some
    answer by more than :data:`NAMES_MIN_CHANGE`. The check itself never
    raises.

    Used in ``notebooks/42_exercise_names.ipynb`` as :data:`names_exercise`.

    Example:
        >>> names_exercise.check(lambda names: [len(n) for n in names])  # doctest: +ELLIPSIS
        Not yet: you handed in a function without the model it uses...
        False
    """

    def __init__(self):
        super().__init__(
            name="names_exercise",
            stem="42_exercise_names",
            expected=(
                "assign your function vectorize_names(names) (it gets a list of first names and returns what your "
                "model takes) and the trained model, whose output is the probability of the male list"
            ),
            usage="names_exercise.check(vectorize_names, model=names_model)",
            hints=(
                ("Lesson 41 did this task: turn each name into a sequence of character indices with "
                 "keras.layers.TextVectorization(split='character', standardize='lower', output_sequence_length=...) "
                 "adapted on the training names, then Embedding(mask_zero=True), a recurrent layer such as "
                 "LSTM(32), and Dense(1, activation='sigmoid'), trained on binary cross-entropy with label 1 for "
                 "the male list. vectorize_names must give the check exactly the input your model was trained on."),
                ("vectorize_names(names) gets a plain Python list of names as written ('Ishmael'), so call your adapted "
                 "vectoriser on that list and return a NumPy array: return char_vectorizer(list(names)).numpy(). "
                 "Pick output_sequence_length at least as long as the longest training name, or long names are "
                 "cut. Hold out validation names from the train part with train_test_split(..., stratify=y_train), "
                 "not validation_split: that takes the last rows, and the names come sorted by list, so the "
                 "validation names would all be male. Stop early on val_loss; the test part tells you where you "
                 "stand before you call the check."),
                ("A sketch:\n\n"
                 "char_vectorizer = keras.layers.TextVectorization(split='character', standardize='lower',\n"
                 "                                                 output_sequence_length=15)\n"
                 "char_vectorizer.adapt(train['name'].tolist())\n\n"
                 "def vectorize_names(names):\n"
                 "    return char_vectorizer(list(names)).numpy()\n\n"
                 "names_model = keras.Sequential([keras.Input(shape=(15,), dtype='int64'),\n"
                 "    keras.layers.Embedding(len(char_vectorizer.get_vocabulary()), 16, mask_zero=True),\n"
                 "    keras.layers.LSTM(32), keras.layers.Dense(1, activation='sigmoid')])\n"
                 "names_model.compile(optimizer=keras.optimizers.Adam(1e-2), loss='binary_crossentropy',\n"
                 "                    metrics=['accuracy'])\n"
                 "x_fit, x_val, y_fit, y_val = train_test_split(vectorize_names(train['name']), y_train,\n"
                 "                                              test_size=0.15, stratify=y_train)\n"
                 "names_model.fit(x_fit, y_fit, validation_data=(x_val, y_val), epochs=30, batch_size=128,\n"
                 "                callbacks=[keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)])\n"
                 "names_exercise.check(vectorize_names, model=names_model)"),
            ),
        )

    def _check(self, answer: object, model: object) -> bool:
        if is_keras_model(answer):
            print(
                "Not yet: you passed a Keras model as the answer; this exercise wants your function "
                "vectorize_names(names), which turns a list of names into your model's input, with the model "
                f"beside it: {self.usage}."
            )
            return False
        if not callable(answer):
            print(
                f"Not yet: expected a function vectorize_names(names) that turns a list of first names into your "
                f"model's input; received {describe(answer)}. Define it with def vectorize_names(names): ... and pass "
                f"the function itself, without (), with the model: {self.usage}."
            )
            return False
        problem = self.model_problem(model, handed_in="a function")
        if problem is not None:
            print(f"Not yet: {problem}.")
            print(_ASKS_FOR)
            return False

        bar = names_bar()
        n = len(bar.names)
        x, problem = _encode(answer, bar.names)
        if problem is None:
            encoding = _encoding_problem(bar.names, x)
            if encoding is not None:
                print(f"Not yet: {encoding}.")
                print(
                    "Why it matters: the check asks which list a name is from, and only the name's letters may reach "
                    "the model; anything else vectorize_names adds (a looked-up label, a length, a padding side "
                    "that differs by list) would answer for the network."
                )
                return False
        p = None
        if problem is None:
            p, problem = _male_probabilities(model, x, n)
        if problem is not None:
            print(f"Not yet: {problem}.")
            return False

        predicted = (p > 0.5).astype("int32")
        accuracy = _accuracy(p, bar.is_male)
        right = int(np.sum(predicted == bar.is_male))
        measured = (
            f"your model names the right list for {right:,} of {n:,} first names it never saw "
            f"(the check part, names on both lists left out): accuracy {accuracy:.3f}"
        )
        bar_text = (
            f"the bar is {bar.bar:.3f}, {NAMES_BAR_SHARE:.0%} of the way from always answering the majority "
            f"list ({bar.majority:.3f}) to a character n-gram logistic regression trained on the same training "
            f"names ({bar.ngram:.3f})"
        )

        probe_names = bar.names[:_PROBE_NAMES]
        probe_x, _ = _encode(answer, probe_names)
        before = p[:_PROBE_NAMES]
        change = 0.0
        layers = recurrent_layer_objects(model)
        for number, layer in enumerate(layers):
            with perturbed_weights(layer, seed=number):
                after, trouble = _male_probabilities(model, probe_x, len(probe_names))
            if trouble is not None or after is None:
                change = math.inf
                break
            change = max(change, float(np.max(np.abs(after - before))))
        layer_names = ", ".join(type(layer).__name__ for layer in layers)
        silence = None
        if accuracy >= bar.bar and change > NAMES_MIN_CHANGE:
            silence = self.silence_test(
                lambda: _accuracy(_male_probabilities(model, x, n)[0], bar.is_male), accuracy, bar.majority, model,
                metric="accuracy", baseline_name="always answering the majority list", higher_is_better=True,
                formatter=lambda value: f"{value:.3f}",
            )
            if silence.problem is not None:
                print(f"Not yet: {measured}, above the bar ({bar.bar:.3f}), but {silence.problem}.")
                print(_ASKS_FOR)
                return False

        if accuracy >= bar.bar and change > NAMES_MIN_CHANGE:
            beyond = " You are even ahead of the n-gram model." if accuracy > bar.ngram else ""
            print(
                f"Correct: {measured}; {bar_text}. The answers come from your {layer_names}: "
                f"{silence.summary('accuracy', lambda value: f'{value:.3f}')}.{beyond}"
            )
            return True
        if accuracy >= bar.bar:
            print(
                f"Not yet: {measured}, above the bar ({bar.bar:.3f}), but your recurrent layers ({layer_names}) "
                f"do not decide the answers: with their weights perturbed, no probability moves by more than "
                f"{change:.3g}. The letters must pass through the recurrence."
            )
            print(_ASKS_FOR)
            return False

        print(f"Not yet: {measured}; {bar_text}.")
        if not change > NAMES_MIN_CHANGE:
            print(
                f"And your recurrent layers ({layer_names}) do not decide the answers: with their weights perturbed, "
                f"no probability moves by more than {change:.3g}. The letters must pass through the recurrence."
            )
        share_male = float(predicted.mean())
        if max(share_male, 1 - share_male) > 0.9 or float(p.std()) < 0.05:
            which = "male" if share_male > 0.5 else "female"
            print(
                f"Your model answers '{which}' for {max(share_male, 1 - share_male):.0%} of the names, and its "
                f"probabilities hardly vary from name to name (standard deviation {float(p.std()):.3f}): it has not "
                "learned to tell names apart. Check that it trained (the loss should fall well below 0.69, the loss "
                "of a coin), that its validation names hold both lists (validation_split takes the last rows, and "
                "the names come sorted by list), and that vectorize_names gives the check the input it trained on."
            )
        elif accuracy < 0.4:
            print(
                "That is worse than a coin: are your labels flipped? The check reads the model's output as the "
                "probability that the name is from the male list (label 1 = male)."
            )
        else:
            print(
                "Train longer or with early stopping on a validation split, make sure vectorize_names does not cut "
                "long names, and compare with your own n-gram model on the test part; names_exercise.hint() "
                "says more."
            )
        return False


names_exercise = NamesExercise()
