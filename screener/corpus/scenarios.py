"""Scenario banks of corpus v2: whole, coherent ads in one voice, each from a documented pattern.

A scenario (``screener/corpus/scenarios/*.yaml``, format in its README) holds ad templates of one
typology pattern, risky or a lawful twin. Templates are cut 70/15/15 into train/dev/test by a
hash of their text, so held-out ads use templates the model never saw. ``{pay}`` is drawn per ad
in a currency of the pay reference table, as a multiple of that country's average monthly wage.
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

from screener._data import SAFE_LOADER, check_fields, load_yaml, parse_yaml
from screener.corpus.banks import AD_TYPES, SPLITS, SlotFiller, _partition, load_banks
from screener.corpus.disguise import DISGUISES, OBFUSCATING, disguise
from screener.errors import CatalogueError
from screener.legal import ELEMENTS
from screener.pay import PERIOD_FACTORS

__all__ = ["Scenario", "ScenarioComposer", "load_scenarios", "fill_template", "pay_text", "template_digest"]

RISKY_DIFFICULTIES = ("plain", "subtle")
BENIGN_DIFFICULTIES = ("ordinary", "hard_negative")
PAY_LEVELS = {"lure": (2.5, 6.0), "fair": (0.7, 1.6), "none": None}
SKILLED_PAY = (2.5, 4.0)  # a fifth of fair pay: lawful adverts for skilled work pay this much too
SKILLED_SHARE = 0.2
MIN_TEMPLATES = 10
_REQUIRED = ("id", "ad_type", "label", "pattern", "difficulty", "elements", "pay", "ads")
_OPTIONAL = ("slots", "twin_of")
_GROUP = re.compile(r"\(([^()]*)\)")
_SLOT = re.compile(r"\{([a-z_]+)\}")
_SHARED_SLOTS = ("pay", "contact", "licence", "company", "phone", "handle", "email", "website", "age")
# how often pay is stated per period; hours, days, weeks and years convert to a month
_PERIODS = {"month": 0.72, "week": 0.08, "day": 0.08, "year": 0.04, "unstated": 0.08}
_ORIGIN_WAGE_USD = 1500.0
_PERIOD_WORDS = {
    "month": ("per month", "a month", "/month", "monthly", "/mo", "per month"),
    "week": ("per week", "a week", "/week", "weekly"),
    "day": ("per day", "a day", "/day", "daily"),
    "year": ("per year", "a year", "/year", "annually"),
    "unstated": ("",),
}


@dataclass(frozen=True)
class Scenario:
    """One scenario of a scenario bank; `templates` are partitioned by split."""

    id: str
    ad_type: str
    label: int
    pattern: str
    difficulty: str
    elements: tuple[str, ...]
    pay: str
    slots: Mapping[str, tuple[str, ...]]
    templates: Mapping[str, tuple[str, ...]]
    twin_of: str | None
    source: str


def load_scenarios(folder: str | Path | None = None) -> tuple[Scenario, ...]:
    """Load and validate the scenario banks in `folder` (the shipped ones when omitted).

    Raises
    ------
    CatalogueError
        Naming file, line and scenario id, if an entry is malformed.
    """
    return _load(str(folder) if folder is not None else "")


@lru_cache(maxsize=4)
def _load(folder_name: str) -> tuple[Scenario, ...]:
    folder = Path(folder_name) if folder_name else resources.files("screener") / "corpus" / "scenarios"
    if folder_name and not Path(folder_name).is_dir():
        raise CatalogueError(f"scenario folder {folder_name} does not exist")
    scenarios: list[Scenario] = []
    for path in sorted((p for p in folder.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name):
        text = path.read_text(encoding="utf-8")
        try:
            root = yaml.compose(text, Loader=SAFE_LOADER)
            data = parse_yaml(text)
        except yaml.YAMLError as error:
            raise CatalogueError(f"{path.name}: not valid YAML: {error}") from None
        if not isinstance(data, list):
            raise CatalogueError(f"{path.name}:1: expected a list of scenarios")
        for node, entry in zip(root.value, data):
            scenarios.append(_validate(entry, f"{path.name}:{node.start_mark.line + 1}"))
    if not scenarios:
        raise CatalogueError(f"no scenarios (*.yaml) in {folder}")
    by_id: dict[str, Scenario] = {}
    for scenario in scenarios:
        if scenario.id in by_id:
            raise CatalogueError(f"{scenario.source}: {scenario.id}: duplicate id, first defined at {by_id[scenario.id].source}")
        by_id[scenario.id] = scenario
    for scenario in scenarios:
        if scenario.twin_of is not None and (scenario.twin_of not in by_id or by_id[scenario.twin_of].label != 1):
            raise CatalogueError(f"{scenario.source}: {scenario.id}: twin_of {scenario.twin_of!r} is not a risky scenario")
    return tuple(scenarios)


def _validate(entry: Any, where: str) -> Scenario:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: expected a mapping with the fields {', '.join(_REQUIRED)}")
    where = f"{where}: {entry.get('id', '<no id>')}"

    def fail(message: str) -> CatalogueError:
        return CatalogueError(f"{where}: {message}")

    check_fields(entry, _REQUIRED, _OPTIONAL, fail)
    if entry["ad_type"] not in AD_TYPES:
        raise fail(f"ad_type must be one of {', '.join(AD_TYPES)}")
    if entry["label"] not in (0, 1):
        raise fail("label must be 0 or 1")
    allowed = RISKY_DIFFICULTIES if entry["label"] else BENIGN_DIFFICULTIES
    if entry["difficulty"] not in allowed:
        raise fail(f"difficulty of a {'risky' if entry['label'] else 'benign'} scenario must be one of {', '.join(allowed)}")
    elements = entry["elements"] or []
    if not isinstance(elements, list) or any(e not in ELEMENTS for e in elements) or bool(elements) != bool(entry["label"]):
        raise fail("elements must list some of ACT, MEANS, PURPOSE for a risky scenario and be empty for a benign one")
    if entry["pay"] not in PAY_LEVELS:
        raise fail(f"pay must be one of {', '.join(PAY_LEVELS)}")
    slots = entry.get("slots") or {}
    if not isinstance(slots, dict) or not all(isinstance(v, list) and v for v in slots.values()):
        raise fail("slots must map names to non-empty lists")
    ads = entry["ads"]
    if not isinstance(ads, list) or len(ads) < MIN_TEMPLATES or not all(isinstance(a, str) and a.strip() for a in ads):
        raise fail(f"ads must be a list of at least {MIN_TEMPLATES} templates")
    identity = set(load_banks().identity)
    for ad in ads:
        if _GROUP.sub("", ad).count("(") or _GROUP.sub("", ad).count(")"):
            raise fail(f"nested or unbalanced parentheses in {ad[:60]!r}")
        for slot in _SLOT.findall(ad):
            if slot not in slots and slot not in identity and slot not in _SHARED_SLOTS:
                raise fail(f"unknown slot {{{slot}}} in {ad[:60]!r}")
            if slot == "pay" and entry["pay"] == "none":
                raise fail("a template uses {pay} but pay is none")
    return Scenario(
        id=entry["id"],
        ad_type=entry["ad_type"],
        label=entry["label"],
        pattern=entry["pattern"],
        difficulty=entry["difficulty"],
        elements=tuple(e for e in ELEMENTS if e in elements),
        pay=entry["pay"],
        slots={name: tuple(str(v) for v in values) for name, values in slots.items()},
        templates=_partition(ads),
        twin_of=entry.get("twin_of"),
        source=where.split(": ")[0],
    )


def fill_template(scenario: Scenario, split: str, rng: random.Random, filler: SlotFiller) -> str:
    """One ad of `scenario` for `split`: a template with its choices made and slots filled."""
    template = rng.choice(scenario.templates[split])
    chosen = {name: rng.choice(values) for name, values in scenario.slots.items()}  # one value per ad

    def slot(match: re.Match) -> str:
        name = match.group(1)
        if name in chosen:
            return chosen[name]
        if name == "pay":
            return pay_text(scenario.pay, rng)
        if name == "contact":
            return _contact(rng, filler, split)
        if name == "licence":
            return rng.choice(("Licence No.", "License #", "Reg. no.", "Licence")) + " " + _code(rng)
        return filler.fill(name, split, rng)

    text = _GROUP.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    text = _SLOT.sub(slot, text)
    return re.sub(r"[ \t]+", " ", text).replace(" ,", ",").replace(" .", ".").strip()


def pay_text(level: str, rng: random.Random) -> str:
    """A pay figure with currency and period, drawn as a multiple of a country's average wage.

    The country is one whose wage is under `_ORIGIN_WAGE_USD` a month (where lures recruit); the
    figure is written in its currency or, a third of the time, in US dollars. Fair pay is also
    drawn in a richer country's currency, as lawful adverts abroad state it, and a `SKILLED_SHARE`
    of it is as high as lure pay, so that high pay alone never decides the label.
    """
    low, high = PAY_LEVELS[level] or (1.0, 1.0)
    if level == "fair" and rng.random() < SKILLED_SHARE:
        low, high = SKILLED_PAY
    currencies = _currencies()
    richer = level == "fair" and rng.random() < 0.3
    country = rng.choice(_countries(richer))
    code = country["currency"]
    monthly = float(country["avg_monthly_wage"]) * rng.uniform(low, high)
    if not richer and rng.random() < 0.33:
        monthly *= float(currencies[code]["usd_per_unit"])
        code = "USD"
    period = rng.choices(tuple(_PERIODS), weights=tuple(_PERIODS.values()))[0]
    amount = _round(monthly / PERIOD_FACTORS[period])
    label = rng.choice(_labels(code, currencies[code]))
    number = _number(amount, rng)
    if not label.isalpha():
        money = f"{label}{number}"
    elif label == code:
        money = rng.choice((f"{number} {label}", f"{label} {number}"))
    else:
        money = f"{number} {label}"
    if rng.random() < 0.15:  # a range "1,500 - 2,000"
        upper = _number(_round(amount * rng.uniform(1.15, 1.5)), rng)
        money = f"{money} - {upper}" if money.endswith(number) else money.replace(number, f"{number} - {upper}", 1)
    words = rng.choice(_PERIOD_WORDS[period])
    return f"{money}{words}" if words.startswith("/") else f"{money} {words}".strip()


def _round(value: float) -> int:
    digits = max(0, len(str(int(value))) - 2)
    return max(1, int(round(value, -digits)))


def _number(amount: int, rng: random.Random) -> str:
    if amount >= 1_000_000 and amount % 100_000 == 0 and rng.random() < 0.4:
        return f"{amount / 1_000_000:g} million"
    if amount >= 1000 and amount % 100 == 0 and rng.random() < 0.15:
        return f"{amount / 1000:g}k"
    return f"{amount:,}" if rng.random() < 0.75 else str(amount)


def _labels(code: str, currency: Mapping[str, Any]) -> tuple[str, ...]:
    """How an ad writes the currency: its code most often, its symbols and names too."""
    aliases = tuple(str(a) for a in currency.get("aliases", ()))
    symbols = tuple(a for a in aliases if not a.replace(" ", "").isalpha() and len(a) <= 3)
    words = tuple(a for a in aliases if a.isalpha() and a.lower() != code.lower() and len(a) > 2)
    return (code, code, *symbols, *words[:2])


def _contact(rng: random.Random, filler: SlotFiller, split: str) -> str:
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(("WhatsApp", "Call/WhatsApp", "Viber", "Contact")) + " " + filler.fill("phone", split, rng)
    if kind < 0.5:
        return rng.choice(("Telegram", "DM on Telegram", "Line", "Message")) + " " + filler.fill("handle", split, rng)
    if kind < 0.65:
        return rng.choice(("Apply to", "Send your CV to", "Email")) + " " + filler.fill("email", split, rng)
    if kind < 0.75:
        return rng.choice(("Apply online at", "Details at", "Register at")) + " " + filler.fill("website", split, rng)
    return rng.choice(("DM me", "Inbox for details", "PM now", "Comment 'interested' and I will message you", "Message me here", "Send a message"))


def _code(rng: random.Random) -> str:
    return f"{rng.choice('ABCDEFGHJKLMNPRSTUVW')}{rng.choice('ABCDEFGHJKLMNPRSTUVW')}-{rng.randint(100, 9999)}-{rng.randint(2019, 2026)}"


@lru_cache(maxsize=1)
def _reference() -> Mapping[str, Any]:
    return load_yaml("pay_reference.yaml")


@lru_cache(maxsize=2)
def _countries(richer: bool) -> tuple[Mapping[str, Any], ...]:
    """Countries with a wage and a rate: those under `_ORIGIN_WAGE_USD` a month, or the others."""
    currencies = _currencies()
    found = []
    for country in _reference()["countries"].values():
        code = country.get("currency")
        if not country.get("avg_monthly_wage") or code not in currencies:
            continue
        wage_usd = float(country["avg_monthly_wage"]) * float(currencies[code]["usd_per_unit"])
        if (wage_usd >= _ORIGIN_WAGE_USD) == richer:
            found.append(country)
    return tuple(found)


def _currencies() -> Mapping[str, Mapping[str, Any]]:
    return _reference()["currencies"]


def template_digest(scenarios: tuple[Scenario, ...]) -> str:
    """Short sha256 of every template (the scenario banks' version)."""
    digest = hashlib.sha256()
    for scenario in scenarios:
        digest.update(scenario.id.encode())
        for split in SPLITS:
            for template in scenario.templates[split]:
                digest.update(template.encode() + b"\0")
    return digest.hexdigest()[:12]


class ScenarioComposer:
    """Writes corpus-v2 ads from scenarios: a template filled, then a register and disguises."""

    def __init__(self, scenarios: tuple[Scenario, ...]) -> None:
        self.by_kind: dict[tuple[str, int], list[Scenario]] = {}
        for scenario in scenarios:
            self.by_kind.setdefault((scenario.ad_type, scenario.label), []).append(scenario)

    def has(self, ad_type: str, label: int) -> bool:
        """Whether there are scenarios of this ad type and label."""
        return bool(self.by_kind.get((ad_type, label)))

    def ad(self, split: str, ad_type: str, label: int, rng: random.Random, filler: SlotFiller, disguised: bool) -> tuple[Scenario, str, str]:
        """(scenario, difficulty, text) of one ad."""
        scenario = rng.choice(self.by_kind[(ad_type, label)])
        text = fill_template(scenario, split, rng, filler)
        text = vary_register(text, rng)
        difficulty = scenario.difficulty
        if disguised:
            kinds = rng.sample(OBFUSCATING, k=rng.choice((1, 1, 2)))
            changed = _disguise_some(text, kinds, rng)
            if changed != text:
                text = changed
                difficulty = "obfuscated" if label else difficulty
        return scenario, difficulty, text


def vary_register(text: str, rng: random.Random) -> str:
    """Now and then the whole ad in capitals or in lower case, or with typos, as posts are written."""
    roll = rng.random()
    if roll < 0.06:
        text = text.upper()
    elif roll < 0.14:
        text = text.lower()
    if rng.random() < 0.15:
        text = DISGUISES["typos"](text, rng, share=0.05)
    return text


def _disguise_some(text: str, kinds: list[str], rng: random.Random) -> str:
    """Disguise about half of the sentences (at least one)."""
    sentences = re.split(r"(?<=[.!?\n])\s+", text)
    chosen = {i for i in range(len(sentences)) if rng.random() < 0.5} or {rng.randrange(len(sentences))}
    return " ".join(disguise(s, kinds, rng) if i in chosen else s for i, s in enumerate(sentences))
