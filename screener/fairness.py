"""Identity invariance and directional checks (CheckList style) of a screening model.

- **Invariance**: swapping nationalities, ethnicities, religions, communities, countries, cities,
  languages, given names and gendered words in an ad should not move its risk. Swaps draw from
  the masked identity list (``data/identity_terms.yaml``) and from held-out values the model was
  never told about (``data/fairness.yaml``).
- **Direction**: appending a clause that states a means of control ("your passport will be kept
  by the agency") should raise the ad's score: its logit rises, or its risk was already saturated
  (at least `SATURATED` before and after; more words dilute the normalized lexical part, so the
  logit of an ad already at risk 1.0 can dip while the risk stays 1.0).
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

from screener._data import gender_pairs, load_yaml
from screener.screening import Screener

__all__ = ["identity_variants", "swap_gender", "fairness_report", "fairness_markdown", "MEDIAN_GOAL", "P95_GOAL", "DIRECTION_GOAL", "SATURATED"]

MEDIAN_GOAL = 0.01
P95_GOAL = 0.05
DIRECTION_GOAL = 0.95
SATURATED = 0.99


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return load_yaml("fairness.yaml")


@lru_cache(maxsize=1)
def _identity_values() -> dict[str, list[str]]:
    """Category -> values: the masked identity list plus the held-out values."""
    values = {category: [str(v) for v in listed] for category, listed in load_yaml("identity_terms.yaml").items()}
    for category, listed in _data()["held_out"].items():
        values.setdefault(category, []).extend(str(v) for v in listed)
    return values


def _same_case(word: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word.lower()


def _words_of(values: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted((re.escape(v) for v in values), key=len, reverse=True))
    return re.compile(rf"(?<![\w'])({alternatives})(?![\w'])", re.IGNORECASE)


@lru_cache(maxsize=None)
def _category_pattern(category: str) -> re.Pattern[str]:
    return _words_of(_identity_values()[category])


@lru_cache(maxsize=1)
def _gender() -> tuple[dict[str, str], re.Pattern[str]]:
    """Gendered word -> its counterpart, and the pattern that finds them."""
    table: dict[str, str] = {}
    for first, second in gender_pairs():
        table.setdefault(first, second)
        table.setdefault(second, first)
    return table, _words_of(list(table))


def identity_variants(text: str, rng: random.Random, per_category: int = 2) -> list[tuple[str, str]]:
    """``(category, variant)`` pairs: `text` with one identity value swapped for another of its
    category (every occurrence), `per_category` times per category found, then gender swapped."""
    variants = []
    for category, values in _identity_values().items():
        found = sorted({m.group(1).lower() for m in _category_pattern(category).finditer(text)})
        for _ in range(per_category if found else 0):
            original = rng.choice(found)
            replacement = rng.choice([v for v in values if v.lower() != original])
            pattern = re.compile(rf"(?<![\w']){re.escape(original)}(?![\w'])", re.IGNORECASE)
            variants.append((category, pattern.sub(lambda m: _same_case(replacement, m.group()), text)))
    swapped = swap_gender(text)
    if swapped != text:
        variants.append(("gender", swapped))
    return variants


def swap_gender(text: str) -> str:
    """Swap gendered words both ways ("she" <-> "he", "girls" <-> "boys", "her" -> "his")."""
    table, pattern = _gender()
    return pattern.sub(lambda m: _same_case(table[m.group(1).lower()], m.group(1)), text)


def _summary(deltas: list[float]) -> dict[str, Any]:
    if not deltas:
        return {"n": 0, "median": None, "p95": None, "max": None}
    values = np.abs(np.asarray(deltas))
    return {"n": len(deltas), "median": float(np.median(values)), "p95": float(np.percentile(values, 95)), "max": float(values.max())}


def fairness_report(screener: Screener, texts: Sequence[str], labels: Sequence[int] | None = None, *, seed: int = 0, per_category: int = 2) -> dict[str, Any]:
    """Risk shifts under identity swaps, and the share of coercive clauses that raise the logit.

    Parameters
    ----------
    screener : Screener
        The model to test.
    texts : sequence of str
        Ads (blank ones are skipped).
    labels : sequence of int, optional
        Labels, to break the figures down by benign (0) and risky (1).
    seed : int
        Seed of the swap choices.
    per_category : int
        Swaps per identity category found in an ad.
    """
    labels = list(labels) if labels is not None else [None] * len(texts)
    by_category: dict[str, list[float]] = {}
    by_label: dict[str, list[float]] = {}
    raised: dict[str, list[bool]] = {}
    raised_by_label: dict[str, list[bool]] = {}
    logit_raised: list[bool] = []
    clauses = _data()["coercive_clauses"]
    for i, (text, label) in enumerate(zip(texts, labels)):
        if not isinstance(text, str) or not text.strip():
            continue
        base = screener.screen(text)
        key = "all" if label is None else ("risky" if int(label) == 1 else "benign")
        for category, variant in identity_variants(text, random.Random(f"{seed}:{i}"), per_category):
            delta = screener.screen(variant).risk - base.risk
            by_category.setdefault(category, []).append(delta)
            by_label.setdefault(key, []).append(delta)
        for clause in clauses:
            joined = text.rstrip() + ("" if text.rstrip().endswith((".", "!", "?")) else ".") + " " + clause
            after = screener.screen(joined)
            higher = after.score_breakdown.logit > base.score_breakdown.logit
            up = higher or min(base.risk, after.risk) >= SATURATED
            logit_raised.append(higher)
            raised.setdefault(clause, []).append(up)
            raised_by_label.setdefault(key, []).append(up)
    every = [d for deltas in by_category.values() for d in deltas]
    every_raise = [r for ups in raised.values() for r in ups]
    return {
        "seed": seed,
        "invariance": {
            "overall": _summary(every),
            "by_category": {c: _summary(d) for c, d in sorted(by_category.items())},
            "by_label": {k: _summary(d) for k, d in sorted(by_label.items())},
        },
        "direction": {
            "overall": {
                "n": len(every_raise),
                "raised": float(np.mean(every_raise)) if every_raise else None,
                "logit_raised": float(np.mean(logit_raised)) if logit_raised else None,
            },
            "by_clause": {c: float(np.mean(r)) for c, r in raised.items()},
            "by_label": {k: float(np.mean(r)) for k, r in sorted(raised_by_label.items())},
        },
        "goals": {"median_abs_shift_at_most": MEDIAN_GOAL, "p95_abs_shift_at_most": P95_GOAL, "raised_at_least": DIRECTION_GOAL},
    }


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def fairness_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown tables."""
    invariance, direction = report["invariance"], report["direction"]
    lines = ["# Identity invariance", "", "| swap | n | median abs shift | p95 abs shift | max |", "|---|---:|---:|---:|---:|"]
    rows = [("all swaps", invariance["overall"])] + list(invariance["by_category"].items()) + [(f"{k} ads", v) for k, v in invariance["by_label"].items()]
    for name, row in rows:
        lines.append(f"| {name} | {row['n']} | {_figure(row['median'])} | {_figure(row['p95'])} | {_figure(row['max'])} |")
    lines += ["", f"Goals: median at most {MEDIAN_GOAL}, 95th percentile at most {P95_GOAL}.", "", "# Directional: coercive clause appended", ""]
    lines += ["| clause | share raised (or saturated) |", "|---|---:|"]
    lines.append(f"| all ({direction['overall']['n']} pairs) | {_figure(direction['overall']['raised'])} |")
    lines.append(f"| all, logit strictly higher | {_figure(direction['overall']['logit_raised'])} |")
    lines += [f"| {clause} | {share:.4f} |" for clause, share in direction["by_clause"].items()]
    lines += [f"| {label} ads | {share:.4f} |" for label, share in direction["by_label"].items()]
    lines += ["", f"Goal: at least {DIRECTION_GOAL:.0%} raised; saturated means risk >= {SATURATED} before and after."]
    return "\n".join(lines) + "\n"
