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

import spacy

from screener import Extractor, load_catalogue


def make_ads(n: int, seed: int = 0, target_tokens: int = 130) -> list[str]:
    sentences = [s for i in load_catalogue() for s in (*i.positive_examples, *i.negative_examples)]
    rng = random.Random(seed)
    ads = []
    for _ in range(n):
        parts: list[str] = []
        while sum(len(p.split()) for p in parts) < target_tokens * 0.8:
            parts.append(rng.choice(sentences))
        ads.append(" ".join(parts))
    return ads


def throughput(run, texts) -> float:
    start = time.perf_counter()
    run(texts)
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="number of ads (default 20000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating timing rounds (default 3)")
    args = parser.parse_args()

    ads = make_ads(args.n)
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
        "ads": args.n,
        "mean_tokens": round(tokens, 1),
        "catalogue_indicators": len(extractor.catalogue),
        "tokenize_docs_per_s": round(statistics.median(tokenize_rates)),
        "extract_docs_per_s": round(statistics.median(extract_rates)),
    }
    result["ratio"] = round(result["extract_docs_per_s"] / result["tokenize_docs_per_s"], 3)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
