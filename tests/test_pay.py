"""Pay in context: amounts read from ads, and the reference table they are set against."""

from __future__ import annotations

import re

import pytest

from screener import pay
from screener._data import load_yaml
from screener.errors import CatalogueError
from screener.pay import PERIOD_FACTORS, PayMention, describe, find_pay
from screener.pay_offer import high_pay

TABLE = load_yaml("pay_reference.yaml")

# (text, amount, currency, period): every form the module promises to read.
FORMS = [
    ("15,000,000 VND per month", 15_000_000, "VND", "month"),
    ("VND 15,000,000/month", 15_000_000, "VND", "month"),
    ("15 million VND", 15_000_000, "VND", "unstated"),
    ("15tr VND", 15_000_000, "VND", "unstated"),
    ("lương 15 triệu/tháng", 15_000_000, "VND", "month"),
    ("Lương 15.000.000đ/tháng", 15_000_000, "VND", "month"),
    ("$1,500-$2,000/month", 2000, "USD", "month"),
    ("$1500 - 2000 USD monthly", 2000, "USD", "month"),
    ("1.5k USD", 1500, "USD", "unstated"),
    ("RM 3k", 3000, "MYR", "unstated"),
    ("RM 3-4k", 4000, "MYR", "unstated"),
    ("RM4,500 a month", 4500, "MYR", "month"),
    ("₱60,000 per month", 60_000, "PHP", "month"),
    ("3,000 to 4,000 AED monthly", 4000, "AED", "month"),
    ("salary 800 euros a week", 800, "EUR", "week"),
    ("€800/week", 800, "EUR", "week"),
    ("€1.500,50 per month", 1500.5, "EUR", "month"),
    ("USD 50 per day", 50, "USD", "day"),
    ("50 dollars daily", 50, "USD", "day"),
    ("earn up to 350 USD a night", 350, "USD", "day"),
    ("£12.50 an hour", 12.5, "GBP", "hour"),
    ("$15/hr", 15, "USD", "hour"),
    ("Rs. 45,000 per month", 45_000, "INR", "month"),
    ("Rs.45,000", 45_000, "INR", "unstated"),
    ("₹30000/month", 30_000, "INR", "month"),
    ("1 lakh rupees", 100_000, "INR", "unstated"),
    ("10 juta rupiah", 10_000_000, "IDR", "unstated"),
    ("Rp 5.000.000/bulan", 5_000_000, "IDR", "month"),
    ("₦250,000 monthly", 250_000, "NGN", "month"),
    ("KSh 80,000 per month", 80_000, "KES", "month"),
    ("40 000 UAH", 40_000, "UAH", "unstated"),
    ("salary: 25,000 baht", 25_000, "THB", "unstated"),
    ("earn 3000$ per month", 3000, "USD", "month"),
    ("2000 usd", 2000, "USD", "unstated"),
    ("salary 1200-1500$", 1500, "USD", "unstated"),
    ("US$1,500 per month", 1500, "USD", "month"),
    ("S$3,000", 3000, "SGD", "unstated"),
    ("RMB 8000/month", 8000, "CNY", "month"),
    ("¥200,000 per month", 200_000, "JPY", "month"),
    ("KD 120 monthly", 120, "KWD", "month"),
    ("5000 MAD", 5000, "MAD", "unstated"),
    ("Ks 300,000", 300_000, "MMK", "unstated"),
    ("$50,000 pa", 50_000, "USD", "year"),
    ("300 pounds a week", 300, "GBP", "week"),
    # short real-world forms (issue 11): codes glued to the sum, local abbreviations
    ("P40,000 a month", 40_000, "PHP", "month"),
    ("Sh200,000 monthly", 200_000, "KES", "month"),
    ("VND20 million per month", 20_000_000, "VND", "month"),
    ("KD150", 150, "KWD", "unstated"),
    ("SR 2500 per month", 2500, "SAR", "month"),
    ("10,000 yuan a month", 10_000, "CNY", "month"),
    ("150 million kip", 150_000_000, "LAK", "unstated"),
    ("3 million won per month", 3_000_000, "KRW", "month"),
    ("700 dinars", 700, "KWD", "unstated"),
    # catact: a code in brackets after the currency's name, Indian digit grouping, prefixed dollars,
    # millions in a range, a currency named with its country
    ("Thai Baht (THB) 75,000 per month", 75_000, "THB", "month"),
    ("INR 1,50,000 monthly", 150_000, "INR", "month"),
    ("Rs 10,00,000 a year", 1_000_000, "INR", "year"),
    ("NT$5,000 a day", 5000, "TWD", "day"),
    ("8-15 million won a month", 15_000_000, "KRW", "month"),
    ("400,000 Nepali rupees a month", 400_000, "NPR", "month"),
    ("S$1,578 (RM5,000) a month", 1578, "SGD", "month"),
    ("salary Rs. 1,50,000/- per month", 150_000, "INR", "month"),
]


