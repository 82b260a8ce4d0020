"""Công văn made by hand with python-docx, not by wfhdoc: material for testing the ND 30 checker.

`clean_letter()` builds a letter that follows Nghị định 30/2020/NĐ-CP (Phụ lục I, Mẫu 1.5) the
way a careful clerk would in Word: styles carry Times New Roman, the header is a borderless
two-column table, rules are empty paragraphs with a bottom border, the page number is a PAGE
field in the header with a different first page. Its geometry differs on purpose from
wfhdoc's own (margins 20/20/30/15 mm, other column widths, other spacing), so a checker that
only accepts wfhdoc's choices fails here.

`MUTATIONS` each plant exactly one defect in a clean letter; `NEUTRAL` change the letter in
ways the decree allows (other spellings, other ways to break a page, runs split anywhere), so
the checker's findings must not change. `libreoffice_roundtrip()` re-saves a letter with
LibreOffice: a letter written by another program.
"""

from __future__ import annotations

import io
import subprocess
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Pt, RGBColor, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

TNR = "Times New Roman"

# A4 portrait, margins top 20, bottom 20, left 30, right 15 mm (wfhdoc uses 25/20/35/20).
PAGE_W, PAGE_H = 11906, 16838
MARGINS = {"top": 1134, "bottom": 1134, "left": 1701, "right": 851}
TEXT_W = PAGE_W - MARGINS["left"] - MARGINS["right"]  # 9354 twips = 165 mm
HEADER_COLS = (3855, TEXT_W - 3855)  # 6.8 cm | 9.7 cm
SIGNATURE_COLS = (3600, TEXT_W - 3600)

PARENT = "UBND TỈNH HÀ TĨNH"
AGENCY = "SỞ TƯ PHÁP"
# Width of "SỞ TƯ PHÁP" at 13 pt bold Times New Roman: ~1565 twips (78 pt). The rule under it
# is 2/5 of that, centred in the column; the header table has no cell margins, so the rule is
# exactly column width minus the two indents however a reader counts cell margins.
AGENCY_WIDTH = 1565
AGENCY_RULE = AGENCY_WIDTH * 2 // 5
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TIEU_NGU_WIDTH = 3183  # 13 pt bold
NUMBER = "Số: 05/STP-VP"
SUBJECT = "V/v báo cáo tình hình làm việc tại nhà trong thời gian phòng, chống dịch Covid-19"
DATE = "Hà Tĩnh, ngày 07 tháng 4 năm 2020"
KINH_GUI = "Kính gửi: Sở Thông tin và Truyền thông"
RECIPIENTS = ["Sở Thông tin và Truyền thông", "Sở Nội vụ", "Văn phòng UBND tỉnh"]
KEM_THEO = "(Kèm theo Công văn số 05/STP-VP ngày 07/4/2020 của Sở Tư pháp)"
AUTHORITY = "KT. GIÁM ĐỐC"
TITLE = "PHÓ GIÁM ĐỐC"
SIGNER = "Trần Thị Lan"
NOI_NHAN = ["- Như trên;", "- Giám đốc Sở;", "- Lưu: VT, VP."]

