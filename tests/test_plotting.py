"""utils.plotting: the style is opt-in, every figure is titled and labelled, bad input is explained."""

import base64
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from utils.datasets import make_windows
from utils.lstm_numpy import lstm_forward
from utils.plotting import (
    COURSE_STYLE,
    OKABE_ITO,
    SEQUENCE_MODES,
    _enable_alt_text,
    _keep_alt_text_formatter,
    draw_lstm_cell,
    draw_sequence_modes,
    draw_unrolled_rnn,
    draw_windowing,
    get_alt_text,
    plot_cell_states,
    plot_error_growth,
    plot_forecast,
    plot_gates,
    plot_learning_curves,
    set_alt_text,
    use_course_style,
)


@pytest.fixture
def trace():
    rng = np.random.default_rng(0)
    units, num_features = 3, 2
    weights = (rng.normal(size=(num_features, 4 * units)), rng.normal(size=(units, 4 * units)), np.zeros(4 * units))
    *_, trace = lstm_forward(rng.normal(size=(2, 7, num_features)), *weights, return_trace=True)
    yield trace
    plt.close("all")


def test_importing_utils_changes_no_plot_settings():
    script = (
        "import matplotlib as mpl; before = dict(mpl.rcParams); import utils, utils.plotting; "
        "changed = [k for k in before if mpl.rcParams[k] != before[k]]; print(changed)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_use_course_style_applies_the_course_settings():
    try:
        use_course_style()
        for key, value in COURSE_STYLE.items():
            expected = list(value) if isinstance(value, tuple) else value  # rcParams store tuples as lists
            assert plt.rcParams[key] == expected, key
    finally:
        plt.rcdefaults()


def test_plot_gates_draws_four_titled_labelled_heatmaps(trace):
    axes = plot_gates(trace, sample=1)
    assert len(axes) == 4
    assert [ax.get_title() for ax in axes] == ["input gate $i_t$", "forget gate $f_t$", r"candidate $\tilde{c}_t$", "output gate $o_t$"]
    for ax, key in zip(axes, ("i_t", "f_t", "c_tilde", "o_t")):
        assert ax.get_xlabel() == "time step t" and ax.get_ylabel() == "unit"
        image = ax.get_images()[0]
        np.testing.assert_array_equal(image.get_array(), trace[key][1].T)  # the requested sample, units x time
    assert axes[0].figure.get_suptitle() == "Gate activations over time (sequence 1)"


def test_plot_gates_draws_into_given_axes(trace):
    _, given = plt.subplots(1, 4)
    returned = plot_gates(trace, axes=given)
    assert list(returned) == list(given)
    with pytest.raises(ValueError, match=r"axes must hold 4 matplotlib Axes; received 2"):
        plot_gates(trace, axes=given[:2])


def test_plot_cell_states_draws_solid_c_and_dashed_h_with_a_legend(trace):
    ax = plot_cell_states(trace, sample=0)
    lines = [line for line in ax.get_lines() if line.get_label().startswith("$")]
    assert len(lines) == 6  # c_t and h_t for 3 units
    assert {line.get_linestyle() for line in lines if line.get_label().startswith("$h_t")} == {"--"}
    assert {line.get_linestyle() for line in lines if line.get_label().startswith("$c_t")} == {"-"}
    np.testing.assert_array_equal(lines[0].get_ydata(), trace["c_t"][0, :, 0])
    assert ax.get_title() and ax.get_xlabel() == "time step t" and ax.get_ylabel() == "state value"
    assert len(ax.get_legend().get_texts()) == 6


def test_plots_explain_bad_input(trace):
    with pytest.raises(ValueError, match=r"sample=5 is out of range for a batch of 2 sequence\(s\); use 0 to 1"):
        plot_gates(trace, sample=5)
    with pytest.raises(ValueError, match=r"trace is missing \['h_t'\]"):
        plot_cell_states({"c_t": trace["c_t"]})
    with pytest.raises(ValueError, match=r"trace\['c_t'\] must have shape \(batch, timesteps, units\); received shape \(7, 3\)"):
        plot_cell_states({"c_t": trace["c_t"][0], "h_t": trace["h_t"][0]})
    with pytest.raises(TypeError, match="trace must be the dict returned by lstm_forward"):
        plot_gates([1, 2, 3])
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes; received str"):
        plot_cell_states(trace, ax="left")


def test_learning_curves_dash_validation_and_draw_the_baseline():
    histories = {
        "SimpleRNN": {"loss": [0.20, 0.18, 0.17], "val_loss": [0.21, 0.19, 0.18]},
        "LSTM": {"loss": [0.2, 0.05, 0.01]},  # no validation curve
    }
    ax = plot_learning_curves(histories, baseline=0.167, baseline_label="predict 1")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"SimpleRNN: training", "SimpleRNN: validation", "LSTM: training", "predict 1"}
    assert lines["SimpleRNN: validation"].get_linestyle() == "--"
    assert lines["SimpleRNN: training"].get_linestyle() == "-"
    assert lines["SimpleRNN: training"].get_color() == lines["SimpleRNN: validation"].get_color()
    np.testing.assert_array_equal(lines["LSTM: training"].get_xdata(), [1, 2, 3])
    assert list(lines["predict 1"].get_ydata()) == [0.167, 0.167]
    assert ax.get_title() == "Learning curves (loss)" and ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    plt.close("all")


