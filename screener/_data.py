"""Read the data files shipped in ``screener/data``."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Sequence

import yaml

from screener.errors import CatalogueError


def data_path(name: str):
    """The packaged data file `name` (a Traversable)."""
    return resources.files("screener") / "data" / name


#: PyYAML's safe loader, in C (libyaml, in PyYAML's wheels) when available: ~10x faster to load
#: the catalogue than the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """Parse YAML text with `SAFE_LOADER` (plain data only, no Python objects)."""
    return yaml.load(text, Loader=SAFE_LOADER)


def load_yaml(name: str) -> Any:
    """Parse the packaged YAML file `name`; a syntax error names the file and line."""
    path = data_path(name)
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogueError(f"{name}: not valid YAML: {error}") from None


def check_fields(entry: dict, required: Sequence[str], optional: Sequence[str], fail: Callable[[str], Exception]) -> None:
    """Raise ``fail(message)`` when a data entry misses a required field or has an unknown one."""
    missing = [key for key in required if key not in entry]
    if missing:
        raise fail(f"missing field(s) {', '.join(missing)}")
    unknown = sorted(set(entry) - set(required) - set(optional))
    if unknown:
        raise fail(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join((*required, *optional))}")


@lru_cache(maxsize=1)
def identity_words() -> frozenset[str]:
    """Lower-case identity words (nationalities, religions, communities, names, places, languages)."""
    data = load_yaml("identity_terms.yaml")
    return frozenset(word.lower() for values in data.values() for value in values for word in str(value).split())


@lru_cache(maxsize=1)
def gender_pairs() -> tuple[tuple[str, str], ...]:
    """The gendered word pairs of ``normalization.yaml`` (the one list), in order."""
    return tuple((str(a).lower(), str(b).lower()) for a, b in load_yaml("normalization.yaml")["gender_pairs"])


@lru_cache(maxsize=1)
def gendered_norms() -> dict[str, str]:
    """Gendered word -> the NORM it folds to: its first pair's ("girls", "boys" -> "g:boys/girls")."""
    norms: dict[str, str] = {}
    for first, second in gender_pairs():
        norms.setdefault(first, f"g:{first}/{second}")
        norms.setdefault(second, f"g:{first}/{second}")
    return norms
