"""The per-offer arrays that pair features index into, and their Arrow codec.

:class:`OfferArrays` holds one row per offer (token keys, hash sets, codes, amounts,
prices, ...); :func:`arrays_to_table` / :func:`arrays_from_table` store them as Arrow
columns, which is what a distributed engine stores and joins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

_TOKENS = 24   # tokens per title kept for the IDF overlap (longer titles are truncated)
_SETS = 6      # values per offer kept for code / gtin / colour / variant / number sets
_LABS = 2      # colours per offer given a colour distance (titles rarely name more)
_JOINS = 8     # joined adjacent token pairs per title (those holding a digit; see _token_joins)


@dataclass
class OfferArrays:
    """Per-offer arrays that pair features index into (row i = offer row i)."""

    titles: np.ndarray          # object: clean titles
    vectors: np.ndarray         # (n, d) float32 unit vectors
    token_key: np.ndarray       # (n, _TOKENS) int32 keys of the token hashes (see _token_keys), -1 padding
    token_count: np.ndarray     # int8: tokens kept (they fill each row from the left)
    token_idf: np.ndarray       # (n, _TOKENS) float32, 0 padding
    token_digit: np.ndarray     # (n, _TOKENS) bool: the token holds a digit
    token_modifier: np.ndarray  # (n, _TOKENS) bool: the token is a model-line modifier
    token_model: np.ndarray     # (n, _TOKENS) bool: the token can name a model (see _model_tokens)
    token_name: np.ndarray      # (n, _TOKENS) bool: the token can lead a model name (see _name_tokens)
    join_key: np.ndarray        # (n, _JOINS) int32: keys of adjacent tokens joined where either holds a digit, -1 padding
    token_join_pos: np.ndarray  # (n, _JOINS) int8: position of each join's first token
    numbers: np.ndarray         # (n, _SETS) int64 hashes of numeric tokens, -1 padding
    codes: np.ndarray           # (n, _SETS) int64 hashes of normalised model codes
    primary_code: np.ndarray    # object: longest normalised code or ""
    code_list: np.ndarray       # object: every normalised code of the offer, space-separated ("" none)
    code_len: np.ndarray        # int32: length of primary_code
    title_len: np.ndarray       # float32: characters of the clean title
    compact_title: np.ndarray   # object: clean title upper-cased, separators removed
    gtins: np.ndarray           # (n, _SETS)
    colors: np.ndarray          # (n, _SETS)
    color_lab: np.ndarray       # (n, _LABS * 3) float32: L*a*b* of the first _LABS named colours, nan padding
    variants: np.ndarray        # (n, _SETS)
    brand: np.ndarray           # int64 code, -1 unknown
    brand_name: np.ndarray      # object: normalised brand or ""
    brand_token: np.ndarray     # (n, 2) int32 keys of the brand's first and last match tokens (as token_key), -1 none
    brand_script: np.ndarray    # int8 script of the brand (see _BRAND_SCRIPTS), 0 none
    brand_initial: np.ndarray   # int32 code point of the brand's first character, 0 none
    category: np.ndarray        # int64 code, -1 unknown
    seller: np.ndarray          # int64 code, -1 unknown
    count: np.ndarray           # float64 (count is never null after analysis; nan if it is)
    amount: np.ndarray          # float64, nan unknown or not comparable (lengths, see prepare_offers)
    amounts: np.ndarray         # (n, _SETS) float64: every stated measure of the amount's unit, nan padding
    unit: np.ndarray            # int64 code, -1 unknown
    price: np.ndarray           # float64, nan unknown
    phash: np.ndarray           # uint64, 0 with has_phash False
    has_phash: np.ndarray       # bool
    seller_style: np.ndarray    # (n, STYLE_DIMS) float32: the offer's seller's SellerStyle row
    color_identity: np.ndarray  # float32: how far colour is identity in the offer's category (ColourListing)


def concat_arrays(parts: list[OfferArrays]) -> OfferArrays:
    """The rows of several :class:`OfferArrays`, one after the other."""
    return OfferArrays(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in OfferArrays.__dataclass_fields__})


# --- per-offer arrays as an Arrow table (what a distributed engine stores and joins) -----
_MATRICES: dict[str, np.dtype] = {
    "vectors": np.dtype(np.float32), "token_key": np.dtype(np.int32), "token_idf": np.dtype(np.float32),
    "token_digit": np.dtype(np.bool_), "token_modifier": np.dtype(np.bool_), "token_model": np.dtype(np.bool_), "token_name": np.dtype(np.bool_),
    "join_key": np.dtype(np.int32),
    "token_join_pos": np.dtype(np.int8), "numbers": np.dtype(np.int64),
    "codes": np.dtype(np.int64), "gtins": np.dtype(np.int64), "colors": np.dtype(np.int64),
    "variants": np.dtype(np.int64), "color_lab": np.dtype(np.float32), "amounts": np.dtype(np.float64), "seller_style": np.dtype(np.float32),
    "brand_token": np.dtype(np.int32),
}
_SCALARS: dict[str, np.dtype] = {
    "brand": np.dtype(np.int64), "category": np.dtype(np.int64), "seller": np.dtype(np.int64),
    "count": np.dtype(np.float64), "amount": np.dtype(np.float64), "unit": np.dtype(np.int64),
    "price": np.dtype(np.float64), "phash": np.dtype(np.int64), "has_phash": np.dtype(np.bool_),
    "code_len": np.dtype(np.int32), "token_count": np.dtype(np.int8), "title_len": np.dtype(np.float32),
    "brand_script": np.dtype(np.int8), "brand_initial": np.dtype(np.int32), "color_identity": np.dtype(np.float32),
}
_STRINGS = ("titles", "primary_code", "code_list", "compact_title", "brand_name")
#: column names of :func:`arrays_to_table` (prefixed ``m_`` so they never meet offer columns)
MATCH_COLUMNS: tuple[str, ...] = tuple("m_" + k for k in (*_MATRICES, *_SCALARS, *_STRINGS))
MATCH_SCHEMA = pa.schema(
    [pa.field("m_" + k, pa.binary()) for k in _MATRICES]
    + [pa.field("m_" + k, pa.from_numpy_dtype(d)) for k, d in _SCALARS.items()]
    + [pa.field("m_" + k, pa.string()) for k in _STRINGS]
)


def matrix_to_binary(mat: np.ndarray) -> pa.Array:
    n = len(mat)
    data = np.ascontiguousarray(mat).view(np.uint8).reshape(n, -1) if n else np.zeros((0, 0), np.uint8)
    width = data.shape[1] if n else 0
    offsets = (np.arange(n + 1, dtype=np.int64) * width).astype(np.int32)
    return pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data.tobytes())])


def _binary_to_matrix(arr: pa.Array | pa.ChunkedArray, dtype: np.dtype) -> np.ndarray:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    if n == 0:
        return np.zeros((0, 0), dtype=dtype)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset: arr.offset + n + 1]
    raw = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[-1]]
    return raw.view(dtype).reshape(n, -1).copy()


#: the columns of :func:`arrays_to_table` that merging reads (:class:`~samesku.merge.profiles.ProfileSource`)
PROFILE_COLUMNS: tuple[str, ...] = ("m_gtins", "m_code_list", "m_count", "m_amount", "m_amounts", "m_unit", "m_seller")


def matrix_from_binary(arr: pa.Array | pa.ChunkedArray, dtype: np.dtype) -> np.ndarray:
    """A matrix column of :func:`arrays_to_table` back as an (n, w) array."""
    return _binary_to_matrix(arr, dtype)


def arrays_to_table(arrays: OfferArrays) -> pa.Table:
    """The per-offer arrays as Arrow columns: matrices as fixed-width binary rows."""
    cols: dict[str, pa.Array] = {}
    for name in _MATRICES:
        cols["m_" + name] = matrix_to_binary(getattr(arrays, name))
    for name, dtype in _SCALARS.items():
        v = getattr(arrays, name)
        cols["m_" + name] = pa.array(v.view(np.int64) if name == "phash" else v.astype(dtype, copy=False))
    for name in _STRINGS:
        cols["m_" + name] = pa.array(getattr(arrays, name).tolist(), pa.string())
    return pa.table(cols)


def arrays_from_table(table: pa.Table) -> OfferArrays:
    """Rebuild :class:`OfferArrays` from :func:`arrays_to_table` columns."""
    kw: dict[str, np.ndarray] = {}
    for name, dtype in _MATRICES.items():
        kw[name] = _binary_to_matrix(table.column("m_" + name), dtype)
    for name, dtype in _SCALARS.items():
        v = np.asarray(table.column("m_" + name).to_numpy(), dtype=dtype)
        kw[name] = v.view(np.uint64) if name == "phash" else v
    for name in _STRINGS:
        kw[name] = np.asarray(table.column("m_" + name).to_numpy(zero_copy_only=False), dtype=object)
    return OfferArrays(**kw)
