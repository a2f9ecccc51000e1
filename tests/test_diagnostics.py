"""utils.diagnostics: each failure is flagged when it is there and only then; bad input is refused clearly."""

from dataclasses import asdict

import numpy as np
import pytest

from utils.datasets import make_windows, sine_wave
from utils.diagnostics import ForecastDiagnosis, diagnose_forecast


@pytest.fixture
def noisy_windows():
    """Windows of a noisy sine wave, their targets, and the clean wave's values at the targets."""
    x, y = make_windows(sine_wave(400, noise_std=0.1, seed=0), window=10)
    clean = make_windows(sine_wave(400), window=10)[1]
    return x, y, clean


# --- Behaviour -----------------------------------------------------------------------------


def test_constant_predictions_are_nearly_constant(noisy_windows):
    x, y, _ = noisy_windows
    diagnosis = diagnose_forecast(x, y, np.full_like(y, 0.3))
    assert diagnosis.nearly_constant and diagnosis.prediction_std_ratio == pytest.approx(0.0, abs=1e-12)
    assert diagnosis.no_skill
    assert not diagnosis.copies_last_value
    assert diagnosis.verdict[0].startswith("nearly constant")


def test_predictions_equal_to_the_last_value_copy_it(noisy_windows):
    x, y, _ = noisy_windows
    diagnosis = diagnose_forecast(x, y, x[:, -1, :])
    assert diagnosis.copies_last_value and diagnosis.copy_ratio == 0.0
    assert diagnosis.no_skill and diagnosis.skill == pytest.approx(0.0)
    assert not diagnosis.nearly_constant
    assert diagnosis.rmse == diagnosis.persistence_rmse


def test_a_slightly_perturbed_copy_is_still_a_copy(noisy_windows):
    x, y, _ = noisy_windows
    step = np.sqrt(np.mean((y - x[:, -1, :]) ** 2))
    nudged = x[:, -1, :] + 0.05 * step * np.random.default_rng(1).standard_normal(y.shape)
    assert diagnose_forecast(x, y, nudged).copies_last_value


def test_a_good_forecast_raises_no_flag(noisy_windows):
    x, y, clean = noisy_windows
    diagnosis = diagnose_forecast(x, y, clean)
    assert not (diagnosis.nearly_constant or diagnosis.copies_last_value or diagnosis.no_skill)
    assert diagnosis.skill > 0.2
    assert diagnosis.verdict == (diagnosis.verdict[0],) and diagnosis.verdict[0].startswith("no problem found")


def test_a_forecast_no_better_than_persistence_has_no_skill(noisy_windows):
    x, y, _ = noisy_windows
    # Halfway between persistence and the truth, plus noise as large as persistence's error: not better.
    persistence = x[:, -1, :]
    error = np.sqrt(np.mean((y - persistence) ** 2))
    forecast = y + error * np.random.default_rng(2).standard_normal(y.shape)
    diagnosis = diagnose_forecast(x, y, forecast)
    assert diagnosis.no_skill and diagnosis.skill < 0.05
    assert not diagnosis.copies_last_value and not diagnosis.nearly_constant


def test_no_skill_compares_with_the_better_baseline_the_mean_when_persistence_is_bad():
    rng = np.random.default_rng(3)
    series = rng.standard_normal(500)  # white noise: the mean (0) beats persistence
    x, y = make_windows(series, window=5)
    diagnosis = diagnose_forecast(x, y, np.full_like(y, 0.0) + 0.01 * rng.standard_normal(y.shape))
    assert diagnosis.mean_rmse < diagnosis.persistence_rmse
    assert diagnosis.no_skill and "the mean" in diagnosis.verdict[-1]


def test_the_numbers_follow_their_definitions(noisy_windows):
    x, y, clean = noisy_windows
    d = diagnose_forecast(x, y, clean)
    last = x[:, -1, :]
    assert d.rmse == pytest.approx(np.sqrt(np.mean((clean - y) ** 2)))
    assert d.persistence_rmse == pytest.approx(np.sqrt(np.mean((last - y) ** 2)))
    assert d.mean_rmse == pytest.approx(y.std())
    assert d.skill == pytest.approx(1 - d.rmse / min(d.persistence_rmse, d.mean_rmse))
    assert d.prediction_std_ratio == pytest.approx(clean.std() / y.std())
    assert d.copy_ratio == pytest.approx(np.sqrt(np.mean((clean - last) ** 2)) / d.persistence_rmse)


def test_flat_and_column_targets_give_the_same_diagnosis(noisy_windows):
    x, y, clean = noisy_windows
    assert asdict(diagnose_forecast(x, y[:, 0], clean[:, 0])) == asdict(diagnose_forecast(x, y, clean))


def test_tolerances_move_the_thresholds(noisy_windows):
    x, y, clean = noisy_windows
    half_spread = y.mean() + 0.5 * (clean - clean.mean())
    assert not diagnose_forecast(x, y, half_spread).nearly_constant
    assert diagnose_forecast(x, y, half_spread, flat_tolerance=0.6).nearly_constant
    assert diagnose_forecast(x, y, clean, skill_margin=0.9).no_skill
    last = x[:, -1, :]
    a_third_of_the_way = last + 0.3 * (y - last)  # predicts changes 30 % the size of the true ones
    assert diagnose_forecast(x, y, a_third_of_the_way).copies_last_value
    assert not diagnose_forecast(x, y, a_third_of_the_way, copy_tolerance=0.2).copies_last_value


