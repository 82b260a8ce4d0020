"""Tests for wfh_docs.letter.vn (vectors from docs/vietnamese-text.md, sections 1 and 2)."""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

import pytest

from wfh_docs.letter import vn

UTC = datetime.timezone.utc
# The blanks left for the document system (Điều 15.3), as wide as what the văn thư's stamp writes
# into them in Times New Roman 13 pt: a number of four digits, a day or month of two with their
# spaces, a year, the phụ lục's short date.
NUMBER_BLANK = " " * 9
DAY_BLANK = " " * 7
YEAR_BLANK = " " * 10
SHORT_DATE_BLANK = " " * 20


# --------------------------------------------------------------------- dates

# Every month: only 1 and 2 are zero-padded (ND30 App. I, II.4.b).
MONTH_TEXT = {1: "01", 2: "02", **{m: str(m) for m in range(3, 13)}}


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize(("day", "day_text"), [(1, "01"), (9, "09"), (10, "10"), (31, "31")])
def test_date_line_every_month(month: int, day: int, day_text: str) -> None:
    if day == 31 and month in (2, 4, 6, 9, 11):
        day = 28 if month == 2 else 30
        day_text = str(day)
    d = datetime.date(2020, month, day)
    expected = f"Hà Nội, ngày {day_text} tháng {MONTH_TEXT[month]} năm 2020"
    assert vn.format_date_line("Hà Nội", d) == expected


@pytest.mark.parametrize(
    ("place", "d", "expected"),
    [
        ("Quảng Trị", datetime.date(2020, 4, 8), "Quảng Trị, ngày 08 tháng 4 năm 2020"),
        ("Hà Nội", datetime.date(2020, 1, 5), "Hà Nội, ngày 05 tháng 01 năm 2020"),
        ("Hà Nội", datetime.date(2019, 6, 29), "Hà Nội, ngày 29 tháng 6 năm 2019"),
        ("Hà Nội", datetime.date(2021, 2, 28), "Hà Nội, ngày 28 tháng 02 năm 2021"),
        ("Hà Nội", datetime.date(2020, 12, 31), "Hà Nội, ngày 31 tháng 12 năm 2020"),
        ("Hà Nội", datetime.date(2020, 10, 10), "Hà Nội, ngày 10 tháng 10 năm 2020"),
        ("  Huế  ", datetime.date(2020, 3, 1), "Huế, ngày 01 tháng 3 năm 2020"),
        ("Hà Nội", datetime.date(999, 3, 1), "Hà Nội, ngày 01 tháng 3 năm 0999"),
        # A datetime is a date: only the calendar date is used.
        ("Hà Nội", datetime.datetime(2020, 4, 8, 23, 59), "Hà Nội, ngày 08 tháng 4 năm 2020"),
        ("Quảng Trị", None, "Quảng Trị, ngày" + DAY_BLANK + "tháng" + DAY_BLANK + "năm" + YEAR_BLANK),
    ],
)
def test_date_line(place: str, d: datetime.date | None, expected: str) -> None:
    assert vn.format_date_line(place, d) == expected


def test_the_blanks_hold_what_the_stamps_write() -> None:
    from wfh_docs.letter.metrics import text_width_twips

    def room(blank: str, filled: str) -> bool:
        return text_width_twips(blank, 13.0) >= text_width_twips(filled, 13.0)

    line = vn.format_date_line("Quảng Trị", None)
    assert line == "Quảng Trị, ngày" + DAY_BLANK + "tháng" + DAY_BLANK + "năm" + YEAR_BLANK
    assert room(DAY_BLANK, " 28 ") and room(YEAR_BLANK, " 2020")
    assert room(NUMBER_BLANK, "4518") and room(SHORT_DATE_BLANK, "28/12/2020")
    assert vn.format_doc_number(None) == NUMBER_BLANK


def test_date_line_normalises_place_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Quảng Trị")
    line = vn.format_date_line(nfd, datetime.date(2020, 4, 8))
    assert line == "Quảng Trị, ngày 08 tháng 4 năm 2020"
    assert unicodedata.is_normalized("NFC", line)


