"""Bản sao (Mẫu 3.1): the copy's block under the letter, its text and formatting as the decree's
Mẫu and Phụ lục I, Phần II, Mục II give them, its data's hostile values, and one LibreOffice page."""

from __future__ import annotations

import copy
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from helpers import EXAMPLES, require_tool, soffice_pdf

from wfh_docs.errors import InputError
from wfh_docs.letter.sources import load_letter, validate
from wfh_docs.render import Template

SAMPLE = EXAMPLES / "ban-sao" / "sao-y-quyet-dinh-to-cong-tac.json"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return Template().render(load_letter(SAMPLE).letter).data


def _data() -> dict[str, Any]:
    return copy.deepcopy(json.loads(SAMPLE.read_text(encoding="utf-8")))


def _lines(data: bytes) -> list[str]:
    """Every line of the document, in the order of its body (tables' cells included)."""
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for p in document.element.body.iter(f"{W}p"):
        text = Paragraph(p, document).text
        lines.extend(line for line in text.split("\n") if line.strip())
    return lines


def test_the_copy_is_printed_under_the_letter_as_mau_3_1(rendered: bytes) -> None:
    lines = _lines(rendered)
    original_signer = lines.index("Phan Đình Dũng")
    assert lines[original_signer + 1 :] == [
        "VĂN PHÒNG",
        "HĐND VÀ UBND",
        "HUYỆN CAN LỘC",
        "SAO Y",
        "Số: 12/SY-VP",
        "Can Lộc, ngày 03 tháng 4 năm 2020",
        "Nơi nhận:",
        "- Các cơ quan, đơn vị thuộc UBND huyện;",
        "- Các thành viên Tổ công tác;",
        "- Lưu: VT.",
        "TL. CHỦ TỊCH",
        "CHÁNH VĂN PHÒNG",
        "Trần Thị Bình",
    ]


def _paragraph(document: Any, text: str) -> Any:
    found = [p for p in document.paragraphs if text in p.text.split("\n")]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found += [p for p in cell.paragraphs if text in p.text.split("\n")]
    assert found, text
    return found[-1]


def _effective(paragraph: Any, attribute: str) -> Any:
    style = paragraph.style
    while style is not None:
        value = getattr(style.font, attribute)
        if value is not None:
            return value
        style = style.base_style
    return None


def test_the_copys_parts_have_the_decrees_formatting(rendered: bytes) -> None:
    document = docx.Document(io.BytesIO(rendered))
    form = _paragraph(document, "SAO Y")  # ô 1: in hoa, 13-14, đứng, đậm
    assert _effective(form, "bold") is True and _effective(form, "size") == Pt(14)
    assert not _effective(form, "italic")
    date = _paragraph(document, "Can Lộc, ngày 03 tháng 4 năm 2020")  # ô 4: as the letter's, italic
    assert _effective(date, "italic") is True
    agency = _paragraph(document, "HUYỆN CAN LỘC")  # ô 2: as tên cơ quan ban hành, bold capitals
    assert _effective(agency, "bold") is True and agency.style.style_id == "CoQuanBanHanh"
    cc = _paragraph(document, "Nơi nhận:")  # the copy's Nơi nhận, as the letter's: 12 bold italic
    assert _effective(cc, "size") == Pt(12) and _effective(cc, "italic") is True
    # the line across the text: a paragraph with a bottom border and no indent, just before the
    # table that opens the copy's block
    body = list(document.element.body.iterchildren())
    opens = next(i for i, el in enumerate(body) if el.tag == f"{W}tbl" and "SAO Y" in "".join(el.itertext()))
    line = body[opens - 1]
    assert line.tag == f"{W}p" and line.find(f"{W}pPr/{W}ind").get(f"{W}left") == "0"
    assert line.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "DuongKe"


def test_a_letter_without_copy_has_no_copy_block() -> None:
    data = _data()
    del data["copy"]
    lines = _lines(Template().render(validate(data, "test")).data)
    assert lines[-1] == "Phan Đình Dũng" and "SAO Y" not in lines