def test_learning_curves_accept_a_keras_history_object():
    class History:  # what model.fit returns: an object with a .history dict
        def __init__(self):
            self.history = {"mae": [3.0, 2.0], "val_mae": [3.5, 2.5]}

    ax = plot_learning_curves({"model": History()}, metric="mae", log_scale=True)
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 2
    plt.close("all")


def test_learning_curves_explain_bad_input():
    with pytest.raises(ValueError, match=r"the history of 'm' has no values for 'mae'; it has \['loss'\]"):
        plot_learning_curves({"m": {"loss": [1.0]}}, metric="mae")
    with pytest.raises(ValueError, match="histories is empty"):
        plot_learning_curves({})
    with pytest.raises(TypeError, match=r"histories must be a dict \{model name: history\}; received list"):
        plot_learning_curves([{"loss": [1.0]}])


@pytest.fixture
def forecasts():
    truth = np.sin(0.1 * np.arange(30))
    yield truth, {"persistence": np.roll(truth, 1), "LSTM": truth + 0.05, "linear": (truth + 0.01)[:, None]}
    plt.close("all")


def test_plot_forecast_draws_the_truth_solid_black_and_each_forecast_in_its_own_style(forecasts):
    truth, predicted = forecasts
    ax = plot_forecast(truth, predicted)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == ["truth", "persistence", "LSTM", "linear"]
    assert lines["truth"].get_color() == "black" and lines["truth"].get_linestyle() == "-"
    others = [lines[name] for name in ("persistence", "LSTM", "linear")]
    assert len({line.get_color() for line in others}) == 3 and "black" not in {line.get_color() for line in others}
    assert all(line.get_color() in OKABE_ITO for line in others)
    assert all(line.get_linestyle() != "-" for line in others)
    np.testing.assert_array_equal(lines["truth"].get_xdata(), np.arange(30))
    np.testing.assert_array_equal(lines["LSTM"].get_ydata(), truth + 0.05)
    np.testing.assert_array_equal(lines["linear"].get_ydata(), truth + 0.01)  # (steps, 1) is drawn as one line
    assert ax.get_title() == "Forecast against the truth"
    assert ax.get_xlabel() == "time step" and ax.get_ylabel() == "value"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["truth", "persistence", "LSTM", "linear"]


def test_plot_forecast_uses_the_given_time_axis_labels_and_axes(forecasts):
    truth, predicted = forecasts
    _, given = plt.subplots()
    ax = plot_forecast(
        truth, {"LSTM": predicted["LSTM"]}, time=np.arange(100, 130), ax=given,
        title="Test part", xlabel="time step (0.1 s)", ylabel="amplitude",
    )
    assert ax is given
    np.testing.assert_array_equal(ax.get_lines()[1].get_xdata(), np.arange(100, 130))
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Test part", "time step (0.1 s)", "amplitude")
    assert ax.get_legend() is not None


