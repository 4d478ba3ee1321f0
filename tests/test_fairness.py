"""Identity invariance, directional checks and the robustness report, with the shipped model."""

from __future__ import annotations

import json
import random
import statistics
from types import SimpleNamespace

import pytest

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


class StubScreener:
    """A stand-in model whose answers are known, to check what the reports make of them."""

    profile = "balanced"

    def __init__(self, risk, logit=lambda text: 0.0, flagged=lambda text: False):
        self._risk, self._logit, self._flagged = risk, logit, flagged

    def screen(self, text, *, profile=None):
        return SimpleNamespace(risk=self._risk(text), flagged=self._flagged(text), score_breakdown=SimpleNamespace(logit=self._logit(text)))


def test_fairness_report_attributes_each_shift_to_its_swap_and_clause():
    # Risk moves only with the city named, the logit only with "passport": the report must find
    # the shift under city swaps alone, and the rise under passport clauses alone.
    stub = StubScreener(risk=lambda t: 0.8 if "warsaw" in t.lower() else 0.2, logit=lambda t: float(t.lower().count("passport")))
    texts = ["Polish cook wanted in Warsaw, weekly pay.", "   ", "Polish girls wanted for hostess work in Warsaw."]
    report = fairness_report(stub, texts, [0, 0, 1], seed=1, per_category=1)
    invariance = report["invariance"]
    assert invariance["by_category"]["city"] == {"n": 2, "median": pytest.approx(0.6), "p95": pytest.approx(0.6), "max": pytest.approx(0.6)}
    assert {"nationality", "gender"} <= set(invariance["by_category"])
    assert all(row["max"] == 0.0 for category, row in invariance["by_category"].items() if category != "city")
    assert invariance["overall"]["n"] == sum(len(identity_variants(t, random.Random(0), 1)) for t in texts if t.strip())
    assert invariance["by_label"]["benign"]["max"] == invariance["by_label"]["risky"]["max"] == pytest.approx(0.6)
    direction = report["direction"]
    assert len(direction["by_clause"]) >= 3 and direction["overall"]["n"] == 2 * len(direction["by_clause"])  # the blank ad is skipped
    assert {c: v for c, v in direction["by_clause"].items()} == {c: float("passport" in c.lower()) for c in direction["by_clause"]}
    share = statistics.mean("passport" in c.lower() for c in direction["by_clause"])
    assert 0 < share < 1 and direction["overall"]["raised"] == pytest.approx(share) == direction["overall"]["logit_raised"]
    saturated = fairness_report(StubScreener(risk=lambda t: SATURATED), texts[:1], seed=1)
    assert saturated["direction"]["overall"] == {"n": len(direction["by_clause"]), "raised": 1.0, "logit_raised": 0.0}


def test_robustness_report_measures_each_disguise():
    # A stand-in that flags only plain-ASCII text: disguises that bring in other characters must
    # show a full recall drop and a full false-positive fall; ASCII-only disguises no change.
    stub = StubScreener(risk=lambda t: 0.5, flagged=str.isascii)
    rng = random.Random(9)
    texts = [fill(t, rng) for t, _ in TEMPLATES]
    labels = [y for _, y in TEMPLATES]
    report = robustness_report(stub, texts, labels, seed=2)
    assert set(report["transforms"]) == set(TRANSFORMS) and (report["n_risky"], report["n_benign"]) == (3, 4)
    assert report["clean"] == {"recall": 1.0, "false_positive_rate": 1.0}
    for name in ("look_alikes", "zero_width", "all"):
        assert report["transforms"][name] == {"recall": 0.0, "recall_drop": 1.0, "false_positive_rate": 0.0, "fpr_rise": -1.0}, name
    for name in ("leetspeak", "spacing", "number_words", "case", "typos"):
        assert report["transforms"][name] == {"recall": 1.0, "recall_drop": 0.0, "false_positive_rate": 1.0, "fpr_rise": 0.0}, name


def test_robustness_report_with_the_model_is_seeded(screener):
    rng = random.Random(9)
    texts = [fill(t, rng) for t, _ in TEMPLATES]
    labels = [y for _, y in TEMPLATES]
    report = robustness_report(screener, texts, labels, seed=2)
    assert report["clean"]["recall"] == sum(screener.screen(t).flagged for t, y in zip(texts, labels) if y) / 3
    assert robustness_report(screener, texts, labels, seed=2) == report


def test_cli_writes_the_reports(cli, tmp_path):
    import pandas as pd

    rng = random.Random(4)
    data = tmp_path / "ads.csv"
    pd.DataFrame({"text": [fill(t, rng) for t, _ in TEMPLATES], "label": [y for _, y in TEMPLATES]}).to_csv(data, index=False)
    for command in ("robustness", "fairness"):
        done = cli(command, "--data", data, "--out", tmp_path / command, "--model", DEFAULT_MODEL)
        assert done.exit_code == 0, done.output
        report = json.loads((tmp_path / command / f"{command}.json").read_text())
        assert report["seed"] == 0
        assert (tmp_path / command / f"{command}.md").read_text().startswith("# ")


@pytest.mark.parametrize("words", ["Filipino", "Muslim and Catholic", "Dhaka, Manila", "Tamil", "Ahmed"])
def test_naming_an_identity_moves_no_score(screener, words):
    # Identity words are masked and left out of every feature, so their presence (not only their
    # value) is invisible to the model: corpus v2 may use them unevenly across labels.
    for ad in ("Waitress wanted for a hotel abroad, room provided.", "Looking for a kind wife, family oriented."):
        assert screener.screen(f"{ad} {words}.").risk == screener.screen(ad).risk
