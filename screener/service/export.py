"""Reviews as training data: the CSV that ``screener train --data`` reads.

Columns: ``text``, ``label`` (suspicious 1, not_suspicious 0, unsure empty: training skips rows
whose ``decision`` is unsure), ``ad_type`` (the reviewer's, else the one the model read),
``elements`` (the reviewer's, else the elements the model found present; joined by ";"), then
``decision``, ``note``, ``reviewed_at`` (UTC), ``model`` (name and version), ``model_sha256``,
``risk``, ``ad_id`` and ``review_id``. The ``decision`` and ``reviewed_at`` columns mark a table as
a review export (`screener.training.REVIEW_COLUMNS`).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Iterable, Iterator

from screener.errors import InputError
from screener.service.reviews import Review, ReviewStore

__all__ = ["COLUMNS", "LABELS", "export_row", "csv_chunks", "write_export"]

COLUMNS = ("text", "label", "ad_type", "elements", "decision", "note", "reviewed_at", "model", "model_sha256", "risk", "ad_id", "review_id")
#: The training label of each decision; unsure rows have none.
LABELS = {"suspicious": "1", "not_suspicious": "0", "unsure": ""}


def export_row(review: Review) -> dict[str, str]:
    """One review as a row of the export."""
    result = review.result
    elements = review.elements or tuple(name for name, finding in result["elements"].items() if finding["present"])
    return {
        "text": review.text,
        "label": LABELS[review.decision],
        "ad_type": review.ad_type or result["ad_type"],
        "elements": ";".join(elements),
        "decision": review.decision,
        "note": review.note,
        "reviewed_at": review.updated_at,
        "model": f"{review.model_name} {review.model_version}",
        "model_sha256": review.model_sha256,
        "risk": repr(review.risk),
        "ad_id": review.ad_id,
        "review_id": str(review.id),
    }


def csv_chunks(reviews: Iterable[Review], rows_per_chunk: int = 200) -> Iterator[str]:
    """The export as CSV text, a header and then `rows_per_chunk` rows at a time."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for number, review in enumerate(reviews, start=1):
        writer.writerow(export_row(review))
        if number % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_export(db: str | Path, out: str | Path) -> int:
    """Write every review of the database `db` to the CSV `out` (replaced only when complete);
    return the number of rows."""
    db, out = Path(db), Path(out)
    if not db.is_file():
        raise InputError(f"no reviews database at {db}; give the --db file that `screener serve` wrote")
    rows = 0
    partial = out.with_name(f".{out.name}.partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for review in ReviewStore(db):
            writer.writerow(export_row(review))
            rows += 1
    os.replace(partial, out)
    return rows