def test_plot_forecast_rejects_a_forecast_of_another_length(forecasts):
    truth, _ = forecasts
    with pytest.raises(ValueError, match=r"forecast 'LSTM' has 29 step\(s\) but truth has 30; each forecast must cover exactly"):
        plot_forecast(truth, {"LSTM": truth[1:]})


def test_plot_forecast_explains_bad_input(forecasts):
    truth, predicted = forecasts
    with pytest.raises(TypeError, match=r"forecasts must be a dict \{name: forecast\}; received ndarray\. Wrap a single forecast"):
        plot_forecast(truth, truth)
    with pytest.raises(ValueError, match="forecasts is empty"):
        plot_forecast(truth, {})
    with pytest.raises(ValueError, match=r"truth must be one feature over time, shape \(steps,\) or \(steps, 1\); received shape \(30, 2\)\. Plot one feature at a time, e\.g\. truth\[:, 0\]"):
        plot_forecast(np.stack([truth, truth], axis=1), predicted)
    with pytest.raises(ValueError, match=r"time has 10 value\(s\) but truth has 30"):
        plot_forecast(truth, predicted, time=np.arange(10))
    with pytest.raises(ValueError, match=r"forecasts\['LSTM'\] contains 1 NaN"):
        plot_forecast(truth, {"LSTM": np.where(np.arange(30) == 3, np.nan, truth)})
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes; received str"):
        plot_forecast(truth, predicted, ax="left")


def test_plot_error_growth_draws_the_absolute_error_against_steps_ahead(forecasts):
    truth, predicted = forecasts
    ax = plot_error_growth(truth, predicted)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == ["persistence", "LSTM", "linear"]
    np.testing.assert_array_equal(lines["LSTM"].get_xdata(), np.arange(1, 31))  # steps ahead start at 1
    np.testing.assert_allclose(lines["persistence"].get_ydata(), np.abs(np.roll(truth, 1) - truth))
    np.testing.assert_allclose(lines["linear"].get_ydata(), np.full(30, 0.01))
    assert len({line.get_color() for line in lines.values()}) == 3
    assert ax.get_title() == "How the error grows with the forecast horizon"
    assert ax.get_xlabel() == "steps ahead" and ax.get_ylabel() == "absolute error"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["persistence", "LSTM", "linear"]
    assert ax.get_yscale() == "linear"


def test_plot_error_growth_options(forecasts):
    truth, predicted = forecasts
    _, given = plt.subplots()
    ax = plot_error_growth(truth, {"LSTM": predicted["LSTM"]}, ax=given, title="Recursive forecast", log_scale=True)
    assert ax is given and ax.get_title() == "Recursive forecast" and ax.get_yscale() == "log"


def test_plot_error_growth_explains_bad_input(forecasts):
    truth, _ = forecasts
    with pytest.raises(ValueError, match=r"forecast 'LSTM' has 31 step\(s\) but truth has 30"):
        plot_error_growth(truth, {"LSTM": np.zeros(31)})
    with pytest.raises(TypeError, match=r"forecasts must be a dict"):
        plot_error_growth(truth, [truth])


# --- Diagrams ---------------------------------------------------------------------------------


def _texts(ax):
    return [text.get_text() for text in ax.texts]


def _gids(ax):
    return [patch.get_gid() for patch in ax.patches]


