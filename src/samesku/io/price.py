"""Vectorised parsing of price strings.

Accepted forms (surrounding whitespace ignored):

* an optional sign (``-``, ``+`` or ``−``) and an optional currency before and/or after
  the number: a currency symbol optionally preceded by up to three capitals (``$``,
  ``€``, ``₩``, ``US$``, ``R$``), a three-letter ISO code (``EUR``), or a local word
  (``원``, ``円``, ``元``, ``kr``, ``zł``, ``Kč``, ``Ft``, ``lei``, ``Rp``, ``Rs``,
  ``руб``, ``грн``); ``12,-`` and ``12.-`` mean 12;
* spaces, no-break spaces and apostrophes inside the number are digit-group
  separators: ``1 299,00`` and ``1'299.00`` are 1299;
* the number, after removing those, is read by the first rule that matches:

  1. digits only: ``12900``;
  2. comma thousands groups, optional dot decimals: ``12,900``, ``1,299.00``;
  3. dot thousands groups, optional comma decimals: ``12.900``, ``1.299,00``;
  4. dot decimals: ``19.99``, ``0.125``;
  5. comma decimals: ``19,99``;
  6. exponent form: ``1e5``, ``1.5E-3``;
  7. Indian grouping (lakh, crore), optional dot decimals: ``1,29,999``, ``12,34,567.50``.

  Thousands groups need a first group of 1-3 digits not starting with 0 and groups of
  exactly three digits, so one separator followed by exactly three digits is a
  thousands separator (``1.299`` is 1299, ``0.125`` is 0.125).

Anything else (``abc``, ``1.2.3``, ``NaN``, ``inf``, a number too large for a double)
is *unparsable*; a number with a minus sign is *negative* (``-0`` is 0). Both give a
null price. A null or blank price is simply missing: null, no flag.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_SPACE = r"[\s\x{a0}\x{202f}\x{2009}]*"
_CURRENCY = r"(?:[A-Z]{0,3}\p{Sc}|[A-Z]{3}|원|円|元|kr\.?|zł|Kč|Ft|lei|Rp\.?|Rs\.?|руб\.?|грн\.?)"
_NUMBER = r"[0-9](?:[0-9.,'’\s\x{a0}\x{202f}\x{2009}]*[0-9])?(?:[eE][-+]?[0-9]+)?"
_PRICE = (
    rf"^{_SPACE}(?P<sign1>[-+−]?){_SPACE}(?:{_CURRENCY})?{_SPACE}(?P<sign2>[-+−]?){_SPACE}"
    rf"(?P<number>{_NUMBER})(?:[.,]-)?{_SPACE}(?:{_CURRENCY})?{_SPACE}$"
)
_PLAIN = r"^[0-9]{1,15}(?:\.[0-9]{1,2})?$"  # cast directly
_GROUP_SEPARATORS = r"['’\s\x{a0}\x{202f}\x{2009}]"

# (pattern, [(regex, replacement), ...]) in priority order
_RULES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (r"^[0-9]+$", ()),
    (r"^[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?$", ((",", ""),)),
    (r"^[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?:,[0-9]+)?$", ((r"\.", ""), (",", "."))),
    (r"^[0-9]+\.[0-9]+$", ()),
    (r"^[0-9]+,[0-9]+$", ((",", "."),)),
    (r"^[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+$", ()),
    (r"^[1-9][0-9]?(?:,[0-9]{2})+,[0-9]{3}(?:\.[0-9]+)?$", ((",", ""),)),
)


class ParsedPrices(NamedTuple):
    """Result of :func:`parse_prices`.

    Attributes:
        price: float64 prices; null where missing, unparsable or negative.
        unparsable: bool, True where a non-blank value could not be read.
        negative: bool, True where the value was a negative number.
    """

    price: pa.Array
    unparsable: pa.Array
    negative: pa.Array


def _blank(values: pa.Array) -> pa.Array:
    """True where a string is null, empty or only whitespace."""
    empty = pc.or_(pc.equal(pc.binary_length(values), 0), pc.utf8_is_space(values))
    return pc.fill_null(empty, True)


def _parse_general(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Parse any form; return magnitudes (NaN where unparsable) and minus-sign mask."""
    parts = pc.extract_regex(values, _PRICE)
    number = pc.replace_substring_regex(parts.field("number"), _GROUP_SEPARATORS, "")
    normal = pa.nulls(len(values), pa.string())
    for pattern, replacements in _RULES:
        converted = number
        for regex, replacement in replacements:
            converted = pc.replace_substring_regex(converted, regex, replacement)
        matches = pc.fill_null(pc.match_substring_regex(number, pattern), False)
        normal = pc.if_else(pc.and_(pc.is_null(normal), matches), converted, normal)
    magnitude = pc.fill_null(pc.cast(normal, pa.float64()), np.nan).to_numpy(zero_copy_only=False)
    minus = pc.or_(
        pc.fill_null(pc.match_substring_regex(parts.field("sign1"), "[-−]"), False),
        pc.fill_null(pc.match_substring_regex(parts.field("sign2"), "[-−]"), False),
    )
    return np.asarray(magnitude, dtype=np.float64), _to_bool(minus)


def _to_bool(values: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def parse_prices(values: pa.Array | pa.ChunkedArray) -> ParsedPrices:
    """Parse price strings (see the module docstring for the accepted forms).

    Plain prices (``129``, ``19.99``) are cast directly; only the other values go
    through the general pattern.

    Args:
        values: Price strings (any type castable to string; numbers are accepted too).

    Returns:
        Prices and the masks of unparsable and negative values.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    n = len(values)
    present = ~_to_bool(_blank(values))
    plain = _to_bool(pc.match_substring_regex(values, _PLAIN))
    magnitude = np.full(n, np.nan)
    minus = np.zeros(n, dtype=bool)
    if plain.any():
        simple = pc.cast(pc.filter(values, pa.array(plain)), pa.float64())
        magnitude[plain] = simple.to_numpy(zero_copy_only=False)
    other = present & ~plain
    if other.any():
        magnitude[other], minus[other] = _parse_general(pc.filter(values, pa.array(other)))
    finite = np.isfinite(magnitude)
    negative = minus & finite & (magnitude > 0)
    keep = finite & ~negative
    price = pa.array(np.where(keep, magnitude, 0.0), pa.float64(), mask=~keep)
    return ParsedPrices(price, pa.array(present & ~finite), pa.array(negative))
