"""Loaders of the real data in data/: they verify checksums and name the damage.

Each bad-file test works on a copy of data/ in a temporary folder. An altered
file is caught by its checksum; a malformed row is tested by also updating
the copy's SHA256SUMS, so the row check itself is exercised.
"""

import shutil

import numpy as np
import pytest
from sklearn.datasets import load_digits

from utils.data import DATA_DIR, sha256_of
from utils.datasets import load_handwritten_digits, load_italy_power_demand, load_japanese_vowels

LOADERS = {"ItalyPowerDemand": load_italy_power_demand, "JapaneseVowels": load_japanese_vowels}


@pytest.fixture
def data_copy(tmp_path):
    for path in DATA_DIR.iterdir():
        if path.suffix == ".csv" or path.name == "SHA256SUMS":
            shutil.copy(path, tmp_path / path.name)
    return tmp_path


def rewrite(data_dir, name, edit, *, update_checksum):
    """Apply ``edit`` to the lines of a data file; optionally re-list its checksum."""
    path = data_dir / name
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(edit(lines)))
    if update_checksum:
        manifest = data_dir / "SHA256SUMS"
        entries = [
            f"{sha256_of(path)}  {name}\n" if line.endswith(f"  {name}\n") else line
            for line in manifest.read_text().splitlines(keepends=True)
        ]
        manifest.write_text("".join(entries))


def replace_line(number, new):
    def edit(lines):
        lines[number - 1] = new
        return lines

    return edit


def test_italy_power_demand_shapes_labels_and_normalisation():
    x_train, y_train, x_test, y_test = load_italy_power_demand()
    assert x_train.shape == (67, 24, 1) and x_test.shape == (1029, 24, 1)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert np.bincount(y_train).tolist() == [34, 33] and np.bincount(y_test).tolist() == [513, 516]
    # The archive z-normalises every day; a parsing slip (shifted column) would break this.
    assert np.allclose(x_test.mean(axis=1), 0, atol=1e-4)


def test_japanese_vowels_keeps_variable_lengths():
    x_train, y_train, x_test, y_test = load_japanese_vowels()
    assert len(x_train) == len(y_train) == 270 and len(x_test) == len(y_test) == 370
    assert all(seq.ndim == 2 and seq.shape[1] == 12 and seq.dtype == np.float32 for seq in x_train + x_test)
    lengths = [len(seq) for seq in x_train + x_test]
    assert min(lengths) == 7 and max(lengths) == 29
    assert np.bincount(y_train).tolist() == [30] * 9
    assert x_train[0][0, 0] == pytest.approx(1.860936), "first coefficient of the first frame, as in the CSV"


@pytest.mark.parametrize("data_set", LOADERS)
def test_a_missing_file_is_named(data_copy, data_set):
    (data_copy / f"{data_set}_TEST.csv").unlink()
    with pytest.raises(FileNotFoundError, match=f"{data_set}_TEST.csv is missing.*git checkout"):
        LOADERS[data_set](data_copy)


@pytest.mark.parametrize("data_set", LOADERS)
def test_an_altered_file_fails_its_checksum(data_copy, data_set):
    name = f"{data_set}_TRAIN.csv"
    rewrite(data_copy, name, lambda lines: lines[:-1], update_checksum=False)  # a truncated copy
    with pytest.raises(ValueError, match=f"{name} is corrupt: its SHA-256 is [0-9a-f]{{64}}, expected"):
        LOADERS[data_set](data_copy)


@pytest.mark.parametrize(
    ("data_set", "line", "message"),
    [
        ("ItalyPowerDemand", "1,0.5,abc" + ",0.1" * 22 + "\n", r"line 2, column 't01' holds 'abc'; expected a finite number"),
        ("ItalyPowerDemand", "1,0.5" + ",0.1" * 20 + "\n", r"line 2 has 22 fields; expected 25"),
        ("ItalyPowerDemand", "1,0.5" + ",0.1" * 24 + "\n", r"line 2 has 26 fields; expected 25"),
        ("ItalyPowerDemand", "3" + ",0.1" * 24 + "\n", r"line 2 has the label '3'; expected a whole number from 1 to 2"),
        ("ItalyPowerDemand", "1,nan" + ",0.1" * 23 + "\n", r"line 2, column 't00' holds 'nan'"),
        ("ItalyPowerDemand", "1,0.5,,0.1" + ",0.1" * 21 + "\n", r"line 2, column 't01' holds ''"),
        ("ItalyPowerDemand", "1,0.5,\xff" + ",0.1" * 22 + "\n", r"line 2, column 't01' holds"),
        ("JapaneseVowels", "0,5,1" + ",0.1" * 12 + "\n", r"line 2: utterance 0 frame 5 .*frames numbered 0, 1, 2"),
        ("JapaneseVowels", "0,0,2" + ",0.1" * 12 + "\n", r"line 2: .*one label per utterance"),
        ("JapaneseVowels", "0,0,1" + ",0.1" * 11 + ",x\n", r"line 2, column 'c12' holds 'x'"),
    ],
    ids=["text", "too-few-fields", "too-many-fields", "bad-label", "nan", "empty-value", "odd-character", "frame-order", "label-change", "text-vowels"],
)
def test_a_malformed_row_is_named(data_copy, data_set, line, message):
    """With the checksum updated to match, the row checks themselves must catch the damage."""
    name = f"{data_set}_TRAIN.csv"
    edit = replace_line(2, line) if data_set == "ItalyPowerDemand" else replace_line(3, line)
    if data_set == "JapaneseVowels":
        message = message.replace("line 2", "line 3")
    rewrite(data_copy, name, edit, update_checksum=True)
    with pytest.raises(ValueError, match=message):
        LOADERS[data_set](data_copy)


