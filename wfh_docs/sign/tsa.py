"""RFC 3161 time-stamps from a service that may be slow, down or wrong, as the national TSA is (it
answers in 2 to 131 s): one `Timestamper` per run, shared by every signature and thread.

    stamper = Timestamper("http://tsa.example.vn/tsa", timeout=150, retries=3, max_in_flight=4)
    PdfSigner(meta, signer, timestamper=stamper)     # or SignOptions(timestamper=stamper)
    token = stamper.timestamp(digest, "sha256")      # the same, without pyHanko's signer
    stamper = shared("http://tsa.example.vn/tsa")    # the process's one for that URL

pyHanko asks a time-stamper once for a token to measure the signature's size with, then once per
signature; this object asks for that first token once in its life (per digest algorithm), so
one object for a whole run costs one request more, not one more per file.

Each request has a deadline of `timeout` seconds (connecting, sending and reading the whole
answer). A request that times out, cannot connect, gets HTTP 5xx/408/429, or gets an answer that
is not a valid time-stamp (not DER, a token that does not parse, a nonce or message imprint other
than the request's, a token whose signature does not check out) is tried again after a pause of
`backoff`, 2×, 4× … seconds (at most `max_backoff`), less a random part of up to `jitter` of
it, `retries` times. A refusal by the service (PKIStatus rejection) or HTTP 4xx is final. At most
`max_in_flight` requests of this object are open at once, across threads and event loops; a
request waiting for its turn is not timed, nor is resolving the service's host name
(`max_seconds` is the bound of the rest). When no try gave a token, `TimestampError` (a
SigningError) names the service, the number of tries and what went wrong each time: the caller
signing many files catches it for each file and reports that file as left unstamped.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import random
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlsplit

from asn1crypto import cms, core, tsp
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import dummy_digest
from pyhanko.sign.validation.generic_cms import validate_sig_integrity

from ..errors import SigningError
from ..i18n import _, ngettext

__all__ = ["TimeStampResp", "TimestampError", "Timestamper", "shared"]

MAX_ANSWER = 1 << 20  # bytes: a token is a few kB; more is not a time-stamp response


class TimeStampResp(core.Sequence):  # type: ignore[misc]
    """RFC 3161's TimeStampResp, whose token is OPTIONAL (absent from a refusal); asn1crypto's
    `tsp.TimeStampResp` requires it, and so cannot read a refusal."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


class TimestampError(SigningError):
    """No time-stamp from `url` after `attempts` tries; `reasons` says why, one per try (in the
    run's language). The document it was asked for is left unstamped."""

    def __init__(self, url: str, attempts: int, reasons: list[str]) -> None:
        self.url = url
        self.attempts = attempts
        self.reasons = tuple(reasons)
        head = ngettext(
            "the time-stamping service {url} gave no time-stamp ({count} try): {reason}",
            "the time-stamping service {url} gave no time-stamp ({count} tries): {reason}",
            attempts,
        )
        super().__init__(head.format(url=url, count=attempts, reason="; ".join(dict.fromkeys(reasons))))


class _Retry(Exception):
    """This try failed in a way another try may not: the reason, said."""


class _Final(Exception):
    """The service answered, and the answer is no: trying again would get the same."""


