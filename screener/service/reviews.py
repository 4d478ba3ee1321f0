"""The reviews store: moderators' decisions on SQLite (standard library ``sqlite3``).

A review keeps what is needed to hand a flagged ad on as a record and to re-check it later
against the same bundle: the ad text and its sha256, the full result dict (JSON), the model's
name, version and sha256 (of ``model.npz``) and the bundle's manifest digest, the threshold
profile, the decision, the elements the reviewer saw, a note, the caller's ad id, and UTC times.

One review per ad: posting a decision again for the same ``ad_id`` and text updates the review
(``updated_at`` moves, ``created_at`` stays). Every operation opens its own connection, in WAL
mode with a busy timeout, so threads and server processes can share one file; the writes of one
process take turns on a lock rather than in SQLite's busy loop, which sleeps. Commits are synced
to disk (SQLite's default ``synchronous=FULL``): a recorded review survives a power cut.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from screener.errors import InputError

__all__ = ["DECISIONS", "ELEMENTS", "Review", "ReviewStore", "text_sha256"]

#: What a reviewer can decide.
DECISIONS = ("suspicious", "not_suspicious", "unsure")
#: The legal elements a reviewer can name (Palermo Protocol Art. 3(a)).
ELEMENTS = ("ACT", "MEANS", "PURPOSE")
_SCHEMA_VERSION = 1
_BUSY_MS = 30_000

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ad_id TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN {DECISIONS}),
    elements TEXT NOT NULL DEFAULT '',
    ad_type TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    risk REAL NOT NULL,
    result TEXT NOT NULL,
    model_name TEXT NOT NULL,
    model_version TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL,
    profile TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (ad_id, text_sha256)
);
PRAGMA user_version = {_SCHEMA_VERSION};
"""

_COLUMNS = (
    "id, ad_id, text, text_sha256, decision, elements, ad_type, note, risk, result, "
    "model_name, model_version, model_sha256, bundle_sha256, profile, created_at, updated_at"
)


def text_sha256(text: str) -> str:
    """The sha256 (hex) of the ad text as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Review:
    """One stored review.

    Attributes
    ----------
    id : int
    ad_id, text, text_sha256 : str
        The caller's ad id ("" when none was given), the ad as screened, and its sha256.
    decision : str
        One of `DECISIONS`.
    elements : tuple of str
        The elements the reviewer saw (empty when not stated).
    ad_type, note : str
        The reviewer's ad type and note ("" when not given).
    risk : float
        The model's risk when the review was recorded.
    result : dict
        The full result (``ScreeningResult.to_dict()``) the reviewer saw.
    model_name, model_version, model_sha256, bundle_sha256, profile : str
        The bundle that produced `result` (``model.npz`` sha256 and manifest digest) and the profile.
    created_at, updated_at : str
        UTC times, ISO 8601.
    """

    id: int
    ad_id: str
    text: str
    text_sha256: str
    decision: str
    elements: tuple[str, ...]
    ad_type: str
    note: str
    risk: float
    result: dict[str, Any]
    model_name: str
    model_version: str
    model_sha256: str
    bundle_sha256: str
    profile: str
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Review":
        data = dict(row)
        data["elements"] = tuple(e for e in data["elements"].split(";") if e)
        data["result"] = json.loads(data["result"])
        return cls(**data)

    def to_dict(self, with_result: bool = True) -> dict[str, Any]:
        """A JSON-ready dict; the result dict is left out when `with_result` is false."""
        data = {
            "id": self.id,
            "ad_id": self.ad_id,
            "text": self.text,
            "text_sha256": self.text_sha256,
            "decision": self.decision,
            "elements": list(self.elements),
            "ad_type": self.ad_type,
            "note": self.note,
            "risk": self.risk,
            "model": {"name": self.model_name, "version": self.model_version, "sha256": self.model_sha256, "bundle_sha256": self.bundle_sha256},
            "profile": self.profile,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
        if with_result:
            data["result"] = self.result
        return data


class ReviewStore:
    """Reviews in one SQLite file, created on first use.

    Parameters
    ----------
    path : str or Path
        The database file; its folder must exist.

    Raises
    ------
    InputError
        If the file cannot be opened as a reviews database.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._writing = threading.Lock()
        if not self.path.parent.is_dir():
            raise InputError(f"cannot keep reviews in {self.path}: the folder {self.path.parent} does not exist")
        try:
            with closing(self._connect()) as connection:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise InputError(f"{self.path} is not a reviews database ({error}); give another --db file") from None

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=_BUSY_MS / 1000, isolation_level=None)
        connection.row_factory = sqlite3.Row
        connection.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        return connection

    def save(
        self,
        text: str,
        decision: str,
        result: dict[str, Any],
        model: dict[str, str],
        profile: str,
        elements: tuple[str, ...] = (),
        ad_type: str = "",
        note: str = "",
        ad_id: str = "",
    ) -> tuple[Review, bool]:
        """Store a decision on an ad; return the review and whether it is new (else updated).

        `model` holds ``name``, ``version``, ``sha256`` and ``bundle_sha256``.
        """
        if decision not in DECISIONS:
            raise InputError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
        now = _now()
        values = (
            ad_id, text, text_sha256(text), decision, ";".join(elements), ad_type, note, float(result["risk"]),
            json.dumps(result, ensure_ascii=False), model["name"], model["version"], model["sha256"], model["bundle_sha256"],
            profile, now, now,
        )  # fmt: skip
        with self._writing, closing(self._connect()) as connection:
            row = connection.execute(
                f"INSERT INTO reviews ({_COLUMNS.removeprefix('id, ')}) VALUES ({', '.join('?' * len(values))}) "
                "ON CONFLICT (ad_id, text_sha256) DO UPDATE SET decision = excluded.decision, elements = excluded.elements, "
                "ad_type = excluded.ad_type, note = excluded.note, risk = excluded.risk, result = excluded.result, "
                "model_name = excluded.model_name, model_version = excluded.model_version, model_sha256 = excluded.model_sha256, "
                "bundle_sha256 = excluded.bundle_sha256, profile = excluded.profile, updated_at = excluded.updated_at "
                f"RETURNING {_COLUMNS}",
                values,
            ).fetchone()
        review = Review.from_row(row)
        return review, review.created_at == now

    def get(self, review_id: int) -> Review | None:
        """The review with this id, or None."""
        with closing(self._connect()) as connection:
            row = connection.execute(f"SELECT {_COLUMNS} FROM reviews WHERE id = ?", (review_id,)).fetchone()
        return Review.from_row(row) if row else None

    def delete(self, review_id: int) -> bool:
        """Delete a review (ad text included); False when there was none with this id."""
        with self._writing, closing(self._connect()) as connection:
            return connection.execute("DELETE FROM reviews WHERE id = ?", (review_id,)).rowcount > 0

    def count(self) -> int:
        """The number of reviews."""
        with closing(self._connect()) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])

    def page(self, limit: int, offset: int = 0) -> list[Review]:
        """Reviews by id, newest first, `limit` from `offset`."""
        with closing(self._connect()) as connection:
            rows = connection.execute(f"SELECT {_COLUMNS} FROM reviews ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        return [Review.from_row(row) for row in rows]

    def __iter__(self) -> Iterator[Review]:
        """Every review, oldest first, read in pages so memory stays flat."""
        last = 0
        while True:
            with closing(self._connect()) as connection:
                rows = connection.execute(f"SELECT {_COLUMNS} FROM reviews WHERE id > ? ORDER BY id LIMIT 500", (last,)).fetchall()
            if not rows:
                return
            for row in rows:
                yield Review.from_row(row)
            last = rows[-1]["id"]
