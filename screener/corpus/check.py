"""Check a labelled corpus file: schema, empty and duplicate texts, label balance, leakage."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from screener.corpus.similarity import worst_pair
from screener.errors import InputError
from screener.tables import require_columns

__all__ = ["CorpusReport", "check_corpus"]

MAX_ERRORS = 50


@dataclass(frozen=True)
class CorpusReport:
    """What `check_corpus` found.

    Attributes
    ----------
    rows : int
        Data rows read.
    errors : tuple of str
        Schema errors, each naming its line (at most `MAX_ERRORS` listed).
    error_count : int
        All schema errors, listed or not.
    empty : tuple of int
        Lines with an empty text.
    duplicates : tuple of (int, int)
        (line, line of its first occurrence) for texts seen before (case and spacing ignored).
    labels : dict
        Rows per label.
    leakage : dict
        Against a second file: exact shared texts and the worst near-duplicate similarity.
    """

    rows: int
    errors: tuple[str, ...]
    error_count: int
    empty: tuple[int, ...]
    duplicates: tuple[tuple[int, int], ...]
    labels: dict[str, int]
    leakage: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No schema errors."""
        return self.error_count == 0

    def summary(self) -> str:
        """A plain-text report."""
        lines = [f"rows: {self.rows}"]
        total = sum(self.labels.values()) or 1
        lines.append("labels: " + ", ".join(f"{k}={v} ({v / total:.1%})" for k, v in sorted(self.labels.items())))
        lines.append(f"empty texts: {len(self.empty)}" + (f" (lines {_few(self.empty)})" if self.empty else ""))
        lines.append(f"duplicate texts: {len(self.duplicates)}" + (f" (e.g. line {self.duplicates[0][0]} repeats line {self.duplicates[0][1]})" if self.duplicates else ""))
        if self.leakage:
            lines.append(f"leakage: {self.leakage['shared_texts']} texts also in {self.leakage['other']}; worst near-duplicate Jaccard {self.leakage['worst_similarity']:.2f}")
        lines.append(f"schema errors: {self.error_count}")
        lines.extend(f"  {error}" for error in self.errors)
        if self.error_count > len(self.errors):
            lines.append(f"  ... and {self.error_count - len(self.errors)} more")
        return "\n".join(lines)


def _few(lines: tuple[int, ...]) -> str:
    return ", ".join(map(str, lines[:10])) + (" ..." if len(lines) > 10 else "")


def _open(path: Path):
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    try:
        return io.StringIO(raw.decode("utf-8"), newline="")
    except UnicodeDecodeError as error:
        raise InputError(f"{path} is not UTF-8 (byte offset {error.start}); convert it to UTF-8 first") from None


def _records(path: Path, text_column: str, label_column: str):
    csv.field_size_limit(sys.maxsize)
    handle = _open(path)
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path} is empty; expected a CSV header with {text_column!r} and {label_column!r}") from None
    require_columns(header, (text_column, label_column), path, "use --text-column/--label-column")
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield header, (line, None, f"malformed CSV: {error}")
            return
        yield header, (line, row, None)
        line = reader.line_num + 1


def check_corpus(path: str | Path, text_column: str = "text", label_column: str = "label", other: str | Path | None = None) -> CorpusReport:
    """Check one labelled CSV file (optionally gzip), and its leakage into `other`.

    Raises
    ------
    InputError
        If the file cannot be read or lacks the text or label column.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    errors: list[str] = []
    error_count = 0
    empty: list[int] = []
    duplicates: list[tuple[int, int]] = []
    seen: dict[str, int] = {}
    labels: Counter = Counter()
    texts: list[str] = []
    for header, (line, row, problem) in _records(path, text_column, label_column):
        found = [problem] if problem else _row_errors(header, row, text_column, label_column)
        if found:
            error_count += len(found)
            errors.extend(f"line {line}: {message}" for message in found[: max(0, MAX_ERRORS - len(errors))])
        if row is None or len(row) != len(header):
            continue
        record = dict(zip(header, row))
        text = record[text_column]
        labels[record[label_column]] += 1
        key = " ".join(text.lower().split())
        if not key:
            empty.append(line)
            continue
        if key in seen:
            duplicates.append((line, seen[key]))
        else:
            seen[key] = line
        texts.append(text)
    leakage = _leakage(texts, Path(other), text_column) if other is not None else {}
    return CorpusReport(
        rows=sum(labels.values()),
        errors=tuple(errors),
        error_count=error_count,
        empty=tuple(empty),
        duplicates=tuple(duplicates),
        labels=dict(labels),
        leakage=leakage,
    )


def _row_errors(header: list[str], row: list[str], text_column: str, label_column: str) -> list[str]:
    if len(row) != len(header):
        return [f"{len(row)} fields, expected {len(header)}"]
    record = dict(zip(header, row))
    problems = []
    if record[label_column] not in ("0", "1"):
        problems.append(f"label {record[label_column]!r} is not 0 or 1")
    if "spans" in record and record["spans"]:
        problems.extend(_span_errors(record["spans"], record[text_column]))
    return problems


def _span_errors(raw: str, text: str) -> list[str]:
    try:
        spans = json.loads(raw)
    except json.JSONDecodeError:
        return ["spans is not valid JSON"]
    if not isinstance(spans, list):
        return ["spans is not a JSON list"]
    problems = []
    for span in spans:
        if not (isinstance(span, dict) and isinstance(span.get("start"), int) and isinstance(span.get("end"), int)):
            problems.append(f"span {span!r} lacks integer start and end")
        elif not 0 <= span["start"] < span["end"] <= len(text):
            problems.append(f"span {span['start']}-{span['end']} is outside the text of length {len(text)}")
    return problems


def _leakage(texts: list[str], other: Path, text_column: str) -> dict:
    if not other.is_file():
        raise InputError(f"{other} does not exist or is not a file")
    reader = csv.DictReader(_open(other))
    require_columns(reader.fieldnames or (), (text_column,), other, "use --text-column")
    other_texts = [row[text_column] or "" for row in reader]
    keys = {" ".join(t.lower().split()) for t in other_texts}
    shared = sum(1 for t in texts if " ".join(t.lower().split()) in keys)
    similarity = worst_pair(other_texts, texts)
    return {"other": str(other), "shared_texts": shared, "worst_similarity": round(similarity.score, 4)}
