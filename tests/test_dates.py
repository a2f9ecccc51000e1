"""utils.dates: the seeded date generator, its held-out ranges and the character encodings of lesson 45."""

import datetime as dt

import numpy as np
import pytest

from utils.dates import (
    FIRST_DATE,
    FORMATS,
    HELD_OUT_RANGES,
    INPUT_CHARS,
    ISO_CHARS,
    ISO_LENGTH,
    LAST_DATE,
    START_ID,
    date_pairs,
    decode_iso,
    encode_dates,
    encode_iso,
    format_date,
)

MARCH_3 = dt.date(2021, 3, 3)


def test_every_format_writes_the_example_it_documents():
    for style, example in FORMATS.items():
        assert format_date(MARCH_3, style) == example


@pytest.mark.parametrize(("day", "expected"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                               (12, "12th"), (13, "13th"), (21, "21st"), (22, "22nd"), (31, "31st")])
def test_ordinal_suffixes(day, expected):
    assert format_date(dt.date(2021, 1, day), "month day, year") == f"January {expected}, 2021"


def test_spelled_ordinals_and_weekdays():
    assert format_date(dt.date(2021, 3, 27), "weekday, the ordinal of month year") == \
        "Saturday, the twenty-seventh of March 2021"
    assert format_date(dt.date(1969, 12, 31), "dd/mm/yy") == "31/12/69"
    assert format_date(dt.date(2068, 1, 1), "dd/mm/yy") == "01/01/68"


def test_same_seed_same_pairs_other_seed_other_pairs():
    assert date_pairs(50, seed=3) == date_pairs(50, seed=3)
    assert date_pairs(50, seed=3) != date_pairs(50, seed=4)


def test_the_iso_form_is_the_written_date():
    texts, isos = date_pairs(300, seed=0)
    for text, iso in zip(texts, isos):
        day = dt.date.fromisoformat(iso)
        assert FIRST_DATE <= day <= LAST_DATE
        assert text in {format_date(day, style) for style in FORMATS}


def test_held_out_ranges_never_meet_the_training_dates():
    _, train = date_pairs(5000, seed=1, exclude=HELD_OUT_RANGES)
    _, test = date_pairs(500, seed=2, within=HELD_OUT_RANGES)
    inside = lambda iso: any(a <= dt.date.fromisoformat(iso) <= b for a, b in HELD_OUT_RANGES)  # noqa: E731
    assert not any(inside(iso) for iso in train)
    assert all(inside(iso) for iso in test)
    assert {iso[:4] for iso in test} <= {iso[:4] for iso in train}, "every held-out year also appears in training"


def test_formats_can_be_restricted():
    texts, _ = date_pairs(40, seed=0, formats=["dd/mm/yy"])
    assert all(len(t) == 8 and t.count("/") == 2 for t in texts)


def test_every_generated_character_is_in_the_alphabet():
    texts, _ = date_pairs(3000, seed=5)
    assert set("".join(texts)) <= set(INPUT_CHARS)
    assert len(set(INPUT_CHARS)) == len(INPUT_CHARS)


def test_encodings_round_trip():
    texts, isos = date_pairs(20, seed=0)
    ids = encode_dates(texts)
    assert ids.shape == (20, max(map(len, texts))) and ids.dtype == np.int32
    back = ["".join(INPUT_CHARS[i - 1] for i in row if i) for row in ids]
    assert back == texts
    assert decode_iso(encode_iso(isos)) == isos
    assert encode_iso(isos).shape == (20, ISO_LENGTH)
    assert START_ID == len(ISO_CHARS)


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"n": 0, "seed": 0}, ValueError, "n must be at least 1"),
    ({"n": 2.0, "seed": 0}, TypeError, "n must be an int"),
    ({"n": 2, "seed": "0"}, TypeError, "seed must be an int"),
    ({"n": 2, "seed": 0, "formats": ["ISO"]}, ValueError, "formats must be"),
    ({"n": 2, "seed": 0, "formats": "dd/mm/yy"}, ValueError, "formats must be"),
    ({"n": 2, "seed": 0, "within": (dt.date(2000, 1, 1), dt.date(2000, 2, 1))}, TypeError, "pair of dates"),
    ({"n": 2, "seed": 0, "within": [(dt.date(2000, 2, 1), dt.date(2000, 1, 1))]}, ValueError, "Swap"),
    ({"n": 2, "seed": 0, "within": [("2000-01-01", "2000-02-01")]}, TypeError, r"datetime\.date"),
    ({"n": 2, "seed": 0, "within": [(dt.date(1900, 1, 1), dt.date(2000, 1, 1))]}, ValueError, "must lie between"),
    ({"n": 2, "seed": 0, "within": HELD_OUT_RANGES, "exclude": HELD_OUT_RANGES}, ValueError, "no date is left"),
])
def test_date_pairs_rejects_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        date_pairs(**kwargs)


def test_format_date_rejects_bad_input():
    with pytest.raises(TypeError, match=r"datetime\.date"):
        format_date("2021-03-03", "dd/mm/yy")
    with pytest.raises(TypeError, match=r"datetime\.date"):
        format_date(dt.datetime(2021, 3, 3), "dd/mm/yy")
    with pytest.raises(ValueError, match="style must be one of"):
        format_date(MARCH_3, "mm/dd/yy")
    with pytest.raises(ValueError, match="between 1969-01-01 and 2068-12-31"):
        format_date(dt.date(1968, 12, 31), "dd/mm/yy")


def test_encoders_reject_bad_input():
    with pytest.raises(TypeError, match="list of strings"):
        encode_dates("3 March 2021")
    with pytest.raises(ValueError, match="empty"):
        encode_dates([])
    with pytest.raises(ValueError, match=r"not in INPUT_CHARS"):
        encode_dates(["3 März 2021"])
    with pytest.raises(ValueError, match="length=4"):
        encode_dates(["3 March 2021"], length=4)
    with pytest.raises(ValueError, match="positive int"):
        encode_dates(["3.3.21"], length=0)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        encode_iso(["2021/03/03"])
    with pytest.raises(TypeError, match="list of strings"):
        encode_iso([20210303])
    with pytest.raises(ValueError, match="2-D array of integers"):
        decode_iso(np.zeros((2, 10, 11)))
    with pytest.raises(ValueError, match="from 0 to 10"):
        decode_iso([[11] * 10])
