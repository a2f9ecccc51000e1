"""The course's plot style and the plots its lessons share.

Why this module exists: every lesson plots the same kinds of things (gate
activations, cell and hidden states, learning curves, forecasts against the
truth and how their error grows with the horizon), and a learner should
not have to read twenty lines of matplotlib to see an LSTM. Each helper draws
one figure with a title, labelled axes and a legend when there is more than
one line, and returns its ``Axes`` so a lesson can add to it.

Importing this module changes nothing: a notebook's setup cell calls
:func:`use_course_style` to switch the course style on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from utils.datasets import _as_numeric

__all__ = [
    "COURSE_STYLE",
    "plot_cell_states",
    "plot_error_growth",
    "plot_forecast",
    "plot_gates",
    "plot_learning_curves",
    "use_course_style",
]

#: Colour-blind-safe colours (Okabe & Ito, "Color Universal Design").
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

#: The rcParams :func:`use_course_style` applies.
COURSE_STYLE = {
    "figure.figsize": (8.0, 4.0),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "legend.frameon": False,
    "image.cmap": "viridis",
}

#: Line styles of the forecasts on forecast plots, in turn (the truth is solid black).
FORECAST_LINESTYLES = ("--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)))

#: How each gate is named on plots, in the order of the equations.
GATE_TITLES = {
    "i_t": "input gate $i_t$",
    "f_t": "forget gate $f_t$",
    "c_tilde": r"candidate $\tilde{c}_t$",
    "o_t": "output gate $o_t$",
}


def use_course_style() -> None:
    """Switch matplotlib to the course style (call it once in a setup cell).

    Introduced in ``notebooks/00_start_here.ipynb``.

    Example:
        >>> use_course_style()
        >>> plt.rcParams["axes.spines.top"]
        False
        >>> plt.rcdefaults()  # back to matplotlib's defaults
    """
    mpl.rcParams.update(COURSE_STYLE)


def _sample_of(trace: Mapping[str, np.ndarray], keys: Sequence[str], sample: int) -> dict:
    """Pick one sequence out of a ``lstm_forward`` trace, with clear errors."""
    if not isinstance(trace, Mapping):
        raise TypeError(
            "trace must be the dict returned by lstm_forward(..., return_trace=True); "
            f"received {type(trace).__name__}."
        )
    missing = [key for key in keys if key not in trace]
    if missing:
        raise ValueError(
            f"trace is missing {missing}; it has {sorted(trace)}. Pass the dict "
            "returned by lstm_forward(..., return_trace=True)."
        )
    picked = {}
    for key in keys:
        values = np.asarray(trace[key])
        if values.ndim != 3:
            raise ValueError(
                f"trace[{key!r}] must have shape (batch, timesteps, units); received "
                f"shape {values.shape}."
            )
        if not -values.shape[0] <= sample < values.shape[0]:
            raise ValueError(
                f"sample={sample} is out of range for a batch of {values.shape[0]} "
                f"sequence(s); use 0 to {values.shape[0] - 1}."
            )
        picked[key] = values[sample]
    return picked


def _axes_or_new(ax: Axes | None) -> Axes:
    """The given Axes, or the Axes of a new figure when ``ax`` is None."""
    if ax is None:
        _, ax = plt.subplots()
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes; received {type(ax).__name__}.")
    return ax


def plot_gates(
    trace: Mapping[str, np.ndarray], sample: int = 0, axes: Sequence[Axes] | None = None
) -> np.ndarray:
    """Draw the four gate activations of one sequence as heatmaps over time.

    One panel per gate (``i_t``, ``f_t``, ``c_tilde``, ``o_t``): time steps
    run left to right, units top to bottom, colour is the activation. The
    gates live in ``[0, 1]`` and the candidate in ``[-1, 1]``; the colour
    scales are fixed to those ranges so panels can be compared.

    Introduced in ``notebooks/11_lstm_cell_from_equations.ipynb``.

    Args:
        trace: The dict from ``lstm_forward(..., return_trace=True)``.
        sample: Which sequence of the batch to draw.
        axes: Four Axes to draw into; a new figure when omitted.

    Returns:
        The four Axes, in the order i, f, c_tilde, o.

    Raises:
        TypeError: If ``trace`` is not a mapping.
        ValueError: If ``trace`` lacks a gate, a gate is not 3-D, ``sample`` is
            out of range or ``axes`` does not hold four Axes.

    Example:
        >>> gates = {key: np.full((1, 5, 3), 0.5) for key in GATE_TITLES}
        >>> axes = plot_gates(gates)
        >>> [ax.get_title() for ax in axes][:2]
        ['input gate $i_t$', 'forget gate $f_t$']
        >>> plt.close("all")
    """
    picked = _sample_of(trace, tuple(GATE_TITLES), sample)
    if axes is None:
        fig, axes = plt.subplots(2, 2, figsize=(10, 5), sharex=True, sharey=True)
        fig.suptitle(f"Gate activations over time (sequence {sample})")
    axes = np.ravel(np.asarray(axes, dtype=object))
    if axes.size != 4 or not all(isinstance(ax, Axes) for ax in axes):
        raise ValueError(f"axes must hold 4 matplotlib Axes; received {axes.size} item(s).")
    for ax, (key, title) in zip(axes, GATE_TITLES.items()):
        values = picked[key].T  # (units, timesteps)
        units, timesteps = values.shape
        low = -1.0 if key == "c_tilde" else 0.0
        image = ax.imshow(values, aspect="auto", vmin=low, vmax=1.0, interpolation="nearest",
                          cmap="RdBu_r" if key == "c_tilde" else "viridis",
                          extent=(0.5, timesteps + 0.5, units - 0.5, -0.5))  # t = 1, 2, ...
        ax.set_title(title)
        ax.set_xlabel("time step t")
        ax.set_ylabel("unit")
        if units <= 10:
            ax.set_yticks(range(units))
        ax.grid(False)
        ax.figure.colorbar(image, ax=ax, label="activation")
    return axes


def plot_cell_states(
    trace: Mapping[str, np.ndarray],
    sample: int = 0,
    ax: Axes | None = None,
    title: str = "Cell state $c_t$ and hidden state $h_t$",
) -> Axes:
    """Draw the cell state ``c_t`` (solid) and hidden state ``h_t`` (dashed) over time.

    Each unit gets one colour; its ``c_t`` is a solid line and its ``h_t`` a
    dashed line, so you can see ``h_t = o_t * tanh(c_t)`` stay inside
    ``(-1, 1)`` while ``c_t`` is free to grow.

    Introduced in ``notebooks/11_lstm_cell_from_equations.ipynb``.

    Args:
        trace: The dict from ``lstm_forward(..., return_trace=True)`` (only
            ``c_t`` and ``h_t`` are used).
        sample: Which sequence of the batch to draw.
        ax: Axes to draw into; a new figure when omitted.
        title: The plot's title.

    Returns:
        The Axes.

    Raises:
        TypeError: If ``trace`` is not a mapping or ``ax`` is not an Axes.
        ValueError: If ``trace`` lacks ``c_t`` or ``h_t`` or ``sample`` is out
            of range.

    Example:
        >>> states = {"c_t": np.ones((1, 4, 2)), "h_t": np.zeros((1, 4, 2))}
        >>> ax = plot_cell_states(states)
        >>> ax.get_xlabel(), len(ax.get_legend().get_texts())
        ('time step t', 4)
        >>> plt.close("all")
    """
    picked = _sample_of(trace, ("c_t", "h_t"), sample)
    ax = _axes_or_new(ax)
    timesteps, units = picked["c_t"].shape
    steps = np.arange(1, timesteps + 1)
    for unit in range(units):
        color = OKABE_ITO[unit % len(OKABE_ITO)]
        ax.plot(steps, picked["c_t"][:, unit], color=color, marker=".", label=f"$c_t$ unit {unit}")
        ax.plot(steps, picked["h_t"][:, unit], color=color, linestyle="--", label=f"$h_t$ unit {unit}")
    ax.axhline(0.0, color="grey", linewidth=0.8)
    ax.set_title(title)
    ax.set_xlabel("time step t")
    ax.set_ylabel("state value")
    ax.legend(ncols=2 if units > 1 else 1, fontsize="small")
    return ax


def _check_named_mapping(value: object, name: str, shape: str, item: str, example: str) -> None:
    """Plot helpers take ``{label: data}`` dicts; say how to wrap a single item when they get something else."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict {shape}; received {type(value).__name__}. Wrap a single {item}: {example}.")
    if not value:
        raise ValueError(f"{name} is empty; pass at least one {shape}.")


