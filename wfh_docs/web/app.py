"""The routes of the browser app, its guard (Host, login, CSRF, language, request size) and its
error pages. Each route reads the request, calls the library, and renders a page or a file.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import io
import json
import logging
import secrets
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from openpyxl import Workbook
from openpyxl.styles import Font
from starlette import formparsers
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wfh_docs import __version__
from wfh_docs.batch.register import Entry, Register
from wfh_docs.batch.workbook import workbook_bytes
from wfh_docs.check.rules import Finding, check_file
from wfh_docs.errors import InputError, Problem, WfhDocError
from wfh_docs.files.naming import letter_stem, safe_stem
from wfh_docs.i18n import N_, _, normalise, using
from wfh_docs.letter.model import Letter
from wfh_docs.letter.sources import parse_json, prepare_data, validate
from wfh_docs.render.template import RenderedLetter, Template
from wfh_docs.web.config import LOOPBACK_NAMES, WebConfig
from wfh_docs.web.files import Saved, Scratch, save_upload, shown_name
from wfh_docs.web.jobs import Job, Jobs
from wfh_docs.web.preview import pages_of, soffice_missing, to_pdf

log = logging.getLogger("wfh_docs.web")

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
SAMPLE_WORKBOOK = EXAMPLES / "bao-cao-wfh-quang-tri.xlsx"
REFERENCE_EXAMPLE = "cong-van-451-SCT-VP-2020"
CSRF_COOKIE = "wfhdoc_csrf"
AUTH_COOKIE = "wfhdoc_auth"
LANG_COOKIE = "wfhdoc_lang"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
MAX_FIELD_BYTES = 8 << 20  # the letter as JSON in a form field
MAX_MADE = 50  # PDFs kept for the signing page

# The parts of a letter, in its order, by the checker's rule prefix.
PARTS: list[tuple[str, str]] = [
    ("file", N_("The file")),
    ("page", N_("Paper and margins")),
    ("font", N_("Font")),
    ("quoc_hieu", N_("Quốc hiệu")),
    ("tieu_ngu", N_("Tiêu ngữ")),
    ("agency", N_("Issuing agency")),
    ("number", N_("Number and symbol")),
    ("date", N_("Place and date")),
    ("kinh_gui", N_("Kính gửi")),
    ("body", N_("Body")),
    ("authority", N_("Authority and title of the signer")),
    ("noi_nhan", N_("Nơi nhận")),
    ("page_number", N_("Page numbers")),
    ("appendix", N_("Phụ lục")),
    ("text", N_("Text and characters")),
    ("template", N_("Template tags")),
]
# The register's states of a number, as the văn thư says them.
STATUSES = {"issued": N_("issued"), "reserved": N_("reserved, letter not yet made")}
_PART_ORDER = {key: i for i, (key, _) in enumerate(PARTS)}
_PART_TITLE = dict(PARTS)


# --- the guard ------------------------------------------------------------------------------


# Only this server's own files run or load; page images come as data: URLs; no framing.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class RequestTooLarge(WfhDocError):
    """The request body went past the app's limit while it was being read."""


def _page_message(status: int, text: str) -> Response:
    """A minimal page for the guard, which answers before the templates are reached."""
    body = (
        '<!doctype html><html lang="vi"><meta charset="utf-8"><title>wfhdoc</title>'
        f'<link rel="stylesheet" href="/static/style.css"><main><p class="error" role="alert">{text}</p>'
        f'<p><a href="/">{_("Back to the start page")}</a></p></main></html>'
    )
    return HTMLResponse(body, status_code=status)


