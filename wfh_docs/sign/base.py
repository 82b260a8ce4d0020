"""What every module of sign/ shares: the roles and levels, boxes on a page, signature widgets,
and the one way of saying what is wrong with an input."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import InputError, Problem
from ..i18n import N_, _

Role = Literal["signer", "agency", "appendix", "copy"]
Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]
ROLES: tuple[Role, ...] = ("signer", "agency", "appendix", "copy")
LEVELS: tuple[Level, ...] = ("B-B", "B-T", "B-LT", "B-LTA")

MM = 72 / 25.4
# Field names: what the document systems call the steps (ký phê duyệt, đóng dấu phát hành, phụ lục,
# bản sao).
FIELD_NAMES: dict[Role, str] = {
    "signer": "NguoiKy",
    "agency": "CoQuan",
    "appendix": "PhuLuc",
    "copy": "BanSao",
}
# Written into the signature's /Reason: Vietnamese in every run, as the document systems read it.
REASONS: dict[Role, str] = {
    "signer": "Ký phê duyệt văn bản",
    "agency": "Ký số của cơ quan, tổ chức (phát hành văn bản)",
    "appendix": "Ký số của cơ quan, tổ chức trên văn bản kèm theo",
    "copy": "Ký số của cơ quan, tổ chức trên bản sao văn bản sang định dạng điện tử",
}
PKCS11_HINT = N_(
    "give the token's PKCS#11 library: SafeNet eToken libeTPkcs11.so (eTPKCS11.dll on Windows), "
    "Bit4id libbit4xpki.so (bit4xpki.dll), SoftHSM2 /usr/lib/softhsm/libsofthsm2.so"
)

# pyHanko, its certificate validator, pdfminer and fontTools log every doubt they have, with
# tracebacks; with no handler of the application's, Python would print them all on stderr. A
# NullHandler keeps them quiet there and still passes them on to whatever logging the app sets up.
for _name in ("pyhanko", "pyhanko_certvalidator", "pdfminer", "fontTools"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


def bad(source: str | Path, where: str, message: str, hint: str = "") -> InputError:
    """An InputError with one problem: what goes wrong in signing is one thing at a time."""
    return InputError(str(source), [Problem(where, message, hint)])


def read_pdf(path: Path) -> bytes:
    """The bytes of the PDF at `path`, or an InputError saying why there are none."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise bad(path, "", _("cannot read the file ({reason})").format(reason=exc.strerror or exc)) from None
    if b"%PDF-" not in data[:1024]:
        raise bad(path, "", _("is not a PDF"), _("sign the PDF of the letter (wfhdoc pdf)"))
    return data


@dataclass(frozen=True)
class Box:
    """A rectangle on a page in PDF points, origin bottom-left."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    def union(self, other: Box) -> Box:
        return Box(
            min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1)
        )

    def intersects(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def overlap(self, other: Box) -> float:
        """The area the two boxes share."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0

    def inside(self, other: Box) -> bool:
        return self.x0 >= other.x0 and self.y0 >= other.y0 and self.x1 <= other.x1 and self.y1 <= other.y1

    def shift(self, dx: float, dy: float) -> Box:
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (round(self.x0, 2), round(self.y0, 2), round(self.x1, 2), round(self.y1, 2))


@dataclass(frozen=True)
class Widget:
    """A signature field's widget on a page: where a signature shows (or would show)."""

    name: str  # the field's name
    page: int  # 0-based; -1 when the widget is on no page
    box: Box
    signed: bool  # the field holds a signature
    image: bool = False  # its appearance shows an image (a signature or a seal), not only text

    @property
    def visible(self) -> bool:
        return self.page >= 0 and self.box.width > 1 and self.box.height > 1
