"""The letter as typed, frozen data: what Mẫu 1.5 (công văn) and Mẫu 2.1 (phụ lục) of ND 30 hold,
and the other kinds of Phụ lục III (letter.types: its `type`; letter.typed: their own parts).

Field names are English identifiers; the README's glossary ("The letter as data") maps each one
to the decree's Vietnamese term. Every string reaching these models has already been cleaned
at the boundary (NFC, control characters, line ends: see sources.clean_tree).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..i18n import _
from . import typed
from .blocks import BLOCK_MESSAGE, UNION_TAGS, Block, Cell, Heading, PageBreak, Paragraph, Table, TableBlock
from .copying import Copy
from .dates import parse_date, parse_number
from .labels import field_name
from .parties import Issuer, MultiLine, OneLine, Signer, _Model, _symbol
from .typed import Attachment, Secretary
from .types import NAMES, TYPES, DocType, TypeId, type_id


class Appendix(_Model):
    """Phụ lục (Mẫu 2.1): a new page with its own page numbers."""

    title: MultiLine = Field(description="tên phụ lục (printed in bold capitals)")
    content: list[Block] = Field(min_length=1, description="the phụ lục's blocks")
    landscape: bool = Field(
        False, strict=True, description="true to lay this phụ lục out landscape (wide tables)"
    )


class Archive(_Model):
    unit: OneLine | None = Field(
        None, description="đơn vị soạn thảo in 'Lưu: VT, <unit>'; default issuer.unit"
    )
    copies: Annotated[int, Field(ge=1, strict=True)] | None = Field(
        None, description="số bản lưu, printed '(2)'"
    )


class Drafter(_Model):
    """Ô 12: ký hiệu người soạn thảo và số lượng bản phát hành, e.g. 'PL.(300)'."""

    initials: OneLine = Field(description="initials of the drafter, e.g. 'PL'")
    copies: Annotated[int, Field(ge=1, strict=True)] | None = Field(
        None, description="số lượng bản phát hành"
    )

    @field_validator("initials")
    @classmethod
    def _initials(cls, value: str) -> str:
        return _symbol(value)


Urgency = Literal["KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"]


class Letter(_Model):
    """One công văn with its phụ lục."""

    schema_: str | None = Field(None, alias="$schema", description="path or URL of the JSON Schema (ignored)")
    doc_type: TypeId = Field(
        "cong-van",
        alias="type",
        description="the kind of document, its Mẫu of Phụ lục III: 'cong-van' (1.5, the default), "
        "'quyet-dinh' (1.2, 1.3 with 'attachment'), 'nghi-quyet' (1.1), 'bao-cao', 'ke-hoach', "
        "'to-trinh', 'thong-bao', 'huong-dan', 'chuong-trinh' ... (1.4), 'cong-dien' (1.6), "
        "'giay-moi' (1.7), 'giay-gioi-thieu' (1.8), 'bien-ban' (1.9), 'giay-nghi-phep' (1.10)",
    )
    issuer: Issuer
    number: Annotated[int, Field(ge=1, le=999_999)] | None = Field(
        None, description="số của văn bản; omit to leave it blank for the document system (Điều 15.3)"
    )
    date: dt.date | None = Field(
        None,
        description="ngày ban hành, '2020-04-08' or '08/04/2020'; omit to leave it blank",
    )
    subject: str = Field(
        description="trích yếu: of a công văn after 'V/v', e.g. 'báo cáo tình hình ...'; of another "
        "kind as printed under its tên loại, e.g. 'Về việc thành lập ...' (none for a giấy giới "
        "thiệu or giấy nghỉ phép)"
    )
    urgency: Urgency | None = Field(None, description="dấu chỉ mức độ khẩn (optional)")
    recipients: list[MultiLine] = Field(
        description="Kính gửi: one or more recipients (a công văn; a báo cáo or tờ trình to a "
        "superior); of a công điện, who receives it"
    )
    issuing_authority: MultiLine | None = Field(
        None,
        description="thẩm quyền ban hành of a quyết định or nghị quyết, printed above the căn cứ "
        "('CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CAN LỘC'); of a công điện, who sends it ('... điện:')",
    )
    bases: list[MultiLine] = Field(
        default_factory=list,
        description="căn cứ of a quyết định or nghị quyết, each line as written ('Căn cứ Luật ...'); "
        "printed in italics, ';' after each, '.' after the last",
    )
    proposal: MultiLine | None = Field(
        None, description="after 'Theo đề nghị của' (a quyết định), e.g. 'Trưởng phòng Nội vụ huyện'"
    )
    body: list[Block] = Field(min_length=1, description="nội dung: paragraphs, headings, tables")
    signer: Signer
    cc: list[MultiLine] = Field(
        default_factory=list,
        description="Nơi nhận besides 'Như trên' (the tool adds 'Như trên' and 'Lưu: VT, ...')",
    )
    archive: Archive | None = None
    drafter: Drafter | None = None
    appendices: list[Appendix] = Field(default_factory=list, description="phụ lục, in order")
    attachment: Attachment | None = Field(
        None, description="the văn bản a quyết định issues or approves (Mẫu 1.3), on its own pages"
    )
    secretary: Secretary | None = Field(None, description="the thư ký who signs a biên bản beside the chair")
    copy_: Copy | None = Field(
        None,
        alias="copy",
        description="a bản sao (Mẫu 3.1): who copies the letter ('SAO Y', 'TRÍCH SAO', 'SAO LỤC'), "
        "its number, date, signer and Nơi nhận, printed under the letter below a line across",
    )
    confirmation: bool = Field(
        False,
        strict=True,
        description="a giấy nghỉ phép: true to leave room under the signature for the 'Xác nhận "
        "của cơ quan (tổ chức) hoặc chính quyền địa phương nơi nghỉ phép' (Mẫu 1.10, if needed)",
    )

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        populate_by_name=True,
        title="wfhdoc document (công văn, quyết định, kế hoạch, báo cáo ...)",
    )

    @model_validator(mode="before")
    @classmethod
    def _kind_defaults(cls, data: Any) -> Any:
        """Kinds without Kính gửi or trích yếu need not write them."""
        if isinstance(data, dict):
            given = data.get("type", "cong-van")
            found = type_id(given) if isinstance(given, str) else None
            kind = TYPES.get(found) if found else None
            # a wrong type is the one problem told: what it would need is not guessed at
            if (kind is None or kind.layout not in ("cong-van", "telegram")) and "recipients" not in data:
                data = {**data, "recipients": []}
            if (kind is None or not kind.has_subject) and "subject" not in data:
                data = {**data, "subject": ""}
        return data

    @field_validator("bases", mode="before")
    @classmethod
    def _bases(cls, value: Any) -> Any:
        """A text is one căn cứ a line, as a workbook's cell holds them (Alt+Enter)."""
        if isinstance(value, str):
            return [line.strip() for line in value.split("\n") if line.strip()]
        return value

    @field_validator("doc_type", mode="before")
    @classmethod
    def _doc_type(cls, value: Any) -> Any:
        """A kind named as a clerk writes it ('Quyết định', 'QĐ', 'quyet dinh') is its id."""
        found = type_id(value) if isinstance(value, str) else None
        if found is None:
            raise ValueError(
                _(
                    "{value} is not a kind of document of Phụ lục III: write one of {names} "
                    "(or its id, e.g. 'quyet-dinh')"
                ).format(value=json.dumps(value, ensure_ascii=False), names=", ".join(NAMES))
            )
        return found

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str, info: ValidationInfo) -> str:
        if "doc_type" not in info.data:  # a wrong type: told on its own
            return value
        kind = TYPES[info.data["doc_type"]]
        if not value and kind.has_subject:
            raise PydanticCustomError("string_too_short", "must not be empty")  # said by problems
        return value

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if "doc_type" not in info.data:
            return value
        kind = TYPES[info.data["doc_type"]]
        if not value and kind.layout in ("cong-van", "telegram"):
            raise PydanticCustomError("too_short", "must not be an empty list")  # said by problems
        return value

    @field_validator("number", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        return parse_number(value)

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return parse_date(value)

    @model_validator(mode="after")
    def _needs(self, info: ValidationInfo) -> Letter:
        # Điều 15.3: the number and the date are given together, by the document system for an
        # electronic letter; one without the other is a mistake (a cell left empty)
        if self.number is not None and self.date is None:
            raise ValueError(
                _(
                    "the letter has the number {number} but no date: give 'date' "
                    "(08/04/2020), or leave both empty for the document system to fill in"
                ).format(number=f"{self.number:02d}")
            )
        if info.context and info.context.get("numbered_later") and self.date is None:
            raise ValueError(
                _(
                    "the register gives this letter its number, and the number goes with the date: "
                    "give 'date' (08/04/2020)"
                )
            )
        typed.check(self)
        if self.appendices and not self.issuer.short_name:
            raise ValueError(
                _(
                    "a letter with a phụ lục needs {field} (e.g. 'Sở Công Thương') for "
                    "the line '(Kèm theo Công văn số ... của ...)'"
                ).format(field=field_name("issuer.short_name"))
            )
        return self

    @property
    def kind(self) -> DocType:
        """The kind of document: its Mẫu, tên loại and abbreviation (letter.types)."""
        return TYPES[self.doc_type]

    @property
    def symbol(self) -> str:
        """Ký hiệu: of a công văn, the agency's abbreviation, then the drafting unit's (Mẫu 1.5);
        of any other kind, the tên loại's abbreviation, then the agency's: "QĐ-UBND" (Phụ lục I,
        II.3.b)."""
        if not self.kind.abbreviation:
            return f"{self.issuer.abbreviation}-{self.issuer.unit}"
        return f"{self.kind.abbreviation}-{self.issuer.abbreviation}"

    @property
    def series(self) -> str:
        """The number series the letter is numbered in (Điều 15.1: from 01 each year, one for
        each kind): the agency's abbreviation for a công văn, as before kinds were known, and
        "<kind>-<agency>" ("QĐ-UBND") for any other kind. A register keys on it and the year."""
        if not self.kind.abbreviation:
            return self.issuer.abbreviation
        return f"{self.kind.abbreviation}-{self.issuer.abbreviation}"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a letter file, for editors to validate and autocomplete."""
    schema = Letter.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


__all__ = [
    "BLOCK_MESSAGE",
    "UNION_TAGS",
    "Appendix",
    "Block",
    "Cell",
    "Heading",
    "Attachment",
    "DocType",
    "Issuer",
    "Letter",
    "PageBreak",
    "Secretary",
    "Paragraph",
    "Signer",
    "Table",
    "TableBlock",
    "json_schema",
]
