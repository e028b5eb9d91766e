"""Colour words in several languages → canonical English names."""

from __future__ import annotations

import pytest

from samesku.analyse import clean_title, extract_colors


def colors(title: str) -> list[str]:
    return extract_colors(clean_title(title))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("iphone 64gb black", ["black"]),
        ("Sony Kopfhörer, Schwarz", ["black"]),
        ("삼성 갤럭시 팬텀블랙", ["black"]),
        ("ソニー ヘッドホン ブラック", ["black"]),
        ("索尼 耳机 黑色", ["black"]),
        ("Powerbank Anker Hitam", ["black"]),
        ("siemens kg33vvw31 freistehend 286l a wei", ["white"]),
        ("Miele Waschmaschine Lotosweiß", ["white"]),
        ("나이키 에어포스1 트리플화이트", ["white"]),
        ("华为 耳机 陶瓷白", ["white"]),
    ],
)
def test_black_and_white_in_six_languages(title: str, expected: list[str]) -> None:
    assert colors(title) == expected


def test_space_grey_spellings_map_to_one_name_and_not_also_grey() -> None:
    for title in ("iphone space grey", "iphone space gray", "iphone spacegrau", "아이폰 스페이스그레이", "华为 深空灰"):
        assert colors(title) == ["space grey"], title


def test_two_colours_keep_title_order() -> None:
    assert colors("maxcom mm818 black/blue") == ["black", "blue"]
    assert colors("adidas superstar 黑白") == ["black", "white"]


def test_steel_finishes_are_stainless() -> None:
    assert colors("fridge freezer stainless steel") == ["stainless"]
    assert colors("dishwasher s/steel") == ["stainless"]
    assert colors("Bosch Kühlschrank Edelstahl") == ["stainless"]


def test_colour_named_phrase_midnight_black_is_black() -> None:
    assert colors("samsung galaxy s9 midnight black") == ["black"]
    assert colors("wileyfox swift 2 midnight") == ["midnight"]


def test_colour_words_inside_other_words_are_ignored() -> None:
    assert colors("xiaomi redmi note") == []
    assert colors("Haribo Goldbären") == []
    assert colors("Rotkäppchen Sekt") == []
    assert colors("블루투스 이어폰") == []


def test_brand_and_product_names_with_colour_words_are_ignored() -> None:
    assert colors("Red Bull Energy Drink") == []
    assert colors("Black+Decker Drill") == []
    assert colors("intel pentium gold g5600") == []


def test_single_chinese_colour_character_only_counts_at_word_end() -> None:
    assert colors("兰蔻 小黑瓶 精华") == []
    assert colors("小米 碳纤黑") == ["black"]


def test_empty_title_has_no_colours() -> None:
    assert extract_colors("") == []
