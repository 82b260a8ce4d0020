"""Many letters in: a folder of JSON files, a JSON list with shared defaults, or a spreadsheet.

Every source becomes Records: a raw dict for one letter plus where it came from (file, sheet,
row) and, for spreadsheets, which column each field was read from, so that a problem found
later can be reported as "sheet 'Đơn vị', row 7, column D (issuer.name)". Reading never stops
at a bad record: the record carries its problems and the batch goes on with the others.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import ArchiveError, InputError, Problem
from ..files.safezip import Archive, Limits
from ..i18n import N_, _
from ..letter import labels
from ..letter.model import Letter
from ..letter.sources import parse_json, read_bytes

# Fields a spreadsheet cell may name that are not part of a letter.
OUTPUT_NAME = "output_name"
BODY_FILE = "body_file"
APPENDICES_FILE = "appendices_file"
# The fields (casefolded) that name a letter for the register: a key column or a "key" field.
KEY_FIELDS = {"key", "mã", "ma"}
# Fields whose cell holds one item per line.
LIST_FIELDS = {"recipients", "cc"}
EXCEL_EPOCH = dt.date(1899, 12, 30)
# A body or appendices file is text or JSON for one letter: far below this.
SIDE_FILE_MAX = 8 << 20
# A workbook may inflate to far less than a letter's archive (openpyxl holds a loaded sheet in
# memory at many times its XML's size): a 10,000-row sheet is about 8 MB of XML.
WORKBOOK_LIMITS = Limits(member=64 << 20, total=160 << 20, ratio=1000, ratio_from=8 << 20)


@dataclass
class Record:
    """One letter's data as read, before cleaning and validation."""

    index: int  # position in the batch, from 0
    origin: str  # "file.xlsx, sheet 'Đơn vị', row 7", "folder/a.json", "list.json, records[3]"
    data: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # "$.issuer.name" -> "D (issuer.name)"
    key: str = ""  # the record's place in its source (file and row, or file and index)
    # The letter's own name for the register, whatever its place: "key:..." (a key column or
    # field), "name:..." (output_name), "file:..." (a letter file of a folder); "" when the
    # letter is known by its agency and recipients (see identity()).
    identity: str = ""
    identity_where: str = ""  # where the identity was read, for messages: "column A (key)"
    warnings: list[str] = field(default_factory=list)  # what reading the record changed


def is_key_field(name: str) -> bool:
    """A column or field that names the letter: key, Mã, ma (any case)."""
    return unicodedata.normalize("NFC", name).casefold() in KEY_FIELDS


def _identified(record: Record, own: dict[str, Any] | None, fallback: str = "") -> Record:
    """The record with its identity: its key (taken out of its data: it is not a letter's
    field), else its output_name, else `fallback` (a folder's file name). Only the record's
    own fields (`own`, before the defaults) name it: a key or output_name in the defaults is
    every letter's, and names none."""
    data = record.data
    if data is None:
        return record
    own = data if own is None else own
    for name in [k for k in data if isinstance(k, str) and is_key_field(k)]:
        value = data.pop(name)
        text = "" if value is None else str(value).strip()
        if text and not record.identity and name in own:
            record.identity = f"key:{text}"
            record.identity_where = record.identity_where or f"$.{name}"
    if not record.identity:
        wish = own.get(OUTPUT_NAME)
        if wish not in (None, ""):
            record.identity = f"name:{str(wish).strip()}"
            record.identity_where = f"$.{OUTPUT_NAME}"
        elif fallback:
            record.identity = fallback
    return record


def identity(record: Record, source: str, agency: str, recipients: list[str]) -> tuple[str, str]:
    """The letter's identity in the register and what it is, in the user's words.

    The source's file name and the record's own key (key column, output_name, a folder's file
    name), else its agency and recipients (spaces and case aside): not its row, so that rows
    inserted, deleted or moved leave every letter its number."""
    if record.identity:
        kind, _sep, value = record.identity.partition(":")
        what = {"key": "key", "name": "output_name", "file": "file"}.get(kind, kind)
        return f"{source}\x1f{record.identity}", f"{what} {value!r}"
    people = "\n".join(" ".join(r.split()).casefold() for r in recipients)
    what = _("agency {agency} and recipients {recipients}").format(
        agency=agency, recipients="; ".join(recipients)
    )
    return f"{source}\x1fto:{agency}\x1f{people}", what


