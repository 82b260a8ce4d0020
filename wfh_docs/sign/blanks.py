"""The blanks a letter made for issuance leaves (Điều 15.3: the number and date are given "bằng
chức năng của Hệ thống"), found in the PDF's own text positions: after "Số:", in the date line
"ngày … tháng … năm …", and in a phụ lục's "(Kèm theo … số: … ngày …)" line (a công văn's
short date) or "(Kèm theo <tên loại> số … ngày … tháng … năm …)" (Mẫu 2.1, the other kinds), on
its line or running on to the next; with what the letter says of itself (its ký hiệu, V/v and
Kính gửi) for the register.

A blank is a run of spaces (drawn as space glyphs by LibreOffice and Word, or a gap pdfminer
fills with a space) between two words, measured from where the last glyph before it ends to
where the first one after it starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..letter import vn
from .base import Box
from .pdftext import Line, Page, fold

MIN_BLANK = 2.5  # em/4 of the line: a single space between two words is no blank
_SPACE = 0.25  # Times New Roman's space, in em


@dataclass(frozen=True)
class Blank:
    """Room on a line for the văn thư's stamp."""

    page: int  # 0-based
    x0: float  # where the room starts (the end of the word before it)
    x1: float  # where the word after it starts (the line's end for a blank that ends it)
    baseline: float
    size: float  # the line's font size

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    def box(self) -> Box:
        return Box(self.x0, self.baseline - 0.25 * self.size, self.x1, self.baseline + 0.95 * self.size)


@dataclass(frozen=True)
class DateBlanks:
    day: Blank
    month: Blank
    year: Blank | None  # None: the year is printed, or there is no room after "năm"


@dataclass(frozen=True)
class KemTheo:
    """A phụ lục's "(Kèm theo … số: … /SYM ngày … của …)" line: its date one blank for the short
    "08/4/2020" of a công văn, or the blanks of "ngày … tháng … năm …" as in the date line."""

    number: Blank
    date: Blank | DateBlanks | None


@dataclass(frozen=True)
class Blanks:
    number: Blank | None
    symbol: str  # the ký hiệu after the number's "/", e.g. SCT-VP
    number_line: str  # the line as it reads, to say what is there when there is no blank
    date: DateBlanks | None
    kem_theo: tuple[KemTheo, ...]
    subject: str  # the V/v, without "V/v"
    recipients: tuple[str, ...]


class _Folded:
    """A line's text folded (no case, no diacritics) one character a piece, with each
    character's x, so that a match in the folded text is a place on the line."""

    def __init__(self, line: Line) -> None:
        self.line = line
        chars: list[str] = []
        xs: list[float] = []
        originals: list[str] = []
        for text, x in line.pieces:
            folded = fold(text) or " "
            for ch in folded:
                chars.append(" " if ch.isspace() else ch)
                xs.append(x)
                originals.append(text)
        self.text = "".join(chars)
        self.xs = xs
        self.originals = originals

    def x(self, index: int) -> float:
        return self.xs[index] if index < len(self.xs) else self.line.box.x1

    def original(self, start: int, end: int) -> str:
        out: list[str] = []
        for i in range(start, end):
            if i == start or self.originals[i] is not self.originals[i - 1]:
                out.append(self.originals[i])
        return "".join(out)

    def blank(self, page: int, start: int, end: int) -> Blank | None:
        """The blank of the spaces text[start:end], if it is wider than a space or two."""
        blank = Blank(page, self.x(start), self.x(end), self.line.baseline, self.line.size)
        return blank if blank.width >= MIN_BLANK * 0.25 * self.line.size else None


# "Số:" with its colon (the number line, a công văn's Kèm theo) or without (the other kinds'
# Kèm theo): the spaces before "/" are the blank, whichever
_NUMBER = re.compile(r"^\s*so(?:\s*:)?( +)/(\S+)")
_FILLED_NUMBER = re.compile(r"^\s*so\s*:")
_DATE = re.compile(r"ngay( +)thang( +)nam(?:( *)$|\s+\d{4})")
_END = r"(?:cua\b|\)|\s*$)"
# the Kèm theo line and the line after it, as one text: the date may run on to the next line
_KEM_THEO = re.compile(rf"so(?:\s*:)?( +)/(\S+)(?:\s+ngay( +){_END}|\s+ngay( +)thang( +)nam( +){_END})?")


def _number(page: Page) -> tuple[Blank | None, str, str]:
    for line in page.lines:
        folded = _Folded(line)
        found = _NUMBER.match(folded.text)
        if found:
            symbol = folded.original(*found.span(2)).strip().rstrip(",;")
            return folded.blank(page.index, *found.span(1)), symbol, line.text
    for line in page.lines:
        if _FILLED_NUMBER.match(_Folded(line).text):
            return None, "", line.text
    return None, "", ""


