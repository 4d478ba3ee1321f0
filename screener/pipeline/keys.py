"""Names shared by the pipeline's parts: span groups, user-data keys and extensions."""

from __future__ import annotations

from spacy.tokens import Doc, Span

__all__ = ["HITS_KEY", "NEGATED_KEY", "NORMALIZED_KEY", "NEAR_GAPS_KEY", "SENTENCE_ENDS"]

HITS_KEY = "screener_hits"

NORMALIZED_KEY = "screener.normalized"  # doc.user_data key of the NormalizedText
if not Doc.has_extension("normalized"):
    Doc.set_extension("normalized", getter=lambda doc: doc.user_data.get(NORMALIZED_KEY))
NEGATED_KEY = "screener_negated"
SENTENCE_ENDS = (".", "\n", "\n\n")  # NORMs no near rule reaches across ("?" and "!" often lead into a pitch)
NEAR_GAPS_KEY = "screener.near_gaps"  # doc.user_data: near-rule hit span -> token gaps between its sides
if not Span.has_extension("negated"):
    Span.set_extension(
        "negated",
        getter=lambda span: any(
            (s.start, s.end, s.label) == (span.start, span.end, span.label) for s in span.doc.spans.get(NEGATED_KEY, ())
        ),
    )

