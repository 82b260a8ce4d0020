"""Công văn made the way Word users make them, with python-docx: named paragraph styles for each
element, a table style for the header, character styles, Shift+Enter line breaks in a cell, Word
lists for Nơi nhận, and the lines under the agency and the Tiêu ngữ drawn each way real files
draw them. Unlike handmade.py (direct formatting on every run, one paragraph per element), the
formatting here comes from the style hierarchy, so the checker must resolve it as Word does.

`letter(line=..., breaks=..., defect=...)` builds one letter; DEFECTS plants one defect of each
class issue 13 names, each with the exact rule ids the checker must report.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

TNR = "Times New Roman"
LINES = ("underscores", "border_below", "border_top", "shape", "vml", "underline")
COLS = (3855, 5499)
# "SỞ Y TẾ" at 13 pt bold is about 1000 twips wide: the line under it 2/5 of that
AGENCY_RULE = 420
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

# element -> (size, bold, italic, alignment); the styles a careful clerk defines once
STYLES: dict[str, tuple[float, bool, bool, str]] = {
    "Chu quan": (13, False, False, "center"),
    "Co quan": (13, True, False, "center"),
    "So ky hieu": (13, False, False, "center"),
    "Trich yeu": (12, False, False, "center"),
    "Quoc hieu": (12, True, False, "center"),
    "Tieu ngu": (13, True, False, "center"),
    "Ngay thang": (14, False, True, "center"),
    "Kinh gui": (14, False, False, "center"),
    "Noi dung": (14, False, False, "both"),
    "Noi nhan": (12, True, True, "left"),
    "DS noi nhan": (11, False, False, "left"),
    "Chuc vu": (14, True, False, "center"),
    "Nguoi ky": (14, True, False, "center"),
    "Phu luc": (14, True, False, "center"),
    "Ten phu luc": (14, True, False, "center"),
}
_ALIGN = {
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
}
BODY = [
    "Thực hiện Công văn số 249/STTTT-CNTT ngày 03/4/2020 của Sở Thông tin và Truyền thông, Sở Y tế "
    "báo cáo tình hình làm việc tại nhà của công chức, viên chức như sau:",
    "Từ ngày 01/4/2020, Sở bố trí công chức làm việc tại nhà; văn bản đi được ký số và gửi qua hệ thống "
    "quản lý văn bản và điều hành của tỉnh.",
    "Sở Y tế báo cáo để Sở Thông tin và Truyền thông tổng hợp./.",
]


def _styles(doc: Document) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = TNR, Pt(14)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        rfonts.set(qn(f"w:{slot}"), TNR)
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme"):
            del rfonts.attrib[attr]
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    dfonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    for attr in list(dfonts.attrib):
        del dfonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        dfonts.set(qn(f"w:{slot}"), TNR)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
    for name, (size, bold, italic, align) in STYLES.items():
        st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        st.font.size, st.font.bold, st.font.italic = Pt(size), bold or None, italic or None
        st.paragraph_format.alignment = _ALIGN[align]
    body = doc.styles["Noi dung"].paragraph_format
    body.first_line_indent, body.space_before = Twips(567), Pt(6)
    strong = doc.styles.add_style("Nhan manh", WD_STYLE_TYPE.CHARACTER)
    strong.font.bold = True
    # the header's table style: no borders, cells without margins; its first column italic when
    # the table's look turns the first column on (the "table style" defect)
    grid = doc.styles.add_style("Bang tieu de", WD_STYLE_TYPE.TABLE)
    grid.element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}><w:tblBorders>"
            + "".join(
                f'<w:{s} w:val="nil"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + '</w:tblBorders><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
    )
    grid.element.append(
        parse_xml(f'<w:tblStylePr {nsdecls("w")} w:type="firstCol"><w:rPr><w:i/></w:rPr></w:tblStylePr>')
    )


def _table(doc: Document, widths: tuple[int, ...], *, first_col: bool = False, rows: int = 1) -> Table:
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = doc.styles["Bang tieu de"]
    tblpr = table._tbl.tblPr
    look = tblpr.find(qn("w:tblLook"))
    if look is None:
        look = parse_xml(f"<w:tblLook {nsdecls('w')}/>")
        tblpr.append(look)
    for attr in list(look.attrib):
        del look.attrib[attr]
    # as Word writes it: the bits in w:val (all LibreOffice reads) and each flag
    look.set(qn("w:val"), "0680" if first_col else "0600")
    for attr, value in (("firstRow", "0"), ("lastRow", "0"), ("firstColumn", "1" if first_col else "0"),
                        ("lastColumn", "0"), ("noHBand", "1"), ("noVBand", "1")):  # fmt: skip
        look.set(qn(f"w:{attr}"), value)
    for grid_col, width in zip(table._tbl.tblGrid.iterchildren(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(width))
    for col, width in zip(table.columns, widths, strict=True):
        for cell in col.cells:
            cell.width = Twips(width)
    made: Table = table
    return made


def _p(where: Document | _Cell, style: str, text: str = "", *, first: bool = False) -> Paragraph:
    p = where.paragraphs[0] if first else where.add_paragraph()
    p.style = style  # python-docx looks the style up by its name
    if text:
        p.add_run(text)
    return p


def _broken(p: Paragraph, lines: list[tuple[str, dict[str, object]]]) -> None:
    """One paragraph with its lines separated by Shift+Enter, each line's run formatted."""
    for n, (text, fmt) in enumerate(lines):
        run = p.add_run(text)
        for key, value in fmt.items():
            setattr(run.font, key, value)
        if n < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


