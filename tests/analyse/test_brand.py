"""Brand gazetteer: learning, matching, synonyms, persistence."""

from __future__ import annotations

import json
import math
import pickle
from pathlib import Path

import pyarrow as pa

from samesku.analyse import BrandGazetteer, clean_title, load_synonyms, normalise_brand
from samesku.analyse.brand import brands_related


def _offers(titles: list[str], brands: list[str | None] | None = None) -> pa.Table:
    data: dict[str, list] = {"title": titles}
    if brands is not None:
        data["brand"] = brands
    return pa.table(data)


def test_normalise_brand_folds_case_punctuation_and_legal_forms() -> None:
    assert normalise_brand("Apple Inc.") == "apple"
    assert normalise_brand("[LISTAR]") == "listar"
    assert normalise_brand("ＳＯＮＹ") == "sony"
    assert normalise_brand("주식회사 농심") == "농심"


def test_placeholder_brand_values_are_no_brand() -> None:
    for value in ("Unknown", "기타", "n/a", "", None, "No Brand"):
        assert normalise_brand(value) is None, value


def test_learn_takes_brands_from_the_brand_column() -> None:
    gazetteer = BrandGazetteer.learn(_offers(["x", "y"], ["Samsung", "LG Electronics"]))
    assert "samsung" in gazetteer
    assert "lg electronics" in gazetteer


def test_learn_takes_a_word_that_starts_many_titles_followed_by_many_words() -> None:
    titles = [f"bosch model{i} fridge" for i in range(6)] + [f"digital camera n{i}" for i in range(6)]
    gazetteer = BrandGazetteer.learn(_offers(titles))
    assert "bosch" in gazetteer
    assert "digital" not in gazetteer  # always followed by "camera"


def test_learn_ignores_rare_leading_words_numbers_and_stopwords() -> None:
    titles = ["rare a", "rare b"] + [f"1400rpm w{i}" for i in range(6)] + [f"new thing{i}" for i in range(6)]
    gazetteer = BrandGazetteer.learn(_offers(titles))
    assert len(gazetteer) == 0


def test_match_finds_brand_on_token_boundaries_only() -> None:
    gazetteer = BrandGazetteer({"lg": "lg", "aeg": "aeg"})
    assert gazetteer.match("lg oled55c14lb 55 tv") == "lg"
    assert gazetteer.match("intel lga1151 socket") is None
    assert gazetteer.match("house cleaning aeg rx9-1-sgm") == "aeg"


def test_match_prefers_earliest_then_longest() -> None:
    gazetteer = BrandGazetteer({"fisher": "fisher", "fisher paykel": "fisher paykel", "bosch": "bosch"})
    assert gazetteer.match("fisher paykel rb60v18 for bosch") == "fisher paykel"


def test_cjk_brand_glued_to_product_name_is_found() -> None:
    gazetteer = BrandGazetteer({"花王": "kao"})
    assert gazetteer.match(clean_title("花王アタック 1.6kg")) == "kao"


def test_synonyms_map_cross_script_names_to_one_canonical(tmp_path: Path) -> None:
    path = tmp_path / "brands.tsv"
    path.write_text("# brand synonyms\nLISTAR\t리스타\t라이스타\nAEG = 에이이지\n", encoding="utf-8")
    synonyms = load_synonyms(path)
    assert synonyms == {"listar": "listar", "리스타": "listar", "라이스타": "listar", "aeg": "aeg", "에이이지": "aeg"}
    gazetteer = BrandGazetteer.learn(_offers(["x"]), synonyms=synonyms)
    assert gazetteer.match(clean_title("[LISTAR] 라이스타 로봇청소기 RX9")) == "listar"
    assert gazetteer.match(clean_title("리스타 로봇청소기 RX9")) == "listar"
    assert gazetteer.canonical("라이스타") == "listar"


def test_synonyms_load_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "brands.toml"
    path.write_text('[brands]\nlistar = ["리스타", "라이스타"]\napple = "애플"\n', encoding="utf-8")
    assert load_synonyms(path) == {"listar": "listar", "리스타": "listar", "라이스타": "listar", "apple": "apple", "애플": "apple"}


def test_brand_column_value_goes_through_synonyms() -> None:
    gazetteer = BrandGazetteer.learn(_offers(["a"], ["롯데칠성음료"]), synonyms={"롯데칠성음료": "lotte chilsung"})
    assert gazetteer.canonical("롯데칠성음료") == "lotte chilsung"
    assert gazetteer.canonical("Some New Brand") == "some new brand"


def test_to_dict_from_dict_round_trip_through_json() -> None:
    gazetteer = BrandGazetteer({"리스타": "listar", "listar": "listar"})
    restored = BrandGazetteer.from_dict(json.loads(json.dumps(gazetteer.to_dict())))
    assert restored.names == gazetteer.names
    assert restored.match("리스타 rx9") == "listar"


def test_gazetteer_pickles_without_its_automaton() -> None:
    gazetteer = BrandGazetteer({"sony": "sony"})
    assert gazetteer.match("sony tv") == "sony"
    restored = pickle.loads(pickle.dumps(gazetteer))
    assert restored.match("sony bravia") == "sony"


def test_empty_gazetteer_matches_nothing() -> None:
    assert BrandGazetteer().match("sony tv") is None
    assert BrandGazetteer({"sony": "sony"}).match("") is None


def test_a_series_name_that_follows_its_brand_maps_to_the_brand():
    titles = (["apple iphone 8 64gb"] * 6 + ["iphone 8 plus 64gb", "iphone x 256gb", "iphone 7 32gb", "iphone se", "iphone 6s"]
              + ["apple macbook air", "apple watch 3", "apple ipad pro"])
    g = BrandGazetteer.learn(pa.table({"title": titles}))
    assert g.canonical("iphone") == "apple"
    assert g.match("sim free iphone 8 plus") == "apple"


def test_a_brand_that_sometimes_follows_another_stays_a_brand():
    titles = (["hp amd opteron 6136 kit"] * 3 + [f"amd ryzen {i} 1600" for i in range(8)]
              + ["hp laserjet 1", "hp envy 2", "hp omen 3", "hp spectre 4", "hp pavilion 5"])
    g = BrandGazetteer.learn(pa.table({"title": titles}))
    assert g.canonical("amd") == "amd"


def test_spellings_of_one_brand_are_related_and_other_scripts_are_not_compared() -> None:
    assert brands_related("lg", "lg electronics") == 1.0
    assert brands_related("fuji", "fujifilm") == 1.0
    assert brands_related("one plus", "oneplus") == 1.0
    assert brands_related("nb", "new balance") == 1.0
    assert brands_related("웅진", "웅진식품") == 1.0
    assert math.isnan(brands_related("samsung", "三星"))
    assert math.isnan(brands_related("로보락", "石头"))
    assert brands_related("samsung", "nikon") == 0.0
    assert brands_related("hp", "hpe") == 0.0   # a two-letter brand is no prefix of another


def test_placeholder_brand_values_of_several_languages_are_no_brand() -> None:
    for value in ("Sonstige", "その他", "Övrigt", "Keine Marke"):
        assert normalise_brand(value) is None, value
