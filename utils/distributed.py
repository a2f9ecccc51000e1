"""Train one Keras model on several devices and on several worker processes.

Why this module exists: lesson 54 shows that the same model code runs on one
device, on two devices of one machine (``tf.distribute.MirroredStrategy``) and
on two worker processes that talk over the network
(``tf.distribute.MultiWorkerMirroredStrategy``). The workers are separate
Python programs, so their code cannot live in the notebook; it lives here, and
the lesson starts them with :func:`run_workers`, which

* picks free ports on the loopback address ``127.0.0.1`` only, so nothing
  listens on the machine's network;
* gives each worker its own ``TF_CONFIG`` (the cluster and the worker's place
  in it), the way a real cluster gives one to each host;
* waits with a time limit and *always* stops every worker it started, also
  when one fails or the limit is reached.

Run a worker by hand (it reads ``TF_CONFIG`` from the environment; without one
it trains alone)::

    python -m utils.distributed --steps 8

It prints one JSON line: the loss after each step, a checksum of the final
weights, and ``seconds``, the time from its TensorFlow import to the end of
training (making the strategy, which connects the workers, included). With
``--try-fit`` the worker then also tries ``model.fit`` under the same strategy
once, reports the error it raises (Keras 3.15's ``fit`` stops under
``MultiWorkerMirroredStrategy`` with two workers; see :func:`try_fit_under`)
and how long the attempt took, ``fit_seconds``. ``import utils.distributed`` does not import TensorFlow; the training
functions import it when called.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from typing import Any

__all__ = [
    "LOOPBACK",
    "WorkerError",
    "free_loopback_ports",
    "make_regression_data",
    "make_tf_config",
    "run_workers",
    "short_error",
    "train_with_strategy",
    "try_fit_under",
    "worker_command",
]

LOOPBACK = "127.0.0.1"
STDERR_TAIL_CHARS = 2000


class WorkerError(RuntimeError):
    """A worker process failed: it exited with an error or printed no result."""


def _check_count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number; received {value!r} of type {type(value).__name__}.")
    if value < 1:
        raise ValueError(f"{name} must be >= 1; received {name}={value}. Pass e.g. {name}=2.")
    return value


def free_loopback_ports(count: int) -> list[int]:
    """Ask the operating system for ``count`` distinct free TCP ports on 127.0.0.1.

    Each port is found by binding a socket to port 0 on the loopback address
    (the system picks a free one); all sockets stay open until every port is
    known, so the ports are distinct, and are closed before returning so the
    workers can bind them. Lesson 54 uses it through :func:`run_workers`.

    Args:
        count: How many ports (one per worker).

    Returns:
        The port numbers.

    Raises:
        TypeError: If ``count`` is not a whole number.
        ValueError: If ``count`` is smaller than 1.

    Example:
        >>> ports = free_loopback_ports(2)
        >>> len(set(ports)), all(1024 <= port <= 65535 for port in ports)
        (2, True)
    """
    _check_count("count", count)
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind((LOOPBACK, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _check_host(host: object) -> str:
    """A host name or address with no port: TF_CONFIG's addresses are ``host:port``, the port taken from ``ports``."""
    if not isinstance(host, str):
        raise TypeError(f"host must be a string such as {LOOPBACK!r}; received {host!r} of type {type(host).__name__}.")
    if not host or host != host.strip() or any(char.isspace() for char in host):
        raise ValueError(f"host must be a host name or address without spaces, such as {LOOPBACK!r}; received host={host!r}.")
    if "://" in host or "/" in host:
        raise ValueError(
            f"host must be a bare host name or address; received host={host!r}. Leave out the scheme and any "
            f"path, e.g. host={host.split('://')[-1].split('/')[0].rsplit(':', 1)[0]!r}."
        )
    if host.startswith("["):
        inside, bracket, rest = host[1:].partition("]")
        try:
            ipaddress.IPv6Address(inside)
        except ValueError:
            inside = ""
        if not inside or not bracket:
            raise ValueError(f"host={host!r} is not an IPv6 address in brackets; write it as host='[::1]'.")
        if rest:
            raise ValueError(
                f"host must not carry a port; received host={host!r}. Pass host='[{inside}]' and put the port in "
                "ports (each worker's port comes from there)."
            )
        return host
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            name, _, port = host.rpartition(":")
            raise ValueError(
                f"host must not carry a port; received host={host!r}, which would give addresses like "
                f"'{host}:{20001}'. Pass host={name!r} and put the port in ports, e.g. "
                f"make_tf_config([{port if port.isdigit() else 20001}], 0, host={name!r})."
            ) from None
        raise ValueError(
            f"host={host!r} is an IPv6 address; write it in brackets, host='[{host}]', so that the port can follow it."
        )
    return host


