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

__all__ = ["extract_colors", "strip_colors"]

_WORD, _SUB, _END, _SUFFIX = "word", "sub", "end", "suffix"


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