class Timestamper(TimeStamper):
    """A pyHanko `TimeStamper` for the RFC 3161 service at `url` (http or https), with a
    deadline, retries and a bound on requests in flight; see the module's docstring.

    `auth`: (user, password) for HTTP Basic, or the whole Authorization header value.
    `proxy`: "http://[user:password@]host:port" ("" for none; default: http_proxy/https_proxy
    and no_proxy from the environment, as requests and curl read them).
    `semaphore`: to share one bound between several Timestamper objects (default: their own,
    of `max_in_flight`). `sleep` is for the tests."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 150.0,
        retries: int = 3,
        backoff: float = 2.0,
        max_backoff: float = 60.0,
        jitter: float = 0.5,
        max_in_flight: int = 4,
        auth: tuple[str, str] | str | None = None,
        headers: dict[str, str] | None = None,
        semaphore: threading.Semaphore | None = None,
        proxy: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SigningError(
                _("the time-stamping service's address is not an http(s) URL: {url}").format(url=url)
            )
        if min(timeout, max_in_flight) <= 0 or min(retries, backoff, max_backoff) < 0 or not 0 <= jitter <= 1:
            raise SigningError(
                _(
                    "time-stamping settings out of range: the timeout and the requests at once must be "
                    "more than 0, the retries and pauses not less than 0"
                )
            )
        super().__init__(include_nonce=True)  # type: ignore[no-untyped-call]
        self.url, self.timeout, self.retries = url, float(timeout), int(retries)
        self.backoff, self.max_backoff, self.jitter = float(backoff), float(max_backoff), float(jitter)
        self.max_in_flight = max_in_flight
        self._slots = semaphore or threading.BoundedSemaphore(max_in_flight)
        self._headers = {
            **(headers or {}),
            "Content-Type": "application/timestamp-query",
            "Accept": "application/timestamp-reply",
        }
        if auth is not None:
            self._headers["Authorization"] = auth if isinstance(auth, str) else _basic(auth)
        self._sleep = sleep
        self._proxy = _proxy_for(url, proxy)
        self._random = random.Random()
        self._lock = threading.Lock()  # the cached dummy token and the certificates pyHanko keeps

    # -- the bound -------------------------------------------------------------------------

    def pause(self, attempt: int) -> float:
        """The longest pause after failed try number `attempt` (0-based)."""
        return min(self.max_backoff, self.backoff * float(2**attempt))

    @property
    def max_seconds(self) -> float:
        """The longest one `timestamp()` takes once its requests have their turn: every try at its
        deadline, and every pause at its longest."""
        return (self.retries + 1) * self.timeout + sum(self.pause(i) for i in range(self.retries))

    # -- pyHanko's interface ---------------------------------------------------------------

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        return await asyncio.to_thread(self.timestamp, message_digest, md_algorithm)

    async def async_dummy_response(self, md_algorithm: str) -> cms.ContentInfo:
        """pyHanko's token to measure a signature's size with: asked once per digest algorithm
        for this object, however many threads sign at once."""
        return await asyncio.to_thread(self._dummy, md_algorithm)

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """One try, as pyHanko's base class defines it (OSError when it fails)."""

        def once() -> tsp.TimeStampResp:
            try:
                answer = self._post(req.dump())
                _parse(answer)
                return tsp.TimeStampResp.load(answer)
            except (_Retry, _Final) as exc:
                raise OSError(str(exc)) from None

        return await asyncio.to_thread(once)

    def _dummy(self, md_algorithm: str) -> cms.ContentInfo:
        with self._lock:
            token = self._dummy_response_cache.get(md_algorithm)
            if token is None:
                token = self.timestamp(dummy_digest(md_algorithm), md_algorithm)
                self._register_dummy(md_algorithm, token)  # type: ignore[no-untyped-call]
            return token

    # -- the work --------------------------------------------------------------------------

    def timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        """A checked time-stamp token for `message_digest` (made with `md_algorithm`), blocking
        until one try succeeds; TimestampError when none does."""
        reasons: list[str] = []
        for attempt in range(self.retries + 1):
            if attempt:
                longest = self.pause(attempt - 1)
                self._sleep(longest * (1 - self.jitter * self._random.random()))
            nonce, req = self.request_cms(message_digest, md_algorithm)  # type: ignore[no-untyped-call]
            try:
                with self._slots:
                    answer = self._post(req.dump())
                return _checked(_parse(answer), nonce, req)
            except _Retry as exc:
                reasons.append(str(exc))
            except _Final as exc:
                reasons.append(str(exc))
                raise TimestampError(self.url, attempt + 1, reasons) from None
        raise TimestampError(self.url, self.retries + 1, reasons)

    def _connection(self) -> tuple[http.client.HTTPConnection, str, dict[str, str]]:
        """A connection to the service (through the proxy, if any), the request's target and
        headers."""
        parts = urlsplit(self.url)
        https = parts.scheme == "https"
        kind = http.client.HTTPSConnection if https else http.client.HTTPConnection
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if self._proxy is None:
            return kind(str(parts.hostname), parts.port, timeout=self.timeout), target, self._headers
        via = urlsplit(self._proxy if "://" in self._proxy else f"http://{self._proxy}")
        conn = kind(str(via.hostname), via.port or 80, timeout=self.timeout)
        said: dict[str, str] = {}
        if via.username:
            user = urllib.parse.unquote(via.username), urllib.parse.unquote(via.password or "")
            said["Proxy-Authorization"] = _basic(user)
        if https:  # a tunnel (CONNECT) to the service, TLS inside it
            conn.set_tunnel(str(parts.hostname), parts.port or 443, headers=said)
            return conn, target, self._headers
        return conn, self.url, {**self._headers, **said}  # a plain proxy takes the whole URL

    def _post(self, body: bytes) -> bytes:
        """The body of the service's answer to `body`, all within `timeout` seconds."""
        deadline = time.monotonic() + self.timeout
        conn, target, headers = self._connection()
        response: http.client.HTTPResponse | None = None
        try:
            conn.connect()
            sock = conn.sock
            conn.request("POST", target, body=body, headers=headers)
            _within(sock, deadline)
            response = conn.getresponse()
            data = _read(response, sock, deadline)
        except TimeoutError:
            raise _Retry(_("no answer within {seconds} s").format(seconds=_num(self.timeout))) from None
        except http.client.HTTPException as exc:
            raise _Retry(_("not an HTTP answer ({reason})").format(reason=type(exc).__name__)) from None
        except OSError as exc:
            raise _Retry(_("cannot connect ({reason})").format(reason=exc.strerror or exc)) from None
        finally:
            if response is not None:
                response.close()
            conn.close()
        status = response.status
        if status != 200:
            said = _("HTTP {status} {reason}").format(status=status, reason=response.reason).strip()
            if status >= 500 or status in (408, 429):
                raise _Retry(said)
            raise _Final(said)
        return data


