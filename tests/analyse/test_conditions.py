"""Purchase conditions: count, amount/unit and variant tokens."""

from __future__ import annotations

import pytest

from samesku.analyse import clean_title, parse_conditions


def cond(title: str) -> tuple[int, float | None, str | None]:
    result = parse_conditions(clean_title(title))
    return result.count, result.amount, result.unit


def test_pack_notation_210mlx30_gives_count_30_amount_210_ml() -> None:
    assert cond("칠성사이다 210mlx30캔") == (30, 210.0, "ml")


@pytest.mark.parametrize(
    "title",
    [
        "[롯데백화점] 롯데칠성 칠성 사이다(210ml*30캔) / 무료배송",
        "[롯데칠성음료] 칠성사이다 탄산음료 210ml X30캔",
        "칠성사이다 210ml X 30캔",
        "[롯데닷컴]롯데칠성 칠성사이다 210mlx30캔/ 롯데칠성",
    ],
)
def test_every_shop_rendering_of_the_cider_pack_reads_the_same(title: str) -> None:
    assert cond(title) == (30, 210.0, "ml")


def test_count_before_measure_3병x500ml_gives_3_bottles_of_500_ml() -> None:
    assert cond("석류 원액 100% 3병X500ml") == (3, 500.0, "ml")


def test_litre_in_parentheses_converts_to_ml() -> None:
    assert cond("석류 원액 1개(0.5L) 8,800원") == (1, 500.0, "ml")


def test_counts_multiply_5_per_pack_times_4_packs_is_20() -> None:
    assert cond("진라면 120g 5개입 x 4팩") == (20, 120.0, "g")


def test_bare_multiplier_times_pieces_4_x_44_pcs_is_176() -> None:
    assert cond("Fairy Platinum 4 x 44 pcs")[0] == 176


def test_tablet_count_after_x_12g_x_250t_is_250() -> None:
    assert cond("유산균 12g x 250T") == (250, 12.0, "g")


def test_japanese_kg_times_pieces_gives_count_2_amount_1600_g() -> None:
    assert cond("花王 アタック 1.6kg×2個") == (2, 1600.0, "g")


def test_tablets_120錠_are_the_count_and_no_amount() -> None:
    assert cond("ハイチオールC ホワイティア 120錠") == (120, None, None)
    assert cond("ハイチオールC ホワイティア 40錠") == (40, None, None)


def test_phone_storage_is_the_amount_in_gb() -> None:
    assert cond("apple iphone 8 plus 64gb silver") == (1, 64.0, "GB")


def test_storage_beats_ram_when_both_are_given() -> None:
    assert cond("oukitel k6 6gb ram 64gb rom 4g smartphone") == (1, 64.0, "GB")
    assert cond("samsung galaxy 8gb ram 128gb") == (1, 128.0, "GB")


def test_terabyte_is_1000_gb() -> None:
    assert cond("Samsung 870 EVO 1TB SSD") == (1, 1000.0, "GB")


def test_electronics_specs_are_not_amounts() -> None:
    assert cond('apple iphone 5.5" 12mp 4k 1000w 60hz a++ phone') == (1, None, None)
    assert cond("hisense 55 inch smart 4k tv") == (1, None, None)


def test_tv_diagonal_in_cm_is_not_an_amount() -> None:
    assert cond("samsung ue55mu6200 139.7 cm 55 2160p led tv") == (1, None, None)


def test_cpu_cache_is_not_an_amount() -> None:
    assert cond("intel xeon e7 4850 v4 40m cache 2.10 ghz 40mb smart cache") == (1, None, None)


def test_network_generation_4g_is_not_grams_in_phone_titles() -> None:
    assert cond("doro 1360 4g sim free mobile phone") == (1, None, None)


def test_128g_in_a_phone_title_is_storage() -> None:
    assert cond("Apple iPhone 15 Pro 256G 5G手机") == (1, 256.0, "GB")


def test_indonesian_ram_slash_storage_shorthand_gives_storage() -> None:
    assert cond("Xiaomi Redmi Note 13 6/128 Biru") == (1, 128.0, "GB")


def test_decimal_comma_1_5_l_is_1500_ml() -> None:
    assert cond("Volvic 6 x 1,5 l") == (6, 1500.0, "ml")


def test_thousands_comma_is_not_a_decimal() -> None:
    assert cond("우유 1,000ml") == (1, 1000.0, "ml")


