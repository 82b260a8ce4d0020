"""Tạo hàng loạt: the workbook to fill, a filled one uploaded and built off the request thread
(one batch at a time, one worker: see jobs.py), its progress, its bad rows and its .zip."""

from __future__ import annotations

import shutil

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from wfh_docs.batch.workbook import workbook_bytes
from wfh_docs.errors import WfhDocError
from wfh_docs.i18n import _
from wfh_docs.web.files import save_upload
from wfh_docs.web.forms import XLSX, app_of, attachment, read_form, uploads
from wfh_docs.web.guard import protected
from wfh_docs.web.jobs import Job
from wfh_docs.web.letters import REFERENCE_EXAMPLE, SAMPLE_WORKBOOK, example_data
from wfh_docs.web.preview import soffice_missing
from wfh_docs.web.state import MAX_MADE


def routes() -> list[Route]:
    return [
        Route("/hang-loat", batch),
        Route("/hang-loat", protected(start_batch), methods=["POST"]),
        Route("/hang-loat/mau.xlsx", new_workbook),
        Route("/hang-loat/mau-hien-tai.xlsx", sample_workbook),
        Route("/hang-loat/{job}", job_page),
        Route("/hang-loat/{job}/ket-qua.zip", job_zip),
        Route("/api/hang-loat/{job}", job_status),
    ]


async def batch(request: Request) -> Response:
    app = app_of(request)
    return app.page(request, "batch.html", register=str(app.config.register or ""), soffice=soffice_missing())


async def new_workbook(request: Request) -> Response:
    example = example_data(REFERENCE_EXAMPLE)
    return attachment(workbook_bytes(example), "mau-nhap-lieu-wfhdoc.xlsx", XLSX)


async def sample_workbook(request: Request) -> Response:
    return attachment(SAMPLE_WORKBOOK.read_bytes(), "bao-cao-wfh-quang-tri.xlsx", XLSX)


async def start_batch(request: Request) -> Response:
    app = app_of(request)
    form = await read_form(request)
    files = uploads(form, "file")
    if len(files) != 1:
        raise WfhDocError(_("Choose one filled workbook (.xlsx)."))
    folder = app.jobs.new_folder()
    try:
        saved = await save_upload(
            files[0], folder, kinds=("xlsx",), limit=app.config.max_file_bytes, name="bang-tinh"
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job = app.jobs.submit(
        folder, saved.path, saved.shown, saved.stem, pdf=form.get("pdf") == "1", register=app.config.register
    )
    return RedirectResponse(f"/hang-loat/{job.id}", status_code=303)


def _job(request: Request) -> Job:
    job = app_of(request).jobs.get(str(request.path_params["job"]))
    if job is None:
        raise HTTPException(404)
    return job


async def job_page(request: Request) -> Response:
    job = _job(request)
    return app_of(request).page(request, "job.html", job=job, status_url=f"/api/hang-loat/{job.id}")


async def job_status(request: Request) -> Response:
    job = _job(request)
    report = job.report
    rows = []
    counts = {"built": 0, "unchanged": 0, "failed": 0}
    if report is not None:
        counts = {k: report.count(k) for k in counts}
        rows = [
            {"record": r.record, "source": job.shown_text(r.source), "message": job.shown_text(r.message)}
            for r in report.rows
            if r.status == "failed"
        ]
    state_text = {
        "queued": _("Waiting for the batch before it to finish…"),
        "running": _("Building the letters…"),
        "done": _("Done."),
        "failed": _("The batch stopped."),
    }[job.state]
    return JSONResponse(
        {
            "state": job.state,
            "state_text": state_text,
            "done": job.done,
            "total": job.total,
            "counts": counts,
            "failed_rows": rows,
            "error": job.error,
            "note": job.note,
            "warnings": [job.shown_text(w) for w in report.warnings] if report else [],
            "zip": f"/hang-loat/{job.id}/ket-qua.zip" if job.zip_path else None,
        }
    )


async def job_zip(request: Request) -> Response:
    app = app_of(request)
    job = _job(request)
    if job.zip_path is None or not job.zip_path.is_file():
        raise HTTPException(404)
    for pdf in job.pdfs:
        if len(app.made) < MAX_MADE:
            app.keep_pdf(pdf.read_bytes(), pdf.name)
    return FileResponse(job.zip_path, media_type="application/zip", filename=f"van-ban-{job.stem}.zip")
