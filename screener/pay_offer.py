"""Which pay in an ad is a lure's bait: high pay offered for no stated skill.

`screener.pay` reads amounts; `high_pay` keeps those at `HIGH_PAY_MULTIPLE` times the average wage
of the currency's country or more that the ad offers, leaving out an amount that is a yearly sum
or a budget, pay for a stated skill or qualification, and a marriage notice's statement of the
candidate's own income ("groom, 31, officer in a private firm, Rs 1.2 lakh pm"). The indicators
whose ``signals`` name `HIGH_PAY_SIGNAL` fire on what it keeps.
"""

from __future__ import annotations

import re

from screener.pay import PayMention, find_pay

__all__ = ["HIGH_PAY_SIGNAL", "HIGH_PAY_MULTIPLE", "high_pay"]

#: The signal an indicator names (``signals: [pay_high]``) to fire on pay this many times the
#: average monthly wage of the currency's country, or more.
HIGH_PAY_SIGNAL = "pay_high"
HIGH_PAY_MULTIPLE = 2.5
#: An amount without a period counts as monthly pay only after a pay word ("salary 25,000 baht"),
#: below this multiple (larger ones are yearly salaries or sums) and where the average wage is under
#: this many US dollars a month (in pounds or euros such sums are yearly: "Salary: £13,768").
UNSTATED_CEILING, UNSTATED_WAGE_USD = 5.0, 2000.0
#: Amounts above this multiple are budgets or turnovers, not anybody's pay.
IMPLAUSIBLE_MULTIPLE = 40.0
#: Characters before an amount searched for a pay word or an offer.
_BEFORE = 40
_PAY_WORD = re.compile(r"(?i:salary|salaries|pay|paid|wage|wages|earn|earning|earnings|income|make|get|receive)\W{1,3}(?:\w+\W{1,3}){0,3}$")
#: Words that state a skill or qualification: high pay for a stated skill is not a lure (a
#: consultant's salary is three times the average wage). Lures offer high pay for no stated skill.
_STATED_SKILL = re.compile(
    r"(?i:\b(?:qualified|qualifications?|degree|registered|registration|licensed|certified|certificate"
    r"|consultants?|specialists?|surgeons?|physicians?|doctors?|engineers?|pharmacists?|lawyers?|solicitors?"
    r"|years? (?:of )?(?:post-qualification |relevant |professional )?experience|experience (?:is )?(?:required|essential)"
    r"|phd|mba|msc|mbbs|gmc|nmc|hcpc|frcs|mrcp|cct)\b)"
)
#: A marriage notice's own words: there an amount describes the candidate's income, not an offer,
#: unless an offer word comes shortly before it ("the groom will pay her family Rs 2 lakh").
_MARRIAGE_NOTICE = re.compile(
    r"(?i:\b(?:biodata|bio-data|horoscope|matrimonial|matrimony|rishta|manglik|caste no bar|alliances? (?:for|from|invited)"
    r"|suitable (?:match|boy|girl|groom|bride)|match (?:for|from)|(?:seeks?|seeking|wanted|invited) (?:match|groom|bride|alliance|proposals?))\b)"
)
_OFFER = re.compile(r"(?i:\b(?:pay|pays|paying|paid|send|sends|sending|give|gives|giving|given|offer|offers|offered|allowance|you get|you will get|will receive|you receive)\b)")


def high_pay(text: str) -> tuple[PayMention, ...]:
    """The pay mentions of `text` that offer high pay for no stated skill.

    A mention counts at `HIGH_PAY_MULTIPLE` times its country's wage or more, up to
    `IMPLAUSIBLE_MULTIPLE`, an amount with no period only as `UNSTATED_CEILING` says; none counts
    in an ad that states a skill or qualification, nor in a marriage notice unless an offer word
    comes shortly before it.
    """
    high = tuple(
        m
        for m in find_pay(text)
        if m.wage_multiple is not None
        and HIGH_PAY_MULTIPLE <= m.wage_multiple <= IMPLAUSIBLE_MULTIPLE
        and (m.period != "unstated" or (m.wage_multiple < UNSTATED_CEILING and m.monthly_usd / m.wage_multiple < UNSTATED_WAGE_USD and _PAY_WORD.search(text, max(0, m.start - _BEFORE), m.start)))
    )
    # the searches of the whole ad only when there is high pay to drop (most ads have none)
    if not high or _STATED_SKILL.search(text):
        return ()
    if _MARRIAGE_NOTICE.search(text):
        return tuple(m for m in high if _OFFER.search(text, max(0, m.start - _BEFORE), m.start))
    return high
