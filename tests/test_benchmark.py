"""Tests for tools/benchmark.py, the course benchmark.

The tool is run on tiny notebooks in a temporary copy of the repository layout
(notebooks/ and solutions/).  Most tests share one benchmark run (a module-scoped
fixture), because every notebook costs a fresh kernel.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import subprocess
import sys
from datetime import datetime
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

TOOL = Path(__file__).resolve().parent.parent / "tools" / "benchmark.py"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
MB = 1e6


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


benchmark = load_tool()

# Both notebooks import NumPy, so the only difference is the 200 MB array.  The big
# one frees it again before the end (and checks that its memory did go down), so
# only a measure of the *peak* sees it; the sleep gives the psutil fallback time.
BIG_ALLOCATE = (
    "import time\nimport numpy as np\nimport psutil\n"
    "marker_from_00 = True\n"
    "x = np.ones(200_000_000 // 8)  # 200 MB, every page written\n"
    "rss_with_x = psutil.Process().memory_info().rss\n"
    "time.sleep(0.5)"
)
BIG_FREE = (
    "del x\n"
    "assert psutil.Process().memory_info().rss < rss_with_x - 150e6, 'memory not freed'"
)
SMALL_CODE = (
    "import os\nimport numpy as np\nimport psutil\n"
    "assert 'marker_from_00' not in globals(), 'not a fresh kernel'\n"
    "assert os.path.isfile('02_small.ipynb'), 'working directory is not the notebook folder'\n"
    "import sys; sys.stderr.write('a red box in JupyterLab\\n')"
)


def write_notebook(path: Path, cells: list, budget: dict | None = None) -> bytes:
    """Write a notebook and return its bytes, to check later that it was not modified."""
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})
    if budget is not None:
        nb.metadata["course"] = {"budget": budget}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A little course: three lessons, one solution, and a checkpoint that must be skipped."""
    root = tmp_path_factory.mktemp("repo")
    files = {
        "notebooks/00_big.ipynb": write_notebook(
            root / "notebooks/00_big.ipynb",
            [new_markdown_cell("# Big"), new_code_cell(BIG_ALLOCATE), new_code_cell(BIG_FREE)],
            budget={"seconds": 600, "memory_mb": 100_000},
        ),
        "notebooks/01_fails.ipynb": write_notebook(
            root / "notebooks/01_fails.ipynb",
            [
                new_markdown_cell("# Fails"),
                new_code_cell("a = 1"),
                new_code_cell("1 / 0"),
                new_code_cell("print('not reached')"),
            ],
            budget={"seconds": 600},
        ),
        "notebooks/02_small.ipynb": write_notebook(
            root / "notebooks/02_small.ipynb", [new_code_cell(SMALL_CODE)]
        ),
        "solutions/00_over_budget.ipynb": write_notebook(
            root / "solutions/00_over_budget.ipynb",
            [new_code_cell("import time\ntime.sleep(0.1)")],
            budget={"seconds": 0.01, "memory_mb": 1},
        ),
    }
    write_notebook(root / "notebooks/.ipynb_checkpoints/00_big-checkpoint.ipynb", [])
    out_dir = root / "results"
    log = io.StringIO()
    with contextlib.redirect_stderr(log):
        results, measured = benchmark.run_benchmark(None, out_dir, timeout=120, root=root)
    rows = {row["path"]: row for row in results["notebooks"]}
    return {"root": root, "files": files, "out_dir": out_dir, "results": results,
            "measured": measured, "rows": rows, "log": log.getvalue()}


def test_finds_notebooks_then_solutions_sorted_without_checkpoints(repo: dict) -> None:
    paths = [row["path"] for row in repo["results"]["notebooks"]]
    assert paths == [
        "notebooks/00_big.ipynb",
        "notebooks/01_fails.ipynb",
        "notebooks/02_small.ipynb",
        "solutions/00_over_budget.ipynb",
    ]


def test_peak_memory_is_the_kernels(repo: dict) -> None:
    """200 MB allocated (and freed) in the kernel shows up; the tool allocated nothing."""
    big = repo["rows"]["notebooks/00_big.ipynb"]["peak_memory_mb"]
    small = repo["rows"]["notebooks/02_small.ipynb"]["peak_memory_mb"]
    assert small > 10  # a Python process with NumPy loaded
    assert big - small > 180, (big, small)
    assert big < small + 400, (big, small)


def test_cells_writing_to_stderr_are_listed(repo: dict) -> None:
    """Each such cell is a red box in JupyterLab; the table lists them."""
    assert repo["rows"]["notebooks/02_small.ipynb"]["stderr_cells"] == [0]
    assert repo["rows"]["notebooks/00_big.ipynb"]["stderr_cells"] == []


def test_fresh_kernel_in_notebook_folder(repo: dict) -> None:
    # 02_small asserts that a variable of 00_big is not defined and that its cwd is notebooks/.
    small = repo["rows"]["notebooks/02_small.ipynb"]
    assert small["status"] == "ok", small["error"]


