"""A plain lexical baseline: how easy is a corpus? TF-IDF + logistic regression, ROC-AUC.

A baseline that scores far better on the corpus's own test split than on hand-written ads shows
that the corpus is still too easy or too templated.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline

from screener.errors import InputError
from screener.tables import check_labels, read_table

__all__ = ["read_split", "baseline_auc"]


def read_split(path: str | Path, text_column: str = "text", label_column: str = "label") -> pd.DataFrame:
    """A labelled table (see `screener.tables.read_table`) as a frame with ``text`` and 0/1 ``label`` columns."""
    frame = read_table(path, (text_column, label_column), hint="use --text-column/--label-column")
    check_labels(frame, label_column, path)
    return pd.DataFrame({"text": frame[text_column], "label": frame[label_column].astype(int)})


def _split_file(corpus: Path, split: str) -> Path:
    for name in (f"{split}.csv", f"{split}.csv.gz"):
        if (corpus / name).is_file():
            return corpus / name
    raise InputError(f"{corpus} has no {split}.csv or {split}.csv.gz; generate a corpus there first")


def baseline_auc(corpus: str | Path, extra: list[str | Path] = ()) -> dict[str, float]:
    """Train word (1,2)-gram TF-IDF + logistic regression on ``train``; ROC-AUC on ``test`` and `extra`.

    Returns
    -------
    dict
        ``{"test": auc, "<extra path>": auc, ...}``.
    """
    corpus = Path(corpus)
    train = read_split(_split_file(corpus, "train"))
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), LogisticRegression(max_iter=1000, C=4.0))
    model.fit(train["text"], train["label"])
    results = {}
    for name, path in [("test", _split_file(corpus, "test")), *((str(p), Path(p)) for p in extra)]:
        frame = read_split(path)
        results[name] = round(float(roc_auc_score(frame["label"], model.predict_proba(frame["text"])[:, 1])), 4)
    return results
