"""The register's number series (ND 30, Điều 15.1: each kind of document numbered from 01 each
year, on its own): a công văn's series is its agency's abbreviation ("SCT"), as registers have
always keyed on; any other kind's is the kind's abbreviation and the agency's ("QĐ-UBND"), as
`Letter.series` gives it. A ký hiệu read from a PDF names its series the same way: "SCT-VP" is
of the series SCT, "QĐ-UBND" (or "QĐ-UBND-VP") of the series QĐ-UBND."""

from __future__ import annotations

import unicodedata

from .types import TYPES

# A bản sao's ký hiệu opens with its hình thức sao (Phụ lục III, Mục I: SY sao y, TrS trích
# sao, SL sao lục), and its number is one of the copying agency's copies, counted together
# whatever the hình thức (Phụ lục I, Phần II): the series "SAO-VP" of the copies of VP.
COPY_FORMS = frozenset({"SY", "TrS", "SL"})
COPIES = "SAO"

# ND 30 Phụ lục III: the abbreviations of the kinds of document that open a ký hiệu, those
# wfhdoc makes (letter.types) and the others of the list (HĐ hợp đồng, BGN biên bản giao nhận …),
# and the copies' series
KINDS = frozenset(
    {t.abbreviation for t in TYPES.values() if t.abbreviation} | {"HĐ", "BGN", "BTT", "GXN", "TT", COPIES}
)


def _parts(symbol: str) -> list[str]:
    return [p for p in unicodedata.normalize("NFC", symbol).strip().split("-") if p]


def series_of(symbol: str) -> str:
    """The series a ký hiệu is numbered in: SCT-VP -> SCT, QĐ-UBND -> QĐ-UBND, and a copy's
    SY-VP (or TrS-VP, SL-VP) -> SAO-VP."""
    parts = _parts(symbol)
    if len(parts) >= 2 and parts[0] in COPY_FORMS:
        return copy_series(parts[1])
    if len(parts) >= 2 and parts[0] in KINDS:
        return f"{parts[0]}-{parts[1]}"
    return parts[0] if parts else unicodedata.normalize("NFC", symbol).strip()


def kind_of(series: str) -> str:
    """The kind's abbreviation a series is of ("QĐ"), "" for a công văn's."""
    parts = _parts(series)
    return parts[0] if len(parts) >= 2 and parts[0] in KINDS else ""


def agency_of(series: str) -> str:
    """The agency whose series it is: QĐ-UBND -> UBND, SCT -> SCT."""
    parts = _parts(series)
    return parts[1] if kind_of(series) else series


def copy_series(agency: str) -> str:
    """The series of the copies an agency makes (its sao y, trích sao and sao lục): SAO-VP."""
    return f"{COPIES}-{agency}"


def series_for(agency: str, type_id: str) -> str:
    """The series of a kind of document (the data's `type`) of an agency, as Letter.series has
    it; KeyError for a type that is not one."""
    abbreviation = TYPES[type_id].abbreviation
    return f"{abbreviation}-{agency}" if abbreviation else agency


def old_series(agency: str, symbol: str) -> str | None:
    """The series a row of a register made before series were kept per kind belongs to, when
    it is not the one it was kept in: a quyết định QĐ-UBND numbered in the agency's sequence
    UBND. None when the row is where it belongs (a công văn, or a sequence chosen by hand)."""
    series = series_of(symbol)
    if series != agency and kind_of(series) and agency_of(series) == agency:
        return series
    return None
