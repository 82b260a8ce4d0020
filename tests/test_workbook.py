"""The input workbook a clerk fills (wfhdoc mau-excel), read back with openpyxl as Excel would."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from helpers import EXAMPLES, REFERENCE_JSON, sheet_column

from wfh_docs.batch.workbook import GLOSSARY_SHEET, SHEET, workbook_bytes
from wfh_docs.letter import labels


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    data = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(data)))


def _column(ws, label: str) -> int:
    for cell in ws[1]:
        if labels.normalise_header(str(cell.value)) == labels.normalise_header(label):
            return cell.column
    raise AssertionError(f"no column {label!r}")


def test_headers_are_the_clerks_terms_in_the_order_of_the_letter(book: openpyxl.Workbook) -> None:
    ws = book[SHEET]
    heads = [c.value for c in ws[1]]
    assert heads[:4] == ["Mã", "Loại văn bản", "Cơ quan chủ quản", "Tên cơ quan ban hành *"]
    order = [labels.field_for_header(str(h)) for h in heads]
    assert order == [c.field for c in labels.COLUMNS]
    assert (
        order.index("issuer.name")
        < order.index("number")
        < order.index("subject")
        < order.index("recipients")
        < order.index("body")
        < order.index("signer.name")
        < order.index("cc")
    )


def test_every_header_has_a_note_with_an_example_or_rule(book: openpyxl.Workbook) -> None:
    ws = book[SHEET]
    for cell in ws[1]:
        assert cell.comment is not None, cell.value
        text = cell.comment.text
        field = labels.field_for_header(str(cell.value))
        assert f"[{field}]" in text
        assert len(text) > 30


def test_drop_down_lists_for_the_decrees_choices(book: openpyxl.Workbook) -> None:
    ws = book[SHEET]
    authority = openpyxl.utils.get_column_letter(_column(ws, "Thẩm quyền ký"))
    urgency = openpyxl.utils.get_column_letter(_column(ws, "Độ khẩn"))
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"{authority}2:{authority}1001"] == '"KT.,TM.,TL.,TUQ.,Q."'
    assert lists[f"{urgency}2:{urgency}1001"] == '"KHẨN,THƯỢNG KHẨN,HỎA TỐC"'


def test_the_kind_is_picked_from_the_decrees_names(book: openpyxl.Workbook) -> None:
    ws = book[SHEET]
    kind = openpyxl.utils.get_column_letter(_column(ws, "Loại văn bản"))
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    names = lists[f"{kind}2:{kind}1001"].strip('"').split(",")
    assert names[:3] == ["Công văn", "Nghị quyết", "Quyết định"]
    assert {"Kế hoạch", "Báo cáo", "Tờ trình", "Giấy mời", "Biên bản", "Giấy nghỉ phép"} <= set(names)
    assert len(lists[f"{kind}2:{kind}1001"]) <= 257  # Excel's limit: 255 characters in the quotes
    note = ws[f"{kind}1"].comment.text
    assert "để trống là Công văn" in note and "QĐ" in note


def test_formats_keep_what_the_clerk_types(book: openpyxl.Workbook) -> None:
    ws = book[SHEET]
    assert ws.cell(row=50, column=_column(ws, "Ngày ban hành")).number_format == "DD/MM/YYYY"
    assert ws.cell(row=50, column=_column(ws, "Chữ viết tắt tên cơ quan")).number_format == "@"
    assert ws.cell(row=50, column=_column(ws, "Số")).number_format == "0"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width > 5


def test_the_example_row_is_the_example_letter(book: openpyxl.Workbook) -> None:
    ws = book[SHEET]
    assert ws.cell(row=2, column=_column(ws, "Số")).value == 451
    assert ws.cell(row=2, column=_column(ws, "Ngày ban hành")).value == dt.datetime(2020, 4, 8)
    assert ws.cell(row=2, column=_column(ws, "Người ký")).value == "Nguyễn Hữu Hưng"
    body = ws.cell(row=2, column=_column(ws, "Nội dung")).value
    assert body.startswith("Sở Công Thương nhận được") and "\n" in body


def test_the_glossary_sheet_lists_every_column(book: openpyxl.Workbook) -> None:
    ws = book[GLOSSARY_SHEET]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [c.field for c in labels.COLUMNS]
    assert all(r[2] for r in rows)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Số", "number"),
        ("  SỐ  ", "number"),
        ("Trích yếu:", "subject"),
        ("Tên cơ quan", "issuer.name"),
        ("tên  cơ quan ban hành *", "issuer.name"),
        ("Ke\u0301nh gửi", None),
        ("Ki\u0301nh gửi", "recipients"),  # NFD, as Excel on a Mac may write it
        ("issuer.abbreviation", "issuer.abbreviation"),
        ("Ghi chú", None),
        ("Loại văn bản", "type"),
        ("Tên loại", "type"),
        ("Căn cứ", "bases"),
        ("Thư ký", "secretary.name"),
        ("STT", None),
    ],
)
def test_headers_are_matched_without_regard_to_case_spacing_or_normal_form(
    header: str, field: str | None
) -> None:
    assert labels.field_for_header(header) == field


def test_labels_are_unique() -> None:
    seen: dict[str, str] = {}
    for column in labels.COLUMNS:
        for name in (column.label, *column.aliases):
            key = labels.normalise_header(name)
            assert seen.setdefault(key, column.field) == column.field, name


def test_the_readme_lists_every_sheet_header() -> None:
    from helpers import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for column in labels.COLUMNS:
        aliases = ", ".join(column.aliases)
        assert f"| {column.label} | `{column.field}` | {aliases} |" in readme, column.field


def test_the_example_row_names_the_kind_as_the_list_does(tmp_path: Path) -> None:
    # the clerk picks "Quyết định" from the list: the example row shows the same words, not the
    # data's id ('quyet-dinh'), and "Công văn" for a letter that gives no type
    from wfh_docs.batch.workbook import write_workbook
    from wfh_docs.letter.types import NAMES

    for example, shown in ((EXAMPLES / "quyet-dinh-to-cong-tac.json", "Quyết định"), (None, "Công văn")):
        book = tmp_path / f"{shown}.xlsx"
        write_workbook(book, example=example)
        ws = openpyxl.load_workbook(book).worksheets[0]
        column = sheet_column(ws, "type")
        assert ws.cell(row=2, column=column).value == shown and shown in NAMES
