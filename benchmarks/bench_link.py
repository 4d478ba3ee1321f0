"""Linking ads (issue 16): how well template clusters recover campaigns, and what linking costs.

Measured:

- cluster recovery on a generated campaign corpus with disguises (`screener.corpus.campaigns`):
  adjusted Rand index and pairwise precision/recall of the clusters against ``campaign_id``
  (goals: ARI >= 0.85, pairwise precision >= 0.9), at several thresholds;
- contact-key accuracy: the share of campaign posts whose contacts include the campaign's key;
- false links through boilerplate: lawful ads of one employer, each from another template, all
  ending with the same footer (`employer_posts`);
- what linking adds to recall: on a scored sample, the share of campaign posts flagged alone and
  the share in a cluster with a flagged post (and the same for lawful ads: false positives);
- time and peak memory (resident set sampled every 20 ms, less the process's size before
  linking) of ``link_file`` (the ``--link`` pass) in a fresh process on `--rows` generated rows, against the time of scoring (measured on a sample, per ad), extrapolated to
  1,000,000 rows linearly (the per-ad arrays; the banding sort is n log n, a small share);
- datasketch's `MinHashLSH` against the numpy banding used, on the same signatures.

Usage: ``python benchmarks/bench_link.py [--rows 100000] [--sample 3000] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from math import comb
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screener.corpus.campaigns import campaign_corpus, employer_posts  # noqa: E402
from screener.linking.clusters import BANDS, signatures, template_clusters  # noqa: E402
from screener.linking.template import read_template  # noqa: E402

LINK_CHILD = """
import json, os, sys, threading, time
from screener.linking.files import link_file

def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

peak, done = [0.0], threading.Event()
def watch():
    while not done.wait(0.02):
        peak[0] = max(peak[0], rss())
