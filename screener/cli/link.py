"""The ``link`` command: ads that share a template or a contact, and a report of them."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from screener.cli.common import TableFormat

__all__ = ["ContactMode", "link"]


class ContactMode(str, Enum):
    """How the ``contacts`` column shows contact keys."""

    hashed = "hashed"
    plain = "plain"
    none = "none"


def link(
    input: Path = typer.Argument(..., help="Ads to link: a scored file (output of screener score) or raw ads, scored first. CSV, TSV, JSON lines or Parquet."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for linked.csv, report.html and its figures (created if missing)."),
    text_column: str = typer.Option("text", "--text-column", help="The column holding the ad text."),
    model: Optional[Path] = typer.Option(None, "--model", help="A model bundle folder, for an input not scored yet (default: models/default)."),
    region: Optional[str] = typer.Option(None, "--region", help="ISO country code for phone numbers written without + and a country code, e.g. GB, PH."),
    contacts: ContactMode = typer.Option(ContactMode.hashed, "--contacts", metavar="<str>", help="How the contacts column shows contact keys: hashed (shareable), plain, or none (no column)."),
    threshold: float = typer.Option(0.5, "--threshold", min=0.05, max=1.0, help="Share of MinHash positions two ads must agree on to share a template cluster."),
    fmt: Optional[TableFormat] = typer.Option(None, "--format", metavar="<str>", help="Input format when the extension does not say: csv, tsv, jsonl or parquet."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of a text input."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes for scoring an unscored input."),
) -> None:
    """Link ads that share a template or a contact; write the linked rows and an HTML report of clusters and contact groups."""
    from screener.linking import run_link

    summary, report = run_link(
        input,
        out,
        text_column=text_column,
        model=model,
        region=region,
        contacts=contacts.value,
        threshold=threshold,
        input_format=fmt and fmt.value,
        encoding=encoding,
        workers=workers,
    )
    typer.echo(f"{summary}\nwrote {report}", err=True)
