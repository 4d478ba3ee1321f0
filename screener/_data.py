"""Read the data files shipped in ``screener/data``."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from screener.errors import CatalogueError


def data_path(name: str):
    """The packaged data file `name` (a Traversable)."""
    return resources.files("screener") / "data" / name


def load_yaml(name: str) -> Any:
    """Parse the packaged YAML file `name`; a syntax error names the file and line."""
    path = data_path(name)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogueError(f"{name}: not valid YAML: {error}") from None


@lru_cache(maxsize=1)
def identity_words() -> frozenset[str]:
    """Lower-case identity words (nationalities, religions, communities, names, places, languages)."""
    data = load_yaml("identity_terms.yaml")
    return frozenset(word.lower() for values in data.values() for value in values for word in str(value).split())
