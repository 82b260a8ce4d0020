"""The text of a PDF's pages with its positions, read with pdfminer.six (pure Python, so that
signing also works on the Windows PCs that hold the tokens, with no poppler)."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTPage, LTTextContainer, LTTextLine

from ..i18n import _
from .base import Box, bad


@dataclass(frozen=True)
class Line:
    """A line of text as pdfminer lays it out."""

    text: str
    box: Box  # from the baseline's descent to one em above it, as pdfminer measures
    baseline: float
    size: float
    # each piece of the line's text with the x where it starts: a glyph, or a space between words
    pieces: tuple[tuple[str, float], ...] = ()

    @property
    def upper(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


@dataclass(frozen=True)
class Page:
    """A page's lines of text and its media box."""

    index: int  # 0-based
    box: Box  # the media box
    lines: tuple[Line, ...]


def norm(text: str) -> str:
    """Text compared as a reader would: NFC, case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _pieces(line: Any) -> tuple[tuple[str, float], ...]:
    pieces: list[tuple[str, float]] = []
    x = line.bbox[0]
    for item in line:
        if isinstance(item, LTChar):
            pieces.append((item.get_text(), item.x0))
            x = item.x1
        else:  # LTAnno: a space or a line end pdfminer inferred, at no position of its own
            pieces.append((item.get_text(), x))
    return tuple(pieces)


def find_x(line: Line, word: str) -> float | None:
    """Where `word` starts in `line` (compared without case and diacritics), or None."""
    folded, xs = "", []
    for text, x in line.pieces:
        for ch in fold(text):
            folded += ch
            xs.append(x)
    at = folded.find(fold(word))
    return xs[at] if at >= 0 else None


def fold(text: str) -> str:
    """Lower case without diacritics (đ as d): how text is searched when glyphs may be split."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def read_lines(data: bytes, source: Path, pages: Sequence[int] | None = None) -> list[Page]:
    """The text lines of the PDF's pages (all, or the 0-based `pages`), with their positions."""
    result: list[Page] = []
    try:
        layout_pages: Iterator[LTPage] = extract_pages(
            io.BytesIO(data), page_numbers=list(pages) if pages is not None else None, laparams=LAParams()
        )
        for number, page in enumerate(layout_pages):
            index = pages[number] if pages is not None else number
            lines: list[Line] = []
            for element in page:
                if not isinstance(element, LTTextContainer):
                    continue
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    text = unicodedata.normalize("NFC", line.get_text()).strip()
                    chars = [c for c in line if isinstance(c, LTChar)]
                    if not text or not chars:
                        continue
                    # the glyph origin is on the baseline; pdfminer's boxes depend on the font's
                    # declared descent, which LibreOffice writes inconsistently
                    baseline = min(c.matrix[5] for c in chars)
                    size = max(c.size for c in chars)
                    lines.append(Line(text, Box(*line.bbox), baseline, size, _pieces(line)))
            result.append(Page(index, Box(*page.bbox), tuple(lines)))
    except Exception as exc:  # pdfminer raises many kinds; all mean "cannot read this PDF"
        raise bad(source, "", _("cannot read the PDF's text ({reason})").format(reason=exc)) from None
    return result
