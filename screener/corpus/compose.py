"""The composer of corpus v1: an ad as segments of phrase banks, with risky phrases as gold spans.

A composed ad is a list of segments (opener, intro, details, hard-negative sentences, risky
phrases, closer) in varied order, rendered in a register (plain, ALL CAPS, lowercase, bullets,
emojis, broken English, typos) and, for a share of ads of both labels, disguised. Risky phrases are
gold spans; their offsets are computed on the final text. Corpus v2 composes the ads it does not
write from a scenario (see `screener.corpus.generate`).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field

from screener.corpus.banks import AD_TYPES, Banks, SlotFiller
from screener.corpus.disguise import DISGUISES, OBFUSCATING, disguise
from screener.errors import InputError
from screener.indicators import Catalogue, Indicator
from screener.legal import ELEMENTS

__all__ = ["BENIGN_DISGUISED", "GeneratedAd", "Composer"]

BENIGN_WEAK_INDICATOR = 0.5  # benign ads often carry one weak indicator, as real ones do
BENIGN_DISGUISED = 0.15  # disguise alone must never decide the label
_DECORATIONS = ("✨", "🔥", "👉", "⭐", "😊", "🙏", "💯", "🌟", "❗", "👍")
_ARTICLES = re.compile(r"\b(?:the|a|an)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Segment:
    """A piece of an ad; `indicator` is set for risky phrases (gold spans)."""

    text: str
    indicator: str | None = None


@dataclass(frozen=True)
class GeneratedAd:
    """One generated row."""

    id: str
    split: str
    ad_type: str
    label: int
    difficulty: str
    elements: str
    spans: tuple[tuple[int, int, str], ...]
    text: str
    slots: tuple[str, ...] = field(default=(), compare=False)
    pattern: str = "composed"

    def row(self) -> dict[str, str | int]:
        """The CSV row."""
        spans = [{"start": s, "end": e, "indicator": i} for s, e, i in self.spans]
        return {
            "id": self.id,
            "ad_type": self.ad_type,
            "label": self.label,
            "difficulty": self.difficulty,
            "elements": self.elements,
            "spans": json.dumps(spans, separators=(",", ":"), sort_keys=True),
            "text": self.text,
            "pattern": self.pattern,
        }


class Composer:
    """Composes ads of the phrase `banks` with risky phrases of the `catalogue`'s indicators that have a bank.

    Raises
    ------
    InputError
        If the banks lack risky phrases of an element for an ad type.
    """

    def __init__(self, banks: Banks, catalogue: Catalogue) -> None:
        self.banks = banks
        self.usable: dict[str, list[Indicator]] = {
            ad_type: [i for i in catalogue if ad_type in i.ad_types and banks.has(f"indicator.{i.id}")] for ad_type in AD_TYPES
        }
        for ad_type, indicators in self.usable.items():
            missing = {e for e in ELEMENTS if not any(i.element == e for i in indicators)}
            if missing:
                raise InputError(f"the phrase banks have no risky phrases of {', '.join(sorted(missing))} for {ad_type} ads")

    def ad(self, number: int, split: str, ad_type: str, label: int, difficulty: str, rng: random.Random) -> GeneratedAd:
        """Ad `number` of `split`, drawn with `rng`."""
        slots = SlotFiller(self.banks, ad_type)
        pick = lambda name: self.banks.pick(name, split, rng, slots)  # noqa: E731
        risky = self._risky(ad_type, difficulty, rng) if label else []
        if not label and rng.random() < BENIGN_WEAK_INDICATOR:
            weak = [i for i in self.usable[ad_type] if i.strength == "weak"]
            risky.append(rng.choice(weak))
        middle = [Segment(pick(f"indicator.{i.id}"), i.id) for i in risky]
        if difficulty == "hard_negative":
            themes = self.banks.names(f"{ad_type}.hard_negative.")
            for theme in rng.sample(themes, k=min(len(themes), rng.choice((1, 1, 2)))):
                middle.extend(Segment(pick(theme)) for _ in range(rng.choice((1, 2))))
        target = _target_words(rng)
        words = sum(len(s.text.split()) for s in middle)
        head = [Segment(pick(f"{ad_type}.opener"))] if rng.random() < 0.8 else []
        head.append(Segment(pick(f"{ad_type}.intro")))
        tail = [Segment(pick(f"{ad_type}.closer"))] if rng.random() < 0.85 else []
        words += sum(len(s.text.split()) for s in head + tail)
        while words < target:
            detail = Segment(pick(f"{ad_type}.detail"))
            if words + len(detail.text.split()) > 240 and words >= 15:
                break
            middle.append(detail)
            words += len(detail.text.split())
        rng.shuffle(middle)
        segments = head + middle + tail
        disguised = difficulty == "obfuscated" or (not label and rng.random() < BENIGN_DISGUISED)
        if disguised:
            segments = _disguise(segments, rng, risky_only=bool(label))
        text, spans = _render(segments, rng)
        elements = ";".join(e for e in ELEMENTS if any(i.element == e for i in risky)) if label else ""
        return GeneratedAd(
            id=f"{split}-{number:06d}",
            split=split,
            ad_type=ad_type,
            label=label,
            difficulty=difficulty,
            elements=elements,
            spans=spans,
            text=text,
            slots=tuple(slots.used),
        )

    def _risky(self, ad_type: str, difficulty: str, rng: random.Random) -> list[Indicator]:
        usable = self.usable[ad_type]
        by_element = {e: [i for i in usable if i.element == e] for e in ELEMENTS}
        if difficulty == "obfuscated":
            difficulty = "plain" if rng.random() < 0.6 else "subtle"
        if difficulty == "subtle":
            mild = {e: [i for i in group if i.strength != "strong"] or group for e, group in by_element.items()}
            elements = rng.sample(ELEMENTS, 2)
            return [rng.choice(mild[e]) for e in elements]
        children = [i for i in by_element["ACT"] if i.child]
        if children and rng.random() < 0.15:  # Art. 3(c): a child, ACT and PURPOSE, no MEANS
            chosen = [rng.choice(children), rng.choice(by_element["PURPOSE"])]
        else:
            chosen = [rng.choice(by_element[e]) for e in ELEMENTS]
        extra = [i for i in usable if i not in chosen]
        chosen.extend(rng.sample(extra, k=min(len(extra), rng.choice((0, 1, 2)))))
        return chosen


def _target_words(rng: random.Random) -> int:
    """An ad length in words, 15 to 230 before disguises, most between 30 and 120."""
    return int(min(230, max(15, rng.lognormvariate(4.1, 0.55))))


def _disguise(segments: list[Segment], rng: random.Random, risky_only: bool) -> list[Segment]:
    """Disguise a share of the segments (for risky ads, mostly the risky phrases).

    At least one segment (a risky phrase when there is one) is visibly changed.
    """
    kinds = rng.sample(OBFUSCATING, k=rng.choice((1, 1, 2)))
    out = []
    for segment in segments:
        chance = 0.8 if segment.indicator and risky_only else 0.3
        text = disguise(segment.text, kinds, rng) if rng.random() < chance else segment.text
        out.append(Segment(text, segment.indicator))
    if all(a.text == b.text for a, b in zip(out, segments)):
        index = next((i for i, s in enumerate(out) if s.indicator), rng.randrange(len(out)))
        for kind in (*kinds, "look_alikes"):
            changed = disguise(out[index].text, (kind,), rng)
            if changed != out[index].text:
                out[index] = Segment(changed, out[index].indicator)
                break
    return out


def _render(segments: list[Segment], rng: random.Random) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """Join segments in a register; return the text and the gold spans on it."""
    register = rng.choices(("plain", "bullets", "lines", "caps", "lower", "chatty"), weights=(50, 14, 10, 6, 10, 10))[0]
    broken = rng.random() < 0.1
    typo = rng.random() < 0.2  # then about a third of the plain segments get a typo or two
    decorate = rng.random() < 0.15
    pieces: list[str] = []
    spans: list[tuple[int, int, str]] = []
    length = 0
    for index, segment in enumerate(segments):
        text = segment.text
        if broken and segment.indicator is None:
            text = _ARTICLES.sub("", text)
        if typo and segment.indicator is None and rng.random() < 0.35:
            text = DISGUISES["typos"](text, rng, share=0.08)
        if register == "caps":
            text = text.upper()
        elif register == "lower":
            text = text.lower()
        if not text:
            continue
        if index == 0:
            separator = ""
        elif register == "bullets":
            separator = rng.choice(("\n• ", "\n- ", "\n* "))
        elif register == "lines":
            separator = "\n"
        else:
            separator = " "
        ending = "" if text[-1] in ".!?:" or register in ("bullets", "lines") else rng.choice((".", ".", ".", "!"))
        if register == "chatty" and rng.random() < 0.3:
            ending = rng.choice(("!!", " :)", "...", " - "))
        if decorate and rng.random() < 0.3:
            ending += " " + rng.choice(_DECORATIONS)
        start = length + len(separator)
        pieces.append(separator + text + ending)
        if segment.indicator:
            spans.append((start, start + len(text), segment.indicator))
        length += len(separator) + len(text) + len(ending)
    return "".join(pieces), tuple(spans)
