"""Model / product code extraction (``DC3991-100``, ``T22-25X15``, ``MQ8N2B/A``, ``RX9``).

Codes are read from the *cased* clean title so they keep the shop's spelling; they are
compared later through :func:`normalise_code`. A code is an ASCII token that mixes
letters and digits (at least three of them), possibly joined by ``-``, ``/`` or ``.``, or
a dash-joined digit code of at least six digits (``315122-111``). Measures and specs
(``64GB``, ``18K``, ``4K``, ``12mp``), standards and sockets listed in
``data/not_codes.tsv``, and words with a short number (``iPhone13``) are not codes.
"""

from __future__ import annotations

import re
from functools import cache

from samesku.analyse._resources import load_units, read_tsv

__all__ = ["codes_related", "extract_model_codes", "is_code_token", "normalise_code", "spec_pattern", "spec_words"]

# ASCII tokens that contain a digit, joined by - / . (the digit may come after a joiner:
# MZ-77E1T0B/EU); tokens without digits are never codes and are not even yielded.
_TOKEN_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Za-z0-9]+[-/.])*[A-Za-z]*\d[A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*\+*(?![A-Za-z0-9])"
)
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_STRIP_RE = re.compile(r"[\s\-/.]+")
_DASHED_DIGITS_RE = re.compile(r"\d+(?:-\d+)+")
_DATE_RE = re.compile(r"(?:19|20)\d\d(?:-\d\d?){1,2}|\d\d?-\d\d?-(?:19|20)\d\d|(?:19|20)\d\d-(?:19|20)\d\d")
# A long word followed by a short number is a product name, not a code: iPhone13,
# Fusion5, AirForce1. Four letters or fewer (HERO12, RX9, LV8) stay codes.
_NAME_RE = re.compile(r"[a-z]{5,}\d{1,2}")
# Technical suffixes that are not in units.tsv because they never describe a quantity sold.
_SPEC_SUFFIXES = (
    "mp", "mpix", "megapixel", "mah", "wh", "w", "kw", "v", "hz", "khz", "mhz", "ghz", "rpm",
    "db", "dpi", "fps", "p", "i", "bit", "bits", "mbps", "gbps", "nm", "st", "nd", "rd", "th",
    "gen", "cores", "core", "ply", "er", "pin", "gt/s", "mt/s", "ms", "min", "lm", "lux",
    "nits", "ohm", "ma", "bar", "pa", "kpa", "psi", "btu", "ch",
)


@cache
def _spec_re() -> re.Pattern[str]:
    units = [u.surface for u in load_units() if u.kind not in ("kw", "countword") and u.surface.isascii()]
    suffixes = sorted(set(units) | set(_SPEC_SUFFIXES), key=lambda s: (-len(s), s))
    alt = "|".join(re.escape(s).replace(r"\ ", r"\s?") for s in suffixes)
    return re.compile(
        rf"\d+(?:[.,]\d+)?-?(?:{alt})"  # 64gb, 12mp, 4-teilig, 13-inch
        r"|\d+[.,]\d+[a-z]+"  # 24.7mpix, 3.0in
        r"|\d{1,2}[a-z]{2,}"  # 10xdig, 30fps
        r"|\d{1,2}[kxsiha]"  # 4k, 18k gold, 30x zoom, 1080i-like; 8700k / 7940x stay codes
    )


@cache
def _rejected_re() -> re.Pattern[str]:
    """Specs, listed non-codes and name-like words in one pattern (one match per token)."""
    patterns = [row[0] for row in read_tsv("not_codes.tsv")]
    patterns += [_spec_re().pattern, _NAME_RE.pattern]
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def normalise_code(code: str) -> str:
    """Canonical form used to compare codes across shops.

    Upper case, with ``-``, ``/``, ``.`` and spaces removed, so ``MQ8N2B/A`` and
    ``mq8n2ba`` compare equal.

    Args:
        code: A model code as written.

    Returns:
        The normalised code (``"MQ8N2BA"``).
    """
    return _STRIP_RE.sub("", code).upper()


