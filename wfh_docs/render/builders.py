"""WordprocessingML built from a letter's data: runs, paragraphs, tables, rules, phụ lục sections.

Every string is escaped here (&, <, >, and the braces too, as character references, so that text
looking like a tag stays text and cannot be mistaken for a leftover tag); newlines become
paragraphs or line breaks by design. Nothing here reads the template beyond its section
properties, and nothing here is cached but `paragraphs` (see its docstring).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from decimal import Decimal
from xml.sax.saxutils import escape as _xml_escape

from markupsafe import Markup

from ..letter import vn
from ..letter.blocks import ImageBlock, MergedCell, PageBreak, Paragraph, Placed
from ..letter.layout import LAYOUT
from ..letter.model import Block, Heading, Letter, Table, TableBlock
from ..letter.typed import ARTICLE
from . import inline, pictures, signatureline


def escape(text: str) -> str:
    """XML text with the braces as character references: Word reads them as braces, while the
    raw XML can be searched for leftover template tags without tripping over the user's text."""
    return _xml_escape(text).replace("{", "&#123;").replace("}", "&#125;")


def in_run(text: str) -> str:
    """Text for inside an open <w:t>: newlines become line breaks, tabs become tabs."""
    out = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append('</w:t><w:br/><w:t xml:space="preserve">')
        out.append('</w:t><w:tab/><w:t xml:space="preserve">'.join(escape(p) for p in line.split("\t")))
    return "".join(out)


def field_text(text: str) -> Markup:
    """A string for a {{ field }} that stands inside a run of the template."""
    return Markup(in_run(text))


def run(text: str, *, bold: bool = False, italic: bool = False) -> str:
    props = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{in_run(text)}</w:t></w:r>'


def para(style: str, runs: str, *, ppr_extra: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr_extra}</w:pPr>{runs}</w:p>'


def rich(text: str) -> str:
    """Runs for a paragraph with **bold** and *italic* (wfh_docs.render.inline)."""
    return "".join(run(s.text, bold=s.bold, italic=s.italic) for s in inline.parse(text))


_ALIGN = {"center": "center", "right": "right", "left": "left"}


@functools.lru_cache(maxsize=8192)
def paragraphs(
    style: str, text: str, *, markup: bool = True, keep_next: bool = False, align: str | None = None
) -> tuple[str, ...]:
    """A data string with newlines is several paragraphs: a line break inside a justified
    paragraph would stretch the line before it across the page (docxtpl #544).

    Cached: the letters of a batch share most of their paragraphs. On benchmarks/batch.py's
    reference batch (one letter to many recipients) rendering takes 1,490 us a letter with the
    cache and 6,140 without (x4, in one process, alternating, best of 7); on its 27-agency
    sample, where no two letters share a paragraph, it gains nothing and costs nothing
    measurable. The cache holds pure results: tests/test_render.py's byte-identical reruns
    (a letter is the same bytes whatever was rendered before) pin it."""
    pieces = [piece for piece in text.split("\n") if piece.strip()]
    # a line set centred or right has no first-line indent (Phụ lục I, II.6: "Phần", "Chương")
    jc = f'<w:ind w:firstLine="0"/><w:jc w:val="{_ALIGN[align]}"/>' if align else ""
    return tuple(
        para(
            style,
            rich(piece) if markup else run(piece),
            ppr_extra=("<w:keepNext/>" if keep_next and i == len(pieces) - 1 else "") + jc,
        )
        for i, piece in enumerate(pieces)
    )


def rule(indent: int) -> str:
    """A centred line (the rule under the agency's name, or a phụ lục's name)."""
    return para("DuongKe", "", ppr_extra=f'<w:ind w:left="{indent}" w:right="{indent}"/>')


_TINY = (
    '<w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
    '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>{sect}</w:pPr>'
)


