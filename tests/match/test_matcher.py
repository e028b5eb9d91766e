"""Matcher: pair features, hard vetoes, model save/reload, deterministic training."""

from __future__ import annotations

import numpy as np

from samesku.config import MatchConfig
from samesku.match.features import FEATURES, pair_features
from samesku.match.model import MatchModel, train_model
from samesku.match.prepare import prepare_offers
from samesku.match.seller_style import SellerStyle
from samesku.match.vetoes import apply_vetoes
from tests.conftest import make_analysed, unit_vectors

COL = {f: i for i, f in enumerate(FEATURES)}


def _pair(a: dict, b: dict) -> np.ndarray:
    table = make_analysed([a, b])
    v = unit_vectors(2)
    v[1] = v[0]
    arrays = prepare_offers(table, v)
    return pair_features(arrays, np.array([0]), np.array([1]))


def _toy_training(seed: int = 0, n: int = 4000):
    rng = np.random.default_rng(seed)
    x = rng.random((n, len(FEATURES))).astype(np.float32)
    y = (x[:, COL["cosine"]] + 0.3 * rng.random(n) > 0.8).astype(np.int8)
    groups = np.arange(n) // 4
    return x, y, groups


def test_conflicting_gtin_vetoes_a_pair_whatever_its_similarity():
    x = _pair({"title": "sony wh-1000xm4 black", "gtins": ["04548736112117"]},
              {"title": "sony wh-1000xm4 black", "gtins": ["04548736112100"]})
    assert x[0, COL["cosine"]] > 0.99 and x[0, COL["ratio"]] == 1.0
    p, veto, counts = apply_vetoes(np.array([0.99], np.float32), x, MatchConfig())
    assert p[0] == 0.0 and veto[0] == "gtin" and counts["gtin"] == 1


def test_conflicting_count_vetoes_a_pair_whatever_its_similarity():
    x = _pair({"title": "ハイチオールc ホワイティア 120錠", "count": 120},
              {"title": "ハイチオールc ホワイティア 120錠", "count": 40})
    p, veto, _ = apply_vetoes(np.array([1.0], np.float32), x, MatchConfig())
    assert p[0] == 0.0 and veto[0] == "count"


def test_related_model_codes_are_not_vetoed_but_unrelated_ones_are():
    related = _pair({"title": "aeg rx9", "codes": ["RX9"]}, {"title": "aeg rx9-1-sgm", "codes": ["RX9-1-SGM"]})
    unrelated = _pair({"title": "bosch kgn36vl35g", "codes": ["KGN36VL35G"]}, {"title": "bosch x", "codes": ["WAT28461GB"]})
    cfg = MatchConfig()
    assert apply_vetoes(np.array([0.9], np.float32), related, cfg)[1][0] == ""
    assert apply_vetoes(np.array([0.9], np.float32), unrelated, cfg)[1][0] == "model_code"


def test_model_codes_one_character_apart_are_vetoed_as_siblings():
    colour = _pair({"title": "samsung mc28h5013aw white", "codes": ["MC28H5013AW"]},
                   {"title": "samsung mc28h5013aw white", "codes": ["MC28H5013AK"]})
    size = _pair({"title": "samsung qe55q7fn", "codes": ["QE55Q7FN"]}, {"title": "samsung qe55q7fn", "codes": ["QE65Q7FN"]})
    suffix = _pair({"title": "samsung qe65q7fn", "codes": ["QE65Q7FN"]}, {"title": "samsung qe65q7fna", "codes": ["QE65Q7FNA"]})
    short = _pair({"title": "core i5", "codes": ["I5"]}, {"title": "core i7", "codes": ["I7"]})
    cfg = MatchConfig()
    assert colour[0, COL["code_substitution"]] == 1 and size[0, COL["code_substitution"]] == 1
    assert apply_vetoes(np.array([0.99], np.float32), colour, cfg)[1][0] == "model_code"
    assert apply_vetoes(np.array([0.99], np.float32), size, cfg)[1][0] == "model_code"
    assert suffix[0, COL["code_substitution"]] == 0 and apply_vetoes(np.array([0.99], np.float32), suffix, cfg)[1][0] == ""
    assert short[0, COL["code_substitution"]] == 0


def test_vetoes_can_be_switched_off():
    x = _pair({"title": "a", "count": 2}, {"title": "a", "count": 3})
    p, veto, _ = apply_vetoes(np.array([0.9], np.float32), x, MatchConfig(veto_count=False))
    assert p[0] == np.float32(0.9) and veto[0] == ""


def test_missing_attributes_are_nan_not_conflicts():
    x = _pair({"title": "plain title one"}, {"title": "plain title two"})
    for name in ("gtin_overlap", "brand_state", "amount_state", "color_state", "phash_distance", "code_overlap"):
        assert np.isnan(x[0, COL[name]]), name


