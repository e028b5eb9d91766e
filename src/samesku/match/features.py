"""Pair features, computed vectorised over millions of candidate pairs.

``pair_features`` computes every feature of a chunk of pairs of :class:`OfferArrays` rows
(see :func:`~samesku.match.prepare.prepare_offers`) with numpy and RapidFuzz's ``cpdist``,
without a Python loop over pairs.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Hamming

from samesku.analyse.brand import brands_related
from samesku.analyse.codes import SUBSTITUTION_MIN_LEN
from samesku.match.arrays import _LABS, OfferArrays
from samesku.match.seller_style import STYLE_DIMS

#: Feature names, in model column order. Changing it requires retraining the model.
#: The sign says how the match probability may move when the feature grows (+1 up, -1
#: down, 0 free): LightGBM monotone constraints, so the model behaves sensibly on catalogs
#: unlike its training data (a larger similarity never lowers the probability).
#: Both sides' shop title styles (SellerStyle), lower / higher of the two: a shop that never
#: names model codes makes a missing code no evidence. A model trained on one's own catalog
#: learns its shops' styles from them; the default model ignores them (``scripts/train_default_model.py``).
SELLER_STYLE_FEATURES: tuple[str, ...] = (
    "seller_code_share_min",
    "seller_code_share_max",
    "seller_tokens_min",
    "seller_tokens_max",
    "seller_digits_min",
    "seller_digits_max",
    "seller_size_min",
    "seller_size_max",
)

FEATURES: tuple[str, ...] = (
    "cosine",
    "ratio",
    "idf_jaccard",
    "unmatched_idf_max",
    "unmatched_idf_min",
    "number_jaccard",
    "number_unmatched",
    "code_both",
    "code_overlap",
    "code_ratio",
    "code_partial",
    "code_in_other_title",  # a's code inside b's title with separators removed (or b's in a's)
    "code_substitution",    # codes of one length (>= 5) that differ in exactly one place ("mc28h5013aw" / "...ak")
    "gtin_both",
    "gtin_overlap",
    "brand_state",          # nan missing or other script, 1 agree, 0.5 conflict the other title names, 0 conflict
    "category_state",
    "seller_same",
    "count_state",
    "amount_state",
    "amount_log_ratio",
    "unit_price_log_ratio",
    "price_log_ratio",
    "color_state",
    "color_distance",       # CIE76 delta E of the closest two named colours (silver / stainless 6, white / black 100)
    "color_identity",       # share of the category's colour-only title differences one shop listed (match/listing.py)
    "variant_state",
    "phash_distance",
    "length_ratio",
    "coverage_min",         # IDF share of the less-covered title found in the other
    "coverage_max",
    "digit_jaccard",        # tokens holding a digit (model numbers, capacities, sizes)
    "digit_unmatched_min",  # digit tokens of one title missing from the other, the lower side
    "digit_unmatched_max",
    "modifier_state",       # nan none, 1 same model-line modifiers ("pro", "lite"), 0 differ
    "slot_conflict",        # shared tokens followed by different model names ("iphone x" / "iphone 8")
    *SELLER_STYLE_FEATURES,
)

MONOTONE: dict[str, int] = {
    "cosine": 1, "ratio": 1, "idf_jaccard": 1,
    "unmatched_idf_max": -1, "unmatched_idf_min": -1, "number_jaccard": 1, "number_unmatched": -1,
    "code_overlap": 1, "code_ratio": 1, "code_partial": 1, "code_in_other_title": 1, "code_substitution": -1, "gtin_overlap": 1, "brand_state": 1,
    "category_state": 1, "count_state": 1, "amount_state": 1, "amount_log_ratio": -1,
    "unit_price_log_ratio": -1, "price_log_ratio": -1, "color_state": 1, "color_distance": -1, "variant_state": 1,
    "phash_distance": -1, "seller_same": -1, "coverage_min": 1, "coverage_max": 1,
    "digit_jaccard": 1, "digit_unmatched_min": -1, "digit_unmatched_max": -1, "modifier_state": 1,
    "slot_conflict": -1,
}


#: Relative difference below which two amounts are the same (12 kg vs 12.5 kg is rounding).
AMOUNT_RTOL = 0.05


def _amounts_agree(main_a: np.ndarray, stated_a: np.ndarray, main_b: np.ndarray, stated_b: np.ndarray) -> np.ndarray:
    """True where one side's amount is among the amounts the other side states (within AMOUNT_RTOL).

    "8kg wash 5kg dry" and "6 5kg" name one washer-dryer; "4gb 64gb" and "4gb 128gb" do not
    (the RAM is shared, but neither phone's storage is stated by the other).
    """
    with np.errstate(invalid="ignore"):
        a_in_b = np.isclose(main_a[:, None], stated_b, rtol=AMOUNT_RTOL).any(axis=1)
        b_in_a = np.isclose(main_b[:, None], stated_a, rtol=AMOUNT_RTOL).any(axis=1)
    return a_in_b | b_in_a


def _set_relation(ma: np.ndarray, mb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(both non-empty, overlap count, union size) of two (m, w) hash-set matrices."""
    va, vb = ma != -1, mb != -1
    na, nb = va.sum(axis=1), vb.sum(axis=1)
    # values fill each row from the left: compare only the columns some row of the block uses
    # (most offers state one colour and no GTIN; a block's sets are often 1-2 wide, not 6)
    wa, wb = _width(na), _width(nb)
    if wa == 0 or wb == 0:   # e.g. no GTINs at all: nothing to compare
        return np.zeros(len(ma), bool), np.zeros(len(ma), np.int64), na + nb
    # a valid value of a equal to b's is never b's padding: one mask, on a's side
    inter = ((ma[:, :wa, None] == mb[:, None, :wb]).any(axis=2) & va[:, :wa]).sum(axis=1)
    return (na > 0) & (nb > 0), inter, na + nb - inter


def _width(counts: np.ndarray) -> int:
    """Columns a block of left-filled rows uses: its largest row count."""
    return int(counts.max()) if len(counts) else 0


def _state(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """nan when either side is unknown (-1), 1.0 when equal, 0.0 when different."""
    out = (a == b).astype(np.float32)
    out[(a < 0) | (b < 0)] = np.nan
    return out


def _brand_state(arrays: OfferArrays, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Brand agreement of pairs: nan when either is unknown or the two are written in
    different scripts, 1 agree, 0.5 a conflict the other title resolves, 0 conflict.

    Two brands of one script conflict unless they are spellings of one brand
    (:func:`brands_related`); the conflict is halved when the other title names the brand
    too (its first and last words: ``hp intel xeon …`` has brand ``hp`` and names ``intel``).
    Catalogs write one brand in several scripts and spellings; a conflict that is only a
    spelling would teach the model that brand conflicts mean little."""
    state = _state(arrays.brand[a], arrays.brand[b])
    conflict = np.flatnonzero(state == 0)
    if len(conflict) == 0:
        return state
    ca, cb = a[conflict], b[conflict]
    rel = np.zeros(len(conflict), dtype=np.float32)
    rel[arrays.brand_script[ca] != arrays.brand_script[cb]] = np.nan
    # spellings of one brand start with one letter (prefix, spacing, initials): only
    # those pairs need the string comparison
    ask = np.flatnonzero((arrays.brand_script[ca] == arrays.brand_script[cb]) & (arrays.brand_initial[ca] == arrays.brand_initial[cb]))
    if len(ask):
        rel[ask] = np.fromiter(
            (_brands_related(x, y) for x, y in zip(arrays.brand_name[ca[ask]].tolist(), arrays.brand_name[cb[ask]].tolist(),
                                                    strict=True)),
            dtype=np.float32, count=len(ask),
        )
    named = _names_brand(arrays.token_key[cb], arrays.brand_token[ca])
    named |= _names_brand(arrays.token_key[ca], arrays.brand_token[cb])
    rel[named & (rel == 0)] = 0.5
    state[conflict] = rel
    return state


def _names_brand(title_keys: np.ndarray, brand_keys: np.ndarray) -> np.ndarray:
    """Per row: the title's tokens hold the brand's first and last word (a multi-word brand
    by its first word alone would be named by any title with ``new`` in it)."""
    first, last = brand_keys[:, 0], brand_keys[:, 1]
    return ((title_keys == first[:, None]).any(axis=1) & (title_keys == last[:, None]).any(axis=1)
            & (first != -1))


@lru_cache(maxsize=1 << 18)
def _brands_related(x: str, y: str) -> float:
    return brands_related(x, y)


def _set_state(both: np.ndarray, inter: np.ndarray) -> np.ndarray:
    out = (inter > 0).astype(np.float32)
    out[~both] = np.nan
    return out


def _log_ratio(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.abs(np.log(x) - np.log(y))
    r[~np.isfinite(r)] = np.nan
    return r.astype(np.float32)


def _slot_conflicts(ha: np.ndarray, hb: np.ndarray, in_b: np.ndarray, in_a: np.ndarray,
                    model_a: np.ndarray, model_b: np.ndarray, name_a: np.ndarray) -> np.ndarray:
    """Per pair: shared name words that each title follows with a different model name.

    ``iphone x`` / ``iphone 8``, ``p10 plus`` / ``p10 lite``, ``opteron 8356`` / ``opteron 2356``:
    the same slot holds another name, which neither title states anywhere else (a follower
    the other title also holds elsewhere — ``i3 7100`` / ``i3 i3 7100`` — is no conflict).
    """
    m, t = ha.shape
    # token i+1 of a title is the follower of token i (the two sides may be trimmed to different widths)
    free_a = np.zeros((m, t), dtype=bool)
    free_b = np.zeros(hb.shape, dtype=bool)
    free_a[:, :-1] = model_a[:, 1:] & ~in_b[:, 1:] & (ha[:, 1:] != -1) & name_a[:, :-1]
    free_b[:, :-1] = model_b[:, 1:] & ~in_a[:, 1:] & (hb[:, 1:] != -1)
    out = np.zeros(m, dtype=np.float32)
    rows = np.flatnonzero(free_a.any(axis=1) & free_b.any(axis=1))
    if len(rows):
        ra, rb = ha[rows], hb[rows]
        hit = (ra[:, :, None] == rb[:, None, :]) & (ra != -1)[:, :, None]
        hit &= free_a[rows][:, :, None] & free_b[rows][:, None, :]
        out[rows] = hit.any(axis=2).sum(axis=1)
    return out


def _match_joins(in_x: np.ndarray, in_y: np.ndarray, hy: np.ndarray, jx: np.ndarray, jx_pos: np.ndarray,
                 rows: np.ndarray) -> None:
    """Where a join of x's tokens i, i+1 equals a token of y: mark that y token and x's i, i+1 matched (in place).

    ``in_x`` flags x's tokens found in y, ``in_y`` y's tokens found in x; only pairs ``rows`` are looked at.
    """
    has = rows[jx[rows, 0] != -1]   # joins fill from the left: a title without digits has none
    if len(has) == 0:
        return
    jh, yh = jx[has], hy[has]
    jh = jh[:, :_width((jh != -1).sum(axis=1))]   # joins fill from the left too
    hit = (jh[:, :, None] == yh[:, None, :]) & (yh != -1)[:, None, :]   # (m', joins, T); -1 never meets a join
    in_y[has] |= hit.any(axis=1)
    r, k = np.nonzero(hit.any(axis=2))
    if len(r):
        rows = has[r]
        p = jx_pos[rows, k].astype(np.int64)
        in_x[rows, p] = True
        in_x[rows, p + 1] = True


#: Pairs per feature block. Every feature gathers rows of the offer arrays (a 256-dim vector
#: is 1 KiB); blocks this small keep the gathered rows and the (m, T, T) token comparison in
#: the CPU cache, which measured ~1.8x faster than one pass over 200k pairs. Since the token
#: comparison is trimmed to each block's widths, 8192 scores ~10 % faster than 2048 on two
#: threads (each numpy call holds the GIL while it dispatches: fewer, larger calls contend less).
FEATURE_BLOCK = 8192


def pair_features(arrays: OfferArrays, a: np.ndarray, b: np.ndarray, workers: int = -1) -> np.ndarray:
    """Feature matrix (len(a), len(FEATURES)) float32 for the pairs (a[i], b[i])."""
    m = len(a)
    out = np.empty((m, len(FEATURES)), dtype=np.float32)
    for lo in range(0, m, FEATURE_BLOCK):
        hi = min(m, lo + FEATURE_BLOCK)
        _features_block(arrays, a[lo:hi], b[lo:hi], out[lo:hi], workers)
    return out


def _features_block(arrays: OfferArrays, a: np.ndarray, b: np.ndarray, out: np.ndarray, workers: int) -> None:
    m = len(a)
    col = {name: i for i, name in enumerate(FEATURES)}
    out[:, col["cosine"]] = np.einsum("ij,ij->i", arrays.vectors[a], arrays.vectors[b])
    ta, tb = arrays.titles[a].tolist(), arrays.titles[b].tolist()
    out[:, col["ratio"]] = process.cpdist(ta, tb, scorer=fuzz.ratio, workers=workers) / 100.0
    # (token_set_ratio / token_sort_ratio were dropped: a quarter of the feature time, no gain
    # over the IDF token overlap and coverage below)

    # IDF-weighted token overlap and the rarest token that the other title lacks
    # 32-bit token keys halve the memory traffic of the (m, T, T) comparison; padding meets
    # padding there, so the membership is masked afterwards (m x T, not m x T x T)
    # tokens fill each row from the left: only the columns the block's longest titles use
    # are gathered and compared (titles hold ~8-16 tokens; the (m, T, T) compare shrinks with T^2)
    ta_w, tb_w = max(1, _width(arrays.token_count[a])), max(1, _width(arrays.token_count[b]))

    def sides(tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A per-token matrix's rows for both sides, trimmed to each side's width."""
        return tokens[a, :ta_w], tokens[b, :tb_w]

    ha, hb = sides(arrays.token_key)
    ja, jb = arrays.join_key[a], arrays.join_key[b]
    wa, wb = sides(arrays.token_idf)
    # a token matches a token of the other title, or two adjacent ones joined ("eos80d" /
    # "eos 80d"); two adjacent tokens whose join is a token of the other title both match
    eq = ha[:, :, None] == hb[:, None, :]
    in_b = eq.any(axis=2) & (ha != -1)
    in_a = eq.any(axis=1) & (hb != -1)
    del eq
    # (in_b: a's tokens found in b; in_a: b's tokens found in a). A join holds a digit, so
    # it can only match a digit token the other title left unmatched: pairs whose digit
    # tokens all matched (most true matches) skip the join comparison
    da, db = sides(arrays.token_digit)
    open_rows = np.flatnonzero((da & ~in_b).any(axis=1) | (db & ~in_a).any(axis=1))
    _match_joins(in_b, in_a, hb, ja, arrays.token_join_pos[a], open_rows)
    _match_joins(in_a, in_b, ha, jb, arrays.token_join_pos[b], open_rows)
    out[:, col["slot_conflict"]] = _slot_conflicts(ha, hb, in_b, in_a, *sides(arrays.token_model), sides(arrays.token_name)[0])
    # summed in float64: at most _TOKENS float32 weights in [0, 1] add up exactly (unless a weight
    # is below ~1e-7), so the sum does not depend on the order numpy picks for the block's width
    # and a pair gets the same features in every block, engine and partition
    sum_a, sum_b = wa.sum(axis=1, dtype=np.float64), wb.sum(axis=1, dtype=np.float64)
    # the shared weight, averaged over the two sides (a join matches one token to two)
    inter_a, inter_b = (wa * in_b).sum(axis=1, dtype=np.float64), (wb * in_a).sum(axis=1, dtype=np.float64)
    inter_w = 0.5 * (inter_a + inter_b)
    union_w = sum_a + sum_b - inter_w
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, col["idf_jaccard"]] = np.where(union_w > 0, inter_w / union_w, np.nan)
    un_a = (wa * ~in_b).max(axis=1)
    un_b = (wb * ~in_a).max(axis=1)
    out[:, col["unmatched_idf_max"]] = np.maximum(un_a, un_b)
    out[:, col["unmatched_idf_min"]] = np.minimum(un_a, un_b)
    # containment: shop titles differ in length, so the shorter title being covered by the
    # longer one is evidence that the symmetric Jaccard misses
    with np.errstate(divide="ignore", invalid="ignore"):
        cov_a = np.where(sum_a > 0, inter_a / sum_a, np.nan)
        cov_b = np.where(sum_b > 0, inter_b / sum_b, np.nan)
    out[:, col["coverage_min"]] = np.fmin(cov_a, cov_b)
    out[:, col["coverage_max"]] = np.fmax(cov_a, cov_b)
    # tokens holding a digit carry identity (model numbers, capacities): their agreement
    # alone, and how many each side has that the other lacks
    d_inter = 0.5 * ((in_b & da).sum(axis=1) + (in_a & db).sum(axis=1))   # a join matches one token to two
    d_union = da.sum(axis=1) + db.sum(axis=1) - d_inter
    d_un_a, d_un_b = (da & ~in_b).sum(axis=1), (db & ~in_a).sum(axis=1)
    has_digits = d_union > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, col["digit_jaccard"]] = np.where(has_digits, d_inter / np.maximum(d_union, 1), np.nan)
    out[:, col["digit_unmatched_min"]] = np.where(has_digits, np.minimum(d_un_a, d_un_b), np.nan)
    out[:, col["digit_unmatched_max"]] = np.where(has_digits, np.maximum(d_un_a, d_un_b), np.nan)
    ma, mb = sides(arrays.token_modifier)
    any_mod = ma.any(axis=1) | mb.any(axis=1)
    mod_conflict = (ma & ~in_b).any(axis=1) | (mb & ~in_a).any(axis=1)
    out[:, col["modifier_state"]] = np.where(any_mod, ~mod_conflict, np.nan)

    both, inter, union = _set_relation(arrays.numbers[a], arrays.numbers[b])
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, col["number_jaccard"]] = np.where(union > 0, inter / np.maximum(union, 1), np.nan)
    out[:, col["number_unmatched"]] = union - inter

    both, inter, _ = _set_relation(arrays.codes[a], arrays.codes[b])
    out[:, col["code_both"]] = both
    out[:, col["code_overlap"]] = np.where(both, inter, np.nan)
    pa_, pb_ = arrays.primary_code[a].tolist(), arrays.primary_code[b].tolist()
    cr = process.cpdist(pa_, pb_, scorer=fuzz.ratio, workers=workers) / 100.0
    cp = process.cpdist(pa_, pb_, scorer=fuzz.partial_ratio, workers=workers) / 100.0
    out[:, col["code_ratio"]] = np.where(both, cr, np.nan)
    out[:, col["code_partial"]] = np.where(both, cp, np.nan)
    # one character apart is a sibling, not a spelling: on PriceRunner's candidate pairs whose
    # longest codes have one length and differ in one place, 98.9 % are different products
    # (colour letters, sizes, generations), yet their partial similarity is as high as a suffix's;
    # the merge's cannot-link judges cluster codes by the same rule (analyse.codes.codes_related)
    same_len = both & (arrays.code_len[a] == arrays.code_len[b]) & (arrays.code_len[a] >= SUBSTITUTION_MIN_LEN)
    sub = np.zeros(m, dtype=np.float32)
    idx = np.flatnonzero(same_len)
    if len(idx):
        sub[idx] = process.cpdist(arrays.primary_code[a[idx]].tolist(), arrays.primary_code[b[idx]].tolist(),
                                  scorer=Hamming.distance, workers=workers) == 1
    out[:, col["code_substitution"]] = np.where(both, sub, np.nan)

    # shops split codes with spaces ("kd 55xe9005"): look for each code in the other title
    long_a, long_b = arrays.code_len[a] >= 4, arrays.code_len[b] >= 4
    has_code = long_a | long_b
    inside = np.zeros(m, dtype=bool)
    idx = np.flatnonzero(has_code)
    if len(idx):
        xa, xb = arrays.primary_code[a[idx]].tolist(), arrays.primary_code[b[idx]].tolist()
        ta_, tb_ = arrays.compact_title[a[idx]].tolist(), arrays.compact_title[b[idx]].tolist()
        inside[idx] = np.fromiter(
            ((len(x) >= 4 and x in y_t) or (len(y) >= 4 and y in x_t) for x, y, x_t, y_t in zip(xa, xb, ta_, tb_, strict=True)),
            dtype=bool, count=len(idx),
        )
    out[:, col["code_in_other_title"]] = np.where(has_code, inside, np.nan)

    both, inter, _ = _set_relation(arrays.gtins[a], arrays.gtins[b])
    out[:, col["gtin_both"]] = both
    out[:, col["gtin_overlap"]] = np.where(both, inter > 0, np.nan)

    out[:, col["brand_state"]] = _brand_state(arrays, a, b)
    out[:, col["category_state"]] = _state(arrays.category[a], arrays.category[b])
    out[:, col["seller_same"]] = _state(arrays.seller[a], arrays.seller[b])

    ca, cb = arrays.count[a], arrays.count[b]
    out[:, col["count_state"]] = np.where(np.isnan(ca) | np.isnan(cb), np.nan, ca == cb)
    am_a, am_b = arrays.amount[a], arrays.amount[b]
    same_unit = (arrays.unit[a] == arrays.unit[b]) & (arrays.unit[a] >= 0)
    known = same_unit & ~np.isnan(am_a) & ~np.isnan(am_b)
    amount_eq = np.zeros(m, dtype=bool)   # read only where both amounts are known and comparable
    k = np.flatnonzero(known)
    amount_eq[k] = _amounts_agree(am_a[k], arrays.amounts[a[k]], am_b[k], arrays.amounts[b[k]])
    out[:, col["amount_state"]] = np.where(known, amount_eq, np.nan)
    # amounts that agree through a stated second measure (wash / dry) are not a size gap
    main_gap = np.where(np.isclose(am_a, am_b, rtol=AMOUNT_RTOL) | ~amount_eq, _log_ratio(am_a, am_b), 0.0)
    out[:, col["amount_log_ratio"]] = np.where(known, main_gap, np.nan)

    pr_a, pr_b = arrays.price[a], arrays.price[b]
    out[:, col["price_log_ratio"]] = _log_ratio(pr_a, pr_b)
    qty_a = np.nan_to_num(ca, nan=1.0) * np.where(known, am_a, 1.0)
    qty_b = np.nan_to_num(cb, nan=1.0) * np.where(known, am_b, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):  # zero amounts give inf, mapped to nan
        out[:, col["unit_price_log_ratio"]] = _log_ratio(pr_a / qty_a, pr_b / qty_b)

    both, inter, _ = _set_relation(arrays.colors[a], arrays.colors[b])
    out[:, col["color_state"]] = _set_state(both, inter)
    la, lb = arrays.color_lab[a].reshape(m, _LABS, 1, 3), arrays.color_lab[b].reshape(m, 1, _LABS, 3)
    dist = np.sqrt(((la - lb) ** 2).sum(axis=3)).reshape(m, -1)
    closest = np.where(np.isnan(dist), np.inf, dist).min(axis=1, initial=np.inf)
    out[:, col["color_distance"]] = np.where(np.isinf(closest), np.nan, closest)   # no colour on a side: nan
    out[:, col["color_identity"]] = (arrays.color_identity[a] + arrays.color_identity[b]) / 2
    both, inter, _ = _set_relation(arrays.variants[a], arrays.variants[b])
    out[:, col["variant_state"]] = _set_state(both, inter)

    has = arrays.has_phash[a] & arrays.has_phash[b]
    xor = arrays.phash[a] ^ arrays.phash[b]
    dist = np.unpackbits(xor.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)
    out[:, col["phash_distance"]] = np.where(has, dist, np.nan)

    sa, sb = arrays.seller_style[a], arrays.seller_style[b]
    lo, hi = np.minimum(sa, sb), np.maximum(sa, sb)
    for j in range(STYLE_DIMS):   # SELLER_STYLE_FEATURES pairs (min, max) per style column
        out[:, col[SELLER_STYLE_FEATURES[2 * j]]] = lo[:, j]
        out[:, col[SELLER_STYLE_FEATURES[2 * j + 1]]] = hi[:, j]

    la, lb = arrays.title_len[a], arrays.title_len[b]
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, col["length_ratio"]] = np.where(np.maximum(la, lb) > 0, np.minimum(la, lb) / np.maximum(la, lb), np.nan)
