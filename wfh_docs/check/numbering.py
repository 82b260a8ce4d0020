"""Lists as Word shows them: the number or bullet before a numbered paragraph (word/numbering.xml).

A clerk who types Nơi nhận or the recipients of Kính gửi as a Word list has no "- " in the text:
Word draws the dash from the list's level (w:lvlText "-", w:numFmt bullet). The checker reads
that label as part of the line, as a reader sees it, and the level's indents as the paragraph's
(between the table style and the paragraph style, §17.7.2); the level's w:rPr formats the label.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .props import ParaProps, RunProps, as_int, para_props, run_props, w

_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)
_PLACEHOLDER_LIMIT = 9  # %1 ... %9
_LARGEST = 4000  # Roman numerals and letters beyond this are no list's (and would be long)
_START_LIMIT = 1 << 31
_LABEL_LIMIT = 32


def _roman(n: int) -> str:
    out = []
    for value, digits in _ROMAN:
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


def _letter(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa (Word repeats the letter)."""
    if n <= 0:
        return ""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # n < _LARGEST: at most 154 letters


def format_number(n: int, fmt: str) -> str:
    """A list number as Word writes it in the level's format; a number a real list never reaches
    (a crafted start) is written in digits, so that a label stays short."""
    if not 0 < n < _LARGEST and fmt not in ("none",):
        return str(n)
    if fmt in ("decimal", "decimalZero") or not fmt:
        return f"{n:02d}" if fmt == "decimalZero" and n < 10 else str(n)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "none":
        return ""
    return str(n)


def _bullet(text: str) -> str:
    """A bullet as a reader sees it: a symbol font's private-use character as what it draws."""
    out = []
    for ch in text:
        n = ord(ch)
        if 0xF000 <= n <= 0xF0FF:
            n -= 0xF000
            out.append("-" if n == 0x2D else "•" if n in (0xB7, 0xA7, 0x6C, 0x9F, 0xFC, 0xD8) else chr(n))
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class ListLevel:
    """One level of a list: how its label is written, and the formatting it gives."""

    num_id: str
    ilvl: int
    fmt: str
    text: str  # w:lvlText, "%1." or "-"
    start: int
    suffix: str  # "tab", "space" or "nothing"
    ppr: ParaProps = field(default_factory=ParaProps)
    rpr: RunProps = field(default_factory=RunProps)
    restart: int | None = None  # w:lvlRestart: the level whose number restarts this one


class Numbering:
    """word/numbering.xml read: each list's levels."""

    hides_empty = False  # Word shows the label of an empty numbered paragraph too

    def __init__(self, root: etree._Element | None, theme: dict[str, str]) -> None:
        self._levels: dict[tuple[str, int], ListLevel] = {}
        if root is None:
            return
        abstract: dict[str, dict[int, etree._Element]] = {}
        for an in root.iterchildren(w("abstractNum")):
            levels = {as_int(lvl.get(w("ilvl"))): lvl for lvl in an.iterchildren(w("lvl"))}
            abstract[an.get(w("abstractNumId")) or ""] = levels
        for num in root.iterchildren(w("num")):
            num_id = num.get(w("numId")) or ""
            ref = num.find(w("abstractNumId"))
            levels = dict(abstract.get(ref.get(w("val")) if ref is not None else "", {}))
            starts: dict[int, int] = {}
            for override in num.iterchildren(w("lvlOverride")):
                ilvl = as_int(override.get(w("ilvl")))
                lvl = override.find(w("lvl"))
                if lvl is not None:
                    levels[ilvl] = lvl
                start = override.find(w("startOverride"))
                if start is not None:
                    starts[ilvl] = as_int(start.get(w("val")), 1)
            for ilvl, lvl in levels.items():
                self._levels[(num_id, ilvl)] = self._level(num_id, ilvl, lvl, starts.get(ilvl), theme)

    @staticmethod
    def _level(
        num_id: str, ilvl: int, lvl: etree._Element, start: int | None, theme: dict[str, str]
    ) -> ListLevel:
        def val(tag: str, default: str) -> str:
            el = lvl.find(w(tag))
            return el.get(w("val"), default) if el is not None else default

        restart = lvl.find(w("lvlRestart"))
        return ListLevel(
            num_id=num_id,
            ilvl=ilvl,
            fmt=val("numFmt", "decimal"),
            text=val("lvlText", "")[:_LABEL_LIMIT],  # a crafted long one is not repeated on every line
            start=max(
                -_START_LIMIT, min(_START_LIMIT, start if start is not None else as_int(val("start", "1"), 1))
            ),
            suffix=val("suff", "tab"),
            ppr=para_props(lvl.find(w("pPr"))),
            rpr=run_props(lvl.find(w("rPr")), theme),
            restart=as_int(restart.get(w("val")), 0) if restart is not None else None,
        )

    def level(self, numbering: tuple[str, int] | None) -> ListLevel | None:
        """The list level a paragraph's w:numPr names (numId 0 is no list)."""
        if numbering is None or numbering[0] in ("", "0"):
            return None
        return self._levels.get((numbering[0], max(0, numbering[1])))

    def counters(self) -> Counters:
        return Counters(self)


class Counters:
    """The numbers of the lists of one part, counted in reading order."""

    def __init__(self, numbering: Numbering) -> None:
        self._numbering = numbering
        self._counts: dict[str, dict[int, int]] = {}

    def label(self, numbering: tuple[str, int], level: ListLevel) -> str:
        """The next label of the list, with the space or tab Word puts after it as a space."""
        counts = self._counts.setdefault(level.num_id, {})
        counts[level.ilvl] = counts.get(level.ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > level.ilvl]:
            del counts[deeper]  # a lower level starts again after a higher one
        if level.fmt == "bullet":
            text = _bullet(level.text)
        else:
            text = level.text
            for k in range(_PLACEHOLDER_LIMIT):
                if f"%{k + 1}" not in text:
                    continue
                other = self._numbering.level((level.num_id, k))
                n = counts.get(k, other.start if other is not None else 1)
                text = text.replace(
                    f"%{k + 1}", format_number(n, other.fmt if other is not None else "decimal")
                )
        if not text:
            return ""
        return text + ("" if level.suffix == "nothing" else " ")