before = rss()
threading.Thread(target=watch, daemon=True).start()
started = time.perf_counter()
summary = link_file(sys.argv[1], sys.argv[2])
seconds = time.perf_counter() - started
done.set()
print(json.dumps({"seconds": seconds, "rss_before_mb": before, "peak_rss_mb": max(peak[0], rss()), "clusters": summary.clusters}))
"""


def pairwise(labels, truth) -> tuple[float, float]:
    """Pairwise precision and recall of `labels` against `truth`."""
    together = sum(comb(c, 2) for c in Counter(zip(labels, truth)).values())
    predicted = sum(comb(c, 2) for c in Counter(labels).values())
    actual = sum(comb(c, 2) for c in Counter(truth).values())
    return (together / predicted if predicted else 1.0), (together / actual if actual else 1.0)


def recovery(seed: int) -> dict:
    frame = campaign_corpus(400, 1500, seed)
    started = time.perf_counter()
    templates = [read_template(t) for t in frame["text"]]
    read = time.perf_counter() - started
    sig = signatures([t.words for t in templates])
    made = time.perf_counter() - started - read
    out = {"rows": len(frame), "campaigns": 400, "read_ms_per_ad": 1000 * read / len(frame), "signature_ms_per_ad": 1000 * made / len(frame), "thresholds": {}}
    truth = frame["campaign_id"].tolist()
    for threshold in (0.3, 0.4, 0.5, 0.6):
        labels, _ = template_clusters(sig, threshold)
        precision, recall = pairwise(labels.tolist(), truth)
        out["thresholds"][threshold] = {"ari": adjusted_rand_score(truth, labels), "pair_precision": precision, "pair_recall": recall, "clusters": int(labels.max()) + 1}
    risky = frame["contact_key"] != ""
    hits = [key in t.contacts for key, t, r in zip(frame["contact_key"], templates, risky) if r]
    out["contact_key_accuracy"] = float(np.mean(hits))
    out["contact_posts"] = int(risky.sum())
    return out


def boilerplate(seed: int) -> dict:
    frame = employer_posts(400, seed)
    sig = signatures([read_template(t).words for t in frame["text"]])
    out = {}
    for threshold in (0.4, 0.5, 0.6, 0.7):
        labels, _ = template_clusters(sig, threshold)
        sizes = Counter(labels.tolist())
        precision, _ = pairwise(labels.tolist(), frame["campaign_id"].tolist())
        out[threshold] = {"ads_linked": sum(v for v in sizes.values() if v > 1), "of": len(frame), "largest": max(sizes.values()), "pair_precision": precision}
    return out


def added_recall(sample: int, seed: int) -> dict:
    from screener.batch import score_frame
    from screener.linking.links import link_frame
    from screener.screening import Screener

    frame = campaign_corpus(60, sample, seed).head(sample).reset_index(drop=True)
    screener = Screener()
    score_frame(frame.head(10), model=screener)
    started = time.perf_counter()
    scored = score_frame(frame, model=screener)
    score_seconds = time.perf_counter() - started
    started = time.perf_counter()
    linked = link_frame(scored)
    link_seconds = time.perf_counter() - started
    threshold = float(scored.loc[scored["flagged"], "risk"].min()) if scored["flagged"].any() else 0.5
    by_cluster = linked["cluster_risk"] >= threshold
    risky, lawful = linked["label"] == 1, linked["label"] == 0
    return {
        "rows": len(frame),
        "score_ms_per_ad": 1000 * score_seconds / len(frame),
        "link_ms_per_ad": 1000 * link_seconds / len(frame),
        "recall_alone": float(linked.loc[risky, "flagged"].mean()),
        "recall_with_cluster": float((linked["flagged"] | by_cluster)[risky].mean()),
        "false_positive_rate_alone": float(linked.loc[lawful, "flagged"].mean()),
        "false_positive_rate_with_cluster": float((linked["flagged"] | by_cluster)[lawful].mean()),
        "means_only_through_links": float((~linked["means"].astype(bool) & linked["linked_elements"].str.contains("MEANS"))[risky].mean()),
    }


def scale(rows: int, seed: int) -> dict:
    per_campaign = 21.5  # mean of sizes (3, 40)
    campaigns = min(1150, int(rows * 0.25 / per_campaign))
    frame = campaign_corpus(campaigns, 0, seed)
    frame = pd.concat([frame, campaign_corpus(0, rows - len(frame), seed + 1)], ignore_index=True)
    frame["risk"], frame["flagged"] = np.where(frame["label"] == 1, 0.9, 0.05), frame["label"] == 1
    frame["act"], frame["means"], frame["purpose"] = frame["label"] == 1, False, False
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "scored.csv", Path(folder) / "linked.csv"
        frame.to_csv(source, index=False)
        result = json.loads(subprocess.run([sys.executable, "-c", LINK_CHILD, str(source), str(target)], capture_output=True, text=True, check=True, cwd=ROOT).stdout)
        linked = pd.read_csv(target, usecols=["campaign_id", "cluster_id"], keep_default_na=False)
    risky = linked["campaign_id"].str.startswith("c")
    result.update(rows=len(frame), campaigns=campaigns, ari_risky=adjusted_rand_score(linked.loc[risky, "campaign_id"], linked.loc[risky, "cluster_id"]))
    result["growth_mb"] = result["peak_rss_mb"] - result["rss_before_mb"]  # RSS sampled every 20 ms
    return result


def extrapolated(small: dict, large: dict, rows: int = 1_000_000) -> dict:
    """Peak memory and time at `rows`, on the line through two measured sizes."""
    span = large["rows"] - small["rows"]
    per_ad_mb = (large["growth_mb"] - small["growth_mb"]) / span
    per_ad_s = (large["seconds"] - small["seconds"]) / span
    return {
        "kb_per_ad": 1000 * per_ad_mb,
        "ms_per_ad": 1000 * per_ad_s,
        "peak_mb": large["peak_rss_mb"] + per_ad_mb * (rows - large["rows"]),
        "seconds": large["seconds"] + per_ad_s * (rows - large["rows"]),
    }


def lsh_comparison(rows: int, seed: int) -> dict:
    from datasketch import LeanMinHash, MinHashLSH

    frame = campaign_corpus(300, rows, seed).head(rows)
    sig = signatures([read_template(t).words for t in frame["text"]])
    tracemalloc.start()
    started = time.perf_counter()
    template_clusters(sig)
    numpy_seconds = time.perf_counter() - started
    numpy_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=sig.shape[1], params=(BANDS, sig.shape[1] // BANDS))
    hashes = [LeanMinHash(seed=1, hashvalues=row.astype(np.uint64), scheme="affine32") for row in sig]
    with lsh.insertion_session() as session:
        for i, minhash in enumerate(hashes):
            session.insert(i, minhash, check_duplication=False)
    for minhash in hashes:
        lsh.query(minhash)
    lsh_seconds = time.perf_counter() - started
    lsh_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "rows": len(sig),
        "signatures_mb": sig.nbytes / 2**20,
        "numpy_banding_s": numpy_seconds,
        "numpy_banding_peak_mb": numpy_peak / 2**20,
        "datasketch_lsh_s (under tracemalloc)": lsh_seconds,
        "datasketch_lsh_peak_mb": lsh_peak / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=3000, help="rows scored to compare with scoring and measure added recall")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = {}
    for name, run in (
        ("recovery", lambda: recovery(args.seed)),
        ("boilerplate", lambda: boilerplate(args.seed)),
        ("added_recall", lambda: added_recall(args.sample, args.seed)),
        ("lsh_comparison", lambda: lsh_comparison(20_000, args.seed)),
        ("scale_half", lambda: scale(args.rows // 2, args.seed)),
        ("scale", lambda: scale(args.rows, args.seed)),
        ("extrapolated_1m", lambda: extrapolated(results["scale_half"], results["scale"])),
    ):
        started = time.perf_counter()
        results[name] = run()
        print(f"{name} ({time.perf_counter() - started:.0f} s): {json.dumps(results[name], indent=1, default=float)}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float))


if __name__ == "__main__":
    main()
