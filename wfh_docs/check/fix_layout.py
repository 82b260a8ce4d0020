"""The look of each element written on its runs and paragraphs, the body's paragraphs, the lines
under the agency's name and the Tiêu ngữ, and each phụ lục on a new page (`check --fix`).

Each function changes the elements of the main part in place (the tree fix.py parsed) and is told
the checker's paragraphs (their effective formatting) to decide what to write."""

from __future__ import annotations

from copy import deepcopy

from lxml import etree

from ..letter.metrics import text_width_twips
from .fix_elements import Look, Target, line_caps, line_sizes, target_size
from .fix_xml import (
    PPR_ORDER,
    SECT_ORDER,
    child,
    line_runs,
    props_of,
    runs,
    segment_runs,
    set_bottom_border,
    set_ind,
    set_jc,
    set_on,
    set_size,
    set_spacing,
    split_at_breaks,
)
from .props import Paragraph, as_int, w

_INDENTS = (567, 720)  # the body's first line: 1 cm or 1.27 cm
_CELL_MARGIN = 108  # Word's default left and right cell margins (the "Normal Table" style)


def look(p: etree._Element, para: Paragraph, target: Target, spec: Look) -> None:
    """The element's line (or paragraph) given the decree's look, written on every run of it."""
    if target.seg is not None and target.k is not None:
        split_at_breaks(p, tabs=True)
        text, rs = segment_runs(p, target.k, target.seg)
    elif target.k is not None:
        split_at_breaks(p)
        lines = line_runs(p)
        rs = lines[target.k][1] if target.k < len(lines) else []
        text = lines[target.k][0] if target.k < len(lines) else ""
    else:
        rs = [r for r in runs(p) if any((t.text or "").strip() for t in r.iter(w("t")))]
        text = para.text
    size = None
    if spec.size is not None:
        size = target_size(line_sizes(para, target.k, target.seg), *spec.size)
    caps = spec.caps
    if caps is True and text == text.upper():
        caps = None  # typed in capitals: nothing to add
    elif caps is False and not line_caps(para, target.k, target.seg):
        caps = None
    for r in rs:
        rpr = props_of(r, "rPr")
        for name, value in (("b", spec.bold), ("i", spec.italic)):
            if value is not None:
                set_on(rpr, name, value)
                set_on(rpr, name + "Cs", value)
        if caps is not None:
            set_on(rpr, "caps", caps)
        if size is not None:
            set_size(rpr, size)
    jc = spec.jc
    if spec.in_cell is not None and para.in_table and "\t" not in para.text:
        jc = spec.in_cell  # a column of the header or signature table (not one typed with tabs)
    if jc is not None and jc != (para.props.jc or "left") and not (jc == "left" and para.props.jc == "start"):
        set_jc(props_of(p, "pPr"), jc)


def body(p: etree._Element, para: Paragraph, previous: Paragraph | None) -> None:
    """A paragraph of the body: justified, its first line indented 1 cm (1.27 cm kept), single to
    1.5 lines apart, at least 6 pt from the paragraph before."""
    ppr = props_of(p, "pPr")
    if para.props.jc not in ("both", "distribute"):
        set_jc(ppr, "both")
    first = para.props.ind.get("firstLine", 0) - para.props.ind.get("hanging", 0)
    if not any(abs(first - want) <= 28 for want in _INDENTS):
        set_ind(ppr, firstLine=_INDENTS[0])
    rule = para.props.spacing.get("lineRule", "auto")
    line = as_int(para.props.spacing.get("line"), 240)
    sizes = line_sizes(para, None)
    size = max(sizes) if sizes else 14
    if rule == "auto" and not 238 <= line <= 362:
        set_spacing(ppr, line="240" if line < 240 else "360", lineRule="auto")
    elif rule != "auto" and not size <= line / 20 <= 1.5 * 1.15 * size:
        set_spacing(ppr, line="240", lineRule="auto")
    if previous is not None:
        gap = as_int(previous.props.spacing.get("after")) + as_int(para.props.spacing.get("before"))
        if gap < 120:
            set_spacing(ppr, before=str(120 - as_int(previous.props.spacing.get("after"))))


def page_break_before(p: etree._Element) -> None:
    """A phụ lục that starts on the page of the text before it: on a new page."""
    el = child(props_of(p, "pPr"), "pageBreakBefore", PPR_ORDER)
    el.attrib.pop(w("val"), None)