@pytest.mark.parametrize("steps", [2, 4, 8])
def test_unrolled_rnn_draws_every_step_and_the_gradient_path_back(steps):
    ax = draw_unrolled_rnn(steps=steps)
    gids = _gids(ax)
    assert gids.count("cell") == gids.count("input") == gids.count("hidden") == steps
    assert gids.count("loss") == 1
    assert gids.count("recurrent") == steps  # h_0 -> cell 1, then cell t-1 -> cell t
    texts = _texts(ax)
    assert [f"$x_{t}$" for t in range(1, steps + 1)] == [text for text in texts if text.startswith("$x_")]
    assert texts.count("$W$") == texts.count("$U$") == steps  # the shared weights, labelled at every step
    assert "$h_0$" in texts and "loss $L$" in texts
    gradient = [patch for patch in ax.patches if patch.get_gid() == "gradient"]
    assert len(gradient) == steps  # loss -> h_T, then h_t -> h_(t-1) down to h_1
    assert all(patch.get_linestyle() == "--" for patch in gradient)
    labels = [text for text in texts if text.startswith(r"$\partial L/\partial h_")]
    assert sorted(labels) == sorted(rf"$\partial L/\partial h_{t}$" for t in range(1, steps + 1))
    # The loss is above the last step and the gradient arrows run right to left, back in time.
    loss = next(patch for patch in ax.patches if patch.get_gid() == "loss")
    last_cell = [patch for patch in ax.patches if patch.get_gid() == "cell"][-1]
    assert abs(loss.get_x() + loss.get_width() / 2 - (last_cell.get_x() + last_cell.get_width() / 2)) < 1e-9
    for patch in gradient[1:]:
        (x_start, _), (x_end, _) = patch._posA_posB
        assert x_end < x_start
    assert ax.get_title() and not ax.axison
    plt.close("all")


def test_unrolled_rnn_draws_into_given_axes_and_explains_bad_input():
    _, given = plt.subplots()
    assert draw_unrolled_rnn(ax=given) is given
    with pytest.raises(ValueError, match=r"steps must be from 2 to 8 \(fewer than 2 shows no recurrence.*received steps=1"):
        draw_unrolled_rnn(steps=1)
    with pytest.raises(ValueError, match=r"received steps=9"):
        draw_unrolled_rnn(steps=9)
    with pytest.raises(TypeError, match=r"steps must be an integer; received 2.5 \(float\)"):
        draw_unrolled_rnn(steps=2.5)
    with pytest.raises(TypeError, match=r"steps must be an integer; received True \(bool\)"):
        draw_unrolled_rnn(steps=True)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes; received str"):
        draw_unrolled_rnn(ax="left")
    plt.close("all")


def test_lstm_cell_labels_every_block_with_its_equation_name():
    ax = draw_lstm_cell()
    gids = _gids(ax)
    for gate in ("f_t", "i_t", "c_tilde", "o_t"):  # one box per line of the equations
        assert gids.count(gate) == 1, gate
    for node in ("forget_multiply", "add", "input_multiply", "output_multiply", "tanh_c"):
        assert gids.count(node) == 1, node
    texts = _texts(ax)
    for label in ("forget gate $f_t$", "input gate $i_t$", r"candidate $\tilde{c}_t$", "output gate $o_t$",
                  "$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$x_t$", "$h_t$",
                  r"$f_t \odot c_{t-1}$", r"$i_t \odot \tilde{c}_t$",
                  r"$c_t = f_t \odot c_{t-1} + i_t \odot \tilde{c}_t$", r"$h_t = o_t \odot \tanh(c_t)$"):
        assert label in texts, label
    gate_boxes = {patch.get_gid(): patch for patch in ax.patches if patch.get_gid() in ("f_t", "i_t", "c_tilde", "o_t")}

    def text_in(box):
        centre = np.array([box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2])
        return next(text.get_text() for text in ax.texts if np.allclose(text.get_position(), centre))

    activations = {gid: text_in(box) for gid, box in gate_boxes.items()}
    assert activations == {"f_t": r"$\sigma$", "i_t": r"$\sigma$", "c_tilde": "tanh", "o_t": r"$\sigma$"}
    # The cell state runs along the top, left to right, above every gate.
    state = [patch for patch in ax.patches if patch.get_gid() == "cell_state"]
    top = max(patch._posA_posB[0][1] for patch in state)
    assert all(top > box.get_y() + box.get_height() for box in gate_boxes.values())
    assert sum(text.startswith("each box:") and "i, f, c, o" in text for text in texts) == 1  # Keras order
    plt.close("all")


def test_lstm_cell_explains_bad_input():
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes; received list"):
        draw_lstm_cell(ax=[])