def _date(page: Page) -> DateBlanks | None:
    for line in page.lines:
        folded = _Folded(line)
        found = _DATE.search(folded.text.rstrip("\n"))
        if not found:
            continue
        day = folded.blank(page.index, *found.span(1))
        month = folded.blank(page.index, *found.span(2))
        if day is None or month is None:
            return None
        year = None
        if found.group(3) is not None:
            start = found.start(3)
            # the spaces after "năm" end the line: the room is up to the line's end
            year = Blank(page.index, folded.x(start), line.box.x1, line.baseline, line.size)
            if year.width < MIN_BLANK * 0.25 * line.size:
                year = Blank(
                    page.index, folded.x(start), folded.x(start) + 2.5 * line.size, line.baseline, line.size
                )
        return DateBlanks(day, month, year)
    return None


class _Joined:
    """A line and the one after it as one folded text (each line's text ends with the space its
    line break reads as), so that a match may run from one to the other."""

    def __init__(self, page: int, lines: list[_Folded]) -> None:
        self.page = page
        self.lines = lines
        self.text = "".join(f.text for f in lines)

    def _at(self, index: int) -> tuple[_Folded, int]:
        for folded in self.lines:
            if index < len(folded.text):
                return folded, index
            index -= len(folded.text)
        return self.lines[-1], index + len(self.lines[-1].text)

    def blank(self, start: int, end: int, written: str) -> Blank | None:
        """The blank of the spaces text[start:end], on the line they start on. Spaces that end
        that line are the blank the letter `written` there (vn.DAY_BLANK ...), as wide as its
        spaces in the line's size: a PDF keeps few or none of them before a line break, and a
        day or month centred in them stays by its "tháng"."""
        folded, local = self._at(start)
        local_end = local + (end - start)
        # the space the line's "\n" reads as, at its end
        line_break = len(folded.text) - (1 if folded.originals[-1:] == ["\n"] else 0)
        if local_end <= line_break:  # a word after them on their line
            return folded.blank(self.page, local, local_end)
        line = folded.line
        x0 = folded.x(local)
        return Blank(self.page, x0, x0 + len(written) * _SPACE * line.size, line.baseline, line.size)


def _kem_theo(pages: list[Page]) -> tuple[KemTheo, ...]:
    found: list[KemTheo] = []
    for page in pages:
        lines = [_Folded(line) for line in page.lines]
        for i, folded in enumerate(lines):
            at = folded.text.find("kem theo")
            if at < 0:
                continue
            joined = _Joined(page.index, lines[i : i + 2])
            match = _KEM_THEO.search(joined.text, at)
            if not match or match.start() >= len(folded.text):
                continue
            number = joined.blank(*match.span(1), vn.NUMBER_BLANK)
            if number is None:
                continue
            date: Blank | DateBlanks | None = None
            if match.group(3) is not None:
                date = joined.blank(*match.span(3), vn.SHORT_DATE_BLANK)
            elif match.group(4) is not None:
                day, month, year = (
                    joined.blank(*match.span(g), written)
                    for g, written in ((4, vn.DAY_BLANK), (5, vn.MONTH_BLANK), (6, vn.YEAR_BLANK))
                )
                if day is not None and month is not None and year is not None:
                    date = DateBlanks(day, month, year)
            found.append(KemTheo(number, date))
    return tuple(found)


def _subject(page: Page) -> str:
    lines = list(page.lines)
    for i, line in enumerate(lines):
        if not fold(line.text).startswith("v/v"):
            continue
        parts = [line.text[3:].strip()]
        last = line
        for other in lines[i + 1 :]:
            close = 0 < last.baseline - other.baseline < 1.6 * last.size
            column = min(other.box.x1, line.box.x1) > max(other.box.x0, line.box.x0)
            if not (close and column) or fold(other.text).startswith("kinh gui"):
                break
            parts.append(other.text.strip())
            last = other
        return " ".join(p for p in parts if p)
    return ""


def _recipients(page: Page) -> tuple[str, ...]:
    lines = list(page.lines)
    for i, line in enumerate(lines):
        folded = fold(line.text)
        if not folded.startswith("kinh gui"):
            continue
        first = line.text.split(":", 1)[1].strip() if ":" in line.text else ""
        names = [first.lstrip("- ").rstrip(";.,")] if first else []
        last = line
        for other in lines[i + 1 :]:
            if not (0 < last.baseline - other.baseline < 1.6 * last.size) or not other.text.startswith("-"):
                break
            names.append(other.text.lstrip("- ").strip().rstrip(";.,"))
            last = other
        return tuple(n for n in names if n)
    return ()


def find_blanks(pages: list[Page]) -> Blanks:
    """The blanks of a letter whose pages' text is `pages` (the first page first)."""
    first = pages[0]
    number, symbol, number_line = _number(first)
    return Blanks(
        number=number,
        symbol=symbol,
        number_line=number_line,
        date=_date(first),
        kem_theo=_kem_theo(pages),
        subject=_subject(first),
        recipients=_recipients(first),
    )
