"""Character-level language models: the split, the vocabulary, n-gram baselines and LSTM helpers.

Why this module exists: lesson 43 ("LSTMs write text") measures a character-level
LSTM language model in bits per character on held-out text and sets it next to
smoothed character n-gram models on the same split. The tool that trains the
shipped model (``tools/train_char_lm.py``), the lesson and exercise 44 must cut
the text, number the characters and count bits in exactly the same way, so the
code for it lives here once:

* :func:`split_text` cuts a text into a training part and the last part held out;
* :class:`CharVocabulary` turns characters into integers and back;
* :class:`CharNGramModel` is a character n-gram model with add-k, interpolated
  Kneser–Ney or modified Kneser–Ney smoothing, scored with
  :meth:`CharNGramModel.bits_per_character`;
* :func:`build_char_lm`, :func:`build_step_model` and :func:`lstm_bits_per_character`
  build the Keras model, its one-step twin that carries states, and score a text.

Bits per character: the average of ``-log2 p(next character | what came before)``
over the held-out text. A model that knows nothing about a vocabulary of ``V``
characters scores ``log2(V)``; lower is better.

Importing this module does not import TensorFlow: the Keras helpers import it
when they are called, after the setup cell has loaded it quietly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "CharNGramModel",
    "CharVocabulary",
    "build_char_lm",
    "build_step_model",
    "lstm_bits_per_character",
    "split_text",
]


def _check_text(text: object, name: str = "text", min_length: int = 1) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str; received {type(text).__name__}. Pass the text itself, e.g. load_moby_dick().")
    if len(text) < min_length:
        raise ValueError(f"{name} must have at least {min_length} characters; received {len(text)}. Pass a longer text.")
    return text


def _check_flag(value: object, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; received {name}={value!r} ({type(value).__name__}).")
    return bool(value)


def _check_int(value: object, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number; received {value!r} ({type(value).__name__}).")
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f" and <= {high}"
        raise ValueError(f"{name} must be >= {low}{upper}; received {name}={value}.")
    return int(value)


def split_text(text: str, test_fraction: float = 0.1) -> tuple[str, str]:
    """Cut a text into a training part and the last part, held out for testing.

    The cut is at ``round(len(text) * (1 - test_fraction))``: the held-out text is
    the end of the book, never seen in training, as lesson 43 and
    ``tools/train_char_lm.py`` use it.

    Args:
        text: The whole text.
        test_fraction: The share of characters held out at the end, in (0, 1).

    Returns:
        ``(train_text, test_text)``; together they are ``text``.

    Raises:
        TypeError: If ``text`` is not a string or ``test_fraction`` not a number.
        ValueError: If ``test_fraction`` is outside (0, 1) or a part would be empty.

    Example:
        >>> split_text("abcdefghij", test_fraction=0.2)
        ('abcdefgh', 'ij')
    """
    _check_text(text)
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float)):
        raise TypeError(f"test_fraction must be a number; received {test_fraction!r} ({type(test_fraction).__name__}).")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1 (exclusive); received test_fraction={test_fraction}. Try 0.1.")
    cut = round(len(text) * (1 - test_fraction))
    if cut <= 0 or cut >= len(text):
        raise ValueError(
            f"test_fraction={test_fraction} leaves an empty part of a text of {len(text)} characters; "
            "pass a longer text or a test_fraction nearer 0.5."
        )
    return text[:cut], text[cut:]


class CharVocabulary:
    """The characters a model knows, numbered ``0 … size - 1`` in sorted order.

    Lesson 43 introduces it. Build it from the *whole* text (every character the
    held-out part uses needs a number, even one the training part lacks).

    Args:
        text: Any text; its distinct characters become the vocabulary.

    Raises:
        TypeError: If ``text`` is not a string.
        ValueError: If ``text`` is empty.

    Example:
        >>> vocab = CharVocabulary("hello")
        >>> vocab.chars, vocab.size
        (['e', 'h', 'l', 'o'], 4)
        >>> vocab.encode("hole").tolist()
        [1, 3, 2, 0]
        >>> vocab.decode([1, 0, 2, 2, 3])
        'hello'
    """

    def __init__(self, text: str) -> None:
        _check_text(text)
        self.chars: list[str] = sorted(set(text))
        self.index: dict[str, int] = {char: i for i, char in enumerate(self.chars)}

    @property
    def size(self) -> int:
        """The number of characters in the vocabulary."""
        return len(self.chars)

    def __repr__(self) -> str:
        return f"CharVocabulary(size={self.size})"

    def encode(self, text: str) -> np.ndarray:
        """Turn a text into an ``int32`` array of character numbers.

        Raises:
            TypeError: If ``text`` is not a string.
            ValueError: If ``text`` has a character outside the vocabulary (named, with its position).
        """
        if not isinstance(text, str):
            raise TypeError(f"encode() needs a str; received {type(text).__name__}.")
        try:
            return np.fromiter((self.index[char] for char in text), dtype=np.int32, count=len(text))
        except KeyError as error:
            char = error.args[0]
            raise ValueError(
                f"character {char!r} (at position {text.index(char)}) is not in the vocabulary of {self.size} "
                "characters; build the vocabulary from a text that contains it."
            ) from None

    def decode(self, ids: Iterable[int]) -> str:
        """Turn character numbers back into text.

        Raises:
            TypeError: If ``ids`` are not whole numbers, for example probabilities (a softmax output): take
                ``np.argmax(p, axis=-1)`` or sample a character from them first.
            ValueError: If a number is outside ``0 … size - 1``.
        """
        array = np.asarray(ids)
        if array.size == 0:
            return ""
        whole = np.issubdtype(array.dtype, np.integer) or (
            array.dtype == object and all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in array.ravel())
        )
        if not whole:
            hint = (
                " These look like probabilities or logits (one row per position): take np.argmax(p, axis=-1) or "
                "sample a character number from each row first, then decode those integers."
                if np.issubdtype(array.dtype, np.floating)
                else ""
            )
            raise TypeError(
                f"decode() needs integer character numbers (as encode() returns); received {array.dtype} values of "
                f"shape {array.shape}, e.g. {array.ravel()[0]!r}.{hint}"
            )
        ids = [int(i) for i in array.ravel()]
        bad = [i for i in ids if not 0 <= i < self.size]
        if bad:
            raise ValueError(f"character numbers must be in 0 … {self.size - 1}; received {bad[0]}.")
        return "".join(self.chars[i] for i in ids)


def _check_ids(ids: object, vocab_size: int, name: str = "ids", min_length: int = 1) -> np.ndarray:
    array = np.asarray(ids)
    if array.ndim != 1 or array.size < min_length or (array.size and not np.issubdtype(array.dtype, np.integer)):
        raise ValueError(
            f"{name} must be a 1-D array of at least {min_length} character numbers (integers); received shape "
            f"{array.shape}, dtype {array.dtype}. Encode text with CharVocabulary.encode()."
        )
    if array.size and (array.min() < 0 or array.max() >= vocab_size):
        raise ValueError(f"{name} must be in 0 … {vocab_size - 1} (vocab_size={vocab_size}); received values {array.min()} … {array.max()}.")
    return array.astype(np.int64)


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """values[i] where keys[i] == query (keys sorted), 0 where the query is absent."""
    if keys.size == 0:
        return np.zeros(query.shape, dtype=values.dtype)
    position = np.searchsorted(keys, query)
    position = np.minimum(position, keys.size - 1)
    return np.where(keys[position] == query, values[position], 0)


class CharNGramModel:
    """A character n-gram language model: the next character from the ``order - 1`` before it.

    Lesson 43 introduces it as the baseline an LSTM language model must beat.
    Counts are kept as sorted NumPy arrays of n-gram numbers, so counting a
    million characters and scoring a hundred thousand takes about a second.
    An n-gram's number is its characters read as the digits of a number in base
    ``vocab_size``; where ``vocab_size ** order`` does not fit in int64 (for
    example 300 characters at order 8) the numbers are exact Python integers in
    object arrays instead, which is slower but never wraps around.

    Smoothing (an unseen n-gram must not get probability 0):

    * ``"add-k"``: ``p(w | h) = (c(h w) + k) / (c(h ·) + k V)`` at the full order only,
      the simplest fix, which spreads too much probability on unseen characters when
      contexts are long and rare;
    * ``"kneser-ney"``: interpolated Kneser–Ney (Chen & Goodman, 1998). Each order
      subtracts a discount ``D`` from every seen count and gives what it took to the
      next shorter context; shorter orders count in how many *different* contexts a
      character string follows (continuation counts), and the order-0 model is uniform.
      ``D`` is ``n1 / (n1 + 2 n2)`` per order (n1, n2: how many n-grams were counted
      once and twice) unless you pass ``discount``;
    * ``"modified-kneser-ney"``: interpolated Kneser–Ney with three discounts per order
      (Chen & Goodman, 1998, section 3): ``D1`` for n-grams counted once, ``D2`` for twice
      and ``D3+`` for three times or more, ``D_c = c - (c + 1) Y n_{c+1} / n_c`` with
      ``Y = n1 / (n1 + 2 n2)``; a context gives the next shorter one
      ``(D1 N1 + D2 N2 + D3+ N3+) / c(h ·)``, where ``N_c`` counts the characters that
      followed it ``c`` times. Where an order's counts-of-counts cannot give three discounts
      in ``(0, 1)``, ``(0, 2)`` and ``(0, 3)`` (for example no n-gram counted twice), that
      order uses the single discount of ``"kneser-ney"`` for all three.

    Args:
        order: ``n``, from 1 (characters alone) to 8.
        smoothing: ``"kneser-ney"``, ``"modified-kneser-ney"`` or ``"add-k"``.
        k: The pseudo-count of add-k, a finite number > 0.
        discount: A fixed Kneser–Ney discount in (0, 1), or ``None`` to estimate it per order
            (``"kneser-ney"`` only: modified Kneser–Ney always estimates its three discounts).

    Attributes:
        discounts: After ``fit``, per order ``m``: the discount ``D`` (``"kneser-ney"``) or
            the tuple ``(D1, D2, D3+)`` (``"modified-kneser-ney"``); empty for add-k.

    Raises:
        TypeError: If ``order`` is not a whole number, or ``k`` or ``discount`` is not a number.
        ValueError: If ``order`` is outside 1 … 8, ``smoothing`` is unknown, ``k`` is not a finite number > 0
            (0, negative, NaN or infinity), or ``discount`` is not in (0, 1) or is given with another smoothing
            than ``"kneser-ney"``.

    Example:
        >>> vocab = CharVocabulary("abc")
        >>> model = CharNGramModel(order=2, smoothing="add-k", k=1.0).fit(vocab.encode("abab"), vocab.size)
        >>> model.probabilities(vocab.encode("a")).round(3).tolist()   # after "a": a, b, c
        [0.2, 0.6, 0.2]
        >>> round(model.bits_per_character(vocab.encode("abab")), 3)   # -log2 of p(b|a)=0.6, p(a|b)=0.5, 0.6, averaged
        0.825
    """

    SMOOTHINGS = ("kneser-ney", "modified-kneser-ney", "add-k")

    def __init__(self, order: int = 5, smoothing: str = "kneser-ney", k: float = 0.1, discount: float | None = None) -> None:
        self.order = _check_int(order, "order", 1, 8)
        if smoothing not in self.SMOOTHINGS:
            raise ValueError(f"smoothing must be one of {self.SMOOTHINGS}; received smoothing={smoothing!r}.")
        if isinstance(k, bool) or not isinstance(k, (int, float, np.integer, np.floating)):
            raise TypeError(f"k must be a number > 0; received k={k!r} ({type(k).__name__}). Try k=0.1.")
        if not (math.isfinite(k) and k > 0):
            raise ValueError(
                f"k must be a number > 0 and finite; received k={k!r}. An infinite k makes every character equally "
                "likely and NaN makes every probability NaN. Try k=0.1."
            )
        if discount is not None and (
            isinstance(discount, bool)
            or not isinstance(discount, (int, float, np.integer, np.floating))
            or not 0 < discount < 1
        ):
            raise ValueError(f"discount must be None or a number in (0, 1); received discount={discount!r}. Try 0.75.")
        if discount is not None and smoothing != "kneser-ney":
            raise ValueError(
                f"discount applies to smoothing='kneser-ney' only; received discount={discount!r} with "
                f"smoothing={smoothing!r}. Leave discount=None (modified Kneser–Ney estimates its three discounts)."
            )
        self.smoothing, self.k = smoothing, float(k)
        self.discount = None if discount is None else float(discount)
        self.vocab_size = 0
        self._key_dtype: type = np.int64
        self.discounts: dict[int, Any] = {}
        self._tables: dict[int, dict[str, np.ndarray]] = {}

    def __repr__(self) -> str:
        state = f"vocab_size={self.vocab_size}" if self.vocab_size else "not fitted"
        return f"CharNGramModel(order={self.order}, smoothing={self.smoothing!r}, {state})"

    def fit(self, ids: Sequence[int] | np.ndarray, vocab_size: int) -> CharNGramModel:
        """Count the n-grams of the training text (character numbers from ``CharVocabulary.encode``).

        Returns:
            The model itself, fitted.

        Raises:
            TypeError, ValueError: If ``vocab_size`` is not a whole number >= 2 or ``ids`` is not a
                1-D integer array of at least ``order`` numbers in ``0 … vocab_size - 1``.
        """
        vocab = _check_int(vocab_size, "vocab_size", 2, 10_000)
        ids = _check_ids(ids, vocab, min_length=self.order)
        # n-gram numbers go up to vocab**order - 1: exact Python integers where int64 would wrap around.
        key_dtype = object if vocab**self.order > np.iinfo(np.int64).max else np.int64
        ids = ids.astype(key_dtype)
        raw: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        keys = ids.copy()
        for m in range(1, self.order + 1):
            if m > 1:
                keys = keys[:-1] * vocab + ids[m - 1 :]
            raw[m] = np.unique(keys, return_counts=True)
        self.vocab_size, self._tables, self.discounts = vocab, {}, {}
        self._key_dtype = key_dtype
        kneser_ney = self.smoothing in ("kneser-ney", "modified-kneser-ney")
        for m in range(1, self.order + 1):
            if kneser_ney and m < self.order:
                # Continuation count of an m-gram: how many different characters precede it.
                longer = raw[m + 1][0] % vocab**m
                table_keys, counts = np.unique(longer, return_counts=True)
            else:
                table_keys, counts = raw[m]
            contexts, inverse = np.unique(table_keys // vocab, return_inverse=True)
            self._tables[m] = {
                "keys": table_keys,
                "counts": counts.astype(np.float64),
                "contexts": contexts,
                "context_totals": np.bincount(inverse, weights=counts).astype(np.float64),
                "context_types": np.bincount(inverse).astype(np.float64),
            }
            if not kneser_ney:
                continue
            n1, n2 = np.sum(counts == 1), np.sum(counts == 2)
            single = float(np.clip(n1 / (n1 + 2 * n2), 0.05, 0.95)) if n1 + n2 else 0.5
            if self.smoothing == "kneser-ney":
                self.discounts[m] = single if self.discount is None else float(self.discount)
                continue
            # Modified Kneser–Ney: the characters that followed each context once, twice and 3+ times.
            for name, seen in (("n1", counts == 1), ("n2", counts == 2), ("n3+", counts >= 3)):
                self._tables[m][name] = np.bincount(inverse, weights=seen, minlength=contexts.size).astype(np.float64)
            self.discounts[m] = self._three_discounts(counts, single)
        return self

    @staticmethod
    def _three_discounts(counts: np.ndarray, single: float) -> tuple[float, float, float]:
        """Chen & Goodman's (D1, D2, D3+) from the counts-of-counts; ``single`` three times where they cannot be had."""
        n = [int(np.sum(counts == c)) for c in (1, 2, 3, 4)]
        if min(n) == 0:
            return (single, single, single)
        y = n[0] / (n[0] + 2 * n[1])
        discounts = tuple(c - (c + 1) * y * n[c] / n[c - 1] for c in (1, 2, 3))
        if not all(0 < d < c for c, d in zip((1, 2, 3), discounts)):
            return (single, single, single)
        return discounts  # type: ignore[return-value]

    def _check_fitted(self) -> None:
        if not self.vocab_size:
            raise ValueError("this CharNGramModel is not fitted yet; call model.fit(train_ids, vocab_size) first.")

    def _probabilities_of(self, grams: np.ndarray) -> np.ndarray:
        """p(last column | the columns before it) for each row; -1 marks 'before the start of the text'."""
        vocab, n = self.vocab_size, self.order
        p_lower = np.full(len(grams), 1.0 / vocab)
        result = p_lower.copy()
        grams = grams.astype(self._key_dtype)
        key = np.zeros(len(grams), dtype=self._key_dtype)
        for m in range(1, n + 1):
            column = grams[:, n - m]
            valid = (column >= 0).astype(bool)
            key = np.where(valid, column * vocab**(m - 1) + key, 0).astype(self._key_dtype)
            table = self._tables[m]
            count = _lookup(table["keys"], table["counts"], key)
            context = key // vocab
            total = _lookup(table["contexts"], table["context_totals"], context)
            if self.smoothing == "add-k":
                p_m = (count + self.k) / (total + self.k * vocab)
            else:
                seen = total > 0
                safe_total = np.where(seen, total, 1.0)
                if self.smoothing == "kneser-ney":
                    discount = self.discounts[m]
                    types = _lookup(table["contexts"], table["context_types"], context)
                    taken, handed_down = np.maximum(count - discount, 0), discount * types
                else:  # modified: D1, D2 or D3+ by the n-gram's count; each context hands down what it took
                    d1, d2, d3 = self.discounts[m]
                    taken = count - np.select([count >= 3, count == 2, count == 1], [d3, d2, d1], 0.0)
                    handed_down = sum(d * _lookup(table["contexts"], table[name], context)
                                      for d, name in ((d1, "n1"), (d2, "n2"), (d3, "n3+")))
                p_m = np.where(seen, taken / safe_total + handed_down / safe_total * p_lower, p_lower)
            p_lower = np.where(valid, p_m, p_lower)
            result = np.where(valid, p_m, result)
        return result

    def _grams(self, ids: np.ndarray) -> np.ndarray:
        padded = np.concatenate([np.full(self.order - 1, -1, dtype=np.int64), ids])
        return np.lib.stride_tricks.sliding_window_view(padded, self.order)

    def probabilities(self, context: Sequence[int] | np.ndarray) -> np.ndarray:
        """The probability of every character coming next after ``context`` (character numbers).

        Only the last ``order - 1`` characters of the context matter. The result sums to 1.

        Raises:
            ValueError: If the model is not fitted or the context has numbers outside the vocabulary.
        """
        self._check_fitted()
        context = _check_ids(context, self.vocab_size, "context", min_length=0)[-(self.order - 1) :] if self.order > 1 else np.zeros(0, np.int64)
        prefix = np.concatenate([np.full(self.order - 1 - context.size, -1, dtype=np.int64), context])
        grams = np.column_stack([np.tile(prefix, (self.vocab_size, 1)), np.arange(self.vocab_size)]).astype(np.int64)
        return self._probabilities_of(grams)

    def bits_per_character(self, ids: Sequence[int] | np.ndarray, per_character: bool = False) -> float | np.ndarray:
        """Average ``-log2 p`` of ``ids[1:]``, each from the characters before it in ``ids``.

        The first character is not scored (it has no context), as in :func:`lstm_bits_per_character`.

        Args:
            ids: The text as character numbers (``CharVocabulary.encode``), at least 2 of them.
            per_character: ``False`` (default) for the average; ``True`` for the bits of every scored
                character, for example to compare two models character by character (lesson 43's bootstrap).

        Returns:
            The average bits per character, a float; with ``per_character=True`` a float64 array of
            ``len(ids) - 1`` values, ``-log2 p(ids[i] | ids[:i])`` for ``i = 1 … len(ids) - 1``, whose mean is
            the average.

        Raises:
            TypeError: If ``per_character`` is not ``True`` or ``False``.
            ValueError: If the model is not fitted or ``ids`` has fewer than 2 numbers or numbers outside the vocabulary.

        Example:
            >>> vocab = CharVocabulary("abc")
            >>> model = CharNGramModel(order=2, smoothing="add-k", k=1.0).fit(vocab.encode("abab"), vocab.size)
            >>> model.bits_per_character(vocab.encode("abab"), per_character=True).round(3).tolist()
            [0.737, 1.0, 0.737]
        """
        _check_flag(per_character, "per_character")
        self._check_fitted()
        ids = _check_ids(ids, self.vocab_size, min_length=2)
        bits = -np.log2(self._probabilities_of(self._grams(ids))[1:])
        return bits if per_character else float(np.mean(bits))