def test_sequence_modes_draws_five_panels_with_their_keras_arguments():
    axes = draw_sequence_modes()
    assert [ax.get_title() for ax in axes] == [
        "one-to-one", "one-to-many", "many-to-one", "many-to-many", "encoder–decoder"]
    outputs = [_gids(ax).count("output") for ax in axes]
    inputs = [_gids(ax).count("input") for ax in axes]
    assert outputs == [1, 4, 1, 4, 3] and inputs == [1, 1, 4, 4, 6]
    codes = ["\n".join(_texts(ax)) for ax in axes]
    assert "Dense" in codes[0] and "LSTM(units)" in codes[2] and "return_sequences" not in codes[2]
    assert "RepeatVector(timesteps)" in codes[1] and "return_sequences=True" in codes[1]
    assert _gids(axes[1]).count("copy") == 4  # the one input reaches every step
    assert "return_sequences=True" in codes[3] and "Dense(1) on the 3-D output" in codes[3]
    assert "return_state=True" in codes[4] and "initial_state=[h, c]" in codes[4]
    assert all(code in "\n".join(codes) for code in SEQUENCE_MODES.values())
    assert _gids(axes[4]).count("state") == 1  # the encoder's states handed to the decoder
    assert axes[0].figure.get_suptitle()
    text = get_alt_text(axes[0])
    assert "5 panels" in text and "Panel 2: 'one-to-many': one input x is copied to each of 4 LSTM steps" in text
    plt.close("all")


def test_sequence_modes_draws_into_given_axes_and_explains_bad_input():
    _, given = plt.subplots(1, 5)
    assert list(draw_sequence_modes(given)) == list(given)
    with pytest.raises(ValueError, match=r"axes must hold 5 matplotlib Axes; received 4 item\(s\)"):
        draw_sequence_modes(given[:4])
    with pytest.raises(ValueError, match=r"axes must hold 5 matplotlib Axes; received 5 item\(s\)"):
        draw_sequence_modes(["a", "b", "c", "d", "e"])
    plt.close("all")


@pytest.mark.parametrize(("window", "horizon"), [(10, 1), (5, 3), (1, 1), (30, 10)])
def test_windowing_shows_the_window_its_target_the_horizon_and_the_next_window(window, horizon):
    ax = draw_windowing(window=window, horizon=horizon)
    lines = {line.get_label(): line for line in ax.get_lines()}
    series = lines["series"].get_ydata()
    start, end, target = 2, 2 + window - 1, 2 + window - 1 + horizon
    # The drawn window and target are exactly what make_windows cuts out of the same series.
    x, y = make_windows(series, window=window, horizon=horizon)
    window_points = next(line for line in ax.get_lines() if line.get_label().startswith("_") and line.get_marker() == "o")
    np.testing.assert_array_equal(window_points.get_xdata(), np.arange(start, end + 1))
    np.testing.assert_array_equal(window_points.get_ydata(), x[start, :, 0])
    target_line = lines[f"target: step {target}"]
    assert list(target_line.get_xdata()) == [target] and list(target_line.get_ydata()) == [y[start, 0]]
    assert list(lines[f"next target: step {target + 1}"].get_ydata()) == [y[start + 1, 0]]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["series", f"input window: steps {start} to {end}", f"target: step {target}",
                      f"next window: steps {start + 1} to {end + 1}", f"next target: step {target + 1}"]
    next_window = next(patch for patch in ax.patches if patch.get_label().startswith("next window"))
    assert next_window.get_x() < start + 1 <= end + 1 < next_window.get_x() + next_window.get_width() < end + 2
    assert next_window.get_linestyle() == "--"
    horizon_arrow = next(patch for patch in ax.patches if patch.get_gid() == "horizon")
    (x_from, _), (x_to, _) = horizon_arrow._posA_posB
    assert (x_from, x_to) == (end, target)
    assert f"horizon = {horizon}" in _texts(ax)
    assert ax.get_xlabel() == "time step" and ax.get_ylabel() == "value" and str(window) in ax.get_title()
    plt.close("all")


def test_windowing_explains_bad_input():
    with pytest.raises(ValueError, match=r"window must be from 1 to 60 .*; received window=0"):
        draw_windowing(window=0)
    with pytest.raises(ValueError, match=r"horizon must be from 1 to 30 .*; received horizon=31"):
        draw_windowing(horizon=31)
    with pytest.raises(TypeError, match=r"window must be an integer; received '10' \(str\)"):
        draw_windowing(window="10")
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes; received int"):
        draw_windowing(ax=1)
    plt.close("all")