@pytest.mark.parametrize(("text", "amount", "currency", "period"), FORMS, ids=[form[0] for form in FORMS])
def test_each_form_is_read(text, amount, currency, period):
    (mention,) = find_pay(text)
    assert (mention.amount, mention.currency, mention.period) == (pytest.approx(amount), currency, period)
    assert mention.monthly == pytest.approx(amount * PERIOD_FACTORS[period])
    assert mention.monthly_usd == pytest.approx(mention.monthly * TABLE["currencies"][currency]["usd_per_unit"])
    assert mention.country == TABLE["currencies"][currency]["country"]


@pytest.mark.parametrize(
    ("text", "monthly"),
    [
        ("£10 an hour", 1730),
        ("€100 a day", 2600),
        ("€100 a week", 433),
        ("€100 a month", 100),
        ("€1,200 a year", 100),
        ("€100", 100),
    ],
)
def test_monthly_amount_follows_the_period(text, monthly):
    assert find_pay(text)[0].monthly == pytest.approx(monthly)


@pytest.mark.parametrize(
    "text",
    [
        "We have been hiring since 2024, established 1999.",
        "Call or WhatsApp 0912345678 or +84 912 345 678 today.",
        "Girls aged 18-25, must be 21 years old, height 160 cm.",
        "Support 24/7, 100% free training, 50% discount on rent.",
        "Salary 1500 per month, 6 days a week, 8 hours a day.",
        "Must be able to lift 50 pounds.",
        "Need 3 PHP developers and 2 TL for the new office.",
        "15 triệu người đã đăng ký.",
        "I am so mad 5000 times a day",
        "",
    ],
)
def test_numbers_without_a_currency_are_not_pay(text):
    assert find_pay(text) == ()


def test_spans_point_at_the_amount_and_its_period():
    text = "Job in Kuala Lumpur. Salary: RM4,500 a month, free housing. Call 0123456789."
    (mention,) = find_pay(text)
    assert (mention.start, mention.end) == (text.index("RM4,500"), text.index(", free"))
    assert text[mention.start : mention.end] == mention.text == "RM4,500 a month"


def test_several_mentions_are_read_in_order_with_their_own_spans():
    text = "Born 1998, age 25 RM 3000 per month, bonus $200 weekly."
    mentions = find_pay(text)
    assert [m.text for m in mentions] == ["RM 3000 per month", "$200 weekly"]
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_a_currency_between_numbers_goes_with_the_one_it_is_glued_to():
    assert [m.text for m in find_pay("age 25 $500/week")] == ["$500/week"]
    assert [m.text for m in find_pay("salary 1500$ 6 days a week")] == ["1500$"]


def test_a_smaller_second_number_is_not_a_range():
    (mention,) = find_pay("salary 1500$ - 2 years contract")
    assert (mention.amount, mention.text) == (1500, "1500$")


def test_a_period_written_before_the_amount_counts():
    (mention,) = find_pay("Monthly salary: RM 3,000, paid on time")
    assert mention.period == "month"
    assert find_pay("Paid monthly. Bonus RM 300")[0].period == "unstated"


def test_an_aside_between_amount_and_period_joins_the_mention():
    (mention,) = find_pay("a salary of up to RM15,000 (US$3,300) per month")
    assert (mention.currency, mention.amount, mention.period) == ("MYR", 15_000, "month")
    assert mention.text == "RM15,000 (US$3,300) per month"


def test_a_sum_in_its_own_brackets_or_glued_to_its_period_keeps_the_period():
    (bracketed,) = find_pay("Cleaners in Kuala Lumpur (RM 4,000) a month, room free")
    assert (bracketed.currency, bracketed.amount, bracketed.period) == ("MYR", 4_000, "month")
    assert bracketed.text == "RM 4,000) a month"
    (glued,) = find_pay("He took a $1,500-a-month job at a call centre")
    assert (glued.amount, glued.period, glued.text) == (1_500, "month", "$1,500-a-month")
    (converted,) = find_pay("paying 5-9 million won ($3,800-6,900) a month")
    assert (converted.currency, converted.amount, converted.period) == ("KRW", 9_000_000, "month")
    assert find_pay("a $1,500-a-year bonus")[0].period == "year"
    assert find_pay("tickets from $45 - all ages")[0].period == "unstated"


