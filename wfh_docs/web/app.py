"""The browser app put together: its pages' routes, the guard in front of them, its error pages.
Each route (in pages/) reads the request, calls the library, and renders a page or a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from starlette import formparsers
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from wfh_docs.errors import WfhDocError
from wfh_docs.i18n import _, language, using
from wfh_docs.web.config import WebConfig
from wfh_docs.web.forms import app_of
from wfh_docs.web.guard import CsrfRefused, Guard, RequestTooLarge
from wfh_docs.web.pages import batch, check, compose, login, register, sign
from wfh_docs.web.state import App

__all__ = ["App", "create_app"]

log = logging.getLogger("wfh_docs.web")

HERE = Path(__file__).resolve().parent


def create_app(config: WebConfig | None = None) -> Starlette:
    config = config or WebConfig()
    state = App(config)
    # the login cookie's value: a MAC of a fixed text under a key that lives as long as the
    # process, so a restart logs everyone out and the token itself never travels in a cookie
    auth_value = hmac.new(secrets.token_bytes(32), b"wfhdoc-web-login", hashlib.sha256).hexdigest()
    # uploads are held in memory up to the request limit, so that they are only ever written
    # into the app's private folder, never spooled into the system's shared temporary folder
    formparsers.MultiPartParser.spool_max_size = config.max_body_bytes
    routes: list[BaseRoute] = [
        *login.routes(),
        *compose.routes(),
        *batch.routes(),
        *check.routes(),
        *register.routes(),
        *sign.routes(),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            CsrfRefused: csrf_error,
            WfhDocError: user_error,
            HTTPException: http_error,
            Exception: server_error,
        },
        middleware=[Middleware(Guard, config=config, auth_value=auth_value)],
        lifespan=_lifespan(state),
    )
    app.state.wfhdoc = state
    app.state.auth_value = auth_value
    return app


async def user_error(request: Request, exc: Exception) -> Response:
    status = 413 if isinstance(exc, RequestTooLarge) else 400
    return app_of(request).page(request, "error.html", status, error=str(exc))


async def csrf_error(request: Request, exc: Exception) -> Response:
    text = _(
        "The request was refused: the form's security code is missing or out of date. "
        "Reload the page and try again."
    )
    return app_of(request).page(request, "error.html", 403, error=text)


async def http_error(request: Request, exc: Exception) -> Response:
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    text = {
        404: _("There is no such page (or the batch has expired)."),
        405: _("This page cannot be used that way."),
    }.get(code, _("The request could not be served."))
    return app_of(request).page(request, "error.html", code, error=text)


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("error serving %s %s", request.method, request.url.path, exc_info=exc)
    with using(str(request.scope.get("wfhdoc", {}).get("lang", "")) or language()):
        return _server_error_page(request)


def _server_error_page(request: Request) -> Response:
    text = _(
        "Something went wrong on the server. Nothing was saved; try again, and if it happens "
        "again tell the person who looks after wfhdoc (the details are in the server's log)."
    )
    return app_of(request).page(request, "error.html", 500, error=text)


def _lifespan(state: App) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            state.close()

    return lifespan
