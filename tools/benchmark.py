"""The course benchmark: how long each notebook takes, and how much memory it needs.

Why this tool exists
--------------------
Learners run the lessons on laptops, on CPU only.  A lesson that quietly grows
from 20 seconds to 5 minutes, or from 1 GB to 6 GB of memory, is a bug for them
even when every cell still works.  `pytest` (nbval) tells us that the notebooks
run; this tool tells us what they cost.  It is a benchmark, not a test: CI never
runs it, and its numbers depend on the machine it runs on.

What it measures
----------------
Each notebook is executed like JupyterLab's "Run All" in a fresh kernel, with
the notebook's folder as the working directory (nbclient does the work; the
notebook file on disk is never modified).  For each notebook it records

* the wall time, from just before the kernel starts to the end of the last cell
  (kernel start-up included, shut-down not);
* which cells wrote to stderr: in JupyterLab each of them shows a red box, so
  a lesson should have none unless its text explains the warning;
* the kernel process's peak memory: on Linux the ``VmHWM`` line ("high water
  mark" of the resident set) of ``/proc/<kernel pid>/status``, read just before
  the kernel shuts down.  Without ``/proc`` it samples the kernel's RSS with
  psutil every 0.05 s instead, which can miss short peaks.  Memory of processes
  the kernel starts itself is not included.

A notebook may set a budget in its metadata::

    "metadata": {"course": {"budget": {"seconds": 30, "memory_mb": 1000}}}

and the report says whether the run stayed within it.

Usage (from the repository root)
--------------------------------
    # every notebook in notebooks/, then solutions/
    python tools/benchmark.py
    # re-measure one lesson; the rows of the other notebooks are kept
    python tools/benchmark.py notebooks/00_start_here.ipynb
    # write elsewhere; allow 900 s per cell (default 600)
    python tools/benchmark.py --out-dir BENCH_DIR --timeout 900

While it runs, it says on stderr which notebook it is on and how many there are,
then that notebook's result::

    [3/12] notebooks/14_why_lstm_vanishing_gradients.ipynb (running)
    [3/12] notebooks/14_why_lstm_vanishing_gradients.ipynb: ok, 50.0 s, 817.7 MB, within budget

Results go to ``tools/benchmark-results/benchmark.json`` and ``benchmark.md``
(or ``--out-dir``); the markdown table is also printed.  The exit status is 0
when every notebook measured in this run finished without error and within its
budget, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import threading
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_FOLDERS = ("notebooks", "solutions")
DEFAULT_OUT_DIR = REPO_ROOT / "tools" / "benchmark-results"
DEFAULT_TIMEOUT_S = 600  # per cell, like `--nbval-cell-timeout` in pyproject.toml

VMHWM = "VmHWM"
PSUTIL_SAMPLING = "psutil RSS sampled every 0.05 s"
SAMPLING_INTERVAL_S = 0.05


# --------------------------------------------------------------------------
# Which notebooks
# --------------------------------------------------------------------------


def find_notebooks(root: Path) -> list[Path]:
    """All notebooks of the course: notebooks/ then solutions/, each sorted by name."""
    found: list[Path] = []
    for folder in NOTEBOOK_FOLDERS:
        # glob() does not look into subfolders, so .ipynb_checkpoints/ is skipped
        found += sorted((root / folder).glob("*.ipynb"))
    return found


def display_path(path: Path, root: Path) -> str:
    """The path as shown in the results: relative to the repository, POSIX slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:  # a notebook outside the repository
        return path.resolve().as_posix()


# --------------------------------------------------------------------------
# Peak memory of the kernel process
# --------------------------------------------------------------------------


def memory_method() -> str:
    """VmHWM where this system has /proc, psutil sampling elsewhere."""
    return VMHWM if Path("/proc/self/status").is_file() else PSUTIL_SAMPLING


def read_vmhwm_bytes(pid: int) -> int | None:
    """Peak resident memory of a live process, from the VmHWM line of /proc/<pid>/status.

    None if the process is gone (a dead process has no VmHWM line).
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):  # e.g. "VmHWM:   523412 kB"
            kib = int(line.split()[1])  # the kernel's "kB" are KiB
            return kib * 1024
    return None


class PeakRssSampler(threading.Thread):
    """Fallback without /proc: polls the RSS of one process and keeps the largest value."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak_bytes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.peak_bytes = max(self.peak_bytes, self.process.memory_info().rss)
            except psutil.Error:  # the kernel has died
                return
            self._stop_event.wait(SAMPLING_INTERVAL_S)

    def stop(self) -> int:
        """Stop sampling and return the peak in bytes (including one last sample)."""
        self._stop_event.set()
        self.join()
        try:
            self.peak_bytes = max(self.peak_bytes, self.process.memory_info().rss)
        except psutil.Error:
            pass
        return self.peak_bytes


