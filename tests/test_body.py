"""Bodies as rich as real letters: bold italic, centred lines, merged cells, page breaks, the
signature space's "(đã ký)", the closing "./." once; each read back from the built .docx."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from helpers import REFERENCE_JSON

from wfh_docs.check.docx import Docx
from wfh_docs.errors import InputError, RenderError
from wfh_docs.letter.model import Letter
from wfh_docs.letter.sources import validate
from wfh_docs.render import Template, inline
from wfh_docs.render import verify as verify_module
from wfh_docs.render.verify import only_markup_removed


def make(**changes: Any) -> Letter:
    data = copy.deepcopy(json.loads(REFERENCE_JSON.read_text(encoding="utf-8")))
    data.pop("appendices", None)
    for key, value in changes.items():
        if key.startswith("signer__"):
            data["signer"][key.removeprefix("signer__")] = value
        else:
            data[key] = value
    return validate(data, "test")


def built(template: Template, **changes: Any) -> Docx:
    return Docx(template.render(make(**changes)).data)


def para(docx: Docx, text: str):  # type: ignore[no-untyped-def]
    found = [p for p in docx.paragraphs() if p.text == text]
    assert found, f"no paragraph {text!r} in {[p.text for p in docx.paragraphs()][:60]}"
    return found[0]


def test_bold_italic_prints_no_asterisk(template: Template) -> None:
    docx = built(template, body=["Mở đầu ***rất quan trọng*** và **đậm** rồi *nghiêng*.", "Hết."])
    p = para(docx, "Mở đầu rất quan trọng và đậm rồi nghiêng.")
    styled = {r.text: (bool(r.props.bold), bool(r.props.italic)) for r in p.runs if r.text}
    assert styled["rất quan trọng"] == (True, True)
    assert styled["đậm"] == (True, False)
    assert styled["nghiêng"] == (False, True)
    assert "*" not in "\n".join(p.text for p in docx.paragraphs())


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("***x***", [("x", True, True)]),
        ("***a** b*", [("a", True, True), (" b", False, True)]),
        ("*a **b** c*", [("a ", False, True), ("b", True, True), (" c", False, True)]),
        ("*foo**bar**baz*", [("foo", False, True), ("bar", True, True), ("baz", False, True)]),
        ("5 * 3 = 15", [("5 * 3 = 15", False, False)]),
    ],
)
def test_emphasis_nests_as_commonmark(text: str, spans: list[tuple[str, bool, bool]]) -> None:
    assert [(s.text, s.bold, s.italic) for s in inline.parse(text)] == spans


def test_a_run_of_asterisks_only_partly_markup_is_refused_at_its_field() -> None:
    with pytest.raises(InputError) as info:
        make(body=["Một đoạn **đậm*** sai."])
    problem = info.value.problems[0]
    assert problem.where == "$.body[0]"
    assert "\\*" in problem.message and "***" in problem.message


def test_the_check_catches_an_asterisk_the_parser_lets_through(
    template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a parser that prints the markup: the letter would show "*x*"; verify must notice
    leaky = lambda s: (inline.Span(s.replace("**", "")),)  # noqa: E731
    monkeypatch.setattr(verify_module.inline, "plain", lambda s: "".join(x.text for x in leaky(s)))
    monkeypatch.setattr("wfh_docs.render.builders.inline.parse", leaky)
    verify_module._lines_read.cache_clear()
    verify_module._paragraph_lines.cache_clear()
    verify_module._cached_lines.cache_clear()
    monkeypatch.setattr("wfh_docs.render.builders.paragraphs", verify_module.builders.paragraphs.__wrapped__)
    with pytest.raises(RenderError, match=r"body\[0\]"):
        template.render(make(body=["Chữ ***x*** đây."]))
    verify_module._lines_read.cache_clear()
    verify_module._paragraph_lines.cache_clear()
    verify_module._cached_lines.cache_clear()


@pytest.mark.parametrize(
    ("source", "line", "ok"),
    [
        ("a ***x*** b", "a x b", True),
        ("a ***x*** b", "a *x* b", False),  # a run printed in part
        ("a ***x*** b", "a x", False),  # a character lost
        ("a **x** b", "a x bb", False),  # one added
        ("5 \\* 3", "5 * 3", True),
        ("*Kết thúc)./.*", "Kết thúc)./.", True),
        ("*Kết thúc)./.*", "Kết thúc)./../.", False),
    ],
)
def test_only_markup_is_removed(source: str, line: str, ok: bool) -> None:
    assert only_markup_removed(source, line) is ok


def test_italic_last_paragraph_ending_in_closing_mark_keeps_one(template: Template) -> None:
    docx = built(template, body=["Một.", "*(Văn bản này thay thế Công văn số 12/SCT-VP)./.*"])
    p = para(docx, "(Văn bản này thay thế Công văn số 12/SCT-VP)./.")
    assert all(r.props.italic for r in p.runs if r.text.strip())
    assert not any(")./../." in q.text for q in docx.paragraphs())


def test_italic_last_paragraph_without_mark_gets_it_after_the_italics(template: Template) -> None:
    docx = built(template, body=["*Trân trọng.*"])
    p = para(docx, "Trân trọng./.")
    assert [(r.text, bool(r.props.italic)) for r in p.runs] == [("Trân trọng.", True), ("/.", False)]


def test_centred_heading_and_centred_line(template: Template) -> None:
    body = [
        {"heading": "Chương I", "align": "center"},
        {"heading": "QUY ĐỊNH CHUNG", "align": "center"},
        {"paragraph": "MÔN: **TOÁN**", "align": "center"},
        {"paragraph": "Người lập biểu", "align": "right"},
        "Nội dung.",
    ]
    docx = built(template, body=body)
    for text in ("Chương I", "QUY ĐỊNH CHUNG"):
        p = para(docx, text)
        assert p.props.jc == "center" and p.props.ind.get("firstLine", 0) == 0
        assert all(r.props.bold for r in p.runs if r.text)
    mon = para(docx, "MÔN: TOÁN")
    assert mon.props.jc == "center"
    assert [(r.text, bool(r.props.bold)) for r in mon.runs] == [("MÔN: ", False), ("TOÁN", True)]
    assert para(docx, "Người lập biểu").props.jc == "right"
    assert para(docx, "Nội dung./.").props.jc == "both"


MERGED = {
    "table": {
        "columns": [
            {"text": "STT", "rowspan": 2},
            {"text": "Đơn vị", "rowspan": 2},
            {"text": "Số người", "colspan": 2},
        ],
        "header_rows": 1,
        "rows": [
            ["Tại nhà", "Tại cơ quan"],
            [1, {"text": "Văn phòng **Sở**", "align": "left"}, 12, 3],
            [{"text": "Cộng", "colspan": 2, "align": "center"}, 12, 3],
            [2, {"text": "Phòng A", "rowspan": 2}, 4, 1],
            [3, 5, 0],
        ],
        "widths": [1, 5, 2, 2],
    }
}


def test_table_with_merged_cells(template: Template) -> None:
    data = template.render(make(body=["Số liệu như sau:", MERGED, "Hết."])).data
    docx = Docx(data)
    cells = [p for p in docx.paragraphs() if p.in_table and p.table_index is not None and p.text]
    texts = [p.text for p in cells]
    for want in ("STT", "Số người", "Tại nhà", "Văn phòng Sở", "Cộng", "Phòng A"):
        assert want in texts
    import zipfile
    from io import BytesIO

    xml = zipfile.ZipFile(BytesIO(data)).read("word/document.xml").decode()
    table = xml[xml.index('<w:tbl><w:tblPr><w:tblStyle w:val="BangPhuLuc"') :]
    table = table[: table.index("</w:tbl>")]
    rows = table.split("<w:tr>")[1:]
    assert len(rows) == 6
    assert rows[0].count("<w:tc>") == 3 and '<w:gridSpan w:val="2"/>' in rows[0]
    assert rows[0].count('<w:vMerge w:val="restart"/>') == 2
    assert rows[1].count("<w:vMerge/>") == 2 and "<w:tblHeader/>" in rows[1]  # under STT, Đơn vị
    assert rows[3].count("<w:tc>") == 3  # "Cộng" spans two columns
    assert rows[5].count("<w:vMerge/>") == 1  # under "Phòng A"
    bold = para(docx, "Văn phòng Sở")
    assert [(r.text, bool(r.props.bold)) for r in bold.runs] == [("Văn phòng ", False), ("Sở", True)]
    assert para(docx, "Cộng").props.jc == "center"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([[1, 2, 3, 4, 5]], "row 1 has 5 cells but there are 4 columns"),
        ([[{"text": "x", "colspan": 2}, 1, 2, 3]], "row 1, cell 4 goes past the last column"),
        ([[{"text": "x", "colspan": 2}, 1]], "row 1 fills 3 of the 4 columns"),
        ([[1, {"text": "x", "rowspan": 3}, 2, 3], [1, 2, 3]], "rowspan goes past the last row"),
        (
            [[1, {"text": "x", "rowspan": 2}, 2, 3], [{"text": "y", "colspan": 2}, 2, 3]],
            "row 2, cell 1 goes past a cell merged from a row above",
        ),
    ],
)
def test_merged_cells_that_do_not_fit_are_refused(rows: list[Any], message: str) -> None:
    table = {"table": {"columns": ["A", "B", "C", "D"], "rows": rows}}
    with pytest.raises(InputError) as info:
        make(body=[table])
    assert message in str(info.value)
    assert info.value.problems[0].where == "$.body[0].table"


def test_page_break_starts_a_new_page(template: Template) -> None:
    docx = built(template, body=["Trang một.", {"page_break": True}, "Trang hai."])
    ps = docx.paragraphs()
    i = next(i for i, p in enumerate(ps) if p.text == "Trang một.")
    j = next(i for i, p in enumerate(ps) if p.text == "Trang hai./.")
    assert any(p.page_break_after or p.page_break_before for p in ps[i + 1 : j + 1])


def test_signature_space_holds_da_ky_on_a_copy(template: Template) -> None:
    docx = built(template, signer__signature_text="(đã ký)")
    names = [p.text for p in docx.paragraphs()]
    p = para(docx, "(đã ký)")
    assert p.style == "ChoKy" and p.props.jc == "center"
    assert names.index("(đã ký)") < names.index("Nguyễn Hữu Hưng")


def test_a_centred_picture_and_the_centred_caption_under_it_are_no_running_text() -> None:
    import base64
    import io

    from PIL import Image

    from wfh_docs.check import check_docx

    buf = io.BytesIO()
    Image.new("RGB", (400, 200), "white").save(buf, "PNG")
    picture = {"image": {"data": base64.b64encode(buf.getvalue()).decode(), "alt": "Sơ đồ"}}
    body = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))["body"]
    caption = {"paragraph": "Hình 1. Sơ đồ kết nối", "align": "center"}  # not bold: a caption
    docx = Template().render(make(body=[body[0], picture, caption, *body[1:]])).data
    assert [f.rule for f in check_docx(docx) if f.rule.startswith("body.")] == []
    # the same centred line with no picture above it is a body paragraph set wrongly
    lone = Template().render(make(body=[body[0], caption, *body[1:]])).data
    assert "body.alignment" in [f.rule for f in check_docx(lone)]
    # and a picture set left is no figure: the caption under it is text to justify
    left = Template().render(make(body=[body[0], {**picture, "align": "left"}, caption, *body[1:]])).data
    assert "body.alignment" in [f.rule for f in check_docx(left)]
