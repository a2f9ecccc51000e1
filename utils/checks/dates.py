"""Exercise 46: translate human-written dates into ISO form with a recurrent encoder–decoder.

Why this module exists: it holds the check and hints of
``notebooks/46_exercise_dates.ipynb``. The answer is a function
``translate(texts) -> list[str]`` together with the trained Keras model it
uses (``model=``). The check draws written dates when it runs, from the
held-out ranges of :data:`utils.dates.HELD_OUT_RANGES` and with a seed that is
not in the notebook, and measures the exact match of the function's ISO
dates. It confirms the model has a recurrent layer, that the answers change
when the recurrent layers' weights are perturbed, and that they are lost when
those layers are silenced (weights set to zero): a date parser written by
hand (or ``dateutil``) can get many dates right, so right answers alone do
not show that a network translated them.
"""

from __future__ import annotations

import math

from utils.checks.base import Exercise, describe, is_keras_model, perturbed_recurrent_weights, recurrent_layers
from utils.dates import HELD_OUT_RANGES, date_pairs

__all__ = ["DATES_CASES", "DATES_MIN_EXACT", "DatesExercise", "dates_exercise"]

#: How many written dates the check asks about, drawn when it runs from the held-out ranges.
DATES_CASES = 400
#: The smallest exact-match rate that passes (all ten characters right).
DATES_MIN_EXACT = 0.95
_CHECK_SEED = 2_718_281  # not shown in the notebook: the learner cannot tune to the check's dates
#: With the model's weights perturbed, at least this many of the first _PROBE_CASES answers must change.
_PROBE_CASES = 100
_PROBE_MIN_CHANGED = 5
#: The characters of the all-digit formats (03/03/21, 3.3.2021, 2021/03/03), for the breakdown of the misses.
_DIGIT_DATE_CHARS = frozenset("0123456789/.")

_ASKS_FOR = (
    "Why it matters: a parser written by hand (or dateutil.parser) reads many of these formats, so right answers "
    "alone do not show that a network translated them. The exercise asks for an encoder–decoder whose decoding "
    "loop calls your model."
)


def check_dates(seed: int = _CHECK_SEED, n: int = DATES_CASES) -> tuple[list[str], list[str]]:
    """The check's written dates and their ISO forms, drawn from :data:`utils.dates.HELD_OUT_RANGES`.

    Example:
        >>> texts, isos = check_dates(seed=0, n=3)
        >>> len(texts), all(len(iso) == 10 for iso in isos)
        (3, True)
    """
    return date_pairs(n, seed=seed, within=HELD_OUT_RANGES)


def _answers(function: object, texts: list[str]) -> tuple[list[str] | None, str | None]:
    """The function's ISO dates for ``texts`` (given a copy), or None and what went wrong."""
    try:
        raw = function(list(texts))
    except Exception as error:  # the learner's function: report, never crash the check
        return None, f"your translate raised {type(error).__name__}: {error}"
    if isinstance(raw, str) or raw is None:
        return None, (f"your translate returned {describe(raw)}; expected a list with one ISO string per written "
                      "date (it gets a list of strings and returns a list of strings)")
    try:
        answers = list(raw)
    except TypeError:
        return None, f"your translate returned {describe(raw)}; expected a list of strings"
    if len(answers) != len(texts):
        return None, (f"your translate returned {len(answers)} answers for {len(texts)} dates; expected one per date "
                      "(decode the whole batch, keep the order)")
    if not all(isinstance(a, str) for a in answers):
        bad = next(a for a in answers if not isinstance(a, str))
        return None, (f"your translate returned {describe(bad)} among its answers; expected strings such as "
                      "'2021-03-03' (decode the ids with utils.dates.decode_iso)")
    return answers, None


def _exact(answers: list[str] | None, truth: list[str]) -> float:
    """The share of answers exactly right (NaN when the function gave none)."""
    return math.nan if answers is None else sum(a == t for a, t in zip(answers, truth)) / len(truth)


def _percent(share: float) -> str:
    return f"{100 * share:.1f} %"