# ---------------------------------------------------------------------------
# The LSTM language model (Keras). TensorFlow is imported inside the functions.
# ---------------------------------------------------------------------------


def build_char_lm(vocab_size: int, units: int = 256, embedding_dim: int = 32, dropout: float = 0.0) -> Any:
    """Build the character-level LSTM language model of lesson 43.

    ``Embedding → LSTM(return_sequences=True) → Dropout → Dense(vocab_size)``: for
    every position of a ``(batch, timesteps)`` array of character numbers it
    gives the logits of the next character, shape ``(batch, timesteps, vocab_size)``
    (many-to-many). Train it with ``SparseCategoricalCrossentropy(from_logits=True)``.
    ``tools/train_char_lm.py`` builds the shipped model with this function.

    Args:
        vocab_size: Number of characters (``CharVocabulary.size``).
        units: LSTM units.
        embedding_dim: Length of each character's embedding vector.
        dropout: Dropout rate on the LSTM's outputs while training, in [0, 1).

    Returns:
        An unbuilt-free ``keras.Sequential`` model (its input shape is ``(None,)``, any length).

    Raises:
        TypeError, ValueError: If a size is not a positive whole number or ``dropout`` is outside [0, 1).
    """
    _check_int(vocab_size, "vocab_size", 2)
    _check_int(units, "units", 1)
    _check_int(embedding_dim, "embedding_dim", 1)
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a number in [0, 1); received dropout={dropout!r}.")
    import keras

    return keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, embedding_dim, name="embedding"),
            keras.layers.LSTM(units, return_sequences=True, name="lstm"),
            keras.layers.Dropout(dropout, name="dropout"),
            keras.layers.Dense(vocab_size, name="logits"),
        ],
        name=f"char_lstm_{units}",
    )


