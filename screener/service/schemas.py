"""Requests of the service (pydantic models) and its limits.

A text over `MAX_TEXT_CHARS` or a batch over `MAX_BATCH_TEXTS` is answered 413 by the app (not
422), so the text fields carry no length limit here; every other field has one.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from screener.evidence import MAX_TEXT_CHARS

__all__ = ["MAX_TEXT_CHARS", "MAX_BATCH_TEXTS", "MAX_BODY_BYTES", "MAX_NOTE_CHARS", "MAX_AD_ID_CHARS", "MAX_PAGE", "ScreenRequest", "BatchRequest", "ReviewRequest"]

#: Texts in one ``POST /v1/screen/batch``.
MAX_BATCH_TEXTS = 100
#: Bytes of one request body (a full batch of long texts fits).
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_NOTE_CHARS = 2_000
MAX_AD_ID_CHARS = 200
#: Reviews in one page of ``GET /v1/reviews``.
MAX_PAGE = 500

Profile = Literal["balanced", "high_precision", "high_recall"]
Decision = Literal["suspicious", "not_suspicious", "unsure"]
Element = Literal["ACT", "MEANS", "PURPOSE"]
AdType = Literal["job", "dating", "marriage", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScreenRequest(_Strict):
    """``POST /v1/screen``: one ad."""

    text: str = Field(description=f"The ad as the moderator sees it; at most {MAX_TEXT_CHARS:,} characters.")
    profile: Optional[Profile] = Field(None, description="Threshold profile; the service's when omitted.")


class BatchRequest(_Strict):
    """``POST /v1/screen/batch``: several ads, screened in order."""

    texts: list[str] = Field(description=f"At most {MAX_BATCH_TEXTS} ads of at most {MAX_TEXT_CHARS:,} characters each.")
    profile: Optional[Profile] = None


class ReviewRequest(_Strict):
    """``POST /v1/reviews``: a moderator's decision on an ad (screened again by the service)."""

    text: str = Field(description=f"The ad; at most {MAX_TEXT_CHARS:,} characters.")
    decision: Decision
    elements: Optional[list[Element]] = Field(None, max_length=3, description="The legal elements the reviewer sees in the ad.")
    ad_type: Optional[AdType] = Field(None, description="The ad type as the reviewer sees it; the model's when omitted.")
    note: Optional[str] = Field(None, max_length=MAX_NOTE_CHARS)
    ad_id: Optional[str] = Field(None, max_length=MAX_AD_ID_CHARS, description="Your id of the ad; a second decision on the same ad_id and text updates the review.")
    profile: Optional[Profile] = None
