"""utils.transcription: strips of handwritten digits, their padding, batching and scoring, the pipeline, and the error rate."""

import re

import numpy as np
import pytest

from utils.datasets import load_handwritten_digits
from utils.transcription import (
    BLANK,
    PIECE_CLASSIFIERS,
    SegmentAndClassify,
    Strips,
    character_error_rate,
    choose_piece_classifier,
    digit_pixels,
    edit_distance,
    make_strips,
    pad_strips,
    scores_by_length,
    split_at_blank_columns,
    split_digit_images,
)


@pytest.fixture(scope="module")
def digits():
    return load_handwritten_digits()


@pytest.fixture(scope="module")
def one_per_digit(digits):
    """Ten images, one of each digit, so a strip's ink tells which images it holds."""
    images, labels = digits
    first = [int(np.flatnonzero(labels == d)[0]) for d in range(10)]
    return images[first], labels[first]


def test_the_same_seed_gives_the_same_strips_and_another_seed_others(digits):
    a, b, c = (make_strips(*digits, 20, seed=s) for s in (3, 3, 4))
    assert all(np.array_equal(x, y) for x, y in zip(a.frames, b.frames))
    assert all(np.array_equal(x, y) for x, y in zip(a.digits, b.digits))
    assert not all(len(x) == len(y) and np.array_equal(x, y) for x, y in zip(a.digits, c.digits))


def test_gapped_strips_cut_at_blank_columns_into_their_digits_with_all_their_ink(one_per_digit):
    images, labels = one_per_digit
    strips = make_strips(images, labels, 200, seed=0, max_shift=2)
    for frames, digits, starts in zip(*strips):
        pieces = split_at_blank_columns(frames)
        assert len(pieces) == len(digits) and 3 <= len(digits) <= 6
        for piece, digit, start in zip(pieces, digits, starts):
            assert frames[start].max() > 0 and np.array_equal(frames[start:start + len(piece)], piece)
            assert piece.sum() == pytest.approx(images[digit].sum() / 16, rel=1e-6), "a shift must not drop ink"
        assert frames.dtype == np.float32 and frames.shape[1] == 8 and 0 <= frames.min() and frames.max() <= 1


def test_touching_strips_have_no_blank_column_between_their_digits(one_per_digit):
    images, labels = one_per_digit
    strips = make_strips(images, labels, 200, seed=0, touching=True)
    overlaps = 0
    for frames, digits, starts in zip(*strips):
        assert len(split_at_blank_columns(frames)) == 1
        assert len(starts) == len(digits) and np.all(np.diff(starts) > 0)
        ink = sum(images[d].sum() for d in digits) / 16
        overlaps += frames.sum() < ink - 1e-4  # an overlapped column keeps the larger value, so ink is lost
    assert 0 < overlaps < 200, "about half the joins overlap, so some strips lose ink and some do not"


def test_digit_counts_follow_the_arguments(digits):
    strips = make_strips(*digits, 100, seed=1, min_digits=2, max_digits=2)
    assert {len(d) for d in strips.digits} == {2}


def test_pad_strips_gives_ctc_arrays_with_the_blank_at_class_0(digits):
    strips = make_strips(*digits, 30, seed=2)
    x, frame_lengths, targets, target_lengths = pad_strips(strips)
    assert x.shape == (30, max(len(f) for f in strips.frames), 8) and x.dtype == np.float32
    assert frame_lengths.dtype == targets.dtype == target_lengths.dtype == np.int32
    for i, (frames, digits_) in enumerate(zip(strips.frames, strips.digits)):
        assert np.array_equal(x[i, :len(frames)], frames) and not x[i, len(frames):].any()
        assert targets[i, :len(digits_)].tolist() == (digits_ + 1).tolist()
        assert (targets[i, len(digits_):] == BLANK).all() and target_lengths[i] == len(digits_)


