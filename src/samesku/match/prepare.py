"""Per-offer preparation: analysed offers and their title vectors turned into :class:`OfferArrays`.

``prepare_offers`` runs once per run (or per batch: it is row-wise) and computes token
hashes with IDF weights, code/GTIN/colour/variant hash sets, numeric codes of brand and
category, amounts and prices, so pair features need no Python loop over pairs.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku._arrays import hex64
from samesku._arrays import string_codes as _codes
from samesku.analyse.brand import brand_script
from samesku.analyse.colors import COLOR_LAB
from samesku.keys.families import normalised_code_lists
from samesku.match.arrays import _LABS, _SETS, _TOKENS, OfferArrays
from samesku.match.seller_style import SellerStyle
from samesku.match.token_idf import TokenIdf
from samesku.match.tokens import (
    _NUMBER_RE,
    _column,
    _list_matrix,
    _model_tokens,
    _modifiers,
    _name_tokens,
    _number,
    _positions,
    _token_flags,
    _token_joins,
    _token_keys,
    match_tokens,
)


def prepare_offers(offers: pa.Table, vectors: np.ndarray, idf: TokenIdf | None = None,
                   style: SellerStyle | None = None) -> OfferArrays:
    """Per-offer arrays for pair features, from analysed offers and their title vectors.

    Row-wise: each offer's arrays depend only on the offer and the fitted ``idf`` and
    ``style`` (fitted on these offers when None), so any batch of offers can be prepared on its own.
    Placeholder identifiers are masked afterwards (:func:`samesku.analyse.placeholders.mask_placeholders`).
    """
    n = offers.num_rows
    if idf is None:
        idf = TokenIdf.fit(offers)
    if style is None:
        style = SellerStyle.fit(offers)
    titles_arr = pc.fill_null(_column(offers, S.TITLE_CLEAN, pa.string()), "")
    titles = np.asarray(titles_arr.to_numpy(zero_copy_only=False), dtype=object)

    tokens = match_tokens(titles_arr)
    token_hash, _, _ = _list_matrix(tokens, _TOKENS, n)
    flat_tokens = pc.list_flatten(tokens)
    token_rows = pc.list_parent_indices(tokens).to_numpy().astype(np.int64)
    token_digit = _token_flags(token_rows, n, pc.match_substring_regex(flat_tokens, r"\d"))
    token_modifier = _token_flags(token_rows, n, pc.is_in(flat_tokens, _modifiers()))
    token_join, token_join_pos = _token_joins(tokens, n)
    token_model = _token_flags(token_rows, n, _model_tokens(flat_tokens))
    token_name = _token_flags(token_rows, n, _name_tokens(flat_tokens, token_rows))
    token_idf = idf.lookup(token_hash)

    numbers_list = pa.array([[_number(x) for x in _NUMBER_RE.findall(t)] for t in titles.tolist()], type=pa.list_(pa.string()))
    numbers, _, _ = _list_matrix(numbers_list, _SETS, n)

    norm_codes = normalised_code_lists(offers)
    codes, _, _ = _list_matrix(norm_codes, _SETS, n)
    code_lists = norm_codes.to_pylist()
    primary = np.array([max(c, key=len) if c else "" for c in code_lists], dtype=object)
    # every code, not only the longest: an offer naming its part number beside the model
    # ("eos 1300d ... 1160c017") shares the model with offers that name only the model
    code_list = np.array([" ".join(dict.fromkeys(c)) if c else "" for c in code_lists], dtype=object)

    gtins, _, _ = _list_matrix(_column(offers, S.GTINS, pa.list_(pa.string())), _SETS, n)
    color_lists = _column(offers, S.COLORS, pa.list_(pa.string()))
    colors, _, _ = _list_matrix(color_lists, _SETS, n)
    variants, _, _ = _list_matrix(_column(offers, S.VARIANT, pa.list_(pa.string())), _SETS, n)

    phash, has_phash = hex64(_column(offers, S.IMAGE_PHASH, pa.string()))

    def _num(name: str) -> np.ndarray:
        col = _column(offers, name, pa.float64()).cast(pa.float64())
        return np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float64)

    amount = _comparable_amount(offers, _num(S.AMOUNT))
    category = _codes(pc.utf8_lower(_column(offers, S.CATEGORY, pa.string())))
    seller = _codes(_column(offers, S.SELLER, pa.string()))
    brand_col = pc.fill_null(_column(offers, S.BRAND_NORM, pa.string()), "")
    brand_token = _first_last(match_tokens(brand_col), n)
    brand_script, brand_initial = _brand_letters(brand_col)

    return OfferArrays(
        titles=titles,
        vectors=vectors,
        token_key=_token_keys(token_hash),
        token_count=(token_hash != -1).sum(axis=1).astype(np.int8),
        token_idf=token_idf,
        token_digit=token_digit,
        token_modifier=token_modifier,
        join_key=_token_keys(token_join),
        token_model=token_model,
        token_name=token_name,
        token_join_pos=token_join_pos,
        numbers=numbers,
        codes=codes,
        primary_code=primary,
        code_list=code_list,
        code_len=np.fromiter((len(c) for c in primary.tolist()), dtype=np.int32, count=n),
        title_len=np.fromiter((len(t) for t in titles.tolist()), dtype=np.float32, count=n),
        compact_title=np.array([re.sub(r"[^0-9A-Z]", "", t.upper()) for t in titles.tolist()], dtype=object),
        gtins=gtins,
        colors=colors,
        color_lab=_color_lab(color_lists, n),
        variants=variants,
        brand=_codes(brand_col),
        brand_name=np.asarray(brand_col.to_numpy(zero_copy_only=False), dtype=object),
        brand_token=_token_keys(brand_token),
        brand_script=brand_script,
        brand_initial=brand_initial,
        category=category,
        seller=seller,
        count=_num(S.COUNT),
        amount=amount,
        amounts=_stated_amounts(offers, amount),
        unit=_codes(_column(offers, S.UNIT, pa.string())),
        price=_num(S.PRICE),
        phash=phash,
        has_phash=has_phash,
        seller_style=style.lookup(seller),
        color_identity=style.colour.lookup(category),
    )


def _color_lab(color_lists: pa.Array, n: int) -> np.ndarray:
    """(n, _LABS * 3) L*a*b* of each offer's first named colours (nan: none or no known colour)."""
    out = np.full((n, _LABS, 3), np.nan, dtype=np.float32)
    if n == 0:
        return out.reshape(n, _LABS * 3)
    parents = pc.list_parent_indices(color_lists).to_numpy().astype(np.int64)
    names = pc.list_flatten(color_lists).to_pylist()
    if len(parents):
        pos = _positions(parents)
        for row, k, name in zip(parents.tolist(), pos.tolist(), names, strict=True):
            lab = COLOR_LAB.get(name) if k < _LABS else None
            if lab is not None:
                out[row, k] = lab
    return out.reshape(n, -1)


