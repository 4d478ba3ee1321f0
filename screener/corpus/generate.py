"""Generate labelled synthetic ads; write a corpus with manifest and datasheet.

Corpus v2 writes most ads whole from a scenario (`screener.corpus.scenarios`); the rest, and every
ad of v1, are composed here. A composed ad is a list of segments (opener, intro, details, hard-negative sentences, risky phrases,
closer) in varied order, rendered in a register (plain, ALL CAPS, lowercase, bullets, emojis,
broken English, typos) and, for a share of ads of both labels, disguised. Risky phrases are gold
spans; their offsets are computed on the final text.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from screener.corpus.banks import AD_TYPES, SPLITS, Banks, SlotFiller, load_banks
from screener.corpus.datasheet import render_datasheet
from screener.corpus.disguise import DISGUISES, OBFUSCATING, disguise
from screener.corpus.scenarios import ScenarioComposer, load_scenarios, template_digest
from screener.corpus.similarity import worst_pair
from screener.errors import InputError
from screener.indicators import Catalogue, Indicator, load_catalogue

__all__ = ["GENERATOR_VERSION", "COLUMNS", "GeneratedAd", "generate", "write_corpus"]

GENERATOR_VERSION = "2.0"
COLUMNS = ("id", "ad_type", "label", "difficulty", "elements", "spans", "text", "pattern")
#: Share of ads written from a scenario in corpus v2 (the rest composed from phrase banks, as in v1)
SCENARIO_SHARE = {1: 0.75, 0: 0.55}
_REDRAWS = 20
RISKY_SHARE = 0.35
SPLIT_SHARES = {"train": 0.70, "dev": 0.15, "test": 0.15}
RISKY_DIFFICULTY = {"plain": 0.40, "subtle": 0.35, "obfuscated": 0.25}
BENIGN_DIFFICULTY = {"ordinary": 0.50, "hard_negative": 0.50}
BENIGN_WEAK_INDICATOR = 0.5  # benign ads often carry one weak indicator, as real ones do
BENIGN_DISGUISED = 0.15  # disguise alone must never decide the label
NEAR_DUPLICATE_LIMIT = 0.8
_ELEMENTS = ("ACT", "MEANS", "PURPOSE")
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


class _Composer:
    def __init__(self, banks: Banks, catalogue: Catalogue) -> None:
        self.banks = banks
        self.usable: dict[str, list[Indicator]] = {
            ad_type: [i for i in catalogue if ad_type in i.ad_types and banks.has(f"indicator.{i.id}")] for ad_type in AD_TYPES
        }
        for ad_type, indicators in self.usable.items():
            missing = {e for e in _ELEMENTS if not any(i.element == e for i in indicators)}
            if missing:
                raise InputError(f"the phrase banks have no risky phrases of {', '.join(sorted(missing))} for {ad_type} ads")

    def ad(self, number: int, split: str, ad_type: str, label: int, difficulty: str, rng: random.Random) -> GeneratedAd:
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
        elements = ";".join(e for e in _ELEMENTS if any(i.element == e for i in risky)) if label else ""
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
        by_element = {e: [i for i in usable if i.element == e] for e in _ELEMENTS}
        if difficulty == "obfuscated":
            difficulty = "plain" if rng.random() < 0.6 else "subtle"
        if difficulty == "subtle":
            mild = {e: [i for i in group if i.strength != "strong"] or group for e, group in by_element.items()}
            elements = rng.sample(_ELEMENTS, 2)
            return [rng.choice(mild[e]) for e in elements]
        children = [i for i in by_element["ACT"] if i.child]
        if children and rng.random() < 0.15:  # Art. 3(c): a child, ACT and PURPOSE, no MEANS
            chosen = [rng.choice(children), rng.choice(by_element["PURPOSE"])]
        else:
            chosen = [rng.choice(by_element[e]) for e in _ELEMENTS]
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


def _plan(n: int, ad_types: tuple[str, ...], rng: random.Random) -> list[tuple[str, str, int, str]]:
    """(split, ad_type, label, difficulty) for every ad, in exact proportions, shuffled."""
    plan = []
    per_type = _apportion(n, {t: 1 / len(ad_types) for t in ad_types})
    for ad_type, count in per_type.items():
        labels = _apportion(count, {1: RISKY_SHARE, 0: 1 - RISKY_SHARE})
        for label, label_count in labels.items():
            difficulties = _apportion(label_count, RISKY_DIFFICULTY if label else BENIGN_DIFFICULTY)
            for difficulty, d_count in difficulties.items():
                splits = _apportion(d_count, SPLIT_SHARES)
                for split, s_count in splits.items():
                    plan.extend([(split, ad_type, label, difficulty)] * s_count)
    rng.shuffle(plan)
    return plan


def _apportion(total: int, shares: dict) -> dict:
    """Split `total` by `shares` into whole numbers that add up to `total` (largest remainders)."""
    raw = {k: total * v / sum(shares.values()) for k, v in shares.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for key in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def generate(
    n: int, seed: int, ad_types: tuple[str, ...] = AD_TYPES, banks: str | Path | None = None, version: int = 2
) -> dict[str, list[GeneratedAd]]:
    """Generate `n` ads split into train/dev/test.

    Parameters
    ----------
    n : int
        Number of ads in all (at least 30).
    seed : int
        The same seed gives the same ads.
    ad_types : tuple of str
        Which of job, dating, marriage to generate.
    banks : str or Path, optional
        A folder of phrase banks; the shipped banks when omitted.
    version : {1, 2}
        1: every ad composed from phrase banks with risky phrases inserted. 2: most ads written
        whole from a scenario of a documented pattern (`SCENARIO_SHARE`), the rest as in 1.

    Raises
    ------
    InputError
        If `n`, `ad_types` or `version` are not usable.
    """
    if n < 30:
        raise InputError(f"--n must be at least 30 to fill every split, label and difficulty; got {n}")
    unknown = [t for t in ad_types if t not in AD_TYPES]
    if unknown or not ad_types:
        raise InputError(f"unknown ad type(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(AD_TYPES)}")
    if version not in (1, 2):
        raise InputError(f"corpus version must be 1 or 2; got {version}")
    rng = random.Random(seed)
    loaded = load_banks(banks)
    composer = _Composer(loaded, load_catalogue())
    stories = ScenarioComposer(load_scenarios()) if version == 2 else None
    corpus: dict[str, list[GeneratedAd]] = {split: [] for split in SPLITS}
    seen: dict[str, set[str]] = {split: set() for split in SPLITS}
    for split, ad_type, label, difficulty in _plan(n, tuple(ad_types), rng):
        number = len(corpus[split]) + 1
        if stories is not None and stories.has(ad_type, label) and rng.random() < SCENARIO_SHARE[label]:
            disguised = difficulty == "obfuscated" or (not label and rng.random() < BENIGN_DISGUISED)
            for _ in range(_REDRAWS):  # short templates can repeat an earlier ad of the split: draw again
                filler = SlotFiller(loaded, ad_type)
                scenario, drawn, text = stories.ad(split, ad_type, label, rng, filler, disguised)
                key = " ".join(text.lower().split())  # as the corpus checker compares texts
                if key not in seen[split]:
                    break
            seen[split].add(key)
            difficulty = drawn
            ad = GeneratedAd(
                id=f"{split}-{number:06d}",
                split=split,
                ad_type=ad_type,
                label=label,
                difficulty=difficulty,
                elements=";".join(scenario.elements),
                spans=(),
                text=text,
                slots=tuple(filler.used),
                pattern=scenario.pattern,
            )
        else:
            ad = composer.ad(number, split, ad_type, label, difficulty, rng)
        corpus[split].append(ad)
    return corpus


def _csv_bytes(ads: list[GeneratedAd], columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for ad in ads:
        writer.writerow(ad.row())
    return buffer.getvalue().encode("utf-8")


def write_corpus(
    out: str | Path,
    n: int,
    seed: int,
    ad_types: tuple[str, ...] = AD_TYPES,
    compress: bool = False,
    banks: str | Path | None = None,
    version: int = 2,
) -> dict:
    """Generate a corpus into folder `out`: splits, ``manifest.json`` and ``DATASHEET.md``.

    The same arguments give byte-identical files. Generation fails with `InputError` when an
    ad of dev or test is a near-duplicate of a train ad (shingled Jaccard above
    `NEAR_DUPLICATE_LIMIT`).

    Returns
    -------
    dict
        The manifest.
    """
    out = Path(out)
    corpus = generate(n, seed, tuple(ad_types), banks, version)
    train_texts = [ad.text for ad in corpus["train"]]
    held_out = [ad.text for split in ("dev", "test") for ad in corpus[split]]
    similarity = worst_pair(train_texts, held_out)
    if similarity.score > NEAR_DUPLICATE_LIMIT:
        raise InputError(
            f"near-duplicate across splits (Jaccard {similarity.score:.2f} > {NEAR_DUPLICATE_LIMIT}): "
            f"train row {similarity.left + 1} and held-out row {similarity.right + 1}; widen the phrase banks"
        )
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for split in SPLITS:
        data = _csv_bytes(corpus[split], COLUMNS if version == 2 else COLUMNS[:-1])
        name = f"{split}.csv"
        if compress:
            name += ".gz"
            data = gzip.compress(data, compresslevel=9, mtime=0)
        (out / name).write_bytes(data)
        files[name] = hashlib.sha256(data).hexdigest()
    manifest = _manifest(corpus, seed, n, ad_types, files, similarity, load_banks(banks).version, version)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (out / "DATASHEET.md").write_text(render_datasheet(manifest), encoding="utf-8")
    return manifest


def _manifest(corpus, seed, n, ad_types, files, similarity, banks_version, version) -> dict:
    counts: dict = {}
    slots: dict[str, Counter] = {"0": Counter(), "1": Counter()}
    for split, ads in corpus.items():
        by = counts.setdefault(split, {"total": len(ads), "ad_type": Counter(), "label": Counter(), "difficulty": Counter()})
        for ad in ads:
            by["ad_type"][ad.ad_type] += 1
            by["label"][str(ad.label)] += 1
            by["difficulty"][ad.difficulty] += 1
            slots[str(ad.label)].update(set(ad.slots))
    label_totals = {label: sum(c["label"].get(label, 0) for c in counts.values()) for label in slots}
    return {
        "generator_version": GENERATOR_VERSION if version == 2 else "1.0",
        "seed": seed,
        "n": n,
        "ad_types": list(ad_types),
        "catalogue_version": load_catalogue().version,
        "banks_version": banks_version,
        "counts": {split: {k: dict(sorted(v.items())) if isinstance(v, Counter) else v for k, v in c.items()} for split, c in counts.items()},
        "files": files,
        "near_duplicates": {
            "method": "word 3-gram shingles, Jaccard similarity, each dev/test ad against train",
            "limit": NEAR_DUPLICATE_LIMIT,
            "worst": round(similarity.score, 4),
        },
        "identity_slot_share_by_label": {
            label: {slot: round(count / max(label_totals[label], 1), 4) for slot, count in sorted(slots[label].items())}
            for label in slots
        },
        "total": sum(len(ads) for ads in corpus.values()),
        **(_v2_figures(corpus) if version == 2 else {}),
    }


def _v2_figures(corpus) -> dict:
    """Scenario version, ads per pattern and words per ad (quantiles) by label."""
    ads = [ad for split in corpus.values() for ad in split]
    words: dict[str, dict[str, int]] = {}
    for label in ("0", "1"):
        counts = sorted(len(ad.text.split()) for ad in ads if str(ad.label) == label)
        if counts:
            words[label] = {f"p{q}": counts[min(len(counts) - 1, len(counts) * q // 100)] for q in (10, 25, 50, 75, 90)}
    return {
        "scenarios_version": template_digest(load_scenarios()),
        "patterns": dict(sorted(Counter(f"{ad.label}:{ad.pattern}" for ad in ads).items())),
        "words_by_label": words,
    }
