"""The project's spaCy pipeline: ``spacy.blank("en")`` plus registered parts.

- ``screener.normalizing_tokenizer.v1`` folds obfuscation out of the text before spaCy's English
  tokenizer runs, keeps the `NormalizedText` on ``doc._.normalized`` and gives number, money,
  phone and handle tokens a class NORM (``{AMOUNT}``, ``{AGE}`` ...) once per lexeme.
- ``screener_indicators`` matches the catalogue's phrases on NORM (an index of each pattern's
  rarest slot; a chunk of Docs at once with ``pipe_docs``) and turns contact-hiding obfuscation
  into hits; hits go to ``doc.spans["screener_hits"]``, labelled with
  the indicator id.
- ``screener_negation`` puts the hits in a negated or warning scope into
  ``doc.spans["screener_negated"]``; ``span._.negated`` reads it.
"""

from __future__ import annotations

import spacy
from spacy.language import Language

from screener.pipeline.keys import HITS_KEY, NEGATED_KEY, NORMALIZED_KEY
from screener.pipeline.matcher import IndicatorMatcher
from screener.pipeline.negation import NegationScope
from screener.pipeline.tokenizer import NormalizingTokenizer, token_class

__all__ = ["HITS_KEY", "NEGATED_KEY", "NORMALIZED_KEY", "IndicatorMatcher", "NegationScope", "NormalizingTokenizer", "build_nlp", "token_class"]


def build_nlp(catalogue: str = "") -> Language:
    """The screener pipeline: normalizing tokenizer, indicator matcher, negation scope.

    Parameters
    ----------
    catalogue : str, optional
        A catalogue folder; the shipped catalogue when empty.
    """
    config = {"nlp": {"tokenizer": {"@tokenizers": "screener.normalizing_tokenizer.v1", "catalogue": catalogue}}}
    nlp = spacy.blank("en", config=config)
    nlp.add_pipe("screener_indicators", config={"catalogue": catalogue})
    nlp.add_pipe("screener_negation")
    return nlp
