"""Write a generated corpus: one CSV per split, ``manifest.json`` and ``DATASHEET.md``."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from collections import Counter
from pathlib import Path

from screener.corpus.banks import AD_TYPES, SPLITS, load_banks
from screener.corpus.compose import GeneratedAd
from screener.corpus.datasheet import render_datasheet
from screener.corpus.generate import generate
from screener.corpus.scenarios import load_scenarios, template_digest
from screener.corpus.similarity import worst_pair
from screener.errors import InputError
from screener.indicators import load_catalogue

__all__ = ["GENERATOR_VERSION", "COLUMNS", "write_corpus"]

GENERATOR_VERSION = "2.0"
COLUMNS = ("id", "ad_type", "label", "difficulty", "elements", "spans", "text", "pattern")
NEAR_DUPLICATE_LIMIT = 0.8


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
