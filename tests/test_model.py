"""The screening model, its exact explanations, the public API contract and bundles."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    parametrize_with_checks,
)

from conftest import MINI_CATALOGUE, TINY_TRAINING
from screener import MAX_TEXT_CHARS, ScreeningResult, load_catalogue
from screener.ad_type_words import CUE_TYPES, type_cue_matrix, type_cues
from screener.bundle import BundleError, load_bundle
from screener.explain import explain
from screener.features import ParsedAd
from screener.model import EvidenceDropoutClassifier, IndicatorFeatures, LexicalTerms, ParseAds, make_pipeline
from screener.scorer import _OTHER_BELOW, Scored, ScreeningModel
from screener.results import ModelInfo
from screener.training import train_bundle

RISKY = "Escort girls wanted now, our driver will meet you at the airport. Don't tell your family, contact only on whatsapp."


@pytest.fixture(scope="module")
def bundle_dir(tiny_bundle):
    return tiny_bundle


@pytest.fixture(scope="module")
def screener(tiny_screener):
    """The tiny bundle's screener (conftest.py), under the name these tests read best with."""
    return tiny_screener


def test_hand_computed_ad_type_matches_the_type_head(screener):
    model = screener.bundle.model
    texts = [RISKY, "ordinary detail number one about the job, reply here", "looking for a kind wife, family oriented"]
    parsed = [model.parse(text) for text in texts]
    assert model.type_reads_cues
    features = sp.hstack([model.features(parsed), sp.csr_matrix(type_cue_matrix([ad.tokens for ad in parsed]))], format="csr")
    scores = np.asarray(features @ model.type_head.coef.T) + model.type_head.intercept  # evidence, lexical, type cues
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
    assert set(data) == {"risk", "flagged", "level", "ad_type", "elements", "child_branch", "hits", "terms", "score_breakdown", "summary", "model", "warnings", "language"}
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


def test_same_data_and_seed_give_the_same_model(bundle_dir, tiny_corpus, tmp_path):
    # The corpus generator's determinism is test_corpus's; this retrains on the same files.
    manifest = json.loads((bundle_dir / "manifest.json").read_text())
    again = train_bundle(tiny_corpus / "train.csv", tmp_path / "model", dev=tiny_corpus / "dev.csv", **TINY_TRAINING)
    assert again["thresholds"] == manifest["thresholds"] and again["metrics"] == manifest["metrics"]
    first, second = load_bundle(bundle_dir).model.to_arrays()[0], load_bundle(tmp_path / "model").model.to_arrays()[0]
    assert first.keys() == second.keys() and all(np.array_equal(first[k], second[k]) for k in first)


def test_the_pipeline_is_built_for_the_catalogue_it_is_given():
    mini = load_catalogue(MINI_CATALOGUE)
    pipeline = clone(make_pipeline(MINI_CATALOGUE, seed=4))
    params = pipeline.get_params()
    assert params["parse__catalogue"] == MINI_CATALOGUE
    assert list(params["features__indicators__indicators"]) == [i.id for i in mini]
    assert list(params["features__indicators__child_indicators"]) == [i.id for i in mini if i.child]
    evidence = clone(params["features__indicators"]).fit([])
    assert params["classifier__estimator__n_evidence"] == len(evidence.feature_names_) > 2 * len(mini)
    assert params["classifier__estimator__random_state"] == 4 and params["classifier__cv"].random_state == 4


def test_the_model_round_trips_through_arrays(screener):
    model = screener.bundle.model
    arrays, settings = model.to_arrays()
    assert all(array.dtype != object for array in arrays.values())
    again = ScreeningModel.from_arrays(arrays, json.loads(json.dumps(settings)))
    assert again.predict_risk([RISKY, "hello"]).tolist() == model.predict_risk([RISKY, "hello"]).tolist()
    assert again.score(again.parse(RISKY)) == model.score(model.parse(RISKY))


#: Checks of scikit-learn's suite that EvidenceDropoutClassifier fails, and why. Each is a gap in
#: `screener/model.py` to close (then delete its line here: the xfail is strict, so a fixed check
#: fails until it is removed from this list).
DROPOUT_CLASSIFIER_GAPS = {
    "check_estimators_unfitted": "predict() reads classes_ before check_is_fitted, so an unfitted model raises AttributeError, not NotFittedError",
    "check_n_features_in_after_fitting": "fit/predict do not validate_data, so a different number of columns is not refused",
    "check_estimators_nan_inf": "predict does not validate its input, so NaN and inf pass",
    "check_fit2d_predict1d": "predict does not validate its input, so a 1-D X is not refused",
    "check_requires_y_none": "fit does not validate y, so y=None fails with a numpy error instead of a clear ValueError",
    "check_estimator_sparse_tag": "it takes sparse input (its features are sparse) but does not declare input_tags.sparse=True",
    "check_estimator_sparse_array": "it takes sparse input but does not declare input_tags.sparse=True",
    "check_estimator_sparse_matrix": "it takes sparse input but does not declare input_tags.sparse=True",
    "check_classifiers_classes": "binary only (one row of coefficients) but does not declare classifier_tags.multi_class=False",
    "check_classifiers_train": "binary only: the multiclass variants of this check fail (classifier_tags.multi_class=False would skip them)",
}