def _section_of(top: etree._Element) -> etree._Element | None:
    """The w:sectPr of the section a body-level element is in: the next one in the body."""
    for el in [top, *top.itersiblings()]:
        if el.tag == w("p"):
            sect = el.find(f"{w('pPr')}/{w('sectPr')}")
            if sect is not None:
                return sect
        elif el.tag == w("sectPr"):
            return el
    return None


def new_section(p: etree._Element) -> bool:
    """A phụ lục on a new page with its own page numbers (Mục III.1.đ Phụ lục I): a section that
    starts at its heading on a new page, numbered from 1; the letter before it keeps its section's
    properties. False when the heading is not in the body's flow (then a page break is used)."""
    top, parent = p, p.getparent()
    while parent is not None and parent.tag != w("body"):
        top, parent = parent, parent.getparent()
    section = _section_of(top) if parent is not None else None
    if section is None:
        return False
    prev = top.getprevious()
    while prev is not None and prev.tag == w("p") and not "".join(prev.itertext()).strip():
        if prev.find(f"{w('pPr')}/{w('sectPr')}") is not None:
            break
        prev = prev.getprevious()
    ends = prev is not None and prev.find(f"{w('pPr')}/{w('sectPr')}") is not None
    if not ends:  # the letter's section ends just before the heading, as it was
        holder = top.getprevious()
        if holder is None or holder.tag != w("p") or holder.find(f"{w('pPr')}/{w('sectPr')}") is not None:
            holder = etree.Element(w("p"))
            top.addprevious(holder)
        placed = child(props_of(holder, "pPr"), "sectPr", PPR_ORDER)
        placed.addnext(deepcopy(section))  # the copy where the schema puts a paragraph's sectPr
        props_of(holder, "pPr").remove(placed)
    kind = child(section, "type", SECT_ORDER)
    kind.set(w("val"), "nextPage")
    child(section, "pgNumType", SECT_ORDER).set(w("start"), "1")
    return True


def _margin(holder: etree._Element | None, side: str) -> int | None:
    if holder is None:
        return None
    el = holder.find(w(side))
    if el is None:
        el = holder.find(w("start" if side == "left" else "end"))
    if el is None or el.get(w("type"), "dxa") != "dxa":
        return None
    return as_int(el.get(w("w")))


def _cell_margins(p: etree._Element) -> int:
    """The left plus right margins of the table cell around `p`, as Word lays it out."""
    tc = next(p.iterancestors(w("tc")), None)
    tbl = next(p.iterancestors(w("tbl")), None)
    total = 0
    for side in ("left", "right"):
        own = _margin(tc.find(f"{w('tcPr')}/{w('tcMar')}") if tc is not None else None, side)
        table = _margin(tbl.find(f"{w('tblPr')}/{w('tblCellMar')}") if tbl is not None else None, side)
        found = own if own is not None else table
        total += _CELL_MARGIN if found is None else found
    return total


def rule_under(p: etree._Element, next_p: etree._Element | None, column: int, length: int) -> etree._Element:
    """A solid line `length` twips long, centred under paragraph `p` in a column `column` twips
    wide: the bottom border of the empty paragraph after it (`next_p`) or of a new one."""
    if next_p is None:
        next_p = etree.Element(w("p"))
        parent = p.getparent()
        assert parent is not None
        parent.insert(parent.index(p) + 1, next_p)
    ppr = props_of(next_p, "pPr")
    inner = column - (_cell_margins(p) if next(p.iterancestors(w("tc")), None) is not None else 0)
    indent = max(0, (inner - length) // 2)
    set_ind(ppr, left=indent, right=indent, firstLine=0)
    set_jc(ppr, "center")
    set_spacing(ppr, before="0", after="0", line="100", lineRule="exact")
    set_bottom_border(ppr)
    return next_p


def rule_length(text: str, size: float, *, motto: bool) -> int:
    """The line's length: the Tiêu ngữ's width (a little less, so that a reader measuring with
    or without the cell's margins finds it as long as the text), or 2/5 of the agency's name."""
    width = max(text_width_twips(t, size, bold=True, caps=not motto) for t in text.split("\n"))
    return width - 108 if motto else width * 2 // 5