def test_wage_multiple_relates_pay_to_the_country_of_the_currency():
    wage = TABLE["countries"]["VN"]["avg_monthly_wage"]
    (mention,) = find_pay(f"Lương {4 * wage:,} VND per month, bao ăn ở")
    assert mention.country == "VN"
    assert mention.wage_multiple == pytest.approx(4)
    (weekly,) = find_pay(f"{wage / 4.33:.2f} VND a week")
    assert weekly.wage_multiple == pytest.approx(1)


def test_describe_names_the_country():
    wage = TABLE["countries"]["VN"]["avg_monthly_wage"]
    assert describe(find_pay(f"{4.2 * wage:,.0f} VND per month")[0]) == "pay ≈ 4.2× the average monthly wage in Viet Nam"
    assert describe(find_pay("€800/week")[0]).endswith("in the euro area")
    assert re.fullmatch(r"pay ≈ 0\.0\d× the average monthly wage in the United States", describe(find_pay("$100")[0]))


def test_describe_without_a_wage_gives_dollars():
    mention = PayMention(0, 4, "$100", 100, "USD", "unstated", 100, 1234.4, None, None)
    assert describe(mention) == "pay ≈ 1,234 US dollars a month"


def test_reference_table_has_its_provenance():
    assert TABLE["note"] and "approximate" in TABLE["note"]
    for source in TABLE["sources"]:
        assert source["title"] and source["publisher"] and source["address"]
        assert source.get("edition") or source.get("retrieved")


def test_every_country_has_every_field():
    countries = TABLE["countries"]
    assert len(countries) >= 60
    for code, row in countries.items():
        assert re.fullmatch(r"[A-Z]{2}", code)
        assert isinstance(row["name"], str) and row["name"]
        assert row["currency"] in TABLE["currencies"], code
        assert isinstance(row["avg_monthly_wage"], (int, float)) and row["avg_monthly_wage"] > 0, code
        assert isinstance(row["wage_year"], int) and 2015 <= row["wage_year"] <= 2026, code
        assert isinstance(row["wage_source"], str) and row["wage_source"], code


def test_regions_the_brief_names_are_covered():
    expected = set(
        "IN PK BD NP LK AF BT MV VN TH PH MY ID SG KH LA MM BN TL CN JP KR TW HK MN "
        "AE SA QA KW BH OM JO LB IQ IL TR EG NG GH KE UG TZ ET "
        "UA MD RO BG RU BY GE AM AZ KZ KG TJ UZ MX BR CO PE AR US GB EU CA AU".split()
    )
    assert expected <= set(TABLE["countries"])
    assert [code for code, row in TABLE["countries"].items() if row["currency"] == "EUR"] == ["EU"]


def test_every_currency_has_a_rate_and_aliases():
    for code, row in TABLE["currencies"].items():
        assert re.fullmatch(r"[A-Z]{3}", code)
        assert isinstance(row["usd_per_unit"], float) and row["usd_per_unit"] > 0, code
        assert row["rate_date"], code
        assert row["aliases"], code
        assert row["country"] in TABLE["countries"], code
    aliases = [
        str(alias).lower()
        for row in TABLE["currencies"].values()
        for alias in row["aliases"] + row.get("aliases_with_period", [])
    ]
    assert len(aliases) == len(set(aliases)), "an alias names two currencies"


def test_every_alias_is_read_as_its_currency_before_or_after_the_amount():
    for code, row in TABLE["currencies"].items():
        amount = round(1000 / row["usd_per_unit"])  # about 1,000 dollars
        for alias in row["aliases"]:
            mentions = find_pay(f"pay {alias} {amount} per month, or {amount} {alias} per month")
            assert [m.currency for m in mentions] == [code, code], alias
        for alias in row.get("aliases_with_period", []):
            assert [m.currency for m in find_pay(f"pay {amount} {alias} per month")] == [code], alias
            assert find_pay(f"pay {amount} {alias}") == (), alias


