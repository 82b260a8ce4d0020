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

from .context import DATE
from .props import Paragraph

_QUOC_HIEU = re.compile(r"^CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM$", re.IGNORECASE)
_TIEU_NGU = re.compile(r"^Độc\s+lập\s*[-–—‐‑]\s*Tự\s+do\s*[-–—‐‑]\s*Hạnh\s+phúc$", re.IGNORECASE)
_SO = re.compile(r"^Số\b")
_V_V = re.compile(r"^V/v\b")
_KINH_GUI = re.compile(r"^Kính\s+gửi")
_AUTHORITY = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*\S")
_NOI_NHAN = re.compile(r"^Nơi\s+nhận")
_APPENDIX = re.compile(r"^Phụ\s+lục(?:\s+(?:[IVXLCDM]+|\d+))?\.?$")
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


LOOKS = {
    "quoc_hieu": Look(bold=True, italic=False, caps=True, size=(12, 13)),
    "tieu_ngu": Look(bold=True, italic=False, caps=False, size=(13, 14)),
    "parent": Look(bold=False, italic=False, caps=True, size=(12, 13)),
    "agency": Look(bold=True, italic=False, caps=True, size=(12, 13)),
    "number": Look(bold=False, italic=False, caps=False, size=(13, 13)),
    "date": Look(bold=False, italic=True, caps=False, size=(13, 14)),
    "subject": Look(bold=False, italic=False, caps=False, size=(12, 13)),
    "kinh_gui": Look(italic=False, size=(13, 14)),
    "body": Look(size=(13, 14), jc="both"),
    "authority": Look(bold=True, italic=False, caps=True, size=(13, 14)),
    "signer": Look(bold=True, italic=False, size=(13, 14)),
    "noi_nhan": Look(bold=True, italic=True, size=(12, 12)),
    "noi_nhan_list": Look(bold=False, italic=False, size=(11, 11)),
    "appendix": Look(bold=True, italic=False, size=(14, 14), jc="center"),
    "appendix_title": Look(bold=True, italic=False, caps=True, size=(13, 14), jc="center"),
    "kem_theo": Look(italic=True, size=(13, 14), jc="center"),
}


@dataclass(frozen=True)
class Target:
    """One line of the letter that is an element: paragraph i, line k of it (None: all of it)."""

    i: int
    k: int | None
    role: str


