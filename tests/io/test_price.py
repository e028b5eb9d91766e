"""Price parsing: accepted forms, unparsable and negative values."""

from __future__ import annotations

import pyarrow as pa
import pytest

from samesku.io.price import parse_prices

PARSED = [
    ("12900", 12900.0),
    ("19.99", 19.99),
    ("12,900", 12900.0),
    ("₩12,900", 12900.0),
    ("12,900원", 12900.0),
    ("$19.99", 19.99),
    ("19,99 €", 19.99),
    ("1,299.00", 1299.0),
    ("1.299,00", 1299.0),
    ("1 299,00", 1299.0),
    ("1'299.50", 1299.5),
    ("EUR 1.299,00", 1299.0),
    ("19.99 USD", 19.99),
    ("US$ 3", 3.0),
    ("R$ 19,90", 19.9),
    ("Rp 12.900", 12900.0),
    ("¥1,980", 1980.0),
    ("1980円", 1980.0),
    ("12,-", 12.0),
    ("0.125", 0.125),
    ("1,5", 1.5),
    ("1e5", 100000.0),
    ("  42  ", 42.0),
    ("0", 0.0),
    ("-0", 0.0),
    ("₹1,29,999", 129999.0),
    ("Rs. 12,34,567.50", 1234567.5),
]


@pytest.mark.parametrize(("text", "value"), PARSED)
def test_common_price_forms_are_parsed(text: str, value: float) -> None:
    result = parse_prices(pa.array([text]))
    assert result.price.to_pylist() == [value]
    assert result.unparsable.to_pylist() == [False]
    assert result.negative.to_pylist() == [False]


@pytest.mark.parametrize(
    "text", ["abc", "1.2.3", "NaN", "inf", "-inf", "1e999", "12 kg", ".99", "1,2,3"]
)
def test_unparsable_prices_are_null_and_flagged(text: str) -> None:
    result = parse_prices(pa.array([text]))
    assert result.price.to_pylist() == [None]
    assert result.unparsable.to_pylist() == [True]
    assert result.negative.to_pylist() == [False]


@pytest.mark.parametrize("text", ["-5", "-$5", "$-5", "−3 €", "-1,299.00"])
def test_negative_prices_are_null_and_flagged(text: str) -> None:
    result = parse_prices(pa.array([text]))
    assert result.price.to_pylist() == [None]
    assert result.negative.to_pylist() == [True]
    assert result.unparsable.to_pylist() == [False]


def test_missing_or_blank_prices_are_null_without_a_flag() -> None:
    result = parse_prices(pa.array([None, "", "   "], pa.string()))
    assert result.price.to_pylist() == [None, None, None]
    assert result.unparsable.to_pylist() == [False, False, False]
    assert result.negative.to_pylist() == [False, False, False]


def test_one_separator_followed_by_three_digits_is_a_thousands_separator() -> None:
    assert parse_prices(pa.array(["1.299", "1,299", "0.299"])).price.to_pylist() == [
        1299.0,
        1299.0,
        0.299,
    ]


def test_numeric_input_is_accepted() -> None:
    result = parse_prices(pa.chunked_array([pa.array([1.5, -2.0, None])]))
    assert result.price.to_pylist() == [1.5, None, None]
    assert result.negative.to_pylist() == [False, True, False]
