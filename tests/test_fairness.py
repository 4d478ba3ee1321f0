"""Identity invariance, directional checks and the robustness report, with the shipped model."""

from __future__ import annotations

import json
import random
import statistics

import pytest

from screener import Screener
from screener.cli import main
from screener.fairness import SATURATED, fairness_report, identity_variants, swap_gender
from screener.robustness import TRANSFORMS, robustness_report
from screener.screening import DEFAULT_MODEL

# Written for these tests: ads with identity slots, benign and risky.
TEMPLATES = [
    ("{nationality} family in {city} seeks a {religion} nanny for two children, 25 hours a week, contract and payslips.", 0),
    ("Hi, I am {name}, a {nationality} nurse living in {city}. I love hiking and cooking for friends.", 0),
    ("{religion} parents invite proposals for their daughter, a {nationality} engineer working in {city}.", 0),
    ("Warehouse staff wanted in {city}. {nationality} and {ethnicity} applicants welcome, weekly pay, no fees.", 0),
    ("{nationality} girls wanted for hostess work in {city}. We pay your ticket; the cost is deducted from your salary.", 1),
    ("Agent {name} finds {nationality} brides for rich men abroad. No documents needed, we keep your passport safe.", 1),
    ("Young {ethnicity} ladies for VIP clubs in {city}, high pay, contact only on WhatsApp, tell no one.", 1),
]
VALUES = {
    "nationality": ["Polish", "Filipino", "Nigerian", "Romanian", "Tongan"],
    "city": ["Warsaw", "Manila", "Lagos", "Dubai", "Vilnius"],
    "religion": ["Catholic", "Muslim", "Hindu", "Buddhist"],
    "name": ["Maria", "Aisha", "Priya", "Folake"],
    "ethnicity": ["Asian", "African", "Latina", "Slavic"],
}


@pytest.fixture(scope="module")
def screener():
    return Screener()


def fill(template: str, rng: random.Random) -> str:
    return template.format(**{slot: rng.choice(values) for slot, values in VALUES.items()})


def test_identity_swaps_do_not_move_the_risk(screener):
    shifts = []
    for template, _ in TEMPLATES:
        base = screener.screen(fill(template, random.Random(0))).risk
        for seed in range(1, 6):
            shifts.append(abs(screener.screen(fill(template, random.Random(seed))).risk - base))
    assert statistics.median(shifts) <= 0.01
    assert sorted(shifts)[int(0.95 * (len(shifts) - 1))] <= 0.05


def test_gender_swap_reads_both_ways():
    assert swap_gender("She and her husband met him; Girls welcome.") == "He and his wife met her; Boys welcome."


def test_identity_variants_swap_every_occurrence_within_a_category():
    text = "Polish cook for a Polish family in Warsaw."
    variants = identity_variants(text, random.Random(3), per_category=1)
    nationality = [v for c, v in variants if c == "nationality"]
    assert len(nationality) == 1 and "Polish" not in nationality[0]
    swapped = nationality[0].split()[0]
    assert nationality[0].count(swapped) == 2
    assert {c for c, _ in variants} >= {"nationality", "city"}


@pytest.mark.parametrize(
    "clause",
    ["Your passport will be kept by the agency.", "Travel costs are deducted from your salary.", "Contact only on Telegram, don't tell your family."],
)
def test_a_coercive_clause_raises_the_score(screener, clause):
    rng = random.Random(11)
    raised = 0
    for template, _ in TEMPLATES:
        text = fill(template, rng)
        before, after = screener.screen(text), screener.screen(f"{text} {clause}")
        higher = after.score_breakdown.logit > before.score_breakdown.logit
        raised += higher or min(before.risk, after.risk) >= SATURATED
        assert after.risk >= before.risk - 1e-6
    assert raised >= 0.95 * len(TEMPLATES)


def test_fairness_report_figures(screener):
    rng = random.Random(5)
    texts = [fill(t, rng) for t, _ in TEMPLATES]
    labels = [y for _, y in TEMPLATES]
    report = fairness_report(screener, texts, labels, seed=1, per_category=1)
    overall = report["invariance"]["overall"]
    assert overall["n"] == sum(report["invariance"]["by_category"][c]["n"] for c in report["invariance"]["by_category"])
    assert 0 <= overall["median"] <= overall["p95"] <= overall["max"]
    assert set(report["invariance"]["by_label"]) == {"benign", "risky"}
    assert report["direction"]["overall"]["n"] == len(texts) * len(report["direction"]["by_clause"])
    assert 0 <= report["direction"]["overall"]["raised"] <= 1


def test_robustness_report_measures_each_disguise(screener):
    rng = random.Random(9)
    texts = [fill(t, rng) for t, _ in TEMPLATES]
    labels = [y for _, y in TEMPLATES]
    report = robustness_report(screener, texts, labels, seed=2)
    assert set(report["transforms"]) == set(TRANSFORMS) and "all" in TRANSFORMS
    clean = report["clean"]
    assert clean["recall"] == sum(screener.screen(t).flagged for t, y in zip(texts, labels) if y) / 3
    for row in report["transforms"].values():
        assert row["recall_drop"] == pytest.approx(clean["recall"] - row["recall"])
        assert row["fpr_rise"] == pytest.approx(row["false_positive_rate"] - clean["false_positive_rate"])
    assert robustness_report(screener, texts, labels, seed=2) == report  # seeded: reproducible


def test_cli_writes_the_reports(tmp_path, monkeypatch, capsys):
    import pandas as pd

    rng = random.Random(4)
    data = tmp_path / "ads.csv"
    pd.DataFrame({"text": [fill(t, rng) for t, _ in TEMPLATES], "label": [y for _, y in TEMPLATES]}).to_csv(data, index=False)
    for command in ("robustness", "fairness"):
        monkeypatch.setattr("sys.argv", ["screener", command, "--data", str(data), "--out", str(tmp_path / command), "--model", str(DEFAULT_MODEL)])
        with pytest.raises(SystemExit) as done:
            main()
        assert done.value.code in (0, None), capsys.readouterr().err
        report = json.loads((tmp_path / command / f"{command}.json").read_text())
        assert report["seed"] == 0
        assert (tmp_path / command / f"{command}.md").read_text().startswith("# ")


@pytest.mark.parametrize("words", ["Filipino", "Muslim and Catholic", "Dhaka, Manila", "Tamil", "Ahmed"])
def test_naming_an_identity_moves_no_score(screener, words):
    # Identity words are masked and left out of every feature, so their presence (not only their
    # value) is invisible to the model: corpus v2 may use them unevenly across labels.
    for ad in ("Waitress wanted for a hotel abroad, room provided.", "Looking for a kind wife, family oriented."):
        assert screener.screen(f"{ad} {words}.").risk == screener.screen(ad).risk
