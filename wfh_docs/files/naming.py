"""Output file names: ASCII, safe on Windows, derived from the letter, never outside a folder."""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol


class Numbered(Protocol):
    """What naming reads of a letter (files/ stays below letter/, which defines Letter)."""

    @property
    def number(self) -> int | None: ...

    @property
    def symbol(self) -> str: ...


# Windows refuses these as file names, with or without an extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_MAX_STEM = 100


def ascii_slug(text: str) -> str:
    """'Sở Công Thương' -> 'So-Cong-Thuong': Vietnamese letters folded, others dropped."""
    text = text.replace("Đ", "D").replace("đ", "d")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-")


def safe_stem(text: str, fallback: str = "cong-van") -> str:
    """A file name stem that every system accepts: ASCII letters, digits, '-', '_'."""
    stem = ascii_slug(text)[:_MAX_STEM].strip("-") or fallback
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"{stem}_"
    return stem


def number_stem(number: int | None, symbol: str) -> str:
    """'451-SCT-VP' for a numbered letter; 'SCT-VP-chua-so' when the number is left blank."""
    return safe_stem(f"{number:02d}-{symbol}" if number is not None else f"{symbol}-chua-so")


def letter_stem(letter: Numbered) -> str:
    return number_stem(letter.number, letter.symbol)


def unique_name(stem: str, suffix: str, taken: set[str]) -> str:
    """`stem + suffix`, else `stem-2 + suffix`, `stem-3` ...: the first not in `taken`, which
    holds case-folded names and gets this one. Case-blind: on Windows and macOS `A.pdf` and
    `a.pdf` are the same file."""
    name, n = f"{stem}{suffix}", 2
    while name.casefold() in taken:
        name, n = f"{stem}-{n}{suffix}", n + 1
    taken.add(name.casefold())
    return name
