"""The formatting resolver (wfh_docs.check.styles, numbering and docx): run properties through
document defaults, table style with its conditional formats, paragraph and character styles and
direct formatting, toggle properties XOR-ed across the levels as ISO/IEC 29500-1 §17.7.3 says;
theme fonts; breaks, tabs and hyphens read as Word shows them; lists' labels."""

from __future__ import annotations

import io
import zipfile

import pytest

from wfh_docs.check.docx import Docx
from wfh_docs.check.props import RunProps
from wfh_docs.check.styles import TablePlace, combine

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)


def docx(
    body: str, styles: str = "", *, defaults: str = "", theme: str | None = None, numbering: str = ""
) -> bytes:
    """A minimal .docx: `body` inside w:body, `styles` inside w:styles."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
        z.writestr(
            "word/styles.xml",
            f'<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>{defaults}</w:rPr></w:rPrDefault>'
            f"</w:docDefaults>{styles}</w:styles>",
        )
        if theme is not None:
            z.writestr("word/theme/theme1.xml", theme)
        if numbering:
            z.writestr("word/numbering.xml", f'<w:numbering xmlns:w="{W}">{numbering}</w:numbering>')
    return out.getvalue()


def pstyle(sid: str, rpr: str, based: str = "", kind: str = "paragraph", default: bool = False) -> str:
    based_el = f'<w:basedOn w:val="{based}"/>' if based else ""
    flag = ' w:default="1"' if default else ""
    head = f'<w:style w:type="{kind}" w:styleId="{sid}"{flag}><w:name w:val="{sid}"/>'
    return f"{head}{based_el}<w:rPr>{rpr}</w:rPr></w:style>"


def para(text: str, pstyle_id: str = "", rstyle: str = "", rpr: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{pstyle_id}"/></w:pPr>' if pstyle_id else ""
    rs = f'<w:rStyle w:val="{rstyle}"/>' if rstyle else ""
    return f'<w:p>{ppr}<w:r><w:rPr>{rs}{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def first_run(data: bytes) -> RunProps:
    return Docx(data).paragraphs()[0].runs[0].props


STYLES = (
    pstyle("PB", "<w:b/>")
    + pstyle("PBI", "<w:b/><w:i/>")
    + pstyle("PB2", "<w:b/>", based="PB")
    + pstyle("PNotB", '<w:b w:val="0"/>', based="PB")
    + pstyle("PInherit", "", based="PB")
    + pstyle("CB", "<w:b/>", kind="character")
    + pstyle("CI", "<w:i/>", kind="character")
    + pstyle("CNotB", '<w:b w:val="false"/>', kind="character")
    + pstyle("CCaps", "<w:caps/><w:strike/>", kind="character")
    + pstyle("CHidden", "<w:vanish/>", kind="character")
    + pstyle("PCaps", "<w:caps/><w:strike/>")
)


@pytest.mark.parametrize(
    ("pstyle_id", "rstyle", "direct", "bold"),
    [
        ("PB", "", "", True),  # a bold paragraph style
        ("PB", "CB", "", False),  # bold paragraph style + bold character style: toggled twice
        ("PB", "CNotB", "", True),  # false in a style changes nothing
        ("PB2", "", "", True),  # based on a bold style and bold itself: one level, the nearest value
        ("PNotB", "", "", False),  # based on bold, turns it off: the nearest value at its level
        ("PInherit", "", "", True),  # says nothing: its base's value
        ("PInherit", "CB", "", False),
        ("PB", "CB", "<w:b/>", True),  # direct formatting sets it absolutely
        ("PB", "", '<w:b w:val="0"/>', False),
        ("", "CB", "", True),
        ("", "", "", False),
    ],
)
def test_bold_is_a_toggle_across_levels_and_absolute_in_direct_formatting(
    pstyle_id: str, rstyle: str, direct: str, bold: bool
) -> None:
    data = docx(para("x", pstyle_id, rstyle, direct), STYLES)
    assert first_run(data).bold is bold


def test_every_toggle_property_toggles() -> None:
    props = first_run(docx(para("x", "PCaps", "CCaps"), STYLES))
    assert (props.caps, props.strike) == (False, False)
    # the hidden run is not in the text Word shows
    p = Docx(docx(para("shown", "PCaps") + para("hidden", "", "CHidden"), STYLES)).paragraphs()
    assert p[0].runs[0].props.caps and p[0].runs[0].props.strike
    assert (p[1].text, p[1].hidden) == ("", "hidden")


def test_document_defaults_are_the_start_of_the_toggle() -> None:
    # bold by default: a bold style toggles it off, direct formatting turns it on again
    data = docx(para("a", "PB") + para("b") + para("c", "PB", rpr="<w:b/>"), STYLES, defaults="<w:b/>")
    bolds = [p.runs[0].props.bold for p in Docx(data).paragraphs()]
    assert bolds == [False, True, True]


def test_combine_keeps_non_toggles_by_their_last_value() -> None:
    base = RunProps(size=14, fonts={"ascii": "Times New Roman"})
    levels = [RunProps(size=12, bold=True), RunProps(bold=True, fonts={"ascii": "Arial"})]
    out = combine(base, levels, RunProps(size=13))
    assert (out.size, out.bold, out.fonts["ascii"]) == (13, False, "Arial")


TABLE_STYLE = (
    '<w:style w:type="table" w:styleId="Grid"><w:name w:val="Grid"/><w:rPr><w:sz w:val="24"/></w:rPr>'
    '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr></w:tblStylePr>'
    '<w:tblStylePr w:type="firstCol"><w:rPr><w:i/></w:rPr></w:tblStylePr>'
    '<w:tblStylePr w:type="band2Horz"><w:rPr><w:caps/></w:rPr></w:tblStylePr>'
    "</w:style>"
)


def table(rows: int, cols: int, look: str, pstyle_id: str = "") -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{para(f'r{r}c{c}', pstyle_id)}</w:tc>" for c in range(cols)) + "</w:tr>"
        for r in range(rows)
    )
    grid = "<w:tblGrid>" + '<w:gridCol w:w="2000"/>' * cols + "</w:tblGrid>"
    return f'<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/>{look}</w:tblPr>{grid}{cells}</w:tbl>'


def cells(data: bytes) -> dict[str, RunProps]:
    return {p.text: p.runs[0].props for p in Docx(data).paragraphs()}


def test_table_style_conditional_formats_follow_tbl_look() -> None:
    look = (
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/>'
    )
    found = cells(docx(table(4, 2, look), TABLE_STYLE + STYLES))
    assert found["r0c0"].bold and found["r0c0"].italic and found["r0c0"].size == 12
    assert found["r0c1"].bold and not found["r0c1"].italic
    assert not found["r1c1"].bold and found["r1c0"].italic
    # banding counts the rows after the header row: r1 band1, r2 band2, r3 band1
    assert (found["r1c1"].caps, found["r2c1"].caps, found["r3c1"].caps) == (False, True, False)


def test_table_style_is_a_level_of_the_toggle() -> None:
    look = '<w:tblLook w:firstRow="1" w:firstColumn="0" w:noHBand="1" w:noVBand="1"/>'
    found = cells(docx(table(2, 1, look, "PB"), TABLE_STYLE + STYLES))
    assert found["r0c0"].bold is False  # bold header row + bold paragraph style: toggled twice
    assert found["r1c0"].bold is True


def test_tbl_look_off_turns_conditional_formats_off_and_cnf_style_stands_without_it() -> None:
    look = '<w:tblLook w:val="0600"/>'  # noHBand, noVBand, no first row
    assert not cells(docx(table(2, 2, look), TABLE_STYLE))["r0c0"].bold
    # no w:tblLook: the cell's cached w:cnfStyle says which formats apply
    body = table(1, 1, "").replace("<w:tc>", '<w:tc><w:tcPr><w:cnfStyle w:val="100000000000"/></w:tcPr>', 1)
    assert cells(docx(body, TABLE_STYLE))["r0c0"].bold


def test_table_place_corner_cells() -> None:
    look = {
        "firstRow": True,
        "lastRow": True,
        "firstColumn": True,
        "lastColumn": True,
        "noHBand": True,
        "noVBand": True,
    }
    place = TablePlace(style=None, look=look, row=2, rows=3, col=2, cols=3)
    assert place.conditions() == ["wholeTable", "lastCol", "lastRow", "seCell"]


THEME = (
    f'<a:theme xmlns:a="{A}"><a:themeElements><a:fontScheme><a:majorFont><a:latin typeface="Cambria"/>'
    '</a:majorFont><a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/>'
    "</a:minorFont></a:fontScheme></a:themeElements></a:theme>"
)


def test_theme_fonts_are_resolved_at_their_level() -> None:
    defaults = '<w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi"/>'
    styles = pstyle("TNR", '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/>')
    styles += pstyle(
        "Major", '<w:rFonts w:asciiTheme="majorHAnsi" w:hAnsiTheme="majorHAnsi"/>', kind="character"
    )
    data = docx(
        para("a") + para("b", "TNR") + para("c", "TNR", "Major"), styles, defaults=defaults, theme=THEME
    )
    fonts = [p.runs[0].props.fonts.get("ascii") for p in Docx(data).paragraphs()]
    assert fonts == ["Calibri", "Times New Roman", "Cambria"]


def test_breaks_tabs_and_hyphens_read_as_word_shows_them() -> None:
    run = (
        "<w:r><w:t>CỘNG HÒA</w:t><w:br/><w:t>Độc lập</w:t><w:tab/><w:t>Tự</w:t><w:softHyphen/>"
        '<w:t>do</w:t><w:noBreakHyphen/><w:t>x</w:t><w:cr/><w:sym w:font="Symbol" w:char="F0B7"/></w:r>'
    )
    doc = Docx(docx(f"<w:p>{run}</w:p>"))
    [p] = doc.paragraphs()
    assert p.text == "CỘNG HÒA\nĐộc lập\tTựdo-x\n•"
    assert [line.text for line in doc.lines()] == ["CỘNG HÒA", "Độc lập\tTựdo-x", "•"]
    assert [line.line for line in doc.lines()] == [0, 1, 2]


def test_lines_split_runs_and_keep_the_formatting_of_each_piece() -> None:
    body = (
        '<w:p><w:pPr><w:pBdr><w:bottom w:val="single"/></w:pBdr>'
        '<w:spacing w:before="120" w:after="60"/></w:pPr>'
        "<w:r><w:rPr><w:b/></w:rPr><w:t>SỞ TƯ PHÁP</w:t><w:br/><w:t>Số</w:t></w:r>"
        "<w:r><w:rPr><w:i/></w:rPr><w:t>: 05/STP-VP</w:t></w:r></w:p>"
    )
    first, second = Docx(docx(body)).lines()
    assert (first.text, second.text) == ("SỞ TƯ PHÁP", "Số: 05/STP-VP")
    assert [r.props.bold for r in first.runs] == [True]
    assert [(r.text, r.props.italic) for r in second.runs] == [("Số", False), (": 05/STP-VP", True)]
    assert not first.props.border_bottom and second.props.border_bottom
    assert (first.props.spacing["after"], second.props.spacing["before"]) == ("0", "0")


NUMBERING = (
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
    '<w:lvlText w:val="-"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
    '<w:lvlText w:val="%2)"/><w:suff w:val="space"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="6"><w:abstractNumId w:val="2"/></w:num>'
)


def numbered(text: str, num: str, lvl: int = 0) -> str:
    return (
        f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>'
        f"<w:r><w:t>{text}</w:t></w:r></w:p>"
    )


def test_a_list_shows_its_labels() -> None:
    body = numbered("Như trên;", "5") + numbered("Lưu: VT, VP.", "5")
    body += numbered("Một", "6") + numbered("a", "6", 1) + numbered("b", "6", 1) + numbered("Hai", "6")
    body += numbered("c", "6", 1)
    ps = Docx(docx(body, numbering=NUMBERING)).paragraphs()
    assert [p.text for p in ps] == [
        "- Như trên;",
        "- Lưu: VT, VP.",
        "1. Một",
        "a) a",
        "b) b",
        "2. Hai",
        "a) c",
    ]
    assert ps[0].props.ind == {"left": 720, "hanging": 360}
    assert ps[0].runs[0].label and not ps[0].runs[1].label
    assert [r.text for r in ps[0].runs if not r.label] == ["Như trên;"]


def test_a_hanging_indent_replaces_a_first_line_indent_and_back() -> None:
    styles = (
        '<w:style w:type="paragraph" w:styleId="Body"><w:name w:val="Body"/><w:pPr>'
        '<w:ind w:left="100" w:firstLine="567"/></w:pPr></w:style>'
    )

    def indent(ind: str) -> dict[str, int]:
        body = f'<w:p><w:pPr><w:pStyle w:val="Body"/>{ind}</w:pPr><w:r><w:t>x</w:t></w:r></w:p>'
        return Docx(docx(body, styles)).paragraphs()[0].props.ind

    assert indent("") == {"left": 100, "firstLine": 567}
    assert indent('<w:ind w:hanging="0"/>') == {"left": 100, "hanging": 0}  # as LibreOffice writes none
    assert indent('<w:ind w:right="50"/>') == {"left": 100, "right": 50, "firstLine": 567}