def make_tf_config(ports: Sequence[int], index: int, host: str = LOOPBACK) -> dict[str, Any]:
    """The ``TF_CONFIG`` of worker ``index`` in a cluster of workers at ``host:port``.

    ``MultiWorkerMirroredStrategy`` reads this JSON from the environment
    variable ``TF_CONFIG``: the same cluster list for every worker, and a
    different ``task`` index for each. Worker 0 is the *chief*, the one that
    writes checkpoints and logs on a real cluster. Lesson 54 introduces it.

    Args:
        ports: One port per worker.
        index: This worker's position in the list, from 0.
        host: The address every worker listens on, without a port (the ports
            come from ``ports``); on a real cluster each worker has its own host
            name, here all share the loopback address. Write an IPv6 address in
            brackets, as in ``"[::1]"``.

    Returns:
        A dictionary; pass ``json.dumps(...)`` of it as ``TF_CONFIG``.

    Raises:
        TypeError: If a port or the index is not a whole number, or ``host`` is not a string.
        ValueError: If ``ports`` is empty or repeats a port, a port is outside
            1..65535, ``index`` is not a position in ``ports``, or ``host`` is
            empty, carries a port already (``"localhost:1234"``), or is an IPv6
            address without brackets.

    Example:
        >>> make_tf_config([20001, 20002], index=1)
        {'cluster': {'worker': ['127.0.0.1:20001', '127.0.0.1:20002']}, 'task': {'type': 'worker', 'index': 1}}
    """
    _check_host(host)
    ports = list(ports)
    if not ports:
        raise ValueError("ports is empty; pass one port per worker, e.g. free_loopback_ports(2).")
    for port in ports:
        if isinstance(port, bool) or not isinstance(port, int):
            raise TypeError(f"each port must be a whole number; received {port!r} of type {type(port).__name__}.")
        if not 1 <= port <= 65535:
            raise ValueError(f"ports must lie in 1..65535; received {port}. Use free_loopback_ports(n).")
    if len(set(ports)) != len(ports):
        raise ValueError(f"ports must be distinct, one per worker; received {ports}.")
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"index must be a whole number; received {index!r} of type {type(index).__name__}.")
    if not 0 <= index < len(ports):
        raise ValueError(f"index must be in 0..{len(ports) - 1} for {len(ports)} workers; received index={index}.")
    return {
        "cluster": {"worker": [f"{host}:{port}" for port in ports]},
        "task": {"type": "worker", "index": index},
    }


def worker_command(steps: int = 8, batch_size: int = 64, python: str | None = None, try_fit: bool = False) -> list[str]:
    """The command line that starts one training worker of this module (see :func:`main`).

    Args:
        steps: Training steps.
        batch_size: The global batch size; it must divide between all replicas.
        python: The Python interpreter; this one by default.
        try_fit: After training, also try ``model.fit`` once under the same
            strategy and report its error (see :func:`try_fit_under`).

    Returns:
        The command as a list, for :func:`run_workers`.

    Raises:
        TypeError: If ``steps`` or ``batch_size`` is not a whole number, or ``try_fit`` is not a bool.
        ValueError: If one of them is < 1.

    Example:
        >>> worker_command(steps=4, python="python")
        ['python', '-m', 'utils.distributed', '--steps', '4', '--batch-size', '64']
        >>> worker_command(steps=4, python="python", try_fit=True)[-1]
        '--try-fit'
    """
    _check_count("steps", steps)
    _check_count("batch_size", batch_size)
    if not isinstance(try_fit, bool):
        raise TypeError(f"try_fit must be True or False; received {try_fit!r} of type {type(try_fit).__name__}.")
    command = [python or sys.executable, "-m", "utils.distributed", "--steps", str(steps), "--batch-size",
               str(batch_size)]
    return [*command, "--try-fit"] if try_fit else command


