"""The decree's elements of a letter found for `check --fix`, each line with the look the decree
gives it (Phụ lục I, Mục II and III, and its table "Mẫu chữ và chi tiết trình bày").

An element is found by its text and place, as the checker finds it: a line of a paragraph (a
header cell typed with Shift+Enter holds the Quốc hiệu and the Tiêu ngữ in one paragraph), in
the same table cell as the elements around it. Each found line gets a Look, which fix.py writes
on its runs explicitly (bold, italic and capitals on or off, the size), so that no style, table
style or toggle of the styles can make it read otherwise in Word or LibreOffice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .context import CONTINUES, DATE, TYPE_NAMES
from .props import Paragraph, Run

_QUOC_HIEU = re.compile(r"^CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM$", re.IGNORECASE)
_TIEU_NGU = re.compile(r"^Độc\s+lập\s*[-–—‐‑]\s*Tự\s+do\s*[-–—‐‑]\s*Hạnh\s+phúc$", re.IGNORECASE)
_SO = re.compile(r"^Số\b")
_V_V = re.compile(r"^V/v\b")
_KINH_GUI = re.compile(r"^Kính\s+gửi")
_AUTHORITY = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*\S")
_NOI_NHAN = re.compile(r"^Nơi\s+nhận")
_APPENDIX = re.compile(r"^Phụ\s+lục(?:\s+(?:[IVXLCDM]+|\d+))?\.?$")
_COPY_FORM = re.compile(r"^\s*(?:sao\s+y|sao\s+lục|trích\s+sao)\s*$", re.IGNORECASE)
_DASH = re.compile(r"^[-–—+•]")
_LINE_ONLY = re.compile(r"^[_\-‗–—.\s]+$")  # a line typed with underscores stands for a rule
HEAD = 40  # the header is within the first paragraphs, as the checker reads it


@dataclass(frozen=True)
class Look:
    """How the decree shows an element: bold, italic, capitals (None: as the letter has it), its
    size range in points (the size kept when inside, the nearest end when outside)."""

    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    size: tuple[float, float] | None = None
    jc: str | None = None
    in_cell: str | None = None  # the alignment in a table cell (the header's and signature's columns)


LOOKS = {
    "quoc_hieu": Look(bold=True, italic=False, caps=True, size=(12, 13), in_cell="center"),
    "tieu_ngu": Look(bold=True, italic=False, caps=False, size=(13, 14), in_cell="center"),
    "parent": Look(bold=False, italic=False, caps=True, size=(12, 13), in_cell="center"),
    "issuer": Look(bold=True, italic=False, caps=True, size=(12, 13), in_cell="center"),
    "number": Look(bold=False, italic=False, caps=False, size=(13, 13), in_cell="center"),
    "date": Look(bold=False, italic=True, caps=False, size=(13, 14), in_cell="center"),
    "subject": Look(bold=False, italic=False, caps=False, size=(12, 13), in_cell="center"),
    "type_name": Look(bold=True, italic=False, caps=True, size=(13, 14), jc="center"),
    "type_subject": Look(bold=True, italic=False, size=(13, 14), jc="center"),
    "recipients": Look(bold=False, italic=False, size=(13, 14)),
    "body": Look(size=(13, 14), jc="both"),
    "authority": Look(bold=True, italic=False, caps=True, size=(13, 14), in_cell="center"),
    "signer": Look(bold=True, italic=False, caps=False, size=(13, 14), in_cell="center"),
    "cc": Look(bold=True, italic=True, size=(12, 12), in_cell="left"),
    "cc_list": Look(bold=False, italic=False, size=(11, 11), in_cell="left"),
    "appendix": Look(bold=True, italic=False, caps=False, size=(14, 14), jc="center"),
    "appendix_title": Look(bold=True, italic=False, caps=True, size=(13, 14), jc="center"),
    "kem_theo": Look(italic=True, size=(13, 14), jc="center"),
    # a bản sao's hình thức sao (Mẫu 3.1, ô 1): in capitals, bold, upright
    "copy_form": Look(bold=True, italic=False, caps=True),
}


@dataclass(frozen=True)
class Target:
    """One line of the letter that is an element: paragraph i, line k of it (None: a paragraph
    of one line, or all of it)."""

    i: int
    k: int | None
    role: str
    seg: int | None = None  # the column of a header line typed with tabs (None: the whole line)


@dataclass(frozen=True)
class Line:
    """A line of a paragraph (a paragraph cut at its line breaks), its text with spaces joined."""

    i: int
    k: int
    text: str
    seg: int | None = None  # the column of a header line typed with tabs


class Finder:
    """The elements of one letter, read from its paragraphs as the checker resolved them (one
    per w:p of the main part, in document order: Docx.paragraphs), line by line."""

    def __init__(self, paragraphs: list[Paragraph]) -> None:
        self.ps = paragraphs
        self.counts = [len(p.text.split("\n")) for p in paragraphs]
        self.lines: list[Line] = []
        for i, p in enumerate(paragraphs):
            for k, raw in enumerate(p.text.split("\n")):
                if i < HEAD and "\t" in raw.strip("\t ") and not p.in_table:
                    # a header typed with tabs: each column of the line read as a line of its own
                    self.lines += [
                        Line(i, k, " ".join(c.split()), s) for s, c in enumerate(re.split(r"\t+", raw))
                    ]
                else:
                    self.lines.append(Line(i, k, " ".join(raw.split())))
        self.targets: list[Target] = []
        self.lists: dict[str, list[Target]] = {}  # "recipients", "cc": the lines of each list

    def _add(self, n: int, role: str, *, whole: bool = False) -> Target:
        line = self.lines[n]
        if line.seg is not None:
            t = Target(line.i, line.k, role, line.seg)
        else:
            t = Target(line.i, None if whole or self.counts[line.i] == 1 else line.k, role)
        if not any((x.i, x.k, x.seg) == (t.i, t.k, t.seg) for x in self.targets):
            self.targets.append(t)
        return t

    def first(self, test: re.Pattern[str], start: int = 0, stop: int | None = None) -> int | None:
        """The first line from `start` (a line's index) matching `test`, in paragraphs before
        `stop` (a paragraph's index)."""
        for n in range(start, len(self.lines)):
            if stop is not None and self.lines[n].i >= stop:
                return None
            if test.search(self.lines[n].text):
                return n
        return None

    def cell(self, n: int) -> tuple[int | None, int | None, int | None]:
        p = self.ps[self.lines[n].i]
        return (p.table_index, p.row, p.cell) if p.in_table else (None, None, None)

    def after(self, n: int, *, column: bool = False) -> list[int]:
        """The lines after n in its cell (outside tables: up to the next table); with `column`,
        on into the rows below in the same column of the table (a Nơi nhận split over rows)."""
        table, row, cell = self.cell(n)
        out = []
        for m in range(n + 1, len(self.lines)):
            t, r, c = self.cell(m)
            if (t, r, c) == (table, row, cell):
                out.append(m)
            elif column and table is not None and t == table:
                if c == cell and (r or 0) > (row or 0):
                    out.append(m)  # the rows below, in the same column; the other cells passed over
            else:
                break
        return out

    def find(self) -> list[Target]:
        header_end = self._type(self._header())
        body_start = self._recipients(header_end)
        signature = self.first(_NOI_NHAN, body_start)
        if signature is None:
            signature = self.first(_AUTHORITY, body_start)
        appendix = next(
            (n for n in range(body_start, len(self.lines)) if self._is_appendix(n)), len(self.lines)
        )
        stop = min(signature if signature is not None else len(self.lines), appendix)
        for n in range(body_start, stop):
            if self.lines[n].text and not self.ps[self.lines[n].i].in_table:
                self._add(n, "body", whole=True)
        self._signature(body_start)
        for n in range(len(self.lines)):
            if self._is_appendix(n):
                self._appendix(n)
        form = self.first(_COPY_FORM, stop)  # a bản sao's block, after the letter's signature
        if form is not None:
            self._add(form, "copy_form")
        return self.targets

    def _is_appendix(self, n: int) -> bool:
        line = self.lines[n]
        return not self.ps[line.i].in_table and self.counts[line.i] == 1 and bool(_APPENDIX.match(line.text))

    def _header(self) -> int:
        """The header's lines; the index of the line after its last element."""
        last = -1
        for test, role in ((_QUOC_HIEU, "quoc_hieu"), (_TIEU_NGU, "tieu_ngu"), (DATE, "date")):
            hit = self.first(test, 0, HEAD)
            if hit is not None:
                self._add(hit, role)
                last = max(last, hit)
        so = self.first(_SO, 0, HEAD)
        if so is not None:
            self._add(so, "number")
            self._agency(so)
            last = max(last, so)
        vv = self.first(_V_V, 0, HEAD)
        if vv is not None:
            self._add(vv, "subject")
            if self.ps[self.lines[vv].i].in_table:
                for m in self.after(vv):
                    if self.lines[m].text:
                        self._add(m, "subject")
            last = max(last, vv)
        return last + 1

    def _type(self, start: int) -> int:
        """The tên loại of a letter that has one ("BÁO CÁO", Mẫu 1.4) and its trích yếu, the
        centred lines under it: titles, not body; the index of the line after them."""
        hit = next(
            (n for n in range(start, len(self.lines)) if self.lines[n].i < HEAD and self._is_type(n)), None
        )
        if hit is None:
            return start
        self._add(hit, "type_name")
        end = hit + 1
        for n in range(hit + 1, min(hit + 4, len(self.lines))):
            line = self.lines[n]
            p = self.ps[line.i]
            if not line.text:
                end = n + 1
                continue
            if p.in_table or p.props.jc != "center" or _KINH_GUI.match(line.text):
                break
            self._add(n, "type_subject")
            end = n + 1
        return end

    def _is_type(self, n: int) -> bool:
        line = self.lines[n]
        return not self.ps[line.i].in_table and line.text.upper() in TYPE_NAMES

    def _agency(self, so: int) -> None:
        """The agency's name: the last line in capitals above "Số:" in its column; the lines
        above it, the parent agency's (a line of underscores is a rule, not a name)."""
        taken = {(t.i, t.k, t.seg) for t in self.targets if t.role != "number"}
        names = []
        for n in range(so):
            line = self.lines[n]
            if self._column(n) != self._column(so):
                continue
            k = line.k if line.seg is not None or self.counts[line.i] > 1 else None
            if (
                (line.i, k, line.seg) in taken
                or not line.text
                or _LINE_ONLY.match(line.text)
                or not self._in_capitals(n)
            ):
                continue
            names.append(n)
        if not names:
            return
        name = [names[-1]]
        weight = self._bold(names[-1])
        for n in reversed(names[:-1]):
            # a long name on two lines (Mục II.2.b): the line after goes on with it, in its weight
            if self._bold(n) != weight or not CONTINUES.match(self.lines[name[0]].text):
                break
            name.insert(0, n)
        for n in names:
            self._add(n, "issuer" if n in name else "parent")

    def _column(self, n: int) -> tuple[int | None, int | None]:
        """The column of the header a line is in: its table cell, or its place among the tabs."""
        p = self.ps[self.lines[n].i]
        return (p.table_index, p.cell) if p.in_table else (None, self.lines[n].seg or 0)

    def _in_capitals(self, n: int) -> bool:
        """Whether line n shows in capitals: typed so, or through w:caps or w:smallCaps."""
        line = self.lines[n]
        runs = [r for r in _line_runs(self.ps[line.i], line.k, line.seg) if r.text.strip()]
        return line.text == line.text.upper() or (
            bool(runs) and all(r.props.caps or r.props.small_caps for r in runs)
        )

    def _bold(self, n: int) -> bool:
        """Whether every run with text on line n is bold, as the checker resolved it."""
        line = self.lines[n]
        props = [r.props.bold for r in _line_runs(self.ps[line.i], line.k, line.seg) if r.text.strip()]
        return bool(props) and all(bool(b) for b in props)

    def _recipients(self, header_end: int) -> int:
        """Kính gửi and its recipients; the index of the line where the body starts."""
        hit = self.first(_KINH_GUI, header_end)
        if hit is None:
            return header_end
        self._add(hit, "recipients")
        if _KINH_GUI.sub("", self.lines[hit].text).lstrip(":").strip():
            return hit + 1
        items = []
        for m in range(hit + 1, len(self.lines)):
            t = self.lines[m].text
            if not t:
                continue
            if not _DASH.match(t):
                break
            items.append(self._add(m, "recipients"))
            hit = m
        self.lists["recipients"] = items
        return hit + 1

    def _signature(self, start: int) -> None:
        auth = self.first(_AUTHORITY, start)
        head = self.first(_NOI_NHAN, start)
        if auth is None and head is not None:
            auth = self._beside(head)
        if auth is not None:
            self._authority(auth)
        if head is not None:
            self._add(head, "cc")
            in_table = self.ps[self.lines[head].i].in_table
            items = [m for m in self.after(head, column=True) if self.lines[m].text]
            if not in_table:
                cut = next((x for x, m in enumerate(items) if not _DASH.match(self.lines[m].text)), None)
                items = items[:cut]
            self.lists["cc"] = [self._add(m, "cc_list") for m in items]

    def _beside(self, head: int) -> int | None:
        """The head signing in person has no prefix: the line in capitals beside Nơi nhận."""
        table, row, cell = self.cell(head)
        if table is None:
            return None
        for n, line in enumerate(self.lines):
            t, r, c = self.cell(n)
            if (t, r) == (table, row) and c != cell and line.text:
                return n if line.text == line.text.upper() else None
        return None

    def _authority(self, auth: int) -> None:
        lines = [auth]
        for m in self.after(auth):
            t = self.lines[m].text
            if not t or t != t.upper():
                break
            lines.append(m)
        for m in lines:
            self._add(m, "authority")
        rest = [m for m in self.after(lines[-1], column=True) if self.lines[m].text]
        if self.ps[self.lines[auth].i].in_table:
            names = rest[-1:]
        else:
            names = [m for m in rest if self.lines[m].text != self.lines[m].text.upper()][:1]
        for m in names:
            self._add(m, "signer")

    def _appendix(self, n: int) -> None:
        self._add(n, "appendix")
        following = [m for m in range(n + 1, min(n + 6, len(self.lines))) if self.lines[m].text]
        if following and not self.lines[following[0]].text.startswith("("):
            self._add(following[0], "appendix_title")
        kem = next((m for m in following if self.lines[m].text.startswith("(Kèm theo")), None)
        if kem is not None:
            self._add(kem, "kem_theo")


def _line_runs(p: Paragraph, k: int | None, seg: int | None = None) -> list[Run]:
    """The runs (as the checker resolved them) with text on line k of the paragraph (all of it
    when None), in column `seg` of it when given (a line typed with tabs)."""
    out: list[Run] = []
    line, col, in_tab = 0, 0, False
    for run in p.runs:
        for ch in run.text:
            if ch == "\n":
                line, col, in_tab = line + 1, 0, False
            elif ch == "\t":
                col, in_tab = (col if in_tab else col + 1), True
            else:
                in_tab = False
                here = k is None or (line == k and (seg is None or col == seg))
                if here and ch.strip() and (not out or out[-1] is not run):
                    out.append(run)
    return out


def line_sizes(p: Paragraph, k: int | None, seg: int | None = None) -> list[float]:
    """The sizes of the runs with text on line k of the paragraph (all of it when None), as the
    checker resolved them."""
    return [r.props.size for r in _line_runs(p, k, seg) if r.props.size is not None]


def line_caps(p: Paragraph, k: int | None, seg: int | None = None) -> bool:
    """Whether some run of the line shows in capitals through w:caps."""
    return any(r.props.caps for r in _line_runs(p, k, seg))


def target_size(found: list[float], low: float, high: float) -> float:
    """The size a line gets: its most common size brought within the range (the range's upper
    end when the letter gives none)."""
    if not found:
        return high
    common = max(set(found), key=found.count)
    return min(max(common, low), high)
