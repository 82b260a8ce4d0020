"""Bản sao (Mẫu 3.1 of Phụ lục III; Phụ lục I, Phần II, Mục II): the block an agency prints under
the last part of the văn bản it copies, below a line across the text: the agency that copies,
the hình thức sao ("SAO Y", "TRÍCH SAO", "SAO LỤC"), the copy's own number and ký hiệu
("Số: 05/SY-VP", the abbreviations of Phụ lục III, Mục I: SY, TrS, SL), its place and date, who
signs it and its Nơi nhận (ending "- Lưu: VT.").

The data is the original letter as usual, with `copy` saying who copies it: one field for a
clerk, whatever the kind of the original. A trích sao holds only the part copied, as the
clerk writes it in `body`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ..i18n import _
from .dates import parse_date, parse_number
from .parties import MultiLine, OneLine, Signer, _Model, _symbol
from .series import copy_series

CopyForm = Literal["SAO Y", "TRÍCH SAO", "SAO LỤC"]
# Phụ lục III, Mục I: the ký hiệu of each form of copy
ABBREVIATIONS: dict[str, str] = {"SAO Y": "SY", "TRÍCH SAO": "TrS", "SAO LỤC": "SL"}
# what a clerk may write for each: the form in any case, without diacritics, its abbreviation
_FORMS = {
    **{form.casefold(): form for form in ABBREVIATIONS},
    **{abbr.casefold(): form for form, abbr in ABBREVIATIONS.items()},
    "sao y ban chinh": "SAO Y",
    "sao y bản chính": "SAO Y",
    "sao-y": "SAO Y",
    "sao y": "SAO Y",
    "trich sao": "TRÍCH SAO",
    "trich-sao": "TRÍCH SAO",
    "sao luc": "SAO LỤC",
    "sao-luc": "SAO LỤC",
}


class CopyIssuer(_Model):
    """Ô 2 of Mẫu 3.1: the agency that makes the copy (tên cơ quan, tổ chức sao văn bản)."""

    name: MultiLine = Field(description="in capitals, e.g. 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH'")
    abbreviation: OneLine = Field(description="its abbreviation in the copy's ký hiệu, e.g. 'VP'")
    place: OneLine = Field(description="địa danh of the copy's date line, e.g. 'Quảng Trị'")

    @field_validator("abbreviation")
    @classmethod
    def _abbreviation(cls, value: str) -> str:
        return _symbol(value)


class Copy(_Model):
    """Who copies the văn bản, and how (Mẫu 3.1)."""

    form: CopyForm = Field(description="hình thức sao: 'SAO Y', 'TRÍCH SAO' or 'SAO LỤC'")
    issuer: CopyIssuer
    number: Annotated[int, Field(ge=1, le=999_999)] | None = Field(
        None, description="số bản sao, in the copying agency's register of copies; omit to leave it blank"
    )
    date: dt.date | None = Field(None, description="ngày sao, '2020-04-10' or '10/04/2020'")
    signer: Signer = Field(description="who signs the copy (quyền hạn, chức vụ, họ tên)")
    cc: list[MultiLine] = Field(
        default_factory=list, description="the copy's Nơi nhận (wfhdoc adds '- Lưu: VT.')"
    )

    @field_validator("form", mode="before")
    @classmethod
    def _form(cls, value: Any) -> Any:
        if isinstance(value, str):
            found = _FORMS.get(" ".join(value.split()).casefold())
            if found:
                return found
        raise ValueError(
            _("write the hình thức sao as 'SAO Y', 'TRÍCH SAO' or 'SAO LỤC' (Mẫu 3.1), not {value}").format(
                value=repr(value)
            )
        )

    @field_validator("number", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        return parse_number(value)

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return parse_date(value)

    @model_validator(mode="after")
    def _number_with_date(self) -> Copy:
        if self.number is not None and self.date is None:
            raise ValueError(
                _("the copy has the number {number} but no date: give 'copy.date' (10/04/2020)").format(
                    number=f"{self.number:02d}"
                )
            )
        return self

    @property
    def symbol(self) -> str:
        """The copy's ký hiệu: "SY-VP" (Mẫu 3.1, notes 4 and 5)."""
        return f"{ABBREVIATIONS[self.form]}-{self.issuer.abbreviation}"

    @property
    def series(self) -> str:
        """The register's series the copy's number is of: the copying agency's copies, "SAO-VP"
        (series.py)."""
        return copy_series(self.issuer.abbreviation)

    def cc_lines(self) -> list[str]:
        """Nơi nhận of the copy after their dash: the names given, then "Lưu: VT."."""
        return [f"{name};" for name in self.cc] + ["Lưu: VT."]
