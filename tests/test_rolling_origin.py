"""utils.rolling_origin: the origins' dates, the SARIMAX forecasts from every origin at once (equal to statsmodels'
own forecast from each), the daily-cycle baseline, the shipped table's checks, and a clear error for bad input."""

import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from utils.rolling_origin import (
    COLUMNS,
    FORECASTERS,
    LOG_FILE,
    MONTHS,
    TABLE_FILE,
    daily_cycle_forecast,
    evaluate_origin,
    load_rolling_origins,
    month_periods,
    sarimax_forecasts,
    train_network,
)
from utils.weather_windows import weather_windows


@pytest.fixture(scope="module")
def july():
    return weather_windows("JFK", list(COLUMNS), periods=month_periods(7))


def test_each_origin_trains_on_every_earlier_hour_and_validates_on_four_weeks():
    for month in MONTHS:
        validation_start, test_start, test_end = month_periods(month)
        start = pd.Timestamp(test_start)
        assert start == pd.Timestamp(2013, month, 1) and start - pd.Timestamp(validation_start) == pd.Timedelta(days=28)
        assert test_end == (None if month == 12 else f"2013-{month + 1:02d}-01")


@pytest.mark.parametrize("order", [(2, 0, 1), (1, 1, 0)])
def test_sarimax_forecasts_equal_statsmodels_forecast_from_each_origin(july, order):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    temperature, hours = july.measured["temp"].to_numpy(float), july.features.index.hour.to_numpy()
    train_end, origins = july.bounds["train"][1], july.test.origin[[0, 300, -1]]
    forecasts, fitted = sarimax_forecasts(temperature, hours, train_end, origins, 24, order)
    exog = np.column_stack([f(2 * np.pi * k * hours / 24) for k in (1, 2, 3) for f in (np.sin, np.cos)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = SARIMAX(temperature[:train_end], exog=exog[:train_end], order=order,
                        trend="c" if order[1] == 0 else "n").fit(disp=False)
    assert np.allclose(fitted.params, again.params)
    for origin, row in zip(origins, forecasts):
        # statsmodels' own forecast after filtering up to the origin only: nothing later can reach it
        one = fitted.apply(temperature[:origin + 1], exog=exog[:origin + 1]).forecast(24, exog=exog[origin + 1:origin + 25])
        assert np.allclose(row, one, atol=1e-8)


def test_the_daily_cycle_forecast_equals_persistence_a_day_ahead(july):
    forecast = daily_cycle_forecast(july, "test")
    last = july.test.x[:, -1, july.columns.index("temp")] * july.std["temp"] + july.mean["temp"]
    assert forecast.shape == july.test.y.shape and np.allclose(forecast[:, -1], last, atol=1e-4)
    assert not np.allclose(forecast[:, 5], last, atol=0.5), "in between, it moves along the mean day"


def test_evaluate_origin_scores_the_baselines_on_the_months_windows():
    table = evaluate_origin(7, forecasters=["persistence", "persistence + daily cycle"])
    assert list(table["forecaster"]) == ["persistence", "persistence + daily cycle"] and (table["seed"] == 0).all()
    assert (table["windows"] == 673).all() and np.allclose(table[[f"mae_{h}h" for h in range(1, 25)]].mean(axis=1), table["test_mae"])
    assert np.isclose(table["mae_24h"].iloc[0], table["mae_24h"].iloc[1], atol=1e-4)


def test_the_shipped_table_holds_every_month_forecaster_and_seed():
    table, log = load_rolling_origins()
    networks = [f for f in FORECASTERS if table.loc[table["forecaster"] == f, "seed"].max() > 0]
    assert sorted(table["month"].unique()) == list(MONTHS) == log["settings"]["months"]
    for month in MONTHS:
        rows = table[table["month"] == month]
        assert set(rows["forecaster"]) == set(FORECASTERS)
        assert all(sorted(rows.loc[rows["forecaster"] == f, "seed"]) == log["settings"]["seeds"] for f in networks)
    assert table["test_mae"].between(0.5, 15).all() and table["windows"].gt(500).all()


def test_a_corrupt_or_incomplete_table_is_refused(tmp_path):
    from utils.data import sha256_of

    for name in (TABLE_FILE, LOG_FILE):
        shutil.copy(f"data/{name}", tmp_path / name)
    (tmp_path / "SHA256SUMS").write_text("".join(f"{sha256_of(tmp_path / n)}  {n}\n" for n in (TABLE_FILE, LOG_FILE)))
    load_rolling_origins(tmp_path)
    with open(tmp_path / TABLE_FILE, "a") as file:
        file.write("7,ridge,0,1,1\n")
    with pytest.raises(ValueError, match="is corrupt"):
        load_rolling_origins(tmp_path)
    table = pd.read_csv(f"data/{TABLE_FILE}", keep_default_na=False).drop(columns=["val_mae"])
    table.to_csv(tmp_path / TABLE_FILE, index=False)
    (tmp_path / "SHA256SUMS").write_text("".join(f"{sha256_of(tmp_path / n)}  {n}\n" for n in (TABLE_FILE, LOG_FILE)))
    with pytest.raises(ValueError, match="lacks \\['val_mae'\\]"):
        load_rolling_origins(tmp_path)


@pytest.mark.parametrize("month", [6, 13, 7.0, "7", True])
def test_month_periods_refuses_a_month_that_is_no_origin(month):
    with pytest.raises(ValueError, match="one of the test months"):
        month_periods(month)


def test_bad_arguments_get_clear_errors(july):
    temperature, hours = july.measured["temp"].to_numpy(float), july.features.index.hour.to_numpy()
    train_end = july.bounds["train"][1]
    with pytest.raises(ValueError, match="1-D of one length"):
        sarimax_forecasts(temperature[:, None], hours, train_end, july.test.origin)
    with pytest.raises(ValueError, match="at or after the last training hour"):
        sarimax_forecasts(temperature, hours, train_end, july.train.origin)
    with pytest.raises(ValueError, match="non-empty 1-D"):
        sarimax_forecasts(temperature, hours, train_end, np.array([], dtype=int))
    with pytest.raises(ValueError, match="forecasters must name"):
        evaluate_origin(7, forecasters=["prophet"])
    with pytest.raises(TypeError, match="seed must be an integer"):
        evaluate_origin(7, seeds=[1.5], forecasters=["persistence"])
    data = (july.train.x, july.train.y, july.train.y[:, 0])
    with pytest.raises(ValueError, match="kind must be dense, conv or lstm"):
        train_network("gru", "change", [data], data, 1)
