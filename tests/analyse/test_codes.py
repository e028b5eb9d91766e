"""Model / product code extraction and normalisation."""

from __future__ import annotations

import pyarrow as pa
import pytest

from samesku.analyse import clean_titles, extract_model_codes, normalise_code
from samesku.analyse.codes import codes_related


def codes(title: str) -> list[str]:
    cased, _ = clean_titles(pa.array([title]))
    return extract_model_codes(cased[0].as_py())


def test_normalise_code_upper_cases_and_strips_joiners() -> None:
    assert normalise_code("MQ8N2B/A") == "MQ8N2BA"
    assert normalise_code("rx9-1-sgm") == "RX91SGM"
    assert normalise_code("7599.838 199") == "7599838199"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("나이키 에어맥스 95 SE DC3991-100", ["DC3991-100"]),
        ("三栄水栓製作所 SANEI 多角穴ザルボ T22-25X15", ["T22-25X15"]),
        ("Bosch Serie 4 KGN36VL35G Freestanding Fridge Freezer", ["KGN36VL35G"]),
        ("apple mq8n2b/a iphone 8 plus 64gb", ["mq8n2b/a"]),
        ("AEG RX9-1-SGM Robot Hoover", ["RX9-1-SGM"]),
        ("LISTAR RX9", ["RX9"]),
        ("GOLD 반지 방울 콤보링 RCS2709 18K반지 26호", ["RCS2709"]),
        ("아르떼 후드 트렌치 코트 DLCPWU060", ["DLCPWU060"]),
        ("intel core i7-8700k processor", ["i7-8700k"]),
        ("samsung galaxy s9 sm-g960f", ["sm-g960f"]),
        ("samsung ue55nu7400 55 inch tv", ["ue55nu7400"]),
        ("Part 7599-838-199", ["7599-838-199"]),
    ],
)
def test_codes_are_extracted_as_written(title: str, expected: list[str]) -> None:
    assert codes(title) == expected


def test_two_codes_glued_to_korean_text_are_both_found() -> None:
    title = "남녀공용CW2288-111 DD8959-100트리플화이트 올흰올백"
    assert codes(title) == ["CW2288-111", "DD8959-100"]


def test_shop_suffix_after_underscore_is_not_part_of_the_code() -> None:
    assert codes("W몰 아르떼 후드 트렌치 코트 DLCPWU060_1") == ["DLCPWU060"]


@pytest.mark.parametrize(
    "title",
    [
        "64GB 500ml 26호 18K 2019 4k 1080p 5g 12mp 1000w 60hz",
        "intel core i5 8400 2.80ghz socket lga1151 ddr4 usb3.2",
        "Philips Hue E27 Smart Bulb, All-in-1, W11, f/2.8, 50s style",
        "Apple iPhone13 Gillette Fusion5",
        "range 3-5 and 2017-2018",
    ],
)
def test_sizes_specs_standards_years_and_names_are_not_codes(title: str) -> None:
    assert codes(title) == []


def test_repeated_code_is_reported_once() -> None:
    assert codes("lg oled65e8pla/oled65e8pla") == ["oled65e8pla"]
    assert codes("zanussi zra17800wa 105cm zra17800wa") == ["zra17800wa"]


def test_slash_joined_spec_list_is_split_but_code_with_suffix_kept() -> None:
    assert codes("Kingston SA400S37/480G 9kg/1400") == ["SA400S37/480G"]
    assert codes("Gree KFR-35GW/NhGd3B") == ["KFR-35GW/NhGd3B"]


def test_plus_suffix_is_part_of_the_model() -> None:
    assert codes("小米 扫地机器人 X10+ 白色") == ["X10+"]


def test_empty_text_has_no_codes() -> None:
    assert extract_model_codes("") == []


def test_codes_are_related_when_one_contains_the_other_or_only_a_letter_suffix_differs() -> None:
    assert codes_related("RX9", "RX91SGM") and codes_related("QE55Q6FN", "QE55Q6FNATXXU")
    assert codes_related("KD55XF8096BU", "KD55XF8096BAEP")
    assert not codes_related("CBNPBS4858", "CBNPBS3756")      # digits differ: a sibling
    assert not codes_related("WMAQF641P", "WMAQB641PUK")      # a letter before the digits differs
    assert not codes_related("MQ8N2BA", "MQ8L2BA")
    assert not codes_related("MC28H5013AW", "MC28H5013AK")    # one letter apart: a colour sibling
