"""Letters to PDFs (LibreOffice, through wfh_docs.pdf) and PDFs to page images (poppler's pdftoppm).

Both programs are optional: each function says, in the user's language, what is missing and how
to install it, so that the pages can show that instead of an image.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from wfh_docs.errors import OutputError
from wfh_docs.i18n import _
from wfh_docs.pdf import PdfResult, convert, find_soffice

MAX_PAGES = 6
_PNG_TIMEOUT = 60.0


def soffice_missing() -> str:
    """'' when LibreOffice is installed, else what to do."""
    try:
        find_soffice()
    except OutputError:
        return _(
            "LibreOffice is not installed on this computer, so the pages cannot be shown and no PDF "
            "can be made. Install it (on Windows from libreoffice.org; on Debian or Ubuntu: apt-get "
            "install libreoffice-writer-nogui) and start wfhdoc web again."
        )
    return ""


def pdftoppm_missing() -> str:
    if shutil.which("pdftoppm") is None:
        return _(
            "The page images need poppler's pdftoppm, which is not installed (on Debian or Ubuntu: "
            "apt-get install poppler-utils; on Windows: add poppler's bin folder to PATH)."
        )
    return ""


def to_pdf(docx: list[Path], outdir: Path) -> list[PdfResult]:
    """One PDF per letter, in order; raises OutputError when LibreOffice is missing."""
    return convert(docx, outdir, workers=1, timeout=120.0)


def png_pages(pdf: Path, outdir: Path, *, max_pages: int = MAX_PAGES, dpi: int = 80) -> list[bytes]:
    """The first pages of `pdf` as PNG bytes (none when pdftoppm fails)."""
    program = shutil.which("pdftoppm")
    if program is None:
        return []
    outdir.mkdir(parents=True, exist_ok=True)
    prefix = outdir / "trang"
    try:
        subprocess.run(
            [program, "-png", "-r", str(dpi), "-f", "1", "-l", str(max_pages), str(pdf), str(prefix)],
            check=True,
            capture_output=True,
            timeout=_PNG_TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return [p.read_bytes() for p in sorted(outdir.glob("trang*.png"))]


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@dataclass
class Pages:
    """The page images of one letter, or why there are none."""

    images: list[str] = field(default_factory=list)  # data: URLs
    message: str = ""


def pages_of(docx: list[Path], workdir: Path) -> list[Pages]:
    """The page images of each letter; a message instead when a program is missing or fails."""
    missing = soffice_missing() or pdftoppm_missing()
    if missing:
        return [Pages(message=missing) for _ in docx]
    try:
        results = to_pdf(docx, workdir / "pdf")
    except OutputError as exc:
        return [Pages(message=str(exc)) for _ in docx]
    out = []
    for i, result in enumerate(results):
        if not result.ok or result.output is None:
            out.append(
                Pages(
                    message=_("LibreOffice could not open the file: {reason}").format(reason=result.message)
                )
            )
            continue
        images = png_pages(result.output, workdir / f"png-{i}")
        out.append(
            Pages([data_url(p) for p in images])
            if images
            else Pages(message=_("The pages could not be drawn."))
        )
    return out
