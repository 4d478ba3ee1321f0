"""Corpus generation, splits, disguises and the corpus checker."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest

from screener import normalize
from screener.corpus import check_corpus, generate, write_corpus
from screener.corpus.banks import SPLITS, load_banks
from screener.corpus.disguise import DISGUISES, spell_number
from screener.corpus.similarity import shingles, worst_pair
from screener.errors import InputError

BANKS = str(Path(__file__).parent / "fixtures" / "banks")


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    manifest = write_corpus(out, n=300, seed=7, banks=BANKS, version=1)
    return out, manifest


def test_same_seed_gives_byte_identical_files(small_corpus, tmp_path):
    out, _ = small_corpus
    write_corpus(tmp_path, n=300, seed=7, banks=BANKS, version=1)
    for name in ("train.csv", "dev.csv", "test.csv", "manifest.json", "DATASHEET.md"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name
    other = tmp_path / "other"
    write_corpus(other, n=300, seed=8, banks=BANKS, version=1)
    assert (other / "train.csv").read_bytes() != (out / "train.csv").read_bytes()


def test_counts_balance_and_columns(small_corpus):
    out, manifest = small_corpus
    frames = {split: pd.read_csv(out / f"{split}.csv", dtype=str, keep_default_na=False) for split in SPLITS}
    assert sum(len(f) for f in frames.values()) == 300 == manifest["total"]
    assert [len(frames[s]) for s in SPLITS] == [manifest["counts"][s]["total"] for s in SPLITS]
    assert 200 <= len(frames["train"]) <= 215  # 70%, apportioned per ad type, label and difficulty
    everything = pd.concat(frames.values())
    assert list(everything.columns) == ["id", "ad_type", "label", "difficulty", "elements", "spans", "text"]
    assert everything["ad_type"].value_counts().to_dict() == {"job": 100, "dating": 100, "marriage": 100}
    assert (everything["label"] == "1").sum() == 105  # 35%
    assert set(everything.loc[everything.label == "1", "difficulty"]) == {"plain", "subtle", "obfuscated"}
    assert set(everything.loc[everything.label == "0", "difficulty"]) == {"ordinary", "hard_negative"}
    assert everything["id"].is_unique
    words = everything["text"].str.split().str.len()
    assert words.min() >= 15 and words.max() <= 300  # disguises such as "W h a t s" add words
    assert 40 <= words.median() <= 120
    manifest_files = json.loads((out / "manifest.json").read_text())["files"]
    assert set(manifest_files) == {"train.csv", "dev.csv", "test.csv"}


def test_gold_spans_are_exact_and_elements_match(small_corpus):
    out, _ = small_corpus
    frame = pd.read_csv(out / "train.csv", dtype=str, keep_default_na=False)
    catalogue_elements = {}
    from screener import load_catalogue

    for indicator in load_catalogue():
        catalogue_elements[indicator.id] = indicator.element
    for row in frame.itertuples():
        spans = json.loads(row.spans)
        for span in spans:
            assert 0 <= span["start"] < span["end"] <= len(row.text)
            assert row.text[span["start"] : span["end"]].strip() == row.text[span["start"] : span["end"]]
        elements = {catalogue_elements[s["indicator"]] for s in spans}
        if row.label == "1":
            assert row.elements and set(row.elements.split(";")) == elements
            assert len(elements) >= 2
        else:
            assert row.elements == "" and len(spans) <= 1


def test_bank_partitions_are_disjoint():
    banks = load_banks(BANKS)
    for name, parts in banks.parts.items():
        if len(set(parts["train"]) | set(parts["dev"]) | set(parts["test"])) >= 3:
            assert not set(parts["train"]) & set(parts["test"]), name
            assert not set(parts["train"]) & set(parts["dev"]), name
            assert all(parts[split] for split in SPLITS), name


def test_datasheet_states_the_labelling_rule(small_corpus):
    out, _ = small_corpus
    sheet = (out / "DATASHEET.md").read_text()
    for heading in ("## Motivation", "## Composition", "## Labelling rule", "## Intended uses", "## Known gaps"):
        assert heading in sheet
    assert "a suspicion, not a confirmed case" in sheet


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(InputError, match="at least 30"):
        generate(5, 1, banks=BANKS, version=1)
    with pytest.raises(InputError, match="unknown ad type"):
        generate(100, 1, ad_types=("escort",), banks=BANKS, version=1)


def test_one_ad_type_only():
    corpus = generate(60, 3, ad_types=("dating",), banks=BANKS, version=1)
    assert {ad.ad_type for split in corpus.values() for ad in split} == {"dating"}


@pytest.mark.parametrize("name", sorted(DISGUISES))
def test_each_disguise_changes_the_text(name):
    text = "We pay your travel money, call 0771234567, age 18, the passport is kept safe"
    assert DISGUISES[name](text, random.Random(3)) != text


@pytest.mark.parametrize("name", ["leetspeak", "spacing", "look_alikes", "zero_width", "emojis", "number_words"])
def test_normalize_undoes_the_obfuscating_disguises(name):
    text = "we pay your travel money call 0771234567 age 18"
    rng = random.Random(11)
    for _ in range(25):
        disguised = DISGUISES[name](text, rng)
        assert " ".join(normalize(disguised).text.lower().split()) == text, disguised


def test_spell_number():
    assert spell_number(18) == "eighteen"
    assert spell_number(2500) == "two thousand five hundred"
    assert spell_number(40) == "forty"
    assert normalize("aged " + spell_number(25)).text == "aged 25"


def test_near_duplicates_are_found():
    reference = ["the quick brown fox jumps over the lazy dog today", "completely different words in this one"]
    others = ["nothing alike at all here", "the quick brown fox jumps over the lazy dog now"]
    result = worst_pair(reference, others)
    assert (result.left, result.right) == (0, 1) and 0.7 < result.score < 1.0
    assert shingles("a b") == frozenset({"a b"})


def test_checker_reports_schema_errors_with_lines(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        'id,label,text,spans\n'
        '1,1,"a risky ad",[]\n'
        '2,2,"bad label",[]\n'
        '3,0,"",[]\n'
        '4,0,"a risky ad",[]\n'
        '5,1,"multi\nline text","[{""start"": 0, ""end"": 99}]"\n'
        '6,0,"not json",{oops\n'
        '7,0,too,many,fields\n'
    )
    report = check_corpus(path)
    assert not report.ok
    assert "line 3: label '2' is not 0 or 1" in report.errors
    assert "line 6: span 0-99 is outside the text of length 15" in report.errors
    assert "line 8: spans is not valid JSON" in report.errors
    assert "line 9: 5 fields, expected 4" in report.errors
    assert report.empty == (4,)
    assert report.duplicates == ((5, 2),)
    assert report.labels == {"1": 2, "2": 1, "0": 3}
    assert "schema errors: 4" in report.summary()


def test_checker_measures_leakage_and_refuses_bad_files(small_corpus, tmp_path):
    out, _ = small_corpus
    report = check_corpus(out / "test.csv", other=out / "train.csv")
    assert report.ok and report.leakage["shared_texts"] == 0
    self_leak = check_corpus(out / "test.csv", other=out / "test.csv")
    assert self_leak.leakage["shared_texts"] == report.rows and self_leak.leakage["worst_similarity"] == 1.0
    with pytest.raises(InputError, match="no column"):
        check_corpus(out / "test.csv", text_column="body")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text,label\ncaf\xe9,0\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        check_corpus(latin)
