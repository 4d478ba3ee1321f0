"""Read tables of ads: CSV, TSV, JSON lines and Parquet.

`TableReader` streams a table in chunks and never drops a row: a line that cannot be parsed comes out as a row with its line number
and an error message. A file that is not in the stated encoding raises `InputError` naming the
byte offset. `read_table` reads a whole (labelled) table through the same reader and refuses
a table with a row it cannot read; `require_columns` words every missing-column error. Writing
is in `screener.table_output`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Iterable, Iterator

from screener.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMATS", "Chunk", "TableReader", "format_of", "require_columns", "read_table", "check_labels"]

FORMATS = ("csv", "tsv", "jsonl", "parquet")
_EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
_BLOCK = 1 << 20
csv.field_size_limit(sys.maxsize)


def format_of(path: str | Path, given: str | None = None) -> str:
    """The table format: `given`, or guessed from the extension (a trailing ``.gz`` is skipped)."""
    if Path(path).is_dir():
        raise InputError(f"{path} is a folder; give a file name")
    if given:
        if given.lower() not in FORMATS:
            raise InputError(f"unknown format {given!r}; use one of {', '.join(FORMATS)}")
        return given.lower()
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]]
    raise InputError(f"cannot tell the format of {Path(path).name} from its extension; pass --format ({', '.join(FORMATS)})")


def _open_binary(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")


@dataclass
class Chunk:
    """Consecutive rows of the input.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows, with the input's columns.
    errors : list of str or None
        Why a row could not be read ("line N: ..."), or None for a readable row.
    notes : list of str or None
        What was lost of a readable row ("line N: fields ... were dropped"), or None.
    """

    frame: pd.DataFrame
    errors: list[str | None]
    notes: list[str | None]


class TableReader:
    """Streams a table in chunks of rows; `columns` is known as soon as it is opened.

    Parameters
    ----------
    path : str or Path
        The input file (``.gz`` allowed for CSV, TSV and JSON lines).
    fmt : str, optional
        One of `FORMATS`; guessed from the extension when omitted.
    encoding : str
        Encoding of text formats.
    chunksize : int
        Rows per chunk.
    """

    def __init__(self, path: str | Path, fmt: str | None = None, encoding: str = "utf-8", chunksize: int = 10_000) -> None:
        self.path = Path(path)
        self.format = format_of(self.path, fmt)
        self.encoding = encoding
        self.chunksize = max(1, int(chunksize))
        if not self.path.is_file():
            raise InputError(f"input file {self.path} does not exist")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r} (--encoding)") from None
        self.bytes_read = 0  # of the file, so far (for progress estimates)
        self.columns: list[str] = self._header()

    @property
    def size(self) -> int:
        """Size of the file in bytes."""
        return self.path.stat().st_size

    def total_rows(self, rows_read: int = 0) -> int | None:
        """The number of rows: stored (Parquet), or estimated from the bytes read so far for an
        uncompressed text file; None when unknown."""
        if self.format != "parquet":
            compressed = self.path.suffix.lower() == ".gz"
            if compressed or not rows_read or not self.bytes_read:
                return None
            return max(rows_read, round(rows_read * self.size / self.bytes_read))
        import pyarrow.parquet as pq

        return pq.ParquetFile(self.path).metadata.num_rows

    def _header(self) -> list[str]:
        if self.format == "parquet":
            import pyarrow.parquet as pq

            try:
                return list(pq.ParquetFile(self.path).schema_arrow.names)
            except Exception as error:
                raise InputError(f"{self.path.name} is not a readable Parquet file ({type(error).__name__})") from None
        for _, record in self._records():
            if self.format == "jsonl":
                return list(record.keys()) if isinstance(record, dict) else []
            return [str(name).lstrip("\ufeff") for name in record]
        return []

    def _lines(self) -> Iterator[str]:
        """Decoded lines (with their ends); a decoding error names its byte offset."""
        decoder = codecs.getincrementaldecoder(self.encoding)("strict")
        consumed = 0
        pending = ""
        with _open_binary(self.path) as stream:
            while True:
                block = stream.read(_BLOCK)
                buffered = len(decoder.getstate()[0])
                try:
                    text = decoder.decode(block, final=not block)
                except UnicodeDecodeError as error:
                    offset = consumed - buffered + error.start
                    raise InputError(
                        f"{self.path.name} is not valid {self.encoding}: undecodable byte at offset {offset}; "
                        "pass the file's encoding with --encoding (for example --encoding latin-1)"
                    ) from None
                consumed += len(block)
                self.bytes_read = consumed
                pieces = (pending + text).split("\n")
                pending = pieces.pop()
                for piece in pieces:
                    yield piece + "\n"
                if not block:
                    break
        if pending:
            yield pending

    def _records(self) -> Iterator[tuple[int, object]]:
        """(line number, parsed record) pairs; a record that cannot be parsed is an `_Unreadable`."""
        if self.format == "jsonl":
            for number, line in enumerate(self._lines(), start=1):
                if not line.strip():
                    continue
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    yield number, _Unreadable(f"line {number}: not valid JSON ({error.msg})")
            return
        lines = self._lines()
        reader = csv.reader(lines, delimiter="\t" if self.format == "tsv" else ",", strict=True)
        start = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield start, _Unreadable(f"line {start}: malformed {self.format.upper()} ({error})")
                start = reader.line_num + 1
                continue
            yield start, row
            start = reader.line_num + 1

    def chunks(self) -> Iterator[Chunk]:
        """The rows after the header, `chunksize` at a time."""
        import pandas as pd

        if self.format == "parquet":
            yield from self._parquet_chunks()
            return
        records = self._records()
        if self.format != "jsonl":
            next(records, None)  # the header
        width = len(self.columns)
        rows: list[list] = []
        errors: list[str | None] = []
        notes: list[str | None] = []
        for number, record in records:
            error = note = None
            if isinstance(record, _Unreadable):
                values: list = [None] * width
                error = record.reason
            elif self.format == "jsonl":
                if isinstance(record, dict):
                    values = [record.get(column) for column in self.columns]
                    extra = [key for key in record if key not in self.columns]
                    if extra:
                        note = f"line {number}: fields not in the first record were dropped: {', '.join(map(str, extra[:5]))}"
                else:
                    values, error = [None] * width, f"line {number}: not a JSON object"
            else:
                if not record:
                    continue  # a blank line
                values = list(record[:width]) + [None] * (width - len(record))
                if len(record) != width:
                    error = f"line {number}: expected {width} fields, found {len(record)}"
            rows.append(values)
            errors.append(error)
            notes.append(note)
            if len(rows) == self.chunksize:
                yield Chunk(pd.DataFrame(rows, columns=self.columns, dtype=object), errors, notes)
                rows, errors, notes = [], [], []
        if rows:
            yield Chunk(pd.DataFrame(rows, columns=self.columns, dtype=object), errors, notes)

    def _parquet_chunks(self) -> Iterator[Chunk]:
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(self.path).iter_batches(batch_size=self.chunksize):
            frame = batch.to_pandas()
            yield Chunk(frame, [None] * len(frame), [None] * len(frame))


@dataclass(frozen=True)
class _Unreadable:
    reason: str


def require_columns(columns: Iterable[str], wanted: Iterable[str], source: str | Path, hint: str = "") -> None:
    """Raise `InputError` naming the `wanted` columns that `columns` lacks, and the columns there are.

    `hint` says how to choose another column ("use --text-column").
    """
    columns = [str(c) for c in columns]
    missing = [c for c in wanted if c not in columns]
    if missing and not columns:
        raise InputError(f"{source} is empty: it has no header line naming its columns")
    if missing:
        shown = ", ".join(columns[:30]) or "none"
        raise InputError(f"no column {', '.join(map(repr, missing))} in {source}; its columns are: {shown}" + (f"; {hint}" if hint else ""))


def read_table(path: str | Path, required: Iterable[str] = (), fmt: str | None = None, encoding: str = "utf-8", hint: str = "") -> pd.DataFrame:
    """A whole table, every value a str ("" where empty), with at least the `required` columns.

    Parameters
    ----------
    path : str or Path
        CSV, TSV, JSON lines or Parquet (see `format_of`).
    required : iterable of str
        Columns the table must have (see `require_columns`, with `hint`).
    fmt, encoding : str, optional
        As for `TableReader`; a file whose extension names no format is read as CSV.

    Raises
    ------
    InputError
        If the file is missing or undecodable, lacks a required column, or has a row that
        cannot be read (naming its line).
    """
    import pandas as pd

    known = fmt or Path(path).suffix.lower() in _EXTENSIONS or "".join(Path(path).suffixes[-2:-1]).lower() in _EXTENSIONS
    reader = TableReader(path, fmt if known else "csv", encoding, chunksize=100_000)
    require_columns(reader.columns, required, reader.path, hint)
    frames = []
    for chunk in reader.chunks():
        error = next((e for e in chunk.errors if e is not None), None)
        if error is not None:
            raise InputError(f"{reader.path}: {error}; fix or remove that row")
        frames.append(chunk.frame)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=reader.columns, dtype=object)
    if reader.format in ("jsonl", "parquet"):  # values of other types than str, or missing
        frame = frame.astype(object).where(frame.notna(), "").map(str)
    return frame.astype(str)


def check_labels(frame: pd.DataFrame, column: str, source: str | Path) -> None:
    """Raise `InputError` unless `column` of `frame` holds 0 or 1 in every row (naming the first row that does not)."""
    bad = ~frame[column].isin(["0", "1"])
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise InputError(f"column {column} of {source} must hold 0 or 1 in every row; row {row + 1} holds {frame[column].iloc[row]!r}")
