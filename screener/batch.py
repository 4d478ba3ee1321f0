"""Batch scoring: a pandas frame (`score_frame`) or a file of millions of ads (`score_file`).

Every input row comes out once, in input order, with its result or with the reason it has none
(`status` empty, truncated or error). Files stream in chunks, so memory stays flat; ``workers``
processes each load the model once and send back only result rows; the ``dask`` engine scores
partitions on a Dask cluster with the same row function, so the numbers are identical.
"""

from __future__ import annotations

import gc
import json
import math
import multiprocessing
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import pandas as pd

from screener.bundle import verify_bundle
from screener.errors import InputError
from screener.rows import (
    RESULT_COLUMNS,
    blank_row,
    load_process_screener,
    output_frame,
    process_screener,
    process_settings,
    renamed_clashes,
    score_texts,
)
from screener.scorer import PROFILES
from screener.screening import Screener, model_folder
from screener.table_output import AtomicOutput, writing
from screener.tables import TableReader, format_of

__all__ = ["BatchSummary", "score_frame", "score_file"]

_TASK_ROWS = 256  # rows per task sent to a worker process
_YOUNG = 50_000  # allocations between collections of young objects in a scoring process
_ELEMENTS = ("ACT", "MEANS", "PURPOSE")


def _check_text_column(columns: Sequence[str], text_column: str) -> None:
    if text_column not in columns:
        shown = ", ".join(map(str, columns[:30])) or "none"
        raise InputError(f"no text column {text_column!r} in the input; its columns are: {shown} (choose one with --text-column, or text_column= from Python)")


def _check_profile(profile: str | None) -> None:
    if profile is not None and profile not in PROFILES:
        raise InputError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")


