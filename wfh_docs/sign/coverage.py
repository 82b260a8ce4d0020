"""What a signature's bytes cover: the byte range against the file (bytes past its end, bytes
appended after its last revision), and what changed in the document after the signature."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Literal

from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from ..i18n import N_, _
from .report import SignatureReport

_CHANGES = {
    "NONE": N_("no changes"),
    "LTA_UPDATES": N_("only validation data and time-stamps were added (allowed)"),
    "FORM_FILLING": N_("only signatures or form fields were added or filled in (allowed)"),
    "ANNOTATIONS": N_("annotations were added or changed (allowed)"),
    "OTHER": N_("CHANGED in a way that is not allowed"),
}
# the same, said of changes the first signer's permissions forbid
_FORBIDDEN = {
    "NONE": N_("no changes"),
    "LTA_UPDATES": N_("only validation data and time-stamps were added"),
    "FORM_FILLING": N_("only signatures or form fields were added or filled in"),
    "ANNOTATIONS": N_("annotations were added or changed"),
    "OTHER": N_("CHANGED in a way that is not allowed"),
}


def coverage(level: Any) -> Literal["entire file", "entire revision", "partial"]:
    if level == SignatureCoverageLevel.ENTIRE_FILE:
        return "entire file"
    if level == SignatureCoverageLevel.ENTIRE_REVISION:
        return "entire revision"
    return "partial"


def changes(status: Any, coverage: str) -> tuple[bool, str]:
    level = status.modification_level
    level_name = level.name if isinstance(level, ModificationLevel) else None
    docmdp_ok = getattr(status, "docmdp_ok", None)
    if coverage == "partial":
        return True, _("cannot tell: the signature covers only part of its revision")
    if coverage == "entire file":
        return False, _("none: the signature covers the whole file")
    if level_name is None:
        return True, _("cannot tell: later changes could not be analysed")
    modified = level_name == "OTHER" or docmdp_ok is False
    changes = _(_CHANGES[level_name]) if level_name in _CHANGES else level_name
    if docmdp_ok is False and level_name != "OTHER":
        plain = _(_FORBIDDEN[level_name]) if level_name in _FORBIDDEN else level_name
        changes = _("{changes}, which the first signer's permissions forbid").format(changes=plain)
    return modified, changes


def outside(sig: EmbeddedPdfSignature, size: int) -> str | None:
    """Why the signed bytes are not all in the file (its byte range ends past the file's end)."""
    try:
        start, first, second, length = (int(v) for v in sig.byte_range)
    except (TypeError, ValueError):
        return None
    end = max(start + first, second + length)
    if end <= size:
        return None
    return _(
        "its signed bytes end at {end}, past the end of the file ({size} bytes): the file was cut "
        "or rewritten after signing, so the signed bytes are not all there"
    ).format(end=end, size=size)


_WHITESPACE = b" \t\r\n\x00\x0c"


def unsigned_tail(data: bytes, reader: Any) -> int:
    """How many bytes follow the end of the PDF's last revision (the `startxref N %%EOF` of its
    last cross-reference section), not counting blank space: bytes that are in no revision, so
    that no signature can cover them and readers ignore them."""
    try:
        xrefs = reader.xrefs
        last = xrefs.total_revisions - 1
        startxref = int(xrefs.get_startxref_for_revision(last))
    except Exception:  # a damaged file pyHanko opened in its lenient mode
        return 0
    found = re.compile(rb"startxref\s+%d\s+%%%%EOF" % startxref).search(data, max(0, startxref))
    if found is None:
        return 0
    end = found.end()
    end += 2 if data[end : end + 2] == b"\r\n" else 1 if data[end : end + 1] in (b"\n", b"\r") else 0
    return len(data) - end if data[end:].strip(_WHITESPACE) else 0


def with_tail(report: SignatureReport, tail: int) -> SignatureReport:
    return dataclasses.replace(
        report,
        coverage="partial" if report.coverage == "entire file" else report.coverage,
        modified_after=True,
        changes=_(
            "{changes}; then {count} bytes were appended after the end of the PDF (after the %%EOF of "
            "its last revision), which no signature covers"
        ).format(changes=report.changes, count=tail),
        problems=(
            *report.problems,
            _(
                "{count} unsigned bytes after the end of the PDF: the file is not the one that was "
                "signed (get the original from the sender)"
            ).format(count=tail),
        ),
        unsigned_bytes=tail,
    )
