"""Mask contact details (phone numbers, emails, messenger handles, links) in ad text.

Matching runs on the normalized text, so spelled-out ("zero seven seven ..."), spaced
("0 7 7 ...") and look-alike contact details are found too; the masks are applied to the
original text through the normalizer's offset map.
"""

from __future__ import annotations

import re

from screener.normalize import normalize

__all__ = ["CONTACT_PATTERNS", "contact_spans", "redact", "redact_spans"]

#: Kind of contact detail -> pattern on normalized text. Earlier kinds win overlaps.
CONTACT_PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[\w.+-]+ ?@ ?[\w-]+(?: ?\. ?[a-z]{2,})+", re.IGNORECASE),
    "link": re.compile(
        r"(?:https?://|www\.|\b(?:t|wa|m)\.me/)[^\s<>\"']*[^\s<>\"'.,;:!?)]"
        r"|\b[\w-]+\.(?:com|net|org|info|biz|io|me|ly|co|app|site)\b(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?",
        re.IGNORECASE,
    ),
    "handle": re.compile(r"(?<![\w.@])@[a-z_][\w.]{2,}", re.IGNORECASE),
    "phone": re.compile(r"(?<![\w])\+?\d(?:[\s().-]{0,2}\d){6,}(?!\w)"),
}


def contact_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, kind)`` of contact details in `text`, sorted, not overlapping."""
    normalized = normalize(text)
    found: list[tuple[int, int, str]] = []
    for kind, pattern in CONTACT_PATTERNS.items():
        for match in pattern.finditer(normalized.text):
            start, end = normalized.to_original(*match.span())
            if start < end and not any(start < e and s < end for s, e, _ in found):
                found.append((start, end, kind))
    return sorted(found)


def redact_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with each span replaced by ``[kind]``."""
    pieces, position = [], 0
    for start, end, kind in spans:
        pieces.append(text[position:start])
        pieces.append(f"[{kind}]")
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def redact(text: str) -> str:
    """Mask phone numbers, emails, messenger handles and links in `text`.

    Examples
    --------
    >>> redact("Call 0 7 7 0 0 9 0 0 1 2 3 or write to anna.k@mail.com")
    'Call [phone] or write to [email]'
    """
    if not isinstance(text, str):
        raise TypeError(f"redact() expects a str, got {type(text).__name__}")
    return redact_spans(text, contact_spans(text))
