"""analyse_offers: the table-level contract."""

from __future__ import annotations

import pyarrow as pa
import pytest

from samesku import schema as S
from samesku.analyse import BrandGazetteer, analyse_offers
from samesku.errors import InputError

ANALYSIS_NAMES = [f.name for f in S.ANALYSIS_SCHEMA]


def test_output_is_input_plus_analysis_columns_with_schema_types() -> None:
    offers = pa.table({S.OFFER_ID: ["1", "2"], S.TITLE: ["칠성사이다 210mlx30캔", "apple iphone 64gb silver"]})
    out = analyse_offers(offers)
    assert out.column_names == offers.column_names + ANALYSIS_NAMES
    for field in S.ANALYSIS_SCHEMA:
        assert out.schema.field(field.name).type == field.type
    assert out.column(S.OFFER_ID).to_pylist() == ["1", "2"]
    row = out.to_pylist()[0]
    assert (row[S.COUNT], row[S.AMOUNT], row[S.UNIT]) == (30, 210.0, "ml")


def test_null_and_empty_titles_give_empty_fields_without_error() -> None:
    out = analyse_offers(pa.table({S.TITLE: pa.array([None, "", "   "], pa.string())}))
    for row in out.to_pylist():
        assert row[S.TITLE_CLEAN] == ""
        assert row[S.COUNT] == 1
        assert row[S.AMOUNT] is None and row[S.UNIT] is None and row[S.BRAND_NORM] is None
        assert row[S.MODEL_CODES] == [] and row[S.GTINS] == [] and row[S.COLORS] == [] and row[S.VARIANT] == []


def test_empty_table_gives_empty_table_with_analysis_columns() -> None:
    out = analyse_offers(pa.table({S.TITLE: pa.array([], pa.string())}))
    assert out.num_rows == 0
    assert out.column_names[-len(ANALYSIS_NAMES):] == ANALYSIS_NAMES


def test_missing_title_column_is_an_input_error() -> None:
    with pytest.raises(InputError):
        analyse_offers(pa.table({"name": ["x"]}))


def test_brand_column_wins_over_title_match_and_is_normalised() -> None:
    gazetteer = BrandGazetteer({"sony": "sony", "리스타": "listar", "listar": "listar"})
    offers = pa.table({S.TITLE: ["sony tv", "리스타 RX9", "unknown thing"], S.BRAND: ["LISTAR", None, None]})
    out = analyse_offers(offers, gazetteer).column(S.BRAND_NORM).to_pylist()
    assert out == ["listar", "listar", None]


def test_placeholder_brand_value_falls_back_to_the_title() -> None:
    gazetteer = BrandGazetteer({"sony": "sony"})
    offers = pa.table({S.TITLE: ["sony tv"], S.BRAND: ["기타"]})
    assert analyse_offers(offers, gazetteer).column(S.BRAND_NORM).to_pylist() == ["sony"]


def test_without_gazetteer_brand_comes_only_from_the_column() -> None:
    offers = pa.table({S.TITLE: ["sony tv", "sony tv"], S.BRAND: ["Sony Corp.", None]})
    assert analyse_offers(offers).column(S.BRAND_NORM).to_pylist() == ["sony", None]


def test_gtin_and_model_columns_feed_gtins_and_model_codes() -> None:
    offers = pa.table({
        S.TITLE: ["Coca-Cola Zero 500ml", "AEG Robot Hoover RX9-1-SGM"],
        S.GTIN: ["5449000131805", None],
        S.MODEL: [None, "rx9-1-sgm / RX9-2-4ANM"],
    })
    out = analyse_offers(offers).to_pylist()
    assert out[0][S.GTINS] == ["05449000131805"]
    assert out[1][S.MODEL_CODES] == ["RX9-1-SGM", "RX9-2-4ANM"]


def test_existing_analysis_columns_are_replaced_not_duplicated() -> None:
    once = analyse_offers(pa.table({S.TITLE: ["apple iphone 64gb"]}))
    twice = analyse_offers(once)
    assert twice.column_names == once.column_names
    assert twice.to_pylist() == once.to_pylist()


def test_chunked_title_column_is_accepted() -> None:
    column = pa.chunked_array([["a 1kg"], ["b 2 x 500ml"]])
    out = analyse_offers(pa.table({S.TITLE: column}))
    assert out.column(S.COUNT).to_pylist() == [1, 2]
