"""The agencies' workbook of a report round: the letter columns of `wfhdoc mau-excel`
(wfh_docs.batch.workbook), then a column per typed figure, headed by its label, its unit and
its id ('Số người làm việc tại nhà (người) [home]'); and reading the answers back from it."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.writer.excel import ExcelWriter

from ..batch.records import WORKBOOK_LIMITS
from ..batch.workbook import SHEET, workbook_bytes
from ..errors import ArchiveError, InputError, Problem
from ..files.safezip import Archive
from ..i18n import _
from ..letter.labels import COLUMNS, field_for_header
from .answers import Answer
from .form import Indicator, ReportForm

_ID = re.compile(r"\[([a-z][a-z0-9_]*)\]\s*\*?\s*$")
_FILL = PatternFill("solid", fgColor="E2EFDA")
_KIND = {
    "count": "số nguyên, ví dụ 1245",
    "percentage": "tỷ lệ phần trăm, ví dụ 81,4",
    "amount": "số tiền (đồng), ví dụ 12500000",
    "yes/no": "có hoặc không",
    "text": "chữ",
    "choice": "một trong các giá trị của danh sách",
}


def header(ind: Indicator) -> str:
    unit = f" ({ind.unit})" if ind.unit else ""
    return f"{ind.label}{unit} [{ind.id}]" + (" *" if ind.required else "")


def figure_columns(form: ReportForm) -> list[Indicator]:
    """The figures an agency types, in the form's order (a computed percentage is not typed)."""
    return [i for i in form.indicators if i.typed]


def report_workbook_bytes(
    form: ReportForm, rows: Sequence[Mapping[str, Any]], *, stamp: dt.datetime | None = None
) -> bytes:
    """The workbook: each row's letter cells by field (as batch.workbook.example_row gives them)
    and its figures by indicator id, in the columns after the letter's."""
    letters = [{k: v for k, v in r.items() if "." in k or k in _LETTER_FIELDS} for r in rows]
    wb = load_workbook(io.BytesIO(workbook_bytes(rows=letters or [{}], stamp=stamp)))
    ws = wb[SHEET]
    first = len(COLUMNS) + 1
    for n, ind in enumerate(figure_columns(form)):
        col = first + n
        cell = ws.cell(row=1, column=col, value=header(ind))
        cell.font = Font(name="Times New Roman", bold=True, size=12)
        cell.fill = _FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        note = f"{ind.label}: {_KIND[ind.type]}" + (f"\n{', '.join(ind.choices)}" if ind.choices else "")
        cell.comment = Comment(note + f"\n[{ind.id}]", "wfhdoc", width=320, height=120)
        ws.column_dimensions[get_column_letter(col)].width = 18
        for r, row in enumerate(rows, start=2):
            if row.get(ind.id) is not None:
                ws.cell(row=r, column=col, value=row[ind.id]).font = Font(name="Times New Roman", size=12)
    return _saved(wb, stamp)


_LETTER_FIELDS = {c.field for c in COLUMNS}


def _saved(wb: Workbook, stamp: dt.datetime | None) -> bytes:
    """The workbook's bytes; with `stamp`, the same each time (dates and zip times fixed)."""
    buf = io.BytesIO()
    if stamp is None:
        wb.save(buf)
        return buf.getvalue()
    wb.properties.created = wb.properties.modified = stamp
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, zin.read(item.filename))
    return out.getvalue()


def _columns(form: ReportForm, heads: list[Any]) -> tuple[dict[str, int], dict[str, int]]:
    """Letter fields and figure ids to their column numbers (1-based), from the header row."""
    fields: dict[str, int] = {}
    figures: dict[str, int] = {}
    by_label = {i.label.casefold(): i.id for i in form.indicators}
    for n, head in enumerate(heads, start=1):
        if head is None:
            continue
        text = str(head).strip()
        found = _ID.search(text)
        ident = found.group(1) if found else by_label.get(text.rstrip(" *").casefold())
        if ident and any(i.id == ident for i in form.indicators):
            figures.setdefault(ident, n)
            continue
        name = field_for_header(text)
        if name:
            fields.setdefault(name, n)
    return fields, figures


def read_workbook(form: ReportForm, path: Path, sheet: str | None = None) -> list[Answer]:
    """Every filled row of the workbook as an Answer, each figure with its cell."""
    try:
        with Archive(path, limits=WORKBOOK_LIMITS) as archive:
            archive.check_all()
        wb = load_workbook(path, data_only=True)
    except ArchiveError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise InputError(
            str(path), [Problem("", _("cannot read the workbook ({reason})").format(reason=exc))]
        ) from None
    try:
        return _rows(form, path, wb, sheet)
    finally:
        wb.close()


def _rows(form: ReportForm, path: Path, wb: Any, sheet: str | None) -> list[Answer]:
    try:
        ws = wb[sheet] if sheet else (wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0])
    except KeyError:
        raise InputError(
            str(path), [Problem("", _("no sheet named '{sheet}'").format(sheet=sheet))]
        ) from None
    rows = ws.iter_rows(values_only=True)
    heads = list(next(rows, ()))
    fields, figures = _columns(form, heads)
    if not figures:
        where = _("sheet '{sheet}', row 1").format(sheet=ws.title)
        message = _("no column of the report form's figures (headers such as '{header}')").format(
            header=header(figure_columns(form)[0])
        )
        raise InputError(str(path), [Problem(where, message)])
    return [
        _answer(path, ws.title, number, list(values), fields, figures)
        for number, values in enumerate(rows, start=2)
        if any(v not in (None, "") for v in values)
    ]


def _at(values: list[Any], column: int | None) -> Any:
    return values[column - 1] if column is not None and column - 1 < len(values) else None


def _answer(
    path: Path, sheet: str, row: int, values: list[Any], fields: dict[str, int], figures: dict[str, int]
) -> Answer:
    name = _at(values, fields.get("issuer.short_name")) or _at(values, fields.get("issuer.name")) or ""
    answer = Answer(agency=" ".join(str(name).split()), origin=path.name, sheet=sheet, row=row)
    answer.abbreviation = str(_at(values, fields.get("issuer.abbreviation")) or "").strip()
    number = _at(values, fields.get("number"))
    answer.number = number if isinstance(number, int) and not isinstance(number, bool) else None
    answer.date = _date(_at(values, fields.get("date")))
    for ident, column in figures.items():
        answer.raw[ident] = _at(values, column)
        answer.cells[ident] = f"{get_column_letter(column)}{row}"
    return answer


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    found = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", str(value or ""))
    if found:
        try:
            return dt.date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        except ValueError:
            return None
    return None
