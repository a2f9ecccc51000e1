"""tools/check_prose_numbers.py: which numbers in the prose count as results, how they
match printed outputs, and the pytest item that checks every notebook after nbval ran it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tests.conftest import REPO_ROOT

TOOL = REPO_ROOT / "tools" / "check_prose_numbers.py"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def load_tool():
    name = "check_prose_numbers"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, TOOL)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


prose = load_tool()


def claims(text):
    return [" ".join(claim.text.split()) for claim in prose.extract_claims(text)]


def printed(text):
    """A code cell that printed `text` (a stream output)."""
    cell = new_code_cell("pass", execution_count=1)
    cell.outputs = [new_output("stream", name="stdout", text=text)]
    return cell


def displayed(data):
    """A code cell whose last expression displayed `data` (a mime bundle)."""
    cell = new_code_cell("table", execution_count=1)
    cell.outputs = [new_output("execute_result", data=data, execution_count=1)]
    return cell


def findings(*cells):
    nb = new_notebook(cells=[new_markdown_cell("# Title"), *cells], metadata={"kernelspec": KERNELSPEC})
    return [str(finding) for finding in prose.check_notebook(nb, "nb.ipynb")]


# --------------------------------------------------------------------------
# Which numbers are results
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The test MSE is 0.018, the baseline 2.15.", ["0.018", "2.15"]),
        ("It is right 96.9 % of the time, and 20% of the days.", ["96.9 %", "20%"]),
        ("About 2×10⁻⁴, or $2 \\times 10^{-4}$ in LaTeX.", ["2×10⁻⁴", "2 \\times 10^{-4}"]),
        ("A rate of 1e-3 and a gap of 10⁻⁷ or $10^{-15}$.", ["1e-3", "10⁻⁷", "10^{-15}"]),
        ("Over 10 steps 0.73¹⁰ ≈ 0.04.", ["0.73", "0.04"]),
        ("So $0.73^{10} \\approx 0.04$ and $0.99^{132} \\approx 27\\,\\%$.", ["0.73", "0.04", "0.99", "27\\,\\%"]),
        ("It is 380× better, 10x faster, 3-fold.", ["380×", "10x", "3-fold"]),
        ("More than three times worse; ten orders of magnitude.", ["three times worse", "ten orders of magnitude"]),
        ("1,190 utterances and 17,000 parameters.", ["1,190", "17,000"]),
        ("It trains in 40 s and needs 800 MB.", ["40 s", "800 MB"]),
        ("A pulse of +0.5 and −0.25.", ["0.5", "0.25"]),
    ],
)
def test_result_like_numbers_are_found(text, expected):
    assert claims(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Train 25 epochs with 32 units on 256 sequences of T = 100 steps.",  # plain whole numbers
        "Hochreiter & Schmidhuber (1997) and Jozefowicz et al. (2015); the 1990s.",  # years
        "Lesson 21, lessons 00–13, Exercise 23.1, section 6.2.2, chapter 5, § 2.",  # course and book structure
        "TensorFlow 2.21, Keras 3.15.1, Python 3.11 and version 0.11.",  # versions
        "See [the guide](https://keras.io/guides/v2.5/page) or arXiv:1811.00075 and https://x.org/1.5.",  # targets
        "Neural Computation 9(8), pp. 1735–1780.",  # citation details
        "A pulse at t = 1, 2 and 5; weights $W_i[0, 0]$; $\\frac{2}{N}$; $x^2$ and $2^{10}$.",  # maths with integers
        "<!-- course-map:start -->\n| 21 | 0.7 minutes |\n<!-- course-map:end -->",  # generated block
        "Press <kbd>Shift</kbd>+<kbd>Enter</kbd>; ![a plot](figure_1.5.png) <img src='a.png' width='0.5'>",
    ],
)
def test_numbers_that_are_not_results_are_left_out(text):
    cleaned, _, _ = prose.clean_markdown(text)
    assert claims(cleaned) == []


@pytest.mark.parametrize(
    ("written", "matches", "misses"),
    [
        ("0.018", [0.01824, 0.0175, -0.018], [0.019, 0.0174, 0.18]),
        ("96.9 %", [0.9689, 96.89, 0.969], [0.9696, 96.8]),
        ("2×10⁻⁴", [0.000213, 0.0002449], [0.00026, 0.002]),
        ("10⁻⁷", [1.5e-7, 4.9e-8], [2e-4, 1e-8]),
        ("380×", [380, 383.4, 376], [390, 38]),
        ("1,190", [1190, 1193], [1200, 119]),
        ("17,000", [17217, 16_600], [18_000]),
        ("three times worse", [3.4, 2.6], [3.6, 1.5]),
    ],
)
def test_a_number_matches_what_rounds_to_it(written, matches, misses):
    (claim,) = prose.extract_claims(written)
    assert all(claim.matches(value) for value in matches), [v for v in matches if not claim.matches(v)]
    assert not any(claim.matches(value) for value in misses), [v for v in misses if claim.matches(v)]


def test_numbers_are_read_from_every_kind_of_output():
    html = "<style>.x { width: 0.125em }</style><table><tr><td>0.018243</td><td>1,190</td></tr></table>"
    text = prose.output_text(
        [
            new_output("stream", name="stdout", text="epoch 3: loss 1.5e-07, accuracy 96.89%\n"),
            new_output("execute_result", data={"text/plain": "array([0.73, 0.5 ])", "text/html": html}, execution_count=1),
        ]
    )
    values = prose.numbers_in_output(text)
    for expected in (1.5e-07, 96.89, 0.9689, 0.018243, 1190, 0.73):
        assert any(abs(v - expected) < 1e-12 for v in values), expected
    assert not any(abs(v - 0.125) < 1e-12 for v in values), "CSS in an HTML output is not something a learner reads"


def test_number_literals_in_source_count_but_comments_and_strings_do_not():
    values = prose.numbers_in_source('lr = 3e-3  # was 0.01\nnoise = 0.1\nprint("about 0.42")\nn = 2_000\n')
    assert sorted(values) == [0.003, 0.1, 2000.0]


def test_whole_numbers_in_outputs_match_only_numbers_written_whole():
    """Shapes, epochs and indices print small whole numbers everywhere; they must not vouch for a measurement."""
    shapes = printed("x_train: (20, 24, 1)\n")
    assert len(findings(shapes, new_markdown_cell("Take 20 % for validation; accuracy is nearly always 1.0."))) == 2
    assert findings(printed("validation fraction 0.2, accuracy 1.0\n"), new_markdown_cell("Take 20 %; it is 1.0.")) == []
    assert findings(printed("1190 utterances, 380 times smaller\n"), new_markdown_cell("1,190 of them, 380× smaller.")) == []


# --------------------------------------------------------------------------
# Checking a notebook
# --------------------------------------------------------------------------


def test_a_number_no_cell_printed_is_reported_with_its_sentence_and_formula():
    result = findings(printed("0.73\n"), new_markdown_cell("Over ten steps the memory fades: 0.73¹⁰ ≈ 0.04. Say so."))
    assert result == [
        'nb.ipynb:cell 2: "Over ten steps the memory fades: 0.73¹⁰ ≈ 0.04." — 0.73¹⁰ ≈ 0.04: 0.04 not printed by any earlier cell'
    ]


def test_numbers_printed_by_an_earlier_cell_match_with_rounding():
    assert findings(printed("test MSE 0.01824, accuracy 0.9689\n"), new_markdown_cell("MSE 0.018, accuracy 96.9 %.")) == []
    table = displayed({"text/plain": "...", "text/html": "<table><tr><td>0.000213</td></tr></table>"})
    assert findings(table, new_markdown_cell("A ratio of about $2 \\times 10^{-4}$.")) == []


def test_a_published_figure_the_notebook_prints_in_a_table_just_matches():
    table = displayed({"text/plain": "source      accuracy\nUCR 1-NN    0.9553"})
    assert findings(table, new_markdown_cell("The archive publishes 0.9553 for 1-NN.")) == []


def test_settings_count_when_an_earlier_or_the_introduced_cell_sets_them():
    earlier = new_code_cell("optimizer = keras.optimizers.Adam(learning_rate=3e-3)")
    assert findings(earlier, new_markdown_cell("A learning rate of 0.003 is high.")) == []
    text = new_markdown_cell("Add Gaussian noise with standard deviation 0.1:")
    assert findings(printed("x\n"), text, new_code_cell("noisy = wave + rng.normal(0, 0.1, wave.shape)")) == []
    # ... but not a number set only further down, after another markdown cell
    result = findings(printed("x\n"), text, new_markdown_cell("Next:"), new_code_cell("noise = 0.1"))
    assert len(result) == 1 and "0.1 not printed by any earlier cell" in result[0]


def test_a_setting_counts_in_its_own_section_and_in_the_summary_but_not_in_another_section():
    split = [new_markdown_cell("## Split the days"), new_code_cell("split(days, 0.2)")]
    speakers = [new_markdown_cell("## Classify the speakers\n\nTake 20 % of each speaker's utterances."), new_code_cell("split(vowels, 0.1)")]
    (result,) = findings(*split, *speakers)
    assert "cell 3" in result and "20 % not printed by any earlier cell" in result
    assert findings(*split, new_markdown_cell("## Summary\n\n- Hold out 20 % of the days.")) == []
    assert findings(new_markdown_cell("## Split\n\nTake 20 % of the days:"), new_code_cell("split(days, 0.2)")) == []


def test_a_number_in_a_comment_or_a_string_is_not_set():
    cell = new_code_cell('model.fit(x, y)  # reaches 0.018\nlabel = "MSE 0.018"')
    assert len(findings(cell, new_markdown_cell("It reaches 0.018."))) == 1


def test_a_number_printed_only_below_the_sentence_says_where_it_is():
    result = findings(printed("x\n"), new_markdown_cell("Expect differences around $10^{-7}$."), printed("4.9e-08\n"))
    assert result == [
        'nb.ipynb:cell 2: "Expect differences around $10^{-7}$." — 10^{-7} not printed before this sentence; '
        "cell 3, just below, prints it: state it after that cell"
    ]


def test_the_preview_before_the_first_code_cell_counts_every_cell():
    nb = new_notebook(
        cells=[new_markdown_cell("# Title\n\n- Match Keras to within $10^{-6}$."), new_code_cell("atol = 1e-6")]
    )
    assert prose.check_notebook(nb, "nb") == []


def test_a_code_span_is_left_out_when_the_code_has_its_number():
    result = findings(new_code_cell("layer = Masking(mask_value=0.0)"), new_markdown_cell("`Masking(mask_value=0.0)` and `momentum=0.99`."))
    assert len(result) == 1 and "0.99 not printed" in result[0]


def test_exercise_lists_and_further_reading_are_not_prose_about_results():
    summary = "## Summary\n\nThe LSTM reached 0.021.\n\n## Exercises\n\n1. Train until the loss falls below 0.05."
    reading = "## Further reading\n\n- Kudo et al. (1999), Pattern Recognition Letters 20(11–13), 1103.1."
    result = findings(printed("x\n"), new_markdown_cell(summary), new_markdown_cell("2. Or below 0.03."), new_markdown_cell(reading))
    assert len(result) == 1 and "0.021 not printed" in result[0]
    # a subsection of an exercise notebook is prose like any other
    assert len(findings(printed("x\n"), new_markdown_cell("### Exercise 25.2\n\nThe test RMSE is 0.107."))) == 1


def test_an_ignore_marker_exempts_the_numbers_it_lists_and_a_stale_one_is_reported():
    text = "For example: *your RMSE is 0.31; the baseline is 0.21*.\n<!-- prose-numbers: ignore 0.31 0.21 (an invented message) -->"
    assert findings(printed("x\n"), new_markdown_cell(text)) == []
    stale = "Nothing here any more.\n<!-- prose-numbers: ignore 0.31 (an invented message) -->"
    (result,) = findings(printed("x\n"), new_markdown_cell(stale))
    assert "0.31 is listed in an ignore marker, but the cell no longer states it" in result


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def test_cli_exit_status_and_report_files(tmp_path, capsys):
    clean = new_notebook(cells=[new_markdown_cell("# A"), printed("0.5\n"), new_markdown_cell("Half: 0.5.")])
    drifted = new_notebook(cells=[new_markdown_cell("# B"), printed("0.5\n"), new_markdown_cell("A third: 0.33.")])
    unexecuted = new_notebook(cells=[new_markdown_cell("# C"), new_code_cell("print(1)")])
    for name, nb in [("clean", clean), ("drifted", drifted), ("unexecuted", unexecuted)]:
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    reports = tmp_path / "reports"
    assert prose.main([str(tmp_path / "clean.ipynb"), "--report-dir", str(reports)]) == 0
    assert prose.main([str(tmp_path / "drifted.ipynb"), "--report-dir", str(reports)]) == 1
    assert "0.33 not printed by any earlier cell" in (reports / "drifted.txt").read_text()
    assert "no findings" in (reports / "clean.txt").read_text()
    assert prose.main([str(tmp_path / "unexecuted.ipynb")]) == 2
    assert "has no outputs" in capsys.readouterr().err
    failed = printed("0.5\n")
    failed.outputs.append(new_output("error", ename="AssertionError", evalue="", traceback=[]))
    nbformat.write(new_notebook(cells=[new_markdown_cell("# D"), failed, new_markdown_cell("0.5.")]), tmp_path / "failed.ipynb")
    assert prose.main([str(tmp_path / "failed.ipynb")]) == 0
    assert "cell(s) [1] raised an error" in capsys.readouterr().err


# --------------------------------------------------------------------------
# In the test suite: the item tests/conftest.py adds after each notebook's cells
# --------------------------------------------------------------------------

CONFTEST = """
import importlib.util

