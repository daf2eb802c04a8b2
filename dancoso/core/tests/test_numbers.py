"""Numbers in reports as officials write them (seeds: "4.410 hồ sơ", "97,61/100 điểm", "02 cuộc")."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dancoso.core.numbers import count_vi, number_vi, parse_number_vi, percent_vi


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (4410, 0, "4.410"),
        (1234567, 0, "1.234.567"),
        (97.613, 2, "97,61"),
        (97.615, 2, "97,62"),
        (0, 0, "0"),
        (12.5, 1, "12,5"),
        (1000.5, 1, "1.000,5"),
        (-3, 0, "-3"),
    ],
)
def test_number_vi(value, decimals, text):
    assert number_vi(value, decimals) == text


@pytest.mark.parametrize(("n", "text"), [(0, "0"), (2, "02"), (9, "09"), (10, "10"), (4410, "4.410")])
def test_count_vi(n, text):
    assert count_vi(n) == text


@pytest.mark.parametrize(
    ("rate", "text"), [(None, ""), (0.857, "85,7%"), (1, "100%"), (0.9761, "97,6%"), (0.5, "50%"), (0, "0%")]
)
def test_percent_vi(rate, text):
    assert percent_vi(rate) == text


@pytest.mark.parametrize(("text", "value"), [("4.410", 4410), ("97,61", Decimal("97.61")), ("12", 12)])
def test_parse_number_vi(text, value):
    assert parse_number_vi(text) == value


@pytest.mark.parametrize("text", ["4.41", "1,2,3", "abc", "", "12.3456"])
def test_parse_number_vi_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number_vi(text)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_written_numbers_read_back(value):
    assert parse_number_vi(number_vi(value, 2)) == value