def kernel_pid(client: NotebookClient) -> int:
    """Process id of the kernel that nbclient started (jupyter_client's local provisioner)."""
    return client.km.provisioner.process.pid


# --------------------------------------------------------------------------
# Running one notebook
# --------------------------------------------------------------------------


def notebook_budget(nb: nbformat.NotebookNode) -> dict[str, float] | None:
    """The budget from metadata["course"]["budget"], or None."""
    budget = nb.metadata.get("course", {}).get("budget")
    return dict(budget) if budget else None


def describe_error(cell_index: int, name: str, message: str) -> str:
    """E.g. "cell 3: ZeroDivisionError: division by zero", on one line."""
    return " ".join(f"cell {cell_index}: {name}: {message}".split())


def run_cells(client: NotebookClient) -> str | None:
    """Run every cell in order, stopping at the first error; return the error or None."""
    for index, cell in enumerate(client.nb.cells):
        try:
            client.execute_cell(cell, index)
        except CellExecutionError as error:
            return describe_error(index, error.ename, error.evalue)
        except (CellTimeoutError, DeadKernelError) as error:
            return describe_error(index, type(error).__name__, str(error))
    return None


def stderr_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of the code cells that wrote to stderr (a red box in JupyterLab)."""
    return [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and any(out.output_type == "stream" and out.name == "stderr" for out in cell.get("outputs", []))
    ]


def benchmark_notebook(path: Path, timeout: int, method: str) -> dict[str, Any]:
    """Execute a copy of one notebook in a fresh kernel and measure it.

    Returns the measurements: status, error, seconds, peak_memory_mb,
    stderr_cells, budget.
    """
    nb = nbformat.read(path, as_version=4)  # an in-memory copy; the file is never written
    client = NotebookClient(
        nb,  # the kernel name comes from nb.metadata.kernelspec
        timeout=timeout,
        resources={"metadata": {"path": str(path.parent)}},  # working directory
    )
    peak_bytes: int | None = None
    start = time.perf_counter()
    # setup_kernel() starts the kernel and shuts it down when the block ends;
    # inside the block the kernel is still alive, so its memory can be read.
    with client.setup_kernel():
        pid = kernel_pid(client)
        sampler = PeakRssSampler(pid) if method == PSUTIL_SAMPLING else None
        if sampler is not None:
            sampler.start()
        error = run_cells(client)
        seconds = time.perf_counter() - start
        if sampler is not None:
            peak_bytes = sampler.stop()
        else:
            peak_bytes = read_vmhwm_bytes(pid)
    return {
        "status": "error" if error else "ok",
        "error": error,
        "seconds": round(seconds, 1),
        "peak_memory_mb": round(peak_bytes / 1e6, 1) if peak_bytes else None,
        "stderr_cells": stderr_cells(nb),
        "budget": notebook_budget(nb),
    }


def budget_problems(row: dict[str, Any]) -> list[str]:
    """What exceeds the budget, e.g. ["41.0 s > 30 s"]; empty when within it."""
    budget = row["budget"] or {}
    problems = []
    if "seconds" in budget and row["seconds"] > budget["seconds"]:
        problems.append(f"{row['seconds']:.1f} s > {budget['seconds']:g} s")
    memory = row["peak_memory_mb"]
    if "memory_mb" in budget and memory is not None and memory > budget["memory_mb"]:
        problems.append(f"{memory:.1f} MB > {budget['memory_mb']:g} MB")
    return problems


def within_budget(row: dict[str, Any]) -> bool | None:
    """True/False for a finished run with a budget; None without a budget or after an error."""
    if row["budget"] is None or row["status"] != "ok":
        return None
    return not budget_problems(row)


def measure(path: Path, root: Path, timeout: int, method: str) -> dict[str, Any]:
    """One row of the results.  Any failure (even of the kernel start) becomes an error row."""
    try:
        result = benchmark_notebook(path, timeout, method)
    except Exception as error:
        result = {
            "status": "error",
            "error": f"{type(error).__name__}: {error}",
            "seconds": None,
            "peak_memory_mb": None,
            "stderr_cells": [],
            "budget": None,
        }
    row = {"path": display_path(path, root), **result}
    row["within_budget"] = within_budget(row)
    return row


def row_summary(row: dict[str, Any]) -> str:
    """One line for the progress report, e.g. "ok, 41.2 s, 812.0 MB, within budget".

    >>> row_summary({"status": "ok", "error": None, "seconds": 41.0, "peak_memory_mb": 900.0,
    ...              "budget": {"seconds": 30}})
    'ok, 41.0 s, 900.0 MB, OVER BUDGET: 41.0 s > 30 s'
    >>> row_summary({"status": "error", "error": "cell 2: ZeroDivisionError: division by zero",
    ...              "seconds": 1.5, "peak_memory_mb": None, "budget": None})
    'ERROR after 1.5 s: cell 2: ZeroDivisionError: division by zero'
    """
    if row["status"] != "ok":
        after = f" after {row['seconds']:.1f} s" if row["seconds"] is not None else ""
        return f"ERROR{after}: {row['error']}"
    memory = f"{row['peak_memory_mb']:.1f} MB" if row["peak_memory_mb"] is not None else "memory not measured"
    verdict = format_within_budget(row)
    verdict = "within budget" if verdict == "yes" else verdict.replace("NO: ", "OVER BUDGET: ")
    return f"ok, {row['seconds']:.1f} s, {memory}, {verdict}"


def measure_all(paths: list[Path], root: Path, timeout: int, method: str) -> list[dict[str, Any]]:
    """Measure each notebook in turn, saying on stderr which one runs, how many there are, and its result.

    For example ``[3/12] notebooks/14_why_lstm_vanishing_gradients.ipynb (running)``, then
    ``[3/12] notebooks/14_why_lstm_vanishing_gradients.ipynb: ok, 50.0 s, 817.7 MB, within budget``.
    """
    rows = []
    for number, path in enumerate(paths, start=1):
        step = f"[{number}/{len(paths)}] {display_path(path, root)}"
        print(f"{step} (running)", file=sys.stderr, flush=True)
        row = measure(path, root, timeout, method)
        print(f"{step}: {row_summary(row)}", file=sys.stderr, flush=True)
        rows.append(row)
    return rows


# --------------------------------------------------------------------------
# Results: JSON and markdown
# --------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU's name from /proc/cpuinfo, or what platform knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def package_version(name: str) -> str | None:
    """Installed version, without importing the (slow) package."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine_info(method: str) -> dict[str, Any]:
    """Where the benchmark ran (the kernel uses this same Python environment)."""
    return {
        "cpu_count": psutil.cpu_count(),
        "cpu_model": cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "tensorflow": package_version("tensorflow"),
        "keras": package_version("keras"),
        "memory_method": method,
    }


