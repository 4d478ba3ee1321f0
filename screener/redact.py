"""Mask contact details (phone numbers, emails, messenger handles, links) in ad text.

Contact details are those of `screener.contacts` (spelled-out, spaced and look-alike ones
included); the masks are applied to the original text.
"""

from __future__ import annotations

from screener.contacts import find_contacts

__all__ = ["contact_spans", "redact", "redact_spans"]


def contact_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, kind)`` of contact details in `text`, sorted, not overlapping."""
    return [(contact.start, contact.end, contact.kind) for contact in find_contacts(text)]


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
