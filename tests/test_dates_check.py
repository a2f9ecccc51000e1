"""utils.checks.dates: exercise 46's check accepts a translator that uses its recurrent model and rejects the rest.

No model is trained here (the solved notebook does that): a translator that
knows the check's answers and *depends on* a small untrained LSTM model (it
answers right only while the model's weights are the ones it was built with)
stands in for a trained one, which is exactly what the perturbation probe
must tell apart from a translator that ignores the model.
"""

import numpy as np
import pytest

from utils.checks import DATES_CASES, DATES_MIN_EXACT, DatesExercise
from utils.checks.dates import check_dates
from utils.dates import HELD_OUT_RANGES, date_pairs

keras = pytest.importorskip("keras")


def run_check(*answer, capsys, **parts):
    result = DatesExercise().check(*answer, **parts)
    assert isinstance(result, bool)
    return result, capsys.readouterr().out


@pytest.fixture(scope="module")
def truth():
    texts, isos = check_dates()
    return dict(zip(texts, isos))


def tiny_model(recurrent=True):
    keras.utils.set_random_seed(0)
    layer = keras.layers.LSTM(4) if recurrent else keras.layers.Flatten()
    return keras.Sequential([keras.Input((3, 2)), layer, keras.layers.Dense(1)])


def model_bound(model, answers):
    """A translator that gives ``answers(texts)`` while the model is unchanged and garbage once it is perturbed."""
    probe = np.ones((1, 3, 2), "float32")
    reference = model.predict_on_batch(probe)

    def translate(texts):
        same = np.allclose(model.predict_on_batch(probe), reference)
        return answers(texts) if same else ["1999-99-99"] * len(texts)
    return translate


def test_the_check_draws_held_out_dates_in_every_format():
    texts, isos = check_dates()
    assert len(texts) == DATES_CASES
    _, training = date_pairs(20000, seed=1, exclude=HELD_OUT_RANGES)
    assert not set(isos) & set(training)
    assert max(len(t) for t in texts) > 30 and min(len(t) for t in texts) <= 10


def test_a_right_translator_that_uses_its_lstm_passes(truth, capsys):
    model = tiny_model()
    result, out = run_check(model_bound(model, lambda texts: [truth[t] for t in texts]), capsys=capsys, model=model)
    assert result is True, out
    assert out.startswith(f"Correct: {DATES_CASES} of {DATES_CASES} held-out dates exactly right") and "LSTM" in out
    assert "with its recurrent layers silenced (weights set to zero) it scores exact match 0.0 %, and with only their " \
           "input weights set to zero, so that they cannot see the sequence, it scores exact match 0.0 %" in out


def test_a_translator_that_ignores_the_model_fails(truth, capsys):
    result, out = run_check(lambda texts: [truth[t] for t in texts], capsys=capsys, model=tiny_model())
    assert result is False
    assert "your answers do not come from the model's LSTM" in out and "0 of 100 answers change" in out
    assert "a parser written by hand" in out


def test_a_parser_that_the_model_only_nudges_fails_the_silence_test(truth, capsys):
    """Right answers from a parser; the LSTM only spoils ten of them when its output drifts (as perturbed or silenced)."""
    model = tiny_model()
    probe = np.ones((1, 3, 2), "float32")
    reference = model.predict_on_batch(probe)

    def nudged(texts):
        answers = [truth[t] for t in texts]
        if not np.allclose(model.predict_on_batch(probe), reference):
            answers[:10] = ["1999-99-99"] * min(10, len(answers))
        return answers

    result, out = run_check(nudged, capsys=capsys, model=model)
    assert result is False
    assert out.startswith(f"Not yet: {DATES_CASES} of {DATES_CASES} held-out dates exactly right (100.0 %), but your "
                          "LSTM does not carry the answer. With every weight of that layer set to zero")
    assert "your answers still score exact match 97.5 %, against 100.0 % as handed in" in out


def test_a_model_without_a_recurrent_layer_fails(truth, capsys):
    model = tiny_model(recurrent=False)
    result, out = run_check(model_bound(model, lambda texts: [truth[t] for t in texts]), capsys=capsys, model=model)
    assert result is False and "no recurrent layer" in out