def merge_rows(
    old: list[dict[str, Any]], new: list[dict[str, Any]], root: Path | None = None
) -> list[dict[str, Any]]:
    """Old rows with re-measured notebooks replaced in place; new notebooks appended.

    With ``root``, old rows of notebooks that no longer exist under it (a lesson renamed or split) are dropped.
    """
    new_by_path = {row["path"]: row for row in new}
    kept = [row for row in old if root is None or row["path"] in new_by_path or (root / row["path"]).is_file()]
    merged = [new_by_path.pop(row["path"], row) for row in kept]
    return merged + list(new_by_path.values())


def load_rows(json_path: Path) -> list[dict[str, Any]]:
    """Rows of an earlier run, or [] if there is none."""
    if not json_path.is_file():
        return []
    return json.loads(json_path.read_text())["notebooks"]


def format_number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def format_budget(budget: dict[str, float] | None) -> str:
    if not budget:
        return "-"
    parts = []
    if "seconds" in budget:
        parts.append(f"{budget['seconds']:g} s")
    if "memory_mb" in budget:
        parts.append(f"{budget['memory_mb']:g} MB")
    return ", ".join(parts)


def format_within_budget(row: dict[str, Any]) -> str:
    if row["budget"] is None:
        return "no budget set"
    if row["status"] != "ok":
        return "not judged (error)"
    problems = budget_problems(row)
    return "NO: " + "; ".join(problems) if problems else "yes"


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """The results table, with a total row and the error messages below it."""
    lines = [
        "| notebook | status | wall s | peak memory MB | cells with stderr | budget | within budget |",
        "|---|---|---:|---:|---|---|---|",
    ]
    for row in rows:
        cells = [
            row["path"],
            row["status"],
            format_number(row["seconds"]),
            format_number(row["peak_memory_mb"]),
            ", ".join(map(str, row.get("stderr_cells", []))) or "none",
            format_budget(row["budget"]),
            format_within_budget(row),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    total = sum(row["seconds"] or 0 for row in rows)
    lines.append(f"| **total** | | **{total:.1f}** | | | | |")
    errors = [f"- `{row['path']}`: {row['error']}" for row in rows if row["error"]]
    if errors:
        lines += ["", "Errors:", "", *errors]
    return "\n".join(lines) + "\n"


def markdown_report(results: dict[str, Any]) -> str:
    """The whole benchmark.md: a short header, then the table."""
    machine = results["machine"]
    memory = (
        "the `VmHWM` (peak resident set) of the kernel process, read just before it shuts down"
        if machine["memory_method"] == VMHWM
        else f"the largest RSS of the kernel process, {machine['memory_method']} "
        "(short peaks can be missed)"
    )
    header = f"""# Course benchmark

This is a benchmark, not a test: the numbers depend on the machine and on what
else it was doing.  Re-run with `python tools/benchmark.py [NOTEBOOK ...]`.

- Date: {results["date"]}
- Machine: {machine["cpu_count"]} CPUs ({machine["cpu_model"]}), {machine["platform"]}
- Python {machine["python"]}, TensorFlow {machine["tensorflow"]}, Keras {machine["keras"]}
- Each notebook runs top to bottom ("Run All") in a fresh kernel, started in the notebook's folder.
- Wall s: from just before the kernel starts to the end of the last cell (kernel start-up included).
- Peak memory MB (10^6 bytes): {memory}.
- Cells with stderr: code cells (0-based index) that wrote to stderr, each a red box in JupyterLab.
- Budgets come from the notebook metadata `course.budget`.

"""
    return header + markdown_table(results["notebooks"])


def write_results(results: dict[str, Any], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "benchmark.json").write_text(json.dumps(results, indent=2) + "\n")
    (out_dir / "benchmark.md").write_text(markdown_report(results))


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def run_benchmark(
    paths: list[Path] | None,
    out_dir: Path = DEFAULT_OUT_DIR,
    timeout: int = DEFAULT_TIMEOUT_S,
    root: Path = REPO_ROOT,
    method: str | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Benchmark `paths` (all course notebooks if None) and write the results.

    With explicit paths, the new rows are merged into the existing results.
    Returns the full results and the rows measured in this run.
    """
    method = method or memory_method()
    notebooks = find_notebooks(root) if paths is None else paths
    rows = measure_all(notebooks, root, timeout, method)
    if paths is not None:
        rows_to_write = merge_rows(load_rows(out_dir / "benchmark.json"), rows, root)
    else:
        rows_to_write = rows
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(method),
        "notebooks": rows_to_write,
    }
    write_results(results, out_dir)
    return results, rows


def all_good(rows: list[dict[str, Any]]) -> bool:
    """Every notebook ran without error and within its budget (if it has one)."""
    return all(row["status"] == "ok" and row["within_budget"] is not False for row in rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time each course notebook and measure its kernel's peak memory.",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH",
        help="notebooks to re-measure (default: all of notebooks/ and solutions/); "
        "their rows are merged into the existing results",
    )
    parser.add_argument(
        "--out-dir", type=Path, default=DEFAULT_OUT_DIR,
        help="where to write benchmark.json and benchmark.md "
        "(default: tools/benchmark-results/)",
    )
    parser.add_argument(
        "--timeout", type=int, default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
        help=f"time limit per cell (default: {DEFAULT_TIMEOUT_S})",
    )
    args = parser.parse_args(argv)
    for path in args.paths:
        if not path.is_file():
            parser.error(f"no such notebook: {path}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results, rows = run_benchmark(args.paths or None, args.out_dir, args.timeout)
    print(markdown_table(results["notebooks"]))
    print(f"Results written to {args.out_dir}", file=sys.stderr)
    return 0 if all_good(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