def score_frame(
    frame: pd.DataFrame,
    *,
    text_column: str = "text",
    model: str | Path | Screener | None = None,
    profile: str | None = None,
    redact: bool = False,
) -> pd.DataFrame:
    """Score the ads of a DataFrame.

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
        One ad per row; a Series is read as the text column.
    text_column : str
        The column holding the ad text.
    model : str, Path or Screener, optional
        A bundle folder or a `Screener`; the default model when omitted.
    profile : str, optional
        Threshold profile; the model's default ("balanced") when omitted.
    redact : bool
        Mask contact details in the evidence and the summary.

    Returns
    -------
    pandas.DataFrame
        The input columns (any named like a result column get the suffix ``_input``), then
        `RESULT_COLUMNS`, in the input's order and index.
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(text_column)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"score_frame() expects a pandas DataFrame or Series, got {type(frame).__name__}")
    _check_text_column(list(frame.columns), text_column)
    _check_profile(profile)
    screener = model if isinstance(model, Screener) else Screener(model)
    rows = score_texts(screener, frame[text_column].tolist(), redact, profile)
    return output_frame(renamed_clashes(frame), rows)


@dataclass
class BatchSummary:
    """What a batch run did."""

    rows: int = 0
    flagged: int = 0
    statuses: Counter = field(default_factory=Counter)
    ad_types: Counter = field(default_factory=Counter)
    elements: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, frame: pd.DataFrame) -> None:
        """Count the result columns of an output chunk."""
        self.rows += len(frame)
        self.flagged += int(frame["flagged"].fillna(False).astype(bool).sum())
        self.statuses.update(frame["status"].tolist())
        self.ad_types.update(v for v in frame["ad_type"].tolist() if isinstance(v, str))
        for element in _ELEMENTS:
            self.elements[element] += int(frame[element.lower()].fillna(False).astype(bool).sum())

    def to_dict(self) -> dict:
        """A JSON-ready view."""
        return {
            "rows": self.rows,
            "flagged": self.flagged,
            "statuses": dict(self.statuses),
            "ad_types": dict(self.ad_types),
            "elements": dict(self.elements),
            "seconds": round(self.seconds, 3),
        }

    def __str__(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()))
        types = ", ".join(f"{k} {v}" for k, v in sorted(self.ad_types.items())) or "none"
        elements = ", ".join(f"{k} {self.elements[k]}" for k in _ELEMENTS)
        return (
            f"{self.rows} rows, {self.flagged} flagged, {self.statuses.get('error', 0)} errors ({statuses})\n"
            f"ad types: {types}\nelements present: {elements}\n"
            f"{self.seconds:.1f} s ({rate:.0f} rows/s)"
        )


def _start_worker(model: str | None, profile: str | None, redact: bool) -> None:
    """A worker's start (or this process's, until `_end_local_run`): its screener loaded and
    pipeline built with the garbage collector paused (loading makes some 400,000 objects that live
    on; the collector's passes over them took 0.5 s), then left out of its passes (`gc.freeze`; a
    full pass over them costs about 0.15 s, and a 15,000-row run made 14); young objects are
    collected every `_YOUNG` allocations (most die with their chunk before that: GC time of
    15,000 rows 0.6 -> 0.1 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        load_process_screener(model, profile, redact)
        process_screener().screen_batch(["", ""])
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    gc.set_threshold(_YOUNG, *gc.get_threshold()[1:])


def _end_local_run(thresholds: tuple[int, ...]) -> None:
    """Undo `_start_worker` in this process: its objects back in the collector's passes, its
    thresholds back to `thresholds`."""
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def _score_task(texts: list) -> list[dict]:
    return score_texts(process_screener(), texts, *process_settings())


def _tasks(chunk_texts: list) -> list[list]:
    return [chunk_texts[i : i + _TASK_ROWS] for i in range(0, len(chunk_texts), _TASK_ROWS)]


def _progress(known_rows: int | None, quiet: bool):
    from tqdm import tqdm

    disable = quiet or not sys.stderr.isatty()
    return tqdm(total=known_rows, unit=" ads", disable=disable, file=sys.stderr, smoothing=0.1, dynamic_ncols=True)


def score_file(
    input: str | Path,
    output: str | Path,
    *,
    text_column: str = "text",
    id_column: str | None = None,
    model: str | Path | None = None,
    profile: str | None = None,
    redact: bool = False,
    input_format: str | None = None,
    output_format: str | None = None,
    encoding: str = "utf-8",
    chunksize: int = 10_000,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    quiet: bool = True,
) -> BatchSummary:
    """Score every ad of a CSV, TSV, JSON lines or Parquet file into another such file.

    Parameters
    ----------
    input, output : str or Path
        Files; the formats come from the extensions (``.gz`` allowed for text formats) unless
        given. The output is written beside the target and moved there only on success. With
        the dask engine the input may be a URL (``s3://...``) that every worker can read.
    text_column : str
        The column holding the ad text.
    id_column : str, optional
        A column that must exist (checked before any work), for joining results back.
    model : str or Path, optional
        A bundle folder; the default model when omitted.
    profile : str, optional
        Threshold profile ("balanced" when omitted).
    redact : bool
        Mask contact details in the evidence and the summary.
    input_format, output_format : str, optional
        One of ``csv``, ``tsv``, ``jsonl``, ``parquet``.
    encoding : str
        Encoding of a text input; the output is UTF-8.
    chunksize : int
        Rows read, scored and written at a time.
    workers : int
        Worker processes (each loads the model once).
    engine : str
        ``local`` or ``dask``.
    scheduler : str, optional
        Address of a running Dask scheduler; a `LocalCluster` with `workers` workers otherwise.
    quiet : bool
        No progress bar.

    Returns
    -------
    BatchSummary

    Raises
    ------
    InputError
        Bad options, a missing column, an undecodable file or an unwritable output, before
        the output target is touched.
    """
    started = time.perf_counter()
    _check_profile(profile)
    if engine not in ("local", "dask"):
        raise InputError(f"unknown engine {engine!r}; use local or dask")
    if workers < 1:
        raise InputError("--workers must be at least 1")
    if engine == "dask":
        from screener.dask_engine import read_with_dask, score_with_dask

        source = read_with_dask(str(input), format_of(input, input_format), encoding)
        columns = [str(c) for c in source.columns]
    else:
        reader = TableReader(input, input_format, encoding, chunksize)
        columns = reader.columns
    _check_text_column(columns, text_column)
    if id_column is not None and id_column not in columns:
        raise InputError(f"no id column {id_column!r} in the input; its columns are: {', '.join(columns)}")
    fmt = format_of(output, output_format)
    target = AtomicOutput(output)  # an unwritable output fails here, before any work
    model_path = str(model) if model is not None else None
    try:
        verify_bundle(model_folder(model_path))  # a missing or tampered model fails before any scoring
    except BaseException:
        target.discard()
        raise
    summary = BatchSummary()
    with writing(target, fmt) as writer:
        if engine == "dask":
            frames = score_with_dask(source, text_column, model_path, profile, redact, workers, scheduler)
        else:
            frames = _score_locally(reader, text_column, model_path, profile, redact, workers, quiet)
        wrote = False
        for frame in frames:
            writer.write(frame)
            summary.add(frame)
            wrote = True
        if not wrote:
            writer.write(output_frame(renamed_clashes(pd.DataFrame(columns=columns)), []))
    summary.seconds = time.perf_counter() - started
    return summary


#: Why worker processes could not start, and the fix.
_UNGUARDED = (
    "worker processes could not start: a script that calls score_file(..., workers=N) must do so under "
    "`if __name__ == \"__main__\":` (each worker imports the script again), or use workers=1"
)


def _output(chunk, readable: list[int], parts: Iterable[list[dict]], reader: TableReader, progress) -> pd.DataFrame:
    """The output frame of a read chunk, from the rows of its readable texts in parts (one part,
    or the workers' tasks)."""
    rows = [blank_row("error", error) for error in chunk.errors]
    for i, row in zip(readable, (row for part in parts for row in part)):
        if chunk.notes[i] is not None and row["status"] != "error":
            row["error"] = chunk.notes[i]
        rows[i] = row
    progress.update(len(rows))
    if reader.format != "parquet":
        progress.total = reader.total_rows(progress.n)
    return output_frame(renamed_clashes(chunk.frame), rows)


def _score_locally(reader: TableReader, text_column: str, model: str | None, profile: str | None, redact: bool, workers: int, quiet: bool) -> Iterator[pd.DataFrame]:
    """Scored chunks in input order, in this process or in `workers` processes."""
    progress = _progress(reader.total_rows(), quiet)
    pool = None
    if workers > 1:
        if multiprocessing.parent_process() is not None:
            raise InputError(_UNGUARDED)
        context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        if os.name == "posix":  # imported once by the fork server, not by each worker
            context.set_forkserver_preload(["screener.batch"])
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(model, profile, redact))
    else:  # this process scores, set up as a worker
        thresholds = gc.get_threshold()
        _start_worker(model, profile, redact)
    try:
        pending = None  # with workers: the chunk being scored while the one before is written
        for chunk in reader.chunks():
            texts = chunk.frame[text_column].tolist()
            readable = [i for i, error in enumerate(chunk.errors) if error is None]
            wanted = [texts[i] for i in readable]
            if pool is None:
                yield _output(chunk, readable, [_score_task(wanted)], reader, progress)
                continue
            try:
                parts = pool.map(_score_task, _tasks(wanted))
                if pending is not None:
                    yield _output(*pending, reader, progress)
            except BrokenProcessPool:
                raise InputError(_UNGUARDED) from None
            pending = (chunk, readable, parts)
        if pending is not None:
            try:
                yield _output(*pending, reader, progress)
            except BrokenProcessPool:
                raise InputError(_UNGUARDED) from None
    finally:
        progress.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        else:
            _end_local_run(thresholds)
