"""`batch --pdf`: the PDF of every letter a batch left whole, beside it."""

from __future__ import annotations

from ..pdf import PdfResult, Progress, convert
from .run import Report

PDF_TIMEOUT = 120.0  # seconds one letter may take in LibreOffice


def batch_pdfs(
    report: Report, *, pdfa: bool = False, workers: int | None = None, progress: Progress | None = None
) -> list[PdfResult]:
    """The PDFs of the letters of `report` that are whole (built now, or unchanged), in its
    output folder; one result per letter. Nothing to do, no LibreOffice asked for."""
    letters = report.letters()
    if not letters:
        return []
    return convert(letters, report.outdir, pdfa=pdfa, workers=workers, timeout=PDF_TIMEOUT, progress=progress)