def test_saved_model_reloads_with_identical_probabilities(tmp_path):
    x, y, g = _toy_training()
    model, _ = train_model(x, y, g, seed=1, num_boost_round=40)
    model.save(tmp_path / "m.json")
    again = MatchModel.load(tmp_path / "m.json")
    assert np.array_equal(model.predict(x), again.predict(x))


def test_training_is_deterministic_for_a_seed():
    x, y, g = _toy_training()
    m1, _ = train_model(x, y, g, seed=3, num_boost_round=40)
    m2, _ = train_model(x, y, g, seed=3, num_boost_round=40)
    assert m1.booster.model_to_string() == m2.booster.model_to_string()
    assert np.array_equal(m1.predict(x), m2.predict(x))


def test_probabilities_are_calibrated_into_unit_interval():
    x, y, g = _toy_training()
    model, metrics = train_model(x, y, g, seed=0, num_boost_round=40)
    p = model.predict(x)
    assert p.min() >= 0.0 and p.max() <= 1.0
    assert metrics["val_precision"] > 0.7


def test_number_and_unit_written_apart_or_together_are_one_token():
    import pyarrow as pa

    from samesku.match.tokens import match_tokens

    tokens = match_tokens(pa.array(["apple iphone x 64 gb silver", "apple iphone x 64gb, silver"])).to_pylist()
    assert tokens[0] == tokens[1] == ["apple", "iphone", "x", "64gb", "silver"]


def test_a_short_title_inside_a_long_one_is_fully_covered():
    x = _pair({"title": "apple iphone x 64 gb silver"}, {"title": "apple iphone x silver 5.8 64gb 4g unlocked sim free"})
    assert x[0, COL["coverage_max"]] == 1.0
    assert x[0, COL["coverage_min"]] < 1.0
    assert x[0, COL["digit_unmatched_min"]] == 0.0


def test_a_different_model_number_counts_as_an_unmatched_digit_token():
    x = _pair({"title": "xiaomi redmi 5a 16gb"}, {"title": "xiaomi redmi 5 16gb"})
    assert x[0, COL["digit_unmatched_min"]] == 1.0 and x[0, COL["digit_jaccard"]] == 1 / 3


def test_model_line_modifiers_that_differ_are_a_conflict():
    lite_pro = _pair({"title": "huawei p20 lite 64gb"}, {"title": "huawei p20 pro 64gb"})
    same = _pair({"title": "huawei p20 pro 64gb"}, {"title": "huawei p20 pro 64 gb black"})
    plain = _pair({"title": "huawei p20 64gb"}, {"title": "huawei p20 64gb black"})
    assert lite_pro[0, COL["modifier_state"]] == 0.0
    assert same[0, COL["modifier_state"]] == 1.0
    assert np.isnan(plain[0, COL["modifier_state"]])


