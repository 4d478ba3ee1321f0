"""Campaigns: a risky scenario posted many times, so that linking ads can be measured.

A campaign takes one template of a risky scenario (corpus v2, `screener.corpus.scenarios`) and
posts it `size` times: the places change from post to post, the wording changes a little (each
``(a|b)`` choice is drawn again with probability `drift`), the pay is drawn again now and then,
one phone number and one messenger handle are reused, the number written in different ways
(some spelled out digit by digit), and about half of the posts wear the corpus's disguises (not
on the contacts: a contact that does not work reaches nobody). Lawful ads, each written from a lawful scenario's template,
are mixed in. The ground truth ``campaign_id`` names the template an ad was posted from: a
risky campaign (``c0001``) or a lawful template (``b-<scenario>-<n>``), which lawful ads share
only when there are more of them than lawful templates. ``contact_key`` is the key
(`screener.contacts.Contact.key`) of a contact the ad was given.

`employer_posts` writes lawful ads of one employer, each from another template but all ending
with the same footer, to measure false links through boilerplate.
"""

from __future__ import annotations

import random
import re

import pandas as pd

from screener.corpus.banks import SPLITS, SlotFiller, load_banks
from screener.corpus.disguise import OBFUSCATING, disguise
from screener.corpus.scenarios import Scenario, fill_template, load_scenarios, pay_text, vary_register
from screener.errors import InputError

__all__ = ["PLACE_SLOTS", "campaign_corpus", "employer_posts", "FOOTER"]

#: Slots whose value changes from post to post within a campaign.
PLACE_SLOTS = ("destination", "city", "country", "place", "job_place", "venue", "site")
_MARK = "\x00"  # where a contact goes, kept apart from the disguises
_DIGITS = "zero one two three four five six seven eight nine".split()
_GROUP = re.compile(r"\(([^()]*)\)")
_SLOT = re.compile(r"\{([a-z_]+)\}")
# (country code, trunk prefix, digits after the trunk prefix)
_PHONE_PLANS = (("971", "0", "5"), ("44", "0", "7"), ("63", "0", "9"), ("66", "0", "8"), ("234", "0", "8"), ("91", "", "9"), ("1", "", "2"))
FOOTER = (
    "Northgate Staffing Ltd is an equal opportunities employer and welcomes applications from all backgrounds. "
    "We never charge candidates a fee. Licensed employment agency, licence no. NS-2231-2024. "
    "Your data is handled under our privacy notice; apply at northgate-staffing.example.com or call 020 7946 0321."
)


def _templates(scenario: Scenario) -> list[str]:
    return [t for split in SPLITS for t in scenario.templates[split]]


def _phone(rng: random.Random) -> tuple[str, str]:
    """(digits of a national number, country code)."""
    code, _, lead = rng.choice(_PHONE_PLANS)
    return lead + "".join(str(rng.randint(0, 9)) for _ in range(8 if code != "1" else 9)), code


def _write_phone(number: str, code: str, rng: random.Random) -> str:
    """The same phone number written one of many ways."""
    trunk = next(t for c, t, _ in _PHONE_PLANS if c == code)
    head, middle, tail = number[:2], number[2:5], number[5:]
    return rng.choice(
        (
            f"+{code} {head} {middle} {tail}",
            f"+{code}{number}",
            f"+{code}-{head}-{middle}-{tail}",
            f"+{code} ({head}) {middle}{tail}",
            f"00{code} {number}",
            f"{trunk}{head} {middle} {tail}",
            f"{trunk}{head}-{middle}-{tail}",
            f"({trunk}{head}) {middle} {tail}",
            f"{trunk}{number}",
        )
    )


class _Campaign:
    def __init__(self, number: int, scenario: Scenario, template: str, rng: random.Random, filler_source) -> None:
        self.id = f"c{number:04d}"
        self.scenario, self.template, self.rng = scenario, template, rng
        self.filler = filler_source(scenario.ad_type)
        self.choices = [rng.choice(m.group(1).split("|")) for m in _GROUP.finditer(template)]
        self.values: dict[str, str] = {}
        self.phone = _phone(rng)
        self.handle = f"@{rng.choice(('jobs', 'work', 'star', 'angel', 'vip', 'real', 'dream'))}{rng.choice(('_', ''))}{rng.choice(('asia', 'world', 'hr', 'agent', 'team'))}{rng.randint(1, 999)}"
        self.intro = rng.choice(("WhatsApp", "Call/WhatsApp", "Viber", "Contact", "Telegram"))

    def value(self, name: str, post: dict[str, str]) -> str:
        if name in PLACE_SLOTS or name in post:
            if name not in post:
                pool = self.scenario.slots.get(name) or load_banks().identity.get(name) or ("Dubai",)
                post[name] = self.rng.choice(pool)
            return post[name]
        if name not in self.values or (name == "pay" and self.rng.random() < 0.3):
            self.values[name] = self._draw(name)
        return self.values[name]

    def _draw(self, name: str) -> str:
        rng = self.rng
        if name in self.scenario.slots:
            return rng.choice(self.scenario.slots[name])
        if name == "pay":
            return pay_text(self.scenario.pay, rng)
        if name == "licence":
            return f"Licence No. {rng.choice('ABCDEFGHJKLMNPRSTUVW')}{rng.choice('ABCDEFGHJKLMNPRSTUVW')}-{rng.randint(100, 9999)}"
        return self.filler.fill(name, "train", rng)

    def post(self, drift: float, disguised: float) -> tuple[str, str]:
        """(text, key of the contact it names) of one post."""
        rng = self.rng
        self.choices = [rng.choice(m.group(1).split("|")) if rng.random() < drift else c for m, c in zip(_GROUP.finditer(self.template), self.choices)]
        chosen = iter(self.choices)
        text = _GROUP.sub(lambda m: next(chosen), self.template)
        post: dict[str, str] = {}
        number, code = self.phone
        phone = _write_phone(number, code, rng)
        if rng.random() < disguised * 0.3:  # "zero five zero ...": undone by normalization
            phone = ("+" if phone.startswith("+") else "") + " ".join(_DIGITS[int(d)] for d in phone if d.isdigit())
        written = {"phone": phone, "handle": self.handle}
        written["contact"] = f"{self.intro} {_MARK}"
        contacts: list[str] = []

        def slot(match: re.Match) -> str:
            name = match.group(1)
            if name in written:
                contacts.append(self.handle if name == "handle" or (name == "contact" and self.intro == "Telegram") else phone)
                return written[name] if name == "contact" else _MARK
            return self.value(name, post)

        text = re.sub(r"[ \t]+", " ", _SLOT.sub(slot, text)).replace(" ,", ",").replace(" .", ".").strip()
        if not contacts:  # every post of a campaign names its contact
            text = f"{text} {written['contact']}"
            contacts.append(self.handle if self.intro == "Telegram" else phone)
        text = _disguised(text, rng, disguised)  # contacts go in after the disguises: they must work
        for contact in contacts:
            text = text.replace(_MARK, contact, 1)
        key = f"handle:{self.handle.lstrip('@').lower()}" if contacts[0] == self.handle else f"phone:{number}"
        return text, key


