"""Where a paragraph is in the document: its place among the tables, rows and cells, the page
and section breaks around it; and what a section's properties say of the page (docx.py reads
the paragraphs with these)."""

from __future__ import annotations

from lxml import etree

from .props import Paragraph, Section, as_int, on, w

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _place(
    places: dict[etree._Element, int], el: etree._Element, parent: etree._Element, tag: str
) -> int | None:
    """The element's place among its parent's children of its tag (None when it is not one
    of them, as a cell inside a content control), each parent's children counted once."""
    if el not in places:
        for i, child in enumerate(parent.iterchildren(tag)):
            places[child] = i
    return places.get(el)


def breaks(p: etree._Element, ppr: etree._Element | None, para: Paragraph) -> None:
    """The page and section breaks around the paragraph, and whether it holds a drawing."""
    if ppr is not None:
        para.page_break_before = bool(on(ppr.find(w("pageBreakBefore"))))
        sect = ppr.find(w("sectPr"))
        if sect is not None:
            para.section_break = True
            kind = sect.find(w("type"))
            para.section_continuous = kind is not None and kind.get(w("val")) == "continuous"
    seen_text = False
    for el in p.iter(w("t"), w("br"), w("drawing"), w("pict")):
        if el.tag == w("t") and (el.text or "").strip():
            seen_text = True
        elif el.tag == w("br") and el.get(w("type")) == "page":
            if seen_text:
                para.page_break_after = True
            else:
                para.page_break_before = True
        elif el.tag in (w("drawing"), w("pict")):
            para.drawing = True


def cell_of(
    tc: etree._Element,
    para: Paragraph,
    tables: dict[etree._Element, int],
    places: dict[etree._Element, int],
) -> None:
    """The table, row and cell of a paragraph in a table, and the cell's width."""
    tr = tc.getparent()
    tbl = tr.getparent() if tr is not None else None
    if tr is not None and tbl is not None:
        para.table_index = tables.get(tbl)
        para.row = _place(places, tr, tbl, w("tr"))
        para.cell = _place(places, tc, tr, w("tc"))
    tcw = tc.find(f"{w('tcPr')}/{w('tcW')}")
    if tcw is not None and tcw.get(w("type"), "dxa") == "dxa" and (tcw.get(w("w")) or "").isdigit():
        para.cell_width = as_int(tcw.get(w("w")))


def section_of(sp: etree._Element) -> Section:
    """A w:sectPr as the page it sets up: size, orientation, margins, title page, numbering
    start, and its header and footer references."""
    size = sp.find(w("pgSz"))
    mar = sp.find(w("pgMar"))
    num = sp.find(w("pgNumType"))
    return Section(
        page_width=as_int(size.get(w("w"))) if size is not None else 0,
        page_height=as_int(size.get(w("h"))) if size is not None else 0,
        orient=(size.get(w("orient")) or "portrait") if size is not None else "portrait",
        margins={k: as_int(mar.get(w(k))) for k in ("top", "bottom", "left", "right", "header", "footer")}
        if mar is not None
        else {},
        title_page=bool(on(sp.find(w("titlePg")))),
        page_start=as_int(num.get(w("start")), -1)
        if num is not None and (num.get(w("start")) or "").isdigit()
        else None,
        header_refs={h.get(w("type"), ""): h.get(f"{{{_R}}}id", "") for h in sp.iter(w("headerReference"))},
        footer_refs={h.get(w("type"), ""): h.get(f"{{{_R}}}id", "") for h in sp.iter(w("footerReference"))},
    )


def starts_page(ps: list[Paragraph], k: int) -> bool:
    """Whether paragraph k starts a page, as the breaks around it say (a phụ lục must, Mục
    III.1.đ Phụ lục I): its own page break before, or, going back over empty paragraphs, a
    page break or a section break that is not continuous; the first thing of the document
    does too."""
    if ps[k].page_break_before:
        return True
    for q in reversed(ps[:k]):
        if q.section_break:
            return not q.section_continuous
        if q.page_break_after or q.page_break_before:
            # an empty paragraph holding a page break (or starting a page): what follows,
            # with nothing but empty paragraphs between, is on a new page
            return True
        if q.text.strip() or q.in_table:
            return False
    return True