def tiny_paragraph(sect_pr: str = "") -> str:
    """An empty 1-twip paragraph: ends a section, or the body after a table, without
    taking a line that could spill onto a page of its own."""
    return f"<w:p>{_TINY.format(sect=sect_pr)}</w:p>"


def cell_text(value: str | int | Decimal) -> tuple[str, bool]:
    """A table cell's text, and whether it is a number (grouped 1.234.567, centred)."""
    if isinstance(value, bool):  # pragma: no cover - the model refuses booleans
        raise TypeError("bool cell")
    if isinstance(value, (int, Decimal)):
        return vn.format_number(value), True
    return value, False


def _cell(cols: list[int], placed: Placed, header: bool, *, markup: bool = True) -> str:
    width = sum(cols[placed.column : placed.column + placed.colspan])
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if placed.colspan > 1:
        props += f'<w:gridSpan w:val="{placed.colspan}"/>'
    if placed.cell is None:  # the rows a merged cell covers below its first
        return f"<w:tc><w:tcPr>{props}<w:vMerge/></w:tcPr>{para('BangChu', '')}</w:tc>"
    if placed.restart:
        props += '<w:vMerge w:val="restart"/><w:vAlign w:val="center"/>'
    value = placed.cell.text if isinstance(placed.cell, MergedCell) else placed.cell
    align = placed.cell.align if isinstance(placed.cell, MergedCell) else None
    text, numeric = cell_text(value)
    jc = f'<w:jc w:val="{_ALIGN[align]}"/>' if align else '<w:jc w:val="center"/>' if numeric else ""
    runs = rich(text) if markup and not numeric else run(text)
    body = para("BangTieuDe" if header else "BangChu", runs, ppr_extra=jc)
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>"


def _row(cols: list[int], placed: list[Placed], header: bool, *, markup: bool = True) -> str:
    trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
    return f"<w:tr>{trpr}{''.join(_cell(cols, p, header, markup=markup) for p in placed)}</w:tr>"


def table(data: Table, width: int) -> str:
    """A table `width` twips wide, its columns in the proportions of `widths`; merged cells
    span grid columns (gridSpan) and rows (vMerge)."""
    n = data.grid_columns
    weights = data.widths or [1.0] * n
    total = sum(weights)
    cols = [int(width * w / total) for w in weights]
    cols[-1] += width - sum(cols)
    grid = "".join(f'<w:gridCol w:w="{c}"/>' for c in cols)
    laid = data.grid
    head = _row(cols, laid[0], True, markup=False)  # the columns' names, as typed
    rows = [_row(cols, placed, i < data.header_rows) for i, placed in enumerate(laid[1:])]
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="BangPhuLuc"/><w:tblW w:w="{width}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{head}{''.join(rows)}</w:tbl>" + tiny_paragraph()
        # a table is followed by a paragraph, so two tables never merge into one
    )


def closing(text: str) -> str:
    """ND 30's mark of the end of the content, "./.", after the last paragraph: judged on the
    text the reader sees, so that "*... ./.*" (in italics) is not given a second one."""
    shown = inline.plain(text).rstrip()
    if shown.endswith("/."):
        return text
    return text.rstrip() + ("/." if shown.endswith(".") else "./.")


PAGE_BREAK = (
    '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
    '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr><w:r><w:br w:type="page"/></w:r></w:p>'
)


def with_article(text: str) -> str:
    """A paragraph opening "Điều N." with that in bold (Phụ lục I, Mục V: "Điều" đứng, đậm)."""
    m = ARTICLE.match(text)
    if not m or text.startswith("**") or not text[m.end() : m.end() + 1].isspace():
        return text
    return f"**{text[: m.end()]}**{text[m.end() :]}"


def image(block: ImageBlock, width: int, media: pictures.Media | None) -> str:
    """A picture's paragraph, its picture counted in `media` (the letter's)."""
    if media is None:  # pragma: no cover - every caller gives the letter's media
        raise TypeError("an image block needs the letter's media")
    spec = block.image
    rid, shape = media.add(spec.picture)
    size = pictures.size_emu(spec.picture, spec.width_cm, width)
    return pictures.paragraph(rid, shape, size, alt=spec.alt, align=_ALIGN[block.align])


