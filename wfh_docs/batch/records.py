"""Many letters in: a folder of JSON files, a JSON list with shared defaults, or a spreadsheet
(sheets.py reads a workbook or a CSV file, cells.py a row of it).

Every source becomes Records: a raw dict for one letter plus where it came from (file, sheet,
row) and, for spreadsheets, which column each field was read from, so that a problem found
later can be reported as "sheet 'Đơn vị', row 7, column D (issuer.name)". Reading never stops
at a bad record: the record carries its problems and the batch goes on with the others.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..files.safezip import Limits
from ..i18n import _
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


def identified(record: Record, own: dict[str, Any] | None, fallback: str = "") -> Record:
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
        yield identified(
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
            yield identified(Record(i, origin, deep_merge(base, item), key=f"records[{i}]"), item)
        i += 1


def column(shown: str) -> str:
    """'column G "Ngày" (date)': a column as a message names it."""
    return _("column {column}").format(column=shown)


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
        from .sheets import sheet_records  # the spreadsheet readers import this module

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
