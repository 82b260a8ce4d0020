"""Where a table cell is in its table: its row and grid column, the table's style, w:tblLook and
band sizes, and the cached w:cnfStyle, for the table style's conditional formats (styles.py).

Each table and each row is read once (a crafted table of many thousand rows or cells costs time
in proportion to its size, not to its square)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .props import as_int, w
from .styles import TablePlace, cnf_flags, table_look


@dataclass(frozen=True)
class _Table:
    style: str | None
    look: dict[str, bool] | None
    rows: dict[etree._Element, int]  # each row's place
    cols: int
    row_band: int
    col_band: int


def _band(tblpr: etree._Element | None, tag: str) -> int:
    el = tblpr.find(w(tag)) if tblpr is not None else None
    return max(1, min(as_int(el.get(w("val")), 1), 1 << 16)) if el is not None else 1


class TablePlaces:
    """The places of the cells of one part's tables, each table and row read once."""

    def __init__(self) -> None:
        self._tables: dict[etree._Element, _Table] = {}
        self._cells: dict[etree._Element, TablePlace | None] = {}

    def _table(self, tbl: etree._Element, first_row: etree._Element) -> _Table:
        found = self._tables.get(tbl)
        if found is None:
            tblpr = tbl.find(w("tblPr"))
            style_el = tblpr.find(w("tblStyle")) if tblpr is not None else None
            grid = tbl.find(w("tblGrid"))
            cols = len(grid) if grid is not None and len(grid) else max(1, len(first_row.findall(w("tc"))))
            found = _Table(
                style=style_el.get(w("val")) if style_el is not None else None,
                look=table_look(tblpr),
                rows={tr: i for i, tr in enumerate(tbl.iterchildren(w("tr")))},
                cols=cols,
                row_band=_band(tblpr, "tblStyleRowBandSize"),
                col_band=_band(tblpr, "tblStyleColBandSize"),
            )
            self._tables[tbl] = found
        return found

    def place(self, tc: etree._Element) -> TablePlace | None:
        """Where the cell is, or None for a cell outside a table row (a damaged part)."""
        if tc in self._cells:
            return self._cells[tc]
        tr = tc.getparent()
        tbl = next((a for a in tc.iterancestors(w("tbl"))), None)
        if tr is None or tr.tag != w("tr") or tbl is None:
            self._cells[tc] = None
            return None
        table = self._table(tbl, tr)
        row = table.rows.get(tr, 0)
        before = tr.find(f"{w('trPr')}/{w('gridBefore')}")
        col = max(0, as_int(before.get(w("val")))) if before is not None else 0
        row_cnf = cnf_flags(tr)
        for cell in tr.iterchildren(w("tc")):  # the whole row at once
            span_el = cell.find(f"{w('tcPr')}/{w('gridSpan')}")
            span = max(1, as_int(span_el.get(w("val")), 1)) if span_el is not None else 1
            last = col + span - 1
            self._cells[cell] = TablePlace(
                style=table.style,
                look=table.look,
                row=row,
                rows=len(table.rows),
                col=col if last < table.cols - 1 or col == 0 else last,
                cols=table.cols,
                row_band=table.row_band,
                col_band=table.col_band,
                cnf=frozenset(row_cnf | cnf_flags(cell)),
            )
            col += span
        return self._cells.get(tc)
