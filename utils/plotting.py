"""The course's plot style and the plots its lessons share.

Why this module exists: every lesson plots the same kinds of things (gate
activations, cell and hidden states, learning curves, forecasts against the
truth and how their error grows with the horizon), and a learner should
not have to read twenty lines of matplotlib to see an LSTM. Each helper draws
one figure with a title, labelled axes and a legend when there is more than
one line, and returns its ``Axes`` so a lesson can add to it. The
``draw_*`` functions draw what a learner would rather look at than read: the
unrolled RNN and its gradient path, the LSTM cell, the sequence modes and
windowing.

Every figure a notebook shows carries alternative text for readers who
cannot see it: :func:`set_alt_text` describes a figure, and the helpers here
describe what they draw; :func:`get_alt_text` generates a description from
titles, labels and legends for any other figure.

Importing this module changes nothing: a notebook's setup cell calls
:func:`use_course_style` to switch the course style (and, in a Jupyter
kernel, the alt text) on.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from utils.datasets import _as_numeric

__all__ = [
    "COURSE_STYLE",
    "SEQUENCE_MODES",
    "draw_lstm_cell",
    "draw_sequence_modes",
    "draw_unrolled_rnn",
    "draw_windowing",
    "get_alt_text",
    "plot_cell_states",
    "plot_error_growth",
    "plot_forecast",
    "plot_gates",
    "plot_learning_curves",
    "set_alt_text",
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


def use_course_style(alt_text: bool = True) -> None:
    """Switch matplotlib to the course style (call it once in a setup cell).

    In a Jupyter kernel it also makes every figure the notebook shows carry
    alternative text for screen readers and HTML exports: the description set
    with :func:`set_alt_text`, or else one generated from the figure's titles,
    axis labels and legend (:func:`get_alt_text`). Outside IPython only the
    style changes.

    Introduced in ``notebooks/00_start_here.ipynb``.

    Args:
        alt_text: Add alt text to the figures shown in the running IPython
            kernel (default). Pass False to change the style only.

    Example:
        >>> use_course_style()
        >>> plt.rcParams["axes.spines.top"]
        False
        >>> plt.rcdefaults()  # back to matplotlib's defaults
    """
    shell = _ipython_shell() if alt_text else None
    if shell is not None:
        # Load the backend now: matplotlib-inline registers its own PNG printer for figures when it is
        # loaded (on the first figure otherwise), and that would replace the one that adds alt text.
        plt._get_backend_mod()
    mpl.rcParams.update(COURSE_STYLE)
    if shell is not None:
        _enable_alt_text(shell)


def _ipython_shell() -> Any:
    """The running IPython shell, or None (plain Python, or IPython not installed)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "display_formatter") else None


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


# --- Alt text ------------------------------------------------------------------------------
#
# A figure shown in a notebook is a PNG in the cell's output, and its description lives in the
# output's metadata, {"image/png": {"alt": ...}} (what IPython.display.Image(..., alt=...) writes).
# nbconvert's "classic" HTML template writes it into the <img alt="...">. Its default "lab"
# template (nbconvert 7.17, also behind the reveal.js slides) and JupyterLab 4.6's image renderer
# do not read it: a lab-based export needs a template whose data_png block adds the attribute.
# set_alt_text stores a description on a figure or a panel; use_course_style registers, in the
# running IPython kernel, a PNG formatter for Figure that adds the description to the metadata
# (the one set with set_alt_text, or one generated from the titles, axis labels and legend).
# Every plot helper here leaves a one-line summary of what it drew on its Axes, which the
# generated description includes, so a figure that a lesson changes after the helper (a new
# title, an extra line) is still described as it is shown.

_ALT_TEXT = "_course_alt_text"  # a description set with set_alt_text, used as it is
_ALT_SUMMARY = "_course_alt_summary"  # what a plot helper drew, completed when the figure is shown
_MAX_LEGEND_ENTRIES = 8

_MATH_SYMBOLS = {
    r"\partial ": "∂", r"\partial": "∂", r"\sigma": "σ", r"\odot": "⊙", r"\cdot": "·", r"\times": "×", r"\top": "T",
    r"\approx": "≈", r"\ldots": "...", r"\alpha": "α", r"\beta": "β", r"\eta": "η", r"\lambda": "λ",
    r"\left": "", r"\right": "", r"\,": " ", r"\;": " ", r"\!": "",
}


def _plain(text: str) -> str:
    """A label as a screen reader should hear it: mathtext ``$...$`` spelled out in plain characters.

    Example: ``r"candidate $\\tilde{c}_t$"`` becomes ``"candidate tilde c_t"``.
    """
    text = str(text)
    if "$" in text:
        text = re.sub(r"\\(tilde|hat|bar)\{(\w+)\}", r"\1 \2", text)
        for command, symbol in _MATH_SYMBOLS.items():
            text = text.replace(command, symbol)
        text = re.sub(r"([_^])\{([^{}]*)\}", lambda m: m.group(1) + (m.group(2) if len(m.group(2)) <= 1 else f"({m.group(2)})"), text)
        text = re.sub(r"\\mathrm\{([^{}]*)\}|\\text\{([^{}]*)\}", lambda m: m.group(1) or m.group(2) or "", text)
        text = text.replace("\\", "").replace("{", "").replace("}", "").replace("$", "")
    return " ".join(text.split())


def _figure_of(fig_or_ax: object, function: str) -> Figure:
    """The Figure of a Figure or an Axes, or a TypeError that says what to pass."""
    if isinstance(fig_or_ax, Axes):
        return fig_or_ax.get_figure(root=True)
    if isinstance(fig_or_ax, Figure):
        return fig_or_ax
    raise TypeError(
        f"{function} needs a matplotlib Figure or Axes; received {type(fig_or_ax).__name__}. "
        "Pass the Axes a plot helper returned, or ax.figure."
    )