def deep_merge(base: Any, override: Any) -> Any:
    """`override` on top of `base`: objects merge key by key, anything else replaces."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = deep_merge(base[key], value) if key in base else value
        return out
    return override


def load_defaults(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    data = parse_json(read_bytes(path), str(path))
    if not isinstance(data, dict):
        raise InputError(str(path), [Problem("$", _("the defaults must be an object { ... }"), "")])
    return data


# --- JSON sources ----------------------------------------------------------------------------


@dataclass
class Records:
    """A batch's records, read one at a time: how many, and the records themselves."""

    total: int
    items: Iterator[Record]
    warnings: list[str] = field(default_factory=list)  # about the source as a whole, said once

    def __iter__(self) -> Iterator[Record]:
        return self.items


def folder_records(folder: Path, defaults: dict[str, Any]) -> Records:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json" and p.is_file())
    if not files:
        raise InputError(str(folder), [Problem("", _("the folder holds no .json letter files"), "")])
    return Records(len(files), _folder_items(files, defaults))


def _folder_items(files: list[Path], defaults: dict[str, Any]) -> Iterator[Record]:
    for i, path in enumerate(files):
        try:
            data = parse_json(read_bytes(path), str(path))
        except InputError as exc:
            yield Record(i, str(path), None, exc.problems, key=path.name)
            continue
        if not isinstance(data, dict):
            yield Record(
                i,
                str(path),
                None,
                [Problem("$", _("a letter file holds one object { ... }"), "")],
                key=path.name,
            )
            continue
        yield _identified(
            Record(i, str(path), deep_merge(defaults, data), key=path.name), data, f"file:{path.name}"
        )


def json_list_records(path: Path, defaults: dict[str, Any]) -> Records:
    data = parse_json(read_bytes(path), str(path))
    if isinstance(data, list):
        shared: dict[str, Any] = {}
        items = data
    elif isinstance(data, dict) and "records" in data:
        unknown = set(data) - {"defaults", "records", "$schema"}
        if unknown:
            raise InputError(
                str(path),
                [
                    Problem(
                        f"$.{sorted(unknown)[0]}",
                        _("unknown key in a batch file"),
                        _('a batch file holds "defaults" and "records"'),
                    )
                ],
            )
        shared = data.get("defaults") or {}
        items = data["records"]
        if not isinstance(shared, dict):
            raise InputError(str(path), [Problem("$.defaults", _("must be an object { ... }"), "")])
        if not isinstance(items, list):
            raise InputError(str(path), [Problem("$.records", _("must be a list [ ... ] of letters"), "")])
    else:
        raise InputError(
            str(path),
            [
                Problem(
                    "$",
                    _("not a batch file"),
                    _(
                        'give {"defaults": {...}, "records": [...]} or a list of letters; '
                        "for a single letter use wfhdoc build"
                    ),
                )
            ],
        )
    return Records(len(items), _list_items(path, deep_merge(defaults, shared), items))


def _list_items(path: Path, base: dict[str, Any], items: list[Any]) -> Iterator[Record]:
    # the list is emptied as it is read, so a record's memory goes once its letter is made
    items.reverse()
    i = 0
    while items:
        item = items.pop()
        origin = f"{path}, records[{i}]"
        if not isinstance(item, dict):
            yield Record(
                i,
                origin,
                None,
                [Problem(f"$.records[{i}]", _("a record is an object { ... }"), "")],
                key=f"records[{i}]",
            )
        else:
            yield _identified(Record(i, origin, deep_merge(base, item), key=f"records[{i}]"), item)
        i += 1


# --- spreadsheets ------------------------------------------------------------------------------