@pytest.mark.parametrize(
    ("form", "printed", "symbol"),
    [
        ("trích sao", "TRÍCH SAO", "Số: 12/TrS-VP"),
        ("SL", "SAO LỤC", "Số: 12/SL-VP"),
        ("sao-y", "SAO Y", "Số: 12/SY-VP"),
    ],
)
def test_each_form_of_copy_with_its_ky_hieu(form: str, printed: str, symbol: str) -> None:
    data = _data()
    data["copy"]["form"] = form
    lines = _lines(Template().render(validate(data, "test")).data)
    assert printed in lines and symbol in lines


def test_a_copy_number_written_as_text_is_the_number() -> None:
    data = _data()
    data["copy"]["number"] = " 05 "
    made = validate(data, "test").copy_
    assert made is not None and made.number == 5


def test_a_copy_without_a_number_leaves_it_for_the_register() -> None:
    data = _data()
    del data["copy"]["number"], data["copy"]["date"]
    lines = _lines(Template().render(validate(data, "test")).data)
    assert "Số:          /SY-VP" in lines  # blanks the clerk or the document system fills in
    assert "Can Lộc, ngày       tháng       năm          " in lines


@pytest.mark.parametrize(
    ("change", "where", "said"),
    [
        ({"form": "BẢN SAO"}, "$.copy.form", "'SAO Y', 'TRÍCH SAO' or 'SAO LỤC'"),
        ({"form": 3}, "$.copy.form", "'SAO Y', 'TRÍCH SAO' or 'SAO LỤC'"),
        ({"date": None}, "$.copy", "the copy has the number 12 but no date"),
        ({"number": True}, "$.copy.number", "not true/false"),
        # the copy's number is read as the letter's is (letter.dates.parse_number)
        ({"number": "12a"}, "$.copy.number", 'not "12a" (for example 451)'),
        ({"number": "１２"}, "$.copy.number", "digits 0-9"),
        ({"number": 0}, "$.copy.number", ""),
        (
            {"issuer": {"name": "VĂN PHÒNG", "abbreviation": "V P", "place": "Can Lộc"}},
            "$.copy.issuer.abbreviation",
            "",
        ),
        ({"extra": 1}, "$.copy.extra", ""),
    ],
)
def test_hostile_values_of_the_copy_are_one_problem_at_their_field(
    change: dict[str, Any], where: str, said: str
) -> None:
    data = _data()
    data["copy"].update(change)
    with pytest.raises(InputError) as info:
        validate(data, "test")
    problems = info.value.problems
    assert [p.where for p in problems] == [where], problems
    assert said in problems[0].message


def test_the_copy_converts_with_libreoffice(rendered: bytes, tmp_path: Path) -> None:
    require_tool("pdftotext")
    source = tmp_path / "sao-y.docx"
    source.write_bytes(rendered)
    pdf = soffice_pdf([source], tmp_path)[0]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    last_page = text.split("\f")[-2] if text.endswith("\f") else text.split("\f")[-1]
    # the copy's block on the page of the letter's end, under its signer
    assert last_page.index("Phan Đình Dũng") < last_page.index("SAO Y") < last_page.index("Trần Thị Bình")
    assert "Số: 12/SY-VP" in last_page and "Can Lộc, ngày 03 tháng 4 năm 2020" in last_page


def test_a_problem_of_the_copy_is_named_in_vietnamese(monkeypatch: pytest.MonkeyPatch) -> None:
    from wfh_docs.letter.labels import field_name

    monkeypatch.setattr("wfh_docs.letter.labels.language", lambda: "vi")
    assert field_name("$.copy.form") == "Hình thức sao (copy.form)"
    assert field_name("$.copy.cc[1]") == "Nơi nhận bản sao (copy.cc[1])"


def test_what_of_the_copy_the_zero_loss_check_looks_for_is_in_the_document(rendered: bytes) -> None:
    from wfh_docs.render import copying

    lines = _lines(rendered)
    wanted = copying.expected(load_letter(SAMPLE).letter)
    assert "SAO Y" in wanted and "Số: 12/SY-VP" not in wanted  # "Số: " is the template's
    text = "\n".join(lines)
    assert all(piece in text for piece in wanted), [p for p in wanted if p not in text]
    data = _data()
    del data["copy"]
    assert copying.expected(validate(data, "test")) == []