def test_edit_distance_and_error_rate_on_known_cases():
    assert edit_distance([1, 2, 3], [1, 2, 3]) == 0
    assert edit_distance([1, 2, 3], [1, 3]) == 1  # a deletion
    assert edit_distance([1, 2, 3], [1, 2, 2, 3]) == 1  # an insertion
    assert edit_distance([1, 2, 3], [3, 2, 1]) == 2  # two substitutions
    assert edit_distance([], [4, 4]) == 2 and edit_distance([4, 4], []) == 2
    assert edit_distance(np.array([7, 1]), [7, 1]) == 0
    assert character_error_rate([[1, 2, 3], [4, 5]], [[1, 3], [4, 5]]) == pytest.approx(0.2)
    assert character_error_rate([[1]], [[2, 2, 2]]) == 3.0, "insertions can take the rate above 1"


@pytest.mark.parametrize(
    ("images", "labels", "error", "message"),
    [
        (np.zeros((5, 8)), np.zeros(5, int), ValueError, r"shape \(n, 8, 8\); received shape \(5, 8\)"),
        (np.zeros((0, 8, 8)), np.zeros(0, int), ValueError, "images is empty"),
        (np.full((2, 8, 8), np.nan), np.zeros(2, int), ValueError, "NaN"),
        (np.full((2, 8, 8), 17.0), np.zeros(2, int), ValueError, r"whole pixel counts 0\.\.16.*from 17 to 17"),
        (np.full((2, 8, 8), 0.5), np.zeros(2, int), ValueError, r"some fractional\. Do not rescale"),
        (np.ones((2, 8, 8)), np.zeros(3, int), ValueError, r"labels must have shape \(2,\)"),
        (np.ones((2, 8, 8)), np.array([0, 10]), ValueError, "labels must be integers 0 to 9"),
        (np.ones((2, 8, 8)), np.array([0.0, 1.0]), ValueError, "labels must be integers 0 to 9"),
    ],
    ids=["2-d", "empty", "nan", "above-16", "rescaled", "label-count", "label-10", "float-labels"],
)
def test_make_strips_refuses_bad_images(images, labels, error, message):
    with pytest.raises(error, match=message):
        make_strips(images, labels, 1, seed=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"count": 0}, ValueError, "count must be >= 1"),
        ({"count": 2.0}, TypeError, "count must be an integer"),
        ({"seed": None}, TypeError, "seed must be an integer"),
        ({"min_digits": 5, "max_digits": 3}, ValueError, r"min_digits \(5\) must not exceed max_digits \(3\)"),
        ({"max_gap": 0}, ValueError, "max_gap must be >= 1"),
        ({"max_shift": 4}, ValueError, "max_shift must be 0 to 3"),
        ({"touching": "yes"}, TypeError, "touching must be True or False"),
    ],
    ids=["count-0", "count-float", "seed-none", "min-above-max", "gap-0", "shift-4", "touching-str"],
)
def test_make_strips_refuses_bad_arguments(digits, kwargs, error, message):
    arguments = {"count": 1, "seed": 0, **kwargs}
    with pytest.raises(error, match=message):
        make_strips(*digits, **arguments)


def test_pad_strips_refuses_what_is_not_strips():
    with pytest.raises(TypeError, match="must be the Strips that make_strips returns; received list"):
        pad_strips([np.ones((3, 8))])
    with pytest.raises(ValueError, match="holds no strip"):
        pad_strips(Strips([], [], []))


def test_split_at_blank_columns_refuses_a_batch_or_nans(digits):
    x, *_ = pad_strips(make_strips(*digits, 2, seed=0))
    with pytest.raises(ValueError, match=r"one strip of shape \(columns, 8\); received shape \(2, \d+, 8\).*not the padded batch"):
        split_at_blank_columns(x)
    with pytest.raises(ValueError, match="NaN"):
        split_at_blank_columns(np.full((4, 8), np.nan))