@pytest.mark.parametrize(
    ("place", "d"),
    [
        ("", datetime.date(2020, 4, 8)),
        ("   ", None),
        (None, datetime.date(2020, 4, 8)),
        (123, None),
        ("Hà Nội", "2020-04-08"),
        ("Hà Nội", 20200408),
    ],
)
def test_date_line_invalid(place: Any, d: Any) -> None:
    with pytest.raises(ValueError):
        vn.format_date_line(place, d)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (datetime.date(2020, 4, 8), "08/4/2020"),
        (datetime.date(2021, 1, 5), "05/01/2021"),
        (datetime.date(2020, 12, 31), "31/12/2020"),
        (datetime.date(2020, 2, 1), "01/02/2020"),
        (datetime.date(2020, 3, 9), "09/3/2020"),
        (datetime.date(2020, 10, 10), "10/10/2020"),
        (None, SHORT_DATE_BLANK),
    ],
)
def test_short_date(d: datetime.date | None, expected: str) -> None:
    assert vn.format_short_date(d) == expected


@pytest.mark.parametrize("d", ["08/4/2020", 0, 1.5])
def test_short_date_invalid(d: Any) -> None:
    with pytest.raises(ValueError):
        vn.format_short_date(d)


# ---------------------------------------------------- document number and symbol


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "01"), (5, "05"), (9, "09"), (10, "10"), (99, "99"), (451, "451"), (12345, "12345")],
)
def test_doc_number(n: int, expected: str) -> None:
    assert vn.format_doc_number(n) == expected


def test_doc_number_blank() -> None:
    assert vn.format_doc_number(None) == NUMBER_BLANK


@pytest.mark.parametrize("n", [0, -1, True, False, 5.0, "5", Decimal(5)])
def test_doc_number_invalid(n: Any) -> None:
    with pytest.raises(ValueError):
        vn.format_doc_number(n)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("SCT", "VP"), "SCT-VP"),
        (("UBND", "VX"), "UBND-VX"),
        (("BNV",), "BNV"),
        ((" SCT ", "\tVP\n"), "SCT-VP"),
        (("QĐ", "UBND"), "QĐ-UBND"),
        (("QĐ-UBND",), "QĐ-UBND"),
        (("sct", "Vp"), "sct-Vp"),  # case is the caller's business
    ],
)
def test_symbol(parts: tuple[str, ...], expected: str) -> None:
    assert vn.format_symbol(*parts) == expected


@pytest.mark.parametrize(
    "parts",
    [
        (),
        ("",),
        ("SCT", ""),
        ("SCT", "   "),
        ("S CT", "VP"),
        ("SCT", "V\u00a0P"),
        ("SCT/VP",),
        ("SCT", "/VP"),
        ("SCT-", "VP"),
        ("-SCT",),
        ("SCT--VP",),
        ("SCT", None),
        (5,),
    ],
)
def test_symbol_invalid(parts: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError):
        vn.format_symbol(*parts)


@pytest.mark.parametrize(
    ("n", "symbol", "expected"),
    [
        (451, "SCT-VP", "451/SCT-VP"),
        (5, "UBND-VX", "05/UBND-VX"),
        (5, "BNV-VP", "05/BNV-VP"),
        (12, "QĐ-UBND", "12/QĐ-UBND"),
        (None, "SCT-VP", NUMBER_BLANK + "/SCT-VP"),
    ],
)
def test_number_reference(n: int | None, symbol: str, expected: str) -> None:
    assert vn.format_number_reference(n, symbol) == expected


@pytest.mark.parametrize(
    ("n", "symbol"),
    [
        (0, "SCT-VP"),
        (True, "SCT-VP"),
        (5, ""),
        (5, "SCT VP"),
        (5, "SCT/VP"),
        (5, "SCT--VP"),
        (5, "-VP"),
        (5, None),
    ],
)
def test_number_reference_invalid(n: Any, symbol: Any) -> None:
    with pytest.raises(ValueError):
        vn.format_number_reference(n, symbol)


