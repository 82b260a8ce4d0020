"""The blanks a letter made for issuance leaves (Điều 15.3: the number and date are given "bằng
chức năng của Hệ thống"), found in the PDF's own text positions: after "Số:", in the date line
"ngày … tháng … năm …", and in a phụ lục's "(Kèm theo … số: … ngày …)" line; with what the
letter says of itself (its ký hiệu, V/v and Kính gửi) for the register.

A blank is a run of spaces (drawn as space glyphs by LibreOffice and Word, or a gap pdfminer
fills with a space) between two words, measured from where the last glyph before it ends to
where the first one after it starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .base import Box
from .pdftext import Line, Page, fold

MIN_BLANK = 2.5  # em/4 of the line: a single space between two words is no blank


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
    """A phụ lục's "(Kèm theo … số: … /SYM ngày … của …)" line."""

    number: Blank
    date: Blank | None


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


_NUMBER = re.compile(r"^\s*so\s*:?( +)/(\S+)")
_FILLED_NUMBER = re.compile(r"^\s*so\s*:")
_DATE = re.compile(r"ngay( +)thang( +)nam(?:( *)$|\s+\d{4})")
_KEM_THEO = re.compile(r"so\s*:?( +)/(\S+)(?:\s+ngay( +)(?:cua\b|\)|$))?")
_NEXT_DATE = re.compile(r"^\s*ngay( +)(?:cua\b|\)|$)")


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


def _kem_theo(pages: list[Page]) -> tuple[KemTheo, ...]:
    found: list[KemTheo] = []
    for page in pages:
        lines = list(page.lines)
        for i, line in enumerate(lines):
            folded = _Folded(line)
            at = folded.text.find("kem theo")
            if at < 0:
                continue
            match = _KEM_THEO.search(folded.text, at)
            if not match:
                continue
            number = folded.blank(page.index, *match.span(1))
            if number is None:
                continue
            date = folded.blank(page.index, *match.span(3)) if match.group(3) is not None else None
            if date is None and match.group(3) is None and i + 1 < len(lines):
                below = _Folded(lines[i + 1])
                more = _NEXT_DATE.match(below.text)
                if more:
                    date = below.blank(page.index, *more.span(1))
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