#: Units whose amount is not an identity of the product: a length in a title is as often
#: a dimension (height 186 cm vs width 60 cm of one fridge) as the product's size.
_NON_IDENTITY_UNITS = ("mm",)


def _comparable_amount(offers: pa.Table, amount: np.ndarray) -> np.ndarray:
    unit = _column(offers, S.UNIT, pa.string())
    skip = np.asarray(pc.fill_null(pc.is_in(unit, pa.array(_NON_IDENTITY_UNITS)), False).to_numpy(zero_copy_only=False), dtype=bool)
    return np.where(skip, np.nan, amount)


def _stated_amounts(offers: pa.Table, amount: np.ndarray) -> np.ndarray:
    """(n, _SETS) matrix of every measure an offer states in its amount's unit (the amount first)."""
    n = len(amount)
    out = np.full((n, _SETS), np.nan, dtype=np.float64)
    out[:, 0] = amount
    if S.AMOUNTS not in offers.column_names or n == 0:
        return out
    lists = offers.column(S.AMOUNTS).combine_chunks()
    parents = pc.list_parent_indices(lists).to_numpy().astype(np.int64)
    values = np.asarray(pc.list_flatten(lists).to_numpy(zero_copy_only=False), dtype=np.float64)
    if len(parents):
        pos = _positions(parents)
        keep = (pos < _SETS) & ~np.isnan(amount[parents])   # not comparable amounts stay unstated
        out[parents[keep], pos[keep]] = values[keep]
    return out


def _first_last(tokens: pa.ListArray, n: int) -> np.ndarray:
    """(n, 2) int64 hashes of each list's first and last token (-1 for an empty list)."""
    mat, parents, hashes = _list_matrix(tokens, 1, n)
    out = np.full((n, 2), -1, dtype=np.int64)
    out[:, 0] = mat[:, 0]
    if len(parents):
        last = np.r_[parents[1:] != parents[:-1], True]   # parents are non-decreasing
        out[parents[last], 1] = hashes[last]
    return out


#: brand_script codes (0: no brand)
_BRAND_SCRIPTS = {"latin": 1, "hangul": 2, "kana": 3, "han": 4}


def _brand_letters(brands: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Per offer: the script code and the first character's code point of its brand (0, 0 none)."""
    enc = pc.dictionary_encode(brands)
    names = enc.dictionary.to_pylist()
    script = np.array([_BRAND_SCRIPTS[brand_script(x)] if x else 0 for x in names], dtype=np.int8)
    initial = np.array([ord(x[0]) if x else 0 for x in names], dtype=np.int32)
    idx = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return script[idx], initial[idx]
