"""GTIN / EAN / UPC extraction with check digits."""

from __future__ import annotations

from samesku.analyse import extract_gtins, normalise_gtin


def test_valid_ean13_in_title_is_padded_to_14_digits() -> None:
    assert extract_gtins("Coca-Cola Zero 500ml EAN 5449000131805") == ["05449000131805"]


def test_upc12_and_gtin14_are_accepted() -> None:
    assert extract_gtins("Hershey's 034000002405") == ["00034000002405"]
    assert extract_gtins("Case GTIN 15449000131802") == ["15449000131802"]


def test_wrong_check_digit_is_rejected() -> None:
    assert extract_gtins("Doritos 028400090002") == []
    assert normalise_gtin("5449000131806") is None


def test_eight_digit_code_needs_a_keyword_in_the_title() -> None:
    assert extract_gtins("Tic Tac EAN 40111445") == ["00000040111445"]
    assert extract_gtins("article 40111445") == []


def test_digits_inside_a_longer_code_are_not_a_gtin() -> None:
    assert extract_gtins("intel cm8063701137502") == []


def test_gtin_column_value_is_validated_and_comes_first() -> None:
    assert extract_gtins("x 5449000131805", "4909411084905") == ["04909411084905", "05449000131805"]
    assert extract_gtins(None, "4909411084905; 123; 5449000131806") == ["04909411084905"]


def test_gtin_column_written_in_groups_is_joined() -> None:
    assert extract_gtins(None, "4 909411 084905") == ["04909411084905"]


def test_same_gtin_in_title_and_column_is_reported_once() -> None:
    assert extract_gtins("JAN:4909411084905", "4909411084905") == ["04909411084905"]


def test_gtin_column_mangled_by_a_spreadsheet_is_read_back() -> None:
    assert extract_gtins(None, "4.006381333931E+12") == ["04006381333931"]
    assert extract_gtins(None, "4006381333931.0") == ["04006381333931"]
    assert extract_gtins(None, "36000291452") == ["00036000291452"]   # UPC stored as a number
    assert extract_gtins(None, "4.00638E+12") == []   # digits the notation lost stay lost