def set_alt_text(fig_or_ax: Figure | Axes, text: str) -> None:
    """Describe a figure (or one of its panels) for readers who cannot see it.

    The description becomes the image's alternative text when the figure is
    shown in a notebook (after :func:`use_course_style`): the PNG output's
    metadata carries it, and an HTML export of the notebook writes it into the
    image's ``alt`` attribute, for screen readers (nbconvert's classic
    template does; see the module's notes on alt text). Say what the figure
    shows and what a reader should notice, in a sentence or two.

    On a Figure, ``text`` describes the whole figure. On an Axes, it describes
    that panel; the figure's description then combines its panels. Figures you
    do not describe get a description generated from their titles, axis
    labels and legends (see :func:`get_alt_text`), and the plot helpers of
    this module describe what they draw; call it for the figures a lesson
    draws itself, where a title and labels do not say what to notice.

    Args:
        fig_or_ax: The Figure, or the Axes of one panel.
        text: The description, a non-empty string.

    Raises:
        TypeError: If ``fig_or_ax`` is not a Figure or Axes, or ``text`` is not a string.
        ValueError: If ``text`` is empty.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> fig, ax = plt.subplots()
        >>> _ = ax.plot([3, 1, 2])
        >>> set_alt_text(ax, "A line that falls from 3 to 1, then rises to 2.")
        >>> get_alt_text(fig)
        'Figure: A line that falls from 3 to 1, then rises to 2.'
        >>> plt.close("all")
    """
    target = fig_or_ax if isinstance(fig_or_ax, Axes) else _figure_of(fig_or_ax, "set_alt_text")
    if not isinstance(text, str):
        raise TypeError(f"text must be a string describing the figure; received {type(text).__name__}.")
    if not text.strip():
        raise ValueError(
            "text is empty; describe what the figure shows, e.g. 'Training loss falls from 0.9 to 0.1 over 20 epochs'."
        )
    setattr(target, _ALT_TEXT, " ".join(text.split()))


def _count(number: int, noun: str) -> str:
    """``3 steps``, ``1 step``: a count for a sentence."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _describe(ax: Axes, summary: str) -> None:
    """Leave a plot helper's one-line summary of what it drew on ``ax`` (for the generated alt text)."""
    setattr(ax, _ALT_SUMMARY, summary)


def _is_panel(ax: Axes) -> bool:
    """Whether an Axes is a panel worth describing (not a colour bar, not hidden, not empty)."""
    if getattr(ax, "_colorbar", None) is not None or not ax.get_visible():
        return False
    return ax.axison or bool(ax.get_title() or ax.patches or ax.texts or ax.lines or ax.images)


def _axis_label(ax: Axes, which: str) -> str | None:
    axis = ax.xaxis if which == "x" else ax.yaxis
    label = _plain(axis.get_label_text())
    if not label:
        return None
    scale = axis.get_scale()
    said = f"{scale} scale" in label  # a label such as "loss (log scale)" already says it
    return f"{which}: {label}" + (f" ({scale} scale)" if scale != "linear" and not said else "")


def _contents(ax: Axes) -> str | None:
    """What an Axes holds: its legend entries, or else a count of what is drawn."""
    legend = ax.get_legend()
    if legend is not None and legend.get_texts():
        entries = [_plain(text.get_text()) for text in legend.get_texts()]
        if len(entries) > _MAX_LEGEND_ENTRIES:
            entries = [*entries[:_MAX_LEGEND_ENTRIES], f"and {len(entries) - _MAX_LEGEND_ENTRIES} more"]
        return "legend: " + ", ".join(entries)
    if not ax.axison:
        return None
    kinds = []
    lines = [line for line in ax.get_lines() if len(np.atleast_1d(line.get_xdata())) > 1]
    if lines:
        kinds.append(f"{len(lines)} line{'s' if len(lines) > 1 else ''}")
    if ax.images:
        kinds.append("a heatmap" if len(ax.images) == 1 else f"{len(ax.images)} images")
    bars = sum(len(container) for container in ax.containers)
    if bars:
        kinds.append(f"{bars} bars")
    if ax.collections:
        kinds.append("scatter points or filled areas")
    return ", ".join(kinds) if kinds else None


def _describe_axes(ax: Axes) -> str:
    """A generated description of one panel: title, the helper's summary, axes, legend."""
    given = getattr(ax, _ALT_TEXT, None)
    if given:
        return given
    title = _plain(ax.get_title() or ax.get_title(loc="left") or ax.get_title(loc="right"))
    head = f"'{title}'" if title else "untitled plot"
    summary = getattr(ax, _ALT_SUMMARY, None)
    if summary:
        head += f": {summary}"
    parts = [head]
    if ax.axison:
        parts += [label for label in (_axis_label(ax, "x"), _axis_label(ax, "y")) if label]
    contents = _contents(ax)
    if contents and (contents.startswith("legend") or not summary):  # a summary already says what is drawn
        parts.append(contents)
    return "; ".join(parts)


