"""Result types shared by every interface: frozen, slotted, JSON-ready."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["PROFILES", "IndicatorHit", "ElementFinding", "TermContribution", "ScoreBreakdown", "ModelInfo", "ScreeningResult"]

#: Threshold profiles: a result is flagged when its risk reaches the active profile's threshold.
PROFILES = ("balanced", "high_precision", "high_recall")


@dataclass(frozen=True, slots=True)
class IndicatorHit:
    """One piece of evidence: an indicator found at a span of the original text.

    Attributes
    ----------
    indicator, label : str
        Catalogue id and plain-language label.
    element, sub_element : str
        The Art. 3(a) element (ACT, MEANS, PURPOSE) and its sub-element id.
    ilo : tuple of str
        Related ILO forced-labour indicator ids.
    start, end : int
        Character offsets into the original text (end exclusive).
    text : str
        ``original_text[start:end]``.
    negated : bool
        The mention is negated or a warning ("you keep your passport"): not an indicator.
    contribution : float
        The hit's share of the model's logit; 0.0 where no model scored it.
    pattern : str
        Where the pattern that fired is written (``act.yaml:87``), or ``signal:<name>`` for an
        obfuscation signal; "" where unknown.
    """

    indicator: str
    label: str
    element: str
    sub_element: str
    ilo: tuple[str, ...]
    start: int
    end: int
    text: str
    negated: bool
    contribution: float = 0.0
    pattern: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``ilo`` as a list)."""
        data = asdict(self)
        data["ilo"] = list(self.ilo)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "IndicatorHit":
        """Inverse of `to_dict`."""
        return cls(**{**data, "ilo": tuple(data["ilo"])})


@dataclass(frozen=True, slots=True)
class ElementFinding:
    """What the ad shows of one legal element.

    Attributes
    ----------
    present : bool
        At least one non-negated hit of the element, or (in a flagged ad) wording that the
        model's element head reads as showing it.
    contribution : float
        Sum of the contributions of the element's hits to the logit.
    hits : tuple of IndicatorHit
        The element's non-negated hits.
    cues : tuple of str
        When the element is present without hits: the words of the ad that suggest it most.
    """

    present: bool
    contribution: float
    hits: tuple[IndicatorHit, ...]
    cues: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"present": self.present, "contribution": self.contribution, "hits": [h.to_dict() for h in self.hits], "cues": list(self.cues)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ElementFinding":
        hits = tuple(IndicatorHit.from_dict(h) for h in data["hits"])
        return cls(data["present"], data["contribution"], hits, tuple(data.get("cues", ())))


@dataclass(frozen=True, slots=True)
class TermContribution:
    """A lexical term outside any hit, with its contribution to the logit.

    `term` is the model's feature (lower-case NORMs, number classes such as ``{AMOUNT}``,
    folded gender words such as ``g:ladies``); `text` is how the ad wrote it, where it first
    occurs ("" in results stored before this field)."""

    term: str
    contribution: float
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "contribution": self.contribution, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TermContribution":
        return cls(data["term"], data["contribution"], data.get("text", ""))


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    """The parts of the logit; they add up to `logit` exactly.

    Attributes
    ----------
    intercept : float
    indicators : float
        Everything credited to hits (their features and the lexical terms inside them).
    terms : float
        Lexical terms outside any hit.
    signals : float
        Obfuscation signals.
    logit : float
        ``intercept + indicators + terms + signals``; the risk is a monotone function of it.
    """

    intercept: float
    indicators: float
    terms: float
    signals: float
    logit: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, float]) -> "ScoreBreakdown":
        return cls(**data)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The bundle that produced a result."""

    name: str
    version: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> "ModelInfo":
        return cls(**data)


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """The result of screening one ad: the contract every interface shares (see DESIGN.md).

    Attributes
    ----------
    risk : float
        Calibrated probability (0..1) that the ad shows the fishing pattern: a suspicion for a
        person to review, never a verdict.
    flagged : bool
        ``risk >= threshold`` of the active threshold profile.
    level : str
        "low", "medium" or "high".
    ad_type : str
        "job", "dating", "marriage" or "other".
    elements : Mapping[str, ElementFinding]
        ACT, MEANS and PURPOSE.
    child_branch : bool
        A minor is indicated, so MEANS are not required (Art. 3(c)).
    hits : tuple of IndicatorHit
        All evidence, negated mentions included, with contributions.
    terms : tuple of TermContribution
        The strongest lexical contributions outside any hit.
    score_breakdown : ScoreBreakdown
    summary : str
        One or two sentences for a moderator.
    model : ModelInfo
    warnings : tuple of str
    language : str
        ISO 639 code of the ad's language ("en"; see `screener.language`). The model reads English
        only: for another language the result says so in `warnings` and `summary`.
    """

    risk: float
    flagged: bool
    level: str
    ad_type: str
    elements: dict[str, ElementFinding]
    child_branch: bool
    hits: tuple[IndicatorHit, ...]
    terms: tuple[TermContribution, ...]
    score_breakdown: ScoreBreakdown
    summary: str
    model: ModelInfo
    warnings: tuple[str, ...] = ()
    language: str = "en"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; `from_dict` restores the result exactly."""
        return {
            "risk": self.risk,
            "flagged": self.flagged,
            "level": self.level,
            "ad_type": self.ad_type,
            "elements": {name: finding.to_dict() for name, finding in self.elements.items()},
            "child_branch": self.child_branch,
            "hits": [h.to_dict() for h in self.hits],
            "terms": [t.to_dict() for t in self.terms],
            "score_breakdown": self.score_breakdown.to_dict(),
            "summary": self.summary,
            "model": self.model.to_dict(),
            "warnings": list(self.warnings),
            "language": self.language,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ScreeningResult":
        """Inverse of `to_dict`."""
        return cls(
            risk=data["risk"],
            flagged=data["flagged"],
            level=data["level"],
            ad_type=data["ad_type"],
            elements={name: ElementFinding.from_dict(f) for name, f in data["elements"].items()},
            child_branch=data["child_branch"],
            hits=tuple(IndicatorHit.from_dict(h) for h in data["hits"]),
            terms=tuple(TermContribution.from_dict(t) for t in data["terms"]),
            score_breakdown=ScoreBreakdown.from_dict(data["score_breakdown"]),
            summary=data["summary"],
            model=ModelInfo.from_dict(data["model"]),
            warnings=tuple(data["warnings"]),
            language=data.get("language", "en"),
        )
