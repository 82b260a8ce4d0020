"""A workbook (.xlsx, read within bounds, formulas never computed named) or a CSV file (UTF-8,
',' or ';') read row by row into Records, the header being its first row with anything in it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ArchiveError, InputError, Problem
from ..files.safezip import Archive
from ..i18n import _
from ..letter.sources import read_bytes
from .cells import UNCOMPUTED_HINT, Header, Uncomputed, column_letter, read_header, row_record
from .records import WORKBOOK_LIMITS, Record, Records, column


def _open_workbook(path: Path) -> tuple[Any, Any]:
    """The workbook with its cells' values, and with their formulas when it has any."""
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputError(
            str(path), [Problem("", _("openpyxl is not installed"), "pip install openpyxl")]
        ) from None
    formulas = _check_workbook(path)
    try:
        # not read-only: merged header cells are only known to a full load
        wb = load_workbook(path, data_only=True)
        # a formula's value is what Excel stored with it; a workbook written by a program may
        # have none, which data_only reads as an empty cell: the formulas are read to know
        wf = load_workbook(path, data_only=False) if formulas else None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise InputError(
            str(path),
            [
                Problem(
                    "",
                    _("cannot read the workbook ({reason})").format(reason=f"{type(exc).__name__}: {exc}"),
                    _("open it in Excel and save it again as .xlsx"),
                )
            ],
        ) from None
    return wb, wf


def _pick_sheet(path: Path, wb: Any, sheet: str | None) -> Any:
    if sheet is None:
        return wb.worksheets[0]
    if sheet in wb.sheetnames:
        return wb[sheet]
    raise InputError(
        str(path),
        [
            Problem(
                "",
                _("no sheet named '{sheet}'").format(sheet=sheet),
                _("the sheets are {names}").format(names=", ".join(f"'{n}'" for n in wb.sheetnames)),
            )
        ],
    )


def _unmerge(ws: Any) -> None:
    """A merged header cell names every column it spans."""
    for merged in list(ws.merged_cells.ranges):
        top_left = ws.cell(merged.min_row, merged.min_col).value
        ws.unmerge_cells(str(merged))
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                ws.cell(row, col).value = top_left


def _values(ws: Any) -> Iterator[tuple[int, list[Any]]]:
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        yield number, list(row)


def _values_or_formulas(ws: Any, fs: Any) -> Iterator[tuple[int, list[Any]]]:
    """The stored values, and Uncomputed(formula) where a formula has no stored value."""
    for number, row in enumerate(ws.iter_rows(), start=1):
        values: list[Any] = []
        for cell in row:
            # no value stored, and not a formula whose value is the empty text (t="str")
            if cell.value is None and cell.data_type != "str":
                formula = fs.cell(cell.row, cell.column)
                if formula.data_type == "f":
                    text = getattr(formula.value, "text", formula.value)  # an ArrayFormula
                    values.append(Uncomputed(str(text)))
                    continue
            values.append(cell.value)
        yield number, values


def _rows_xlsx(path: Path, sheet: str | None) -> tuple[str, Iterator[tuple[int, list[Any]]]]:
    wb, wf = _open_workbook(path)
    ws = _pick_sheet(path, wb, sheet)
    _unmerge(ws)
    if wf is None:
        return ws.title, _values(ws)
    return ws.title, _values_or_formulas(ws, wf[ws.title])


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _check_workbook(path: Path) -> bool:
    """Refuse a workbook that inflates past WORKBOOK_LIMITS (a zip bomb) before openpyxl opens
    it; whether any of its sheets holds a formula."""
    try:
        with Archive(path, limits=WORKBOOK_LIMITS) as archive:
            archive.check_all()
        # a second pass, with its own total: the sheets are read again, to look for formulas
        with Archive(path, limits=WORKBOOK_LIMITS) as archive:
            return any(
                _FORMULA.search(archive.read(name))
                for name in archive.names()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except ArchiveError as exc:
        raise InputError(
            str(path),
            [
                Problem(
                    exc.member,
                    _("the workbook cannot be read: {reason}").format(reason=exc.reason),
                    _(
                        "a workbook of letters is a few MB; this one is damaged or built to exhaust "
                        "the memory: open it in Excel and save it again, or check where it came from"
                    ),
                )
            ],
        ) from None


def _rows_csv(path: Path) -> Iterator[tuple[int, list[Any]]]:
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            str(path),
            [
                Problem(
                    "", _("the CSV file is not UTF-8"), _("in Excel: Save As > CSV UTF-8 (Comma delimited)")
                )
            ],
        ) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    # Excel writes ';' where the list separator is ';' (as in Vietnamese settings)
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, row in enumerate(reader, start=1):
        yield number, list(row)


def _where(path: Path, sheet: str | None, row: int) -> str:
    """'bao-cao.xlsx, sheet 'Đơn vị', row 7': a row as messages and the manifest name it."""
    if sheet:
        return _("{path}, sheet '{sheet}', row {row}").format(path=path, sheet=sheet, row=row)
    return _("{path}, row {row}").format(path=path, row=row)


def _blank(cells: list[Any]) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def sheet_records(path: Path, defaults: dict[str, Any], sheet: str | None = None) -> Records:
    if path.suffix.lower() == ".csv":
        title, rows = None, list(_rows_csv(path))
    else:
        title, found = _rows_xlsx(path, sheet)
        rows = list(found)
    # the header is the first row with anything in it
    start = next((i for i, (_, cells) in enumerate(rows) if not _blank(cells)), None)
    if start is None:
        raise InputError(
            str(path), [Problem("", _("the sheet is empty"), _("put the field names in the first row"))]
        )
    header_row, header = rows[start]
    for col, cell in enumerate(header):
        if isinstance(cell, Uncomputed):
            raise InputError(
                str(path),
                [
                    Problem(
                        _("sheet '{sheet}', row {row}").format(sheet=title, row=header_row)
                        + ", "
                        + column(column_letter(col)),
                        _(
                            "the header cell holds the formula {formula} but no value: it was never "
                            "computed, so the column has no field name"
                        ).format(formula=cell.formula),
                        _(UNCOMPUTED_HINT),
                    )
                ],
            )
    head = read_header(header)
    warnings = []
    if head.unknown:
        place = _where(path, title, header_row)
        warnings.append(
            _(
                "{place}: column(s) {columns} ignored: wfhdoc does not know these "
                "headers (the sheet 'Giải thích' of a workbook made by wfhdoc mau-excel lists the ones "
                "it reads)"
            ).format(place=place, columns=", ".join(head.unknown))
        )
    body = rows[start + 1 :]
    total = sum(1 for _, cells in body if not _blank(cells))
    return Records(total, _sheet_items(path, title, head, body, defaults), warnings)


def _sheet_items(
    path: Path,
    title: str | None,
    head: Header,
    rows: list[tuple[int, list[Any]]],
    defaults: dict[str, Any],
) -> Iterator[Record]:
    index = 0
    for number, cells in rows:
        where = _where(path, title, number)
        record = row_record(index, where, f"row {number}", head, cells, path, defaults)
        if record is not None:
            yield record
            index += 1
