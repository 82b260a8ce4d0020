"""Đăng nhập: the password of an app shared on the office network (`--host`), with a limit on
wrong passwords per computer; the start page."""

from __future__ import annotations

import math
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from wfh_docs.i18n import _
from wfh_docs.web.forms import app_of, read_form
from wfh_docs.web.guard import auth_cookie, protected


def routes() -> list[Route]:
    return [
        Route("/", home),
        Route("/dang-nhap", login_page),
        Route("/dang-nhap", protected(login), methods=["POST"]),
    ]


async def home(request: Request) -> Response:
    return RedirectResponse("/soan", status_code=303)


def next_path(value: str | None) -> str:
    """Only a path on this site (no //host, no scheme) is followed after the login."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/soan"


async def login_page(request: Request) -> Response:
    return app_of(request).page(request, "login.html", next=next_path(request.query_params.get("next")))


async def login(request: Request) -> Response:
    app = app_of(request)
    form = await read_form(request)
    given = form.get("token")
    nxt = form.get("next")
    target = next_path(nxt if isinstance(nxt, str) else None)
    client = request.client.host if request.client else ""
    wait = app.logins.blocked(client)
    if wait:
        seconds = math.ceil(wait)
        error = _("Too many wrong passwords from this computer: try again in {n} s.").format(n=seconds)
        response = app.page(request, "login.html", 429, next=target, error=error)
        response.headers["Retry-After"] = str(seconds)
        return response
    if (
        not app.config.token
        or not isinstance(given, str)
        or not secrets.compare_digest(given.encode(), app.config.token.encode())
    ):
        app.logins.failure(client)
        return app.page(request, "login.html", 401, next=target, error=_("The password is not right."))
    app.logins.success(client)
    done = RedirectResponse(target, status_code=303)
    done.raw_headers.append((b"set-cookie", auth_cookie(request.app.state.auth_value).encode("latin-1")))
    return done
