"""Sổ đăng ký: the register of outgoing numbers given with --register, filtered by year and
agency, and exported as .xlsx."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wfh_docs.batch.register import Entry, Register
from wfh_docs.files.naming import safe_stem
from wfh_docs.i18n import _
from wfh_docs.web.forms import XLSX, app_of, attachment
from wfh_docs.web.state import status_text


def routes() -> list[Route]:
    return [Route("/so-dang-ky", register_page), Route("/so-dang-ky.xlsx", register_xlsx)]


def _entries(request: Request) -> tuple[list[Entry], list[Entry], int | None, str]:
    path = app_of(request).config.register
    year_text = request.query_params.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() else None
    agency = request.query_params.get("agency", "").strip()
    if path is None or not path.is_file():
        return [], [], year, agency
    reg = Register(path, read_only=True)
    try:
        every = reg.entries()
        shown = reg.entries(agency=agency or None, year=year)
    finally:
        reg.close()
    return every, shown, year, agency


async def register_page(request: Request) -> Response:
    app = app_of(request)
    every, shown, year, agency = _entries(request)
    return app.page(
        request,
        "register.html",
        configured=app.config.register is not None,
        entries=shown,
        years=sorted({e.year for e in every}, reverse=True),
        agencies=sorted({e.agency for e in every}),
        year=year,
        agency=agency,
        query=request.url.query,
    )


async def register_xlsx(request: Request) -> Response:
    _every, shown, year, agency = _entries(request)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Register")
    heads = [_("Year"), _("Agency"), _("Number"), _("Symbol"), _("Date"), _("Subject"), _("Recipients")]
    ws.append([*heads, _("File"), _("Status"), "SHA-256"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for e in shown:
        ws.append(
            [
                e.year,
                e.agency,
                e.number,
                e.symbol,
                e.date or "",
                e.subject,
                e.recipient,
                e.output or "",
                status_text(e.status),
                e.sha256 or "",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    stem = safe_stem("-".join(["so-dang-ky", agency, str(year or "")]), "so-dang-ky")
    return attachment(buf.getvalue(), f"{stem}.xlsx", XLSX)
