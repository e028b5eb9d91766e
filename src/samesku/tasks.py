"""The per-batch stage functions an engine maps over rows: ``fn(batch, **state) -> table``.

Each depends only on its batch and the fitted state passed in, so any engine may cut the
rows into batches as it likes and get the same result. They are module-level so a
worker process imports them by name.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku.analyse import BrandGazetteer, analyse_offers
from samesku.analyse.brand import leading_words
from samesku.analyse.placeholders import identifier_rows
from samesku.keys.encoder import TextEncoder
from samesku.keys.families import _title_tokens, normalised_code_lists
from samesku.match.listing import KEY_COLUMNS, colour_listing_keys

WORDS_SCHEMA = pa.schema([("first", pa.string()), ("second", pa.string())])
COLOUR_KEYS_SCHEMA = pa.schema([(k, pa.int64()) for k in KEY_COLUMNS])
TOKEN_SCHEMA = pa.schema([("h", pa.int64())])
IDENTIFIER_SCHEMA = pa.schema([("kind", pa.string()), ("value", pa.string()), (S.ROW_NUMBER, pa.int64())])


def lead_words(batch: pa.Table) -> pa.Table:
    """(first, second) leading words of each title (the brand gazetteer's statistics)."""
    return leading_words(batch.column(S.TITLE))


def without_attributes(offers: pa.Table) -> pa.Table:
    """The analysed offers with every extracted attribute blanked (the ablation)."""
    n = offers.num_rows
    empty = pa.array([[]] * n, pa.list_(pa.string()))
    blank: dict[str, pa.Array] = {
        S.COUNT: pa.array(np.ones(n, dtype=np.int64)),
        S.AMOUNT: pa.nulls(n, pa.float64()),
        S.UNIT: pa.nulls(n, pa.string()),
        S.AMOUNTS: pa.array([[]] * n, pa.list_(pa.float64())),
        S.MODEL_CODES: empty,
        S.GTINS: empty,
        S.BRAND_NORM: pa.nulls(n, pa.string()),
        S.COLORS: empty,
        S.VARIANT: empty,
    }
    for name, values in blank.items():
        offers = offers.set_column(offers.column_names.index(name), name, values)
    return offers


def analyse(batch: pa.Table, gazetteer: BrandGazetteer, attributes: bool = True) -> pa.Table:
    """The batch with its analysis columns (clean title, conditions, codes, GTINs, brand, colours)."""
    out = analyse_offers(batch, gazetteer)
    return out if attributes else without_attributes(out)


def encoder_texts(offers: pa.Table) -> list[str]:
    """The text that is embedded: canonical brand + clean title + model codes without separators.

    The joined codes make ``wfc 3c24 p x uk`` and ``wfc3c24pxuk`` share their n-grams.
    """
    brand = pc.fill_null(offers.column(S.BRAND_NORM), "")
    title = pc.fill_null(offers.column(S.TITLE_CLEAN), "")
    joined = pc.utf8_lower(pc.binary_join(normalised_code_lists(offers), " "))
    return pc.binary_join_element_wise(brand, title, pc.fill_null(joined, ""), " ").to_pylist()


def colour_keys(batch: pa.Table) -> pa.Table:
    """The batch's colour-listing keys (:func:`samesku.match.listing.colour_listing_keys`)."""
    return colour_listing_keys(batch)


def title_tokens(batch: pa.Table) -> pa.Table:
    """One row per distinct title token of each offer: its hash (the ``name`` keys' document frequencies)."""
    return pa.table({"h": pa.array(_title_tokens(batch)[1], pa.int64())})


def identifiers(batch: pa.Table) -> pa.Table:
    """(kind, value, input row) of each GTIN and image hash an offer holds (placeholder search)."""
    kinds, values, pos = identifier_rows(batch)
    return pa.table({"kind": pa.array(kinds.tolist(), pa.string()), "value": pa.array(values.tolist(), pa.string()),
                     S.ROW_NUMBER: pa.array(batch.column(S.ROW_NUMBER).to_numpy()[pos], pa.int64())})


def encode(batch: pa.Table, encoder: TextEncoder, token_idf: object, seller_style: object,
           no_sellers: bool = False) -> pa.Table:
    """The batch's title vectors and pair-feature arrays, as ``m_*`` columns
    (:func:`samesku.match.features.prepare_offers`); sellers that failed the run's check are not read."""
    from samesku.fitting import without_sellers
    from samesku.match.arrays import arrays_to_table
    from samesku.match.prepare import prepare_offers

    vectors = encoder.encode(encoder_texts(batch))
    featured = without_sellers(batch) if no_sellers else batch
    return arrays_to_table(prepare_offers(featured, vectors, token_idf, seller_style))  # type: ignore[arg-type]
