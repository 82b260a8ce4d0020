"""Where a table cell is in its table: its row and grid column, the table's style, w:tblLook and
band sizes, and the cached w:cnfStyle, for the table style's conditional formats (styles.py)."""

from __future__ import annotations

from lxml import etree

from .props import as_int, w
from .styles import TablePlace, cnf_flags, table_look


def table_place(tc: etree._Element, cells: dict[etree._Element, TablePlace | None]) -> TablePlace | None:
    """Where a cell is in its table, for its table style's conditional formats."""
    if tc in cells:
        return cells[tc]
    tr = tc.getparent()
    tbl = next((a for a in tc.iterancestors(w("tbl"))), None)
    place = None
    if tr is not None and tr.tag == w("tr") and tbl is not None:
        tblpr = tbl.find(w("tblPr"))
        style_el = tblpr.find(w("tblStyle")) if tblpr is not None else None
        rows = list(tbl.iterchildren(w("tr")))
        row = rows.index(tr) if tr in rows else 0
        col = 0
        before = tr.find(f"{w('trPr')}/{w('gridBefore')}")
        if before is not None:
            col += as_int(before.get(w("val")))
        for cell in tr.iterchildren(w("tc")):
            if cell is tc:
                break
            span = cell.find(f"{w('tcPr')}/{w('gridSpan')}")
            col += as_int(span.get(w("val")), 1) if span is not None else 1
        grid = tbl.find(w("tblGrid"))
        cols = len(grid) if grid is not None and len(grid) else max(1, len(tr.findall(w("tc"))))
        span = tc.find(f"{w('tcPr')}/{w('gridSpan')}")
        last_col = col + (as_int(span.get(w("val")), 1) if span is not None else 1) - 1
        band = tblpr.find(w("tblStyleRowBandSize")) if tblpr is not None else None
        cband = tblpr.find(w("tblStyleColBandSize")) if tblpr is not None else None
        place = TablePlace(
            style=style_el.get(w("val")) if style_el is not None else None,
            look=table_look(tblpr),
            row=row,
            rows=len(rows),
            col=col if last_col < cols - 1 or col == 0 else last_col,
            cols=cols,
            row_band=as_int(band.get(w("val")), 1) if band is not None else 1,
            col_band=as_int(cband.get(w("val")), 1) if cband is not None else 1,
            cnf=frozenset(cnf_flags(tr) | cnf_flags(tc)),
        )
    cells[tc] = place
    return place