def _border(p: Paragraph, side: str, indent: int) -> None:
    ppr = p._p.get_or_add_pPr()
    ppr.insert_element_before(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:{side} w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
        ),
        "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr",
    )  # fmt: skip
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Twips(indent)
    p.paragraph_format.line_spacing = Pt(4)


def _shape(width: int) -> str:
    emu = width * 635
    return (
        f'<w:r {nsdecls("w", "wp", "a")} xmlns:wps="http://schemas.microsoft.com/office/word/2010/'
        'wordprocessingShape"><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{emu}" cy="0"/><wp:docPr id="{width}" name="Line {width}"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu}" cy="0"/></a:xfrm>'
        '<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/>'
        "</a:solidFill></a:ln></wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline>"
        "</w:drawing></w:r>"
    )


def _vml(width: int) -> str:
    pt = width / 20
    return (
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
        f'<v:line from="0,0" to="{pt:.1f}pt,0" strokeweight=".5pt" '
        'style="position:absolute;z-index:1"/></w:pict></w:r>'
    )


def _rule(cell: _Cell, column: int, length: int, how: str, style: str) -> None:
    """The line under an element, drawn `how`, `length` twips long, centred in the column."""
    indent = (column - length) // 2
    if how == "underscores":
        _p(cell, style, "_" * max(3, length // 130)).runs[0].font.bold = False
    elif how == "border_below":
        _border(_p(cell, style), "bottom", indent)
    elif how == "border_top":
        _border(_p(cell, style), "top", indent)
    elif how in ("shape", "vml"):
        p = _p(cell, style)
        p._p.append(parse_xml(_shape(length) if how == "shape" else _vml(length)))
    elif how == "underline":
        p = _p(cell, style)
        run = p.add_run("\t")
        run.font.underline = True


@dataclass(frozen=True)
class Letter:
    """What a letter is built with: its line technique, its header typed with Shift+Enter or not,
    and the defect planted in it."""

    line: str = "border_below"
    breaks: bool = False
    defect: str = ""


def _tabbed(doc: Document, d: str) -> None:
    """The header typed without a table, its two columns set apart with tabs, as many clerks do;
    the lines under the agency and the Tiêu ngữ as underscores, on one line too."""
    tabs = [(2000, "center"), (6600, "center")]

    def line(
        left: tuple[str, dict[str, object]], right: tuple[str, dict[str, object]], before: int = 0
    ) -> None:
        p = _p(doc, "Normal")
        p.paragraph_format.space_before = Pt(before)
        for pos, align in tabs:
            p.paragraph_format.tab_stops.add_tab_stop(Twips(pos), {"center": 1}.get(align, 0))
        for text, fmt in (left, right):
            p.add_run("\t")
            run = p.add_run(text)
            for key, value in fmt.items():
                setattr(run.font, key, value)

    thirteen: dict[str, object] = {"size": Pt(13)}
    line(("UBND TỈNH HÀ TĨNH", thirteen), (QUOC_HIEU, {"size": Pt(12), "bold": True}))
    agency_bold: dict[str, object] = {"size": Pt(13), "bold": d != "tabbed_agency_not_bold"}
    line(("SỞ Y TẾ", agency_bold), (TIEU_NGU, {"size": Pt(13), "bold": True}))
    line(("_" * 5, thirteen), ("_" * 25, thirteen))
    number = "Số: 5/SYT-VP" if d == "tabbed_number_no_zero" else "Số: 05/SYT-VP"
    line(
        (number, thirteen), ("Hà Tĩnh, ngày 07 tháng 4 năm 2020", {"size": Pt(14), "italic": True}), before=6
    )
    v = _p(doc, "Trich yeu", "V/v báo cáo tình hình làm việc tại nhà")
    v.alignment = WD_ALIGN_PARAGRAPH.LEFT


def build(spec: Letter) -> bytes:
    doc = docx.Document()
    _styles(doc)
    d = spec.defect
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin, section.bottom_margin = Twips(1134), Twips(1134)
    section.left_margin, section.right_margin = Twips(1701), Twips(851)
    if spec.line == "tabs":
        _tabbed(doc, d)
        return _finish(doc, spec)
    left, right = _table(doc, COLS, first_col=d == "agency_italic_by_table_style").rows[0].cells
    parent_bold: dict[str, object] = {"bold": True} if d == "parent_agency_bold" else {}
    number = "Số: 451 /SYT-VP" if d == "number_blank_before_slash" else "Số: 05/SYT-VP"
    if d == "number_no_zero_after_break":
        number = "Số: 5/SYT-VP"
    subject = "V/v báo cáo tình hình làm việc tại nhà"
    motto = "Độc lập – Tự do – Hạnh phúc" if d == "tieu_ngu_en_dashes" else TIEU_NGU
    if spec.breaks:
        _broken(
            _p(left, "Chu quan", first=True),
            [("UBND TỈNH HÀ TĨNH", parent_bold), ("SỞ Y TẾ", {"bold": True})],
        )
    else:
        p = _p(left, "Chu quan", "UBND TỈNH HÀ TĨNH", first=True)
        if parent_bold:
            p.runs[0].font.bold = True
        _p(left, "Co quan", "SỞ Y TẾ")
    _rule(left, COLS[0], AGENCY_RULE, spec.line, "Co quan")
    if spec.breaks:
        p = _p(left, "So ky hieu")
        _broken(p, [(number, {}), (subject, {"size": Pt(12), "bold": True if d == "subject_bold" else None})])
        p.paragraph_format.space_before = Pt(6)
    else:
        _p(left, "So ky hieu", number).paragraph_format.space_before = Pt(6)
        v = _p(left, "Trich yeu", subject)
        v.paragraph_format.space_before = Pt(6)
        if d == "subject_bold":
            v.runs[0].font.bold = True
    if spec.breaks:
        _broken(_p(right, "Quoc hieu", first=True), [(QUOC_HIEU, {}), (motto, {"size": Pt(13)})])
    else:
        qh = _p(right, "Quoc hieu", QUOC_HIEU, first=True)
        if d == "quoc_hieu_not_bold_by_two_styles":
            qh.runs[0].style = doc.styles["Nhan manh"]  # bold paragraph style + bold character style
        tn = _p(right, "Tieu ngu", motto)
        if spec.line == "underline":
            tn.runs[0].font.underline = True
    if spec.line != "underline":
        _rule(right, COLS[1], 3183, spec.line, "Tieu ngu")
    _p(right, "Ngay thang", "Hà Tĩnh, ngày 07 tháng 4 năm 2020").paragraph_format.space_before = Pt(6)
    return _finish(doc, spec)


def _finish(doc: Document, spec: Letter) -> bytes:
    """Kính gửi, the body, the signature and the phụ lục after the header."""
    d = spec.defect
    if d != "no_kinh_gui":
        _p(doc, "Kinh gui", "Kính gửi: Sở Thông tin và Truyền thông").paragraph_format.space_before = Pt(12)
    for n, text in enumerate(BODY):
        if d == "no_closing_mark" and n == len(BODY) - 1:
            text = text.removesuffix("/.")
        p = _p(doc, "Noi dung", text)
        if d == "body_no_indent":
            p.paragraph_format.first_line_indent = Twips(0)
        if d == "body_blue" and n == 1:
            p.runs[0].font.color.rgb = docx.shared.RGBColor(0x1F, 0x4E, 0x79)
    _signature(doc, spec)
    if d in ("appendix_same_page", "appendix_new_page"):
        p = _p(doc, "Phu luc", "Phụ lục")
        if d == "appendix_new_page":
            p.paragraph_format.page_break_before = True
        _p(doc, "Ten phu luc", "SỐ LIỆU CHI TIẾT")
        _p(doc, "Noi dung", "Tổng hợp theo báo cáo của các phòng, đơn vị thuộc Sở./.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _signature(doc: Document, spec: Letter) -> None:
    """Nơi nhận on the left, the signature on the right; in two rows when the list is carried
    over (the "split" defects), or typed with Shift+Enter in one paragraph."""
    d = spec.defect
    split = d in ("noi_nhan_split_rows", "noi_nhan_split_rows_luu_no_colon")
    luu = (
        "- Lưu VT, VP."
        if d in ("noi_nhan_split_rows_luu_no_colon", "luu_no_colon_after_break")
        else "- Lưu: VT, VP."
    )
    doc.add_paragraph()
    rows = _table(doc, (3600, 5754), rows=2 if split else 1).rows
    left, right = rows[0].cells
    if spec.breaks:
        _broken(
            _p(left, "DS noi nhan", first=True),
            [("Nơi nhận:", {"size": Pt(12), "bold": True, "italic": True}), ("- Như trên;", {}), (luu, {})],
        )
    else:
        _p(left, "Noi nhan", "Nơi nhận:", first=True)
        _p(left, "DS noi nhan", "- Như trên;")
        below = rows[1].cells[0] if split else left
        _p(below, "DS noi nhan", "- Giám đốc Sở;", first=split)
        _p(below, "DS noi nhan", luu)
    _p(right, "Chuc vu", "KT. GIÁM ĐỐC", first=True)
    _p(right, "Chuc vu", "PHÓ GIÁM ĐỐC")
    for _ in range(3):
        _p(right, "Nguoi ky")
    name_cell = rows[1].cells[1] if split else right
    _p(name_cell, "Nguoi ky", "Nguyễn Văn An", first=split)


@dataclass(frozen=True)
class Defect:
    name: str
    apply: Callable[[], bytes]
    rules: frozenset[str] = field(default_factory=frozenset)  # the exact ids of error findings
    warnings: frozenset[str] = field(default_factory=frozenset)


def _defect(name: str, errors: set[str], warnings: set[str] | None = None, **spec: object) -> Defect:
    letter = Letter(defect=name, **spec)  # type: ignore[arg-type]
    return Defect(name, lambda: build(letter), frozenset(errors), frozenset(warnings or set()))


DEFECTS = [
    # formatting that comes from styles
    _defect("quoc_hieu_not_bold_by_two_styles", {"quoc_hieu.format"}),
    _defect(
        "agency_italic_by_table_style",
        {"issuer.format", "issuer.parent_format", "number.format", "subject.format"},
    ),
    # elements missing or wrong where nothing marks them
    _defect("no_kinh_gui", {"recipients.missing"}),
    _defect("noi_nhan_split_rows_luu_no_colon", {"cc.list"}),
    _defect("subject_bold", {"subject.format"}),
    _defect("parent_agency_bold", {"issuer.parent_format"}),
    _defect("appendix_same_page", {"appendix.new_page"}),
    # correct letters once called wrong: the blank for the number is a warning at most
    _defect("number_blank_before_slash", set(), {"number.spacing"}),
    _defect("tieu_ngu_en_dashes", {"tieu_ngu.dash"}),
    # text in one paragraph over several lines
    _defect("number_no_zero_after_break", {"number.format"}, breaks=True),
    _defect("luu_no_colon_after_break", {"cc.list"}, breaks=True),
    _defect("parent_agency_bold", {"issuer.parent_format"}, breaks=True),
    _defect("subject_bold", {"subject.format"}, breaks=True),
    # a header laid out with tabs instead of a table
    _defect("tabbed_number_no_zero", {"number.format"}, line="tabs"),
    _defect("tabbed_agency_not_bold", {"issuer.format"}, line="tabs"),
    # severities read from the decree's wording
    _defect("body_no_indent", {"body.indent"}),
    _defect("body_blue", {"font.color"}),
    _defect("no_closing_mark", set(), {"body.closing"}),
]
# letters the decree allows: no finding at all
CLEAN = [
    *(Letter(line=line) for line in LINES),
    *(Letter(line=line, breaks=True) for line in ("underscores", "border_below", "shape")),
    Letter(line="tabs"),
    Letter(defect="noi_nhan_split_rows"),
    Letter(defect="appendix_new_page"),
]
