"""A local RFC 3161 time-stamping service for the tests, on 127.0.0.1 and a free port, signing its
tokens with the test PKI's TSA (tests/pki.py) through pyHanko's DummyTimeStamper (asn1crypto's
TimeStampResp, TSTInfo and CMS SignedData), and misbehaving on demand like a real one:

    with TsaServer(pki) as tsa:                     # tsa.url: http://127.0.0.1:PORT/tsa
        tsa.behave(delay=2.0, first=1)              # the first request answered after 2 s
        tsa.behave(mode="http500")                  # every request: HTTP 500
        tsa.behave(mode="garbage", first=2)         # two answers of random bytes, then good ones
        tsa.requests, tsa.peak                      # requests received; most at once

Modes: ok, http500, http404, garbage, wrong_nonce, wrong_imprint, rejection, bad_signature.
`delay` holds each answer that many seconds; `gather=N` holds requests until N are there to be answered
together (or 5 s pass), so that a test can see how many a client lets be in flight. `first=K`
applies the mode and delay to the first K requests only (counted from this call), then behaves.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from asn1crypto import core, tsp
from pki import Pki, dummy_timestamper

from wfh_docs.sign.tsa import TimeStampResp

MODES = ("ok", "http500", "http404", "garbage", "wrong_nonce", "wrong_imprint", "rejection", "bad_signature")


@dataclasses.dataclass
class Behaviour:
    mode: str = "ok"
    delay: float = 0.0
    first: int | None = None  # how many requests misbehave (None: all)
    gather: int = 0


class TsaServer:
    """The service; a context manager that starts and stops it."""

    def __init__(self, pki: Pki) -> None:
        self.stamper = dummy_timestamper(pki)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._behaviour = Behaviour()
        self._barrier: threading.Barrier | None = None
        self._since = 0  # requests at the last behave()
        self.requests = 0  # requests received
        self.in_flight = 0
        self.peak = 0
        self.answered = 0  # good tokens sent
        self.paths: list[str] = []  # the request lines' targets (a whole URL through a proxy)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}/tsa"
        self._thread = threading.Thread(target=server.serve_forever, name="tsa-server", daemon=True)

    def __enter__(self) -> TsaServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        with self._lock:
            if self._barrier is not None:
                self._barrier.abort()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def behave(
        self, mode: str = "ok", *, delay: float = 0.0, first: int | None = None, gather: int = 0
    ) -> None:
        assert mode in MODES, mode
        with self._lock:
            self._behaviour = Behaviour(mode, delay, first, gather)
            self._barrier = threading.Barrier(gather) if gather else None
            self._since = self.requests
            self.peak = self.in_flight

    # -- one request -------------------------------------------------------------------------

    def _enter(self) -> Behaviour:
        """Count the request in; what to do with it."""
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            rule = self._behaviour
            if rule.first is not None and self.requests - self._since > rule.first:
                return Behaviour()
            barrier = self._barrier
        if rule.gather and barrier is not None:
            # released together, `gather` at a time; when fewer came within 5 s, answered anyway
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(5)
        return rule

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def answer(self, body: bytes, mode: str) -> tuple[int, bytes]:
        """(HTTP status, body) for a request `body`, in `mode`."""
        if mode == "http500":
            return 500, b"Internal Server Error"
        if mode == "http404":
            return 404, b"Not Found"
        if mode == "garbage":
            return 200, os.urandom(300)
        req = tsp.TimeStampReq.load(body)
        if mode == "rejection":
            status = tsp.PKIStatusInfo(
                {
                    "status": "rejection",
                    "status_string": ["unsupported algorithm"],
                    "fail_info": tsp.PKIFailureInfo({"bad_alg"}),
                }
            )
            return 200, TimeStampResp({"status": status}).dump()
        if mode == "wrong_nonce":
            req = _with(req, nonce=core.Integer(req["nonce"].native + 1))
        if mode == "wrong_imprint":
            imprint = req["message_imprint"]
            other = bytes(b ^ 0xFF for b in imprint["hashed_message"].native)
            req = _with(
                req,
                message_imprint=tsp.MessageImprint(
                    {"hash_algorithm": imprint["hash_algorithm"], "hashed_message": other}
                ),
            )
        response = self.stamper.request_tsa_response(req)
        with self._lock:
            self.answered += 1
        return 200, _spoil(response) if mode == "bad_signature" else response.dump()


def _with(req: tsp.TimeStampReq, **changes: Any) -> tsp.TimeStampReq:
    fields = {name: req[name] for name in ("version", "message_imprint", "nonce", "cert_req")}
    fields.update(changes)
    return tsp.TimeStampReq(fields)


def _spoil(response: tsp.TimeStampResp) -> bytes:
    """The response, DER, with one bit of the TSA's signature flipped."""
    der = bytearray(response.dump())
    signature = response["time_stamp_token"]["content"]["signer_infos"][0]["signature"].native
    at = bytes(der).find(signature)
    der[at + len(signature) - 1] ^= 0x01
    return bytes(der)


def _handler(service: TsaServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            rule = service._enter()
            service.paths.append(self.path)
            left = False
            try:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if rule.delay and service._stop.wait(rule.delay):
                    return
                status, data = service.answer(body, rule.mode)
                # out of the count before the answer goes: a client that has read it may send
                # its next request at once, and that one must not be counted with this one
                service._leave()
                left = True
                self.send_response(status)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: what a slow service sees too
            finally:
                if not left:
                    service._leave()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
            pass

    return Handler
