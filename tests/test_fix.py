"""`wfhdoc check --fix`: a clerk's letter rewritten to the decree without losing a character.

Each fixable defect of the hand-made letters (tests/handmade.py) and of letters made here with
python-docx the way Word users make them (styles, table styles, Shift+Enter): the checker finds
it, --fix removes it, and the text is the same. The fixed letters are read by LibreOffice
(pdftotext, pdffonts) and by openxml-audit; the original file is never changed, and the output
never replaces a file wfhdoc did not write.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any

import docx
import handmade
import pytest
import test_check_kinds
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from helpers import REFERENCE_JSON, ROOT, require_tool, soffice_pdf

from wfh_docs.check import RULES, check_docx, fix_text
from wfh_docs.check.docx import Docx
from wfh_docs.check.fix import default_output, fix_docx, fix_file
from wfh_docs.check.fix_zip import FixError
from wfh_docs.cli import main
from wfh_docs.errors import OutputError, RenderError
from wfh_docs.i18n import using
from wfh_docs.letter.sources import load_letter
from wfh_docs.render.template import Template

# what only a person can fix: the fix leaves these findings, and writes no file for them alone
MANUAL = {
    "quoc_hieu.missing",
    "tieu_ngu.missing",
    "tieu_ngu.rule_typed",
    "agency.rule_typed",
    "body.closing",
    "cc.nhu_tren",
    "appendix.numbering",
    "template.tags",
    "text.control",
}
_KNOWN = {r.id for r in RULES}  # the checker's rule table (a rule it dropped is not tested here)
FIXABLE = [m for m in handmade.MUTATIONS if m.rule not in MANUAL]


def _words(data: bytes) -> list[str]:
    """Every paragraph's text as python-docx reads it (tables too), empty ones aside."""
    d = docx.Document(io.BytesIO(data))
    out = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                out += [p.text for p in cell.paragraphs]
    return [t for t in out if t.strip()]


def _letters(texts: list[str]) -> str:
    """The letters and the numbers' values, in order: what no fix may change."""
    joined = unicodedata.normalize("NFC", "\n".join(texts))
    return re.sub(r"\d+", lambda m: str(int(m.group())), re.sub(r"[^\w]|_", "", joined))


def _rules(data: bytes) -> set[str]:
    return {f.rule for f in check_docx(data)}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with using("en"):
        yield


@pytest.mark.parametrize("mutation", FIXABLE, ids=lambda m: m.name)
def test_each_fixable_defect_is_found_fixed_and_the_text_kept(mutation: handmade.Mutation) -> None:
    data = mutation.build()
    found = _rules(data)
    assert found  # the checker sees the defect (under whatever id its table gives it now)
    fixed = fix_docx(data)
    assert fixed.data is not None
    assert not found & _rules(fixed.data)
    assert not [f for f in check_docx(fixed.data) if f.severity == "error"]
    assert _letters(_words(fixed.data)) == _letters(_words(data))
    assert {f.rule for f in fixed.fixed} == found


@pytest.mark.parametrize(
    "mutation", [m for m in handmade.MUTATIONS if m.rule in MANUAL & _KNOWN], ids=lambda m: m.name
)
def test_what_only_a_person_can_fix_is_left_and_said(mutation: handmade.Mutation) -> None:
    data = mutation.build()
    try:
        fixed = fix_docx(data)
    except FixError as exc:  # a letter Word cannot open (a control character): said, not fixed
        assert mutation.rule == "text.control", exc
        assert "word/document.xml" in str(exc) and "Word" in str(exc)
        return
    assert fixed.before and fixed.after == fixed.before
    assert fixed.data is None  # nothing else was wrong: nothing to write


@pytest.mark.parametrize("variant", handmade.NEUTRAL[:6], ids=lambda v: v.name)
def test_a_correct_letter_is_left_alone(variant: handmade.Variant) -> None:
    fixed = fix_docx(variant.build())
    assert fixed.before == [] and fixed.data is None


def test_zero_padding_and_punctuation_as_the_decree_writes_them() -> None:
    doc = handmade.clean_letter(recipients=3)
    handmade.retext(handmade.find(doc, "Số:"), "Số 5 / STP - VP")
    handmade.retext(handmade.find(doc, "Hà Tĩnh"), "Hà Tĩnh ngày 8 tháng 1 năm 2020")
    handmade.retext(handmade.find(doc, "- Sở Nội vụ"), "– Sở Nội vụ")
    handmade.retext(handmade.find(doc, "- Lưu"), "- Lưu VT, VP")
    handmade.retext(handmade.find(doc, "KT."), "KT.GIÁM ĐỐC")
    handmade.retext(handmade.find(doc, "Độc lập"), "Độc lập – Tự do – Hạnh phúc")
    fixed = fix_docx(handmade.to_bytes(doc))
    assert fixed.data is not None
    words = _words(fixed.data)
    for line in (
        "Số: 05/STP-VP",
        "Hà Tĩnh, ngày 08 tháng 01 năm 2020",
        "- Sở Nội vụ;",
        "- Lưu: VT, VP.",
        "KT. GIÁM ĐỐC",
        "Độc lập - Tự do - Hạnh phúc",
    ):
        assert line in words
    assert fixed.passes


