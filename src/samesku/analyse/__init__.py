"""The analyse stage: per-offer attributes from titles (and brand/gtin/model columns).

``analyse_offers(offers, gazetteer)`` appends ``title_clean``, ``count``, ``amount``,
``unit``, ``model_codes``, ``gtins``, ``brand_norm``, ``colors`` and ``variant`` (see
:data:`samesku.schema.ANALYSIS_SCHEMA`). The building blocks are public too, for use in
keys and matching: :func:`clean_title`, :func:`normalise_code`, :class:`BrandGazetteer`.
"""

from samesku.analyse.brand import BrandGazetteer, load_synonyms, normalise_brand
from samesku.analyse.codes import extract_model_codes, normalise_code
from samesku.analyse.colors import extract_colors
from samesku.analyse.conditions import PurchaseConditions, parse_conditions
from samesku.analyse.gtin import extract_gtins, normalise_gtin
from samesku.analyse.offers import analyse_offers
from samesku.analyse.text import clean_title, clean_titles

__all__ = [
    "BrandGazetteer",
    "PurchaseConditions",
    "analyse_offers",
    "clean_title",
    "clean_titles",
    "extract_colors",
    "extract_gtins",
    "extract_model_codes",
    "load_synonyms",
    "normalise_brand",
    "normalise_code",
    "normalise_gtin",
    "parse_conditions",
]
