"""Can this Keras LSTM or GRU layer use NVIDIA's fused cuDNN kernel, and if not, why not?

Why this module exists: on a GPU, Keras runs an ``LSTM`` or ``GRU`` layer
either as one fused cuDNN call for the whole sequence or as a generic loop of
small operations, one time step after another, which is several times slower.
Keras picks silently; one argument such as ``recurrent_dropout=0.1`` or
``activation="relu"`` is enough to fall back to the loop. Lesson 53 reads the
conditions from the installed Keras source and checks layers with
:func:`cudnn_eligibility`.

The conditions, as in Keras 3.15 (``keras/src/layers/rnn/lstm.py``,
``keras/src/layers/rnn/gru.py`` and ``keras/src/backend/tensorflow/rnn.py``,
functions ``cudnn_ok``, ``_do_lstm_arguments_support_cudnn``,
``_do_gru_arguments_support_cudnn`` and ``_assert_valid_mask``):

1. ``use_cudnn`` is ``"auto"`` or ``True`` (``False`` switches it off);
2. ``activation`` is tanh (Keras' ``tanh``, ``tf.tanh`` or ``keras.ops.tanh``);
3. ``recurrent_activation`` is sigmoid (the same three spellings);
4. ``recurrent_dropout`` is 0 (plain ``dropout`` on the inputs is allowed);
5. ``unroll`` is ``False``;
6. ``use_bias`` is ``True``;
7. for ``GRU`` only: ``reset_after`` is ``True``;
8. if the input carries a mask: every sequence is strictly right-padded (real
   steps first, padding after) and no sequence is masked entirely.

And TensorFlow must see a GPU. The function reports that separately, so you can
check a layer on a laptop before you send it to a GPU machine.

What Keras does when a condition fails, on a machine with a GPU (lesson 53
prints what a CPU can show of it):

* conditions 2 to 7 fail: the layer runs the generic loop, without a message;
  ``use_cudnn=True`` turns that into a ``ValueError`` (``LSTM.inner_loop`` and
  ``GRU.inner_loop``), on a machine without a GPU too;
* condition 8 fails: Keras checks the mask only while the layer runs on the
  cuDNN path, with a ``tf.Assert`` (``_assert_valid_mask``). Run eagerly, the
  failed assertion raises inside ``lstm``/``gru``, which turn it into
  ``NotImplementedError``, and the layer falls back to the generic loop
  silently (a ``ValueError`` with ``use_cudnn=True``). Inside a graph (``fit``,
  ``evaluate``, ``predict`` or any ``tf.function``) the assertion only fails
  when the graph runs, after that ``try`` has been left, so you get an
  ``InvalidArgumentError`` whose message tells you to pass ``use_cudnn=False``.

And one more effect of a GPU: a layer whose activations, ``unroll`` and
``use_bias`` allow cuDNN sets ``supports_jit = False`` when it is created
(``LSTM.__init__``; ``recurrent_dropout`` is not looked at there), so
``compile(jit_compile=True)`` goes on with ``jit_compile=False`` and only a
``UserWarning``. ``use_cudnn=False`` keeps XLA.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CudnnEligibility", "cudnn_eligibility"]


@dataclass(frozen=True)
class CudnnEligibility:
    """The answer of :func:`cudnn_eligibility`.

    Attributes:
        layer: The layer's class and name, e.g. ``"LSTM 'lstm'"``.
        eligible: ``True`` when the layer's arguments (and the mask, if given)
            allow the cuDNN kernel.
        blockers: One line per condition that fails, naming the argument, its
            value and what cuDNN needs; empty when ``eligible``.
        gpu_available: Whether TensorFlow sees a GPU in this process. The
            kernel is used when ``eligible and gpu_available``.
    """

    layer: str
    eligible: bool
    blockers: tuple[str, ...]
    gpu_available: bool

    @property
    def uses_cudnn_here(self) -> bool:
        """Whether this layer would run the cuDNN kernel in this process."""
        return self.eligible and self.gpu_available

    def __str__(self) -> str:
        if self.eligible:
            return f"{self.layer}: cuDNN-eligible"
        return f"{self.layer}: not eligible; " + "; ".join(self.blockers)


def _activation_name(function: Any) -> str:
    return getattr(function, "__name__", repr(function))


def _check_mask(mask: Any) -> list[str]:
    import numpy as np

    array = np.asarray(mask)
    if array.ndim != 2:
        raise ValueError(f"mask must have shape (batch, timesteps); received an array of shape {array.shape}. "
                         "Pass e.g. keras.layers.Masking().compute_mask(x_padded).")
    if array.dtype != bool:
        if not np.isin(array, (0, 1)).all():
            raise ValueError("mask must hold booleans (True for a real step, False for padding) or 0/1; "
                             f"received values such as {np.unique(array)[:5].tolist()}.")
        array = array.astype(bool)
    problems = []
    lengths = array.sum(axis=1)
    right_padded = np.arange(array.shape[1])[None, :] < lengths[:, None]
    bad_rows = np.flatnonzero((array != right_padded).any(axis=1))
    if bad_rows.size:
        problems.append(f"mask: sequence(s) {bad_rows[:5].tolist()} are not strictly right-padded "
                        "(cuDNN needs the real steps first, then the padding; pad with padding='post')")
    empty_rows = np.flatnonzero(lengths == 0)
    if empty_rows.size:
        problems.append(f"mask: sequence(s) {empty_rows[:5].tolist()} are masked entirely "
                        "(cuDNN needs at least one real step per sequence)")
    return problems


def cudnn_eligibility(layer: Any, mask: Any = None) -> CudnnEligibility:
    """Check whether a Keras ``LSTM`` or ``GRU`` layer can run as NVIDIA's fused cuDNN kernel.

    The conditions are those of the installed Keras 3 source on the TensorFlow
    backend (see the module docstring). Lesson 53 introduces it.

    Args:
        layer: A ``keras.layers.LSTM`` or ``keras.layers.GRU`` (not wrapped:
            for ``Bidirectional`` check ``layer.forward_layer`` and
            ``layer.backward_layer``).
        mask: Optional boolean array of shape ``(batch, timesteps)``, ``True``
            for a real step, as a ``Masking`` or ``Embedding(mask_zero=True)``
            layer would pass on; ``None`` when the input carries no mask.

    Returns:
        A :class:`CudnnEligibility`: ``eligible``, the ``blockers`` and
        whether TensorFlow sees a GPU.

    Raises:
        TypeError: If ``layer`` is not a Keras LSTM or GRU layer.
        ValueError: If ``mask`` is not a 2-D array of booleans or 0/1.

    Example:
        >>> import keras
        >>> print(cudnn_eligibility(keras.layers.LSTM(8, name="fast")))
        LSTM 'fast': cuDNN-eligible
        >>> print(cudnn_eligibility(keras.layers.GRU(8, recurrent_dropout=0.2, reset_after=False, name="slow")))
        GRU 'slow': not eligible; recurrent_dropout=0.2 (cuDNN needs 0); reset_after=False (cuDNN needs True)
    """
    import keras
    import tensorflow as tf

    if isinstance(layer, type):
        raise TypeError(f"cudnn_eligibility needs a layer instance; received the class {layer.__name__}. "
                        f"Pass e.g. {layer.__name__}(32).")
    if isinstance(layer, keras.layers.LSTM):
        kind = "LSTM"
    elif isinstance(layer, keras.layers.GRU):
        kind = "GRU"
    else:
        hint = (" Check its forward_layer and backward_layer." if isinstance(layer, keras.layers.Bidirectional)
                else "")
        raise TypeError("cudnn_eligibility expects a keras.layers.LSTM or keras.layers.GRU; received "
                        f"{type(layer).__name__}.{hint} Only these two layers have a cuDNN kernel in Keras.")

    from keras.src import activations, ops

    cell = layer.cell
    tanhs = (activations.tanh, tf.tanh, ops.tanh)
    sigmoids = (activations.sigmoid, tf.sigmoid, ops.sigmoid)
    blockers = []
    if layer.use_cudnn is False:
        blockers.append("use_cudnn=False (cuDNN needs 'auto' or True)")
    if cell.activation not in tanhs:
        blockers.append(f"activation={_activation_name(cell.activation)} (cuDNN needs tanh)")
    if cell.recurrent_activation not in sigmoids:
        blockers.append(f"recurrent_activation={_activation_name(cell.recurrent_activation)} (cuDNN needs sigmoid)")
    if cell.recurrent_dropout:
        blockers.append(f"recurrent_dropout={cell.recurrent_dropout} (cuDNN needs 0)")
    if layer.unroll:
        blockers.append("unroll=True (cuDNN needs False)")
    if not cell.use_bias:
        blockers.append("use_bias=False (cuDNN needs True)")
    if kind == "GRU" and not cell.reset_after:
        blockers.append("reset_after=False (cuDNN needs True)")
    if mask is not None:
        blockers.extend(_check_mask(mask))
    return CudnnEligibility(
        layer=f"{kind} {layer.name!r}",
        eligible=not blockers,
        blockers=tuple(blockers),
        gpu_available=bool(tf.config.list_logical_devices("GPU")),
    )
