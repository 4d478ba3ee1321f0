"""Contact details: found however they are written, and one key per contact."""

import pytest

from screener.contacts import find_contacts, hashed_key

#: One UK mobile number written as ads write it (reserved drama range, not a real line).
UK_NUMBER = [
    "+44 7700 900123",
    "+44 (0)7700-900-123",
    "+447700900123",
    "07700 900 123",
    "07700900123",
    "0 7 7 0 0 9 0 0 1 2 3",
    "zero seven seven zero zero nine zero zero one two three",
    "0-7-7-0-0-9-0-0-1-2-3",
    "(07700) 900123",
    "07700.900.123",
]


@pytest.mark.parametrize("written", UK_NUMBER)
@pytest.mark.parametrize("region", [None, "GB"])
def test_one_number_one_key(written, region):
    text = f"Call {written} today"
    contacts = find_contacts(text, region)
    assert [c.kind for c in contacts] == ["phone"]
    assert contacts[0].key == "phone:7700900123"
    assert text[contacts[0].start : contacts[0].end].strip() in (written, written.strip("()"))


@pytest.mark.parametrize(
    "text, kind, key",
    [
        ("Write to ANNA.k @ mail . com now", "email", "email:anna.k@mail.com"),
        ("Telegram @Jobs_Asia", "handle", "handle:jobs_asia"),
        ("apply at https://www.Example.com/jobs/", "link", "link:example.com/jobs"),
        ("join t.me/jobs_asia", "link", "link:t.me/jobs_asia"),
        ("WhatsApp +63 917 555 0142", "phone", "phone:9175550142"),
    ],
)
def test_other_contacts(text, kind, key):
    (contact,) = find_contacts(text)
    assert (contact.kind, contact.key) == (kind, key)


def test_region_reads_a_national_number():
    (local,) = find_contacts("call 0917 555 0142", "PH")
    (international,) = find_contacts("call +63 917 555 0142")
    assert local.key == international.key


def test_no_contact_in_plain_text():
    assert find_contacts("Nurse wanted for night shifts, band 5, 37.5 hours a week.") == ()


def test_hashed_key_hides_the_number():
    key = find_contacts("call 07700 900123")[0].key
    assert hashed_key(key) == hashed_key("phone:7700900123")
    assert len(hashed_key(key)) == 16 and hashed_key(key) != hashed_key("phone:7700900124")


def test_international_prefix_00_reads_like_plus():
    assert find_contacts("call 00971 50 123 4567")[0].key == find_contacts("call +971 50 123 4567")[0].key


def test_a_handle_after_a_channel_name_is_not_an_email():
    contacts = find_contacts("Telegram @real.world62 or mail me at a.b@mail.com")
    assert [(c.kind, c.key) for c in contacts] == [("handle", "handle:real.world62"), ("email", "email:a.b@mail.com")]


def _writings(prefixes, groupings, separators):
    for prefix in prefixes:
        for groups in groupings:
            for separator in separators:
                yield prefix + separator.join(groups)


#: 60 writings of one UK mobile number and 48 of one Philippine one: prefixes, groupings and separators.
TABLE = [
    *((w, "phone:7700900123") for w in _writings(["0", "+44 ", "+44", "0044 ", "+44 (0)"], [("7700", "900123"), ("7700", "900", "123"), ("77", "0090", "0123")], [" ", "-", ".", ""])),
    *((w, "phone:9175550142") for w in _writings(["0", "+63 ", "0063 ", "+63-"], [("917", "555", "0142"), ("917", "5550142"), ("9175", "550", "142")], [" ", "-", ".", ""])),
]


def test_contact_table_of_many_writings_gives_one_key_each():
    assert len(TABLE) >= 50
    wrong = [(w, [c.key for c in find_contacts(f"WhatsApp {w} now")]) for w, key in TABLE if [c.key for c in find_contacts(f"WhatsApp {w} now")] != [key]]
    assert not wrong, wrong[:5]


def test_letter_o_among_digits_is_a_zero_but_words_are_not_numbers():
    assert [c.key for c in find_contacts("call o7700 9OO 123 today")] == ["phone:7700900123"]
    assert find_contacts("good food, open noon to 10, oooooooo 1234") == ()
