"""The public screening API: `screen`, `screen_batch`, `Screener`, `load_model`."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from screener.bundle import Bundle, load_bundle
from screener.chunk import score_chunk
from screener.evidence import MAX_TEXT_CHARS
from screener.explain import Explained, explain, explain_row
from screener.features import ParsedAd
from screener.language import detect_language, detect_languages, is_supported
from screener.results import PROFILES, ModelInfo, ScreeningResult
from screener.scorer import Scored

__all__ = ["CHUNK_ADS", "DEFAULT_MODEL", "Screener", "load_model", "screen", "screen_batch"]

#: Ads parsed and scored together by `Screener.screen_batch`.
CHUNK_ADS = 512

#: The shipped model; the environment variable SCREENER_MODEL points elsewhere.
DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "default"  # package data; models/default links here


def model_folder(path: str | Path | None = None) -> Path:
    """The bundle folder: `path`, else ``$SCREENER_MODEL``, else the shipped ``models/default``."""
    return Path(path) if path is not None else Path(os.environ.get("SCREENER_MODEL", DEFAULT_MODEL))


def load_model(path: str | Path | None = None, expected_sha256: str | None = None) -> Bundle:
    """Load a model bundle (verified before unpickling; see `screener.bundle`).

    Parameters
    ----------
    path : str or Path, optional
        A bundle folder; ``$SCREENER_MODEL`` or the shipped ``models/default`` when omitted.
    expected_sha256 : str, optional
        The manifest digest you trust (``manifest_sha256``): any other bundle is refused.
    """
    return load_bundle(model_folder(path), expected_sha256)


class Screener:
    """Screens ads with one model; loads it on first use; safe to share between threads.

    Parameters
    ----------
    model : str, Path or Bundle, optional
        A bundle folder or a loaded bundle; the default model when omitted.
    profile : str
        Threshold profile: "balanced" (default), "high_precision" or "high_recall".
    """

    def __init__(self, model: str | Path | Bundle | None = None, profile: str = "balanced") -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
        self.profile = profile
        self._source = model
        self._bundle: Bundle | None = model if isinstance(model, Bundle) else None
        self._lock = threading.Lock()

    @property
    def bundle(self) -> Bundle:
        """The loaded bundle."""
        if self._bundle is None:
            with self._lock:
                if self._bundle is None:
                    self._bundle = load_model(self._source)  # type: ignore[arg-type]
        return self._bundle

    def _profile(self, profile: str | None) -> str:
        profile = profile or self.profile
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
        return profile

    def _result(self, text: str, ad: ParsedAd, scored: Scored, profile: str, language: str) -> ScreeningResult:
        bundle = self.bundle
        model = bundle.model
        blank = not any(char.isalpha() for char in text)  # no words: nothing to read, whatever the digits
        warnings = (("empty text",) if not text.strip() else ("no words to read",)) if blank else ()
        truncated = ad.truncated
        if blank and text.strip():  # digits or symbols alone score as an empty ad does
            ad = model.parse("")
            scored = model.score(ad)
        if truncated:
            warnings += (f"truncated at {MAX_TEXT_CHARS} characters",)
        if not is_supported(language):
            warnings += (f"language {language!r} is not supported: the score does not apply",)
        result = explain(ad, scored, model.thresholds, profile, ModelInfo(bundle.name, bundle.version), model.catalogue, warnings)
        if blank:
            return replace(result, flagged=False, level="low")
        if not is_supported(language):
            return replace(result, language=language, summary=_not_english(language) + result.summary)
        return result

    def screen(self, text: str, *, profile: str | None = None) -> ScreeningResult:
        """Screen one ad; see `screen`."""
        if not isinstance(text, str):
            raise TypeError(f"screen() expects the ad text as a str, got {type(text).__name__}")
        profile = self._profile(profile)
        model = self.bundle.model
        ad = model.parse(text)
        return self._result(text, ad, model.score(ad), profile, detect_language(text))

    def screen_batch(self, texts: Iterable[str], *, profile: str | None = None) -> list[ScreeningResult]:
        """Screen many ads, in order: the same results as `screen` on each, computed a chunk at a
        time (`screener.chunk.score_chunk`); one ad takes the single-ad path."""
        if isinstance(texts, str):
            raise TypeError("screen_batch() expects several ad texts (a list), not one str; use screen() for one ad")
        texts = list(texts)
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"screen_batch() expects ad texts as str, got {type(text).__name__}")
        profile = self._profile(profile)
        if len(texts) == 1:  # a batch of one takes the single-ad path
            return [self.screen(texts[0], profile=profile)]
        return [self._result(text, ad, scored, profile, language) for text, ad, scored, language in self._scored(texts)]

    def _scored(self, texts: list[str]) -> Iterator[tuple[str, ParsedAd, Scored, str]]:
        """Each text with its parsed ad, its scores and its language, a chunk at a time."""
        model = self.bundle.model
        for low in range(0, len(texts), CHUNK_ADS):
            part = texts[low : low + CHUNK_ADS]
            ads = model.parse_many(part)
            yield from zip(part, ads, score_chunk(model, ads), detect_languages(part))

    def explain_rows(self, texts: list[str], profile: str | None = None) -> Iterator[Explained]:
        """What an output row reads of each text's result (`screener.explain.explain_row`): the
        values `screen_batch` gives, without the rest of the result. Every text must hold a letter
        (`screener.rows.score_texts` gives the others status empty)."""
        profile = self._profile(profile)
        model = self.bundle.model
        info = (model.thresholds, profile, model.catalogue)
        for _, ad, scored, language in self._scored(texts):
            row = explain_row(ad, scored, *info)
            if not is_supported(language):
                row = row._replace(language=language, summary=_not_english(language) + row.summary)
            yield row


def _not_english(language: str) -> str:
    return f"Not English (language {language!r}): the model reads English only, so this score does not apply; have the ad read by someone who knows the language. "


_default: Screener | None = None
_default_lock = threading.Lock()


def _screener(model: str | Path | Bundle | None) -> Screener:
    global _default
    if model is not None:
        return Screener(model)
    with _default_lock:
        if _default is None:
            _default = Screener()
    return _default


def screen(text: str, *, model: str | Path | Bundle | None = None, profile: str | None = None) -> ScreeningResult:
    """Screen one ad for indicators of trafficking recruitment.

    Parameters
    ----------
    text : str
        The ad as the moderator sees it. Longer than `MAX_TEXT_CHARS` is cut there, with a
        warning; an empty text gives an unflagged result with a warning.
    model : str, Path or Bundle, optional
        A model bundle; the default model when omitted.
    profile : str, optional
        "balanced" (default), "high_precision" or "high_recall".

    Returns
    -------
    ScreeningResult
        A calibrated risk with the evidence and a summary: a suspicion for a person to review,
        never a verdict.

    Raises
    ------
    TypeError
        If `text` is not a str.
    screener.errors.BundleError
        If the model bundle is missing or fails verification.
    """
    return _screener(model).screen(text, profile=profile)


def screen_batch(texts: Iterable[str], *, model: str | Path | Bundle | None = None, profile: str | None = None) -> list[ScreeningResult]:
    """Screen many ads; a list of `ScreeningResult` in input order."""
    return _screener(model).screen_batch(texts, profile=profile)

