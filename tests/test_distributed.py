"""utils.distributed: ports on loopback only, TF_CONFIG per worker, workers always stopped, clear errors.

The worker programs here are one-line Python commands, so these tests take seconds; lesson 54 runs the real
two-worker training, with `--try-fit` (and `make test` runs the lesson).
"""

import os
import socket
import sys
import time

import numpy as np
import pytest

from utils.distributed import (
    LOOPBACK,
    WorkerError,
    free_loopback_ports,
    make_regression_data,
    make_tf_config,
    run_workers,
    short_error,
    train_with_strategy,
    try_fit_under,
    worker_command,
)

PY = sys.executable


def test_free_ports_are_distinct_and_bindable_on_loopback():
    ports = free_loopback_ports(3)
    assert len(set(ports)) == 3
    for port in ports:
        with socket.socket() as sock:
            sock.bind((LOOPBACK, port))


def test_tf_config_lists_every_worker_on_loopback_with_its_own_index():
    configs = [make_tf_config([30001, 30002], index) for index in range(2)]
    assert [config["task"] for config in configs] == [{"type": "worker", "index": 0}, {"type": "worker", "index": 1}]
    assert configs[0]["cluster"] == configs[1]["cluster"] == {"worker": ["127.0.0.1:30001", "127.0.0.1:30002"]}


@pytest.mark.parametrize(("ports", "index", "error", "match"), [
    ([], 0, ValueError, "ports is empty"),
    ([30001, 30001], 0, ValueError, "distinct"),
    ([0], 0, ValueError, r"1\.\.65535"),
    (["30001"], 0, TypeError, "whole number"),
    ([30001, 30002], 2, ValueError, r"index must be in 0\.\.1"),
    ([30001], 0.0, TypeError, "index must be a whole number"),
])
def test_tf_config_rejects_bad_input(ports, index, error, match):
    with pytest.raises(error, match=match):
        make_tf_config(ports, index)


@pytest.mark.parametrize(("host", "error", "match"), [
    ("localhost:1234", ValueError, r"host must not carry a port; received host='localhost:1234'.*Pass host='localhost' and put the port in ports"),
    ("127.0.0.1:30001", ValueError, r"host must not carry a port.*host='127\.0\.0\.1'"),
    ("[::1]:30001", ValueError, r"host must not carry a port.*host='\[::1\]'"),
    ("::1", ValueError, r"IPv6 address; write it in brackets, host='\[::1\]'"),
    ("grpc://localhost", ValueError, r"bare host name or address.*host='localhost'"),
    ("", ValueError, "host must be a host name or address without spaces"),
    (None, TypeError, "host must be a string"),
])
def test_tf_config_rejects_a_host_that_carries_a_port_or_is_not_a_host(host, error, match):
    with pytest.raises(error, match=match):
        make_tf_config([30001, 30002], 0, host=host)


def test_tf_config_accepts_host_names_and_bracketed_ipv6():
    assert make_tf_config([30001], 0, host="worker-0.example")["cluster"]["worker"] == ["worker-0.example:30001"]
    assert make_tf_config([30001], 0, host="[::1]")["cluster"]["worker"] == ["[::1]:30001"]


class FakeStrategy:
    """Has the parts of a tf.distribute strategy that are checked before TensorFlow is imported."""

    num_replicas_in_sync = 1
    scope = run = reduce = experimental_distribute_dataset = staticmethod(lambda *args, **kwargs: None)


@pytest.mark.parametrize(("strategy", "match"), [
    (None, r"strategy must be a tf\.distribute strategy; received None\. Pass tf\.distribute\.get_strategy\(\)"),
    ("mirrored", r"received str, which has no scope, run, reduce.*tf\.distribute\.get_strategy\(\)"),
    (FakeStrategy, r"received the class FakeStrategy itself\. Call it: FakeStrategy\(\)"),
])
def test_train_with_strategy_refuses_what_is_not_a_strategy(strategy, match):
    x, y = make_regression_data(8, timesteps=3)
    with pytest.raises(TypeError, match=match):
        train_with_strategy(strategy, x, y, batch_size=4)


