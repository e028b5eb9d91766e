"""Validation helpers: reasons, dedupe, flags, position numbering."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest

from samesku import schema
from samesku.io.parsed import interleave_positions, unique_names
from samesku.io.validate import flags_column, raw_json, reason_codes, split_valid


def _table(ids: list[str | None], titles: list[str | None]) -> pa.Table:
    n = len(ids)
    return pa.table(
        {
            schema.OFFER_ID: pa.array(ids, pa.string()),
            schema.TITLE: pa.array(titles, pa.string()),
            schema.ROW_NUMBER: pa.array(range(n), pa.int64()),
            schema.SOURCE_FILE: pa.array(["f"] * n, pa.string()),
        }
    )


def test_first_reason_that_applies_wins_and_first_valid_duplicate_is_kept() -> None:
    table = _table(
        ["a", None, " ", "b", "a", "c", "a", "b"], ["t", "t", "t", "", "t", "x" * 11, "t", "\t "]
    )
    _, rejected = split_valid(table, max_title_chars=10)
    got = dict(
        zip(
            rejected.column(schema.ROW_NUMBER).to_pylist(),
            rejected.column(schema.REASON).to_pylist(),
            strict=True,
        )
    )
    assert got == {
        1: "empty_offer_id",
        2: "empty_offer_id",
        3: "empty_title",
        4: "duplicate_offer_id",
        5: "title_too_long",
        6: "duplicate_offer_id",
        7: "empty_title",
    }


def test_titles_at_the_length_limit_are_kept() -> None:
    table = _table(["a", "b"], ["é" * 10, "é" * 11])
    assert reason_codes(table, 10).tolist() == [0, 3]


def test_offer_ids_are_compared_exactly() -> None:
    valid, rejected = split_valid(_table(["7", "07", "7 ", "7"], ["t"] * 4), 100)
    assert valid.column(schema.OFFER_ID).to_pylist() == ["7", "07", "7 "]
    assert rejected.column(schema.REASON).to_pylist() == ["duplicate_offer_id"]


def test_raw_json_keeps_non_null_data_fields_only() -> None:
    table = _table(["a"], ["t"]).append_column("brand", pa.array([None], pa.string()))
    assert [json.loads(r) for r in raw_json(table)] == [{"offer_id": "a", "title": "t"}]


def test_flags_column_lists_the_flags_of_each_row_in_order() -> None:
    masks = {"x": np.array([True, False, True]), "y": np.array([True, False, False])}
    assert flags_column(masks, 3).to_pylist() == [["x", "y"], [], ["x"]]


@pytest.mark.parametrize(
    ("n_good", "hints"),
    [(5, [0, 3]), (3, [10, 10, 0]), (0, [2, 1]), (4, []), (2, [-3, 1, 1, 1])],
)
def test_interleaved_positions_are_a_permutation_keeping_parsed_order(
    n_good: int, hints: list[int]
) -> None:
    good, bad = interleave_positions(n_good, hints)
    assert sorted([*good.tolist(), *bad]) == list(range(n_good + len(hints)))
    assert good.tolist() == sorted(good.tolist())


def test_interleaving_is_exact_when_hints_are_exact() -> None:
    good, bad = interleave_positions(3, [4, 1])
    assert (good.tolist(), bad) == ([0, 2, 3], [4, 1])


def test_unique_names_fills_blanks_and_separates_repeats() -> None:
    assert unique_names(["a", "", "a", " ", "a_2"]) == ["a", "column_2", "a_2", "column_4", "a_2_2"]


def test_image_hashes_are_normalised_and_malformed_ones_nulled_and_flagged() -> None:
    from samesku.io.validate import finish_offers

    raw = ["A1B2C3D4E5F60718", " 0xa1b2c3d4e5f60718 ", "zzzzzzzzzzzzzzzz", "a1b2c3d4e5f6071", "", None, "a1b2" * 8]
    n = len(raw)
    columns = {c: pa.array([None] * n, pa.string()) for c in schema.CANONICAL_COLUMNS}
    columns[schema.OFFER_ID] = pa.array([str(i) for i in range(n)])
    columns[schema.TITLE] = pa.array(["t"] * n)
    columns[schema.IMAGE_PHASH] = pa.array(raw, pa.string())
    columns[schema.ROW_NUMBER] = pa.array(range(n), pa.int64())
    columns[schema.SOURCE_FILE] = pa.array(["f"] * n)
    out = finish_offers(pa.table(columns), [])
    assert out.column(schema.IMAGE_PHASH).to_pylist() == [
        "a1b2c3d4e5f60718", "a1b2c3d4e5f60718", None, None, None, None, None]
    flagged = ["image_phash_invalid" in f for f in out.column(schema.FLAGS).to_pylist()]
    assert flagged == [False, False, True, True, False, False, True]
