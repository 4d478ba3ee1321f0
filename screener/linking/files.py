"""Linking files: the ``--link`` pass of ``screener score`` and the ``screener link`` command.

Both read a table in chunks twice: once to collect what linking needs of each ad (never its
text), once to write every row with the linking columns. So memory grows with the number of ads
by about a signature each, not with their texts, and a file scored by any engine links the same.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from screener.errors import InputError
from screener.linking.clusters import THRESHOLD
from screener.linking.links import CONTACT_MODES, ELEMENTS, Linker, Links, check_scored
from screener.table_output import AtomicOutput, writing
from screener.tables import TableReader, format_of

__all__ = ["LinkSummary", "link_file", "score_and_link", "run_link"]

_SCORED_COLUMNS = ("risk", "flagged", "act", "means", "purpose")


@dataclass(frozen=True)
class LinkSummary:
    """What a linking pass found.

    Attributes
    ----------
    rows, clusters, linked_ads, contact_groups, linked_by_contact : int
        Ads; clusters of two or more ads; ads in such clusters; contact groups of two or more
        ads; ads in such groups.
    seconds : float
        Time of both passes.
    links : Links
        The clusters and groups themselves (for a report).
    """

    rows: int
    clusters: int
    linked_ads: int
    contact_groups: int
    linked_by_contact: int
    seconds: float
    links: Links

    def __str__(self) -> str:
        return (
            f"{self.rows} ads: {self.linked_ads} in {self.clusters} template clusters of 2 or more, "
            f"{self.linked_by_contact} in {self.contact_groups} contact groups of 2 or more ({self.seconds:.1f} s)"
        )


def link_file(
    input: str | Path,
    output: str | Path,
    *,
    text_column: str = "text",
    region: str | None = None,
    contacts: str = "hashed",
    threshold: float = THRESHOLD,
    input_format: str | None = None,
    output_format: str | None = None,
    encoding: str = "utf-8",
    chunksize: int = 10_000,
) -> LinkSummary:
    """Add the linking columns to a scored file (the output of ``screener score``).

    Parameters
    ----------
    input, output : str or Path
        The scored table and where to write it with the linking columns (CSV, TSV, JSON lines
        or Parquet, from the extensions unless given); the output replaces its target only on
        success.
    text_column : str
        The column holding the ad text.
    region : str, optional
        ISO 3166 country code for phone numbers written without a country code.
    contacts : {"hashed", "plain", "none"}
        How the ``contacts`` column shows contact keys.
    threshold : float
        Estimated Jaccard similarity of two ads' templates that links them.
    input_format, output_format, encoding, chunksize
        As for `screener.batch.score_file`.

    Returns
    -------
    LinkSummary

    Raises
    ------
    InputError
        An unscored input, a missing column or a bad option, before the output is touched.
    """
    started = time.perf_counter()
    if contacts not in CONTACT_MODES:
        raise InputError(f"unknown --contacts {contacts!r}; use one of {', '.join(CONTACT_MODES)}")
    reader = TableReader(input, input_format, encoding, chunksize)
    check_scored(reader.columns, text_column)
    linker = Linker(region, threshold)
    for chunk in reader.chunks():
        frame = chunk.frame
        linker.add(frame[text_column].tolist(), frame["risk"].tolist(), [frame[e.lower()].tolist() for e in ELEMENTS], frame["flagged"].tolist())
    links = linker.finish()
    with writing(AtomicOutput(output), format_of(output, output_format)) as writer:
        start = 0
        for chunk in TableReader(input, input_format, encoding, chunksize).chunks():
            frame = chunk.frame.reset_index(drop=True)
            added = pd.DataFrame(links.columns(start, start + len(frame), contacts))
            writer.write(pd.concat([frame.drop(columns=[c for c in added.columns if c in frame.columns]), added], axis=1))
            start += len(frame)
    multi = links.sizes >= 2
    groups = links.group_sizes >= 2
    return LinkSummary(
        rows=len(links),
        clusters=int(multi.sum()),
        linked_ads=int(links.sizes[multi].sum()),
        contact_groups=int(groups.sum()),
        linked_by_contact=int(links.group_sizes[groups].sum()),
        seconds=time.perf_counter() - started,
        links=links,
    )


def score_and_link(
    input: str | Path,
    output: str | Path,
    *,
    text_column: str = "text",
    region: str | None = None,
    contacts: str = "hashed",
    threshold: float = THRESHOLD,
    output_format: str | None = None,
    **score_options,
):
    """``screener score --link``: score `input` into a temporary file beside `output`, then link it.

    Parameters
    ----------
    input, output : str or Path
        As for `screener.batch.score_file`.
    text_column, output_format
        As for `screener.batch.score_file`.
    region, contacts, threshold
        As for `link_file`.
    **score_options
        The other options of `screener.batch.score_file` (model, profile, redact, engine, ...).

    Returns
    -------
    (BatchSummary, LinkSummary)
    """
    from screener.batch import score_file

    if contacts not in CONTACT_MODES:
        raise InputError(f"unknown --contacts {contacts!r}; use one of {', '.join(CONTACT_MODES)}")
    if contacts == "plain" and score_options.get("redact"):
        raise InputError("--contacts plain would write the contact details that --redact masks; use --contacts hashed or none")
    output = Path(output)
    fmt = format_of(output, output_format)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".link-") as folder:
        scored = Path(folder) / f"scored.{fmt}"
        batch = score_file(input, scored, text_column=text_column, output_format=fmt, **score_options)
        links = link_file(scored, output, text_column=text_column, region=region, contacts=contacts, threshold=threshold, input_format=fmt, output_format=fmt)
    return batch, links


def run_link(
    input: str | Path,
    out: str | Path,
    *,
    text_column: str = "text",
    model: str | Path | None = None,
    region: str | None = None,
    contacts: str = "hashed",
    threshold: float = THRESHOLD,
    input_format: str | None = None,
    encoding: str = "utf-8",
    workers: int = 1,
) -> tuple[LinkSummary, Path]:
    """The ``screener link`` command: score `input` unless it is scored, link it, write a report.

    Writes into the folder `out`: ``linked.csv`` (every row with the result and linking
    columns), ``report.html`` and its figures.

    Returns
    -------
    (LinkSummary, Path)
        What linking found, and the report's path.
    """
    from screener.linking.report import write_link_report

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    reader = TableReader(input, input_format, encoding)
    scored = Path(input)
    if not all(c in reader.columns for c in _SCORED_COLUMNS):
        from screener.batch import score_file

        scored = out / "scored.csv"
        score_file(input, scored, text_column=text_column, model=model, input_format=input_format, encoding=encoding, workers=workers)
        input_format, encoding = None, "utf-8"
    linked = out / "linked.csv"
    summary = link_file(scored, linked, text_column=text_column, region=region, contacts=contacts, threshold=threshold, input_format=input_format, encoding=encoding)
    report = write_link_report(linked, summary.links, out, text_column=text_column)
    return summary, report