@pytest.mark.parametrize("bad", ["x", "y"])
def test_train_with_strategy_refuses_nan_in_the_data(bad):
    x, y = make_regression_data(8, timesteps=3)
    data = {"x": x, "y": y}
    data[bad][1, 0] = np.nan
    with pytest.raises(ValueError, match=rf"{bad} holds 1 NaN or infinite values \(the first at index \(1, 0.*expected finite numbers.*fill or drop the gaps"):
        train_with_strategy(FakeStrategy(), data["x"], data["y"], batch_size=4)


def test_train_with_strategy_refuses_mismatched_or_non_numeric_data():
    x, y = make_regression_data(8, timesteps=3)
    with pytest.raises(ValueError, match=r"x must have shape \(samples, timesteps, features\); received shape \(8, 3\)"):
        train_with_strategy(FakeStrategy(), x[..., 0], y, batch_size=4)
    with pytest.raises(ValueError, match="same number of samples; received 8 and 7"):
        train_with_strategy(FakeStrategy(), x, y[:7], batch_size=4)
    with pytest.raises(TypeError, match="x must be an array of numbers"):
        train_with_strategy(FakeStrategy(), np.full((8, 3, 1), "a"), y, batch_size=4)


def test_workers_get_their_tf_config_and_results_come_back_in_order():
    report = [PY, "-c", "import os; print('noise'); print(os.environ['TF_CONFIG'])"]
    results = run_workers(2, report, timeout_s=30)
    assert [result["task"]["index"] for result in results] == [0, 1]
    hosts = [address.split(":")[0] for address in results[0]["cluster"]["worker"]]
    assert hosts == [LOOPBACK, LOOPBACK]


def test_extra_environment_reaches_the_workers():
    report = [PY, "-c", "import json, os; print(json.dumps({'x': os.environ['COURSE_X']}))"]
    assert run_workers(1, report, timeout_s=30, env={"COURSE_X": "7"}) == [{"x": "7"}]


def test_a_failing_worker_raises_and_the_others_are_stopped(tmp_path):
    pid_file = tmp_path / "pids"
    # worker 1 fails at once; worker 0 records its pid and would sleep for a minute
    program = ("import json, os, sys, time\n"
               "index = json.loads(os.environ['TF_CONFIG'])['task']['index']\n"
               f"open({str(pid_file)!r}, 'a').write(f'{{os.getpid()}}\\n')\n"
               "if index == 1:\n    sys.exit('worker one gives up')\n"
               "time.sleep(60)\n")
    started = time.monotonic()
    with pytest.raises(WorkerError, match=r"(?s)worker 1 exited with status 1.*worker one gives up"):
        run_workers(2, [PY, "-c", program], timeout_s=30)
    assert time.monotonic() - started < 20
    for pid in map(int, pid_file.read_text().split()):
        assert not pid_alive(pid)


def test_timeout_stops_every_worker(tmp_path):
    pid_file = tmp_path / "pids"
    program = f"import os, time; open({str(pid_file)!r}, 'a').write(f'{{os.getpid()}}\\n'); time.sleep(60)"
    with pytest.raises(TimeoutError, match=r"timeout_s=1\.5 s; they were stopped"):
        run_workers(2, [PY, "-c", program], timeout_s=1.5)
    pids = list(map(int, pid_file.read_text().split()))
    assert len(pids) == 2
    assert not any(pid_alive(pid) for pid in pids)


def test_worker_without_json_result_raises():
    with pytest.raises(WorkerError, match="printed no JSON result line"):
        run_workers(1, [PY, "-c", "print('done')"], timeout_s=30)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"num_workers": 0}, ValueError, "num_workers must be >= 1"),
    ({"num_workers": 2.0}, TypeError, "num_workers must be a whole number"),
    ({"num_workers": 1, "command": "python -m utils.distributed"}, TypeError, "list of strings"),
    ({"num_workers": 1, "command": []}, ValueError, "command is empty"),
    ({"num_workers": 1, "timeout_s": 0}, ValueError, "timeout_s must be"),
    ({"num_workers": 1, "progress": "yes"}, TypeError, "progress must be True or False; received 'yes'"),
])
def test_run_workers_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        run_workers(**kwargs)