def _tail(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read()[-STDERR_TAIL_CHARS:]


def _stop(processes: list[subprocess.Popen]) -> None:
    """Kill every process that still runs and reap it, so none is left behind."""
    for process in processes:
        if process.poll() is None:
            process.kill()
    for process in processes:
        process.wait()


def run_workers(
    num_workers: int,
    command: Sequence[str] | None = None,
    timeout_s: float = 60.0,
    env: dict[str, str] | None = None,
    progress: bool = False,
) -> list[dict[str, Any]]:
    """Start ``num_workers`` processes on 127.0.0.1, each with its ``TF_CONFIG``; return their results.

    Every worker runs the same ``command`` with ``TF_CONFIG`` describing the
    cluster (free loopback ports, see :func:`free_loopback_ports`) and its own
    index. A worker reports by printing one JSON object as the last line of its
    standard output. The function waits at most ``timeout_s`` seconds in all;
    whatever happens (a worker fails, the time runs out, you interrupt the
    kernel), it kills and reaps every worker before it returns or raises.
    With ``progress=True`` it keeps one line on standard output up to date
    while it waits (``2 workers running · 12 s``), so a notebook cell that
    waits half a minute does not look hung. Lesson 54 introduces it.

    Args:
        num_workers: How many worker processes.
        command: The program to run, as a list; by default a training worker of
            this module (:func:`worker_command`).
        timeout_s: Seconds to wait for all workers together.
        env: Extra environment variables for the workers.
        progress: Show the waiting time on one line of standard output,
            rewritten in place about once a second.

    Returns:
        One dictionary per worker, in index order: the JSON each printed.

    Raises:
        TypeError: If ``num_workers`` is not a whole number, ``command`` is
            not a list of strings, or ``progress`` is not a bool.
        ValueError: If ``num_workers`` < 1, ``timeout_s`` <= 0 or ``command`` is empty.
        WorkerError: If a worker exits with an error or prints no JSON line;
            the message holds the end of its standard error.
        TimeoutError: If the workers are not done within ``timeout_s``.

    Example:
        >>> report = [sys.executable, "-c", "import json, os; print(os.environ['TF_CONFIG'])"]
        >>> [result["task"]["index"] for result in run_workers(2, report, timeout_s=30)]
        [0, 1]
    """
    _check_count("num_workers", num_workers)
    if command is None:
        command = worker_command()
    if isinstance(command, str) or not all(isinstance(part, str) for part in command):
        raise TypeError(f"command must be a list of strings such as ['python', '-m', 'utils.distributed']; "
                        f"received {command!r}.")
    command = list(command)
    if not command:
        raise ValueError("command is empty; pass the program and its arguments, e.g. worker_command().")
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, int | float) or not timeout_s > 0:
        raise ValueError(f"timeout_s must be a number of seconds > 0; received timeout_s={timeout_s!r}.")
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False; received {progress!r} of type {type(progress).__name__}.")

    ports = free_loopback_ports(num_workers)
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="workers-") as folder:
        out_paths = [os.path.join(folder, f"worker{i}.out") for i in range(num_workers)]
        err_paths = [os.path.join(folder, f"worker{i}.err") for i in range(num_workers)]
        try:
            for index in range(num_workers):
                worker_env = {**os.environ, **(env or {}),
                              "TF_CONFIG": json.dumps(make_tf_config(ports, index))}
                worker_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
                with open(out_paths[index], "w") as out, open(err_paths[index], "w") as err:
                    processes.append(subprocess.Popen(command, stdout=out, stderr=err, env=worker_env,
                                                      stdin=subprocess.DEVNULL))
            started = time.monotonic()
            workers = f"{num_workers} worker{'s' if num_workers > 1 else ''}"
            deadline = started + timeout_s
            shown = -1
            while any(process.poll() is None for process in processes):
                if progress and int(time.monotonic() - started) > shown:
                    shown = int(time.monotonic() - started)
                    print(f"\r{workers} running · {shown} s", end="", flush=True)
                for index, process in enumerate(processes):
                    if process.poll() not in (None, 0):
                        raise WorkerError(f"worker {index} exited with status {process.returncode}; "
                                          f"the end of its standard error:\n{_tail(err_paths[index])}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the {num_workers} workers did not finish within timeout_s={timeout_s} s; "
                                       f"they were stopped. Raise timeout_s or give them less work. "
                                       f"The end of worker 0's standard error:\n{_tail(err_paths[0])}")
                time.sleep(0.05)
            if progress:
                print(f"\r{workers} finished; reading the results", flush=True)
            results = []
            for index, process in enumerate(processes):
                if process.returncode != 0:
                    raise WorkerError(f"worker {index} exited with status {process.returncode}; "
                                      f"the end of its standard error:\n{_tail(err_paths[index])}")
                lines = [line for line in _tail(out_paths[index]).splitlines() if line.strip()]
                try:
                    results.append(json.loads(lines[-1]))
                except (IndexError, json.JSONDecodeError):
                    raise WorkerError(f"worker {index} printed no JSON result line; its output ended with "
                                      f"{lines[-1:]!r}. A worker must print one JSON object last.") from None
            return results
        finally:
            _stop(processes)


