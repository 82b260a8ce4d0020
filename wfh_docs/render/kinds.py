"""WordprocessingML of the parts only some kinds of document have (letter.types): the tên loại
and trích yếu with the rule under them (ô 5a), a quyết định's thẩm quyền ban hành, căn cứ and
"QUYẾT ĐỊNH:", a công điện's "<who> điện:" over its recipients, and the văn bản a quyết định
issues on pages of its own (Mẫu 1.3). Every string goes through builders' escaping.
"""

from __future__ import annotations

import re

from ..letter.layout import LAYOUT, agency_rule_indent, tieu_ngu_rule_indent
from ..letter.metrics import text_width_twips
from ..letter.model import Letter
from . import builders, pictures

# the styles these parts are set in, which a template making these kinds must define
KIND_STYLES = ("TenLoai", "TrichYeuVanBan", "ThamQuyen", "CanCu", "MenhLenh", "CongDien")
_END = re.compile(r"[;.,:\s]+$")


def numbered(lines: list[str]) -> list[str]:
    """Lines ending ";", the last ".": the căn cứ (Phụ lục I, Mục V) and a công điện's
    recipients, whatever punctuation the user ended them with."""
    cut = [_END.sub("", line) or line for line in lines]
    return [f"{line}{';' if i < len(cut) - 1 else '.'}" for i, line in enumerate(cut)]


def basis_lines(letter: Letter) -> list[str]:
    """The căn cứ, then "Theo đề nghị của ...", as printed."""
    lines = list(letter.bases)
    if letter.proposal:
        lines.append(f"Theo đề nghị của {letter.proposal}")
    return numbered(lines) if lines else []


def title_rule(lines: list[str], width: int) -> str:
    """The rule under a trích yếu: two fifths of its longest line (1/3 to 1/2), centred."""
    longest = max((text_width_twips(line, 14, bold=True) for line in lines), default=0)
    length = max(min(longest, width) * 2 // 5, width // 6)
    return builders.rule((width - length) // 2)


def title_block(letter: Letter, width: int) -> str:
    """Everything between the header and the body of a kind with a tên loại; "" for a công văn."""
    kind = letter.kind
    if not kind.name:
        return ""
    out = [builders.para("TenLoai", builders.run(kind.name))]
    subject = [line for line in letter.subject.split("\n") if line.strip()]
    out += [builders.para("TrichYeuVanBan", builders.run(line)) for line in subject]
    if kind.layout != "minutes":  # Mẫu 1.9 draws no rule under the biên bản's name
        out.append(title_rule(subject or [kind.name], width))
    if kind.layout == "decision":
        authority = (letter.issuing_authority or "").split("\n")
        out += [builders.para("ThamQuyen", builders.run(line)) for line in authority if line.strip()]
        out += [builders.para("CanCu", builders.run(line)) for line in basis_lines(letter)]
        out.append(builders.para("MenhLenh", builders.run(kind.command)))
    elif kind.layout == "telegram":
        out.append(builders.para("CongDien", builders.run(telegram_line(letter))))
        out += [
            builders.para("KinhGuiDong", builders.run(f"- {r}")) for r in numbered(list(letter.recipients))
        ]
    return "".join(out)


def telegram_line(letter: Letter) -> str:
    return f"{(letter.issuing_authority or '').replace(chr(10), ' ')} điện:"


def expected(letter: Letter) -> list[str]:
    """What these parts must show, for render.verify."""
    kind = letter.kind
    if not kind.name:
        return []
    out = [kind.name, *basis_lines(letter)]
    if kind.layout == "decision":
        out += [kind.command, *(letter.issuing_authority or "").split("\n")]
    elif kind.layout == "telegram":
        out += [telegram_line(letter), *numbered(list(letter.recipients))]
    if letter.secretary:
        out += [letter.secretary.title, letter.secretary.name]
    if letter.attachment:
        out += [letter.attachment.name, letter.attachment.subject, attachment_kem_theo(letter)]
    if letter.confirmation:
        out += list(CONFIRMATION)
    return out


# Mẫu 1.10, under the signature on the left, "nếu cần"
CONFIRMATION = ("Xác nhận của cơ quan (tổ chức) hoặc", "chính quyền địa phương nơi nghỉ phép")


def confirmation_block(letter: Letter) -> str:
    """The room for the confirmation of a giấy nghỉ phép's place of leave, or nothing."""
    if not letter.confirmation:
        return ""
    # wider than the Nơi nhận column: each of the Mẫu's two lines stays one line in 14 pt bold
    width = max(LAYOUT.signature_left, max(text_width_twips(t, 14, bold=True) for t in CONFIRMATION) + 300)
    lines = "".join(builders.para("ChucVuKhac", builders.run(line)) for line in CONFIRMATION)
    space = builders.para("ChoKy", "")
    cell = f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{lines}{space}</w:tc>'
    # a paragraph between it and the signature's table, so that the two never merge
    return builders.tiny_paragraph() + (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="KhongVien"/><w:tblW w:w="{width}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{width}"/></w:tblGrid><w:tr>{cell}</w:tr></w:tbl>'
    )


def attachment_kem_theo(letter: Letter) -> str:
    """The attached văn bản's "(Kèm theo Quyết định số ... ngày ... tháng ... năm ... của ...)",
    the same line as a phụ lục's."""
    return builders.kem_theo(letter)


def _header(letter: Letter) -> str:
    """The attached văn bản's own header: agency on the left, Quốc hiệu and Tiêu ngữ on the right,
    each with its rule; no number, no date (Mẫu 1.3, "Mẫu văn bản ... kèm theo quyết định")."""
    issuer = letter.issuer
    left = (builders.para("CoQuanChuQuan", builders.run(issuer.parent)) if issuer.parent else "") + "".join(
        builders.para("CoQuanBanHanh", builders.run(line)) for line in issuer.name.split("\n")
    )
    left += builders.rule(agency_rule_indent(issuer.name.split("\n")))
    right = builders.para("QuocHieu", builders.run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    right += builders.para("TieuNgu", builders.run("Độc lập - Tự do - Hạnh phúc"))
    right += builders.rule(tieu_ngu_rule_indent())
    cols = (LAYOUT.header_left, LAYOUT.header_right)
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{c}</w:tc>'
        for w, c in zip(cols, (left, right), strict=True)
    )
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="KhongVien"/><w:tblW w:w="{sum(cols)}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{cols[0]}"/><w:gridCol w:w="{cols[1]}"/></w:tblGrid>'
        f"<w:tr>{cells}</w:tr></w:tbl>"
    )


def attachment_page(letter: Letter, width: int, media: pictures.Media | None = None) -> tuple[str, str]:
    """The attached văn bản: its head (header, tên loại, trích yếu, "(Kèm theo ...)", rule), and
    its content, whose "Điều N." are bold."""
    att = letter.attachment
    assert att is not None
    subject = [line for line in att.subject.split("\n") if line.strip()]
    head = (
        _header(letter)
        + builders.para("TenLoai", builders.run(att.name))
        + "".join(builders.para("TrichYeuVanBan", builders.run(line)) for line in subject)
        + builders.para("PhuLucKemTheo", builders.run(attachment_kem_theo(letter)))
        + title_rule(subject, width)
    )
    return head, builders.blocks(list(att.content), width, articles=True, media=media)
