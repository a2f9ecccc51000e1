"""The text loaders (utils.text): what they return, and how they name a missing, altered or malformed file.

Each bad-file test works on a copy of the file and of SHA256SUMS in a
temporary folder. An altered file is caught by its checksum; a malformed line
is tested by also updating the copy's SHA256SUMS, so the line check itself
is exercised.
"""

import re
import shutil

import pytest

from utils.data import DATA_DIR, sha256_of
from utils.text import (
    FIRST_NAMES_FILE,
    MOBY_DICK_FILE,
    MOVIE_SENTENCES_FILE,
    load_first_names,
    load_moby_dick,
    load_movie_sentences,
    name_part,
)

LOADERS = {FIRST_NAMES_FILE: load_first_names, MOVIE_SENTENCES_FILE: load_movie_sentences, MOBY_DICK_FILE: load_moby_dick}


@pytest.fixture
def data_copy(tmp_path):
    for name in [*LOADERS, "SHA256SUMS"]:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def write(data_dir, name, data: bytes, *, update_checksum: bool) -> None:
    path = data_dir / name
    path.write_bytes(data)
    if update_checksum:
        manifest = data_dir / "SHA256SUMS"
        lines = manifest.read_text().splitlines(keepends=True)
        manifest.write_text("".join(f"{sha256_of(path)}  {name}\n" if line.endswith(f"  {name}\n") else line for line in lines))


def replace_line(data_dir, name, number, new_line):
    lines = (data_dir / name).read_bytes().split(b"\n")
    lines[number - 1] = new_line.encode()
    write(data_dir, name, b"\n".join(lines), update_checksum=True)


def test_first_names_leave_the_check_part_out_unless_asked():
    lesson = load_first_names()
    assert set(lesson["part"]) == {"train", "test"}, "lessons and exercises never see the check names"
    everything = load_first_names(include_check=True)
    assert len(everything) - len(lesson) == (everything["part"] == "check").sum() > 1000
    with pytest.raises(TypeError, match="include_check must be True or False; received 'yes'"):
        load_first_names(include_check="yes")


def test_first_names_lists_parts_and_names_in_both_lists():
    names = load_first_names(include_check=True)
    assert list(names.columns) == ["name", "list", "part", "in_both"]
    assert names["list"].value_counts().to_dict() == {"female": 4944, "male": 3897}
    assert not names.duplicated(["name", "list"]).any(), "repeated lines of one list are dropped"
    assert names.loc[names["in_both"], "name"].nunique() == 419
    # A name in both lists falls in one part, so it never sits in training and test at once.
    assert names.groupby("name")["part"].nunique().max() == 1
    shares = names["part"].value_counts(normalize=True)
    assert 0.66 < shares["train"] < 0.74 and 0.12 < shares["test"] < 0.18 and 0.12 < shares["check"] < 0.18


def test_name_part_is_a_function_of_the_name_alone():
    assert {name_part("Ishmael") for _ in range(3)} == {"test"}
    with pytest.raises(TypeError, match="expects a first name as a str; got int 7"):
        name_part(7)


def test_movie_sentences_ids_ratings_and_text():
    sentences = load_movie_sentences()
    assert len(sentences) == 10605 and sentences["id"].tolist() == list(range(1, 10606))
    assert sentences["rating"].between(-4, 4).all()
    assert sentences.loc[0, "text"].startswith("The Rock is destined to be the 21st Century's new ''Conan''")
    assert ((sentences["rating"] > 0).sum(), (sentences["rating"] < 0).sum()) == (5242, 5326)


def test_moby_dick_is_the_whole_text():
    text = load_moby_dick()
    assert len(text) == 1190317 and len(set(text)) == 83
    assert text.startswith("CHAPTER 1. Loomings.\n\nCall me Ishmael.")


@pytest.mark.parametrize("name", LOADERS)
def test_a_missing_file_is_named(data_copy, name):
    (data_copy / name).unlink()
    with pytest.raises(FileNotFoundError, match=f"{name} is missing.*git checkout"):
        LOADERS[name](data_copy)


