"""Vietnamese formatting of dates, document numbers, amounts and times for ND30 letters."""

from __future__ import annotations

import datetime
import decimal
import math
import re
import unicodedata
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import format_decimal

from ..i18n import _
from .metrics import text_width_twips

__all__ = [
    "amount_in_words",
    "format_date_line",
    "format_doc_number",
    "format_long_date",
    "format_number",
    "format_number_reference",
    "format_short_date",
    "format_symbol",
    "iso_vn_time",
    "money_in_words",
    "ordinal_words",
    "roman",
]

# Điều 15.3: when the document system fills in the number/date after signing, the
# letter keeps blanks in their place, wide enough for what the văn thư's stamp writes into them
# in Times New Roman 13 pt (Phụ lục I II.3, II.4): a number of up to four digits, a day or month
# of two ("08", "12") with the spaces around it, a year; wfhdoc issue finds them again in the PDF.
_STAMP_PT = 13.0


def _blank(sample: str, spaces: int) -> str:
    """Spaces as wide as `sample` in TNR 13 pt, and `spaces` more (the ones the filled line has
    around it, and room to spare)."""
    space = text_width_twips(" ", _STAMP_PT)
    return " " * (math.ceil(text_width_twips(sample, _STAMP_PT) / space) + spaces)


NUMBER_BLANK = _blank("0000", 1)  # "Số: 451/..." : the number, right against its "/"
DAY_BLANK = _blank("08", 3)  # "ngày 08 tháng": the day and a space each side, and one more
MONTH_BLANK = DAY_BLANK  # "tháng 12 năm"
YEAR_BLANK = _blank("2020", 2)  # "năm 2020" at the line's end
SHORT_DATE_BLANK = _blank("08/12/2020", 1)  # the phụ lục's "(Kèm theo ... ngày 08/4/2020 ...)"
_BLANK = NUMBER_BLANK

# A "plain decimal" string: optional sign, ASCII digits, optional fraction. re.ASCII
# keeps \d from accepting other scripts' digits; no exponents, NaN, grouping or
# Vietnamese comma decimals, because "1.234" would be ambiguous between the two.
_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

_LINH_CHOICES = ("linh", "lẻ")
_THOUSAND_CHOICES = ("nghìn", "ngàn")
_FOUR_CHOICES = ("tư", "bốn")

_BILLION = 10**9

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


# --------------------------------------------------------------------------- dates


def _month_text(month: int) -> str:
    # ND30 App. I, II.4.b pads "tháng 1, 2" only (so "tháng 01" can't be misread as
    # "tháng 10"/"11"/"12" after a hand edit); other months stay unpadded.
    return f"{month:02d}" if month < 3 else str(month)


def _check_date(d: object) -> datetime.date:
    # datetime is a date subclass: accepted, only its calendar date is used.
    if not isinstance(d, datetime.date):
        raise ValueError(_("expected a datetime.date or None, got {kind}").format(kind=type(d).__name__))
    return d


def format_date_line(place: str, d: datetime.date | None) -> str:
    """ND30 ô 4: ``"Quảng Trị, ngày 08 tháng 4 năm 2020"``; blanks when ``d`` is None."""
    if not isinstance(place, str):
        raise ValueError(_("place must be a str, got {kind}").format(kind=type(place).__name__))
    # NFC because TCVN 6909 (required by ND30) is the precomposed repertoire.
    place = unicodedata.normalize("NFC", place).strip()
    if not place:
        raise ValueError(_("place must not be empty"))
    return f"{place}, {format_long_date(d)}"


def format_long_date(d: datetime.date | None) -> str:
    """The date in words of ô 4 and of a phụ lục's "(Kèm theo <tên loại> ...)" line (Mẫu 2.1):
    ``"ngày 08 tháng 4 năm 2020"``; blanks when ``d`` is None."""
    if d is None:
        return f"ngày{DAY_BLANK}tháng{MONTH_BLANK}năm{YEAR_BLANK}"
    d = _check_date(d)
    return f"ngày {d.day:02d} tháng {_month_text(d.month)} năm {d.year:04d}"


def format_short_date(d: datetime.date | None) -> str:
    """Numeric date with the ND30 padding rule: ``"08/4/2020"``, ``"05/01/2021"``."""
    if d is None:
        return SHORT_DATE_BLANK
    d = _check_date(d)
    return f"{d.day:02d}/{_month_text(d.month)}/{d.year:04d}"


