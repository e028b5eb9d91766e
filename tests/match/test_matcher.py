"""Matcher: pair features, hard vetoes, model save/reload, deterministic training."""

from __future__ import annotations

import numpy as np

from samesku.config import MatchConfig
from samesku.match.features import FEATURES, pair_features, prepare_offers
from samesku.match.model import MatchModel, train_model
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

    from samesku.match.features import match_tokens

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
