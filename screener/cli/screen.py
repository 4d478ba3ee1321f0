"""The screening commands: one ad or a CSV as a table (``screen``), a file of any size (``score``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from screener.cli.common import Engine, Profile, TableFormat, fail, read_stdin, read_texts
from screener.cli.link import ContactMode
from screener.errors import InputError

__all__ = ["screen", "score"]

_COLOURS = {"ACT": typer.colors.CYAN, "MEANS": typer.colors.YELLOW, "PURPOSE": typer.colors.MAGENTA}


def _named_format(path: Path) -> bool:
    """Whether `path`'s extension names a table format."""
    from screener.tables import format_of

    try:
        format_of(path)
    except InputError:
        return False
    return True


def screen(
    text: Optional[str] = typer.Argument(None, help="The ad text, or - to read it from standard input."),
    csv: Optional[Path] = typer.Option(None, "--csv", help="Screen every row of a CSV file and print a table."),
    text_column: str = typer.Option("text", "--text-column", help="The CSV column holding the ad text."),
    id_column: Optional[str] = typer.Option(None, "--id-column", help="A CSV column to name rows by (default: row number)."),
    model: Optional[Path] = typer.Option(None, "--model", help="A model bundle folder (default: models/default)."),
    profile: Profile = typer.Option(Profile.balanced, "--profile", metavar="<str>", help="Threshold profile: balanced, high_precision or high_recall."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Screen one ad (risk, evidence highlighted by legal element, a summary), or a CSV as a table."""
    from screener.screening import Screener

    if (text is None) == (csv is None):
        fail("give either one ad TEXT (or -) or --csv FILE")
    screener = Screener(model, profile=profile.value)
    if csv is not None:
        names, texts = read_texts(csv, text_column, id_column)
        typer.echo(f"{'id':<8} {'risk':>5} {'flag':<4} {'level':<6} {'type':<8} {'elements':<18} summary")
        for name, result in zip(names, screener.screen_batch(texts)):
            elements = "+".join(e for e, f in result.elements.items() if f.present) or "-"
            flag = "YES" if result.flagged else ""
            summary = result.summary if len(result.summary) <= 70 else result.summary[:67] + "..."
            typer.echo(f"{str(name)[:8]:<8} {result.risk:5.2f} {flag:<4} {result.level:<6} {result.ad_type:<8} {elements:<18} {summary}")
        return
    if text == "-":
        text = read_stdin()
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


def score(
    input: Path = typer.Argument(..., help="Ads to score: CSV, TSV, JSON lines or Parquet (.gz allowed for text formats)."),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the input columns plus the results (format from the extension)."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    id_column: Optional[str] = typer.Option(None, "--id-column", help="A column that must exist, to join results back by."),
    model: Optional[Path] = typer.Option(None, "--model", help="A model bundle folder (default: models/default)."),
    profile: Profile = typer.Option(Profile.balanced, "--profile", metavar="<str>", help="Threshold profile: balanced, high_precision or high_recall."),
    redact: bool = typer.Option(False, "--redact", help="Mask phone numbers, emails, handles and links in the evidence and summary."),
    fmt: Optional[TableFormat] = typer.Option(None, "--format", metavar="<str>", help="Input and output format when the extensions do not say: csv, tsv, jsonl or parquet."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of a text input (the output is UTF-8)."),
    chunksize: int = typer.Option(10_000, "--chunksize", min=1, help="Rows read, scored and written at a time."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes; each loads the model once."),
    engine: Engine = typer.Option(Engine.local, "--engine", metavar="<str>", help="local (this machine) or dask (a Dask cluster)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://host:8786."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no closing summary."),
    link: bool = typer.Option(False, "--link", help="Also link ads across the file (a second pass after scoring): adds contacts, contact_ads, cluster_id, cluster_size, cluster_places, cluster_risk, linked_elements."),
    region: Optional[str] = typer.Option(None, "--region", help="With --link: ISO country code for phone numbers written without + and a country code, e.g. GB."),
    contacts: Optional[ContactMode] = typer.Option(None, "--contacts", metavar="<str>", help="With --link: how the contacts column shows contact keys: hashed (default), plain or none."),
) -> None:
    """Score a file of ads; every input row comes out once, with its result or the reason it has none.

    Output columns: the input's, then risk, flagged, level, ad_type, act, means, purpose,
    child_branch, indicators, evidence (JSON), summary, status (ok, empty, truncated, error), error.
    """
    if scheduler and engine is not Engine.dask:
        fail("--scheduler needs --engine dask")
    if not link and (region or contacts):
        fail("--region and --contacts need --link")
    options = dict(
        text_column=text_column,
        id_column=id_column,
        model=model,
        profile=profile.value,
        redact=redact,
        input_format=fmt and fmt.value,
        output_format=None if _named_format(output) else fmt and fmt.value,  # the extension wins for the output
        encoding=encoding,
        chunksize=chunksize,
        workers=workers,
        engine=engine.value,
        scheduler=scheduler,
        quiet=quiet,
    )
    if link:
        from screener.linking import score_and_link

        summary, links = score_and_link(input, output, region=region, contacts=(contacts or ContactMode.hashed).value, **options)
        summary = f"{summary}\n{links}"
    else:
        from screener.batch import score_file

        summary = score_file(input, output, **options)
    if not quiet:
        typer.echo(f"{summary}\nwrote {output}", err=True)
