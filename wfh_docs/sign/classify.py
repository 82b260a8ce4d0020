"""What each signature of a received letter is, and whether it sits where Nghị định 30 puts it.

Roles, as the VGCA tools sign a letter (the leader, then the văn thư issuing it): phê duyệt (a
person's certificate and a signature image), ký nháy (a person's, a small image), số (the
agency's, text only, in the blank after "Số:"), ngày (text only, in "ngày … tháng …"; in a phụ
lục's "(Kèm theo … số … ngày …)" line the number comes first), dấu (the agency's, the seal image),
phụ lục (the agency's stamp at the top right of an appendix in its own file, text only), bản sao
(the same for a copy, told by its reason), and unknown. Judged from the widget's box and whether
its appearance shows an image, its place against the page's text, and the certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..i18n import N_, _
from .base import Box, Widget
from .pdftext import Line, Page, find_x, fold
from .trust import Kind

RoleName = Literal["approval", "initials", "number", "date", "seal", "appendix", "copy", "unknown"]
# what the report calls each role, in the decree's words
ROLE_LABELS: dict[str, str] = {
    "approval": N_("phê duyệt (the competent person's signature)"),
    "initials": N_("ký nháy (initials)"),
    "number": N_("số (the number, stamped at issuance)"),
    "date": N_("ngày (the date, stamped at issuance)"),
    "seal": N_("dấu (the agency's seal)"),
    "appendix": N_("phụ lục (the agency's stamp on an appendix)"),
    "copy": N_("bản sao (the agency's stamp on a copy)"),
    "unknown": N_("unknown"),
}
INITIALS_MAX = 30.0  # points: a signature image lower than this is a ký nháy, not a signature


@dataclass(frozen=True)
class Finding:
    """One thing about a signature's place, as `wfhdoc check` reports one: rule, severity, message."""

    rule: str
    severity: Literal["error", "warning", "info"]
    message: str


def _line_at(page: Page, box: Box) -> Line | None:
    """The line of text the widget is written into: its height, and across it."""
    for line in page.lines:
        if line.box.y0 - 3 <= box.cy <= line.box.y1 + 3 and line.box.x0 - 5 <= box.cx <= line.box.x1 + 5:
            return line
    return None


def classify(widget: Widget | None, kind: Kind, reason: str, page: Page | None) -> RoleName:
    """The role of a signature with `widget`, signed with a certificate of `kind`."""
    if widget is None or not widget.visible:
        return "unknown"
    box = widget.box
    if widget.image:
        if kind == "organisation":
            return "seal"
        return "initials" if box.height < INITIALS_MAX else "approval"
    if kind != "organisation" or page is None:
        return "unknown"
    top = box.y0 > page.box.y0 + 0.75 * page.box.height
    if not page.lines:
        # a scanned page: no text to read, but ND 30's layout puts Số (ô 3) top left and the
        # date (ô 4) top right, as the văn thư stamps them on the scan
        if top:
            return "number" if box.cx < page.box.cx else "date"
        return "unknown"
    line = _line_at(page, box)
    if line is not None:
        text = fold(line.text)
        words = text.replace(":", " ").split()
        if words and words[0] == "so":
            return "number"
        if "ngay" in text and ("thang" in text or "/" in text):
            if "kem theo" in text:
                date_x = find_x(line, "ngày")
                return "number" if date_x is not None and box.cx < date_x else "date"
            return "date"
    if page.index == 0 and top:
        return "copy" if "sao" in fold(reason) else "appendix"
    return "unknown"


def _number_findings(box: Box, page: Page) -> list[Finding]:
    line = _line_at(page, box)
    if line is not None and "kem theo" in fold(line.text):
        return []  # "(Kèm theo … số …/QĐ-… ngày …)": the number goes before its symbol, no colon
    if line is None:
        return []  # a scanned page: no blank to measure against
    slash = find_x(line, "/")
    # past the label "Số:" (about one em) and before the symbol "/…" that follows the blank
    if box.x0 < line.box.x0 + 0.9 * line.size or (slash is not None and box.x1 > slash + 3):
        return [
            Finding(
                "sign.number-in-blank",
                "warning",
                _("the number is not written into the blank after 'Số:' (Điều 15.3, Phụ lục I II.3)"),
            )
        ]
    return []


def _seal_findings(box: Box, approvals: list[Widget]) -> list[Finding]:
    if not approvals:
        return [
            Finding(
                "sign.seal-over-signature",
                "info",
                _("no digital signature of the competent person on the page for the seal to cover"),
            )
        ]
    if any(box.intersects(a.box) and box.cx < a.box.cx for a in approvals):
        return []
    return [
        Finding(
            "sign.seal-over-signature",
            "warning",
            _("the seal does not cover the left part of the competent person's signature (Phụ lục I II.8.a)"),
        )
    ]


def placement_findings(
    role: RoleName, widget: Widget | None, page: Page | None, approvals: list[Widget]
) -> list[Finding]:
    """What is wrong with where a signature of `role` sits (`approvals`: the phê duyệt widgets
    on the same page)."""
    if widget is None or page is None:
        return []
    if role == "seal":
        return _seal_findings(widget.box, approvals)
    if role == "number":
        return _number_findings(widget.box, page)
    if role in ("appendix", "copy") and widget.box.cx < page.box.cx:
        return [
            Finding(
                "sign.stamp-top-right",
                "warning",
                _("the agency's stamp is not at the top right of the first page (Phụ lục I II.8.b)"),
            )
        ]
    return []
