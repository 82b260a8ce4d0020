"""Soạn văn bản: the form laid out like the letter, checked as the clerk types, its preview, and the
.docx or PDF made from it; a letter saved as .json opened again; the example letters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from wfh_docs.batch.prepare import Prepared
from wfh_docs.errors import InputError, WfhDocError
from wfh_docs.files.naming import letter_stem, safe_stem
from wfh_docs.i18n import _
from wfh_docs.letter.model import Letter
from wfh_docs.letter.sources import parse_json
from wfh_docs.letter.types import TYPES
from wfh_docs.web.files import save_upload
from wfh_docs.web.forms import DOCX, DataResponse, app_of, attachment, read_form, uploads
from wfh_docs.web.guard import protected
from wfh_docs.web.letters import check_letter, example_data, examples, not_read, problems_json, render
from wfh_docs.web.preview import pages_of, soffice_missing, to_pdf


def routes() -> list[Route]:
    p = protected
    return [
        Route("/soan", compose),
        Route("/api/kiem-tra-du-lieu", p(validate_api), methods=["POST"]),
        Route("/api/vi-du/{key}", example_api),
        Route("/soan/mo", p(open_letter), methods=["POST"]),
        Route("/soan/docx", p(build_docx), methods=["POST"]),
        Route("/soan/pdf", p(build_pdf), methods=["POST"]),
        Route("/soan/xem-truoc", p(preview), methods=["POST"]),
    ]


async def compose(request: Request) -> Response:
    return compose_page(request, None)


def compose_page(
    request: Request, letter: Any, *, error: str = "", status: int = 200, problems: Any = None
) -> HTMLResponse:
    return app_of(request).page(
        request,
        "compose.html",
        status,
        examples=_examples(),
        kinds=KINDS,
        kind_parts=KIND_PARTS,
        initial=letter,
        problems=problems or {},
        error=error,
        soffice=soffice_missing(),
    )


# the select's options: a công văn is the letter without a "type" (its default)
KINDS = [("" if t.id == "cong-van" else t.id, f"{t.title_case} (Mẫu {t.mau})") for t in TYPES.values()]
# what the page needs of each kind to show its fields and its "Số: 01/QĐ-UBND"
KIND_PARTS = {
    t.id: {"layout": t.layout, "subject": t.has_subject, "abbreviation": t.abbreviation}
    for t in TYPES.values()
}


def _examples() -> list[dict[str, str]]:
    """The example letters, each of another kind than a công văn titled by its kind and its
    ký hiệu ("07/QĐ-UBND: Quyết định Về việc ..."), not "V/v"."""
    out = []
    for item in examples():
        data = example_data(item["key"])
        kind = TYPES.get(str(data.get("type", "cong-van")))
        if kind is not None and kind.abbreviation:
            number = data.get("number")
            symbol = f"{kind.abbreviation}-{data.get('issuer', {}).get('abbreviation', '')}"
            head = f"{number:02d}/{symbol}" if isinstance(number, int) else symbol
            subject = str(data.get("subject", ""))
            title = f"{head}: {kind.title_case} {subject[:60]}" + ("…" if len(subject) > 60 else "")
            item = {**item, "title": title.rstrip()}
        out.append(item)
    return out


async def validate_api(request: Request) -> Response:
    try:
        data = parse_json(await request.body(), _("the letter"))
    except InputError as exc:
        return JSONResponse(problems_json(not_read(exc.problems)))
    return JSONResponse(problems_json(check_letter(data)))


async def example_api(request: Request) -> Response:
    return JSONResponse(example_data(request.path_params["key"]))


async def open_letter(request: Request) -> Response:
    app = app_of(request)
    form = await read_form(request)
    files = uploads(form, "file")
    if len(files) != 1:
        return JSONResponse({"error": _("Choose one .json file saved from this page.")}, status_code=400)
    try:
        with app.scratch.request_folder() as folder:
            saved = await save_upload(
                files[0], folder, kinds=("json",), limit=app.config.max_file_bytes, name="van-ban"
            )
            data = parse_json(saved.path.read_bytes(), saved.shown)
    except WfhDocError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    if not isinstance(data, dict):
        return JSONResponse(
            {"error": _("{name}: the file does not hold a letter.").format(name=saved.shown)}, status_code=400
        )
    return DataResponse({"letter": data, "name": saved.shown})


async def _build(request: Request) -> tuple[Any, Prepared, bytes, list[str]]:
    """The letter of a compose form, validated and rendered (with the uploaded template)."""
    app = app_of(request)
    form = await read_form(request)
    text = form.get("letter")
    raw = text.encode("utf-8") if isinstance(text, str) else b""
    data = parse_json(raw, _("the letter"))
    checked = check_letter(data)
    if checked.letter is None:
        return data, checked, b"", []
    with app.scratch.request_folder() as folder:
        template: Path | None = None
        for upload in uploads(form, "template"):
            saved = await save_upload(
                upload, folder, kinds=("docx",), limit=app.config.max_file_bytes, name="mau"
            )
            template = saved.path
        try:
            rendered = await run_in_threadpool(render, template, checked.letter)
        except WfhDocError as exc:
            raise WfhDocError(str(exc).replace(str(template), _("the uploaded template"))) from None
    return data, checked, rendered.data, rendered.warnings


async def _built_or_page(request: Request) -> tuple[Letter, bytes] | HTMLResponse:
    form_letter: Any = None
    try:
        form_letter, checked, data, _warnings = await _build(request)
    except WfhDocError as exc:
        return compose_page(request, form_letter, error=str(exc), status=400)
    if checked.letter is None:
        return compose_page(
            request,
            form_letter,
            error=_("The letter has problems: each is shown beside its field."),
            status=400,
            problems=problems_json(checked),
        )
    return checked.letter, data


async def build_docx(request: Request) -> Response:
    built = await _built_or_page(request)
    if isinstance(built, Response):
        return built
    letter, data = built
    return attachment(data, f"{safe_stem(letter_stem(letter))}.docx", DOCX)


async def build_pdf(request: Request) -> Response:
    built = await _built_or_page(request)
    if isinstance(built, Response):
        return built
    letter, data = built
    missing = soffice_missing()
    if missing:
        shown = letter.model_dump(mode="json", by_alias=True, exclude_none=True)
        return compose_page(request, shown, error=missing, status=400)
    app = app_of(request)
    stem = safe_stem(letter_stem(letter))
    with app.scratch.request_folder() as folder:
        docx = folder / f"{stem}.docx"
        docx.write_bytes(data)
        result = (await run_in_threadpool(to_pdf, [docx], folder / "pdf"))[0]
        if not result.ok or result.output is None:
            raise WfhDocError(_("LibreOffice could not make the PDF: {reason}").format(reason=result.message))
        pdf = result.output.read_bytes()
    app.keep_pdf(pdf, f"{stem}.pdf")
    return attachment(pdf, f"{stem}.pdf", "application/pdf")


async def preview(request: Request) -> Response:
    try:
        _data, checked, data, warnings = await _build(request)
    except WfhDocError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    if checked.letter is None:
        return JSONResponse(
            {
                "error": _("The letter has problems: each is shown beside its field."),
                **problems_json(checked),
            },
            status_code=400,
        )
    with app_of(request).scratch.request_folder() as folder:
        docx = folder / "xem-truoc.docx"
        docx.write_bytes(data)
        pages = (await run_in_threadpool(pages_of, [docx], folder))[0]
    return JSONResponse({"pages": pages.images, "message": pages.message, "warnings": warnings})