def blocks(
    items: list[Block],
    width: int,
    *,
    keep_last: bool = False,
    articles: bool = False,
    media: pictures.Media | None = None,
) -> str:
    """Paragraphs, headings, tables and pictures; `keep_last` holds the last paragraph on the
    page of what follows (the signature block must not stand alone on a page); `articles`: the
    paragraphs opening "Điều N." of a quyết định have that in bold; `media` collects the
    letter's pictures."""
    out: list[str] = []
    last_para = len(items) - 1
    while last_para >= 0 and not isinstance(items[last_para], (str, Paragraph)):
        last_para -= 1
    closing_ok = last_para == len(items) - 1
    for i, block in enumerate(items):
        if isinstance(block, str):
            text, align = block, None
        elif isinstance(block, Paragraph):
            text, align = block.paragraph, block.align
        else:
            text = None
        if text is not None:
            last = i == last_para and closing_ok
            text = closing(text) if last else text
            text = with_article(text) if articles else text
            out.extend(paragraphs("NoiDung", text, keep_next=keep_last and last, align=align))
        elif isinstance(block, Heading):
            out.extend(paragraphs(f"DeMuc{block.level}", block.heading, markup=False, align=block.align))
        elif isinstance(block, TableBlock):
            out.append(table(block.table, width))
        elif isinstance(block, PageBreak):
            out.append(PAGE_BREAK)
        elif isinstance(block, ImageBlock):
            out.append(image(block, width, media))
    return "".join(out)


# --- sections ----------------------------------------------------------------------------


