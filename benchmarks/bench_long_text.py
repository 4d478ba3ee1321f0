"""Time per character of `screen()` on long texts: 1 KB, 100 KB and 1 MB.

Texts are made of ad-like sentences mixed with hostile pieces (right-to-left marks, combining
marks, zero-width characters, a very long token). Each size is timed in alternating rounds;
medians are reported, with the time per input character and per character actually screened
(texts over `MAX_TEXT_CHARS` are cut there, so 1 MB costs about what 100 KB does).

Usage: ``python benchmarks/bench_long_text.py [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from screener import MAX_TEXT_CHARS, Screener

PIECES = [
    "Girls wanted for hostess work abroad, we pay your ticket. ",
    "Experienced cook for our family restaurant, 30 hours a week. ",
    "\u202e\u200f reversed \u0301\u0308 ",
    "c@$h j0b, W h a t s A p p 0 7 7 0 0 9 0 0 1 2 3 ",
    "\u200b\u200d",
    "a" * 300 + " ",
]
SIZES = {"1 KB": 1_000, "100 KB": 100_000, "1 MB": 1_000_000}


def text_of(size: int) -> str:
    unit = "".join(PIECES)
    return (unit * (size // len(unit) + 1))[:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    screener = Screener()
    texts = {name: text_of(size) for name, size in SIZES.items()}
    screener.screen(texts["1 KB"])  # load the model and the pipeline
    seconds: dict[str, list[float]] = {name: [] for name in texts}
    for _ in range(args.rounds):
        for name, text in texts.items():
            started = time.perf_counter()
            screener.screen(text)
            seconds[name].append(time.perf_counter() - started)
    print(f"{'size':<8} {'median s':>9} {'us/char (input)':>16} {'us/char (screened)':>19}")
    for name, size in SIZES.items():
        median = statistics.median(seconds[name])
        print(f"{name:<8} {median:9.4f} {median / size * 1e6:16.3f} {median / min(size, MAX_TEXT_CHARS) * 1e6:19.3f}")


if __name__ == "__main__":
    main()
