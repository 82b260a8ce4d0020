"""A workbook edited the way a clerk edits one: Vietnamese headers, extra columns, Alt+Enter
cells, dates typed as text, 'kt.', several recipients in one cell, empty cells."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from helpers import REFERENCE_JSON

from wfh_docs.batch.run import run_batch
from wfh_docs.batch.workbook import workbook_bytes
from wfh_docs.cli import main

HEADERS = [
    "STT",
    "Tên cơ quan",
    "Chữ viết tắt tên cơ quan",
    "Đơn vị soạn thảo",
    "Địa danh",
    "Số",
    "Ngày",
    "Trích yếu",
    "Kính gửi",
    "Nội dung",
    "Thẩm quyền ký",
    "Chức vụ người đứng đầu",
    "Chức vụ",
    "Người ký",
    "Nơi nhận",
    "Ghi chú",
]
GOOD = [
    1,
    "SỞ Y TẾ",
    "SYT",
    "VP",
    "Quảng Trị",
    5,
    "09.04.2020",
    "báo cáo tình hình làm việc tại nhà",
    "Sở Nội vụ; Sở Tài chính",
    "Sở Y tế báo cáo như sau.\nĐề nghị tổng hợp.",
    "kt.",
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "Lê Văn A",
    "Lãnh đạo Sở\nPhòng KHTC",
    "gửi trước thứ Sáu",
]


def _book(tmp_path: Path, rows: list[list[Any]], headers: list[str] = HEADERS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Đơn vị"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def test_a_clerks_workbook_builds_the_letters_it_should(tmp_path: Path) -> None:
    other = list(GOOD)
    other[0], other[5], other[6], other[8] = 2, 6, "8/4/2020", "UBND huyện Gio Linh"
    report = run_batch(_book(tmp_path, [GOOD, other]), tmp_path / "out", workers=1)
    assert [r.status for r in report.rows] == ["built", "built"], [r.message for r in report.rows]
    text = _text(tmp_path / "out" / report.rows[0].output)
    assert "Số: 05/SYT-VP" in text
    assert "Quảng Trị, ngày 09 tháng 4 năm 2020" in text
    assert "- Sở Nội vụ;" in text and "- Sở Tài chính." in text
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text
    assert "- Lãnh đạo Sở;" in text and "- Phòng KHTC;" in text
    assert "gửi trước thứ Sáu" not in text  # the Ghi chú column is not the letter's
    second = _text(tmp_path / "out" / report.rows[1].output)
    assert "ngày 08 tháng 4 năm 2020" in second and "Kính gửi: UBND huyện Gio Linh" in second
    warnings = "\n".join(report.warnings)
    # unknown columns: one warning for the whole run, naming each by letter and header
    assert warnings.count('column(s) A "STT", P "Ghi chú" ignored') == 1
    assert "column I \"Kính gửi\" (recipients): read as 2 items, one at each ';'" in warnings
    assert "$.signer.authority: \"kt.\" read as 'KT.'" in warnings


def test_each_bad_cell_is_named_by_its_sheet_row_column_and_header(tmp_path: Path) -> None:
    bad_date = list(GOOD)
    bad_date[6] = "31.02.2020"
    no_date = list(GOOD)
    no_date[6] = None
    bad_number = list(GOOD)
    bad_number[5] = "năm"
    book = _book(tmp_path, [bad_date, no_date, bad_number])
    report = run_batch(book, tmp_path / "out", workers=1)
    assert [r.status for r in report.rows] == ["failed"] * 3
    assert f"{book}, sheet 'Đơn vị', row 2" == report.rows[0].source
    assert "column G \"Ngày\" (date): '31.02.2020' is not a real date" in report.rows[0].message
    assert "the letter has the number 05 but no date" in report.rows[1].message
    assert 'column F "Số" (number): must be a whole number' in report.rows[2].message


def test_an_empty_header_and_empty_cells_are_skipped(tmp_path: Path) -> None:
    headers = [*HEADERS[:3], None, *HEADERS[3:]]
    row = [*GOOD[:3], "ignored", *GOOD[3:]]
    row[HEADERS.index("Nơi nhận") + 1] = None
    report = run_batch(_book(tmp_path, [row], headers), tmp_path / "out", workers=1)  # type: ignore[arg-type]
    assert [r.status for r in report.rows] == ["built"], report.rows[0].message
    assert not any("column(s) D" in w for w in report.warnings)


@pytest.fixture()
def generated(tmp_path: Path) -> Path:
    path = tmp_path / "mau.xlsx"
    assert main(["mau-excel", str(path), "--example", str(REFERENCE_JSON)]) == 0
    return path


def test_the_generated_workbook_reads_back_as_its_example_letter(tmp_path: Path, generated: Path) -> None:
    report = run_batch(generated, tmp_path / "out", workers=1)
    assert [r.status for r in report.rows] == ["built"], report.rows[0].message
    assert not report.warnings or all("ignored" not in w for w in report.warnings)
    data = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))
    data.pop("appendices")  # a phụ lục comes from a file (appendices_file), not a cell
    data.pop("$schema")
    single = tmp_path / "single.json"
    single.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["build", str(single), "-o", str(tmp_path / "single.docx")]) == 0
    assert _text(tmp_path / "out" / report.rows[0].output) == _text(tmp_path / "single.docx")


def test_mau_excel_prefills_the_defaults(tmp_path: Path) -> None:
    defaults = tmp_path / "d.json"
    defaults.write_text(
        json.dumps({"issuer": {"name": "SỞ Y TẾ", "abbreviation": "SYT"}}, ensure_ascii=False),
        encoding="utf-8",
    )
    path = tmp_path / "mau.xlsx"
    assert main(["mau-excel", str(path), "--defaults", str(defaults)]) == 0
    ws = openpyxl.load_workbook(path).worksheets[0]
    heads = [c.value for c in ws[1]]
    row = dict(zip(heads, [c.value for c in ws[2]], strict=True))
    assert row["Tên cơ quan ban hành *"] == "SỞ Y TẾ" and row["Chữ viết tắt tên cơ quan *"] == "SYT"


def test_mau_excel_never_replaces_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.xlsx"
    path.write_bytes(b"the clerk's own workbook")
    assert main(["mau-excel", str(path)]) == 1
    assert path.read_bytes() == b"the clerk's own workbook"
    assert "already exists" in capsys.readouterr().err


def test_workbook_bytes_are_the_same_every_time() -> None:
    data = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))
    assert openpyxl.load_workbook(io.BytesIO(workbook_bytes(data))).sheetnames == ["Văn bản", "Giải thích"]


KIND_HEADERS = [
    "Loại văn bản",
    "Tên cơ quan",
    "Chữ viết tắt tên cơ quan",
    "Đơn vị soạn thảo",
    "Địa danh",
    "Số",
    "Ngày",
    "Trích yếu",
    "Thẩm quyền ban hành",
    "Căn cứ ban hành",
    "Theo đề nghị của",
    "Nội dung",
    "Chức vụ",
    "Người ký",
]


def _decision(kind: Any, number: int) -> list[Any]:
    return [
        kind,
        "ỦY BAN NHÂN DÂN\nHUYỆN CAN LỘC",
        "UBND",
        "NV",
        "Can Lộc",
        number,
        "02/04/2020",
        "Về việc thành lập Tổ công tác",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CAN LỘC",
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015\n"
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ",
        "Trưởng phòng Nội vụ huyện",
        "Điều 1. Thành lập Tổ công tác.\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký.",
        "CHỦ TỊCH",
        "Nguyễn Văn An",
    ]


@pytest.mark.parametrize("typed", ["Quyết định", "QUYẾT ĐỊNH", "quyet dinh", "QĐ", "quyet-dinh", "Mẫu 1.2"])
def test_the_kind_column_reads_a_quyet_dinh_however_the_clerk_names_it(tmp_path: Path, typed: str) -> None:
    report = run_batch(_book(tmp_path, [_decision(typed, 7)], KIND_HEADERS), tmp_path / "out", workers=1)
    assert [r.status for r in report.rows] == ["built"], report.rows[0].message
    text = _text(tmp_path / "out" / report.rows[0].output)
    assert "Số: 07/QĐ-UBND" in text
    assert "QUYẾT ĐỊNH" in text and "Về việc thành lập Tổ công tác" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CAN LỘC" in text
    # each line of the cell a căn cứ, ';' after each; '.' after the proposal that closes them
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;" in text
    assert "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;" in text
    assert "Theo đề nghị của Trưởng phòng Nội vụ huyện." in text
    assert "Điều 1. Thành lập Tổ công tác." in text and "V/v" not in text


def test_a_kind_the_decree_does_not_have_is_named_by_its_cell(tmp_path: Path) -> None:
    book = _book(tmp_path, [_decision("Quyết đinh bổ nhiệm", 8)], KIND_HEADERS)
    report = run_batch(book, tmp_path / "out", workers=1)
    assert report.rows[0].status == "failed"
    message = report.rows[0].message
    assert 'column A "Loại văn bản" (type)' in message
    assert '"Quyết đinh bổ nhiệm" is not a kind of document of Phụ lục III' in message
    assert "Quyết định, Chỉ thị" in message and "Giấy nghỉ phép" in message


def test_an_empty_kind_cell_is_a_cong_van(tmp_path: Path) -> None:
    row = [None, "SỞ Y TẾ", "SYT", "VP", "Quảng Trị", 5, "09.04.2020", "báo cáo tình hình", None, None, None]
    headers = [*KIND_HEADERS[:8], "Kính gửi", "Nội dung", "Người ký"]
    row[8:] = ["Sở Nội vụ", "Sở Y tế báo cáo như sau.", "Lê Văn A"]
    book = _book(tmp_path, [row], headers)
    wb = openpyxl.load_workbook(book)
    wb.active.cell(row=1, column=12, value="Chức vụ")
    wb.active.cell(row=2, column=12, value="GIÁM ĐỐC")
    wb.save(book)
    report = run_batch(book, tmp_path / "out", workers=1)
    assert [r.status for r in report.rows] == ["built"], report.rows[0].message
    text = _text(tmp_path / "out" / report.rows[0].output)
    assert "Số: 05/SYT-VP" in text and "V/v báo cáo tình hình" in text