def get_alt_text(fig_or_ax: Figure | Axes) -> str:
    """The alternative text a figure carries when a notebook shows it.

    It is the description set with :func:`set_alt_text` on the figure, if any.
    Otherwise it is made from the figure as it is now: its suptitle, and for
    each panel the description set on that panel or else its title, what the
    plot helper that drew it says it shows, the axis labels and the legend
    entries, e.g. ``"Figure: 'Forecast on the test period'; x: time step;
    y: value; legend: truth, LSTM, persistence"``.

    Args:
        fig_or_ax: The Figure, or any of its Axes.

    Returns:
        The description, one line of text.

    Raises:
        TypeError: If ``fig_or_ax`` is not a Figure or Axes.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> fig, ax = plt.subplots()
        >>> _ = ax.plot([0, 1], [0.5, 0.2], label="LSTM")
        >>> _ = ax.set(title="Loss", xlabel="epoch", ylabel="MSE")
        >>> _ = ax.legend()
        >>> get_alt_text(ax)
        "Figure: 'Loss'; x: epoch; y: MSE; legend: LSTM"
        >>> plt.close("all")
    """
    fig = _figure_of(fig_or_ax, "get_alt_text")
    given = getattr(fig, _ALT_TEXT, None)
    if given:
        return given
    suptitle = _plain(fig.get_suptitle())
    panels = [_describe_axes(ax) for ax in fig.axes if _is_panel(ax)]
    if not panels:
        return f"Figure: '{suptitle}'" if suptitle else "Empty figure"
    if len(panels) == 1:
        return f"Figure: '{suptitle}'; {panels[0]}" if suptitle else f"Figure: {panels[0]}"
    head = f"Figure: '{suptitle}', {len(panels)} panels" if suptitle else f"Figure with {len(panels)} panels"
    return head + ". " + " ".join(f"Panel {number}: {text}." for number, text in enumerate(panels, start=1))


def _png_with_alt_text(original: Callable[[Figure], Any]) -> Callable[[Figure], Any]:
    """Wrap IPython's PNG printer for Figure so that its output carries ``{"alt": ...}`` metadata."""

    def png_with_alt_text(fig: Figure) -> Any:
        result = original(fig)
        data, metadata = result if isinstance(result, tuple) else (result, None)
        if data is None:  # an empty figure: nothing is shown
            return result
        try:
            alt = get_alt_text(fig)
        except Exception as error:  # a description must never keep a figure from being shown
            warnings.warn(f"no alt text for this figure: {error!r}", RuntimeWarning, stacklevel=2)
            return result
        return data, {**(metadata or {}), "alt": alt}

    png_with_alt_text.__wrapped__ = original  # type: ignore[attr-defined]
    png_with_alt_text.adds_alt_text = True  # type: ignore[attr-defined]
    return png_with_alt_text


def _install_alt_text_formatter(shell: Any) -> bool:
    """Make ``shell``'s PNG formatter for Figure add alt text; True when it does (now or already)."""
    formatter = shell.display_formatter.formatters.get("image/png")
    if formatter is None:
        return False
    try:
        printer = formatter.lookup_by_type(Figure)
    except KeyError:  # no PNG printer for figures (not the inline backend yet): nothing to wrap
        return False
    if not getattr(printer, "adds_alt_text", False):
        formatter.for_type(Figure, _png_with_alt_text(printer))
    return True


def _keep_alt_text_formatter() -> None:
    """Before each cell: wrap the PNG printer again if something replaced it.

    matplotlib-inline registers a fresh printer when its backend is loaded and
    when ``%config InlineBackend.figure_formats`` changes.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        _install_alt_text_formatter(shell)


def _enable_alt_text(shell: Any) -> bool:
    """Give every figure ``shell`` shows alt text, from now on; True when its PNG printer is wrapped."""
    if _keep_alt_text_formatter not in shell.events.callbacks.get("pre_execute", []):
        shell.events.register("pre_execute", _keep_alt_text_formatter)
    return _install_alt_text_formatter(shell)


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
        _describe(ax, f"heatmap of the activation of each of the {units} units (rows) at each of the {timesteps} "
                      f"time steps (columns), colour scale from {low:g} to 1")
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
    _describe(ax, f"cell state c_t (solid) and hidden state h_t (dashed) of {_count(units, 'unit')} over {_count(timesteps, 'time step')}, "
                  "one colour per unit")
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

    Introduced in ``notebooks/13_training_a_keras_model.ipynb``.

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
    summary = f"{metric} per epoch of {', '.join(map(str, histories))}, training solid, validation dashed"
    if baseline is not None:
        summary += f"; a dotted line marks {baseline_label} at {baseline:.4g}"
    _describe(ax, summary)
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
    _describe(ax, f"the true series (solid black) and {_count(len(curves), 'forecast')} of it (broken lines) over "
                  f"{_count(truth.shape[0], 'step')}")
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
    _describe(ax, f"absolute error of each forecast at 1 to {truth.shape[0]} steps ahead")
    return ax


# --- Diagrams ------------------------------------------------------------------------------
#
# The diagrams are drawn in data coordinates on an Axes with its axis switched off: boxes are
# FancyBboxPatch, pointwise operations Circle/Ellipse, arrows FancyArrowPatch. Each arrow gets a
# gid saying what it carries ("forward", "recurrent", "gradient", ...) so a lesson or a test can
# find it. Colours: inputs blue, cells and gates orange, outputs green, gradients vermillion.

INPUT_COLOUR, CELL_COLOUR, OUTPUT_COLOUR, STATE_COLOUR, GRADIENT_COLOUR = (
    OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[4], OKABE_ITO[3],
)


def _check_int_range(value: object, name: str, low: int, high: int, why: str) -> int:
    """An integer from ``low`` to ``high`` (bools are not integers here), or a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer; received {value!r} ({type(value).__name__}).")
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low} to {high} ({why}); received {name}={value}.")
    return int(value)