@pytest.mark.parametrize("name", LOADERS)
def test_an_altered_file_fails_its_checksum(data_copy, name):
    data = (data_copy / name).read_bytes()
    write(data_copy, name, data[: len(data) // 2], update_checksum=False)  # a truncated copy
    with pytest.raises(ValueError, match=f"{name} is corrupt: its SHA-256 is [0-9a-f]{{64}}, expected"):
        LOADERS[name](data_copy)


@pytest.mark.parametrize(
    ("line", "new", "message"),
    [
        (1, "name,gender", r"has the columns \['name', 'gender'\]"),
        (5, "Ab3l,female", r"line 5: the name 'Ab3l' is not letters"),
        (7, "Anna,aunt", r"line 7: the list is 'aunt'; expected 'female' or 'male'"),
        (9, "Anna,female,x", r"line 9 has 3 fields; expected 2"),
    ],
)
def test_a_malformed_names_line_is_named(data_copy, line, new, message):
    replace_line(data_copy, FIRST_NAMES_FILE, line, new)
    with pytest.raises(ValueError, match=f"{FIRST_NAMES_FILE}.*{message}.*git checkout"):
        load_first_names(data_copy)


@pytest.mark.parametrize(
    ("line", "new", "message"),
    [
        (4, "7,-0.6,Effective but too tepid biopic", r"line 4: the id is '7'; expected 3"),
        (4, "3,-4.6,Effective but too tepid biopic", r"line 4: the rating is '-4.6'; expected a number from -4 to 4"),
        (4, "3,bad,Effective but too tepid biopic", r"line 4: the rating is 'bad'"),
        (4, "3,nan,Effective but too tepid biopic", r"line 4: the rating is 'nan'"),
        (4, "3,-0.6,  ", r"line 4: the sentence is empty"),
        (4, "3,-0.6", r"line 4 has 2 fields; expected 3"),
    ],
)
def test_a_malformed_sentence_line_is_named(data_copy, line, new, message):
    replace_line(data_copy, MOVIE_SENTENCES_FILE, line, new)
    with pytest.raises(ValueError, match=f"{MOVIE_SENTENCES_FILE}.*{message}.*git checkout"):
        load_movie_sentences(data_copy)


def test_moby_dick_that_is_not_utf8_is_named_with_its_line_and_byte_offset(data_copy):
    data = (data_copy / MOBY_DICK_FILE).read_bytes()
    write(data_copy, MOBY_DICK_FILE, data.replace(b"Ishmael", b"Ishm\xe6el", 1), update_checksum=True)
    # "CHAPTER 1. Loomings.\n\n" is 22 bytes, "Call me Ishm" 12 more: the bad byte is at offset 34, 13th of line 3.
    with pytest.raises(ValueError, match=rf"{MOBY_DICK_FILE} line 3, byte offset 34 \(byte 13 of the line\): the byte 0xe6 is not valid UTF-8.*git checkout"):
        load_moby_dick(data_copy)


def test_a_csv_line_that_is_not_utf8_is_named_with_its_line_and_byte_offset(data_copy):
    lines = (data_copy / FIRST_NAMES_FILE).read_bytes().split(b"\n")
    lines[4] = b"Ab\xffl,female"
    offset = sum(len(line) + 1 for line in lines[:4]) + 2
    write(data_copy, FIRST_NAMES_FILE, b"\n".join(lines), update_checksum=True)
    with pytest.raises(ValueError, match=rf"{FIRST_NAMES_FILE} line 5, byte offset {offset} \(byte 3 of the line\): the byte 0xff is not valid UTF-8"):
        load_first_names(data_copy)


@pytest.mark.parametrize("name", LOADERS)
def test_an_emptied_file_is_refused_even_when_its_checksum_was_rewritten_to_match(data_copy, name):
    write(data_copy, name, b"", update_checksum=True)
    with pytest.raises(ValueError, match=rf"{name} is empty \(0 bytes\).*SHA256SUMS was rewritten.*git checkout"):
        LOADERS[name](data_copy)


def test_a_blank_moby_dick_is_refused(data_copy):
    write(data_copy, MOBY_DICK_FILE, b"\n\n  \n", update_checksum=True)
    with pytest.raises(ValueError, match=rf"{MOBY_DICK_FILE} holds only 5 blank characters; expected the text"):
        load_moby_dick(data_copy)


@pytest.mark.parametrize("name", LOADERS)
def test_a_data_folder_with_a_trailing_space_is_named_with_the_stripped_name(data_copy, name):
    folder = re.escape(str(data_copy))
    with pytest.raises(ValueError, match=rf"the folder '{folder} ' does not exist and its name starts or ends with a space.*Did you mean '{folder}' \(it exists\)\? Remove the space"):
        LOADERS[name](f"{data_copy} ")


def test_a_checksum_line_with_a_trailing_space_is_named(data_copy):
    manifest = data_copy / "SHA256SUMS"
    manifest.write_text(manifest.read_text().replace(f"  {MOBY_DICK_FILE}\n", f"  {MOBY_DICK_FILE} \n"))
    with pytest.raises(ValueError, match=rf"SHA256SUMS lists '{MOBY_DICK_FILE} ', with a stray space, but not '{MOBY_DICK_FILE}'.*Remove the space"):
        load_moby_dick(data_copy)


def test_a_data_file_renamed_with_a_trailing_space_is_named(data_copy):
    (data_copy / MOBY_DICK_FILE).rename(data_copy / f"{MOBY_DICK_FILE} ")
    with pytest.raises(FileNotFoundError, match=rf"{MOBY_DICK_FILE} is missing\. There is a '{MOBY_DICK_FILE} ', with a stray space in its name: rename it to '{MOBY_DICK_FILE}'"):
        load_moby_dick(data_copy)