def column(shown: str) -> str:
    """'column G "Ngày" (date)': a column as a message names it."""
    return _("column {column}").format(column=shown)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _field_paths(model: type[BaseModel] = Letter, prefix: str = "") -> set[str]:
    """Every dotted field a cell can fill: issuer.name, signer.title, archive.copies ..."""
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key.startswith("$"):
            continue
        paths.add(prefix + key)
        sub = info.annotation
        for candidate in (sub, *getattr(sub, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel) and prefix == "":
                paths |= _field_paths(candidate, f"{key}.")
    return paths


_FIELDS = _field_paths() | {BODY_FILE, APPENDICES_FILE, OUTPUT_NAME}
_NUMBERED = re.compile(r"^(.*?)[\s.]*(\d+)$")


@dataclass(frozen=True)
class Header:
    """A sheet's first row read: the field of each column ("" when none), how a message names
    each column ('C "Số" (number)'), and the columns wfhdoc does not know."""

    fields: list[str]
    shown: list[str]
    unknown: list[str]


def read_header(cells: list[Any]) -> Header:
    fields: list[str] = []
    shown: list[str] = []
    unknown: list[str] = []
    for col, value in enumerate(cells):
        typed = "" if value is None else re.sub(r"\s+", " ", str(value)).strip()
        letter = _column_letter(col)
        name = _header_field(typed)
        if typed and name is None:
            unknown.append(f'{letter} "{typed}"' + _suggestion(typed))
        fields.append(name or "")
        plain = typed.replace(" ", "")
        shown.append(f"{letter} ({name})" if plain == name else f'{letter} "{typed}" ({name})')
    return Header(fields, shown, unknown)


def _header_field(typed: str) -> str | None:
    if not typed:
        return None
    if is_key_field(typed):
        return "key"
    found = labels.field_for_header(typed)
    if found:
        return found
    plain = typed.replace(" ", "")
    if plain in _FIELDS:
        return plain
    m = _NUMBERED.match(typed)
    if m:  # recipients.1, Kính gửi 2, Nơi nhận.3: one item of a list per column
        base = labels.field_for_header(m.group(1)) or m.group(1).replace(" ", "")
        if base in LIST_FIELDS:
            return f"{base}.{m.group(2)}"
    return None


def _suggestion(typed: str) -> str:
    known = [c.label for c in labels.COLUMNS] + sorted(_FIELDS)
    close = difflib.get_close_matches(typed, known, n=1, cutoff=0.75)
    return _(' (did you mean "{name}"?)').format(name=close[0]) if close else ""


def _cell_value(value: Any, name: str) -> Any:
    """A cell as the field wants it: numbers stay numbers only where a number is meant."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        return text if text.strip() else None
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if name == "date" else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if name == "date":
            # a date Excel kept as its serial number (days since 1899-12-30)
            if number == number.to_integral_value() and 1 <= number < 2958466:
                return (EXCEL_EPOCH + dt.timedelta(days=int(number))).isoformat()
            return str(value)
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        if name in ("number", "archive.copies", "drafter.copies"):
            return int(number) if number == number.to_integral_value() else number
        # any other field is text: 12 stays "12", not "12.0"
        return format(number, "f")
    return str(value)


def _set_path(target: dict[str, Any], path: list[str], value: Any) -> None:
    node = target
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[path[-1]] = value


def _json_path(name: str) -> str:
    return "$." + name


def _side_file(base: Path, name: str, want: str) -> tuple[Any, Problem | None]:
    """A body or appendices file named in a cell: only a regular file inside the sheet's
    folder (after following links), of at most SIDE_FILE_MAX bytes, read with a bounded read."""
    folder = base.parent.resolve()
    inside = _(
        "put the file in the sheet's folder {folder} (or a folder under it) and give its path "
        "relative to the sheet"
    ).format(folder=folder)
    try:
        given = folder / name
        path = given.resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        return None, Problem(
            "",
            _("{what} file {name} cannot be found ({reason})").format(what=want, name=repr(name), reason=exc),
            inside,
        )
    if not path.is_relative_to(folder):
        lexical = Path(os.path.normpath(given))
        how = (
            _("{what} file {name} is a link that leads out of the sheet's folder, to {path}")
            if lexical.is_relative_to(folder)
            else _("{what} file {name} is outside the sheet's folder ({path})")
        )
        message = how.format(what=want, name=repr(name), path=path)
        return None, Problem("", message + _("; wfhdoc reads only files beside the sheet"), inside)
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None, Problem(
            "",
            _("{what} file {name} not found ({path})").format(what=want, name=repr(name), path=path),
            _("the path is relative to the sheet"),
        )
    except PermissionError:
        return None, Problem(
            "",
            _("{what} file {name}: permission denied ({path})").format(what=want, name=repr(name), path=path),
            _("check that you may read the file"),
        )
    except OSError as exc:
        message = _("{what} file {name} cannot be opened ({reason}: {path})")
        return None, Problem(
            "", message.format(what=want, name=repr(name), reason=exc.strerror, path=path), inside
        )
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = (
            _("{what} file {name} is a folder, not a file ({path})")
            if stat.S_ISDIR(info.st_mode)
            else _("{what} file {name} is a device, pipe or socket, not a file ({path})")
        )
        return None, Problem(
            "", kind.format(what=want, name=repr(name), path=path), _("name a .txt or .json file")
        )
    with os.fdopen(fd, "rb") as fh:
        try:
            raw = fh.read(SIDE_FILE_MAX + 1) if info.st_size <= SIDE_FILE_MAX else b""
        except OSError as exc:
            message = _("{what} file {name} cannot be read ({reason}: {path})")
            return None, Problem(
                "", message.format(what=want, name=repr(name), reason=exc.strerror, path=path), ""
            )
        if info.st_size > SIDE_FILE_MAX or len(raw) > SIDE_FILE_MAX:
            return None, Problem(
                "",
                _("{what} file {name} is {size} MB, more than {limit} MB ({path})").format(
                    what=want,
                    name=repr(name),
                    size=f"{max(info.st_size, len(raw)) / (1 << 20):.1f}",
                    limit=SIDE_FILE_MAX >> 20,
                    path=path,
                ),
                _(
                    "a letter's body or appendices file is text or JSON of a few pages: check that the "
                    "right file is named"
                ),
            )
    if path.suffix.lower() == ".json":
        try:
            return parse_json(raw, str(path)), None
        except InputError as exc:
            message = _("{what} file {name}: {problem}")
            return None, Problem("", message.format(what=want, name=repr(name), problem=exc.problems[0]), "")
    try:
        text = raw.decode("utf-8-sig") if raw else ""
    except UnicodeDecodeError:
        return None, Problem(
            "",
            _("{what} file {name} is not UTF-8 text ({path})").format(what=want, name=repr(name), path=path),
            _("save it as UTF-8, or name a .json file"),
        )
    # a text file: one paragraph per line
    return [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()], None


@dataclass(frozen=True)
class Uncomputed:
    """A workbook cell holding a formula that was never computed (no value stored with it)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


_UNCOMPUTED_HINT = N_(
    "open the workbook in Excel or LibreOffice and save it, so that the values of its formulas "
    "are computed and stored, or type the value instead of the formula"
)


def row_record(
    index: int,
    origin: str,
    key: str,
    head: Header,
    cells: list[Any],
    base: Path,
    defaults: dict[str, Any],
) -> Record | None:
    data: dict[str, Any] = {}
    columns: dict[str, str] = {}
    problems: list[Problem] = []
    # list items: numbered columns (recipients.1, recipients.2) first by number, then cells of
    # plain or repeated columns (a merged header) left to right, one item per line
    lists: dict[str, list[tuple[tuple[int, int, int], Any]]] = {}
    identity = ""
    identity_where = ""
    warnings: list[str] = []
    for col, (name, raw) in enumerate(zip(head.fields, cells, strict=False)):
        if not name:
            continue
        letter_col = head.shown[col]
        if isinstance(raw, Uncomputed):
            problems.append(
                Problem(
                    column(letter_col),
                    _("the cell holds the formula {formula} but no value: it was never computed").format(
                        formula=raw.formula
                    ),
                    _(_UNCOMPUTED_HINT),
                )
            )
            continue
        value = _cell_value(raw, name)
        if value is None:
            continue
        if is_key_field(name):
            identity = identity or f"key:{str(value).strip()}"
            identity_where = identity_where or column(letter_col)
            continue
        m = re.fullmatch(r"(.+?)\.(\d+)", name)
        if m and m.group(1) in LIST_FIELDS:
            lists.setdefault(m.group(1), []).append(((0, int(m.group(2)), 0), value))
            columns.setdefault(_json_path(m.group(1)), letter_col)
            continue
        if name in LIST_FIELDS:
            lines = [line.strip() for line in str(value).split("\n") if line.strip()]
            if any(";" in line for line in lines):
                # several recipients typed on one line: one item at each ';' (ND 30, II.9.d:
                # wfhdoc writes the ';' between items itself)
                lines = [part.strip() for line in lines for part in line.split(";") if part.strip()]
                warnings.append(
                    _(
                        "{column}: read as {count} items, one at each ';' (put each on "
                        "its own line in the cell with Alt+Enter)"
                    ).format(column=column(letter_col), count=len(lines))
                )
            lists.setdefault(name, []).extend(((1, col, i), v) for i, v in enumerate(lines))
            columns.setdefault(_json_path(name), letter_col)
            continue
        if name in (BODY_FILE, APPENDICES_FILE):
            loaded, problem = _side_file(
                base, str(value), _("the body") if name == BODY_FILE else _("the appendices")
            )
            if problem:
                problems.append(Problem(column(letter_col), problem.message, problem.hint))
            else:
                data["body" if name == BODY_FILE else "appendices"] = loaded
                columns[_json_path("body" if name == BODY_FILE else "appendices")] = letter_col
            continue
        if name == "body":
            value = [value] if isinstance(value, str) else value
        if name == OUTPUT_NAME:
            data[OUTPUT_NAME] = str(value)
            columns[_json_path(OUTPUT_NAME)] = letter_col
            continue
        _set_path(data, name.split("."), value)
        columns[_json_path(name)] = letter_col
    for name, found in lists.items():
        data[name] = [v for _, v in sorted(found, key=lambda t: t[0])]
    if not data and not problems and not identity:
        return None  # an empty row
    record = Record(
        index,
        origin,
        deep_merge(defaults, data),
        problems,
        columns,
        key,
        identity,
        identity_where,
        warnings,
    )
    return _identified(record, data)


def _rows_xlsx(path: Path, sheet: str | None) -> tuple[str, Iterator[tuple[int, list[Any]]]]:
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
    if sheet is None:
        ws = wb.worksheets[0]
    elif sheet in wb.sheetnames:
        ws = wb[sheet]
    else:
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
    # a merged header cell names every column it spans
    for merged in list(ws.merged_cells.ranges):
        top_left = ws.cell(merged.min_row, merged.min_col).value
        ws.unmerge_cells(str(merged))
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                ws.cell(row, col).value = top_left

    if wf is None:

        def rows() -> Iterator[tuple[int, list[Any]]]:
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, list(row)

        return ws.title, rows()
    fs = wf[ws.title]

    def rows_with_formulas() -> Iterator[tuple[int, list[Any]]]:
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

    return ws.title, rows_with_formulas()


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
                        f"sheet '{title}', row {header_row}, " + column(_column_letter(col)),
                        _(
                            "the header cell holds the formula {formula} but no value: it was never "
                            "computed, so the column has no field name"
                        ).format(formula=cell.formula),
                        _(_UNCOMPUTED_HINT),
                    )
                ],
            )
    head = read_header(header)
    warnings = []
    if head.unknown:
        place = f"{path}, sheet '{title}', row {header_row}" if title else f"{path}, row {header_row}"
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
        where = f"{path}, sheet '{title}', row {number}" if title else f"{path}, row {number}"
        record = row_record(index, where, f"row {number}", head, cells, path, defaults)
        if record is not None:
            yield record
            index += 1