def test_the_copys_signature_space_can_say_da_ky() -> None:
    data = _data()
    data["copy"]["signer"]["signature_text"] = "(Đã ký)"
    lines = _lines(Template().render(validate(data, "test")).data)
    assert lines[-3:] == ["CHÁNH VĂN PHÒNG", "(Đã ký)", "Trần Thị Bình"]


def test_a_template_that_drops_the_copy_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # a template without the copy block (one made before copies, or edited in Word) must not
    # give a letter silently missing its "SAO Y" part: the zero-loss check names what is lost
    from wfh_docs.errors import RenderError
    from wfh_docs.render import contract

    values = contract.copying.values
    monkeypatch.setattr(contract.copying, "values", lambda letter: {k: "" for k in values(letter)})
    with pytest.raises(RenderError, match="SAO Y"):
        Template().render(load_letter(SAMPLE).letter)


# --- the checker on copies: `wfhdoc check` reads the copy's block (check/copies.py) ----------------

BAN_SAO = sorted((EXAMPLES / "ban-sao").glob("*.json"))


def _findings(data: bytes) -> list[Any]:
    from wfh_docs.check import check_docx
    from wfh_docs.i18n import using

    with using("en"):
        return check_docx(data)


@pytest.mark.parametrize("source", BAN_SAO, ids=lambda p: p.stem)
@pytest.mark.parametrize("form", [None, "TRÍCH SAO", "SAO LỤC", "blank"])
def test_every_copy_wfhdoc_builds_passes_the_checker(source: Path, form: str | None) -> None:
    data = json.loads(source.read_text(encoding="utf-8"))
    if form == "blank":  # no number and date yet: "Số:     /SY-VP", "ngày     tháng     năm"
        del data["copy"]["number"], data["copy"]["date"]
    elif form:
        data["copy"]["form"] = form
    found = _findings(Template().render(validate(data, "test")).data)
    assert not found, "\n".join(map(str, found))


def _in_copy(rendered: bytes, start: str, change: Any) -> bytes:
    """The copy with `change` made to the last paragraph that starts with `start` (the copy's
    block is after the letter's own lines)."""
    document = docx.Document(io.BytesIO(rendered))
    found = [p for p in document.paragraphs if p.text.strip().startswith(start)]
    for table in document.tables:
        for cell in table._cells:
            found += [p for p in cell.paragraphs if p.text.strip().startswith(start)]
    assert found, start
    change(found[-1])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _retext(old: str, new: str) -> Any:
    def change(p: Paragraph) -> None:
        run = next(r for r in p.runs if old in r.text)
        run.text = run.text.replace(old, new)

    return change


def _each_run(**looks: Any) -> Any:
    def change(p: Paragraph) -> None:
        for r in p.runs:
            for name, value in looks.items():
                setattr(r.font, name, value)

    return change


def _lower_case(p: Paragraph) -> None:
    for r in p.runs:
        r.text = r.text.capitalize()
        r.font.all_caps = False


# (the line's start, the defect, the rule, its severity, what the finding says, what it expects)
COPY_DEFECTS = [
    ("Số: 12/SY", _retext("12/SY-VP", "05/VP"), "copy.number", "warning", "SY, TrS or SL", "05/SY-VP"),
    ("Số: 12/SY", _retext("12/SY-VP", "12/TS-VP"), "copy.number", "warning", '"SAO Y" copy', "SY"),
    ("Số: 12/SY", _retext("12/SY-VP", "5/SY-VP"), "copy.number", "warning", "leading 0", "05/"),
    ("Số: 12/SY", _retext("12/SY-VP", "12/ SY - VP"), "copy.number", "warning", "no spaces", "12/SY-VP"),
    ("Số: 12/SY", _retext("Số:", "Số"), "copy.number", "warning", "colon", "Số: 12/SY-VP"),
    ("SAO Y", _each_run(bold=False), "copy.form_format", "warning", "bold", "bold"),
    ("SAO Y", _each_run(italic=True), "copy.form_format", "warning", "upright", "upright"),
    ("SAO Y", _lower_case, "copy.form", "error", "capitals", "SAO Y"),
    ("SAO Y", _retext("SAO Y", "SAO Y BẢN CHÍNH"), "copy.form", "error", "TRÍCH SAO", "SAO Y"),
    ("SAO Y", _retext("SAO Y", ""), "copy.form", "error", "no hình thức sao", "SAO Y"),
    ("Can Lộc, ngày 03", _retext("Can Lộc,", "Can Lộc"), "copy.date", "warning", "comma", "Can Lộc, ngày"),
    ("Can Lộc, ngày 03", _retext("ngày 03", "ngày 3"), "copy.date", "warning", "leading 0", "ngày 03"),
    ("Can Lộc, ngày 03", _retext("tháng 4", "tháng 04"), "copy.date", "warning", "04", "tháng 4"),
]


