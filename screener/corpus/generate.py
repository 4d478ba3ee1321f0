"""Generate labelled synthetic ads, split into train, dev and test in exact proportions.

Corpus v2 writes most ads whole from a scenario (`screener.corpus.scenarios`); the rest, and every
ad of v1, are composed from phrase banks (`screener.corpus.compose`).
"""

from __future__ import annotations

import random
from pathlib import Path

from screener.corpus.banks import AD_TYPES, SPLITS, SlotFiller, load_banks
from screener.corpus.compose import BENIGN_DISGUISED, Composer, GeneratedAd
from screener.corpus.scenarios import ScenarioComposer, load_scenarios
from screener.errors import InputError
from screener.indicators import load_catalogue

__all__ = ["generate"]

#: Share of ads written from a scenario in corpus v2 (the rest composed from phrase banks, as in v1)
SCENARIO_SHARE = {1: 0.75, 0: 0.55}
_REDRAWS = 20
RISKY_SHARE = 0.35
SPLIT_SHARES = {"train": 0.70, "dev": 0.15, "test": 0.15}
RISKY_DIFFICULTY = {"plain": 0.40, "subtle": 0.35, "obfuscated": 0.25}
BENIGN_DIFFICULTY = {"ordinary": 0.50, "hard_negative": 0.50}


def _plan(n: int, ad_types: tuple[str, ...], rng: random.Random) -> list[tuple[str, str, int, str]]:
    """(split, ad_type, label, difficulty) for every ad, in exact proportions, shuffled."""
    plan = []
    per_type = _apportion(n, {t: 1 / len(ad_types) for t in ad_types})
    for ad_type, count in per_type.items():
        labels = _apportion(count, {1: RISKY_SHARE, 0: 1 - RISKY_SHARE})
        for label, label_count in labels.items():
            difficulties = _apportion(label_count, RISKY_DIFFICULTY if label else BENIGN_DIFFICULTY)
            for difficulty, d_count in difficulties.items():
                splits = _apportion(d_count, SPLIT_SHARES)
                for split, s_count in splits.items():
                    plan.extend([(split, ad_type, label, difficulty)] * s_count)
    rng.shuffle(plan)
    return plan


def _apportion(total: int, shares: dict) -> dict:
    """Split `total` by `shares` into whole numbers that add up to `total` (largest remainders)."""
    raw = {k: total * v / sum(shares.values()) for k, v in shares.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for key in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def generate(
    n: int, seed: int, ad_types: tuple[str, ...] = AD_TYPES, banks: str | Path | None = None, version: int = 2
) -> dict[str, list[GeneratedAd]]:
    """Generate `n` ads split into train/dev/test.

    Parameters
    ----------
    n : int
        Number of ads in all (at least 30).
    seed : int
        The same seed gives the same ads.
    ad_types : tuple of str
        Which of job, dating, marriage to generate.
    banks : str or Path, optional
        A folder of phrase banks; the shipped banks when omitted.
    version : {1, 2}
        1: every ad composed from phrase banks with risky phrases inserted. 2: most ads written
        whole from a scenario of a documented pattern (`SCENARIO_SHARE`), the rest as in 1.

    Raises
    ------
    InputError
        If `n`, `ad_types` or `version` are not usable.
    """
    if n < 30:
        raise InputError(f"--n must be at least 30 to fill every split, label and difficulty; got {n}")
    unknown = [t for t in ad_types if t not in AD_TYPES]
    if unknown or not ad_types:
        raise InputError(f"unknown ad type(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(AD_TYPES)}")
    if version not in (1, 2):
        raise InputError(f"corpus version must be 1 or 2; got {version}")
    rng = random.Random(seed)
    loaded = load_banks(banks)
    composer = Composer(loaded, load_catalogue())
    stories = ScenarioComposer(load_scenarios()) if version == 2 else None
    corpus: dict[str, list[GeneratedAd]] = {split: [] for split in SPLITS}
    seen: dict[str, set[str]] = {split: set() for split in SPLITS}
    for split, ad_type, label, difficulty in _plan(n, tuple(ad_types), rng):
        number = len(corpus[split]) + 1
        if stories is not None and stories.has(ad_type, label) and rng.random() < SCENARIO_SHARE[label]:
            disguised = difficulty == "obfuscated" or (not label and rng.random() < BENIGN_DISGUISED)
            for _ in range(_REDRAWS):  # short templates can repeat an earlier ad of the split: draw again
                filler = SlotFiller(loaded, ad_type)
                scenario, drawn, text = stories.ad(split, ad_type, label, rng, filler, disguised)
                key = " ".join(text.lower().split())  # as the corpus checker compares texts
                if key not in seen[split]:
                    break
            seen[split].add(key)
            difficulty = drawn
            ad = GeneratedAd(
                id=f"{split}-{number:06d}",
                split=split,
                ad_type=ad_type,
                label=label,
                difficulty=difficulty,
                elements=";".join(scenario.elements),
                spans=(),
                text=text,
                slots=tuple(filler.used),
                pattern=scenario.pattern,
            )
        else:
            ad = composer.ad(number, split, ad_type, label, difficulty, rng)
        corpus[split].append(ad)
    return corpus
