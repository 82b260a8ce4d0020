"""Each element's effective formatting, read back from the built letter's XML, against ND 30.

The values are resolved through document defaults, styles and direct formatting (see
wfh_docs.check.docx), so a test fails whether the template or the renderer gets it wrong.
"""

from __future__ import annotations

import re

import pytest

from wfh_docs.check.docx import Docx, Paragraph
from wfh_docs.letter.metrics import text_width_twips

TNR = "Times New Roman"
MM = 56.7  # twips per millimetre


def find(docx: Docx, text: str, *, exact: bool = False) -> Paragraph:
    for p in docx.paragraphs():
        if (p.text == text) if exact else p.text.startswith(text):
            return p
    raise AssertionError(f"no paragraph starting {text!r}")


def run_values(p: Paragraph, attr: str) -> set[object]:
    return {getattr(r, attr) for r in p.run_props()}


def assert_runs(p: Paragraph, *, size: float, bold: bool, italic: bool, caps: bool | None = None) -> None:
    assert p.run_props(), f"{p.text!r} has no text runs"
    assert run_values(p, "size") == {size}, p.text
    assert {bool(b) for b in run_values(p, "bold")} == {bold}, p.text
    assert {bool(i) for i in run_values(p, "italic")} == {italic}, p.text
    if caps is not None:
        assert {bool(c) for c in run_values(p, "caps")} == {caps}, p.text


def test_page_is_a4_portrait_with_decree_margins(reference_docx: Docx) -> None:
    for section in reference_docx.sections():
        assert (section.page_width, section.page_height) == (11906, 16838)
        m = section.margins
        assert 20 * MM - 1 <= m["top"] <= 25 * MM + 1
        assert 20 * MM - 1 <= m["bottom"] <= 25 * MM + 1
        assert 30 * MM - 1 <= m["left"] <= 35 * MM + 1
        assert 15 * MM - 1 <= m["right"] <= 20 * MM + 1


def test_times_new_roman_in_every_slot_of_every_run(reference_docx: Docx) -> None:
    parts = [
        "word/document.xml",
        *[n for n in reference_docx.parts if re.match(r"word/(header|footer)\d+\.xml", n)],
    ]
    checked = 0
    for part in parts:
        for p in reference_docx.paragraphs(part):
            for run in p.runs:
                for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
                    assert run.props.fonts.get(slot) == TNR, (part, p.text, slot, run.props.fonts)
                assert run.props.color in (None, "000000", "auto"), p.text
                checked += 1
    assert checked > 50


def test_no_theme_font_is_referenced(reference_docx: Docx) -> None:
    for name in ("word/styles.xml", "word/document.xml"):
        assert b"Theme=" not in reference_docx.parts[name], name
    # and the theme itself names Times New Roman, so nothing could fall back elsewhere
    assert set(reference_docx.theme_fonts.values()) == {TNR}