spec = importlib.util.spec_from_file_location("course_conftest", {conftest!r})
course_conftest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(course_conftest)
course_conftest.ENFORCE_PROSE_NUMBERS = {enforce}
pytest_collection_modifyitems = course_conftest.pytest_collection_modifyitems
"""


def run_pytest_on_notebooks(tmp_path, enforce, *extra):
    """Run nbval on two tiny notebooks with the course's conftest hook; one states a number no cell prints."""
    cells = [new_markdown_cell("# Tiny"), new_code_cell("error = 0.01824\nprint(f'test error {error:.5f}')")]
    good = new_notebook(cells=[*cells, new_markdown_cell("The test error is 0.018.")], metadata={"kernelspec": KERNELSPEC})
    bad = new_notebook(cells=[*cells, new_markdown_cell("The test error is 0.021.")], metadata={"kernelspec": KERNELSPEC})
    nbformat.write(good, tmp_path / "good.ipynb")
    nbformat.write(bad, tmp_path / "bad.ipynb")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent(CONFTEST.format(conftest=str(REPO_ROOT / "tests" / "conftest.py"), enforce=enforce))
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env", "-rA", *extra]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_enforced_the_item_fails_a_notebook_whose_prose_states_a_number_no_cell_prints(tmp_path):
    # Two xdist workers with --dist loadfile, as `make test` runs: the item goes with its notebook's cells.
    result = run_pytest_on_notebooks(tmp_path, True, "-n", "2", "--dist", "loadfile")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "FAILED bad.ipynb::prose numbers" in output
    assert '"The test error is 0.021." — 0.021 not printed by any earlier cell' in output
    assert "PASSED good.ipynb::prose numbers" in output
    assert "1 failed, 3 passed" in output


def test_not_enforced_the_findings_show_as_an_expected_failure(tmp_path):
    result = run_pytest_on_notebooks(tmp_path, False, "-p", "no:xdist")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "XFAIL bad.ipynb::prose numbers - not enforced yet" in output and "0.021" in output
    assert "3 passed, 1 xfailed" in output


def test_the_course_conftest_has_the_switch():
    from tests import conftest

    assert isinstance(conftest.ENFORCE_PROSE_NUMBERS, bool)
