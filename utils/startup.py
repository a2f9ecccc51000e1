"""Start TensorFlow in a notebook without a red box of start-up log lines.

Why this module exists: while TensorFlow 2.21 loads, its C++ runtime writes
absl, oneDNN and CUDA messages straight to file descriptor 2 ("All log messages
before absl::InitializeLog() ...", "oneDNN custom operations are on", "Could
not find cuda drivers", "failed call to cuInit" ...), and oneDNN adds one
more on the first boolean operation (a ``Masking`` layer's mask) on CPUs
without AVX-512. They are written before
TensorFlow reads ``TF_CPP_MIN_LOG_LEVEL``, so that variable cannot hide them,
and Jupyter's kernel forwards everything written to descriptor 2 into the
notebook. The learner's very first cell then shows a red box of lines that are
not problems.

:func:`import_tensorflow_quietly` loads TensorFlow and Keras once with
descriptor 2 pointed at a temporary file, then drops only the lines it
recognises as start-up noise and passes every other line on, so a real problem
during the import is still shown. It also sets ``TF_CPP_MIN_LOG_LEVEL=1``
(unless you chose a value yourself): TensorFlow's later INFO lines are hidden,
its warnings and errors are not. Python warnings are never touched.

Introduced in ``notebooks/00_start_here.ipynb``; every notebook's setup cell
calls it before ``import keras``.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from types import ModuleType

__all__ = ["import_tensorflow_quietly", "remove_startup_noise"]

# Each entry matches one kind of line TensorFlow prints while it starts on a
# machine like a learner's laptop (or, for the DT_BOOL line, on its first
# boolean operation). Lines are matched by source file *and*
# message, so an unexpected message from the same file still gets through.
_GLOG_PREFIX = r"^[IWE]\d{4} [\d:.]+\s+\d+ "
_STARTUP_NOISE = tuple(
    re.compile(pattern)
    for pattern in (
        r"^WARNING: All log messages before absl::InitializeLog\(\) is called"
        r" are written to STDERR$",
        _GLOG_PREFIX + r"port\.cc:\d+\] oneDNN custom operations are on",
        _GLOG_PREFIX + r"cudart_stub\.cc:\d+\] Could not find cuda drivers",
        _GLOG_PREFIX + r"cpu_feature_guard\.cc:\d+\] This TensorFlow binary is"
        r" optimized",
        r"^To enable the following instructions: .*rebuild TensorFlow with the"
        r" appropriate compiler flags\.$",
        _GLOG_PREFIX + r"cuda_platform\.cc:\d+\] failed call to cuInit",
        _GLOG_PREFIX + r"cuda_(dnn|fft|blas)\.cc:\d+\] Unable to register",
        _GLOG_PREFIX + r"computation_placer\.cc:\d+\] computation placer"
        r" already registered",
        _GLOG_PREFIX + r"util\.cc:\d+\] oneDNN supports DT_BOOL only on platforms"
        r" with AVX-512\. Falling back to the default Eigen-based implementation",
    )
)


def remove_startup_noise(text: str) -> str:
    """Drop the lines TensorFlow prints while it starts; keep everything else.

    Args:
        text: What TensorFlow wrote to standard error during its import, one
            message per line.

    Returns:
        ``text`` without the recognised start-up lines, line endings kept.

    Raises:
        TypeError: If ``text`` is not a string.

    Example:
        >>> log = (
        ...     "I0000 00:00:1.5  42 port.cc:153] oneDNN custom operations are on.\\n"
        ...     "W0000 00:00:1.6  42 op_kernel.cc:1858] OP_REQUIRES failed\\n"
        ... )
        >>> print(remove_startup_noise(log), end="")
        W0000 00:00:1.6  42 op_kernel.cc:1858] OP_REQUIRES failed
    """
    if not isinstance(text, str):
        raise TypeError(
            "remove_startup_noise expects the captured log as a str; received "
            f"{type(text).__name__}. Decode bytes first: data.decode('utf-8')."
        )
    kept = [
        line
        for line in text.splitlines(keepends=True)
        if not any(pattern.match(line.rstrip("\r\n")) for pattern in _STARTUP_NOISE)
    ]
    return "".join(kept)


@contextlib.contextmanager
def _descriptor_2_captured() -> Iterator[list[str]]:
    """Point file descriptor 2 at a temporary file; yield a list that receives
    what was written there once the block ends."""
    captured: list[str] = []
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (a windowless process): nothing to hide
        yield captured
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            captured.append(sink.read().decode("utf-8", errors="replace"))


def import_tensorflow_quietly(*, cpu_devices: int | None = None) -> ModuleType:
    """Import TensorFlow and Keras without TensorFlow's start-up log lines.

    Call it in a notebook's setup cell before ``import keras``. Only the
    lines listed in this module are hidden; any other line written during the
    import is passed on to ``sys.stderr``, and warnings and errors that
    TensorFlow raises later reach you as usual. Calling it again is harmless.

    Args:
        cpu_devices: Split the CPU into this many *logical* devices, so that
            ``tf.distribute.MirroredStrategy`` has several replicas on a
            laptop (lesson 54). TensorFlow allows the split only before its
            first operation, so it happens here, on the way in. ``None``
            (the default) leaves the one CPU device alone.

    Returns:
        The ``tensorflow`` module.

    Raises:
        TypeError: If ``cpu_devices`` is given and is not a whole number.
        ValueError: If ``cpu_devices`` is less than 1.
        RuntimeError: If Keras was set up to use a backend other than
            TensorFlow (for example ``KERAS_BACKEND=jax``), or if TensorFlow
            already runs with another number of CPU devices than
            ``cpu_devices`` (restart the kernel).

    Example:
        >>> tf = import_tensorflow_quietly()
        >>> tf.__version__.startswith("2.")
        True
    """
    if cpu_devices is not None:
        if isinstance(cpu_devices, bool) or not isinstance(cpu_devices, int):
            raise TypeError(f"cpu_devices must be a whole number or None; received {cpu_devices!r} "
                            f"({type(cpu_devices).__name__}). Pass e.g. cpu_devices=2.")
        if cpu_devices < 1:
            raise ValueError(f"cpu_devices must be >= 1; received cpu_devices={cpu_devices}. Pass e.g. cpu_devices=2.")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if "tensorflow" not in sys.modules:
        captured: list[str] = []
        try:
            with _descriptor_2_captured() as captured:
                import tensorflow as tf

                cpus = tf.config.list_physical_devices("CPU")  # CUDA's probe logs here
                if cpu_devices is not None:
                    tf.config.set_logical_device_configuration(
                        cpus[0], [tf.config.LogicalDeviceConfiguration() for _ in range(cpu_devices)])
                import keras

                # oneDNN announces once per process, on the first boolean
                # transpose, that this CPU lacks AVX-512 for it. A Masking
                # layer would trigger it mid-lesson; trigger it here instead.
                tf.transpose(tf.constant([[True]]))
        except BaseException:
            # The import failed: show the whole log, the cause may be in it.
            sys.stderr.write("".join(captured))
            raise
        sys.stderr.write(remove_startup_noise("".join(captured)))
        sys.stderr.flush()
    elif cpu_devices is not None:
        found = len(sys.modules["tensorflow"].config.list_logical_devices("CPU"))
        if found != cpu_devices:
            raise RuntimeError(
                f"TensorFlow already runs with {found} CPU device(s); it cannot be split into {cpu_devices} now. "
                f"Restart the kernel and call import_tensorflow_quietly(cpu_devices={cpu_devices}) first in the "
                "setup cell."
            )

    import keras
    import tensorflow as tf

    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            "This course runs Keras on TensorFlow, but Keras is using the "
            f"{keras.backend.backend()!r} backend. Unset KERAS_BACKEND (or set "
            "it to 'tensorflow') and restart the kernel."
        )
    return tf