def _expected_failures(estimator) -> dict[str, str]:
    return DROPOUT_CLASSIFIER_GAPS if isinstance(estimator, EvidenceDropoutClassifier) else {}


# n_evidence=2: the checks' data then has evidence columns to drop out (with 0 nothing is dropped).
# The text transformers take strings or parsed ads, not 2-D arrays (their tags say so), so the
# suite runs only the checks that need no data for them; the named checks below add the rest.
@parametrize_with_checks(
    [EvidenceDropoutClassifier(n_evidence=2), ParseAds(), IndicatorFeatures(), LexicalTerms()],
    expected_failed_checks=_expected_failures,
    xfail_strict=True,
)
def test_estimators_pass_scikit_learns_checks(estimator, check):
    check(estimator)


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


def test_calibration_is_one_sigmoid_of_the_logit(screener):
    # Platt scaling of one linear model (not isotonic, not an ensemble of folds): the log-odds of
    # the risk are an increasing affine function of the model's logit.
    model = screener.bundle.model
    logits = np.array([-6.0, -1.5, 0.0, 0.7, 4.0])
    log_odds = np.array([math.log(r / (1 - r)) for r in map(model.risk_of, logits)])
    slope, intercept = np.polyfit(logits, log_odds, 1)
    assert slope > 0 and np.allclose(slope * logits + intercept, log_odds, atol=1e-9)


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
def test_obfuscation_undone_by_the_tokenizer_reaches_the_model(default_bundle, text, signal):
    model = default_bundle.model
    ad = model.parse(text)
    assert dict(ad.signals).get(signal, 0) >= 1
    features = model._indicators.features(ad)
    assert features[f"signal:{signal}"] > 0 and features["obfuscated"] == 1.0
    # the model was trained with the signal, and an obfuscation signal never counts against risk
    # (weights kept >= 0: a negative weight had cost a lure written in leetspeak 17 points of recall)
    assert f"signal:{signal}" in model._indicators.feature_names_
    assert model._coef[model._indicators.index_[f"signal:{signal}"]] >= 0.0


def test_type_cues_count_each_types_words_over_the_root_of_the_length():
    cues = type_cues(["hiring", "a", "chef", "and", "a", "wife", "x", "y", "z"])
    assert cues.tolist() == pytest.approx([2 / 3, 0.0, 1 / 3])
    assert type_cues([]).tolist() == [0.0, 0.0, 0.0]
    rows = type_cue_matrix([["hiring", "a", "chef", "and", "a", "wife", "x", "y", "z"], [], ["Job", "WIFE", "date"]])
    assert rows[0].tolist() == pytest.approx([2 / 3, 0.0, 1 / 3]) and rows[1].tolist() == [0.0, 0.0, 0.0]
    assert rows[2].tolist() == pytest.approx([1 / 3**0.5] * 3)


def test_type_word_lists_hold_no_identity_terms():
    from screener._data import identity_words, load_yaml

    lists = load_yaml("ad_type_words.yaml")
    assert set(lists) == set(CUE_TYPES)
    assert not {w.lower() for words in lists.values() for w in words} & identity_words()


def test_evidence_weights_are_never_negative_unless_signed():
    # column 0: evidence that appears only in benign rows; column 1: signed evidence, same;
    # column 2: a lexical column that separates the classes.
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 200)
    X = np.zeros((400, 3))
    X[:200, 0] = rng.random(200) < 0.6
    X[:200, 1] = rng.random(200) < 0.6
    X[:, 2] = y + rng.normal(0, 0.8, 400)
    free = EvidenceDropoutClassifier(n_evidence=2, signed=(0, 1), copies=0).fit(X, y)
    kept = EvidenceDropoutClassifier(n_evidence=2, signed=(1,), copies=0).fit(X, y)
    assert free.coef_[0, 0] < -0.5 and free.coef_[0, 1] < -0.5
    assert kept.coef_[0, 0] == 0.0 and kept.coef_[0, 1] < -0.5 and kept.coef_[0, 2] > 0.5