def test_error_rate_refuses_unpaired_empty_or_unusable_input():
    with pytest.raises(ValueError, match="received 2 references and 1 hypotheses"):
        character_error_rate([[1], [2]], [[1]])
    with pytest.raises(ValueError, match="references is empty"):
        character_error_rate([], [])
    with pytest.raises(ValueError, match="every reference is empty"):
        character_error_rate([[]], [[1]])
    with pytest.raises(TypeError, match="list or 1-D array of symbols; received str"):
        edit_distance("123", [1, 2, 3])
    with pytest.raises(ValueError, match=r"must be 1-D.*received shape \(2, 2\)"):
        edit_distance(np.zeros((2, 2)), [1])


# --- The fixed split of the images and the segment-and-classify pipeline ----------------------


def test_the_image_split_is_fixed_disjoint_complete_and_stratified(digits):
    _, labels = digits
    split = split_digit_images(labels)
    again = split_digit_images(labels)
    assert all(np.array_equal(a, b) for a, b in zip(split, again)), "every call holds out the same images"
    every = np.concatenate(split)
    assert len(every) == len(labels) == len(np.unique(every)), "the parts do not overlap and cover every image"
    assert (len(split.train), len(split.validation), len(split.test)) == (1078, 359, 360)
    for part in split:
        shares = np.bincount(labels[part], minlength=10) / len(part)
        assert np.abs(shares - 0.1).max() < 0.02, "each part holds every digit about equally often"


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (np.zeros((10, 10), np.int64), "must be a 1-D array of integer digits; received shape (10, 10)"),
        (np.zeros(100), "dtype float64"),
        (np.arange(10), "at least 50 digits from 0 to 9; received 10 labels"),
        (np.arange(100), "received 100 labels from 0 to 99"),
    ],
)
def test_split_digit_images_refuses_bad_labels(labels, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        split_digit_images(labels)


@pytest.fixture(scope="module")
def split_and_strips(digits):
    images, labels = digits
    split = split_digit_images(labels)
    test = images[split.test], labels[split.test]
    return split, make_strips(*test, 150, seed=5), make_strips(*test, 150, seed=6, touching=True)


def test_the_pipeline_reads_gapped_strips_and_cutting_by_width_helps_on_touching_ones(digits, split_and_strips):
    images, labels = digits
    split, gapped, touching = split_and_strips
    cut = SegmentAndClassify(split_wide=False).fit(images[split.train], labels[split.train])
    by_width = SegmentAndClassify().fit(images[split.train], labels[split.train])
    assert 5.0 < by_width.digit_width_ < 8.0
    assert character_error_rate(gapped.digits, cut.transcribe(gapped.frames)) < 0.15, "apart, cutting works"
    assert character_error_rate(gapped.digits, by_width.transcribe(gapped.frames)) < 0.15
    on_touching = [character_error_rate(touching.digits, p.transcribe(touching.frames)) for p in (cut, by_width)]
    assert on_touching[0] > 0.7, "one piece per touching strip: one digit read, the others lost"
    assert on_touching[1] < on_touching[0] - 0.2, "cutting wide pieces by width recovers part of them"
    assert all(len(p) == len(split_at_blank_columns(f)) for p, f in zip(cut.transcribe(touching.frames), touching.frames))


def test_the_pipeline_refuses_to_run_unfitted_or_on_one_array(digits, split_and_strips):
    images, labels = digits
    _, gapped, _ = split_and_strips
    with pytest.raises(ValueError, match="call fit"):
        SegmentAndClassify().transcribe(gapped.frames)
    with pytest.raises(ValueError, match="call fit"):
        SegmentAndClassify().pieces(gapped.frames[0])
    fitted = SegmentAndClassify().fit(images[:200], labels[:200])
    with pytest.raises(ValueError, match=re.escape("a list of strips; received one array of shape")):
        fitted.transcribe(gapped.frames[0])
    with pytest.raises(TypeError, match="split_wide must be True or False; received 'yes'"):
        SegmentAndClassify(split_wide="yes")
    with pytest.raises(ValueError, match="images must have shape"):
        SegmentAndClassify().fit(images[:, :4], labels)


def test_the_piece_classifier_is_chosen_on_validation_images_and_beats_an_untuned_one(digits, split_and_strips):
    images, labels = digits
    split, gapped, touching = split_and_strips
    name, classifier, accuracy = choose_piece_classifier(images, labels, split)
    assert sorted(accuracy) == sorted(PIECE_CLASSIFIERS) and accuracy[name] == max(accuracy.values())
    tuned = SegmentAndClassify(classifier=classifier).fit(images[split.train], labels[split.train])
    untuned = SegmentAndClassify().fit(images[split.train], labels[split.train])
    for strips in (gapped, touching):
        assert character_error_rate(strips.digits, tuned.transcribe(strips.frames)) <= character_error_rate(
            strips.digits, untuned.transcribe(strips.frames))
    assert digit_pixels(images[:3]).shape == (3, 64) and digit_pixels(images[:3]).max() <= 1.0


def test_wide_pieces_are_cut_at_the_column_with_least_ink_near_the_equal_width_cut(digits):
    images, labels = digits
    pipeline = SegmentAndClassify().fit(images[:200], labels[:200])
    pipeline.digit_width_ = 6.0
    strip = np.ones((12, 8), np.float32)
    strip[4] = 0.1  # the least ink, one column left of the equal-width cut at 6
    assert [len(p) for p in pipeline.pieces(strip)] == [4, 8]
    strip[4], strip[1] = 1.0, 0.1  # the least ink is 5 columns away: too far, the cut stays where the window's minimum is
    assert len(pipeline.pieces(strip)) == 2 and len(pipeline.pieces(strip)[0]) in range(4, 9)


def test_piece_classifier_helpers_refuse_bad_input(digits):
    images, labels = digits
    with pytest.raises(TypeError, match="classifier must be a scikit-learn classifier with fit and predict"):
        SegmentAndClassify(classifier="svm")
    with pytest.raises(TypeError, match="split must be the DigitSplit of split_digit_images"):
        choose_piece_classifier(images, labels, (np.arange(10), np.arange(10), np.arange(10)))
    with pytest.raises(ValueError, match="images must have shape"):
        digit_pixels(images[:, :4])


def test_length_batches_cover_every_strip_once_each_padded_to_its_own_longest(digits):
    keras = pytest.importorskip("keras")  # noqa: F841 (LengthBatches subclasses keras.utils.PyDataset)
    from utils.transcription import LengthBatches

    images, labels = digits
    strips = make_strips(images[:300], labels[:300], 50, seed=3)
    batches = LengthBatches(strips, 8, seed=0)
    assert len(batches) == 7 and sum(len(x) for x, _ in batches.batches) == 50
    lengths = [len(f) for f in strips.frames]
    for x, targets in batches.batches:
        assert targets.shape[1] == 6 and x.shape[1] in lengths, "padded only to one of the strips' lengths"
    assert sum(x.shape[0] * x.shape[1] for x, _ in batches.batches) < 50 * max(lengths), "less padding than one width"
    with pytest.raises(TypeError, match="strips must be the Strips"):
        LengthBatches(strips.frames, 8, seed=0)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        LengthBatches(strips, 0, seed=0)


def test_scores_by_length_pads_with_zeros_and_explains_a_wrong_output_shape(digits):
    images, labels = digits
    strips = make_strips(images[:300], labels[:300], 20, seed=4)
    scores, frame_counts = scores_by_length(lambda x: np.ones((*x.shape[:2], 11)), strips, groups=4)
    assert scores.shape == (20, frame_counts.max(), 11)
    assert all(scores[i, :n].min() == 1 and scores[i, n:].sum() == 0 for i, n in enumerate(frame_counts))
    with pytest.raises(ValueError, match=re.escape("one row of scores per frame")):
        scores_by_length(lambda x: np.ones((len(x), 11)), strips)
    with pytest.raises(ValueError, match="groups must be >= 1"):
        scores_by_length(lambda x: x, strips, groups=0)
    with pytest.raises(TypeError, match="strips must be the Strips"):
        scores_by_length(lambda x: x, [np.ones((5, 8))])
