"""The legal definition of trafficking in persons, as data: Palermo Protocol Art. 3 and the ILO indicators."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from screener._data import load_yaml
from screener.errors import CatalogueError

__all__ = ["ELEMENTS", "SubElement", "LegalElement", "IloIndicator", "ChildBranch", "legal_elements", "ilo_indicators", "child_branch"]

#: The Art. 3(a) elements, in this order everywhere (``legal_elements.yaml`` must list these).
ELEMENTS = ("ACT", "MEANS", "PURPOSE")


@dataclass(frozen=True, slots=True)
class SubElement:
    """One alternative of an element, e.g. MEANS: deception."""

    id: str
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class LegalElement:
    """ACT, MEANS or PURPOSE with its clause text and sub-elements."""

    id: str
    label: str
    clause: str
    text: str
    sub_elements: tuple[SubElement, ...]

    def sub_element(self, sub_id: str) -> SubElement:
        """The sub-element with id `sub_id`; KeyError if the element has none."""
        for sub in self.sub_elements:
            if sub.id == sub_id:
                return sub
        raise KeyError(sub_id)


@dataclass(frozen=True, slots=True)
class ChildBranch:
    """Art. 3(c): for a child, ACT and PURPOSE suffice; MEANS are not required."""

    clause: str
    text: str
    requires: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IloIndicator:
    """One of the ILO's 11 indicators of forced labour."""

    id: str
    label: str
    text: str


@lru_cache(maxsize=1)
def legal_elements() -> dict[str, LegalElement]:
    """The Art. 3(a) elements by id, in the order ACT, MEANS, PURPOSE."""
    data = load_yaml("legal_elements.yaml")
    ids = tuple(e["id"] for e in data["elements"])
    if ids != ELEMENTS:
        raise CatalogueError(f"legal_elements.yaml: elements {', '.join(ids)}; expected {', '.join(ELEMENTS)} in this order")
    return {
        e["id"]: LegalElement(
            id=e["id"],
            label=e["label"],
            clause=e["clause"],
            text=" ".join(e["text"].split()),
            sub_elements=tuple(SubElement(s["id"], s["label"], s["text"]) for s in e["sub_elements"]),
        )
        for e in data["elements"]
    }


@lru_cache(maxsize=1)
def child_branch() -> ChildBranch:
    """The Art. 3(c) child branch."""
    data = load_yaml("legal_elements.yaml")["child_branch"]
    return ChildBranch(clause=data["clause"], text=" ".join(data["text"].split()), requires=tuple(data["requires"]))


@lru_cache(maxsize=1)
def ilo_indicators() -> dict[str, IloIndicator]:
    """The ILO indicators of forced labour by id."""
    data = load_yaml("ilo_indicators.yaml")
    return {i["id"]: IloIndicator(i["id"], i["label"], i["text"]) for i in data["indicators"]}
