"""Time-stamps from a service that is slow, down or wrong (wfh_docs.sign.tsa), against the local
RFC 3161 responder of tests/tsa_server.py. What is asserted is what the server counted (requests,
requests at once) and what the client was told to wait (its recorded pauses, bounded by its
settings), never the wall clock."""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Iterator

import pytest
from pki import PASSPHRASE, Pki, make_pki
from tsa_server import TsaServer

from wfh_docs import i18n
from wfh_docs.errors import SigningError
from wfh_docs.sign.tsa import Timestamper, TimestampError, shared

DIGEST = hashlib.sha256("Số: 451/SCT-VP".encode()).digest()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def tsa(pki: Pki) -> Iterator[TsaServer]:
    with TsaServer(pki) as server:
        yield server


class Pauses:
    """A sleep that only records what it was asked to wait."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


def _stamper(url: str, pauses: Pauses | None = None, **settings: float) -> Timestamper:
    options: dict[str, float] = {"timeout": 5.0, "retries": 2, "backoff": 1.0} | settings
    return Timestamper(url, sleep=pauses or Pauses(), **options)  # type: ignore[arg-type]


def _gen_time_and_imprint(token: object) -> tuple[object, bytes]:
    info = token["content"]["encap_content_info"]["content"].parsed  # type: ignore[index]
    return info["gen_time"].native, info["message_imprint"]["hashed_message"].native


def test_a_good_answer_is_a_checked_token(tsa: TsaServer) -> None:
    token = _stamper(tsa.url).timestamp(DIGEST, "sha256")
    when, imprint = _gen_time_and_imprint(token)
    assert imprint == DIGEST and when is not None
    assert (tsa.requests, tsa.answered) == (1, 1)


def test_a_slow_answer_times_out_and_the_next_try_succeeds(tsa: TsaServer) -> None:
    tsa.behave(delay=3.0, first=1)  # longer than the client's deadline, once
    pauses = Pauses()
    stamper = _stamper(tsa.url, pauses, timeout=1.0, retries=2, backoff=0.5, jitter=0.5)
    token = stamper.timestamp(DIGEST, "sha256")
    assert _gen_time_and_imprint(token)[1] == DIGEST
    assert tsa.requests == 2 and tsa.answered == 1  # the slow one was never answered
    (pause,) = pauses.asked
    assert 0.25 <= pause <= 0.5  # the first pause: backoff, less at most half of it


def test_a_service_always_down_fails_after_every_try_with_a_clear_error(tsa: TsaServer) -> None:
    tsa.behave("http500")
    pauses = Pauses()
    stamper = _stamper(tsa.url, pauses, timeout=2.0, retries=3, backoff=1.0, max_backoff=3.0, jitter=0.2)
    with pytest.raises(TimestampError) as caught:
        stamper.timestamp(DIGEST, "sha256")
    error = caught.value
    assert isinstance(error, SigningError)
    assert tsa.requests == 4 and error.attempts == 4
    assert error.url == tsa.url and tsa.url in str(error)
    assert "4 tries" in str(error) and "HTTP 500" in str(error)
    # exponential, capped, jittered: each pause within [80 %, 100 %] of 1, 2, 3 (capped) s
    assert len(pauses.asked) == 3
    for asked, longest in zip(pauses.asked, (1.0, 2.0, 3.0), strict=True):
        assert 0.8 * longest <= asked <= longest
    # the bound a caller can plan with: 4 tries at their deadline and every pause at its longest
    assert stamper.max_seconds == 4 * 2.0 + 1.0 + 2.0 + 3.0


def test_a_service_that_does_not_listen(pki: Pki) -> None:
    with TsaServer(pki) as server:
        url = server.url
    stamper = _stamper(url, retries=1, backoff=0.0)
    with pytest.raises(TimestampError, match="cannot connect") as caught:
        stamper.timestamp(DIGEST, "sha256")
    assert caught.value.attempts == 2


def test_the_first_failures_are_retried(tsa: TsaServer) -> None:
    tsa.behave("http500", first=2)
    token = _stamper(tsa.url, retries=2).timestamp(DIGEST, "sha256")
    assert _gen_time_and_imprint(token)[1] == DIGEST
    assert (tsa.requests, tsa.answered) == (3, 1)


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("garbage", "not a time-stamp response"),
        ("wrong_nonce", "nonce is not the request's"),
        ("wrong_imprint", "another digest than the document's"),
        ("bad_signature", "signature does not check out"),
    ],
)
def test_a_wrong_answer_is_retried_then_said(tsa: TsaServer, mode: str, said: str) -> None:
    tsa.behave(mode)
    with pytest.raises(TimestampError, match=said) as caught:
        _stamper(tsa.url, retries=1).timestamp(DIGEST, "sha256")
    assert caught.value.attempts == 2 == tsa.requests


@pytest.mark.parametrize(
    ("mode", "said"),
    [("rejection", "refused (rejection: unsupported algorithm; failure: bad_alg)"), ("http404", "HTTP 404")],
)
def test_a_refusal_is_final(tsa: TsaServer, mode: str, said: str) -> None:
    tsa.behave(mode)
    with pytest.raises(TimestampError) as caught:
        _stamper(tsa.url, retries=3).timestamp(DIGEST, "sha256")
    assert said in str(caught.value)
    assert caught.value.attempts == 1 == tsa.requests


def test_a_wrong_answer_then_a_good_one(tsa: TsaServer) -> None:
    tsa.behave("wrong_nonce", first=1)
    token = _stamper(tsa.url).timestamp(DIGEST, "sha256")
    assert _gen_time_and_imprint(token)[1] == DIGEST and tsa.requests == 2


def test_no_more_requests_in_flight_than_allowed(tsa: TsaServer) -> None:
    """Six threads share one Timestamper allowing two at once; the server holds every request
    until two are open (or 5 s pass), so a client letting more through would be seen at once."""
    tsa.behave(gather=2)
    stamper = _stamper(tsa.url, timeout=20.0, max_in_flight=2)
    tokens: list[object] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            tokens.append(stamper.timestamp(DIGEST, "sha256"))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(tokens) == 6
    assert tsa.peak == 2 and tsa.requests == 6


def test_the_error_in_vietnamese(tsa: TsaServer) -> None:
    tsa.behave("http500")
    with i18n.using("vi"), pytest.raises(TimestampError) as caught:
        _stamper(tsa.url, retries=1, backoff=0.0).timestamp(DIGEST, "sha256")
    text = str(caught.value)
    assert tsa.url in text and "dấu thời gian" in text


def test_through_a_proxy(tsa: TsaServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The local service stands in for an HTTP proxy: it gets the whole URL of a service it
    forwards to; given as a setting, or from http_proxy; never for this machine's own address."""
    proxy = tsa.url.removesuffix("/tsa")
    Timestamper("http://tsa.example.invalid/tsa", proxy=proxy, timeout=5).timestamp(DIGEST, "sha256")
    monkeypatch.setenv("http_proxy", proxy)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    Timestamper("http://tsa.example.invalid/other", timeout=5).timestamp(DIGEST, "sha256")
    Timestamper(tsa.url, timeout=5).timestamp(DIGEST, "sha256")
    assert tsa.paths == ["http://tsa.example.invalid/tsa", "http://tsa.example.invalid/other", "/tsa"]


