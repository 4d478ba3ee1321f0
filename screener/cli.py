"""The ``screener`` command. Thin: each command parses its options and calls library functions.

Exit codes: 0 success, 2 bad usage or bad input, 1 internal error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from screener.errors import ScreenerError

app = typer.Typer(
    help="Screen job, dating and marriage ads for indicators of trafficking recruitment. "
    "Every flag is a suspicion for a person to review, never a verdict.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_ELEMENTS = ("ACT", "MEANS", "PURPOSE")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"screener: error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def indicators(
    element: Optional[str] = typer.Option(None, "--element", help="Only indicators of this element: ACT, MEANS or PURPOSE."),
    as_json: bool = typer.Option(False, "--json", help="Print the catalogue as JSON lines instead of a table."),
    check: bool = typer.Option(False, "--check", help="Run every example of the catalogue; exit 2 if any fails."),
    catalogue: Optional[Path] = typer.Option(None, "--catalogue", help="A catalogue folder of *.yaml files (default: the shipped one)."),
) -> None:
    """List the indicator catalogue, or check that its examples hold."""
    from screener.evidence import Extractor
    from screener.indicators import load_catalogue

    if element is not None and element.upper() not in _ELEMENTS:
        _fail(f"--element {element!r} is not an element; use one of {', '.join(_ELEMENTS)}")
    if catalogue is not None and not catalogue.is_dir():
        _fail(f"--catalogue {catalogue} is not a folder; give a folder of indicator *.yaml files")
    folder = str(catalogue) if catalogue is not None else ""
    loaded = load_catalogue(folder or None)
    if check:
        failures = Extractor(folder).check_examples()
        examples = sum(len(i.positive_examples) + len(i.negative_examples) for i in loaded)
        for failure in failures:
            typer.echo(failure)
        typer.echo(f"{len(loaded)} indicators, {examples} examples, {len(failures)} failing (catalogue {loaded.version})")
        raise typer.Exit(2 if failures else 0)
    selected = [i for i in loaded if element is None or i.element == element.upper()]
    for indicator in selected:
        if as_json:
            typer.echo(
                json.dumps(
                    {
                        "id": indicator.id,
                        "label": indicator.label,
                        "element": indicator.element,
                        "sub_element": indicator.sub_element,
                        "ilo": list(indicator.ilo),
                        "strength": indicator.strength,
                        "ad_types": list(indicator.ad_types),
                        "child": indicator.child,
                        "description": indicator.description,
                        "patterns": [pattern.text for pattern in indicator.patterns],
                        "signals": list(indicator.signals),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            child = " [child]" if indicator.child else ""
            typer.echo(f"{indicator.element:<8} {indicator.sub_element:<24} {indicator.strength:<7} {indicator.id:<34} {indicator.label}{child}")
    if not as_json:
        typer.echo(f"{len(selected)} of {len(loaded)} indicators (catalogue {loaded.version})", err=True)


def _read_csv_texts(csv: Path, text_column: str, id_column: Optional[str]) -> tuple[list[str], list[str]]:
    import pandas as pd

    if not csv.is_file():
        _fail(f"--csv {csv} does not exist or is not a file")
    try:
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        _fail(f"cannot read {csv} as UTF-8 CSV: {type(error).__name__}")
    if text_column not in frame.columns:
        _fail(f"no column {text_column!r} in {csv}; columns: {', '.join(map(str, frame.columns))}; use --text-column")
    if id_column is not None and id_column not in frame.columns:
        _fail(f"no column {id_column!r} in {csv}; columns: {', '.join(map(str, frame.columns))}; use --id-column")
    names = frame[id_column].tolist() if id_column else [str(n) for n in range(1, len(frame) + 1)]
    return names, frame[text_column].tolist()


@app.command()
def extract(
    text: Optional[str] = typer.Argument(None, help="One ad text. Omit it and give --csv to read a file."),
    csv: Optional[Path] = typer.Option(None, "--csv", help="A CSV file of ads; hits are printed per row."),
    text_column: str = typer.Option("text", "--text-column", help="The CSV column holding the ad text."),
    id_column: Optional[str] = typer.Option(None, "--id-column", help="A CSV column to name rows by (default: row number)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per ad."),
) -> None:
    """Print the indicator evidence found in an ad or in each ad of a CSV file."""

    from screener.evidence import Extractor

    if (text is None) == (csv is None):
        _fail("give either one ad TEXT or --csv FILE")
    if csv is not None:
        names, texts = _read_csv_texts(csv, text_column, id_column)
    else:
        names, texts = ["1"], [text]
    extractor = Extractor()
    for name, ad, hits in zip(names, texts, extractor.extract_many(texts)):
        if as_json:
            typer.echo(json.dumps({"id": name, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
            continue
        found = [h for h in hits if not h.negated]
        elements = sorted({h.element for h in found}, key=_ELEMENTS.index)
        typer.echo(f"[{name}] {len(found)} hit(s); elements: {', '.join(elements) or '-'}")
        for hit in hits:
            mark = "  (negated)" if hit.negated else ""
            typer.echo(f"    {hit.element:<8} {hit.indicator:<32} {hit.start:>5}-{hit.end:<5} {hit.text!r}{mark}")


corpus_app = typer.Typer(help="Generate, check and measure labelled synthetic corpora.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("generate")
def corpus_generate(
    out: Path = typer.Option(..., "--out", help="Folder to write train/dev/test, manifest.json and DATASHEET.md into."),
    n: int = typer.Option(20_000, "--n", help="Number of ads in all splits."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives byte-identical files."),
    ad_types: str = typer.Option("job,dating,marriage", "--ad-types", help="Comma-separated ad types to generate."),
    compress: bool = typer.Option(False, "--compress", help="Write gzip-compressed CSV files (.csv.gz)."),
    banks: Optional[Path] = typer.Option(None, "--banks", help="A folder of phrase banks (default: the shipped ones)."),
    generator: int = typer.Option(2, "--generator", min=1, max=2, help="2: whole ads from documented scenarios (most) and composed ads; 1: composed ads only."),
) -> None:
    """Generate a labelled synthetic corpus with template-disjoint splits."""
    from screener.corpus import write_corpus

    if out.exists() and not out.is_dir():
        _fail(f"--out {out} exists and is not a folder")
    types = tuple(t.strip() for t in ad_types.split(",") if t.strip())
    manifest = write_corpus(out, n=n, seed=seed, ad_types=types, compress=compress, banks=banks, version=generator)
    for split, counts in manifest["counts"].items():
        typer.echo(f"{split:<6} {counts['total']:>6} ads  labels {counts['label']}  types {counts['ad_type']}")
    typer.echo(f"worst near-duplicate across splits: Jaccard {manifest['near_duplicates']['worst']:.2f}; wrote {out}")


@corpus_app.command("check")
def corpus_check(
    file: Path = typer.Argument(..., help="A labelled CSV file (.csv or .csv.gz)."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    label_column: str = typer.Option("label", "--label-column", help="The column holding the 0/1 label."),
    against: Optional[Path] = typer.Option(None, "--against", help="A second file to measure leakage into (e.g. train vs test)."),
) -> None:
    """Check a labelled corpus: schema errors with line numbers, empty and duplicate texts, balance, leakage."""
    from screener.corpus import check_corpus

    report = check_corpus(file, text_column=text_column, label_column=label_column, other=against)
    typer.echo(report.summary())
    raise typer.Exit(0 if report.ok else 2)


@corpus_app.command("spans")
def corpus_spans(
    file: Path = typer.Argument(..., help="A generated corpus file with a spans column (.csv or .csv.gz)."),
) -> None:
    """Span-level recall and precision of the extractor against a generated corpus's gold spans."""
    import pandas as pd

    from screener.corpus.spans import span_scores

    if not file.is_file():
        _fail(f"{file} does not exist or is not a file")
    frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    if not {"text", "spans"} <= set(frame.columns):
        _fail(f"{file} needs the columns text and spans; columns: {', '.join(frame.columns)}")
    typer.echo(span_scores(zip(frame["text"], frame["spans"])).summary())