def test_failing_cell_is_recorded_and_the_run_goes_on(repo: dict) -> None:
    failed = repo["rows"]["notebooks/01_fails.ipynb"]
    assert failed["status"] == "error"
    assert failed["error"] == "cell 2: ZeroDivisionError: division by zero"
    assert failed["within_budget"] is None  # an unfinished run is not judged
    # the notebooks after it were still run
    assert repo["rows"]["notebooks/02_small.ipynb"]["status"] == "ok"
    assert repo["rows"]["solutions/00_over_budget.ipynb"]["status"] == "ok"


def test_budgets_are_evaluated(repo: dict) -> None:
    rows = repo["rows"]
    assert rows["notebooks/00_big.ipynb"]["within_budget"] is True
    assert rows["notebooks/02_small.ipynb"]["within_budget"] is None
    over = rows["solutions/00_over_budget.ipynb"]
    assert over["budget"] == {"seconds": 0.01, "memory_mb": 1}
    assert over["within_budget"] is False
    text = benchmark.format_within_budget(over)
    assert text.startswith("NO: ") and " s > 0.01 s" in text and " MB > 1 MB" in text


def test_progress_says_which_notebook_runs_how_many_there_are_and_its_result(repo: dict) -> None:
    """A benchmark takes minutes: each notebook is announced before it runs, its result after."""
    assert repo["log"].splitlines() == [
        "[1/4] notebooks/00_big.ipynb (running)",
        f"[1/4] notebooks/00_big.ipynb: {benchmark.row_summary(repo['rows']['notebooks/00_big.ipynb'])}",
        "[2/4] notebooks/01_fails.ipynb (running)",
        f"[2/4] notebooks/01_fails.ipynb: {benchmark.row_summary(repo['rows']['notebooks/01_fails.ipynb'])}",
        "[3/4] notebooks/02_small.ipynb (running)",
        f"[3/4] notebooks/02_small.ipynb: {benchmark.row_summary(repo['rows']['notebooks/02_small.ipynb'])}",
        "[4/4] solutions/00_over_budget.ipynb (running)",
        "[4/4] solutions/00_over_budget.ipynb: "
        + benchmark.row_summary(repo["rows"]["solutions/00_over_budget.ipynb"]),
    ]
    assert "ERROR after" in repo["log"] and "ZeroDivisionError" in repo["log"]


def test_row_summaries() -> None:
    row = {"status": "ok", "error": None, "seconds": 12.34, "peak_memory_mb": 812.0,
           "budget": {"seconds": 30, "memory_mb": 1000}}
    assert benchmark.row_summary(row) == "ok, 12.3 s, 812.0 MB, within budget"
    row["budget"] = {"seconds": 10}
    assert benchmark.row_summary(row) == "ok, 12.3 s, 812.0 MB, OVER BUDGET: 12.3 s > 10 s"
    row["budget"] = None
    assert benchmark.row_summary(row) == "ok, 12.3 s, 812.0 MB, no budget set"
    failed = {"status": "error", "error": "RuntimeError: no kernel", "seconds": None,
              "peak_memory_mb": None, "budget": None}
    assert benchmark.row_summary(failed) == "ERROR: RuntimeError: no kernel"


def test_budget_texts() -> None:
    row = {"status": "ok", "seconds": 41.0, "peak_memory_mb": 900.0,
           "budget": {"seconds": 30, "memory_mb": 1000}}
    assert benchmark.format_within_budget(row) == "NO: 41.0 s > 30 s"
    assert benchmark.within_budget(row) is False
    row["seconds"] = 30.0  # exactly on budget is within it
    assert benchmark.format_within_budget(row) == "yes"
    assert benchmark.within_budget(row) is True
    row["budget"] = None
    assert benchmark.format_within_budget(row) == "no budget set"
    assert benchmark.within_budget(row) is None


def test_exit_status_logic(repo: dict) -> None:
    assert not benchmark.all_good(repo["measured"])  # an error and an over-budget row
    assert benchmark.all_good([repo["rows"]["notebooks/00_big.ipynb"],
                               repo["rows"]["notebooks/02_small.ipynb"]])


def test_json_schema(repo: dict) -> None:
    data = json.loads((repo["out_dir"] / "benchmark.json").read_text())
    assert data == repo["results"]
    assert set(data) == {"date", "machine", "notebooks"}
    assert datetime.fromisoformat(data["date"]).utcoffset() is not None
    machine = data["machine"]
    assert set(machine) == {"cpu_count", "cpu_model", "platform", "python",
                            "tensorflow", "keras", "memory_method"}
    assert machine["cpu_count"] == psutil.cpu_count()
    assert machine["tensorflow"] == metadata.version("tensorflow")
    assert machine["keras"] == metadata.version("keras")
    if sys.platform.startswith("linux"):
        assert machine["memory_method"] == "VmHWM"
    for row in data["notebooks"]:
        assert set(row) == {"path", "status", "error", "seconds", "peak_memory_mb",
                            "stderr_cells", "budget", "within_budget"}
        assert row["status"] in {"ok", "error"}
        assert 0 < row["seconds"] < 120
        assert isinstance(row["peak_memory_mb"], float)