def plot_learning_curves(
    histories: Mapping[str, Any],
    metric: str = "loss",
    baseline: float | None = None,
    baseline_label: str = "baseline",
    ax: Axes | None = None,
    log_scale: bool = False,
) -> Axes:
    """Draw training (solid) and validation (dashed) curves of several models.

    Each model gets one colour; its validation curve, when the history has
    one (``val_<metric>``), is dashed. A baseline, if given, is a grey dotted
    line, so you can see at a glance whether a model beats it.

    Introduced in ``notebooks/13_why_lstm_vanishing_gradients.ipynb``.

    Args:
        histories: ``{model name: history}``, where a history is what
            ``model.fit`` returns or its ``.history`` dict.
        metric: Which metric to plot, e.g. ``"loss"`` or ``"mae"``.
        baseline: A value to draw as a horizontal reference line.
        baseline_label: The baseline's legend entry.
        ax: Axes to draw into; a new figure when omitted.
        log_scale: Use a logarithmic y axis (for losses spanning decades).

    Returns:
        The Axes.

    Raises:
        TypeError: If ``histories`` is not a mapping.
        ValueError: If it is empty, or a history lacks ``metric`` or is empty.

    Example:
        >>> ax = plot_learning_curves(
        ...     {"model": {"loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.6, 0.4]}}, baseline=0.8
        ... )
        >>> [line.get_label() for line in ax.get_lines()]
        ['model: training', 'model: validation', 'baseline']
        >>> plt.close("all")
    """
    _check_named_mapping(histories, "histories", "{model name: history}", "run", "{'LSTM': history}")
    ax = _axes_or_new(ax)
    for number, (name, history) in enumerate(histories.items()):
        curves = getattr(history, "history", history)
        if metric not in curves or len(curves[metric]) == 0:
            raise ValueError(
                f"the history of {name!r} has no values for {metric!r}; it has "
                f"{sorted(curves)}. Pass metric= one of those."
            )
        color = OKABE_ITO[number % len(OKABE_ITO)]
        epochs = np.arange(1, len(curves[metric]) + 1)
        ax.plot(epochs, curves[metric], color=color, label=f"{name}: training")
        if f"val_{metric}" in curves:
            ax.plot(epochs, curves[f"val_{metric}"], color=color, linestyle="--", label=f"{name}: validation")
    if baseline is not None:
        ax.axhline(baseline, color="grey", linestyle=":", linewidth=2, label=baseline_label)
    if log_scale:
        ax.set_yscale("log")
    ax.set_title(f"Learning curves ({metric})")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.legend()
    return ax


