"""Turn a scored ad into a `ScreeningResult`: evidence by legal element and a moderator's summary."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from screener.features import ParsedAd, function_words
from screener.indicators import load_catalogue
from screener.legal import legal_elements
from screener.scorer import ELEMENT_WORDING, Scored
from screener.pay import describe, find_pay
from screener.pay_offer import HIGH_PAY_SIGNAL
from screener.results import ElementFinding, IndicatorHit, ModelInfo, ScoreBreakdown, ScreeningResult, TermContribution

__all__ = ["explain", "explain_row", "Explained", "ELEMENT_WORDING", "TOP_TERMS"]

TOP_TERMS = 8
_ELEMENTS = ("ACT", "MEANS", "PURPOSE")


@lru_cache(maxsize=4)
def _child_indicators(catalogue: str) -> frozenset[str]:
    """Ids of the catalogue's indicators that suggest a minor."""
    return frozenset(i.id for i in load_catalogue(catalogue or None) if i.child)


def _is_content(cue: str) -> bool:
    """A cue worth quoting: it has a word that is not a function word (never "2020", "1 2", "to the")."""
    style = function_words()
    return any(word.isalpha() and word not in style for word in re.findall(r"[^\W\d_]+|\d+", cue.lower()))


#: Words quoted for a flag that no indicator explains.
WORDING_CUES = 3


def _written(text: str, span: tuple[int, int] | None) -> str:
    """The words of `text` at `span`, spaces folded ("" without a span)."""
    return " ".join(text[span[0] : span[1]].split()) if span else ""


def _by_size(item: tuple[str, float]) -> tuple[float, str]:
    return -abs(item[1]), item[0]


def _level(risk: float, thresholds: dict[str, float], profile: str) -> str:
    """Low below the active profile's threshold (not flagged); high from the high_precision
    threshold on; medium (flagged) between them."""
    if risk < thresholds[profile]:
        return "low"
    return "high" if risk >= thresholds["high_precision"] else "medium"


def _hits(ad: ParsedAd, scored: Scored) -> tuple[IndicatorHit, ...]:
    return tuple(
        IndicatorHit(h.indicator, h.label, h.element, h.sub_element, h.ilo, h.start, h.end, h.text, h.negated, c, h.pattern)
        for h, c in zip(ad.hits, scored.hit_contributions)
    )


def _elements(ad: ParsedAd, scored: Scored, hits: tuple[IndicatorHit, ...], flagged: bool) -> dict[str, ElementFinding]:
    elements = {}
    for element in _ELEMENTS:
        own = tuple(h for h in hits if h.element == element and not h.negated)
        contribution = sum(h.contribution for h in hits if h.element == element)
        worded = flagged and not own and scored.element_probabilities.get(element, 0.0) >= ELEMENT_WORDING
        cues = tuple(cue for cue in (" ".join(ad.text[s:e].split()) for s, e in scored.element_cues.get(element, ())) if _is_content(cue)) if worded else ()
        elements[element] = ElementFinding(bool(own) or worded, contribution, own, cues)
    return elements


def _child_branch(hits: tuple[IndicatorHit, ...], elements: dict[str, ElementFinding], catalogue: str) -> bool:
    children = _child_indicators(catalogue)
    return any(h.indicator in children and not h.negated for h in hits) and (elements["ACT"].present or elements["PURPOSE"].present)


def _top_terms(ad: ParsedAd, scored: Scored) -> tuple[TermContribution, ...]:
    """The TOP_TERMS largest term contributions by size, ties by term: only terms at least as
    large as the TOP_TERMS-th largest size can be among them."""
    items = scored.term_contributions.items()
    if len(items) > TOP_TERMS:
        cutoff = sorted(map(abs, scored.term_contributions.values()))[-TOP_TERMS]
        items = [item for item in items if abs(item[1]) >= cutoff]
    ranked = sorted(items, key=_by_size)[:TOP_TERMS]
    return tuple(TermContribution(term, value, _written(ad.text, scored.term_spans.get(term))) for term, value in ranked if value != 0.0)


