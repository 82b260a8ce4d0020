"""Issuing a letter as the văn thư does (Điều 15.3, Phụ lục I II.3, II.4, II.8.a): the letter the
leader signed gets its number from the register, written into the blank after "Số:"; the day
and month (and the year when its blank has it) into the date line; the same in each phụ lục's
"(Kèm theo … số … ngày …)" line; then the seal. Each is a signature of the agency's certificate
of its own, text only (Times New Roman 13 pt, black) placed in its blank, as the VGCA tools issue.

Everything that can be checked is checked before a number is drawn: the blanks, the leader's
signature, the key and its certificate. A number drawn for a letter whose stamping then fails
is given back to the register when no later number was drawn since, else kept for that letter
(the same PDF issued again gets it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from ..i18n import _
from ..letter import vn
from ..letter.series import kind_of, series_of
from .appearance import DESCENT
from .base import Box, Widget, bad
from .blanks import Blank, Blanks, DateBlanks, find_blanks
from .fonts import Text, find_font, font_1000, measure
from .images import Picture, seal_size
from .placement import Document, Layout, find_block, fit_signature, unique_name
from .requests import SignRequest
from .signing import Signing, load_document

STAMP_SIZE = 13  # Phụ lục I II.3: the number in Times New Roman 13
FIELDS = {"number": "SoVanBan", "date": "NgayBanHanh", "kem_number": "KemTheoSo", "kem_date": "KemTheoNgay"}
# the signatures' /Reason, in Vietnamese in every run, as the document systems read it
REASONS = {
    "number": "Cấp số văn bản",
    "date": "Ghi ngày, tháng, năm ban hành văn bản",
    "kem_number": "Cấp số văn bản trên phụ lục kèm theo",
    "kem_date": "Ghi ngày ban hành trên phụ lục kèm theo",
}


@dataclass(frozen=True)
class Letter:
    """What the register keeps of a letter being issued, read from the PDF."""

    source: Path
    sha256: str  # of the PDF as given (the leader's signed letter)
    symbol: str  # ký hiệu, e.g. SCT-VP
    series: str  # the register's series the number is from: SCT (công văn), QĐ-UBND (quyết định)
    kind: str  # CV for a công văn, else the kind's abbreviation (QĐ, TB ...)
    subject: str
    recipients: tuple[str, ...]


class Numbering(Protocol):
    """The register, as issuing needs it (wfh_docs.batch.register gives one)."""

    def draw(self, letter: Letter, date: dt.date) -> int:
        """The letter's number: the next of its series and year, or the one it was given before."""

    def release(self, letter: Letter, date: dt.date, number: int) -> None:
        """The letter was not issued: give its number back when no later one was drawn."""

    def issued(self, letter: Letter, date: dt.date, number: int, output: Path, sha256: str) -> None:
        """The letter went out as `output`, whose SHA-256 is `sha256`."""


@dataclass(frozen=True)
class IssueRequest:
    """How to issue: the seal image, the name after "Ký bởi:" (default: the certificate's), the
    register's series that numbers the letter (default: the ký hiệu's, series_of_symbol),
    whether a letter with no leader's signature may be issued (signed on paper and scanned,
    say), the stamp font."""

    seal: Path
    agency_name: str | None = None
    series: str | None = None
    allow_unsigned: bool = False
    font: Path | None = None


@dataclass(frozen=True)
class Prepared:
    """A letter checked and ready for its number."""

    doc: Document
    blanks: Blanks
    letter: Letter


@dataclass(frozen=True)
class IssueResult:
    output: Path
    number: int
    reference: str  # "451/SCT-VP"
    date: dt.date
    fields: tuple[str, ...]  # the signatures added, in order
    signer: str
    warnings: tuple[str, ...] = ()


def series_of_symbol(symbol: str) -> tuple[str, str]:
    """The register's series and the kind of document a ký hiệu names, as the letter model
    numbers it (Letter.series, letter.series): SCT-VP -> (SCT, CV), QĐ-UBND -> (QĐ-UBND, QĐ), so
    that an agency's quyết định and its công văn are numbered apart (Điều 15.1)."""
    series = series_of(symbol)
    return series, kind_of(series) or "CV"


