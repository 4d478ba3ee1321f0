"""Contact details in an ad (phone numbers, emails, messenger handles, links): one definition.

Matching runs on the normalized text, so spelled-out ("zero seven seven ..."), spaced
("0 7 7 ...") and look-alike contact details are found too; spans map back to the original
text. Each contact gets a key that is the same however it was written, so that ads sharing a
contact can be linked: a phone number's key is its national significant number, read with
`phonenumbers` (the country from a leading "+" or from `region`; a trunk "0" dropped otherwise).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import phonenumbers

from screener.normalize import normalize
from screener.obfuscation import PHONE_DIGITS

__all__ = ["Contact", "CONTACT_PATTERNS", "find_contacts", "hashed_key"]

#: Kind of contact detail -> pattern on normalized text. Earlier kinds win overlaps.
CONTACT_PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[\w.+-]+(?:@| @ )[\w-]+(?: ?\. ?[a-z]{2,})+(?!\w)", re.IGNORECASE),
    "link": re.compile(
        r"(?:https?://|www\.|\b(?:t|wa|m)\.me/)[^\s<>\"']*[^\s<>\"'.,;:!?)]"
        r"|\b[\w-]+\.(?:com|net|org|info|biz|io|me|ly|co|app|site)\b(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?",
        re.IGNORECASE,
    ),
    "handle": re.compile(r"(?<![\w.@])@[a-z_][\w.]{2,}", re.IGNORECASE),
    # `PHONE_DIGITS` digits or more; a letter O among them is a zero ("o7700 9OO 123"), but one
    # fewer must be real digits
    "phone": re.compile(rf"(?<![\w])\+?[\doO](?:[\s().-]{{0,2}}[\doO]){{{PHONE_DIGITS - 1},}}(?!\w)"),
}

_ZEROS = str.maketrans("oO", "00")
_LINK_HOST = re.compile(r"^(?:https?://)?(?:www\.)?([^/?#]+)(.*)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Contact:
    """One contact detail found in an ad.

    Attributes
    ----------
    kind : str
        ``phone``, ``email``, ``handle`` or ``link``.
    start, end : int
        Character offsets into the original text (end exclusive).
    key : str
        The contact written one way: ``phone:7700900123``, ``email:anna.k@mail.com``,
        ``handle:jobs_asia``, ``link:t.me/jobs_asia``.
    """

    kind: str
    start: int
    end: int
    key: str


def _phone_key(written: str, region: str | None) -> str:
    written = written.translate(_ZEROS)
    written = re.sub(r"^\s*00(?=[1-9])", "+", written)  # 00 is the international prefix in most countries
    international = written.lstrip().startswith("+")
    if international or region:
        try:
            return f"phone:{phonenumbers.parse(written, None if international else region).national_number}"
        except phonenumbers.NumberParseException:
            pass
    digits = re.sub(r"\D", "", written)
    return f"phone:{digits.lstrip('0') or digits}"


def _key(kind: str, written: str, region: str | None) -> str:
    if kind == "phone":
        return _phone_key(written, region)
    written = written.replace(" ", "")
    if kind == "link":
        host, rest = _LINK_HOST.match(written).groups()
        return f"link:{host.lower()}{rest.rstrip('/')}"
    return f"{kind}:{written.lower().lstrip('@')}"


def find_contacts(text: str, region: str | None = None) -> tuple[Contact, ...]:
    """Contact details of `text`, sorted by position, not overlapping.

    Parameters
    ----------
    text : str
        The ad as given.
    region : str, optional
        ISO 3166 country code ("GB", "PH") for phone numbers written without "+" and a country code.

    Returns
    -------
    tuple of Contact
    """
    normalized = normalize(text)
    found: list[Contact] = []
    for kind, pattern in CONTACT_PATTERNS.items():
        for match in pattern.finditer(normalized.text):
            if kind == "phone" and sum(char.isdigit() for char in match.group()) < PHONE_DIGITS - 1:
                continue
            start, end = normalized.to_original(*match.span())
            if start < end and not any(start < c.end and c.start < end for c in found):
                found.append(Contact(kind, start, end, _key(kind, match.group(), region)))
    return tuple(sorted(found, key=lambda c: c.start))


def hashed_key(key: str) -> str:
    """A contact key that can be shared: the first 16 hex digits of its sha256."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