@pytest.mark.parametrize(
    ("text", "size", "bold", "italic", "caps"),
    [
        ("UBND TỈNH QUẢNG TRỊ", 13, False, False, True),  # ô 2 chủ quản: 12-13, upright
        ("SỞ CÔNG THƯƠNG", 13, True, False, True),  # ô 2 ban hành: 12-13, bold
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, False, True),  # ô 1: 12-13 bold caps
        ("Độc lập - Tự do - Hạnh phúc", 13, True, False, None),  # tiêu ngữ: 13-14 bold
        ("Số: 451/SCT-VP", 13, False, False, None),  # ô 3: 13 upright
        ("Quảng Trị, ngày 08 tháng 4 năm 2020", 14, False, True, None),  # ô 4: 13-14 italic
        ("V/v báo cáo", 12, False, False, None),  # ô 5b: 12-13 upright
        ("Kính gửi: Sở Thông tin", 14, False, False, None),  # ô 9a: 13-14 upright
        ("Sở Công Thương nhận được", 14, False, False, None),  # ô 6: 13-14 upright
        ("Nơi nhận:", 12, True, True, None),  # ô 9b: 12 bold italic
        ("- Như trên;", 11, False, False, None),  # list: 11 upright
        ("- Lưu: VT, VP.", 11, False, False, None),
        ("KT. GIÁM ĐỐC", 14, True, False, True),  # ô 7a: 13-14 bold caps
        ("PHÓ GIÁM ĐỐC", 14, True, False, True),
        ("Nguyễn Hữu Hưng", 14, True, False, None),  # ô 7b: 13-14 bold
        ("Phụ lục", 14, True, False, None),  # "Phụ lục": 14 bold
        ("Báo cáo tình hình công chức", 14, True, False, True),  # tên phụ lục: 13-14 bold caps
        ("(Kèm theo Công văn số", 14, False, True, None),  # 13-14 italic
        ("1. Tình hình ứng dụng", 14, True, False, None),
        ("1.1 Ứng dụng CNTT", 14, True, True, None),
    ],
)
def test_element_fonts(
    reference_docx: Docx, text: str, size: float, bold: bool, italic: bool, caps: bool | None
) -> None:
    assert_runs(find(reference_docx, text), size=size, bold=bold, italic=italic, caps=caps)


def test_bold_lead_in_is_bold_and_the_rest_is_not(reference_docx: Docx) -> None:
    p = find(reference_docx, "- Phần mềm ứng dụng CNTT:")
    bold = "".join(r.text for r in p.runs if r.props.bold)
    assert bold == "Phần mềm ứng dụng CNTT:"
    assert not any(r.props.bold for r in p.runs if "Các phần mềm" in r.text)


@pytest.mark.parametrize(
    "text",
    [
        "UBND TỈNH QUẢNG TRỊ",
        "SỞ CÔNG THƯƠNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 451/SCT-VP",
        "Quảng Trị, ngày",
        "V/v báo cáo",
        "Kính gửi:",
        "KT. GIÁM ĐỐC",
        "Nguyễn Hữu Hưng",
        "Phụ lục",
        "(Kèm theo",
    ],
)
def test_centred_elements(reference_docx: Docx, text: str) -> None:
    assert find(reference_docx, text).props.jc == "center"


@pytest.mark.parametrize(
    "text",
    [
        "Sở Công Thương nhận được",
        "Đề chủ động",
        "- Việc ứng dụng chữ ký số",
        "+ Theo quy định tại Điều 20",
        "Vậy, Sở Công Thương",
    ],
)
def test_body_is_justified_indented_and_spaced(reference_docx: Docx, text: str) -> None:
    p = find(reference_docx, text)
    assert p.props.jc == "both"
    assert p.props.ind.get("firstLine") in (567, 720)  # 1 cm or 1.27 cm
    assert int(p.props.spacing.get("before", 0)) + int(p.props.spacing.get("after", 0)) >= 120  # >= 6 pt
    # line spacing from single to 1.5 lines
    assert p.props.spacing.get("lineRule", "auto") == "auto"
    assert 240 <= int(p.props.spacing.get("line", 240)) <= 360


def test_noi_nhan_is_flush_left(reference_docx: Docx) -> None:
    for text in ("Nơi nhận:", "- Như trên;", "- Lãnh đạo Sở;", "- Lưu: VT, VP."):
        p = find(reference_docx, text)
        assert p.props.jc in (None, "left", "start")
        # the dash at the margin; a wrapped line continues under the text after the dash
        ind = p.props.ind
        assert ind.get("left", 0) - ind.get("hanging", 0) + ind.get("firstLine", 0) == 0


def test_header_is_two_columns_with_date_beside_number(reference_docx: Docx) -> None:
    number = find(reference_docx, "Số: 451/SCT-VP")
    date = find(reference_docx, "Quảng Trị, ngày 08")
    assert number.table_index == date.table_index == 0
    assert number.row == date.row and (number.cell, date.cell) == (0, 1)
    assert find(reference_docx, "SỞ CÔNG THƯƠNG").cell == 0
    assert find(reference_docx, "CỘNG HÒA").cell == 1
    assert find(reference_docx, "V/v").cell == 0