def test_a_month_from_march_loses_its_zero() -> None:
    doc = handmade.clean_letter()
    handmade.retext(handmade.find(doc, "Hà Tĩnh"), "Hà Tĩnh, ngày 17 tháng 04 năm 2020")
    fixed = fix_docx(handmade.to_bytes(doc))
    assert fixed.data is not None and "Hà Tĩnh, ngày 17 tháng 4 năm 2020" in _words(fixed.data)


# --- formatting that comes from styles: the fix writes it on the runs -------------------------------


def _runs_of(data: bytes, start: str) -> list[Any]:
    d = docx.Document(io.BytesIO(data))
    for table in d.tables:
        for cell in table._cells:
            for p in cell.paragraphs:
                if p.text.startswith(start):
                    return [r for r in p.runs if r.text.strip()]
    return [r for p in d.paragraphs if p.text.startswith(start) for r in p.runs if r.text.strip()]


def test_a_quoc_hieu_unbolded_by_two_bold_styles_is_bold_on_its_runs() -> None:
    doc = handmade.clean_letter()
    para = doc.styles.add_style("Dam doan", WD_STYLE_TYPE.PARAGRAPH)
    para.font.bold = True
    char = doc.styles.add_style("Dam chu", WD_STYLE_TYPE.CHARACTER)
    char.font.bold = True
    p = handmade.find(doc, handmade.QUOC_HIEU)
    p.style = para
    for r in p.runs:
        r.font.bold = None  # bold only through the two styles, which cancel (§17.7.3)
        r.style = char
    handmade.find(doc, handmade.QUOC_HIEU).runs[0].font.size = Pt(14)  # and a defect the checker sees
    fixed = fix_docx(handmade.to_bytes(doc))
    assert fixed.data is not None
    runs = _runs_of(fixed.data, "CỘNG HÒA")
    assert runs and all(r.font.bold is True and r.font.size == Pt(13) for r in runs)


def test_the_header_is_centred_in_its_columns_and_noi_nhan_flush_left() -> None:
    doc = handmade.clean_letter()
    for text in (handmade.QUOC_HIEU, handmade.AGENCY, "Số:", "Hà Tĩnh"):
        handmade.find(doc, text).alignment = WD_ALIGN_PARAGRAPH.LEFT
    handmade.find(doc, "Nơi nhận").alignment = WD_ALIGN_PARAGRAPH.CENTER
    handmade.find(doc, "Số:").runs[0].font.size = Pt(14)  # a defect the checker sees
    fixed = fix_docx(handmade.to_bytes(doc))
    assert fixed.data is not None
    d = docx.Document(io.BytesIO(fixed.data))
    cells = [p for t in d.tables for c in t._cells for p in c.paragraphs]

    def alignment(start: str) -> Any:
        return next(p.alignment for p in cells if p.text.startswith(start))

    for text in (handmade.QUOC_HIEU, handmade.AGENCY, "Số:", "Hà Tĩnh"):
        assert alignment(text) == WD_ALIGN_PARAGRAPH.CENTER, text
    assert alignment("Nơi nhận") == WD_ALIGN_PARAGRAPH.LEFT


def test_a_bao_cao_keeps_its_title_and_trich_yeu_centred() -> None:
    doc = handmade.clean_letter()
    vv = handmade.find(doc, "V/v")
    vv._p.getparent().remove(vv._p)
    handmade.retext(handmade.find(doc, "Số:"), "Số: 05/BC-STP")
    after_header = doc.tables[0]._tbl
    for text in ("Tình hình làm việc tại nhà", "BÁO CÁO"):  # each put right after the header
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.font.size, run.font.bold = Pt(12), True  # the decree asks 13-14 pt
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        after_header.addnext(p._p)
    handmade._margin_left(doc)  # a defect the checker sees
    fixed = fix_docx(handmade.to_bytes(doc))
    assert fixed.data is not None
    d = docx.Document(io.BytesIO(fixed.data))
    for text in ("BÁO CÁO", "Tình hình làm việc tại nhà"):
        p = next(p for p in d.paragraphs if p.text == text)
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER and not p.paragraph_format.first_line_indent, text
        assert all(r.font.bold and 13 <= r.font.size.pt <= 14 for r in p.runs), text
    body = next(p for p in d.paragraphs if p.text.startswith("Sở Tư pháp nhận được"))
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_a_header_typed_with_tabs_gets_each_column_its_look() -> None:
    doc = handmade.clean_letter()
    table = doc.tables[0]._tbl
    for text, bold in (
        (f"{handmade.PARENT}\t\t{handmade.QUOC_HIEU}", False),
        (f"{handmade.AGENCY}\t\t{handmade.TIEU_NGU}", True),
        ("Số: 5/STP-VP\t\tHà Tĩnh, ngày 7 tháng 4 năm 2020", False),
    ):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.font.size, run.bold = Pt(13), bold
        table.addprevious(p._p)
    vv = doc.add_paragraph()
    vv.add_run(handmade.SUBJECT).font.size = Pt(12)
    table.addprevious(vv._p)
    table.getparent().remove(table)
    fixed = fix_docx(handmade.to_bytes(doc))
    assert fixed.data is not None
    d = docx.Document(io.BytesIO(fixed.data))
    looks = {r.text: (r.bold, r.italic) for p in d.paragraphs[:3] for r in p.runs if r.text.strip()}
    assert looks == {
        handmade.PARENT: (False, False),
        handmade.QUOC_HIEU: (True, False),
        handmade.AGENCY: (True, False),
        handmade.TIEU_NGU: (True, False),
        "Số: 05/STP-VP": (False, False),
        "Hà Tĩnh, ngày 07 tháng 4 năm 2020": (False, True),
    }
    # the lines under the agency and the Tiêu ngữ cannot be drawn in a line typed with tabs
    assert {f.rule for f in fixed.after} <= {"issuer.rule", "tieu_ngu.rule"}


