"""Evidence extraction: hits on the original text, negation scope, input handling."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener import Extractor, IndicatorHit, extract
from screener.evidence import MAX_TEXT_CHARS

def found(text: str, extractor: Extractor) -> dict[str, bool]:
    """indicator id -> negated, for the hits of `text`."""
    return {h.indicator: h.negated for h in extractor.extract(text)}


def test_mini_catalogue_examples_hold(mini_extractor):
    assert mini_extractor.check_examples() == []


def test_hit_carries_legal_mapping_and_original_offsets(mini_extractor):
    text = "Club hostesses wanted. The agency will keep your passport."
    hits = mini_extractor.extract(text)
    assert [h.indicator for h in hits] == ["hostess", "passport_held"]
    hostess, passport = hits
    assert (hostess.element, hostess.sub_element) == ("PURPOSE", "sexual_exploitation")
    assert passport.ilo == ("retention_of_identity_documents",)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text and not hit.negated
    assert passport.text == "keep your passport"


def test_offsets_point_into_obfuscated_original(mini_extractor):
    text = "Сlub h0stesses needed, call zero seven seven one two three four five six"
    hits = {h.indicator: h for h in mini_extractor.extract(text)}
    assert hits["hostess"].text == "Сlub h0stesses"
    assert hits["hidden_contact"].text == "zero seven seven one two three four five six"


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("No recruitment fees, ever.", "fees"),
        ("We never ask for money.", "fees"),
        ("We do not charge a registration fee.", "fees"),
        ("Recruitment fees: none.", "fees"),
        ("Beware of agencies that keep your passport.", "passport_held"),
        ("You keep your passport.", "passport_held"),
        ("You will always keep your passport.", "passport_held"),
        ("Your documents are held by the agency? Never, they stay with you.", "passport_held"),
        ("If anyone asks you to pay a fee, report it to us.", "fees"),
        ("Club hostess? No.", "hostess"),
        ("Bar hostess work is strictly forbidden here.", "hostess"),
        ("Registration fees waived for all.", "fees"),
    ],
)
def test_negated_and_warning_mentions_are_marked(mini_extractor, text, indicator):
    assert found(text, mini_extractor).get(indicator) is True


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("No experience needed, registration fee 100 euro.", "fees"),
        ("Not a problem: we keep your passport safe.", "passport_held"),
        ("Don't worry. We pay your ticket.", "ticket_paid"),
        ("You arrive, we hold your documents.", "passport_held"),
        ("Club hostess? I don't think you will regret it.", "hostess"),
        ("If the client is not happy we keep your passport.", "passport_held"),
        ("Registration fee at no extra cost to the employer.", "fees"),
    ],
)
def test_negation_does_not_leak_across_clauses(mini_extractor, text, indicator):
    assert found(text, mini_extractor).get(indicator) is False


def test_literal_numbers_in_patterns_match_only_themselves(mini_extractor):
    assert "minors" in found("girls 16-17 and 15-17 welcome", mini_extractor)
    assert "minors" not in found("girls 16-18 welcome", mini_extractor)


def test_a_decimal_is_not_the_number_its_digits_spell():
    assert "excessive_working_hours" in {h.indicator for h in extract("Shifts: 75 hours per week.")}
    assert "excessive_working_hours" not in {h.indicator for h in extract("Shifts: 7.5 hours per week.")}


def test_amount_placeholder_matches_any_amount_and_currency(mini_extractor):
    assert "pay_per_week" in found("Earn 4.500 EUR per week", mini_extractor)
    assert "pay_per_week" in found("earn £2,000 a week", mini_extractor)
    assert "pay_per_week" not in found("earn 80 usd a week", mini_extractor)


def test_near_rule_hits_span_both_parts_within_the_window(mini_extractor):
    hit = next(h for h in mini_extractor.extract("We offer ladies to entertain our guests.") if h.indicator == "girls_for_clients")
    assert hit.text == "ladies to entertain our guests"
    assert "girls_for_clients" not in found("ladies: please read this long notice before you meet the guests", mini_extractor)
    assert found("ladies will never meet guests", mini_extractor) == {"girls_for_clients": True}  # a negation between the sides


def test_near_rule_sides_stay_in_one_sentence(mini_extractor):
    assert "girls_for_clients" not in found("Ladies only. Guests pay at the door", mini_extractor)
    assert "girls_for_clients" not in found("ladies\nguests", mini_extractor)
    assert "girls_for_clients" in found("Ladies? Guests are waiting", mini_extractor)  # a question leads into the pitch


def test_same_indicator_hits_do_not_overlap(mini_extractor):
    hits = [h for h in mini_extractor.extract("we pay your ticket, free flight, free travel") if h.indicator == "ticket_paid"]
    assert len(hits) == 3
    assert all(a.end <= b.start for a, b in zip(hits, hits[1:]))


def test_batch_equals_one_by_one(mini_extractor):
    texts = ["Club hostess wanted", "", "We pay your ticket. No fees.", "ok"]
    assert list(mini_extractor.extract_many(texts)) == [mini_extractor.extract(t) for t in texts]


def test_empty_text_has_no_hits(mini_extractor):
    assert mini_extractor.extract("") == () and mini_extractor.extract("   \n ") == ()


def test_long_text_is_cut_at_the_limit(mini_extractor):
    text = "x " * (MAX_TEXT_CHARS // 2) + "club hostess"
    assert mini_extractor.extract(text) == ()
    assert len(mini_extractor.doc(text)._.normalized.original) == MAX_TEXT_CHARS


@pytest.mark.parametrize("bad", [None, 3, b"bytes", ["list"]])
def test_non_string_raises_type_error(bad):
    with pytest.raises(TypeError, match="str"):
        extract(bad)


def test_hit_round_trips_through_dict(mini_extractor):
    hit = mini_extractor.extract("bar hostess wanted")[0]
    assert IndicatorHit.from_dict(hit.to_dict()) == hit
    assert isinstance(hit.to_dict()["ilo"], list)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_extract_never_raises_and_spans_are_valid(mini_extractor, text):
    for hit in mini_extractor.extract(text):
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["club h0stess", "we pay your ticket", "no fees", "Р", "\u200b", "zero seven seven one two three four", "✈️", ",", "."]), max_size=20))
def test_hits_on_disguised_mixtures_are_valid_and_deterministic(mini_extractor, parts):
    text = " ".join(parts)
    first = mini_extractor.extract(text)
    assert first == mini_extractor.extract(text)
    for hit in first:
        assert text[hit.start : hit.end] == hit.text and hit.start < hit.end


def test_terms_say_how_the_ad_wrote_them(screener):
    ad = "Sweet LADIES, earn 3000 dollars a month, DM me on WhatsApp"
    result = screener.screen(ad)
    assert result.terms
    for term in result.terms:
        assert term.text and term.text.lower() in ad.lower(), term
    assert any(term.text != term.term for term in result.terms)  # a NORM or a class, shown as written
    assert type(result.terms[0]).from_dict(result.terms[0].to_dict()) == result.terms[0]


def test_a_flag_without_any_element_quotes_the_words_that_raised_it():
    from screener.explain import summarize
    from screener.results import ElementFinding, TermContribution

    absent = {name: ElementFinding(False, 0.0, (), ()) for name in ("ACT", "MEANS", "PURPOSE")}
    terms = (TermContribution("g:boys/girls", 0.9, "GIRLS"), TermContribution("the", 0.5, "the"), TermContribution("cv", -0.4, "CV"))
    flagged = summarize(0.41, "medium", True, "balanced", absent, False, terms)
    assert "wording alone ('GIRLS')" in flagged and "'CV'" not in flagged  # content words that raised it only
    assert "wording alone" not in summarize(0.05, "low", False, "balanced", absent, False, terms)


def test_a_requirement_waived_between_the_two_sides_of_a_near_rule_does_not_negate_it(extractor):
    # "no degree needed" is a closed scope of its own, not a denial of the paid travel after it
    hits = extractor.extract("Call center job in Dubai, no degree needed, company pays visa and ticket")
    office = [h for h in hits if h.indicator == "office_job_abroad_travel_paid"]
    assert office and not any(h.negated for h in office)
    denied = extractor.extract("Call center job in Dubai; we do not pay the visa or the ticket")
    assert not any(h.indicator == "office_job_abroad_travel_paid" and not h.negated for h in denied)