def _diagram_axes(ax: Axes | None, xlim: tuple[float, float], ylim: tuple[float, float],
                  inches_per_unit: float = 0.85, min_width: float = 0.0) -> Axes:
    """An Axes ready for a diagram: given or new, axis off, equal aspect, fixed limits."""
    if ax is None:
        width = max(inches_per_unit * (xlim[1] - xlim[0]) + 0.3, min_width)
        size = (width, inches_per_unit * (ylim[1] - ylim[0]) + 0.6)
        _, ax = plt.subplots(figsize=size)
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes; received {type(ax).__name__}.")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _box(ax: Axes, x: float, y: float, text: str, colour: str, width: float = 1.0, height: float = 0.8,
         fontsize: float = 11, gid: str | None = None) -> mpl.patches.FancyBboxPatch:
    """A rounded box centred on (x, y), tinted with ``colour``, with ``text`` in its middle."""
    box = mpl.patches.FancyBboxPatch(
        (x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0,rounding_size=0.12",
        facecolor=mpl.colors.to_rgba(colour, 0.18), edgecolor=colour, linewidth=1.6, gid=gid, zorder=2,
    )
    ax.add_patch(box)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3)
    return box


def _node(ax: Axes, x: float, y: float, symbol: str, radius: float = 0.3, gid: str | None = None) -> None:
    """A pointwise operation (× or +) as a small circle on a line."""
    ax.add_patch(mpl.patches.Circle((x, y), radius, facecolor="white", edgecolor=STATE_COLOUR,
                                    linewidth=1.6, gid=gid, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=14, fontweight="bold", zorder=4)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], gid: str, colour: str = "black",
           linestyle: str = "-", rad: float = 0.0, linewidth: float = 1.4,
           head: bool = True) -> mpl.patches.FancyArrowPatch:
    """An arrow from ``start`` to ``end`` (a plain line when ``head`` is False), tagged with ``gid``."""
    arrow = mpl.patches.FancyArrowPatch(
        start, end, arrowstyle="-|>" if head else "-", mutation_scale=13, color=colour, linewidth=linewidth,
        linestyle=linestyle, connectionstyle=f"arc3,rad={rad}", shrinkA=0, shrinkB=0, gid=gid, zorder=1,
    )
    ax.add_patch(arrow)
    return arrow


def draw_unrolled_rnn(steps: int = 4, ax: Axes | None = None) -> Axes:
    """Draw the simple RNN unrolled through time, and the path its gradient takes back.

    Each time step is one copy of the same cell, ``h_t = tanh(x_t W + h_{t-1} U + b)``:
    the input ``x_t`` enters through ``W``, the previous hidden state through
    ``U`` (the same ``W`` and ``U`` at every step). A loss ``L`` is computed
    from the last hidden state. The red dashed arrows are the gradient
    ``∂L/∂h_t`` on its way back from the loss to ``h_1``: every step back
    multiplies it by ``(1 - h_t²)`` and by ``Uᵀ``, which is why it can shrink
    (or grow) geometrically.

    Introduced in ``notebooks/11_lstm_cell_from_equations.ipynb`` and used again
    in ``notebooks/14_why_lstm_vanishing_gradients.ipynb``.

    Args:
        steps: How many time steps to draw, 2 to 8.
        ax: Axes to draw into; a new figure when omitted.

    Returns:
        The Axes (its axis is switched off).

    Raises:
        TypeError: If ``steps`` is not an integer or ``ax`` is not an Axes.
        ValueError: If ``steps`` is not from 2 to 8.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = draw_unrolled_rnn(steps=3)
        >>> sum(patch.get_gid() == "gradient" for patch in ax.patches)  # loss -> h_3 -> h_2 -> h_1
        3
        >>> plt.close("all")
    """
    steps = _check_int_range(steps, "steps", 2, 8, "fewer than 2 shows no recurrence, more than 8 gets unreadable")
    gap = 2.5
    xs = [gap * t for t in range(1, steps + 1)]
    ax = _diagram_axes(ax, (0.3, xs[-1] + 1.9), (-3.3, 3.6), min_width=7.5)
    cell_y, input_y, output_y, loss_y = 0.0, -1.6, 1.6, 3.1
    ax.text(0.8, cell_y, "$h_0$", ha="center", va="center", fontsize=13)
    for t, x in enumerate(xs, start=1):
        _box(ax, x, cell_y, "tanh", CELL_COLOUR, width=1.1, height=0.8, gid="cell")
        _box(ax, x, input_y, f"$x_{t}$", INPUT_COLOUR, width=0.8, height=0.6, fontsize=12, gid="input")
        _box(ax, x, output_y, f"$h_{t}$", OUTPUT_COLOUR, width=0.8, height=0.6, fontsize=12, gid="hidden")
        _arrow(ax, (x, input_y + 0.3), (x, cell_y - 0.4), gid="forward")
        ax.text(x - 0.12, (input_y + cell_y) / 2 - 0.1, "$W$", ha="right", va="center", fontsize=12)
        _arrow(ax, (x, cell_y + 0.4), (x, output_y - 0.3), gid="forward")
        previous = 1.1 if t == 1 else x - gap + 0.55
        _arrow(ax, (previous, cell_y), (x - 0.55, cell_y), gid="recurrent")
        ax.text((previous + x - 0.55) / 2, cell_y - 0.12, "$U$", ha="center", va="top", fontsize=12)
    last = xs[-1]
    _box(ax, last, loss_y, "loss $L$", GRADIENT_COLOUR, width=1.3, height=0.6, fontsize=12, gid="loss")
    _arrow(ax, (last, output_y + 0.3), (last, loss_y - 0.3), gid="forward")
    # The gradient: from the loss down to h_T, then from each h_t back to h_{t-1} through the cells.
    _arrow(ax, (last + 0.5, loss_y - 0.3), (last + 0.5, output_y + 0.3), gid="gradient",
           colour=GRADIENT_COLOUR, linestyle="--", linewidth=1.8)
    ax.text(last + 0.62, (loss_y + output_y) / 2, rf"$\partial L/\partial h_{steps}$", ha="left", va="center",
            fontsize=11, color=GRADIENT_COLOUR)
    for t in range(steps, 1, -1):
        x = xs[t - 1]
        _arrow(ax, (x - 0.45, output_y - 0.3), (x - gap + 0.45, output_y - 0.3), gid="gradient",
               colour=GRADIENT_COLOUR, linestyle="--", linewidth=1.8, rad=0.45)
        ax.text(x - gap / 2, output_y + 0.22, rf"$\partial L/\partial h_{t - 1}$", ha="center", va="bottom",
                fontsize=11, color=GRADIENT_COLOUR)
    middle = (xs[0] + last) / 2
    ax.text(middle, -2.45, r"$h_t = \tanh(x_t W + h_{t-1} U + b)$, with the same $W$ and $U$ at every step",
            ha="center", va="center", fontsize=11)
    ax.text(middle, -3.0, r"each step back: $\partial L/\partial h_{t-1} = (\partial L/\partial h_t \odot (1 - h_t^2))\,U^\top$",
            ha="center", va="center", fontsize=11, color=GRADIENT_COLOUR)
    ax.set_title("The simple RNN unrolled through time, and the gradient's way back")
    _describe(ax, (
        f"diagram of a simple RNN unrolled over {steps} time steps. Each input x_t enters a tanh cell through the "
        "weights W and the previous hidden state enters it through the weights U, the same W and U at every step; "
        f"each cell outputs h_t, starting from h_0. A loss L is computed from h_{steps}. Red dashed arrows carry the "
        f"gradient ∂L/∂h back from the loss to h_{steps} and then step by step to h_1; every step back multiplies "
        "it by (1 − h_t²) and by U transposed, so it can shrink or grow geometrically"))
    return ax