# -------------------------------------------------------------- format_number


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0, "0"),
        (5, "5"),
        (999, "999"),
        (1000, "1.000"),
        (1234567, "1.234.567"),
        (-1234, "-1.234"),
        (1500000, "1.500.000"),
        (Decimal("1234567.5"), "1.234.567,5"),
        (Decimal("1234.5678"), "1.234,5678"),  # babel's default would round to ",568"
        (Decimal("1234567.891"), "1.234.567,891"),
        (Decimal("12.50"), "12,50"),  # the written precision is kept
        (Decimal("87.0"), "87,0"),
        ("1234.50", "1.234,50"),
        (Decimal("-0"), "0"),
        (Decimal("1E+3"), "1.000"),
        (Decimal("1E-7"), "0,0000001"),
        (
            Decimal("123456789012345678901234567890.123456789"),
            "123.456.789.012.345.678.901.234.567.890,123456789",
        ),
        (2**53 + 1, "9.007.199.254.740.993"),
        (0.1, "0,1"),
        (1234.5678, "1.234,5678"),
        (-0.0, "0"),
        (1e20, "100.000.000.000.000.000.000"),
        ("1234.5", "1.234,5"),
        ("-1234", "-1.234"),
        ("+1234567", "1.234.567"),
        (" 42 ", "42"),
    ],
)
def test_format_number(x: Any, expected: str) -> None:
    assert vn.format_number(x) == expected


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (Decimal("2.5"), 0, "3"),  # half-up, where babel alone would give "2"
        (Decimal("3.5"), 0, "4"),
        (Decimal("-2.5"), 0, "-3"),
        (Decimal("-0.4"), 0, "0"),
        (Decimal("1.005"), 2, "1,01"),
        (1.005, 2, "1,01"),  # via repr: "1.005", not 1.00499999…
        (Decimal("1.5"), 3, "1,500"),
        (1234567, 2, "1.234.567,00"),
        (Decimal("0.125"), 2, "0,13"),
        (Decimal("1234.5678"), 1, "1.234,6"),
        ("1234.5", 0, "1.235"),
        (
            Decimal("123456789012345678901234567890.125"),
            2,
            "123.456.789.012.345.678.901.234.567.890,13",
        ),
    ],
)
def test_format_number_decimals(x: Any, decimals: int, expected: str) -> None:
    assert vn.format_number(x, decimals) == expected


@pytest.mark.parametrize(
    ("x", "decimals"),
    [
        (True, None),
        (False, None),
        (float("nan"), None),
        (float("inf"), None),
        (float("-inf"), None),
        (Decimal("NaN"), None),
        (Decimal("sNaN"), None),
        (Decimal("Infinity"), None),
        ("NaN", None),
        ("inf", None),
        ("1e5", None),
        ("1.234.567", None),
        ("1.234,5", None),
        ("1,5", None),
        ("", None),
        ("abc", None),
        ("١٢٣", None),  # non-ASCII digits
        (None, None),
        ([1], None),
        (5, -1),
        (5, True),
        (5, 1.0),
    ],
)
def test_format_number_invalid(x: Any, decimals: Any) -> None:
    with pytest.raises(ValueError):
        vn.format_number(x, decimals)


# ------------------------------------------------------------ amount_in_words

