"""The screening model as arrays, and its exact scorer.

`ScreeningModel.score` computes one ad's logit by hand from the evidence and lexical features of
its parse, in well under a millisecond, and splits it into contributions: per hit, per lexical
term outside hits, and obfuscation signals. The model holds only arrays and settings, so a bundle
stores it as ``.npz`` and JSON and loading it runs no code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from screener.ad_type_words import CUE_TYPES, type_cues
from screener.evidence import Extractor
from screener.features import IndicatorLayout, Parser, ParsedAd, TermWeights, term_occurrences
from screener.results import PROFILES

__all__ = ["ELEMENT_WORDING", "PROFILES", "LinearHead", "ScreeningModel", "Scored", "parser"]

_OTHER_BELOW = 0.4  # ad type "other" when no type of the three is this likely
_CUES = 3  # words quoted for an element shown by wording alone
#: A flagged ad shows an element without a catalogue hit when its element head is this sure.
ELEMENT_WORDING = 0.5


@lru_cache(maxsize=4)
def parser(catalogue: str) -> Parser:
    """The shared `Parser` of a catalogue folder ("" for the shipped one), built once per process."""
    return Parser(Extractor(catalogue))


@dataclass(frozen=True)
class Scored:
    """The logit of one ad split into contributions."""

    logit: float
    risk: float
    intercept: float
    hit_contributions: tuple[float, ...]
    term_contributions: dict[str, float]
    signals: float
    ad_type: str
    element_probabilities: dict[str, float] = field(default_factory=dict)
    #: Spans of the words that suggest an element most, for elements at or above `ELEMENT_WORDING`.
    element_cues: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    #: Where each term of `term_contributions` first occurs in the text.
    term_spans: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class LinearHead:
    """A linear classifier as arrays: one row of `coef` and one `intercept` per class score.

    Binary heads have one row (the score of ``classes[1]``); multiclass heads one row per class.
    """

    coef: np.ndarray
    intercept: np.ndarray
    classes: tuple[str, ...]

    @classmethod
    def of(cls, estimator) -> "LinearHead":
        """The arrays of a fitted scikit-learn linear classifier."""
        return cls(np.asarray(estimator.coef_, dtype=np.float64), np.asarray(estimator.intercept_, dtype=np.float64), tuple(str(c) for c in estimator.classes_))


class ScreeningModel:
    """The fitted screening model as arrays: one linear model over evidence and lexical features,
    its calibration, the ad-type and element heads, and the threshold profiles.

    Built from a fitted `make_pipeline` with `from_pipeline`; stored and loaded as arrays and JSON
    (`to_arrays`, `from_arrays`), so loading runs no code.

    Parameters
    ----------
    catalogue : str
        The catalogue folder the model was trained with ("" for the shipped one).
    evidence, lexical : IndicatorLayout, TermWeights
        The fitted feature transformers (evidence columns first, then lexical terms).
    coef : ndarray
        Weights of the evidence and lexical columns.
    intercept : float
    calibration : tuple of float
        (a, b) of the sigmoid calibration: risk = 1 / (1 + exp(a * logit + b)).
    type_head : LinearHead or None
        Ad-type classifier on all features.
    thresholds : dict
        Profile name -> risk threshold.
    element_heads : dict of str to LinearHead
        Element -> binary classifier on the lexical features: does the ad's wording show this
        element? It names elements the catalogue found no phrase for.
    """

    def __init__(
        self,
        catalogue: str,
        evidence: IndicatorLayout,
        lexical: TermWeights,
        coef: np.ndarray,
        intercept: float,
        calibration: tuple[float, float],
        type_head: LinearHead | None,
        thresholds: dict[str, float],
        element_heads: dict[str, LinearHead] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self._indicators = evidence
        self._lexical = lexical
        self._coef = np.asarray(coef, dtype=np.float64)
        self._intercept = float(intercept)
        self._a, self._b = (float(v) for v in calibration)
        self.type_head = type_head
        self.thresholds = thresholds
        self.element_heads = element_heads or {}
        self._offset = len(evidence.feature_names_)
        self._terms = lexical.get_feature_names_out()

    @classmethod
    def from_pipeline(cls, pipeline, type_head, thresholds: dict[str, float], element_heads: dict | None = None) -> "ScreeningModel":
        """The model of a fitted `make_pipeline` and fitted scikit-learn heads."""
        calibrated = pipeline.named_steps["classifier"].calibrated_classifiers_[0]
        union = pipeline.named_steps["features"]
        return cls(
            catalogue=pipeline.named_steps["parse"].catalogue,
            evidence=union.transformer_list[0][1],
            lexical=union.transformer_list[1][1],
            coef=calibrated.estimator.coef_[0],
            intercept=float(calibrated.estimator.intercept_[0]),
            calibration=(float(calibrated.calibrators[0].a_), float(calibrated.calibrators[0].b_)),
            type_head=LinearHead.of(type_head) if type_head is not None else None,
            thresholds=thresholds,
            element_heads={e: LinearHead.of(h) for e, h in (element_heads or {}).items()},
        )

    def to_arrays(self) -> tuple[dict[str, np.ndarray], dict]:
        """(arrays for ``.npz``, settings for JSON): everything `from_arrays` needs."""
        arrays = {"coef": self._coef, "idf": self._lexical.idf_}
        settings = {
            "catalogue": self.catalogue,
            "intercept": self._intercept,
            "calibration": [self._a, self._b],
            "thresholds": self.thresholds,
            "evidence": {
                "indicators": list(self._indicators.indicators),
                "child_indicators": list(self._indicators.child_indicators),
                "signals": list(self._indicators.signals),
            },
            "lexical": {"min_df": self._lexical.min_df, "max_features": self._lexical.max_features, "terms": [str(t) for t in self._terms]},
            "heads": {},
        }
        heads = {"type": self.type_head, **{f"element:{e}": h for e, h in self.element_heads.items()}}
        for name, head in heads.items():
            if head is not None:
                arrays[f"{name}:coef"] = head.coef
                arrays[f"{name}:intercept"] = head.intercept
                settings["heads"][name] = list(head.classes)
        return arrays, settings

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], settings: Mapping) -> "ScreeningModel":
        """The model `to_arrays` stored."""
        evidence = IndicatorLayout(**settings["evidence"]).fit([])
        lexical_settings = settings["lexical"]
        lexical = TermWeights(min_df=lexical_settings["min_df"], max_features=lexical_settings["max_features"])
        lexical.vocabulary_ = {term: i for i, term in enumerate(lexical_settings["terms"])}
        lexical.idf_ = np.asarray(arrays["idf"], dtype=np.float64)
        lexical.n_features_in_ = 1
        heads = {
            name: LinearHead(np.asarray(arrays[f"{name}:coef"]), np.asarray(arrays[f"{name}:intercept"]), tuple(classes))
            for name, classes in settings["heads"].items()
        }
        return cls(
            catalogue=settings["catalogue"],
            evidence=evidence,
            lexical=lexical,
            coef=arrays["coef"],
            intercept=settings["intercept"],
            calibration=tuple(settings["calibration"]),
            type_head=heads.get("type"),
            thresholds=dict(settings["thresholds"]),
            element_heads={name.split(":", 1)[1]: head for name, head in heads.items() if name.startswith("element:")},
        )

    def features(self, ads: Sequence[ParsedAd]) -> sp.csr_matrix:
        """Evidence then lexical features of parsed ads, one row each (the model's columns)."""
        return sp.hstack([self._indicators.transform(ads), self._lexical.transform(ads)], format="csr")

    def predict_risk(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated risks of many texts (the same maths as `score`, without explanations)."""
        logits = self.features(parser(self.catalogue).many(list(texts))) @ self._coef + self._intercept
        return 1.0 / (1.0 + np.exp(np.clip(self._a * logits + self._b, -700, 700)))

    def parse(self, text: str) -> ParsedAd:
        """Parse one text with the model's catalogue."""
        return parser(self.catalogue)(text)

    def parse_many(self, texts: Sequence[str]) -> list[ParsedAd]:
        """Parse many texts with the model's catalogue, in order."""
        return parser(self.catalogue).many(texts)

    def risk_of(self, logit: float) -> float:
        """The calibrated risk: a monotone (increasing) function of the logit."""
        z = self._a * logit + self._b
        return 1.0 / (1.0 + math.exp(z)) if z > -700 else 1.0

    def evidence_parts(self, ad: ParsedAd) -> tuple[list[float], float, dict[int, float]]:
        """(each hit's share of the evidence features, the signals' part, evidence column -> value)."""
        hit_parts = [0.0] * len(ad.hits)
        signals = 0.0
        index = self._indicators.index_
        evidence: dict[int, float] = {}
        for name, value in self._indicators.features(ad).items():
            column = index.get(name)
            if column is None:
                continue
            evidence[column] = value
            contribution = float(self._coef[column]) * value
            if name.startswith("signal:") or name == "obfuscated":
                signals += contribution
                continue
            owners = self._owners(ad, name)
            for owner in owners:
                hit_parts[owner] += contribution / len(owners)
        return hit_parts, signals, evidence

    def score(self, ad: ParsedAd) -> Scored:
        """Score one parsed ad, with exact contributions (the same maths as `predict_risk`).

        `screener.chunk.score_chunk` computes the same for many ads at once.
        """
        hit_parts, signals, evidence = self.evidence_parts(ad)
        vocabulary = self._lexical.vocabulary_
        located = []
        counts: dict[int, int] = {}
        for term, start, end in term_occurrences(ad):
            column = vocabulary.get(term)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
                located.append((term, column, start, end))
        weights = self._lexical.weights_of_counts(counts)
        columns = np.fromiter(weights, dtype=np.intp, count=len(weights))
        values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
        per_occurrence = dict(zip(weights, (self._coef[self._offset + columns] * values / [counts[c] for c in weights]).tolist()))
        spans = [(h.start, h.end) for h in ad.hits]
        term_parts: dict[str, float] = {}
        term_spans: dict[str, tuple[int, int]] = {}
        for term, column, start, end in located:
            contribution = per_occurrence[column]
            owner = None
            if spans:  # the first hit whose span holds the term
                for i, (s, e) in enumerate(spans):
                    if s <= start and end <= e:
                        owner = i
                        break
            if owner is None:
                term_parts[term] = term_parts.get(term, 0.0) + contribution
                term_spans.setdefault(term, (start, end))
            else:
                hit_parts[owner] += contribution
        logit = self._intercept + sum(hit_parts) + sum(term_parts.values()) + signals
        probabilities = {e: self._element_probability(e, columns, values) for e in self.element_heads}
        first: dict[int, tuple[int, int]] = {}
        for _, column, start, end in located:
            first.setdefault(column, (start, end))
        return Scored(
            logit=logit,
            risk=self.risk_of(logit),
            intercept=self._intercept,
            hit_contributions=tuple(hit_parts),
            term_contributions=term_parts,
            term_spans=term_spans,
            signals=signals,
            ad_type=self._ad_type(evidence, columns, values, ad.tokens),
            element_probabilities=probabilities,
            element_cues={e: self.element_cues(e, columns, values, first) if p >= ELEMENT_WORDING else () for e, p in probabilities.items()},
        )

    def _element_probability(self, element: str, columns: np.ndarray, values: np.ndarray) -> float:
        """The element head's probability (as its predict_proba), from the ad's sparse weights."""
        head = self.element_heads[element]
        logit = float(head.intercept[0] + head.coef[0, columns] @ values)
        return 1.0 / (1.0 + math.exp(-logit)) if logit > -700 else 0.0

    def element_cues(self, element: str, columns: np.ndarray, values: np.ndarray, first: Mapping[int, tuple[int, int]]) -> tuple[tuple[int, int], ...]:
        """Spans of the terms that raise the element head most (at most 3), given the ad's weights
        and the first span of each of its columns."""
        if not len(columns):
            return ()
        raising = self.element_heads[element].coef[0, columns] * values
        best = [int(columns[i]) for i in np.argsort(-raising, kind="stable")[:_CUES] if raising[i] > 0]
        return tuple(sorted(first[column] for column in best))

    def _owners(self, ad: ParsedAd, name: str) -> list[int]:
        """The hits an indicator feature is credited to."""
        kind, _, what = name.partition(":")
        live = [i for i, h in enumerate(ad.hits) if not h.negated]
        if kind == "hit":
            return [i for i in live if ad.hits[i].indicator == what]
        if kind == "negated":
            return [i for i, h in enumerate(ad.hits) if h.negated and h.indicator == what]
        if kind == "element":
            return [i for i in live if ad.hits[i].element == what]
        if kind in ("both", "all"):
            elements = set(what.split("+"))
            return [i for i in live if ad.hits[i].element in elements]
        if kind == "child_cue":
            return [i for i in live if ad.hits[i].indicator in self._indicators.child_indicators]
        if kind == "child":
            return [i for i in live if ad.hits[i].indicator in self._indicators.child_indicators or ad.hits[i].element in ("ACT", "PURPOSE")]
        return live

    @property
    def type_reads_cues(self) -> bool:
        """Whether the ad-type head has `screener.ad_type_words` cue columns after the model's
        (bundles trained before them have none)."""
        return self.type_head is not None and self.type_head.coef.shape[1] == self._offset + len(self._terms) + len(CUE_TYPES)

    def _ad_type(self, evidence: dict[int, float], columns: np.ndarray, values: np.ndarray, tokens: Sequence[str]) -> str:
        """The ad-type head's prediction, computed on the ad's sparse evidence, lexical weights and
        type cues (as its predict_proba)."""
        if self.type_head is None or not (len(columns) or evidence):
            return "other"
        coef = self.type_head.coef
        scores = coef[:, columns + self._offset] @ values + self.type_head.intercept
        if evidence:
            scores = scores + coef[:, list(evidence)] @ np.fromiter(evidence.values(), dtype=np.float64, count=len(evidence))
        if self.type_reads_cues:
            scores = scores + coef[:, -len(CUE_TYPES) :] @ type_cues(tokens)
        if len(scores) == 1:  # two types: one logit
            scores = np.array([0.0, scores[0]])
        probabilities = np.exp(scores - scores.max())
        probabilities /= probabilities.sum()
        best = int(np.argmax(probabilities))
        return self.type_head.classes[best] if probabilities[best] >= _OTHER_BELOW else "other"
