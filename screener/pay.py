"""Pay stated in an ad, read as numbers and set against the average wage of its currency's country.

Lures often promise a salary in the victim's own currency that is high *for that country* but
unremarkable in dollars. `find_pay` reads every amount written with a currency ("RM4,500 a month",
"$1,500-$2,000/month", "1 lakh rupees", "₦250,000 monthly"), turns it into a monthly amount and
relates it to the average monthly wage in ``data/pay_reference.yaml``; `describe` says it in words.

A number (in ASCII digits) is read as pay only when a currency is written next to it, so years,
ages, phone numbers, percentages and "24/7" are not pay. The one exception is the Vietnamese
"triệu"/"tr" (million), read as đồng when a pay period is stated ("15 triệu/tháng"). Ambiguous
symbols are resolved as the reference table's ``conventions`` say ("$" is the US dollar, "Rs" the
Indian rupee, "dinar" the Kuwaiti dinar).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Iterable

from screener._data import load_yaml
from screener.errors import CatalogueError

__all__ = ["PayMention", "PERIOD_FACTORS", "find_pay", "describe"]

REFERENCE = "pay_reference.yaml"

PERIOD_FACTORS = {"hour": 173.0, "day": 26.0, "week": 4.33, "month": 1.0, "year": 1 / 12, "unstated": 1.0}
"""Multiply an amount per period by this to get it per month (173 hours, 26 days, 4.33 weeks)."""

_GAP = "[ \u00a0\u202f]"
_GAPS = " \u00a0\u202f"
_GAP_CHARS = tuple(_GAPS)
# Starts with a bare digit so that scanning a text skips to digits fast; the first digit may not
# follow another digit or a digit and separator; thousands are grouped by "," "." or a space (lakhs: "1,50,000").
_NUMBER = re.compile(
    r"(?P<int>[0-9](?<![0-9][0-9])(?<![0-9][.,][0-9])"
    r"(?:(?<=[1-9])[0-9]?(?:,[0-9]{2})+,[0-9]{3}(?![0-9])|(?<=[1-9])[0-9]{0,2}(?:(?:,[0-9]{3})+|(?:\.[0-9]{3})+|(?:[ \u00a0\u202f][0-9]{3})+)|[0-9]*))"
    r"(?:[.,](?P<frac>[0-9]{1,2}))?(?![0-9%])"
    r"(?:[ \u00a0]?(?P<mult>(?i:thousand|k|lakhs?|lacs?|crores?|millions?|mn|m|juta|jt|ribu|rb|triệu|trieu|tr"
    r"|billions?|bn))(?![^\W\d_]))?"
)
_SEPARATORS = str.maketrans("", "", ",." + _GAPS)
_MULTIPLIERS = {
    **dict.fromkeys(("thousand", "k", "ribu", "rb"), 1e3),
    **dict.fromkeys(("lakh", "lakhs", "lac", "lacs"), 1e5),
    **dict.fromkeys(("million", "millions", "mn", "m", "juta", "jt", "triệu", "trieu", "tr"), 1e6),
    **dict.fromkeys(("crore", "crores"), 1e7),
    **dict.fromkeys(("billion", "billions", "bn"), 1e9),
}
_IMPLIED = dict.fromkeys(("triệu", "trieu", "tr"), "VND")  # Vietnamese "million", often written without "đồng"
_RANGE = re.compile(rf"{_GAP}*(?:[-–—~]|to\b){_GAP}*")
_PREFIX_GAP = re.compile(rf"{_GAP}?[.:]?{_GAP}?")
_NEXT_NUMBER = re.compile(rf"({_GAP}?)[.:]?{_GAP}?[0-9]")

# Units of time after "/" (single letters too), after "per", "a", ..., and words on their own; a
# short aside may come between amount and period: "RM15,000 (US$3,300) per month".
_UNITS = {
    "hour": "hour hours hr hrs hora horas jam giờ час 小时",
    "day": "day days night nights día dia días dias hari ngày день 天 日",
    "week": "week weeks wk wks semana semanas minggu tuần неделю 周",
    "month": "month months mo mos mth mths mnth mes mês bulan tháng thang buwan мес месяц เดือน 月",
    "year": "year years yr yrs annum año ano tahun năm год 年",
}
_LETTERS = {"hour": "h", "day": "d", "week": "w", "month": "m", "year": "y"}
_ADVERBS = {
    "hour": "hourly",
    "day": "daily nightly harian sehari",
    "week": "weekly semanal mingguan",
    "month": "monthly pm p.m. p/m pcm mensual mensuales mensal bulanan sebulan perbulan ежемесячно",
    "year": "yearly annually annual pa p.a. anual",
}
_PERIOD_OF = {
    word: period for table in (_UNITS, _LETTERS, _ADVERBS) for period, words in table.items() for word in words.split()
}
_PERIOD_OF["hàng tháng"] = "month"


def _either(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_UNIT_WORDS = _either(word for words in _UNITS.values() for word in words.split())
_PERIOD = re.compile(  # after "Rs. 1,50,000/-", "(RM 4,000)" or glued: "a $1,500-a-month job"
    rf"(?:/-)?\)?(?:{_GAP}*\([^()\n]{{0,40}}\))?{_GAP}*(?:"
    rf"/{_GAP}*(?P<slash>{_UNIT_WORDS}|{_either(_LETTERS.values())})"
    rf"|-?(?:per|an|a|each|every|por|al|mỗi|một|в|ต่อ)(?:{_GAP}+|-)(?P<word>{_UNIT_WORDS})"
    rf"|(?P<adverb>hàng tháng|{_either(word for words in _ADVERBS.values() for word in words.split())})"
    r")(?![^\W\d_])",
    re.IGNORECASE,
)
# A period written shortly before the amount, in the same clause: "monthly salary: RM 3,000".
_PERIOD_BEFORE = re.compile(
    r"(?:\b(?P<adverb>hourly|daily|weekly|monthly|yearly|annual)|\bper\s+(?P<word>hour|day|week|month|year|annum))\b"
    r"[^\d\n.,;!?]{0,25}$",
    re.IGNORECASE,
)
_LOOKBACK = 45


@dataclass(frozen=True, slots=True)
class PayMention:
    """An amount of pay written in a text.

    Attributes
    ----------
    start, end : int
        The character span in the text given.
    text : str
        ``text[start:end]``.
    amount : float
        Per `period`, in `currency`; of a range ("1,500-2,000") its upper bound.
    currency : str
        ISO 4217 code.
    period : str
        "hour", "day", "week", "month", "year" or "unstated".
    monthly : float
        In `currency` per month (`PERIOD_FACTORS`; an unstated period is taken as a month).
    monthly_usd : float
        `monthly` in US dollars.
    country : str or None
        ISO 3166 code of the country the currency is related to ("EU" for the euro).
    wage_multiple : float or None
        `monthly` divided by that country's average monthly wage.
    """

    start: int
    end: int
    text: str
    amount: float
    currency: str
    period: str
    monthly: float
    monthly_usd: float
    country: str | None
    wage_multiple: float | None


@dataclass(frozen=True, slots=True)
class _Reference:
    """The reference table, with the alias patterns built from it."""

    aliases: dict[str, tuple[str, bool]]  # written alias (lower case if caseless) -> (currency, needs a period)
    rates: dict[str, float]
    homes: dict[str, str | None]
    wages: dict[str, float]
    names: dict[str, str]
    backwards: re.Pattern[str]  # an alias spelt backwards, to read the text before a number reversed
    forwards: re.Pattern[str]
    window: int

    def currency(self, written: str) -> tuple[str, bool]:
        """The currency of an alias as written, and whether it counts only with a stated period."""
        return self.aliases.get(written) or self.aliases[written.lower()]

    def prefix(self, text: str, position: int, floor: int) -> tuple[str, int] | None:
        """The alias just before `position` (not before `floor`) and where it starts; "(THB) 75,000" counts too."""
        before = text[max(floor, position - self.window) : position][::-1]
        alias = before.lstrip(_GAPS + ".:")
        gap = len(before) - len(alias)
        match = self.backwards.match(alias) if gap <= 3 else None
        if not match and gap <= 3 and alias[:1] == ")" and (code := self.backwards.match(alias, 1)) and alias.startswith("(", code.end()):
            match, gap = code, gap + 1  # the code in brackets after the currency's name: "Thai Baht (THB) 75,000"
        return (match[0][::-1], position - gap - match.end()) if match else None

    def suffix(self, text: str, position: int) -> tuple[str, int] | None:
        """The alias written just after `position`, and where it ends.

        An alias between two numbers goes with the one it is glued to, else with the next one
        ("age 25 RM 3000" is RM 3000, "1500$ 6 days a week" is 1500$).
        """
        gap = 1 if text.startswith(_GAP_CHARS, position) else 0
        match = self.forwards.match(text, position + gap)
        if match is None:
            return None
        ahead = _NEXT_NUMBER.match(text, match.end())
        if ahead and (gap or not ahead[1]):
            return None
        return match[0], match.end()


def _char(char: str, caseless: bool) -> str:
    """`char` as a regex; both cases as a class, not an ignore-case flag, so that branches stay fast."""
    upper = char.upper()
    if caseless and upper != char and len(upper) == 1:
        return f"[{re.escape(char)}{re.escape(upper)}]"
    return re.escape(char)


def _alias_pattern(aliases: Iterable[str], reverse: bool) -> re.Pattern[str]:
    """A regex trie of `aliases` (spelt backwards if `reverse`), never glued to a letter on the word side.

    Lower-case aliases match in any case, others only as written; longer aliases are tried first.
    """
    root: dict[str, dict] = {}
    for alias in aliases:
        node = root
        for char in alias[::-1] if reverse else alias:
            node = node.setdefault(_char(char, alias == alias.lower()), {})
        node[""] = r"(?![^\W\d_])" if alias[0 if reverse else -1].isalpha() else ""

    def pattern(node: dict) -> str:
        branches = [key + pattern(child) for key, child in node.items() if key]
        if "" in node:
            branches.append(node[""])
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return re.compile(pattern(root))


@cache
def _reference() -> _Reference:
    data = load_yaml(REFERENCE)
    aliases: dict[str, tuple[str, bool]] = {}
    seen: set[str] = set()
    for code, row in data["currencies"].items():
        if not row.get("usd_per_unit") or not row.get("aliases"):
            raise CatalogueError(f"{REFERENCE}: currency {code} needs usd_per_unit and aliases")
        written = [(str(alias), False) for alias in row["aliases"]]
        written += [(str(alias), True) for alias in row.get("aliases_with_period", ())]
        for alias, weak in written:
            if alias.lower() in seen:
                raise CatalogueError(
                    f"{REFERENCE}: alias {alias!r} of {code} is already an alias; give each alias one currency"
                )
            seen.add(alias.lower())
            aliases[alias] = (code, weak)
    countries = data["countries"]
    for country, row in countries.items():
        if row["currency"] not in data["currencies"]:
            raise CatalogueError(f"{REFERENCE}: country {country} has currency {row['currency']} with no row in currencies")
    return _Reference(
        aliases=aliases,
        rates={code: float(row["usd_per_unit"]) for code, row in data["currencies"].items()},
        homes={code: row.get("country") for code, row in data["currencies"].items()},
        wages={country: float(row["avg_monthly_wage"]) for country, row in countries.items()},
        names={country: str(row["name"]) for country, row in countries.items()},
        backwards=_alias_pattern(aliases, reverse=True),
        forwards=_alias_pattern(aliases, reverse=False),
        window=max(map(len, aliases)) + 4,
    )


def _value(number: re.Match[str]) -> float:
    whole = number["int"].translate(_SEPARATORS)
    value = float(f"{whole}.{number['frac']}" if number["frac"] else whole)
    return value * _MULTIPLIERS[number["mult"].lower()] if number["mult"] else value


def _implied(number: re.Match[str]) -> str | None:
    return _IMPLIED.get(number["mult"].lower()) if number["mult"] else None


def _upper_bound(text: str, position: int, ref: _Reference) -> tuple[re.Match[str], list[str], int] | None:
    """The number after a range dash ending at `position`, the aliases written around it, and its end."""
    written = []
    alias = ref.forwards.match(text, position)
    if alias:
        written.append(alias[0])
        position = _PREFIX_GAP.match(text, alias.end()).end()
    upper = _NUMBER.match(text, position)
    if upper is None:
        return None
    end = upper.end()
    after = ref.suffix(text, end)
    if after:
        written.append(after[0])
        end = after[1]
    return upper, written, end


def _read(text: str, number: re.Match[str], floor: int) -> PayMention | None:
    """The pay mention around `number`, or None; `floor` is where the previous mention ended."""
    ref = _reference()
    start, end = number.start(), number.end()
    written: list[str] = []
    before = ref.prefix(text, start, floor)
    if before:
        written.append(before[0])
        start = before[1]
    after = ref.suffix(text, end)
    if after:
        written.append(after[0])
        end = after[1]
    dash = _RANGE.match(text, end)
    bound = _upper_bound(text, dash.end(), ref) if dash else None
    if not (written or _implied(number) or bound and (bound[1] or _implied(bound[0]))):
        return None  # the common case, settled before any arithmetic
    amount, implied = _value(number), _implied(number)
    if bound and (top := _value(bound[0])) >= amount:
        amount, end = top, bound[2]
        written += bound[1]
        implied = implied or _implied(bound[0])
    if written:
        currency, needs_period = ref.currency(written[0])
    elif implied:
        currency, needs_period = implied, True
    else:
        return None
    stated = _PERIOD.match(text, end)
    if stated:
        end = stated.end()
    else:
        stated = _PERIOD_BEFORE.search(text, max(floor, start - _LOOKBACK), start)
    if stated is None and needs_period:
        return None
    period = _PERIOD_OF[stated[stated.lastgroup].lower()] if stated else "unstated"
    monthly = amount * PERIOD_FACTORS[period]
    monthly_usd = monthly * ref.rates[currency]
    if monthly_usd < 1:  # a count before a word that is also a code ("3 PHP developers"), not pay
        return None
    country = ref.homes[currency]
    wage = ref.wages.get(country) if country else None
    return PayMention(
        start=start,
        end=end,
        text=text[start:end],
        amount=amount,
        currency=currency,
        period=period,
        monthly=monthly,
        monthly_usd=monthly_usd,
        country=country,
        wage_multiple=monthly / wage if wage else None,
    )


def find_pay(text: str) -> tuple[PayMention, ...]:
    """Every amount of money written with a currency in `text`, in order.

    Parameters
    ----------
    text : str
        An ad.

    Returns
    -------
    tuple of PayMention
        Empty when no number in `text` has a currency beside it.
    """
    if not any(digit in text for digit in "0123456789"):
        return ()
    mentions: list[PayMention] = []
    for number in _NUMBER.finditer(text):
        floor = mentions[-1].end if mentions else 0
        if number.start() < floor:
            continue
        mention = _read(text, number, floor)
        if mention is not None:
            mentions.append(mention)
    return tuple(mentions)


def describe(mention: PayMention) -> str:
    """The mention's pay in words, e.g. "pay ≈ 4.2× the average monthly wage in Viet Nam"."""
    if mention.wage_multiple is None or mention.country is None:
        return f"pay ≈ {mention.monthly_usd:,.0f} US dollars a month"
    multiple = mention.wage_multiple
    shown = f"{multiple:.1f}" if multiple >= 0.1 else f"{multiple:.2f}"
    return f"pay ≈ {shown}× the average monthly wage in {_reference().names[mention.country]}"
