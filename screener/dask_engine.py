"""The Dask engine of `score_file`: partitions scored with `map_partitions` on a cluster.

Each Dask worker process loads the model once, on its first partition (the model never travels
through the task graph); partitions come back to the client in input order, a few at a time, and
are written as they arrive, so the client's memory stays flat.
"""

from __future__ import annotations

from typing import Iterator

import pandas as pd

from screener.errors import InputError
from screener.rows import load_process_screener, output_frame, process_screener, renamed_clashes, score_texts

__all__ = ["read_with_dask", "score_with_dask", "score_partition"]


def score_partition(frame: pd.DataFrame, text_column: str, model: str | None, profile: str | None, redact: bool) -> pd.DataFrame:
    """Score one partition with this process's model (loaded on first use)."""
    load_process_screener(model, profile, redact)
    rows = score_texts(process_screener(), frame[text_column].tolist(), redact, profile)
    return output_frame(renamed_clashes(frame), rows)


def read_with_dask(path: str, fmt: str, encoding: str):
    """A lazy dask DataFrame of the input (a local path or a URL every worker can read)."""
    try:
        import dask
        import dask.dataframe as dd
    except ImportError:
        raise InputError("the dask engine needs Dask: pip install 'screener[dask]'") from None
    whole = path.endswith(".gz")
    try:
        with dask.config.set({"dataframe.convert-string": False}):
            if fmt == "parquet":
                return dd.read_parquet(path)
            if fmt == "jsonl":
                return dd.read_json(path, lines=True, orient="records", encoding=encoding, blocksize=None if whole else 2**24)
            return dd.read_csv(path, sep="\t" if fmt == "tsv" else ",", dtype=str, keep_default_na=False, encoding=encoding, blocksize=None if whole else "16MB")
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise InputError(f"the dask engine cannot read {path} ({type(error).__name__}); check the path and --encoding") from None


def score_with_dask(frame, text_column: str, model: str | None, profile: str | None, redact: bool, workers: int, scheduler: str | None) -> Iterator[pd.DataFrame]:
    """Scored partitions of `frame` (from `read_with_dask`) in input order.

    Parameters
    ----------
    scheduler : str, optional
        A running scheduler's address; otherwise a `LocalCluster` of `workers` processes.
    """
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"dataframe.convert-string": False}):
        meta = output_frame(renamed_clashes(frame._meta), [])
        scored = frame.map_partitions(score_partition, text_column, model, profile, redact, meta=meta)
        parts = scored.to_delayed()
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or workers)
    try:
        pending = [client.compute(part) for part in parts[:window]]
        following = window
        while pending:
            try:
                result = pending.pop(0).result()
            except (ValueError, UnicodeDecodeError) as error:
                raise InputError(
                    f"the dask engine could not read the input ({type(error).__name__}); "
                    "check --encoding, or use --engine local, which keeps malformed lines as error rows"
                ) from None
            if following < len(parts):
                pending.append(client.compute(parts[following]))
                following += 1
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
