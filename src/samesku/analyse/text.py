"""Title cleaning: Unicode normalisation, promo/shop noise removal, punctuation.

All steps are vectorised over an Arrow string array with ``pyarrow.compute`` (RE2
regular expressions run in C++), so cleaning costs a few passes over the column rather
than Python work per title. Two versions come out: the *cased* clean text (model codes
are read from it so they keep the shop's spelling) and ``title_clean`` (case-folded).

Noise vocabulary lives in ``data/noise.tsv``; units used to space pack expressions
(``210mlx30캔`` → ``210ml x 30캔``) in ``data/units.tsv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from samesku.analyse._resources import fold, is_hangul, load_units, read_tsv

__all__ = ["clean_title", "clean_titles"]

_OPEN = r"[\[\(\{【〔〖「『《〈<]"
_CLOSE = r"[\]\)\}】〕〗」』》〉>]"
_INNER = r"[^\[\]\(\)\{\}【】〔〕〖〗「」『』《》〈〉<>]"
_RE2_SPECIAL = set("\\.^$|?*+()[]{}")


def _escape(term: str) -> str:
    """Escape an RE2 literal; spaces match any run of whitespace."""
    out = []
    for char in term:
        if char == " ":
            out.append(r"\s+")
        elif char in _RE2_SPECIAL:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _term_pattern(term: str) -> str:
    """Pattern for one noise term: Latin words on word boundaries; Hangul phrases of four
    or more syllables with optional spaces between them (shops write both ``당일발송`` and
    ``당일 발송``; shorter ones would match across unrelated words)."""
    if term.isascii():
        return r"\b" + _escape(term) + r"\b"
    if sum(is_hangul(c) for c in term) >= 4:
        return r"\s*".join(_escape(c) for c in term.replace(" ", ""))
    return _escape(term)


def _alternation(terms: list[str]) -> str:
    # Longest first: RE2 alternation is leftmost-first, so "국내정품" must precede "정품".
    ordered = sorted(set(terms), key=lambda t: (-len(t), t))
    return "(?:" + "|".join(_term_pattern(t) for t in ordered) + ")"


@dataclass(frozen=True)
class _Rewrite:
    pattern: str
    replacement: str


@cache
def _rewrites() -> tuple[_Rewrite, ...]:
    """The ordered list of regex rewrites applied to NFKC-normalised titles."""
    by_kind: dict[str, list[str]] = {}
    for row in read_tsv("noise.tsv"):
        kind, term = row[0], row[1]
        by_kind.setdefault(kind, []).append(term if kind == "regex" else fold(term))

    steps: list[_Rewrite] = [_Rewrite(r"[\x00-\x1f\x7f]", " ")]
    # Inch marks survive punctuation cleaning only right after a number (55" TVs).
    steps.append(_Rewrite(r"(\d)\s?(?:”|″|′′|'')", r'\1"'))

    phrases = by_kind.get("phrase", [])
    bracket_terms = by_kind.get("bracket", []) + phrases
    if bracket_terms:
        steps.append(
            _Rewrite(f"(?i){_OPEN}{_INNER}*{_alternation(bracket_terms)}{_INNER}*{_CLOSE}", " ")
        )
    if by_kind.get("exact"):
        steps.append(_Rewrite(rf"(?i){_OPEN}\s*{_alternation(by_kind['exact'])}\s*{_CLOSE}", " "))
    if by_kind.get("shop"):
        shops = "(?:" + "|".join(_escape(t) for t in sorted(set(by_kind["shop"]), key=len, reverse=True)) + ")"
        steps.append(_Rewrite(rf"(?i){_OPEN}{_INNER}*{shops}\s*{_CLOSE}", " "))
    if phrases:
        steps.append(_Rewrite(f"(?i){_alternation(phrases)}", " "))
    if by_kind.get("regex"):
        steps.append(_Rewrite("(?i)(?:" + "|".join(by_kind["regex"]) + ")", " "))

    # Pack expressions: "210mlx30캔", "3병X500ml", "1.6kg×2個", "24x0,33l", "2x 500ml".
    # The left number must start a token so codes such as T22-25X15 are left alone.
    unit_alt = "|".join(
        _escape(u.surface) for u in load_units() if u.kind not in ("kw", "countword")
    )
    # A number glued to an "x" and then a space is a pack only when it reads as a count or a
    # measure ("2x 500ml", "330mlx 24"): "1700x 3.8ghz" and "7940X 2066" are CPU model codes
    # (before, cleaning split them into "1700 x", and no code was left to compare).
    lead = r"(?i)(^|[^0-9A-Za-z.,\-/])"
    tight = rf"{lead}(\d+(?:[.,]\d+)?\s?(?:{unit_alt})?)\s*[xX×✕✖*](\d)"
    spaced = (
        rf"{lead}(\d{{1,2}}(?:[.,]\d+)?\s?(?:{unit_alt})?|\d+(?:[.,]\d+)?\s?(?:{unit_alt}))"
        r"\s*[xX×✕✖*]\s+(\d)"
    )
    for _ in range(2):  # second pass for chains like 2x3x4
        steps.append(_Rewrite(tight, r"\1\2 x \3"))
        steps.append(_Rewrite(spaced, r"\1\2 x \3"))
    steps.append(_Rewrite(r"(\d)\s*[×✕✖*]\s*", r"\1 x "))
    steps.append(_Rewrite(r"\s*[×✕✖*]\s*(\d)", r" x \1"))
    steps.append(_Rewrite(r"(\d)\s*~\s*(\d)", r"\1-\2"))
    steps.append(_Rewrite(r"(\pL)['’](\pL)", r"\1\2"))  # men's -> mens
    # Everything that is not a letter, digit, mark, space or meaningful joiner goes.
    steps.append(_Rewrite(r"""[^\pL\pN\pM\s\-/.,+%&"]""", " "))
    steps.append(_Rewrite(r'(^|[^0-9])"', r"\1 "))
    steps.append(_Rewrite(r"\.{2,}|[-/]{2,}", " "))
    steps.append(_Rewrite(r"(^|\D),", r"\1 "))
    steps.append(_Rewrite(r",(\D|$)", r" \1"))
    # Joiners are kept only between letters/digits (codes, decimals, "grey/silver").
    steps.append(_Rewrite(r"(^|[^\pL\pN])[./\-]", r"\1 "))
    steps.append(_Rewrite(r"[./\-]([^\pL\pN]|$)", r" \1"))
    steps.append(_Rewrite(r"\s+", " "))
    return tuple(steps)


