"""The input workbook a văn thư fills in Excel (`wfhdoc mau-excel`): one row a letter, the
headers in the clerk's terms and in the order of the letter, each with a note saying what goes
there, drop-down lists where the decree gives the choices, date and text formats so that Excel
keeps what was typed (leading zeros, dates), one filled example row, and a sheet explaining
every column. `wfhdoc batch` reads the workbook back as it is.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from ..errors import OutputError
from ..files.output import write_atomic
from ..i18n import _
from ..letter.labels import COLUMNS, Column
from ..letter.sources import parse_json, read_bytes
from ..letter.types import TYPES
from .records import deep_merge, load_defaults

# The example row, when none is given: the reference letter (công văn 451/SCT-VP), shipped
# with the package so that an installed wfhdoc has it.
DEFAULT_EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "cong-van-451-SCT-VP-2020.json"

SHEET = "Văn bản"
GLOSSARY_SHEET = "Giải thích"
# how many rows the formats and drop-down lists are set for (Excel applies them as typed)
ROWS = 1000

_HEADER_FONT = Font(name="Times New Roman", bold=True, size=12)
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_CELL_FONT = Font(name="Times New Roman", size=12)


def _lookup(data: Mapping[str, Any], field: str) -> Any:
    node: Any = data
    for part in field.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _cell(column: Column, value: Any) -> Any:
    """The example letter's value as the clerk would type it in the cell."""
    if column.field == "type":  # the tên loại the clerk picks from the list, not the data's id
        kind = TYPES.get(str(value or "cong-van"))
        return kind.title_case if kind is not None else value
    if value is None:
        return None
    if column.kind == "date":
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    if column.kind == "lines":
        if isinstance(value, list):
            lines = [v for v in value if isinstance(v, str)]  # a body's headings and tables need a file
            return "\n".join(lines) if lines else None
        return str(value)
    if isinstance(value, (dict, list)):
        return None
    return value


def example_row(letter: Mapping[str, Any]) -> dict[str, Any]:
    """The cells of one row for a letter given as data (dotted fields to cell values)."""
    row = {c.field: _cell(c, _lookup(letter, c.field)) for c in COLUMNS}
    return {k: v for k, v in row.items() if v is not None}


def workbook_bytes(
    example: Mapping[str, Any] | None = None,
    *,
    rows: Sequence[Mapping[str, Any]] | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """The workbook's .xlsx bytes, with `example` (a letter as data) in its first row, or with
    `rows` (each a row's cells by field, as example_row gives them: the sample workbook of 27
    agencies). With `stamp`, the same rows always give the same bytes (the file's dates and
    its zip members' times are the stamp)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    _headers(ws)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 36
    index = {c.field: i for i, c in enumerate(COLUMNS, start=1)}
    for r, cells in enumerate(rows if rows is not None else [example_row(example or {})], start=2):
        for field, value in cells.items():
            if value is not None:
                ws.cell(row=r, column=index[field], value=value).font = _CELL_FONT
    _glossary(wb)
    return _saved(wb, stamp)


def _headers(ws: Any) -> None:
    """Each column's header with its note, and its format and drop-down list for ROWS rows."""
    validations: dict[tuple[str, ...], DataValidation] = {}
    for i, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        head = ws.cell(row=1, column=i, value=column.label + (" *" if column.required else ""))
        head.font = _HEADER_FONT
        head.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        head.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        note = column.note + ("\n(Bắt buộc)" if column.required else "") + f"\n[{column.field}]"
        head.comment = Comment(note, "wfhdoc", width=320, height=140)
        ws.column_dimensions[letter].width = column.width
        cell_range = f"{letter}2:{letter}{ROWS + 1}"
        if column.choices:
            dv = validations.get(column.choices)
            if dv is None:
                dv = DataValidation(
                    type="list",
                    formula1='"' + ",".join(column.choices) + '"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=column.label,
                    error="Chọn một giá trị trong danh sách: " + ", ".join(column.choices),
                )
                validations[column.choices] = dv
                ws.add_data_validation(dv)
            dv.add(cell_range)
        number_format = {"date": "DD/MM/YYYY", "number": "0"}.get(column.kind, "@")
        for row in range(2, ROWS + 2):
            cell = ws.cell(row=row, column=i)
            cell.number_format = number_format
            if column.kind == "lines":
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _saved(wb: Workbook, stamp: dt.datetime | None) -> bytes:
    buf = io.BytesIO()
    if stamp is None:
        wb.save(buf)
        return buf.getvalue()
    wb.properties.creator = wb.properties.lastModifiedBy = "wfhdoc"
    wb.properties.created = wb.properties.modified = stamp
    # ExcelWriter, not wb.save(): save_workbook stamps 'modified' with the time of the run
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    out = io.BytesIO()
    zip_time = stamp.timetuple()[:6]
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=zip_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, zin.read(item.filename))
    return out.getvalue()


def _glossary(wb: Workbook) -> None:
    ws = wb.create_sheet(GLOSSARY_SHEET)
    heads = ("Cột", "Tên trường (JSON)", "Ghi gì", "Bắt buộc", "Tên khác được chấp nhận")
    for i, text in enumerate(heads, start=1):
        cell = ws.cell(row=1, column=i, value=text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for r, column in enumerate(COLUMNS, start=2):
        values = (
            column.label,
            column.field,
            column.note,
            "có" if column.required else "",
            "; ".join(column.aliases),
        )
        for i, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=i, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (28, 22, 70, 10, 34), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def write_workbook(
    path: Path, *, example: Path | None = None, defaults: Path | None = None, overwrite: bool = False
) -> None:
    """Write the input workbook to `path`: the example letter (`example`, else the reference
    letter) with the shared fields of `defaults` over it in the example row. An existing file is
    kept unless `overwrite`: it may be a workbook the clerk has already filled."""
    source = example or DEFAULT_EXAMPLE
    data = parse_json(read_bytes(source), str(source))
    if not isinstance(data, dict):
        raise OutputError(_("{path}: the example is not a letter (a JSON object)").format(path=source))
    shared = load_defaults(defaults)
    if path.exists() and not overwrite:
        raise OutputError(
            _(
                "{path}: already exists; wfhdoc keeps it (it may be a filled workbook): give another "
                "name, or --overwrite to replace it"
            ).format(path=path)
        )
    write_atomic(path, workbook_bytes(deep_merge(data, shared)))
