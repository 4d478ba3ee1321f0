"""The indicator catalogue: indicators as data, validated at load.

Each indicator ties phrase patterns to an element of the legal definition (ACT, MEANS,
PURPOSE), its ILO indicators, a strength and examples that become tests. The pattern syntax is
documented in ``screener/data/indicators/README.md``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator

import yaml

from screener._data import SAFE_LOADER, check_fields, data_path, parse_yaml
from screener.errors import CatalogueError
from screener.legal import ilo_indicators, legal_elements
from screener.normalize import SIGNALS
from screener.pay_offer import HIGH_PAY_SIGNAL
from screener.patterns import Choice, Pattern, PatternError, parse, parse_lists

__all__ = ["Indicator", "NearRule", "Catalogue", "load_catalogue", "LISTS_FILE"]

STRENGTHS = ("strong", "medium", "weak")
AD_TYPES = ("job", "dating", "marriage")
#: The catalogue file of named word lists (``{@name}`` in patterns); every other file holds indicators.
LISTS_FILE = "lists.yaml"
_REQUIRED = ("id", "label", "element", "sub_element", "ilo", "strength", "ad_types", "description", "examples")
_OPTIONAL = ("patterns", "near", "signals", "child", "unless")
MAX_NEAR_WINDOW = 24
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class NearRule:
    """Two patterns that signal an indicator when they occur within `within` tokens of each other.

    For ideas that ads word too freely for whole phrases: "girls ... for our VIP clients".
    """

    first: Pattern
    second: Pattern
    within: int
    source: str


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator of the catalogue; see the catalogue README for the fields."""

    id: str
    label: str
    element: str
    sub_element: str
    ilo: tuple[str, ...]
    strength: str
    ad_types: tuple[str, ...]
    description: str
    patterns: tuple[Pattern, ...]
    near: tuple["NearRule", ...]
    signals: tuple[str, ...]
    unless: tuple[Pattern, ...]
    child: bool
    positive_examples: tuple[str, ...]
    negative_examples: tuple[str, ...]
    source: str
    line: int


@dataclass(frozen=True)
class Catalogue:
    """A validated set of indicators.

    Attributes
    ----------
    indicators : tuple of Indicator
        In file order.
    version : str
        Short sha256 of the catalogue files; results and model bundles record it.
    """

    indicators: tuple[Indicator, ...]
    version: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", MappingProxyType({i.id: i for i in self.indicators}))

    def __len__(self) -> int:
        return len(self.indicators)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __getitem__(self, indicator_id: str) -> Indicator:
        try:
            return self.by_id[indicator_id]  # type: ignore[attr-defined]
        except KeyError:
            raise KeyError(f"no indicator {indicator_id!r} in the catalogue") from None

    def pattern_words(self) -> set[str]:
        """Every word the patterns contain (the normalizer resolves leetspeak to these)."""
        words: set[str] = set()
        seen: set[int] = set()  # the word lists already read (one `Choice` each, however often named)
        for indicator in self.indicators:
            for pattern in (*indicator.patterns, *(p for r in indicator.near for p in (r.first, r.second)), *indicator.unless):
                pattern.words(words, seen)
        return words

    def example_words(self) -> set[str]:
        """Every word of the examples, lower-cased."""
        words: set[str] = set()
        for indicator in self.indicators:
            for example in (*indicator.positive_examples, *indicator.negative_examples):
                words.update(re.findall(r"[a-z]+", example.lower()))
        return words


def load_catalogue(directory: str | Path | None = None) -> Catalogue:
    """Load and validate every ``*.yaml`` indicator file in `directory`.

    Parameters
    ----------
    directory : str or Path, optional
        A folder of catalogue files; the shipped catalogue when omitted.

    Raises
    ------
    CatalogueError
        Naming file, line and id, if an entry is invalid.
    """
    return _load(str(directory) if directory is not None else "")


@lru_cache(maxsize=4)
def _load(directory: str) -> Catalogue:
    folder = Path(directory) if directory else Path(str(data_path("indicators")))
    files = sorted(path for path in folder.glob("*.yaml") if path.name != LISTS_FILE)
    if not files:
        raise CatalogueError(f"no indicator files (*.yaml) in {folder}; point to a catalogue folder")
    digest = hashlib.sha256()
    lists = _lists(folder / LISTS_FILE, digest)
    indicators: list[Indicator] = []
    seen: dict[str, str] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        digest.update(path.name.encode() + b"\0" + text.encode())
        for entry, line, lines in _entries_with_lines(path, text):
            indicator = _validate(entry, path.name, line, lines, lists)
            if indicator.id in seen:
                raise CatalogueError(f"{path.name}:{line}: {indicator.id}: duplicate id, first defined at {seen[indicator.id]}")
            seen[indicator.id] = f"{path.name}:{line}"
            indicators.append(indicator)
    return Catalogue(indicators=tuple(indicators), version=digest.hexdigest()[:12])


def _lists(path: Path, digest) -> dict[str, Choice]:
    """The named word lists of a catalogue folder (none when it has no lists file)."""
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    digest.update(path.name.encode() + b"\0" + text.encode())
    try:
        raw = parse_yaml(text) or {}
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path.name}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise CatalogueError(f"{path.name}:1: expected a mapping of list names to word lists")
    try:
        return parse_lists(raw)
    except PatternError as error:
        raise CatalogueError(f"{path.name}: {error}") from None