def draw_lstm_cell(ax: Axes | None = None) -> Axes:
    """Draw the LSTM cell: its three gates, the candidate and the cell-state line.

    The cell state runs along the top from ``c_{t-1}`` to ``c_t``, changed
    only by a multiplication with the forget gate (×) and the addition of
    ``i_t ⊙ c̃_t`` (+). The inputs ``x_t`` and ``h_{t-1}`` run along the bottom
    into the four boxes, each of which computes ``x_t W_* + h_{t-1} U_* + b_*``
    and squashes it: σ for the gates ``f_t``, ``i_t``, ``o_t``, tanh for the
    candidate ``c̃_t``. On the right, ``h_t = o_t ⊙ tanh(c_t)``. Every block
    carries the name it has in the equations of the lesson (row vectors, Keras
    gate order i, f, c, o).

    Introduced in ``notebooks/11_lstm_cell_from_equations.ipynb``.

    Args:
        ax: Axes to draw into; a new figure when omitted.

    Returns:
        The Axes (its axis is switched off).

    Raises:
        TypeError: If ``ax`` is not an Axes.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = draw_lstm_cell()
        >>> sorted(patch.get_gid() for patch in ax.patches if patch.get_gid() in GATE_TITLES)
        ['c_tilde', 'f_t', 'i_t', 'o_t']
        >>> plt.close("all")
    """
    ax = _diagram_axes(ax, (0.0, 14.0), (-0.2, 8.6), inches_per_unit=0.72)
    state_y, gate_y, bus_y = 7.0, 3.4, 1.2
    f_x, i_x, c_x, o_x, h_x = 3.4, 5.2, 7.6, 9.4, 11.2
    add_x = 6.4
    ax.add_patch(mpl.patches.FancyBboxPatch(
        (2.2, 2.35), 10.0, 5.6, boxstyle="round,pad=0,rounding_size=0.3", facecolor="#f4f4f4",
        edgecolor="#bbbbbb", linewidth=1.0, zorder=0, gid="cell"))
    ax.text(12.05, 7.8, "LSTM cell", ha="right", va="top", fontsize=10, color="#666666")
    # The cell-state line across the top.
    ax.text(0.2, state_y, "$c_{t-1}$", ha="left", va="center", fontsize=13)
    _arrow(ax, (1.1, state_y), (f_x - 0.3, state_y), gid="cell_state", colour=STATE_COLOUR, linewidth=2.2, head=False)
    _arrow(ax, (f_x + 0.3, state_y), (add_x - 0.3, state_y), gid="cell_state", colour=STATE_COLOUR, linewidth=2.2, head=False)
    _arrow(ax, (add_x + 0.3, state_y), (13.1, state_y), gid="cell_state", colour=STATE_COLOUR, linewidth=2.2)
    ax.text(13.2, state_y, "$c_t$", ha="left", va="center", fontsize=13)
    _node(ax, f_x, state_y, "×", gid="forget_multiply")
    _node(ax, add_x, state_y, "+", gid="add")
    ax.text(f_x, state_y + 0.45, r"$f_t \odot c_{t-1}$", ha="center", va="bottom", fontsize=11)
    ax.text(8.9, state_y + 0.12, r"$c_t = f_t \odot c_{t-1} + i_t \odot \tilde{c}_t$", ha="center", va="bottom",
            fontsize=11)
    # The inputs along the bottom, into every box.
    ax.text(0.2, bus_y, "$h_{t-1}$", ha="left", va="center", fontsize=13)
    ax.text(1.7, -0.05, "$x_t$", ha="center", va="bottom", fontsize=13)
    _arrow(ax, (1.1, bus_y), (o_x, bus_y), gid="input", colour=INPUT_COLOUR, head=False)
    _arrow(ax, (1.7, 0.45), (1.7, bus_y), gid="input", colour=INPUT_COLOUR, head=False)
    ax.add_patch(mpl.patches.Circle((1.7, bus_y), 0.07, color=INPUT_COLOUR, zorder=2))
    ax.text(2.4, 0.3, r"each box: $x_t W_* + h_{t-1} U_* + b_*$, then σ or tanh (Keras keeps them in the order i, f, c, o)", ha="left", va="bottom",
            fontsize=10, color="#444444")
    boxes = (
        (f_x, r"$\sigma$", "f_t", r"forget gate $f_t$"),
        (i_x, r"$\sigma$", "i_t", r"input gate $i_t$"),
        (c_x, "tanh", "c_tilde", r"candidate $\tilde{c}_t$"),
        (o_x, r"$\sigma$", "o_t", r"output gate $o_t$"),
    )
    for x, symbol, gid, label in boxes:
        _arrow(ax, (x, bus_y), (x, gate_y - 0.4), gid="input", colour=INPUT_COLOUR)
        _box(ax, x, gate_y, symbol, CELL_COLOUR, width=1.1, height=0.8, fontsize=13, gid=gid)
        ax.text(x, gate_y - 0.55, label, ha="center", va="top", fontsize=10,
                bbox={"facecolor": "#f4f4f4", "edgecolor": "none", "pad": 0.5})
    # Forget gate up to the ×; input gate and candidate meet in a × and go up to the +.
    _arrow(ax, (f_x, gate_y + 0.4), (f_x, state_y - 0.3), gid="gate", colour=CELL_COLOUR)
    _node(ax, add_x, 5.0, "×", gid="input_multiply")
    _arrow(ax, (i_x + 0.2, gate_y + 0.4), (add_x - 0.22, 5.0 - 0.22), gid="gate", colour=CELL_COLOUR)
    _arrow(ax, (c_x - 0.2, gate_y + 0.4), (add_x + 0.22, 5.0 - 0.22), gid="gate", colour=CELL_COLOUR)
    _arrow(ax, (add_x, 5.3), (add_x, state_y - 0.3), gid="gate", colour=CELL_COLOUR)
    ax.text(add_x - 0.4, 5.0, r"$i_t \odot \tilde{c}_t$", ha="right", va="center", fontsize=11)
    # The output: tanh(c_t) times o_t.
    ax.add_patch(mpl.patches.Ellipse((h_x, 5.5), 1.2, 0.6, facecolor="white", edgecolor=STATE_COLOUR,
                                     linewidth=1.6, zorder=3, gid="tanh_c"))
    ax.text(h_x, 5.5, "tanh", ha="center", va="center", fontsize=11, zorder=4)
    _arrow(ax, (h_x, state_y), (h_x, 5.8), gid="cell_state", colour=STATE_COLOUR)
    ax.add_patch(mpl.patches.Circle((h_x, state_y), 0.07, color=STATE_COLOUR, zorder=2))
    ax.text(h_x + 0.7, 5.5, r"$\tanh(c_t)$", ha="left", va="center", fontsize=11)
    _node(ax, h_x, gate_y, "×", gid="output_multiply")
    _arrow(ax, (h_x, 5.2), (h_x, gate_y + 0.3), gid="cell_state", colour=STATE_COLOUR)
    _arrow(ax, (o_x + 0.55, gate_y), (h_x - 0.3, gate_y), gid="gate", colour=CELL_COLOUR)
    _arrow(ax, (h_x + 0.3, gate_y), (13.1, gate_y), gid="output", colour=OUTPUT_COLOUR, linewidth=2.0)
    ax.text(13.2, gate_y, "$h_t$", ha="left", va="center", fontsize=13)
    ax.text(h_x, gate_y - 0.55, r"$h_t = o_t \odot \tanh(c_t)$", ha="center", va="top", fontsize=11)
    ax.set_title("The LSTM cell: three gates, a candidate and the cell-state line")
    _describe(ax, (
        "diagram of one LSTM cell. The cell state runs along the top from c_(t-1) to c_t: it is multiplied by "
        "the forget gate f_t, then the input gate times the candidate, i_t ⊙ tilde c_t, is added, so "
        "c_t = f_t ⊙ c_(t-1) + i_t ⊙ tilde c_t. Along the bottom, x_t and h_(t-1) feed four boxes, each "
        "computing x_t W + h_(t-1) U + b with its own weights: the forget gate f_t, the input gate i_t and the "
        "output gate o_t through a sigmoid, the candidate tilde c_t through tanh. On the right, tanh(c_t) is "
        "multiplied by o_t to give the output h_t = o_t ⊙ tanh(c_t)"))
    return ax

