"""Kiểm tra văn bản: one or many .docx typed in Word, every finding of `wfhdoc check` grouped by
the part of the letter it is about, with the pages beside them; and, when `check --fix` can fix
some of them, the fixed letter to download, with what it fixed and what is left for a person."""

from __future__ import annotations

import secrets
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wfh_docs.check import Finding, check_file
from wfh_docs.check.fix import fix_docx
from wfh_docs.errors import WfhDocError
from wfh_docs.i18n import N_, _
from wfh_docs.web.files import Saved, save_upload, shown_name
from wfh_docs.web.forms import DOCX, app_of, attachment, read_form, uploads
from wfh_docs.web.guard import protected
from wfh_docs.web.preview import pages_of, soffice_missing

# The parts of a letter, in its order, by the checker's rule prefix.
PARTS: list[tuple[str, str]] = [
    ("file", N_("The file")),
    ("page", N_("Paper and margins")),
    ("font", N_("Font")),
    ("quoc_hieu", N_("Quốc hiệu")),
    ("tieu_ngu", N_("Tiêu ngữ")),
    ("issuer", N_("Issuing agency")),
    ("number", N_("Number and symbol")),
    ("date", N_("Place and date")),
    ("type_name", N_("Tên loại")),
    ("type_subject", N_("Trích yếu")),
    ("subject", N_("Trích yếu (V/v)")),
    ("telegram", N_("Công điện")),
    ("recipients", N_("Kính gửi")),
    ("decision", N_("Thẩm quyền ban hành")),
    ("can_cu", N_("Căn cứ")),
    ("article", N_("Điều")),
    ("invitation", N_("Giấy mời")),
    ("minutes", N_("Biên bản")),
    ("body", N_("Body")),
    ("authority", N_("Authority and title of the signer")),
    ("signer", N_("Signer's name")),
    ("cc", N_("Nơi nhận")),
    ("page_number", N_("Page numbers")),
    ("appendix", N_("Phụ lục")),
    ("copy", N_("Bản sao")),
    ("text", N_("Text and characters")),
    ("template", N_("Template tags")),
]
_PART_ORDER = {key: i for i, (key, _title) in enumerate(PARTS)}
_PART_TITLE = dict(PARTS)


MAX_FIXED = 50  # fixed letters kept to download, per app


@dataclass
class _Fixed:
    """The fixed letters made here, each under a key no one can guess, in the app's scratch."""

    folder: Path
    letters: dict[str, tuple[Path, str]] = field(default_factory=dict)  # key -> (file, download name)

    def keep(self, data: bytes, name: str) -> str:
        if len(self.letters) >= MAX_FIXED:
            path, _name = self.letters.pop(next(iter(self.letters)))
            path.unlink(missing_ok=True)
        key = secrets.token_urlsafe(12)
        path = self.folder / f"{key}.docx"
        path.write_bytes(data)
        self.letters[key] = (path, name)
        return key


_STORES: weakref.WeakKeyDictionary[Any, _Fixed] = weakref.WeakKeyDictionary()


def _store(request: Request) -> _Fixed:
    app = app_of(request)
    if app not in _STORES:
        _STORES[app] = _Fixed(app.scratch.folder("sua-"))
    return _STORES[app]


def routes() -> list[Route]:
    return [
        Route("/kiem-tra", check_page),
        Route("/kiem-tra", protected(check_files), methods=["POST"]),
        Route("/kiem-tra/ban-sua/{key}", fixed_letter),
    ]


async def fixed_letter(request: Request) -> Response:
    """A fixed letter made here, as a download."""
    found = _store(request).letters.get(str(request.path_params.get("key", "")))
    if found is None or not found[0].exists():
        raise HTTPException(404)
    path, name = found
    return attachment(path.read_bytes(), name, DOCX)


def grouped(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """The findings by the part of the letter their rule is about, the parts in the letter's
    order, the findings of each as found; each finding names its element on the page."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.rule.split(".", 1)[0], []).append(f)
    keys = sorted(groups, key=lambda k: _PART_ORDER.get(k, len(PARTS)))
    return [(_(_PART_TITLE[k]) if k in _PART_TITLE else k, groups[k]) for k in keys]


async def check_page(request: Request) -> Response:
    return app_of(request).page(request, "check.html", results=[], soffice=soffice_missing())


async def check_files(request: Request) -> Response:
    app = app_of(request)
    form = await read_form(request)
    files = uploads(form, "files")
    if not files:
        raise WfhDocError(_("Choose one or more .docx files."))
    if len(files) > app.config.max_files:
        raise WfhDocError(_("Too many files at once: at most {n}.").format(n=app.config.max_files))
    results: list[dict[str, Any]] = []
    with app.scratch.request_folder() as folder:
        readable: list[tuple[dict[str, Any], Saved]] = []
        for i, upload in enumerate(files):
            item: dict[str, Any] = {
                "name": shown_name(upload.filename),
                "error": "",
                "groups": [],
                "pages": None,
                "fix": None,
            }
            results.append(item)
            try:
                saved = await save_upload(
                    upload, folder, kinds=("docx",), limit=app.config.max_file_bytes, name=f"van-ban-{i + 1}"
                )
                findings = await run_in_threadpool(check_file, saved.path)
            except WfhDocError as exc:  # named as the clerk knows the file
                saved_as = str(folder / f"van-ban-{i + 1}.docx")
                item["error"] = str(exc).replace(saved_as, item["name"]).replace(str(folder), "")
                continue
            item["errors"] = sum(f.severity == "error" for f in findings)
            item["warnings"] = len(findings) - item["errors"]
            item["groups"] = grouped(findings)
            item["fix"] = await _fix(request, saved, findings)
            readable.append((item, saved))
        if readable and form.get("pages") == "1":
            drawn = await run_in_threadpool(pages_of, [s.path for _i, s in readable], folder)
            for (item, _saved), pages in zip(readable, drawn, strict=True):
                item["pages"] = pages
    return app.page(request, "check.html", results=results, soffice=soffice_missing())


async def _fix(request: Request, saved: Saved, findings: list[Finding]) -> dict[str, Any] | None:
    """What `check --fix` does to the letter: the fixed letter's download, what it fixed and
    what is left; None when it can fix nothing (or cannot rewrite the file)."""
    if not findings:
        return None
    try:
        fixed = await run_in_threadpool(fix_docx, saved.path, name=saved.shown)
    except WfhDocError:  # a part it must change is damaged: the findings say what to do
        return None
    if fixed.data is None:
        return None
    key = _store(request).keep(fixed.data, f"{saved.stem}-fixed.docx")
    return {
        "url": f"/kiem-tra/ban-sua/{key}",
        "fixed": fixed.fixed,
        "left": fixed.after,
        "passes": fixed.passes,
    }
