"""A date as a clerk types it: '2020-04-08' or, day first as Vietnamese write it, '08/04/2020',
'8/4/2020', '08.04.2020', '08-04-2020'; told in the run's language when it is no real date."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from ..i18n import N_, _

# 08/04/2020, 8/4/2020, 08.04.2020, 08-04-2020: day first, as Vietnamese write it
DATE_VN = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

# Python's words for a date that does not exist, shown in the language of the run
DATE_ERRORS = (
    N_("day is out of range for month"),
    N_("month must be in 1..12"),
    N_("year 0 is out of range"),
)


def parse_date(value: Any) -> Any:
    """The date a value names (a date, or None, as it is); ValueError when it names none."""
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(_("write the date as text, '2020-04-08' or '08/04/2020'"))
    text = value.strip()
    m = DATE_ISO.match(text)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = DATE_VN.match(text)
        if not m:
            raise ValueError(
                _("'{value}' is not a date: write '08/04/2020' (or '2020-04-08')").format(value=value)
            )
        d, mo, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
    try:
        return dt.date(y, mo, d)
    except ValueError as exc:
        raise ValueError(
            _("'{value}' is not a real date ({error})").format(value=value, error=_(str(exc)))
        ) from None


def parse_number(value: Any) -> Any:
    """The số a value names, for the letter and for its copy alike: a whole number, or text of
    digits ("05"); ValueError for true/false and for text that is not digits only (the range is
    the field's own)."""
    if isinstance(value, bool):
        raise ValueError(_("the number is a whole number like 451, not true/false"))
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]+", value.strip()):
            raise ValueError(
                _("must be a whole number in the digits 0-9, not {value} (for example 451)").format(
                    value=json.dumps(value, ensure_ascii=False)
                )
            )
        return int(value.strip())
    return value
