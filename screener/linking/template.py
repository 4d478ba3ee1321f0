"""The template of an ad: its normalized words, with the slots that change from post to post masked.

A lure posted many times keeps its wording and changes its slots: places, names, numbers and
contact details. `read_template` finds the contacts (`screener.contacts`), folds obfuscation out
(`screener.normalize`) and marks each word as shared wording or as a slot. Places come from a
gazetteer: the city and country lists of the corpus's identity slots and the country names of
the pay reference table (a place outside it stays a word); a name is a capitalised word of the
identity name list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from screener._data import load_yaml
from screener.contacts import find_contacts
from screener.corpus.banks import load_banks
from screener.normalize import normalize

__all__ = ["SLOT_KINDS", "Template", "read_template", "places"]

#: The kinds of slot a template masks, in the order the report shows them.
SLOT_KINDS = ("place", "name", "number", "contact")
_CONTACT_MARK = "qqcontactqq"  # stands for a contact while the text is normalized
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Template:
    """One ad read as shared words and slots.

    Attributes
    ----------
    words : tuple of str
        Lowercased words in order; a slot's word is ``<place>``, ``<name>``, ``<number>`` or
        ``<contact>``.
    values : tuple of str
        For each word, what the ad wrote there (the place, the number, the contact as written).
    contacts : tuple of str
        Keys of the ad's contacts (see `screener.contacts.Contact.key`), distinct, in order.
    places : tuple of str
        The places named, as spelled in the gazetteer, distinct, in order.
    """

    words: tuple[str, ...]
    values: tuple[str, ...]
    contacts: tuple[str, ...]
    places: tuple[str, ...]


@lru_cache(maxsize=1)
def places() -> tuple[str, ...]:
    """The gazetteer: city and country names (a leading "the" dropped), sorted."""
    identity = load_banks().identity
    names = {re.sub(r"^the ", "", n) for n in (*identity["city"], *identity["country"])}
    names |= {re.sub(r"^the ", "", c["name"]) for c in load_yaml("pay_reference.yaml")["countries"].values() if c.get("name")}
    return tuple(sorted(names))


@lru_cache(maxsize=1)
def _place_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    spelled = {name.lower(): name for name in places()}
    alternatives = "|".join(re.escape(n) for n in sorted(spelled, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE), spelled


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    return frozenset(n.lower() for n in load_banks().identity["name"])


def read_template(text: str, region: str | None = None) -> Template:
    """Read `text` as a template: words and slots, its contact keys and the places it names.

    Parameters
    ----------
    text : str
        The ad as given.
    region : str, optional
        ISO 3166 country code for phone numbers written without a country code.

    Returns
    -------
    Template
    """
    found = find_contacts(text, region)
    pieces, position, written = [], 0, []
    for contact in found:
        pieces += [text[position : contact.start], f" {_CONTACT_MARK} "]
        written.append(text[contact.start : contact.end])
        position = contact.end
    pieces.append(text[position:])
    normalized = normalize("".join(pieces)).text
    pattern, spelled = _place_pattern()
    named = [(m.start(), m.end(), spelled[m.group().lower()]) for m in pattern.finditer(normalized)]
    words, values, contact_values = [], [], iter(written)
    place_iter = iter(named)
    place, number_start = next(place_iter, None), 0
    for match in _WORD.finditer(normalized):
        while place is not None and place[1] <= match.start():
            place = next(place_iter, None)
        word = match.group()
        if place is not None and place[0] <= match.start():
            if words and words[-1] == "<place>" and values[-1] == place[2]:
                continue  # the rest of a place of several words
            words.append("<place>")
            values.append(place[2])
        elif word == _CONTACT_MARK:
            words.append("<contact>")
            values.append(next(contact_values, ""))
        elif any(c.isdigit() for c in word):
            if words and words[-1] == "<number>":  # "3,000" and "3 000" are one number
                values[-1] = normalized[number_start : match.end()]
                continue
            words.append("<number>")
            values.append(word)
            number_start = match.start()
        elif word[0].isupper() and word.lower() in _names():
            words.append("<name>")
            values.append(word)
        else:
            words.append(word.lower())
            values.append(word)
    keys = tuple(dict.fromkeys(c.key for c in found))
    return Template(tuple(words), tuple(values), keys, tuple(dict.fromkeys(p for _, _, p in named)))
