"""Colour words in many languages → canonical English colour names.

The vocabulary is ``data/colors.tsv`` (term, canonical name(s), match mode). Matching
uses one Aho-Corasick automaton over ``title_clean``; each hit is checked against its
mode (whole word, anywhere, end of a CJK word, German compound suffix) and the longest
hit at the leftmost position wins, so ``space grey`` is not also ``grey`` and stop
phrases such as ``red bull`` or ``블루투스`` hide the colour word inside them.
"""

from __future__ import annotations

from functools import cache

import ahocorasick

from samesku.analyse._resources import fold, is_cjk, read_tsv

__all__ = ["COLOR_LAB", "extract_colors", "strip_colors"]

_WORD, _SUB, _END, _SUFFIX = "word", "sub", "end", "suffix"

#: Approximate sRGB of each canonical colour name (``data/colors.tsv``), for colour distance:
#: shops name one finish with neighbouring words (a stainless fridge is "silver", a graphite
#: one "grey"), so how far two named colours are apart says more than whether they differ.
_SRGB: dict[str, tuple[int, int, int]] = {
    "beige": (245, 245, 220), "black": (0, 0, 0), "blue": (0, 90, 200), "bronze": (205, 127, 50),
    "brown": (120, 72, 40), "burgundy": (128, 0, 32), "copper": (184, 115, 51), "cream": (255, 253, 208),
    "gold": (212, 175, 55), "graphite": (65, 66, 68), "green": (0, 128, 0), "grey": (128, 128, 128),
    "ivory": (255, 255, 240), "khaki": (195, 176, 145), "midnight": (25, 25, 60), "mint": (152, 255, 152),
    "navy": (0, 0, 128), "orange": (255, 140, 0), "pink": (255, 170, 190), "purple": (128, 0, 128),
    "red": (200, 0, 0), "rose gold": (183, 110, 121), "silver": (192, 192, 192), "space grey": (80, 80, 85),
    "stainless": (175, 177, 180), "starlight": (240, 230, 210), "titanium": (135, 134, 129),
    "turquoise": (64, 224, 208), "white": (255, 255, 255), "yellow": (255, 220, 0),
}


def _lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    def linear(c: float) -> float:
        c /= 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


COLOR_LAB: dict[str, tuple[float, float, float]] = {name: _lab(rgb) for name, rgb in _SRGB.items()}


@cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for row in read_tsv("colors.tsv"):
        term, canonical, mode = fold(row[0]), row[1], row[2]
        names = () if canonical == "-" else tuple(canonical.split("|"))
        automaton.add_word(term, (len(term), names, mode))
    automaton.make_automaton()
    return automaton


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def _accept(text: str, start: int, end: int, mode: str) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if mode == _SUB:
        return True
    if mode == _END:
        return not (after and is_cjk(after))
    left_ok = not (before and _is_word_char(before))
    right_ok = not (after and _is_word_char(after))
    if mode == _SUFFIX:
        return right_ok
    return left_ok and right_ok


def _color_hits(title_clean: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Accepted colour hits as (start, end, canonical names), leftmost-longest, non-overlapping.

    Stop phrases (no canonical name) are hits too: they hide the colour words inside them.
    """
    hits: list[tuple[int, int, tuple[str, ...]]] = []
    for last, (length, names, mode) in _automaton().iter(title_clean):
        start = last - length + 1
        if _accept(title_clean, start, last + 1, mode):
            hits.append((start, -length, names))
    hits.sort()
    out: list[tuple[int, int, tuple[str, ...]]] = []
    covered_to = -1
    for start, neg_length, names in hits:
        if start < covered_to:
            continue
        covered_to = start - neg_length
        out.append((start, covered_to, names))
    return out


def extract_colors(title_clean: str) -> list[str]:
    """Canonical colour names mentioned in a cleaned title, in order, without repeats.

    Args:
        title_clean: A cleaned, lower-cased title.

    Returns:
        e.g. ``["space grey"]`` for ``"apple iphone 8 plus 64 gb spacegrau"``.
    """
    if not title_clean:
        return []
    colors: dict[str, None] = {}
    for _, _, names in _color_hits(title_clean):
        for name in names:
            colors[name] = None
    return list(colors)


def strip_colors(title_clean: str) -> str:
    """The cleaned title without its colour words, spaces collapsed
    (``"hotpoint h1 washer white"`` -> ``"hotpoint h1 washer"``)."""
    out = title_clean
    for start, end, names in reversed(_color_hits(title_clean)):
        if names:
            out = out[:start] + " " + out[end:]
    return " ".join(out.split())