def _as_curve(values: object, name: str) -> np.ndarray:
    """One feature over time as a 1-D array: ``(steps,)`` or ``(steps, 1)`` is accepted."""
    array = _as_numeric(values, name)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be one feature over time, shape (steps,) or (steps, 1); received shape "
            f"{array.shape}. Plot one feature at a time, e.g. {name}[:, 0]."
        )
    return array


def _forecast_curves(truth: object, forecasts: object) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Check the truth and a ``{name: forecast}`` mapping of forecasts of the same length."""
    truth = _as_curve(truth, "truth")
    _check_named_mapping(forecasts, "forecasts", "{name: forecast}", "forecast", "{'LSTM': y_pred}")
    curves = {}
    for name, forecast in forecasts.items():
        curve = _as_curve(forecast, f"forecasts[{name!r}]")
        if curve.shape != truth.shape:
            raise ValueError(
                f"forecast {name!r} has {curve.shape[0]} step(s) but truth has {truth.shape[0]}; "
                "each forecast must cover exactly the time steps of truth (e.g. y_test and the "
                "forecasts of x_test, or the next `steps` values after the start window)."
            )
        curves[str(name)] = curve
    return truth, curves


def _forecast_style(number: int) -> dict:
    """Colour and line style of the ``number``-th forecast (never black: that is the truth)."""
    colours = OKABE_ITO[:-1]
    return {
        "color": colours[number % len(colours)],
        "linestyle": FORECAST_LINESTYLES[number % len(FORECAST_LINESTYLES)],
    }


def plot_forecast(
    truth: np.ndarray,
    forecasts: Mapping[str, np.ndarray],
    *,
    time: np.ndarray | None = None,
    ax: Axes | None = None,
    title: str = "Forecast against the truth",
    xlabel: str = "time step",
    ylabel: str = "value",
) -> Axes:
    """Draw the true series (solid black) and each forecast of it (coloured, broken lines).

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Args:
        truth: The true values, shape ``(steps,)`` or ``(steps, 1)``.
        forecasts: ``{name: forecast}``, each forecast shaped like ``truth``;
            the names become the legend.
        time: The x values, one per step (numbers or dates);
            ``0, 1, ..., steps - 1`` when omitted. Pass the time steps of the
            test part to place it on the series' own time axis.
        ax: Axes to draw into; a new figure when omitted.
        title: The plot's title.
        xlabel: The x axis label (add units, e.g. ``"time step (0.1 s)"``).
        ylabel: The y axis label.

    Returns:
        The Axes.

    Raises:
        TypeError: If ``forecasts`` is not a mapping, ``ax`` is not an Axes
            or an array is not numeric.
        ValueError: If ``forecasts`` is empty, an array is not one feature
            over time or not finite, or a forecast or ``time`` has a
            different length from ``truth``.

    Example:
        >>> truth = np.sin(0.1 * np.arange(50))
        >>> ax = plot_forecast(truth, {"persistence": np.roll(truth, 1)})
        >>> [line.get_label() for line in ax.get_lines()]
        ['truth', 'persistence']
        >>> ax.get_title(), ax.get_xlabel(), ax.get_ylabel()
        ('Forecast against the truth', 'time step', 'value')
        >>> plt.close("all")
    """
    truth, curves = _forecast_curves(truth, forecasts)
    if time is None:
        time = np.arange(truth.shape[0])
    else:
        time = np.asarray(time) if np.asarray(time).dtype.kind == "M" else _as_curve(time, "time")
        if time.shape != truth.shape:
            raise ValueError(
                f"time has {time.shape[0]} value(s) but truth has {truth.shape[0]}; pass one time "
                "value per step, e.g. np.arange(start, start + len(truth))."
            )
    ax = _axes_or_new(ax)
    ax.plot(time, truth, color="black", linewidth=2, label="truth")
    for number, (name, curve) in enumerate(curves.items()):
        ax.plot(time, curve, label=name, **_forecast_style(number))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_error_growth(
    truth: np.ndarray,
    forecasts: Mapping[str, np.ndarray],
    *,
    ax: Axes | None = None,
    title: str = "How the error grows with the forecast horizon",
    ylabel: str = "absolute error",
    log_scale: bool = False,
) -> Axes:
    """Draw each multi-step forecast's absolute error against the number of steps ahead.

    ``truth`` and every forecast cover the steps 1, 2, ... after the same
    start window (as :func:`utils.forecasting.recursive_forecast` returns
    them); the plot shows ``|forecast - truth|`` at each step, so you can see
    how fast fed-back mistakes pile up.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Args:
        truth: The true next values, shape ``(steps,)`` or ``(steps, 1)``.
        forecasts: ``{name: forecast}``, each forecast shaped like ``truth``.
        ax: Axes to draw into; a new figure when omitted.
        title: The plot's title.
        ylabel: The y axis label (add the series' units if it has any).
        log_scale: Use a logarithmic y axis, for errors spanning decades.

    Returns:
        The Axes.

    Raises:
        TypeError: If ``forecasts`` is not a mapping, ``ax`` is not an Axes
            or an array is not numeric.
        ValueError: If ``forecasts`` is empty, an array is not one feature
            over time or not finite, or a forecast has a different length
            from ``truth``.

    Example:
        >>> truth = np.array([1.0, 2.0, 3.0])
        >>> ax = plot_error_growth(truth, {"flat": np.array([1.0, 1.0, 1.0])})
        >>> line = ax.get_lines()[0]
        >>> line.get_xdata(), line.get_ydata()  # steps ahead, absolute error
        (array([1, 2, 3]), array([0., 1., 2.]))
        >>> plt.close("all")
    """
    truth, curves = _forecast_curves(truth, forecasts)
    ax = _axes_or_new(ax)
    steps_ahead = np.arange(1, truth.shape[0] + 1)
    for number, (name, curve) in enumerate(curves.items()):
        ax.plot(steps_ahead, np.abs(curve - truth), marker="." if truth.shape[0] <= 50 else None,
                label=name, **_forecast_style(number))
    if log_scale:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.set_xlabel("steps ahead")
    ax.set_ylabel(ylabel)
    ax.legend()  # even for one forecast: the legend names it
    return ax