# ------------------------------------------------------------- number and symbol


def _check_int(n: object, what: str) -> int:
    # bool is an int subclass, but True as a document number is always a caller bug.
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(_("{what} must be an int, got {kind}").format(what=what, kind=type(n).__name__))
    return n


def format_doc_number(n: int | None) -> str:
    """ND30 "Số": two digits minimum (App. I, II.3.c): ``5 -> "05"``; None -> blank."""
    if n is None:
        return _BLANK
    n = _check_int(n, "document number")
    if n < 1:
        raise ValueError(_("document number must be >= 1, got {n}").format(n=n))
    return f"{n:02d}"


def format_symbol(*parts: str) -> str:
    """Ký hiệu: parts joined by "-" with no spaces: ``("SCT", "VP") -> "SCT-VP"``."""
    if not parts:
        raise ValueError(_("a document symbol needs at least one part"))
    cleaned: list[str] = []
    for part in parts:
        if not isinstance(part, str):
            raise ValueError(_("symbol parts must be str, got {kind}").format(kind=type(part).__name__))
        part = unicodedata.normalize("NFC", part).strip()
        if not part:
            raise ValueError(_("symbol parts must not be empty"))
        # "/" separates number from symbol, and a space would let the line wrap
        # inside the symbol. A part may carry its own "-" ("QĐ-UBND") but not an
        # empty segment, which would print as "SCT--VP" or "-VP".
        if any(ch.isspace() for ch in part) or "/" in part:
            raise ValueError(
                _("symbol part {part} must not contain whitespace or '/'").format(part=repr(part))
            )
        if "" in part.split("-"):
            raise ValueError(_("symbol part {part} has an empty '-' segment").format(part=repr(part)))
        cleaned.append(part)
    return "-".join(cleaned)


def format_number_reference(n: int | None, symbol: str) -> str:
    """``"451/SCT-VP"``, ``"05/UBND-VX"``; with ``n`` None: ``"      /SCT-VP"``."""
    if not isinstance(symbol, str):
        raise ValueError(_("symbol must be a str, got {kind}").format(kind=type(symbol).__name__))
    # Re-validate through format_symbol so "SCT--VP", "-VP" or "SCT VP" are refused.
    return f"{format_doc_number(n)}/{format_symbol(*symbol.strip().split('-'))}"


# ------------------------------------------------------------------ numerics


def _parse_plain_decimal(s: str) -> Decimal:
    text = s.strip()
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise ValueError(_("not a plain decimal number (like '1234.5'): {s}").format(s=repr(s)))
    return Decimal(text)


def _to_decimal(x: object, *, allow_float: bool) -> Decimal:
    """Exact Decimal for ``x``; ValueError for bool, NaN, infinities and other types."""
    if isinstance(x, bool):
        raise ValueError(_("a bool is not a number here"))
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, float):
        if not allow_float:
            raise ValueError(
                _(
                    "float input is refused because it may already have lost digits; "
                    "pass a decimal.Decimal or a str such as '1234.5'"
                )
            )
        if not math.isfinite(x):
            raise ValueError(_("number must be finite, got {x}").format(x=repr(x)))
        # repr is the shortest string that round-trips, so 0.1 stays 0.1 rather than
        # 0.1000000000000000055511151231257827…
        return Decimal(repr(x))
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise ValueError(_("number must be finite, got {x}").format(x=repr(x)))
        return x
    if isinstance(x, str):
        return _parse_plain_decimal(x)
    raise ValueError(_("expected a number, got {kind}").format(kind=type(x).__name__))


def _precision_for(value: Decimal, extra: int = 0) -> int:
    # Decimal's default 28-digit context makes quantize() fail (InvalidOperation) on
    # long values, in our code and inside babel; give it room for every digit.
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite values only reach here
    # babel quantizes once more than we do; a generous margin costs nothing
    return max(28, len(digits) + abs(exponent) + extra + 10)


