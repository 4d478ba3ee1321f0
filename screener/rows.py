"""Result rows: the output columns of screened ads, and the model each process scores with.

Both batch engines (local worker processes and Dask partitions) score through `score_texts` with
the process's own `Screener`, loaded once (`load_process_screener`): the model never travels.
"""

from __future__ import annotations

import json
import math
import re
from typing import Sequence

import pandas as pd

from screener.errors import ScreenerError
from screener.evidence import MAX_TEXT_CHARS
from screener.explain import Explained
from screener.language import is_supported
from screener.redact import contact_spans, redact_spans
from screener.results import ScreeningResult
from screener.screening import Screener

__all__ = [
    "RESULT_COLUMNS",
    "blank_row",
    "result_row",
    "score_texts",
    "output_frame",
    "renamed_clashes",
    "load_process_screener",
    "process_screener",
    "process_settings",
]

#: The columns added after the input's own, in this order.
RESULT_COLUMNS = ("risk", "flagged", "level", "ad_type", "language", "act", "means", "purpose", "child_branch", "indicators", "evidence", "summary", "status", "error")


def blank_row(status: str, error: str | None) -> dict:
    row = dict.fromkeys(RESULT_COLUMNS)
    row.update(risk=math.nan, flagged=False, status=status, error=error)
    return row


_QUOTED = re.compile(r"'([^']*)'")


def _mask_contact_cues(summary: str, contact_words: set[str]) -> str:
    """The summary with every quoted cue that holds a word of a contact detail ("7700", "zero
    seven") replaced by ``'[contact]'``: a fragment of a phone number is still a phone number."""
    if not contact_words:
        return summary
    return _QUOTED.sub(lambda m: "'[contact]'" if contact_words & {w.lower() for w in re.findall(r"\w+", m.group(1))} else m.group(0), summary)


def result_row(result: ScreeningResult | Explained, text: str, redact: bool = False) -> dict:
    """The output columns of one screened ad.

    Parameters
    ----------
    result : ScreeningResult or Explained
        The screening of `text` (or the part of it a row reads, `Screener.explain_rows`).
    text : str
        The ad (for redaction).
    redact : bool
        Mask phone numbers, emails, handles and links in the evidence and the summary.
    """
    summary = result.summary
    evidence = [
        {"indicator": h.indicator, "element": h.element, "start": h.start, "end": h.end, "text": h.text, "negated": h.negated, "contribution": round(h.contribution, 6)}
        for h in result.hits
    ]
    if redact:
        spans = contact_spans(text)
        for item in evidence:
            inside = [(max(s, item["start"]) - item["start"], min(e, item["end"]) - item["start"], k) for s, e, k in spans if s < item["end"] and item["start"] < e]
            masked = redact_spans(item["text"], inside)
            summary = summary.replace(item["text"], masked)
            item["text"] = masked
        summary = redact_spans(summary, contact_spans(summary))
        summary = _mask_contact_cues(summary, {word.lower() for s, e, _ in spans for word in re.findall(r"\w+", text[s:e])})
    live = [h for h in result.hits if not h.negated]
    return {
        "risk": result.risk,
        "flagged": result.flagged,
        "level": result.level,
        "ad_type": result.ad_type,
        "language": result.language,
        "act": result.elements["ACT"].present,
        "means": result.elements["MEANS"].present,
        "purpose": result.elements["PURPOSE"].present,
        "child_branch": result.child_branch,
        "indicators": ";".join(dict.fromkeys(h.indicator for h in live)),
        "evidence": json.dumps(evidence, ensure_ascii=False),
        "summary": summary,
        "status": "truncated" if len(text) > MAX_TEXT_CHARS else "ok" if is_supported(result.language) else "unsupported_language",
        "error": None,
    }


def score_texts(screener: Screener, texts: Sequence, redact: bool = False, profile: str | None = None) -> list[dict]:
    """One output row (`RESULT_COLUMNS`) per text; a missing text or one without letters gets status ``empty``,
    a failure status ``error`` with the exception's type (never the ad text).

    The readable texts are screened together (`Screener.explain_rows`: what `screen_batch` gives,
    less what no column holds); if that fails, one at a time, so that one bad row costs only its
    own result.
    """
    rows: list[dict | None] = [None] * len(texts)
    wanted: list[tuple[int, str]] = []
    for i, text in enumerate(texts):
        if text is None or (isinstance(text, float) and math.isnan(text)) or not any(char.isalpha() for char in str(text)):
            rows[i] = blank_row("empty", None)
        else:
            wanted.append((i, text if isinstance(text, str) else str(text)))
    try:
        explained = screener.explain_rows([text for _, text in wanted], profile=profile)
        done = [result_row(result, text, redact) for (_, text), result in zip(wanted, explained)]
    except Exception:
        results = [_screened(screener, text, profile) for _, text in wanted]
        done = [result if isinstance(result, dict) else result_row(result, text, redact) for (_, text), result in zip(wanted, results)]
    for (i, _), row in zip(wanted, done):
        rows[i] = row
    return rows  # type: ignore[return-value]


def _screened(screener: Screener, text: str, profile: str | None) -> ScreeningResult | dict:
    """The result of one text, or its error row."""
    try:
        return screener.screen(text, profile=profile)
    except ScreenerError as error:
        return blank_row("error", str(error))
    except Exception as error:  # one bad row must not stop millions of others
        return blank_row("error", f"internal error: {type(error).__name__}")


def output_frame(frame: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    """The input frame with the result columns of `rows` after its own."""
    results = pd.DataFrame(rows, columns=list(RESULT_COLUMNS), index=frame.index)
    return pd.concat([frame, results], axis=1)


def renamed_clashes(frame: pd.DataFrame) -> pd.DataFrame:
    """Input columns named like result columns get the suffix ``_input``."""
    clashes = {c: f"{c}_input" for c in frame.columns if c in RESULT_COLUMNS}
    return frame.rename(columns=clashes) if clashes else frame


# This process's Screener and settings (model folder, profile, redact), loaded on first use.
_process: dict = {}


def load_process_screener(model: str | None, profile: str | None, redact: bool) -> None:
    """Load this process's `Screener` unless it already has one for these settings."""
    if _process.get("settings") != (model, profile, redact):
        _process.update(settings=(model, profile, redact), screener=Screener(model))


def process_screener() -> Screener:
    """This process's `Screener` (after `load_process_screener`)."""
    return _process["screener"]


def process_settings() -> tuple[bool, str | None]:
    """(redact, profile) of this process's scoring."""
    _, profile, redact = _process["settings"]
    return redact, profile
