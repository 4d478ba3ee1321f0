"""Train a screening model from labelled CSV files into a bundle with manifest and model card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from screener.bundle import Bundle, file_sha256, save_bundle
from screener.corpus.baseline import read_split
from screener.errors import InputError
from screener.evaluate import metrics
from screener.indicators import load_catalogue
from screener.model import CALIBRATION_FOLDS, train
from screener.tables import check_labels, read_table

__all__ = ["REVIEW_COLUMNS", "train_bundle", "model_card"]

#: Columns that mark rows as moderators' reviews (`screener reviews export`).
REVIEW_COLUMNS = ("decision", "reviewed_at")


def train_bundle(
    data: str | Path,
    out: str | Path,
    dev: str | Path | None = None,
    text_column: str = "text",
    label_column: str = "label",
    seed: int = 0,
    name: str = "screener-model",
    version: str = "1",
    evaluate_on: tuple[str | Path, ...] = (),
) -> dict[str, Any]:
    """Train on `data` (thresholds from `dev` when given), write the bundle to `out`; return its manifest.

    Each file of `evaluate_on` (labelled, never trained on) is measured for the model card.

    Any labelled CSV works; an ``ad_type`` column trains the ad-type head, an ``elements`` column
    (ACT;MEANS;PURPOSE as shown by each ad) the element heads, and ``ad_type`` /
    ``difficulty`` columns break the dev metrics down. The same files and seed give the same model.
    In moderators' reviews (`REVIEW_COLUMNS`), rows decided "unsure" are skipped, and the manifest
    counts the reviewed rows for the model card.
    """
    data, out = Path(data), Path(out)
    frame = read_table(data, (text_column, label_column), hint="use --text-column/--label-column")
    reviews = None
    if set(REVIEW_COLUMNS) <= set(frame.columns):
        unsure = frame["decision"] == "unsure"
        reviews = {"rows": int(frame["decision"].isin(["suspicious", "not_suspicious"]).sum()), "unsure_skipped": int(unsure.sum())}
        frame = frame[~unsure].reset_index(drop=True)
    check_labels(frame, label_column, data)
    train_frame = pd.DataFrame({"text": frame[text_column], "label": frame[label_column].astype(int)})
    if train_frame["label"].nunique() < 2:
        raise InputError(f"{data} needs both labels 0 and 1 to train; found only {train_frame['label'].unique().tolist()}")
    fewest = train_frame["label"].value_counts().min()
    if fewest < CALIBRATION_FOLDS:
        raise InputError(f"{data} has only {fewest} ads of one label; training needs at least {CALIBRATION_FOLDS} of each (the calibration is fitted in {CALIBRATION_FOLDS} folds)")
    ad_types = frame["ad_type"].tolist() if "ad_type" in frame.columns else None
    elements = frame["elements"].tolist() if "elements" in frame.columns else None
    dev_frame = read_split(dev, text_column, label_column) if dev is not None else None
    model = train(
        train_frame["text"].tolist(),
        train_frame["label"].tolist(),
        ad_types,
        dev_frame["text"].tolist() if dev_frame is not None else None,
        dev_frame["label"].tolist() if dev_frame is not None else None,
        seed=seed,
        elements=elements,
    )
    manifest: dict[str, Any] = {
        "name": name,
        "version": version,
        "seed": seed,
        "catalogue_version": load_catalogue().version,
        "training_data": {"file": data.name, "sha256": file_sha256(data), "rows": int(len(train_frame))},
        "thresholds": model.thresholds,
    }
    if reviews is not None:
        manifest["training_data"]["reviews"] = reviews
    if dev is not None:
        manifest["dev_data"] = {"file": Path(dev).name, "sha256": file_sha256(Path(dev))}
    if dev is not None:
        dev_full = read_table(dev)
        manifest["metrics"] = {"dev": metrics(Bundle(out, name, version, model, manifest), dev_full, text_column, label_column)}
    for path in map(Path, evaluate_on):
        frame = read_split(path, text_column, label_column)
        full = read_table(path)
        full["text"], full["label"] = frame["text"], frame["label"]
        manifest.setdefault("metrics", {})[path.as_posix()] = metrics(Bundle(out, name, version, model, manifest), full)
    return save_bundle(model, out, manifest, model_card(manifest))


def _figure(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _other_file(name: str, figures: dict[str, Any], thresholds: dict[str, float]) -> str:
    """A model-card section for one evaluation file: ranking and every profile."""
    rows = "\n".join(
        f"| {p} | {_figure(f['precision'])} | {_figure(f['recall'])} | {_figure(f['false_positive_rate'])} | {_figure(f['flagged_per_1000'])} |"
        for p, f in figures["profiles"].items()
    )
    verbatim = figures.get("by_quote_kind", {}).get("verbatim")
    extra = f" Recall of verbatim risky rows (balanced): {_figure(verbatim['profiles']['balanced']['recall'])}." if verbatim else ""
    return f"""
