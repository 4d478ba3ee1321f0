"""Write tables of ads: to a temporary file beside the target that replaces the target only on
success (`AtomicOutput`), in chunks (`TableWriter`), as CSV, TSV, JSON lines or Parquet."""

from __future__ import annotations

import gzip
import io
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Iterator

from screener.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AtomicOutput", "TableWriter", "writing"]


class AtomicOutput:
    """A temporary file beside `path` that replaces `path` only on `commit`.

    Creating it proves the target folder is writable, before any work.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise InputError(f"output {self.path} is a folder; give a file name")
        folder = self.path.parent
        self.temporary = folder / f".{self.path.name}.{os.getpid()}.partial"
        try:
            self.temporary.open("wb").close()
        except OSError as error:
            raise InputError(f"cannot write the output {self.path}: {error.strerror}") from None

    def commit(self) -> None:
        """Move the finished file onto the target."""
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        """Remove the temporary file."""
        self.temporary.unlink(missing_ok=True)


class TableWriter:
    """Appends chunks (DataFrames with the same columns) to one file of `fmt`.

    Parameters
    ----------
    path : Path
        Where to write (usually `AtomicOutput.temporary`).
    fmt : str
        One of `FORMATS`.
    compress : bool
        Gzip the text formats.
    """

    def __init__(self, path: Path, fmt: str, compress: bool = False) -> None:
        self.path = path
        self.format = fmt
        self.compress = compress
        self._handle: IO[str] | None = None
        self._raw: IO[bytes] | None = None
        self._parquet = None
        self._schema = None
        self._columns: list[str] | None = None

    def write(self, frame: pd.DataFrame) -> None:
        """Append the rows of `frame`."""
        if self._columns is None:
            self._columns = list(frame.columns)
        frame = frame[self._columns]
        if self.format == "parquet":
            self._write_parquet(frame)
            return
        if self._handle is None:
            self._raw = binary = open(self.path, "wb")
            if self.compress:  # no file name or time in the gzip header: the same rows give the same bytes
                binary = gzip.GzipFile(filename="", mode="wb", fileobj=binary, mtime=0)
            self._handle = io.TextIOWrapper(binary, encoding="utf-8", newline="")
            first = True
        else:
            first = False
        if self.format == "jsonl":
            for record in frame.to_dict(orient="records"):
                self._handle.write(json.dumps({k: _plain(v) for k, v in record.items()}, ensure_ascii=False) + "\n")
        else:
            frame.to_csv(self._handle, sep="\t" if self.format == "tsv" else ",", index=False, header=first, lineterminator="\n")

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        frame = frame.apply(_strings_if_mixed)
        if self._parquet is None:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
            self._schema = pa.schema(fields)
            self._parquet = pq.ParquetWriter(self.path, self._schema)
        self._parquet.write_table(pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False))

    def close(self) -> None:
        """Flush and close the file (an empty table still gets its header)."""
        if self._handle is not None:
            self._handle.close()
            self._raw.close()
        if self._parquet is not None:
            self._parquet.close()


@contextmanager
def writing(target: AtomicOutput, fmt: str) -> Iterator[TableWriter]:
    """A `TableWriter` into `target`'s temporary file: committed onto the target when the block
    ends normally, discarded when it raises (gzip when the target's name ends in ``.gz``)."""
    writer = TableWriter(target.temporary, fmt, compress=str(target.path).lower().endswith(".gz"))
    try:
        yield writer
    except BaseException:
        writer.close()
        target.discard()
        raise
    writer.close()
    target.commit()


def _strings_if_mixed(column: pd.Series) -> pd.Series:
    """A column of text with some numbers in it (JSON lines allow both) as text, missing values kept."""
    if column.dtype != object or all(isinstance(v, str) for v in column if v is not None and v == v):
        return column
    return column.map(lambda v: v if v is None or (isinstance(v, float) and v != v) else str(v))


def _plain(value):
    """A JSON-ready value (NaN -> None, numpy scalars -> Python)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value
