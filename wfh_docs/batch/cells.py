"""A spreadsheet's row as one letter's data: the header read by the clerk's labels or the field
names, each cell as its field wants it (dates, numbers, leading zeros, one item a line), the
body or appendices file a cell names (only beside the sheet, bounded), and every problem named
by its column."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import InputError, Problem
from ..i18n import N_, _
from ..letter import labels
from ..letter.model import Letter
from ..letter.sources import parse_json
from .records import (
    APPENDICES_FILE,
    BODY_FILE,
    EXCEL_EPOCH,
    LIST_FIELDS,
    OUTPUT_NAME,
    SIDE_FILE_MAX,
    Record,
    column,
    deep_merge,
    identified,
    is_key_field,
)


def column_letter(index: int) -> str:
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
        letter = column_letter(col)
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


class _Refused(Exception):
    """A body or appendices file that cannot be read, and why."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.problem = Problem("", message, hint)


def _side_file(base: Path, name: str, want: str) -> tuple[Any, Problem | None]:
    """A body or appendices file named in a cell: only a regular file inside the sheet's
    folder (after following links), of at most SIDE_FILE_MAX bytes, read with a bounded read."""
    folder = base.parent.resolve()
    inside = _(
        "put the file in the sheet's folder {folder} (or a folder under it) and give its path "
        "relative to the sheet"
    ).format(folder=folder)
    said = {"what": want, "name": repr(name)}
    try:
        path = _side_path(folder, name, said, inside)
        raw = _side_bytes(path, {**said, "path": path}, inside)
        return _side_content(raw, path, {**said, "path": path}), None
    except _Refused as exc:
        return None, exc.problem


def _side_path(folder: Path, name: str, said: dict[str, Any], inside: str) -> Path:
    try:
        given = folder / name
        path = given.resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise _Refused(
            _("{what} file {name} cannot be found ({reason})").format(**said, reason=exc), inside
        ) from None
    if not path.is_relative_to(folder):
        lexical = Path(os.path.normpath(given))
        how = (
            _("{what} file {name} is a link that leads out of the sheet's folder, to {path}")
            if lexical.is_relative_to(folder)
            else _("{what} file {name} is outside the sheet's folder ({path})")
        )
        raise _Refused(
            how.format(**said, path=path) + _("; wfhdoc reads only files beside the sheet"), inside
        )
    return path


def _side_bytes(path: Path, said: dict[str, Any], inside: str) -> bytes:
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _Refused(
            _("{what} file {name} not found ({path})").format(**said), _("the path is relative to the sheet")
        ) from None
    except PermissionError:
        raise _Refused(
            _("{what} file {name}: permission denied ({path})").format(**said),
            _("check that you may read the file"),
        ) from None
    except OSError as exc:
        message = _("{what} file {name} cannot be opened ({reason}: {path})")
        raise _Refused(message.format(**said, reason=exc.strerror), inside) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = (
            _("{what} file {name} is a folder, not a file ({path})")
            if stat.S_ISDIR(info.st_mode)
            else _("{what} file {name} is a device, pipe or socket, not a file ({path})")
        )
        raise _Refused(kind.format(**said), _("name a .txt or .json file"))
    with os.fdopen(fd, "rb") as fh:
        try:
            raw = fh.read(SIDE_FILE_MAX + 1) if info.st_size <= SIDE_FILE_MAX else b""
        except OSError as exc:
            message = _("{what} file {name} cannot be read ({reason}: {path})")
            raise _Refused(message.format(**said, reason=exc.strerror)) from None
    if info.st_size > SIDE_FILE_MAX or len(raw) > SIDE_FILE_MAX:
        size = f"{max(info.st_size, len(raw)) / (1 << 20):.1f}"
        raise _Refused(
            _("{what} file {name} is {size} MB, more than {limit} MB ({path})").format(
                **said, size=size, limit=SIDE_FILE_MAX >> 20
            ),
            _(
                "a letter's body or appendices file is text or JSON of a few pages: check that the "
                "right file is named"
            ),
        )
    return raw


