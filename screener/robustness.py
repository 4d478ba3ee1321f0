"""Adversarial robustness: how much each disguise costs in recall, and in false alarms.

Every disguise of `screener.corpus.disguise.DISGUISES` is applied on its own, then all together,
to the risky ads of a labelled file (recall at a profile, and its drop against the clean text)
and to its benign ads (false-positive rate, and its rise). Each ad gets its own seeded random
generator, so a report is reproducible.
"""

from __future__ import annotations

import random
from typing import Any, Sequence

from screener.corpus.disguise import DISGUISES, disguise
from screener.screening import Screener

__all__ = ["TRANSFORMS", "robustness_report", "robustness_markdown", "RECALL_DROP_GOAL", "FPR_RISE_GOAL"]

#: Each disguise alone, then all of them in this order.
TRANSFORMS: dict[str, tuple[str, ...]] = {**{name: (name,) for name in DISGUISES}, "all": tuple(DISGUISES)}
RECALL_DROP_GOAL = 0.05
FPR_RISE_GOAL = 0.02


def _flag_rate(screener: Screener, texts: Sequence[str], profile: str | None) -> float:
    if not texts:
        return float("nan")
    return sum(screener.screen(text, profile=profile).flagged for text in texts) / len(texts)


def robustness_report(screener: Screener, texts: Sequence[str], labels: Sequence[int], *, seed: int = 0, profile: str | None = None) -> dict[str, Any]:
    """Recall and false-positive rate on clean and disguised ads.

    Parameters
    ----------
    screener : Screener
        The model to test.
    texts, labels : sequences
        Labelled ads (1 risky, 0 benign).
    seed : int
        Seed of the disguises.
    profile : str, optional
        Threshold profile ("balanced" when omitted).

    Returns
    -------
    dict
        ``clean`` and per-transform ``recall``, ``recall_drop``, ``false_positive_rate`` and
        ``fpr_rise``, with the counts and the goals.
    """
    risky = [t for t, y in zip(texts, labels) if int(y) == 1]
    benign = [t for t, y in zip(texts, labels) if int(y) == 0]
    clean_recall = _flag_rate(screener, risky, profile)
    clean_fpr = _flag_rate(screener, benign, profile)
    transforms = {}
    for name, steps in TRANSFORMS.items():

        def disguised(group: str, ads: Sequence[str]) -> list[str]:
            return [disguise(text, steps, random.Random(f"{seed}:{name}:{group}:{i}")) for i, text in enumerate(ads)]

        recall = _flag_rate(screener, disguised("risky", risky), profile)
        fpr = _flag_rate(screener, disguised("benign", benign), profile)
        transforms[name] = {
            "recall": recall,
            "recall_drop": clean_recall - recall,
            "false_positive_rate": fpr,
            "fpr_rise": fpr - clean_fpr,
        }
    return {
        "profile": profile or screener.profile,
        "seed": seed,
        "n_risky": len(risky),
        "n_benign": len(benign),
        "clean": {"recall": clean_recall, "false_positive_rate": clean_fpr},
        "transforms": transforms,
        "goals": {"recall_drop_at_most": RECALL_DROP_GOAL, "fpr_rise_at_most": FPR_RISE_GOAL},
    }


def robustness_markdown(report: dict[str, Any]) -> str:
    """The report as a Markdown table (goals marked)."""
    clean = report["clean"]
    lines = [
        f"# Robustness ({report['n_risky']} risky, {report['n_benign']} benign ads; profile {report['profile']}, seed {report['seed']})",
        "",
        f"Clean text: recall {clean['recall']:.3f}, false-positive rate {clean['false_positive_rate']:.3f}.",
        "",
        "| transform | recall | drop | FPR | rise | goals met |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for name, row in report["transforms"].items():
        met = row["recall_drop"] <= RECALL_DROP_GOAL and row["fpr_rise"] <= FPR_RISE_GOAL
        lines.append(
            f"| {name} | {row['recall']:.3f} | {row['recall_drop']:+.3f} | {row['false_positive_rate']:.3f} | {row['fpr_rise']:+.3f} | {'yes' if met else 'NO'} |"
        )
    lines += ["", f"Goals: recall drop at most {RECALL_DROP_GOAL:.2f}, false-positive rise at most {FPR_RISE_GOAL:.2f}."]
    return "\n".join(lines) + "\n"