class DatesExercise(Exercise):
    """Exercise 46: translate written dates into ISO dates with a recurrent encoder–decoder.

    The answer is a function ``translate(texts) -> list[str]`` that takes a
    list of written dates and returns their ISO forms (``"2021-03-03"``), and
    ``model=``, the trained Keras model it uses. The check draws
    :data:`DATES_CASES` dates in every format from the held-out ranges when
    it runs and wants at least :data:`DATES_MIN_EXACT` of them exactly right.
    The model must have a recurrent layer, perturbing the recurrent layers'
    weights must change some answers, and silencing them (weights set to
    zero) must lose at least three quarters of the exact matches. A function that raises or returns something other
    than a list of strings fails; the check itself never raises.

    Used in ``notebooks/46_exercise_dates.ipynb`` as :data:`dates_exercise`.

    Example:
        >>> dates_exercise.check(lambda texts: ["2021-03-03"] * len(texts))  # doctest: +ELLIPSIS
        Not yet: 0 of 400 held-out dates exactly right (0.0 %); ...
        False
    """

    #: The encoder–decoder passes its padding mask to the attention layer, computed between layers with
    #: keras.ops.not_equal(ids, 0) as lesson 45 does; Lambda layers and classes of the learner's own stay refused.
    operations_allowed = True

    def __init__(self):
        super().__init__(
            name="dates_exercise",
            stem="46_exercise_dates",
            expected=(
                "assign your function translate(texts) -> list[str] (it gets a list of written dates and returns "
                "their ISO forms) and the trained model it uses"
            ),
            usage="dates_exercise.check(translate, model=dates_model)",
            hints=(
                ("Start from lesson 45: an encoder LSTM whose final states are the decoder LSTM's initial_state, "
                 "trained with teacher forcing on the target shifted right behind START_ID. Add attention over the "
                 "encoder's outputs as lesson 45 does, Bahdanau's score: keras.layers.AdditiveAttention()([W(dec_out), "
                 "enc_out, U(enc_out)], mask=[None, enc_mask]), with W and U two Dense(UNITS, use_bias=False) layers "
                 "and enc_mask = keras.ops.not_equal(enc_ids, 0) passed on to the step model as an input (there "
                 "enc_out is a plain Input that carries no mask, so without it the weights fall on padding). Without "
                 "attention, lesson 45's plain model was weakest on the all-digit dates whose year comes first or "
                 "has two digits ('2021/03/03', '03/03/21'), and the long spelled-out format lost its days. Train on "
                 "date_pairs(..., exclude=HELD_OUT_RANGES), never on the held-out ranges."),
                ("translate(texts) runs the encoder once on encode_dates(texts), then ISO_LENGTH decoder steps: each "
                 "step's input is the previous step's argmax (START_ID at first) and its initial_state the states "
                 "the previous step returned. Decode all dates as one batch with predict_on_batch, and return "
                 "decode_iso(ids), a list of strings. If the exact match is low, train for another epoch or two; "
                 "the check wants 95 % of 400 dates."),
                ("The lesson's code does it: build_translator(attention=True), train(...) on the length batches, "
                 "then\n\n"
                 "def translate(texts):\n"
                 "    return greedy_decode(dates_encode, dates_step, texts)\n\n"
                 "dates_model = the training model (its encoder and decoder layers are the ones the step models "
                 "use)\n"
                 "dates_exercise.check(translate, model=dates_model)"),
            ),
        )

    def _check(self, answer: object, model: object) -> bool:
        if is_keras_model(answer):
            print(
                "Not yet: you passed a Keras model as the answer; this exercise wants your function "
                "translate(texts) -> list[str], which decodes with the model, with the model beside it: "
                "dates_exercise.check(translate, model=dates_model)."
            )
            return False
        if not callable(answer):
            print(
                f"Not yet: expected a function translate(texts) -> list[str]; received {describe(answer)}. Define "
                "it with def translate(texts): ... (it decodes with your model) and pass the function itself, "
                "without (), with the model: dates_exercise.check(translate, model=dates_model)."
            )
            return False
        texts, truth = check_dates()
        answers, broken = _answers(answer, texts)
        if broken is not None:
            print(f"Not yet: {broken}.")
            return False
        right = [a == t for a, t in zip(answers, truth)]
        exact = sum(right) / len(truth)

        problem = self.model_problem(model, handed_in="a function")
        layers = ", ".join(dict.fromkeys(recurrent_layers(model))) if problem is None else ""
        if problem is None:
            probe = texts[:_PROBE_CASES]
            with perturbed_recurrent_weights(model):
                after, _ = _answers(answer, probe)
            changed = _PROBE_CASES if after is None else sum(a != b for a, b in zip(after, answers))
            if changed < _PROBE_MIN_CHANGED:
                problem = (
                    f"your answers do not come from the model's {layers}: with the weights of its recurrent layers "
                    f"perturbed only {changed} of {_PROBE_CASES} answers change, so they come from somewhere else"
                )
        silence = None
        if problem is None and exact >= DATES_MIN_EXACT:
            constant = max(truth.count(iso) for iso in set(truth)) / len(truth)
            silence = self.silence_test(
                lambda: _exact(_answers(answer, texts)[0], truth), exact, constant, model, metric="exact match",
                baseline_name="the best constant answer", higher_is_better=True, formatter=_percent,
            )
            problem = silence.problem

        share = f"{sum(right)} of {len(truth)} held-out dates exactly right ({100 * exact:.1f} %)"
        if exact >= DATES_MIN_EXACT and problem is None:
            print(
                f"Correct: {share}, at least {100 * DATES_MIN_EXACT:.0f} % needed; the dates come from the "
                f"held-out ranges in every format, and the answers come from your model's {layers}: "
                f"{silence.summary('exact match', _percent)}."
            )
            return True
        if exact >= DATES_MIN_EXACT:
            print(f"Not yet: {share}, but {problem}.")
            print(_ASKS_FOR)
            return False
        print(f"Not yet: {share}; at least {100 * DATES_MIN_EXACT:.0f} % needed. For example:")
        wrong = [(x, a, t) for x, a, t, ok in zip(texts, answers, truth, right) if not ok]
        for text, got, want in sorted(wrong, key=lambda w: -len(w[0]))[:3]:
            print(f"  {text!r}: you wrote {got!r}, the answer is {want!r}")
        if wrong:
            digits = sum(set(x) <= _DIGIT_DATE_CHARS for x, _, _ in wrong)
            print(f"  {digits} of the {len(wrong)} misses are all-digit dates such as '03/03/21', "
                  f"{len(wrong) - digits} are written with words.")
            digit_share = sum(set(x) <= _DIGIT_DATE_CHARS for x in texts) / len(texts)
            if problem is None and digits / len(wrong) > digit_share:
                print(f"  That is more than their share of the check's dates ({100 * digit_share:.0f} %). Without "
                      "attention, lesson 45's plain encoder–decoder was weakest on the all-digit dates whose year "
                      "comes first or has two digits: add attention over the encoder's outputs (hint 1), or train "
                      "longer.")
        if problem is not None:
            print(f"And {problem}.")
        return False


dates_exercise = DatesExercise()