#: What each panel of :func:`draw_sequence_modes` shows, for its alt text.
_SEQUENCE_MODE_SUMMARIES = (
    "one input x goes through a Dense layer to one output y; Keras: Dense(units) on (batch, features), no time axis",
    "one input x is copied to each of 4 LSTM steps and every step gives an output, y_1 to y_4; Keras: "
    "RepeatVector(timesteps) turns (batch, features) into (batch, timesteps, features), then "
    "LSTM(units, return_sequences=True) and Dense(1) give one y per step",
    "inputs x_1 to x_4 go through a chain of LSTM steps and only the last step gives an output y; Keras: "
    "LSTM(units) returns the last output, shape (batch, units), then Dense(1)",
    "inputs x_1 to x_4 go through a chain of LSTM steps and every step gives an output, y_1 to y_4; Keras: "
    "LSTM(units, return_sequences=True) returns (batch, timesteps, units) and Dense(1) on that 3-D output gives "
    "one y per step",
    "an encoder LSTM reads x_1 to x_3 and hands its final states h and c to a decoder LSTM, which reads y_0 to "
    "y_2 and outputs y_1 to y_3; Keras: the encoder's LSTM(units, return_state=True) returns output, h, c and the "
    "decoder's LSTM(units, return_sequences=True) is called with initial_state=[h, c]",
)