_SHARED: dict[tuple[Any, ...], Timestamper] = {}
_SHARED_LOCK = threading.Lock()


def shared(url: str, **settings: Any) -> Timestamper:
    """The one Timestamper of this process for `url` with `settings` (Timestamper's keywords):
    every signature of a run through it shares its bound on requests in flight and its
    size-estimate token."""
    key = (url, *sorted((k, repr(v)) for k, v in settings.items()))
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = Timestamper(url, **settings)
        return _SHARED[key]


def _proxy_for(url: str, proxy: str | None) -> str | None:
    """The proxy to reach `url` through: `proxy` ("" for none), else the environment's
    (http_proxy, https_proxy, no_proxy), as requests and urllib take it."""
    if proxy is not None:
        return proxy or None
    host = urlsplit(url).hostname or ""
    if host in ("localhost", "::1") or host.startswith("127.") or urllib.request.proxy_bypass(host):
        return None  # this machine is never reached through a proxy
    return urllib.request.getproxies().get(urlsplit(url).scheme)


def _basic(auth: tuple[str, str]) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")


def _num(seconds: float) -> str:
    return f"{seconds:g}"


def _within(sock: Any, deadline: float) -> None:
    """The socket's timeout set to what is left before `deadline` (a timeout when nothing is)."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    sock.settimeout(left)


def _read(response: http.client.HTTPResponse, sock: Any, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        _within(sock, deadline)
        chunk = response.read1(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_ANSWER:
            raise _Retry(_("an answer of more than {limit} bytes").format(limit=MAX_ANSWER))
        chunks.append(chunk)


def _parse(data: bytes) -> TimeStampResp:
    """The answer as a TimeStampResp, read through (asn1crypto parses lazily)."""
    try:
        response = TimeStampResp.load(data, strict=True)
        response["status"].native  # noqa: B018 - parsed now, not at first use
        return cast(TimeStampResp, response)
    except (ValueError, TypeError, KeyError) as exc:
        raise _Retry(
            _("the answer is not a time-stamp response ({reason})").format(reason=_short(exc))
        ) from None


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def _checked(response: TimeStampResp, nonce: int | None, req: tsp.TimeStampReq) -> cms.ContentInfo:
    """The token in `response`, once it is granted and answers `req`."""
    info = response["status"]
    status = info["status"].native
    if status not in ("granted", "granted_with_mods"):
        said = "; ".join(info["status_string"].native or []) or "-"
        failure = ", ".join(sorted(info["fail_info"].native or [])) or "-"
        refusal = _("the service refused ({status}: {text}; failure: {failure})").format(
            status=status, text=said, failure=failure
        )
        if status == "waiting":
            raise _Retry(refusal)
        raise _Final(refusal)
    try:
        token = response["time_stamp_token"]
        signed = token["content"]
        tst_info = signed["encap_content_info"]["content"].parsed
        got_nonce = tst_info["nonce"].native
        imprint = tst_info["message_imprint"]
        same_imprint = imprint.dump() == req["message_imprint"].dump()
        intact, valid = _signature(signed)
    except (ValueError, TypeError, KeyError, AttributeError, NotImplementedError) as exc:
        raise _Retry(_("the time-stamp token cannot be read ({reason})").format(reason=_short(exc))) from None
    if nonce is not None and got_nonce != nonce:
        raise _Retry(_("the answer's nonce is not the request's: an answer to another request"))
    if not same_imprint:
        raise _Retry(_("the token time-stamps another digest than the document's (message imprint)"))
    if not (intact and valid):
        raise _Retry(_("the time-stamp token's signature does not check out"))
    return token


def _signature(signed: cms.SignedData) -> tuple[bool, bool]:
    """Whether the token's signed attributes hold the digest of its TSTInfo, and whether the
    TSA's signature over them checks out with the certificate it sent (trust is judged later,
    by whoever validates the signature)."""
    signer = extract_certificate_info(signed).signer_cert
    (signer_info,) = signed["signer_infos"]
    algorithm = signer_info["digest_algorithm"]["algorithm"].native
    content = bytes(signed["encap_content_info"]["content"])
    digest = hashlib.new(algorithm, content).digest()
    return validate_sig_integrity(signer_info, signer, "tst_info", digest)
