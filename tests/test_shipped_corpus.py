"""The shipped corpus: intact, balanced, template-disjoint, and found by the extractor."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from screener import load_catalogue
from screener.corpus import check_corpus, write_corpus
from screener.corpus.banks import load_banks
from screener.corpus.spans import span_scores

CORPUS = Path(__file__).parent.parent / "corpora" / "synthetic-v1"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())


def read(split: str) -> pd.DataFrame:
    return pd.read_csv(CORPUS / f"{split}.csv.gz", dtype=str, keep_default_na=False)


def test_files_match_the_manifest():
    for name, digest in MANIFEST["files"].items():
        assert hashlib.sha256((CORPUS / name).read_bytes()).hexdigest() == digest, name
    assert (CORPUS / "DATASHEET.md").is_file()


def test_size_and_balance():
    frames = [read(split) for split in ("train", "dev", "test")]
    everything = pd.concat(frames)
    assert len(everything) >= 20_000
    shares = everything["ad_type"].value_counts(normalize=True)
    assert all(abs(share - 1 / 3) < 0.01 for share in shares)
    assert abs((everything["label"] == "1").mean() - 0.35) < 0.01
    for slot, share in MANIFEST["identity_slot_share_by_label"]["0"].items():
        assert abs(share - MANIFEST["identity_slot_share_by_label"]["1"].get(slot, 0)) < 0.06, slot


@pytest.mark.parametrize("split", ["dev", "test"])
def test_held_out_splits_do_not_leak_into_train(split):
    report = check_corpus(CORPUS / f"{split}.csv.gz", other=CORPUS / "train.csv.gz")
    assert report.ok and not report.duplicates
    assert report.leakage["shared_texts"] == 0 and report.leakage["worst_similarity"] < 0.8


@pytest.mark.slow
def test_extractor_finds_nine_in_ten_gold_spans_of_the_test_split():
    test = read("test")
    scores = span_scores(zip(test["text"], test["spans"]))
    assert scores.recall >= 0.9, scores.summary()
    assert scores.precision >= 0.8, scores.summary()


@pytest.mark.slow
def test_shipped_corpus_is_what_the_generator_makes(tmp_path):
    if MANIFEST["catalogue_version"] != load_catalogue().version or MANIFEST["banks_version"] != load_banks().version:
        pytest.skip("the catalogue or banks changed since the corpus was generated: run `make corpus`")
    manifest = write_corpus(tmp_path, n=MANIFEST["n"], seed=MANIFEST["seed"], compress=True, version=1)
    assert manifest["files"] == MANIFEST["files"]
