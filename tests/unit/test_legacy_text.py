"""TCVN3 (ABC) and VNI-Windows to Unicode, and telling which one a text is in."""

from __future__ import annotations

import pytest

from tinnhiem.services.legacy_text import best_decoder, from_tcvn3, from_vni, is_syllable

WORDS = [  # (TCVN3, VNI, Unicode): every tone on every vowel shape appears at least once
    ("Hoµng §øc Th¾ng", "Hoaøng Ñöùc Thaéng", "Hoàng Đức Thắng"),
    ("TrÇn ThÞ BÝch H¹nh", "Traàn Thò Bích Haïnh", "Trần Thị Bích Hạnh"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Coäng hoaø xaõ hoäi chuû nghóa Vieät Nam",
     "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("Tr\u00adêng ®¹i häc Quèc gia", "Tröôøng ñaïi hoïc Quoác gia", "Trường đại học Quốc gia"),
    ("BÈy ngµy, ¨n uèng, t¾m, ë", "Baåy ngaøy, aên uoáng, taém, ôû", "Bẩy ngày, ăn uống, tắm, ở"),
    ("Thñy, Ninh, Hµ TÜnh, H\u00adng, Kh\u00adíc", "Thuûy, Ninh, Haø Tónh, Höng, Khöôùc",
     "Thủy, Ninh, Hà Tĩnh, Hưng, Khước"),
]


@pytest.mark.parametrize(("tcvn3", "vni", "unicode"), WORDS)
def test_both_encodings_read_as_unicode(tcvn3: str, vni: str, unicode: str) -> None:
    assert unicode == from_tcvn3(tcvn3)
    assert unicode == from_vni(vni)


@pytest.mark.parametrize(("tcvn3", "vni", "unicode"), WORDS)
def test_the_encoding_is_recognised(tcvn3: str, vni: str, unicode: str) -> None:
    assert ("tcvn3", "vni", "unicode") == (best_decoder([tcvn3]), best_decoder([vni]), best_decoder([unicode]))


def test_caps_font_text_comes_out_in_capitals() -> None:
    assert "DANH SÁCH ĐẠI BIỂU" == from_tcvn3("DANH S¸CH §¹I BIÓU")


def test_syllables() -> None:
    assert all(map(is_syllable, ["nguyễn", "khuya", "nghiêng", "thuở", "người", "quốc", "giữa"]))
    assert not any(map(is_syllable, ["nguyeón", "nguyơn", "lª", "hµ", "uoá"]))


@pytest.mark.parametrize(("typed", "meant"), [
    ("Uñy viªn", "Ủy viên"), ("Uñy ban nh©n d©n tØnh", "Ủy ban nhân dân tỉnh"),  # Ủ as U then ủ
    ("¥íi", "Ới"), ("¦ø", "Ứ"), ("Oéi", "Ội"), ("Aµ", "À"), ("IØ", "Ỉ"), ("Yû", "Ỷ"),
])
def test_a_capital_tcvn3_lacks_typed_as_two_letters_is_one(typed: str, meant: str) -> None:
    """Before: "Uủy viên" in 2 of 6 positions of a TCVN3 list."""
    assert meant == from_tcvn3(typed)


@pytest.mark.parametrize(("typed", "meant"), [("UÛy vieân", "Ủy viên"), ("Uuûy ban", "Ủy ban"), ("Ooäi", "Ội")])
def test_vni_capitals_are_one_letter(typed: str, meant: str) -> None:
    assert meant == from_vni(typed)


def test_nothing_else_is_joined() -> None:
    """A capital before a small letter of another vowel, or an untoned one, stays as it was."""
    assert ("Aỏ", "Oa", "Uy") == (from_tcvn3("Aá"), from_tcvn3("Oa"), from_tcvn3("Uy"))
