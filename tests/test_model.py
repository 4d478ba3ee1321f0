"""The screening model, its exact explanations, the public API contract and bundles."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from screener import MAX_TEXT_CHARS, Screener, ScreeningResult
from screener.bundle import BundleError, load_bundle
from screener.corpus import write_corpus
from screener.features import IndicatorFeatures, LexicalTerms
from screener.explain import explain
from screener.features import ParsedAd
from screener.model import ParseAds, make_pipeline
from screener.scorer import _OTHER_BELOW, Scored, ScreeningModel
from screener.results import ModelInfo
from screener.training import train_bundle

BANKS = str(Path(__file__).parent / "fixtures" / "banks")
RISKY = "Escort girls wanted now, our driver will meet you at the airport. Don't tell your family, contact only on whatsapp."


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    write_corpus(corpus, n=400, seed=3, banks=BANKS, version=1)
    out = tmp_path_factory.mktemp("model")
    train_bundle(corpus / "train.csv", out, dev=corpus / "dev.csv", seed=5, name="test-model", version="0.1")
    return out


@pytest.fixture(scope="module")
def screener(bundle_dir):
    return Screener(bundle_dir)


def test_hand_computed_ad_type_matches_the_type_head(screener):
    model = screener.bundle.model
    texts = [RISKY, "ordinary detail number one about the job, reply here", "looking for a kind wife, family oriented"]
    parsed = [model.parse(text) for text in texts]
    scores = np.asarray(model.features(parsed) @ model.type_head.coef.T) + model.type_head.intercept  # evidence and lexical
    probabilities = np.exp(scores - scores.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    expected = [model.type_head.classes[p.argmax()] if p.max() >= _OTHER_BELOW else "other" for p in probabilities]
    assert [screener.screen(text).ad_type for text in texts] == expected


def test_hand_computed_element_probabilities_match_the_heads(screener):
    model = screener.bundle.model
    assert set(model.element_heads) == {"ACT", "MEANS", "PURPOSE"}
    texts = [RISKY, "ordinary detail number one about the job, reply here"]
    parsed = [model.parse(text) for text in texts]
    terms = model.features(parsed)[:, len(model._indicators.feature_names_) :]
    for row, ad in enumerate(parsed):
        scored = model.score(ad)
        for element, head in model.element_heads.items():
            logit = float((terms[row] @ head.coef[0])[0]) + head.intercept[0]
            assert scored.element_probabilities[element] == pytest.approx(1 / (1 + math.exp(-logit)), abs=1e-9)
            assert all(0 <= s < e <= len(ad.text) for s, e in scored.element_cues[element])


def test_an_element_shown_by_wording_alone_is_present_with_its_cues():
    text = "Nice hostess job in a club, good tips."
    ad = ParsedAd(text=text, hits=(), tokens=("nice", "hostess"), spans=((0, 4), (5, 12)), signals=())
    scored = Scored(
        logit=2.0, risk=0.88, intercept=2.0, hit_contributions=(), term_contributions={}, signals=0.0, ad_type="job",
        element_probabilities={"ACT": 0.2, "MEANS": 0.1, "PURPOSE": 0.9}, element_cues={"PURPOSE": ((5, 12), (22, 26))},
    )
    thresholds = {"balanced": 0.5, "high_precision": 0.8, "high_recall": 0.3}
    result = explain(ad, scored, thresholds, "balanced", ModelInfo("m", "1"))
    purpose = result.elements["PURPOSE"]
    assert purpose.present and purpose.hits == () and purpose.contribution == 0.0
    assert purpose.cues == ("hostess", "club")
    assert not result.elements["ACT"].present and not result.elements["MEANS"].present
    assert "PURPOSE: suggested by the wording — 'hostess', 'club'." in result.summary
    assert "No evidence of ACT or MEANS." in result.summary
    quiet = explain(ad, scored, {**thresholds, "balanced": 0.95}, "balanced", ModelInfo("m", "1"))
    assert not quiet.elements["PURPOSE"].present  # not flagged: wording alone names no element


def test_parts_add_up_to_the_logit_and_match_the_batch_maths(screener):
    model = screener.bundle.model
    texts = [RISKY, "ordinary detail number one about the job, reply here", "ᴡᴇɪʀᴅ ✈️ text", ""]
    pipeline_risk = model.predict_risk(texts)
    pipeline_logit = model.features([model.parse(t) for t in texts]) @ model._coef + model._intercept
    for text, risk, logit in zip(texts, pipeline_risk, pipeline_logit):
        result = screener.screen(text)
        parts = result.score_breakdown
        assert parts.intercept + parts.indicators + parts.terms + parts.signals == pytest.approx(parts.logit, abs=1e-12)
        assert parts.logit == pytest.approx(logit, abs=1e-9)
        assert result.risk == pytest.approx(risk, abs=1e-9)
        assert parts.indicators == pytest.approx(sum(h.contribution for h in result.hits), abs=1e-12)
        for name, finding in result.elements.items():
            own = [h.contribution for h in result.hits if h.element == name]
            assert finding.contribution == pytest.approx(sum(own), abs=1e-12)


def test_risk_is_monotone_in_the_logit(screener):
    model = screener.bundle.model
    logits = np.linspace(-10, 10, 41)
    risks = [model.risk_of(x) for x in logits]
    assert all(a <= b for a, b in zip(risks, risks[1:]))


def test_risky_ad_is_flagged_with_evidence_by_element(screener):
    result = screener.screen(RISKY)
    assert result.flagged and result.level in ("medium", "high")
    present = {name for name, finding in result.elements.items() if finding.present}
    assert {"ACT", "MEANS", "PURPOSE"} <= present
    assert "ACT:" in result.summary and "'" in result.summary
    for hit in result.hits:
        assert RISKY[hit.start : hit.end] == hit.text


def test_result_round_trips_through_json(screener):
    result = screener.screen(RISKY)
    data = json.loads(json.dumps(result.to_dict()))
    assert ScreeningResult.from_dict(data) == result
    assert set(data) == {"risk", "flagged", "level", "ad_type", "elements", "child_branch", "hits", "terms", "score_breakdown", "summary", "model", "warnings"}
    assert set(data["elements"]) == {"ACT", "MEANS", "PURPOSE"}
    assert all(set(finding) == {"present", "contribution", "hits", "cues"} for finding in data["elements"].values())
    assert data["model"] == {"name": "test-model", "version": "0.1"}


def test_bad_input(screener):
    for bad in (None, 3, b"text"):
        with pytest.raises(TypeError, match="str"):
            screener.screen(bad)
    empty = screener.screen("   ")
    assert not empty.flagged and empty.warnings == ("empty text",)
    long = screener.screen("escorts wanted now " * (MAX_TEXT_CHARS // 10))
    assert f"truncated at {MAX_TEXT_CHARS} characters" in long.warnings
    with pytest.raises(ValueError, match="profile"):
        screener.screen("x", profile="lenient")


def test_profiles_order_and_change_the_flag(screener):
    thresholds = screener.bundle.model.thresholds
    assert thresholds["high_recall"] <= thresholds["balanced"] <= thresholds["high_precision"]
    result = screener.screen(RISKY, profile="high_recall")
    assert result.flagged


def test_batch_equals_one_by_one(screener):
    texts = [RISKY, "reply here", ""]
    assert screener.screen_batch(texts) == [screener.screen(t) for t in texts]


def test_same_data_and_seed_give_the_same_model(bundle_dir, tmp_path):
    manifest = json.loads((bundle_dir / "manifest.json").read_text())
    corpus = tmp_path / "corpus"
    write_corpus(corpus, n=400, seed=3, banks=BANKS, version=1)
    again = train_bundle(corpus / "train.csv", tmp_path / "model", dev=corpus / "dev.csv", seed=5, name="test-model", version="0.1")
    first = load_bundle(bundle_dir).model
    second = load_bundle(tmp_path / "model").model
    assert np.array_equal(first._coef, second._coef) and again["thresholds"] == manifest["thresholds"]


def test_pipeline_clones_and_the_model_round_trips_through_arrays(screener):
    assert clone(make_pipeline()).get_params()["parse__catalogue"] == ""
    model = screener.bundle.model
    arrays, settings = model.to_arrays()
    assert all(array.dtype != object for array in arrays.values())
    again = ScreeningModel.from_arrays(arrays, json.loads(json.dumps(settings)))
    assert again.predict_risk([RISKY, "hello"]).tolist() == model.predict_risk([RISKY, "hello"]).tolist()
    assert again.score(again.parse(RISKY)) == model.score(model.parse(RISKY))


@pytest.mark.parametrize("estimator", [ParseAds(), IndicatorFeatures(), LexicalTerms()], ids=lambda e: type(e).__name__)
@pytest.mark.parametrize(
    "check", [check_no_attributes_set_in_init, check_parameters_default_constructible, check_get_params_invariance, check_set_params], ids=lambda c: c.__name__
)
def test_text_transformers_follow_the_estimator_contract(estimator, check):
    check(type(estimator).__name__, estimator)


def test_unfitted_transformers_refuse_to_transform():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LexicalTerms().transform([])
    with pytest.raises(NotFittedError):
        IndicatorFeatures().transform([])
    assert make_pipeline().named_steps["classifier"].method == "sigmoid"


def test_bundle_verification(bundle_dir, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(bundle_dir, copy)
    with (copy / "model.npz").open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(BundleError, match="does not match its manifest"):
        load_bundle(copy)
    shutil.copytree(bundle_dir, tmp_path / "foreign")
    manifest = json.loads((tmp_path / "foreign" / "manifest.json").read_text())
    manifest["format_version"] = "other/9"
    (tmp_path / "foreign" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="unknown bundle format"):
        load_bundle(tmp_path / "foreign")
    with pytest.raises(BundleError, match="no model bundle"):
        load_bundle(tmp_path / "missing")
    card = (bundle_dir / "MODEL_CARD.md").read_text()
    assert "never a" in card and "## Limits" in card and "## Fairness" in card
    assert math.isfinite(json.loads((bundle_dir / "manifest.json").read_text())["metrics"]["dev"]["brier"])


def test_profiles_follow_their_targets_on_dev():
    from screener.model import BALANCED_RECALL, PRECISION_TARGET, RECALL_TARGET, _thresholds

    rng = np.random.default_rng(0)
    y = np.r_[np.ones(200, dtype=int), np.zeros(400, dtype=int)]
    risk = np.clip(np.r_[rng.normal(0.7, 0.2, 200), rng.normal(0.3, 0.2, 400)], 0, 1)
    profiles = _thresholds(y, risk)
    assert profiles["high_recall"] < profiles["balanced"] < profiles["high_precision"]
    assert (risk[y == 1] >= profiles["balanced"]).mean() >= BALANCED_RECALL
    assert (risk[y == 1] >= profiles["high_recall"]).mean() >= RECALL_TARGET
    flagged = risk >= profiles["high_precision"]
    assert y[flagged].mean() >= PRECISION_TARGET


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("earn c@sh, w0rk abroad", "leet"),
        ("aged eighteen to twenty", "number_words"),
        ("call 0 7 7 1 2 3 4 5 6 now", "spaced_digits"),
        ("call zero seven seven one two three four five six", "phone_in_words"),
    ],
)
def test_obfuscation_undone_by_the_tokenizer_reaches_the_model(text, signal):
    from screener.bundle import load_bundle
    from screener.screening import DEFAULT_MODEL

    model = load_bundle(DEFAULT_MODEL).model
    ad = model.parse(text)
    assert dict(ad.signals).get(signal, 0) >= 1
    features = model._indicators.features(ad)
    assert features[f"signal:{signal}"] > 0 and features["obfuscated"] == 1.0
    assert model._coef[model._indicators.index_[f"signal:{signal}"]] != 0.0, "the shipped model was trained with the signal"