def test_imperial_units_convert_to_grams_and_ml() -> None:
    count, amount, unit = cond("Hershey's Bar 1.55 oz")
    assert unit == "g" and amount == pytest.approx(43.94, rel=1e-3)
    count, amount, unit = cond("Tide 92 fl oz")
    assert unit == "ml" and amount == pytest.approx(2720.76, rel=1e-3)


def test_chinese_jin_is_500_g() -> None:
    assert cond("五常大米 5斤装") == (1, 2500.0, "g")


def test_ranges_are_not_counts() -> None:
    assert cond("Papaya Melon 2kg 3-5 pieces") == (1, 2000.0, "g")


def test_months_supply_is_not_a_count() -> None:
    assert cond("3개월분 비타민C 1000mg 200정") == (200, 1.0, "g")


def test_repeated_count_mention_counts_once() -> None:
    assert cond("사이다 210ml 30캔 30캔") == (30, 210.0, "ml")


def test_bundle_1_plus_1_is_two_items_but_1_plus_2_is_a_name() -> None:
    assert cond("크림 70ml 1+1")[0] == 2
    assert cond("雀巢 咖啡 1+2 原味 15g*100条")[0] == 100


def test_keyword_before_number_isi_and_pack_of_are_counts() -> None:
    assert cond("Indomie Goreng 85gr isi 40 pcs") == (40, 85.0, "g")
    assert cond("Heinz Baked Beans 415g (Pack of 4)") == (4, 415.0, "g")
    assert cond("Aqua 600ml 1 dus isi 24 botol") == (24, 600.0, "ml")


def test_count_phrases_twin_pack_and_5er_pack() -> None:
    assert cond("Colgate 75ml Twin Pack") == (2, 75.0, "ml")
    assert cond("Milka 100 g, 5er Pack") == (5, 100.0, "g")


def test_dimensions_are_not_counts_or_amounts_but_variants() -> None:
    result = parse_conditions(clean_title("bosch freezer 186x60cm a white"))
    assert (result.count, result.amount) == (1, None)
    assert "186x60cm" in result.variant


def test_resolutions_and_bare_products_are_not_counts() -> None:
    assert cond("led tv 1920 x 1080 2 x 8 w")[0] == 1


def test_socket_number_followed_by_box_is_not_a_count() -> None:
    assert cond("intel pentium 4 3 ghz socket 478 box")[0] == 1


def test_numbers_inside_codes_are_ignored() -> None:
    assert cond("sharp SJ-316MG-GB fridge") == (1, None, None)
    assert cond("nike DD8959-100 shoes") == (1, None, None)


def test_volume_wins_over_length_for_fridges() -> None:
    assert cond("beko cfg1552s 152x55cm 213 litre fridge") == (1, 213000.0, "ml")


def test_lossy_decimal_height_1_82m_is_read_as_1820_mm() -> None:
    assert cond("blomberg fridge freezer in white 1 82m a rated") == (1, 1820.0, "mm")


def test_model_numbers_written_like_quantities_are_rejected() -> None:
    assert cond("amd ryzen 5 2400g 3.65ghz cpu") == (1, None, None)


def test_variant_holds_capacities_screen_sizes_and_sizes() -> None:
    variant = parse_conditions(clean_title('LG OLED55C1 55" 4K TV')).variant
    assert variant == ["55in"]
    variant = parse_conditions(clean_title("GOLD 반지 RCS2709 18K반지 26호")).variant
    assert variant == ["size:26"]
    variant = parse_conditions(clean_title("Kaos Polos Hitam Size XL")).variant
    assert variant == ["size:xl"]
    variant = parse_conditions(clean_title("apple iphone 64gb")).variant
    assert variant == ["64gb"]


def test_empty_title_gives_count_1_and_no_amount() -> None:
    result = parse_conditions("")
    assert (result.count, result.amount, result.unit, result.variant) == (1, None, None, [])


def test_a_washer_dryer_states_both_capacities_with_the_wash_load_as_the_amount() -> None:
    result = parse_conditions(clean_title("Indesit IWDC6125S 6kg wash 5kg dry 1200rpm"))
    assert (result.amount, result.unit, result.amounts) == (6000.0, "g", (6000.0, 5000.0))


def test_a_bare_number_right_before_a_measure_is_its_stated_pair() -> None:
    # "8 6kg": the shop dropped the slash of "8/6kg"
    result = parse_conditions(clean_title("hotpoint wdal8640puk 8 6kg 1400 spin washer dryer"))
    assert result.amount == 6000.0 and 8000.0 in result.amounts


def test_a_title_without_an_amount_states_no_amounts() -> None:
    assert parse_conditions(clean_title("intel core i7 8700 processor")).amounts == ()
