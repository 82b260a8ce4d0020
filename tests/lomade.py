"""Công văn made with LibreOffice, the way its users make them: a flat ODF text (.fodt) written
here, with named paragraph styles, a borderless header table, Shift+Enter line breaks, and the
lines under the agency and the Tiêu ngữ drawn as paragraph borders, underscores, underlined text
or a drawn line; converted to .docx by LibreOffice itself (Writer's Word export), so the checker
reads what LibreOffice writes, not what this project's code writes.

`letter(spec)` gives the .fodt text; `convert({name: fodt}, outdir)` converts many in ONE soffice
run (LibreOffice takes seconds to start). SPECS lists the letters: clean ones drawn each way, and
one planted defect of each class of issue 13, each with the exact rule ids the checker must give.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
)
LINES = ("border", "underscores", "underline", "shape")

# name -> (size pt, bold, italic, align)
STYLES = {
    "ChuQuan": (13, False, False, "center"),
    "CoQuan": (13, True, False, "center"),
    "So": (13, False, False, "center"),
    "VV": (12, False, False, "center"),
    "QuocHieu": (12, True, False, "center"),
    "TieuNgu": (13, True, False, "center"),
    "Ngay": (14, False, True, "center"),
    "KinhGui": (14, False, False, "center"),
    "NoiDung": (14, False, False, "justify"),
    "NoiNhan": (12, True, True, "start"),
    "DSNoiNhan": (11, False, False, "start"),
    "ChucVu": (14, True, False, "center"),
    "NguoiKy": (14, True, False, "center"),
    "PhuLuc": (14, True, False, "center"),
}
BODY = [
    "Thực hiện Công văn số 249/STTTT-CNTT ngày 03/4/2020 của Sở Thông tin và Truyền thông, Sở Tài "
    "chính báo cáo tình hình làm việc tại nhà của công chức như sau:",
    "Từ ngày 01/4/2020, Sở bố trí công chức làm việc tại nhà; văn bản đi được ký số và gửi qua hệ thống "
    "quản lý văn bản và điều hành của tỉnh.",
    "Sở Tài chính báo cáo để Sở Thông tin và Truyền thông tổng hợp./.",
]


@dataclass(frozen=True)
class Spec:
    """One letter: how its lines are drawn, whether its header is typed with Shift+Enter, its
    defect, and the exact rule ids the checker must report (errors, then warnings)."""

    name: str
    line: str = "border"
    breaks: bool = False
    defect: str = ""
    errors: frozenset[str] = field(default_factory=frozenset)
    warnings: frozenset[str] = field(default_factory=frozenset)


def _style(name: str, size: float, bold: bool, italic: bool, align: str, extra: str = "") -> str:
    extra = extra or ' fo:margin-top="0pt"'
    weight = ' fo:font-weight="bold"' if bold else ""
    slant = ' fo:font-style="italic"' if italic else ""
    return (
        f'<style:style style:name="{name}" style:family="paragraph" style:parent-style-name="Standard">'
        f'<style:paragraph-properties fo:text-align="{align}" fo:margin-bottom="0pt"{extra}/>'
        f'<style:text-properties fo:font-size="{size}pt"{weight}{slant}/></style:style>'
    )


def _styles(spec: Spec) -> str:
    out = []
    for name, (size, bold, italic, align) in STYLES.items():
        extra = ""
        if name == "NoiDung":
            extra = ' fo:text-indent="1cm" fo:margin-top="6pt"'
            if spec.defect == "body_no_indent":
                extra = ' fo:margin-top="6pt"'
        if name == "QuocHieu" and spec.defect == "quoc_hieu_not_bold_style":
            bold = False
        if name == "VV" and spec.defect == "subject_bold_style":
            bold = True
        out.append(_style(name, size, bold, italic, align, extra))
    return "".join(out)


_AUTOMATIC = (
    '<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" '
    'fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="3cm" '
    'fo:margin-right="1.5cm"/></style:page-layout>'
    '<style:style style:name="T" style:family="table"><style:table-properties style:width="16.5cm" '
    'table:align="left"/></style:style>'
    '<style:style style:name="T.A" style:family="table-column"><style:table-column-properties '
    'style:column-width="6.8cm"/></style:style>'
    '<style:style style:name="T.B" style:family="table-column"><style:table-column-properties '
    'style:column-width="9.7cm"/></style:style>'
    '<style:style style:name="T.C" style:family="table-cell"><style:table-cell-properties '
    'fo:padding="0cm" fo:border="none"/></style:style>'
    '<style:style style:name="RA" style:family="paragraph" style:parent-style-name="CoQuan">'
    '<style:paragraph-properties fo:margin-left="2.65cm" fo:margin-right="2.65cm" '
    'fo:border-bottom="0.5pt solid #000000" fo:padding="0cm"/><style:text-properties fo:font-size="4pt"/>'
    "</style:style>"
    '<style:style style:name="RT" style:family="paragraph" style:parent-style-name="TieuNgu">'
    '<style:paragraph-properties fo:margin-left="2.05cm" fo:margin-right="2.05cm" '
    'fo:border-bottom="0.5pt solid #000000" fo:padding="0cm"/><style:text-properties fo:font-size="4pt"/>'
    "</style:style>"
    '<style:style style:name="U" style:family="text"><style:text-properties '
    'style:text-underline-style="solid" '
    'style:text-underline-width="auto" style:text-underline-color="font-color"/></style:style>'
    '<style:style style:name="NB" style:family="text"><style:text-properties fo:font-weight="normal"/>'
    "</style:style>"
    '<style:style style:name="PLB" style:family="paragraph" style:parent-style-name="PhuLuc">'
    '<style:paragraph-properties fo:break-before="page"/></style:style>'
    '<style:style style:name="gr" style:family="graphic"><style:graphic-properties draw:stroke="solid" '
    'svg:stroke-width="0.018cm" svg:stroke-color="#000000" draw:fill="none"/></style:style>'
)


def _p(style: str, text: str = "") -> str:
    return f'<text:p text:style-name="{style}">{text}</text:p>'


def _lines(*parts: str) -> str:
    """Lines of one paragraph, separated by Shift+Enter (text:line-break)."""
    return "<text:line-break/>".join(parts)


def _rule(spec: Spec, rule_style: str, style: str, cm: float) -> str:
    if spec.line == "border":
        return _p(rule_style)
    if spec.line == "underscores":
        return _p(style, '<text:span text:style-name="NB">' + "_" * round(cm * 4.4) + "</text:span>")
    if spec.line == "underline":
        return _p(style, '<text:span text:style-name="U"><text:tab/></text:span>')
    return _p(
        style,
        f'<draw:line draw:style-name="gr" text:anchor-type="as-char" svg:y="0cm" svg:x1="0cm" svg:y1="0cm" '
        f'svg:x2="{cm}cm" svg:y2="0cm"/>',
    )


def _cell(content: str) -> str:
    return f'<table:table-cell table:style-name="T.C" office:value-type="string">{content}</table:table-cell>'


def _header(spec: Spec) -> str:
    d = spec.defect
    number = "Số: 451 /STC-VP" if d == "number_blank_before_slash" else "Số: 05/STC-VP"
    if d == "number_no_zero_after_break":
        number = "Số: 5/STC-VP"
    subject = "V/v báo cáo tình hình làm việc tại nhà"
    motto = "Độc lập – Tự do – Hạnh phúc" if d == "tieu_ngu_en_dashes" else "Độc lập - Tự do - Hạnh phúc"
    if spec.breaks:
        left = _p(
            "CoQuan",
            _lines('<text:span text:style-name="NB">UBND TỈNH QUẢNG TRỊ</text:span>', "SỞ TÀI CHÍNH"),
        )
        left += _rule(spec, "RA", "CoQuan", 1.1)
        left += _p("So", _lines(escape(number), f'<text:span text:style-name="VVs">{subject}</text:span>'))
        right = _p(
            "QuocHieu",
            _lines(
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f'<text:span text:style-name="TNs">{motto}</text:span>'
            ),
        )
    else:
        left = _p("ChuQuan", "UBND TỈNH QUẢNG TRỊ") + _p("CoQuan", "SỞ TÀI CHÍNH")
        left += _rule(spec, "RA", "CoQuan", 1.1) + _p("So", escape(number)) + _p("VV", subject)
        motto_text = (
            f'<text:span text:style-name="U">{motto}</text:span>' if spec.line == "underline" else motto
        )
        right = _p("QuocHieu", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") + _p("TieuNgu", motto_text)
    if spec.line != "underline" or spec.breaks:
        right += _rule(spec, "RT", "TieuNgu", 5.6)
    right += _p("Ngay", "Quảng Trị, ngày 07 tháng 4 năm 2020")
    return (
        '<table:table table:name="TieuDe" table:style-name="T"><table:table-column table:style-name="T.A"/>'
        f'<table:table-column table:style-name="T.B"/><table:table-row>{_cell(left)}{_cell(right)}'
        "</table:table-row></table:table>"
    )


def _signature(spec: Spec) -> str:
    d = spec.defect
    luu = "- Lưu VT, VP." if d.endswith("luu_no_colon") else "- Lưu: VT, VP."
    sign = _p("ChucVu", "KT. GIÁM ĐỐC") + _p("ChucVu", "PHÓ GIÁM ĐỐC") + _p("NguoiKy") * 3
    name = _p("NguoiKy", "Lê Thị Hoa")
    rows: list[tuple[str, str]]
    if d.startswith("noi_nhan_split_rows"):
        rows = [
            (_p("NoiNhan", "Nơi nhận:") + _p("DSNoiNhan", "- Như trên;"), sign),
            (_p("DSNoiNhan", "- Giám đốc Sở;") + _p("DSNoiNhan", luu), name),
        ]
    else:
        listed = _p("NoiNhan", "Nơi nhận:") + _p("DSNoiNhan", "- Như trên;") + _p("DSNoiNhan", luu)
        rows = [(listed, sign + name)]
    body = "".join(f"<table:table-row>{_cell(a)}{_cell(b)}</table:table-row>" for a, b in rows)
    return (
        '<table:table table:name="ChuKy" table:style-name="T"><table:table-column table:style-name="T.A"/>'
        f'<table:table-column table:style-name="T.B"/>{body}</table:table>'
    )


def letter(spec: Spec) -> str:
    d = spec.defect
    body = _header(spec)
    if d != "no_kinh_gui":
        body += _p("KinhGui", "Kính gửi: Sở Thông tin và Truyền thông")
    body += "".join(_p("NoiDung", t) for t in BODY)
    body += _p("Standard") + _signature(spec)
    if d in ("appendix_same_page", "appendix_new_page"):
        body += _p("PLB" if d == "appendix_new_page" else "PhuLuc", "Phụ lục")
        body += _p("PhuLuc", "SỐ LIỆU CHI TIẾT") + _p("NoiDung", "Tổng hợp theo báo cáo của các phòng./.")
    spans = (
        '<style:style style:name="VVs" style:family="text"><style:text-properties fo:font-size="12pt"'
        + (' fo:font-weight="bold"' if d == "subject_bold_after_break" else "")
        + '/></style:style><style:style style:name="TNs" style:family="text"><style:text-properties '
        'fo:font-size="13pt"/></style:style>'
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {NS} office:version="1.2" '
        'office:mimetype="application/vnd.oasis.opendocument.text"><office:font-face-decls>'
        '<style:font-face style:name="Times New Roman" svg:font-family="\'Times New Roman\'" '
        'style:font-family-generic="roman"/></office:font-face-decls><office:styles>'
        '<style:default-style style:family="paragraph"><style:text-properties '
        'style:font-name="Times New Roman" '
        'style:font-name-asian="Times New Roman" style:font-name-complex="Times New Roman" '
        'fo:font-size="14pt" '
        'fo:color="#000000"/></style:default-style>'
        '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>'
        f"{_styles(spec)}</office:styles><office:automatic-styles>{_AUTOMATIC}{spans}</office:automatic-styles>"
        '<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/>'
        f"</office:master-styles><office:body><office:text>{body}</office:text></office:body></office:document>"
    )


def convert(
    letters: dict[str, str], outdir: Path, soffice: str = "soffice", to: str = "docx"
) -> dict[str, Path]:
    """Each letter written as NAME.fodt and converted by ONE soffice run into outdir/NAME.<to>."""
    outdir.mkdir(parents=True, exist_ok=True)
    sources = []
    for name, text in letters.items():
        path = outdir / f"{name}.fodt"
        path.write_text(text, encoding="utf-8")
        sources.append(path)
    subprocess.run(
        [soffice, f"-env:UserInstallation={(outdir / 'lo-profile').absolute().as_uri()}", "--headless",
         "--convert-to", "docx:MS Word 2007 XML" if to == "docx" else to, "--outdir", str(outdir),
         *map(str, sources)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    out = {name: outdir / f"{name}.{to}" for name in letters}
    for path in out.values():
        assert path.exists(), f"LibreOffice wrote no {path.name}"
    return out


def _s(name: str, errors: set[str] | None = None, warnings: set[str] | None = None, **kw: object) -> Spec:
    return Spec(name, errors=frozenset(errors or ()), warnings=frozenset(warnings or ()), **kw)  # type: ignore[arg-type]


SPECS = [
    *(_s(f"clean_{line}", line=line) for line in LINES),
    _s("clean_breaks", breaks=True),
    _s("clean_breaks_underscores", breaks=True, line="underscores"),
    _s("clean_noi_nhan_split_rows", defect="noi_nhan_split_rows"),
    _s("clean_appendix_new_page", defect="appendix_new_page"),
    # formatting from styles
    _s("quoc_hieu_not_bold_style", {"quoc_hieu.format"}, defect="quoc_hieu_not_bold_style"),
    _s("subject_bold_style", {"subject.format"}, defect="subject_bold_style"),
    # elements missing or wrong where nothing marks them
    _s("no_kinh_gui", {"recipients.missing"}, defect="no_kinh_gui"),
    _s("noi_nhan_split_rows_luu_no_colon", {"cc.list"}, defect="noi_nhan_split_rows_luu_no_colon"),
    _s("appendix_same_page", {"appendix.new_page"}, defect="appendix_same_page"),
    # correct letters once called wrong
    _s("number_blank_before_slash", set(), {"number.spacing"}, defect="number_blank_before_slash"),
    _s("tieu_ngu_en_dashes", {"tieu_ngu.dash"}, defect="tieu_ngu_en_dashes"),
    # text in one paragraph over several lines
    _s("number_no_zero_after_break", {"number.format"}, breaks=True, defect="number_no_zero_after_break"),
    _s("subject_bold_after_break", {"subject.format"}, breaks=True, defect="subject_bold_after_break"),
    # severities
    _s("body_no_indent", {"body.indent"}, defect="body_no_indent"),
]
