"""The project's real-ad evaluation set: complete, sourced, and kept apart from everything the model learns from."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).parent.parent
REAL = ROOT / "corpora" / "real-public" / "ads.csv"
COLUMNS = ["id", "ad_type", "label", "quote_kind", "elements", "pattern", "text", "source_title", "source_address", "year"]
RUN = 10  # words: a run this long found in a project file means the row leaked


def runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return pd.read_csv(REAL, dtype=str, keep_default_na=False)


def test_rows_are_complete_and_sourced(real):
    assert list(real.columns) == COLUMNS
    assert real["id"].is_unique and real["text"].str.strip().ne("").all()
    assert set(real["label"]) == {"0", "1"} and set(real["ad_type"]) == {"job", "dating", "marriage"}
    assert real["source_address"].str.match(r"https?://").all() and real["year"].str.fullmatch(r"((19|20)\d\d)?").all()
    risky, benign = real[real["label"] == "1"], real[real["label"] == "0"]
    assert len(risky) >= 100 and len(benign) >= 100
    assert (risky["quote_kind"] == "verbatim").sum() >= 40
    assert set(risky["quote_kind"]) <= {"verbatim", "close_paraphrase"} and set(benign["quote_kind"]) == {"verbatim"}
    assert set(risky["ad_type"]) == {"job", "dating", "marriage"}
    assert risky["elements"].map(lambda e: bool(e) and set(e.split(";")) <= {"ACT", "MEANS", "PURPOSE"}).all()
    assert benign["elements"].eq("").all()


def _project_texts():
    """Every file the model or the corpus is made from, and the generated corpora."""
    for folder, pattern in (
        ("screener/corpus/banks", "*.yaml"),
        ("screener/corpus/scenarios", "*.yaml"),
        ("screener/data/indicators", "*.yaml"),
        ("docs", "*.md"),
    ):
        for path in sorted((ROOT / folder).glob(pattern)):
            yield path, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "corpora").glob("synthetic-*/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            yield path, handle.read()


@pytest.mark.slow
def test_no_row_leaks_into_banks_catalogue_docs_or_corpora(real):
    wanted: dict[tuple[str, ...], str] = {}
    for row_id, text in zip(real["id"], real["text"]):
        for run in runs(text):
            wanted.setdefault(run, row_id)
    leaks = []
    for path, text in _project_texts():
        found = runs(text) & wanted.keys()
        leaks.extend(f"{wanted[run]} in {path.relative_to(ROOT)}: {' '.join(run)!r}" for run in sorted(found)[:3])
    assert not leaks, "\n".join(leaks)