def format_number(x: int | Decimal | float | str, decimals: int | None = None) -> str:
    """Grouped Vietnamese number: ``1234567.5 -> "1.234.567,5"``; never rounds unless
    ``decimals`` is given (then exactly that many fraction digits, half-up). A Decimal keeps
    the fraction digits it was written with: ``Decimal("87.0") -> "87,0"``, so a column of
    rates typed to one decimal prints to one decimal."""
    value = _to_decimal(x, allow_float=True)
    if decimals is None and isinstance(x, (Decimal, str)):
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            decimals = -exponent
    if decimals is not None:
        decimals = _check_int(decimals, "decimals")
        if decimals < 0:
            raise ValueError(_("decimals must be >= 0, got {decimals}").format(decimals=decimals))
    with decimal.localcontext() as ctx:
        ctx.prec = _precision_for(value, decimals or 0)
        if decimals is not None:
            # Half-up is what people expect on paper; babel itself rounds half-even
            # (2.5 -> "2"), so round here and let babel only pad/group.
            value = value.quantize(Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_HALF_UP)
        if value == 0:
            # No "-0" on paper, whether from Decimal("-0"), -0.0 or -0.4 rounded.
            value = abs(value)
        if decimals is None:
            return format_decimal(value, locale="vi", decimal_quantization=False)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale="vi")


# ------------------------------------------------------------- amounts in words


