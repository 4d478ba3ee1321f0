"""Normalization: obfuscation folded out, offsets mapped back exactly, signals counted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener import normalize
from screener.normalize import SIGNALS
from screener.obfuscation import respell_word


def original_of(text: str, fragment: str) -> str:
    """The original characters that `fragment` of the normalized text came from."""
    normalized = normalize(text)
    start = normalized.text.index(fragment)
    begin, end = normalized.to_original(start, start + len(fragment))
    return text[begin:end]


@pytest.mark.parametrize(
    ("text", "expected", "signal"),
    [
        ("earn c@sh now", "earn cash now", "leet"),
        ("w0rk abroad", "work abroad", "leet"),
        ("g1rls wanted", "girls wanted", "leet"),
        ("W h a t s A p p me", "WhatsApp me", "spaced_contact"),
        ("T-e-l-e-g-r-a-m only", "Telegram only", "spaced_contact"),
        ("g.i.r.l.s wanted", "girls wanted", "spaced_letters"),
        ("wоrk іn Dubаі", "work in Dubai", "homoglyph"),
        ("pa\u200bss\u200dport", "passport", "zero_width"),
        ("ｆｕｌｌ time", "full time", "styled_unicode"),
        ("aged eighteen to twenty five", "aged 18 to 25", "number_words"),
        ("call zero seven seven one two three four five six", "call 077123456", "phone_in_words"),
        ("call 0 7 7 1 2 3 4 5 6 now", "call 077123456 now", "spaced_digits"),
    ],
)
def test_obfuscation_is_folded_and_counted(text, expected, signal):
    normalized = normalize(text)
    assert normalized.text == expected
    assert normalized.signals[signal] >= 1
    assert signal in SIGNALS


def test_emoji_stands_for_its_word_and_maps_back_to_the_emoji():
    text = "Free ✈️ and 🏠 for girls"
    normalized = normalize(text)
    assert "travel" in normalized.text.split() and "accommodation" in normalized.text.split()
    assert normalized.signals["emoji"] == 2
    assert original_of(text, "travel") == "✈"
    assert original_of(text, "accommodation") == "🏠"


def test_spans_map_back_to_the_disguised_original():
    text = "Рау: 5000$ 💵, w0rk fast, W h a t s A p p only"
    assert original_of(text, "work") == "w0rk"
    assert original_of(text, "WhatsApp") == "W h a t s A p p"
    assert original_of(text, "Pay") == "Рау"


@pytest.mark.parametrize(
    "text",
    [
        "Warehouse operative, 37.5 hours a week, £11.80 per hour. Apply by 4pm on 3rd May.",
        "Email jobs@example.com or visit www.example.org, ref B2B-24/7, covid19 rules, mp3.",
        "No one will call you; one or two shifts, e.g. on Fridays, i.e. a short week.",
        "Café owner in Zürich, naïve art lover, 24 ans.",
    ],
)
def test_ordinary_text_is_left_alone(text):
    normalized = normalize(text)
    assert normalized.signals.get("leet", 0) == 0
    assert normalized.signals.get("spaced_letters", 0) == 0
    assert normalized.signals.get("phone_in_words", 0) == 0
    assert normalized.signals.get("homoglyph", 0) == 0


def test_plain_ascii_text_is_identity():
    text = "We are hiring cooks for our restaurant in Leeds, 30 hours a week."
    normalized = normalize(text)
    assert normalized.text == text and normalized.obfuscation == 0
    assert normalized.to_original(7, 13) == (7, 13)


def test_contact_hiding_produces_events_on_normalized_text():
    normalized = normalize("Text T e l e g r a m or zero nine one two three four five six seven")
    kinds = [kind for _, _, kind in normalized.events]
    assert kinds == ["spaced_contact", "phone_in_words"]
    for start, end, _ in normalized.events:
        assert normalized.text[start:end] in {"Telegram", "091234567"}


def test_to_original_rejects_spans_outside_the_text():
    with pytest.raises(ValueError):
        normalize("abc").to_original(2, 5)


def test_non_string_raises_type_error():
    with pytest.raises(TypeError, match="str"):
        normalize(None)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_every_span_maps_into_the_original(text):
    normalized = normalize(text)
    n = len(normalized.text)
    cuts = sorted({0, n, n // 3, n // 2, (2 * n) // 3})
    previous_begin = 0
    for start, end in zip(cuts, cuts[1:]):
        begin, finish = normalized.to_original(start, end)
        assert 0 <= begin <= finish <= len(text)
        assert begin >= previous_begin
        previous_begin = begin
    for index in range(0, n, max(1, n // 20)):
        begin, finish = normalized.to_original(index, index + 1)
        assert 0 <= begin <= finish <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=200))
def test_unchanged_stretches_map_to_equal_text(text):
    normalized = normalize(text)
    if normalized.obfuscation == 0:
        assert normalized.text == text
    for index, char in enumerate(normalized.text):
        begin, finish = normalized.to_original(index, index + 1)
        if finish - begin == 1 and text[begin] == char:
            continue
        assert finish > begin  # a rewritten character maps to the whole rewritten original


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["c@sh", "w0rk", "W h a t s", "✈️", "Рау", "\u200b", "zero seven seven one two three four", "ok", " ", "\n", "x"]), max_size=30))
def test_obfuscated_mixtures_map_monotonically(parts):
    text = " ".join(parts)
    normalized = normalize(text)
    last = 0
    for index in range(len(normalized.text)):
        begin, finish = normalized.to_original(index, index + 1)
        assert last <= finish and 0 <= begin <= finish <= len(text)
        last = begin


def test_masked_letters_resolve_only_to_known_words():
    from screener.normalize import Normalizer

    normalized = Normalizer(lexicon=["club", "work"])("cl*b w*rk, 5*3 and *** and zz*q")
    assert normalized.text == "club work, 5*3 and *** and zz*q"
    assert normalized.signals["leet"] == 2


@pytest.mark.parametrize(
    "typo, word",
    [("pasport", "passport"), ("passprot", "passport"), ("salaary", "salary"), ("agnecy", "agency")],
)
def test_a_typo_of_a_pattern_word_is_respelled(typo, word):
    assert respell_word(typo, frozenset({"passport", "salary", "agency"}), frozenset()) == word


@pytest.mark.parametrize(
    "token",
    ["contract", "pass", "Maria", "passage", "p4ssport", "pässport", "passport" * 50_000],
)
def test_known_short_or_ambiguous_words_are_not_respelled(token):
    targets = frozenset({"passport", "contact", "pass", "maria"})
    assert respell_word(token, targets, known=frozenset({"contract", "maria"})) is None


def test_only_a_unique_respelling_is_taken():
    assert respell_word("travl", frozenset({"travel", "tral"}), frozenset()) is None
    assert respell_word("travl", frozenset({"travel"}), frozenset()) == "travel"


def test_long_runs_without_a_space_are_broken_for_the_tokenizer_and_map_back():
    from screener.normalize import MAX_RUN

    text = "Call now " + "!" * (3 * MAX_RUN + 7) + " free visa"
    normalized = normalize(text)
    assert max(len(word) for word in normalized.text.split()) <= MAX_RUN
    start = normalized.text.index("free visa")
    assert normalized.to_original(start, start + 9) == (text.index("free visa"), len(text))
    assert normalized.to_original(0, len(normalized.text)) == (0, len(text))


def test_unknown_pictographs_stand_apart():
    assert normalize("jobs😀😀abroad").text.split() == ["jobs", "😀", "😀", "abroad"]
