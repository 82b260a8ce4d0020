"""Where the CLI and the browser app imported signing from before sign/ had its modules: the same
names, re-exported (use `wfh_docs.sign`); and the CLI's parser of a box, for the CLI to take."""

from __future__ import annotations

import re

from ..i18n import _
from .base import Level, Role, bad
from .signing import SignResult, sign_pdf
from .verify import SignatureReport, verify_pdf

__all__ = ["Level", "Role", "SignResult", "SignatureReport", "parse_box", "sign_pdf", "verify_pdf"]


def parse_box(text: str) -> tuple[float, float, float, float]:
    """ "x0,y0,x1,y1" (points; spaces or commas) into a box, for the CLI's --box."""
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4:
        raise bad("--box", "", _("{text} is not four numbers x0,y0,x1,y1 (points)").format(text=repr(text)))
    return values
