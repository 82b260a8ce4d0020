"""Ký số: sign the PDFs made in the app with the key given to `wfhdoc web --pkcs12` (as the
signer, the agency with its seal, or on a phụ lục); without a key the page says how."""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wfh_docs.errors import WfhDocError
from wfh_docs.files.naming import safe_stem
from wfh_docs.i18n import _
from wfh_docs.web.files import save_upload
from wfh_docs.web.forms import app_of, attachment, read_form, uploads
from wfh_docs.web.guard import protected


def routes() -> list[Route]:
    return [Route("/ky-so", sign_page), Route("/ky-so", protected(sign), methods=["POST"])]


async def sign_page(request: Request) -> Response:
    app = app_of(request)
    return app.page(request, "sign.html", made=list(app.made.items()), done="")


async def sign(request: Request) -> Response:
    from wfh_docs.sign import Role, sign_pdf  # pyHanko is loaded only when signing
    from wfh_docs.sign.base import ROLES
    from wfh_docs.sign.requests import COPY_FORMS

    app = app_of(request)
    if app.config.pkcs12 is None:
        raise HTTPException(404)
    form = await read_form(request)
    key = form.get("pdf")
    found = app.made.get(key) if isinstance(key, str) else None
    if found is None:
        raise WfhDocError(_("Choose a PDF made here."))
    roles: dict[str, Role] = {r: r for r in ROLES}
    role = roles.get(str(form.get("role")))
    if role is None:
        raise WfhDocError(_("Choose who signs."))
    source, name = found
    number = form.get("number")
    copy_form, copier = (form.get("copy_form"), form.get("agency_name")) if role == "copy" else (None, None)
    copy_form = copy_form if copy_form in COPY_FORMS else None  # SignRequest says it is missing
    copier = copier.strip() or None if isinstance(copier, str) else None
    with app.scratch.request_folder() as folder:
        image: Path | None = None
        for upload in uploads(form, "image"):
            image = (
                await save_upload(
                    upload, folder, kinds=("png",), limit=app.config.max_file_bytes, name="hinh"
                )
            ).path
        target = folder / "da-ky.pdf"
        try:
            await run_in_threadpool(  # pyHanko runs its own event loop
                sign_pdf,
                source,
                target,
                role=role,
                pkcs12=app.config.pkcs12,
                passphrase=app.config.passphrase,
                image=image,
                document_number=number if isinstance(number, str) and number.strip() else None,
                agency_name=copier,
                copy_form=copy_form,
            )
        except WfhDocError as exc:  # said with the names the clerk knows, not the app's
            shown = str(exc).replace(str(source), name).replace(str(folder), "")
            raise WfhDocError(shown if name in shown else f"{name}: {shown}") from None
        data = target.read_bytes()
    out_name = f"{safe_stem(name.rsplit('.', 1)[0])}-{role}.pdf"
    app.keep_pdf(data, out_name)
    return attachment(data, out_name, "application/pdf")
