"""Sổ đăng ký: the register of outgoing numbers given with --register, filtered by year, agency
and series (each kind of document of an agency is numbered on its own series, Điều 15.1: SCT
for its công văn, QĐ-SCT for its quyết định), and exported as .xlsx."""

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
from wfh_docs.letter.series import agency_of
from wfh_docs.web.forms import XLSX, app_of, attachment
from wfh_docs.web.state import status_text


def routes() -> list[Route]:
    return [Route("/so-dang-ky", register_page), Route("/so-dang-ky.xlsx", register_xlsx)]


class _Shown:
    """The entries the page shows, and the filters they were chosen by."""

    def __init__(self, request: Request) -> None:
        params = request.query_params
        year_text = params.get("year", "").strip()
        self.year = int(year_text) if year_text.isdigit() else None
        self.agency = params.get("agency", "").strip()
        self.series = params.get("series", "").strip()
        self.every: list[Entry] = []
        self.shown: list[Entry] = []
        path = app_of(request).config.register
        if path is None or not path.is_file():
            return
        reg = Register(path, read_only=True)
        try:
            self.every = reg.entries()
            self.shown = reg.entries(agency=self.agency, series=self.series, year=self.year)
        finally:
            reg.close()


async def register_page(request: Request) -> Response:
    app = app_of(request)
    shown = _Shown(request)
    return app.page(
        request,
        "register.html",
        configured=app.config.register is not None,
        entries=shown.shown,
        years=sorted({e.year for e in shown.every}, reverse=True),
        agencies=sorted({agency_of(e.series) for e in shown.every}),
        all_series=sorted({e.series for e in shown.every}),
        year=shown.year,
        agency=shown.agency,
        series=shown.series,
        query=request.url.query,
    )


async def register_xlsx(request: Request) -> Response:
    chosen = _Shown(request)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Register")
    heads = [_("Year"), _("Agency"), _("Number"), _("Symbol"), _("Series"), _("Date"), _("Subject")]
    ws.append([*heads, _("Recipients"), _("File"), _("Status"), "SHA-256"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for e in chosen.shown:
        ws.append(
            [
                e.year,
                agency_of(e.series),
                e.number,
                e.symbol,
                e.series,
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
    parts = ["so-dang-ky", chosen.agency, chosen.series, str(chosen.year or "")]
    stem = safe_stem("-".join(p for p in parts if p), "so-dang-ky")
    return attachment(buf.getvalue(), f"{stem}.xlsx", XLSX)
