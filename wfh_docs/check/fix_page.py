"""The page for `check --fix`: A4 and the margins of every section (Phụ lục I, Mục I.1 and I.3),
and the page numbers (Mục I.7): a PAGE field centred in the header, none on page 1."""

from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from .fix_xml import SECT_ORDER, child, props_of, set_font, set_jc, set_on, set_size, text_of
from .fix_zip import Package
from .props import W_NS, as_int, w

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PAGE = re.compile(r"\s*PAGE\b")
_HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
_FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
A4 = (11906, 16838)
# each side's margin: the decree's range in twips (1 mm = 56.7 twips)
MARGINS = {"top": (1134, 1418), "bottom": (1134, 1418), "left": (1701, 1985), "right": (851, 1134)}


def sections(doc: etree._Element) -> list[etree._Element]:
    return list(doc.iter(w("sectPr")))


def paper(doc: etree._Element) -> None:
    """Every section on A4 (landscape kept where a section is so) with margins in the decree's
    ranges: a margin outside its range is brought to the range's nearest end."""
    for sect in sections(doc):
        size = child(sect, "pgSz", SECT_ORDER)
        wide = size.get(w("orient")) == "landscape" or as_int(size.get(w("w"))) > as_int(size.get(w("h")))
        width, height = (A4[1], A4[0]) if wide else A4
        size.set(w("w"), str(width))
        size.set(w("h"), str(height))
        size.set(w("code"), "9")  # A4, in Word's paper codes
        mar = child(sect, "pgMar", SECT_ORDER)
        for side, (low, high) in MARGINS.items():
            value = as_int(mar.get(w(side)), -1)
            if value < 0:
                value = high
            mar.set(w(side), str(min(max(abs(value), low), high)))
        for side in ("header", "footer", "gutter"):
            if mar.get(w(side)) is None:
                mar.set(w(side), "567" if side != "gutter" else "0")


def _targets(pkg: Package) -> dict[str, str]:
    rels = pkg.tree("word/_rels/document.xml.rels")
    return {
        r.get("Id", ""): "word/" + (r.get("Target") or "").lstrip("/").removeprefix("word/") for r in rels
    }


def _refs(sect: etree._Element, kind: str) -> dict[str, etree._Element]:
    return {ref.get(w("type"), "default"): ref for ref in sect.findall(w(f"{kind}Reference"))}


def has_page(root: etree._Element) -> bool:
    for el in root.iter(w("instrText"), w("fldSimple")):
        code = el.text if el.tag == w("instrText") else el.get(w("instr"))
        if code and _PAGE.match(code):
            return True
    return False


def remove_page_fields(root: etree._Element) -> None:
    """The PAGE fields of a header or footer taken away (their runs, from the field's start to
    its end), the paragraphs that held them kept."""
    for simple in list(root.iter(w("fldSimple"))):
        if _PAGE.match(simple.get(w("instr")) or ""):
            parent = simple.getparent()
            if parent is not None:
                parent.remove(simple)
    for p in root.iter(w("p")):
        field: list[etree._Element] = []
        code = ""
        for r in list(p.iter(w("r"))):
            kind = r.find(w("fldChar"))
            kind_of = kind.get(w("fldCharType")) if kind is not None else None
            if kind_of == "begin":
                field, code = [r], ""
            elif field:
                field.append(r)
                code += "".join(t.text or "" for t in r.iter(w("instrText")))
                if kind_of == "end":
                    if _PAGE.match(code):
                        for x in field:
                            parent = x.getparent()
                            if parent is not None:
                                parent.remove(x)
                    field = []


def _field_run(p: etree._Element, piece: etree._Element) -> None:
    r = etree.SubElement(p, w("r"))
    rpr = props_of(r, "rPr")
    set_font(rpr, "Times New Roman")
    set_size(rpr, 14)
    r.append(piece)


def page_paragraph(p: etree._Element) -> None:
    """A centred PAGE field, 14 pt Times New Roman, at the end of paragraph `p`."""
    set_jc(props_of(p, "pPr"), "center")
    begin = etree.Element(w("fldChar"))
    begin.set(w("fldCharType"), "begin")
    instr = etree.Element(w("instrText"))
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    end = etree.Element(w("fldChar"))
    end.set(w("fldCharType"), "end")
    for piece in (begin, instr, end):
        _field_run(p, piece)


def _new_part(pkg: Package, kind: str) -> tuple[str, etree._Element]:
    root = etree.Element(w("hdr" if kind == "header" else "ftr"), nsmap={"w": W_NS, "r": R_NS})
    name = pkg.free_name(f"word/{kind}")
    pkg.add(name, root, _HEADER_TYPE if kind == "header" else _FOOTER_TYPE)
    return name, root