def _layers_of(model: Any) -> tuple[Any, Any, Any]:
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model; received {type(model).__name__}. Pass the model build_char_lm made.")
    embeddings = [layer for layer in model.layers if isinstance(layer, keras.layers.Embedding)]
    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(embeddings) != 1 or len(lstms) != 1 or len(denses) != 1:
        raise ValueError(
            "model must have one Embedding, one LSTM and one Dense layer, like build_char_lm's; received "
            f"{[type(layer).__name__ for layer in model.layers]}."
        )
    return embeddings[0], lstms[0], denses[0]


def build_step_model(model: Any) -> Any:
    """Make the twin of a trained language model that takes and returns the LSTM's states.

    The twin maps ``[tokens, h, c]`` to ``[logits, h, c]`` (``return_state=True``,
    ``initial_state=[h, c]``) with copies of the trained weights, so you can feed
    a text one piece (or one character) at a time and carry the memory along
    instead of re-reading a whole window for every new character.

    Args:
        model: A model with one Embedding, one LSTM and one Dense layer (as :func:`build_char_lm` makes).

    Returns:
        A functional ``keras.Model`` with inputs ``tokens (batch, timesteps)``, ``h`` and ``c`` ``(batch, units)``.

    Raises:
        TypeError: If ``model`` is not a Keras model.
        ValueError: If it does not have exactly one Embedding, LSTM and Dense layer.
    """
    embedding, lstm, dense = _layers_of(model)
    import keras

    tokens = keras.Input(shape=(None,), dtype="int32", name="tokens")
    h_in = keras.Input(shape=(lstm.units,), name="h")
    c_in = keras.Input(shape=(lstm.units,), name="c")
    new_embedding = keras.layers.Embedding(embedding.input_dim, embedding.output_dim)
    new_lstm = keras.layers.LSTM(lstm.units, return_sequences=True, return_state=True)
    new_dense = keras.layers.Dense(dense.units)
    outputs, h_out, c_out = new_lstm(new_embedding(tokens), initial_state=[h_in, c_in])
    step_model = keras.Model([tokens, h_in, c_in], [new_dense(outputs), h_out, c_out], name="step_model")
    for new, old in ((new_embedding, embedding), (new_lstm, lstm), (new_dense, dense)):
        new.set_weights(old.get_weights())
    return step_model


