"""Writing what a report round makes: never a file wfhdoc did not write, never half a file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..batch.records import deep_merge, load_defaults
from ..batch.workbook import DEFAULT_EXAMPLE, example_row
from ..errors import OutputError
from ..files.output import made_by_wfhdoc, write_atomic
from ..i18n import _
from ..letter.sources import parse_json, read_bytes
from .form import ReportForm, schema
from .sheet import report_workbook_bytes
from .starter import STARTER


def write_starter(path: Path, *, overwrite: bool = False) -> None:
    """The commented starting form at `path`; an existing file is kept unless `overwrite`."""
    if os.path.lexists(path) and not overwrite:
        raise OutputError(
            _(
                "{path}: already exists; wfhdoc keeps it (it may be your form): give another name, "
                "or --overwrite"
            ).format(path=path)
        )
    write_atomic(path, STARTER.encode("utf-8"))


def example_letter(example: Path | None = None, defaults: Path | None = None) -> dict[str, Any]:
    """The letter of a workbook's example row: `example` (default the reference letter) with
    the shared fields of `defaults` over it, as `wfhdoc mau-excel` makes it."""
    if example is None and defaults is None:
        data = json.loads(DEFAULT_EXAMPLE.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    source = example or DEFAULT_EXAMPLE
    loaded = parse_json(read_bytes(source), str(source))
    if not isinstance(loaded, dict):
        raise OutputError(_("{path}: the example is not a letter (a JSON object)").format(path=source))
    merged: dict[str, Any] = deep_merge(loaded, load_defaults(defaults))
    return merged


def write_report_workbook(
    form: ReportForm,
    output: Path,
    *,
    example: Path | None = None,
    defaults: Path | None = None,
    overwrite: bool = False,
) -> None:
    """The agencies' workbook of `form` at `output`: the letter columns, its example row, a
    column per figure (`wfhdoc mau-excel --report`, `wfhdoc report-form workbook`)."""
    row = example_row(example_letter(example, defaults))
    write_output(output, report_workbook_bytes(form, [row]), ours=False, overwrite=overwrite)


def schema_bytes() -> bytes:
    return (json.dumps(schema(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_output(path: Path, data: bytes, *, ours: bool, overwrite: bool = False) -> None:
    """A file the round writes: one there that wfhdoc did not write (`ours`: the round's manifest
    lists it unchanged, or a .docx whose properties say wfhdoc made it) is kept unless `overwrite`."""
    mine = ours or (path.suffix.lower() == ".docx" and made_by_wfhdoc(path))
    if os.path.lexists(path) and not mine and not overwrite:
        raise OutputError(
            _("{path}: already exists and was not written by wfhdoc; give another -o, or --overwrite").format(
                path=path
            )
        )
    write_atomic(path, data)
