"""What the routes share to read a request and answer with a file: forms parsed within the app's
limits, the uploads of a form, attachments, JSON that keeps a letter's decimals as numbers."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from wfh_docs.errors import WfhDocError
from wfh_docs.i18n import _

if TYPE_CHECKING:
    from wfh_docs.web.state import App

MAX_FIELD_BYTES = 8 << 20  # the letter as JSON in a form field
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def app_of(request: Request) -> App:
    """The app's state, which create_app hangs on the Starlette application."""
    state: App = request.app.state.wfhdoc
    return state


async def read_form(request: Request) -> FormData:
    """The request's form, parsed within the app's limits; a limit passed is a user's error."""
    config = app_of(request).config
    try:
        return await request.form(max_files=config.max_files, max_fields=200, max_part_size=MAX_FIELD_BYTES)
    except HTTPException as exc:  # the multipart parser's own limits and faults
        if "files" in str(exc.detail).lower():
            raise WfhDocError(_("Too many files at once: at most {n}.").format(n=config.max_files)) from None
        raise WfhDocError(_("The form could not be read ({reason}).").format(reason=exc.detail)) from None


def uploads(form: FormData, name: str) -> list[UploadFile]:
    return [v for v in form.getlist(name) if isinstance(v, UploadFile) and (v.filename or v.size)]


def attachment(data: bytes, name: str, media: str) -> Response:
    """A download; `name` is one the app made (ASCII, safe_stem), never the client's."""
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


class DataResponse(JSONResponse):
    """JSON with a letter's decimals as numbers."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=json_default).encode("utf-8")
