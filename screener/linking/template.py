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
_DIGIT = re.compile(r"\d")


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
def _gazetteer() -> tuple[dict[str, str], frozenset[str], int]:
    """Place names by their lowercase words joined by spaces, their first words, the most words."""
    spelled = {" ".join(_WORD.findall(name.lower())): name for name in places()}
    return spelled, frozenset(key.split()[0] for key in spelled), max(len(key.split()) for key in spelled)


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
    gazetteer, firsts, longest = _gazetteer()
    names = _names()
    matches = list(_WORD.finditer(normalized))
    lower = [m.group().lower() for m in matches]
    words, values, named, contact_values = [], [], [], iter(written)
    i = number_start = 0
    while i < len(matches):
        word = matches[i].group()
        place = lower[i] in firsts and next((n for n in range(min(longest, len(matches) - i), 0, -1) if " ".join(lower[i : i + n]) in gazetteer), 0)
        if place:
            named.append(gazetteer[" ".join(lower[i : i + place])])
            words.append("<place>")
            values.append(named[-1])
            i += place
            continue
        if word == _CONTACT_MARK:
            words.append("<contact>")
            values.append(next(contact_values, ""))
        elif not word.isalpha() and _DIGIT.search(word):
            if words and words[-1] == "<number>":  # "3,000" and "3 000" are one number
                values[-1] = normalized[number_start : matches[i].end()]
                i += 1
                continue
            words.append("<number>")
            values.append(word)
            number_start = matches[i].start()
        elif word[0].isupper() and lower[i] in names:
            words.append("<name>")
            values.append(word)
        else:
            words.append(lower[i])
            values.append(word)
        i += 1
    keys = tuple(dict.fromkeys(c.key for c in found))
    return Template(tuple(words), tuple(values), keys, tuple(dict.fromkeys(named)))