AMOUNT_VECTORS: list[tuple[int | Decimal | str, str]] = [
    # The doc's test vectors.
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (2020, "hai nghìn không trăm hai mươi"),
    (1005000, "một triệu không trăm linh năm nghìn"),
    (523056, "năm trăm hai mươi ba nghìn không trăm năm mươi sáu"),
    (145001000, "một trăm bốn mươi lăm triệu không trăm linh một nghìn"),
    (10**15, "một triệu tỷ"),
    (10**18, "một tỷ tỷ"),
    (24, "hai mươi tư"),
    (-5, "âm năm"),
    (Decimal("12.5"), "mười hai phẩy năm"),
    (Decimal("1.05"), "một phẩy không năm"),
    (Decimal("0.001"), "không phẩy không không một"),
    # Small numbers and the mười/mươi, mốt, lăm, tư rules.
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (21, "hai mươi mốt"),
    (25, "hai mươi lăm"),
    (31, "ba mươi mốt"),
    (40, "bốn mươi"),
    (44, "bốn mươi tư"),
    (55, "năm mươi lăm"),
    (94, "chín mươi tư"),
    (24_000, "hai mươi bốn nghìn"),  # "tư" only at the very end of the number
    (24_024, "hai mươi bốn nghìn không trăm hai mươi tư"),
    (24 * 10**9, "hai mươi bốn tỷ"),
    (Decimal("24.4"), "hai mươi tư phẩy bốn"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (114, "một trăm mười bốn"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),
    (1015, "một nghìn không trăm mười lăm"),
    (2021, "hai nghìn không trăm hai mươi mốt"),
    (2024, "hai nghìn không trăm hai mươi tư"),
    (10500, "mười nghìn năm trăm"),
    (105000, "một trăm linh năm nghìn"),
    (1000000, "một triệu"),
    (1000005, "một triệu không trăm linh năm"),
    (1050000, "một triệu không trăm năm mươi nghìn"),
    (1234567, "một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi bảy"),
    (1_000_000_000, "một tỷ"),
    (1_000_000_005, "một tỷ không trăm linh năm"),
    (10**12, "một nghìn tỷ"),
    (10**14, "một trăm nghìn tỷ"),
    (10**16, "mười triệu tỷ"),
    (10**21, "một nghìn tỷ tỷ"),
    (2 * 10**18, "hai tỷ tỷ"),
    (2 * 10**21, "hai nghìn tỷ tỷ"),
    (10**18 + 5, "một tỷ tỷ không trăm linh năm"),
    (1001 * 10**9, "một nghìn không trăm linh một tỷ"),
    (
        123456789012345678,
        "một trăm hai mươi ba triệu bốn trăm năm mươi sáu nghìn bảy trăm tám mươi chín tỷ "
        "không trăm mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám",
    ),
    (
        2**53 + 1,
        "chín triệu không trăm linh bảy nghìn một trăm chín mươi chín tỷ "
        "hai trăm năm mươi bốn triệu bảy trăm bốn mươi nghìn chín trăm chín mươi ba",
    ),
    # Negatives, decimals and strings.
    (-1, "âm một"),
    (-10, "âm mười"),
    (-21, "âm hai mươi mốt"),
    (-1000, "âm một nghìn"),
    (Decimal("-12.5"), "âm mười hai phẩy năm"),
    (Decimal("-0.5"), "âm không phẩy năm"),
    (Decimal("-0"), "không"),
    (Decimal("12.50"), "mười hai phẩy năm"),
    (Decimal("12.0"), "mười hai"),
    (Decimal("0.1"), "không phẩy một"),
    (Decimal("3.14"), "ba phẩy một bốn"),
    (Decimal("1.999"), "một phẩy chín chín chín"),
    (Decimal("0.00001"), "không phẩy không không không không một"),
    (Decimal("1E+3"), "một nghìn"),
    ("1234.5", "một nghìn hai trăm ba mươi tư phẩy năm"),
    ("-5", "âm năm"),
    (" 24 ", "hai mươi tư"),
]


@pytest.mark.parametrize(("n", "expected"), AMOUNT_VECTORS)
def test_amount_in_words(n: int | Decimal | str, expected: str) -> None:
    assert vn.amount_in_words(n) == expected


@pytest.mark.parametrize(
    ("n", "options", "expected"),
    [
        (105, {"linh": "lẻ"}, "một trăm lẻ năm"),
        (1005, {"linh": "lẻ"}, "một nghìn không trăm lẻ năm"),
        (1000, {"thousand": "ngàn"}, "một ngàn"),
        (1005000, {"thousand": "ngàn"}, "một triệu không trăm linh năm ngàn"),
        (24, {"four": "bốn"}, "hai mươi bốn"),
        (1024, {"four": "bốn"}, "một nghìn không trăm hai mươi bốn"),
        (14, {"four": "tư"}, "mười bốn"),
        (4, {"four": "tư"}, "bốn"),
        (
            1024,
            {"linh": "lẻ", "thousand": "ngàn", "four": "bốn"},
            "một ngàn không trăm hai mươi bốn",
        ),
        (105, {"linh": unicodedata.normalize("NFD", "lẻ")}, "một trăm lẻ năm"),
    ],
)
def test_amount_in_words_options(n: int, options: dict[str, str], expected: str) -> None:
    assert vn.amount_in_words(n, **options) == expected


def test_amount_in_words_exact_for_big_ints() -> None:
    # A float would turn …678 into …680 and 2**53+1 into 2**53.
    assert vn.amount_in_words(123456789012345678).endswith("sáu trăm bảy mươi tám")
    assert vn.amount_in_words(2**53 + 1).endswith("chín trăm chín mươi ba")
    assert vn.amount_in_words(2**53 + 1) != vn.amount_in_words(2**53)
    assert vn.amount_in_words(10**14) != vn.amount_in_words(10**15)


@pytest.mark.parametrize(
    "n",
    [
        12.5,
        1.0,
        float("nan"),
        True,
        False,
        None,
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        "12,5",
        "1.234.567",
        "1e3",
        "",
        "mười",
        [5],
    ],
)
def test_amount_in_words_invalid(n: Any) -> None:
    with pytest.raises(ValueError):
        vn.amount_in_words(n)


def test_amount_in_words_float_message_points_to_decimal() -> None:
    with pytest.raises(ValueError, match="Decimal"):
        vn.amount_in_words(12.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "options",
    [{"linh": "lẽ"}, {"linh": ""}, {"thousand": "ngan"}, {"four": "4"}, {"four": None}],
)
def test_amount_in_words_invalid_options(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        vn.amount_in_words(5, **options)


# ------------------------------------------------------------- money_in_words


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1500000, "Một triệu năm trăm nghìn đồng"),
        (0, "Không đồng"),
        (-5, "Âm năm đồng"),
        (1005000, "Một triệu không trăm linh năm nghìn đồng"),
        (Decimal("1500000"), "Một triệu năm trăm nghìn đồng"),
        (Decimal("1500000.00"), "Một triệu năm trăm nghìn đồng"),
        ("2020", "Hai nghìn không trăm hai mươi đồng"),
        (14, "Mười bốn đồng"),
    ],
)
def test_money_in_words(n: int | Decimal | str, expected: str) -> None:
    assert vn.money_in_words(n) == expected


