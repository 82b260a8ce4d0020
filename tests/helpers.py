"""Paths and small helpers shared by the tests (importable: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
REFERENCE_JSON = EXAMPLES / "cong-van-451-SCT-VP-2020.json"
# Copies of the project's shared reference material, kept in the repository so that a clone
# alone passes its tests (tests/data/reference/README.md says where the letter departs from ND 30).
TEST_DATA = ROOT / "tests" / "data"
REFERENCE_TXT = TEST_DATA / "reference" / "cong-van-451-SCT-VP-2020.txt"


def require_tool(name: str) -> str:
    """The path of an external program; CI installs them all, so there a missing one fails."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed: .ci/run must install it")
        pytest.skip(f"{name} is not installed")
    return path


def soffice_pdf(docs: list[Path], outdir: Path, timeout: int = 300) -> list[Path]:
    """PDFs of `docs` made by one plain `soffice --convert-to pdf` call with a private profile:
    LibreOffice itself, independent of wfh_docs.pdf.convert, so tests see what any reader would."""
    soffice = require_tool("soffice")
    subprocess.run(
        [soffice, f"-env:UserInstallation={(outdir / 'lo-profile').absolute().as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docs)],
        check=True, capture_output=True, timeout=timeout,
    )  # fmt: skip
    pdfs = [outdir / f"{d.stem}.pdf" for d in docs]
    for pdf in pdfs:
        assert pdf.exists(), f"LibreOffice made no {pdf.name}"
    return pdfs


def session_members(session: int) -> list[int]:
    """The live processes of a session (Linux /proc): what a killed run left running."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def sheet_column(ws: Any, field: str) -> int:
    """The column (from 1) of a worksheet whose header names `field`, in whatever words: the
    sample workbook has the clerk's headers ('Số', 'Ngày ban hành'), not the field names."""
    from wfh_docs.letter.labels import field_for_header

    for i, cell in enumerate(ws[1], start=1):
        if cell.value is not None and field_for_header(str(cell.value)) == field:
            return i
    raise LookupError(f"no column for {field} in {[c.value for c in ws[1]]}")