def test_compiled_trees_score_exactly_like_lightgbm(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMESKU_CACHE", str(tmp_path))
    x, y, g = _toy_training()
    x[::7, 0] = np.nan   # missing values take LightGBM's default direction in the compiled code too
    model, _ = train_model(x, y, g, seed=1, num_boost_round=40)
    forest = model.forest()
    assert forest is not None, "lleaves is a dependency: the compiled scorer must be available"
    assert np.allclose(forest.predict(x), model.booster.predict(x), rtol=0, atol=1e-9)
    assert list((tmp_path / "compiled-models").glob("*.so")), "the machine code is cached for the next run"


def test_without_the_compiler_the_model_gives_the_same_probabilities(monkeypatch, tmp_path):
    monkeypatch.setenv("SAMESKU_CACHE", str(tmp_path))
    x, y, g = _toy_training()
    model, _ = train_model(x, y, g, seed=2, num_boost_round=40)
    compiled = model.predict(x)
    monkeypatch.setenv("SAMESKU_NO_COMPILE", "1")
    model.save(tmp_path / "m.json")
    plain = MatchModel.load(tmp_path / "m.json")
    assert plain.forest() is None
    assert np.allclose(plain.predict(x), compiled, rtol=0, atol=1e-6)


def test_amounts_agree_when_one_side_states_the_others_amount_as_a_second_measure():
    # a washer-dryer: one shop leads with the wash load, another with the dry load
    x = _pair({"title": "indesit iwdc6125s 6kg wash 5kg dry", "amount": 6000.0, "amounts": [6000.0, 5000.0], "unit": "g"},
              {"title": "indesit iwdc6125s 6 5kg", "amount": 5000.0, "amounts": [5000.0], "unit": "g"})
    assert x[0, COL["amount_state"]] == 1.0 and x[0, COL["amount_log_ratio"]] == 0.0
    assert apply_vetoes(np.array([0.9], np.float32), x, MatchConfig())[1][0] == ""


def test_a_shared_second_measure_does_not_make_two_storage_sizes_agree():
    # both phones have 4 GB of RAM; neither states the other's storage
    x = _pair({"title": "phone 4gb 64gb", "amount": 64.0, "amounts": [64.0, 4.0], "unit": "GB"},
              {"title": "phone 4gb 128gb", "amount": 128.0, "amounts": [128.0, 4.0], "unit": "GB"})
    assert x[0, COL["amount_state"]] == 0.0
    assert apply_vetoes(np.array([0.9], np.float32), x, MatchConfig())[1][0] == "amount"


def test_a_model_name_written_joined_matches_the_same_name_written_spaced():
    joined = _pair({"title": "canon eos80d body"}, {"title": "canon eos 80d body"})
    other = _pair({"title": "canon eos80d body"}, {"title": "canon eos 90d body"})
    assert joined[0, COL["digit_jaccard"]] == 1.0 and joined[0, COL["coverage_min"]] == 1.0
    assert joined[0, COL["idf_jaccard"]] == 1.0
    assert other[0, COL["digit_jaccard"]] == 0.0


def test_decimal_numbers_match_whatever_their_trailing_zeros_and_unit_spacing():
    x = _pair({"title": "intel core i7 6700 3.40ghz"}, {"title": "intel core i7 6700 3.4 ghz"})
    assert x[0, COL["idf_jaccard"]] == 1.0 and x[0, COL["number_jaccard"]] == 1.0


def test_a_shared_name_followed_by_different_model_names_is_a_slot_conflict():
    conflict = _pair({"title": "apple iphone x 256gb space grey"}, {"title": "apple iphone 8 256gb space grey"})
    lite = _pair({"title": "sony xperia xa2 dual sim"}, {"title": "sony xperia xz2 dual sim"})
    same = _pair({"title": "intel core i3 7100 3.9 ghz"}, {"title": "boxed processor intel core i3 i3 7100"})
    colour = _pair({"title": "nikon d3400 d slr black"}, {"title": "nikon d3400 black 18 105mm"})
    # a code followed by different specs, a grade letter after a non-name
    specs = _pair({"title": "cello c50238dvbt2 127 cm"}, {"title": "cello c50238dvbt2 50 inch"})
    capacity = _pair({"title": "apple iphone 64gb"}, {"title": "apple iphone 128gb"})
    assert conflict[0, COL["slot_conflict"]] == 1 and lite[0, COL["slot_conflict"]] == 1
    assert same[0, COL["slot_conflict"]] == 0 and colour[0, COL["slot_conflict"]] == 0
    assert specs[0, COL["slot_conflict"]] == 0 and capacity[0, COL["slot_conflict"]] == 0


def test_a_model_number_with_a_letter_and_a_series_letter_fill_slots_but_measures_do_not():
    # "6s" is a model after one digit, not a measure; "x" leads the name in "fujifilm x t3"
    iphone = _pair({"title": "iphone 6s 32gb space grey"}, {"title": "iphone 6 32gb space grey"})
    series = _pair({"title": "fujifilm x e3 body silver"}, {"title": "fujifilm x t3 body silver"})
    resolution = _pair({"title": "lg oled 4k tv"}, {"title": "lg oled 8k tv"})
    weight = _pair({"title": "coffee beans 500g"}, {"title": "coffee beans 250g"})
    pack = _pair({"title": "트레비 340ml x 20병"}, {"title": "트레비 340ml x 20"})   # the x of a purchase condition
    assert iphone[0, COL["slot_conflict"]] == 1 and series[0, COL["slot_conflict"]] == 1
    assert resolution[0, COL["slot_conflict"]] == 0 and weight[0, COL["slot_conflict"]] == 0
    assert pack[0, COL["slot_conflict"]] == 0


def test_token_padding_never_matches_a_real_token_or_a_missing_join():
    from samesku.match.tokens import _token_keys

    h = np.array([[-1, 0, 1, -4294967295]], dtype=np.int64)
    k = _token_keys(h)
    assert k[0, 0] == -1 and (k[0, 1:] != -1).all()
    x = _pair({"title": ""}, {"title": "canon eos 80d body"})
    assert x[0, COL["coverage_max"]] == 0.0 or np.isnan(x[0, COL["coverage_max"]])


def test_a_pairs_features_do_not_depend_on_the_other_pairs_of_its_block():
    # blocks are trimmed to their widest titles and sets; a pair must score the same alone
    # and beside long titles (engines and partitions put pairs in different blocks)
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(60)] + [f"{i}gb" for i in range(1, 20)] + ["sony", "kd55xe9005", "black"]
    rows = []
    for i in range(40):
        k = 3 + (i * 7) % 22
        rows.append({"title": " ".join(rng.choice(words, size=k)), "codes": list(rng.choice(words[60:], size=i % 5)),
                     "colors": ["black", "white", "red"][: i % 4], "brand": "sony" if i % 2 else None,
                     "amount": float(1 + i % 3), "unit": "l", "price": 10.0 + i})
    table = make_analysed(rows)
    arrays = prepare_offers(table, unit_vectors(len(rows)))
    a = rng.integers(0, len(rows), 300)
    b = rng.integers(0, len(rows), 300)
    together = pair_features(arrays, a, b)
    short = np.flatnonzero(arrays.token_count[a] + arrays.token_count[b] < 12)
    assert len(short) and arrays.token_count.max() > 20
    alone = np.vstack([pair_features(arrays, a[i: i + 1], b[i: i + 1]) for i in short])
    np.testing.assert_array_equal(alone, together[short])


