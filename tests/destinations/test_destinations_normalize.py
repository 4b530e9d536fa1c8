"""Golden tests: identifiers normalize and hash exactly as Meta and Google document."""

import hashlib

import pytest

from interaction_pipeline.destinations import normalize
from interaction_pipeline.destinations.normalize import InvalidIdentifier
from interaction_pipeline.destinations.payloads import google_row, meta_row, meta_schema


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@pytest.mark.parametrize(
    ("raw", "meta", "google"),
    [
        ("Mary@Example.com", "mary@example.com", "mary@example.com"),
        ("  mary@example.com\t\n", "mary@example.com", "mary@example.com"),
        ("John.Doe@Gmail.com", "john.doe@gmail.com", "johndoe@gmail.com"),
        ("j.o.h.n@googlemail.com", "j.o.h.n@googlemail.com", "john@googlemail.com"),
        ("john.doe+ads@gmail.com", "john.doe+ads@gmail.com", "johndoe+ads@gmail.com"),
        ("first.last+tag@example.org", "first.last+tag@example.org", "first.last+tag@example.org"),
    ],
)
def test_emails_normalize_per_platform(raw, meta, google):
    assert normalize.normalize_email(raw) == meta
    assert normalize.normalize_email(raw, gmail_dots=True) == google


def test_meta_documented_example_hash():
    assert normalize.sha256_hex(normalize.normalize_email(" Mary@example.com ")).startswith("f1904cf1")


@pytest.mark.parametrize(
    ("raw", "region", "meta", "google"),
    [
        ("(650) 253-1234", "US", "16502531234", "+16502531234"),
        ("650.253.1234", "US", "16502531234", "+16502531234"),
        ("+1 212 565 0000", "US", "12125650000", "+12125650000"),
        ("001 212 565 0000", "DE", "12125650000", "+12125650000"),
        ("020 7946 0958", "GB", "442079460958", "+442079460958"),
        ("030 901820", "DE", "4930901820", "+4930901820"),
        ("06 12 34 56 78", "FR", "33612345678", "+33612345678"),
    ],
)
def test_national_phone_formats_become_meta_digits_and_google_e164(raw, region, meta, google):
    assert normalize.phone_digits(raw, region) == meta
    assert normalize.phone_e164(raw, region) == google


def test_national_numbers_use_the_default_region_setting(monkeypatch):
    monkeypatch.setenv("INTERACTION_PIPELINE_DEFAULT_PHONE_REGION", "GB")
    assert normalize.phone_e164("020 7946 0958") == "+442079460958"


@pytest.mark.parametrize("raw", ["12", "not a phone", "555-0000-000000000000", "+1 000 000 0000"])
def test_unparseable_phones_are_reported_not_guessed(raw):
    with pytest.raises(InvalidIdentifier, match="phone"):
        normalize.phone_e164(raw, "US")


def test_values_already_hashed_are_not_hashed_twice():
    digest = sha("mary@example.com")
    assert normalize.sha256_hex(digest.upper()) == digest
    row, problems = meta_row({"email": digest, "phone": None}, ["email", "phone"], {})
    assert row == [digest, ""] and problems == []


def test_names_keep_letters_only():
    assert normalize.normalize_name(" O'Brien-Smith ") == "obriensmith"
    assert normalize.normalize_name("Zoë") == "zoë"


def test_meta_row_hashes_every_identifier_and_reports_bad_ones():
    record = {"email": "A@B.com", "phone": "nonsense", "first_name": "Ann", "country": "US"}
    assert meta_schema(["email", "phone", "first_name"]) == ["EMAIL", "PHONE", "FN"]
    row, problems = meta_row(record, ["email", "phone", "first_name"], {})
    assert row == [sha("a@b.com"), "", sha("ann")]
    assert problems and "phone" in problems[0]


def test_google_row_uses_e164_and_is_none_without_identifiers():
    row, _ = google_row({"email": None, "phone": "(650) 253-1234"}, ["email", "phone"], {})
    assert row == [{"hashedPhoneNumber": sha("+16502531234")}]
    row, problems = google_row({"email": "nope", "phone": None}, ["email", "phone"], {})
    assert row is None and "email" in problems[0]


def test_a_country_that_is_not_an_iso_code_falls_back_to_the_default_region():
    assert normalize.phone_e164("(650) 253-1234", "United States") == "+16502531234"
    assert normalize.phone_e164("020 7946 0958", "gb") == "+442079460958"


def test_meta_extern_id_is_hashed_too():
    row, _ = meta_row({"user_id": " u-42 "}, ["user_id"], {})
    assert row == [sha("u-42")]


def test_a_number_from_another_region_of_the_same_country_code_stays_valid():
    # A Toronto number read with the US default: +1 is shared, so it is valid (in CA), not reported.
    assert normalize.phone_e164("416-979-1234", "US") == "+14169791234"


@pytest.mark.parametrize(
    "blank",
    ["\u00a0", "\u202f", "\u2007", "\u3000", "\u2003", "\u200b", "\ufeff", "\0", "\x0b", " \u00a0\t"],
)
def test_unicode_whitespace_around_emails_and_phones_is_trimmed_before_validation(blank):
    assert normalize.normalize_email(f"{blank}Mary@Example.com{blank}") == "mary@example.com"
    assert normalize.phone_e164(f"{blank}001 212 565 0000{blank}", "DE") == "+12125650000"
    assert normalize.phone_digits(f"{blank}(650) 253-1234{blank}", "US") == "16502531234"
    assert normalize.normalize_name(f"{blank}Ann{blank}") == "ann"
    assert normalize.phone_e164("(650) 253-1234", f"{blank}us{blank}") == "+16502531234"


def test_a_no_break_space_inside_an_email_still_makes_it_invalid():
    with pytest.raises(InvalidIdentifier, match="not an email address"):
        normalize.normalize_email("mary\u00a0@example.com")