def _reference(sect: etree._Element, kind: str, kind_of: str, rid: str) -> None:
    ref = etree.Element(w(f"{kind}Reference"))
    ref.set(w("type"), kind_of)
    ref.set(f"{{{R_NS}}}id", rid)
    sect.insert(0, ref)


def number_pages(pkg: Package, doc: etree._Element, rules: set[str]) -> None:
    """Page numbers as the decree asks, for the findings of `rules` (the checker's rule ids)."""
    sects = sections(doc)
    if not sects:
        return
    parts = _targets(pkg)
    first = sects[0]
    if not any(has_page(pkg.tree(part)) for part in _parts(pkg, sects, "header", parts)) and rules & {
        "page_number.missing",
        "page_number.place",
    }:
        for part in _parts(pkg, sects, "footer", parts):
            remove_page_fields(pkg.tree(part))
        _add_number(pkg, first, parts)
    if "page_number.first_page" in rules:
        _not_on_page_one(pkg, first, parts)
    for part in _parts(pkg, sects, "header", parts):
        if has_page(pkg.tree(part)):
            for q in pkg.tree(part).iter(w("p")):
                if text_of(q).strip().isdigit() or not text_of(q).strip():
                    set_jc(props_of(q, "pPr"), "center")
                if has_page(q):
                    _number_look(q)


def _number_look(p: etree._Element) -> None:
    """The page number 13-14 pt, upright (Mục I.7 Phụ lục I): 14 pt where its size is not given
    or is outside, italic taken off where it is set."""
    for r in p.iter(w("r")):
        rpr = r.find(w("rPr"))
        sz = rpr.find(w("sz")) if rpr is not None else None
        if sz is None or not 26 <= as_int(sz.get(w("val"))) <= 28:
            set_size(props_of(r, "rPr"), 14)
        italic = rpr.find(w("i")) if rpr is not None else None
        if italic is not None and italic.get(w("val"), "1").lower() not in ("0", "false", "off"):
            set_on(props_of(r, "rPr"), "i", False)


def _parts(pkg: Package, sects: list[etree._Element], kind: str, parts: dict[str, str]) -> list[str]:
    """The header (or footer) parts the sections refer to, each once."""
    out: list[str] = []
    for s in sects:
        for ref in _refs(s, kind).values():
            part = parts.get(ref.get(f"{{{R_NS}}}id", ""))
            if part is not None and part in pkg and part not in out:
                out.append(part)
    return out


def _add_number(pkg: Package, first: etree._Element, parts: dict[str, str]) -> None:
    """A PAGE field in the first section's header: in its own header's first empty paragraph,
    or a new paragraph there, or a new header."""
    ref = _refs(first, "header").get("default")
    part = parts.get(ref.get(f"{{{R_NS}}}id", "")) if ref is not None else None
    if part is not None and part in pkg:
        root = pkg.tree(part)
        empty = next((q for q in root.iter(w("p")) if not text_of(q).strip()), None)
        if empty is None:
            empty = etree.Element(w("p"))
            root.insert(0, empty)
        page_paragraph(empty)
        return
    name, root = _new_part(pkg, "header")
    page_paragraph(etree.SubElement(root, w("p")))
    if ref is not None:
        first.remove(ref)
    _reference(first, "header", "default", pkg.relate("header", name))
    _not_on_page_one(pkg, first, parts)


def _not_on_page_one(pkg: Package, first: etree._Element, parts: dict[str, str]) -> None:
    """A different first page, whose header shows no number; the first page keeps the footer it
    had (a copy of the default footer becomes its own)."""
    title = first.find(w("titlePg"))
    if title is None:
        title = child(first, "titlePg", SECT_ORDER)
        footers = _refs(first, "footer")
        default = footers.get("default")
        part = parts.get(default.get(f"{{{R_NS}}}id", "")) if default is not None else None
        if "first" not in footers and part is not None and part in pkg and not _has_rels(pkg, part):
            name, root = _new_part(pkg, "footer")
            for el in pkg.tree(part):
                root.append(deepcopy(el))
            remove_page_fields(root)
            _reference(first, "footer", "first", pkg.relate("footer", name))
    title.attrib.pop(w("val"), None)
    ref = _refs(first, "header").get("first")
    part = parts.get(ref.get(f"{{{R_NS}}}id", "")) if ref is not None else None
    if part is not None and part in pkg:
        remove_page_fields(pkg.tree(part))


def _has_rels(pkg: Package, part: str) -> bool:
    folder, _sep, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" in pkg
