"""The PDF receipt: Vietnamese set in an embedded DejaVu Sans subset, ASCII fallback without the font."""

import io

import pypdf
import pytest

from simulator.systems.payment import receipt_pdf

LINES = ["Kho bạc: Kho bạc Nhà nước Đà Nẵng", "Người nộp: Nguyễn Thị Ánh Tuyết", "Tổng số tiền: 150.000 VND"]


def text_of(pdf: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf), strict=True).pages[0].extract_text()


@pytest.fixture
def no_font(monkeypatch):
    monkeypatch.setattr(receipt_pdf, "FONT_CANDIDATES", ())
    receipt_pdf.embedded_font.cache_clear()
    yield
    receipt_pdf.embedded_font.cache_clear()


def test_the_receipt_keeps_vietnamese_diacritics_in_an_embedded_subset_font():
    pdf = receipt_pdf.render("BIÊN LAI THU PHÍ, LỆ PHÍ", LINES)
    text = text_of(pdf)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    for line in LINES:
        assert line in text
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    font = reader.pages[0]["/Resources"]["/Font"]["/F1"]
    assert font["/Subtype"] == "/Type0" and font["/BaseFont"].endswith("+DejaVuSans")
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    assert descriptor["/FontFile2"].get_data()[:4] == b"\x00\x01\x00\x00"  # a TrueType program, embedded
    assert len(pdf) < 60_000  # a subset, not the 740 KB font
    assert reader.metadata.title == "BIÊN LAI THU PHÍ, LỆ PHÍ"


def test_decomposed_input_is_composed_and_a_character_outside_the_subset_degrades_to_ascii():
    decomposed = "Ha\u0300 No\u0323\u0302i"  # "Hà Nội" typed with combining marks
    text = text_of(receipt_pdf.render("Biên lai", [decomposed, "Mã: 中 ✓ Đ"]))
    assert "Hà Nội" in text
    assert "Mã: ? ? Đ" in text


def test_the_subset_font_is_built_once_per_process():
    receipt_pdf.render("Biên lai", ["một"])
    before = receipt_pdf.embedded_font.cache_info()
    receipt_pdf.render("Biên lai", ["hai"])
    after = receipt_pdf.embedded_font.cache_info()
    assert after.misses == before.misses and after.hits > before.hits


def test_without_the_font_file_the_receipt_falls_back_to_ascii_helvetica(no_font):
    pdf = receipt_pdf.render("BIÊN LAI THU PHÍ, LỆ PHÍ", LINES)
    text = text_of(pdf)
    assert "BIEN LAI THU PHI, LE PHI" in text and "Kho bac: Kho bac Nha nuoc Da Nang" in text
    font = pypdf.PdfReader(io.BytesIO(pdf), strict=True).pages[0]["/Resources"]["/Font"]["/F1"]
    assert font["/BaseFont"] == "/Helvetica"