def _side_content(raw: bytes, path: Path, said: dict[str, Any]) -> Any:
    """A .json file's value, or a text file's paragraphs (one a line)."""
    if path.suffix.lower() == ".json":
        try:
            return parse_json(raw, str(path))
        except InputError as exc:
            message = _("{what} file {name}: {problem}")
            raise _Refused(
                message.format(what=said["what"], name=said["name"], problem=exc.problems[0])
            ) from None
    try:
        text = raw.decode("utf-8-sig") if raw else ""
    except UnicodeDecodeError:
        raise _Refused(
            _("{what} file {name} is not UTF-8 text ({path})").format(**said),
            _("save it as UTF-8, or name a .json file"),
        ) from None
    return [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


@dataclass(frozen=True)
class Uncomputed:
    """A workbook cell holding a formula that was never computed (no value stored with it)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


UNCOMPUTED_HINT = N_(
    "open the workbook in Excel or LibreOffice and save it, so that the values of its formulas "
    "are computed and stored, or type the value instead of the formula"
)


class _Row:
    """One row's cells gathered into a letter's data, with where each field was read."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.data: dict[str, Any] = {}
        self.columns: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.identity = ""
        self.identity_where = ""
        # list items: numbered columns (recipients.1, recipients.2) first by number, then cells
        # of plain or repeated columns (a merged header) left to right, one item per line
        self.lists: dict[str, list[tuple[tuple[int, int, int], Any]]] = {}

    def cell(self, col: int, name: str, shown: str, raw: Any) -> None:
        if isinstance(raw, Uncomputed):
            message = _("the cell holds the formula {formula} but no value: it was never computed")
            self.problems.append(
                Problem(column(shown), message.format(formula=raw.formula), _(UNCOMPUTED_HINT))
            )
            return
        value = _cell_value(raw, name)
        m = re.fullmatch(r"(.+?)\.(\d+)", name)
        if value is None:
            # an empty cell still names its field: "this field is required" points at the cell
            if not is_key_field(name) and name not in (BODY_FILE, APPENDICES_FILE):
                listed = m.group(1) if m and m.group(1) in LIST_FIELDS else name
                self.columns.setdefault(_json_path(listed), shown)
            return
        if is_key_field(name):
            self.identity = self.identity or f"key:{str(value).strip()}"
            self.identity_where = self.identity_where or column(shown)
        elif m and m.group(1) in LIST_FIELDS:
            self.lists.setdefault(m.group(1), []).append(((0, int(m.group(2)), 0), value))
            self.columns.setdefault(_json_path(m.group(1)), shown)
        elif name in LIST_FIELDS:
            self._list_cell(col, name, shown, value)
        elif name in (BODY_FILE, APPENDICES_FILE):
            self._side_file_cell(name, shown, value)
        elif name == OUTPUT_NAME:
            self.data[OUTPUT_NAME] = str(value)
            self.columns[_json_path(OUTPUT_NAME)] = shown
        else:
            if name == "body":
                value = [value] if isinstance(value, str) else value
            _set_path(self.data, name.split("."), value)
            self.columns[_json_path(name)] = shown

    def _list_cell(self, col: int, name: str, shown: str, value: Any) -> None:
        lines = [line.strip() for line in str(value).split("\n") if line.strip()]
        if any(";" in line for line in lines):
            # several recipients typed on one line: one item at each ';' (ND 30, II.9.d:
            # wfhdoc writes the ';' between items itself)
            lines = [part.strip() for line in lines for part in line.split(";") if part.strip()]
            self.warnings.append(
                _(
                    "{column}: read as {count} items, one at each ';' (put each on "
                    "its own line in the cell with Alt+Enter)"
                ).format(column=column(shown), count=len(lines))
            )
        self.lists.setdefault(name, []).extend(((1, col, i), v) for i, v in enumerate(lines))
        self.columns.setdefault(_json_path(name), shown)

    def _side_file_cell(self, name: str, shown: str, value: Any) -> None:
        field_name = "body" if name == BODY_FILE else "appendices"
        loaded, problem = _side_file(
            self.base, str(value), _("the body") if name == BODY_FILE else _("the appendices")
        )
        if problem:
            self.problems.append(Problem(column(shown), problem.message, problem.hint))
        else:
            self.data[field_name] = loaded
            self.columns[_json_path(field_name)] = shown


def row_record(
    index: int,
    origin: str,
    key: str,
    head: Header,
    cells: list[Any],
    base: Path,
    defaults: dict[str, Any],
) -> Record | None:
    """A row's record (None for an empty row): its data over the defaults, and every problem
    named by its column."""
    row = _Row(base)
    for col, (name, raw) in enumerate(zip(head.fields, cells, strict=False)):
        if name:
            row.cell(col, name, head.shown[col], raw)
    data = row.data
    for name, found in row.lists.items():
        data[name] = [v for _, v in sorted(found, key=lambda t: t[0])]
    if not data and not row.problems and not row.identity:
        return None  # an empty row
    record = Record(
        index,
        origin,
        deep_merge(defaults, data),
        row.problems,
        row.columns,
        key,
        row.identity,
        row.identity_where,
        row.warnings,
    )
    return identified(record, data)
