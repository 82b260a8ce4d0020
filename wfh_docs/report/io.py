"""Writing what a report round makes: never a file wfhdoc did not write, never half a file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..batch.workbook import DEFAULT_EXAMPLE
from ..errors import OutputError
from ..files.output import made_by_wfhdoc, write_atomic
from ..i18n import _
from .form import schema
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


def example_letter() -> dict[str, Any]:
    """The reference letter, for the example row of a workbook."""
    data = json.loads(DEFAULT_EXAMPLE.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


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