@pytest.mark.parametrize(
    "settings", [{"timeout": 0}, {"retries": -1}, {"max_in_flight": 0}, {"jitter": 1.5}, {"backoff": -1}]
)
def test_settings_out_of_range_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises(SigningError, match="out of range"):
        Timestamper("http://tsa.example.vn/", **settings)  # type: ignore[arg-type]


def test_one_shared_timestamper_per_url_and_settings() -> None:
    one = shared("http://tsa.example.vn/", timeout=30)
    assert shared("http://tsa.example.vn/", timeout=30) is one
    assert shared("http://tsa.example.vn/", timeout=31) is not one
    assert shared("http://other.example.vn/", timeout=30) is not one


@pytest.mark.parametrize("url", ["ftp://tsa.example.vn/", "tsa.example.vn", "http://"])
def test_a_url_that_is_not_http_is_refused(url: str) -> None:
    with pytest.raises(SigningError, match="not an http"):
        Timestamper(url)


def _blank_pdf() -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    blank = PdfFileWriter()
    blank.insert_page(PageObject(blank.add_object(generic.StreamObject(stream_data=b"")), (0, 0, 595, 842)))
    buffer = io.BytesIO()
    blank.write(buffer)
    return buffer.getvalue()


def _sign(pki: Pki, stamper: Timestamper, data: bytes) -> io.BytesIO:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(str(pki.agency.p12), passphrase=PASSPHRASE)
    assert signer is not None
    meta = signers.PdfSignatureMetadata(field_name="Sig", md_algorithm="sha256")
    out = signers.PdfSigner(meta, signer, timestamper=stamper).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data))
    )
    assert isinstance(out, io.BytesIO)
    return out


def test_pyhanko_signs_with_it_and_trusts_the_token(tsa: TsaServer, pki: Pki) -> None:
    """A PAdES B-T signature made by pyHanko through the Timestamper: the token validates, and
    is trusted with the test root as the trust anchor; one dummy token, then the real one."""
    from asn1crypto import x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    out = _sign(pki, _stamper(tsa.url), _blank_pdf())
    (sig,) = PdfFileReader(out).embedded_signatures
    root = x509.Certificate.load(pki.root.cert.public_bytes(serialization.Encoding.DER))
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted
    assert tsa.answered == 2  # the size estimate's token, and the signature's


def test_many_files_signed_at_once_share_one_timestamper(tsa: TsaServer, pki: Pki) -> None:
    """Five files signed by pyHanko in five threads (one event loop each) through one
    Timestamper allowing two requests at once: one size-estimate token for them all, five
    signature tokens, never more than two requests at the server."""
    stamper = _stamper(tsa.url, timeout=20.0, max_in_flight=2)
    data = _blank_pdf()
    signed: list[io.BytesIO] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            signed.append(_sign(pki, stamper, data))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    tsa.behave(delay=0.2)  # each answer held a little, so that the threads overlap
    threads = [threading.Thread(target=one) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == [] and len(signed) == 5
    assert tsa.answered == 1 + 5 == tsa.requests
    assert tsa.peak <= 2


def test_a_file_left_unstamped_is_told_by_its_error(tsa: TsaServer, pki: Pki) -> None:
    """Through pyHanko's signer the caller gets TimestampError itself, to report the file."""
    tsa.behave("http500")
    with pytest.raises(TimestampError) as caught:
        _sign(pki, _stamper(tsa.url, retries=1, backoff=0.0), _blank_pdf())
    assert caught.value.attempts == 2 and caught.value.url == tsa.url
