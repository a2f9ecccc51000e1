"""Tests for utils.char_lm: the split, the vocabulary, the n-gram models and the LSTM helpers (lesson 43)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from utils.char_lm import CharNGramModel, CharVocabulary, split_text

TEXT = "the cat sat on the mat. the dog sat on the log.\n"


@pytest.fixture(scope="module")
def vocab() -> CharVocabulary:
    return CharVocabulary(TEXT)


def test_split_keeps_every_character_and_holds_out_the_end():
    train, test = split_text(TEXT, test_fraction=0.25)
    assert train + test == TEXT
    assert len(test) == len(TEXT) - round(len(TEXT) * 0.75)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((b"bytes",), TypeError, "must be a str"),
        (("",), ValueError, "at least 1"),
        (("abc", 1.5), ValueError, "between 0 and 1"),
        (("abc", "0.1"), TypeError, "must be a number"),
        (("ab", 0.1), ValueError, "empty part"),
    ],
)
def test_split_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        split_text(*args)


def test_vocabulary_round_trip_and_errors(vocab):
    assert vocab.decode(vocab.encode(TEXT)) == TEXT
    assert vocab.chars == sorted(set(TEXT))
    with pytest.raises(ValueError, match=r"'z' \(at position 2\) is not in the vocabulary"):
        vocab.encode("thz")
    with pytest.raises(TypeError, match="needs a str"):
        vocab.encode(3)
    with pytest.raises(ValueError, match="must be in 0"):
        vocab.decode([0, vocab.size])


@pytest.mark.parametrize("smoothing", ["kneser-ney", "modified-kneser-ney", "add-k"])
@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_ngram_probabilities_sum_to_one_for_seen_unseen_and_short_contexts(vocab, smoothing, order):
    model = CharNGramModel(order, smoothing).fit(vocab.encode(TEXT), vocab.size)
    for context in ["the ", "xyz"[:0], "o", "mat.", ".\n\n\n"]:
        p = model.probabilities(vocab.encode(context))
        assert p.shape == (vocab.size,)
        assert np.all(p > 0)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)


def test_kneser_ney_matches_a_hand_computed_bigram():
    # "abab" over {a, b, c}, D = 0.5. Unigram continuation counts: a follows 1 character type, b 1, c 0, so
    # p1(a) = p1(b) = 0.5/2 + 0.5·2/2·1/3 = 5/12 and p1(c) = 1/6. After "a": c(ab) = 2, one type, so
    # p(b|a) = 1.5/2 + 0.5·1/2·5/12, p(a|a) = 0.25·5/12, p(c|a) = 0.25·1/6.
    vocab = CharVocabulary("abc")
    model = CharNGramModel(2, "kneser-ney", discount=0.5).fit(vocab.encode("abab"), vocab.size)
    expected = [0.25 * 5 / 12, 0.75 + 0.25 * 5 / 12, 0.25 / 6]
    np.testing.assert_allclose(model.probabilities(vocab.encode("a")), expected)
    # Scoring uses the same probabilities: ids[1:] of "abab" are b|a, a|b, b|a.
    p_a_given_b = 0.5 / 1 + 0.5 * 1 / 1 * 5 / 12
    bits = -(2 * math.log2(expected[1]) + math.log2(p_a_given_b)) / 3
    assert model.bits_per_character(vocab.encode("abab")) == pytest.approx(bits)


def reference_modified_kneser_ney(ids, order, vocab_size):
    """Chen & Goodman's interpolated modified Kneser–Ney with dictionaries, one probability at a time."""
    ids = [int(i) for i in ids]
    raw = {m: Counter(tuple(ids[i : i + m]) for i in range(len(ids) - m + 1)) for m in range(1, order + 1)}
    counts = {order: raw[order]}
    for m in range(1, order):
        counts[m] = Counter(gram[1:] for gram in raw[m + 1])  # continuation: how many characters precede it
    discounts = {}
    for m, table in counts.items():
        n1, n2, n3, n4 = (sum(1 for c in table.values() if c == k) for k in (1, 2, 3, 4))
        if min(n1, n2, n3, n4):
            y = n1 / (n1 + 2 * n2)
            d = (0.0, 1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3)
        else:
            d = (0.0, -1, -1, -1)
        if not all(0 < d[c] < c for c in (1, 2, 3)):  # the documented fallback: the single Kneser–Ney discount
            single = min(max(n1 / (n1 + 2 * n2), 0.05), 0.95) if n1 + n2 else 0.5
            d = (0.0, single, single, single)
        discounts[m] = d

    def probability(history, w):
        m = len(history) + 1
        lower = 1 / vocab_size if m == 1 else probability(history[1:], w)
        followers = {gram[-1]: c for gram, c in counts[m].items() if gram[:-1] == history}
        total = sum(followers.values())
        if total == 0:
            return lower
        d, c = discounts[m], followers.get(w, 0)
        handed_down = sum(d[min(count, 3)] for count in followers.values())
        return (c - d[min(c, 3)]) / total + handed_down / total * lower

    return probability, discounts


