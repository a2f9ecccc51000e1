"""Helpers for the LSTM course notebooks.

Every name here is taught in a lesson first and reused afterwards; each
function's docstring says which notebook introduces it. Importing ``utils``
has no side effects: it does not import TensorFlow, seed anything or change
the plot style. Each notebook's setup cell does those things explicitly.
"""

from utils.lstm_numpy import LSTMStep, lstm_backward, lstm_forward, lstm_step, sigmoid
from utils.plotting import plot_cell_states, plot_gates, plot_learning_curves, use_course_style
from utils.startup import import_tensorflow_quietly, remove_startup_noise

__all__ = [
    "LSTMStep",
    "import_tensorflow_quietly",
    "lstm_backward",
    "lstm_forward",
    "lstm_step",
    "plot_cell_states",
    "plot_gates",
    "plot_learning_curves",
    "remove_startup_noise",
    "sigmoid",
    "use_course_style",
]