def prepare(input: Path, request: IssueRequest, data: bytes | None = None) -> Prepared:
    """The letter at `input`, checked: readable, with its blanks, not issued yet, signed by the
    leader (unless `request.allow_unsigned`)."""
    doc = load_document(input, data)
    blanks = find_blanks(doc.all_text()) if doc.pages else None
    if blanks is None or blanks.number is None:
        seen = blanks.number_line if blanks is not None else ""
        raise bad(
            input,
            _("number"),
            _(
                "has no blank after 'Số:' for the number (the line reads '{line}'); nothing was stamped"
            ).format(line=seen)
            if seen
            else _("has no line 'Số: … /…' on its first page; nothing was stamped"),
            _("issue a letter made without a number (leave 'number' out of its data)"),
        )
    if _already_issued(doc.widgets, blanks.number):
        raise bad(
            input,
            _("number"),
            _("is already issued: a signature is already written into the blank after 'Số:'"),
            _("an issued letter is not issued again; issue the leader's signed letter"),
        )
    if not request.allow_unsigned and not any(w.signed and w.visible and w.image for w in doc.widgets):
        raise bad(
            input,
            _("signatures"),
            _("has no signature of the competent person (with the signature image) to issue"),
            _(
                "sign it first (wfhdoc sign --as signer), or give --allow-unsigned for a letter "
                "signed another way"
            ),
        )
    series, kind = series_of_symbol(blanks.symbol)
    letter = Letter(
        source=input,
        sha256=hashlib.sha256(doc.data).hexdigest(),
        symbol=blanks.symbol,
        series=request.series or series,
        kind=kind,
        subject=blanks.subject,
        recipients=blanks.recipients,
    )
    return Prepared(doc, blanks, letter)


def _already_issued(widgets: tuple[Widget, ...], number: Blank) -> bool:
    box = number.box()
    return any(
        w.signed
        and (w.name.startswith(FIELDS["number"]) or (w.page == number.page and w.box.intersects(box)))
        for w in widgets
    )


def _texts(page: int, pieces: list[tuple[Text, float, float]]) -> Layout:
    """A text-only layout: each text with its left end at x and its baseline at y."""
    boxes = []
    for text, x, baseline in pieces:
        bottom = baseline - DESCENT * text.size
        boxes.append(Box(x, bottom, x + text.width + 1, bottom + text.height))
    widget = boxes[0]
    for box in boxes[1:]:
        widget = widget.union(box)
    origins = [(box.x0 - widget.x0, box.y0 - widget.y0) for box in boxes]
    more = tuple((text, origin) for (text, _x, _y), origin in zip(pieces[1:], origins[1:], strict=True))
    return Layout(page, widget, None, None, None, pieces[0][0], origins[0], more=more)


def _right(text: Text, blank: Blank, warnings: list[str], what: str) -> float:
    """x for the number in its blank: against the "/" that follows, as a typed "451/SCT-VP"
    reads; a short number leaving more than 1.25 em before it is centred instead, so that no
    reader takes the gap after "Số:" for a column's edge."""
    x = blank.x1 - text.width - 0.3
    if x < blank.x0 + 0.5:
        warnings.append(
            _("the blank for {what} is {room} pt wide and '{text}' needs {need} pt: it overlaps").format(
                what=what, room=f"{blank.width:.0f}", text=text.content, need=f"{text.width:.0f}"
            )
        )
        return blank.x0 + 0.5
    if x - blank.x0 > 1.25 * blank.size:
        return _centre(text, blank)
    return x


def _centre(text: Text, blank: Blank) -> float:
    return blank.x0 + max(0.5, (blank.width - text.width) / 2)


