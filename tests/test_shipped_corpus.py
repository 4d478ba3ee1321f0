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

CORPORA = Path(__file__).parent.parent / "corpora"
VERSIONS = ["synthetic-v1", "synthetic-v2"]


@pytest.fixture(params=VERSIONS)
def shipped(request):
    folder = CORPORA / request.param
    return folder, json.loads((folder / "manifest.json").read_text())


def read(folder: Path, split: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{split}.csv.gz", dtype=str, keep_default_na=False)


def test_files_match_the_manifest(shipped):
    folder, manifest = shipped
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert (folder / "DATASHEET.md").is_file()


def test_size_and_balance(shipped):
    folder, manifest = shipped
    frames = [read(folder, split) for split in ("train", "dev", "test")]
    everything = pd.concat(frames)
    assert len(everything) >= 20_000
    shares = everything["ad_type"].value_counts(normalize=True)
    assert all(abs(share - 1 / 3) < 0.01 for share in shares)
    assert abs((everything["label"] == "1").mean() - 0.35) < 0.01


def test_v1_uses_identity_slots_alike_for_both_labels():
    # v2's scenarios use them unevenly (a family's matrimonial ad names a community more often
    # than a broker's lure); test_fairness shows that naming an identity moves no score.
    shares = json.loads((CORPORA / "synthetic-v1" / "manifest.json").read_text())["identity_slot_share_by_label"]
    for slot, share in shares["0"].items():
        assert abs(share - shares["1"].get(slot, 0)) < 0.06, slot


@pytest.mark.parametrize("split", ["dev", "test"])
def test_held_out_splits_do_not_leak_into_train(shipped, split):
    # No held-out text is a train text (compared as `check_corpus` does: case and spacing aside).
    # Near-duplicates: the generator refuses to write a corpus with one above the limit and
    # records the worst; the files are the manifest's (test_files_match_the_manifest), and
    # regenerating them recomputes that figure (test_shipped_corpus_is_what_the_generator_makes).
    # `check_corpus --against` itself is tested on a small corpus in test_corpus.py.
    folder, manifest = shipped
    report = check_corpus(folder / f"{split}.csv.gz")
    assert report.ok and not report.duplicates and not report.empty

    def keys(frame: pd.DataFrame) -> set[str]:
        return {" ".join(text.lower().split()) for text in frame["text"]}

    assert not keys(read(folder, split)) & keys(read(folder, "train"))
    near = manifest["near_duplicates"]
    assert near["limit"] == 0.8 and 0 < near["worst"] < near["limit"] and "dev/test ad against train" in near["method"]


@pytest.mark.slow
def test_extractor_finds_nine_in_ten_gold_spans_of_the_test_split(extractor):
    test = read(CORPORA / "synthetic-v1", "test")
    scores = span_scores(zip(test["text"], test["spans"]), extractor)
    assert scores.recall >= 0.9, scores.summary()
    # v1's gold names one indicator per span, on the injected sentences only; the broadened
    # catalogue adds entries of the same element on some of those spans (so precision is judged by
    # element), and its weak entries read mundane cues ("salary 350 dollars per month", "work in
    # Hanoi") that v1's ordinary sentences carry unannotated (so precision leaves them out)
    weak = {i.id for i in extractor.catalogue if i.strength == "weak"}
    graded = span_scores(zip(test["text"], test["spans"]), extractor, leave_out=weak)
    assert graded.precision_element >= 0.85, graded.summary()


@pytest.mark.slow
def test_shipped_corpus_is_what_the_generator_makes(shipped, tmp_path):
    folder, MANIFEST = shipped
    if MANIFEST["catalogue_version"] != load_catalogue().version or MANIFEST["banks_version"] != load_banks().version:
        pytest.skip("the catalogue or banks changed since the corpus was generated: run `make corpus`")
    version = int(MANIFEST["generator_version"].split(".")[0])
    manifest = write_corpus(tmp_path, n=MANIFEST["n"], seed=MANIFEST["seed"], compress=True, version=version)
    assert manifest["files"] == MANIFEST["files"]
    assert manifest["near_duplicates"] == MANIFEST["near_duplicates"]  # recomputed on the same files
