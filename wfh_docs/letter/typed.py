"""The parts of the data only some kinds of document have, and the rules that tie each kind to
them: the attached văn bản of a quyết định (Mẫu 1.3), the thư ký of a biên bản (Mẫu 1.9), the
căn cứ and thẩm quyền of a quyết định or nghị quyết, the articles ("Điều 1.") they are made of.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field

from ..i18n import _
from .blocks import Block, text_of
from .types import TYPES, DocType

if TYPE_CHECKING:
    from .model import Letter

MultiLine = Annotated[str, Field(min_length=1)]
# "Điều 1.", "Điều 12a." at the start of a paragraph (Phụ lục I, II.6: "Điều" and its number)
ARTICLE = re.compile(r"^(?:\*\*)?Điều (\d+)[a-zđ]?\.")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Attachment(_Model):
    """The văn bản a quyết định issues or approves (Mẫu 1.3: "Ban hành kèm theo Quyết định
    này ..."), on pages of its own after the quyết định."""

    name: MultiLine = Field(description="its tên loại, e.g. 'QUY CHẾ' (printed in bold capitals)")
    subject: MultiLine = Field(description="its trích yếu, e.g. 'Làm việc tại nhà của công chức Sở'")
    content: list[Block] = Field(min_length=1, description="its content: Chương, Điều, paragraphs")


class Secretary(_Model):
    """The thư ký of a biên bản, who signs on the left (Mẫu 1.9)."""

    title: MultiLine = Field("THƯ KÝ", description="printed above the signature, default 'THƯ KÝ'")
    name: MultiLine = Field(description="họ và tên người ghi biên bản")


def last_article(body: Sequence[Block]) -> int | None:
    """The number of the last "Điều N." paragraph of the body."""
    found = None
    for block in body:
        text = text_of(block)
        m = ARTICLE.match(text) if text else None
        if m:
            found = int(m.group(1))
    return found


def _refuse(letter: Letter, kind: DocType) -> str | None:
    """The first field the letter has that its kind has not."""
    decision = kind.layout == "decision"
    if letter.bases and not decision:
        return "bases"
    if letter.proposal and not decision:
        return "proposal"
    if letter.issuing_authority and kind.layout not in ("decision", "telegram"):
        return "issuing_authority"
    if letter.attachment and kind.id != "quyet-dinh":
        return "attachment"
    if letter.secretary and kind.layout != "minutes":
        return "secretary"
    if letter.confirmation and kind.id != "giay-nghi-phep":
        return "confirmation"
    if letter.subject and not kind.has_subject:
        return "subject"
    return None


def check(letter: Letter) -> None:
    """ValueError, in the run's language, when the data does not fit its kind's Mẫu."""
    kind = TYPES[letter.doc_type]
    shown = kind.title_case
    field = _refuse(letter, kind)
    if field is not None:
        raise ValueError(
            _(
                "'{field}' has no place in a {kind} (Mẫu {mau} of Phụ lục III): leave it out, "
                "or write what it says in the body"
            ).format(field=field, kind=shown, mau=kind.mau)
        )
    if kind.layout in ("decision", "telegram") and not letter.issuing_authority:
        example = "'CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ'"
        raise ValueError(
            _(
                "a {kind} names who issues it (thẩm quyền ban hành) above its content: give "
                "'issuing_authority', e.g. {example}"
            ).format(kind=shown, example=example)
        )
    if kind.id == "quyet-dinh" and last_article(letter.body) is None:
        raise ValueError(
            _(
                "a quyết định is made of articles (Mẫu 1.2): start its paragraphs with "
                "'Điều 1. ...', 'Điều 2. ...'"
            )
        )
    if kind.layout == "minutes" and letter.secretary is None:
        raise ValueError(
            _("a biên bản is signed by its thư ký too (Mẫu 1.9): give 'secretary' with his or her 'name'")
        )
    if letter.attachment and not letter.issuer.short_name:
        raise ValueError(
            _(
                "the văn bản a quyết định issues needs 'issuer.short_name' (e.g. 'UBND huyện Can Lộc') "
                "for its line '(Kèm theo Quyết định số ... của ...)'"
            )
        )