class Finder:
    """The elements of one letter, read from its paragraphs as the checker resolved them (one
    per w:p of the main part, in document order: Docx.paragraphs)."""

    def __init__(self, paragraphs: list[Paragraph]) -> None:
        self.ps = paragraphs
        self.lines = [[" ".join(t.split()) for t in p.text.split("\n")] for p in self.ps]
        self.targets: list[Target] = []
        self.lists: dict[str, list[int]] = {}  # "kinh_gui", "noi_nhan": the lines of each list

    def _add(self, i: int, k: int | None, role: str) -> None:
        if len(self.lines[i]) == 1:
            k = None
        self.targets.append(Target(i, k, role))

    def first(self, test: re.Pattern[str], start: int = 0, stop: int | None = None) -> tuple[int, int] | None:
        for i in range(start, min(stop or len(self.ps), len(self.ps))):
            for k, line in enumerate(self.lines[i]):
                if test.search(line):
                    return i, k
        return None

    def cell(self, i: int) -> tuple[int | None, int | None, int | None]:
        p = self.ps[i]
        return (p.table_index, p.row, p.cell) if p.in_table else (None, None, None)

    def after_in_cell(self, i: int) -> list[int]:
        """The paragraphs after i in its cell (outside tables: up to the next table)."""
        out = []
        for j in range(i + 1, len(self.ps)):
            if self.cell(j) != self.cell(i):
                break
            out.append(j)
        return out

    def find(self) -> list[Target]:
        header_end = self._header()
        body_start = self._kinh_gui(header_end)
        signature = self.first(_NOI_NHAN, body_start) or self.first(_AUTHORITY, body_start)
        appendix = next((i for i in range(body_start, len(self.ps)) if self._is_appendix(i)), len(self.ps))
        stop = min(signature[0] if signature else len(self.ps), appendix)
        for i in range(body_start, stop):
            if self.ps[i].text.strip() and not self.ps[i].in_table:
                self._add(i, None, "body")
        self._signature(body_start)
        for i in range(len(self.ps)):
            if self._is_appendix(i):
                self._appendix(i)
        return self.targets

    def _is_appendix(self, i: int) -> bool:
        return not self.ps[i].in_table and bool(_APPENDIX.match(self.ps[i].text.strip()))

    def _header(self) -> int:
        """The header's lines; the index after its last element."""
        last = -1
        for test, role in ((_QUOC_HIEU, "quoc_hieu"), (_TIEU_NGU, "tieu_ngu"), (DATE, "date")):
            hit = self.first(test, 0, HEAD)
            if hit:
                self._add(*hit, role)
                last = max(last, hit[0])
        so = self.first(_SO, 0, HEAD)
        if so:
            self._add(*so, "number")
            self._agency(*so)
            last = max(last, so[0])
        vv = self.first(_V_V, 0, HEAD)
        if vv:
            self._add(*vv, "subject")
            for j in self.after_in_cell(vv[0]) if self.ps[vv[0]].in_table else []:
                if self.ps[j].text.strip():
                    self._add(j, None, "subject")
            last = max(last, vv[0])
        return last + 1

    def _agency(self, so_i: int, so_k: int) -> None:
        """The agency's name: the last line in capitals above "Số:" in its column; the lines
        above it, the parent agency's (a line of underscores is a rule, not a name)."""
        taken = {(t.i, t.k if t.k is not None else 0) for t in self.targets if t.role != "number"}
        lines = []
        for i in range(so_i + 1):
            if self.ps[so_i].in_table and self.cell(i)[::2] != self.cell(so_i)[::2]:
                continue
            for k, line in enumerate(self.lines[i]):
                if i == so_i and k >= so_k:
                    break
                if (i, k) in taken or not line or _LINE_ONLY.match(line) or line != line.upper():
                    continue
                lines.append((i, k))
        for n, (i, k) in enumerate(lines):
            self._add(i, k, "agency" if n == len(lines) - 1 else "parent")

    def _kinh_gui(self, header_end: int) -> int:
        """Kính gửi and its recipients; the index where the body starts."""
        hit = self.first(_KINH_GUI, header_end)
        if hit is None:
            return header_end
        i = hit[0]
        self._add(i, None, "kinh_gui")
        after = _KINH_GUI.sub("", self.ps[i].text.strip()).lstrip(":").strip()
        if after:
            return i + 1
        items = []
        for j in range(i + 1, len(self.ps)):
            t = self.ps[j].text.strip()
            if not t:
                continue
            if not _DASH.match(t):
                break
            items.append(j)
            self._add(j, None, "kinh_gui")
        self.lists["kinh_gui"] = items
        return (items[-1] if items else i) + 1

    def _signature(self, start: int) -> None:
        auth = self.first(_AUTHORITY, start)
        head = self.first(_NOI_NHAN, start)
        a = auth[0] if auth else (self._beside(head[0]) if head else None)
        if a is not None:
            self._authority(a)
        if head:
            h = head[0]
            self._add(h, None, "noi_nhan")
            items = [j for j in self.after_in_cell(h) if self.ps[j].text.strip()]
            if not self.ps[h].in_table:
                items = items[
                    : next((n for n, j in enumerate(items) if not _DASH.match(self.ps[j].text)), None)
                ]
            for j in items:
                self._add(j, None, "noi_nhan_list")
            self.lists["noi_nhan"] = items

    def _beside(self, head: int) -> int | None:
        """The head signing in person has no prefix: the line in capitals beside Nơi nhận."""
        p = self.ps[head]
        if not p.in_table:
            return None
        for k, q in enumerate(self.ps):
            t = q.text.strip()
            if q.in_table and (q.table_index, q.row) == (p.table_index, p.row) and q.cell != p.cell and t:
                return k if t == t.upper() else None
        return None

    def _authority(self, a: int) -> None:
        lines = [a]
        for j in self.after_in_cell(a):
            t = self.ps[j].text.strip()
            if not t or t != t.upper():
                break
            lines.append(j)
        for j in lines:
            self._add(j, None, "authority")
        rest = [j for j in self.after_in_cell(lines[-1]) if self.ps[j].text.strip()]
        if self.ps[a].in_table:
            names = rest[-1:]
        else:
            names = [j for j in rest if self.ps[j].text.strip() != self.ps[j].text.strip().upper()][:1]
        for j in names:
            self._add(j, None, "signer")

    def _appendix(self, i: int) -> None:
        self._add(i, None, "appendix")
        following = [j for j in range(i + 1, min(i + 6, len(self.ps))) if self.ps[j].text.strip()]
        if following and not self.ps[following[0]].text.strip().startswith("("):
            self._add(following[0], None, "appendix_title")
        kem = next((j for j in following if self.ps[j].text.strip().startswith("(Kèm theo")), None)
        if kem is not None:
            self._add(kem, None, "kem_theo")


def line_sizes(p: Paragraph, k: int | None) -> list[float]:
    """The sizes of the runs with text on line k of the paragraph (all of it when None), as the
    checker resolved them."""
    out: list[float] = []
    line = 0
    for run in p.runs:
        for n, piece in enumerate(run.text.split("\n")):
            if n:
                line += 1
            if piece.strip() and (k is None or line == k) and run.props.size is not None:
                out.append(run.props.size)
    return out


def line_caps(p: Paragraph, k: int | None) -> bool:
    """Whether some run of the line shows in capitals through w:caps."""
    line = 0
    for run in p.runs:
        for n, piece in enumerate(run.text.split("\n")):
            if n:
                line += 1
            if piece.strip() and (k is None or line == k) and run.props.caps:
                return True
    return False


def target_size(found: list[float], low: float, high: float) -> float:
    """The size a line gets: its most common size brought within the range (the range's upper
    end when the letter gives none)."""
    if not found:
        return high
    common = max(set(found), key=found.count)
    return min(max(common, low), high)
