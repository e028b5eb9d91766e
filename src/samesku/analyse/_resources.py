"""Loading of the analyse stage's data files (``analyse/data/*.tsv``).

Vocabularies (noise words, units, colours, non-code tokens, context words) live in data
files so that they can be extended without touching code. Each loader reads its file once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Characters whose case folding Arrow's utf8_lower does not do; applied after lower-casing
# so that data-file terms and cleaned titles meet in the same form.
_FOLD_EXTRA = {"ß": "ss", "ẞ": "ss"}


def fold(text: str) -> str:
    """NFKC + lower case + the extra folds applied to titles (ß → ss)."""
    text = unicodedata.normalize("NFKC", text).lower()
    for src, dst in _FOLD_EXTRA.items():
        text = text.replace(src, dst)
    return text


def read_tsv(name: str) -> list[list[str]]:
    """Rows of a data file: tab-separated, ``#`` comments and blank lines skipped.

    Args:
        name: File name inside ``samesku/analyse/data``.

    Returns:
        The rows, each a list of stripped fields.
    """
    path = resources.files("samesku.analyse").joinpath("data", name)
    rows: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append([field.strip() for field in line.split("\t")])
    return rows


@dataclass(frozen=True)
class Unit:
    """One surface form of a unit or count word (a row of ``units.tsv``)."""

    surface: str
    kind: str
    factor: float
    attached: bool
    singular: bool = False


@cache
def load_units() -> tuple[Unit, ...]:
    """All unit surfaces, folded, longest first (so the regex alternation prefers them)."""
    units = []
    for row in read_tsv("units.tsv"):
        surface, kind, factor = fold(row[0]), row[1], float(row[2])
        flags = set(row[3].split(",")) if len(row) > 3 else set()
        units.append(Unit(surface, kind, factor, "attached" in flags, "singular" in flags))
    return tuple(sorted(units, key=lambda u: (-len(u.surface), u.surface)))


@cache
def load_context_words() -> dict[str, tuple[str, ...]]:
    """Context words by kind (``phone``, ``screen``, ``cpu``) from ``context.tsv``."""
    words: dict[str, list[str]] = {}
    for kind, word in read_tsv("context.tsv"):
        words.setdefault(kind, []).append(fold(word))
    return {kind: tuple(ws) for kind, ws in words.items()}


def is_hangul(char: str) -> bool:
    """True for Hangul syllables and jamo."""
    code = ord(char)
    return 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F


def is_cjk(char: str) -> bool:
    """True for Han ideographs, kana and Hangul (scripts written without spaces)."""
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or is_hangul(char)
    )
