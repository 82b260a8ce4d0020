"""Who issues and who signs: the agency of ô 2 and the ký hiệu's parts (Issuer), the signer of
ô 7a-7b with the decree's prefixes TM., KT., TL., TUQ., Q. (Signer), and the small types and
checks the letter's models share."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..i18n import _

# A ký hiệu group: letters (Vietnamese Đ included) and digits, groups joined by "-" (ND 30,
# Phụ lục I, II.3.c: "-" between abbreviation groups, no spaces).
_SYMBOL = re.compile(r"^[0-9A-Za-zĐđ]+(-[0-9A-Za-zĐđ]+)*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _no_newline(value: str) -> str:
    if "\n" in value:
        raise ValueError(_("must be on one line: remove the line break"))
    return value


OneLine = Annotated[str, Field(min_length=1)]
MultiLine = Annotated[str, Field(min_length=1)]


def conforming(value: str) -> str | None:
    """The ký hiệu part the decree would write for `value`: 'PGD&ĐT' -> 'PGDĐT', 'GDTrH, GDTX'
    -> 'GDTrH-GDTX', 'KT HT' -> 'KT-HT'; None when no such form is near."""
    fixed = re.sub(r"[&.]", "", value)
    fixed = re.sub(r"[\s,;/_+]+", "-", fixed)
    fixed = re.sub(r"-{2,}", "-", fixed).strip("-")
    return fixed if fixed and fixed != value and _SYMBOL.match(fixed) else None


def _symbol(value: str) -> str:
    if not _SYMBOL.match(value):
        near = conforming(value)
        message = _(
            "a ký hiệu part is letters and digits only, groups joined by '-', no spaces "
            "or '/' (for example 'SCT', 'VP', 'KT-HT')"
        )
        if near:
            message += _(
                "; Phụ lục I, II.3.c of ND 30 writes the groups of a ký hiệu with '-' between them "
                "and no space: write '{fixed}'"
            ).format(fixed=near)
        raise ValueError(message)
    return value


class Issuer(_Model):
    """Tên cơ quan, tổ chức ban hành văn bản (ô 2) and what the letter needs of it."""

    parent: OneLine | None = Field(
        None,
        description="tên cơ quan, tổ chức chủ quản trực tiếp, e.g. 'UBND TỈNH QUẢNG TRỊ' "
        "(optional; printed in capitals, not bold)",
    )
    name: MultiLine = Field(
        description="tên cơ quan, tổ chức ban hành văn bản, e.g. 'SỞ CÔNG THƯƠNG' "
        "(printed in bold capitals; a line break splits a long name)"
    )
    short_name: OneLine | None = Field(
        None,
        description="how the letter names the agency in running text, e.g. 'Sở Công Thương'; "
        "used in the phụ lục line '(Kèm theo Công văn số ... của <short_name>)'",
    )
    abbreviation: OneLine = Field(
        description="chữ viết tắt tên cơ quan (first part of the ký hiệu), e.g. 'SCT'"
    )
    unit: OneLine = Field(
        description="chữ viết tắt tên đơn vị soạn thảo (second part of the ký hiệu, and the "
        "'Lưu: VT, <unit>' line), e.g. 'VP'"
    )
    place: OneLine = Field(description="địa danh for the date line, e.g. 'Quảng Trị'")
    contact: MultiLine | None = Field(
        None,
        description="ô 13: địa chỉ, điện thoại, thư điện tử, website, on page 1 under a "
        "full-width line (optional)",
    )

    @field_validator("abbreviation", "unit")
    @classmethod
    def _symbols(cls, value: str) -> str:
        return _symbol(value)

    @field_validator("unit", mode="before")
    @classmethod
    def _unit_given(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError(
                _(
                    "the drafting unit cannot be left empty: a công văn's ký hiệu is the agency's "
                    "abbreviation, then the drafting unit's or the field's (Phụ lục I, II.3.b of ND 30: "
                    "'{example}'), and the Lưu line names it; write the unit's abbreviation"
                ).format(example="451/SCT-VP")
            )
        return value

    @field_validator("parent", "short_name", "place", "abbreviation", "unit")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return value if value is None else _no_newline(value)


Authority = Literal["TM.", "KT.", "TL.", "TUQ.", "Q."]


class Signer(_Model):
    """Quyền hạn, chức vụ, họ tên người ký (ô 7a, 7b)."""

    authority: Authority | None = Field(
        None,
        description="quyền hạn ký: 'TM.' (thay mặt tập thể), 'KT.' (ký thay), 'TL.' (thừa "
        "lệnh), 'TUQ.' (thừa ủy quyền), 'Q.' (quyền); omit when the head signs",
    )
    head_title: MultiLine | None = Field(
        None,
        description="after the prefix: the head's title (KT./TL./TUQ./Q.: 'GIÁM ĐỐC') or, "
        "for TM., the collective ('ỦY BAN NHÂN DÂN')",
    )
    deputy_of: MultiLine | None = Field(
        None,
        description="only with TM.: a deputy signs for the head of the collective, giving "
        "'TM. ỦY BAN NHÂN DÂN' / 'KT. <deputy_of>' / <title>",
    )
    title: MultiLine | None = Field(None, description="chức vụ của người ký, e.g. 'PHÓ GIÁM ĐỐC'")
    other_title: MultiLine | None = Field(
        None, description="ô 7b: chức vụ khác của người ký, printed above the name (optional)"
    )
    name: OneLine = Field(description="họ và tên người ký, e.g. 'Nguyễn Hữu Hưng'")
    signature_text: OneLine | None = Field(
        None,
        description="what stands in the signature space (ô 7c) instead of the signature, on a "
        "copy: '(đã ký)' or '(Đã ký)' (optional)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Signer:
        a = self.authority
        if a is None:
            if self.head_title is not None:
                raise ValueError(
                    _(
                        "'head_title' goes with an authority prefix: set 'authority' (KT., TL., "
                        "TUQ., Q. or TM.) or move the title to 'title'"
                    )
                )
            if self.title is None:
                raise ValueError(_("the head signs: give his or her 'title', e.g. 'GIÁM ĐỐC'"))
        else:
            if self.head_title is None:
                raise ValueError(
                    _(
                        "with '{authority}' give 'head_title': the head's title after '{authority}', "
                        "e.g. {example}"
                    ).format(authority=a, example="'ỦY BAN NHÂN DÂN'" if a == "TM." else "'GIÁM ĐỐC'")
                )
            if a == "Q." and self.title is not None:
                raise ValueError(
                    _(
                        "with 'Q.' the signer is the acting head: the block is 'Q. <head_title>' "
                        "and the name, so leave 'title' out"
                    )
                )
            if a != "Q." and self.title is None:
                raise ValueError(
                    _("with '{authority}' give the signer's own 'title', e.g. 'PHÓ GIÁM ĐỐC'").format(
                        authority=a
                    )
                )
        if self.deputy_of is not None and a != "TM.":
            raise ValueError(_("'deputy_of' is only for 'TM.' letters signed by a deputy"))
        return self

    def authority_lines(self) -> list[str]:
        """The lines of ô 7a, top to bottom (ND 30, Phụ lục I, II.7.b and II.7.đ)."""
        a = self.authority
        if a is None:
            return [self.title or ""]
        lines = [f"{a} {self.head_title}"]
        if self.deputy_of:
            lines.append(f"KT. {self.deputy_of}")
        if self.title:
            lines.append(self.title)
        return lines
