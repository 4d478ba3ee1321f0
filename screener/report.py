"""Evaluation reports with plots: one model (`write_report`) or several side by side.

Figures (PNG, and embedded in a self-contained ``report.html``): ROC and precision-recall curves
overall and per ad type, a reliability diagram with the ECE, confusion matrices at each threshold
profile, score distributions by ad type and difficulty, how often each element and indicator fired
on risky and benign ads, and an error table of the top false positives and false negatives with
their evidence highlighted. Needs matplotlib (``pip install 'screener[reports]'``); no display.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from screener.errors import InputError
from screener.evaluate import expected_calibration_error
from screener.results import PROFILES, ScreeningResult

__all__ = ["Scored", "paired_bootstrap_auc", "figures", "write_report", "ERRORS_SHOWN"]

ERRORS_SHOWN = 10
_COLOURS = {"ACT": "#1b9e77", "MEANS": "#d95f02", "PURPOSE": "#7570b3"}


@dataclass
class Scored:
    """One model's results on one labelled frame."""

    name: str
    frame: pd.DataFrame
    y: np.ndarray
    results: list[ScreeningResult]
    thresholds: dict[str, float]
    text_column: str = "text"

    @property
    def risk(self) -> np.ndarray:
        return np.array([r.risk for r in self.results])


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError("plots need matplotlib: pip install 'screener[reports]'") from None
    return plt


def paired_bootstrap_auc(y: np.ndarray, risk_a: np.ndarray, risk_b: np.ndarray, n: int = 1000, seed: int = 0) -> dict[str, float]:
    """ROC-AUC of B minus A with a 95% paired bootstrap interval (the same resampled ads for both).

    Returns
    -------
    dict
        ``difference``, ``low``, ``high``, ``share_not_better`` (resamples where B <= A) and ``n``.
    """
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(seed)
    y = np.asarray(y)
    observed = roc_auc_score(y, risk_b) - roc_auc_score(y, risk_a)
    differences = []
    while len(differences) < n:
        sample = rng.integers(0, len(y), len(y))
        if len(set(y[sample].tolist())) < 2:
            continue
        differences.append(roc_auc_score(y[sample], risk_b[sample]) - roc_auc_score(y[sample], risk_a[sample]))
    values = np.array(differences)
    return {
        "difference": float(observed),
        "low": float(np.percentile(values, 2.5)),
        "high": float(np.percentile(values, 97.5)),
        "share_not_better": float((values <= 0).mean()),
        "n": n,
    }


def _groups(scored: Scored, column: str) -> list[tuple[str, np.ndarray]]:
    groups = [("all", np.ones(len(scored.y), dtype=bool))]
    if column in scored.frame.columns:
        values = scored.frame[column].astype(str).to_numpy()
        groups += [(value, values == value) for value in sorted(set(values))]
    return groups


def _curves(plt, models: Sequence[Scored]):
    from sklearn.metrics import precision_recall_curve, roc_curve

    figure, axes = plt.subplots(2, len(models), figsize=(5.5 * len(models), 9), squeeze=False)
    for column, scored in enumerate(models):
        risk = scored.risk
        for name, mask in _groups(scored, "ad_type"):
            if len(set(scored.y[mask].tolist())) < 2:
                continue
            fpr, tpr, _ = roc_curve(scored.y[mask], risk[mask])
            precision, recall, _ = precision_recall_curve(scored.y[mask], risk[mask])
            style = {"linewidth": 2.5 if name == "all" else 1.2}
            axes[0][column].plot(fpr, tpr, label=name, **style)
            axes[1][column].plot(recall, precision, label=name, **style)
        axes[0][column].plot([0, 1], [0, 1], ":", color="grey")
        axes[0][column].set(title=f"{scored.name}: ROC", xlabel="false-positive rate", ylabel="recall")
        axes[1][column].set(title=f"{scored.name}: precision-recall", xlabel="recall", ylabel="precision", ylim=(0, 1.02))
        for axis in (axes[0][column], axes[1][column]):
            axis.legend(loc="lower right" if axis is axes[0][column] else "lower left", fontsize=8)
    figure.tight_layout()
    return figure


