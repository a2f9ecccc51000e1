"""Give back the memory of models you have finished training.

Why this module exists: in TensorFlow 2.21 every ``model.fit`` leaves its
whole traced training step in memory, even after the model is deleted and
``keras.utils.clear_session()`` has run. Keras sums the gradients through
``tf.distribute``'s ``all_reduce``, which is wrapped in ``tf.custom_gradient``;
in graph mode that decorator registers a gradient function named
``CustomGradient-<number>`` in TensorFlow's global gradient registry, and the
function keeps the training graph alive. The registry never forgets an entry,
so a lesson that trains a dozen small models grows by tens of megabytes per
model (tensorflow/tensorflow issues #97697 and #80895; keras-team/tf-keras
pull request #898 proposes the same remedy as this module).

:func:`release_training_memory` removes those entries, clears Keras's session
and asks the C library to return the freed pages to the operating system.
The entries are only read while TensorFlow traces a training step, so removing
them after training is safe: a model you keep and train again simply traces
(and registers) anew.

Introduced in ``notebooks/32_how_sure_is_a_classifier.ipynb``, the first lesson that
trains many models in one kernel.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["custom_gradient_count", "release_training_memory"]

_PREFIX = "CustomGradient-"


def _gradient_registry() -> dict:
    """TensorFlow's global gradient registry: names to registered functions."""
    from tensorflow.python.framework import ops  # private, hence this one accessor

    registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    if not isinstance(registry, dict):
        raise RuntimeError(
            "release_training_memory could not find TensorFlow's gradient registry "
            "(tensorflow.python.framework.ops._gradient_registry._registry); this "
            "TensorFlow version stores it elsewhere. Install the version pinned in "
            "requirements.txt, or skip the call: it only saves memory."
        )
    return registry


def custom_gradient_count() -> int:
    """How many ``tf.custom_gradient`` functions the registry holds now.

    Example:
        >>> isinstance(custom_gradient_count(), int)
        True
    """
    return sum(name.startswith(_PREFIX) for name in list(_gradient_registry()))


def release_training_memory() -> int:
    """Free what finished training runs left behind; return how many entries went.

    Call it after you have deleted (``del model``) the models you no longer
    need. It removes every ``CustomGradient-*`` entry from TensorFlow's
    gradient registry, runs ``keras.utils.clear_session(free_memory=True)``
    (which also resets Keras's automatic layer names) and, on Linux, calls
    ``malloc_trim`` so that the process's resident memory really shrinks.

    Returns:
        The number of registry entries removed (0 when nothing was trained
        since the last call).

    Raises:
        RuntimeError: If this TensorFlow version keeps its gradient registry
            somewhere else.

    Example:
        >>> release_training_memory() >= 0
        True
    """
    import keras

    registry = _gradient_registry()
    stale = [name for name in list(registry) if name.startswith(_PREFIX)]
    for name in stale:
        registry.pop(name, None)
    keras.utils.clear_session(free_memory=True)  # also runs gc.collect(), which now frees the graphs
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (musl, for one): nothing to trim
            pass
    return len(stale)