def test_markdown_report(repo: dict) -> None:
    text = (repo["out_dir"] / "benchmark.md").read_text()
    assert "a benchmark, not a test" in text
    assert "VmHWM" in text and "just before the kernel starts" in text
    assert "| notebook | status | wall s | peak memory MB | cells with stderr | budget | within budget |" in text
    lines = {line.split(" | ")[0].strip("| "): line for line in text.splitlines()}
    assert "| yes |" in lines["notebooks/00_big.ipynb"]
    assert "| error |" in lines["notebooks/01_fails.ipynb"]
    assert "| no budget set |" in lines["notebooks/02_small.ipynb"]
    assert "| NO: " in lines["solutions/00_over_budget.ipynb"]
    total = sum(row["seconds"] for row in repo["results"]["notebooks"])
    assert f"| **total** | | **{total:.1f}** |" in text
    assert "| none |" in lines["notebooks/00_big.ipynb"] and "| 0 |" in lines["notebooks/02_small.ipynb"]
    assert "cell 2: ZeroDivisionError: division by zero" in text


def test_notebook_files_are_not_modified(repo: dict) -> None:
    for path, content in repo["files"].items():
        assert (repo["root"] / path).read_bytes() == content, path


def test_merge_keeps_rows_that_were_not_remeasured(repo: dict, tmp_path: Path) -> None:
    old = json.loads((repo["out_dir"] / "benchmark.json").read_text())
    # Mark the row to re-measure, so we can see that it was replaced.
    small = next(row for row in old["notebooks"] if row["path"] == "notebooks/02_small.ipynb")
    small.update(status="error", error="stale", seconds=9999.0)
    (tmp_path / "benchmark.json").write_text(json.dumps(old))

    _, measured = benchmark.run_benchmark(
        [repo["root"] / "notebooks/02_small.ipynb"], tmp_path, timeout=120, root=repo["root"]
    )

    assert [row["path"] for row in measured] == ["notebooks/02_small.ipynb"]
    merged = json.loads((tmp_path / "benchmark.json").read_text())
    assert [row["path"] for row in merged["notebooks"]] == [
        row["path"] for row in old["notebooks"]
    ]
    for before, after in zip(old["notebooks"], merged["notebooks"]):
        if before["path"] == "notebooks/02_small.ipynb":
            assert after["status"] == "ok" and after["seconds"] < 9999
        else:
            assert after == before


def test_merge_appends_new_notebooks() -> None:
    old = [{"path": "a"}, {"path": "b"}]
    new = [{"path": "c"}, {"path": "a", "new": True}]
    assert benchmark.merge_rows(old, new) == [{"path": "a", "new": True}, {"path": "b"},
                                              {"path": "c"}]


def test_merge_drops_rows_of_notebooks_that_no_longer_exist(tmp_path) -> None:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "kept.ipynb").write_text("{}")
    old = [{"path": "notebooks/kept.ipynb"}, {"path": "notebooks/renamed_away.ipynb"}]
    new = [{"path": "notebooks/new.ipynb"}]
    assert benchmark.merge_rows(old, new, tmp_path) == [{"path": "notebooks/kept.ipynb"},
                                                        {"path": "notebooks/new.ipynb"}]


def test_psutil_fallback_sees_the_kernels_memory(repo: dict) -> None:
    row = benchmark.measure(repo["root"] / "notebooks/00_big.ipynb", repo["root"],
                            timeout=120, method=benchmark.PSUTIL_SAMPLING)
    assert row["status"] == "ok"
    assert row["peak_memory_mb"] > 200


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs /proc")
def test_read_vmhwm_of_this_process() -> None:
    peak = benchmark.read_vmhwm_bytes(os.getpid())
    assert peak >= psutil.Process().memory_info().rss * 0.99


def test_command_line_from_another_folder(repo: dict, tmp_path: Path) -> None:
    notebook = repo["root"] / "notebooks/02_small.ipynb"
    completed = subprocess.run(
        [sys.executable, str(TOOL), str(notebook), "--out-dir", "out", "--timeout", "120"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "| **total** |" in completed.stdout
    # Progress goes to stderr, so the table on stdout stays clean.
    assert f"[1/1] {notebook.resolve().as_posix()} (running)" in completed.stderr.splitlines()
    assert f"[1/1] {notebook.resolve().as_posix()}: ok, " in completed.stderr
    assert "[1/1]" not in completed.stdout
    rows = json.loads((tmp_path / "out/benchmark.json").read_text())["notebooks"]
    assert [row["status"] for row in rows] == ["ok"]

    failing = repo["root"] / "notebooks/01_fails.ipynb"
    completed = subprocess.run(
        [sys.executable, str(TOOL), str(failing), "--out-dir", "out"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 1
    assert f"[1/1] {failing.resolve().as_posix()}: ERROR after " in completed.stderr
    rows = json.loads((tmp_path / "out/benchmark.json").read_text())["notebooks"]
    assert [row["status"] for row in rows] == ["ok", "error"]  # merged