@pytest.mark.parametrize(
    "n", [Decimal("1500000.5"), "12.5", Decimal("0.01"), 1500000.0, True, Decimal("NaN")]
)
def test_money_in_words_invalid(n: Any) -> None:
    with pytest.raises(ValueError):
        vn.money_in_words(n)


# ------------------------------------------------------------ ordinals, roman


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "thứ nhất"),
        (2, "thứ hai"),
        (3, "thứ ba"),
        (4, "thứ tư"),
        (5, "thứ năm"),
        (10, "thứ mười"),
        (11, "thứ mười một"),
        (14, "thứ mười bốn"),
        (21, "thứ hai mươi mốt"),
        (24, "thứ hai mươi tư"),
        (100, "thứ một trăm"),
    ],
)
def test_ordinal_words(n: int, expected: str) -> None:
    assert vn.ordinal_words(n) == expected


@pytest.mark.parametrize("n", [0, -1, True, 1.0, "1", Decimal(1)])
def test_ordinal_words_invalid(n: Any) -> None:
    with pytest.raises(ValueError):
        vn.ordinal_words(n)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "I"),
        (3, "III"),
        (4, "IV"),
        (9, "IX"),
        (14, "XIV"),
        (40, "XL"),
        (90, "XC"),
        (400, "CD"),
        (900, "CM"),
        (1994, "MCMXCIV"),
        (2020, "MMXX"),
        (3999, "MMMCMXCIX"),
    ],
)
def test_roman(n: int, expected: str) -> None:
    assert vn.roman(n) == expected


@pytest.mark.parametrize("n", [0, -1, 4000, True, 1.0, "4"])
def test_roman_invalid(n: Any) -> None:
    with pytest.raises(ValueError):
        vn.roman(n)


# ---------------------------------------------------------------------- time


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (datetime.datetime(2020, 4, 8, 9, 30, tzinfo=UTC), "2020-04-08T16:30:00+07:00"),
        (datetime.datetime(2020, 4, 8, 9, 30), "2020-04-08T09:30:00+07:00"),
        (datetime.datetime(2020, 4, 8, 9, 30, 15, 999999), "2020-04-08T09:30:15+07:00"),
        (datetime.datetime(2020, 12, 31, 20, 0, tzinfo=UTC), "2021-01-01T03:00:00+07:00"),
        (
            datetime.datetime(2020, 4, 8, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
            "2020-04-08T21:30:00+07:00",
        ),
        (
            datetime.datetime(2020, 7, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))),
            "2020-07-01T12:00:00+07:00",
        ),
    ],
)
def test_iso_vn_time(dt: datetime.datetime, expected: str) -> None:
    assert vn.iso_vn_time(dt) == expected


def test_iso_vn_time_without_tzdata(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(key: str) -> datetime.tzinfo:
        raise ZoneInfoNotFoundError(key)

    monkeypatch.setattr(vn, "ZoneInfo", missing)
    dt = datetime.datetime(2020, 4, 8, 9, 30, tzinfo=UTC)
    assert vn.iso_vn_time(dt) == "2020-04-08T16:30:00+07:00"
    assert vn.iso_vn_time(datetime.datetime(2020, 4, 8, 9, 30)) == "2020-04-08T09:30:00+07:00"


@pytest.mark.parametrize("dt", [datetime.date(2020, 4, 8), "2020-04-08T09:30:00", 0, None])
def test_iso_vn_time_invalid(dt: Any) -> None:
    with pytest.raises(ValueError):
        vn.iso_vn_time(dt)
