"""The ``screener corpus`` commands: generate, check and measure labelled synthetic corpora."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from screener.cli.common import fail
from screener.errors import InputError

__all__ = ["app"]

app = typer.Typer(help="Generate, check and measure labelled synthetic corpora.", no_args_is_help=True)


@app.command("generate")
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
        fail(f"--out {out} exists and is not a folder")
    if (out / "model.npz").exists() or (out / "model.joblib").exists():
        fail(f"--out {out} holds a model bundle; write the corpus into another folder")
    types = tuple(t.strip() for t in ad_types.split(",") if t.strip())
    manifest = write_corpus(out, n=n, seed=seed, ad_types=types, compress=compress, banks=banks, version=generator)
    for split, counts in manifest["counts"].items():
        typer.echo(f"{split:<6} {counts['total']:>6} ads  labels {counts['label']}  types {counts['ad_type']}")
    typer.echo(f"worst near-duplicate across splits: Jaccard {manifest['near_duplicates']['worst']:.2f}; wrote {out}")


@app.command("check")
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


@app.command("spans")
def corpus_spans(
    file: Path = typer.Argument(..., help="A generated corpus file with a spans column (.csv or .csv.gz)."),
) -> None:
    """Span-level recall and precision of the extractor against a generated corpus's gold spans."""
    from screener.corpus.spans import span_scores
    from screener.tables import read_table

    try:
        frame = read_table(file, ("text", "spans"))
    except InputError as error:
        fail(str(error))
    typer.echo(span_scores(zip(frame["text"], frame["spans"])).summary())


@app.command("baseline")
def corpus_baseline(
    corpus: Path = typer.Argument(..., help="A corpus folder with train and test files."),
    eval_files: list[Path] = typer.Option([], "--eval", help="More labelled CSV files to measure on (repeatable)."),
) -> None:
    """ROC-AUC of a plain TF-IDF + logistic regression trained on train: on test and on --eval files."""
    from screener.corpus import baseline_auc

    for name, auc in baseline_auc(corpus, [str(p) for p in eval_files]).items():
        typer.echo(f"ROC-AUC {auc:.3f}  {name}")