def test_agency_made_italic_by_a_table_style_is_upright_on_its_runs() -> None:
    doc = handmade.clean_letter()
    style = doc.styles.add_style("Bang nghieng", WD_STYLE_TYPE.TABLE)
    style.font.italic = True
    doc.tables[0].style = style
    handmade.find(doc, handmade.AGENCY).runs[0].font.size = Pt(14)
    fixed = fix_docx(handmade.to_bytes(doc))
    assert fixed.data is not None
    for start in (handmade.AGENCY, "Số:", "V/v", handmade.PARENT):
        assert all(r.font.italic is False for r in _runs_of(fixed.data, start)), start
    assert all(r.font.italic is True for r in _runs_of(fixed.data, "Hà Tĩnh"))


def test_a_header_cell_typed_with_shift_enter_gets_each_line_its_look() -> None:
    doc = handmade.clean_letter()
    qh = handmade.find(doc, handmade.QUOC_HIEU)
    tn = handmade.find(doc, handmade.TIEU_NGU)
    handmade.clear_paragraph(qh)
    first = qh.add_run(handmade.QUOC_HIEU)
    first.font.size = Pt(14)  # the Quốc hiệu is 12-13 pt
    first.add_break()
    first.add_text(handmade.TIEU_NGU)
    tn._p.getparent().remove(tn._p)
    fixed = fix_docx(handmade.to_bytes(doc))
    assert fixed.data is not None
    runs = _runs_of(fixed.data, "CỘNG HÒA")
    qh_runs = [r for r in runs if "CỘNG" in r.text]
    tn_runs = [r for r in runs if "Độc lập" in r.text]
    assert qh_runs and tn_runs
    assert all(r.font.bold and 12 <= r.font.size.pt <= 13 for r in qh_runs)
    assert all(r.font.bold and 13 <= r.font.size.pt <= 14 for r in tn_runs)
    assert _letters(_words(fixed.data)) == _letters(_words(handmade.to_bytes(doc)))


def _vv_bold(d: Any) -> None:
    for r in handmade.find(d, "V/v").runs:
        r.font.bold = True


def _parent_bold(d: Any) -> None:
    for r in handmade.find(d, handmade.PARENT).runs:
        r.font.bold = True


def _date_upright_by_two_styles(d: Any) -> None:
    para = d.styles.add_style("Nghieng doan", WD_STYLE_TYPE.PARAGRAPH)
    para.font.italic = True
    char = d.styles.add_style("Nghieng chu", WD_STYLE_TYPE.CHARACTER)
    char.font.italic = True
    p = handmade.find(d, "Hà Tĩnh")
    p.style = para
    for r in p.runs:
        r.font.italic = None  # italic twice through the styles: upright (§17.7.3)
        r.style = char


def _header_first_row_italic(d: Any) -> None:
    # a table style whose conditional format for the first row is italic
    style = d.styles.add_style("Bang dau nghieng", WD_STYLE_TYPE.TABLE)
    cond = OxmlElement("w:tblStylePr")
    cond.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:i"))
    cond.append(rpr)
    style.element.append(cond)
    d.tables[0].style = style


def _body_hanging(d: Any) -> None:
    for p in handmade.body_paragraphs(d):
        p.paragraph_format.first_line_indent = Pt(-18)


def _theme_colour(d: Any) -> None:
    for r in handmade.runs_of(handmade.body_paragraphs(d)[0]):
        colour = OxmlElement("w:color")
        colour.set(qn("w:val"), "4472C4")
        colour.set(qn("w:themeColor"), "accent1")
        r._r.get_or_add_rPr().append(colour)


def _noi_nhan_over_two_rows(d: Any) -> None:
    luu = handmade.find(d, "- Lưu")
    luu._p.getparent().remove(luu._p)
    row = d.tables[-1].add_row()
    row.cells[0].paragraphs[0].add_run("- Lưu VT, VP").font.size = Pt(11)