def _reliability(plt, models: Sequence[Scored]):
    figure, axes = plt.subplots(1, len(models), figsize=(5.5 * len(models), 5), squeeze=False)
    edges = np.linspace(0, 1, 11)
    for column, scored in enumerate(models):
        risk, axis = scored.risk, axes[0][column]
        centres, observed, sizes = [], [], []
        for low, high in zip(edges[:-1], edges[1:]):
            inside = (risk >= low) & ((risk < high) if high < 1 else (risk <= high))
            if inside.any():
                centres.append(risk[inside].mean())
                observed.append(scored.y[inside].mean())
                sizes.append(inside.sum())
        axis.plot([0, 1], [0, 1], ":", color="grey")
        axis.plot(centres, observed, "o-")
        for x, y, size in zip(centres, observed, sizes):
            axis.annotate(str(size), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
        ece = expected_calibration_error(scored.y, risk)
        axis.set(title=f"{scored.name}: reliability (ECE {ece:.3f})", xlabel="mean predicted risk", ylabel="share risky", xlim=(0, 1), ylim=(0, 1))
    return figure


def _confusions(plt, models: Sequence[Scored]):
    figure, axes = plt.subplots(len(models), len(PROFILES), figsize=(4 * len(PROFILES), 3.6 * len(models)), squeeze=False)
    for row, scored in enumerate(models):
        risk = scored.risk
        for column, profile in enumerate(PROFILES):
            flagged = risk >= scored.thresholds[profile]
            matrix = np.array([[((scored.y == a) & (flagged == b)).sum() for b in (0, 1)] for a in (0, 1)])
            axis = axes[row][column]
            axis.imshow(matrix, cmap="Blues")
            for a in (0, 1):
                for b in (0, 1):
                    dark = matrix[a, b] > matrix.max() / 2
                    axis.text(b, a, str(matrix[a, b]), ha="center", va="center", fontsize=12, color="white" if dark else "black")
            axis.set(xticks=[0, 1], yticks=[0, 1], xticklabels=["not flagged", "flagged"], yticklabels=["benign", "risky"])
            axis.set_title(f"{scored.name}: {profile} ({scored.thresholds[profile]:.3f})", fontsize=9)
    figure.tight_layout()
    return figure


def _distributions(plt, models: Sequence[Scored]):
    figure, axes = plt.subplots(2, len(models), figsize=(5.5 * len(models), 8), squeeze=False)
    bins = np.linspace(0, 1, 21)
    for column, scored in enumerate(models):
        risk = scored.risk
        for row, group in enumerate(("ad_type", "difficulty")):
            axis = axes[row][column]
            groups = _groups(scored, group)
            for name, mask in groups[1:] or groups:
                axis.hist(risk[mask], bins=bins, histtype="step", linewidth=1.5, label=f"{name} ({mask.sum()})")
            axis.axvline(scored.thresholds["balanced"], color="grey", linestyle=":")
            axis.set(title=f"{scored.name}: risk by {group}", xlabel="risk", ylabel="ads", yscale="log")
            axis.legend(fontsize=7)
    figure.tight_layout()
    return figure


def firing(scored: Scored) -> dict[str, dict[str, Counter]]:
    """How many risky and benign ads each element and indicator fired on (non-negated)."""
    counts = {"element": {"risky": Counter(), "benign": Counter()}, "indicator": {"risky": Counter(), "benign": Counter()}}
    for label, result in zip(scored.y, scored.results):
        side = "risky" if label else "benign"
        counts["element"][side].update(name for name, finding in result.elements.items() if finding.present)
        counts["indicator"][side].update({h.indicator for h in result.hits if not h.negated})
    return counts


def _firing(plt, models: Sequence[Scored], top: int = 25):
    figure, axes = plt.subplots(2, len(models), figsize=(6.5 * len(models), 12), squeeze=False, gridspec_kw={"height_ratios": [1, 3]})
    for column, scored in enumerate(models):
        counts = firing(scored)
        risky_n, benign_n = max(1, int(scored.y.sum())), max(1, int((scored.y == 0).sum()))
        for row, kind in enumerate(("element", "indicator")):
            risky, benign = counts[kind]["risky"], counts[kind]["benign"]
            names = [n for n, _ in (risky + benign).most_common(top)][::-1]
            positions = np.arange(len(names))
            axis = axes[row][column]
            axis.barh(positions + 0.2, [risky[n] / risky_n for n in names], height=0.4, label=f"risky ({risky_n})", color="#d95f02")
            axis.barh(positions - 0.2, [benign[n] / benign_n for n in names], height=0.4, label=f"benign ({benign_n})", color="#1b9e77")
            axis.set_yticks(positions, names, fontsize=7)
            axis.set(title=f"{scored.name}: share of ads where each {kind} fired", xlabel="share of ads")
            axis.legend(fontsize=7)
    figure.tight_layout()
    return figure


def figures(models: Sequence[Scored]) -> dict[str, Any]:
    """The report's figures by file stem (matplotlib Figures)."""
    plt = _pyplot()
    return {
        "curves": _curves(plt, models),
        "reliability": _reliability(plt, models),
        "confusion": _confusions(plt, models),
        "distributions": _distributions(plt, models),
        "firing": _firing(plt, models),
    }


def highlighted(text: str, result: ScreeningResult) -> str:
    """HTML of `text` with each non-negated hit marked in its element's colour."""
    pieces, position = [], 0
    for hit in sorted((h for h in result.hits if not h.negated), key=lambda h: h.start):
        if hit.start < position:
            continue
        pieces.append(html.escape(text[position : hit.start]))
        colour = _COLOURS.get(hit.element, "#999")
        pieces.append(f'<mark style="background:{colour}33;border-bottom:2px solid {colour}" title="{html.escape(hit.element)}: {html.escape(hit.label)}">{html.escape(text[hit.start:hit.end])}</mark>')
        position = hit.end
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


def errors(scored: Scored, shown: int = ERRORS_SHOWN) -> dict[str, list[int]]:
    """Row positions of the top false positives (highest risk) and false negatives (lowest)."""
    risk, flagged = scored.risk, scored.risk >= scored.thresholds["balanced"]
    false_positive = np.where(flagged & (scored.y == 0))[0]
    false_negative = np.where(~flagged & (scored.y == 1))[0]
    return {
        "false_positives": false_positive[np.argsort(-risk[false_positive], kind="stable")][:shown].tolist(),
        "false_negatives": false_negative[np.argsort(risk[false_negative], kind="stable")][:shown].tolist(),
    }


def _image(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _metrics_table(names: Sequence[str], metrics: Sequence[dict[str, Any]]) -> str:
    rows = [("ROC-AUC", "roc_auc"), ("PR-AUC", "pr_auc"), ("Brier", "brier"), ("ECE", "ece")]
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = ""
    for label, key in rows:
        body += f"<tr><td>{label}</td>" + "".join(f"<td>{_num(m.get(key))}</td>" for m in metrics) + "</tr>"
    for profile in PROFILES:
        for key in ("threshold", "precision", "recall", "f1", "false_positive_rate"):
            body += f"<tr><td>{profile} {key}</td>" + "".join(f"<td>{_num(m['profiles'][profile].get(key))}</td>" for m in metrics) + "</tr>"
    return f"<table><tr><th></th>{head}</tr>{body}</table>"


def _num(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def write_report(models: Sequence[Scored], metrics: Sequence[dict[str, Any]], out: str | Path, comparison: dict[str, Any] | None = None) -> Path:
    """Write the PNGs and a self-contained ``report.html`` into `out`; return the HTML path."""
    plt = _pyplot()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sections = []
    for stem, figure in figures(models).items():
        figure.savefig(out / f"{stem}.png", dpi=90, bbox_inches="tight")
        sections.append(f'<h2>{stem}</h2><img alt="{stem}" src="data:image/png;base64,{_image(figure)}">')
        plt.close(figure)
    names = [m.name for m in models]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>screener report</title>",
        "<style>body{font-family:sans-serif;max-width:1400px;margin:auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}"
        "img{max-width:100%}.ad{text-align:left;max-width:900px}</style></head><body>",
        f"<h1>Evaluation: {html.escape(', '.join(names))}</h1>",
        f"<p>{len(models[0].y)} ads, {int(models[0].y.sum())} risky. A flag is a suspicion for a person to review, never a verdict.</p>",
        _metrics_table(names, metrics),
    ]
    if comparison:
        parts.append("<h2>ROC-AUC differences (paired bootstrap, 95% interval)</h2><table><tr><th>models</th><th>difference</th><th>interval</th><th>share of resamples not better</th></tr>")
        for pair, row in comparison.items():
            parts.append(f"<tr><td>{html.escape(pair)}</td><td>{row['difference']:+.4f}</td><td>[{row['low']:+.4f}, {row['high']:+.4f}]</td><td>{row['share_not_better']:.3f}</td></tr>")
        parts.append("</table>")
    parts += sections
    for scored in models:
        chosen = errors(scored)
        texts = scored.frame[scored.text_column].tolist()
        for kind, rows in chosen.items():
            parts.append(f"<h2>{html.escape(scored.name)}: top {kind.replace('_', ' ')} (balanced profile)</h2><table><tr><th>row</th><th>risk</th><th>ad with evidence</th><th>summary</th></tr>")
            for row in rows:
                result = scored.results[row]
                parts.append(f"<tr><td>{row}</td><td>{result.risk:.3f}</td><td class='ad'>{highlighted(texts[row], result)}</td><td class='ad'>{html.escape(result.summary)}</td></tr>")
            parts.append("</table>")
    parts.append("</body></html>")
    path = out / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
