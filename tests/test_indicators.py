"""Catalogue loading: validation names file, line and id; pattern expansion; shipped coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener import CatalogueError, load_catalogue
from screener.patterns import Choice, PatternError, Slot, Word, parse, parse_lists
from screener.legal import child_branch, ilo_indicators, legal_elements

GOOD = """\
- id: good_one
  label: a label
  element: ACT
  sub_element: recruitment
  ilo: []
  strength: weak
  ad_types: [job]
  description: why
  patterns: ["girls wanted"]
  examples: {positive: ["girls wanted", "girls wanted now"], negative: ["boys", "nothing"]}
"""


def write(tmp_path: Path, body: str, name: str = "cat.yaml") -> str:
    (tmp_path / name).write_text(body, encoding="utf-8")
    return str(tmp_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("element: ACT", "element: MOTIVE"), "unknown element 'MOTIVE'"),
        (("sub_element: recruitment", "sub_element: fraud"), "unknown sub_element 'fraud' for ACT"),
        (("ilo: []", "ilo: [overtime]"), "unknown ILO indicator"),
        (("strength: weak", "strength: huge"), "strength must be one of"),
        (("ad_types: [job]", "ad_types: [escort]"), "ad_types must list"),
        (('patterns: ["girls wanted"]', 'patterns: ["(girls|women wanted"]'), "bad pattern"),
        (('patterns: ["girls wanted"]', 'patterns: ["earn {MONEY}"]'), "unknown placeholder {MONEY}"),
        (("  description: why\n", ""), "missing field(s) description"),
        (("  ilo: []\n", "  ilo: []\n  colour: red\n"), "unknown field(s) colour"),
        (('negative: ["boys", "nothing"]', 'negative: ["boys"]'), "at least 2 positive and 2 negative"),
        (('patterns: ["girls wanted"]', 'near: [{first: "girls", second: "clients", within: 40}]'), "near within must be"),
        (('patterns: ["girls wanted"]', 'near: [{first: "girls", second: "(clients"}]'), "exactly first, second and within"),
    ],
)
def test_bad_entries_fail_naming_file_line_and_id(tmp_path, change, message):
    body = GOOD + "\n" + GOOD.replace("good_one", "second_one").replace(*change)
    with pytest.raises(CatalogueError) as error:
        load_catalogue(write(tmp_path, body))
    line = 20 if message.startswith(("bad pattern", "unknown placeholder")) else 12  # a bad pattern names its own line
    assert str(error.value).startswith(f"cat.yaml:{line}: second_one: ")
    assert message in str(error.value)


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(CatalogueError, match=r"b.yaml:1: good_one: duplicate id, first defined at a.yaml:1"):
        write(tmp_path, GOOD, "a.yaml")
        load_catalogue(write(tmp_path, GOOD, "b.yaml"))


def test_invalid_yaml_and_empty_folder_are_refused(tmp_path):
    with pytest.raises(CatalogueError, match="no indicator files"):
        load_catalogue(str(tmp_path))
    with pytest.raises(CatalogueError, match="bad.yaml: not valid YAML"):
        load_catalogue(write(tmp_path, "- id: [unclosed", "bad.yaml"))


def test_patterns_parse_into_typed_parts():
    lists = parse_lists({"young_women": ["girls", "ladies", "young women"]})
    pattern = parse("(we|they) keep (your|) passport {@young_women} girl(s|) {AGE:16-17} {AMOUNT>=1500}", lists, "a.yaml:3")
    we_they, keep, your, passport, women, girls, age, amount = pattern.parts
    assert we_they == Choice(((Word("we"),), (Word("they"),))) and keep == Word("keep")
    assert your == Choice(((Word("your"),), ())), "an empty alternative makes a group optional"
    assert women is lists["young_women"] and girls == Choice(((Word("girls"),), (Word("girl"),)))
    assert age == Slot("AGE", 16, 17) and age.classes == ("AGE",)
    assert amount.low == 1500 and amount.classes == ("AMOUNT",)
    assert parse("{NUMBER<18}").parts[0].classes == ("DIGIT", "AGE", "NUM")
    assert pattern.source == "a.yaml:3" and {"passport", "girls", "young", "women"} <= pattern.words()
    assert parse("((a|b) c|d) e").branches() == 2, "nested groups compile to one sequence per multi-word branch"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("", "non-empty"),
        ("(a|b", "unclosed group"),
        ("a|b)", "outside a group"),
        ("x {NOPE}", "unknown placeholder {NOPE}"),
        ("{AGE", "unclosed"),
        ("{@nope}", "unknown list {@nope}"),
        ("{AGE:30-20}", "can match no number"),
        ("{EMAIL>=3}", "takes no condition"),
        ("{AGE} }", "stray"),
        (" ".join(["(a b|c d|e f|g h)"] * 6), "token sequences"),
    ],
)
def test_bad_patterns_are_refused_with_the_reason(bad, message):
    with pytest.raises(PatternError, match=message.replace("{", "\\{").replace("(", "\\(")):
        parse(bad)


def test_lists_and_ranges_work_in_a_catalogue_and_hits_name_their_pattern(tmp_path):
    from screener import Extractor

    (tmp_path / "lists.yaml").write_text("young_women: [girls, ladies, young women]\n", encoding="utf-8")
    body = GOOD.replace('patterns: ["girls wanted"]', 'patterns:\n    - "{@young_women} wanted"\n    - "aged {AGE:13-17}"').replace(
        'positive: ["girls wanted", "girls wanted now"]', 'positive: ["young women wanted", "aged 16"]'
    )
    catalogue = load_catalogue(write(tmp_path, body))
    assert [p.source for p in catalogue["good_one"].patterns] == ["cat.yaml:10", "cat.yaml:11"]
    extractor = Extractor(str(tmp_path))
    assert [h.pattern for h in extractor.extract("Ladies wanted, aged sixteen")] == ["cat.yaml:10", "cat.yaml:11"]
    assert not extractor.fires("good_one", "aged 18") and extractor.fires("good_one", "aged 13")
    other = tmp_path / "other"
    other.mkdir()
    (other / "lists.yaml").write_text("Bad Name: [x]\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="lists.yaml: list name 'Bad Name'"):
        load_catalogue(write(other, GOOD))


def test_unless_patterns_cancel_the_hits_they_overlap_on_both_paths(tmp_path):
    from screener import Extractor

    body = GOOD.replace(
        'patterns: ["girls wanted"]',
        'patterns: ["girls wanted"]\n  near: [{first: "girls", second: "clients", within: 3}]\n  unless: ["(choir|team) girls"]',
    )
    catalogue = load_catalogue(write(tmp_path, body))
    assert [p.source for p in catalogue["good_one"].unless] == ["cat.yaml:11"]
    extractor = Extractor(str(tmp_path))
    texts = ["Girls wanted for the bar.", "Choir girls wanted for Sunday.", "Girls for our clients.", "Team girls meet clients.",
             "Choir girls wanted; girls wanted for the bar."]
    single = [[(h.indicator, h.text) for h in extractor.extract(t)] for t in texts]
    assert single == [[("good_one", "Girls wanted")], [], [("good_one", "Girls for our clients")], [], [("good_one", "girls wanted")]]
    chunk = [[(h.indicator, h.text) for h in extractor.hits(doc)] for doc in extractor.docs_many(texts)]
    assert chunk == single
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(CatalogueError, match="cat.yaml:1: good_one: unless must be a list"):
        load_catalogue(write(other, GOOD.replace('patterns: ["girls wanted"]', 'patterns: ["girls wanted"]\n  unless: "team"')))


def test_legal_elements_are_complete():
    elements = legal_elements()
    assert list(elements) == ["ACT", "MEANS", "PURPOSE"]
    assert [s.id for s in elements["ACT"].sub_elements] == ["recruitment", "transportation", "transfer", "harbouring", "receipt"]
    assert len(elements["MEANS"].sub_elements) == 8 and len(elements["PURPOSE"].sub_elements) == 5
    assert "organs" in elements["PURPOSE"].text and child_branch().requires == ("ACT", "PURPOSE")
    assert len(ilo_indicators()) == 11


def test_shipped_catalogue_covers_the_definition():
    catalogue = load_catalogue()
    assert len(catalogue) >= 60
    by_element = {e: [i for i in catalogue if i.element == e] for e in ("ACT", "MEANS", "PURPOSE")}
    assert all(len(v) >= 10 for v in by_element.values())
    assert any(i.child for i in catalogue), "youth cues must feed the Art. 3(c) branch"
    for ad_type in ("job", "dating", "marriage"):
        assert sum(ad_type in i.ad_types for i in catalogue) >= 15
    used_ilo = {ilo for i in catalogue for ilo in i.ilo}
    assert len(used_ilo) >= 9, f"indicators relate to only {sorted(used_ilo)}"