def test_signature_block_beside_noi_nhan(reference_docx: Docx) -> None:
    noi_nhan = find(reference_docx, "Nơi nhận:")
    authority = find(reference_docx, "KT. GIÁM ĐỐC")
    assert noi_nhan.table_index == authority.table_index
    assert noi_nhan.row == authority.row == 0
    assert (noi_nhan.cell, authority.cell) == (0, 1)


def _rules(docx: Docx) -> list[Paragraph]:
    return [p for p in docx.paragraphs() if p.props.border_bottom and not p.text]


def test_rule_under_agency_name_is_a_third_to_a_half_of_it(reference_docx: Docx) -> None:
    agency = find(reference_docx, "SỞ CÔNG THƯƠNG")
    rule = next(p for p in _rules(reference_docx) if p.table_index == 0 and p.cell == 0)
    name_width = text_width_twips("SỞ CÔNG THƯƠNG", 13, bold=True)
    column = 3600
    length = column - rule.props.ind["left"] - rule.props.ind["right"]
    assert name_width / 3 <= length <= name_width / 2
    assert rule.props.ind["left"] == rule.props.ind["right"]  # centred
    assert agency.cell == rule.cell


def test_rule_under_tieu_ngu_is_as_long_as_it(reference_docx: Docx) -> None:
    rule = next(p for p in _rules(reference_docx) if p.table_index == 0 and p.cell == 1)
    width = text_width_twips("Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    length = 5187 - rule.props.ind["left"] - rule.props.ind["right"]
    assert abs(length - width) <= 2


def test_quoc_hieu_fits_its_column_on_one_line(reference_docx: Docx) -> None:
    width = text_width_twips("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    assert width <= 5187


def test_page_numbers_in_header_centred_not_on_first_page(reference_docx: Docx) -> None:
    sections = reference_docx.sections()
    for s in sections:
        assert s.title_page  # a different first page: no number on page 1
        default = reference_docx.part_for_rel(s.header_refs["default"])
        first = reference_docx.part_for_rel(s.header_refs["first"])
        assert default and first
        xml = reference_docx.parts[default].decode()
        assert "PAGE" in xml
        (p,) = [p for p in reference_docx.paragraphs(default)]
        assert p.props.jc == "center" and {r.size for r in p.run_props()} <= {13, 14}
        assert "PAGE" not in reference_docx.parts[first].decode()
        assert not "".join(p.text for p in reference_docx.paragraphs(first)).strip()


def test_each_phu_luc_starts_a_section_with_its_own_numbering(reference_docx: Docx) -> None:
    sections = reference_docx.sections()
    assert len(sections) == 2  # the letter, then its one phụ lục
    assert all(s.page_start == 1 for s in sections)
    paragraphs = reference_docx.paragraphs()
    heading = next(i for i, p in enumerate(paragraphs) if p.text == "Phụ lục")
    # the paragraph just before "Phụ lục" ends the letter's section
    xml = reference_docx.parts["word/document.xml"].decode()
    before = xml[: xml.index(">Phụ lục<")]
    assert before.rfind("<w:sectPr") > before.rfind("Nguyễn Hữu Hưng")
    assert heading > 0


def test_signature_block_is_kept_with_the_last_paragraph(reference_docx: Docx) -> None:
    last = find(reference_docx, "Vậy, Sở Công Thương")
    assert last.props.keep_next


def test_number_and_kinh_gui_single_line_forms(reference_docx: Docx) -> None:
    # one recipient: "Kính gửi:" and the name on the same line (II.9.d)
    assert find(reference_docx, "Kính gửi:").text == "Kính gửi: Sở Thông tin và Truyền thông Quảng Trị"