## Metrics on {name} (never trained on)

{figures['n']} rows, {figures['positives']} risky. ROC-AUC {_figure(figures.get('roc_auc'))}, PR-AUC {_figure(figures.get('pr_auc'))};
ad type right {_figure(figures.get('ad_type_accuracy'))}.{extra}

| profile | precision | recall | false-positive rate | flagged per 1,000 |
|---|---:|---:|---:|---:|
{rows}
"""


def _reviews_line(data: dict[str, Any]) -> str:
    """The model card's line on moderators' reviews in the training data ("" when none)."""
    reviews = data.get("reviews")
    if reviews is None:
        return ""
    return (
        f"\n- Moderators' reviews: {reviews['rows']} of these rows are moderators' decisions exported from "
        f"`screener serve` ({reviews['unsure_skipped']} decided unsure were skipped). They are the ads that were "
        "reviewed, not a sample of all ads, and their labels are human judgements."
    )


def model_card(manifest: dict[str, Any]) -> str:
    """The model card, from the manifest and its dev metrics."""
    dev = manifest.get("metrics", {}).get("dev", {})
    rows = []
    for group in ("by_ad_type", "by_difficulty"):
        for value, figures in dev.get(group, {}).items():
            balanced = figures["profiles"]["balanced"]
            rows.append(f"| {group[3:]}={value} | {figures['n']} | {_figure(figures.get('roc_auc'))} | {_figure(balanced['recall'])} | {_figure(balanced['false_positive_rate'])} |")
    table = "\n".join(rows) or "| (no dev data) | | | | |"
    others = "\n".join(_other_file(name, figures, manifest["thresholds"]) for name, figures in manifest.get("metrics", {}).items() if name != "dev")
    on_dev = dev.get("profiles", {})
    profiles = "\n".join(
        f"| {p} | {t:.4f} | {_figure(on_dev.get(p, {}).get('precision'))} | {_figure(on_dev.get(p, {}).get('recall'))} "
        f"| {_figure(on_dev.get(p, {}).get('false_positive_rate'))} | {_figure(on_dev.get(p, {}).get('flagged_per_1000'))} |"
        for p, t in manifest["thresholds"].items()
    )
    return f"""# Model card: {manifest['name']} {manifest['version']}

## Intended use

Decision support for content moderators, analysts and researchers who screen online job, dating
and marriage ads for indicators of the "fishing" pattern of trafficking recruitment. Every score
comes with the evidence that produced it. **A flag is a suspicion for a person to review, never a
verdict** about an ad or a person; do not act on a score alone.

Not intended for: automatic removal or reporting without review, judging individuals, estimating
prevalence, or any language other than English.

## Training

- Data: `{manifest['training_data']['file']}` ({manifest['training_data']['rows']} rows, sha256
  `{manifest['training_data']['sha256'][:16]}...`), seed {manifest['seed']}.{_reviews_line(manifest['training_data'])}