@pytest.mark.parametrize(
    ("start", "change", "rule_id", "severity", "said", "expected"),
    COPY_DEFECTS,
    ids=[f"{d[2]}-{n:02}" for n, d in enumerate(COPY_DEFECTS)],
)
def test_a_defect_of_the_copys_block_is_found_under_its_rule(
    rendered: bytes, start: str, change: Any, rule_id: str, severity: str, said: str, expected: str
) -> None:
    from wfh_docs.check import rule

    found = _findings(_in_copy(rendered, start, change))
    assert [(f.rule, f.severity) for f in found] == [(rule_id, severity)], "\n".join(map(str, found))
    [hit] = found
    assert said in hit.message and hit.expected == expected, hit
    assert hit.clause == rule(rule_id).clause and hit.where


def test_a_copy_in_lower_case_shown_as_capitals_is_in_capitals(rendered: bytes) -> None:
    # "sao y" typed, w:caps on: the reader sees "SAO Y", as the decree writes it
    def typed_lower(p: Paragraph) -> None:
        for r in p.runs:
            r.text = r.text.lower()
            r.font.all_caps = True

    assert _findings(_in_copy(rendered, "SAO Y", typed_lower)) == []


def test_the_copys_missing_number_and_date_lines_are_said(rendered: bytes) -> None:
    def cleared(p: Paragraph) -> None:
        for r in p.runs:
            r.text = ""

    no_number = _findings(_in_copy(rendered, "Số: 12/SY", cleared))
    assert [(f.rule, f.expected) for f in no_number] == [("copy.number", "Số: 05/SY-VP")]
    no_date = _findings(_in_copy(rendered, "Can Lộc, ngày 03", cleared))
    assert [f.rule for f in no_date] == ["copy.date"] and "missing" in no_date[0].message


def test_a_copys_finding_cites_the_decree_for_a_vietnamese_clerk(rendered: bytes) -> None:
    from wfh_docs.check import check_docx
    from wfh_docs.i18n import using

    with using("vi"):
        [hit] = check_docx(_in_copy(rendered, "SAO Y", _lower_case))
    assert hit.element == "Hình thức sao" and hit.message.endswith("(Mục II.3 Phần II Phụ lục I)")


@pytest.mark.parametrize(
    "change", [_each_run(bold=False), _each_run(italic=True), _lower_case], ids=["upright", "italic", "lower"]
)
def test_check_fix_sets_the_hinh_thuc_sao_as_mau_3_1(rendered: bytes, change: Any) -> None:
    # --fix gives the hình thức sao its look (capitals, bold, upright) without changing a word
    from wfh_docs.check.fix import fix_docx

    broken = _in_copy(rendered, "SAO Y", change)
    assert any(f.rule.startswith("copy.form") for f in _findings(broken))
    fixed = fix_docx(broken)
    assert not [f for f in _findings(fixed.data) if f.rule.startswith("copy.")], fixed.after
    document = docx.Document(io.BytesIO(fixed.data))
    texts = [p.text for t in document.tables for c in t._cells for p in c.paragraphs]
    before = docx.Document(io.BytesIO(broken))
    assert texts == [p.text for t in before.tables for c in t._cells for p in c.paragraphs]
