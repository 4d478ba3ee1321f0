"""Linking ads: templates, template clusters, contact groups, the link columns, files and report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from screener.contacts import hashed_key
from screener.errors import InputError
from screener.linking.clusters import signatures, template_clusters
from screener.linking.contact_groups import contact_groups
from screener.linking.files import link_file
from screener.linking.links import LINK_COLUMNS, link_frame
from screener.linking.template import read_template

LURE = "Hostess jobs in {place}! Salary {pay} USD a month, free flight and visa, girls 18-25 only, no experience needed. Call {phone}"
OTHER = "Experienced plumber available for repairs and boiler installs in your area, fair prices, call for a quote at {phone}"
WAREHOUSE = "Warehouse pickers wanted for the night shift, forklift licence an advantage, apply in person at the depot gate"


def scored(texts, risk=None, act=None, means=None, purpose=None) -> pd.DataFrame:
    n = len(texts)
    risk = risk if risk is not None else [0.1] * n
    return pd.DataFrame(
        {
            "id": [f"ad{i}" for i in range(n)],
            "text": texts,
            "risk": risk,
            "flagged": [r >= 0.5 for r in risk],
            "act": act or [False] * n,
            "means": means or [False] * n,
            "purpose": purpose or [False] * n,
        }
    )


def campaign_frame() -> pd.DataFrame:
    texts = [
        LURE.format(place="Dubai", pay="3,000", phone="+971 50 123 4567"),
        LURE.format(place="Doha", pay="4000", phone="050-123-4567"),
        LURE.format(place="Riyadh", pay="3500", phone="0501234567").upper(),
        OTHER.format(phone="+44 20 7946 0000"),
        WAREHOUSE,
        "",
    ]
    return scored(texts, risk=[0.9, 0.2, 0.3, 0.05, 0.01, float("nan")], act=[True, False, False, False, False, False], means=[False, True, False, False, False, False])


def test_template_masks_places_numbers_contacts_and_names():
    template = read_template("Ask Maria about jobs in Ho Chi Minh City: 2,500 USD, WhatsApp +63 917 555 0101")
    assert template.words == ("ask", "<name>", "about", "jobs", "in", "<place>", "<number>", "usd", "whatsapp", "<contact>")
    assert template.values[5] == "Ho Chi Minh City" and template.values[6] == "2,500"
    assert template.places == ("Ho Chi Minh City",)
    assert template.contacts == ("phone:9175550101",)


def test_one_template_across_cities_falls_together_and_unrelated_ads_do_not():
    linked = link_frame(campaign_frame(), region="AE")
    lure = linked["cluster_id"][:3]
    assert lure.nunique() == 1 and lure.notna().all()
    assert linked["cluster_size"].tolist()[:5] == [3, 3, 3, 1, 1]
    assert len(set(linked["cluster_id"][2:5])) == 3
    assert set(linked["cluster_places"][0].split(";")) == {"Dubai", "Doha", "Riyadh"}
    assert linked["cluster_risk"].tolist()[:3] == [0.9, 0.9, 0.9]
    assert linked["cluster_risk"][3] == 0.05
    assert linked["linked_elements"].tolist()[:5] == ["ACT;MEANS"] * 3 + ["", ""]


def test_empty_ad_is_in_no_cluster():
    row = link_frame(campaign_frame(), region="AE").iloc[5]
    assert pd.isna(row["cluster_id"]) and row["cluster_size"] == 0 and row["contacts"] == "" and row["contact_ads"] == 0
    assert np.isnan(row["cluster_risk"])


def test_columns_and_contact_modes():
    frame = campaign_frame()
    hashed = link_frame(frame, region="AE")
    assert list(hashed.columns) == list(frame.columns) + list(LINK_COLUMNS)
    assert hashed["contacts"][0] == hashed_key("phone:501234567")
    assert link_frame(frame, region="AE", contacts="plain")["contacts"][1] == "phone:501234567"
    assert "contacts" not in link_frame(frame, contacts="none").columns
    with pytest.raises(InputError):
        link_frame(frame, contacts="secret")
    with pytest.raises(InputError, match="scored"):
        link_frame(frame.drop(columns=["risk"]))


def test_contact_groups_count_direct_sharing_and_join_transitively():
    texts = [
        "Nice flat to rent, call 07700 900123",
        "Cleaner wanted, text +44 7700 900123 or telegram @bright_cleaners",
        "Message @bright_cleaners for weekend shifts",
        "Bike for sale, email seller@example.com",
    ]
    linked = link_frame(scored(texts), region="GB")
    assert linked["contact_ads"].tolist() == [1, 2, 1, 0]
    offsets = np.array([0, 1, 3, 4, 5])
    groups, sharing = contact_groups(offsets, np.array([0, 0, 1, 1, 2]), 3)
    assert groups[0] == groups[1] == groups[2] != groups[3]
    assert sharing.tolist() == [1, 2, 1, 0]


def test_linked_elements_reach_through_a_shared_contact():
    texts = [WAREHOUSE + " or call 07700 900555", "Girls for VIP parties abroad, passport kept by the agency. Call 07700900555"]
    linked = link_frame(scored(texts, means=[False, True], purpose=[False, True]), region="GB")
    assert linked["cluster_id"][0] != linked["cluster_id"][1]
    assert linked["linked_elements"][0] == "MEANS;PURPOSE"


def test_cluster_ids_are_stable_across_runs_and_row_orders():
    frame = pd.concat([campaign_frame()] * 2, ignore_index=True)
    frame["id"] = [f"ad{i}" for i in range(len(frame))]
    first = link_frame(frame, region="AE").set_index("id")["cluster_id"]
    again = link_frame(frame, region="AE").set_index("id")["cluster_id"]
    shuffled = link_frame(frame.sample(frac=1, random_state=3), region="AE").set_index("id")["cluster_id"]
    pd.testing.assert_series_equal(first, again)
    pd.testing.assert_series_equal(first, shuffled.loc[first.index])


def test_clusters_do_not_depend_on_row_order():
    rng = np.random.default_rng(0)
    words = [tuple(rng.choice(["a", "b", "c", "d", "e", "f", "g", "h"], size=12)) for _ in range(60)]
    sig = signatures(words + words[:20])
    labels, digest = template_clusters(sig)
    order = rng.permutation(len(sig))
    again, digest_again = template_clusters(sig[order])
    pairs = {(a, b) for a in range(len(sig)) for b in range(len(sig)) if labels[a] == labels[b]}
    inverse = np.argsort(order)
    assert pairs == {(a, b) for a in range(len(sig)) for b in range(len(sig)) if again[inverse[a]] == again[inverse[b]]}
    assert (digest_again == digest[order]).all()


def test_link_file_matches_link_frame(tmp_path):
    frame = campaign_frame()
    frame.to_csv(tmp_path / "scored.csv", index=False)
    summary = link_file(tmp_path / "scored.csv", tmp_path / "linked.jsonl", region="AE", chunksize=2)
    assert summary.rows == 6 and summary.clusters == 1 and summary.linked_ads == 3
    written = pd.read_json(tmp_path / "linked.jsonl", lines=True)
    expected = link_frame(frame.fillna({"text": ""}), region="AE")
    assert written["cluster_id"].tolist()[:5] == expected["cluster_id"].tolist()[:5]
    assert written["contact_ads"].tolist() == expected["contact_ads"].tolist()
    assert written["linked_elements"].fillna("").tolist() == expected["linked_elements"].tolist()


def test_link_file_refuses_an_unscored_file(tmp_path):
    pd.DataFrame({"text": ["a job"]}).to_csv(tmp_path / "ads.csv", index=False)
    with pytest.raises(InputError, match="scored"):
        link_file(tmp_path / "ads.csv", tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_report_shows_the_template_with_its_slots(tmp_path):
    pytest.importorskip("matplotlib")
    from screener.linking.report import write_link_report

    frame = campaign_frame()
    frame["evidence"] = "[]"
    frame.to_csv(tmp_path / "scored.csv", index=False)
    summary = link_file(tmp_path / "scored.csv", tmp_path / "linked.csv", region="AE")
    page = write_link_report(tmp_path / "linked.csv", summary.links, tmp_path / "report").read_text(encoding="utf-8")
    assert "[place: " in page and "Doha" in page and "[contact: " in page
    assert hashed_key("phone:501234567") in page and "phone:501234567" not in page
    assert (tmp_path / "report" / "clusters.png").exists()


@pytest.mark.slow
def test_score_and_link_adds_the_columns_after_the_results(tmp_path):
    from screener.linking.files import score_and_link
    from screener.rows import RESULT_COLUMNS

    texts = [LURE.format(place=p, pay="3000", phone="+971 50 123 4567") for p in ("Dubai", "Doha", "Muscat")] + [WAREHOUSE]
    pd.DataFrame({"id": range(4), "text": texts}).to_csv(tmp_path / "ads.csv", index=False)
    batch, links = score_and_link(tmp_path / "ads.csv", tmp_path / "out.csv", region="AE")
    written = pd.read_csv(tmp_path / "out.csv")
    assert list(written.columns) == ["id", "text", *RESULT_COLUMNS, *LINK_COLUMNS]
    assert batch.rows == links.rows == 4 and written["cluster_size"].tolist() == [3, 3, 3, 1]
    assert written["cluster_risk"][0] == written["risk"][:3].max()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ads.csv", "out.csv"]


def test_plain_contacts_are_refused_with_redact(tmp_path):
    from screener.linking.files import score_and_link

    pd.DataFrame({"text": ["a job"]}).to_csv(tmp_path / "ads.csv", index=False)
    with pytest.raises(InputError, match="redact"):
        score_and_link(tmp_path / "ads.csv", tmp_path / "out.csv", contacts="plain", redact=True)


def test_a_frame_without_text_links_to_nothing():
    linked = link_frame(scored(["", "   "], risk=[float("nan")] * 2))
    assert linked["cluster_id"].isna().all() and linked["cluster_size"].tolist() == [0, 0]
    assert linked["linked_elements"].tolist() == ["", ""]
    assert list(link_frame(scored([]).astype(object)).columns)[-7:] == list(LINK_COLUMNS)


def test_a_shared_footer_links_no_lawful_ads_but_a_large_campaign_stays_one_cluster():
    from screener.corpus.campaigns import employer_posts
    from screener.linking.clusters import signatures, template_clusters
    from screener.linking.template import read_template

    lawful = employer_posts(120, seed=3)["text"].tolist()  # 120 bodies, one long footer
    campaign = [f"Hiring girls for hotel work abroad, salary {1000 + i} USD a month, free flight and room, call now" for i in range(40)]
    labels, _ = template_clusters(signatures([read_template(t).words for t in lawful + campaign]))
    assert len(set(labels[: len(lawful)].tolist())) == len(lawful)  # the footer alone links nothing
    assert len(set(labels[len(lawful) :].tolist())) == 1  # 40 of 160 ads share every shingle: still linked
