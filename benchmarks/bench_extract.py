"""Extraction throughput against spaCy tokenization alone, in the same run.

Builds N ads of realistic length (about 130 tokens) from the catalogue's example sentences,
then times, in alternating rounds, (a) ``spacy.blank("en")`` tokenization and (b) full evidence
extraction (normalize, tokenize, match, negation scope, offsets mapped back). Reports the median
docs/s of each and their ratio. Goal: extraction at >= 50% of tokenization throughput.

    .venv/bin/python benchmarks/bench_extract.py [--n 20000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

import pandas as pd
import spacy

from screener import Extractor, load_catalogue


def make_ads(n: int, seed: int = 0, target_tokens: int = 130, risky_share: float = 0.15) -> list[str]:
    """N ads of about `target_tokens` tokens, built from the catalogue's example sentences.

    Most sentences come from the negative examples (benign look-alikes and negated mentions), a
    `risky_share` from the positive ones, so an ad carries about as many hits as a risky real one.
    """
    catalogue = load_catalogue()
    positives = [s for i in catalogue for s in i.positive_examples]
    negatives = [s for i in catalogue for s in i.negative_examples]
    rng = random.Random(seed)
    ads = []
    for _ in range(n):
        parts: list[str] = []
        while sum(len(p.split()) for p in parts) < target_tokens * 0.8:
            parts.append(rng.choice(positives if rng.random() < risky_share else negatives))
        ads.append(" ".join(parts))
    return ads


def read_ads(path: str, column: str, n: int) -> list[str]:
    """The first `n` non-empty texts of `column` in a CSV file (gzip allowed)."""
    frame = pd.read_csv(path, usecols=[column], dtype=str, keep_default_na=False, nrows=n * 2)
    texts = [t for t in frame[column].tolist() if t.strip()]
    return texts[:n]


def throughput(run, texts) -> float:
    start = time.perf_counter()
    run(texts)
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="number of ads (default 20000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating timing rounds (default 3)")
    parser.add_argument("--data", help="time real ads from this CSV instead of generated ones")
    parser.add_argument("--text-column", default="text", help="text column of --data (default: text)")
    args = parser.parse_args()

    ads = read_ads(args.data, args.text_column, args.n) if args.data else make_ads(args.n)
    blank = spacy.blank("en")
    extractor = Extractor()
    extractor.extract(ads[0])  # build the pipeline outside the timing
    tokens = sum(len(d) for d in blank.tokenizer.pipe(ads[:1000])) / 1000

    def tokenize(texts):
        for _ in blank.tokenizer.pipe(texts):
            pass

    def extract(texts):
        for _ in extractor.extract_many(texts):
            pass

    tokenize_rates, extract_rates = [], []
    for _ in range(args.rounds):
        tokenize_rates.append(throughput(tokenize, ads))
        extract_rates.append(throughput(extract, ads))
    result = {
        "data": args.data or "generated from catalogue examples",
        "ads": len(ads),
        "mean_tokens": round(tokens, 1),
        "catalogue_indicators": len(extractor.catalogue),
        "tokenize_docs_per_s": round(statistics.median(tokenize_rates)),
        "extract_docs_per_s": round(statistics.median(extract_rates)),
    }
    result["ratio"] = round(result["extract_docs_per_s"] / result["tokenize_docs_per_s"], 3)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