def test_progress_line_shows_the_wait_and_then_the_end(capsys):
    report = [PY, "-c", "import json, time; time.sleep(1.3); print(json.dumps({'done': True}))"]
    assert run_workers(2, report, timeout_s=30, progress=True) == [{"done": True}, {"done": True}]
    lines = capsys.readouterr().out.split("\r")
    assert "2 workers running · 0 s" in lines and "2 workers running · 1 s" in lines
    assert lines[-1] == "2 workers finished; reading the results\n"
    run_workers(1, report, timeout_s=30)
    assert capsys.readouterr().out == "", "without progress=True nothing is printed"


def test_a_worker_reports_its_training_time_and_its_fit_attempt_apart(capsys, monkeypatch):
    import json

    from utils.distributed import main

    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert main(["--steps", "2", "--batch-size", "32", "--try-fit"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert len(result["losses"]) == 2 and result["fit_error"] is None
    assert result["seconds"] > 0 and result["fit_seconds"] > 0


def test_worker_command_and_data():
    assert worker_command(3, 66, python="py") == ["py", "-m", "utils.distributed", "--steps", "3", "--batch-size", "66"]
    with pytest.raises(ValueError, match="steps must be >= 1"):
        worker_command(0)
    with pytest.raises(TypeError, match="batch_size must be a whole number"):
        worker_command(8, batch_size=6.5)
    x, y = make_regression_data(4, timesteps=3)
    assert x.shape == (4, 3, 1) and y.shape == (4, 1)


def test_worker_command_asks_for_the_fit_attempt_only_when_told():
    assert "--try-fit" not in worker_command(8, python="py")
    assert worker_command(8, python="py", try_fit=True)[-1] == "--try-fit"
    with pytest.raises(TypeError, match="try_fit must be True or False; received 'yes'"):
        worker_command(8, try_fit="yes")


def test_short_error_cuts_the_printout_of_a_distributed_value_to_one_line():
    batch = "\n".join(["array([[[ 1.25730217e-01],", "        [-1.32104859e-01]]], dtype=float32)>"])
    error = ValueError(f"Attempt to convert a value (PerReplica:{{\n  0: <tf.Tensor: shape=(32, 20, 1), numpy=\n{batch}\n}}) "
                       "with an unsupported type (<class 'PerReplica'>) to a Tensor.")
    assert short_error(error) == ("ValueError: Attempt to convert a value (PerReplica:{…}) with an unsupported type "
                                  "(<class 'PerReplica'>) to a Tensor.")
    assert short_error(RuntimeError("first line\nsecond line")) == "RuntimeError: first line"
    assert short_error(KeyError()) == "KeyError"
    assert short_error(ValueError("x" * 500), max_chars=40) == "ValueError: " + "x" * 27 + "…"
    assert len(short_error(ValueError("x" * 500), max_chars=40)) == 40


@pytest.mark.parametrize(("args", "error", "match"), [
    (("not an exception",), TypeError, "error must be an exception; received 'not an exception'"),
    ((ValueError("x"), 5), ValueError, "max_chars must be >= 20"),
    ((ValueError("x"), 30.0), TypeError, "max_chars must be a whole number"),
])
def test_short_error_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        short_error(*args)


def test_try_fit_under_refuses_what_is_not_a_strategy_before_importing_tensorflow():
    x, y = make_regression_data(8, timesteps=3)
    with pytest.raises(TypeError, match=r"strategy must be a tf\.distribute strategy; received None"):
        try_fit_under(None, x, y)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        try_fit_under(FakeStrategy(), x, y, batch_size=0)


def pid_alive(pid: int) -> bool:
    """True while a process with this id exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_try_fit_under_one_device_reports_no_error_and_restores_traceback_filtering():
    from utils import import_tensorflow_quietly

    tf = import_tensorflow_quietly()
    import keras

    x, y = make_regression_data(16, timesteps=3)
    assert keras.config.is_traceback_filtering_enabled()
    assert try_fit_under(tf.distribute.get_strategy(), x, y, batch_size=8, units=2) == {"fit_error": None,
                                                                                          "fit_error_at": None}
    assert keras.config.is_traceback_filtering_enabled()
