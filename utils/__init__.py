"""Helpers for the LSTM course notebooks.

Every name here is taught in a lesson first and reused afterwards; each
function's docstring says which notebook introduces it. Importing ``utils``
has no side effects: it does not import TensorFlow, seed anything or change
the plot style. Each notebook's setup cell does those things explicitly.
"""

from utils.baselines import (
    LinearAutoregression,
    mae,
    persistence_forecast,
    rmse,
    seasonal_naive_forecast,
    skill_score,
)
from utils.bootstrap import block_bootstrap_means
from utils.classify import (
    average_frame,
    build_day_classifier,
    build_speaker_classifier,
    fit_classifier,
    one_nearest_neighbour,
    standardise_and_pad,
    stratified_split,
    to_dataset,
    with_hourly_change,
)
from utils.cudnn import CudnnEligibility, cudnn_eligibility
from utils.datasets import (
    SeriesScaler,
    Split,
    adding_problem,
    chronological_split,
    cosine_wave,
    load_handwritten_digits,
    load_italy_power_demand,
    load_japanese_vowels,
    mackey_glass,
    make_windows,
    sine_wave,
)
from utils.diagnostics import ForecastDiagnosis, diagnose_forecast
from utils.distributed import (
    make_regression_data,
    make_tf_config,
    run_workers,
    train_with_strategy,
    worker_command,
)
from utils.forecasting import recursive_forecast
from utils.gru_numpy import gru_forward
from utils.lstm_numpy import LSTMStep, lstm_backward, lstm_forward, lstm_step, sigmoid
from utils.memory import release_training_memory
from utils.plotting import (
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
from utils.startup import import_tensorflow_quietly, remove_startup_noise
from utils.sweeps import VERDICTS, compare, print_epochs, train_seeds, with_mean_and_spread
from utils.text import load_first_names, load_moby_dick, load_movie_sentences, name_part
from utils.transcription import (
    SegmentAndClassify,
    Strips,
    character_error_rate,
    choose_piece_classifier,
    digit_pixels,
    edit_distance,
    make_strips,
    pad_strips,
    scores_by_length,
    split_at_blank_columns,
    split_digit_images,
)
from utils.weather import fill_gaps, find_gaps, load_nyc_weather
from utils.weather_windows import weather_windows

__all__ = [
    "VERDICTS",
    "CudnnEligibility",
    "FitProgress",
    "ForecastDiagnosis",
    "LSTMStep",
    "LengthBatches",
    "LinearAutoregression",
    "SegmentAndClassify",
    "SeriesScaler",
    "Split",
    "Strips",
    "adding_problem",
    "average_frame",
    "block_bootstrap_means",
    "build_day_classifier",
    "build_speaker_classifier",
    "character_error_rate",
    "choose_piece_classifier",
    "chronological_split",
    "compare",
    "cosine_wave",
    "cudnn_eligibility",
    "diagnose_forecast",
    "digit_pixels",
    "draw_lstm_cell",
    "draw_sequence_modes",
    "draw_unrolled_rnn",
    "draw_windowing",
    "edit_distance",
    "fill_gaps",
    "find_gaps",
    "fit_classifier",
    "get_alt_text",
    "gru_forward",
    "import_tensorflow_quietly",
    "load_first_names",
    "load_handwritten_digits",
    "load_italy_power_demand",
    "load_japanese_vowels",
    "load_moby_dick",
    "load_movie_sentences",
    "load_nyc_weather",
    "lstm_backward",
    "lstm_forward",
    "lstm_step",
    "mackey_glass",
    "mae",
    "make_regression_data",
    "make_strips",
    "make_tf_config",
    "make_windows",
    "name_part",
    "one_nearest_neighbour",
    "pad_strips",
    "persistence_forecast",
    "plot_cell_states",
    "plot_error_growth",
    "plot_forecast",
    "plot_gates",
    "plot_learning_curves",
    "print_epochs",
    "recursive_forecast",
    "release_training_memory",
    "remove_startup_noise",
    "rmse",
    "run_workers",
    "scores_by_length",
    "seasonal_naive_forecast",
    "set_alt_text",
    "sigmoid",
    "sine_wave",
    "skill_score",
    "split_at_blank_columns",
    "split_digit_images",
    "standardise_and_pad",
    "stratified_split",
    "to_dataset",
    "train_seeds",
    "train_with_strategy",
    "use_course_style",
    "weather_windows",
    "with_hourly_change",
    "with_mean_and_spread",
    "worker_command",
]


def __getattr__(name: str):
    """``utils.FitProgress`` and ``utils.LengthBatches`` need Keras: made on first use, so ``import utils`` stays free of TensorFlow."""
    if name == "FitProgress":
        from utils import progress

        return progress.FitProgress
    if name == "LengthBatches":
        from utils import transcription

        return transcription.LengthBatches
    raise AttributeError(f"module 'utils' has no attribute {name!r}")
