"""Train the character-level LSTM language model that lesson 43 loads, and record how.

Why this tool exists: lesson 43 ("LSTMs write text") trains a small model for
about a minute so that you can watch the loss fall, but a model that comes
level with a well-smoothed character n-gram on Moby Dick (the lesson's best,
chosen on the validation text, is a modified Kneser–Ney 7-gram) needs the better
part of an hour of training on a 2-core CPU, too long for a lesson. A maintainer runs this tool once; the best
weights (by validation loss) are committed to ``data/`` with their SHA-256 and
the lesson loads them.

What it does (seeded; every setting is a command-line option and is written to
the JSON log):

* cuts Moby Dick (``data/moby_dick.txt``, checksum verified) with
  ``utils.char_lm.split_text``: the last 10 % is the test text, never read here
  except to score the final model; the last ``--val-fraction`` of the training
  part is the validation text that picks the best weights and lowers the
  learning rate when it stops improving;
* builds ``utils.char_lm.build_char_lm`` (Embedding → LSTM → Dropout → Dense) and
  trains it on ``--seq-len``-character windows from random positions of the
  training text, predicting every next character (many-to-many), with Adam and
  sparse categorical cross-entropy, gradient norm clipped;
* every ``--eval-every`` steps measures validation bits per character, keeps the
  best weights in ``--out`` and rewrites the log ``--log`` (settings, each
  evaluation, steps, wall time, CPU time, the process's nice value);
* stops at ``--max-steps``, at ``--max-minutes`` of wall time, or when the
  learning rate has been halved ``--max-halvings`` times; then scores the best
  weights on the validation and test texts with
  ``utils.char_lm.lstm_bits_per_character`` (states carried along the text).

Usage (from the repository root)::

    python tools/train_char_lm.py                  # the shipped run's settings
    python tools/train_char_lm.py --max-steps 20 --out /tmp/smoke.weights.h5 --log /tmp/smoke.json

A run cut by ``--max-minutes`` is repeated exactly by passing the number of steps
it logged as ``--max-steps`` (and no time cap) on the same software versions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import resource
import shlex
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from utils.char_lm import CharVocabulary, build_char_lm, lstm_bits_per_character, split_text  # noqa: E402


def load_text() -> str:
    """Moby Dick from data/, checksum verified (utils.text when present, else the same file read here)."""
    try:
        from utils.text import load_moby_dick
    except ImportError:
        from utils.data import verify_data_file

        return verify_data_file("moby_dick.txt").read_text(encoding="utf-8")
    return load_moby_dick()


def _relative(path: Path) -> str:
    """A path relative to the repository when it is inside it (the log must not depend on the checkout's place)."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--units", type=int, default=256, help="LSTM units")
    parser.add_argument("--embedding-dim", type=int, default=32)
    parser.add_argument("--dropout", type=float, default=0.2, help="dropout on the LSTM outputs")
    parser.add_argument("--seq-len", type=int, default=100, help="characters per training window (truncated BPTT length)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=4e-3)
    parser.add_argument("--clipnorm", type=float, default=1.0)
    parser.add_argument("--test-fraction", type=float, default=0.1, help="end of the book held out as test text")
    parser.add_argument("--val-fraction", type=float, default=0.05, help="end of the training part used for validation")
    parser.add_argument("--eval-every", type=int, default=100, help="steps between validation measurements")
    parser.add_argument("--patience", type=int, default=2, help="evaluations without improvement before halving the learning rate")
    parser.add_argument("--max-halvings", type=int, default=5)
    parser.add_argument("--max-steps", type=int, default=100_000)
    parser.add_argument("--max-minutes", type=float, default=0.0, help="wall-time cap in minutes (0: none)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-determinism", action="store_true", help="skip tf.config.experimental.enable_op_determinism()")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "moby_dick_char_lstm.weights.h5")
    parser.add_argument("--log", type=Path, default=REPO_ROOT / "data" / "moby_dick_char_lstm.json")
    parser.add_argument("--note", default="", help="free text stored in the log (e.g. what else ran on the machine)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start_wall, start_cpu = time.perf_counter(), cpu_seconds()
    from utils.startup import import_tensorflow_quietly

    import_tensorflow_quietly()
    import keras
    import numpy as np
    import tensorflow as tf

    keras.utils.set_random_seed(args.seed)
    if not args.no_determinism:
        tf.config.experimental.enable_op_determinism()

    text = load_text()
    vocab = CharVocabulary(text)
    train_text, test_text = split_text(text, args.test_fraction)
    fit_text, val_text = split_text(train_text, args.val_fraction)
    fit_ids, val_ids, test_ids = (vocab.encode(part) for part in (fit_text, val_text, test_text))
    print(f"vocabulary {vocab.size} · training {fit_ids.size:,} · validation {val_ids.size:,} · test {test_ids.size:,} characters", flush=True)

    model = build_char_lm(vocab.size, args.units, args.embedding_dim, args.dropout)
    optimizer = keras.optimizers.Adam(learning_rate=args.learning_rate, clipnorm=args.clipnorm)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=optimizer, loss=loss_fn)
    model.build((None, None))
    optimizer.build(model.trainable_variables)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    @tf.function
    def window_loss(x, y):
        return tf.reduce_mean(loss_fn(y, model(x, training=False)))

    # Validation: non-overlapping windows, each read from empty memory (cheap; picks the best weights).
    n_val = (val_ids.size - 1) // args.seq_len
    val_x = val_ids[: n_val * args.seq_len].reshape(n_val, args.seq_len)
    val_y = val_ids[1 : n_val * args.seq_len + 1].reshape(n_val, args.seq_len)

    def validation_bpc() -> float:
        losses = [float(window_loss(val_x[i : i + 256], val_y[i : i + 256])) * len(val_x[i : i + 256]) for i in range(0, n_val, 256)]
        return sum(losses) / n_val / math.log(2)

    rng = np.random.default_rng(args.seed)
    offsets = np.arange(args.seq_len + 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    log = {
        "what": "character-level LSTM language model on Moby Dick, trained by tools/train_char_lm.py",
        "command": shlex.join(["python", "tools/train_char_lm.py", *(sys.argv[1:] if argv is None else argv)]),
        "settings": {key: (_relative(value) if isinstance(value, Path) else value) for key, value in vars(args).items()},
        "model": {"vocab_size": vocab.size, "units": args.units, "embedding_dim": args.embedding_dim, "dropout": args.dropout, "parameters": model.count_params()},
        "data": {
            "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "characters": len(text),
            "fit_characters": int(fit_ids.size),
            "validation_characters": int(val_ids.size),
            "test_characters": int(test_ids.size),
            "vocabulary": "".join(vocab.chars),
        },
        "environment": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "machine": platform.machine(),
            "cpu_count": os.cpu_count(),
            "nice": os.nice(0),
        },
        "evaluations": [],
    }

    def write_log(**extra) -> None:
        log.update(extra)
        log["steps"] = step
        log["wall_seconds"] = round(time.perf_counter() - start_wall, 1)
        log["cpu_seconds"] = round(cpu_seconds() - start_cpu, 1)
        log["load_average_1min_at_write"] = round(os.getloadavg()[0], 2)
        tmp = args.log.with_suffix(".tmp")
        tmp.write_text(json.dumps(log, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(args.log)

    best, since_best, halvings, step, stop = math.inf, 0, 0, 0, ""
    train_losses = []
    while not stop:
        starts = rng.integers(0, fit_ids.size - args.seq_len - 1, size=args.batch_size)
        windows = fit_ids[starts[:, None] + offsets]
        train_losses.append(float(train_step(windows[:, :-1], windows[:, 1:])))
        step += 1
        if step % args.eval_every == 0 or step >= args.max_steps:
            val = validation_bpc()
            train_bpc = float(np.mean(train_losses)) / math.log(2)
            train_losses = []
            lr = float(optimizer.learning_rate.numpy())
            improved = val < best
            if improved:
                best, since_best = val, 0
                tmp = args.out.with_name(args.out.name.replace(".weights.h5", ".tmp.weights.h5"))
                model.save_weights(tmp)
                tmp.replace(args.out)
            else:
                since_best += 1
                if since_best >= args.patience:
                    halvings += 1
                    since_best = 0
                    optimizer.learning_rate.assign(lr / 2)
            elapsed = time.perf_counter() - start_wall
            log["evaluations"].append(
                {"step": step, "train_bpc": round(train_bpc, 4), "val_bpc": round(val, 4), "learning_rate": lr, "wall_seconds": round(elapsed, 1), "cpu_seconds": round(cpu_seconds() - start_cpu, 1), "saved": improved}
            )
            print(f"step {step} · train {train_bpc:.3f} · val {val:.3f} bpc · lr {lr:.2g} · {elapsed:.0f} s{' · saved' if improved else ''}", flush=True)
            if step >= args.max_steps:
                stop = f"reached --max-steps {args.max_steps}"
            elif args.max_minutes and elapsed > args.max_minutes * 60:
                stop = f"reached --max-minutes {args.max_minutes} after {step} steps"
            elif halvings > args.max_halvings:
                stop = f"learning rate halved {args.max_halvings} times without further improvement"
            write_log(stopped_because=stop or "running", best_val_bpc_windows=round(best, 4))

    model.load_weights(args.out)
    val_bpc = lstm_bits_per_character(model, val_ids)
    test_bpc = lstm_bits_per_character(model, test_ids)
    print(f"stopped: {stop}\nbest weights: validation {val_bpc:.4f} · test {test_bpc:.4f} bits per character (states carried)", flush=True)
    write_log(
        stopped_because=stop,
        best_val_bpc_windows=round(best, 4),
        best_weights={"val_bpc": round(val_bpc, 4), "test_bpc": round(test_bpc, 4), "scored_with": "utils.char_lm.lstm_bits_per_character (64 streams, states carried)"},
        weights_sha256=hashlib.sha256(args.out.read_bytes()).hexdigest(),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