def _is_code(token: str) -> bool:
    lower = token.lower().rstrip("+")
    alnum = _NON_ALNUM_RE.sub("", lower)
    if len(alnum) < 3 or alnum.isalpha():
        return False
    if alnum.isdigit():
        # Digit-only codes need dashes and six digits: 315122-111, 7599-838-199.
        return (
            _DASHED_DIGITS_RE.fullmatch(lower) is not None
            and len(alnum) >= 6
            and _DATE_RE.fullmatch(lower) is None
        )
    return _rejected_re().fullmatch(lower) is None


def spec_pattern() -> str:
    """The regular expression (RE2-compatible) of a measure or spec token (``64gb``, ``4k``, ``1400rpm``)."""
    return _spec_re().pattern


@cache
def spec_words() -> frozenset[str]:
    """Unit and spec words (``kg``, ``gb``, ``rpm``, ``mah``) that follow a number in a title."""
    units = {u.surface.lower() for u in load_units() if u.surface.isascii() and u.surface.isalpha()}
    return frozenset(units | {s for s in _SPEC_SUFFIXES if s.isalpha()})


def is_code_token(token: str) -> bool:
    """True when one token (as written, any case) reads as a model code, not a spec or a number."""
    return _is_code(token)


def _split_slash(token: str) -> list[str]:
    """``MQ8N2B/A`` and ``KFR-35GW/NhGd3B`` are single codes; ``28cm/38cm``, ``9kg/1400``,
    ``8/256GB`` are lists and ``ui6f1ts/ui6f1ts`` a repeated code."""
    if "/" not in token:
        return [token]
    parts = [p for p in token.split("/") if p]
    if len({normalise_code(p) for p in parts}) == 1:
        return parts[:1]
    first = parts[0].lower()
    if first.isdigit() or _spec_re().fullmatch(first):
        return parts
    return [token]


def extract_model_codes(text: str) -> list[str]:
    """Model codes in a title, as written, de-duplicated by :func:`normalise_code`.

    Args:
        text: A cleaned title; pass the cased one to keep the shop's spelling.

    Returns:
        Codes in order of appearance, e.g. ``["CW2288-111", "DD8959-100"]``.

    Example:
        >>> extract_model_codes("AEG RX9-1-SGM Robot Hoover 64GB")
        ['RX9-1-SGM']
    """
    if not text:
        return []
    found: dict[str, str] = {}
    for match in _TOKEN_RE.finditer(text):
        token = match.group()
        for part in _split_slash(token):
            part = part.strip(".-")
            if _is_code(part):
                found.setdefault(normalise_code(part), part)
    return list(found.values())


_LAST_DIGIT_RE = re.compile(r"\d(?=\D*$)")

#: Shortest code length at which one differing character makes two codes siblings
#: (``MC28H5013AW`` / ``MC28H5013AK``); shorter codes are names (``i5`` / ``i7``).
SUBSTITUTION_MIN_LEN = 5


def codes_related(a: str, b: str) -> bool:
    """Whether two normalised codes may name one product.

    Related when one contains the other (``RX9`` / ``RX91SGM``, ``QE55Q6FN`` /
    ``QE55Q6FNATXXU``) or when they agree up to and including their last digits and differ
    only in a trailing letter suffix (``KD55XF8096BU`` / ``KD55XF8096BAEP``: a region or
    colour suffix). Codes that differ in a digit or in a letter before one
    (``CBNPBS4858`` / ``CBNPBS3756``, ``WMAQF641P`` / ``WMAQB641PUK``) are siblings, and so
    are codes of one length (five or more) that differ in one place (``MC28H5013AW`` /
    ``MC28H5013AK``: 98.9 % of such PriceRunner candidate pairs are two products). On
    PriceRunner's candidate pairs with codes on both sides and none shared, 59 % of
    contained pairs and 2-4 % of suffix pairs are one product, the rest 0.2-0.7 %.
    """
    if a in b or b in a:
        return True
    if len(a) == len(b) >= SUBSTITUTION_MIN_LEN and sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return False   # one character apart: a sibling (colour letter, size, generation)
    n = 0
    for x, y in zip(a, b, strict=False):  # the shorter code bounds the shared prefix
        if x != y:
            break
        n += 1
    if n < 3:
        return False
    la, lb = _LAST_DIGIT_RE.search(a), _LAST_DIGIT_RE.search(b)
    return la is not None and lb is not None and n > la.start() and n > lb.start()
