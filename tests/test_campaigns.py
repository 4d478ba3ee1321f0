"""Campaigns in the corpus: one risky template posted many times, with ground truth for linking."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from screener.contacts import find_contacts
from screener.corpus.campaigns import FOOTER, campaign_corpus, employer_posts
from screener.errors import InputError
from screener.linking.clusters import signatures, template_clusters
from screener.linking.template import read_template


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return campaign_corpus(12, 60, seed=5, sizes=(4, 9))


def test_same_seed_same_corpus(corpus):
    pd.testing.assert_frame_equal(corpus, campaign_corpus(12, 60, seed=5, sizes=(4, 9)))
    assert not corpus["text"].equals(campaign_corpus(12, 60, seed=6, sizes=(4, 9))["text"])


def test_campaigns_have_their_sizes_one_scenario_and_a_contact(corpus):
    risky = corpus[corpus["label"] == 1]
    sizes = risky.groupby("campaign_id").size()
    assert len(sizes) == 12 and sizes.between(4, 9).all()
    assert (risky.groupby("campaign_id")["scenario"].nunique() == 1).all()
    assert (risky.groupby("campaign_id")["contact_key"].nunique() == 1).all()
    assert (corpus[corpus["label"] == 0]["contact_key"] == "").all()
    assert len(corpus[corpus["label"] == 0]) == 60 and corpus["id"].is_unique


def test_posts_of_a_campaign_differ_but_keep_their_contact(corpus):
    risky = corpus[corpus["label"] == 1]
    assert risky.groupby("campaign_id")["text"].nunique().gt(1).all()
    found = [key in {c.key for c in find_contacts(text)} for key, text in zip(risky["contact_key"], risky["text"])]
    assert sum(found) / len(found) >= 0.6


def test_too_many_campaigns_is_refused():
    with pytest.raises(InputError, match="at most"):
        campaign_corpus(100_000, 0, seed=1)


def test_linking_recovers_the_campaigns(corpus):
    labels, _ = template_clusters(signatures([read_template(t).words for t in corpus["text"]]))
    assert adjusted_rand_score(corpus["campaign_id"], labels) >= 0.9


def test_employer_posts_end_with_the_footer_and_come_from_different_templates():
    posts = employer_posts(20, seed=2)
    assert posts["text"].str.endswith(FOOTER).all()
    assert posts["campaign_id"].is_unique and (posts["label"] == 0).all()