#: The five sequence modes of :func:`draw_sequence_modes`: title and the Keras code that gives each.
SEQUENCE_MODES = {
    "one-to-one": "Dense(units) on (batch, features):\nno time axis, one input → one output",
    "one-to-many": "RepeatVector(timesteps)\n→ (batch, timesteps, features);\nLSTM(units, return_sequences=True);\nDense(1) on the 3-D output: a y per step",
    "many-to-one": "LSTM(units) → last output h_T,\nshape (batch, units); then Dense(1)",
    "many-to-many": "LSTM(units, return_sequences=True)\n→ (batch, timesteps, units);\nDense(1) on the 3-D output: a y per step",
    "encoder–decoder": "enc: LSTM(units, return_state=True)\n     → output, h, c\ndec: LSTM(units, return_sequences=True)(\n       y_in, initial_state=[h, c])",
}


def _sequence_chain(ax: Axes, xs: Sequence[float], inputs: Sequence[str | None], outputs: Sequence[str | None],
                    cell: str, colour: str = CELL_COLOUR) -> None:
    """One row of cells with an input under each where given, an output above where given, and the state between them."""
    for number, (x, source, target) in enumerate(zip(xs, inputs, outputs)):
        if source is not None:
            _box(ax, x, 0.0, source, INPUT_COLOUR, width=0.62, height=0.5, fontsize=11, gid="input")
            _arrow(ax, (x, 0.25), (x, 0.925), gid="forward")
        _box(ax, x, 1.2, cell, colour, width=0.72, height=0.55, fontsize=9.5, gid="cell")
        if target is not None:
            _box(ax, x, 2.4, target, OUTPUT_COLOUR, width=0.62, height=0.5, fontsize=11, gid="output")
            _arrow(ax, (x, 1.475), (x, 2.15), gid="forward")
        if number > 0:
            _arrow(ax, (xs[number - 1] + 0.36, 1.2), (x - 0.36, 1.2), gid="recurrent")


def draw_sequence_modes(axes: Sequence[Axes] | None = None) -> np.ndarray:
    """Draw the five sequence modes and the Keras arguments that give each.

    One panel each: one-to-one (no sequence, a ``Dense`` layer), one-to-many
    (``RepeatVector`` copies one input to every step of an LSTM with
    ``return_sequences=True``), many-to-one (``LSTM(units)`` returns the last
    output only), many-to-many (``return_sequences=True`` and a ``Dense``
    applied at every step of the 3-D output) and encoder–decoder (the
    encoder's ``return_state=True`` states become the decoder's
    ``initial_state``; the decoder reads the previous target, ``y_0`` being a
    start value). Inputs are blue, cells orange, outputs green; the Keras code
    is printed under each panel.

    Introduced in ``notebooks/12_keras_lstm_layer.ipynb``.

    Args:
        axes: Five Axes to draw into (any shape); a new figure of three rows
            (two panels, two panels, then the encoder–decoder) when omitted.

    Returns:
        The five Axes, in the order one-to-one, one-to-many, many-to-one,
        many-to-many, encoder–decoder.

    Raises:
        ValueError: If ``axes`` does not hold five matplotlib Axes.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> axes = draw_sequence_modes()
        >>> [ax.get_title() for ax in axes]
        ['one-to-one', 'one-to-many', 'many-to-one', 'many-to-many', 'encoder–decoder']
        >>> plt.close("all")
    """
    if axes is None:
        fig = plt.figure(figsize=(10, 10.5))
        grid = fig.add_gridspec(3, 4)
        axes = [fig.add_subplot(grid[row, columns])
                for row, columns in [(0, slice(0, 2)), (0, slice(2, 4)), (1, slice(0, 2)), (1, slice(2, 4)),
                                     (2, slice(1, 3))]]
        fig.suptitle("Sequence modes and the Keras arguments that give them", fontsize=13, fontweight="bold")
    axes = np.ravel(np.asarray(axes, dtype=object))
    if axes.size != 5 or not all(isinstance(ax, Axes) for ax in axes):
        raise ValueError(
            f"axes must hold 5 matplotlib Axes; received {axes.size} item(s). Pass e.g. "
            "plt.subplots(1, 5)[1], or omit axes for a new figure."
        )
    steps = [1.1, 2.55, 4.0, 5.45]
    for ax, (title, code) in zip(axes, SEQUENCE_MODES.items()):
        _diagram_axes(ax, (0.0, 6.6), (-2.0, 2.75))
        ax.set_title(title)
        ax.text(3.3, -0.45, code, ha="center", va="top", multialignment="left", fontsize=10, family="monospace",
                linespacing=1.3)
    one, one_many, many_one, many_many, encoder_decoder = axes
    _sequence_chain(one, [3.3], ["$x$"], ["$y$"], "Dense")
    _sequence_chain(one_many, steps, [None] * 4, [f"$y_{t}$" for t in range(1, 5)], "LSTM")
    _box(one_many, 3.3, 0.0, "$x$", INPUT_COLOUR, width=0.62, height=0.5, fontsize=11, gid="input")
    for x in steps:  # RepeatVector: the same x reaches every step
        _arrow(one_many, (3.3 + 0.2 * np.sign(x - 3.3), 0.25), (x, 0.925), gid="copy")
    _sequence_chain(many_one, steps, [f"$x_{t}$" for t in range(1, 5)], [None, None, None, "$y$"], "LSTM")
    _sequence_chain(many_many, steps, [f"$x_{t}$" for t in range(1, 5)], [f"$y_{t}$" for t in range(1, 5)], "LSTM")
    encoder_xs, decoder_xs = [0.5, 1.4, 2.3], [4.3, 5.2, 6.1]
    _sequence_chain(encoder_decoder, encoder_xs, [f"$x_{t}$" for t in range(1, 4)], [None] * 3, "enc")
    _sequence_chain(encoder_decoder, decoder_xs, [f"$y_{t}$" for t in range(0, 3)],
                    [f"$y_{t}$" for t in range(1, 4)], "dec", colour=STATE_COLOUR)
    _arrow(encoder_decoder, (encoder_xs[-1] + 0.36, 1.2), (decoder_xs[0] - 0.36, 1.2), gid="state",
           colour=STATE_COLOUR, linewidth=2.2)
    encoder_decoder.text(3.3, 1.3, "states $h, c$", ha="center", va="bottom", fontsize=10, color=STATE_COLOUR)
    for ax, summary in zip(axes, _SEQUENCE_MODE_SUMMARIES):
        _describe(ax, summary)
    return axes


