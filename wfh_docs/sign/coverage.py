"""What a signature's bytes cover: the byte range against the file (bytes past its end, bytes
appended after its last revision), and what changed in the document after the signature.

A certification signature (one with DocMDP permissions, /P 1, 2 or 3) is judged by its
permissions as Acrobat reads them: with P=2 (filling in forms and signing) a later signature may
come in a new visible signature field, which is how the VGCA tools stamp the number, the date
and the seal after a leader's certification (real letter 21-…Khung_PPCT…). pyHanko's default
policy refuses new visible fields after a certification ("stricter than Acrobat", its own
documentation says); when only that rule refuses, the report says so, and the change is allowed.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Literal

from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffResult,
    FormUpdatingRule,
    GenericFieldModificationRule,
    ModificationLevel,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
)
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from ..i18n import N_, _
from .report import PERMISSIONS, SignatureReport

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


# pyHanko's default policy, but new visible signature fields allowed after a certification, as
# Acrobat allows them
ACROBAT_POLICY = StandardDiffPolicy(
    global_rules=DEFAULT_DIFF_POLICY.global_rules,
    form_rule=FormUpdatingRule(
        field_rules=[
            SigFieldCreationRule(allow_new_visible_after_certify=True),  # type: ignore[no-untyped-call]
            SigFieldModificationRule(),
            GenericFieldModificationRule(),
        ],
    ),
)


def certification(sig: EmbeddedPdfSignature) -> int | None:
    """The DocMDP level (1, 2 or 3) of a certification signature; None for an approval one."""
    try:
        level = sig.docmdp_level
    except Exception:  # a damaged /Reference: judged as an approval signature
        return None
    return int(level.value) if level is not None else None


def policy(sig: EmbeddedPdfSignature) -> Any:
    """The diff policy to judge what changed after `sig` with."""
    return ACROBAT_POLICY if certification(sig) is not None else DEFAULT_DIFF_POLICY


def strict_refusal(sig: EmbeddedPdfSignature, status: Any) -> str | None:
    """pyHanko's own reason for refusing what came after the certification signature `sig`,
    when its default policy refuses what ACROBAT_POLICY allowed; else None."""
    if certification(sig) is None or not isinstance(status.diff_result, DiffResult):
        return None
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return None
    try:
        strict = DEFAULT_DIFF_POLICY.review_file(
            sig.reader, sig.signed_revision, field_mdp_spec=sig.fieldmdp, doc_mdp=sig.docmdp_level
        )
    except Exception:  # the analysis itself failed: nothing to add to what was found
        return None
    return str(strict) if isinstance(strict, Exception) else None


def coverage(level: Any) -> Literal["entire file", "entire revision", "partial"]:
    if level == SignatureCoverageLevel.ENTIRE_FILE:
        return "entire file"
    if level == SignatureCoverageLevel.ENTIRE_REVISION:
        return "entire revision"
    return "partial"


def changes(status: Any, coverage: str, certified: int | None = None) -> tuple[bool, str]:
    """Whether the document was changed after the signature in a way that is not allowed, and
    what happened to it, in plain words (`certified`: the signature's DocMDP level)."""
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
    if certified in PERMISSIONS and level_name != "NONE":
        return modified, _certified(level_name, modified, certified)
    if docmdp_ok is False and level_name != "OTHER":
        return True, _("{changes}, which the first signer's permissions forbid").format(
            changes=plain_words(level_name)
        )
    return modified, _(_CHANGES[level_name]) if level_name in _CHANGES else level_name


def _certified(level_name: str, modified: bool, certified: int) -> str:
    """What changed after a certification signature, against its permissions."""
    said = _("the certification's permissions (DocMDP P={level}: {allowed})").format(
        level=certified, allowed=_(PERMISSIONS[certified])
    )
    if modified:
        return _("{changes}, which {permissions} do not allow").format(
            changes=plain_words(level_name), permissions=said
        )
    return _("{changes}, which {permissions} allow").format(changes=plain_words(level_name), permissions=said)


def plain_words(level_name: str) -> str:
    return _(_FORBIDDEN[level_name]) if level_name in _FORBIDDEN else level_name


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