BODY_FIRST = (
    "Sở Tư pháp nhận được Công văn số 249/STTTT-CNTT ngày 03/4/2020 của Sở Thông tin và Truyền "
    "thông về việc báo cáo tình hình cán bộ, công chức, viên chức làm việc tại nhà, làm việc qua "
    "môi trường mạng trong thời gian phòng, chống dịch Covid-19. Sở Tư pháp báo cáo như sau:"
)
BODY_MIDDLE = [
    "Thực hiện Chỉ thị số 16/CT-TTg ngày 31/3/2020 của Thủ tướng Chính phủ, từ ngày 01/4/2020 Sở "
    "đã bố trí công chức, viên chức làm việc tại nhà, chỉ duy trì tại cơ quan 01 lãnh đạo Sở, bộ "
    "phận văn thư và bộ phận một cửa theo lịch trực hằng ngày.",
    "Việc gửi, nhận văn bản được thực hiện hoàn toàn qua hệ thống quản lý văn bản và điều hành; "
    "100% văn bản đi của Sở được ký số; các cuộc họp giao ban được tổ chức qua hệ thống hội nghị "
    "truyền hình của tỉnh.",
]
BODY_LAST = "Sở Tư pháp báo cáo để Sở Thông tin và Truyền thông tổng hợp./."
# For the long letter: enough text for three pages at 14 pt.
BODY_LONG = [
    f"{n}. {text}"
    for n, text in enumerate(
        [
            "Về hạ tầng kỹ thuật: toàn bộ máy tính của công chức, viên chức được kết nối mạng diện "
            "rộng của tỉnh; Sở đã cấp tài khoản truy cập từ xa cho 32 công chức, viên chức để xử lý "
            "hồ sơ tại nhà, bảo đảm an toàn thông tin theo hướng dẫn của Sở Thông tin và Truyền "
            "thông; các thiết bị cá nhân dùng để làm việc được cài đặt phần mềm phòng, chống mã độc.",
            "Về giải quyết thủ tục hành chính: trong thời gian từ ngày 01/4/2020 đến ngày 06/4/2020, "
            "Sở đã tiếp nhận 126 hồ sơ, trong đó 98 hồ sơ nộp trực tuyến mức độ 3, 4; đã giải quyết "
            "đúng hạn 117 hồ sơ, không có hồ sơ quá hạn; kết quả được trả qua dịch vụ bưu chính "
            "công ích hoặc trên Cổng dịch vụ công của tỉnh theo yêu cầu của tổ chức, cá nhân.",
            "Về công tác lý lịch tư pháp: việc cấp Phiếu lý lịch tư pháp được thực hiện trực tuyến; "
            "công chức được phân công tra cứu, xác minh thông tin qua hệ thống cơ sở dữ liệu lý lịch "
            "tư pháp và trao đổi với cơ quan Công an tỉnh bằng văn bản điện tử có ký số.",
            "Về công tác hộ tịch: Sở đã hướng dẫn Phòng Tư pháp các huyện, thành phố, thị xã tạm dừng "
            "tổ chức đăng ký kết hôn tập trung, khuyến khích người dân nộp hồ sơ đăng ký khai sinh, "
            "khai tử qua Cổng dịch vụ công; các trường hợp cấp bách được giải quyết ngay trong ngày.",
            "Về công tác bổ trợ tư pháp: các tổ chức hành nghề công chứng, luật sư, đấu giá tài sản "
            "trên địa bàn tỉnh được đề nghị hạn chế tiếp xúc trực tiếp, sắp xếp lịch hẹn trước và "
            "thực hiện đầy đủ các biện pháp phòng dịch tại trụ sở theo khuyến cáo của ngành y tế.",
            "Về công tác phổ biến, giáo dục pháp luật: Sở đã biên soạn tài liệu hỏi, đáp về các quy "
            "định xử phạt vi phạm hành chính trong phòng, chống dịch bệnh, đăng tải trên Trang "
            "thông tin điện tử của Sở và chuyển đến các Báo cáo viên pháp luật của tỉnh.",
            "Về khó khăn, vướng mắc: một số công chức chưa có máy tính cá nhân đủ cấu hình để làm "
            "việc tại nhà; đường truyền tại một số xã miền núi chưa ổn định; một số hồ sơ giấy "
            "vẫn phải xử lý tại cơ quan do chưa được số hóa.",
            "Về đề xuất, kiến nghị: đề nghị Sở Thông tin và Truyền thông hỗ trợ mở rộng dung lượng "
            "hộp thư điện tử công vụ, hướng dẫn kết nối an toàn từ xa và tổ chức tập huấn kỹ năng "
            "sử dụng hệ thống hội nghị truyền hình cho công chức phụ trách văn phòng các sở, ngành.",
            "Về kế hoạch thời gian tới: Sở tiếp tục duy trì hình thức làm việc tại nhà đối với "
            "công chức, viên chức không trực tiếp tiếp nhận hồ sơ, tăng cường kiểm tra, đôn đốc "
            "qua hệ thống quản lý văn bản và điều hành, bảo đảm hoạt động của Sở không bị gián đoạn.",
        ],
        start=1,
    )
]
APPENDIX_REFERENCE = "Số liệu chi tiết về từng phòng, đơn vị thuộc Sở tại {where} kèm theo Công văn này."
APPENDIX_TITLES = [
    "TÌNH HÌNH CÔNG CHỨC, VIÊN CHỨC LÀM VIỆC TẠI NHÀ",
    "CÁC ỨNG DỤNG CÔNG NGHỆ THÔNG TIN ĐANG SỬ DỤNG",
]
ROMAN = ["I", "II"]


# --------------------------------------------------------------------------- low-level helpers


def _set_fonts(rpr: Any, name: str = TNR) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):  # asciiTheme ... and w:cstheme
            del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), name)


def _setup_styles(doc: Document) -> None:
    """Times New Roman 14 everywhere by style; no theme fonts in the document defaults."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _set_fonts(rpr)
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is not None:
            el.set(qn("w:val"), "28")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
    normal = doc.styles["Normal"]
    normal.font.name = TNR
    normal.font.size = Pt(14)
    _set_fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0


def _page_setup(section: Section) -> None:
    section.page_width = Twips(PAGE_W)
    section.page_height = Twips(PAGE_H)
    section.top_margin = Twips(MARGINS["top"])
    section.bottom_margin = Twips(MARGINS["bottom"])
    section.left_margin = Twips(MARGINS["left"])
    section.right_margin = Twips(MARGINS["right"])
    section.header_distance = Twips(567)
    section.footer_distance = Twips(567)


def _add_para(
    where: Document | _Cell | Any,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float = 0,
    after: float = 0,
    reuse_first: bool = False,
) -> Paragraph:
    """A paragraph with one run; in a fresh table cell, `reuse_first` fills its empty paragraph."""
    p = where.paragraphs[0] if reuse_first else where.add_paragraph()
    if text:
        run = p.add_run(text)
        if size is not None:
            run.font.size = Pt(size)
        if bold:
            run.font.bold = True
        if italic:
            run.font.italic = True
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_before = Pt(before)
    p.paragraph_format.space_after = Pt(after)
    return p


# what may follow w:pBdr in w:pPr (CT_PPr's sequence)
_PBDR_SUCCESSORS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def set_bottom_border(p: Paragraph) -> None:
    ppr = p._p.get_or_add_pPr()
    old = ppr.find(qn("w:pBdr"))
    if old is not None:
        ppr.remove(old)
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        bottom.set(qn(f"w:{key}"), value)
    bdr.append(bottom)
    ppr.insert_element_before(bdr, *_PBDR_SUCCESSORS)


def remove_border(p: Paragraph) -> None:
    ppr = p._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is not None:
        ppr.remove(bdr)


def _rule(cell: _Cell, width: int, line: int) -> Paragraph:
    """An empty paragraph with a bottom border `line` twips long, centred in a `width` column."""
    p = _add_para(cell, align=WD_ALIGN_PARAGRAPH.CENTER)
    indent = (width - line) // 2
    p.paragraph_format.left_indent = Twips(indent)
    p.paragraph_format.right_indent = Twips(indent)
    p.paragraph_format.line_spacing = Pt(5)  # exact: the rule sits close under the text
    set_bottom_border(p)
    return p


def _fix_table(table: Table, widths: tuple[int, ...], *, no_cell_margins: bool) -> None:
    """Fixed column widths, no borders (and, for the header, no cell margins)."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(sum(widths)))
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
    if no_cell_margins:
        mar = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), "0")
            el.set(qn("w:type"), "dxa")
            mar.append(el)
        tblpr.insert_element_before(mar, "w:tblLook")
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Twips(width)
        for cell in col.cells:
            cell.width = Twips(width)


