"""Lines as a reader sees them: a paragraph cut at its manual line breaks, and the line shapes a
paragraph draws (the rule under the agency's name or the Tiêu ngữ drawn as a shape).

docx.py reads paragraphs; this module cuts them into lines (Docx.lines()) and reads their
drawings and symbols.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lxml import etree

from .props import A_NS, Paragraph, Run, as_int, w

MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
_V = "{urn:schemas-microsoft-com:vml}"
_EMU_PER_TWIP = 635
_LINE_GEOMETRY = {"line", "straightConnector1"}


def symbol(code: str | None) -> str:
    """A w:sym's character: Word writes a symbol font's character at U+F0xx."""
    try:
        n = int(code or "", 16)
    except ValueError:
        return ""
    if 0xF000 <= n <= 0xF0FF:
        n -= 0xF000
        return "-" if n == 0x2D else "•" if n in (0xB7, 0xA7, 0x6C, 0x9F) else chr(n)
    return chr(n) if 0 < n < 0x110000 else ""


def _pt(value: str) -> float | None:
    """A VML length ("120pt", "2in", "50mm", "3cm", "96px", a number of pixels) in points."""
    m = re.match(r"^\s*(-?[0-9.]+)\s*(pt|in|mm|cm|px|pc|emu)?\s*$", value or "")
    if not m:
        return None
    try:
        n = float(m.group(1))
    except ValueError:
        return None
    factor = {"pt": 1, "in": 72, "mm": 72 / 25.4, "cm": 72 / 2.54, "px": 0.75, "pc": 12, "emu": 1 / 12700}
    return n * factor.get(m.group(2) or "px", 0.75)


def line_shapes(el: etree._Element) -> list[int]:
    """The line-like shapes a w:drawing or w:pict (or the mc:AlternateContent holding one)
    draws, each as its width in twips (0 where it cannot be read): a line or connector, or a
    shape far wider than it is high. Pictures and text boxes are no lines. Of an
    mc:AlternateContent only the first choice is read (the fallback draws the same)."""
    if el.tag == MC_ALTERNATE:
        choice = next(iter(el), None)
        return [width for child in (choice if choice is not None else []) for width in line_shapes(child)]
    out: list[int] = []
    if el.tag == w("drawing"):
        for holder in el:
            extent = holder.find(f"{_WP}extent")
            cx = as_int(extent.get("cx")) if extent is not None else 0
            cy = as_int(extent.get("cy")) if extent is not None else 0
            geometry = {g.get("prst") for g in holder.iter(f"{{{A_NS}}}prstGeom")}
            is_shape = any(True for _ in holder.iter(f"{_WPS}wsp"))
            text_box = any(True for _ in holder.iter(f"{_WPS}txbx"))
            if is_shape and not text_box and (geometry & _LINE_GEOMETRY or (cx > 0 and cy * 20 <= cx)):
                out.append(cx // _EMU_PER_TWIP)
        return out
    for shape in el.iter(f"{_V}line", f"{_V}shape", f"{_V}rect"):
        if shape.tag == f"{_V}line":
            a = [_pt(v) for v in (shape.get("from") or "0,0").split(",")[:2]]
            b = [_pt(v) for v in (shape.get("to") or "0,0").split(",")[:2]]
            if len(a) == 2 and len(b) == 2 and None not in a and None not in b:
                width = abs(b[0] - a[0])  # type: ignore[operator]
                out.append(round(width * 20))
            else:
                out.append(0)
            continue
        if any(True for _ in shape.iter(f"{_V}textbox", f"{_V}imagedata")):
            continue
        style = dict(
            (k.strip().lower(), v.strip())
            for k, _s, v in (part.partition(":") for part in (shape.get("style") or "").split(";"))
            if k.strip()
        )
        width, height = _pt(style.get("width", "")), _pt(style.get("height", ""))
        path = (shape.get("path") or "").replace(" ", "")
        straight = shape.get("type") == "#_x0000_t32" or bool(re.fullmatch(r"m\d+,\d+l\d+,\d+e?", path))
        if width and (straight or (height is not None and height * 20 <= width)):
            out.append(round(width * 20))
    return out


def split_lines(p: Paragraph) -> list[Paragraph]:
    """A paragraph cut at its line breaks into lines, each with the runs (or parts of runs) it
    holds; the first keeps what is before the paragraph (its top border, a page break before
    it, the space before it, a list's label), the last what is after it (its bottom border,
    a section or page break after it, the space after it)."""
    drawn: list[tuple[int, int]] = getattr(p, "_drawn", [])
    if "\n" not in p.text:
        return [p]
    lines: list[list[Run]] = [[]]
    for run in p.runs:
        parts = run.text.split("\n")
        for k, piece in enumerate(parts):
            if k:
                lines.append([])
            if piece or len(parts) == 1:
                lines[-1].append(Run(piece, run.props, run.label))
    out = []
    start = 0
    last = len(lines) - 1
    for k, runs in enumerate(lines):
        text = "".join(r.text for r in runs)
        end = start + len(text)
        props = p.props
        if k:
            props = replace(props, border_top=None, page_break_before=None, numbering=None)
            props = replace(
                props, spacing={**props.spacing, "before": "0"}, ind={**props.ind, "firstLine": 0}
            )
            props.ind.pop("hanging", None)
        if k != last:
            props = replace(props, border_bottom=None, spacing={**props.spacing, "after": "0"})
        here = [width for offset, width in drawn if start <= offset <= end]
        line = Paragraph(text, p.style, props, runs, p.part, p.in_table)
        line.table_index, line.row, line.cell, line.cell_width = p.table_index, p.row, p.cell, p.cell_width
        line.page_break_before = p.page_break_before and k == 0
        line.page_break_after = p.page_break_after and k == last
        line.section_break = p.section_break and k == last
        line.section_continuous = p.section_continuous
        line.drawing = p.drawing
        line.lines_drawn = here
        line.index, line.line, line.hidden = p.index, k, p.hidden if k == 0 else ""
        line.label = p.label if k == 0 else ""
        out.append(line)
        start = end + 1
    return out


_TABS = re.compile(r"\t+")


def split_columns(p: Paragraph) -> list[Paragraph]:
    """A header line laid out with tabs ("SỞ Y TẾ<tab><tab>Độc lập - Tự do - Hạnh phúc") cut
    into its pieces, each with its runs and its column (the first piece left, 0, the others
    right, 1); a line with one piece is itself, in the right column when it starts with a tab."""
    if "\t" not in p.text:
        return [p]
    pieces: list[list[Run]] = [[]]
    for run in p.runs:
        parts = _TABS.split(run.text)
        for k, piece in enumerate(parts):
            if k:
                pieces.append([])
            if piece:
                pieces[-1].append(Run(piece, run.props, run.label))
    kept = [runs for runs in pieces if "".join(r.text for r in runs).strip()]
    if len(kept) == 1:
        if p.text.startswith("\t") and p.text.strip():
            return [replace(p, text="".join(r.text for r in kept[0]), runs=kept[0], column=1)]
        return [p]
    out = [
        replace(p, text="".join(r.text for r in runs), runs=runs, column=min(n, 1))
        for n, runs in enumerate(kept)
    ]
    return out or [p]
