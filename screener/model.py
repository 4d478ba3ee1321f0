"""Fitting the screening model: a scikit-learn Pipeline over parsed ads, and the threshold profiles.

``parse`` (spaCy pipeline, once per text) -> ``features`` (indicator evidence + lexical TF-IDF)
-> ``classifier`` (logistic regression trained with evidence dropout, with sigmoid calibration
fitted out-of-fold and ``ensemble=False``, so that one linear model remains to explain). `train`
turns the fitted pipeline and its heads into the arrays of a `screener.scorer.ScreeningModel`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from screener.ad_type_words import type_cue_matrix
from screener.features import IndicatorLayout, ParsedAd, TermWeights
from screener.indicators import load_catalogue
from screener.legal import ELEMENTS
from screener.normalize import SIGNALS
from screener.scorer import ScreeningModel, parser

__all__ = ["CALIBRATION_FOLDS", "ParseAds", "IndicatorFeatures", "LexicalTerms", "EvidenceDropoutClassifier", "make_pipeline", "train"]


def _list_input(tags, strings: bool, requires_fit: bool):
    """Estimator tags of a transformer that takes a list (of texts or of `ParsedAd`), not a 2-D array."""
    tags.input_tags.two_d_array = False
    tags.input_tags.string = strings
    tags.requires_fit = requires_fit
    return tags


class _ParsedAdsInput:
    """Estimator tags of transformers that take a list of `ParsedAd`."""

    def __sklearn_tags__(self):
        return _list_input(super().__sklearn_tags__(), strings=False, requires_fit=True)


class _FittedLayout(_ParsedAdsInput):
    """A feature layout as a scikit-learn transformer: refuses to run before `fit` (NotFittedError)."""

    _fitted_attribute = ""

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, self._fitted_attribute)
        return super().get_feature_names_out(input_features)

    def transform(self, X) -> sp.csr_matrix:
        """One row of features per `ParsedAd`."""
        check_is_fitted(self, self._fitted_attribute)
        return super().transform(X)


class IndicatorFeatures(_FittedLayout, TransformerMixin, BaseEstimator, IndicatorLayout):
    __doc__ = IndicatorLayout.__doc__
    _fitted_attribute = "feature_names_"


class LexicalTerms(_FittedLayout, TransformerMixin, BaseEstimator, TermWeights):
    __doc__ = TermWeights.__doc__
    _fitted_attribute = "vocabulary_"


class ParseAds(TransformerMixin, BaseEstimator):
    """Texts -> `ParsedAd` list, with the project's spaCy pipeline (built once per process).

    Parameters
    ----------
    catalogue : str
        A catalogue folder; the shipped catalogue when empty.
    """

    def __init__(self, catalogue: str = "") -> None:
        self.catalogue = catalogue

    def fit(self, X, y=None):
        """Nothing to learn."""
        self.n_features_in_ = 1
        return self

    def transform(self, X) -> list[ParsedAd]:
        """Parse each text."""
        return parser(self.catalogue).many(list(X))

    def __sklearn_tags__(self):
        return _list_input(super().__sklearn_tags__(), strings=True, requires_fit=False)


class EvidenceDropoutClassifier(ClassifierMixin, BaseEstimator):
    """A logistic regression that does not lean on the evidence features alone.

    In the synthetic corpus the catalogue finds nearly every risky phrase (both are written from
    the same indicator descriptions); in real ads it misses many. Fitting adds `copies` copies of
    the training rows in which each evidence feature (the first `n_evidence` columns) is dropped
    with probability `dropout`, so the lexical terms learn to carry the signal too and a missed
    hit costs less. Prediction uses every feature: one linear model to explain.

    An indicator or an obfuscation signal is evidence for risk, never against it: the weights of
    the evidence columns (except `signed` ones: negated hits) are kept at zero or above. (Signals
    once kept their sign: the corpus disguises lawful ads too, and leetspeak came out at -0.37, so
    a lure written in leetspeak lost 17 points of recall on the hand-written set.) Fitting drops the
    columns whose weight comes out negative and refits until none does. In the synthetic corpus
    the hard negatives carry the mundane cues of lures (monthly pay, no experience needed, travel
    arranged) more often than real legitimate ads do, which taught those cues negative weights.

    Parameters
    ----------
    n_evidence : int
        How many leading columns are evidence features.
    signed : tuple of int
        Evidence columns whose weight may be negative.
    dropout : float
        Probability of dropping one evidence value in a copy.
    copies : int
        How many dropped-out copies to add; 0 fits a plain logistic regression.
    C : float
        Inverse regularization strength.
    random_state : int
        Seed of the dropout and the solver.
    """

    def __init__(self, n_evidence: int = 0, signed: tuple[int, ...] = (), dropout: float = 0.8, copies: int = 2, C: float = 1.0, random_state: int = 0) -> None:
        self.n_evidence = n_evidence
        self.signed = signed
        self.dropout = dropout
        self.copies = copies
        self.C = C
        self.random_state = random_state

    def fit(self, X, y):
        """Fit on the rows and their dropped-out copies."""
        X = sp.csr_matrix(X, dtype=np.float64)
        y = np.asarray(y)
        rng = np.random.default_rng(self.random_state)
        rows, targets = [X], [y]
        for _ in range(self.copies):
            cells = X.tocoo()
            keep = (cells.col >= self.n_evidence) | (rng.random(cells.nnz) >= self.dropout)
            rows.append(sp.csr_matrix((cells.data[keep], (cells.row[keep], cells.col[keep])), shape=X.shape))
            targets.append(y)
        X, y = sp.vstack(rows).tocsr(), np.concatenate(targets)
        constrained = np.zeros(X.shape[1], dtype=bool)
        constrained[: self.n_evidence] = True
        constrained[list(self.signed)] = False
        dropped = np.zeros(X.shape[1], dtype=bool)
        while True:
            model = LogisticRegression(C=self.C, max_iter=5000, random_state=self.random_state)
            model.fit(X @ sp.diags((~dropped).astype(np.float64)), y)
            negative = constrained & ~dropped & (model.coef_[0] < 0)
            if not negative.any():
                break
            dropped |= negative
        self.classes_ = model.classes_
        self.coef_ = model.coef_
        self.intercept_ = model.intercept_
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X) -> np.ndarray:
        """The logit of each row."""
        check_is_fitted(self, "coef_")
        return np.asarray(X @ self.coef_[0]).ravel() + self.intercept_[0]

    def predict_proba(self, X) -> np.ndarray:
        """Uncalibrated probabilities of each class."""
        risk = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - risk, risk])

    def predict(self, X) -> np.ndarray:
        """The likelier class of each row."""
        return self.classes_[(self.decision_function(X) > 0).astype(int)]


#: Folds of the out-of-fold calibration: training needs at least this many ads of each label.
CALIBRATION_FOLDS = 5

#: Inverse regularization strength of the shipped model: strong, because the synthetic classes
#: separate easily and large weights on their words do not carry over to real ads (real published
#: lures: ROC-AUC 0.81 at C=1, 0.85 at 0.3, 0.86 at 0.1).
DEFAULT_C = 0.1


def make_pipeline(catalogue: str = "", seed: int = 0, C: float = DEFAULT_C) -> Pipeline:
    """The unfitted screening Pipeline."""
    indicators = load_catalogue(catalogue or None)
    evidence = IndicatorFeatures([i.id for i in indicators], [i.id for i in indicators if i.child], list(SIGNALS))
    features = FeatureUnion([("indicators", evidence), ("lexical", LexicalTerms())])
    evidence_names = clone(evidence).fit([]).feature_names_
    signed = tuple(i for i, name in enumerate(evidence_names) if name.startswith("negated:"))
    classifier = CalibratedClassifierCV(
        EvidenceDropoutClassifier(n_evidence=len(evidence_names), signed=signed, C=C, random_state=seed),
        method="sigmoid",
        cv=StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=seed),
        ensemble=False,
    )
    return Pipeline([("parse", ParseAds(catalogue)), ("features", features), ("classifier", classifier)])


#: Recall on dev that each profile keeps (balanced, high_recall), and the precision high_precision
#: reaches. The dev split of corpus v2 is as hard as real ads are (benign twins that share a lure's
#: surface, subtle, short and retold lures), yet real lures score lower than synthetic ones. With
#: evidence and obfuscation weights kept non-negative, the catalogue read in real lures' wordings
#: and gendered words out of the lexical terms, keeping 92% of dev recall puts the threshold near
#: 0.22: real published lures recall 0.77 (verbatim quotes 0.87) for 2.3 / 0.2 / 0.9 flagged per
#: 1,000 real legitimate dating, job and matrimonial ads and 4.0% of the real set's benign ads;
#: 91% near 0.25: recall 0.74 (verbatim 0.85) for 1.4 / 0.1 / 0.7; 93% near 0.18: recall 0.78
#: (verbatim 0.87) for 3.5 / 0.3 / 1.2; 94% near 0.16: the same recall for 5.2 / 0.4 / 1.7. The
#: default keeps real legitimate ads under 3 per 1,000 while real lures keep their recall;
#: high_recall is the profile for queues that want more of them. A recall target is used rather
#: than the F1 optimum of dev, whose plateau is wide and moves with small changes of the corpus.
BALANCED_RECALL = 0.92
RECALL_TARGET = 0.97
PRECISION_TARGET = 0.95


def _thresholds(y: np.ndarray, risk: np.ndarray) -> dict[str, float]:
    """Profiles from labelled risks (usually the dev split).

    balanced: the highest threshold with recall >= `BALANCED_RECALL`; high_recall: the highest
    threshold at or below balanced with recall >= `RECALL_TARGET`; high_precision: the lowest
    threshold at or above balanced with precision >= `PRECISION_TARGET`.
    """
    precision, recall, cuts = precision_recall_curve(y, risk)
    precision, recall = precision[:-1], recall[:-1]
    balanced = float(max((c for c, r in zip(cuts, recall) if r >= BALANCED_RECALL), default=cuts.min()))
    precise = [c for c, p in zip(cuts, precision) if p >= PRECISION_TARGET and c >= balanced]
    recalled = [c for c, r in zip(cuts, recall) if r >= RECALL_TARGET and c <= balanced]
    return {
        "balanced": balanced,
        "high_precision": float(min(precise)) if precise else float(cuts.max()),
        "high_recall": float(max(recalled)) if recalled else float(cuts.min()),
    }


def train(
    texts: Sequence[str],
    labels: Sequence[int],
    ad_types: Sequence[str] | None = None,
    dev_texts: Sequence[str] | None = None,
    dev_labels: Sequence[int] | None = None,
    seed: int = 0,
    catalogue: str = "",
    elements: Sequence[str] | None = None,
) -> ScreeningModel:
    """Fit the screening model; threshold profiles come from dev (out-of-fold train risks without dev).

    `ad_types` trains the ad-type head; `elements` (per text, element names joined by ";", as in
    the corpus) trains one head per element. The same data and seed give the same model.
    """
    pipeline = make_pipeline(catalogue, seed)
    y = np.asarray(labels, dtype=int)
    pipeline.fit(list(texts), y)
    type_head = None
    element_heads = {}
    if ad_types is not None or elements is not None:
        union = pipeline.named_steps["features"]
        parsed = pipeline.named_steps["parse"].transform(list(texts))
        both = union.transform(parsed)  # evidence, then terms
        terms = both[:, len(union.transformer_list[0][1].feature_names_) :]
        if ad_types is not None and len(set(ad_types)) > 1:  # one ad type alone (a small review export) trains no head
            cues = sp.csr_matrix(type_cue_matrix([ad.tokens for ad in parsed]))
            type_head = LogisticRegression(max_iter=3000, random_state=seed).fit(sp.hstack([both, cues], format="csr"), list(ad_types))
        for element in ELEMENTS if elements is not None else ():
            shown = [element in str(row).split(";") for row in elements]
            if any(shown) and not all(shown):
                element_heads[element] = LogisticRegression(max_iter=3000, random_state=seed).fit(terms, shown)
    model = ScreeningModel.from_pipeline(pipeline, type_head, {}, element_heads)
    if dev_texts is not None and dev_labels is not None:
        risk = model.predict_risk(list(dev_texts))
        model.thresholds.update(_thresholds(np.asarray(dev_labels, dtype=int), risk))
    else:
        model.thresholds.update({"balanced": 0.5, "high_precision": 0.8, "high_recall": 0.2})
    return model