def _header_typed_with_breaks(d: Any) -> None:
    qh, tn = handmade.find(d, handmade.QUOC_HIEU), handmade.find(d, handmade.TIEU_NGU)
    handmade.clear_paragraph(qh)
    run = qh.add_run(handmade.QUOC_HIEU)
    run.font.size, run.font.bold = Pt(13), True
    run.add_break()
    run.add_text(handmade.TIEU_NGU)
    tn._p.getparent().remove(tn._p)
    handmade.retext(handmade.find(d, "Số:"), "Số: 5/STP-VP")


def _noi_nhan_typed_with_breaks(d: Any) -> None:
    head = handmade.find(d, "Nơi nhận")
    for text in handmade.NOI_NHAN:
        p = handmade.find(d, text)
        p._p.getparent().remove(p._p)
    for text in ("- Như trên;", "- Giám đốc Sở;", "- Lưu VT, VP"):
        head.add_run().add_break()
        head.add_run(text).font.size = Pt(11)


def _kinh_gui_bulleted_by_word(d: Any) -> None:
    # a bulleted list ("•" in Symbol, from python-docx's List Bullet style), the ";" left out
    for text in ("- Sở Thông tin và Truyền thông;", "- Sở Nội vụ;", "- Văn phòng UBND tỉnh."):
        p = handmade.find(d, text)
        handmade.retext(p, text[2:].rstrip(";."))
        p.style = d.styles["List Bullet"]


def _agency_on_two_lines(d: Any) -> None:
    # "SỞ GIÁO DỤC / VÀ ĐÀO TẠO": one name on two lines (Mục II.2.b), both bold, set at 14 pt
    agency = handmade.find(d, handmade.AGENCY)
    second = deepcopy(agency._p)
    agency._p.addnext(second)
    handmade.retext(agency, "SỞ GIÁO DỤC")
    handmade.retext(handmade.Paragraph(second, agency._parent), "VÀ ĐÀO TẠO")
    for p in (agency, handmade.Paragraph(second, agency._parent)):
        for r in p.runs:
            r.font.size = Pt(14)


OWN = {
    "subject_bold": _vv_bold,
    "parent_agency_bold": _parent_bold,
    "date_upright_by_two_styles": _date_upright_by_two_styles,
    "header_italic_by_a_table_style": _header_first_row_italic,
    "body_hanging_indent": _body_hanging,
    "body_in_a_theme_colour": _theme_colour,
    "noi_nhan_over_two_rows": _noi_nhan_over_two_rows,
    "header_typed_with_shift_enter": _header_typed_with_breaks,
    "noi_nhan_typed_with_shift_enter": _noi_nhan_typed_with_breaks,
    "kinh_gui_bulleted_by_word": _kinh_gui_bulleted_by_word,
    "agency_on_two_lines": _agency_on_two_lines,
}


@pytest.mark.parametrize("name", OWN)
def test_letters_made_the_way_word_users_make_them_are_fixed(name: str) -> None:
    doc = handmade.clean_letter(recipients=3 if "kinh_gui" in name else 1)
    OWN[name](doc)
    data = handmade.to_bytes(doc)
    found = _rules(data)
    assert found
    fixed = fix_docx(data)
    assert fixed.data is not None
    assert _rules(fixed.data) == set(), [str(f) for f in fixed.after]
    assert _letters(_words(fixed.data)) == _letters(_words(data))


def test_page_one_without_a_number_keeps_its_footer() -> None:
    """A different first page hides the number on page 1, and would hide the footer too (the
    agency's address, ô 13): the first page gets a copy of the footer."""
    doc = handmade.clean_letter()
    section = doc.sections[0]
    section.footer.is_linked_to_previous = False
    address = "Địa chỉ: 01 Nguyễn Du, TP Hà Tĩnh; ĐT: 0239 3855 000"
    section.footer.paragraphs[0].text = address
    section.different_first_page_header_footer = False  # page 1 shows the number
    fixed = fix_docx(handmade.to_bytes(doc))
    assert fixed.data is not None and "page_number.first_page" in {f.rule for f in fixed.fixed}
    with zipfile.ZipFile(io.BytesIO(fixed.data)) as z:
        main = z.read("word/document.xml").decode()
        assert re.search(r'<w:footerReference w:type="first"', main) and "<w:titlePg" in main
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
    assert len(footers) == 2 and all(address in f for f in footers)


def test_the_page_number_is_13_to_14_pt_upright() -> None:
    doc = handmade.clean_letter(long=True)
    number = doc.sections[0].header.paragraphs[0]
    for r in number.runs:
        r.font.size, r.font.italic = Pt(10), True
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # and a defect the checker sees
    fixed = fix_docx(handmade.to_bytes(doc))
    assert fixed.data is not None
    header = docx.Document(io.BytesIO(fixed.data)).sections[0].header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert header.runs and all(r.font.size == Pt(14) and r.font.italic is False for r in header.runs)


# --- the guarantees ------------------------------------------------------------------------------