# --- Alt text ---------------------------------------------------------------------------------


def test_set_alt_text_describes_a_figure_or_one_panel():
    fig, (left, right) = plt.subplots(1, 2)
    left.plot([1, 2], label="LSTM")
    left.set(title="Loss", xlabel="epoch", ylabel="MSE")
    right.plot([3, 1])
    set_alt_text(right, "  A line   falling from 3 to 1. ")
    assert get_alt_text(fig) == "Figure with 2 panels. Panel 1: 'Loss'; x: epoch; y: MSE; 1 line. Panel 2: A line falling from 3 to 1.."
    set_alt_text(left, "Loss falls.")
    assert get_alt_text(right) == "Figure with 2 panels. Panel 1: Loss falls.. Panel 2: A line falling from 3 to 1.."
    set_alt_text(fig, "Two lines, one rising, one falling.")  # the figure's own text wins over its panels
    assert get_alt_text(left) == get_alt_text(fig) == "Two lines, one rising, one falling."
    plt.close("all")


def test_set_alt_text_explains_bad_input():
    fig, ax = plt.subplots()
    with pytest.raises(TypeError, match=r"set_alt_text needs a matplotlib Figure or Axes; received str\. Pass the Axes"):
        set_alt_text("figure", "text")
    with pytest.raises(TypeError, match=r"text must be a string describing the figure; received NoneType"):
        set_alt_text(ax, None)
    with pytest.raises(ValueError, match=r"text is empty; describe what the figure shows"):
        set_alt_text(fig, "   ")
    with pytest.raises(TypeError, match=r"get_alt_text needs a matplotlib Figure or Axes; received ndarray"):
        get_alt_text(np.zeros(3))
    plt.close("all")


def test_generated_alt_text_reads_titles_labels_legend_and_spells_out_math():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], label="truth")
    ax.plot([1, 2, 2], label="LSTM")
    ax.set(title="Forecast on the test period", xlabel="time step", ylabel=r"gradient norm $\|\partial L/\partial h_{t-1}\|$")
    ax.set_yscale("log")
    ax.legend()
    assert get_alt_text(fig) == (
        "Figure: 'Forecast on the test period'; x: time step; y: gradient norm |∂L/∂h_(t-1)| (log scale); "
        "legend: truth, LSTM"
    )
    fig.suptitle(r"Candidate $\tilde{c}_t$")
    assert get_alt_text(fig).startswith("Figure: 'Candidate tilde c_t'; 'Forecast on the test period'; x: time step")
    plt.close("all")


def test_generated_alt_text_names_the_scale_once():
    """A label that already says "(log scale)" is not given the scale a second time."""
    fig, ax = plt.subplots()
    ax.semilogy([1, 2, 3], [1e-3, 1e-2, 1e-1])
    ax.set(xlabel="epoch", ylabel="mean squared error (log scale)")
    assert get_alt_text(fig) == "Figure: untitled plot; x: epoch; y: mean squared error (log scale); 1 line"
    ax.set_ylabel("mean squared error")
    assert get_alt_text(fig) == "Figure: untitled plot; x: epoch; y: mean squared error (log scale); 1 line"
    plt.close("all")


def test_generated_alt_text_leaves_out_colour_bars_and_describes_what_is_drawn():
    fig, axes = plt.subplots(1, 3)
    image = axes[0].imshow(np.eye(3))
    fig.colorbar(image, ax=axes[0])
    axes[1].bar(["a", "b"], [1, 2])
    axes[2].set_axis_off()  # an empty, hidden panel: nothing to describe
    assert get_alt_text(fig) == "Figure with 2 panels. Panel 1: untitled plot; a heatmap. Panel 2: untitled plot; 2 bars."
    _, empty = plt.subplots()
    empty.set_axis_off()
    assert get_alt_text(empty) == "Empty figure"
    plt.close("all")