class Guard:
    """Every request passes here: the Host header (against DNS rebinding on loopback), the
    login cookie when a token is set, the CSRF cookie, the language, and the body's size."""

    def __init__(self, app: ASGIApp, config: WebConfig, auth_value: str) -> None:
        self.app = app
        self.config = config
        self.auth_value = auth_value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        asked = request.query_params.get("lang")
        lang = normalise(asked or request.cookies.get(LANG_COOKIE) or "vi")
        with using(lang):
            await self._guarded(scope, receive, send, request, asked, lang)

    async def _guarded(
        self, scope: Scope, receive: Receive, send: Send, request: Request, asked: str | None, lang: str
    ) -> None:
        host = (request.url.hostname or "").strip("[]").lower()
        if self.config.loopback and host not in LOOPBACK_NAMES:
            await _page_message(400, _("This address is not served here; open http://127.0.0.1 instead."))(
                scope, receive, send
            )
            return
        csrf = request.cookies.get(CSRF_COOKIE, "")
        cookies: list[str] = []
        if len(csrf) < 32:
            csrf = secrets.token_urlsafe(32)
            cookies.append(f"{CSRF_COOKIE}={csrf}; Path=/; SameSite=Strict")
        if asked:
            cookies.append(f"{LANG_COOKIE}={lang}; Path=/; SameSite=Strict; Max-Age=31536000")
        scope["wfhdoc"] = {"csrf": csrf, "lang": lang, "cookie_csrf": request.cookies.get(CSRF_COOKIE, "")}
        path = scope["path"]
        public = path.startswith("/static/") or path == "/dang-nhap"
        if self.config.token and not public:
            given = request.cookies.get(AUTH_COOKIE, "")
            if not hmac.compare_digest(given, self.auth_value):
                if request.method == "GET":
                    response: Response = RedirectResponse(
                        "/dang-nhap?next=" + quote(path, safe="/"), status_code=303
                    )
                else:
                    response = _page_message(401, _("Log in first: this page needs the password."))
                await self._send_with(response, cookies)(scope, receive, send)
                return
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.config.max_body_bytes:
            response = _page_message(
                413,
                _("The upload is too large: at most {size} MB at once.").format(
                    size=self.config.max_body_bytes >> 20
                ),
            )
            await response(scope, receive, send)
            return
        limit = self.config.max_body_bytes
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise RequestTooLarge(
                        _("The upload is too large: at most {size} MB at once.").format(size=limit >> 20)
                    )
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"set-cookie", c.encode("latin-1")) for c in cookies]
                headers += SECURITY_HEADERS
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, bounded, sending)

    @staticmethod
    def _send_with(response: Response, cookies: list[str]) -> Response:
        for c in cookies:
            response.raw_headers.append((b"set-cookie", c.encode("latin-1")))
        return response


def auth_cookie(value: str) -> str:
    return f"{AUTH_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict"


# --- helpers --------------------------------------------------------------------------------

Handler = Callable[[Request], Awaitable[Response]]


def csrf_of(request: Request) -> str:
    return str(request.scope.get("wfhdoc", {}).get("csrf", ""))


class CsrfRefused(Exception):
    """A POST without the page's CSRF token (answered 403)."""


def protected(handler: Handler) -> Handler:
    """A POST route: the CSRF token must come back, in the X-CSRF-Token header or the form's
    `csrf` field, equal to the cookie set with the page. Forms are parsed within the limits."""

    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        try:
            return await _checked(request)
        finally:
            await request.close()  # the uploads' spooled files

    async def _checked(request: Request) -> Response:
        cookie = str(request.scope.get("wfhdoc", {}).get("cookie_csrf", ""))
        given = request.headers.get(CSRF_HEADER, "")
        if not given and request.headers.get("content-type", "").startswith(
            ("multipart/form-data", "application/x-www-form-urlencoded")
        ):
            form = await read_form(request)
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else ""
        if not cookie or not given or not secrets.compare_digest(cookie, given):
            raise CsrfRefused()
        return await handler(request)

    return wrapper


async def read_form(request: Request) -> FormData:
    app: App = request.app.state.wfhdoc
    try:
        return await request.form(
            max_files=app.config.max_files, max_fields=200, max_part_size=MAX_FIELD_BYTES
        )
    except HTTPException as exc:  # the multipart parser's own limits and faults
        if "files" in str(exc.detail).lower():
            raise WfhDocError(
                _("Too many files at once: at most {n}.").format(n=app.config.max_files)
            ) from None
        raise WfhDocError(_("The form could not be read ({reason}).").format(reason=exc.detail)) from None


