"""GTIN / EAN / UPC / JAN extraction with check-digit validation (python-stdnum).

Codes are normalised to 14 digits (zero-padded) so GTIN-8, UPC-12, EAN-13 and GTIN-14
spellings of the same article compare equal. In titles, 12-14 digit runs are taken; an
8-digit run only after a keyword (``EAN``, ``JAN``, ``바코드``, ...) because 8-digit
article numbers and dates pass the check digit one time in ten.
"""

from __future__ import annotations

import re

from stdnum import ean

__all__ = ["extract_gtins", "normalise_gtin"]

_RUN_RE = re.compile(r"(?<![0-9A-Za-z])(\d{12,14}|\d{8})(?![0-9A-Za-z])")
_KEYWORD_RE = re.compile(
    r"(?:ean|gtin|jan|upc|barcode|bar code|바코드|条码|條碼|jan\s?コード|コード)\s*[:#]?\s*$",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(r"[^0-9]+")
# what spreadsheets make of a GTIN column: 4.00638E+12 notation, a trailing .0
_SCIENTIFIC_RE = re.compile(r"^\s*(\d)(?:[.,](\d+))?[eE]\+?(\d{1,2})\s*$")
_FLOAT_RE = re.compile(r"^\s*(\d+)[.,]0+\s*$")


def _spreadsheet_number(value: str) -> str:
    """``4.006381333931E+12`` -> ``4006381333931``, ``4006381333931.0`` -> ``4006381333931``.

    A GTIN column that went through a spreadsheet or a float dtype arrives so; splitting it
    on the non-digits took ``006381333931`` for a UPC. Digits the notation lost stay lost:
    the check digit then rejects the code.
    """
    m = _SCIENTIFIC_RE.match(value)
    if m:
        lead, frac, exp = m.group(1), m.group(2) or "", int(m.group(3))
        return (lead + frac[:exp]).ljust(exp + 1, "0") if len(frac) <= exp else value
    m = _FLOAT_RE.match(value)
    return m.group(1) if m else value


def normalise_gtin(code: str) -> str | None:
    """Validate a GTIN and zero-pad it to 14 digits.

    Args:
        code: Digits of a GTIN-8/12/13/14 (spaces and dashes allowed).

    Returns:
        The 14-digit GTIN, or ``None`` when the length or the check digit is wrong.
    """
    digits = "".join(c for c in code if c.isdigit())
    if len(digits) not in (8, 12, 13, 14) or not ean.is_valid(digits):
        return None
    return digits.zfill(14)


def extract_gtins(title: str | None, gtin_field: str | None = None) -> list[str]:
    """Valid GTINs from a title and an optional ``gtin`` column value.

    Args:
        title: The raw or NFKC-normalised title.
        gtin_field: The offer's ``gtin`` value; several codes may be separated by any
            non-digit character.

    Returns:
        14-digit GTINs, de-duplicated, column value first.
    """
    found: dict[str, None] = {}
    if gtin_field:
        gtin_field = _spreadsheet_number(gtin_field)
        for part in _SPLIT_RE.split(gtin_field):
            if part:
                # a UPC or EAN stored as a number lost its leading zeros
                gtin = normalise_gtin(part.zfill(12) if 9 <= len(part) <= 11 else part)
                if gtin:
                    found[gtin] = None
        if not found:
            gtin = normalise_gtin(gtin_field)  # one code written in groups: "4 009900 484350"
            if gtin:
                found[gtin] = None
    if title:
        for match in _RUN_RE.finditer(title):
            digits = match.group(1)
            if len(digits) == 8 and not _KEYWORD_RE.search(title[max(0, match.start() - 16) : match.start()]):
                continue
            gtin = normalise_gtin(digits)
            if gtin:
                found[gtin] = None
    return list(found)
