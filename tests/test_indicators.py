"""Catalogue loading: validation names file, line and id; pattern expansion; shipped coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener import CatalogueError, load_catalogue
from screener.indicators import MAX_EXPANSIONS, expand_pattern
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
    assert str(error.value).startswith("cat.yaml:12: second_one: ")
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


def test_expansion_of_groups_and_placeholders():
    assert expand_pattern("(we|they) keep (your|) passport") == [
        "we keep your passport",
        "we keep passport",
        "they keep your passport",
        "they keep passport",
    ]
    assert expand_pattern("earn {NUMBER}") == ["earn {DIGIT}", "earn {AGE}", "earn {AMOUNT}", "earn {NUM}"]
    for bad in ["", "((a|b)|c)", "a|b)", "x {NOPE}", "{AGE"]:
        with pytest.raises(ValueError):
            expand_pattern(bad)
    with pytest.raises(ValueError, match="expands to"):
        expand_pattern(" ".join(["(a|b|c|d)"] * 6))
    assert 4**5 <= MAX_EXPANSIONS


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