def read_records(source: Path, defaults: dict[str, Any], sheet: str | None = None) -> Records:
    """The records of any batch source, in a stable order."""
    if source.is_dir():
        return folder_records(source, defaults)
    suffix = source.suffix.lower()
    if suffix == ".json":
        return json_list_records(source, defaults)
    if suffix in (".xlsx", ".xlsm", ".csv"):
        if not source.exists():
            raise InputError(
                str(source), [Problem("", _("file not found"), _("check the path and the file name"))]
            )
        return sheet_records(source, defaults, sheet)
    raise InputError(
        str(source),
        [
            Problem(
                "",
                _("not a batch source"),
                _("give a folder of .json letters, a .json batch file, an .xlsx workbook or a .csv file"),
            )
        ],
    )


def locate(record: Record, json_path: str) -> str:
    """Where a problem at `json_path` is, in the user's terms (column for spreadsheets)."""
    for path, shown in sorted(record.columns.items(), key=lambda kv: -len(kv[0])):
        if json_path == path or json_path.startswith(path + ".") or json_path.startswith(path + "["):
            return column(shown) + ("" if json_path == path else f" {json_path}")
    return json_path


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def canonical(data: Any) -> bytes:
    """The same bytes for the same data, whatever the order of its keys (json.dumps with
    these options, without making an encoder per call)."""
    return _CANONICAL.encode(data).encode("utf-8")
