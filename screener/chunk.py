"""Scoring a chunk of parsed ads at once: the lexical features of the chunk as one sparse matrix,
the heads as one sparse product each, and every ad's exact contributions read from the same arrays.

`score_chunk` gives, ad for ad, what `ScreeningModel.score` gives: the elementwise products are
the same floating-point operations, and each logit is summed from its parts in the same order,
so the risks are identical to the last bit.
"""

from __future__ import annotations

from typing import Sequence

import weakref
from itertools import chain

import numpy as np
import scipy.sparse as sp

from screener.ad_type_words import type_cue_matrix
from screener.features import GENDER_PREFIX, IDENTITY_TOKEN, ParsedAd, function_words
from screener.scorer import _OTHER_BELOW, ELEMENT_WORDING, Scored, ScreeningModel

__all__ = ["score_chunk"]


class _TermIndex:
    """The model's vocabulary by token: the lexical terms of many ads looked up without building
    their strings. A bigram term is found from its two tokens; a token may itself hold a space
    (spaCy's NORM of "y'all" is "you all"), so every split of a term at a space is a pair."""

    def __init__(self, model: ScreeningModel) -> None:
        vocabulary = model._lexical.vocabulary_
        style = function_words()
        self.ids: dict[str, int] = {}
        pairs: list[tuple[str, str, int]] = []
        for term, column in vocabulary.items():
            words = term.split(" ")
            if any(word.startswith(GENDER_PREFIX) for word in words):  # never a term (`term_occurrences`)
                continue
            self.ids.setdefault(term, len(self.ids))
            for split in range(1, len(words)):
                left, right = " ".join(words[:split]), " ".join(words[split:])
                if (left not in style or right not in style) and IDENTITY_TOKEN not in (left, right):
                    pairs.append((left, right, column))
                    self.ids.setdefault(left, len(self.ids))
                    self.ids.setdefault(right, len(self.ids))
        self.unigram = np.full(len(self.ids) + 1, -1, dtype=np.int64)  # the last entry: unknown tokens
        for token, i in self.ids.items():
            if token not in style and token != IDENTITY_TOKEN:
                self.unigram[i] = vocabulary.get(token, -1)
        keys = np.array([self.ids[left] * len(self.ids) + self.ids[right] for left, right, _ in pairs], dtype=np.int64)
        order = np.argsort(keys)
        self.pair_keys = keys[order]
        self.pair_columns = np.array([column for _, _, column in pairs], dtype=np.int64)[order]

    def bigrams(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The column of each bigram of token ids (``len(self.ids)``: unknown), or -1."""
        keys = left * len(self.ids) + right
        known = (left < len(self.ids)) & (right < len(self.ids))
        at = np.minimum(np.searchsorted(self.pair_keys, keys), max(len(self.pair_keys) - 1, 0))
        found = known & (self.pair_keys[at] == keys) if len(self.pair_keys) else np.zeros(len(keys), dtype=bool)
        return np.where(found, self.pair_columns[at] if len(self.pair_keys) else -1, -1)


_indexes: "weakref.WeakKeyDictionary[ScreeningModel, _TermIndex]" = weakref.WeakKeyDictionary()


def _term_index(model: ScreeningModel) -> _TermIndex:
    index = _indexes.get(model)
    if index is None:
        index = _indexes[model] = _TermIndex(model)
    return index


class _Lexical:
    """The lexical terms of a chunk: occurrences (row-major, in each ad's term order: unigrams,
    then bigrams, as `term_occurrences`) and the distinct columns of each row in order of first
    occurrence, with their TF-IDF weights."""

    def __init__(self, model: ScreeningModel, ads: Sequence[ParsedAd]) -> None:
        index = _term_index(model)
        unknown = len(index.ids)
        lengths = np.array([len(ad.tokens) for ad in ads], dtype=np.int64)
        ids = np.array([index.ids.get(t, unknown) for ad in ads for t in ad.tokens], dtype=np.int64)
        spans = np.fromiter(chain.from_iterable(chain.from_iterable(ad.spans for ad in ads)), dtype=np.int64).reshape(-1, 2)
        token_row = np.repeat(np.arange(len(ads), dtype=np.int64), lengths)
        unigram = index.unigram[ids]
        follows = np.flatnonzero(token_row[:-1] == token_row[1:])  # bigram at p: tokens p and p + 1 of one ad
        bigram = index.bigrams(ids[follows], ids[follows + 1])
        at_u = np.flatnonzero(unigram >= 0)
        at_b = np.flatnonzero(bigram >= 0)
        row = np.concatenate([token_row[at_u], token_row[follows[at_b]]])
        kind = np.concatenate([np.zeros(len(at_u), dtype=np.int64), np.ones(len(at_b), dtype=np.int64)])
        position = np.concatenate([at_u, follows[at_b]])
        order = np.lexsort((position, kind, row))
        row = row[order]
        self.row = row
        self.column = np.concatenate([unigram[at_u], bigram[at_b]])[order]
        self.start = spans[position[order], 0]
        self.end = np.concatenate([spans[at_u, 1], spans[follows[at_b] + 1, 1]])[order]
        self.bounds = np.searchsorted(row, np.arange(len(ads) + 1))  # occurrences of ad i: bounds[i]:bounds[i + 1]
        n = len(ads)
        width = len(model._lexical.vocabulary_)
        keys, first, inverse, counts = np.unique(row * width + self.column, return_index=True, return_inverse=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        self.distinct = rank[inverse.ravel()]  # each occurrence's place among the distinct (row, column) pairs
        self.first = first[order]  # the first occurrence of each distinct pair
        self.columns = keys[order] % width if width else keys[order]
        self.counts = counts[order].astype(np.float64)
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(row[self.first], minlength=n), dtype=np.int64)])
        values = (1.0 + np.log(self.counts)) * model._lexical.idf_[self.columns]
        bounds = self.indptr.tolist()
        squares = np.ones(n)
        for i in range(n):  # each row's squared norm, with the dot product of `TermWeights.weights_of_counts`
            if bounds[i + 1] > bounds[i]:
                part = values[bounds[i] : bounds[i + 1]]
                squares[i] = np.dot(part, part)
        values /= np.repeat(np.sqrt(squares), np.diff(self.indptr))
        self.values = values
        self.matrix = sp.csr_matrix((values, self.columns, self.indptr), shape=(n, width))


def _evidence_matrix(rows: list[dict[int, float]], width: int) -> sp.csr_matrix:
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows], dtype=np.int64)])
    columns = np.fromiter((c for r in rows for c in r), dtype=np.int64, count=int(indptr[-1]))
    values = np.fromiter((v for r in rows for v in r.values()), dtype=np.float64, count=int(indptr[-1]))
    return sp.csr_matrix((values, columns, indptr), shape=(len(rows), width))


def _owners(ads: Sequence[ParsedAd], lexical: _Lexical) -> np.ndarray:
    """For each occurrence, the first hit of its ad whose span holds it, or -1."""
    counts = np.array([len(ad.hits) for ad in ads], dtype=np.int64)
    owner = np.full(len(lexical.column), -1, dtype=np.int64)
    if not counts.any():
        return owner
    spans = np.array([(h.start, h.end) for ad in ads for h in ad.hits], dtype=np.int64)
    first = (np.cumsum(counts) - counts)[lexical.row]
    available = counts[lexical.row]
    for j in range(int(counts.max())):
        at = np.minimum(first + j, len(spans) - 1)
        inside = (owner < 0) & (available > j) & (spans[at, 0] <= lexical.start) & (lexical.end <= spans[at, 1])
        owner[inside] = j
    return owner


def _free_terms(model: ScreeningModel, lexical: _Lexical, free: np.ndarray, shares: np.ndarray) -> tuple[list[str], list[float], list[tuple[int, int]], np.ndarray]:
    """The terms outside every hit with their summed contributions and first spans, each ad's in
    order of first occurrence (as `ScreeningModel.score` fills its dict), and where each ad's begin."""
    width = len(model._terms)
    _, first, counts = np.unique(lexical.row[free] * width + lexical.column[free], return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    first = free[first[order]]
    counts = counts[order]
    values = shares[first].tolist()
    for i in np.flatnonzero(counts > 1).tolist():  # repeated terms: added one occurrence at a time
        total = 0.0
        for _ in range(int(counts[i])):
            total += values[i]
        values[i] = total
    bounds = np.searchsorted(lexical.row[first], np.arange(len(lexical.bounds)))
    spans = list(zip(lexical.start[first].tolist(), lexical.end[first].tolist()))
    return model._terms[lexical.column[first]].tolist(), values, spans, bounds


def _ad_types(model: ScreeningModel, features: sp.csr_matrix, ads: Sequence[ParsedAd]) -> list[str]:
    """The ad-type head's prediction of each row (as `ScreeningModel.score`)."""
    head = model.type_head
    if head is None:
        return ["other"] * features.shape[0]
    width = features.shape[1]
    scores = np.asarray(features @ head.coef[:, :width].T) + head.intercept
    if model.type_reads_cues:
        scores = scores + type_cue_matrix([ad.tokens for ad in ads]) @ head.coef[:, width:].T
    if scores.shape[1] == 1:  # two types: one logit
        scores = np.column_stack([np.zeros(len(scores)), scores[:, 0]])
    probabilities = np.exp(scores - scores.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    best = probabilities.argmax(axis=1)
    empty = np.diff(features.indptr) == 0
    return [
        "other" if blank or probabilities[i, b] < _OTHER_BELOW else head.classes[b]
        for i, (b, blank) in enumerate(zip(best.tolist(), empty.tolist()))
    ]


def score_chunk(model: ScreeningModel, ads: Sequence[ParsedAd]) -> list[Scored]:
    """Score parsed ads, one `Scored` each, identical to ``[model.score(ad) for ad in ads]``."""
    if not ads:
        return []
    lexical = _Lexical(model, ads)
    offset = model._offset
    coef = model._coef
    # A term's contribution, shared by its occurrences: weight x coefficient / count, as in `score`.
    shares = coef[offset + lexical.columns] * lexical.values / lexical.counts
    occurrence_share = shares[lexical.distinct]
    evidence = [model.evidence_parts(ad) for ad in ads]
    features = sp.hstack([_evidence_matrix([e for _, _, e in evidence], offset), lexical.matrix], format="csr")
    types = _ad_types(model, features, ads)
    elements = list(model.element_heads)
    if elements:
        heads = np.vstack([model.element_heads[e].coef[0] for e in elements])
        intercepts = np.array([model.element_heads[e].intercept[0] for e in elements])
        logits = np.asarray(lexical.matrix @ heads.T) + intercepts
        with np.errstate(over="ignore"):
            probabilities = np.where(logits > -700, 1.0 / (1.0 + np.exp(-logits)), 0.0)
    owner = _owners(ads, lexical)
    owned = np.flatnonzero(owner >= 0)
    for row, hit, share in zip(lexical.row[owned].tolist(), owner[owned].tolist(), occurrence_share[owned].tolist()):
        evidence[row][0][hit] += share
    terms, term_values, term_first, term_bounds = _free_terms(model, lexical, np.flatnonzero(owner < 0), occurrence_share)
    results = []
    for i, ad in enumerate(ads):
        hit_parts, signals, _ = evidence[i]
        low, high = term_bounds[i], term_bounds[i + 1]
        term_parts = dict(zip(terms[low:high], term_values[low:high]))
        logit = model._intercept + sum(hit_parts) + sum(term_values[low:high]) + signals
        a, b = lexical.indptr[i], lexical.indptr[i + 1]
        row_probabilities = {e: float(probabilities[i, k]) for k, e in enumerate(elements)} if elements else {}
        cues = {}
        for element, probability in row_probabilities.items():
            if probability >= ELEMENT_WORDING:
                first = lexical.first[a:b]
                spans = dict(zip(lexical.columns[a:b].tolist(), zip(lexical.start[first].tolist(), lexical.end[first].tolist())))
                cues[element] = model.element_cues(element, lexical.columns[a:b], lexical.values[a:b], spans)
            else:
                cues[element] = ()
        results.append(
            Scored(
                logit=logit,
                risk=model.risk_of(logit),
                intercept=model._intercept,
                hit_contributions=tuple(hit_parts),
                term_contributions=term_parts,
                term_spans=dict(zip(terms[low:high], term_first[low:high])),
                signals=signals,
                ad_type=types[i],
                element_probabilities=row_probabilities,
                element_cues=cues,
            )
        )
    return results
