"""Evidence extraction: indicator hits on the original text of an ad."""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from screener.indicators import Catalogue, load_catalogue
from screener.pipeline import HITS_KEY, NEGATED_KEY, NORMALIZED_KEY, build_nlp
from screener.results import IndicatorHit

__all__ = ["MAX_TEXT_CHARS", "Extractor", "extract"]

#: Texts are cut to this many characters before screening; longer input is truncated.
MAX_TEXT_CHARS = 100_000
# spaCy's StringStore grows with every new token; past this size the pipeline is rebuilt.
_MAX_VOCAB = 500_000


class Extractor:
    """Finds indicator hits with one spaCy pipeline, built lazily and bounded in memory.

    Parameters
    ----------
    catalogue : str, optional
        A catalogue folder; the shipped catalogue when empty.
    """

    def __init__(self, catalogue: str = "") -> None:
        self.catalogue_dir = catalogue
        self._nlp: Language | None = None
        self._lock = threading.Lock()

    @cached_property
    def catalogue(self) -> Catalogue:
        """The catalogue the pipeline matches."""
        return load_catalogue(self.catalogue_dir or None)

    @property
    def nlp(self) -> Language:
        """The pipeline (built on first use, rebuilt when its vocabulary grows too large)."""
        nlp = self._nlp
        if nlp is None or len(nlp.vocab.strings) > _MAX_VOCAB:
            with self._lock:
                if self._nlp is None or len(self._nlp.vocab.strings) > _MAX_VOCAB:
                    self._nlp = build_nlp(self.catalogue_dir)
                nlp = self._nlp
        return nlp

    def doc(self, text: str) -> Doc:
        """The processed Doc of one text (normalized; map back on ``doc._.normalized``).

        The pipeline's parts are called directly: `Language.__call__` adds bookkeeping that
        costs as much as the matching itself.
        """
        text = _checked(text)[:MAX_TEXT_CHARS]
        nlp = self.nlp
        doc = nlp.tokenizer(text)
        for _, component in nlp.pipeline:
            doc = component(doc)
        return doc

    def docs_many(self, texts: Iterable[str]) -> list[Doc]:
        """Processed Docs of many texts, in order: the same as `doc` on each, with the indicator
        matcher run over all of them at once (`IndicatorMatcher.pipe_docs`)."""
        nlp = self.nlp
        docs = [nlp.tokenizer(_checked(text)[:MAX_TEXT_CHARS]) for text in texts]
        for _, component in nlp.pipeline:
            many = getattr(component, "pipe_docs", None)
            docs = many(docs) if many is not None else [component(doc) for doc in docs]
        return docs

    def docs(self, texts: Iterable[str]) -> Iterator[Doc]:
        """Processed Docs of many texts, in order."""
        for text in texts:
            yield self.doc(text)

    def extract(self, text: str) -> tuple[IndicatorHit, ...]:
        """Indicator hits of one text; see `extract`."""
        return self.hits(self.doc(text))

    def extract_many(self, texts: Iterable[str]) -> Iterator[tuple[IndicatorHit, ...]]:
        """Indicator hits of many texts, in order."""
        for doc in self.docs(texts):
            yield self.hits(doc)

    def fires(self, indicator_id: str, text: str) -> bool:
        """Whether `text` gives a non-negated hit of `indicator_id`."""
        return any(h.indicator == indicator_id and not h.negated for h in self.extract(text))

    def check_examples(self) -> list[str]:
        """Run every catalogue example; one message per positive that misses or negative that fires."""
        failures = []
        for indicator in self.catalogue:
            where = f"{indicator.source}:{indicator.line}: {indicator.id}"
            for text in indicator.positive_examples:
                if not self.fires(indicator.id, text):
                    failures.append(f"{where}: positive example does not fire: {text!r}")
            for text in indicator.negative_examples:
                if self.fires(indicator.id, text):
                    failures.append(f"{where}: negative example fires: {text!r}")
        return failures

    def hits(self, doc: Doc) -> tuple[IndicatorHit, ...]:
        """The hits of a processed Doc, mapped to the original text."""
        spans = doc.spans.get(HITS_KEY)
        if not spans:
            return ()
        indicators = self.catalogue.by_id
        normalized = doc.user_data[NORMALIZED_KEY]
        original = normalized.original
        negated = {(s.start, s.end, s.label) for s in doc.spans.get(NEGATED_KEY, ())}
        hits = []
        for span in spans:
            indicator = indicators[span.label_]
            start, end = normalized.to_original(span.start_char, span.end_char)
            hits.append(
                IndicatorHit(
                    indicator=indicator.id,
                    label=indicator.label,
                    element=indicator.element,
                    sub_element=indicator.sub_element,
                    ilo=indicator.ilo,
                    start=start,
                    end=end,
                    text=original[start:end],
                    negated=(span.start, span.end, span.label) in negated,
                    pattern=span.id_,
                )
            )
        hits.sort(key=lambda h: (h.start, h.end, h.indicator))
        return tuple(hits)


def _checked(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected the ad text as a str, got {type(text).__name__}")
    return text


_default = Extractor()


def extract(text: str) -> tuple[IndicatorHit, ...]:
    """Find indicator evidence in one ad.

    Parameters
    ----------
    text : str
        The ad as the moderator sees it. Texts longer than `MAX_TEXT_CHARS` are cut there.

    Returns
    -------
    tuple of IndicatorHit
        Hits in text order, with offsets into `text`; negated mentions are included with
        ``negated=True``.

    Raises
    ------
    TypeError
        If `text` is not a str.
    """
    return _default.extract(text)
