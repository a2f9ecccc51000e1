"""utils.plotting: the style is opt-in, every figure is titled and labelled, bad input is explained."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils.datasets import make_windows
from utils.lstm_numpy import lstm_forward
from utils.plotting import (
    COURSE_STYLE,
    OKABE_ITO,
    SEQUENCE_MODES,
    draw_lstm_cell,
    draw_sequence_modes,
    draw_unrolled_rnn,
    draw_windowing,
    plot_cell_states,
    plot_error_growth,
    plot_forecast,
    plot_gates,
    plot_learning_curves,
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


def test_sequence_modes_draws_four_panels_with_their_keras_arguments():
    axes = draw_sequence_modes()
    assert [ax.get_title() for ax in axes] == ["one-to-one", "many-to-one", "many-to-many", "encoder–decoder"]
    outputs = [_gids(ax).count("output") for ax in axes]
    inputs = [_gids(ax).count("input") for ax in axes]
    assert outputs == [1, 1, 4, 3] and inputs == [1, 4, 4, 6]
    codes = ["\n".join(_texts(ax)) for ax in axes]
    assert "Dense" in codes[0] and "LSTM(units)" in codes[1] and "return_sequences" not in codes[1]
    assert "return_sequences=True" in codes[2] and "Dense(1) on the 3-D output" in codes[2]
    assert "return_state=True" in codes[3] and "initial_state=[h, c]" in codes[3]
    assert all(code in "\n".join(codes) for code in SEQUENCE_MODES.values())
    assert _gids(axes[3]).count("state") == 1  # the encoder's states handed to the decoder
    assert axes[0].figure.get_suptitle()
    plt.close("all")


def test_sequence_modes_draws_into_given_axes_and_explains_bad_input():
    _, given = plt.subplots(1, 4)
    assert list(draw_sequence_modes(given)) == list(given)
    with pytest.raises(ValueError, match=r"axes must hold 4 matplotlib Axes; received 3 item\(s\)"):
        draw_sequence_modes(given[:3])
    with pytest.raises(ValueError, match=r"axes must hold 4 matplotlib Axes; received 4 item\(s\)"):
        draw_sequence_modes(["a", "b", "c", "d"])
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