def draw_windowing(window: int = 10, horizon: int = 1, ax: Axes | None = None) -> Axes:
    """Draw how a series is cut into windows: one input window, its target, the horizon and the next window.

    The series is a sampled sine. The shaded span is one input window of
    ``window`` steps; its target (a star) lies ``horizon`` steps after the
    window's last step, as in :func:`utils.datasets.make_windows`. The next
    window, shifted by one step, is outlined with its own target (a hollow
    star): consecutive windows overlap in ``window - 1`` steps.

    Introduced in ``notebooks/21_sine_wave_forecaster.ipynb``.

    Args:
        window: Number of time steps in the input window, 1 to 60.
        horizon: How many steps after the window's last step the target lies, 1 to 30.
        ax: Axes to draw into; a new figure when omitted.

    Returns:
        The Axes.

    Raises:
        TypeError: If ``window`` or ``horizon`` is not an integer, or ``ax`` is not an Axes.
        ValueError: If ``window`` or ``horizon`` is out of range.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = draw_windowing(window=5, horizon=2)
        >>> [text.get_text() for text in ax.get_legend().get_texts()][:3]
        ['series', 'input window: steps 2 to 6', 'target: step 8']
        >>> plt.close("all")
    """
    window = _check_int_range(window, "window", 1, 60, "a longer window does not fit on one readable plot")
    horizon = _check_int_range(horizon, "horizon", 1, 30, "a longer horizon does not fit on one readable plot")
    ax = _axes_or_new(ax)
    start = 2
    end = start + window - 1  # the window's last step
    target = end + horizon
    length = target + 5
    steps = np.arange(length)
    values = np.sin(2 * np.pi * steps / max(24, (length - 1) / 1.3))
    low, high = -1.45, 1.75
    ax.plot(steps, values, color="black", marker=".", markersize=5, linewidth=1.2, label="series", zorder=2)
    ax.axvspan(start - 0.4, end + 0.4, color=INPUT_COLOUR, alpha=0.18, linewidth=0,
               label=f"input window: steps {start} to {end}")
    ax.plot(steps[start:end + 1], values[start:end + 1], "o", color=INPUT_COLOUR, markersize=5, zorder=3)
    ax.plot([target], [values[target]], "*", color=GRADIENT_COLOUR, markersize=16, zorder=4,
            label=f"target: step {target}")
    ax.add_patch(mpl.patches.Rectangle(
        (start + 1 - 0.45, low + 0.12), window - 1 + 0.9, high - low - 0.55, fill=False, edgecolor=CELL_COLOUR,
        linestyle="--", linewidth=1.8, zorder=3, label=f"next window: steps {start + 1} to {end + 1}"))
    ax.plot([target + 1], [values[target + 1]], "*", markerfacecolor="white", markeredgecolor=CELL_COLOUR,
            markeredgewidth=1.5, markersize=15, zorder=4, label=f"next target: step {target + 1}")
    arrow_y = high - 0.22
    ax.add_patch(mpl.patches.FancyArrowPatch(
        (end, arrow_y), (target, arrow_y), arrowstyle="<|-|>", mutation_scale=12, color=GRADIENT_COLOUR,
        linewidth=1.4, shrinkA=0, shrinkB=0, gid="horizon", zorder=4))
    ax.plot([end, end], [values[end], arrow_y], ":", color=GRADIENT_COLOUR, linewidth=1)
    ax.plot([target, target], [values[target], arrow_y], ":", color=GRADIENT_COLOUR, linewidth=1)
    ax.text((end + target) / 2, arrow_y + 0.06, f"horizon = {horizon}", ha="center", va="bottom", fontsize=10,
            color=GRADIENT_COLOUR)
    ax.set_xlim(-0.8, length - 0.2)
    ax.set_ylim(low, high + 0.1)
    ax.set_title(f"Windowing a series: window = {window} steps, horizon = {horizon}")
    ax.set_xlabel("time step")
    ax.set_ylabel("value")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    _describe(ax, (
        f"a sine-like series with one input window of {_count(window, 'step')} shaded, its target (a star) "
        f"{_count(horizon, 'step')} after the window's last step (the horizon, marked by a double arrow), and the next window, "
        "shifted by one step, outlined with a dashed box, with its own target (a hollow star)"))
    return ax
