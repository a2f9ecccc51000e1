"""utils.bootstrap.block_bootstrap_means: the block bootstrap lessons 24 and 26 use."""

import numpy as np
import pytest

from utils.bootstrap import block_bootstrap_means


def loop_version(values, hours, draws, rng):
    """The textbook loop: draw blocks with replacement, concatenate, average."""
    blocks = np.array_split(values, len(values) // hours)
    picks = [rng.integers(0, len(blocks), len(blocks)) for _ in range(draws)]
    return np.array([np.concatenate([blocks[i] for i in p]).mean(axis=0) for p in picks])


def test_the_vectorised_means_follow_the_same_distribution_as_the_loop():
    values = np.random.default_rng(1).normal(size=(101, 3)).cumsum(axis=0)  # dependent, with unequal blocks (101 // 24)
    fast = block_bootstrap_means(values, 24, 4000, np.random.default_rng(2))
    slow = loop_version(values, 24, 4000, np.random.default_rng(3))
    assert fast.shape == slow.shape == (4000, 3)
    np.testing.assert_allclose(fast.mean(axis=0), slow.mean(axis=0), atol=0.15)
    np.testing.assert_allclose(fast.std(axis=0), slow.std(axis=0), rtol=0.1)


def test_each_resample_is_a_mean_of_whole_blocks():
    means = block_bootstrap_means(np.r_[np.zeros(24), np.ones(24)], 24, 500, np.random.default_rng(0))
    assert set(np.round(means, 6)) == {0.0, 0.5, 1.0}, "two blocks: drawn twice, once each, or the other twice"


def test_longer_blocks_widen_the_interval_of_a_dependent_series():
    values = np.repeat(np.random.default_rng(4).normal(size=40), 24)  # each day one value: neighbours identical
    narrow, wide = (np.ptp(np.percentile(block_bootstrap_means(values, h, 2000, np.random.default_rng(5)), [2.5, 97.5]))
                    for h in (1, 24))
    assert narrow < wide / 3


def test_the_same_generator_state_repeats_the_draws():
    values = np.arange(100.0)
    a, b = (block_bootstrap_means(values, 10, 50, np.random.default_rng(7)) for _ in range(2))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("values", "hours", "draws", "rng", "error", "message"),
    [
        (np.arange(10.0), 24, 10, np.random.default_rng(0), ValueError, "10 windows, fewer than one block of 24"),
        (np.array([]), 1, 10, np.random.default_rng(0), ValueError, r"at least one window; received shape \(0,\)"),
        (np.array([1.0, np.nan]), 1, 10, np.random.default_rng(0), ValueError, "NaN"),
        (np.arange(10.0), 2.0, 10, np.random.default_rng(0), TypeError, "hours must be an integer"),
        (np.arange(10.0), 2, 0, np.random.default_rng(0), ValueError, "draws must be >= 1"),
        (np.arange(10.0), 2, 10, 0, TypeError, "rng must be a numpy.random.Generator; received int"),
    ],
    ids=["too-short", "empty", "nan", "float-hours", "no-draws", "seed-not-generator"],
)
def test_bad_input_is_refused_with_what_was_received(values, hours, draws, rng, error, message):
    with pytest.raises(error, match=message):
        block_bootstrap_means(values, hours, draws, rng)
