"""The app's state, one per server: its configuration, scratch space, batches, the PDFs made here
(for the signing page), the login limiter and the Jinja environment of its pages."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from wfh_docs import __version__
from wfh_docs.check.finding import shown
from wfh_docs.i18n import N_, _, language, using
from wfh_docs.web.config import WebConfig
from wfh_docs.web.files import Scratch
from wfh_docs.web.forms import json_default
from wfh_docs.web.guard import LoginLimiter, csrf_of
from wfh_docs.web.jobs import Jobs

HERE = Path(__file__).resolve().parent
MAX_MADE = 50  # PDFs kept for the signing page
# The register's states of a number, as the văn thư says them.
STATUSES = {"issued": N_("issued"), "reserved": N_("reserved, letter not yet made")}


def status_text(status: str) -> str:
    return _(STATUSES[status]) if status in STATUSES else status


class App:
    """The app's state: its configuration, scratch space, batches and the PDFs made here."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.scratch = Scratch()
        self.jobs = Jobs(self.scratch, config.job_lifetime)
        self.made: dict[str, tuple[Path, str]] = {}  # id -> (PDF, its download name)
        self.made_folder = self.scratch.folder("pdf-")
        self.logins = LoginLimiter()
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
        self.env.globals["shown"] = shown  # a finding's found/expected in the page's language

    def close(self) -> None:
        self.jobs.close()
        self.scratch.close()

    def page(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        """The page `name` in the request's language, which the guard chose: the server's error
        page is rendered outside the guard, whose context has ended by then."""
        values.setdefault("error", "")
        lang = str(request.scope.get("wfhdoc", {}).get("lang", "")) or language()
        with using(lang):
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
