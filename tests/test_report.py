"""Evaluation report, plots, model comparison with a paired bootstrap."""

from __future__ import annotations

import json
import shutil
import sys

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from screener import Screener  # noqa: E402
from screener.cli import main  # noqa: E402
from screener.report import Scored, errors, highlighted, paired_bootstrap_auc, write_report  # noqa: E402
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
def scored():
    screener = Screener()
    results = screener.screen_batch(ADS["text"].tolist())
    return Scored("default", ADS, ADS["label"].astype(int).to_numpy(), results, screener.bundle.model.thresholds)


def test_paired_bootstrap_is_seeded_and_paired():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    good = y + rng.normal(0, 0.5, 300)
    poor = rng.normal(0, 1, 300)
    better = paired_bootstrap_auc(y, poor, good, n=200, seed=3)
    assert better == paired_bootstrap_auc(y, poor, good, n=200, seed=3)
    assert 0 < better["low"] <= better["difference"] <= better["high"] and better["share_not_better"] == 0.0
    same = paired_bootstrap_auc(y, good, good, n=200, seed=3)
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


def test_report_writes_plots_and_a_self_contained_page(scored, tmp_path):
    page = write_report([scored], [{"roc_auc": 1.0, "pr_auc": 1.0, "brier": 0.1, "ece": 0.1, "profiles": {p: {"threshold": t} for p, t in scored.thresholds.items()}}], tmp_path)
    for stem in ("curves", "reliability", "confusion", "distributions", "firing"):
        assert (tmp_path / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = page.read_text()
    assert text.count("data:image/png;base64,") == 5 and "never a verdict" in text
    assert "top false negatives" in text and "src=\"curves.png\"" not in text


def test_evaluate_and_compare_commands(tmp_path, monkeypatch, capsys):
    data = tmp_path / "ads.csv"
    ADS.to_csv(data, index=False)
    copy = tmp_path / "copy"
    shutil.copytree(DEFAULT_MODEL, copy)

    def run(*args):
        monkeypatch.setattr(sys, "argv", ["screener", *args])
        with pytest.raises(SystemExit) as done:
            main()
        assert done.value.code in (0, None), capsys.readouterr().err

    run("evaluate", "--model", str(DEFAULT_MODEL), "--data", str(data), "--out", str(tmp_path / "eval"))
    assert (tmp_path / "eval" / "report.html").exists() and (tmp_path / "eval" / "metrics.json").exists()
    run("compare", "--models", str(DEFAULT_MODEL), "--models", str(copy), "--data", str(data), "--out", str(tmp_path / "cmp"), "--bootstrap", "200")
    summary = json.loads((tmp_path / "cmp" / "comparison.json").read_text())
    (pair, row), = summary["roc_auc_differences"].items()
    assert row["difference"] == row["low"] == row["high"] == 0.0  # the same model twice
    assert len(summary["models"]) == 2 and (tmp_path / "cmp" / "curves.png").exists()
