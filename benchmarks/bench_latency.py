"""Latency of the moderator's path: `load_model`, the first `screen()`, and `screen()` p50/p99.

Each round runs one fresh process per checkout, alternating (with ``--before``), so the figures
of two versions of the code come from the same minutes of a shared machine. In a process: the
seconds of ``load_model()`` of the default bundle; of the first ``screen()`` (which builds the
spaCy pipeline); then every ad of the sample is screened once to warm the vocabulary, and once
more timed one at a time. Medians over rounds are reported. Goals (issue 13): p50 <= 0.6 ms,
p99 <= 2 ms, load <= 1 s.

Usage: ``python benchmarks/bench_latency.py [--ads 2000] [--rounds 3] [--before ../main] [--json out.json]``.
The ads are the first rows of a cached ``benchmarks/.cache/ads_*.csv`` (see ``bench_batch.py``),
else generated from the catalogue's examples.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"

MEASURE = """
import json, sys, time
import numpy as np
texts = json.load(open(sys.argv[1]))
started = time.perf_counter()
from screener import load_model, Screener
bundle = load_model()
load = time.perf_counter() - started
screener = Screener(bundle)
started = time.perf_counter()
screener.screen(texts[0])
first = time.perf_counter() - started
for text in texts:
    screener.screen(text)
times = []
for text in texts:
    started = time.perf_counter_ns()
    screener.screen(text)
    times.append(time.perf_counter_ns() - started)
times = np.array(times) / 1e6
print(json.dumps({"load_s": load, "first_screen_s": first, "p50_ms": float(np.percentile(times, 50)), "p99_ms": float(np.percentile(times, 99))}))
"""


def sample(n: int) -> list[str]:
    """`n` ads: cached generated rows when there, else built from the catalogue's examples."""
    cached = sorted(CACHE.glob("ads_*.csv"))
    if cached:
        import pandas as pd

        return pd.read_csv(cached[0])["text"].dropna().astype(str).head(n).tolist()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_extract import make_ads

    return make_ads(n, target_tokens=70)


def measure(texts_file: str, checkout: str) -> dict:
    """The figures of one fresh process running `checkout`'s code."""
    env = dict(os.environ, PYTHONPATH=checkout)
    done = subprocess.run([sys.executable, "-c", MEASURE, texts_file], env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed in {checkout}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ads", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout measured in the same rounds")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    checkouts = {"now": str(ROOT)}
    if args.before:
        checkouts["before"] = str(args.before.resolve())
    runs: dict[str, list[dict]] = {name: [] for name in checkouts}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(sample(args.ads), handle)
    try:
        for round_ in range(args.rounds):
            for name, checkout in checkouts.items():
                runs[name].append(measure(handle.name, checkout))
                print(f"round {round_ + 1} {name}: {runs[name][-1]}", flush=True)
    finally:
        os.unlink(handle.name)
    figures = {
        name: {key: round(statistics.median(r[key] for r in results), 4) for key in results[0]} for name, results in runs.items()
    }
    figures["ads"] = args.ads
    figures["rounds"] = args.rounds
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
