"""Match tokens: clean titles turned into the tokens, flags and hash matrices pair features compare."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku._arrays import hash_strings as _hash_strings
from samesku.analyse._resources import fold, load_units, read_tsv
from samesku.match.arrays import _JOINS, _TOKENS

_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)?")


def _positions(parents: np.ndarray) -> np.ndarray:
    """Position of each flattened list value inside its list (``parents`` non-decreasing)."""
    starts = np.r_[0, np.flatnonzero(np.diff(parents)) + 1]
    return np.arange(len(parents)) - np.repeat(starts, np.diff(np.r_[starts, len(parents)]))


def _list_matrix(lists: pa.Array, width: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A list<string> column as an (n, width) int64 hash matrix (-1 padding).

    Returns (matrix, parents, hashes) where parents/hashes are the flat values kept.
    """
    mat = np.full((n, width), -1, dtype=np.int64)
    if n == 0:
        return mat, np.empty(0, np.int64), np.empty(0, np.int64)
    parents = pc.list_parent_indices(lists).to_numpy().astype(np.int64)
    flat = pc.list_flatten(lists)
    valid = np.asarray(pc.is_valid(flat).to_numpy(zero_copy_only=False), dtype=bool)
    hashes = _hash_strings(pc.fill_null(flat, ""))
    parents, hashes = parents[valid], hashes[valid]
    if len(parents):
        pos = _positions(parents)
        keep = pos < width
        mat[parents[keep], pos[keep]] = hashes[keep]
    return mat, parents, hashes


#: Units of specifications (not purchase amounts, so not in the units table) that shops write
#: both joined and spaced: ``1400 rpm`` / ``1400rpm``, ``3.6 ghz`` / ``3.6ghz``
_SPEC_UNITS = ("ghz", "mhz", "hz", "mp", "mpix", "mah", "rpm", "w", "kw", "wh", "v", "mbps", "tb")


@cache
def _unit_join_pattern() -> str:
    """RE2 pattern of a number, spaces, and a Latin unit of the units table."""
    units = sorted({u.surface for u in load_units() if u.surface.isascii() and u.surface.isalpha()} | set(_SPEC_UNITS),
                   key=lambda u: (-len(u), u))
    return r"(\d)\s+(" + "|".join(re.escape(u) for u in units) + r")\b"


@cache
def _modifiers() -> pa.Array:
    return pa.array(sorted({fold(row[0]) for row in read_tsv("modifiers.tsv")}), pa.string())


def _drop_trailing_zeros(titles: pa.Array) -> pa.Array:
    """``3.90ghz`` -> ``3.9ghz``, ``2.0 mp`` -> ``2 mp``: one number, however many decimals a shop prints."""
    out = pc.replace_substring_regex(titles, r"(\d\.\d*?[1-9])0+(\D|$)", r"\1\2")
    return pc.replace_substring_regex(out, r"(\d)\.0+(\D|$)", r"\1\2")


def _number(text: str) -> str:
    """A number as a token, decimal comma and trailing decimal zeros normalised (``3,50`` -> ``3.5``)."""
    text = text.replace(",", ".")
    return text.rstrip("0").rstrip(".") if "." in text else text


def match_tokens(titles: pa.Array) -> pa.ListArray:
    """Tokens of clean titles as pair features compare them.

    A number and its unit become one token (``64 gb`` and ``64gb`` agree) and punctuation
    at token edges is dropped (``5.5"`` and ``5.5``), so one product's spellings share tokens.
    """
    joined = pc.replace_substring_regex(titles, _unit_join_pattern(), r"\1\2")
    joined = _drop_trailing_zeros(joined)
    spaced = pc.replace_substring_regex(joined, r"[/,;:()\[\]+&|*]", " ")
    tokens = pc.utf8_split_whitespace(spaced)
    flat = pc.utf8_trim(pc.list_flatten(tokens), "._-'\"")
    keep = pc.greater(pc.utf8_length(flat), 0)
    parents = pc.list_parent_indices(tokens)
    kept_parents = pc.filter(parents, keep).to_numpy().astype(np.int64)
    offsets = np.r_[0, np.cumsum(np.bincount(kept_parents, minlength=len(titles)))].astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pc.filter(flat, keep))


def _token_flags(parents: np.ndarray, n: int, flags: pa.Array) -> np.ndarray:
    """(n, _TOKENS) bool matrix, aligned with the token hash matrix, of a per-token flag
    (``parents``: the title row of each flattened token)."""
    mat = np.zeros((n, _TOKENS), dtype=bool)
    if len(parents) == 0:
        return mat
    values = np.asarray(pc.fill_null(flags, False).to_numpy(zero_copy_only=False), dtype=bool)
    pos = _positions(parents)
    keep = pos < _TOKENS
    mat[parents[keep], pos[keep]] = values[keep]
    return mat


