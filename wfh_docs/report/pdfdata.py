"""The answer attached to a PDF letter (an embedded file, as PDF/A-3 allows, AFRelationship
Data) and read back from a PDF from anyone, through pyHanko's PDF reader, within bounds."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from ..errors import InputError, Problem
from ..i18n import _
from .answers import Answer
from .embed import ATTACHMENT, PART_MAX, answer_xml, parse_answer

PDF_MAX = 256 << 20  # a letter's PDF, scanned pages and all, is far below this
_NAMES_MAX = 1_000  # attached files looked at


def attach_pdf(pdf: bytes, form_id: str, answer: Answer) -> bytes:
    """`pdf` with the answer attached as wfhdoc-answer.xml, in an incremental update (the
    original bytes, and any signature over them, unchanged)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    data = embed.EmbeddedFileObject.from_file_data(
        writer, data=answer_xml(form_id, answer), mime_type="application/xml"
    )
    spec = embed.FileSpec(
        file_spec_string=ATTACHMENT,
        embedded_data=data,
        description="wfhdoc: số liệu báo cáo",
        af_relationship=generic.NameObject("/Data"),
    )
    embed.embed_file(writer, spec)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def _attached(root: Any) -> list[tuple[str, Any]]:
    names = _deref(root.get("/Names"))
    files = _deref(names.get("/EmbeddedFiles")) if names is not None else None
    if files is None:
        return []
    flat = list(_deref(files.get("/Names")) or [])[: 2 * _NAMES_MAX]
    return [(str(flat[i]), flat[i + 1].get_object()) for i in range(0, len(flat) - 1, 2)]


def _deref(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, generic.IndirectObject) else obj  # type: ignore[no-untyped-call]


def read_pdf(path: Path) -> list[tuple[str, Answer]]:
    """Every answer attached to the PDF at `path`."""
    origin = path.name
    try:
        with path.open("rb") as f:
            raw = f.read(PDF_MAX + 1)
    except OSError as exc:
        raise InputError(
            str(path), [Problem("", _("cannot be read: {error}").format(error=exc.strerror))]
        ) from None
    if len(raw) > PDF_MAX:
        raise InputError(str(path), [Problem("", _("the PDF is larger than 256 MB"))])
    found: list[tuple[str, Answer]] = []
    try:
        reader = PdfFileReader(io.BytesIO(raw), strict=False)
        for name, spec in _attached(reader.root):
            if name != ATTACHMENT:
                continue
            stream = _deref(_deref(spec["/EF"])["/F"])
            if int(stream.get("/Length", 0)) > PART_MAX:
                raise InputError(str(path), [Problem(ATTACHMENT, _("the attached data is too large"))])
            got = parse_answer(stream.data[: PART_MAX + 1], origin, ATTACHMENT)
            if got is not None:
                found.append(got)
    except (PdfError, KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise InputError(
            str(path), [Problem("", _("the PDF cannot be read ({error})").format(error=exc))]
        ) from None
    return found
