"""Evaluation report, plots, model comparison with a paired bootstrap."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from screener.report import Scored, errors, highlighted, paired_bootstrap_auc  # noqa: E402
from screener.screening import DEFAULT_MODEL  # noqa: E402

ADS = pd.DataFrame(
    {
        "text": [
            "Girls wanted for hostess work abroad, we pay your ticket, the cost is deducted from your salary.",
            "Models for VIP clubs in Dubai, flights paid, keep it secret from your family.",
            "Kind teacher, 34, loves hiking, looking for a serious relationship.",
            "Barista wanted for our cafe, 30 hours a week, apply with your CV <b>now</b>.",
            "Family seeks a caring match for their daughter, a doctor.",
            "Warehouse job, weekly pay, no fees, contract from day one.",
        ],
        "label": ["1", "1", "0", "0", "0", "1"],
        "ad_type": ["job", "job", "dating", "job", "marriage", "job"],
        "difficulty": ["plain", "subtle", "ordinary", "ordinary", "hard_negative", "subtle"],
    }
)


@pytest.fixture(scope="module")
def scored(screener):
    results = screener.screen_batch(ADS["text"].tolist())
    return Scored("default", ADS, ADS["label"].astype(int).to_numpy(), results, screener.bundle.model.thresholds)


def test_paired_bootstrap_is_seeded_and_paired():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    good = y + rng.normal(0, 0.5, 300)
    poor = rng.normal(0, 1, 300)
    better = paired_bootstrap_auc(y, poor, good, n=60, seed=3)
    assert better == paired_bootstrap_auc(y, poor, good, n=60, seed=3)
    assert better != paired_bootstrap_auc(y, poor, good, n=60, seed=4)
    assert 0 < better["low"] <= better["difference"] <= better["high"] and better["share_not_better"] == 0.0
    assert better["n"] == 60
    same = paired_bootstrap_auc(y, good, good, n=60, seed=3)
    assert same["difference"] == same["low"] == same["high"] == 0.0


def test_errors_pick_the_worst_mistakes(scored):
    chosen = errors(scored)
    flagged = scored.risk >= scored.thresholds["balanced"]
    assert all(flagged[i] and scored.y[i] == 0 for i in chosen["false_positives"])
    assert set(chosen["false_negatives"]) == {i for i in range(len(ADS)) if not flagged[i] and scored.y[i] == 1}
    risks = [scored.risk[i] for i in chosen["false_negatives"]]
    assert risks == sorted(risks)


def test_highlighting_escapes_text_and_marks_hits(scored):
    marked = highlighted(ADS["text"][0], scored.results[0])
    first = min((h for h in scored.results[0].hits if not h.negated), key=lambda h: h.start)
    assert f">{first.text}</mark>" in marked
    assert marked.replace("</mark>", "").count(">") == marked.count("<mark")  # only the marks add markup
    assert "&lt;b&gt;" in highlighted(ADS["text"][3], scored.results[3])


def test_evaluate_writes_metrics_plots_and_a_self_contained_page(cli, tmp_path):
    data = tmp_path / "ads.csv"
    ADS.to_csv(data, index=False)
    done = cli("evaluate", "--model", DEFAULT_MODEL, "--data", data, "--out", tmp_path / "eval")
    assert done.exit_code == 0, done.output
    figures = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert figures["n"] == len(ADS) and figures["positives"] == 3 and 0 <= figures["roc_auc"] <= 1
    assert f"ROC-AUC {figures['roc_auc']:.3f}" in done.stdout
    for stem in ("curves", "reliability", "confusion", "distributions", "firing"):
        assert (tmp_path / "eval" / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = (tmp_path / "eval" / "report.html").read_text()
    assert text.count("data:image/png;base64,") == 5 and "never a verdict" in text
    assert "top false negatives" in text and "src=\"curves.png\"" not in text


def test_compare_gives_a_paired_interval_per_pair_of_models(cli, tmp_path):
    data = tmp_path / "ads.csv"
    ADS.to_csv(data, index=False)
    copy = tmp_path / "copy"
    shutil.copytree(DEFAULT_MODEL, copy)
    done = cli("compare", "--models", DEFAULT_MODEL, "--models", copy, "--data", data, "--out", tmp_path / "cmp", "--bootstrap", "100")
    assert done.exit_code == 0, done.output
    summary = json.loads((tmp_path / "cmp" / "comparison.json").read_text())
    (pair, row), = summary["roc_auc_differences"].items()
    assert pair == "copy - default" and row["n"] == 100
    assert row["difference"] == row["low"] == row["high"] == 0.0  # the same model twice
    assert len(summary["models"]) == 2 and (tmp_path / "cmp" / "curves.png").exists()
    assert "ROC-AUC differences" in (tmp_path / "cmp" / "report.html").read_text()
    assert cli("compare", "--models", DEFAULT_MODEL, "--data", data, "--out", tmp_path / "one").exit_code == 2
