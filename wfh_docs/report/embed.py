"""An answer carried by its letter: the figures as a custom XML part of the .docx
(customXml/itemN.xml with its itemPropsN.xml, related from the document part, as Word keeps
data bound to a document), named by the report form's id; and read back from a .docx or from
a PDF's attached file, both from anyone (bounded, no entities, no network)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from ..errors import InputError, Problem
from ..files.safezip import Archive, Limits
from ..i18n import _
from . import package
from .answers import Answer, Value

NS = "urn:wfhdoc:report:1"
REL_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
REL_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
ATTACHMENT = "wfhdoc-answer.xml"  # the name of the file attached to a PDF
# a received letter is read under these: its data part is a few kilobytes
READ_LIMITS = Limits(member=4 << 20, total=16 << 20, members=2_000)
PART_MAX = 1 << 20


def answer_xml(form_id: str, answer: Answer) -> bytes:
    """The answer as XML: the agency, its letter's number and date, each figure typed."""
    attrs = {"form": form_id, "agency": answer.agency, "abbreviation": answer.abbreviation}
    if answer.number is not None:
        attrs["number"] = str(answer.number)
    if answer.date is not None:
        attrs["date"] = answer.date.isoformat()
    head = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
    figures = "".join(
        f'<wfh:figure id="{k}" type="{_kind(v)}">{escape(_text(v))}</wfh:figure>'
        for k, v in answer.values.items()
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<wfh:answer xmlns:wfh="{NS}" {head}>{figures}</wfh:answer>'
    )
    return xml.encode("utf-8")


def _kind(value: Value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    return "decimal" if isinstance(value, Decimal) else "text"


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def embed_docx(docx: bytes, form_id: str, answer: Answer) -> bytes:
    """`docx` carrying `answer`: a custom XML part, its properties, the relationship from the
    document part and the content type; every other member byte for byte as it was."""
    members = package.names(docx)
    n = 1
    while f"customXml/item{n}.xml" in members:
        n += 1
    item = answer_xml(form_id, answer)
    guid = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, NS + "/" + form_id + "/" + answer.agency)).upper() + "}"
    props = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<ds:datastoreItem ds:itemID="{guid}" xmlns:ds="{DS}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NS}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()
    item_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL_PROPS}" Target="itemProps{n}.xml"/></Relationships>'
    ).encode()
    rels, _rid = package.add_relationship(
        package.read(docx, package.DOCUMENT_RELS), REL_CUSTOM_XML, f"../customXml/item{n}.xml"
    )
    types = package.add_override(
        package.read(docx, package.CONTENT_TYPES), f"/customXml/itemProps{n}.xml", PROPS_TYPE
    )
    return package.rewrite(
        docx,
        {
            package.CONTENT_TYPES: types,
            package.DOCUMENT_RELS: rels,
            f"customXml/item{n}.xml": item,
            f"customXml/itemProps{n}.xml": props,
            f"customXml/_rels/item{n}.xml.rels": item_rels,
        },
    )


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def parse_answer(xml: bytes, origin: str, where: str) -> tuple[str, Answer] | None:
    """(form id, answer) from an answer part; None when the part is not one of ours."""
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(
            origin, [Problem(where, _("the data part is damaged ({error})").format(error=exc))]
        ) from None
    if root.getroottree().docinfo.doctype:
        raise InputError(
            origin, [Problem(where, _("the data part declares a DTD, which wfhdoc does not read"))]
        )
    if root.tag != f"{{{NS}}}answer":
        return None
    answer = Answer(agency=root.get("agency", ""), origin=origin, abbreviation=root.get("abbreviation", ""))
    try:
        number = root.get("number")
        answer.number = int(number) if number else None
        date = root.get("date")
        answer.date = dt.date.fromisoformat(date) if date else None
        for fig in root.iter(f"{{{NS}}}figure"):
            ident, text = fig.get("id", ""), fig.text or ""
            answer.raw[ident] = _value(fig.get("type", "text"), text)
            answer.cells[ident] = f"{where}#{ident}"
    except (ValueError, InvalidOperation):
        raise InputError(
            origin, [Problem(where, _("the data part holds a value that is not what it says"))]
        ) from None
    return root.get("form", ""), answer


def _value(kind: str, text: str) -> Value:
    if kind == "int":
        return int(text)
    if kind == "decimal":
        return Decimal(text)
    if kind == "bool":
        return text == "true"
    return text


def read_docx(path: Path | str, data: bytes | None = None) -> list[tuple[str, Answer]]:
    """Every answer a .docx carries (normally one), read within READ_LIMITS."""
    origin = Path(path).name
    source: Path | str | bytes = data if data is not None else path
    found: list[tuple[str, Answer]] = []
    with Archive(source, what=str(path), limits=READ_LIMITS) as archive:
        for name in sorted(archive.names()):
            if name.startswith("customXml/item") and name.endswith(".xml") and "Props" not in name:
                got = parse_answer(archive.read(name, limit=PART_MAX), origin, name)
                if got is not None:
                    found.append(got)
    return found
