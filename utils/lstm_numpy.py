"""An LSTM layer written in NumPy from its equations, using Keras's weights.

Why this module exists: lesson 11 builds the LSTM cell one equation at a time
and then checks it against ``keras.layers.LSTM``. This module is the tidy
version of that code, so later lessons can reuse it (lesson 14 runs
backpropagation through time on it) without copying cells around.

The layer is computed from exactly the three arrays that
``keras.layers.LSTM(units).get_weights()`` returns:

* ``kernel``, shape ``(num_features, 4 * units)``: input weights ``W``;
* ``recurrent_kernel``, shape ``(units, 4 * units)``: recurrent weights ``U``;
* ``bias``, shape ``(4 * units,)``: biases ``b``.

The ``4 * units`` columns hold the four gates side by side in Keras's order:
input ``i``, forget ``f``, candidate ``c`` and output ``o``. With the default
activations (``tanh`` and ``sigmoid``) one time step is::

    i_t     = sigmoid(x_t W_i + h_{t-1} U_i + b_i)
    f_t     = sigmoid(x_t W_f + h_{t-1} U_f + b_f)
    c_tilde = tanh(x_t W_c + h_{t-1} U_c + b_c)
    o_t     = sigmoid(x_t W_o + h_{t-1} U_o + b_o)
    c_t     = f_t * c_{t-1} + i_t * c_tilde
    h_t     = o_t * tanh(c_t)

:func:`lstm_backward` runs the same equations backwards in time
(backpropagation through time, BPTT) and returns the gradient of a loss with
respect to the inputs, the weights and the initial state.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["TRACE_KEYS", "LSTMStep", "lstm_backward", "lstm_forward", "lstm_step", "sigmoid"]

#: The values ``lstm_backward`` accepts for ``path``.
_PATHS = ("all", "cell", "hidden")

#: The keys of the trace that ``lstm_forward(..., return_trace=True)`` returns.
TRACE_KEYS = ("i_t", "f_t", "c_tilde", "o_t", "c_t", "h_t")


class LSTMStep(NamedTuple):
    """Everything one LSTM time step computes, each shaped ``(batch, units)``."""

    h_t: np.ndarray
    c_t: np.ndarray
    i_t: np.ndarray
    f_t: np.ndarray
    c_tilde: np.ndarray
    o_t: np.ndarray


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``, without overflow warnings.

    It is computed as ``0.5 * (1 + tanh(z / 2))``, the same function written in
    a form that stays finite for very large ``|z|``.

    Args:
        z: Any real array.

    Returns:
        An array shaped like ``z`` with values in ``[0, 1]``.

    Example:
        >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
        array([0. , 0.5, 1. ])
    """
    z = np.asarray(z)
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _as_array(name: str, value: object) -> np.ndarray:
    """Turn ``value`` into a numeric NumPy array or raise a clear error."""
    if value is None:
        raise TypeError(f"{name} must be an array; received None.")
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold real numbers; received an array of dtype "
            f"{array.dtype}. Convert it first, e.g. np.asarray({name}, dtype='float32')."
        )
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"{name} contains {bad} NaN or infinite value(s); an LSTM needs "
            f"finite numbers. Fill or drop the missing values before calling."
        )
    return array