HELPERS = {
    "plot_gates": (lambda trace: plot_gates(trace), "heatmap of the activation of each of the 3 units"),
    "plot_cell_states": (lambda trace: plot_cell_states(trace), "cell state c_t (solid) and hidden state h_t (dashed) of 3 units over 7 time steps"),
    "plot_learning_curves": (lambda _: plot_learning_curves({"LSTM": {"loss": [1.0, 0.5]}}, baseline=0.75, baseline_label="persistence"),
                             "loss per epoch of LSTM, training solid, validation dashed; a dotted line marks persistence at 0.75"),
    "plot_forecast": (lambda _: plot_forecast(np.zeros(5), {"LSTM": np.ones(5)}), "the true series (solid black) and 1 forecast of it (broken lines) over 5 steps"),
    "plot_error_growth": (lambda _: plot_error_growth(np.zeros(5), {"LSTM": np.ones(5)}), "absolute error of each forecast at 1 to 5 steps ahead"),
    "draw_unrolled_rnn": (lambda _: draw_unrolled_rnn(steps=3), "simple RNN unrolled over 3 time steps"),
    "draw_lstm_cell": (lambda _: draw_lstm_cell(), "c_t = f_t ⊙ c_(t-1) + i_t ⊙ tilde c_t"),
    "draw_sequence_modes": (lambda _: draw_sequence_modes(), "initial_state=[h, c]"),
    "draw_windowing": (lambda _: draw_windowing(window=4, horizon=2), "one input window of 4 steps shaded, its target (a star) 2 steps after"),
}


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_every_plot_helper_describes_what_it_drew(helper, trace):
    draw, phrase = HELPERS[helper]
    result = draw(trace)
    first = np.ravel(np.asarray(result, dtype=object))[0]
    text = get_alt_text(first)
    assert phrase in text
    assert text.startswith("Figure")
    titles = [ax.get_title() for ax in first.figure.axes if ax.get_title()]
    assert titles and all(f"'{title}'" in text or "$" in title for title in titles)  # titles (math spelled out) included


def test_generated_alt_text_follows_changes_a_lesson_makes_after_the_helper():
    ax = plot_forecast(np.zeros(5), {"LSTM": np.ones(5)})
    ax.set_title("Forecast of the test period")
    ax.axhline(0.5, label="mean")
    ax.legend()
    assert get_alt_text(ax).startswith("Figure: 'Forecast of the test period': the true series")
    assert get_alt_text(ax).endswith("legend: truth, LSTM, mean")
    plt.close("all")


class _Shell:
    """The parts of an IPython shell the alt-text formatter uses, without starting IPython itself."""

    def __init__(self, formats=("png",)):
        from IPython.core.events import EventManager, available_events
        from IPython.core.formatters import DisplayFormatter
        from IPython.core.pylabtools import select_figure_formats

        self.display_formatter = DisplayFormatter()
        self.events = EventManager(self, available_events)
        select_figure_formats(self, set(formats), bbox_inches="tight")  # what matplotlib-inline registers

    def show(self, fig):
        data, metadata = self.display_formatter.format(fig)
        return data, metadata


def test_the_png_formatter_adds_the_description_as_alt_metadata():
    shell = _Shell()
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    ax.set_title("Rising")
    data, metadata = shell.show(fig)
    assert "image/png" in data and "image/png" not in metadata  # IPython alone: no alt text
    assert _enable_alt_text(shell)
    data, metadata = shell.show(fig)
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert metadata["image/png"] == {"alt": "Figure: 'Rising'; 1 line"}
    set_alt_text(fig, "A line rising from 1 to 2.")
    assert shell.show(fig)[1]["image/png"] == {"alt": "A line rising from 1 to 2."}
    # Enabling twice wraps the printer once, and registers the hook once.
    printer = shell.display_formatter.formatters["image/png"].lookup_by_type(Figure)
    assert _enable_alt_text(shell)
    assert shell.display_formatter.formatters["image/png"].lookup_by_type(Figure) is printer
    assert shell.events.callbacks["pre_execute"] == [_keep_alt_text_formatter]
    data, metadata = shell.show(plt.figure())  # a figure without axes shows nothing, as before
    assert "image/png" not in data and "image/png" not in metadata
    plt.close("all")


