"""Features of an ad: indicator evidence and lexical terms, from one pass of the spaCy pipeline.

`parse` turns a text into a `ParsedAd` (hits, masked lexical terms with their character spans,
obfuscation signals); `IndicatorLayout` and `TermWeights` turn parsed ads into the model's
evidence and lexical columns, so each text is tokenized once. They use no scikit-learn, so
screening never imports it; `screener.model` wraps them as scikit-learn transformers for training.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, NORM

from screener._data import data_path, identity_words
from screener.obfuscation import PHONE_DIGITS
from screener.evidence import MAX_TEXT_CHARS, Extractor
from screener.pipeline import NORMALIZED_KEY
from screener.results import IndicatorHit

__all__ = ["ParsedAd", "Parser", "IndicatorLayout", "TermWeights", "NotFitted", "terms_of", "IDENTITY_TOKEN"]

IDENTITY_TOKEN = "<identity>"
# NORMs of gendered words start with it ("girls", "boys" -> "g:boys/girls"); lexical terms leave them
# out like identity words, so a gendered word moves no score (indicators and ad-type cues still read them)
GENDER_PREFIX = "g:"
_TOKEN_ATTRS = [LOWER, NORM, IS_PUNCT, IS_SPACE, IDX, LENGTH]
_ELEMENTS = ("ACT", "MEANS", "PURPOSE")
_PAIRS = (("ACT", "MEANS"), ("MEANS", "PURPOSE"), ("ACT", "PURPOSE"))


@dataclass(frozen=True, slots=True)
class ParsedAd:
    """What the model needs of one ad.

    Attributes
    ----------
    text : str
        The text screened (after truncation).
    hits : tuple of IndicatorHit
        Evidence, offsets into `text`.
    tokens : tuple of str
        Lexical tokens (NORM, identity terms masked, punctuation and spaces dropped).
    spans : tuple of (int, int)
        The character span in `text` of each token.
    signals : tuple of (str, int)
        Obfuscation undone, by kind.
    truncated : bool
        The input was longer than `MAX_TEXT_CHARS`.
    """

    text: str
    hits: tuple[IndicatorHit, ...]
    tokens: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    signals: tuple[tuple[str, int], ...]
    truncated: bool = False


class Parser:
    """Turns texts into `ParsedAd` with one `Extractor` (built lazily, thread-safe)."""

    def __init__(self, extractor: Extractor | None = None) -> None:
        self.extractor = extractor or Extractor()

    def __call__(self, text: str) -> ParsedAd:
        if not isinstance(text, str):
            raise TypeError(f"expected the ad text as a str, got {type(text).__name__}")
        return self._parsed(text, self.extractor.doc(text))

    def _parsed(self, text: str, doc) -> ParsedAd:
        normalized = doc.user_data[NORMALIZED_KEY]
        identity = identity_words()
        strings = doc.vocab.strings
        unchanged = normalized.text == normalized.original
        # Reading attribute arrays avoids building a Token object per token.
        rows = [row for row in doc.to_array(_TOKEN_ATTRS).tolist() if not (row[2] or row[3])]
        lowers = [strings[row[0]] for row in rows]
        tokens = [IDENTITY_TOKEN if lower in identity else strings[row[1]] for lower, row in zip(lowers, rows)]
        if unchanged:
            spans = [(row[4], row[4] + row[5]) for row in rows]
        else:
            spans = normalized.to_original_many([row[4] for row in rows], [row[4] + row[5] for row in rows])
        return self._ad(text, doc, lowers, tokens, spans)

    def _ad(self, text: str, doc, lowers: list[str], tokens: list[str], spans) -> ParsedAd:
        """The `ParsedAd` of a matched Doc, from its lexical tokens and their spans."""
        normalized = doc.user_data[NORMALIZED_KEY]
        signals = Counter(normalized.signals)
        signals.update(token_signals(lowers, tokens))
        return ParsedAd(
            text=normalized.original,
            hits=self.extractor.hits(doc),
            tokens=tuple(tokens),
            spans=tuple(spans),
            signals=tuple(sorted(signals.items())),
            truncated=len(text) > MAX_TEXT_CHARS,
        )

    def many(self, texts: Iterable[str]) -> list[ParsedAd]:
        """Parse many texts, in order (the Docs of all of them matched at once)."""
        texts = list(texts)
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"expected the ad text as a str, got {type(text).__name__}")
        docs = self.extractor.docs_many(texts)
        if not docs:
            return []
        # The lexical tokens of all Docs from one attribute array: each distinct hash is turned
        # into its string once for the chunk.
        arrays = [doc.to_array(_TOKEN_ATTRS) for doc in docs]
        sizes = np.array([len(a) for a in arrays], dtype=np.int64)
        table = np.concatenate(arrays) if sizes.sum() else np.zeros((0, len(_TOKEN_ATTRS)), dtype=np.uint64)
        keep = (table[:, 2] == 0) & (table[:, 3] == 0)
        owner = np.repeat(np.arange(len(docs)), sizes)[keep]
        table = table[keep]
        bounds = np.searchsorted(owner, np.arange(len(docs) + 1)).tolist()
        hashes, inverse = np.unique(table[:, :2], return_inverse=True)
        strings = docs[0].vocab.strings
        words = [strings[h] for h in hashes.tolist()]
        identity = identity_words()
        inverse = inverse.reshape(-1, 2)
        masked = np.array([word in identity for word in words] + [False], dtype=bool)
        words.append(IDENTITY_TOKEN)
        token_index = np.where(masked[inverse[:, 0]], len(words) - 1, inverse[:, 1]).tolist()
        all_lowers = [words[i] for i in inverse[:, 0].tolist()]
        all_tokens = [words[i] for i in token_index]
        starts = table[:, 4].astype(np.int64)
        ends = starts + table[:, 5].astype(np.int64)
        start_list, end_list = starts.tolist(), ends.tolist()
        parsed = []
        for i, (text, doc) in enumerate(zip(texts, docs)):
            low, high = bounds[i], bounds[i + 1]
            normalized = doc.user_data[NORMALIZED_KEY]
            if normalized.text == normalized.original:
                spans = list(zip(start_list[low:high], end_list[low:high]))
            else:
                spans = normalized.to_original_many(starts[low:high], ends[low:high])
            parsed.append(self._ad(text, doc, all_lowers[low:high], all_tokens[low:high], spans))
        return parsed


_NUMBER_CLASSES = frozenset({"{AGE}", "{AMOUNT}", "{NUM}"})


def token_signals(lowers: Sequence[str], norms: Sequence[str]) -> Counter:
    """Obfuscation the tokenizer's NORMs undid, by signal: leetspeak read as a word ("w0rk"),
    numbers in words ("eighteen"), and phone-length runs of single digits written apart
    (``spaced_digits``) or in words (``phone_in_words``)."""
    found: Counter = Counter()
    run: list[bool] = []  # the digit tokens of the current run: written as a word?
    for lower, norm in zip((*lowers, ""), (*norms, "")):
        if norm == "{DIGIT}":
            run.append(lower.isalpha())
            continue
        if run:
            if len(run) >= PHONE_DIGITS:
                found["phone_in_words" if any(run) else "spaced_digits"] += 1
            run = []
        if norm == lower:  # most tokens: no class, nothing read into them
            continue
        if norm in _NUMBER_CLASSES and lower.isalpha():
            found["number_words"] += 1
        elif norm != lower and norm.isalpha() and not lower.isalpha() and any(c.isalpha() for c in lower):
            found["leet"] += 1
    return found


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Function words (``data/function_words.txt``): terms made only of them carry style, not content."""
    lines = data_path("function_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def term_occurrences(ad: ParsedAd) -> list[tuple[str, int, int]]:
    """The lexical terms of an ad with their character spans: unigrams, then bigrams, of its
    tokens, leaving out terms made only of function words and any term with an identity word
    (masked as `IDENTITY_TOKEN`) or a gendered word: that an ad names a nationality, a religion or
    a gender moves no score."""
    style = function_words()
    spans = ad.spans
    tokens = [IDENTITY_TOKEN if t.startswith(GENDER_PREFIX) else t for t in ad.tokens]
    unigrams = [(t, s, e) for t, (s, e) in zip(tokens, spans) if t not in style and t != IDENTITY_TOKEN]
    bigrams = [
        (f"{a} {b}", spans[i][0], spans[i + 1][1])
        for i, (a, b) in enumerate(zip(tokens, tokens[1:]))
        if (a not in style or b not in style) and IDENTITY_TOKEN not in (a, b)
    ]
    return unigrams + bigrams


def terms_of(ad: ParsedAd) -> list[str]:
    """The lexical terms of an ad (the analyzer of `TermWeights`), as in `term_occurrences`."""
    return [term for term, _, _ in term_occurrences(ad)]


class NotFitted(ValueError, AttributeError):
    """A feature layout used before it was fitted."""


def _require(layout, attribute: str) -> None:
    if not hasattr(layout, attribute):
        raise NotFitted(f"this {type(layout).__name__} is not fitted yet: call fit first")


class IndicatorLayout:
    """Evidence features: hit counts per indicator (negated ones apart), per element, element
    co-occurrence, youth cues, obfuscation signals.

    Parameters
    ----------
    indicators : sequence of str
        Indicator ids, in feature order.
    child_indicators : sequence of str
        Ids of indicators that suggest a minor.
    signals : sequence of str
        Normalizer signal names.
    """

    def __init__(self, indicators: Sequence[str] = (), child_indicators: Sequence[str] = (), signals: Sequence[str] = ()) -> None:
        self.indicators = indicators
        self.child_indicators = child_indicators
        self.signals = signals

    def fit(self, X, y=None):
        """Fix the feature layout."""
        names = [f"hit:{i}" for i in self.indicators]
        names += [f"negated:{i}" for i in self.indicators]
        names += [f"element:{e}" for e in _ELEMENTS]
        names += [f"both:{a}+{b}" for a, b in _PAIRS] + ["all:ACT+MEANS+PURPOSE", "child_cue", "child:ACT+PURPOSE"]
        names += [f"signal:{s}" for s in self.signals] + ["obfuscated"]
        self.feature_names_ = np.array(names, dtype=object)
        self.index_ = {name: i for i, name in enumerate(names)}
        self.n_features_in_ = 1
        return self

    def get_feature_names_out(self, input_features=None):
        _require(self, "feature_names_")
        return self.feature_names_

    def transform(self, X) -> sp.csr_matrix:
        """One row of features per `ParsedAd`."""
        _require(self, "feature_names_")
        rows, cols, values = [], [], []
        for row, ad in enumerate(X):
            for name, value in self.features(ad).items():
                column = self.index_.get(name)
                if column is not None:
                    rows.append(row)
                    cols.append(column)
                    values.append(value)
        return sp.csr_matrix((values, (rows, cols)), shape=(len(X), len(self.feature_names_)), dtype=np.float64)

    def features(self, ad: ParsedAd) -> dict[str, float]:
        """The non-zero features of one ad, by name."""
        found: dict[str, float] = {}
        elements = set()
        child = False
        for hit in ad.hits:
            key = f"{'negated' if hit.negated else 'hit'}:{hit.indicator}"
            found[key] = found.get(key, 0.0) + 1.0
            if not hit.negated:
                elements.add(hit.element)
                found[f"element:{hit.element}"] = found.get(f"element:{hit.element}", 0.0) + 1.0
                child = child or hit.indicator in self.child_indicators
        for name in [key for key in found if key.startswith(("hit:", "negated:", "element:"))]:
            found[name] = float(np.log1p(found[name]))
        for a, b in _PAIRS:
            if a in elements and b in elements:
                found[f"both:{a}+{b}"] = 1.0
        if len(elements) == 3:
            found["all:ACT+MEANS+PURPOSE"] = 1.0
        if child:
            found["child_cue"] = 1.0
            if {"ACT", "PURPOSE"} & elements:
                found["child:ACT+PURPOSE"] = 1.0
        total = 0
        for signal, count in ad.signals:
            found[f"signal:{signal}"] = float(np.log1p(count))
            total += count
        if total:
            found["obfuscated"] = 1.0
        return found


class TermWeights:
    """TF-IDF of the ad's own terms (unigrams and bigrams of masked NORM tokens).

    Parameters
    ----------
    min_df : int
        Ignore terms in fewer ads than this.
    max_features : int
        Keep at most this many terms, the most frequent.
    """

    def __init__(self, min_df: int = 3, max_features: int = 30_000) -> None:
        self.min_df = min_df
        self.max_features = max_features

    def fit(self, X, y=None):
        """Learn the vocabulary and inverse document frequencies."""
        document_frequency: dict[str, int] = {}
        for ad in X:
            for term in set(terms_of(ad)):
                document_frequency[term] = document_frequency.get(term, 0) + 1
        kept = [t for t, df in document_frequency.items() if df >= self.min_df]
        kept.sort(key=lambda t: (-document_frequency[t], t))
        kept = sorted(kept[: self.max_features])
        n = len(X)
        self.vocabulary_ = {term: i for i, term in enumerate(kept)}
        self.idf_ = np.array([np.log((1 + n) / (1 + document_frequency[t])) + 1.0 for t in kept])
        self.n_features_in_ = 1
        return self

    def get_feature_names_out(self, input_features=None):
        _require(self, "vocabulary_")
        return np.array(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)

    def weights(self, ad: ParsedAd) -> dict[int, float]:
        """Sublinear TF-IDF, L2-normalized, of one ad: column -> value."""
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary_
        for term in terms_of(ad):
            column = vocabulary.get(term)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        return self.weights_of_counts(counts)

    def weights_of_counts(self, counts: dict[int, int]) -> dict[int, float]:
        """Sublinear TF-IDF, L2-normalized, from term counts by column: column -> value."""
        if not counts:
            return {}
        columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf_[columns]
        values /= np.sqrt(np.dot(values, values))
        return dict(zip(columns.tolist(), values.tolist()))

    def transform(self, X) -> sp.csr_matrix:
        """One TF-IDF row per `ParsedAd`."""
        _require(self, "vocabulary_")
        rows, cols, values = [], [], []
        for row, ad in enumerate(X):
            for column, value in self.weights(ad).items():
                rows.append(row)
                cols.append(column)
                values.append(value)
        return sp.csr_matrix((values, (rows, cols)), shape=(len(X), len(self.vocabulary_)), dtype=np.float64)