def _check_weights(
    kernel: object, recurrent_kernel: object, bias: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Validate Keras-layout LSTM weights and return them with ``units``."""
    kernel = _as_array("kernel", kernel)
    recurrent_kernel = _as_array("recurrent_kernel", recurrent_kernel)
    bias = _as_array("bias", bias)
    if recurrent_kernel.ndim != 2 or recurrent_kernel.shape[1] != 4 * recurrent_kernel.shape[0]:
        raise ValueError(
            "recurrent_kernel must have shape (units, 4 * units); received shape "
            f"{recurrent_kernel.shape}. Pass the weights in the order "
            "layer.get_weights() returns them: kernel, recurrent_kernel, bias."
        )
    units = recurrent_kernel.shape[0]
    if units == 0:
        raise ValueError("recurrent_kernel has 0 units; an LSTM needs units >= 1.")
    if kernel.ndim != 2 or kernel.shape[1] != 4 * units:
        raise ValueError(
            f"kernel must have shape (num_features, 4 * units) = (num_features, {4 * units}) "
            f"to match recurrent_kernel {recurrent_kernel.shape}; received shape "
            f"{kernel.shape}. Pass all three arrays from the same LSTM layer."
        )
    if bias.shape != (4 * units,):
        raise ValueError(
            f"bias must have shape (4 * units,) = ({4 * units},); received shape "
            f"{bias.shape}. Pass all three arrays from the same LSTM layer "
            "(an LSTM built with use_bias=False has no bias: use np.zeros(4 * units))."
        )
    return kernel, recurrent_kernel, bias, units


def _check_state(name: str, value: object, batch: int, units: int) -> np.ndarray:
    state = _as_array(name, value)
    if state.shape != (batch, units):
        raise ValueError(
            f"{name} must have shape (batch, units) = ({batch}, {units}); received "
            f"shape {state.shape}."
        )
    return state


def lstm_step(
    x_t: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
) -> LSTMStep:
    """Run one LSTM time step: the four gates, then the new cell and hidden state.

    Introduced in ``notebooks/11_lstm_cell_from_equations.ipynb``.

    Args:
        x_t: Input at this time step, shape ``(batch, num_features)``.
        h_prev: Hidden state from the previous step, shape ``(batch, units)``.
        c_prev: Cell state from the previous step, shape ``(batch, units)``.
        kernel: Input weights, shape ``(num_features, 4 * units)``.
        recurrent_kernel: Recurrent weights, shape ``(units, 4 * units)``.
        bias: Biases, shape ``(4 * units,)``.

    Returns:
        An :class:`LSTMStep` with ``h_t``, ``c_t``, ``i_t``, ``f_t``,
        ``c_tilde`` and ``o_t``, each of shape ``(batch, units)``.

    Raises:
        TypeError: If an argument is not a real-valued array.
        ValueError: If a shape does not match the others, or an argument
            contains NaN or infinity.

    Example:
        >>> units, num_features = 2, 3
        >>> kernel = np.zeros((num_features, 4 * units))
        >>> recurrent_kernel = np.zeros((units, 4 * units))
        >>> bias = np.zeros(4 * units)
        >>> step = lstm_step(np.ones((1, num_features)), np.zeros((1, units)),
        ...                  np.ones((1, units)), kernel, recurrent_kernel, bias)
        >>> step.f_t  # every gate is sigmoid(0) = 0.5 with zero weights
        array([[0.5, 0.5]])
        >>> step.c_t  # half of the old memory is kept, tanh(0) = 0 is added
        array([[0.5, 0.5]])
    """
    kernel, recurrent_kernel, bias, units = _check_weights(kernel, recurrent_kernel, bias)
    x_t = _as_array("x_t", x_t)
    if x_t.ndim != 2 or x_t.shape[1] != kernel.shape[0]:
        raise ValueError(
            f"x_t must have shape (batch, num_features) = (batch, {kernel.shape[0]}) "
            f"to match kernel {kernel.shape}; received shape {x_t.shape}. "
            "Take one time step of a batch with x[:, t, :]."
        )
    h_prev = _check_state("h_prev", h_prev, x_t.shape[0], units)
    c_prev = _check_state("c_prev", c_prev, x_t.shape[0], units)
    return _step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)


def _step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias) -> LSTMStep:
    """The equations, on arguments that are already checked."""
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)  # Keras order: i, f, c, o
    i_t = sigmoid(z_i)
    f_t = sigmoid(z_f)
    c_tilde = np.tanh(z_c)
    o_t = sigmoid(z_o)
    c_t = f_t * c_prev + i_t * c_tilde
    h_t = o_t * np.tanh(c_t)
    return LSTMStep(h_t=h_t, c_t=c_t, i_t=i_t, f_t=f_t, c_tilde=c_tilde, o_t=o_t)


def _check_sequences(x: object, kernel: np.ndarray, layer: str) -> np.ndarray:
    """``x`` as a non-empty ``(batch, timesteps, num_features)`` array whose features match ``kernel``'s rows.

    Shared by the NumPy LSTM and GRU layers; ``layer`` names the layer in the message ("an LSTM", "a GRU").
    """
    x = _as_array("x", x)
    if x.ndim != 3:
        raise ValueError(
            f"x must have shape (batch, timesteps, num_features); received {x.ndim}-D "
            f"shape {x.shape}. Add the missing axis: x[np.newaxis] for a single "
            "sequence, or x[..., np.newaxis] for a single feature."
        )
    batch, timesteps, num_features = x.shape
    if batch == 0 or timesteps == 0:
        raise ValueError(
            f"x is empty: shape {x.shape}. It needs at least one sequence "
            "(batch >= 1) and at least one time step (timesteps >= 1)."
        )
    if num_features != kernel.shape[0]:
        raise ValueError(
            f"x has {num_features} feature(s) per time step but kernel {kernel.shape} "
            f"was built for {kernel.shape[0]}. Use the weights of {layer} built "
            f"for input shape (timesteps, {num_features})."
        )
    return x


def _check_layer_arguments(x, kernel, recurrent_kernel, bias, initial_state):
    """Validate the arguments of a whole-layer call; return them as arrays of one
    floating dtype: ``(x, kernel, recurrent_kernel, bias, h0, c0)``."""
    kernel, recurrent_kernel, bias, units = _check_weights(kernel, recurrent_kernel, bias)
    x = _check_sequences(x, kernel, "an LSTM")
    batch = x.shape[0]
    if initial_state is None:
        h0 = c0 = np.zeros((batch, units))
    else:
        if not isinstance(initial_state, (tuple, list)) or len(initial_state) != 2:
            raise TypeError(
                "initial_state must be a pair (h0, c0); received "
                f"{type(initial_state).__name__}"
                + (f" of length {len(initial_state)}" if hasattr(initial_state, "__len__") else "")
                + "."
            )
        h0 = _check_state("initial_state[0] (h0)", initial_state[0], batch, units)
        c0 = _check_state("initial_state[1] (c0)", initial_state[1], batch, units)

    dtype = np.result_type(x, kernel, recurrent_kernel, bias, np.float32)
    if initial_state is not None:
        dtype = np.result_type(dtype, h0, c0)
    x, kernel, recurrent_kernel, bias, h, c = (
        np.asarray(a, dtype=dtype) for a in (x, kernel, recurrent_kernel, bias, h0, c0)
    )
    return x, kernel, recurrent_kernel, bias, h, c


def lstm_forward(
    x: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    initial_state: tuple[np.ndarray, np.ndarray] | None = None,
    return_trace: bool = False,
):
    """Run an LSTM layer over whole sequences, like ``keras.layers.LSTM``.

    The result equals ``keras.layers.LSTM(units, return_sequences=True,
    return_state=True)`` with the same weights and default activations.
    Computation happens in the floating type of the inputs: float32 weights
    and inputs give float32, anything with float64 gives float64.

    Introduced in ``notebooks/11_lstm_cell_from_equations.ipynb``.

    Args:
        x: Input sequences, shape ``(batch, timesteps, num_features)``.
        kernel: Input weights, shape ``(num_features, 4 * units)``.
        recurrent_kernel: Recurrent weights, shape ``(units, 4 * units)``.
        bias: Biases, shape ``(4 * units,)``.
        initial_state: Optional ``(h0, c0)``, each ``(batch, units)``;
            zeros when omitted, as in Keras.
        return_trace: Also return every intermediate value, for plots and
            for backpropagation through time.

    Returns:
        ``(outputs, h, c)``: ``outputs`` is ``h_t`` at every step, shape
        ``(batch, timesteps, units)``; ``h`` and ``c`` are the final states,
        shape ``(batch, units)``. With ``return_trace=True`` a fourth item is
        a dict with keys ``i_t``, ``f_t``, ``c_tilde``, ``o_t``, ``c_t`` and
        ``h_t``, each of shape ``(batch, timesteps, units)``.

    Raises:
        TypeError: If an argument is not a real-valued array.
        ValueError: If ``x`` is not 3-D or is empty, the weights do not fit
            ``x`` or each other, or anything contains NaN or infinity.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> units, num_features = 4, 3
        >>> kernel = rng.normal(size=(num_features, 4 * units))
        >>> recurrent_kernel = rng.normal(size=(units, 4 * units))
        >>> bias = np.zeros(4 * units)
        >>> x = rng.normal(size=(2, 5, num_features))  # (batch, timesteps, features)
        >>> outputs, h, c = lstm_forward(x, kernel, recurrent_kernel, bias)
        >>> outputs.shape, h.shape, c.shape
        ((2, 5, 4), (2, 4), (2, 4))
        >>> bool(np.allclose(outputs[:, -1], h))  # the last output is the final h
        True
    """
    x, kernel, recurrent_kernel, bias, h, c = _check_layer_arguments(
        x, kernel, recurrent_kernel, bias, initial_state
    )
    timesteps = x.shape[1]

    steps = []
    for t in range(timesteps):
        step = _step(x[:, t, :], h, c, kernel, recurrent_kernel, bias)
        h, c = step.h_t, step.c_t
        steps.append(step)
    outputs = np.stack([step.h_t for step in steps], axis=1)
    if not return_trace:
        return outputs, h, c
    trace = {key: np.stack([getattr(step, key) for step in steps], axis=1) for key in TRACE_KEYS}
    return outputs, h, c, trace


def _check_gradient(name: str, value: object, shape: tuple[int, ...]) -> np.ndarray:
    gradient = _as_array(name, value)
    if gradient.shape != shape:
        raise ValueError(
            f"{name} must have the shape of what it is the gradient of, {shape}; "
            f"received shape {gradient.shape}."
        )
    return gradient


def lstm_backward(
    x: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    d_outputs: np.ndarray,
    initial_state: tuple[np.ndarray, np.ndarray] | None = None,
    d_h: np.ndarray | None = None,
    d_c: np.ndarray | None = None,
    path: str = "all",
) -> dict[str, np.ndarray]:
    """Backpropagation through time for the layer :func:`lstm_forward` computes.

    Given how a scalar loss changes with the layer's outputs (and, optionally,
    with its final states), return how it changes with every input, weight
    and initial state. The forward pass is recomputed first, so pass exactly
    the arguments you gave :func:`lstm_forward`.

    Walking back from the last step, each step receives ``dh`` (from the
    output at that step and from the step after it) and ``dc`` (from the step
    after it), and applies the chain rule to the six equations::

        do      = dh * tanh(c_t)
        dc      = dc + dh * o_t * (1 - tanh(c_t)**2)
        df, di, dc_tilde = dc * c_{t-1}, dc * c_tilde, dc * i_t
        dz      = [di * i_t(1-i_t), df * f_t(1-f_t), dc_tilde * (1-c_tilde**2), do * o_t(1-o_t)]
        dx_t    = dz @ kernel.T
        dh_prev = dz @ recurrent_kernel.T
        dc_prev = dc * f_t          # the path through the forget gate

    A gradient travels back in time along two paths that meet at every step:
    the cell state (``dc_prev = dc * f_t``) and the hidden state through the
    gates (``dh_prev = dz @ recurrent_kernel.T``). ``path`` lets you cut one of
    them to see what the other carries alone; the result is then no longer the
    true gradient.

    Introduced in ``notebooks/14_why_lstm_vanishing_gradients.ipynb``.

    Args:
        x: Input sequences, shape ``(batch, timesteps, num_features)``.
        kernel: Input weights, shape ``(num_features, 4 * units)``.
        recurrent_kernel: Recurrent weights, shape ``(units, 4 * units)``.
        bias: Biases, shape ``(4 * units,)``.
        d_outputs: Gradient of the loss with respect to the outputs, shape
            ``(batch, timesteps, units)``; zeros where the loss ignores them.
        initial_state: Optional ``(h0, c0)`` as given to the forward pass.
        d_h: Optional gradient with respect to the final hidden state,
            shape ``(batch, units)``, added to the last step's output gradient.
        d_c: Optional gradient with respect to the final cell state,
            shape ``(batch, units)``.
        path: ``"all"`` (the default) for the true gradient; ``"cell"`` to
            carry the gradient back in time along the cell state only
            (``dh_prev`` set to 0); ``"hidden"`` to carry it along the hidden
            state only (``dc_prev`` set to 0).

    Returns:
        A dict with the keys ``x``, ``kernel``, ``recurrent_kernel``,
        ``bias``, ``h0`` and ``c0``, each shaped like the array it is the
        gradient of.

    Raises:
        TypeError: If an argument is not a real-valued array.
        ValueError: If a shape does not match, anything contains NaN or
            infinity, or ``path`` is not one of ``"all"``, ``"cell"`` and
            ``"hidden"``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.normal(size=(2, 5, 3))
        >>> weights = rng.normal(size=(3, 8)), rng.normal(size=(2, 8)), np.zeros(8)
        >>> outputs, h, c = lstm_forward(x, *weights)
        >>> # loss = sum of the final hidden state: only the last output matters
        >>> d_outputs = np.zeros_like(outputs)
        >>> d_outputs[:, -1] = 1.0
        >>> grads = lstm_backward(x, *weights, d_outputs)
        >>> {name: g.shape for name, g in grads.items()}
        {'x': (2, 5, 3), 'kernel': (3, 8), 'recurrent_kernel': (2, 8), 'bias': (8,), 'h0': (2, 2), 'c0': (2, 2)}
        >>> # along the cell state alone, d c_T reaches c_0 times the product of the forget gates
        >>> d_c = np.ones((2, 2))
        >>> cell_only = lstm_backward(x, *weights, np.zeros_like(outputs), d_c=d_c, path="cell")
        >>> *_, trace = lstm_forward(x, *weights, return_trace=True)
        >>> bool(np.allclose(cell_only["c0"], d_c * trace["f_t"].prod(axis=1)))
        True
    """
    if path not in _PATHS:
        raise ValueError(
            f"path must be one of {', '.join(repr(p) for p in _PATHS)}; received path={path!r}. "
            "Use 'all' for the true gradient."
        )
    x, kernel, recurrent_kernel, bias, h0, c0 = _check_layer_arguments(
        x, kernel, recurrent_kernel, bias, initial_state
    )
    batch, timesteps, _ = x.shape
    units = recurrent_kernel.shape[0]
    dtype = x.dtype
    d_outputs = _check_gradient("d_outputs", d_outputs, (batch, timesteps, units)).astype(dtype)
    dh_next = np.zeros((batch, units), dtype) if d_h is None else _check_gradient("d_h", d_h, (batch, units)).astype(dtype)
    dc_next = np.zeros((batch, units), dtype) if d_c is None else _check_gradient("d_c", d_c, (batch, units)).astype(dtype)

    _, _, _, trace = lstm_forward(x, kernel, recurrent_kernel, bias, (h0, c0), return_trace=True)
    h_prev_all = np.concatenate([h0[:, None], trace["h_t"][:, :-1]], axis=1)
    c_prev_all = np.concatenate([c0[:, None], trace["c_t"][:, :-1]], axis=1)

    grads = {
        "x": np.zeros_like(x),
        "kernel": np.zeros_like(kernel),
        "recurrent_kernel": np.zeros_like(recurrent_kernel),
        "bias": np.zeros_like(bias),
    }
    for t in reversed(range(timesteps)):
        i_t, f_t, c_tilde, o_t, c_t = (trace[key][:, t] for key in ("i_t", "f_t", "c_tilde", "o_t", "c_t"))
        c_prev, tanh_c = c_prev_all[:, t], np.tanh(c_t)
        dh = d_outputs[:, t] + dh_next                  # (1) from the output at t and from step t+1
        dc = dc_next + dh * o_t * (1.0 - tanh_c**2)     # (2) from c_{t+1} (times f_{t+1}) and from h_t
        dz = np.concatenate(                            # (3) the four gates' pre-activations, order i, f, c, o
            [
                dc * c_tilde * i_t * (1.0 - i_t),       #     input gate
                dc * c_prev * f_t * (1.0 - f_t),        #     forget gate
                dc * i_t * (1.0 - c_tilde**2),          #     candidate
                dh * tanh_c * o_t * (1.0 - o_t),        #     output gate
            ],
            axis=-1,
        )
        grads["x"][:, t] = dz @ kernel.T                # (4) to the input x_t
        grads["kernel"] += x[:, t].T @ dz
        grads["recurrent_kernel"] += h_prev_all[:, t].T @ dz
        grads["bias"] += dz.sum(axis=0)
        dh_next = dz @ recurrent_kernel.T if path != "cell" else np.zeros_like(dh)   # (5) back along h
        dc_next = dc * f_t if path != "hidden" else np.zeros_like(dc)                # (6) back along c
    grads["h0"] = dh_next
    grads["c0"] = dc_next
    return grads
