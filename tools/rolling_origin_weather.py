"""Run lesson 24's forecasters at every rolling origin and seed, and ship the results that lesson 27 reads.

Why this tool exists: lesson 24 compares its forecasters on one test period,
five December weeks, which is one sample of the weather. Lesson 27 repeats the
comparison at six origins (test months July to December 2013, each forecaster
trained on every hour before the four weeks of validation that precede the month, the
networks from three seeds), with a SARIMAX model beside them and the two other
airports as extra inputs or extra training windows. That is 126
network trainings, about fifteen minutes on a 2-core CPU: too long for a lesson. A
maintainer runs this tool once; its table is committed to ``data/`` with its
SHA-256, and lesson 27 recomputes one origin live with the same function
(``utils.rolling_origin.evaluate_origin``) and checks it against the table
before reading the rest.

What it writes (seeded; the settings are in the log):

* ``--out`` (``data/nyc_weather_rolling_origins.csv``): one row per month,
  forecaster and seed (seed 0 for forecasters that draw nothing), with the
  validation and test MAE in °F, the test MAE at each lead time, the number of
  test windows and the penalty, order or epochs;
* ``--log`` (``data/nyc_weather_rolling_origins.json``): the command, the
  settings, the software versions, the machine, and the run time per origin.

Usage (from the repository root)::

    python tools/rolling_origin_weather.py                 # the shipped run
    python tools/rolling_origin_weather.py --months 7 --seeds 1 --out /tmp/ro.csv --log /tmp/ro.json

Afterwards update ``data/SHA256SUMS`` with the two checksums it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from utils import import_tensorflow_quietly

    import_tensorflow_quietly()
    import keras
    import numpy as np
    import pandas as pd
    import sklearn
    import statsmodels
    import tensorflow as tf

    from utils.data import sha256_of
    from utils.rolling_origin import FORECASTERS, MONTHS, evaluate_origin

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--months", type=int, nargs="+", default=list(MONTHS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "nyc_weather_rolling_origins.csv")
    parser.add_argument("--log", type=Path, default=ROOT / "data" / "nyc_weather_rolling_origins.json")
    parser.add_argument("--note", default="")
    args = parser.parse_args(argv)

    started, per_month, tables = time.perf_counter(), {}, []
    cpu_started = time.process_time()
    for month in args.months:
        month_started = time.perf_counter()
        print(f"month {month}", flush=True)
        tables.append(evaluate_origin(month, seeds=args.seeds, progress=True))
        per_month[month] = round(time.perf_counter() - month_started, 1)
    table = pd.concat(tables, ignore_index=True)
    numbers = table.select_dtypes("number").columns
    table[numbers] = table[numbers].round(6)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, lineterminator="\n")
    log = {
        "what": "lesson 24's forecasters at rolling origins (test months of 2013), by tools/rolling_origin_weather.py",
        "command": shlex.join(["python", "tools/rolling_origin_weather.py", *(argv if argv is not None else sys.argv[1:])]),
        "settings": {"months": args.months, "seeds": args.seeds, "forecasters": list(FORECASTERS), "note": args.note},
        "environment": {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
                        "numpy": np.__version__, "pandas": pd.__version__, "scikit-learn": sklearn.__version__,
                        "statsmodels": statsmodels.__version__, "machine": platform.machine(),
                        "cpu_count": os.cpu_count()},
        "seconds": {"per_month": per_month, "total_wall": round(time.perf_counter() - started, 1),
                    "total_cpu": round(time.process_time() - cpu_started, 1)},
        "rows": len(table),
        "table_sha256": sha256_of(args.out),
    }
    args.log.write_text(json.dumps(log, indent=1, ensure_ascii=False) + "\n")
    print(f"{sha256_of(args.out)}  {args.out.name}\n{sha256_of(args.log)}  {args.log.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