def test_a_wrong_header_is_named(data_copy):
    rewrite(data_copy, "ItalyPowerDemand_TEST.csv", replace_line(1, "class,a,b\n"), update_checksum=True)
    with pytest.raises(ValueError, match=r"has the columns \['class', 'a', 'b'\].*expected \['label', 't00'"):
        load_italy_power_demand(data_copy)


@pytest.mark.parametrize("data_set", LOADERS)
def test_a_byte_that_is_not_utf8_is_named_with_line_and_byte_offset(data_copy, data_set):
    """A stray Latin-1 byte, with the checksum updated: the line, the file offset and the byte's place in the line."""
    name = f"{data_set}_TRAIN.csv"
    data = (data_copy / name).read_bytes()
    line_2 = data.index(b"\n") + 1
    write_bytes(data_copy, name, data[: line_2 + 1] + b"\xe9" + data[line_2 + 2 :])
    with pytest.raises(ValueError, match=rf"{name} line 2, byte offset {line_2 + 1} \(byte 2 of the line\): the byte 0xe9 is not valid UTF-8.*git checkout"):
        LOADERS[data_set](data_copy)


@pytest.mark.parametrize("data_set", LOADERS)
def test_an_emptied_file_is_refused_even_with_a_matching_checksum(data_copy, data_set):
    name = f"{data_set}_TEST.csv"
    write_bytes(data_copy, name, b"")
    with pytest.raises(ValueError, match=rf"{name} is empty \(0 bytes\).*rewritten to match"):
        LOADERS[data_set](data_copy)


@pytest.mark.parametrize("data_set", LOADERS)
def test_a_data_folder_with_a_trailing_space_is_named_with_the_stripped_name(data_copy, data_set):
    with pytest.raises(ValueError, match=r"folder '.*' does not exist and its name starts or ends with a space.*Did you mean"):
        LOADERS[data_set](f"{data_copy} ")


def write_bytes(data_dir, name, data):
    """Replace a data file's bytes and re-list its checksum, so that only the loader's own checks can object."""
    (data_dir / name).write_bytes(data)
    manifest = data_dir / "SHA256SUMS"
    manifest.write_text("".join(
        f"{sha256_of(data_dir / name)}  {name}\n" if line.endswith(f"  {name}\n") else line
        for line in manifest.read_text().splitlines(keepends=True)
    ))


def test_an_empty_file_is_named(data_copy):
    rewrite(data_copy, "ItalyPowerDemand_TEST.csv", lambda lines: lines[:1], update_checksum=True)
    with pytest.raises(ValueError, match="has a header but no rows"):
        load_italy_power_demand(data_copy)


# --- The 8 x 8 handwritten digits -----------------------------------------------------------

DIGITS = "handwritten_digits_8x8.csv"
ZEROS = ",0" * 64


def test_handwritten_digits_are_scikit_learns_images():
    images, labels = load_handwritten_digits()
    reference = load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.float32 and labels.dtype == np.int64
    np.testing.assert_array_equal(images, reference.images)  # row by row: a transposed reshape fails this
    np.testing.assert_array_equal(labels, reference.target)


def test_handwritten_digits_altered_file_fails_its_checksum(data_copy):
    rewrite(data_copy, DIGITS, lambda lines: lines[:-1], update_checksum=False)
    with pytest.raises(ValueError, match=f"{DIGITS} is corrupt: its SHA-256 is"):
        load_handwritten_digits(data_copy)


def test_handwritten_digits_missing_file_is_named(data_copy):
    (data_copy / DIGITS).unlink()
    with pytest.raises(FileNotFoundError, match=f"{DIGITS} is missing"):
        load_handwritten_digits(data_copy)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("10" + ZEROS + "\n", r"line 2, column 'label' holds '10'; expected a digit from 0 to 9"),
        ("3,17" + ZEROS[2:] + "\n", r"line 2, column 'p00' holds '17'; expected a whole number from 0 to 16"),
        ("3,0,-1" + ZEROS[4:] + "\n", r"line 2, column 'p01' holds '-1'"),
        ("3,0,2.5" + ZEROS[4:] + "\n", r"line 2, column 'p01' holds '2.5'"),
        ("3,0,x" + ZEROS[4:] + "\n", r"line 2, column 'p01' holds 'x'; expected a finite number"),
        ("3" + ZEROS[2:] + "\n", r"line 2 has 64 fields; expected 65"),
    ],
    ids=["label-10", "pixel-17", "negative", "fraction", "text", "missing-pixel"],
)
def test_handwritten_digits_bad_row_is_named(data_copy, line, message):
    """With the checksum updated to match, the value checks themselves must catch the damage."""
    rewrite(data_copy, DIGITS, replace_line(2, line), update_checksum=True)
    with pytest.raises(ValueError, match=message):
        load_handwritten_digits(data_copy)