def clean_titles(titles: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """Clean a column of raw titles.

    Args:
        titles: Arrow string array (nulls allowed).

    Returns:
        ``(cased, title_clean)``: the cleaned titles with their original case (for model
        codes) and the case-folded ``title_clean``. Nulls stay null.
    """
    if isinstance(titles, pa.ChunkedArray):
        titles = titles.combine_chunks()
    if titles.type != pa.string():
        titles = titles.cast(pa.string())
    text = pc.utf8_normalize(titles, "NFKC")
    for step in _rewrites():
        text = pc.replace_substring_regex(text, step.pattern, step.replacement)
    cased = pc.utf8_trim_whitespace(text)
    lower = pc.utf8_lower(cased)
    lower = pc.replace_substring(lower, "ß", "ss")
    lower = pc.replace_substring(lower, "ẞ", "ss")
    return cased, lower


def clean_title(title: str) -> str:
    """Clean one title the way :func:`analyse_offers` builds ``title_clean``.

    NFKC (full-width → half-width), promo/shop/shipping noise removed, punctuation
    normalised, pack expressions spaced (``210mlx30캔`` → ``210ml x 30캔``), case-folded.

    Args:
        title: A raw offer title.

    Returns:
        The cleaned, lower-cased title ("" for an empty title).
    """
    _, lower = clean_titles(pa.array([title or ""], pa.string()))
    value = lower[0].as_py()
    return value or ""
