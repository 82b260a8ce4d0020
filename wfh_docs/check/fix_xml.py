"""WordprocessingML edits for `check --fix`: properties set on runs and paragraphs in the order
the schema asks (so that Word opens the file and openxml-audit passes it), a paragraph's text with
its offsets, text changed in place across runs, and runs split at their line breaks.

Only elements are changed here, never read from a file: fix.py opens the letter within bounds and
writes the new archive."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

from .props import W_NS, w

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# CT_RPr, CT_PPr and CT_SectPr: the order of their children (ISO/IEC 29500-1 §17.3.2.28,
# §17.3.1.26, §17.6.17)
# fmt: off
RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange"
]
PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange"
]
SECT_ORDER = [
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
    "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
    "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"
]
# fmt: on


def child(parent: etree._Element, name: str, order: list[str], *, first: bool = False) -> etree._Element:
    """The child `w:name` of `parent`, made and put in its place by `order` when missing."""
    found = parent.find(w(name))
    if found is not None and not first:
        return found
    el = etree.Element(w(name))
    rank = order.index(name)
    for i, sibling in enumerate(parent):
        tag = sibling.tag if isinstance(sibling.tag, str) else ""
        local = tag.rsplit("}", 1)[-1]
        if tag.startswith(f"{{{W_NS}}}") and local in order and order.index(local) > rank:
            parent.insert(i, el)
            return el
    parent.append(el)
    return el


def props_of(owner: etree._Element, kind: str) -> etree._Element:
    """The w:rPr of a run or the w:pPr of a paragraph, made first in it when missing."""
    found = owner.find(w(kind))
    if found is None:
        found = etree.Element(w(kind))
        owner.insert(0, found)
    return found


def set_on(rpr: etree._Element, name: str, value: bool) -> None:
    """A toggle property (w:b, w:i, w:caps) set explicitly on or off: direct formatting is not
    toggled by the styles (§17.7.3), so Word and LibreOffice both show what is written here."""
    el = child(rpr, name, RPR_ORDER)
    for key in list(el.attrib):
        del el.attrib[key]
    el.set(w("val"), "1" if value else "0")


def set_size(rpr: etree._Element, points: float) -> None:
    half = str(round(points * 2))
    for name in ("sz", "szCs"):
        child(rpr, name, RPR_ORDER).set(w("val"), half)


def set_font(rpr: etree._Element, name: str) -> None:
    fonts = child(rpr, "rFonts", RPR_ORDER)
    for key in list(fonts.attrib):
        if key.lower().endswith("theme") or key == w("hint"):
            del fonts.attrib[key]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(w(slot), name)


def set_black(rpr: etree._Element) -> None:
    color = child(rpr, "color", RPR_ORDER)
    for key in list(color.attrib):
        del color.attrib[key]
    color.set(w("val"), "000000")


def set_jc(ppr: etree._Element, value: str) -> None:
    child(ppr, "jc", PPR_ORDER).set(w("val"), value)


def set_ind(ppr: etree._Element, **values: int) -> None:
    """Indents in twips (left, right, firstLine); the character-based ones that override them
    (leftChars, firstLineChars ...) and a hanging indent given with a first line are taken away."""
    ind = child(ppr, "ind", PPR_ORDER)
    for key, value in values.items():
        ind.set(w(key), str(value))
        for stale in (f"{key}Chars", "start" if key == "left" else "", "end" if key == "right" else ""):
            if stale and w(stale) in ind.attrib:
                del ind.attrib[w(stale)]
    if "firstLine" in values:
        for stale in ("hanging", "hangingChars", "firstLineChars"):
            ind.attrib.pop(w(stale), None)


def set_spacing(ppr: etree._Element, **values: str) -> None:
    spacing = child(ppr, "spacing", PPR_ORDER)
    for key, value in values.items():
        spacing.set(w(key), value)
        if key in ("before", "after"):
            for stale in (f"{key}Lines", f"{key}Autospacing"):
                spacing.attrib.pop(w(stale), None)


def set_bottom_border(ppr: etree._Element) -> None:
    bdr = child(ppr, "pBdr", PPR_ORDER)
    for el in bdr.findall(w("bottom")):
        bdr.remove(el)
    bottom = etree.SubElement(bdr, w("bottom"))
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        bottom.set(w(key), value)
    # CT_PBdr: top, left, bottom, right, between, bar
    for later in ("right", "between", "bar"):
        for el in bdr.findall(w(later)):
            bdr.remove(el)
            bdr.append(el)


# --- text -----------------------------------------------------------------------------------


@dataclass
class Piece:
    """One character-bearing child of a run: a w:t (its text), a tab or a line break."""

    run: etree._Element
    el: etree._Element
    start: int
    text: str


def runs(p: etree._Element) -> list[etree._Element]:
    """The paragraph's runs, in the order the checker reads them."""
    return list(p.iter(w("r")))