def test_modified_kneser_ney_matches_a_dictionary_implementation():
    # Twelve characters, 2,000 of them: sparse enough that orders 2 to 4 have strings seen once, twice, three and
    # four times (three discounts), while order 1 has none seen once (the fallback).
    rng = np.random.default_rng(1)
    weights = np.arange(12, 0, -1.0)
    ids = rng.choice(12, size=2000, p=weights / weights.sum())
    ids[1::7] = (ids[:-1:7] + 1) % 12  # some structure for the longer contexts
    for order in (1, 2, 3, 4):
        model = CharNGramModel(order, "modified-kneser-ney").fit(ids, 12)
        probability, discounts = reference_modified_kneser_ney(ids, order, 12)
        for m in range(1, order + 1):
            np.testing.assert_allclose(model.discounts[m], discounts[m][1:], rtol=1e-12)
        for context in ([0, 1, 2], [11, 11, 11], [3, 0, 4], [2]):
            history = tuple(context[len(context) - (order - 1) :]) if order > 1 else ()
            expected = [probability(history, w) for w in range(12)]
            np.testing.assert_allclose(model.probabilities(np.array(context)), expected, rtol=1e-10, atol=1e-15)
    # Three different discounts where the counts allow them: this is not single-discount Kneser–Ney.
    modified = CharNGramModel(4, "modified-kneser-ney").fit(ids, 12)
    assert all(len(set(modified.discounts[m])) == 3 for m in (2, 3, 4))
    single = CharNGramModel(4, "kneser-ney").fit(ids, 12)
    assert np.abs(modified.probabilities(np.array([0, 1, 2])) - single.probabilities(np.array([0, 1, 2]))).max() > 0.01


def test_modified_kneser_ney_falls_back_to_one_discount_on_tiny_counts(vocab):
    ids = vocab.encode(TEXT)
    modified = CharNGramModel(4, "modified-kneser-ney").fit(ids, vocab.size)
    single = CharNGramModel(4, "kneser-ney").fit(ids, vocab.size)
    for m, discounts in modified.discounts.items():
        if len(set(discounts)) == 1:  # no three discounts from these counts: the single one, three times
            assert discounts[0] == single.discounts[m]
    assert any(len(set(d)) == 1 for d in modified.discounts.values())


def test_longer_context_helps_on_repetitive_text(vocab):
    ids = vocab.encode(TEXT * 20)
    bits = [CharNGramModel(n).fit(ids, vocab.size).bits_per_character(ids) for n in (1, 3, 5)]
    assert bits[0] > bits[1] > bits[2]
    assert bits[0] <= math.log2(vocab.size)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"order": 0}, ValueError, "order must be >= 1"),
        ({"order": 2.5}, TypeError, "whole number"),
        ({"smoothing": "laplace"}, ValueError, "smoothing must be one of"),
        ({"k": 0}, ValueError, "k must be a number > 0"),
        ({"k": math.inf}, ValueError, r"k must be a number > 0 and finite; received k=inf\..*Try k=0\.1"),
        ({"k": math.nan}, ValueError, r"k must be a number > 0 and finite; received k=nan"),
        ({"k": -0.5}, ValueError, r"k must be a number > 0 and finite; received k=-0\.5"),
        ({"k": "0.1"}, TypeError, r"k must be a number > 0; received k='0\.1' \(str\)"),
        ({"discount": 1.5}, ValueError, "discount must be None"),
        ({"smoothing": "modified-kneser-ney", "discount": 0.5}, ValueError, "discount applies to smoothing='kneser-ney' only"),
    ],
)
def test_ngram_rejects_bad_settings(kwargs, error, match):
    with pytest.raises(error, match=match):
        CharNGramModel(**kwargs)


