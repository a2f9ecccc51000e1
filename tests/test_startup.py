"""utils.startup: TensorFlow's start-up lines are hidden, and nothing else is.

The subprocess tests run a fresh Python, because TensorFlow can be imported
only once per process. tests/test_notebooks.py checks the same in a Jupyter
kernel, which is what a learner sees.
"""

import subprocess
import sys

import pytest

from utils.startup import remove_startup_noise

# Captured from TensorFlow 2.21 on a 2-core CPU without a GPU.
REAL_STARTUP_LOG = """\
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1795264028.542185    2918 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.
I0000 00:00:1795264028.542481    2918 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.
I0000 00:00:1795264028.584904    2918 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.
To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.
E0000 00:00:1795264030.778986    2918 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)
E0000 00:00:1795267320.594267   25811 util.cc:131] oneDNN supports DT_BOOL only on platforms with AVX-512. Falling back to the default Eigen-based implementation if present.
"""


def run_python(code, env_extra=None):
    import os

    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def test_every_known_startup_line_is_removed():
    assert remove_startup_noise(REAL_STARTUP_LOG) == ""


def test_other_lines_are_kept_even_from_the_same_source_files():
    kept = (
        "W0000 00:00:1795264094.138343    3385 op_kernel.cc:1858] OP_REQUIRES failed at whole_file_read_ops.cc:117\n"
        "E0000 00:00:1795264030.778986    2918 cuda_platform.cc:99] some other CUDA problem\n"
        "F0000 00:00:1795264028.542185    2918 port.cc:153] oneDNN custom operations are on (fatal lines always pass)\n"
        "ImportError: libcuda.so.1: cannot open shared object file\n"
    )
    assert remove_startup_noise(REAL_STARTUP_LOG + kept) == kept


def test_remove_startup_noise_rejects_bytes():
    with pytest.raises(TypeError, match="received bytes"):
        remove_startup_noise(REAL_STARTUP_LOG.encode())


def test_plain_import_is_noisy_so_the_helper_is_needed():
    """Proves the premise: if TensorFlow ever starts quietly, this test says the helper can go."""
    result = run_python("import tensorflow as tf; tf.config.list_physical_devices()")
    assert "absl::InitializeLog" in result.stderr or "oneDNN" in result.stderr


def test_quiet_import_writes_nothing_but_later_warnings_still_arrive():
    code = (
        "import warnings\n"
        "from utils import import_tensorflow_quietly\n"
        "tf = import_tensorflow_quietly()\n"
        "import keras\n"
        "import sys; sys.stderr.write('--- setup done\\n'); sys.stderr.flush()\n"
        "warnings.warn('a learner-facing warning')\n"
        "try:\n"
        "    tf.io.read_file('/no/such/file')\n"
        "except tf.errors.NotFoundError:\n"
        "    pass\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    before, _, after = result.stderr.partition("--- setup done\n")
    assert before == "", f"the quiet import printed:\n{before}"
    assert "UserWarning: a learner-facing warning" in after
    assert "OP_REQUIRES failed" in after, "a C++ warning raised after start-up must still reach the learner"


def test_a_masked_lstm_after_the_quiet_import_writes_nothing():
    """oneDNN's once-per-process DT_BOOL notice (CPUs without AVX-512) is
    triggered inside the capture, so the first Masking layer in a lesson stays quiet."""
    code = (
        "from utils import import_tensorflow_quietly\n"
        "import_tensorflow_quietly()\n"
        "import keras, numpy as np\n"
        "model = keras.Sequential([keras.Input((None, 2)), keras.layers.Masking(), keras.layers.LSTM(3)])\n"
        "model(np.zeros((2, 4, 2), 'float32'))\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", f"a masked LSTM printed:\n{result.stderr}"


def test_a_failed_import_shows_the_whole_log():
    code = (
        "import builtins, os\n"
        "real_import = builtins.__import__\n"
        "def failing(name, *args, **kwargs):\n"
        "    if name == 'tensorflow':\n"
        "        os.write(2, b'I0000 00:00:1.0  1 port.cc:153] oneDNN custom operations are on\\n')\n"
        "        raise ImportError('simulated broken TensorFlow')\n"
        "    return real_import(name, *args, **kwargs)\n"
        "builtins.__import__ = failing\n"
        "from utils import import_tensorflow_quietly\n"
        "import_tensorflow_quietly()\n"
    )
    result = run_python(code)
    assert result.returncode != 0
    assert "simulated broken TensorFlow" in result.stderr
    assert "oneDNN custom operations are on" in result.stderr, "on failure every captured line is shown"


def test_cpu_devices_splits_the_cpu_quietly_and_refuses_a_later_change():
    code = (
        "from utils import import_tensorflow_quietly\n"
        "tf = import_tensorflow_quietly(cpu_devices=2)\n"
        "import sys; sys.stderr.write('--- setup done\\n'); sys.stderr.flush()\n"
        "print([d.name for d in tf.config.list_logical_devices('CPU')])\n"
        "import_tensorflow_quietly(cpu_devices=2)  # the same split again: harmless\n"
        "import_tensorflow_quietly()  # no split asked for: harmless\n"
        "try:\n"
        "    import_tensorflow_quietly(cpu_devices=3)\n"
        "except RuntimeError as error:\n"
        "    print('RuntimeError:', error)\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "--- setup done\n", f"the split import printed:\n{result.stderr}"
    assert "['/device:CPU:0', '/device:CPU:1']" in result.stdout
    assert "already runs with 2 CPU device(s)" in result.stdout and "Restart the kernel" in result.stdout


@pytest.mark.parametrize(
    "value, error, message",
    [(0, ValueError, r"cpu_devices must be >= 1; received cpu_devices=0"),
     ("2", TypeError, r"cpu_devices must be a whole number or None; received '2' \(str\)"),
     (True, TypeError, r"received True \(bool\)"),
     (2.0, TypeError, r"received 2.0 \(float\)")],
)
def test_cpu_devices_rejects_bad_values_before_importing_anything(value, error, message):
    from utils import import_tensorflow_quietly

    with pytest.raises(error, match=message):
        import_tensorflow_quietly(cpu_devices=value)
