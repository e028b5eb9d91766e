"""Key families: which offers meet in a block."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from samesku import schema as S
from samesku.analyse import BrandGazetteer, analyse_offers
from samesku.keys.families import code_keys


def _code_keys_by_row(titles: list[str]) -> list[set[str]]:
    offers = pa.table({S.OFFER_ID: [str(i) for i in range(len(titles))], S.TITLE: titles,
                       S.CATEGORY: pa.nulls(len(titles), pa.string())})
    analysed = analyse_offers(offers, BrandGazetteer.learn(offers))
    rows, keys = code_keys(analysed, np.zeros((len(titles), 4), np.float32), max_keys=8)
    out: list[set[str]] = [set() for _ in titles]
    for r, k in zip(rows.tolist(), keys.tolist(), strict=True):
        out[r].add(k)
    return out


def test_a_code_written_with_spaces_shares_the_key_of_the_joined_code():
    keys = _code_keys_by_row([
        "panasonic tx43e302b 43 full hd led tv",
        "panasonic tx 43e302b 43 led freeview tv",
        "hotpoint sh61qw fridge white",
        "hotpoint sh6 1q w fridge white",
        "neff kl225a fridge",
        "neff kl 225 a einbau fridge",
    ])
    assert keys[0] & keys[1]
    assert keys[2] & keys[3]
    assert keys[4] & keys[5]


def test_joined_specs_and_plain_numbers_make_no_code_key():
    keys = _code_keys_by_row(["samsung 55 4k uhd tv 2019", "washing machine 9 kg 1400 rpm"])
    assert not any(k.startswith("c:554K") or k == "c:20194K" for k in keys[0])
    assert not keys[1]


def test_each_row_holds_each_code_key_once_and_at_most_max_keys():
    keys = _code_keys_by_row(["lg f4j6vg0w f4j6vg0w washer dryer f 4j6vg0w"])
    assert keys[0] == {"c:F4J6VG0W"} or "c:F4J6VG0W" in keys[0]