def _layouts(
    prepared: Prepared, number: int, date: dt.date, font: Path
) -> tuple[list[tuple[str, Layout]], list[str]]:
    """The issue's text signatures (field kind, layout) in the order they are signed."""
    blanks = prepared.blanks
    assert blanks.number is not None
    warnings: list[str] = []

    def text(value: str) -> Text:
        return measure([value], font, STAMP_SIZE, STAMP_SIZE)

    number_text = text(vn.format_doc_number(number))
    out = [
        (
            "number",
            _texts(
                blanks.number.page,
                [(number_text, _right(number_text, blanks.number, warnings, "Số"), blanks.number.baseline)],
            ),
        )
    ]
    if blanks.date is None:
        warnings.append(
            _("found no blanks in the date line 'ngày … tháng … năm …': the date was not stamped")
        )
    else:
        out.append(("date", _date_texts(blanks.date, date, text)))
    for kem in blanks.kem_theo:
        out.append(
            (
                "kem_number",
                _texts(
                    kem.number.page,
                    [
                        (
                            number_text,
                            _right(number_text, kem.number, warnings, "Kèm theo"),
                            kem.number.baseline,
                        )
                    ],
                ),
            )
        )
        if isinstance(kem.date, DateBlanks):  # "ngày 08 tháng 4 năm 2020", as in the date line
            out.append(("kem_date", _date_texts(kem.date, date, text)))
        elif kem.date is not None:  # a công văn's "ngày 08/4/2020"
            short = text(vn.format_short_date(date))
            out.append(
                ("kem_date", _texts(kem.date.page, [(short, _centre(short, kem.date), kem.date.baseline)]))
            )
        else:
            warnings.append(
                _(
                    "found no blank for the date in the line '(Kèm theo … ngày …)' on page {page}: "
                    "its date was not stamped"
                ).format(page=kem.number.page + 1)
            )
    return out, warnings


def _date_texts(d: DateBlanks, date: dt.date, text: Callable[[str], Text]) -> Layout:
    """The day and month (and the year when there is room for it) in the blanks of a
    "ngày … tháng … năm …": the date line's, or a phụ lục's Kèm theo line's."""
    day, month, year = vn.format_short_date(date).split("/")
    pieces = [
        (text(day), _centre(text(day), d.day), d.day.baseline),
        (text(month), _centre(text(month), d.month), d.month.baseline),
    ]
    if d.year is not None:
        pieces.append((text(year), d.year.x0 + 0.25 * d.year.size, d.year.baseline))
    return _texts(d.day.page, pieces)


def _seal_request(prepared: Prepared, request: IssueRequest, picture: Picture) -> SignRequest:
    """The seal over the left third of the leader's signature; for a letter with none (issued
    with allow_unsigned), over the left third of where the block's signature would be."""
    seal = SignRequest("agency", image=request.seal, agency_name=request.agency_name, font=request.font)
    if any(w.signed and w.visible for w in prepared.doc.widgets):
        return seal
    block = find_block(prepared.doc.all_text(), None)
    if block is None:
        raise bad(
            prepared.doc.source,
            _("signature block"),
            _("found no signature block for the seal (the signer's title lines with the name under them)"),
        )
    room = fit_signature(block, 2.0)
    seal_w, seal_h, _note = seal_size(picture)
    right = room.x0 + room.width / 3
    box = Box(right - seal_w, room.cy - seal_h / 2, right, room.cy + seal_h / 2)
    return replace(seal, page=block.page.index + 1, box=box)


def issue_document(
    signing: Signing,
    prepared: Prepared,
    request: IssueRequest,
    picture: Picture,
    numbering: Numbering,
    output: Path,
) -> tuple[bytes, IssueResult]:
    """The issued letter's bytes and what was done; the number is drawn from `numbering` here,
    and given back if stamping fails. The caller writes the bytes, then tells `numbering`."""
    moment, vn_time = signing.moment()
    date = vn_time.date()
    font = font_1000(find_font(request.font))
    seal_request = _seal_request(prepared, request, picture)
    number = numbering.draw(prepared.letter, date)
    try:
        layouts, warnings = _layouts(prepared, number, date, font)
        doc = prepared.doc
        added: list[str] = []
        for kind, layout in layouts:
            name = unique_name(FIELDS[kind], {w.name for w in doc.widgets})
            data = signing.stamp(doc, name, REASONS[kind], layout, moment)
            doc = _next(doc, data)
            added.append(name)
            moment, _vn = signing.moment()
        data, sealed = signing.sign(doc, seal_request, picture, output)
        added.append(sealed.field_name)
    except BaseException:
        numbering.release(prepared.letter, date, number)
        raise
    reference = f"{vn.format_doc_number(number)}/{prepared.letter.symbol}"
    result = IssueResult(
        output, number, reference, date, tuple(added), signing.name, (*warnings, *sealed.warnings)
    )
    return data, result


def _next(doc: Document, data: bytes) -> Document:
    """The document after one more signature: its pages' text is the same, read once."""
    after = load_document(doc.source, data)
    after.text.update(doc.text)
    return after
