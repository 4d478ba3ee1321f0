"""End-to-end batch scoring: `screener score` against a bare TF-IDF + logistic regression script.

All runs are whole processes on the same rows, alternating, for several rounds; medians are
reported. Measured:

- ads/s of ``screener score`` (1 worker) and of a bare scikit-learn script (word 1-2 gram TF-IDF
  + logistic regression, trained beforehand, loaded from disk) that reads the same CSV and writes
  one score per row, and their ratio (goal >= 0.75);
- ``--workers 2`` against 1 (goal >= 1.7x);
- peak RSS of ``screener score`` at 15,000 and at 60,000 rows (goal: growth <= 1.1x);
- with ``--before CHECKOUT``, ``screener score`` of another checkout of the code (run with its
  folder on ``PYTHONPATH``) in the same rounds: its ads/s, ratio to the baseline, and whether
  its output file is byte for byte the same.

Usage: ``python benchmarks/bench_batch.py [--rows 60000] [--rounds 3] [--before ../main] [--json out.json]``.
The rows come from a corpus generated with another seed than the shipped one (cached in
``benchmarks/.cache``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
SCREENER = [sys.executable, "-c", "from screener.cli import main; main()"]

BASELINE_SCRIPT = """
import sys, joblib, pandas as pd
model = joblib.load(sys.argv[1])
frame = pd.read_csv(sys.argv[2])
frame["risk"] = model.predict_proba(frame["text"].fillna(""))[:, 1]
frame[["id", "risk"]].to_csv(sys.argv[3], index=False)
"""


def rows(n: int) -> Path:
    """A CSV of `n` generated ads (id, text), made once."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"ads_{n}.csv"
    if not path.exists():
        from screener.corpus import write_corpus

        folder = CACHE / "corpus"
        if not (folder / "train.csv").exists():
            write_corpus(folder, n=max(n, 60_000) + 2_000, seed=7)
        frames = [pd.read_csv(folder / f"{split}.csv") for split in ("train", "dev", "test")]
        pd.concat(frames)[["id", "text"]].head(n).to_csv(path, index=False)
    return path


def baseline_model() -> Path:
    """The bare TF-IDF + LR model, trained on the shipped corpus's train split."""
    path = CACHE / "baseline.joblib"
    if not path.exists():
        import joblib
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        train = pd.read_csv(ROOT / "corpora" / "synthetic-v1" / "train.csv.gz")
        model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), LogisticRegression(max_iter=2000))
        joblib.dump(model.fit(train["text"], train["label"]), path)
    return path


def run(command: list[str], pythonpath: str | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of a whole process (with `pythonpath` first on its path)."""
    env = dict(os.environ, PYTHONPATH=pythonpath or str(ROOT))
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=tempfile.gettempdir())
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--small", type=int, default=15_000, help="rows of the small run for the memory comparison")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout whose `screener score` is timed in the same rounds")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    before = str(args.before.resolve()) if args.before else None

    large, small, model = rows(args.rows), rows(args.small), baseline_model()
    times: dict[str, list[float]] = {"baseline": [], "screener": [], "screener_2_workers": []}
    if before:
        times["screener_before"] = []
    same_bytes = []
    rss: dict[str, list[int]] = {"small": [], "large": []}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out.csv"
        for round_ in range(args.rounds):
            seconds, _ = run([sys.executable, "-c", BASELINE_SCRIPT, str(model), str(large), str(out)])
            times["baseline"].append(seconds)
            seconds, peak = run([*SCREENER, "score", str(large), "-o", str(out), "--quiet"])
            times["screener"].append(seconds)
            rss["large"].append(peak)
            if before:
                old = Path(scratch) / "before.csv"
                seconds, _ = run([*SCREENER, "score", str(large), "-o", str(old), "--quiet"], before)
                times["screener_before"].append(seconds)
                same_bytes.append(old.read_bytes() == out.read_bytes())
            seconds, _ = run([*SCREENER, "score", str(large), "-o", str(out), "--quiet", "--workers", "2"])
            times["screener_2_workers"].append(seconds)
            _, peak = run([*SCREENER, "score", str(small), "-o", str(out), "--quiet"])
            rss["small"].append(peak)
            print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), flush=True)
    median = {k: statistics.median(v) for k, v in times.items()}
    rate = {k: args.rows / v for k, v in median.items()}
    figures = {
        "rows": args.rows,
        "rounds": args.rounds,
        "ads_per_second": {k: round(v) for k, v in rate.items()},
        "ratio_to_baseline": round(rate["screener"] / rate["baseline"], 3),
        "workers_2_speedup": round(rate["screener_2_workers"] / rate["screener"], 3),
        "peak_rss_mib": {f"{args.small} rows": round(statistics.median(rss["small"]) / 1024), f"{args.rows} rows": round(statistics.median(rss["large"]) / 1024)},
        "rss_growth": round(statistics.median(rss["large"]) / statistics.median(rss["small"]), 3),
        "cpus": os.cpu_count(),
    }
    if before:
        figures["before"] = {
            "checkout": before,
            "ratio_to_baseline": round(rate["screener_before"] / rate["baseline"], 3),
            "speedup": round(rate["screener"] / rate["screener_before"], 3),
            "identical_output_bytes": all(same_bytes),
        }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