def test_too_few_right_says_how_many_and_shows_the_misses(truth, capsys):
    model = tiny_model()

    def mostly_wrong(texts):
        return [truth[t] if len(t) <= 24 else "2000-01-01" for t in texts]
    result, out = run_check(model_bound(model, mostly_wrong), capsys=capsys, model=model)
    right = sum(len(t) <= 24 for t in check_dates()[0])
    assert result is False and right / DATES_CASES < DATES_MIN_EXACT
    assert out.startswith(f"Not yet: {right} of {DATES_CASES} held-out dates exactly right")
    assert "you wrote '2000-01-01'" in out
    assert f"0 of the {DATES_CASES - right} misses are all-digit dates" in out
    assert "add attention" not in out, "no all-digit misses: the advice about them must stay out"


def test_the_misses_are_counted_by_kind(truth, capsys):
    """Lesson 45's plain model missed most on the all-digit dates: the message counts the misses of that kind."""
    model = tiny_model()

    def all_digits(text):
        return set(text) <= set("0123456789/.")

    def digits_wrong(texts):
        return ["2000-01-01" if all_digits(t) else truth[t] for t in texts]
    result, out = run_check(model_bound(model, digits_wrong), capsys=capsys, model=model)
    n = sum(all_digits(t) for t in check_dates()[0])
    assert result is False and 0 < n < DATES_CASES
    assert f"{n} of the {n} misses are all-digit dates such as '03/03/21', 0 are written with words" in out
    assert "add attention" in out, "all the misses are all-digit dates: more than their share, so the advice is due"


def test_a_parser_that_misses_word_dates_gets_no_attention_advice(truth, capsys):
    """dateutil's misses are mostly dates with words, and its answers ignore the model: no advice about digits."""
    dateutil_parser = pytest.importorskip("dateutil.parser")

    def parse(texts):
        out = []
        for text in texts:
            try:
                out.append(dateutil_parser.parse(text, dayfirst=True).date().isoformat())
            except (ValueError, OverflowError):
                out.append("")
        return out
    texts = check_dates()[0]
    misses = [t for t, a in zip(texts, parse(texts)) if a != truth[t]]
    digit_share = sum(set(t) <= set("0123456789/.") for t in texts) / len(texts)
    assert sum(set(t) <= set("0123456789/.") for t in misses) / len(misses) < digit_share
    for bound in (False, True):   # the parser on its own, and a translator that depends on the model
        model = tiny_model()
        result, out = run_check(model_bound(model, parse) if bound else parse, capsys=capsys, model=model)
        assert result is False and "misses are all-digit dates" in out
        assert "add attention" not in out, out


def test_no_attention_advice_when_the_answers_ignore_the_model(truth, capsys):
    """All-digit misses, but the answers do not come from the model: the perturbation finding, not the advice."""
    def digits_wrong(texts):
        return ["2000-01-01" if set(t) <= set("0123456789/.") else truth[t] for t in texts]
    result, out = run_check(digits_wrong, capsys=capsys, model=tiny_model())
    assert result is False and "your answers do not come from the model's LSTM" in out
    assert "add attention" not in out, out


@pytest.mark.parametrize(("answer", "words"), [
    (lambda texts: "2021-03-03", "expected a list with one ISO string per written date"),
    (lambda texts: ["2021-03-03"], "returned 1 answers for 400 dates"),
    (lambda texts: [20210303] * len(texts), "expected strings such as '2021-03-03'"),
    (lambda texts: 1 / 0, "raised ZeroDivisionError"),
])
def test_broken_translators_are_told_what_is_wrong(answer, words, capsys):
    result, out = run_check(answer, capsys=capsys, model=tiny_model())
    assert result is False and out.startswith("Not yet: ") and words in out


def test_a_model_as_the_answer_is_redirected(capsys):
    result, out = run_check(tiny_model(), capsys=capsys)
    assert result is False and "dates_exercise.check(translate, model=dates_model)" in out
