"""What is asked of a signature, checked when it is made: the role and its image and texts
(`SignRequest`), and how the signature is made (`SignOptions`: level, time-stamp, validation
data, time). Where the key is, is `keys.KeySource`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyhanko.sign.timestamps import TimeStamper

from ..errors import WfhDocError
from ..i18n import _
from ..letter.copying import ABBREVIATIONS
from .base import LEVELS, ROLES, Box, Level, Role, bad

COPY_FORMS = tuple(ABBREVIATIONS)  # the hình thức sao of Phụ lục I, Phần II, Mục I.1


@dataclass(frozen=True)
class SignRequest:
    """One signature in one of the roles of Phụ lục I.

    `image`: the signature PNG (signer) or the seal PNG (agency); none for an appendix, whose
    stamp shows `document_number`, nor for a copy (Phụ lục I, Phần II, Mục I.3: an electronic
    bản sao), whose stamp shows `copy_form` ("SAO Y", "TRÍCH SAO", "SAO LỤC"), the copying agency
    (`agency_name`, default the certificate's CN) and the time. `agency_name` follows "Ký bởi:"
    (default: the certificate's CN). `signer_name` is the name printed under the signature, to
    find the block (default: the certificate's CN). `page` (1-based) and `box` override the
    automatic placement.
    """

    role: Role
    image: Path | None = None
    agency_name: str | None = None
    document_number: str | None = None
    signer_name: str | None = None
    page: int | None = None
    box: Box | None = None
    font: Path | None = None
    copy_form: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise WfhDocError(
                _("role must be one of {roles}, not {role}").format(
                    roles=", ".join(ROLES), role=repr(self.role)
                )
            )
        if self.page is not None and self.page < 1:
            raise bad("page", "", _("there is no page {page}").format(page=self.page))
        if self.box is not None and (self.box.width <= 0 or self.box.height <= 0):
            raise bad("box", "", _("give x0 y0 x1 y1 with x1 > x0 and y1 > y0"))
        if self.role == "appendix":
            if self.image is not None:
                raise bad(self.image, _("image"), _("an appendix's signature shows no image (II.8.b)"))
            if not self.document_number:
                raise bad(
                    _("appendix"),
                    _("document number"),
                    _("an appendix's signature shows the letter's number (II.8.b)"),
                )
        elif self.role == "copy":
            if self.image is not None:
                raise bad(self.image, _("image"), _("a copy's signature shows no image (Phần II, I.3.b)"))
            if self.copy_form not in COPY_FORMS:
                raise bad(
                    _("copy"),
                    _("hình thức sao"),
                    _("a copy's signature shows its hình thức sao: {forms} (Phần II, I.3.c)").format(
                        forms=", ".join(COPY_FORMS)
                    ),
                )
        elif self.image is None:
            what = _("the signature (blue PNG)") if self.role == "signer" else _("the seal (red PNG)")
            raise bad(
                self.role,
                _("image"),
                _("signing as {role} needs the image of {what}").format(role=self.role, what=what),
            )


@dataclass(frozen=True)
class SignOptions:
    """How the signature is made: `level` B-B, or B-T with a time-stamp from `tsa_url` or
    `timestamper`, or B-LT/B-LTA with revocation data embedded (fetched when `allow_fetching`,
    or from `crls`). `trust_roots`, PEM/DER files: CA certificates to put in the signature and
    validate with. `when`: the signing time (default now); a naive one is Vietnam time."""

    level: Level = "B-B"
    tsa_url: str | None = None
    timestamper: TimeStamper | None = None
    trust_roots: Sequence[Path] = ()
    crls: Sequence[Path] = ()
    allow_fetching: bool = True
    when: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise WfhDocError(
                _("level must be one of {levels}, not {level}").format(
                    levels=", ".join(LEVELS), level=repr(self.level)
                )
            )
        if self.level != "B-B" and self.timestamper is None and not self.tsa_url:
            raise bad(
                "level",
                self.level,
                _("needs a time-stamp"),
                _("give the time-stamping service URL of your CA (--tsa-url)"),
            )