@corpus_app.command("baseline")
def corpus_baseline(
    corpus: Path = typer.Argument(..., help="A corpus folder with train and test files."),
    eval_files: list[Path] = typer.Option([], "--eval", help="More labelled CSV files to measure on (repeatable)."),
) -> None:
    """ROC-AUC of a plain TF-IDF + logistic regression trained on train: on test and on --eval files."""
    from screener.corpus import baseline_auc

    for name, auc in baseline_auc(corpus, [str(p) for p in eval_files]).items():
        typer.echo(f"ROC-AUC {auc:.3f}  {name}")


@app.command("train")
def train_command(
    data: Path = typer.Option(..., "--data", help="Labelled training CSV (columns text and label; ad_type optional)."),
    out: Path = typer.Option(..., "--out", help="Folder to write the model bundle into."),
    dev: Optional[Path] = typer.Option(None, "--dev", help="Labelled CSV for threshold profiles and the model card's metrics."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    label_column: str = typer.Option("label", "--label-column", help="The column holding the 0/1 label."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same data and seed give the same model."),
    name: str = typer.Option("screener-model", "--name", help="Model name recorded in the bundle."),
    version: str = typer.Option("1", "--version", help="Model version recorded in the bundle."),
    evaluate_on: list[Path] = typer.Option([], "--eval", help="Labelled CSV to measure the model on for its card (repeat for several); never trained on."),
) -> None:
    """Train a screening model on any labelled CSV and write a verified bundle."""
    from screener.training import train_bundle

    manifest = train_bundle(data, out, dev, text_column, label_column, seed, name, version, tuple(evaluate_on))
    dev_metrics = manifest.get("metrics", {}).get("dev")
    if dev_metrics and dev_metrics.get("roc_auc") is not None:
        typer.echo(f"dev ROC-AUC {dev_metrics['roc_auc']:.3f}, balanced F1 {dev_metrics['profiles']['balanced']['f1']:.3f}")
    typer.echo(f"wrote {out} (model sha256 {manifest['model_sha256'][:12]}...)")


@app.command("evaluate")
def evaluate_command(
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


@app.command("compare")
def compare_command(
    models: list[Path] = typer.Option(..., "--models", help="Two or more model bundle folders (repeat --models, or list them after it)."),
    data: Path = typer.Option(..., "--data", help="Labelled CSV (text, label; ad_type, difficulty optional)."),
    out: Path = typer.Option(..., "--out", help="Folder to write comparison.json, report.html and the plots into."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    label_column: str = typer.Option("label", "--label-column", help="The column holding the 0/1 label."),
    resamples: int = typer.Option(1000, "--bootstrap", min=100, help="Paired bootstrap resamples for the ROC-AUC differences."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
) -> None:
    """Compare models on the same ads: figures side by side, paired bootstrap intervals of ROC-AUC differences."""
    from screener.report import paired_bootstrap_auc, write_report

    if len(models) < 2:
        _fail("--models needs at least two bundle folders")
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
    """A labelled CSV as text columns; exit 2 naming the columns there are when one is missing,
    or when the labels are not all 0 or 1."""
    import pandas as pd

    if not data.is_file():
        _fail(f"--data {data} does not exist or is not a file")
    frame = pd.read_csv(data, dtype=str, keep_default_na=False)
    wanted = (text_column, label_column) if need_label else (text_column,)
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        _fail(f"no column(s) {', '.join(missing)} in {data}; columns: {', '.join(frame.columns)}")
    if need_label and not frame[label_column].isin(["0", "1"]).all():
        _fail(f"column {label_column} must hold 0 or 1 in every row")
    return frame


def _labelled(data: Path, text_column: str, label_column: str, need_label: bool = True):
    """The texts of a CSV and its 0/1 labels (None when it has none and they are optional)."""
    frame = _labelled_frame(data, text_column, label_column, need_label)
    binary = label_column in frame.columns and frame[label_column].isin(["0", "1"]).all()
    return frame[text_column].tolist(), frame[label_column].astype(int).tolist() if binary else None


@app.command("robustness")
def robustness_command(
    model: Path = typer.Option(..., "--model", help="A model bundle folder."),
    data: Path = typer.Option(..., "--data", help="Labelled CSV (text, label)."),
    out: Path = typer.Option(..., "--out", help="Folder to write robustness.json and robustness.md into."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    label_column: str = typer.Option("label", "--label-column", help="The column holding the 0/1 label."),
    profile: str = typer.Option("balanced", "--profile", help="Threshold profile: balanced, high_precision or high_recall."),
    seed: int = typer.Option(0, "--seed", help="Seed of the disguises."),
) -> None:
    """Recall under each disguise (and all together) against clean text; false alarms on benign ads."""
    from screener.scorer import PROFILES
    from screener.robustness import robustness_markdown, robustness_report
    from screener.screening import Screener

    if profile not in PROFILES:
        _fail(f"--profile {profile!r} is not a profile; use one of {', '.join(PROFILES)}")
    texts, labels = _labelled(data, text_column, label_column)
    report = robustness_report(Screener(model, profile=profile), texts, labels, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "robustness.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = robustness_markdown(report)
    (out / "robustness.md").write_text(markdown, encoding="utf-8")
    typer.echo(markdown)


@app.command("fairness")
def fairness_command(
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


_COLOURS = {"ACT": typer.colors.CYAN, "MEANS": typer.colors.YELLOW, "PURPOSE": typer.colors.MAGENTA}


@app.command("screen")
def screen_command(
    text: Optional[str] = typer.Argument(None, help="The ad text, or - to read it from standard input."),
    csv: Optional[Path] = typer.Option(None, "--csv", help="Screen every row of a CSV file and print a table."),
    text_column: str = typer.Option("text", "--text-column", help="The CSV column holding the ad text."),
    id_column: Optional[str] = typer.Option(None, "--id-column", help="A CSV column to name rows by (default: row number)."),
    model: Optional[Path] = typer.Option(None, "--model", help="A model bundle folder (default: models/default)."),
    profile: str = typer.Option("balanced", "--profile", help="Threshold profile: balanced, high_precision or high_recall."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Screen one ad (risk, evidence highlighted by legal element, a summary), or a CSV as a table."""
    from screener.scorer import PROFILES
    from screener.screening import Screener

    if profile not in PROFILES:
        _fail(f"--profile {profile!r} is not a profile; use one of {', '.join(PROFILES)}")
    if (text is None) == (csv is None):
        _fail("give either one ad TEXT (or -) or --csv FILE")
    screener = Screener(model, profile=profile)
    if csv is not None:
        names, texts = _read_csv_texts(csv, text_column, id_column)
        typer.echo(f"{'id':<8} {'risk':>5} {'flag':<4} {'level':<6} {'type':<8} {'elements':<18} summary")
        for name, result in zip(names, screener.screen_batch(texts)):
            elements = "+".join(e for e, f in result.elements.items() if f.present) or "-"
            flag = "YES" if result.flagged else ""
            summary = result.summary if len(result.summary) <= 70 else result.summary[:67] + "..."
            typer.echo(f"{str(name)[:8]:<8} {result.risk:5.2f} {flag:<4} {result.level:<6} {result.ad_type:<8} {elements:<18} {summary}")
        return
    if text == "-":
        text = sys.stdin.read()
    result = screener.screen(text)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(typer.style(result.summary, bold=True))
    pieces, position = [], 0
    for hit in sorted((h for h in result.hits if not h.negated), key=lambda h: h.start):
        if hit.start < position:
            continue
        pieces.append(text[position : hit.start])
        pieces.append(typer.style(text[hit.start : hit.end], fg=_COLOURS[hit.element], underline=True))
        position = hit.end
    pieces.append(text[position:])
    typer.echo("".join(pieces))
    for hit in result.hits:
        mark = " (negated)" if hit.negated else ""
        typer.echo(f"  {hit.element:<8} {hit.label:<45} {hit.contribution:+.2f}  {hit.text!r}{mark}")
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)


@app.command("score")
def score_command(
    input: Path = typer.Argument(..., help="Ads to score: CSV, TSV, JSON lines or Parquet (.gz allowed for text formats)."),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the input columns plus the results (format from the extension)."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    id_column: Optional[str] = typer.Option(None, "--id-column", help="A column that must exist, to join results back by."),
    model: Optional[Path] = typer.Option(None, "--model", help="A model bundle folder (default: models/default)."),
    profile: str = typer.Option("balanced", "--profile", help="Threshold profile: balanced, high_precision or high_recall."),
    redact: bool = typer.Option(False, "--redact", help="Mask phone numbers, emails, handles and links in the evidence and summary."),
    fmt: Optional[str] = typer.Option(None, "--format", help="Input and output format when the extensions do not say: csv, tsv, jsonl or parquet."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of a text input (the output is UTF-8)."),
    chunksize: int = typer.Option(10_000, "--chunksize", min=1, help="Rows read, scored and written at a time."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes; each loads the model once."),
    engine: str = typer.Option("local", "--engine", help="local (this machine) or dask (a Dask cluster)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://host:8786."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no closing summary."),
) -> None:
    """Score a file of ads; every input row comes out once, with its result or the reason it has none.

    Output columns: the input's, then risk, flagged, level, ad_type, act, means, purpose,
    child_branch, indicators, evidence (JSON), summary, status (ok, empty, truncated, error), error.
    """
    from screener.batch import score_file

    if engine not in ("local", "dask"):
        _fail(f"--engine {engine!r} is not an engine; use local or dask")
    if scheduler and engine != "dask":
        _fail("--scheduler needs --engine dask")
    summary = score_file(
        input,
        output,
        text_column=text_column,
        id_column=id_column,
        model=model,
        profile=profile,
        redact=redact,
        input_format=fmt,
        output_format=fmt,
        encoding=encoding,
        chunksize=chunksize,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        quiet=quiet,
    )
    if not quiet:
        typer.echo(f"{summary}\nwrote {output}", err=True)


def main() -> None:
    """Entry point of the console script; maps errors to exit codes without tracebacks."""
    try:
        app()
    except ScreenerError as error:
        typer.echo(f"screener: error: {error}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("screener: interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # an internal error: say so, without ad text
        typer.echo(f"screener: internal error: {type(error).__name__}. Please report it.", err=True)
        sys.exit(1)