def test_a_fix_that_would_change_a_word_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "cong-van.docx"
    source.write_bytes(handmade.MUTATIONS[0].build())

    def wrong(self: fix_text.Edits, p: Any, i: int, k: int | None = None, seg: int | None = None) -> None:
        self._apply(p, i, 0, 3, "Sổ")  # "Số" -> "Sổ": a word changed

    monkeypatch.setattr(fix_text.Edits, "number", wrong)
    with pytest.raises(RenderError, match="would change the text"):
        fix_file(source)
    assert not default_output(source).exists()


def test_the_original_is_never_changed_and_other_members_are_copied(tmp_path: Path) -> None:
    source = tmp_path / "go-tay.docx"
    data = handmade.Mutation("both", lambda d: (handmade._margin_left(d), handmade._red(d))).build()
    source.write_bytes(data)
    fixed, out = fix_file(source)
    assert source.read_bytes() == data
    assert out == tmp_path / "go-tay-fixed.docx" and out.exists()
    with zipfile.ZipFile(io.BytesIO(data)) as a, zipfile.ZipFile(out) as b:
        assert a.namelist() == b.namelist()
        changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
    assert changed == {"word/document.xml"}
    assert {f.rule for f in fixed.fixed} == {"page.margins", "font.color"}


def test_the_output_never_replaces_a_file_wfhdoc_did_not_write(tmp_path: Path) -> None:
    source = tmp_path / "cong-van.docx"
    source.write_bytes(handmade.MUTATIONS[0].build())
    other = tmp_path / "khac.docx"
    other.write_bytes(b"a clerk's own file")
    with pytest.raises(OutputError, match="did not write it"):
        fix_file(source, other)
    assert other.read_bytes() == b"a clerk's own file"
    with pytest.raises(OutputError, match="original is never changed"):
        fix_file(source, source)
    with pytest.raises(OutputError, match="is a folder"):
        fix_file(source, tmp_path)
    link = tmp_path / "lien-ket.docx"
    link.symlink_to(other)
    with pytest.raises(OutputError, match="symbolic link"):
        fix_file(source, link)
    assert other.read_bytes() == b"a clerk's own file"
    _fixed, out = fix_file(source)
    fix_file(source)  # its own output, written by --fix, is replaced on a rerun
    edited = docx.Document(str(out))
    edited.save(str(out))  # opened and saved since: no longer wfhdoc's
    with pytest.raises(OutputError, match="did not write it"):
        fix_file(source)