def test_several_features_use_the_target_feature_for_persistence():
    series = np.stack([sine_wave(200), np.linspace(-1.0, 1.0, 200)], axis=1)
    x, y = make_windows(series, window=8)
    on_feature_1 = diagnose_forecast(x, y[:, 1:], x[:, -1, 1:], target_feature=1)
    assert on_feature_1.copies_last_value
    assert not diagnose_forecast(x, y[:, 1:], x[:, -1, 1:], target_feature=0).copies_last_value
    assert diagnose_forecast(x, y, x[:, -1, :]).copies_last_value  # one target column per feature


def test_the_report_prints_numbers_and_verdict(noisy_windows):
    x, y, _ = noisy_windows
    diagnosis = diagnose_forecast(x, y, x[:, -1, :])
    assert isinstance(diagnosis, ForecastDiagnosis)
    text = str(diagnosis)
    assert text.startswith("RMSE ") and "\n- copies the last value" in text and "\n- no skill" in text


# --- Bad input -----------------------------------------------------------------------------


def test_rejects_windows_without_a_feature_axis(noisy_windows):
    x, y, clean = noisy_windows
    with pytest.raises(ValueError, match=r"x must be windows of shape \(n, window, num_features\); received 2-D"):
        diagnose_forecast(x[:, :, 0], y, clean)


def test_rejects_a_column_and_a_flat_array_together_and_says_how_to_reshape(noisy_windows):
    x, y, clean = noisy_windows
    with pytest.raises(ValueError, match=r"y_true has shape \(390, 1\) but y_pred has shape \(390,\).*y_pred\.reshape\(-1, 1\)"):
        diagnose_forecast(x, y, clean[:, 0])


def test_rejects_predictions_with_a_time_axis(noisy_windows):
    x, _, _ = noisy_windows
    with pytest.raises(ValueError, match=r"y_true must have shape \(n,\) or \(n, num_targets\); received 3-D.*keep the last step"):
        diagnose_forecast(x, x, x)


def test_rejects_a_different_number_of_windows_and_targets(noisy_windows):
    x, y, clean = noisy_windows
    with pytest.raises(ValueError, match=r"x holds 389 window\(s\) but y_true and y_pred hold 390 value\(s\)"):
        diagnose_forecast(x[1:], y, clean)


def test_rejects_more_target_columns_than_features(noisy_windows):
    x, y, _ = noisy_windows
    two = np.hstack([y, y])
    with pytest.raises(ValueError, match=r"y_true has 2 column\(s\) but x has 1 feature\(s\)"):
        diagnose_forecast(x, two, two)


def test_rejects_empty_nan_and_non_numeric_input(noisy_windows):
    x, y, clean = noisy_windows
    with pytest.raises(ValueError, match=r"x is empty \(shape \(0, 10, 1\)\)"):
        diagnose_forecast(x[:0], y[:0], clean[:0])
    broken = clean.copy()
    broken[5, 0] = np.nan
    with pytest.raises(ValueError, match=r"y_pred contains 1 NaN or infinite value\(s\), the first at index \(5, 0\)"):
        diagnose_forecast(x, y, broken)
    with pytest.raises(TypeError, match=r"y_true must hold real numbers; received an array of dtype <U1"):
        diagnose_forecast(x, np.full(y.shape, "a"), clean)
    with pytest.raises(TypeError, match=r"x must be an array of numbers; received None"):
        diagnose_forecast(None, y, clean)


@pytest.mark.parametrize(
    ("name", "value", "error", "message"),
    [
        ("flat_tolerance", 0.0, ValueError, r"flat_tolerance must lie in \(0, 1\); received flat_tolerance=0\.0"),
        ("copy_tolerance", -0.1, ValueError, r"copy_tolerance must lie in \(0, 1\); received copy_tolerance=-0\.1"),
        ("copy_tolerance", 1.5, ValueError, r"copy_tolerance must lie in \(0, 1\); received copy_tolerance=1\.5"),
        ("skill_margin", 1.0, ValueError, r"skill_margin must lie in \[0, 1\); received skill_margin=1\.0"),
        ("flat_tolerance", float("nan"), ValueError, r"flat_tolerance must be a finite number"),
        ("flat_tolerance", "0.1", TypeError, r"flat_tolerance must be a real number; received flat_tolerance='0\.1'"),
        ("copy_tolerance", True, TypeError, r"copy_tolerance must be a real number; received copy_tolerance=True"),
    ],
)
def test_rejects_tolerances_outside_their_interval(noisy_windows, name, value, error, message):
    x, y, clean = noisy_windows
    with pytest.raises(error, match=message):
        diagnose_forecast(x, y, clean, **{name: value})


def test_skill_margin_zero_is_allowed(noisy_windows):
    x, y, clean = noisy_windows
    assert not diagnose_forecast(x, y, clean, skill_margin=0.0).no_skill


def test_rejects_a_bad_target_feature():
    x, y = make_windows(np.stack([sine_wave(50), sine_wave(50, start=1.0)], axis=1), window=5)
    with pytest.raises(ValueError, match=r"target_feature must be between 0 and 1 for windows with 2 feature\(s\); received target_feature=2"):
        diagnose_forecast(x, y[:, :1], y[:, :1], target_feature=2)
    with pytest.raises(TypeError, match=r"target_feature must be an integer; received target_feature=0\.0"):
        diagnose_forecast(x, y[:, :1], y[:, :1], target_feature=0.0)


def test_rejects_targets_a_baseline_already_forecasts_perfectly():
    x = np.arange(12.0).reshape(4, 3, 1)
    with pytest.raises(ValueError, match=r"y_true is constant in column\(s\) \[0\], so its mean is a perfect forecast"):
        diagnose_forecast(x, np.ones((4, 1)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"every target equals the last value of its window, so persistence is a perfect"):
        diagnose_forecast(x, x[:, -1, :], np.zeros((4, 1)))
