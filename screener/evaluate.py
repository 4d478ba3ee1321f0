"""Measure a model on a labelled file: ranking, calibration, profiles, breakdowns, elements, spans."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, precision_recall_fscore_support, roc_auc_score

from screener.bundle import Bundle
from screener.explain import explain
from screener.legal import ELEMENTS
from screener.results import PROFILES, ModelInfo, ScreeningResult

__all__ = ["screen_frame_results", "metrics", "expected_calibration_error"]


def screen_frame_results(bundle: Bundle, texts: list[str], profile: str = "balanced") -> list[ScreeningResult]:
    """Results for every text with one loaded bundle."""
    model = bundle.model
    info = ModelInfo(bundle.name, bundle.version)
    results = []
    for text in texts:
        ad = model.parse(text)
        results.append(explain(ad, model.score(ad), model.thresholds, profile, info, model.catalogue))
    return results


def expected_calibration_error(y: np.ndarray, risk: np.ndarray, bins: int = 10) -> float:
    """ECE with equal-width bins: the weighted mean gap between confidence and accuracy."""
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (risk >= low) & ((risk < high) if high < 1 else (risk <= high))
        if inside.any():
            total += inside.mean() * abs(risk[inside].mean() - y[inside].mean())
    return float(total)


def _ranking(y: np.ndarray, risk: np.ndarray) -> dict[str, float | None]:
    if len(set(y.tolist())) < 2:
        return {"roc_auc": None, "pr_auc": None}
    return {"roc_auc": float(roc_auc_score(y, risk)), "pr_auc": float(average_precision_score(y, risk))}


def _at_profiles(y: np.ndarray, risk: np.ndarray, thresholds: dict[str, float]) -> dict[str, dict[str, float]]:
    out = {}
    for profile in PROFILES:
        flagged = risk >= thresholds[profile]
        precision, recall, f1, _ = precision_recall_fscore_support(y, flagged, average="binary", zero_division=0)
        negatives = y == 0
        out[profile] = {
            "threshold": float(thresholds[profile]),
            "precision": float(precision),
            "recall": float(recall) if (y == 1).any() else None,  # no risky ad: recall means nothing
            "f1": float(f1),
            "false_positive_rate": float(flagged[negatives].mean()) if negatives.any() else None,
            "flagged_per_1000": float(flagged.mean() * 1000),
        }
    return out


def metrics(
    bundle: Bundle, frame: pd.DataFrame, text_column: str = "text", label_column: str = "label", results: list[ScreeningResult] | None = None
) -> dict[str, Any]:
    """All figures for one labelled frame (see `screener evaluate`); `results` when already screened."""
    if results is None:
        results = screen_frame_results(bundle, frame[text_column].tolist())
    y = frame[label_column].astype(int).to_numpy()
    risk = np.array([r.risk for r in results])
    thresholds = bundle.model.thresholds
    out: dict[str, Any] = {
        "n": int(len(frame)),
        "positives": int(y.sum()),
        **_ranking(y, risk),
        "brier": float(brier_score_loss(y, risk)) if len(frame) else None,
        "ece": expected_calibration_error(y, risk),
        "profiles": _at_profiles(y, risk, thresholds),
    }
    if "ad_type" in frame.columns:
        out["ad_type_accuracy"] = float(np.mean([r.ad_type == t for r, t in zip(results, frame["ad_type"])]))
    for column in ("ad_type", "difficulty", "quote_kind"):
        if column in frame.columns:
            groups = {}
            for value in sorted(frame[column].unique()):
                mask = (frame[column] == value).to_numpy()
                groups[str(value)] = {"n": int(mask.sum()), **_ranking(y[mask], risk[mask]), "profiles": _at_profiles(y[mask], risk[mask], thresholds)}
            out[f"by_{column}"] = groups
    if "elements" in frame.columns:
        out["elements"] = _element_f1(frame["elements"].tolist(), y, results)
    if "spans" in frame.columns:
        from screener.corpus.spans import span_scores

        scores = span_scores(zip(frame[text_column], frame["spans"]))
        out["spans"] = {"recall": scores.recall, "precision": scores.precision, "gold": scores.gold, "hits": scores.hits}
    return out


def _element_f1(labelled: list[str], y: np.ndarray, results: list[ScreeningResult]) -> dict[str, float]:
    """Micro-F1 of the elements reported present against the labelled elements, on risky rows, and
    `hit_recall`: the share of labelled elements that have a catalogue hit (evidence, not wording)."""
    tp = fp = fn = with_hit = 0
    for gold_text, label, result in zip(labelled, y, results):
        if not label:
            continue
        gold = set(filter(None, gold_text.split(";")))
        found = {name for name, finding in result.elements.items() if finding.present}
        tp += len(gold & found)
        fp += len(found - gold)
        fn += len(gold - found)
        with_hit += sum(bool(result.elements[name].hits) for name in gold if name in result.elements)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"micro_f1": f1, "precision": precision, "recall": recall, "hit_recall": with_hit / (tp + fn) if tp + fn else 0.0}