def test_a_table_giving_one_alias_two_currencies_is_refused(monkeypatch):
    table = {
        "currencies": {
            "USD": {"country": "US", "usd_per_unit": 1.0, "aliases": ["$", "dollar"]},
            "SGD": {"country": "SG", "usd_per_unit": 0.75, "aliases": ["Dollar"]},
        },
        "countries": {},
    }
    monkeypatch.setattr(pay, "load_yaml", lambda name: table)
    pay._reference.cache_clear()
    try:
        with pytest.raises(CatalogueError, match="'Dollar' of SGD"):
            find_pay("$5")
    finally:
        pay._reference.cache_clear()


def test_high_pay_needs_a_period_or_a_pay_word_and_a_plausible_amount():
    from screener.pay_offer import high_pay

    assert [m.text for m in high_pay("Earn 40,000,000 VND per month, free room.")] == ["40,000,000 VND per month"]
    assert [m.text for m in high_pay("Salary: 40,000,000 VND, free room.")] == ["40,000,000 VND"]
    for ordinary in (
        "Relocation package of up to £8,000.",  # a sum, not pay
        "Salary: £21,000.",  # a yearly salary written without its period
        "A budget of £70 million each year.",  # not anybody's pay
        "Salary 9,000,000 VND per month.",  # about the average wage
        "Spot salary: £13,768.",  # part-time yearly pay: with no period, pounds or euros read as a year
        "Salary: 15,000 EUR, full time.",
    ):
        assert high_pay(ordinary) == (), ordinary
    # where wages are low, an amount without a period stays monthly pay
    assert [m.text for m in high_pay("Salary 75,000 baht, free visa.")] == ["75,000 baht"]
    assert high_pay("Salary £12,000 a month, free visa.")  # a stated period is read as it says


def test_high_pay_for_a_stated_skill_is_not_a_lure_signal():
    lure = "Office work in Leeds, no experience, salary £9,000 per month, free room."
    assert high_pay(lure)
    assert not high_pay("Consultant surgeon, GMC registration, salary £9,000 per month.")
    assert not high_pay("Office work in Leeds, 5 years of experience, salary £9,000 per month.")


def test_a_marriage_notice_states_income_and_offers_no_pay():
    # the candidate's own income in a marriage notice is not an offer
    assert not high_pay("Match for Jat boy 27/5'10, employed in a private firm, Rs 90,000 pm. Caste no bar.")
    assert not high_pay("Alliance invited for our son, 30, own shop, income Rs 1.5 lakh per month.")
    # the same amount offered stays high pay, in a marriage notice too
    assert high_pay("The groom's family will pay her parents Rs 90,000 per month. Suitable girl wanted.")
    assert high_pay("Employed in a private firm abroad, Rs 90,000 pm, no experience, free flight.")
    assert high_pay("Alliance manager for a trading firm, no experience, salary Rs 2 lakh per month.")


@pytest.mark.parametrize(
    ("text", "currency", "amount"),
    [
        ("P40,000 a month", "p", "40,000"),
        ("Sh200,000", "sh", "200,000"),
        ("KD150 salary", "kd", "150"),
        ("VND20 million", "vnd", "20"),
        ("SR 2500", "sr", "2500"),
        ("RMB 10,000", "rmb", "10,000"),
        ("150 million kip", "kip", "150"),
        ("NGN 300,000", "ngn", "300,000"),
        ("₦300,000", "₦", "300,000"),
        ("25,000 baht", "baht", "25,000"),
        ("700 dinars", "dinars", "700"),
        ("Rs 50,000", "rs", "50,000"),
        ("3000 riyals", "riyals", "3000"),
        ("NT$5,000 a day", "nt$", "5,000"),
        ("S$1,578", "s$", "1,578"),
    ],
)
def test_the_currency_placeholder_reads_local_codes_and_glued_sums(extractor, text, currency, amount):
    """The catalogue's {CURRENCY} and {AMOUNT} see the same local forms `find_pay` reads."""
    norms = {t.text: t.norm_ for t in extractor.doc(text)}
    assert norms[currency] == "{CURRENCY}" and norms[amount] in ("{AMOUNT}", "{AGE}"), norms


@pytest.mark.parametrize(("text", "word"), [("P2P lending", "p2p"), ("A4 paper", "a4"), ("she won 500 votes", "won"), ("RP with me", "rp"), ("dong quai tea", "dong")])
def test_words_like_currency_codes_stay_words(extractor, text, word):
    assert {t.text: t.norm_ for t in extractor.doc(text)}[word] != "{CURRENCY}"