@pytest.mark.parametrize("smoothing", ["kneser-ney", "modified-kneser-ney", "add-k"])
@pytest.mark.parametrize(("vocab_size", "order"), [(300, 8), (10_000, 5), (10_000, 8)])
def test_ngram_is_exact_where_context_numbers_exceed_int64(smoothing, vocab_size, order):
    # vocab_size ** order > 2**63: int64 n-gram numbers used to wrap around, merging n-grams, and the
    # probabilities after a seen context summed to about 1.03 to 1.3 (or raised OverflowError).
    assert vocab_size**order > 2**63
    rng = np.random.default_rng(0)
    ids = rng.integers(0, vocab_size, 2000)
    model = CharNGramModel(order, smoothing).fit(ids, vocab_size)
    for start in (0, 500, 1500):
        p = model.probabilities(ids[start : start + order - 1])
        assert p.shape == (vocab_size,) and np.all(p > 0)
        assert np.isclose(p.sum(), 1.0, rtol=0, atol=1e-9)
    # A context seen once, followed by the character it was followed by, gets most of the probability.
    assert model.probabilities(ids[500 : 500 + order - 1]).argmax() == ids[500 + order - 1]
    assert np.isfinite(model.bits_per_character(ids[:300]))


def test_ngram_object_and_int64_numbers_give_the_same_model(vocab, monkeypatch):
    ids = vocab.encode(TEXT * 5)
    small = CharNGramModel(5).fit(ids, vocab.size)
    assert small._key_dtype is np.int64

    class TinyInt64:
        max = 10  # pretend int64 is tiny so that the exact (object) path runs on the same data

    monkeypatch.setattr("utils.char_lm.np.iinfo", lambda dtype: TinyInt64)
    exact = CharNGramModel(5).fit(ids, vocab.size)
    assert exact._key_dtype is object
    np.testing.assert_array_equal(exact.probabilities(vocab.encode("the ")), small.probabilities(vocab.encode("the ")))
    assert exact.bits_per_character(ids) == small.bits_per_character(ids)


def test_decode_refuses_probabilities_and_says_take_argmax(vocab):
    probabilities = np.full((3, vocab.size), 1 / vocab.size)  # a softmax output, one row per position
    with pytest.raises(TypeError, match=r"needs integer character numbers.*float64 values of shape \(3, \d+\).*np\.argmax\(p, axis=-1\)"):
        vocab.decode(probabilities)
    with pytest.raises(TypeError, match=r"received float64 values of shape \(2,\).*argmax.*or sample"):
        vocab.decode([0.2, 0.8])
    with pytest.raises(TypeError, match=r"received <U1 values"):
        vocab.decode(["a", "b"])
    # Integer ids of any integer dtype and shape still decode; so does an empty list.
    ids = vocab.encode("the cat")
    assert vocab.decode(ids.astype(np.int64)) == vocab.decode(ids[None, :]) == vocab.decode(list(map(int, ids))) == "the cat"
    assert vocab.decode([]) == ""


def test_ngram_bits_per_character_one_value_per_scored_character(vocab):
    ids = vocab.encode(TEXT)
    model = CharNGramModel(3, "modified-kneser-ney").fit(ids, vocab.size)
    bits = model.bits_per_character(ids, per_character=True)
    assert bits.shape == (len(ids) - 1,) and bits.dtype == np.float64
    assert bits.mean() == pytest.approx(model.bits_per_character(ids), rel=1e-12)
    # Character i's bits come from the order - 1 characters before it: -log2 of probabilities(context)[ids[i]].
    for i in (1, 2, 17, len(ids) - 1):
        p = model.probabilities(ids[max(0, i - 2) : i])
        assert bits[i - 1] == pytest.approx(-math.log2(p[ids[i]]), rel=1e-12)
    for flag in (1, "yes", None):
        with pytest.raises(TypeError, match="per_character must be True or False"):
            model.bits_per_character(ids, per_character=flag)