def _read_group(g: int, full: bool, linh: str, four: str) -> list[str]:
    """Words for 1 <= g <= 999. ``full`` reads zero hundreds ("không trăm") and "linh",
    as every group after the leading one must be read."""
    hundreds, rest = divmod(g, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
        if tens == 0 and units:
            # After "linh" the digit keeps its plain name: "linh năm", "linh một", "linh bốn".
            return [*words, linh, _DIGITS[units]]
    if tens == 0:
        if units:
            words.append(_DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")  # "mười" only for 10-19, "mươi" for the other tens
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1:
        # "mốt" only after "mươi": 21 "hai mươi mốt", but 11 "mười một".
        words.append("mốt" if tens >= 2 else "một")
    elif units == 4:
        # "tư" only after "mươi": 24 may be "hai mươi tư", but 14 is always "mười bốn".
        # Callers pass four="bốn" for every group but the last (see _read_below_billion).
        words.append(four if tens >= 2 else "bốn")
    elif units == 5:
        words.append("lăm")  # "lăm" after any tens digit: 15 "mười lăm", 25 "hai mươi lăm"
    elif units:
        words.append(_DIGITS[units])
    return words


def _read_below_billion(n: int, full: bool, linh: str, thousand: str, four: str) -> list[str]:
    words: list[str] = []
    started = full
    for g, unit in (((n // 10**6) % 1000, "triệu"), ((n // 1000) % 1000, thousand), (n % 1000, "")):
        # A whole zero group is dropped ("một triệu không trăm linh năm", not
        # "... không nghìn ..."), the convention of the "bằng chữ" line.
        if g == 0:
            continue
        # "tư" is used only at the very end of the number ("... hai mươi tư"); before a
        # unit word the plain "bốn" stays ("ba mươi bốn nghìn", "hai mươi bốn tỷ").
        words += _read_group(g, started, linh, four if not unit else "bốn")
        if unit:
            words.append(unit)
        started = True
    return words


def _read_int(n: int, full: bool, linh: str, thousand: str, four: str) -> list[str]:
    # Vietnamese has no unit above "tỷ" (10^9): larger numbers are read as a count of
    # tỷ, so 10^12 "một nghìn tỷ", 10^15 "một triệu tỷ", 10^18 "một tỷ tỷ".
    if n < _BILLION:
        return _read_below_billion(n, full, linh, thousand, four)
    q, r = divmod(n, _BILLION)
    words = [*_read_int(q, full, linh, thousand, "bốn"), "tỷ"]
    if r:
        words += _read_below_billion(r, True, linh, thousand, four)
    return words


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise ValueError(_("{name} must be a str, got {kind}").format(name=name, kind=type(value).__name__))
    value = unicodedata.normalize("NFC", value)
    if value not in choices:
        raise ValueError(
            _("{name} must be one of {choices}, got {value}").format(
                name=name, choices=", ".join(map(repr, choices)), value=repr(value)
            )
        )
    return value


# Why not num2words: its Vietnamese module (0.5.14) formats every input with '%.2f', so
# it goes through a float and keeps two decimals. It reads 1010 "một nghìn lẻ mười",
# 2020 "hai nghìn lẻ hai mươi", 1005000 "một triệu năm nghìn", 10^15 like 10^14, and
# 10^18 in English; 12.5 becomes "... phẩy năm mươi", 1.05 "một phẩy năm", 0.001
# "không"; -5 gives "mười lăm" (negative indexing) and -21 crashes; big ints lose digits.
# It also has no linh/lẻ, nghìn/ngàn or tư/bốn options. See docs/vietnamese-text.md §1.
def amount_in_words(
    n: int | Decimal | str,
    *,
    linh: str = "linh",
    thousand: str = "nghìn",
    four: str = "tư",
) -> str:
    """Vietnamese reading of ``n``, exact for any int/Decimal: 1005 -> "một nghìn không
    trăm linh năm", Decimal("12.5") -> "mười hai phẩy năm", -5 -> "âm năm".

    ``four`` applies to a final x4 with tens >= 2 only (24 "hai mươi tư", but 24000
    "hai mươi bốn nghìn"); zero groups are dropped; floats are refused.
    """
    linh = _check_choice("linh", linh, _LINH_CHOICES)
    thousand = _check_choice("thousand", thousand, _THOUSAND_CHOICES)
    four = _check_choice("four", four, _FOUR_CHOICES)
    value = _to_decimal(n, allow_float=False)

    # Work on the exact digit string: format "f" expands exponents (Decimal("1E+3")
    # -> "1000") and never rounds; copy_abs, unlike abs(), ignores the 28-digit context.
    text = format(value.copy_abs(), "f")
    int_text, _, frac_text = text.partition(".")
    # Trailing zeros add nothing to the value: "12.50" reads like "12.5".
    frac_text = frac_text.rstrip("0")
    whole = int(int_text)

    words = _read_int(whole, False, linh, thousand, four) if whole else [_DIGITS[0]]
    if frac_text:
        # The fraction is read digit by digit (plain digit names, so no "tư"/"lăm"):
        # 1.05 "một phẩy không năm", never "một phẩy năm".
        words += ["phẩy", *(_DIGITS[int(ch)] for ch in frac_text)]
    # value < 0 is False for Decimal("-0"), so negative zero reads as plain "không".
    if value < 0:
        words.insert(0, "âm")
    return " ".join(words)


def money_in_words(n: int | Decimal | str) -> str:
    """Amount in đồng for the "bằng chữ" line: ``1500000 -> "Một triệu năm trăm nghìn đồng"``."""
    value = _to_decimal(n, allow_float=False)
    # Decimal("1500000.00") is still a whole amount; only a real fraction is refused.
    if value != value.to_integral_value():
        raise ValueError(_("VND has no minor unit, got fractional amount {value}").format(value=value))
    words = amount_in_words(value)
    return words[0].upper() + words[1:] + " đồng"


def ordinal_words(n: int) -> str:
    """``1 -> "thứ nhất"``, ``4 -> "thứ tư"``, then "thứ" + cardinal (``14 -> "thứ mười bốn"``)."""
    n = _check_int(n, "ordinal")
    if n < 1:
        raise ValueError(_("ordinal must be >= 1, got {n}").format(n=n))
    # Only 1 and 4 differ from the cardinal ("thứ nhất", "thứ tư", never "thứ một"/"thứ bốn").
    special = {1: "thứ nhất", 4: "thứ tư"}
    return special.get(n) or f"thứ {amount_in_words(n)}"


def roman(n: int) -> str:
    """Roman numeral for 1..3999 (ND30 numbers "Phần"/"Chương" with these)."""
    n = _check_int(n, "roman numeral")
    if not 1 <= n <= 3999:
        raise ValueError(_("roman numerals cover 1..3999, got {n}").format(n=n))
    out: list[str] = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


# ---------------------------------------------------------------------- time


def _vietnam_tz() -> datetime.tzinfo:
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except (ZoneInfoNotFoundError, ValueError):
        # No tzdata (e.g. a slim Windows install): Vietnam has had no DST and a fixed
        # +07:00 since 1975, so a fixed offset is right for any signing time.
        return datetime.timezone(datetime.timedelta(hours=7), "ICT")


def iso_vn_time(dt: datetime.datetime) -> str:
    """ISO 8601 signing time in Vietnam, seconds precision: ``"2020-04-08T16:30:00+07:00"``.

    Naive datetimes are taken as Vietnam time; aware ones are converted.
    """
    if not isinstance(dt, datetime.datetime):
        raise ValueError(_("expected a datetime.datetime, got {kind}").format(kind=type(dt).__name__))
    tz = _vietnam_tz()
    local = dt.replace(tzinfo=tz) if dt.tzinfo is None else dt.astimezone(tz)
    # Babel's "z" patterns print zone names, not "+07:00"; isoformat gives the offset.
    return local.isoformat(timespec="seconds")