def make_regression_data(num_samples: int = 256, timesteps: int = 20, seed: int = 0):
    """A toy sequence regression: the target is the sum of a noise sequence.

    Example:
        >>> x, y = make_regression_data(8, timesteps=5)
        >>> x.shape, y.shape, bool(abs(x.sum(axis=1) - y).max() < 1e-5)
        ((8, 5, 1), (8, 1), True)
    """
    import numpy as np

    _check_count("num_samples", num_samples)
    _check_count("timesteps", timesteps)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_samples, timesteps, 1)).astype("float32")
    return x, x.sum(axis=1)


_STRATEGY_PARTS = ("scope", "run", "reduce", "num_replicas_in_sync", "experimental_distribute_dataset")


def _check_strategy(strategy: Any) -> None:
    """Refuse what is not a strategy before TensorFlow is imported (None, a class, another object)."""
    how = ("Pass tf.distribute.get_strategy() for one device, tf.distribute.MirroredStrategy() for the devices of "
           "this machine, or tf.distribute.MultiWorkerMirroredStrategy() in a worker.")
    if strategy is None:
        raise TypeError(f"strategy must be a tf.distribute strategy; received None. {how}")
    if isinstance(strategy, type):
        raise TypeError(f"strategy must be a tf.distribute strategy object; received the class {strategy.__name__} "
                        f"itself. Call it: {strategy.__name__}().")
    missing = [part for part in _STRATEGY_PARTS if not hasattr(strategy, part)]
    if missing:
        raise TypeError(f"strategy must be a tf.distribute strategy; received {type(strategy).__name__}, which has "
                        f"no {', '.join(missing)}. {how}")


def _check_data(values: Any, name: str):
    """``values`` as a NumPy array of finite numbers, or a clear error naming the first bad entry."""
    import numpy as np

    array = np.asarray(values)
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise TypeError(f"{name} must be an array of numbers; received dtype {array.dtype}. "
                        f"Convert it with np.asarray({name}, dtype='float32').")
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} holds {int(bad.sum())} NaN or infinite values (the first at index {first}: "
                         f"{array[first]}); expected finite numbers. A NaN makes every loss NaN: fill or drop the "
                         "gaps first (e.g. utils.weather.fill_gaps, or np.nan_to_num if zeros are right).")
    return array