def test_a_shop_that_never_names_codes_has_a_low_code_share_and_an_unseen_shop_the_catalogs(tmp_path):
    colours = ("white", "black", "silver", "grey", "white", "black")
    rows = [{"title": f"bosch washing machine in {c}", "seller": "terse"} for c in colours]
    rows += [{"title": f"bosch wan2828{i}gb 8kg 1400rpm washing machine", "codes": [f"wan2828{i}gb"], "seller": "full"}
             for i in range(6)]
    rows += [{"title": "bosch wan28281gb washing machine", "codes": ["wan28281gb"], "seller": "new"}]
    table = make_analysed(rows)
    style = SellerStyle.fit(table.slice(0, 12))   # the fit sample never saw the shop "new"
    style.save(tmp_path / "style.npz")
    arrays = prepare_offers(table, unit_vectors(len(rows)), style=SellerStyle.load(tmp_path / "style.npz"))
    terse, full, new = arrays.seller_style[0], arrays.seller_style[6], arrays.seller_style[12]
    np.testing.assert_array_equal(new, style.default)
    assert terse[0] < style.default[0] < full[0]             # share of titles with a model code
    assert terse[2] < 1.0 < full[2]                          # digit tokens, relative to the catalog
    x = pair_features(arrays, np.array([0]), np.array([6]))
    assert x[0, COL["seller_code_share_min"]] == terse[0] and x[0, COL["seller_code_share_max"]] == full[0]


def test_an_ignored_feature_never_moves_a_probability():
    x, y, groups = _toy_training()
    model, _ = train_model(x, y, groups, seed=0, ignore=("cosine",))
    moved = x.copy()
    moved[:, COL["cosine"]] = 1.0 - moved[:, COL["cosine"]]
    np.testing.assert_array_equal(model.predict(x), model.predict(moved))
    assert model.metadata["ignored_features"] == ["cosine"]


def test_two_brands_conflict_unless_spellings_of_one_named_by_the_other_title_or_of_other_scripts():
    def brand_state(a: dict, b: dict) -> float:
        return float(_pair(a, b)[0, COL["brand_state"]])

    assert brand_state({"title": "samsung d500", "brand": "samsung"}, {"title": "nikon d500 body", "brand": "nikon"}) == 0.0
    assert brand_state({"title": "lg tv 55", "brand": "lg"}, {"title": "tv 55", "brand": "lg electronics"}) == 1.0
    # brand detection took the kit maker; the other title's brand is named in this one
    assert brand_state({"title": "hp intel xeon e5649", "brand": "hp"}, {"title": "intel xeon e5649", "brand": "intel"}) == 0.5
    assert np.isnan(brand_state({"title": "samsung tv", "brand": "samsung"}, {"title": "三星 电视", "brand": "三星"}))
    # a two-word brand is named by both its words, not by a title that says "new"
    assert brand_state({"title": "asics gel new 42", "brand": "asics"}, {"title": "574 shoe 42", "brand": "new balance"}) == 0.0
    assert brand_state({"title": "asics new balance 42", "brand": "asics"}, {"title": "574 shoe 42", "brand": "new balance"}) == 0.5


def test_neighbouring_colour_names_are_closer_than_different_colours_and_no_colour_is_missing():
    near = _pair({"title": "bosch fridge silver", "colors": ["silver"]}, {"title": "bosch fridge stainless", "colors": ["stainless"]})
    far = _pair({"title": "bosch fridge white", "colors": ["white"]}, {"title": "bosch fridge black", "colors": ["black"]})
    none = _pair({"title": "bosch fridge white", "colors": ["white"]}, {"title": "bosch fridge", "colors": []})
    d = COL["color_distance"]
    assert near[0, d] < 10 < 90 < far[0, d] and np.isnan(none[0, d])
    # the closest two of several named colours count
    two = _pair({"title": "case white black", "colors": ["white", "black"]}, {"title": "case black", "colors": ["black"]})
    assert two[0, d] == 0.0
