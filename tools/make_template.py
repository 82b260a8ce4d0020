"""Build wfh_docs/templates/cong-van.docx, the docxtpl template of a công văn (ND 30, Mẫu 1.5 + Mẫu 2.1)
and, through its conditional parts, of the other kinds of Phụ lục III (Mẫu 1.1-1.10).

Run: python tools/make_template.py          (writes wfh_docs/templates/cong-van.docx)
     python tools/make_template.py --check  (exit 1 if the committed file differs)

The template is written part by part so that nothing in it is left to a default we do not
control: Times New Roman in all four font slots and no theme part to fall back on, every size,
indent and spacing of the decree in a named style, the page set-up in the one section. A clerk
can open the result in Word and change a style or move a field; wfhdoc only needs the style
ids and tags the README lists ("Changing the template in Word"). The output is byte-for-byte reproducible (fixed zip
times and order), and tests/test_template.py proves the committed file is what this makes.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wfh_docs.letter.layout import LAYOUT, tieu_ngu_rule_indent  # noqa: E402

TARGET = ROOT / "wfh_docs" / "templates" / "cong-van.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = f'xmlns:w="{W}" xmlns:r="{R}"'
FONT = "Times New Roman"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
# tên loại and trích yếu of the kinds with a name (Mẫu 1.4: 14 bold), 18 pt under the header
TITLE_SIZE = 14
TITLE_BEFORE = 360


def rpr(
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    caps: bool = False,
    color: str | None = None,
) -> str:
    parts = []
    if bold:
        parts += ["<w:b/>", "<w:bCs/>"]
    if italic:
        parts += ["<w:i/>", "<w:iCs/>"]
    if caps:
        parts.append("<w:caps/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size is not None:
        half = int(size * 2)
        parts.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def ppr(
    *,
    jc: str | None = None,
    before: int = 0,
    after: int = 0,
    line: int = 240,
    line_rule: str = "auto",
    first_line: int | None = None,
    left: int | None = None,
    right: int | None = None,
    hanging: int | None = None,
    keep_next: bool = False,
    keep_lines: bool = False,
    border: str = "",
    widow: bool = True,
) -> str:
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if keep_lines:
        parts.append("<w:keepLines/>")
    if not widow:
        parts.append('<w:widowControl w:val="0"/>')
    if border:
        parts.append(f"<w:pBdr>{border}</w:pBdr>")
    parts.append(
        f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="{line_rule}"/>'
    )
    ind = []
    if left is not None:
        ind.append(f'w:left="{left}"')
    if right is not None:
        ind.append(f'w:right="{right}"')
    if first_line is not None:
        ind.append(f'w:firstLine="{first_line}"')
    if hanging is not None:
        ind.append(f'w:hanging="{hanging}"')
    if ind:
        parts.append(f"<w:ind {' '.join(ind)}/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>"


def pstyle(sid: str, name: str, p: str, r: str, *, next_id: str | None = None) -> str:
    nxt = f'<w:next w:val="{next_id}"/>' if next_id else ""
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{sid}">'
        f'<w:name w:val="{escape(name)}"/><w:basedOn w:val="Normal"/>{nxt}<w:qFormat/>'
        f"{p}{r}</w:style>"
    )


def styles_xml() -> str:
    L = LAYOUT
    font = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    line = '<w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/>'
    box = "".join(
        f'<w:{s} w:val="single" w:sz="8" w:space="1" w:color="FF0000"/>'
        for s in ("top", "left", "bottom", "right")
    )
    top = '<w:top w:val="single" w:sz="6" w:space="1" w:color="000000"/>'
    body = dict(jc="both", before=L.body_before, line=L.body_line, first_line=L.body_indent)
    styles = [
        # ô 2: tên cơ quan chủ quản (caps, upright) and cơ quan ban hành (caps, bold)
        pstyle("CoQuanChuQuan", "wfh Cơ quan chủ quản", ppr(jc="center"), rpr(size=L.agency_size, caps=True)),
        pstyle(
            "CoQuanBanHanh",
            "wfh Cơ quan ban hành",
            ppr(jc="center"),
            rpr(size=L.agency_size, bold=True, caps=True),
        ),
        # A rule: an empty paragraph whose bottom border is the line; its indents set the length.
        pstyle(
            "DuongKe",
            "wfh Đường kẻ",
            ppr(jc="center", after=100, line=60, line_rule="exact", border=line),
            rpr(size=2),
        ),
        # ô 1: quốc hiệu 12 bold caps, tiêu ngữ 13 bold
        pstyle(
            "QuocHieu", "wfh Quốc hiệu", ppr(jc="center"), rpr(size=L.quoc_hieu_size, bold=True, caps=True)
        ),
        pstyle("TieuNgu", "wfh Tiêu ngữ", ppr(jc="center"), rpr(size=L.tieu_ngu_size, bold=True)),
        # ô 3 and ô 4
        pstyle("SoKyHieu", "wfh Số, ký hiệu", ppr(jc="center", before=L.number_before), rpr(size=13)),
        pstyle(
            "DiaDanhNgay",
            "wfh Địa danh, ngày tháng",
            ppr(jc="center", before=L.number_before),
            rpr(size=L.date_size, italic=True),
        ),
        # ô 5b: "V/v ..." 12, 6 pt under the Số line
        pstyle("TrichYeu", "wfh Trích yếu công văn", ppr(jc="center", before=120), rpr(size=12)),
        # ô 10b: dấu khẩn, red box
        pstyle(
            "DauKhan",
            "wfh Dấu mức độ khẩn",
            ppr(jc="center", before=120, border=box),
            rpr(size=13, bold=True, caps=True, color="FF0000"),
        ),
        # ô 9a: Kính gửi
        pstyle(
            "KinhGui",
            "wfh Kính gửi",
            ppr(jc="center", before=L.recipients_before, after=120),
            rpr(size=L.body_size),
        ),
        pstyle(
            "KinhGuiNhieu",
            "wfh Kính gửi (nhiều nơi)",
            ppr(before=L.recipients_before, left=L.recipients_left),
            rpr(size=L.body_size),
        ),
        pstyle(
            "KinhGuiDong",
            "wfh Kính gửi - dòng",
            ppr(left=L.recipients_item_left, hanging=L.recipients_item_hanging),
            rpr(size=L.body_size),
        ),
        # ô 6: nội dung
        pstyle("NoiDung", "wfh Nội dung", ppr(**body), rpr(size=L.body_size)),
        pstyle(
            "DeMuc1",
            "wfh Đề mục 1",
            ppr(**body, keep_next=True),
            rpr(size=L.body_size, bold=True),
            next_id="NoiDung",
        ),
        pstyle(
            "DeMuc2",
            "wfh Đề mục 2",
            ppr(**body, keep_next=True),
            rpr(size=L.body_size, bold=True, italic=True),
            next_id="NoiDung",
        ),
        pstyle(
            "DeMuc3",
            "wfh Đề mục 3",
            ppr(**body, keep_next=True),
            rpr(size=L.body_size, italic=True),
            next_id="NoiDung",
        ),
        # ô 5a: tên loại and trích yếu of every kind but the công văn, 14 bold (Mẫu 1.1-1.10)
        pstyle(
            "TenLoai",
            "wfh Tên loại văn bản",
            ppr(jc="center", before=TITLE_BEFORE, keep_next=True),
            rpr(size=TITLE_SIZE, bold=True, caps=True),
        ),
        pstyle(
            "TrichYeuVanBan",
            "wfh Trích yếu văn bản",
            ppr(jc="center", keep_next=True),
            rpr(size=TITLE_SIZE, bold=True),
        ),
        # a quyết định's thẩm quyền ban hành, its căn cứ (italic), "QUYẾT ĐỊNH:" (Mẫu 1.1-1.3)
        pstyle(
            "ThamQuyen",
            "wfh Thẩm quyền ban hành",
            ppr(jc="center", before=L.body_before, after=L.body_before, keep_next=True),
            rpr(size=L.body_size, bold=True, caps=True),
        ),
        pstyle("CanCu", "wfh Căn cứ", ppr(**body, keep_next=True), rpr(size=L.body_size, italic=True)),
        pstyle(
            "MenhLenh",
            "wfh Quyết định, quyết nghị",
            ppr(jc="center", before=L.body_before, after=L.body_before, keep_next=True),
            rpr(size=L.body_size, bold=True, caps=True),
        ),
        # a công điện's "<who> điện:" over its recipients (Mẫu 1.6)
        pstyle(
            "CongDien",
            "wfh Công điện - người điện",
            ppr(jc="center", before=L.recipients_before, keep_next=True),
            rpr(size=L.body_size),
        ),
        # Mẫu 3.1, ô 1: the hình thức sao (SAO Y, TRÍCH SAO, SAO LỤC) 14 bold caps, level with ô 2
        pstyle("HinhThucSao", "wfh Hình thức sao", ppr(jc="center"), rpr(size=14, bold=True, caps=True)),
        # ô 9b: Nơi nhận 12 bold italic, list 11
        pstyle("NoiNhan", "wfh Nơi nhận", ppr(keep_next=True), rpr(size=12, bold=True, italic=True)),
        pstyle(
            "NoiNhanDong",
            "wfh Nơi nhận - dòng",
            ppr(keep_next=True, left=L.cc_hanging, hanging=L.cc_hanging),
            rpr(size=11),
        ),
        # The gap between the body and the signature block, kept with both.
        pstyle(
            "KhoangCach",
            "wfh Khoảng cách",
            ppr(line=240, line_rule="exact", keep_next=True),
            rpr(size=L.body_size),
        ),
        # ô 7a, 7c, 7b
        pstyle(
            "ChucVu",
            "wfh Quyền hạn, chức vụ",
            ppr(jc="center", keep_next=True),
            rpr(size=L.signer_size, bold=True, caps=True),
        ),
        pstyle(
            "ChoKy",
            "wfh Chỗ ký",
            ppr(jc="center", line=L.signature_space, line_rule="exact", keep_next=True),
            rpr(size=L.signer_size),
        ),
        pstyle(
            "ChucVuKhac",
            "wfh Chức vụ khác",
            ppr(jc="center", keep_next=True),
            rpr(size=L.signer_size, bold=True),
        ),
        pstyle("HoTen", "wfh Họ tên người ký", ppr(jc="center"), rpr(size=L.signer_size, bold=True)),
        # Phụ lục (Mẫu 2.1)
        pstyle("PhuLucSo", "wfh Phụ lục - số", ppr(jc="center", keep_next=True), rpr(size=14, bold=True)),
        pstyle(
            "PhuLucTen",
            "wfh Phụ lục - tên",
            ppr(jc="center", keep_next=True),
            rpr(size=L.appendix_title_size, bold=True, caps=True),
        ),
        pstyle(
            "PhuLucKemTheo",
            "wfh Phụ lục - kèm theo",
            ppr(jc="center", keep_next=True),
            rpr(size=L.appendix_ref_size, italic=True),
        ),
        # Tables in a phụ lục
        pstyle("BangChu", "wfh Bảng - chữ", ppr(before=40, after=40), rpr(size=L.table_size)),
        pstyle(
            "BangTieuDe",
            "wfh Bảng - tiêu đề cột",
            ppr(jc="center", before=40, after=40),
            rpr(size=L.table_size, bold=True),
        ),
        # Page number (header, from page 2) and ô 13 (first-page footer)
        pstyle("SoTrang", "wfh Số trang", ppr(jc="center"), rpr(size=14)),
        pstyle("ThongTinLienHe", "wfh Địa chỉ, liên hệ", ppr(jc="center", border=top), rpr(size=11)),
    ]
    borders = "".join(
        f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for s in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    tables = [
        (
            '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
            '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
            '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        ),
        (
            '<w:style w:type="table" w:customStyle="1" w:styleId="KhongVien"><w:name w:val="wfh Bảng không viền"/>'
            '<w:basedOn w:val="TableNormal"/><w:tblPr><w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
            '<w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        ),
        (
            '<w:style w:type="table" w:customStyle="1" w:styleId="BangPhuLuc"><w:name w:val="wfh Bảng phụ lục"/>'
            f'<w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>{borders}</w:tblBorders>'
            '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr></w:style>"
        ),
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<w:styles {NS}>"
        f"<w:docDefaults><w:rPrDefault><w:rPr>{font}"
        f'<w:color w:val="000000"/><w:sz w:val="{L.body_size * 2}"/><w:szCs w:val="{L.body_size * 2}"/>'
        '<w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        "</w:pPrDefault></w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        "</w:style>"
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'
        "</w:style>" + "".join(tables) + "".join(styles) + "</w:styles>"
    )


def p(style: str, text: str = "", *, extra_ppr: str = "") -> str:
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra_ppr}</w:pPr>{run}</w:p>'


def tag(text: str) -> str:
    """A paragraph holding only a docxtpl tag ({%p ...%}, {{p ...}}), in Normal style."""
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def cell(width: int, content: str) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{content}</w:tc>'


def table(widths: list[int], rows: list[list[str]]) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    body = "".join(
        "<w:tr>" + "".join(cell(w, c) for w, c in zip(widths, row, strict=True)) + "</w:tr>" for row in rows
    )
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="KhongVien"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"
    )


def sect_pr() -> str:
    L = LAYOUT
    return (
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeaderDefault"/>'
        '<w:headerReference w:type="first" r:id="rIdHeaderFirst"/>'
        '<w:footerReference w:type="default" r:id="rIdFooterDefault"/>'
        '<w:footerReference w:type="first" r:id="rIdFooterFirst"/>'
        f'<w:pgSz w:w="{L.page_width}" w:h="{L.page_height}" w:code="9"/>'
        f'<w:pgMar w:top="{L.margin_top}" w:right="{L.margin_right}" w:bottom="{L.margin_bottom}" '
        f'w:left="{L.margin_left}" w:header="{L.header_distance}" w:footer="{L.footer_distance}" w:gutter="0"/>'
        '<w:pgNumType w:start="1"/><w:cols w:space="720"/><w:titlePg/><w:docGrid w:linePitch="360"/>'
        "</w:sectPr>"
    )


def document_xml() -> str:
    L = LAYOUT
    left, right = L.header_left, L.header_right
    rule = tieu_ngu_rule_indent()
    header = table(
        [left, right],
        [
            [
                tag("{%p if issuer.parent %}")
                + p("CoQuanChuQuan", "{{ issuer.parent }}")
                + tag("{%p endif %}")
                + p("CoQuanBanHanh", "{{ issuer.name }}")
                + tag("{{p issuer_rule }}"),
                p("QuocHieu", QUOC_HIEU)
                + p("TieuNgu", TIEU_NGU)
                + p("DuongKe", extra_ppr=f'<w:ind w:left="{rule}" w:right="{rule}"/>'),
            ],
            [p("SoKyHieu", "Số: {{ number_symbol }}"), p("DiaDanhNgay", "{{ date_line }}")],
            [
                tag("{%p if doc.cong_van %}")
                + p("TrichYeu", "V/v {{ subject }}")
                + tag("{%p elif not urgency_box %}")
                # a table cell holds at least one paragraph (ISO/IEC 29500-1 §17.4.66)
                + p("Normal")
                + tag("{%p endif %}")
                + tag("{{p urgency_box }}"),
                p("Normal"),
            ],
        ],
    )
    kinh_gui = (
        tag("{%p if doc.kinh_gui %}")
        + tag("{%p if recipients|length == 1 %}")
        + p("KinhGui", "Kính gửi: {{ recipients[0] }}")
        + tag("{%p else %}")
        + p("KinhGuiNhieu", "Kính gửi:")
        + tag("{%p for recipient in recipients %}")
        + p("KinhGuiDong", "- {{ recipient }}")
        + tag("{%p endfor %}")
        + tag("{%p endif %}")
        + tag("{%p endif %}")
    )
    noi_nhan = (
        p("NoiNhan", "Nơi nhận:")
        + tag("{%p for line in cc_lines %}")
        + p("NoiNhanDong", "- {{ line }}")
        + tag("{%p endfor %}")
    )
    signature = table(
        [L.signature_left, L.signature_right],
        [
            [
                # a biên bản: the thư ký signs on the left, Nơi nhận goes under both (Mẫu 1.9)
                tag("{%p if doc.minutes %}")
                + p("ChucVu", "{{ secretary.title }}")
                + p("ChoKy")
                + p("HoTen", "{{ secretary.name }}")
                + tag("{%p else %}")
                + noi_nhan
                + tag("{%p endif %}"),
                tag("{%p for line in signer.lines %}")
                + p("ChucVu", "{{ line }}")
                + tag("{%p endfor %}")
                + tag("{{p signature_space }}")
                + tag("{%p if signer.other_title %}")
                + p("ChucVuKhac", "{{ signer.other_title }}")
                + tag("{%p endif %}")
                + p("HoTen", "{{ signer.name }}"),
            ]
        ],
    )
    minutes_noi_nhan = tag("{%p if doc.minutes %}") + noi_nhan + tag("{%p endif %}")
    copy_block = (
        # Mẫu 3.1: under the last part of the letter, a line across the text, then the agency that
        # copies and the hình thức sao, the copy's number and date, its Nơi nhận and signer
        tag("{%p if copy.form %}")
        + p("KhoangCach")
        + p("DuongKe", extra_ppr='<w:ind w:left="0" w:right="0"/>')
        + table(
            [left, right],
            [
                [
                    p("CoQuanBanHanh", "{{ copy.name }}") + tag("{{p copy.rule }}"),
                    p("HinhThucSao", "{{ copy.form }}"),
                ],
                [p("SoKyHieu", "Số: {{ copy.number_symbol }}"), p("DiaDanhNgay", "{{ copy.date_line }}")],
            ],
        )
        + p("KhoangCach")
        + table(
            [L.signature_left, L.signature_right],
            [
                [
                    p("NoiNhan", "Nơi nhận:")
                    + tag("{%p for line in copy.cc_lines %}")
                    + p("NoiNhanDong", "- {{ line }}")
                    + tag("{%p endfor %}"),
                    tag("{%p for line in copy.signer.lines %}")
                    + p("ChucVu", "{{ line }}")
                    + tag("{%p endfor %}")
                    + p("ChoKy", "{{ copy.signer.signature_text }}")
                    + tag("{%p if copy.signer.other_title %}")
                    + p("ChucVuKhac", "{{ copy.signer.other_title }}")
                    + tag("{%p endif %}")
                    + p("HoTen", "{{ copy.signer.name }}"),
                ]
            ],
        )
        + tag("{%p endif %}")
    )
    body = (
        header
        + tag("{{p title_block }}")
        + kinh_gui
        + tag("{{p body }}")
        + p("KhoangCach")
        + signature
        + minutes_noi_nhan
        + tag("{{p appendices }}")
        + copy_block
    )
    # v: and o: for the Office signature line (VML) that `wfhdoc build --signature-line` adds
    vml = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<w:document {NS} {vml}><w:body>{body}{sect_pr()}</w:body></w:document>"
    )


def hdr(kind: str, content: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind} {NS}>{content}</w:{kind}>'


PAGE_FIELD = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    '<w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
)

SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f"<w:settings {NS}>"
    '<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
    '<w:characterSpacingControl w:val="doNotCompress"/>'
    # doNotExpandShiftReturn: a manual line break never stretches a justified line.
    '<w:compat><w:doNotExpandShiftReturn/><w:compatSetting w:name="compatibilityMode" '
    'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    '<w:themeFontLang w:val="vi-VN"/><w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>'
    "</w:settings>"
)

FONT_TABLE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:fonts {NS}><w:font w:name="{FONT}"><w:panose1 w:val="02020603050405020304"/>'
    '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>'
)


def _theme() -> str:
    # Word's SDK wants a theme part. Ours names Times New Roman as both theme fonts, so even a
    # style that asked for a theme font would still get Times New Roman.
    colors = "".join(
        f'<a:{n}><a:srgbClr val="{v}"/></a:{n}>'
        for n, v in (
            ("dk1", "000000"),
            ("lt1", "FFFFFF"),
            ("dk2", "1F497D"),
            ("lt2", "EEECE1"),
            ("accent1", "4F81BD"),
            ("accent2", "C0504D"),
            ("accent3", "9BBB59"),
            ("accent4", "8064A2"),
            ("accent5", "4BACC6"),
            ("accent6", "F79646"),
            ("hlink", "0000FF"),
            ("folHlink", "800080"),
        )
    )
    font = f'<a:latin typeface="{FONT}"/><a:ea typeface="{FONT}"/><a:cs typeface="{FONT}"/>'
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="9525">{fill}</a:ln>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="wfhdoc">'
        f'<a:themeElements><a:clrScheme name="wfhdoc">{colors}</a:clrScheme>'
        f'<a:fontScheme name="wfhdoc"><a:majorFont>{font}</a:majorFont><a:minorFont>{font}</a:minorFont>'
        '</a:fontScheme><a:fmtScheme name="wfhdoc">'
        f"<a:fillStyleLst>{fill * 3}</a:fillStyleLst><a:lnStyleLst>{line * 3}</a:lnStyleLst>"
        "<a:effectStyleLst>" + "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3 + "</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme></a:themeElements>"
        "<a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
    )


THEME = _theme()

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    + "".join(
        f'<Override PartName="/word/{n}.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.{k}+xml"/>'
        for n, k in (
            ("header1", "header"),
            ("header2", "header"),
            ("footer1", "footer"),
            ("footer2", "footer"),
        )
    )
    + '<Override PartName="/word/theme/theme1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

PKG_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rIdStyles" Type="{_REL}styles" Target="styles.xml"/>'
    f'<Relationship Id="rIdSettings" Type="{_REL}settings" Target="settings.xml"/>'
    f'<Relationship Id="rIdFonts" Type="{_REL}fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rIdTheme" Type="{_REL}theme" Target="theme/theme1.xml"/>'
    f'<Relationship Id="rIdHeaderDefault" Type="{_REL}header" Target="header1.xml"/>'
    f'<Relationship Id="rIdHeaderFirst" Type="{_REL}header" Target="header2.xml"/>'
    f'<Relationship Id="rIdFooterFirst" Type="{_REL}footer" Target="footer1.xml"/>'
    f'<Relationship Id="rIdFooterDefault" Type="{_REL}footer" Target="footer2.xml"/>'
    "</Relationships>"
)

CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>Công văn (mẫu wfhdoc)</dc:title><dc:creator>wfhdoc</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2020-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2020-01-01T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)

APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>wfhdoc</Application></Properties>"
)


def parts() -> list[tuple[str, str]]:
    return [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PKG_RELS),
        ("docProps/core.xml", CORE),
        ("docProps/app.xml", APP),
        ("word/document.xml", document_xml()),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", SETTINGS),
        ("word/fontTable.xml", FONT_TABLE),
        ("word/theme/theme1.xml", THEME),
        ("word/header1.xml", hdr("hdr", p("SoTrang", extra_ppr="").replace("</w:p>", PAGE_FIELD + "</w:p>"))),
        ("word/header2.xml", hdr("hdr", p("Normal"))),
        (
            "word/footer1.xml",
            hdr(
                "ftr",
                tag("{%p if issuer.contact %}")
                + p("ThongTinLienHe", "{{ issuer.contact }}")
                + tag("{%p endif %}")
                + p("Normal"),
            ),
        ),
        ("word/footer2.xml", hdr("ftr", p("Normal"))),
    ]


def build() -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


def main(argv: list[str]) -> int:
    data = build()
    if "--check" in argv:
        same = TARGET.exists() and TARGET.read_bytes() == data
        print(f"{TARGET}: {'up to date' if same else 'DIFFERS from tools/make_template.py'}")
        return 0 if same else 1
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(data)
    print(f"wrote {TARGET} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