def train_with_strategy(
    strategy: Any,
    x,
    y,
    steps: int = 8,
    batch_size: int = 64,
    units: int = 8,
    learning_rate: float = 1e-2,
    seed: int = 42,
) -> dict[str, Any]:
    """Train ``LSTM(units) → Dense(1)`` for ``steps`` steps of ``batch_size`` windows under ``strategy``.

    A short custom training loop (``strategy.run`` on each replica, gradients
    summed over all replicas) so that the same code runs under the default
    strategy, ``MirroredStrategy`` and ``MultiWorkerMirroredStrategy``. The
    batches are taken in order (no shuffle) and each global batch is split
    between the replicas (``AutoShardPolicy.DATA``), so every strategy sees
    the same data. Lesson 54 introduces it.

    Args:
        strategy: A ``tf.distribute`` strategy (``tf.distribute.get_strategy()``
            for one device).
        x: Inputs, shape ``(samples, timesteps, features)``.
        y: Targets, shape ``(samples, 1)``.
        steps: Training steps; the batches cycle through the data.
        batch_size: The *global* batch size, divided between the replicas.
        units: LSTM units.
        learning_rate: Adam's learning rate.
        seed: Seed of the initial weights.

    Returns:
        ``{"losses": [...], "weights_sum": float, "replicas": int}``: the mean
        squared error of each step's global batch, the sum of all final
        weights (a cheap fingerprint), and the number of replicas.

    Raises:
        TypeError: If ``strategy`` is not a ``tf.distribute`` strategy (``None``, a class that was not called,
            another object), ``x`` or ``y`` is not numeric, or ``steps``, ``batch_size`` or ``units`` is not a
            whole number.
        ValueError: If one of them is < 1, ``batch_size`` does not divide between the replicas, ``x`` is not
            3-D, ``x`` and ``y`` differ in length, or they hold NaN or infinite values.
    """
    _check_strategy(strategy)
    for name, value in (("steps", steps), ("batch_size", batch_size), ("units", units)):
        _check_count(name, value)
    if batch_size % strategy.num_replicas_in_sync:
        raise ValueError(f"batch_size={batch_size} does not divide between {strategy.num_replicas_in_sync} "
                         "replicas; pick a multiple of strategy.num_replicas_in_sync.")
    x, y = _check_data(x, "x"), _check_data(y, "y")
    if x.ndim != 3:
        raise ValueError(f"x must have shape (samples, timesteps, features); received shape {x.shape}. "
                         "Add a feature axis with x[..., np.newaxis] if it is missing.")
    if len(x) != len(y):
        raise ValueError(f"x and y must hold the same number of samples; received {len(x)} and {len(y)}.")
    import keras
    import tensorflow as tf

    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    train_ds = (tf.data.Dataset.from_tensor_slices((x, y)).repeat().batch(batch_size, drop_remainder=True)
                .with_options(options))
    with strategy.scope():
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.LSTM(units), keras.layers.Dense(1)])
        optimizer = keras.optimizers.Adam(learning_rate)
        optimizer.build(model.trainable_variables)

    def replica_step(x_batch, y_batch):
        with tf.GradientTape() as tape:
            per_window = keras.losses.mean_squared_error(y_batch, model(x_batch, training=True))
            loss = tf.nn.compute_average_loss(per_window, global_batch_size=batch_size)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    @tf.function
    def train_step(x_batch, y_batch):
        per_replica = strategy.run(replica_step, args=(x_batch, y_batch))
        return strategy.reduce("SUM", per_replica, axis=None)

    batches = iter(strategy.experimental_distribute_dataset(train_ds))
    losses = [float(train_step(*next(batches))) for _ in range(steps)]
    weights_sum = float(sum(tf.reduce_sum(weight).numpy() for weight in model.trainable_variables))
    return {"losses": losses, "weights_sum": weights_sum, "replicas": int(strategy.num_replicas_in_sync)}


