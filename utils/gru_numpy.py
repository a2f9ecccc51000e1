"""A GRU layer written in NumPy from its equations, using Keras's weights.

Why this module exists: lesson 33 (``notebooks/33_lstm_family.ipynb``) builds
the gated recurrent unit (GRU, Cho et al. 2014) next to the LSTM of lesson 11
and checks it against ``keras.layers.GRU``. This module is that code, tidy and
tested, in the same shape as :mod:`utils.lstm_numpy`.

The layer is computed from exactly the arrays that
``keras.layers.GRU(units).get_weights()`` returns:

* ``kernel``, shape ``(num_features, 3 * units)``: input weights ``W``;
* ``recurrent_kernel``, shape ``(units, 3 * units)``: recurrent weights ``U``;
* ``bias``: shape ``(2, 3 * units)`` with ``reset_after=True`` (Keras's
  default: row 0 is added to the input part ``x_t W``, row 1 to the recurrent
  part ``h_{t-1} U``), or ``(3 * units,)`` with ``reset_after=False``.

The ``3 * units`` columns hold the update gate ``z``, the reset gate ``r``
and the candidate ``h`` side by side, in that order. With the default
activations one time step is (``*`` is element-wise)::

    z_t     = sigmoid(x_t W_z + h_{t-1} U_z + b_z)
    r_t     = sigmoid(x_t W_r + h_{t-1} U_r + b_r)
    h_tilde = tanh(x_t W_h + r_t * (h_{t-1} U_h + b_h'))   # reset_after=True
    h_tilde = tanh(x_t W_h + (r_t * h_{t-1}) U_h + b_h)    # reset_after=False
    h_t     = z_t * h_{t-1} + (1 - z_t) * h_tilde

With ``reset_after=True`` the reset gate multiplies ``h_{t-1} U_h`` after the
matrix product, so all three recurrent products are one matrix product per
step that does not wait for ``r_t``: the form cuDNN implements.
"""

from __future__ import annotations

import numpy as np

from utils.lstm_numpy import _as_array, _check_sequences, sigmoid

__all__ = ["gru_forward"]


