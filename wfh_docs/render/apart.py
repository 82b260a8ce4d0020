"""Phụ lục in files of their own (Mẫu 2.2 of Phụ lục III: "văn bản điện tử có phụ lục không cùng
tệp tin với nội dung văn bản"): the rendered letter cut into the letter itself and one .docx for
each phụ lục.

The cut is made in the letter wfhdoc rendered and verified, so that every character of the input
is still in one of the files. A phụ lục there is its own section (builders.appendices): it opens
with its "Phụ lục" paragraph, after an empty paragraph that ends the section before it, and its
own section properties end it (in the empty paragraph before the next phụ lục, or at the end of
the body). The letter keeps everything before the first phụ lục, ended by the section properties
it had; each phụ lục keeps its paragraphs and its section (its orientation, its page numbers
from 1). Its "(Kèm theo …)" line keeps the dots of Mẫu 2.2 where the số and the date would be:
"đối với văn bản điện tử, không phải điền thông tin tại các vị trí này" (note 3); the agency's
signature on the file (`wfhdoc sign --as appendix`) shows the letter's number and time instead.
"""

from __future__ import annotations

import io
import zipfile
from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

from ..letter import vn
from ..letter.model import Letter
from . import builders, package

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
DOCUMENT = "word/document.xml"


@dataclass(frozen=True)
class Apart:
    """The letter without its phụ lục, and each phụ lục as a file: (its label, its bytes)."""

    letter: bytes
    appendices: tuple[tuple[str, bytes], ...]


def kem_theo_apart(letter: Letter) -> str:
    """The "(Kèm theo …)" line of a phụ lục in its own file (Mẫu 2.2): dots for the số and the
    date, the agency's name written (note 4)."""
    return f"(Kèm theo {letter.kind.title_case} số … ngày … tháng … năm … của {letter.issuer.short_name})"


def _style(element: etree._Element) -> str:
    found = element.find(f"{_W}pPr/{_W}pStyle")
    return str(found.get(f"{_W}val")) if found is not None else ""


def _section_end(element: etree._Element) -> etree._Element | None:
    """The section properties an (empty) paragraph carries, ending a section."""
    return element.find(f"{_W}pPr/{_W}sectPr")


def _document(body_children: list[etree._Element], sect: etree._Element, root: etree._Element) -> bytes:
    new_root = etree.Element(root.tag, nsmap=root.nsmap)
    for key, value in root.attrib.items():
        new_root.set(key, value)
    body = etree.SubElement(new_root, f"{_W}body")
    for child in body_children:
        body.append(deepcopy(child))
    body.append(deepcopy(sect))
    return bytes(etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _kem_theo(paragraph: etree._Element, text: str) -> etree._Element:
    made = etree.fromstring(
        f'<w:body xmlns:w="{W}">' + builders.para("PhuLucKemTheo", builders.run(text)) + "</w:body>"
    )
    fresh = made[0]
    old_ppr, new_ppr = paragraph.find(f"{_W}pPr"), fresh.find(f"{_W}pPr")
    if old_ppr is not None and new_ppr is not None:
        fresh.replace(new_ppr, deepcopy(old_ppr))
    return fresh


def split(data: bytes, letter: Letter) -> Apart:
    """`data`, the letter as Template.render made it, cut into the letter and its phụ lục."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(info.filename, zf.read(info)) for info in zf.infolist()]
    parts = dict(members)
    root = etree.fromstring(parts[DOCUMENT])
    body = root.find(f"{_W}body")
    assert body is not None
    children = list(body)
    final = children[-1]
    assert final.tag == f"{_W}sectPr"
    starts = [i for i, c in enumerate(children) if c.tag == f"{_W}p" and _style(c) == "PhuLucSo"]
    if not starts:
        return Apart(data, ())
    ends = [s - 1 for s in starts]  # the empty paragraphs that end the section before each
    assert all(_section_end(children[e]) is not None for e in ends)
    letter_sect = _section_end(children[ends[0]])
    assert letter_sect is not None
    letter_doc = _document(children[: ends[0]], letter_sect, root)
    files = []
    many = len(starts) > 1
    for k, start in enumerate(starts):
        stop = ends[k + 1] if k + 1 < len(starts) else len(children) - 1
        own = _section_end(children[stop]) if k + 1 < len(starts) else final
        assert own is not None
        kept = [
            _kem_theo(c, kem_theo_apart(letter)) if _style(c) == "PhuLucKemTheo" else c
            for c in children[start:stop]
        ]
        label = f"phu-luc-{vn.roman(k + 1)}" if many else "phu-luc"
        files.append((label, _zip(members, _document(kept, own, root))))
    return Apart(_zip(members, letter_doc), tuple(files))


def _zip(members: list[tuple[str, bytes]], document: bytes) -> bytes:
    entries = [package.compress(name, document if name == DOCUMENT else part) for name, part in members]
    return package.write(entries)
