"""The guard every request passes: the Host header (against DNS rebinding on loopback), the login
(with a limit on wrong passwords), the CSRF token of every POST, the language, the body's size."""

from __future__ import annotations

import functools
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wfh_docs.errors import WfhDocError
from wfh_docs.i18n import _, normalise, using
from wfh_docs.web.config import LOOPBACK_NAMES, WebConfig
from wfh_docs.web.forms import read_form

CSRF_COOKIE = "wfhdoc_csrf"
AUTH_COOKIE = "wfhdoc_auth"
LANG_COOKIE = "wfhdoc_lang"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
# Wrong passwords allowed from one client within LOGIN_WINDOW seconds: enough for typing mistakes,
# too few to guess a password of 8 characters or more
LOGIN_TRIES = 5
LOGIN_WINDOW = 60.0

Handler = Callable[[Request], Awaitable[Response]]

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
        cookies = self._cookies(scope, request, asked, lang)
        refusal = self._refusal(scope, request, cookies)
        if refusal is not None:
            await refusal(scope, receive, send)
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
    def _cookies(scope: Scope, request: Request, asked: str | None, lang: str) -> list[str]:
        """The cookies to set (a CSRF token when there is none yet, the language asked for); the
        request's token and language go into the scope for the routes."""
        csrf = request.cookies.get(CSRF_COOKIE, "")
        cookies: list[str] = []
        if len(csrf) < 32:
            csrf = secrets.token_urlsafe(32)
            cookies.append(f"{CSRF_COOKIE}={csrf}; Path=/; SameSite=Strict")
        if asked:
            cookies.append(f"{LANG_COOKIE}={lang}; Path=/; SameSite=Strict; Max-Age=31536000")
        scope["wfhdoc"] = {"csrf": csrf, "lang": lang, "cookie_csrf": request.cookies.get(CSRF_COOKIE, "")}
        return cookies

    def _refusal(self, scope: Scope, request: Request, cookies: list[str]) -> Response | None:
        """The answer to a request that goes no further: another Host on loopback, no login, a
        body declared larger than the limit. None lets it through."""
        host = (request.url.hostname or "").strip("[]").lower()
        if self.config.loopback and host not in LOOPBACK_NAMES:
            return _page_message(400, _("This address is not served here; open http://127.0.0.1 instead."))
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
                return self._send_with(response, cookies)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.config.max_body_bytes:
            return _page_message(
                413,
                _("The upload is too large: at most {size} MB at once.").format(
                    size=self.config.max_body_bytes >> 20
                ),
            )
        return None

    @staticmethod
    def _send_with(response: Response, cookies: list[str]) -> Response:
        for c in cookies:
            response.raw_headers.append((b"set-cookie", c.encode("latin-1")))
        return response


def auth_cookie(value: str) -> str:
    return f"{AUTH_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict"


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


class LoginLimiter:
    """At most `tries` wrong passwords per client (its address) within `window` seconds; then the
    login answers 429 until the oldest try is older than the window."""

    def __init__(self, tries: int = LOGIN_TRIES, window: float = LOGIN_WINDOW) -> None:
        self.tries = tries
        self.window = window
        self.failed: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self.failed.setdefault(client, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def blocked(self, client: str) -> float:
        """Seconds until `client` may try again; 0 when it may now."""
        now = time.monotonic()
        with self.lock:
            times = self._recent(client, now)
            wait = self.window - (now - times[0]) if len(times) >= self.tries else 0.0
            if not times:
                self.failed.pop(client, None)  # the table does not grow with every client seen
        return max(0.0, wait)

    def failure(self, client: str) -> None:
        now = time.monotonic()
        with self.lock:
            self._recent(client, now).append(now)

    def success(self, client: str) -> None:
        with self.lock:
            self.failed.pop(client, None)
