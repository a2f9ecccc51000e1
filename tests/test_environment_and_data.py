"""utils.environment and utils.data: the checks that 00_start_here shows a learner."""

import hashlib
from pathlib import Path

import pytest

from utils.data import check_course_data, read_csv_text, read_manifest, sha256_of, verify_data_file
from utils.environment import check_packages


def test_check_packages_flags_missing_and_wrong_versions(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "# a comment\nnumpy==0.0.1  # wrong on purpose\npandas\nno-such-package-xyz==1.0\n-e .\n"
    )
    table = check_packages(requirements).set_index("package")
    assert list(table.index) == ["numpy", "pandas", "no-such-package-xyz"]
    assert not table.loc["numpy", "ok"] and table.loc["numpy", "course needs"] == "==0.0.1"
    assert table.loc["pandas", "ok"] and table.loc["pandas", "course needs"] == "any"
    assert table.loc["no-such-package-xyz", "installed"] == "missing"
    assert not table.loc["no-such-package-xyz", "ok"]


def test_check_packages_passes_on_the_course_environment():
    table = check_packages()
    assert {"tensorflow", "keras", "numpy", "jupyterlab", "nbval"} <= set(table["package"])
    assert table["ok"].all(), table[~table["ok"]]


def test_check_packages_explains_a_bad_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No requirements file at"):
        check_packages(tmp_path / "missing.txt")
    bad = tmp_path / "requirements.txt"
    bad.write_text("numpy==\n")
    with pytest.raises(ValueError, match=r"requirements.txt line 1 is not a valid requirement: 'numpy=='"):
        check_packages(bad)


@pytest.fixture
def data_dir(tmp_path):
    (tmp_path / "series.csv").write_text("t,value\n0,1.0\n1,2.0\n")
    digest = hashlib.sha256((tmp_path / "series.csv").read_bytes()).hexdigest()
    (tmp_path / "SHA256SUMS").write_text(f"# course data\n{digest}  series.csv\n")
    return tmp_path


def test_an_intact_file_verifies(data_dir):
    assert verify_data_file("series.csv", data_dir) == data_dir / "series.csv"
    assert read_manifest(data_dir) == {"series.csv": sha256_of(data_dir / "series.csv")}
    assert check_course_data(data_dir)["status"].tolist() == ["ok"]


def test_a_corrupt_file_is_a_value_error_that_says_how_to_fix_it(data_dir):
    (data_dir / "series.csv").write_text("t,value\n0,1.0\n")  # truncated
    with pytest.raises(ValueError, match=r"series.csv is corrupt: its SHA-256 is [0-9a-f]{64}, expected [0-9a-f]{64}.*git checkout -- data/"):
        verify_data_file("series.csv", data_dir)
    assert check_course_data(data_dir)["status"].tolist() == ["corrupt"]


def test_a_missing_or_unlisted_file_is_explained(data_dir):
    (data_dir / "series.csv").unlink()
    with pytest.raises(FileNotFoundError, match="is missing"):
        verify_data_file("series.csv", data_dir)
    assert check_course_data(data_dir)["status"].tolist() == ["missing"]
    with pytest.raises(ValueError, match=r"'other.csv' is not listed in .*listed files: \['series.csv'\]"):
        verify_data_file("other.csv", data_dir)


def test_a_file_name_with_a_trailing_space_suggests_the_stripped_name(data_dir):
    with pytest.raises(ValueError, match=r"the data file name 'series.csv ' starts or ends with a space; .*SHA256SUMS lists 'series.csv'\. Pass 'series.csv'"):
        verify_data_file("series.csv ", data_dir)
    with pytest.raises(ValueError, match=r"the file '.*series.csv ' does not exist and its name starts or ends with a space.*Did you mean '.*series.csv' \(it exists\)"):
        sha256_of(f"{data_dir / 'series.csv'} ")
    with pytest.raises(ValueError, match=r"the file '.*series.csv ' does not exist.*Did you mean"):
        read_csv_text(Path(f"{data_dir / 'series.csv'} "), ("t", "value"))
    with pytest.raises(ValueError, match=r"the folder '.* ' does not exist and its name starts or ends with a space"):
        read_manifest(f"{data_dir} ")
    # A name that really ends with a space, listed and present, is not second-guessed.
    (data_dir / "odd.csv ").write_text("t,value\n0,1.0\n")
    with open(data_dir / "SHA256SUMS", "a") as manifest:
        manifest.write(f"{sha256_of(data_dir / 'odd.csv ')}  odd.csv \n")
    assert verify_data_file("odd.csv ", data_dir) == data_dir / "odd.csv "


def test_an_empty_file_is_refused_even_with_a_matching_checksum(data_dir):
    (data_dir / "series.csv").write_bytes(b"")
    (data_dir / "SHA256SUMS").write_text(f"{sha256_of(data_dir / 'series.csv')}  series.csv\n")
    with pytest.raises(ValueError, match=r"series.csv is empty \(0 bytes\).*git checkout -- data/"):
        verify_data_file("series.csv", data_dir)
    assert check_course_data(data_dir)["status"].tolist() == ["corrupt"]
    with pytest.raises(ValueError, match=r"series.csv is empty \(0 bytes\)"):
        read_csv_text(data_dir / "series.csv", ("t", "value"))


def test_a_byte_that_is_not_utf8_is_named_with_its_line_and_offset(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"t,value\n0,1.0\n1,2\xb0C\n")
    with pytest.raises(ValueError, match=r"bad.csv line 3, byte offset 17 \(byte 4 of the line\): the byte 0xb0 is not valid UTF-8 here"):
        read_csv_text(path, ("t", "value"))
    with pytest.raises(TypeError, match=r"name must be a file name \(str\) as listed in SHA256SUMS"):
        verify_data_file(path)


def test_a_malformed_manifest_is_a_value_error(tmp_path):
    (tmp_path / "SHA256SUMS").write_text("abc123 series.csv\n")
    with pytest.raises(ValueError, match=r"line 1 is 'abc123 series.csv'; expected a 64-character"):
        read_manifest(tmp_path)
    with pytest.raises(FileNotFoundError, match="No checksum list"):
        read_manifest(tmp_path / "nowhere")


def test_every_shipped_data_file_is_intact():
    table = check_course_data()
    assert (table["status"] == "ok").all(), table