def pieces(p: etree._Element) -> list[Piece]:
    out: list[Piece] = []
    at = 0
    for r in runs(p):
        for el in r:
            if el.tag == w("t"):
                text = el.text or ""
            elif el.tag == w("tab"):
                text = "\t"
            elif el.tag in (w("br"), w("cr")):
                text = "\n"
            else:
                continue
            out.append(Piece(r, el, at, text))
            at += len(text)
    return out


def text_of(p: etree._Element) -> str:
    return "".join(piece.text for piece in pieces(p))


def _set_t(el: etree._Element, text: str) -> None:
    el.text = text
    if text != text.strip():
        el.set(XML_SPACE, "preserve")


def replace(p: etree._Element, start: int, end: int, new: str) -> bool:
    """The text from `start` to `end` replaced by `new`, in the w:t elements that hold it (the
    new text goes in the first of them); False, and nothing changed, when the range touches a
    tab or a line break or lies outside the text."""
    found = [x for x in pieces(p) if x.start < end and x.start + len(x.text) > start]
    if start == end:  # an insertion: the piece the position ends, or starts
        found = [x for x in pieces(p) if x.el.tag == w("t") and x.start <= start <= x.start + len(x.text)]
        found = found[:1]
    if not found or any(x.el.tag != w("t") for x in found):
        return False
    for n, x in enumerate(found):
        head = x.text[: max(0, start - x.start)]
        rest = x.text[max(0, end - x.start) :] if end - x.start < len(x.text) else ""
        _set_t(x.el, head + (new if n == 0 else "") + rest)
    return True


def split_at_breaks(p: etree._Element, *, tabs: bool = False) -> None:
    """Each line break (w:br, w:cr) of the paragraph in a run of its own (and, with `tabs`, each
    tab), the run's properties copied to every part, so that each line's (or column's) runs can
    be formatted apart."""
    cuts = (w("br"), w("cr"), w("tab")) if tabs else (w("br"), w("cr"))
    for r in runs(p):
        content = [el for el in r if el.tag != w("rPr")]
        if not any(el.tag in cuts for el in content) or len(content) < 2:
            continue
        rpr = r.find(w("rPr"))
        groups: list[list[etree._Element]] = [[]]
        for el in content:
            if el.tag in cuts:
                groups += [[el], []]
            else:
                groups[-1].append(el)
        parent = r.getparent()
        if parent is None:
            continue
        at = parent.index(r)
        for group in [g for g in groups if g][1:]:
            new = etree.Element(w("r"))
            if rpr is not None:
                new.append(deepcopy(rpr))
            for el in group:
                new.append(el)  # moved out of the first run
            at += 1
            parent.insert(at, new)


def line_runs(p: etree._Element) -> list[tuple[str, list[etree._Element]]]:
    """The paragraph's lines (split at its line breaks) and the runs that hold each one's text;
    call split_at_breaks first, so that no run holds two lines."""
    lines: list[tuple[str, list[etree._Element]]] = [("", [])]
    for x in pieces(p):
        if x.text == "\n":
            lines.append(("", []))
            continue
        text, rs = lines[-1]
        if not rs or rs[-1] is not x.run:
            rs.append(x.run)
        lines[-1] = (text + x.text, rs)
    return lines


def segment_runs(p: etree._Element, k: int, seg: int) -> tuple[str, list[etree._Element]]:
    """The text and runs of column `seg` of line k (the columns of a line typed with tabs, as
    re.split(r"\t+") cuts it); call split_at_breaks(tabs=True) first."""
    line, col, in_tab = 0, 0, False
    text, out = "", list[etree._Element]()
    for x in pieces(p):
        if x.text == "\n":
            line, col, in_tab = line + 1, 0, False
            continue
        if x.text == "\t":
            col, in_tab = (col if in_tab else col + 1), True
            continue
        in_tab = False
        if (line, col) == (k, seg):
            text += x.text
            if not out or out[-1] is not x.run:
                out.append(x.run)
    return text, out
