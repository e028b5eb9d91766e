"""Key families: turn analysed offers into block keys.

Each family maps the analysed offers (an Arrow table) to ``(row, key)`` arrays — an offer
may have several keys of one family, at most ``max_keys`` — vectorised with pyarrow.
Keys carry a family prefix so families never collide.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku._arrays import hex64, unique_int
from samesku._threads import one_blas_thread
from samesku.analyse.codes import is_code_token, spec_pattern, spec_words
from samesku.analyse.placeholders import Placeholders
from samesku.config import BlockingConfig
from samesku.keys.blocks import encode_keys
from samesku.keys.codebook import Codebook, assign_cells
from samesku.keys.sketches import CountMinSketch, TokenCounts

KeyRows = tuple[np.ndarray, np.ndarray]  # (row index int64, key object array)

_EMPTY: KeyRows = (np.empty(0, dtype=np.int64), np.empty(0, dtype=object))


def _from_list_column(values: pa.ChunkedArray | pa.Array, prefix: str, max_keys: int) -> KeyRows:
    """(row, prefix+value) for each value of a list<string> column, at most max_keys per row."""
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if len(arr) == 0:
        return _EMPTY
    parents = pc.list_parent_indices(arr).to_numpy().astype(np.int64)
    flat = pc.list_flatten(arr)
    if len(flat) == 0:
        return _EMPTY
    keys = pc.binary_join_element_wise(pa.scalar(prefix), flat, "").to_numpy(zero_copy_only=False)
    valid = np.asarray(pc.is_valid(flat).to_numpy(zero_copy_only=False))
    return _cap_per_row(parents[valid], keys[valid], max_keys)


def _cap_per_row(rows: np.ndarray, keys: np.ndarray, max_keys: int) -> KeyRows:
    """The first ``max_keys`` keys of each row (rows sorted, keys in the row's order)."""
    if len(rows) == 0:
        return _EMPTY
    starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    pos = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    keep = pos < max_keys
    return rows[keep], keys[keep]


def normalised_code_lists(offers: pa.Table) -> pa.ListArray:
    """Model codes upper-cased with separators removed (``MQ8N2B/A`` -> ``MQ8N2BA``)."""
    codes = offers.column(S.MODEL_CODES).combine_chunks()
    flat = pc.utf8_upper(pc.replace_substring_regex(pc.list_flatten(codes), r"[^0-9A-Za-z]", ""))
    offsets = codes.offsets
    return pa.ListArray.from_arrays(offsets, flat, mask=codes.is_null())


def gtin_keys(offers: pa.Table, vectors: np.ndarray, max_keys: int, placeholders: Placeholders | None = None,
              **_: object) -> KeyRows:
    """One key per valid GTIN of the offer (placeholder GTINs are not keys)."""
    rows, keys = _from_list_column(offers.column(S.GTINS), "g:", max_keys)
    if placeholders is not None and placeholders.gtins and len(keys):
        drop = {"g:" + g for g in placeholders.gtins}
        keep = np.fromiter((k not in drop for k in keys.tolist()), dtype=bool, count=len(keys))
        rows, keys = rows[keep], keys[keep]
    return rows, keys


def code_keys(offers: pa.Table, vectors: np.ndarray, max_keys: int, **_: object) -> KeyRows:
    """One key per normalised model code (brand-independent: the RX9 problem is left to the matcher).

    Codes that a shop wrote with spaces (``tx 43e302b``, ``sh6 1q w``, ``e5 4655 v4``) get
    the key of the joined code as well (:func:`joined_code_keys`), so they meet the shops
    that wrote ``TX43E302B``.
    """
    rows, keys = _from_list_column(normalised_code_lists(offers), "c:", max_keys)
    keep = np.fromiter((len(k) >= 6 for k in keys), dtype=bool, count=len(keys))  # "c:" + >= 4 chars
    jr, jk = joined_code_keys(offers, max_keys)
    rows, keys = np.concatenate([rows[keep], jr]), np.concatenate([keys[keep], jk])
    if len(rows) == 0:
        return _EMPTY
    # each (row, key) once, in row order
    uniq, code = encode_keys(keys)
    rk = unique_int(rows * (len(uniq) + 1) + code)
    return rk // (len(uniq) + 1), uniq[rk % (len(uniq) + 1)]


#: Lengths of a joined code: shorter joins are mostly spec fragments ("32 4k"), longer are
#: runs of words.
_JOINED_MIN, _JOINED_MAX = 5, 16


def joined_code_keys(offers: pa.Table, max_keys: int) -> KeyRows:
    """``c:`` keys of 2 and 3 adjacent title tokens that join into a model code.

    A window qualifies when its tokens hold both letters and digits, every token is mixed,
    a number, one letter or a short letter group (at most 3 letters, not a unit: ``tx``, not
    ``kg`` or ``machine``), none is a measure on its own (``55 4k``), the join is 5-16
    characters and :func:`~samesku.analyse.codes.is_code_token` accepts it. A join that no
    other offer wrote as a code keys a block of one and costs nothing.
    """
    tokens = pc.utf8_split_whitespace(pc.fill_null(offers.column(S.TITLE_CLEAN).combine_chunks(), ""))
    parents = pc.list_parent_indices(tokens).to_numpy().astype(np.int64)
    flat = pc.list_flatten(tokens)
    if len(flat) < 2:
        return _EMPTY
    flat = pc.replace_substring_regex(flat, r"[^0-9a-z]", "")
    has_digit = np.asarray(pc.match_substring_regex(flat, r"[0-9]").to_numpy(zero_copy_only=False), dtype=bool)
    has_alpha = np.asarray(pc.match_substring_regex(flat, r"[a-z]").to_numpy(zero_copy_only=False), dtype=bool)
    length = pc.utf8_length(flat).to_numpy().astype(np.int64)
    spec = np.asarray(pc.match_substring_regex(flat, f"^(?:{spec_pattern()})$").to_numpy(zero_copy_only=False), dtype=bool)
    unit = np.asarray(pc.is_in(flat, pa.array(sorted(spec_words()), pa.string())).to_numpy(zero_copy_only=False), dtype=bool)
    mixed = has_digit & has_alpha
    # a token a code can be made of: mixed, a number, or a short non-unit letter group
    part = ~spec & (length > 0) & (mixed | ~has_alpha | (length == 1) | ((length <= 3) & ~unit))
    rows_l, keys_l = [], []
    for w in (2, 3):
        if len(flat) < w:
            continue
        start = np.arange(len(flat) - w + 1)
        same = parents[start] == parents[start + w - 1]
        digit = np.zeros(len(start), bool)
        alpha = np.zeros(len(start), bool)
        total = np.zeros(len(start), np.int64)
        parts = np.ones(len(start), bool)
        for j in range(w):
            digit |= has_digit[start + j]
            alpha |= has_alpha[start + j]
            total += length[start + j]
            parts &= part[start + j]
        ok = same & digit & alpha & parts & (total >= _JOINED_MIN) & (total <= _JOINED_MAX)
        st = start[ok]
        joined = pc.binary_join_element_wise(*(flat.take(pa.array(st + j)) for j in range(w)), "")
        rows_l.append(parents[st])
        keys_l.append(joined)
    rows = np.concatenate(rows_l) if rows_l else np.empty(0, np.int64)
    if len(rows) == 0:
        return _EMPTY
    enc = pc.dictionary_encode(pa.chunked_array(keys_l).combine_chunks())
    uniq = enc.dictionary.to_pylist()
    good = np.fromiter((is_code_token(u) for u in uniq), dtype=bool, count=len(uniq))
    inv = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    keep = good[inv]
    rows, keys = rows[keep], np.array(["c:" + u.upper() for u in uniq], dtype=object)[inv[keep]]
    order = np.argsort(rows, kind="stable")   # per row: pairs of tokens first, then triples, in title order
    return _cap_per_row(rows[order], keys[order], max_keys)


def code_prefix_keys(offers: pa.Table, vectors: np.ndarray, max_keys: int, prefix_len: int = 6, **_: object) -> KeyRows:
    """The first ``prefix_len`` characters of each long model code.

    Shops append region or colour suffixes (``KGN36VL35G`` vs ``KGN36VL35``,
    ``UE55NU7400KXXU`` vs ``UE55NU7400``); the prefix brings them into one block.
    """
    codes = normalised_code_lists(offers)
    flat = pc.list_flatten(codes)
    long_enough = pc.greater(pc.utf8_length(flat), prefix_len)
    prefix = pc.if_else(long_enough, pc.utf8_slice_codeunits(flat, 0, prefix_len), pa.scalar(None, pa.string()))
    arr = pa.ListArray.from_arrays(codes.offsets, prefix, mask=codes.is_null())
    return _from_list_column(arr, "p:", max_keys)


def _title_tokens(offers: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, token hash, token) of each distinct whitespace token of each clean title."""
    tokens = pc.utf8_split_whitespace(pc.fill_null(offers.column(S.TITLE_CLEAN).combine_chunks(), ""))
    parents = pc.list_parent_indices(tokens).to_numpy().astype(np.int64)
    flat = pc.list_flatten(tokens)
    if len(flat) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, object)
    enc = pc.dictionary_encode(flat)
    dictionary = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    dict_hash = np.array([int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little", signed=True)
                          for t in dictionary.tolist()], dtype=np.int64)
    rt = unique_int(parents * (len(dictionary) + 1) + codes)   # each (row, token) once
    rows, codes = rt // (len(dictionary) + 1), rt % (len(dictionary) + 1)
    return rows, dict_hash[codes], dictionary[codes]


def name_token_counts(offers: pa.Table, sketch: TokenCounts | CountMinSketch | None = None) -> TokenCounts | CountMinSketch:
    """Title-token document frequencies of a batch, added to ``sketch`` (exact counts when None)."""
    sketch = sketch if sketch is not None else TokenCounts()
    _, hashes, _ = _title_tokens(offers)
    return sketch.update(hashes)


def name_keys(offers: pa.Table, vectors: np.ndarray, max_keys: int, rare_tokens: int = 2,
              name_df: TokenCounts | CountMinSketch | None = None, **_: object) -> KeyRows:
    """The rarest informative tokens of the clean title (document frequency >= 2).

    Rare tokens (model names, series numbers) identify a product name across shops;
    tokens seen once cannot link anything, and very common ones are handled as heavy keys.
    Document frequencies come from the run's token counts (``name_df``: exact or a
    Count-Min sketch; these offers' own counts when None), so an offer's keys do not depend on its batch.
    """
    rows, hashes, tokens = _title_tokens(offers)
    if len(rows) == 0:
        return _EMPTY
    df = (name_df if name_df is not None else name_token_counts(offers)).estimate(hashes)
    tok_len = np.fromiter((len(t) for t in tokens.tolist()), dtype=np.int64, count=len(tokens))
    ok = (df >= 2) & (tok_len >= 2)
    rows, hashes, tokens, df = rows[ok], hashes[ok], tokens[ok], df[ok]
    order = np.lexsort((hashes, df, rows))
    rows, tokens = rows[order], tokens[order]
    starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    pos = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    keep = pos < min(rare_tokens, max_keys)
    keys = np.array(["n:" + t for t in tokens[keep].tolist()], dtype=object)
    return rows[keep], keys


def embedding_groups(offers: pa.Table, within_category: bool) -> np.ndarray:
    """Group key of the embedding family per offer: ``e:`` + lower-cased category (or ``e:``)."""
    n = offers.num_rows
    if not within_category or S.CATEGORY not in offers.column_names:
        return np.full(n, "e:", dtype=object)
    cat = pc.fill_null(pc.utf8_lower(offers.column(S.CATEGORY).combine_chunks()), "")
    keys = pc.binary_join_element_wise(pa.scalar("e:"), cat, "").to_numpy(zero_copy_only=False)
    return np.asarray(keys, dtype=object)


def embedding_keys(offers: pa.Table, vectors: np.ndarray, max_keys: int,
                   codebooks: dict[str, Codebook] | None = None, within_category: bool = True,
                   **_: object) -> KeyRows:
    """The embedding family: the offer's group (category), cut into codebook cells.

    Inside a key block each entity keeps its nearest neighbours by title-vector cosine; a
    group with a codebook (see :mod:`samesku.keys.codebook`) is keyed by each offer's two
    nearest cells instead of the whole group, so no block grows with the catalog.
    """
    groups = embedding_groups(offers, within_category)
    if len(groups) == 0:
        return _EMPTY
    codebooks = codebooks or {}
    # rows grouped by one sort of the group codes: comparing every row's group string with
    # each group in turn cost O(rows x groups) (6.6 s of the family at 2M offers)
    names, code = encode_keys(groups)
    with_book = np.array([g in codebooks for g in names.tolist()], dtype=bool)
    has = with_book[code]
    rows_l, keys_l = [np.flatnonzero(~has)], [groups[~has]]
    order = np.argsort(code, kind="stable")     # stable: each group's rows stay ascending
    bounds = np.searchsorted(code[order], np.arange(len(names) + 1))
    for gi in sorted(np.flatnonzero(with_book).tolist(), key=lambda i: str(names[i])):
        g = str(names[gi])
        idx = order[bounds[gi]:bounds[gi + 1]]
        cells = assign_cells(vectors[idx], codebooks[g])
        for p in range(cells.shape[1]):
            rows_l.append(idx)
            keys = pc.binary_join_element_wise(pa.scalar(f"{g}|"), pc.cast(pa.array(cells[:, p]), pa.string()), "")
            keys_l.append(np.asarray(keys.to_numpy(zero_copy_only=False), dtype=object))
    return np.concatenate(rows_l).astype(np.int64), np.concatenate(keys_l)


def category_keys(offers: pa.Table, vectors: np.ndarray, max_keys: int, **_: object) -> KeyRows:
    """The category (a coarse key: useful only with neighbour search inside the block)."""
    cat = offers.column(S.CATEGORY).combine_chunks()
    valid = np.asarray(pc.is_valid(cat).to_numpy(zero_copy_only=False))
    rows = np.flatnonzero(valid)
    keys = pc.binary_join_element_wise(pa.scalar("k:"), pc.utf8_lower(cat), "").to_numpy(zero_copy_only=False)
    return rows.astype(np.int64), keys[valid]


def sighash_keys(offers: pa.Table, vectors: np.ndarray, max_keys: int, bits: int = 16, seed: int = 0, **_: object) -> KeyRows:
    """The talk's quantised embedding hash: sign bits of a fixed random rotation."""
    one_blas_thread()
    rng = np.random.default_rng(seed + 7919)
    planes = rng.standard_normal((vectors.shape[1], bits))
    signs = (vectors.astype(np.float64) @ planes) > 0   # float64: the same bits in any batch
    code = signs.astype(np.int64) @ (1 << np.arange(bits, dtype=np.int64))
    nonzero = np.abs(vectors).sum(axis=1) > 0
    rows = np.flatnonzero(nonzero)
    keys = np.array([f"s:{c:x}" for c in code[nonzero]], dtype=object)
    return rows.astype(np.int64), keys


def phash_keys(offers: pa.Table, vectors: np.ndarray, max_keys: int, bands: int = 4,
               placeholders: Placeholders | None = None, **_: object) -> KeyRows:
    """Bands of the 64-bit image hash: two hashes within Hamming distance bands-1 share a band."""
    col = offers.column(S.IMAGE_PHASH).combine_chunks()
    values = col.to_pylist()
    skip = placeholders.phashes if placeholders is not None else frozenset()
    rows_l: list[int] = []
    keys_l: list[str] = []
    width = 16 // bands
    for i, h in enumerate(values):
        if not h or len(h) != 16 or h.lower() in skip:
            continue
        for b in range(bands):
            rows_l.append(i)
            keys_l.append(f"h{b}:{h[b * width:(b + 1) * width].lower()}")
    return np.asarray(rows_l, dtype=np.int64), np.asarray(keys_l, dtype=object)


def near_image_pairs(offers: pa.Table, pairs: np.ndarray, max_distance: int) -> np.ndarray:
    """Which band-mates' full image hashes are within ``max_distance`` bits.

    A 16-bit band is shared by chance by one hashed offer in 65,536: at 2M offers every band
    key holds ~18 unrelated ones, and their pairs grew the synthetic catalog's pairs per offer
    from 16 (100k) to 26 (2M). Same-image offers differ by a few bits.
    """
    if len(pairs) == 0:
        return np.zeros(0, dtype=bool)
    rows, inverse = np.unique(pairs, return_inverse=True)
    h, has = hex64(pc.take(offers.column(S.IMAGE_PHASH).combine_chunks(), pa.array(rows, pa.int64())))
    a, b = inverse.reshape(pairs.shape).T
    return has[a] & has[b] & (np.bitwise_count(h[a] ^ h[b]) <= max_distance)


#: Families whose block-mates must also pass a check on the pair: (offers, (m, 2) offer rows, config) -> keep,
#: with the offer columns the check reads (an engine that ships pairs hands it just those).
PAIR_CHECKS: dict[str, tuple[Callable[[pa.Table, np.ndarray, BlockingConfig], np.ndarray], tuple[str, ...]]] = {
    "phash": (lambda offers, pairs, config: near_image_pairs(offers, pairs, config.phash_max_distance),
              (S.IMAGE_PHASH,)),
}


FAMILIES: dict[str, Callable[..., KeyRows]] = {
    "gtin": gtin_keys,
    "code": code_keys,
    "code_prefix": code_prefix_keys,
    "name": name_keys,
    "embedding": embedding_keys,
    "category": category_keys,
    "sighash": sighash_keys,
    "phash": phash_keys,
}