def lstm_bits_per_character(
    model: Any, ids: Sequence[int] | np.ndarray, streams: int = 64, chunk: int = 100, per_character: bool = False
) -> float | np.ndarray:
    """Bits per character of an LSTM language model on a text, read with its memory carried along.

    The model predicts ``ids[1:]`` from what came before, the same characters
    :meth:`CharNGramModel.bits_per_character` scores. The text is cut into
    ``streams`` contiguous pieces read side by side (a batch), ``chunk``
    characters at a time; the LSTM's states are carried from one chunk to the
    next, so a prediction can use everything since the start of its piece (each
    piece starts with empty memory, a small handicap for the LSTM).

    Args:
        model: A model as :func:`build_char_lm` makes, trained or not.
        ids: The text as character numbers (``CharVocabulary.encode``), at least 2 of them.
        streams: Pieces read side by side.
        chunk: Characters per call.
        per_character: ``False`` (default) for the average; ``True`` for the bits of every scored character in
            text order, to set next to :meth:`CharNGramModel.bits_per_character` with ``per_character=True``.

    Returns:
        Average ``-log2 p(next character)``, a float; with ``per_character=True`` a float64 array of
        ``len(ids) - 1`` values, one for each of ``ids[1:]``, whose mean is the average.

    Raises:
        TypeError, ValueError: On a bad model, text, ``streams``, ``chunk`` or ``per_character``.
    """
    _check_int(streams, "streams", 1)
    _check_int(chunk, "chunk", 1)
    _check_flag(per_character, "per_character")
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.size < 2 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 1-D array of at least 2 character numbers; received shape {ids.shape}, dtype {ids.dtype}.")
    step_model = build_step_model(model)
    vocab_size = step_model.output[0].shape[-1]
    if ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(f"ids must be in 0 … {vocab_size - 1} (the model's vocabulary); received values {ids.min()} … {ids.max()}.")
    import tensorflow as tf

    inputs, targets = ids[:-1], ids[1:]
    total = inputs.size
    streams = min(streams, total)
    per_stream = math.ceil(math.ceil(total / streams) / chunk) * chunk
    padded = streams * per_stream
    x = np.zeros(padded, dtype=np.int32)
    y = np.zeros(padded, dtype=np.int32)
    weight = np.zeros(padded, dtype=np.float32)
    x[:total], y[:total], weight[:total] = inputs, targets, 1.0
    x, y, weight = (a.reshape(streams, per_stream) for a in (x, y, weight))
    units = step_model.input[1].shape[-1]

    @tf.function(autograph=False)  # no Python control flow inside; skips AutoGraph's closure warning
    def score(x_chunk, y_chunk, w_chunk, h, c):
        logits, h, c = step_model([x_chunk, h, c], training=False)
        nats = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y_chunk, logits=logits)
        return nats * w_chunk, h, c  # (streams, chunk); 0 on the padding

    h = tf.zeros((streams, units))
    c = tf.zeros((streams, units))
    nats = []
    for start in range(0, per_stream, chunk):
        part = slice(start, start + chunk)
        chunk_nats, h, c = score(x[:, part], y[:, part], weight[:, part], h, c)
        nats.append(np.asarray(chunk_nats, dtype=np.float64))
    # Stream by stream, position by position: the text's order, then the padding, which is cut off.
    bits = np.concatenate(nats, axis=1).reshape(-1)[:total] / math.log(2)
    return bits if per_character else float(np.mean(bits))