def appendix_sect_pr(letter_sect: str, landscape: bool) -> str:
    """The letter's section properties for a phụ lục: page numbers from 1 again (III.1.đ)
    and no ô 13 footer, which belongs to page 1 of the letter only."""
    sect = letter_sect
    default_footer = re.search(r'<w:footerReference w:type="default" r:id="([^"]+)"/>', sect)
    if default_footer:
        sect = re.sub(
            r'(<w:footerReference w:type="first" r:id=")[^"]+(")',
            rf"\g<1>{default_footer.group(1)}\g<2>",
            sect,
        )
    if "<w:pgNumType" in sect:
        sect = re.sub(r"<w:pgNumType\b[^>]*/>", '<w:pgNumType w:start="1"/>', sect)
    if landscape:
        size = re.search(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"([^>]*)/>', sect)
        if size:
            w, h = sorted((int(size.group(1)), int(size.group(2))))
            rest = size.group(3).replace(' w:orient="portrait"', "")
            sect = sect.replace(size.group(0), f'<w:pgSz w:w="{h}" w:h="{w}" w:orient="landscape"{rest}/>')
    return sect


def text_width(sect: str) -> int:
    """The width between the margins of a section, in twips."""
    size = re.search(r'<w:pgSz w:w="(\d+)"', sect)
    left = re.search(r'w:left="(\d+)"', sect[sect.find("<w:pgMar") :])
    right = re.search(r'w:right="(\d+)"', sect[sect.find("<w:pgMar") :])
    if not (size and left and right):
        return LAYOUT.text_width
    return int(size.group(1)) - int(left.group(1)) - int(right.group(1))


def kem_theo(letter: Letter) -> str:
    """The line under a phụ lục's name that ties it to the letter. A kind with a tên loại has
    Mẫu 2.1's "(Kèm theo <tên loại> số ... ngày ... tháng ... năm ... của ...)", the date in words
    as in ô 4 (its blanks too, for the document system); the công văn keeps the short date of the
    reference letter 451/SCT-VP, "(Kèm theo Công văn số: ... ngày 08/4/2020 của ...)"."""
    number = vn.format_number_reference(letter.number, letter.symbol)
    if letter.kind.name:
        when = vn.format_long_date(letter.date)
        return f"(Kèm theo {letter.kind.title_case} số {number} {when} của {letter.issuer.short_name})"
    when = vn.format_short_date(letter.date)
    return f"(Kèm theo Công văn số: {number} ngày {when} của {letter.issuer.short_name})"


Attached = Callable[[Letter, int, pictures.Media | None], tuple[str, str]]


def appendices(
    letter: Letter,
    letter_sect: str,
    set_aside: Callable[[str], str],
    attached: Attached | None = None,
    lead: str = "",
    media: pictures.Media | None = None,
) -> tuple[str, str]:
    """What follows the signature: `lead` (a giấy nghỉ phép's confirmation), the văn bản a quyết
    định issues (`attached` gives its head and content for a width, Mẫu 1.3), then the phụ lục;
    and the section properties the document must end with. Each starts a section numbered from
    1; each content goes through `set_aside` (wfh_docs.render.assemble)."""
    out: list[str] = [lead]
    previous = letter_sect
    if attached is not None:
        sect = appendix_sect_pr(letter_sect, False)
        head, content = attached(letter, text_width(sect), media)
        out += [tiny_paragraph(previous), head, set_aside(content)]
        previous = sect
    many = len(letter.appendices) > 1
    for i, appendix in enumerate(letter.appendices, start=1):
        sect = appendix_sect_pr(letter_sect, appendix.landscape)
        out.append(tiny_paragraph(previous))
        label = f"Phụ lục {vn.roman(i)}" if many else "Phụ lục"
        out.append(para("PhuLucSo", run(label)))
        out.append(para("PhuLucTen", run(appendix.title)))
        out.append(para("PhuLucKemTheo", run(kem_theo(letter))))
        width = text_width(sect)
        out.append(rule((width - width // 4) // 2))
        out.append(set_aside(blocks(list(appendix.content), width, media=media)))
        previous = sect
    out.append(tiny_paragraph())
    return "".join(out), previous


def urgency_box(letter: Letter) -> str:
    """The dấu chỉ mức độ khẩn in its box (ô 10b), or nothing."""
    if not letter.urgency:
        return ""
    # Phụ lục I, III.2.b: HỎA TỐC 30 x 8 mm, THƯỢNG KHẨN 40 x 8 mm, KHẨN 20 x 8 mm
    width_mm = {"HỎA TỐC": 30, "THƯỢNG KHẨN": 40, "KHẨN": 20}[letter.urgency]
    indent = max(0, (LAYOUT.header_left - round(width_mm * 56.7)) // 2)
    return para("DauKhan", run(letter.urgency), ppr_extra=f'<w:ind w:left="{indent}" w:right="{indent}"/>')


def signature_space(letter: Letter, signature_line: bool) -> str:
    """The room for the signature (ô 7c), or Word's signature line in it."""
    shown = letter.signer.signature_text
    if not signature_line:
        return para("ChoKy", run(shown) if shown else "")
    # a picture needs its own line height: the style's exact height would clip it
    spacing = '<w:spacing w:before="120" w:after="120" w:line="240" w:lineRule="auto"/>'
    text = run(shown) if shown else ""
    return para("ChoKy", signatureline.shape_run(letter) + text, ppr_extra=spacing)


def core_properties(letter: Letter) -> bytes:
    """Document properties from the data, so the same input gives the same bytes."""
    when = letter.date or dt.date(2000, 1, 1)
    stamp = f"{when.isoformat()}T00:00:00Z"
    title = ((letter.kind.name or "V/v") + " " + letter.subject.replace("\n", " ")).strip()
    number = vn.format_number_reference(letter.number, letter.symbol).strip()
    creator = letter.issuer.name.replace("\n", " ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_xml_escape(title)}</dc:title><dc:subject>{_xml_escape(number)}</dc:subject>"
        f"<dc:creator>{_xml_escape(creator)}</dc:creator><cp:keywords>{_xml_escape(number)}</cp:keywords>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()
