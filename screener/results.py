"""Result types shared by every interface: frozen, slotted, JSON-ready."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["IndicatorHit"]


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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``ilo`` as a list)."""
        data = asdict(self)
        data["ilo"] = list(self.ilo)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "IndicatorHit":
        """Inverse of `to_dict`."""
        return cls(**{**data, "ilo": tuple(data["ilo"])})