def test_the_cli_fixes_and_says_what_is_left(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "thu.docx"
    doc = handmade.clean_letter()
    handmade._remove("- Như trên;")(doc)
    handmade._margin_left(doc)
    source.write_bytes(handmade.to_bytes(doc))
    out = tmp_path / "thu-sua.docx"
    code = main(["--lang", "en", "check", "--fix", str(source), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 1, captured.err  # an error is left: "- Như trên;" is for the clerk to add
    assert "Fixed 1 finding" in captured.out and "margin left" in captured.out
    assert "Left for a person to fix (1)" in captured.out and "Như trên" in captured.out
    assert out.exists() and "page.margins" not in _rules(out.read_bytes())
    assert main(["--lang", "en", "check", "-o", str(out), str(source)]) == 2
    main(["--lang", "en", "check", "--help"])
    assert "LETTER-fixed.docx" in re.sub(r"-\s+", "-", capsys.readouterr().out)


def test_a_damaged_letter_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "hong.docx"
    source.write_bytes(b"not a zip at all")
    assert main(["--lang", "en", "check", "--fix", str(source)]) == 1
    err = capsys.readouterr().err
    assert "hong.docx" in err and "not a zip" in err and "Traceback" not in err
    assert not default_output(source).exists()


# --- real readers: openxml-audit, LibreOffice ---------------------------------------------------


def _wfhdoc_letter() -> bytes:
    return Template().render(load_letter(REFERENCE_JSON).letter).data


def _typed_over(data: bytes) -> bytes:
    """wfhdoc's letter as a clerk changed it in Word: margins, a font, sizes, a date."""
    d = docx.Document(io.BytesIO(data))
    d.sections[0].left_margin = Pt(70)  # 24.7 mm
    for p in d.paragraphs[-12:]:
        for r in p.runs:
            r.font.name = "Arial"
            r.font.size = Pt(12)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_a_fixed_letter_passes_openxml_audit(tmp_path: Path) -> None:
    from openxml_audit import OpenXmlValidator

    def findings(data: bytes, name: str) -> list[str]:
        path = tmp_path / name
        path.write_bytes(data)
        return [e.description for e in OpenXmlValidator().validate(str(path)).errors]

    typed = _typed_over(_wfhdoc_letter())
    fixed = fix_docx(typed)
    assert fixed.data is not None
    assert findings(fixed.data, "sua.docx") == []
    # the decree's own Word file and the hand-made letters carry findings of their own (rFonts
    # out of place, python-docx's stylesWithEffects); the fix adds none
    decree = (ROOT / "tests" / "data" / "nd30-phu-luc-III" / "Phuluc3.docx").read_bytes()
    result = fix_docx(decree).data
    assert result is not None
    assert set(findings(result, "b.docx")) <= set(findings(decree, "a.docx"))
    assert _letters(_words(result)) == _letters(_words(decree))
    for mutation in FIXABLE[::6]:
        data = mutation.build()
        result = fix_docx(data).data
        assert result is not None
        assert set(findings(result, "b.docx")) <= set(findings(data, "a.docx")), mutation.name


@pytest.fixture(scope="session")
def fixed_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Fixed letters and their PDFs, made by one LibreOffice run."""
    folder = tmp_path_factory.mktemp("fix-pdf")
    letters = {
        "so-trang": handmade.Mutation(
            "p",
            lambda d: (handmade._page_number_removed(d), handmade._appendix_no_break(d)),
            base={"long": True, "appendices": 2},
        ).build(),  # fmt: skip
        "phong-chu": handmade.MUTATIONS[2].build(),  # the body in Arial
        "gach-dau-dong": handmade.Variant("b", _kinh_gui_bulleted_by_word, base={"recipients": 3}).build(),
        "kieu-chu": handmade.Variant("k", _styles_against_the_decree).build(),
    }
    out = {}
    for name, data in letters.items():
        fixed = fix_docx(data).data
        assert fixed is not None
        path = folder / f"{name}.docx"
        path.write_bytes(fixed)
        out[name] = path
    pdfs = soffice_pdf(list(out.values()), folder)
    return {name: (out[name], pdf) for name, pdf in zip(out, pdfs, strict=True)}


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        [require_tool("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")


def test_libreoffice_shows_page_numbers_from_page_two_and_each_appendix_on_its_page(
    fixed_pdfs: dict[str, tuple[Path, Path]],
) -> None:
    _docx, pdf = fixed_pdfs["so-trang"]
    pages = [p for p in _pages(pdf) if p.strip()]
    assert len(pages) >= 3
    assert pages[0].strip().splitlines()[0].strip() != "1"  # no number on page 1
    assert pages[1].strip().splitlines()[0].strip() == "2"
    starts = [n for n, page in enumerate(pages) if re.search(r"^\s*(\d+\s*)?Phụ lục II\s*$", page, re.M)]
    assert starts, "Phụ lục II not found"
    before = pages[starts[0]].split("Phụ lục II")[0]
    assert not re.search(r"[^\s\d]", before)  # nothing but the page number above it on its page
    # Phụ lục II is a section of its own, on a new page, its pages numbered from 1
    sections = docx.Document(str(_docx)).sections
    assert len(sections) == 3
    last = sections[-1]._sectPr
    assert last.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert last.find(qn("w:type")).get(qn("w:val")) == "nextPage"
    words = _letters([p for p in "\n".join(pages).splitlines() if p.strip()])
    for text in [handmade.BODY_FIRST, *handmade.BODY_MIDDLE, handmade.BODY_LAST, *handmade.APPENDIX_TITLES]:
        assert _letters([text])[:40] in words.replace("\n", ""), text


def _styles_against_the_decree(d: Any) -> None:
    """Italic undone by two styles on the date, the header table's first row italic by its
    table style, the Quốc hiệu unbolded by a bold paragraph style and a bold character style."""
    _date_upright_by_two_styles(d)
    _header_first_row_italic(d)
    para = d.styles.add_style("Dam doan", WD_STYLE_TYPE.PARAGRAPH)
    para.font.bold = True
    char = d.styles.add_style("Dam chu", WD_STYLE_TYPE.CHARACTER)
    char.font.bold = True
    p = handmade.find(d, handmade.QUOC_HIEU)
    p.style = para
    for r in p.runs:
        r.font.bold = None
        r.style = char


def test_libreoffice_shows_each_element_in_the_decrees_bold_and_italic(
    fixed_pdfs: dict[str, tuple[Path, Path]],
) -> None:
    """An oracle no one here wrote: LibreOffice's own rendering of the fixed letter, read back as
    pdftohtml marks bold (<b>) and italic (<i>) text."""
    _docx, pdf = fixed_pdfs["kieu-chu"]
    xml = subprocess.run(
        [require_tool("pdftohtml"), "-xml", "-i", "-stdout", str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    shown = {}
    for inner in re.findall(r"<text [^>]*>(.*?)</text>", xml):
        text = re.sub(r"<[^>]+>", "", inner).strip()
        shown.setdefault(text, ("<b>" in inner, "<i>" in inner))
    expected = {  # (bold, italic), Phụ lục I Mục II
        handmade.QUOC_HIEU: (True, False),
        handmade.TIEU_NGU: (True, False),
        handmade.AGENCY: (True, False),
        handmade.NUMBER: (False, False),
        handmade.DATE: (False, True),
        "Nơi nhận:": (True, True),
    }
    for text, look in expected.items():
        assert shown.get(text) == look, (text, shown.get(text))


def test_libreoffice_draws_the_dash_of_a_bulleted_kinh_gui(fixed_pdfs: dict[str, tuple[Path, Path]]) -> None:
    _docx, pdf = fixed_pdfs["gach-dau-dong"]
    text = "\n".join(_pages(pdf))
    for line in ("Sở Thông tin và Truyền thông;", "Sở Nội vụ;", "Văn phòng UBND tỉnh."):
        assert re.search(rf"^\s*-\s+{re.escape(line)}", text, re.M), line
    assert "•" not in text


def test_libreoffice_draws_the_fixed_letter_in_times_new_roman(
    fixed_pdfs: dict[str, tuple[Path, Path]],
) -> None:
    _docx, pdf = fixed_pdfs["phong-chu"]
    fonts = subprocess.run(
        [require_tool("pdffonts"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    assert names
    assert all(re.search(r"TimesNewRoman|LiberationSerif|Times", n) for n in names), names


_SAVED_BY_LIBREOFFICE = [
    "margin_left_25mm",
    "quoc_hieu_not_bold",
    "tieu_ngu_en_dashes",
    "agency_rule_removed",
    "date_day_7",
    "kinh_gui_item_no_semicolon",
    "body_line_spacing_double",
    "noi_nhan_luu_no_colon",
    "page_number_missing",
    "appendix_same_page",
]


@pytest.fixture(scope="session")
def saved_by_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Defective letters as LibreOffice writes them (Writer's own Word export), one soffice run."""
    folder = tmp_path_factory.mktemp("lo-saved")
    sources = []
    for m in handmade.MUTATIONS:
        if m.name in _SAVED_BY_LIBREOFFICE:
            path = folder / "src" / f"{m.name}.docx"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(m.build())
            sources.append(path)
    handmade.libreoffice_roundtrip(sources, folder / "out", require_tool("soffice"))
    return {p.stem: (folder / "out" / p.name).read_bytes() for p in sources}


@pytest.mark.parametrize("name", _SAVED_BY_LIBREOFFICE)
def test_letters_saved_by_libreoffice_are_fixed(name: str, saved_by_libreoffice: dict[str, bytes]) -> None:
    data = saved_by_libreoffice[name]
    found = _rules(data)
    assert found
    fixed = fix_docx(data)
    assert fixed.data is not None
    assert _rules(fixed.data) == set(), [str(f) for f in fixed.after]
    assert _letters(_words(fixed.data)) == _letters(_words(data))


# --- the browser app's Kiểm tra văn bản page ----------------------------------------------------


def test_the_check_page_offers_the_fixed_letter(tmp_path: Path) -> None:
    import warnings

    from wfh_docs.web.app import create_app
    from wfh_docs.web.config import WebConfig

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from starlette.testclient import TestClient

    typed = handmade.MUTATIONS[0].build()  # the left margin 25 mm
    clean = handmade.to_bytes(handmade.clean_letter())
    with TestClient(create_app(WebConfig()), base_url="http://127.0.0.1:8750") as c:
        c.get("/soan")
        csrf = c.cookies.get("wfhdoc_csrf")
        r = c.post(
            "/kiem-tra",
            data={"csrf": csrf},
            files=[
                ("files", ("go-tay.docx", typed, "application/octet-stream")),
                ("files", ("dung.docx", clean, "application/octet-stream")),
            ],
        )
        assert r.status_code == 200
        assert "Tải văn bản đã sửa" in r.text or "Download the fixed letter" in r.text
        links = re.findall(r'href="(/kiem-tra/ban-sua/[^"]+)"', r.text)
        assert len(links) == 1  # the correct letter has nothing to fix
        got = c.get(links[0])
        assert got.status_code == 200
        assert 'filename="go-tay-fixed.docx"' in got.headers["content-disposition"]
        assert "page.margins" in _rules(typed) and "page.margins" not in _rules(got.content)
        assert _letters(_words(got.content)) == _letters(_words(typed))
        assert c.get("/kiem-tra/ban-sua/khong-co").status_code == 404


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def test_a_letter_with_a_damaged_header_is_refused_with_its_part(tmp_path: Path) -> None:
    data = handmade.MUTATIONS[0].build()
    header = next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("word/header"))
    source = tmp_path / "hong-dau-trang.docx"
    damaged = _with_member(data, header, b"<w:hdr><w:p>")
    source.write_bytes(damaged)
    with pytest.raises(FixError, match=re.escape(header)) as caught:
        fix_file(source)
    assert "Word" in str(caught.value)
    assert not default_output(source).exists()
    assert source.read_bytes() == damaged


# --- the kinds with a tên loại: their elements' look (tests/test_check_kinds.py plants them) -------

_KIND_LOOKS = {
    "type_name.format",
    "type_subject.format",
    "can_cu.format",
    "article.format",
    "decision.command",
    "decision.authority",
    "recipients.style",
    "can_cu.punctuation",
}
KIND_DEFECTS = [
    d
    for d in (getattr(d, "values", d) for d in test_check_kinds.DEFECTS)
    if d[3] in _KIND_LOOKS and not (d[3] == "article.format" and d[4] == "full stop")
]


@pytest.mark.parametrize(
    ("stem", "prefix", "change", "rule_id", "word"),
    KIND_DEFECTS,
    ids=[f"{d[3]}-{d[0]}" for d in KIND_DEFECTS],
)
def test_a_kinds_element_in_the_wrong_look_is_fixed_and_its_text_kept(
    stem: str, prefix: str, change: Any, rule_id: str, word: str
) -> None:
    data = test_check_kinds.planted(stem, prefix, change)
    assert rule_id in _rules(data)
    fixed = fix_docx(data)
    assert fixed.data is not None
    assert check_docx(fixed.data) == []
    assert rule_id in {f.rule for f in fixed.fixed}
    assert _letters(_words(fixed.data)) == _letters(_words(data))


def test_an_article_number_is_bolded_alone_and_the_quyet_dinh_keeps_its_centred_headings() -> None:
    data = test_check_kinds.planted(test_check_kinds.QD, "Điều 1.", lambda p: _one_run(p, bold=False))
    fixed = fix_docx(data)
    assert fixed.data is not None
    d = docx.Document(io.BytesIO(fixed.data))
    p = next(p for p in d.paragraphs if p.text.startswith("Điều 1."))
    assert p.text == docx.Document(io.BytesIO(data)).paragraphs[_index(data, "Điều 1.")].text
    bold = "".join(r.text for r in p.runs if r.font.bold)
    assert bold.strip() == "Điều 1."
    shown = {p.text.strip(): p.props.jc for p in Docx(fixed.data).paragraphs()}  # as styles resolve it
    for start in ("QUYẾT ĐỊNH:", "QUYẾT ĐỊNH", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CAN LỘC"):
        assert shown[start] == "center", start
    can_cu = [p for p in d.paragraphs if p.text.startswith("Căn cứ")]
    assert can_cu and all(r.font.italic for p in can_cu for r in p.runs if r.text.strip())


def _one_run(p: Any, *, bold: bool) -> None:
    """The paragraph's text in one run, not bold: "Điều 1." no longer a run of its own."""
    text = p.text
    for r in p.runs[1:]:
        r._r.getparent().remove(r._r)
    p.runs[0].text = text
    p.runs[0].font.bold = bold


def _index(data: bytes, start: str) -> int:
    return next(
        n for n, p in enumerate(docx.Document(io.BytesIO(data)).paragraphs) if p.text.startswith(start)
    )


def test_the_can_cu_end_with_semicolons_and_the_last_with_a_full_stop() -> None:
    d = docx.Document(io.BytesIO(test_check_kinds.built(test_check_kinds.QD)))
    lines = [p for p in d.paragraphs if p.text.startswith(("Căn cứ", "Theo đề nghị"))]
    right = [p.text for p in lines]
    for p in lines:  # every line typed with the wrong mark
        last = [r for r in p.runs if r.text][-1]
        last.text = last.text[:-1] + ("," if last.text.endswith(";") else ";")
    out = io.BytesIO()
    d.save(out)
    assert "can_cu.punctuation" in _rules(out.getvalue())
    fixed = fix_docx(out.getvalue())
    assert fixed.data is not None and fixed.passes
    after = [
        p.text for p in docx.Document(io.BytesIO(fixed.data)).paragraphs if p.text.startswith(tuple(right))
    ]
    assert after == right and right[-1].endswith(".") and right[0].endswith(";")


def test_an_upright_theo_de_nghi_line_is_set_in_italics_as_the_can_cu() -> None:
    def upright(p: Any) -> None:
        for r in p.runs:
            r.font.italic = False

    data = test_check_kinds.planted(test_check_kinds.QD, "Theo đề nghị", upright)
    assert "can_cu.format" in _rules(data)
    fixed = fix_docx(data)
    assert fixed.data is not None and fixed.passes
    assert "can_cu.format" in {f.rule for f in fixed.fixed}
    [line] = [
        p for p in docx.Document(io.BytesIO(fixed.data)).paragraphs if p.text.startswith("Theo đề nghị")
    ]
    assert all(r.font.italic for r in line.runs if r.text.strip()), line.text
    assert line.text.endswith(".")  # still the căn cứ's last line


def test_every_sample_of_every_kind_is_left_alone() -> None:
    for source in sorted((ROOT / "data" / "examples").glob("*.json")):
        fixed = fix_docx(test_check_kinds.built(source.stem))
        assert fixed.before == [] and fixed.data is None, source.name


def test_an_agency_in_small_capitals_is_found_and_fixed_as_the_agency() -> None:
    doc = handmade.clean_letter()
    p = handmade.find(doc, handmade.AGENCY)
    handmade.retext(p, handmade.AGENCY.capitalize())
    for r in p.runs:
        r.font.small_caps = True  # read as capitals: the agency's name
        r.font.size = Pt(14)  # and a defect the checker sees
    data = handmade.to_bytes(doc)
    assert "issuer.format" in _rules(data)
    fixed = fix_docx(data)
    assert fixed.data is not None and fixed.passes
    runs = _runs_of(fixed.data, handmade.AGENCY.capitalize())
    assert runs and all(r.font.size == Pt(13) and r.font.bold for r in runs)
