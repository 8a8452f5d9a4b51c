"""Property-based tests: the value parsers and header matching, over many generated inputs."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pac_excel import schema
from pac_excel.read.tables import match_header
from pac_excel.read.values import EPOCH_1900, EPOCH_1904, parse_date, parse_number

SEPARATORS = st.sampled_from([" ", "\u00a0", "\u202f", ""])
AMOUNTS = st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


def french(x: Decimal, sep: str, euro: bool) -> str:
    text = f"{abs(x):,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", sep)
    return ("-" if x < 0 else "") + text + (" €" if euro else "")


@given(AMOUNTS, SEPARATORS, st.booleans())
def test_french_amounts_read_back_to_the_cent(x, sep, euro):
    value, problem = parse_number(french(x, sep, euro))
    assert problem is None and round(value, 2) == float(x)


@given(AMOUNTS)
def test_english_amounts_read_back_to_the_cent(x):
    value, problem = parse_number(f"{x:,.2f}")
    assert problem is None and round(value, 2) == float(x)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999), st.sampled_from([",", "."]))
def test_one_separator_before_three_digits_is_never_guessed(a, b, sep):
    value, problem = parse_number(f"{a}{sep}{b:03d}")
    assert value is None and problem[0] == "ambiguous_number"


@given(st.one_of(st.text(max_size=40), st.floats(allow_nan=True), st.integers(), st.booleans(), st.none()))
def test_number_parser_never_raises_and_never_invents(raw):
    value, problem = parse_number(raw)
    assert value is None or problem is None
    if isinstance(raw, str) and raw.strip() and value is None:
        assert problem is not None  # a non-blank text is read, or reported: never silently dropped


DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]


@given(DATES)
def test_dates_in_every_unambiguous_form(d):
    for text in (d.strftime("%d/%m/%Y"), d.isoformat(), f"{d.day}/{d.month}/{d.year}", d.strftime("%d-%m-%Y"),
                 f"{d.day} {MONTHS_FR[d.month - 1]} {d.year}"):
        value, problem = parse_date(text)
        assert problem is None and value == d, text


@given(DATES)
def test_serial_numbers_follow_the_workbook_epoch(d):
    s1900 = (d - EPOCH_1900).days
    s1904 = (d - EPOCH_1904).days
    assert parse_date(float(s1900)) == (d, None)
    if s1904 >= 32874:  # serials before 1990 are not taken for dates
        assert parse_date(s1904, date1904=True) == (d, None)


@given(DATES.filter(lambda d: d.day > 12))
def test_us_order_is_reported_not_guessed(d):
    value, problem = parse_date(f"{d.month:02d}/{d.day:02d}/{d.year}")
    assert value is None and problem[0] == "ambiguous_date"


@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.none()))
def test_date_parser_never_raises(raw):
    value, problem = parse_date(raw)
    assert value is None or problem is None
    assert value is None or date(1990, 1, 1) - timedelta(days=1) < value or isinstance(raw, str)


COLUMN_LABELS = [(t, c.key, label) for t in schema.TABLES for c in t.columns
                 for label in (c.label("fr"), c.label("en"))]


def variants(label: str, case: int, pad: str, accents: bool, suffix: str, apostrophe: bool) -> str:
    text = [label, label.upper(), label.lower(), label.title()][case]
    if accents:
        text = unicodedata.normalize("NFD", text)
    if apostrophe:
        text = text.replace("\u2019", "'")
    return pad + text.replace(" ", pad or " ") + pad + suffix


@settings(max_examples=600)
@given(st.sampled_from(COLUMN_LABELS), st.integers(0, 3), st.sampled_from(["", " ", "\u00a0", "  "]), st.booleans(),
       st.sampled_from(["", " (€)", " ?", " :", "\n(précisez)", " (CHF)"]), st.booleans())
def test_headers_are_recognised_however_typed(item, case, pad, accents, suffix, apostrophe):
    """Every column label of every table, however typed; the quick first-letters test that turns
    most cells away must never turn a header away."""
    tdef, key, label = item
    assert match_header(tdef, variants(label, case, pad, accents, suffix, apostrophe)) == key
