"""Title cleaning: normalisation, noise removal, punctuation, pack spacing."""

from __future__ import annotations

import pyarrow as pa

from samesku.analyse import clean_title, clean_titles, extract_model_codes


def test_full_width_characters_become_half_width_and_case_is_folded() -> None:
    assert clean_title("ＡＰＰＬＥ　ｉＰｈｏｎｅ　６４ＧＢ") == "apple iphone 64gb"


def test_german_sharp_s_folds_to_ss() -> None:
    assert clean_title("Lotosweiß") == "lotosweiss"


def test_korean_shipping_and_store_tags_are_removed() -> None:
    title = "[무료배송] [국내 매장판] 나이키 NIKE 에어포스1 07 당일 발송"
    assert clean_title(title) == "나이키 nike 에어포스1 07"


def test_bracketed_korean_shop_names_are_removed_but_bracketed_brands_kept() -> None:
    assert clean_title("[AK온라인몰] GOLD 반지") == "gold 반지"
    assert clean_title("[패션플러스]W몰 아르떼 후드") == "아르떼 후드"
    assert clean_title("[LISTAR] 리스타 로봇청소기 RX9") == "listar 리스타 로봇청소기 rx9"


def test_bracket_with_discount_wording_is_removed_whole() -> None:
    assert clean_title("[삼성카드 최대 7% 할인] 아르떼 코트") == "아르떼 코트"


def test_japanese_new_and_book_tags_and_free_shipping_are_removed() -> None:
    assert clean_title("【新品】【本】かわいいね") == "かわいいね"
    assert clean_title("【送料無料】サントリー 天然水 2L×6本") == "サントリー 天然水 2l x 6本"


def test_chinese_free_shipping_and_genuine_are_removed() -> None:
    assert clean_title("【包邮】正品 茅台 500ml") == "茅台 500ml"


def test_english_and_indonesian_promo_phrases_are_removed_on_word_boundaries() -> None:
    assert clean_title("Free Shipping Anker A1271") == "anker a1271"
    assert clean_title("Gratis Ongkir Sepatu Converse") == "sepatu converse"
    assert clean_title("freeshippingx") == "freeshippingx"


def test_pack_expression_is_spaced_and_kept() -> None:
    assert clean_title("칠성사이다 210mlx30캔") == "칠성사이다 210ml x 30캔"
    assert clean_title("석류 원액 3병X500ml") == "석류 원액 3병 x 500ml"
    assert clean_title("사이다(210ml*30캔)") == "사이다 210ml x 30캔"


def test_model_codes_with_x_are_not_split_as_packs() -> None:
    assert clean_title("SANEI T22-25X15") == "sanei t22-25x15"


def test_a_long_number_glued_to_x_before_a_space_is_a_code_but_a_count_or_measure_is_a_pack() -> None:
    assert clean_title("AMD Ryzen 7 1700X 3.8GHz") == "amd ryzen 7 1700x 3.8ghz"
    assert extract_model_codes(clean_titles(pa.array(["Intel Core i9 7940X 2066"]))[0][0].as_py()) == ["7940X"]
    assert clean_title("Cola 2x 500ml") == "cola 2 x 500ml"
    assert clean_title("Cola 330mlx 24") == "cola 330ml x 24"
    assert clean_title("Frame 1920x1080") == "frame 1920 x 1080"


def test_joiners_survive_only_inside_tokens() -> None:
    assert clean_title("Apple MQ8N2B/A - 5.5\" / gold.") == 'apple mq8n2b/a 5.5" gold'
    assert clean_title("DLCPWU060_1") == "dlcpwu060 1"


def test_decimal_comma_kept_but_list_comma_removed() -> None:
    assert clean_title("Volvic 6 x 1,5 l, PET") == "volvic 6 x 1,5 l pet"


def test_whitespace_is_collapsed() -> None:
    assert clean_title("  a \t\n  b  ") == "a b"


def test_empty_and_none_titles_give_empty_string() -> None:
    assert clean_title("") == ""
    cased, lower = clean_titles(pa.array([None, ""], pa.string()))
    assert lower.to_pylist() == [None, ""]


def test_cased_output_keeps_original_case_for_codes() -> None:
    cased, lower = clean_titles(pa.array(["[무료배송] Nike CW2288-111"]))
    assert cased.to_pylist() == ["Nike CW2288-111"]
    assert lower.to_pylist() == ["nike cw2288-111"]