def test_the_formatter_keeps_retina_sizes_and_comes_back_after_a_format_change(monkeypatch):
    from IPython.core.pylabtools import select_figure_formats

    shell = _Shell(formats=("retina",))
    assert _enable_alt_text(shell)
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([1, 2])
    metadata = shell.show(fig)[1]["image/png"]
    assert set(metadata) == {"alt", "width", "height"}  # the retina printer's size is kept
    # %config InlineBackend.figure_formats registers a fresh printer; the pre_execute hook wraps it again.
    select_figure_formats(shell, {"png"})
    assert "image/png" not in shell.show(fig)[1]
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    shell.events.trigger("pre_execute")
    assert shell.show(fig)[1]["image/png"]["alt"] == "Figure: untitled plot; 1 line"
    plt.close("all")


def test_a_failing_description_never_hides_the_figure(monkeypatch):
    shell = _Shell()
    _enable_alt_text(shell)
    fig, ax = plt.subplots()
    ax.plot([1, 2])

    def broken(_):
        raise RuntimeError("boom")

    monkeypatch.setattr("utils.plotting.get_alt_text", broken)
    with pytest.warns(RuntimeWarning, match="no alt text for this figure"):
        data, metadata = shell.show(fig)
    assert "image/png" in data and "image/png" not in metadata
    plt.close("all")


def test_use_course_style_registers_the_formatter_only_inside_ipython(monkeypatch):
    shell = _Shell()
    try:
        fig, ax = plt.subplots()
        ax.plot([1, 2])
        use_course_style()  # no IPython running here: the style only
        assert "image/png" not in shell.show(fig)[1]
        monkeypatch.setattr("IPython.get_ipython", lambda: shell)
        use_course_style(alt_text=False)
        assert "image/png" not in shell.show(fig)[1]
        use_course_style()
        assert shell.show(fig)[1]["image/png"]["alt"] == "Figure: untitled plot; 1 line"
    finally:
        plt.rcdefaults()
        plt.close("all")


def test_figures_in_a_jupyter_kernel_carry_alt_text_once_each(monkeypatch):
    """End to end: a real kernel with matplotlib-inline, as JupyterLab runs a lesson."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.delenv("MPLBACKEND", raising=False)  # let ipykernel choose the inline backend, as it does in Jupyter
    sources = [
        "import matplotlib.pyplot as plt\nfrom utils import draw_windowing, set_alt_text, use_course_style\nuse_course_style()",
        "fig, ax = plt.subplots()\nax.plot([1, 2, 3], label='truth')\nax.set(title='Forecast', xlabel='time step', ylabel='value')\nax.legend();",
        "fig, ax = plt.subplots()\nax.plot([1, 2])\nset_alt_text(fig, 'A rising line.')\nplt.show()\nprint('after show')",
        "fig, ax = plt.subplots()\nax.plot([2, 1])\nplt.close(fig)\nfig",
        "%config InlineBackend.figure_formats = ['retina']",
        "draw_windowing(window=5);",
        "x = 1",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = [[(output.output_type, output.get("metadata", {}).get("image/png", {}).get("alt")) for output in cell.outputs
                if "image/png" in output.get("data", {})] for cell in nb.cells]
    assert outputs[0] == [] and outputs[4] == [] and outputs[6] == []
    assert outputs[1] == [("display_data", "Figure: 'Forecast'; x: time step; y: value; legend: truth")]  # end of cell
    assert outputs[2] == [("display_data", "A rising line.")]  # plt.show(), shown once
    assert [output.get("text") for output in nb.cells[2].outputs if output.output_type == "stream"] == ["after show\n"]
    assert outputs[3] == [("execute_result", "Figure: untitled plot; 1 line")]  # a Figure as the cell's value
    assert len(outputs[5]) == 1 and outputs[5][0][1].startswith("Figure: 'Windowing a series: window = 5 steps")
    assert {"width", "height"} <= set(nb.cells[5].outputs[0].metadata["image/png"])  # retina sizes kept

    # nbconvert's classic HTML template writes the alt attribute (its default "lab" template ignores it).
    import logging

    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="classic")
    messages = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    exporter.log.addHandler(handler)
    html, _ = exporter.from_notebook_node(nb)
    assert 'alt="A rising line."' in html and html.count("<img") == 4
    assert not any("Alternative text is missing" in message for message in messages)
