"""Corpus v2: scenario banks load and validate, every risky scenario has a lawful twin, and generated ads are whole, varied and fairly paid."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from screener.corpus import generate
from screener.corpus.scenarios import load_scenarios, pay_text
from screener.errors import CatalogueError
from screener.pay import find_pay

SCENARIOS = load_scenarios()
TYPOLOGY_DOC = Path(__file__).parent.parent / "docs" / "typology.md"
TYPOLOGY = re.findall(r"`([a-z_]+)`", TYPOLOGY_DOC.read_text(encoding="utf-8").split("## Summary table")[1])


def test_every_risky_scenario_has_a_benign_twin_and_every_pattern_is_covered():
    risky = {s.id for s in SCENARIOS if s.label == 1}
    twinned = {s.twin_of for s in SCENARIOS if s.twin_of}
    assert risky <= twinned, f"risky scenarios without a lawful twin: {sorted(risky - twinned)}"
    patterns = {s.pattern for s in SCENARIOS if s.label == 1}
    assert set(TYPOLOGY) <= patterns, f"typology patterns without a scenario: {sorted(set(TYPOLOGY) - patterns)}"
    for ad_type in ("job", "dating", "marriage"):
        kinds = Counter((s.label, s.difficulty) for s in SCENARIOS if s.ad_type == ad_type)
        assert kinds[(1, "subtle")] and kinds[(0, "hard_negative")] and kinds[(0, "ordinary")], (ad_type, kinds)


def test_bad_scenarios_are_refused_naming_file_line_and_id(tmp_path):
    good = "- id: one\n  ad_type: job\n  label: 1\n  pattern: p\n  difficulty: plain\n  elements: [ACT]\n  pay: none\n  ads: [{}]\n"
    templates = ", ".join(f'"ad number {i}"' for i in range(10))
    (tmp_path / "a.yaml").write_text(good.format(templates), encoding="utf-8")
    assert load_scenarios(tmp_path)[0].id == "one"
    cases = {
        "b": (good.replace("label: 1", "label: 0"), "difficulty of a benign scenario"),
        "c": (good.replace("pay: none", "pay: lots"), "pay must be one of"),
        "d": (good.format(templates + ', "earn {pay}"'), "uses {pay} but pay is none"),
        "e": (good.format(templates + ', "call {nobody}"'), "unknown slot {nobody}"),
        "f": (good.format('"too few"'), "at least 10 templates"),
    }
    for name, (body, message) in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "x.yaml").write_text(body.format(templates) if "{}" in body else body, encoding="utf-8")
        with pytest.raises(CatalogueError, match=re.escape(message)) as error:
            load_scenarios(folder)
        assert str(error.value).startswith("x.yaml:1: one: ")


def test_pay_is_drawn_in_proportion_to_the_currency_countrys_wage():
    rng = random.Random(0)
    lure = [find_pay(pay_text("lure", rng)) for _ in range(300)]
    fair = [find_pay(pay_text("fair", rng)) for _ in range(300)]
    assert sum(bool(m) for m in lure) >= 270, "the pay reader reads what the generator writes"
    lure_multiples = sorted(m[0].wage_multiple for m in lure if m and m[0].currency != "USD")
    fair_multiples = sorted(m[0].wage_multiple for m in fair if m and m[0].currency != "USD")
    assert lure_multiples[len(lure_multiples) // 2] > 2.5 > fair_multiples[len(fair_multiples) // 2]


def test_v2_ads_are_scenario_ads_of_real_length_with_the_scenarios_elements():
    corpus = generate(300, 11)
    ads = [ad for split in corpus.values() for ad in split]
    from_scenarios = [ad for ad in ads if ad.pattern != "composed"]
    assert len(from_scenarios) > len(ads) / 2
    words = sorted(len(ad.text.split()) for ad in from_scenarios if ad.label == 1)
    assert 10 <= words[len(words) // 2] <= 45, "real lures are short: median 22-23 words"
    assert all(ad.elements for ad in from_scenarios if ad.label == 1) and not any(ad.elements for ad in ads if ad.label == 0)
    assert not any("{" in ad.text or "(" in ad.text and "|" in ad.text for ad in from_scenarios), "templates fully filled"
    assert generate(300, 11)["dev"][0].text == corpus["dev"][0].text


def test_no_template_is_repeated_in_another_scenario():
    # splits are drawn per template: a repeated template would put one ad in train and in test
    owners = {}
    for scenario in SCENARIOS:
        for split, templates in scenario.templates.items():
            for template in templates:
                key = re.sub(r"\W+", " ", template.lower()).strip()
                assert owners.setdefault(key, scenario.id) == scenario.id, (template, owners[key], scenario.id)
