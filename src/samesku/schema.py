"""Column names and Arrow schemas at each stage boundary.

Every stage reads and writes these names; nothing else in the package spells a column
name as a bare string literal that another stage depends on.
"""

from __future__ import annotations

import pyarrow as pa

# --- canonical input columns (the data contract) -----------------------------------
OFFER_ID = "offer_id"
TITLE = "title"
BRAND = "brand"
CATEGORY = "category"
PRICE = "price"
CURRENCY = "currency"
GTIN = "gtin"
MODEL = "model"
SELLER = "seller"
IMAGE = "image"
IMAGE_PHASH = "image_phash"

REQUIRED_COLUMNS: tuple[str, ...] = (OFFER_ID, TITLE)
OPTIONAL_COLUMNS: tuple[str, ...] = (
    BRAND, CATEGORY, PRICE, CURRENCY, GTIN, MODEL, SELLER, IMAGE, IMAGE_PHASH,
)
CANONICAL_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Types of canonical columns once validated. Everything is a string except price.
CANONICAL_TYPES: dict[str, pa.DataType] = {c: pa.string() for c in CANONICAL_COLUMNS}
CANONICAL_TYPES[PRICE] = pa.float64()

# --- validation ----------------------------------------------------------------------
ROW_NUMBER = "_row"          # 0-based position of the row in the whole input
SOURCE_FILE = "_source"      # file the row came from
FLAGS = "flags"              # list<string> of non-fatal problems (e.g. "price_unparsable")
REASON = "reason"            # why a row was rejected
RAW_LINE = "raw"             # the raw input line for rejected rows, when there is one

REJECTED_SCHEMA = pa.schema(
    [
        pa.field(OFFER_ID, pa.string()),
        pa.field(REASON, pa.string()),
        pa.field(RAW_LINE, pa.string()),
        pa.field(SOURCE_FILE, pa.string()),
        pa.field(ROW_NUMBER, pa.int64()),
    ]
)

# --- analysis output columns ----------------------------------------------------------
TITLE_CLEAN = "title_clean"
COUNT = "count"              # int64: number of items sold (product of counts), 1 if none
AMOUNT = "amount"            # float64: measure of one item in base unit, null if none
UNIT = "unit"                # string: ml | g | mm | GB, null if none
AMOUNTS = "amounts"          # list<float64>: every measure of the amount's kind the title states (amount first)
MODEL_CODES = "model_codes"  # list<string>: model/product codes as written
GTINS = "gtins"              # list<string>: valid GTINs normalised to 14 digits
BRAND_NORM = "brand_norm"    # string: canonical brand (lower case), null if unknown
COLORS = "colors"            # list<string>: canonical colour names
VARIANT = "variant"          # list<string>: sizes / capacities / other variant tokens

ANALYSIS_SCHEMA = pa.schema(
    [
        pa.field(TITLE_CLEAN, pa.string()),
        pa.field(COUNT, pa.int64()),
        pa.field(AMOUNT, pa.float64()),
        pa.field(UNIT, pa.string()),
        pa.field(AMOUNTS, pa.list_(pa.float64())),
        pa.field(MODEL_CODES, pa.list_(pa.string())),
        pa.field(GTINS, pa.list_(pa.string())),
        pa.field(BRAND_NORM, pa.string()),
        pa.field(COLORS, pa.list_(pa.string())),
        pa.field(VARIANT, pa.list_(pa.string())),
    ]
)

# --- pipeline outputs -------------------------------------------------------------------
CLUSTER_ID = "cluster_id"
ENTITY = "entity"            # int32 dense index of an offer inside a run
MATCH_PROBABILITY = "match_probability"