def test_ngram_rejects_bad_data_and_use_before_fit(vocab):
    model = CharNGramModel(3)
    with pytest.raises(ValueError, match="not fitted"):
        model.bits_per_character([0, 1, 2])
    with pytest.raises(ValueError, match="must be in 0"):
        model.fit([0, 1, 99], vocab.size)
    with pytest.raises(ValueError, match="1-D array"):
        model.fit(np.zeros((2, 3), dtype=int), vocab.size)
    with pytest.raises(ValueError, match="1-D array"):
        model.fit(np.array([0.5, 1.0, 2.0]), vocab.size)
    with pytest.raises(ValueError, match="vocab_size must be >= 2"):
        model.fit([0, 0, 0], 1)
    model.fit(vocab.encode(TEXT), vocab.size)
    with pytest.raises(ValueError, match="at least 2"):
        model.bits_per_character([1])


def test_lstm_helpers_agree_with_the_keras_model(vocab):
    from utils import import_tensorflow_quietly

    import_tensorflow_quietly()
    import keras

    from utils.char_lm import build_char_lm, build_step_model, lstm_bits_per_character

    keras.utils.set_random_seed(0)
    model = build_char_lm(vocab.size, units=8, embedding_dim=4)
    ids = vocab.encode(TEXT)
    # The step model, fed the text in two pieces with its states carried, gives the full model's logits.
    step = build_step_model(model)
    zeros = np.zeros((1, 8), dtype="float32")
    first, h, c = step([ids[None, :20], zeros, zeros])
    second, _, _ = step([ids[None, 20:], np.asarray(h), np.asarray(c)])
    whole = model(ids[None, :])
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, atol=1e-5)
    # One stream read in chunks = the cross-entropy of the whole model on the text, in bits.
    logits = np.asarray(whole)[0, :-1]
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    bits = -np.mean(log_p[np.arange(len(ids) - 1), ids[1:]]) / math.log(2)
    assert lstm_bits_per_character(model, ids, streams=1, chunk=7) == pytest.approx(bits, rel=1e-5)
    # Per character, in text order: with 3 streams each piece starts from empty memory, so each piece's bits are
    # the whole model's on that piece alone (pieces of 21, 21 and the last 5 of the 47 scored characters).
    per_char = lstm_bits_per_character(model, ids, streams=3, chunk=7, per_character=True)
    assert per_char.shape == (len(ids) - 1,) and per_char.dtype == np.float64
    assert per_char.mean() == pytest.approx(lstm_bits_per_character(model, ids, streams=3, chunk=7), rel=1e-6)
    for start, stop in ((0, 21), (21, 42), (42, len(ids) - 1)):
        piece_logits = np.asarray(model(ids[None, start:stop]))[0]
        piece_log_p = piece_logits - np.log(np.exp(piece_logits).sum(axis=1, keepdims=True))
        expected = -piece_log_p[np.arange(stop - start), ids[start + 1 : stop + 1]] / math.log(2)
        np.testing.assert_allclose(per_char[start:stop], expected, rtol=1e-4)
    # An untrained model knows nothing: close to log2(vocabulary size).
    assert abs(lstm_bits_per_character(model, ids, streams=3) - math.log2(vocab.size)) < 0.2


def test_lstm_helpers_reject_bad_input(vocab):
    from utils import import_tensorflow_quietly

    import_tensorflow_quietly()
    import keras

    from utils.char_lm import build_char_lm, build_step_model, lstm_bits_per_character

    with pytest.raises(ValueError, match="units must be >= 1"):
        build_char_lm(vocab.size, units=0)
    with pytest.raises(ValueError, match="dropout must be"):
        build_char_lm(vocab.size, dropout=1.0)
    with pytest.raises(TypeError, match=r"must be a keras\.Model"):
        build_step_model("model")
    dense_only = keras.Sequential([keras.Input((None, 2)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="one Embedding, one LSTM and one Dense"):
        build_step_model(dense_only)
    model = build_char_lm(vocab.size, units=4, embedding_dim=2)
    with pytest.raises(ValueError, match="must be in 0"):
        lstm_bits_per_character(model, [0, vocab.size])
    with pytest.raises(ValueError, match="at least 2"):
        lstm_bits_per_character(model, [0])
    with pytest.raises(TypeError, match=r"per_character must be True or False; received per_character='all'"):
        lstm_bits_per_character(model, [0, 1], per_character="all")