def _disguised(text: str, rng: random.Random, share: float) -> str:
    text = vary_register(text, rng)
    if rng.random() < share:
        kinds = rng.sample(OBFUSCATING, k=rng.choice((1, 1, 2)))
        sentences = re.split(r"(?<=[.!?\n])\s+", text)
        chosen = {i for i in range(len(sentences)) if rng.random() < 0.5} or {rng.randrange(len(sentences))}
        text = " ".join(disguise(s, kinds, rng) if i in chosen else s for i, s in enumerate(sentences))
    return text


def campaign_corpus(campaigns: int, benign: int, seed: int, *, sizes: tuple[int, int] = (3, 40), drift: float = 0.2, disguised: float = 0.5) -> pd.DataFrame:
    """A corpus of campaigns and lawful ads, shuffled.

    Parameters
    ----------
    campaigns : int
        How many campaigns; each uses another risky template (at most as many as there are).
    benign : int
        How many lawful ads.
    seed : int
        The same seed gives the same corpus.
    sizes : (int, int)
        Smallest and largest number of posts of a campaign (drawn uniformly).
    drift : float
        Chance that each ``(a|b)`` choice of the template is drawn again for a post.
    disguised : float
        Share of posts that wear one or two of the corpus's obfuscating disguises.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``ad_type``, ``label``, ``scenario``, ``campaign_id``, ``contact_key``
        (empty for lawful ads) and ``text``.
    """
    rng = random.Random(seed)
    scenarios = load_scenarios()
    banks = load_banks()
    risky = [(s, t) for s in scenarios if s.label == 1 for t in _templates(s)]
    if campaigns > len(risky):
        raise InputError(f"at most {len(risky)} campaigns (one per risky template); got {campaigns}")
    rows = []
    for number, (scenario, template) in enumerate(rng.sample(risky, campaigns), start=1):
        campaign = _Campaign(number, scenario, template, rng, lambda ad_type: SlotFiller(banks, ad_type))
        for _ in range(rng.randint(*sizes)):
            text, key = campaign.post(drift, disguised)
            rows.append({"ad_type": scenario.ad_type, "label": 1, "scenario": scenario.id, "campaign_id": campaign.id, "contact_key": key, "text": text})
    rows += _lawful(benign, rng, banks, scenarios)
    rng.shuffle(rows)
    frame = pd.DataFrame(rows, columns=["ad_type", "label", "scenario", "campaign_id", "contact_key", "text"])
    frame.insert(0, "id", [f"ad-{i:07d}" for i in range(len(frame))])
    return frame


def _lawful(count: int, rng: random.Random, banks, scenarios, footer: str | None = None) -> list[dict]:
    lawful = [(s, i, t) for s in scenarios if s.label == 0 for i, t in enumerate(_templates(s))]
    order = rng.sample(lawful, len(lawful))
    rows = []
    for n in range(count):
        scenario, index, template = order[n % len(order)] if n < len(order) else rng.choice(lawful)
        filler = SlotFiller(banks, scenario.ad_type)
        single = Scenario(**{**scenario.__dict__, "templates": {split: (template,) for split in SPLITS}})
        text = fill_template(single, "train", rng, filler)
        text = f"{text}\n{footer}" if footer else _disguised(text, rng, 0.2)
        rows.append({"ad_type": scenario.ad_type, "label": 0, "scenario": scenario.id, "campaign_id": f"b-{scenario.id}-{index}", "contact_key": "", "text": text})
    return rows


def employer_posts(count: int, seed: int, footer: str = FOOTER) -> pd.DataFrame:
    """`count` lawful job ads of one employer, each from another template, all ending with `footer`.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``ad_type``, ``label``, ``scenario``, ``campaign_id`` (the template) and ``text``.
    """
    rng = random.Random(seed)
    jobs = tuple(s for s in load_scenarios() if s.ad_type == "job")
    rows = _lawful(count, rng, load_banks(), jobs, footer)
    frame = pd.DataFrame(rows, columns=["ad_type", "label", "scenario", "campaign_id", "text"])
    frame.insert(0, "id", [f"post-{i:05d}" for i in range(len(frame))])
    return frame