def _page_field(p: Paragraph, size: float = 14) -> None:
    """A PAGE field as Word writes it: begin, instruction, separate, cached result, end."""

    def run(child: Any) -> None:
        r = p.add_run()
        r.font.size = Pt(size)
        r._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE   \\* MERGEFORMAT "
    run(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run(sep)
    result = p.add_run("2")
    result.font.size = Pt(size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run(end)


def clear_paragraph(p: Paragraph) -> None:
    for child in list(p._p):
        if child.tag != qn("w:pPr"):
            p._p.remove(child)


# --------------------------------------------------------------------------- the letter


def clean_letter(*, long: bool = False, appendices: int = 0, recipients: int = 1) -> Document:
    """A correct công văn of Sở Tư pháp tỉnh Hà Tĩnh (Mẫu 1.5), made with python-docx only.

    long: nine more body paragraphs (three pages, so the page number matters);
    appendices: 0, 1 ("Phụ lục") or 2 ("Phụ lục I", "Phụ lục II"), each in its own section;
    recipients: 1 ("Kính gửi: X" on one line) or more (a line per recipient).
    """
    doc = docx.Document()
    _setup_styles(doc)
    section = doc.sections[0]
    _page_setup(section)

    # Header: a borderless table, agency block on the left, quốc hiệu block on the right.
    # python-docx starts a document with no paragraph, so the table is the first thing.
    header = doc.add_table(rows=1, cols=2)
    _fix_table(header, HEADER_COLS, no_cell_margins=True)
    left, right = header.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    _add_para(left, PARENT, size=13, align=center, reuse_first=True)
    _add_para(left, AGENCY, size=13, bold=True, align=center)
    _rule(left, HEADER_COLS[0], AGENCY_RULE)
    _add_para(left, NUMBER, size=13, align=center, before=6)
    _add_para(left, SUBJECT, size=12, align=center, before=6)
    _add_para(right, QUOC_HIEU, size=12, bold=True, align=center, reuse_first=True)
    _add_para(right, TIEU_NGU, size=13, bold=True, align=center)
    _rule(right, HEADER_COLS[1], TIEU_NGU_WIDTH)
    _add_para(right, DATE, size=14, italic=True, align=center, before=6)

    # Kính gửi
    if recipients == 1:
        _add_para(doc, KINH_GUI, align=center, before=12, after=6)
    else:
        p = _add_para(doc, "Kính gửi:", before=12)
        p.paragraph_format.first_line_indent = Twips(1985)
        names = RECIPIENTS[:recipients]
        for i, name in enumerate(names):
            end = "." if i == len(names) - 1 else ";"
            item = _add_para(doc, f"- {name}{end}", after=6 if end == "." else 0)
            item.paragraph_format.left_indent = Twips(2985)

    # Body: 14 pt (from Normal), justified, first line 1.27 cm, 6 pt before, single spacing.
    body = [BODY_FIRST, *BODY_MIDDLE]
    if long:
        body += BODY_LONG
    if appendices:
        where = "Phụ lục" if appendices == 1 else "Phụ lục I và Phụ lục II"
        body.append(APPENDIX_REFERENCE.format(where=where))
    body.append(BODY_LAST)
    for text in body:
        p = _add_para(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6)
        p.paragraph_format.first_line_indent = Twips(720)
        p.paragraph_format.line_spacing = 1.0
    _add_para(doc)  # an empty line before the signature block, as clerks type it

    # Signature block: Nơi nhận on the left, authority, title and name on the right.
    sign = doc.add_table(rows=1, cols=2)
    _fix_table(sign, SIGNATURE_COLS, no_cell_margins=False)
    left, right = sign.rows[0].cells
    _add_para(left, "Nơi nhận:", size=12, bold=True, italic=True, reuse_first=True)
    for item in NOI_NHAN:
        _add_para(left, item, size=11)
    _add_para(right, AUTHORITY, size=14, bold=True, align=center, reuse_first=True)
    _add_para(right, TITLE, size=14, bold=True, align=center)
    for _ in range(4):
        _add_para(right, align=center)
    _add_para(right, SIGNER, size=14, bold=True, align=center)

    # Page numbers: centred in the header, 14 pt, not on page 1.
    section.different_first_page_header_footer = True
    section.header.is_linked_to_previous = False
    number = section.header.paragraphs[0]
    number.alignment = center
    _page_field(number)
    section.first_page_header.is_linked_to_previous = False

    for i in range(appendices):
        _add_appendix(doc, i, appendices)
    return doc


def _add_appendix(doc: Document, index: int, count: int) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    num = section._sectPr.find(qn("w:pgNumType"))
    if num is None:
        num = OxmlElement("w:pgNumType")
        section._sectPr.insert_element_before(num, "w:cols", "w:formProt", "w:vAlign", "w:titlePg")
    num.set(qn("w:start"), "1")  # "Số trang của Phụ lục được đánh số riêng theo từng Phụ lục"
    center = WD_ALIGN_PARAGRAPH.CENTER
    heading = "Phụ lục" if count == 1 else f"Phụ lục {ROMAN[index]}"
    _add_para(doc, heading, size=14, bold=True, align=center)
    _add_para(doc, APPENDIX_TITLES[index], size=14, bold=True, align=center)
    _add_para(doc, KEM_THEO, size=14, italic=True, align=center)
    rule = _add_para(doc, align=center)
    rule.paragraph_format.left_indent = Twips(3300)
    rule.paragraph_format.right_indent = Twips(3300)
    rule.paragraph_format.line_spacing = Pt(5)
    set_bottom_border(rule)
    for text in (
        "Tổng hợp theo báo cáo của các phòng, đơn vị thuộc Sở đến ngày 06/4/2020.",
        "Các số liệu dưới đây tính cả công chức, viên chức đang nghỉ phép hoặc đi công tác.",
    ):
        p = _add_para(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6)
        p.paragraph_format.first_line_indent = Twips(720)
    _add_para(doc)
    rows = [
        ("STT", "Phòng, đơn vị", "Số người", "Làm việc tại nhà"),
        ("1", "Văn phòng Sở", "12", "8"),
        ("2", "Phòng Hành chính tư pháp", "7", "6"),
        ("3", "Trung tâm Trợ giúp pháp lý nhà nước", "15", "11"),
    ]
    table = doc.add_table(rows=len(rows), cols=4)
    table.style = doc.styles["Table Grid"]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            _add_para(
                cell,
                value,
                size=13,
                bold=r == 0,
                align=center if c != 1 or r == 0 else None,
                reuse_first=True,
            )
    _add_para(doc)


# --------------------------------------------------------------------------- saving


def to_bytes(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def replace_in_part(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """The same .docx with `old` replaced by `new` (once) in one part's raw XML."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == part:
                assert old in content, f"{old!r} not in {part}"
                content = content.replace(old, new, 1)
            dst.writestr(info, content)
    return out.getvalue()


def libreoffice_roundtrip(sources: list[Path], outdir: Path, soffice: str = "soffice") -> list[Path]:
    """Re-save .docx files with LibreOffice (Writer's own Word export) into `outdir`."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"  # a private profile: other soffice runs may be going on
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(outdir),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    out = [outdir / s.name for s in sources]
    for path in out:
        assert path.exists(), f"LibreOffice wrote no {path}"
    return out


# --------------------------------------------------------------------------- finding things


def paragraphs(doc: Document) -> list[Paragraph]:
    """Every paragraph of the main text, tables included, in document order."""
    return [Paragraph(p, doc._body) for p in doc.element.body.iter(qn("w:p"))]


def find(doc: Document, prefix: str) -> Paragraph:
    hits = [p for p in paragraphs(doc) if p.text.startswith(prefix)]
    assert len(hits) == 1, f"{len(hits)} paragraphs start with {prefix!r}"
    return hits[0]


def after(p: Paragraph) -> Paragraph:
    nxt = p._p.getnext()
    assert nxt is not None and nxt.tag == qn("w:p")
    return Paragraph(nxt, p._parent)


def body_paragraphs(doc: Document) -> list[Paragraph]:
    """The body: the top-level paragraphs with text after Kính gửi (and its recipients), up to
    the signature table."""
    out: list[Paragraph] = []
    started = False
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:tbl") and started:
            break
        if el.tag != qn("w:p"):
            continue
        p = Paragraph(el, doc._body)
        if p.text.startswith("Kính gửi"):
            started = True
        elif started and p.text.strip() and not p.text.startswith("- "):
            out.append(p)
    return out


def retext(p: Paragraph, text: str) -> None:
    """Replace a paragraph's text, keeping its first run's formatting."""
    runs = p.runs
    runs[0].text = text
    for r in runs[1:]:
        r._r.getparent().remove(r._r)


def runs_of(ps: Paragraph | list[Paragraph]) -> Iterator[Any]:
    for p in ps if isinstance(ps, list) else [ps]:
        yield from p.runs


def split_runs(p: Paragraph, sizes: tuple[int, ...] = (1, 3, 2, 4)) -> None:
    """Cut every text run of `p` into runs of a few characters, with the proofing marks and
    bookmarks Word leaves between runs. What a reader sees does not change."""
    for r in list(p._p.iterchildren(qn("w:r"))):
        kids = [c for c in r if c.tag != qn("w:rPr")]
        if len(kids) != 1 or kids[0].tag != qn("w:t"):
            continue  # fields, breaks, tabs: leave them
        text = kids[0].text or ""
        rpr = r.find(qn("w:rPr"))
        pos, k = 0, 0
        while pos < len(text):
            chunk = text[pos : pos + sizes[k % len(sizes)]]
            pos += len(chunk)
            new = OxmlElement("w:r")
            if rpr is not None:
                new.append(deepcopy(rpr))
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = chunk
            new.append(t)
            r.addprevious(new)
            if k % 3 == 0:
                mark = OxmlElement("w:proofErr")
                mark.set(qn("w:type"), "spellStart" if k % 2 == 0 else "spellEnd")
                r.addprevious(mark)
            if k == 5:
                start = OxmlElement("w:bookmarkStart")
                start.set(qn("w:id"), "77")
                start.set(qn("w:name"), "_GoBack")
                r.addprevious(start)
                end = OxmlElement("w:bookmarkEnd")
                end.set(qn("w:id"), "77")
                r.addprevious(end)
            k += 1
        r.getparent().remove(r)


def split_all(doc: Document) -> None:
    for p in paragraphs(doc):
        split_runs(p)


def split_body_and_date(doc: Document) -> None:
    split_runs(body_paragraphs(doc)[1])
    split_runs(find(doc, "Hà Tĩnh"))


# --------------------------------------------------------------------------- mutations


@dataclass(frozen=True)
class Variant:
    """A clean letter (built with `base`) changed by `apply`, then `post` on the saved bytes."""

    name: str
    apply: Callable[[Document], None]
    base: dict[str, Any] = field(default_factory=dict)
    post: Callable[[bytes], bytes] | None = None

    def document(self) -> Document:
        doc = clean_letter(**self.base)
        self.apply(doc)
        return doc

    def build(self) -> bytes:
        data = to_bytes(self.document())
        return self.post(data) if self.post else data


@dataclass(frozen=True)
class Mutation(Variant):
    """A variant with exactly one defect: the checker must report `rule` with `severity`."""

    rule: str = ""
    severity: str = "error"


def _size(p: Paragraph, pt: float) -> None:
    for r in p.runs:
        r.font.size = Pt(pt)


def _bold(p: Paragraph, on: bool | None) -> None:
    for r in p.runs:
        r.font.bold = on


def _italic(p: Paragraph, on: bool | None) -> None:
    for r in p.runs:
        r.font.italic = on


def _motto_rule(doc: Document) -> Paragraph:
    return after(find(doc, TIEU_NGU))


def _agency_rule(doc: Document) -> Paragraph:
    return after(find(doc, AGENCY))


def _text(prefix: str, text: str) -> Callable[[Document], None]:
    return lambda doc: retext(find(doc, prefix), text)


def _all_body(fn: Callable[[Paragraph], None]) -> Callable[[Document], None]:
    def apply(doc: Document) -> None:
        for p in body_paragraphs(doc):
            fn(p)

    return apply


def _margin_left(doc: Document) -> None:
    doc.sections[0].left_margin = Twips(1417)  # 25 mm


def _letter_size(doc: Document) -> None:
    doc.sections[0].page_width = Twips(12240)
    doc.sections[0].page_height = Twips(15840)


def _body_arial(doc: Document) -> None:
    for r in runs_of(body_paragraphs(doc)[1]):
        r.font.name = "Arial"


def _normal_style_arial(doc: Document) -> None:
    _set_fonts(doc.styles["Normal"].element.get_or_add_rPr(), "Arial")


def _theme_font(doc: Document) -> None:
    # Word's own default: the run points at the theme's minor font (Cambria in python-docx's
    # default theme), which wins over the explicit ascii/hAnsi names.
    for r in runs_of(body_paragraphs(doc)[2]):
        fonts = r._r.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:asciiTheme"), "minorHAnsi")
        fonts.set(qn("w:hAnsiTheme"), "minorHAnsi")


def _red(doc: Document) -> None:
    for r in runs_of(body_paragraphs(doc)[1]):
        r.font.color.rgb = RGBColor(0xFF, 0, 0)


def _motto_rule_removed(doc: Document) -> None:
    remove_border(_motto_rule(doc))


def _motto_underscores(doc: Document) -> None:
    rule = _motto_rule(doc)
    remove_border(rule)
    rule.paragraph_format.left_indent = Twips(0)
    rule.paragraph_format.right_indent = Twips(0)
    rule.paragraph_format.line_spacing = 1.0
    run = rule.add_run("_" * 24)
    run.font.size = Pt(13)
    run.font.bold = True


def _motto_border_on_motto(doc: Document) -> None:
    rule = _motto_rule(doc)
    rule._p.getparent().remove(rule._p)
    set_bottom_border(find(doc, TIEU_NGU))


def _agency_rule_removed(doc: Document) -> None:
    remove_border(_agency_rule(doc))


def _agency_rule_full(doc: Document) -> None:
    rule = _agency_rule(doc)
    indent = (HEADER_COLS[0] - AGENCY_WIDTH) // 2  # as long as the name itself
    rule.paragraph_format.left_indent = Twips(indent)
    rule.paragraph_format.right_indent = Twips(indent)


def _second_body(fn: Callable[[Paragraph], None]) -> Callable[[Document], None]:
    return lambda doc: fn(body_paragraphs(doc)[1])


def _no_space_before(p: Paragraph) -> None:
    p.paragraph_format.space_before = Pt(0)


def _space_after_instead(doc: Document) -> None:
    # 6 pt after the first paragraph and none before the second: still 6 pt between them.
    first, second = body_paragraphs(doc)[:2]
    first.paragraph_format.space_after = Pt(6)
    second.paragraph_format.space_before = Pt(0)


def _last_body(text_fn: Callable[[str], str]) -> Callable[[Document], None]:
    def apply(doc: Document) -> None:
        last = body_paragraphs(doc)[-1]
        retext(last, text_fn(last.text))

    return apply


def _remove(prefix: str) -> Callable[[Document], None]:
    def apply(doc: Document) -> None:
        p = find(doc, prefix)
        p._p.getparent().remove(p._p)

    return apply


def _page_number_in_footer(doc: Document) -> None:
    section = doc.sections[0]
    clear_paragraph(section.header.paragraphs[0])
    section.footer.is_linked_to_previous = False
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(foot)
    section.first_page_footer.is_linked_to_previous = False


def _page_number_removed(doc: Document) -> None:
    clear_paragraph(doc.sections[0].header.paragraphs[0])


def _page_number_on_page_one(doc: Document) -> None:
    doc.sections[0].different_first_page_header_footer = False


def _page_number_left(doc: Document) -> None:
    doc.sections[0].header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT


def _appendix_break_paragraph(doc: Document) -> Paragraph:
    """The empty paragraph that holds the section break ending Phụ lục I."""
    heading = find(doc, "Phụ lục II")
    prev = heading._p.getprevious()
    assert prev is not None and prev.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    return Paragraph(prev, heading._parent)


def _appendix_no_break(doc: Document) -> None:
    brk = _appendix_break_paragraph(doc)
    brk._p.pPr.remove(brk._p.pPr.find(qn("w:sectPr")))


def _appendix_page_break(doc: Document) -> None:
    # the section break becomes a page break (one section for both appendices)
    brk = _appendix_break_paragraph(doc)
    brk._p.pPr.remove(brk._p.pPr.find(qn("w:sectPr")))
    brk.add_run().add_break(WD_BREAK.PAGE)


def _appendix_page_break_before(doc: Document) -> None:
    brk = _appendix_break_paragraph(doc)
    brk._p.pPr.remove(brk._p.pPr.find(qn("w:sectPr")))
    find(doc, "Phụ lục II").paragraph_format.page_break_before = True


def _appendix_arabic(doc: Document) -> None:
    retext(_exact(doc, "Phụ lục I"), "Phụ lục 1")
    retext(_exact(doc, "Phụ lục II"), "Phụ lục 2")


def _exact(doc: Document, text: str) -> Paragraph:
    hits = [p for p in paragraphs(doc) if p.text == text]
    assert len(hits) == 1, f"{len(hits)} paragraphs read {text!r}"
    return hits[0]


def _nfd(doc: Document) -> None:
    p = body_paragraphs(doc)[1]
    retext(p, unicodedata.normalize("NFD", p.text))


VT_MARK = "\u27e6VT\u27e7"


def _vt_mark(doc: Document) -> None:
    p = body_paragraphs(doc)[2]
    retext(p, p.text.replace("hệ thống quản lý", f"hệ thống{VT_MARK}quản lý", 1))


def _vt_post(data: bytes) -> bytes:
    # A raw vertical tab inside w:t: Word's manual line break pasted from elsewhere. Not even
    # legal XML 1.0, which is why python-docx cannot write it and a reader must cope.
    return replace_in_part(data, "word/document.xml", VT_MARK.encode(), b"\x0b")


def _tag(tag: str) -> Callable[[Document], None]:
    def apply(doc: Document) -> None:
        p = body_paragraphs(doc)[2]
        retext(p, p.text.replace("Sở được ký số", f"Sở được ký số {tag}", 1))

    return apply


def _noi_nhan_13(doc: Document) -> None:
    for item in NOI_NHAN:
        _size(find(doc, item), 13)


def _body_style(doc: Document) -> None:
    # The body's layout from a paragraph style, nothing set on the paragraphs themselves.
    style = doc.styles.add_style("Noi dung", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    fmt = style.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Twips(720)
    fmt.space_before = Pt(6)
    for p in body_paragraphs(doc):
        p.style = style
        p.paragraph_format.alignment = None
        p.paragraph_format.first_line_indent = None
        p.paragraph_format.space_before = None
        p.paragraph_format.space_after = None
        p.paragraph_format.line_spacing = None


def _page_field_simple(doc: Document) -> None:
    # PAGE as a simple field, as some programs write it
    p = doc.sections[0].header.paragraphs[0]
    clear_paragraph(p)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), " PAGE ")
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "28")
    rpr.append(sz)
    r.append(rpr)
    t = OxmlElement("w:t")
    t.text = "2"
    r.append(t)
    fld.append(r)
    p._p.append(fld)


def _appendix_landscape(doc: Document) -> None:
    # "either orientation": a wide table may be laid out on a landscape A4 page
    section = doc.sections[-1]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Twips(PAGE_H), Twips(PAGE_W)


def _doc_defaults_theme(doc: Document) -> None:
    # Word's blank document: the defaults point at the theme (Cambria here), Normal names no font
    rpr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = rpr.find(qn("w:rFonts"))
    for slot in ("ascii", "hAnsi"):
        del fonts.attrib[qn(f"w:{slot}")]
        fonts.set(qn(f"w:{slot}Theme"), "minorHAnsi")
    normal = doc.styles["Normal"].element.rPr
    normal.remove(normal.find(qn("w:rFonts")))


def _character_style_arial(doc: Document) -> None:
    style = doc.styles.add_style("Chu nhan manh", WD_STYLE_TYPE.CHARACTER)
    style.font.name = "Arial"
    for r in runs_of(body_paragraphs(doc)[1]):
        r.style = style


def _page_number_in_first_header(doc: Document) -> None:
    # different first page is on, but the first page's own header shows the number too
    first = doc.sections[0].first_page_header.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(first)


def _caps_attr(doc: Document) -> None:
    p = find(doc, QUOC_HIEU)
    retext(p, "Cộng hòa xã hội chủ nghĩa Việt Nam")
    for r in p.runs:
        r.font.all_caps = True


def _small_caps(prefix: str, typed: str) -> Callable[[Document], None]:
    """The line typed in lower case and shown in small capitals (Format > Font > Small caps)."""

    def apply(doc: Document) -> None:
        p = find(doc, prefix)
        retext(p, typed)
        for r in p.runs:
            r.font.small_caps = True

    return apply


M = Mutation
MUTATIONS: list[Mutation] = [
    # page
    M("margin_left_25mm", _margin_left, rule="page.margins"),
    M("page_letter_size", _letter_size, rule="page.size"),
    # fonts
    M("body_font_arial", _body_arial, rule="font.name"),
    M("body_font_by_character_style", _character_style_arial, rule="font.name"),
    M("doc_defaults_theme_font", _doc_defaults_theme, rule="font.name"),
    M("normal_style_arial", _normal_style_arial, rule="font.name"),
    M("run_theme_font", _theme_font, rule="font.name"),
    M("body_text_red", _red, rule="font.color"),
    # quốc hiệu, tiêu ngữ
    M("quoc_hieu_missing", _remove(QUOC_HIEU), rule="quoc_hieu.missing"),
    M("quoc_hieu_14pt", lambda d: _size(find(d, QUOC_HIEU), 14), rule="quoc_hieu.format"),
    M("quoc_hieu_not_bold", lambda d: _bold(find(d, QUOC_HIEU), False), rule="quoc_hieu.format"),
    M("tieu_ngu_en_dashes", _text(TIEU_NGU, "Độc lập – Tự do – Hạnh phúc"), rule="tieu_ngu.dash"),
    M("tieu_ngu_no_spaces", _text(TIEU_NGU, "Độc lập-Tự do-Hạnh phúc"), rule="tieu_ngu.text"),
    M("tieu_ngu_not_bold", lambda d: _bold(find(d, TIEU_NGU), False), rule="tieu_ngu.format"),
    M("tieu_ngu_12pt", lambda d: _size(find(d, TIEU_NGU), 12), rule="tieu_ngu.format"),
    M("tieu_ngu_rule_removed", _motto_rule_removed, rule="tieu_ngu.rule"),
    # agency
    M("agency_not_bold", lambda d: _bold(find(d, AGENCY), False), rule="issuer.format"),
    M("agency_14pt", lambda d: _size(find(d, AGENCY), 14), rule="issuer.format"),
    M("parent_agency_14pt", lambda d: _size(find(d, PARENT), 14), rule="issuer.parent_format"),
    M("agency_rule_removed", _agency_rule_removed, rule="issuer.rule"),
    M("agency_rule_as_long_as_name", _agency_rule_full, rule="issuer.rule_length", severity="warning"),
    # số, ký hiệu
    M(
        "number_space_before_slash",
        _text("Số:", "Số: 451 /STP-VP"),
        rule="number.spacing",
        severity="warning",
    ),
    M("number_spaces_around_dash", _text("Số:", "Số: 05/STP - VP"), rule="number.format"),
    M("number_no_leading_zero", _text("Số:", "Số: 5/STP-VP"), rule="number.format"),
    M("number_no_colon", _text("Số:", "Số 05/STP-VP"), rule="number.format"),
    M("number_14pt", lambda d: _size(find(d, "Số:"), 14), rule="number.size"),
    # date
    M("date_month_04", _text("Hà Tĩnh", "Hà Tĩnh, ngày 07 tháng 04 năm 2020"), rule="date.format"),
    M("date_day_7", _text("Hà Tĩnh", "Hà Tĩnh, ngày 7 tháng 4 năm 2020"), rule="date.format"),
    M("date_january_1", _text("Hà Tĩnh", "Hà Tĩnh, ngày 07 tháng 1 năm 2020"), rule="date.format"),
    M("date_no_comma", _text("Hà Tĩnh", "Hà Tĩnh ngày 07 tháng 4 năm 2020"), rule="date.comma"),
    M("date_not_italic", lambda d: _italic(find(d, "Hà Tĩnh"), False), rule="date.style"),
    M("date_12pt", lambda d: _size(find(d, "Hà Tĩnh"), 12), rule="date.style"),
    # Kính gửi
    M(
        "kinh_gui_no_colon",
        _text("Kính gửi", "Kính gửi Sở Thông tin và Truyền thông"),
        rule="recipients.format",
    ),
    M(
        "kinh_gui_item_no_semicolon",
        _text("- Sở Nội vụ;", "- Sở Nội vụ"),
        base={"recipients": 3},
        rule="recipients.format",
    ),
    M(
        "kinh_gui_last_item_semicolon",
        _text("- Văn phòng UBND tỉnh.", "- Văn phòng UBND tỉnh;"),
        base={"recipients": 3},
        rule="recipients.format",
    ),
    M("kinh_gui_bold", lambda d: _bold(find(d, "Kính gửi"), True), rule="recipients.style"),
    M(
        "kinh_gui_recipient_italic",
        lambda d: _italic(find(d, "- Sở Nội vụ;"), True),
        base={"recipients": 3},
        rule="recipients.style",
    ),
    # body
    M(
        "body_left_aligned",
        _all_body(lambda p: setattr(p, "alignment", WD_ALIGN_PARAGRAPH.LEFT)),
        rule="body.alignment",
    ),
    M("body_no_space_between", _second_body(_no_space_before), rule="body.spacing"),
    M(
        "body_line_spacing_double",
        _all_body(lambda p: setattr(p.paragraph_format, "line_spacing", 2.0)),
        rule="body.line_spacing",
    ),
    M(
        "body_line_spacing_0_8",
        _second_body(lambda p: setattr(p.paragraph_format, "line_spacing", 0.8)),
        rule="body.line_spacing",
    ),
    M("body_12pt", _all_body(lambda p: _size(p, 12)), rule="body.size"),
    M(
        "body_no_first_line_indent",
        _all_body(lambda p: setattr(p.paragraph_format, "first_line_indent", Twips(0))),
        rule="body.indent",
    ),
    M(
        "body_no_closing_mark",
        _last_body(lambda t: t.removesuffix("/.")),
        rule="body.closing",
        severity="warning",
    ),
    # signature
    M("authority_no_space", _text(AUTHORITY, "KT.GIÁM ĐỐC"), rule="authority.format"),
    M("title_not_bold", lambda d: _bold(find(d, TITLE), False), rule="authority.format"),
    M("signer_not_bold", lambda d: _bold(find(d, SIGNER), False), rule="signer.format"),
    M("signer_12pt", lambda d: _size(find(d, SIGNER), 12), rule="signer.format"),
    # Nơi nhận
    M("noi_nhan_no_colon", _text("Nơi nhận", "Nơi nhận"), rule="cc.heading"),
    M("noi_nhan_not_italic", lambda d: _italic(find(d, "Nơi nhận"), False), rule="cc.heading"),
    M("noi_nhan_luu_no_colon", _text("- Lưu", "- Lưu VT, VP."), rule="cc.list"),
    M("noi_nhan_item_no_semicolon", _text("- Giám đốc Sở;", "- Giám đốc Sở"), rule="cc.list"),
    M("noi_nhan_list_13pt", _noi_nhan_13, rule="cc.list"),
    M("noi_nhan_no_nhu_tren", _remove("- Như trên;"), rule="cc.nhu_tren"),
    # page numbers
    M("page_number_in_footer", _page_number_in_footer, base={"long": True}, rule="page_number.place"),
    M("page_number_left", _page_number_left, base={"long": True}, rule="page_number.place"),
    M("page_number_missing", _page_number_removed, base={"long": True}, rule="page_number.missing"),
    M("page_number_on_page_1", _page_number_on_page_one, rule="page_number.first_page"),
    M("page_number_in_first_page_header", _page_number_in_first_header, rule="page_number.first_page"),
    # phụ lục
    M("appendix_same_page", _appendix_no_break, base={"appendices": 2}, rule="appendix.new_page"),
    M("appendix_arabic_numbers", _appendix_arabic, base={"appendices": 2}, rule="appendix.numbering"),
    M(
        "appendix_heading_not_bold",
        lambda d: _bold(_exact(d, "Phụ lục"), False),
        base={"appendices": 1},
        rule="appendix.format",
    ),
    M(
        "appendix_title_not_capitals",
        _text(APPENDIX_TITLES[0], "Tình hình công chức, viên chức làm việc tại nhà"),
        base={"appendices": 1},
        rule="appendix.title",
    ),
    M(
        "appendix_kem_theo_upright",
        lambda d: _italic(find(d, "(Kèm theo"), False),
        base={"appendices": 1},
        rule="appendix.kem_theo",
    ),
    # text
    M("body_text_nfd", _nfd, rule="text.nfc"),
    M("vertical_tab_in_text", _vt_mark, post=_vt_post, rule="text.control"),
    M("leftover_variable_tag", _tag("{{ name }}"), rule="template.tags"),
    M("leftover_block_tag", _tag("{% if urgent %}"), rule="template.tags"),
]

# Changes the decree allows: the findings must stay those of the clean letter they start from.
NEUTRAL: list[Variant] = [
    Variant("split_runs_body_and_date", split_body_and_date),
    Variant("split_runs_everywhere", split_all),
    Variant("split_runs_long_with_appendices", split_all, base={"long": True, "appendices": 2}),
    Variant("quoc_hieu_hoa_spelling", _text(QUOC_HIEU, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")),
    Variant("quoc_hieu_caps_by_formatting", _caps_attr),
    # small capitals show lower-case letters as capitals: a reader reads capitals (w:smallCaps)
    Variant("quoc_hieu_small_caps", _small_caps(QUOC_HIEU, "Cộng hòa xã hội chủ nghĩa Việt Nam")),
    Variant("agency_small_caps", _small_caps(AGENCY, AGENCY.capitalize())),
    Variant("date_february_padded", _text("Hà Tĩnh", "Hà Tĩnh, ngày 07 tháng 02 năm 2020")),
    Variant("date_day_two_digits", _text("Hà Tĩnh", "Hà Tĩnh, ngày 17 tháng 12 năm 2020")),
    Variant("body_space_after_instead_of_before", _space_after_instead),
    Variant(
        "body_indent_1cm",
        _all_body(lambda p: setattr(p.paragraph_format, "first_line_indent", Twips(567))),
    ),
    Variant("body_line_spacing_1_5", _all_body(lambda p: setattr(p.paragraph_format, "line_spacing", 1.5))),
    Variant("tieu_ngu_border_on_the_motto", _motto_border_on_motto),
    # the decree's own files type the lines with underscores (Mục II.1.b asks a line, not how)
    Variant("tieu_ngu_rule_underscores", _motto_underscores),
    Variant("number_blank_for_the_number", _text("Số:", "Số:       /STP-VP")),
    Variant("body_layout_from_a_style", _body_style),
    Variant("page_number_simple_field", _page_field_simple, base={"long": True}),
    Variant("appendix_landscape", _appendix_landscape, base={"appendices": 1}),
    Variant("appendix_page_break", _appendix_page_break, base={"appendices": 2}),
    Variant("appendix_page_break_before", _appendix_page_break_before, base={"appendices": 2}),
]