def short_error(error: BaseException, max_chars: int = 300) -> str:
    """``"TypeName: message"`` on one line, with the printout of a distributed value cut to ``{…}``.

    TensorFlow's messages about a ``PerReplica`` value print every tensor it
    holds (a whole batch of numbers); a worker reports its error in one JSON
    line, so the printout is cut and the message kept to its first line.

    Args:
        error: The exception.
        max_chars: The longest result; a longer one ends with ``…``.

    Returns:
        The short message.

    Raises:
        TypeError: If ``error`` is not an exception or ``max_chars`` not a whole number.
        ValueError: If ``max_chars`` < 20.

    Example:
        >>> error = ValueError("Attempt to convert a value (PerReplica:{\\n  0: <tf.Tensor: numpy=\\narray([1.])>\\n}) to a Tensor.")
        >>> short_error(error)
        'ValueError: Attempt to convert a value (PerReplica:{…}) to a Tensor.'
    """
    if not isinstance(error, BaseException):
        raise TypeError(f"error must be an exception; received {error!r} of type {type(error).__name__}.")
    if isinstance(max_chars, bool) or not isinstance(max_chars, int):
        raise TypeError(f"max_chars must be a whole number; received {max_chars!r} of type {type(max_chars).__name__}.")
    if max_chars < 20:
        raise ValueError(f"max_chars must be >= 20 to keep the error's name; received max_chars={max_chars}.")
    message = re.sub(r"(PerReplica|Mirrored|DistributedValues):\{.*?\n\}", r"\1:{…}", str(error), flags=re.S)
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def try_fit_under(strategy: Any, x, y, batch_size: int = 64, units: int = 8, seed: int = 42) -> dict[str, Any]:
    """Try one epoch of ``model.fit`` under ``strategy``; report whether it ran, and the error if not.

    With Keras 3.15 and two workers under ``MultiWorkerMirroredStrategy``,
    ``fit`` stops before its first step: ``_maybe_symbolic_build`` in
    ``keras/src/backend/tensorflow/trainer.py`` averages the first batch over
    the replicas with ``strategy.reduce("MEAN", ...)``, and that reduction
    cannot convert the batch's ``PerReplica`` value (keras-team/keras issue
    20585 tracks ``fit`` under this strategy). Lesson 54 shows the error once,
    which is why :func:`train_with_strategy` uses a custom loop.

    Args:
        strategy: A ``tf.distribute`` strategy.
        x: Inputs, shape ``(samples, timesteps, features)``.
        y: Targets, shape ``(samples, 1)``.
        batch_size: The global batch size.
        units: LSTM units.
        seed: Seed of the initial weights.

    Returns:
        ``{"fit_error": None, "fit_error_at": None}`` when ``fit`` ran, else the
        error as :func:`short_error` writes it and the innermost Keras function
        it came through (``"keras/src/...py:function"``).

    Raises:
        TypeError, ValueError: As :func:`train_with_strategy` for bad arguments.
    """
    _check_strategy(strategy)
    _check_count("batch_size", batch_size)
    _check_count("units", units)
    x, y = _check_data(x, "x"), _check_data(y, "y")
    import traceback

    import keras
    import tensorflow as tf

    with strategy.scope():
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.LSTM(units), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)
    filtering = keras.config.is_traceback_filtering_enabled()
    keras.config.disable_traceback_filtering()  # keep Keras' own frames, to name the function that raised
    try:
        model.fit(dataset, epochs=1, shuffle=False, verbose=0)
    except Exception as error:  # report whatever fit raises; the worker itself goes on
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "/keras/src/" in frame.filename]
        where = (f"keras/src/{frames[-1].filename.split('/keras/src/')[-1]}:{frames[-1].name}" if frames else None)
        return {"fit_error": short_error(error), "fit_error_at": where}
    finally:
        if filtering:
            keras.config.enable_traceback_filtering()
    return {"fit_error": None, "fit_error_at": None}


def main(argv: Sequence[str] | None = None) -> int:
    """Train as one worker of the cluster in ``TF_CONFIG`` (alone without it); print one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m utils.distributed", description=main.__doc__)
    parser.add_argument("--steps", type=int, default=8, help="training steps (default 8)")
    parser.add_argument("--batch-size", type=int, default=64, help="global batch size (default 64)")
    parser.add_argument("--try-fit", action="store_true", help="then try model.fit once and report its error")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    started = time.perf_counter()
    if "TF_CONFIG" in os.environ:
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
    else:
        strategy = tf.distribute.get_strategy()
    x, y = make_regression_data()
    result = train_with_strategy(strategy, x, y, steps=args.steps, batch_size=args.batch_size)
    task = json.loads(os.environ.get("TF_CONFIG", "{}")).get("task", {})
    result.update(index=task.get("index", 0), seconds=round(time.perf_counter() - started, 2))
    if args.try_fit:
        fit_started = time.perf_counter()
        result.update(try_fit_under(strategy, x, y, batch_size=args.batch_size))
        result.update(fit_seconds=round(time.perf_counter() - fit_started, 2))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