def _check_gru_weights(
    kernel: object, recurrent_kernel: object, bias: object, reset_after: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Validate Keras-layout GRU weights and return them with ``units``."""
    if not isinstance(reset_after, (bool, np.bool_)):
        raise TypeError(
            f"reset_after must be True or False; received {reset_after!r}. Use the value the "
            "Keras layer was built with (layer.reset_after; True is Keras's default)."
        )
    kernel = _as_array("kernel", kernel)
    recurrent_kernel = _as_array("recurrent_kernel", recurrent_kernel)
    bias = _as_array("bias", bias)
    if recurrent_kernel.ndim != 2 or recurrent_kernel.shape[1] != 3 * recurrent_kernel.shape[0]:
        hint = (
            " That looks like an LSTM's recurrent kernel (4 * units columns); use utils.lstm_forward for it."
            if recurrent_kernel.ndim == 2 and recurrent_kernel.shape[1] == 4 * recurrent_kernel.shape[0]
            else ""
        )
        raise ValueError(
            "recurrent_kernel must have shape (units, 3 * units); received shape "
            f"{recurrent_kernel.shape}. Pass the weights in the order "
            f"layer.get_weights() returns them: kernel, recurrent_kernel, bias.{hint}"
        )
    units = recurrent_kernel.shape[0]
    if units == 0:
        raise ValueError("recurrent_kernel has 0 units; a GRU needs units >= 1.")
    if kernel.ndim != 2 or kernel.shape[1] != 3 * units:
        raise ValueError(
            f"kernel must have shape (num_features, 3 * units) = (num_features, {3 * units}) "
            f"to match recurrent_kernel {recurrent_kernel.shape}; received shape "
            f"{kernel.shape}. Pass all three arrays from the same GRU layer."
        )
    expected = (2, 3 * units) if reset_after else (3 * units,)
    if bias.shape != expected:
        other = (3 * units,) if reset_after else (2, 3 * units)
        if bias.shape == other:
            fix = (
                f" A bias of shape {other} belongs to a GRU built with reset_after={not reset_after}; "
                f"pass reset_after={not reset_after}."
            )
        else:
            fix = (
                " Pass all three arrays from the same GRU layer (a GRU built with use_bias=False has "
                f"no bias: use np.zeros({expected}))."
            )
        raise ValueError(
            f"bias must have shape {expected} for reset_after={reset_after}; received shape "
            f"{bias.shape}.{fix}"
        )
    return kernel, recurrent_kernel, bias, units


def gru_forward(
    x: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    reset_after: bool = True,
    initial_state: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Run a GRU layer over whole sequences, like ``keras.layers.GRU``.

    The result equals ``keras.layers.GRU(units, reset_after=reset_after,
    return_sequences=True, return_state=True)`` with the same weights and
    default activations. Computation happens in the floating type of the
    inputs: float32 weights and inputs give float32, anything with float64
    gives float64.

    Introduced in ``notebooks/33_lstm_family.ipynb``.

    Args:
        x: Input sequences, shape ``(batch, timesteps, num_features)``.
        kernel: Input weights, shape ``(num_features, 3 * units)``, columns
            in the order update gate, reset gate, candidate.
        recurrent_kernel: Recurrent weights, shape ``(units, 3 * units)``.
        bias: Biases, shape ``(2, 3 * units)`` when ``reset_after`` is True
            (input biases, then recurrent biases) or ``(3 * units,)`` when it
            is False.
        reset_after: Whether the reset gate is applied after the recurrent
            matrix product (Keras's default and cuDNN's form) or before it
            (Cho et al. 2014).
        initial_state: Optional ``h0``, shape ``(batch, units)`` (or a list
            holding it, as Keras takes it); zeros when omitted.

    Returns:
        ``(outputs, h)``: ``outputs`` is ``h_t`` at every step, shape
        ``(batch, timesteps, units)``; ``h`` is the final state, shape
        ``(batch, units)``.

    Raises:
        TypeError: If an argument is not a real-valued array, or
            ``reset_after`` is not a bool.
        ValueError: If ``x`` is not 3-D or is empty, the weights do not fit
            ``x``, each other or ``reset_after``, or anything contains NaN or
            infinity.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> units, num_features = 4, 3
        >>> kernel = rng.normal(size=(num_features, 3 * units))
        >>> recurrent_kernel = rng.normal(size=(units, 3 * units))
        >>> bias = np.zeros((2, 3 * units))  # reset_after=True: input row, recurrent row
        >>> x = rng.normal(size=(2, 5, num_features))  # (batch, timesteps, features)
        >>> outputs, h = gru_forward(x, kernel, recurrent_kernel, bias)
        >>> outputs.shape, h.shape
        ((2, 5, 4), (2, 4))
        >>> bool(np.allclose(outputs[:, -1], h))  # the last output is the final h
        True
        >>> # with zero recurrent bias the two forms differ only by where r_t is applied
        >>> _, h_before = gru_forward(x, kernel, recurrent_kernel, np.zeros(3 * units), reset_after=False)
        >>> bool(np.allclose(h, h_before))
        False
    """
    kernel, recurrent_kernel, bias, units = _check_gru_weights(kernel, recurrent_kernel, bias, reset_after)
    x = _check_sequences(x, kernel, "a GRU")
    batch, timesteps = x.shape[:2]
    if initial_state is None:
        h0 = np.zeros((batch, units))
    else:
        if isinstance(initial_state, (list, tuple)):
            if len(initial_state) != 1:
                raise TypeError(
                    f"initial_state must be h0, shape (batch, units), or a list [h0]; received a "
                    f"{type(initial_state).__name__} of length {len(initial_state)}. A GRU has one state "
                    "(an LSTM's (h0, c0) pair does not fit)."
                )
            initial_state = initial_state[0]
        h0 = _as_array("initial_state", initial_state)
        if h0.shape != (batch, units):
            raise ValueError(
                f"initial_state must have shape (batch, units) = ({batch}, {units}); received "
                f"shape {h0.shape}."
            )

    dtype = np.result_type(x, kernel, recurrent_kernel, bias, np.float32)
    if initial_state is not None:
        dtype = np.result_type(dtype, h0)
    x, kernel, recurrent_kernel, bias, h = (
        np.asarray(a, dtype=dtype) for a in (x, kernel, recurrent_kernel, bias, h0)
    )
    if reset_after:
        input_bias, recurrent_bias = bias[0], bias[1]
    else:
        input_bias, recurrent_bias = bias, None
    U_z, U_r, U_h = np.split(recurrent_kernel, 3, axis=1)

    x_proj = x @ kernel + input_bias  # (batch, timesteps, 3 * units): every step's input part at once
    outputs = np.empty((batch, timesteps, units), dtype=dtype)
    for t in range(timesteps):
        x_z, x_r, x_h = np.split(x_proj[:, t], 3, axis=-1)
        if reset_after:
            h_z, h_r, h_h = np.split(h @ recurrent_kernel + recurrent_bias, 3, axis=-1)
            z_t = sigmoid(x_z + h_z)
            r_t = sigmoid(x_r + h_r)
            h_tilde = np.tanh(x_h + r_t * h_h)        # reset applied after the product
        else:
            z_t = sigmoid(x_z + h @ U_z)
            r_t = sigmoid(x_r + h @ U_r)
            h_tilde = np.tanh(x_h + (r_t * h) @ U_h)  # reset applied before the product
        h = z_t * h + (1.0 - z_t) * h_tilde
        outputs[:, t] = h
    return outputs, h
