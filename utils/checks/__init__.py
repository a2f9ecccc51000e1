"""Checks, hints and solutions for the exercise notebooks, one module per exercise.

Why this package exists: an exercise teaches only if the learner finds out
whether the answer is right and, when it is not, what exactly is wrong. Each
exercise notebook imports one object from here::

    from utils.checks import COSINE_DT, COSINE_WINDOW, cosine_exercise

    cosine_exercise.check(cosine_model)  # measures the model, prints what it found; True or False
    cosine_exercise.hint()               # the next hint, stronger each time (three in all)
    cosine_exercise.solution()           # the reference solution, read from the solved notebook

Every check works the same way. The answer includes the trained Keras model
(alone, or as ``model=`` next to the function or table built on it), and the
check measures that model itself, on data it draws or generates when it runs
from a seed that is not in the notebook. Where the exercise asks for a
recurrent network it confirms the model has one (LSTM, GRU or SimpleRNN,
alone or wrapped in ``Bidirectional`` or ``RNN``) and that this layer carries
the answer, with two probes applied to the model itself, whether it comes
alone or with a function or table: perturbing the recurrent layers' weights
must move the answers, and silencing those layers (weights set to zero, so
their output no longer depends on the input) must take the answers at least
three quarters of the way back to the check's baseline; so must setting only
their input weights to zero, so that they no longer see the sequence (a
recurrent layer whose constant output scales an answer computed elsewhere
fails there). Before any of that, every check refuses a model that is not
built from Keras layers alone: a ``Lambda`` layer, a layer, cell or model
class of the learner's own, or (except in the dates exercise, whose model
computes a padding mask) arithmetic between layers can compute the answer
around the recurrent layer and pass both probes. A check of outputs
given at every step (the name writer) also confirms that the model does not
read ahead. A check never raises on an answer and says what it received,
what it expected and how far off it is.

The modules:

* :mod:`utils.checks.base`: the :class:`Exercise` base class, the probes
  (recurrent layers, perturbed weights, forecasts on windows) and the parser
  that builds exercise notebooks from solved ones.
* :mod:`utils.checks.cosine`: :data:`cosine_exercise` (``notebooks/22_exercise_cosine_wave.ipynb``).
* :mod:`utils.checks.counting`: :data:`counting_exercise` (``notebooks/23_exercise_counting.ipynb``).
* :mod:`utils.checks.tuning`: :data:`tuning_exercise` (``notebooks/25_exercise_tuning.ipynb``).
* :mod:`utils.checks.adding`: :data:`adding_exercise` (``notebooks/34_exercise_adding_problem.ipynb``).
* :mod:`utils.checks.transcription`: :data:`transcription_exercise` (``notebooks/37_exercise_transcription.ipynb``).
* :mod:`utils.checks.names`: :data:`names_exercise` (``notebooks/42_exercise_names.ipynb``).
* :mod:`utils.checks.name_writer`: :data:`name_writer_exercise` (``notebooks/44_exercise_name_writer.ipynb``).
* :mod:`utils.checks.dates`: :data:`dates_exercise` (``notebooks/46_exercise_dates.ipynb``).

To add an exercise: write ``utils/checks/<topic>.py`` with a subclass of
:class:`Exercise` (its hints, and a ``_check(answer, model)`` that measures
the answer with the probes of :mod:`utils.checks.base`) and one instance,
import that instance here and list it in :data:`EXERCISES`, and write the
solved notebook ``solutions/<NN>_exercise_<topic>_solutions.ipynb``;
``tools/make_exercises.py`` makes the learner's notebook from it and
``tests/test_checks.py`` runs the shared tests on every exercise in
:data:`EXERCISES`.

Importing this package does not import TensorFlow: the checks only measure the
model they are given.
"""

from utils.checks.adding import (
    ADDING_MAX_RATIO,
    ADDING_TIMESTEPS,
    AddingExercise,
    adding_exercise,
)
from utils.checks.base import (
    BEGIN_SOLUTION,
    END_SOLUTION,
    SOLUTION_TAG,
    STARTER_PREFIX,
    Exercise,
    make_exercise_notebook,
    solution_code,
)
from utils.checks.cosine import COSINE_DT, COSINE_MAX_RATIO, COSINE_WINDOW, CosineExercise, cosine_exercise
from utils.checks.counting import (
    COUNTING_CASES,
    COUNTING_PATTERNS,
    COUNTING_TOLERANCE,
    CountingExercise,
    counting_exercise,
    counting_sequences,
)
from utils.checks.dates import DATES_CASES, DATES_MIN_EXACT, DatesExercise, dates_exercise
from utils.checks.name_writer import (
    NAME_ALPHABET,
    NAME_VOCAB_SIZE,
    NameWriterExercise,
    encode_names,
    name_writer_exercise,
)
from utils.checks.names import NAMES_BAR_SHARE, NamesExercise, names_exercise
from utils.checks.transcription import (
    TRANSCRIPTION_BAR_SHARE,
    TRANSCRIPTION_CLASSES,
    TRANSCRIPTION_STRIPS,
    TranscriptionExercise,
    transcription_exercise,
)
from utils.checks.tuning import (
    TUNING_DEFAULT_WINDOW,
    TUNING_HYPERPARAMETERS,
    TUNING_MIN_TRIALS,
    TuningExercise,
    tuning_exercise,
)

#: Every exercise object, by the name the notebooks use.
EXERCISES: dict[str, Exercise] = {
    exercise.name: exercise for exercise in (cosine_exercise, counting_exercise, tuning_exercise, adding_exercise,
                                             transcription_exercise, name_writer_exercise, names_exercise, dates_exercise)
}

__all__ = [
    "ADDING_MAX_RATIO",
    "ADDING_TIMESTEPS",
    "BEGIN_SOLUTION",
    "COSINE_DT",
    "COSINE_MAX_RATIO",
    "COSINE_WINDOW",
    "COUNTING_CASES",
    "COUNTING_PATTERNS",
    "COUNTING_TOLERANCE",
    "DATES_CASES",
    "DATES_MIN_EXACT",
    "END_SOLUTION",
    "EXERCISES",
    "NAMES_BAR_SHARE",
    "NAME_ALPHABET",
    "NAME_VOCAB_SIZE",
    "SOLUTION_TAG",
    "STARTER_PREFIX",
    "TRANSCRIPTION_BAR_SHARE",
    "TRANSCRIPTION_CLASSES",
    "TRANSCRIPTION_STRIPS",
    "TUNING_DEFAULT_WINDOW",
    "TUNING_HYPERPARAMETERS",
    "TUNING_MIN_TRIALS",
    "AddingExercise",
    "CosineExercise",
    "CountingExercise",
    "DatesExercise",
    "Exercise",
    "NameWriterExercise",
    "NamesExercise",
    "TranscriptionExercise",
    "TuningExercise",
    "adding_exercise",
    "cosine_exercise",
    "counting_exercise",
    "counting_sequences",
    "dates_exercise",
    "encode_names",
    "make_exercise_notebook",
    "name_writer_exercise",
    "names_exercise",
    "solution_code",
    "transcription_exercise",
    "tuning_exercise",
]
