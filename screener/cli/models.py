"""The model commands: train a bundle, and measure models (evaluate, compare, robustness, fairness)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from screener.cli.common import Profile, fail
from screener.errors import InputError

__all__ = ["train", "evaluate", "compare", "robustness", "fairness"]


def train(
    data: Path = typer.Option(..., "--data", help="Labelled training CSV (columns text and label; ad_type optional)."),
    out: Path = typer.Option(..., "--out", help="Folder to write the model bundle into."),
    dev: Optional[Path] = typer.Option(None, "--dev", help="Labelled CSV for threshold profiles and the model card's metrics."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    label_column: str = typer.Option("label", "--label-column", help="The column holding the 0/1 label."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same data and seed give the same model."),
    name: str = typer.Option("screener-model", "--name", help="Model name recorded in the bundle."),
    version: str = typer.Option("1", "--version", help="Model version recorded in the bundle."),
    evaluate_on: list[Path] = typer.Option([], "--eval", help="Labelled CSV to measure the model on for its card (repeat for several); never trained on."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a model bundle already in --out."),
) -> None:
    """Train a screening model on any labelled CSV and write a verified bundle."""
    from screener.training import train_bundle

    if (out / "manifest.json").exists() and not overwrite:
        fail(f"--out {out} holds a model bundle already; pass --overwrite to replace it")

    manifest = train_bundle(data, out, dev, text_column, label_column, seed, name, version, tuple(evaluate_on))
    dev_metrics = manifest.get("metrics", {}).get("dev")
    if dev_metrics and dev_metrics.get("roc_auc") is not None:
        typer.echo(f"dev ROC-AUC {dev_metrics['roc_auc']:.3f}, balanced F1 {dev_metrics['profiles']['balanced']['f1']:.3f}")
    typer.echo(f"wrote {out} (model sha256 {manifest['model_sha256'][:12]}...)")


def evaluate(
    model: Path = typer.Option(..., "--model", help="A model bundle folder."),
    data: Path = typer.Option(..., "--data", help="Labelled CSV (text, label; ad_type, difficulty, elements, spans optional)."),
    out: Path = typer.Option(..., "--out", help="Folder to write metrics.json, report.html and the plots into."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    label_column: str = typer.Option("label", "--label-column", help="The column holding the 0/1 label."),
    report: bool = typer.Option(True, "--report/--no-report", help="Also write report.html and PNG plots (needs matplotlib)."),
) -> None:
    """Measure a model on a labelled file; writes metrics.json, report.html and PNG plots."""
    scored, figures = _evaluated(model, data, text_column, label_column)
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if report:
        from screener.report import write_report

        typer.echo(f"wrote {write_report([scored], [figures], out)}")
    balanced = figures["profiles"]["balanced"]
    auc = figures["roc_auc"]
    typer.echo(f"ROC-AUC {auc:.3f}" if auc is not None else "ROC-AUC n/a (one class)")
    typer.echo(
        f"balanced: precision {balanced['precision']:.3f} recall {balanced['recall']:.3f} F1 {balanced['f1']:.3f} "
        f"false-positive rate {balanced['false_positive_rate'] or 0:.3f}"
    )
    verbatim = figures.get("by_quote_kind", {}).get("verbatim")
    if verbatim:
        typer.echo(f"verbatim rows: recall {verbatim['profiles']['balanced']['recall']:.3f}")
    if "ad_type_accuracy" in figures:
        typer.echo(f"ad type right: {figures['ad_type_accuracy']:.3f}")
    if "elements" in figures:
        typer.echo(f"labelled elements with a catalogue hit: {figures['elements']['hit_recall']:.3f}")
    typer.echo(f"wrote {out / 'metrics.json'}")


def _evaluated(model: Path, data: Path, text_column: str, label_column: str, name: str | None = None):
    """(report.Scored, metrics) of one model on a labelled CSV."""
    import numpy as np

    from screener.evaluate import metrics, screen_frame_results
    from screener.report import Scored
    from screener.screening import load_model

    frame = _labelled_frame(data, text_column, label_column)
    bundle = load_model(model)
    results = screen_frame_results(bundle, frame[text_column].tolist())
    figures = metrics(bundle, frame, text_column, label_column, results)
    y = frame[label_column].astype(int).to_numpy()
    label = name or f"{bundle.name} {bundle.version}"
    return Scored(label, frame, np.asarray(y), results, bundle.model.thresholds, text_column), figures


def compare(
    models: list[Path] = typer.Option(..., "--models", help="Two or more model bundle folders (repeat --models, or list them after it)."),
    more_models: Optional[list[Path]] = typer.Argument(None, metavar="[MODEL]...", help="More model bundle folders, listed after --models A."),
    data: Path = typer.Option(..., "--data", help="Labelled CSV (text, label; ad_type, difficulty optional)."),
    out: Path = typer.Option(..., "--out", help="Folder to write comparison.json, report.html and the plots into."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    label_column: str = typer.Option("label", "--label-column", help="The column holding the 0/1 label."),
    resamples: int = typer.Option(1000, "--bootstrap", min=100, help="Paired bootstrap resamples for the ROC-AUC differences."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
) -> None:
    """Compare models on the same ads: figures side by side, paired bootstrap intervals of ROC-AUC differences."""
    from screener.report import paired_bootstrap_auc, write_report

    models = [*models, *(more_models or [])]
    if len(models) < 2:
        fail("--models needs at least two bundle folders")
    names = [folder.name for folder in models]
    if len(set(names)) < len(names):
        names = [str(folder) for folder in models]
    evaluated = [_evaluated(folder, data, text_column, label_column, name) for folder, name in zip(models, names)]
    scored = [s for s, _ in evaluated]
    figures = [f for _, f in evaluated]
    comparison = {}
    if len(set(scored[0].y.tolist())) == 2:
        for other in scored[1:]:
            comparison[f"{other.name} - {scored[0].name}"] = paired_bootstrap_auc(scored[0].y, scored[0].risk, other.risk, resamples, seed)
    out.mkdir(parents=True, exist_ok=True)
    summary = {"models": {s.name: f for s, f in zip(scored, figures)}, "roc_auc_differences": comparison}
    (out / "comparison.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    typer.echo(f"wrote {write_report(scored, figures, out, comparison)}")
    for pair, row in comparison.items():
        typer.echo(f"ROC-AUC {pair}: {row['difference']:+.4f} [{row['low']:+.4f}, {row['high']:+.4f}] (95% paired bootstrap)")


def _labelled_frame(data: Path, text_column: str, label_column: str, need_label: bool = True):
    """A labelled table as text columns; exit 2 naming the columns there are when one is missing,
    or when the labels are not all 0 or 1."""
    from screener.tables import check_labels, read_table

    wanted = (text_column, label_column) if need_label else (text_column,)
    try:
        frame = read_table(data, wanted, hint="use --text-column/--label-column")
        if need_label:
            check_labels(frame, label_column, data)
    except InputError as error:
        fail(str(error))
    return frame


def _labelled(data: Path, text_column: str, label_column: str, need_label: bool = True):
    """The texts of a CSV and its 0/1 labels (None when it has none and they are optional)."""
    frame = _labelled_frame(data, text_column, label_column, need_label)
    binary = label_column in frame.columns and frame[label_column].isin(["0", "1"]).all()
    return frame[text_column].tolist(), frame[label_column].astype(int).tolist() if binary else None


def robustness(
    model: Path = typer.Option(..., "--model", help="A model bundle folder."),
    data: Path = typer.Option(..., "--data", help="Labelled CSV (text, label)."),
    out: Path = typer.Option(..., "--out", help="Folder to write robustness.json and robustness.md into."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    label_column: str = typer.Option("label", "--label-column", help="The column holding the 0/1 label."),
    profile: Profile = typer.Option(Profile.balanced, "--profile", metavar="<str>", help="Threshold profile: balanced, high_precision or high_recall."),
    seed: int = typer.Option(0, "--seed", help="Seed of the disguises."),
) -> None:
    """Recall under each disguise (and all together) against clean text; false alarms on benign ads."""
    from screener.robustness import robustness_markdown, robustness_report
    from screener.screening import Screener

    texts, labels = _labelled(data, text_column, label_column)
    report = robustness_report(Screener(model, profile=profile.value), texts, labels, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "robustness.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = robustness_markdown(report)
    (out / "robustness.md").write_text(markdown, encoding="utf-8")
    typer.echo(markdown)


def fairness(
    model: Path = typer.Option(..., "--model", help="A model bundle folder."),
    data: Path = typer.Option(..., "--data", help="CSV of ads (text; a label column breaks the figures down)."),
    out: Path = typer.Option(..., "--out", help="Folder to write fairness.json and fairness.md into."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    label_column: str = typer.Option("label", "--label-column", help="The column holding the 0/1 label, if any."),
    seed: int = typer.Option(0, "--seed", help="Seed of the identity swaps."),
) -> None:
    """Identity swaps (risk shift) and coercive clauses (share that raise the score)."""
    from screener.fairness import fairness_markdown, fairness_report
    from screener.screening import Screener

    texts, labels = _labelled(data, text_column, label_column, need_label=False)
    report = fairness_report(Screener(model), texts, labels, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "fairness.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = fairness_markdown(report)
    (out / "fairness.md").write_text(markdown, encoding="utf-8")
    typer.echo(markdown)