@cache
def _measure_pattern() -> str:
    """RE2 pattern of a measure token: a number joined to letters (``64gb``, ``3.4ghz``, ``500g``, ``4k``).

    One letter after one digit is a measure only for ``k`` (``4k``): ``6s``, ``7t``, ``5g``,
    ``80d`` name models (``iphone 6s``, ``oneplus 7t``, ``eos 80d``) as often as measures, so a
    one-letter unit counts after a decimal or a number of two or more digits (``500g``, ``12m``).
    A number with a counter of another script is a measure too (``30알``, ``6缶``).
    """
    units = {u.surface for u in load_units() if u.surface.isascii() and u.surface.isalpha()} | set(_SPEC_UNITS)
    letters = "".join(sorted(u for u in units if len(u) == 1))
    return rf"^(\d+(\.\d+)?[^\W\d_]{{2,}}|(\d{{2,}}|\d+\.\d+)[{letters}]|\d+k|\d+(\.\d+)?[^\x00-\x7f]+)$"


def _model_tokens(flat: pa.Array) -> pa.Array:
    """Per token: can it name a model in a series — a short token with a digit that is not a
    measure (``8``, ``xa2``, ``8356``, ``gh5``, ``6s``; not ``64gb``), one letter (``x``), or a
    model-line modifier (``plus``, ``lite``)."""
    length = pc.utf8_length(flat)
    measure = pc.match_substring_regex(flat, _measure_pattern())
    digit_short = pc.and_(pc.and_(pc.match_substring_regex(flat, r"\d"), pc.less_equal(length, 5)), pc.invert(measure))
    letter = pc.and_(pc.equal(length, 1), pc.match_substring_regex(flat, r"^[^\W\d_]$"))
    return pc.or_(pc.or_(digit_short, letter), pc.is_in(flat, _modifiers()))


def _name_tokens(flat: pa.Array, parents: np.ndarray) -> pa.Array:
    """Per flattened token (``parents``: its title row): can it lead a model name — a word of
    three or more letters (``iphone``, ``opteron``), or a series letter right after such a word
    (``x`` in ``fujifilm x t3``; not the ``x`` of a purchase condition, ``340ml x 24``)."""
    length = np.asarray(pc.utf8_length(flat).to_numpy(zero_copy_only=False))
    letters = np.asarray(pc.match_substring_regex(flat, r"^[^\W\d_]+$").to_numpy(zero_copy_only=False), dtype=bool)
    word = letters & (length >= 3)
    after_word = np.zeros(len(word), dtype=bool)
    after_word[1:] = word[:-1] & (parents[1:] == parents[:-1])
    return pa.array(word | (letters & (length == 1) & after_word))


def _token_joins(tokens: pa.ListArray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of adjacent token pairs joined, where either holds a digit: ((n, _JOINS) int64, positions).

    Shops split and join model names differently (``eos 80d`` / ``eos80d``, ``hv7l 1451p`` /
    ``hv7l1451p``): a token of one title that equals two adjacent tokens of the other joined
    is the same token. Returns the join hashes (-1 padding) and the position of each join's
    first token in the token matrix (int8, 0 padding).
    """
    mat = np.full((n, _JOINS), -1, dtype=np.int64)
    where = np.zeros((n, _JOINS), dtype=np.int8)
    parents = pc.list_parent_indices(tokens).to_numpy().astype(np.int64)
    if len(parents) < 2:
        return mat, where
    flat = pc.list_flatten(tokens)
    digit = np.asarray(pc.match_substring_regex(flat, r"\d").to_numpy(zero_copy_only=False), dtype=bool)
    pos = _positions(parents)
    keep = (parents[:-1] == parents[1:]) & (digit[:-1] | digit[1:]) & (pos[1:] < _TOKENS)
    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        return mat, where
    rank = np.arange(len(idx)) - np.searchsorted(parents[idx], parents[idx])   # k-th join of its offer
    idx, rank = idx[rank < _JOINS], rank[rank < _JOINS]
    joined = pc.binary_join_element_wise(flat.take(pa.array(idx)), flat.take(pa.array(idx + 1)), "")
    mat[parents[idx], rank] = _hash_strings(joined)
    where[parents[idx], rank] = pos[idx]
    return mat, where


def _column(table: pa.Table, name: str, typ: pa.DataType) -> pa.Array:
    if name in table.column_names:
        return table.column(name).combine_chunks()
    return pa.nulls(table.num_rows, typ)


def _token_keys(h: np.ndarray) -> np.ndarray:
    """32-bit keys of 64-bit token hashes (-1 padding stays -1, no real token becomes -1)."""
    k = (h ^ (h >> 32)).astype(np.int32)
    k[k == -1] = -2
    k[h == -1] = -1    # (-1 ^ (-1 >> 32) is 0: padding is set, not folded)
    return k
