"""``analyse_offers``: the analysis stage over an Arrow table of offers.

Cleaning runs vectorised over the whole column (:mod:`samesku.analyse.text`); the
per-title extractors (conditions, codes, GTINs, colours, brand) then run in one Python
loop with precompiled regular expressions and automata, and their results are built
into Arrow arrays of the types in :data:`samesku.schema.ANALYSIS_SCHEMA`.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku.analyse.brand import BrandGazetteer, normalise_brand
from samesku.analyse.codes import extract_model_codes, normalise_code
from samesku.analyse.colors import extract_colors
from samesku.analyse.conditions import parse_conditions
from samesku.analyse.gtin import extract_gtins
from samesku.analyse.text import clean_titles
from samesku.errors import InputError

__all__ = ["analyse_offers"]


def _optional_column(offers: pa.Table, name: str) -> list[str | None]:
    if name not in offers.column_names:
        return [None] * offers.num_rows
    column = offers.column(name)
    if column.type != pa.string():
        column = column.cast(pa.string())
    return column.to_pylist()


def analyse_offers(offers: pa.Table, gazetteer: BrandGazetteer | None = None) -> pa.Table:
    """Append the analysis columns to a table of offers.

    Args:
        offers: Arrow table with a string ``title`` column and optionally ``brand``,
            ``gtin`` and ``model``.
        gazetteer: Brands to look for in titles when an offer has no ``brand`` value
            (and synonyms applied to ``brand`` values). Without one, ``brand_norm`` comes
            only from the ``brand`` column, so each offer's result does not depend on the
            rest of the batch.

    Returns:
        The same table with the columns of :data:`samesku.schema.ANALYSIS_SCHEMA`
        appended (existing columns of those names are replaced). Null or empty titles
        give an empty ``title_clean``, ``count`` 1 and empty/null other fields.

    Raises:
        InputError: The table has no ``title`` column.
    """
    if S.TITLE not in offers.column_names:
        raise InputError(f"offers have no {S.TITLE!r} column")
    cased, clean = clean_titles(offers.column(S.TITLE))
    clean_list: list[str | None] = clean.to_pylist()
    cased_list: list[str | None] = cased.to_pylist()
    # Only titles with a long digit run can hold a GTIN; most titles skip that step.
    maybe_gtin: list[bool | None] = pc.match_substring_regex(cased, r"\d{8}").to_pylist()
    brands = _optional_column(offers, S.BRAND)
    gtin_values = _optional_column(offers, S.GTIN)
    models: list[str | None] = [None] * offers.num_rows
    if S.MODEL in offers.column_names:
        models = clean_titles(offers.column(S.MODEL).cast(pa.string()))[0].to_pylist()

    brand_cache: dict[str, str | None] = {}
    canonical = gazetteer.canonical if gazetteer is not None else normalise_brand
    n = offers.num_rows
    title_clean: list[str] = [""] * n
    counts: list[int] = [1] * n
    amounts: list[float | None] = [None] * n
    units: list[str | None] = [None] * n
    stated: list[tuple[float, ...]] = [()] * n
    codes: list[list[str]] = [[] for _ in range(n)]
    gtins: list[list[str]] = [[] for _ in range(n)]
    brand_norm: list[str | None] = [None] * n
    colors: list[list[str]] = [[] for _ in range(n)]
    variants: list[list[str]] = [[] for _ in range(n)]
    for i in range(n):
        text = clean_list[i] or ""
        title_clean[i] = text
        if text:
            cond = parse_conditions(text)
            counts[i], amounts[i], units[i], variants[i] = cond.count, cond.amount, cond.unit, cond.variant
            stated[i] = cond.amounts
            codes[i] = extract_model_codes(cased_list[i] or "")
            colors[i] = extract_colors(text)
        model = models[i]
        if model:
            codes[i] = _merge_codes(codes[i], model)
        if maybe_gtin[i] or gtin_values[i]:
            gtins[i] = extract_gtins(cased_list[i] if maybe_gtin[i] else None, gtin_values[i])
        value = brands[i]
        if value:
            if value not in brand_cache:
                brand_cache[value] = canonical(value)
            brand_norm[i] = brand_cache[value]
        # Placeholder brand values ("기타", "unknown") normalise to None: use the title.
        if brand_norm[i] is None and gazetteer is not None and text:
            brand_norm[i] = gazetteer.match(text)

    arrays = [
        pa.array(title_clean, pa.string()),
        pa.array(counts, pa.int64()),
        pa.array(amounts, pa.float64()),
        pa.array(units, pa.string()),
        pa.array(stated, pa.list_(pa.float64())),
        pa.array(codes, pa.list_(pa.string())),
        pa.array(gtins, pa.list_(pa.string())),
        pa.array(brand_norm, pa.string()),
        pa.array(colors, pa.list_(pa.string())),
        pa.array(variants, pa.list_(pa.string())),
    ]
    table = offers
    for field in S.ANALYSIS_SCHEMA:
        if field.name in table.column_names:
            table = table.drop_columns([field.name])
    for field, array in zip(S.ANALYSIS_SCHEMA, arrays, strict=True):
        table = table.append_column(field, array)
    return table


def _merge_codes(codes: list[str], model: str) -> list[str]:
    """Codes found in the (cleaned) ``model`` value join the title's codes."""
    seen = {normalise_code(c) for c in codes}
    merged = list(codes)
    for code in extract_model_codes(model):
        key = normalise_code(code)
        if key not in seen:
            merged.append(code)
            seen.add(key)
    return merged