def uploads(form: FormData, name: str) -> list[UploadFile]:
    return [v for v in form.getlist(name) if isinstance(v, UploadFile) and (v.filename or v.size)]


def attachment(data: bytes, name: str, media: str) -> Response:
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Checked:
    """What validating a letter gave: the letter, or its problems; and the warnings."""

    letter: Letter | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_letter(data: Any) -> Checked:
    """The CLI's validation (sources: clean, tidy, validate) of a letter given as data."""
    cleaned, warnings = prepare_data(data)
    try:
        return Checked(validate(cleaned, _("the letter")), [], warnings)
    except InputError as exc:
        return Checked(None, exc.problems, warnings)


def problems_json(checked: Checked) -> dict[str, Any]:
    return {
        "ok": checked.letter is not None,
        "problems": [
            {"path": p.where or "$", "message": p.message, "hint": p.hint} for p in checked.problems
        ],
        "warnings": checked.warnings,
    }


def json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


class DataResponse(JSONResponse):
    """JSON with a letter's decimals as numbers."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=json_default).encode("utf-8")


def examples() -> list[dict[str, str]]:
    out = []
    for path in sorted(EXAMPLES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        issuer = data.get("issuer", {})
        number = data.get("number")
        symbol = f"{issuer.get('abbreviation', '')}-{issuer.get('unit', '')}"
        unnumbered = _("no number")
        head = f"{number:02d}/{symbol}" if isinstance(number, int) else f"{symbol} ({unnumbered})"
        subject = str(data.get("subject", ""))
        out.append(
            {"key": path.stem, "title": f"{head}: V/v {subject[:70]}" + ("…" if len(subject) > 70 else "")}
        )
    return out


def example_data(key: str) -> Any:
    known = {p.stem: p for p in EXAMPLES.glob("*.json")}
    path = known.get(key)  # looked up, never joined: the client's text is no path
    if path is None:
        raise HTTPException(404)
    return json.loads(path.read_text(encoding="utf-8"))


def status_text(status: str) -> str:
    return _(STATUSES[status]) if status in STATUSES else status


def _finding_part(f: Finding) -> str:
    return f.rule.split(".", 1)[0]


def grouped(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(_finding_part(f), []).append(f)
    keys = sorted(groups, key=lambda k: _PART_ORDER.get(k, len(PARTS)))
    return [(_(_PART_TITLE[k]) if k in _PART_TITLE else k, groups[k]) for k in keys]


# --- the app --------------------------------------------------------------------------------


class App:
    """The app's state: its configuration, scratch space, batches and the PDFs made here."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.scratch = Scratch()
        self.jobs = Jobs(self.scratch, config.job_lifetime)
        self.made: dict[str, tuple[Path, str]] = {}  # id -> (PDF, its download name)
        self.made_folder = self.scratch.folder("pdf-")
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(HERE / "templates")),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.globals["_"] = _
        # a letter's decimals (parse_json reads them as Decimal) go back to the page as numbers
        self.env.policies["json.dumps_kwargs"] = {"sort_keys": False, "default": json_default}
        self.env.globals["version"] = __version__
        self.env.globals["status_text"] = status_text

    def close(self) -> None:
        self.jobs.close()
        self.scratch.close()

    def page(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        from wfh_docs.i18n import language

        values.setdefault("error", "")
        html = self.env.get_template(name).render(
            csrf=csrf_of(request),
            lang=language(),
            path=request.url.path,
            token=bool(self.config.token),
            signing=self.config.pkcs12 is not None,
            **values,
        )
        return HTMLResponse(html, status_code=status)

    def keep_pdf(self, data: bytes, name: str) -> None:
        if len(self.made) >= MAX_MADE:
            oldest = next(iter(self.made))
            path, _name = self.made.pop(oldest)
            path.unlink(missing_ok=True)
        key = secrets.token_urlsafe(9)
        path = self.made_folder / f"{key}.pdf"
        path.write_bytes(data)
        self.made[key] = (path, name)

    # --- Soạn văn bản -------------------------------------------------------------------

    async def compose(self, request: Request) -> Response:
        return self.compose_page(request, None)

    def compose_page(
        self, request: Request, letter: Any, *, error: str = "", status: int = 200, problems: Any = None
    ) -> HTMLResponse:
        return self.page(
            request,
            "compose.html",
            status,
            examples=examples(),
            initial=letter,
            problems=problems or {},
            error=error,
            soffice=soffice_missing(),
        )

    @staticmethod
    async def validate_api(request: Request) -> Response:
        try:
            data = parse_json(await request.body(), _("the letter"))
        except InputError as exc:
            return JSONResponse(problems_json(Checked(None, exc.problems)))
        return JSONResponse(problems_json(check_letter(data)))

    @staticmethod
    async def example_api(request: Request) -> Response:
        return JSONResponse(example_data(request.path_params["key"]))

    async def open_letter(self, request: Request) -> Response:
        form = await read_form(request)
        files = uploads(form, "file")
        if len(files) != 1:
            return JSONResponse({"error": _("Choose one .json file saved from this page.")}, status_code=400)
        upload = files[0]
        try:
            with self.scratch.request_folder() as folder:
                saved = await save_upload(
                    upload, folder, kinds=("json",), limit=self.config.max_file_bytes, name="van-ban"
                )
                data = parse_json(saved.path.read_bytes(), saved.shown)
        except WfhDocError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        if not isinstance(data, dict):
            return JSONResponse(
                {"error": _("{name}: the file does not hold a letter.").format(name=saved.shown)},
                status_code=400,
            )
        return DataResponse({"letter": data, "name": saved.shown})

    async def _build(self, request: Request) -> tuple[Any, Checked, bytes, list[str]]:
        """The letter of a compose form, validated and rendered (with the uploaded template)."""
        form = await read_form(request)
        text = form.get("letter")
        raw = text.encode("utf-8") if isinstance(text, str) else b""
        data = parse_json(raw, _("the letter"))
        checked = check_letter(data)
        if checked.letter is None:
            return data, checked, b"", []
        with self.scratch.request_folder() as folder:
            template = None
            for upload in uploads(form, "template"):
                saved = await save_upload(
                    upload, folder, kinds=("docx",), limit=self.config.max_file_bytes, name="mau"
                )
                template = saved.path
            try:
                rendered = await run_in_threadpool(_render, template, checked.letter)
            except WfhDocError as exc:
                raise WfhDocError(str(exc).replace(str(template), _("the uploaded template"))) from None
        return data, checked, rendered.data, rendered.warnings

    async def _built_or_page(self, request: Request) -> tuple[Letter, bytes] | HTMLResponse:
        form_letter: Any = None
        try:
            form_letter, checked, data, _warnings = await self._build(request)
        except WfhDocError as exc:
            return self.compose_page(request, form_letter, error=str(exc), status=400)
        if checked.letter is None:
            return self.compose_page(
                request,
                form_letter,
                error=_("The letter has problems: each is shown beside its field."),
                status=400,
                problems=problems_json(checked),
            )
        return checked.letter, data

    async def build_docx(self, request: Request) -> Response:
        built = await self._built_or_page(request)
        if isinstance(built, Response):
            return built
        letter, data = built
        return attachment(data, f"{safe_stem(letter_stem(letter))}.docx", DOCX)

    async def build_pdf(self, request: Request) -> Response:
        built = await self._built_or_page(request)
        if isinstance(built, Response):
            return built
        letter, data = built
        missing = soffice_missing()
        if missing:
            return self.compose_page(
                request,
                letter.model_dump(mode="json", by_alias=True, exclude_none=True),
                error=missing,
                status=400,
            )
        stem = safe_stem(letter_stem(letter))
        with self.scratch.request_folder() as folder:
            docx = folder / f"{stem}.docx"
            docx.write_bytes(data)
            result = (await run_in_threadpool(to_pdf, [docx], folder / "pdf"))[0]
            if not result.ok or result.output is None:
                raise WfhDocError(
                    _("LibreOffice could not make the PDF: {reason}").format(reason=result.message)
                )
            pdf = result.output.read_bytes()
        self.keep_pdf(pdf, f"{stem}.pdf")
        return attachment(pdf, f"{stem}.pdf", "application/pdf")

    async def preview(self, request: Request) -> Response:
        try:
            _data, checked, data, warnings = await self._build(request)
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
        with self.scratch.request_folder() as folder:
            docx = folder / "xem-truoc.docx"
            docx.write_bytes(data)
            pages = (await run_in_threadpool(pages_of, [docx], folder))[0]
        return JSONResponse({"pages": pages.images, "message": pages.message, "warnings": warnings})

    # --- Tạo hàng loạt ------------------------------------------------------------------

    async def batch(self, request: Request) -> Response:
        return self.page(
            request, "batch.html", register=str(self.config.register or ""), soffice=soffice_missing()
        )

    @staticmethod
    async def new_workbook(request: Request) -> Response:
        example = example_data(REFERENCE_EXAMPLE)
        return attachment(workbook_bytes(example), "mau-nhap-lieu-wfhdoc.xlsx", XLSX)

    @staticmethod
    async def sample_workbook(request: Request) -> Response:
        return attachment(SAMPLE_WORKBOOK.read_bytes(), "bao-cao-wfh-quang-tri.xlsx", XLSX)

    async def start_batch(self, request: Request) -> Response:
        form = await read_form(request)
        files = uploads(form, "file")
        if len(files) != 1:
            raise WfhDocError(_("Choose one filled workbook (.xlsx)."))
        folder = self.jobs.new_folder()
        try:
            saved = await save_upload(
                files[0], folder, kinds=("xlsx",), limit=self.config.max_file_bytes, name="bang-tinh"
            )
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        job = self.jobs.submit(
            folder,
            saved.path,
            saved.shown,
            saved.stem,
            pdf=form.get("pdf") == "1",
            register=self.config.register,
        )
        return RedirectResponse(f"/hang-loat/{job.id}", status_code=303)

    def _job(self, request: Request) -> Job:
        job = self.jobs.get(str(request.path_params["job"]))
        if job is None:
            raise HTTPException(404)
        return job

    async def job_page(self, request: Request) -> Response:
        job = self._job(request)
        return self.page(request, "job.html", job=job, status_url=f"/api/hang-loat/{job.id}")

    async def job_status(self, request: Request) -> Response:
        job = self._job(request)
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

    async def job_zip(self, request: Request) -> Response:
        job = self._job(request)
        if job.zip_path is None or not job.zip_path.is_file():
            raise HTTPException(404)
        for pdf in job.pdfs:
            if len(self.made) < MAX_MADE:
                self.keep_pdf(pdf.read_bytes(), pdf.name)
        return FileResponse(job.zip_path, media_type="application/zip", filename=f"van-ban-{job.stem}.zip")

    # --- Kiểm tra văn bản ---------------------------------------------------------------

    async def check_page(self, request: Request) -> Response:
        return self.page(request, "check.html", results=[], soffice=soffice_missing())

    async def check_files(self, request: Request) -> Response:
        form = await read_form(request)
        files = uploads(form, "files")
        if not files:
            raise WfhDocError(_("Choose one or more .docx files."))
        if len(files) > self.config.max_files:
            raise WfhDocError(_("Too many files at once: at most {n}.").format(n=self.config.max_files))
        results: list[dict[str, Any]] = []
        with self.scratch.request_folder() as folder:
            readable: list[tuple[dict[str, Any], Saved]] = []
            for i, upload in enumerate(files):
                item: dict[str, Any] = {
                    "name": shown_name(upload.filename),
                    "error": "",
                    "groups": [],
                    "pages": None,
                }
                results.append(item)
                try:
                    saved = await save_upload(
                        upload,
                        folder,
                        kinds=("docx",),
                        limit=self.config.max_file_bytes,
                        name=f"van-ban-{i + 1}",
                    )
                    findings = await run_in_threadpool(check_file, saved.path)
                except WfhDocError as exc:  # named as the clerk knows the file
                    saved_as = str(folder / f"van-ban-{i + 1}.docx")
                    item["error"] = str(exc).replace(saved_as, item["name"]).replace(str(folder), "")
                    continue
                item["errors"] = sum(f.severity == "error" for f in findings)
                item["warnings"] = len(findings) - item["errors"]
                item["groups"] = grouped(findings)
                readable.append((item, saved))
            if readable and form.get("pages") == "1":
                drawn = await run_in_threadpool(pages_of, [s.path for _i, s in readable], folder)
                for (item, _saved), pages in zip(readable, drawn, strict=True):
                    item["pages"] = pages
        return self.page(request, "check.html", results=results, soffice=soffice_missing())

    # --- Sổ đăng ký ---------------------------------------------------------------------

    def _entries(self, request: Request) -> tuple[list[Entry], list[Entry], int | None, str]:
        path = self.config.register
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

    async def register_page(self, request: Request) -> Response:
        every, shown, year, agency = self._entries(request)
        return self.page(
            request,
            "register.html",
            configured=self.config.register is not None,
            entries=shown,
            years=sorted({e.year for e in every}, reverse=True),
            agencies=sorted({e.agency for e in every}),
            year=year,
            agency=agency,
            query=request.url.query,
        )

    async def register_xlsx(self, request: Request) -> Response:
        _every, shown, year, agency = self._entries(request)
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = _("Register")
        heads = [
            _("Year"),
            _("Agency"),
            _("Number"),
            _("Symbol"),
            _("Date"),
            _("Subject"),
            _("Recipients"),
            _("File"),
            _("Status"),
            "SHA-256",
        ]
        ws.append(heads)
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

    # --- Ký số --------------------------------------------------------------------------

    async def sign_page(self, request: Request) -> Response:
        return self.page(request, "sign.html", made=list(self.made.items()), done="")

    async def sign(self, request: Request) -> Response:
        from wfh_docs.sign.sign import Role, sign_pdf

        if self.config.pkcs12 is None:
            raise HTTPException(404)
        form = await read_form(request)
        key = form.get("pdf")
        found = self.made.get(key) if isinstance(key, str) else None
        if found is None:
            raise WfhDocError(_("Choose a PDF made here."))
        roles: dict[str, Role] = {"signer": "signer", "agency": "agency", "appendix": "appendix"}
        role = roles.get(str(form.get("role")))
        if role is None:
            raise WfhDocError(_("Choose who signs."))
        source, name = found
        number = form.get("number")
        with self.scratch.request_folder() as folder:
            image = None
            for upload in uploads(form, "image"):
                image = (
                    await save_upload(
                        upload, folder, kinds=("png",), limit=self.config.max_file_bytes, name="hinh"
                    )
                ).path
            target = folder / "da-ky.pdf"
            try:
                await run_in_threadpool(  # pyHanko runs its own event loop
                    sign_pdf,
                    source,
                    target,
                    role=role,
                    pkcs12=self.config.pkcs12,
                    passphrase=self.config.passphrase,
                    image=image,
                    document_number=number if isinstance(number, str) and number.strip() else None,
                )
            except WfhDocError as exc:  # said with the names the clerk knows, not the app's
                shown = str(exc).replace(str(source), name).replace(str(folder), "")
                raise WfhDocError(shown) from None
            data = target.read_bytes()
        out_name = f"{safe_stem(name.rsplit('.', 1)[0])}-{role}.pdf"
        self.keep_pdf(data, out_name)
        return attachment(data, out_name, "application/pdf")

    # --- login ----------------------------------------------------------------------------

    async def login_page(self, request: Request) -> Response:
        return self.page(request, "login.html", next=_next(request.query_params.get("next")))

    async def login(self, request: Request) -> Response:
        form = await read_form(request)
        given = form.get("token")
        nxt = form.get("next")
        target = _next(nxt if isinstance(nxt, str) else None)
        if (
            not self.config.token
            or not isinstance(given, str)
            or not secrets.compare_digest(given.encode(), self.config.token.encode())
        ):
            return self.page(request, "login.html", 401, next=target, error=_("The password is not right."))
        response = RedirectResponse(target, status_code=303)
        guard_value = request.app.state.auth_value
        response.raw_headers.append((b"set-cookie", auth_cookie(guard_value).encode("latin-1")))
        return response

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/soan", status_code=303)

    # --- errors ---------------------------------------------------------------------------

    async def user_error(self, request: Request, exc: Exception) -> Response:
        status = 413 if isinstance(exc, RequestTooLarge) else 400
        return self.page(request, "error.html", status, error=str(exc))

    async def csrf_error(self, request: Request, exc: Exception) -> Response:
        return self.page(
            request,
            "error.html",
            403,
            error=_(
                "The request was refused: the form's security code is missing or out of date. "
                "Reload the page and try again."
            ),
        )

    async def http_error(self, request: Request, exc: Exception) -> Response:
        code = exc.status_code if isinstance(exc, HTTPException) else 500
        text = {
            404: _("There is no such page (or the batch has expired)."),
            405: _("This page cannot be used that way."),
        }.get(code, _("The request could not be served."))
        return self.page(request, "error.html", code, error=text)

    async def server_error(self, request: Request, exc: Exception) -> Response:
        log.error("error serving %s %s", request.method, request.url.path, exc_info=exc)
        return self.page(
            request,
            "error.html",
            500,
            error=_(
                "Something went wrong on the server. Nothing was saved; try again, and if it happens "
                "again tell the person who looks after wfhdoc (the details are in the server's log)."
            ),
        )


def _render(template: Path | None, letter: Letter) -> RenderedLetter:
    """Only through the library's Template, which renders in Jinja's sandbox."""
    return Template(template).render(letter)


def _next(value: str | None) -> str:
    """Only a path on this site (no //host, no scheme) is followed after the login."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/soan"


def create_app(config: WebConfig | None = None) -> Starlette:
    config = config or WebConfig()
    state = App(config)
    # the login cookie's value: a MAC of a fixed text under a key that lives as long as the
    # process, so a restart logs everyone out and the token itself never travels in a cookie
    auth_value = hmac.new(secrets.token_bytes(32), b"wfhdoc-web-login", hashlib.sha256).hexdigest()
    # uploads are held in memory up to the request limit, so that they are only ever written
    # into the app's private folder, never spooled into the system's shared temporary folder
    formparsers.MultiPartParser.spool_max_size = config.max_body_bytes
    p = protected
    routes = [
        Route("/", state.home),
        Route("/soan", state.compose),
        Route("/api/kiem-tra-du-lieu", p(state.validate_api), methods=["POST"]),
        Route("/api/vi-du/{key}", state.example_api),
        Route("/soan/mo", p(state.open_letter), methods=["POST"]),
        Route("/soan/docx", p(state.build_docx), methods=["POST"]),
        Route("/soan/pdf", p(state.build_pdf), methods=["POST"]),
        Route("/soan/xem-truoc", p(state.preview), methods=["POST"]),
        Route("/hang-loat", state.batch),
        Route("/hang-loat", p(state.start_batch), methods=["POST"]),
        Route("/hang-loat/mau.xlsx", state.new_workbook),
        Route("/hang-loat/mau-hien-tai.xlsx", state.sample_workbook),
        Route("/hang-loat/{job}", state.job_page),
        Route("/hang-loat/{job}/ket-qua.zip", state.job_zip),
        Route("/api/hang-loat/{job}", state.job_status),
        Route("/kiem-tra", state.check_page),
        Route("/kiem-tra", p(state.check_files), methods=["POST"]),
        Route("/so-dang-ky", state.register_page),
        Route("/so-dang-ky.xlsx", state.register_xlsx),
        Route("/ky-so", state.sign_page),
        Route("/ky-so", p(state.sign), methods=["POST"]),
        Route("/dang-nhap", state.login_page),
        Route("/dang-nhap", p(state.login), methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            CsrfRefused: state.csrf_error,
            WfhDocError: state.user_error,
            HTTPException: state.http_error,
            Exception: state.server_error,
        },
        middleware=[Middleware(Guard, config=config, auth_value=auth_value)],
        lifespan=_lifespan(state),
    )
    app.state.wfhdoc = state
    app.state.auth_value = auth_value
    return app


def _lifespan(state: App) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            state.close()

    return lifespan