def _entries_with_lines(path: Path, text: str) -> Iterator[tuple[Any, int, dict[tuple[str, int], int]]]:
    """Each entry with its line and the lines of its patterns and near rules (by field, index)."""
    try:
        root = yaml.compose(text, Loader=SAFE_LOADER)
        data = parse_yaml(text)
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path.name}: not valid YAML: {error}") from None
    if data is None:
        return
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        raise CatalogueError(f"{path.name}:1: expected a list of indicators, got {type(data).__name__}")
    for node, entry in zip(root.value, data):
        lines: dict[tuple[str, int], int] = {}
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value in ("patterns", "near", "unless") and isinstance(value, yaml.SequenceNode):
                    for index, item in enumerate(value.value):
                        lines[key.value, index] = item.start_mark.line + 1
        yield entry, node.start_mark.line + 1, lines


def _validate(entry: Any, source: str, line: int, lines: dict[tuple[str, int], int], lists: dict[str, Choice]) -> Indicator:
    where = f"{source}:{line}"
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: expected a mapping with the fields {', '.join(_REQUIRED)}")
    ident = entry.get("id", "<no id>")
    where = f"{where}: {ident}"

    def fail(message: str) -> CatalogueError:
        return CatalogueError(f"{where}: {message}")

    check_fields(entry, _REQUIRED, _OPTIONAL, fail)
    if not isinstance(ident, str) or not _ID.match(ident):
        raise fail("id must be snake_case (lowercase letters, digits, underscores)")
    for key in ("label", "description"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise fail(f"{key} must be a non-empty string")
    elements = legal_elements()
    if entry["element"] not in elements:
        raise fail(f"unknown element {entry['element']!r}; expected one of {', '.join(elements)}")
    subs = [s.id for s in elements[entry["element"]].sub_elements]
    if entry["sub_element"] not in subs:
        raise fail(f"unknown sub_element {entry['sub_element']!r} for {entry['element']}; expected one of {', '.join(subs)}")
    ilo = _string_list(entry["ilo"], "ilo", fail)
    bad_ilo = [i for i in ilo if i not in ilo_indicators()]
    if bad_ilo:
        raise fail(f"unknown ILO indicator(s) {', '.join(bad_ilo)}; expected ids from ilo_indicators.yaml")
    if entry["strength"] not in STRENGTHS:
        raise fail(f"strength must be one of {', '.join(STRENGTHS)}, got {entry['strength']!r}")
    ad_types = _string_list(entry["ad_types"], "ad_types", fail)
    if not ad_types or any(t not in AD_TYPES for t in ad_types):
        raise fail(f"ad_types must list some of {', '.join(AD_TYPES)}, got {ad_types}")

    def parsed(text: str, field: str, index: int) -> Pattern:
        at = f"{source}:{lines.get((field, index), line)}"
        try:
            return parse(text, lists, at)
        except PatternError as error:
            raise CatalogueError(f"{at}: {ident}: bad pattern: {error}") from None

    patterns = [parsed(p, "patterns", i) for i, p in enumerate(_string_list(entry.get("patterns", []), "patterns", fail))]
    near = _near_rules(entry.get("near", []), fail, parsed)
    signals = _string_list(entry.get("signals", []), "signals", fail)
    if not patterns and not near and not signals:
        raise fail("needs patterns, near or signals")
    unless = [parsed(p, "unless", i) for i, p in enumerate(_string_list(entry.get("unless", []), "unless", fail))]
    known = (*SIGNALS, HIGH_PAY_SIGNAL)
    bad_signals = [s for s in signals if s not in known]
    if bad_signals:
        raise fail(f"unknown signal(s) {', '.join(bad_signals)}; expected some of {', '.join(known)}")
    if not isinstance(entry.get("child", False), bool):
        raise fail("child must be true or false")
    examples = entry["examples"]
    if not isinstance(examples, dict):
        raise fail("examples must have 'positive' and 'negative' lists")
    positive = _string_list(examples.get("positive", []), "examples.positive", fail)
    negative = _string_list(examples.get("negative", []), "examples.negative", fail)
    if len(positive) < 2 or len(negative) < 2:
        raise fail(f"needs at least 2 positive and 2 negative examples, has {len(positive)} and {len(negative)}")
    return Indicator(
        id=ident,
        label=entry["label"].strip(),
        element=entry["element"],
        sub_element=entry["sub_element"],
        ilo=tuple(ilo),
        strength=entry["strength"],
        ad_types=tuple(ad_types),
        description=" ".join(entry["description"].split()),
        patterns=tuple(patterns),
        near=near,
        signals=tuple(signals),
        unless=tuple(unless),
        child=entry.get("child", False),
        positive_examples=tuple(positive),
        negative_examples=tuple(negative),
        source=source,
        line=line,
    )


def _near_rules(value: Any, fail, parsed) -> tuple[NearRule, ...]:
    if not isinstance(value, list):
        raise fail("near must be a list of {first, second, within} mappings")
    rules = []
    for index, rule in enumerate(value):
        if not isinstance(rule, dict) or set(rule) != {"first", "second", "within"}:
            raise fail("each near rule needs exactly first, second and within")
        within = rule["within"]
        if not isinstance(within, int) or not 1 <= within <= MAX_NEAR_WINDOW:
            raise fail(f"near within must be a whole number from 1 to {MAX_NEAR_WINDOW}, got {within!r}")
        first, second = _string_list([rule["first"], rule["second"]], "near first/second", fail)
        first_pattern = parsed(first, "near", index)
        rules.append(NearRule(first_pattern, parsed(second, "near", index), within, first_pattern.source))
    return tuple(rules)


def _string_list(value: Any, key: str, fail) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(f"{key} must be a list of non-empty strings")
    return value