def explain(
    ad: ParsedAd,
    scored: Scored,
    thresholds: dict[str, float],
    profile: str,
    model: ModelInfo,
    catalogue: str = "",
    warnings: tuple[str, ...] = (),
) -> ScreeningResult:
    """Assemble the result of one ad: `explain_row`'s fields, the top terms and the breakdown."""
    row = explain_row(ad, scored, thresholds, profile, catalogue)
    breakdown = ScoreBreakdown(scored.intercept, sum(scored.hit_contributions), sum(scored.term_contributions.values()), scored.signals, scored.logit)
    return ScreeningResult(
        risk=row.risk,
        flagged=row.flagged,
        level=row.level,
        ad_type=row.ad_type,
        elements=row.elements,
        child_branch=row.child_branch,
        hits=row.hits,
        terms=_top_terms(ad, scored),
        score_breakdown=breakdown,
        summary=row.summary,
        model=model,
        warnings=warnings,
    )


class Explained(NamedTuple):
    """What an output row reads of a result (`explain_row`)."""

    risk: float
    flagged: bool
    level: str
    ad_type: str
    elements: dict[str, ElementFinding]
    child_branch: bool
    hits: tuple[IndicatorHit, ...]
    summary: str
    language: str = "en"


def explain_row(ad: ParsedAd, scored: Scored, thresholds: dict[str, float], profile: str, catalogue: str = "") -> Explained:
    """The fields of `explain`'s result that an output row reads, the same values; the top terms
    are ranked only when the summary quotes them (a flag with no element)."""
    hits = _hits(ad, scored)
    flagged = scored.risk >= thresholds[profile]
    elements = _elements(ad, scored, hits, flagged)
    child_branch = _child_branch(hits, elements, catalogue)
    quoted = flagged and not any(finding.present for finding in elements.values())
    terms = _top_terms(ad, scored) if quoted else ()
    level = _level(scored.risk, thresholds, profile)
    summary = summarize(scored.risk, level, flagged, profile, elements, child_branch, terms)
    return Explained(scored.risk, flagged, level, scored.ad_type, elements, child_branch, hits, summary)


def _pay_words(hit: IndicatorHit) -> str:
    """For a high-pay hit, the pay in proportion: " (pay ≈ 4.2× the average monthly wage in Viet Nam)"."""
    if hit.pattern != f"signal:{HIGH_PAY_SIGNAL}":
        return ""
    mentions = find_pay(hit.text)
    return f" ({describe(mentions[0])})" if mentions else ""


def summarize(
    risk: float,
    level: str,
    flagged: bool,
    profile: str,
    elements: dict[str, ElementFinding],
    child_branch: bool,
    terms: tuple[TermContribution, ...] = (),
) -> str:
    """A short note to a moderator citing the elements and quoting the evidence; a flag without
    any element quotes the words that raised the risk most (`terms`, as the ad wrote them)."""
    legal = legal_elements()
    parts = [f"{level.capitalize()} risk ({risk:.2f})" + ("" if flagged else f", not flagged at the {profile} profile") + "."]
    missing = []
    for name, finding in elements.items():
        if not finding.present:
            missing.append(name)
            continue
        if not finding.hits:
            quoted = ", ".join(f"'{cue[:40]}'" for cue in finding.cues)
            parts.append(f"{name}: suggested by the wording" + (f" — {quoted}." if quoted else "."))
            continue
        strongest: IndicatorHit = max(finding.hits, key=lambda h: h.contribution)
        sub = legal[name].sub_element(strongest.sub_element).label
        quote = " ".join(strongest.text.split())
        parts.append(f"{name}: {sub} — '{quote[:80]}'{_pay_words(strongest)}.")
    if child_branch:
        parts.append("A minor is indicated: under Art. 3(c) the means are not required.")
    if missing and len(missing) < 3:
        parts.append(f"No evidence of {' or '.join(missing)}.")
    elif len(missing) == 3:
        parts.append("No indicator of ACT, MEANS or PURPOSE found.")
        raising = [t.text for t in sorted(terms, key=lambda t: -t.contribution) if t.contribution > 0 and t.text and _is_content(t.text)]
        if flagged and raising:
            quoted = ", ".join(f"'{text[:40]}'" for text in dict.fromkeys(raising[:WORDING_CUES]))
            parts.append(f"Flagged on its wording alone ({quoted}), with no indicator: it may well be lawful.")
    return " ".join(parts)
