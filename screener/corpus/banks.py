"""Phrase banks of the generator, partitioned by split so that test wordings never occur in train.

Every list of a bank (a section such as ``job.detail``, a hard-negative theme, an indicator's
risky phrases, the job roles) is partitioned on its own: entries are ordered by a hash of their
text and cut 70/15/15 into train/dev/test, so that the partition does not depend on the seed or
on the order of the file. Identity values (names, nationalities, ...) are not partitioned: they
are drawn from one distribution for every split and label.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import yaml

from screener._data import parse_yaml
from screener.errors import CatalogueError
from screener.indicators import AD_TYPES

__all__ = ["AD_TYPES", "SPLITS", "Banks", "load_banks"]

SPLITS = ("train", "dev", "test")
SHARES = {"dev": 0.15, "test": 0.15}
_GROUP = re.compile(r"\(([^()]*)\)")
_SLOT = re.compile(r"\{([a-z_]+)\}")
_PLURALS = {"company": "companies"}
_GENERATED_SLOTS = ("age", "amount", "hours", "phone", "handle", "email", "website")


def _partition(entries: list[str]) -> dict[str, tuple[str, ...]]:
    """Cut a list into train/dev/test by a hash of each entry (at least one entry per split)."""
    unique = sorted(set(entries), key=lambda e: hashlib.sha256(e.encode()).hexdigest())
    if len(unique) < 3:
        return {split: tuple(unique) for split in SPLITS}
    dev = max(1, round(len(unique) * SHARES["dev"]))
    test = max(1, round(len(unique) * SHARES["test"]))
    return {
        "test": tuple(unique[:test]),
        "dev": tuple(unique[test : test + dev]),
        "train": tuple(unique[test + dev :]),
    }


@dataclass(frozen=True)
class Banks:
    """All phrase banks, partitioned.

    Attributes
    ----------
    parts : Mapping[str, Mapping[str, tuple[str, ...]]]
        List name ("job.detail", "job.hard_negative.visa_sponsorship", "indicator.fees",
        "job.roles") -> split -> entries.
    identity : Mapping[str, tuple[str, ...]]
        Identity slot -> values, shared by all splits.
    version : str
        Short sha256 of the bank files.
    """

    parts: Mapping[str, Mapping[str, tuple[str, ...]]]
    identity: Mapping[str, tuple[str, ...]]
    version: str

    def has(self, name: str) -> bool:
        """Whether a list `name` exists."""
        return name in self.parts

    def names(self, prefix: str) -> list[str]:
        """The list names that start with `prefix`."""
        return sorted(n for n in self.parts if n.startswith(prefix))

    def pick(self, name: str, split: str, rng: random.Random, slots: "SlotFiller") -> str:
        """One entry of list `name` for `split`, choices made and slots filled.

        Entries already used in the same ad (tracked by `slots`) are avoided while others remain.
        """
        entries = self.parts[name][split]
        fresh = [e for e in entries if e not in slots.entries] or entries
        entry = rng.choice(fresh)
        slots.entries.add(entry)
        entry = _GROUP.sub(lambda m: rng.choice(m.group(1).split("|")), entry)
        entry = _SLOT.sub(lambda m: slots.fill(m.group(1), split, rng), entry)
        return " ".join(entry.split())


class SlotFiller:
    """Fills ``{slot}`` placeholders of one ad: identity values, roles, companies, generated values.

    It also remembers the slots and the bank entries the ad used.
    """

    def __init__(self, banks: Banks, ad_type: str) -> None:
        self.banks = banks
        self.ad_type = ad_type
        self.used: list[str] = []
        self.entries: set[str] = set()

    def fill(self, slot: str, split: str, rng: random.Random) -> str:
        self.used.append(slot)
        if slot in self.banks.identity:
            return rng.choice(self.banks.identity[slot])
        plural = _PLURALS.get(slot, slot + "s")
        for source in (f"{self.ad_type}.{plural}", *(f"{t}.{plural}" for t in AD_TYPES)):
            if source in self.banks.parts:
                return rng.choice(self.banks.parts[source][split])
        return _generated(slot, rng)


def _generated(slot: str, rng: random.Random) -> str:
    if slot == "age":
        return str(rng.randint(18, 65))
    if slot == "hours":
        return str(rng.choice((4, 6, 8, 10, 12, 14, 16)))
    if slot == "amount":
        value = rng.choice((350, 500, 800, 1200, 1500, 1800, 2000, 2500, 3000, 4000, 5000, 8000))
        currency = rng.choice(("$", "€", "£", "USD", "EUR", "dollars", "euros"))
        number = f"{value:,}" if rng.random() < 0.5 else str(value)
        return f"{currency}{number}" if currency in "$€£" else f"{number} {currency}"
    if slot == "phone":
        return rng.choice(("+", "0")) + "".join(str(rng.randint(0, 9)) for _ in range(rng.randint(9, 11)))
    if slot == "handle":
        return "@" + rng.choice(("jobs", "work", "star", "angel", "happy", "real", "new")) + rng.choice(("_", "", ".")) + str(rng.randint(1, 999))
    if slot == "email":
        return rng.choice(("info", "jobs", "hello", "contact", "office")) + str(rng.randint(1, 99)) + "@example." + rng.choice(("com", "org", "net"))
    if slot == "website":
        return "www." + rng.choice(("careers", "jobs", "match", "meet", "family")) + str(rng.randint(1, 99)) + ".example.com"
    raise CatalogueError(f"unknown slot {{{slot}}} in a phrase bank; known: identity slots, roles, companies, professions, {', '.join(_GENERATED_SLOTS)}")


def load_banks(folder: str | Path | None = None) -> Banks:
    """Load and partition the phrase banks in `folder` (the shipped ones when omitted).

    Raises
    ------
    CatalogueError
        If a bank file is not valid YAML or an entry is malformed.
    """
    return _load(str(folder) if folder is not None else "")


@lru_cache(maxsize=4)
def _load(folder_name: str) -> Banks:
    folder = Path(folder_name) if folder_name else resources.files("screener") / "corpus" / "banks"
    if folder_name and not Path(folder_name).is_dir():
        raise CatalogueError(f"phrase bank folder {folder_name} does not exist")
    digest = hashlib.sha256()
    parts: dict[str, dict[str, tuple[str, ...]]] = {}
    identity: dict[str, tuple[str, ...]] = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml"):
            continue
        text = path.read_text(encoding="utf-8")
        digest.update(path.name.encode() + b"\0" + text.encode())
        data = _parse(path.name, text)
        stem = path.name.removesuffix(".yaml")
        if stem == "identity":
            identity = {slot: tuple(str(v) for v in values) for slot, values in data.items()}
        elif stem.startswith("indicators"):
            for indicator, entries in data.items():
                parts[f"indicator.{indicator}"] = _partition(_entries(path.name, indicator, entries))
        else:
            for section, value in data.items():
                if isinstance(value, dict):
                    for theme, entries in value.items():
                        parts[f"{stem}.{section}.{theme}"] = _partition(_entries(path.name, f"{section}.{theme}", entries))
                else:
                    parts[f"{stem}.{section}"] = _partition(_entries(path.name, section, value))
    return Banks(parts=parts, identity=identity, version=digest.hexdigest()[:12])


def _parse(name: str, text: str) -> dict[str, Any]:
    try:
        data = parse_yaml(text)
    except yaml.YAMLError as error:
        raise CatalogueError(f"{name}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise CatalogueError(f"{name}: expected a mapping of lists")
    return data


def _entries(name: str, key: str, entries: Any) -> list[str]:
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{name}: {key}: expected a non-empty list of strings")
    out = []
    for entry in entries:
        if not isinstance(entry, (str, int, float)) or not str(entry).strip():
            raise CatalogueError(f"{name}: {key}: entry {entry!r} is not a non-empty string")
        text = str(entry)
        if text.count("(") != text.count(")"):
            raise CatalogueError(f"{name}: {key}: unbalanced parentheses in {text!r}")
        out.append(text)
    return out