- Features: indicator evidence from catalogue `{manifest['catalogue_version']}` (hit counts,
  negated mentions apart, element co-occurrence, youth cues, obfuscation signals) and TF-IDF of the
  ad's own words with identity terms (nationality, ethnicity, religion, community, names, places,
  languages) masked, so that they cannot move the score.
  Terms made only of function words ("you will", "in the") are left out: they carry the
  corpus's writing style, not content.
- Model: logistic regression, strongly regularized (C = 0.1: large weights on the synthetic
  corpus's words do not carry over to real ads), with out-of-fold sigmoid calibration (one linear
  model, so every contribution is exact), trained with evidence dropout: two extra copies of the training rows
  with each evidence feature dropped with probability 0.8, so that the words of an ad carry the
  signal too when the catalogue misses a phrasing (it finds almost every phrase of the synthetic
  corpus, written from the same indicator descriptions, and far fewer in real ads). Evidence
  weights are kept at zero or above (negated hits and obfuscation signals excepted): an indicator
  never lowers the risk.

## Threshold profiles

Precision, recall, false-positive rate and flags per 1,000 ads on the dev file (the confusion
matrices of `screener evaluate`'s report):

| profile | threshold | precision | recall | false-positive rate | flagged per 1,000 |
|---|---:|---:|---:|---:|---:|
{profiles}

## Metrics on the dev file ({manifest.get('dev_data', {}).get('file', 'none')})

ROC-AUC {_figure(dev.get('roc_auc'))}, PR-AUC {_figure(dev.get('pr_auc'))}, Brier {_figure(dev.get('brier'))},
expected calibration error {_figure(dev.get('ece'))} (the reliability diagram of the report). Synthetic
dev figures overstate performance on real ads; see the limits below and the project README for
figures on hand-written ads. `screener evaluate --model DIR --data FILE --out DIR` writes the full
report (curves, reliability, confusion matrices, score distributions, firing rates, errors).

| group | n | ROC-AUC | recall (balanced) | false-positive rate (balanced) |
|---|---:|---:|---:|---:|
{table}
{others}

## Fairness

- Identity terms (nationality, ethnicity, religion, community, names, places, languages) are
  masked out of the lexical features and never appear in indicator patterns; the training corpus
  draws identity values from one distribution for both labels.
- Gendered words fold to one neutral token per pair before matching and before the lexical
  features ("girls"/"boys", "wife"/"husband", "she"/"he"), so an offer made to men is read like
  the same offer made to women: gender cannot move the score through the ad's words. (Before this
  fold, swapping gendered words moved the risk of hand-written dev ads by up to 0.86, 95th
  percentile 0.28.)
- `screener fairness --model DIR --data FILE --out DIR` measures both: risk shifts when identity
  values and gendered words are swapped (goal: median <= 0.01, 95th percentile <= 0.05), and the
  share of ads whose score rises when a coercive clause is added (goal >= 95%). Run it on your own
  data before deployment.

## Limits

- Trained on synthetic ads (corpus v2: whole ads written from 17 documented lure patterns and their
  lawful twins, plus composed ads); figures on synthetic data overstate performance on real ads.
  Real published lures are the test that decides: see the metrics on real files above, when given,
  and the project's README.
- English only: an ad in another language gets a low score that means nothing.
- Slang and coded language drift over time: report the model and catalogue versions with every
  result.
- The model sees only the ad text: no images, account history or platform data. Pay is read in
  proportion to the average wage of its currency's country from a shipped, approximate reference
  table; dollar or euro salaries are compared with US or euro-area wages, so a lure paying "$1,500"
  to workers from a poorer country is not seen as high pay.
- Lures retold by reporters (close paraphrases), one-line fragments and ads whose risk lies in
  pictures or in what happens after the first message are mostly missed.

## Privacy

The model runs locally and stores nothing beyond the outputs a user asks for. The bundle holds
arrays (`model.npz`, read without pickle) and settings (`model.json`): loading it runs no code.
The manifest records the sha256 of both files, checked before they are read; pin the manifest's
digest when a bundle comes from elsewhere.
"""
