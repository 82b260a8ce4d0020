"""Signing a letter's PDF: the flow from the request to the signed file.

PAdES (`/SubFilter /ETSI.CAdES.detached`, SHA-256), by incremental update so that an earlier
signature stays valid, in the three roles of Phụ lục I:

* ``signer`` (ô 7c, II.7.d): the competent person's handwritten signature image, blue, PNG with a
  transparent background, centred between the signer's title lines and the name.
* ``agency`` (ô 8, II.8.a): the agency's seal image, red, at the seal's real size, PNG with a
  transparent background, covering about the left third of the signer's signature image; beside
  it "Ký bởi: <agency>" and "Thời gian ký: <ISO 8601, +07:00>" in Times New Roman 10 pt, black
  (practice from TT 01/2019/TT-BNV, not the decree; see docs/nd30-format.md §4.3).
* ``appendix`` (II.8.b, III.1.d): an attachment in its own file, signed by the agency with no
  image at the top right of page 1: "Số: <number>" and the signing time, TNR 10 pt, black.

Everything about the inputs is checked before the token is asked for its PIN; the input file is
never written to, and the output appears whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyhankoSigningError
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError

from ..errors import OutputError, SigningError
from ..files.output import write_atomic
from ..i18n import _
from ..letter.vn import iso_vn_time
from .appearance import TimedPdfSigner, existing_widgets, field_spec, stamp
from .base import FIELD_NAMES, REASONS, Box, Level, Role, bad, read_pdf
from .images import Picture, load_png
from .keys import KeySource, check_cert, common_name, load_certs, load_crls
from .placement import Document, Layout, covered, plan, unique_name
from .requests import SignOptions, SignRequest


@dataclass(frozen=True)
class SignResult:
    """What signing did: where the signature went and who signed when."""

    output: Path
    role: Role
    field_name: str
    page: int  # 1-based
    box: tuple[float, float, float, float]  # the widget's rectangle, PDF points, origin bottom-left
    image_box: tuple[float, float, float, float] | None  # where the image landed on the page
    signer: str  # the certificate's subject CN
    signing_time: dt.datetime  # in Vietnam time
    level: Level
    warnings: tuple[str, ...] = ()


def load_document(input: Path, data: bytes | None = None) -> Document:
    """The PDF at `input` (or its bytes `data`), readable and not encrypted, with its widgets."""
    data = read_pdf(input) if data is None else data
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise bad(input, "", _("the PDF is encrypted"), _("remove its password first"))
        n_pages = int(reader.root["/Pages"]["/Count"])
        widgets = existing_widgets(reader)
    except (PdfError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise bad(input, "", _("cannot read the PDF ({reason})").format(reason=exc)) from None
    return Document(data, input, n_pages, tuple(widgets))


def _document(input: Path, request: SignRequest) -> Document:
    doc = load_document(input)
    if request.page is not None and not 1 <= request.page <= doc.pages:
        raise bad(
            input,
            "page",
            _("there is no page {page}: the PDF has {count}").format(page=request.page, count=doc.pages),
        )
    return doc


def picture_of(request: SignRequest) -> Picture | None:
    """The request's image, loaded and checked."""
    if request.image is None:
        return None
    if request.role == "signer":
        return load_png(Path(request.image), "signature", "blue")
    return load_png(Path(request.image), "seal", "red")


def vn_moment(when: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """The signing time (default now; a naive one is Vietnam time), and the same in Vietnam time."""
    moment = when or dt.datetime.now(dt.timezone.utc)
    if moment.tzinfo is None:
        moment = dt.datetime.fromisoformat(iso_vn_time(moment))  # naive: Vietnam time
    return moment, dt.datetime.fromisoformat(iso_vn_time(moment))


class Signing:
    """An open key and what every signature of a run shares (the CA certificates, the
    revocation lists, the validation context, the time-stamper): opened once, for as many
    signatures as the run makes; `close()` it (or use it in a `with`)."""

    def __init__(self, key: KeySource, options: SignOptions | None = None) -> None:
        self.options = options or SignOptions()
        self.source = key
        self.chain = load_certs(self.options.trust_roots, _("trust root"))
        self.crls = load_crls(self.options.crls)
        self.key = key.open(self.chain)
        try:
            self.name = common_name(self.key.cert)
            self.timestamper = _timestamper(self.options)
            self.validation = _validation(self.options, self.chain, self.crls)
        except BaseException:
            self.key.release()
            raise

    def __enter__(self) -> Signing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.key.release()

    def moment(self) -> tuple[dt.datetime, dt.datetime]:
        """Now (or the options' time), checked against the certificate, and in Vietnam time."""
        moment, vn_time = vn_moment(self.options.when)
        check_cert(self.key.cert, moment, self.source.name)
        return moment, vn_time

    def sign(
        self, doc: Document, request: SignRequest, picture: Picture | None, output: Path
    ) -> tuple[bytes, SignResult]:
        """The signed bytes of `doc` as `request` asks, and what signing did."""
        moment, vn_time = self.moment()
        layout, placed = plan(request, doc, picture, self.name, vn_time)
        warnings = [*(picture.warnings if picture else ()), *placed, *covered(layout, doc.widgets)]
        field_name = unique_name(FIELD_NAMES[request.role], {w.name for w in doc.widgets})
        signed = self.stamp(doc, field_name, REASONS[request.role], layout, moment)
        result = SignResult(
            output=output,
            role=request.role,
            field_name=field_name,
            page=layout.page + 1,
            box=layout.widget.as_tuple(),
            image_box=layout.image_on_page.as_tuple() if layout.image_on_page else None,
            signer=self.name,
            signing_time=vn_time,
            level=self.options.level,
            warnings=tuple(warnings),
        )
        return signed, result

    def stamp(self, doc: Document, field_name: str, reason: str, layout: Layout, when: dt.datetime) -> bytes:
        """`doc` signed in a new field `field_name` shown as `layout` says."""
        options = self.options
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            embed_validation_info=self.validation is not None,
            validation_context=self.validation,
            use_pades_lta=options.level == "B-LTA",
        )
        pdf_signer = TimedPdfSigner(
            meta,
            signer=self.key.signer,
            timestamper=self.timestamper,
            stamp_style=stamp(
                layout.picture, layout.picture_box, layout.text, layout.text_origin, layout.more
            ),
            new_field_spec=field_spec(field_name, layout.page, layout.widget),
            when=when,
        )
        return _run(pdf_signer, doc, options.level)


def sign_file(
    input: Path, output: Path, request: SignRequest, key: KeySource, options: SignOptions | None = None
) -> SignResult:
    """Sign the PDF `input` into `output` as `request` asks, with the key `key`.

    `output` may be `input`: the signed file replaces it only once it is whole.
    Raises InputError for bad input, SigningError when the token or pyHanko fails,
    OutputError when the output cannot be written.
    """
    input, output = Path(input), Path(output)
    if output.is_dir():
        raise OutputError(_("{path}: is a folder; give a file name ending in .pdf").format(path=output))
    # everything about the inputs is checked before the token is asked for its PIN
    doc = _document(input, request)
    picture = picture_of(request)
    load_certs((options or SignOptions()).trust_roots, _("trust root"))
    load_crls((options or SignOptions()).crls)
    with Signing(key, options) as signing:
        signed, result = signing.sign(doc, request, picture, output)
    write_atomic(output, signed)
    return result


def sign_pdf(
    input: Path,
    output: Path,
    *,
    role: Role,
    pkcs12: Path | None = None,
    passphrase: bytes | None = None,
    pkcs11_lib: str | None = None,
    token_label: str | None = None,
    key_label: str | None = None,
    cert_label: str | None = None,
    pin: str | None = None,
    image: Path | None = None,
    agency_name: str | None = None,
    document_number: str | None = None,
    signer_name: str | None = None,
    page: int | None = None,
    box: tuple[float, float, float, float] | None = None,
    tsa_url: str | None = None,
    timestamper: TimeStamper | None = None,
    level: Level = "B-B",
    trust_roots: Sequence[Path] = (),
    crls: Sequence[Path] = (),
    allow_fetching: bool = True,
    font: Path | None = None,
    when: dt.datetime | None = None,
    copy_form: str | None = None,
) -> SignResult:
    """`sign_file` with its three requests given as keywords, for the callers written before
    them (the CLI, the browser app): see SignRequest, KeySource and SignOptions."""
    request = SignRequest(
        role,
        image,
        agency_name,
        document_number,
        signer_name,
        page,
        Box(*box) if box else None,
        font,
        copy_form,
    )
    options = SignOptions(level, tsa_url, timestamper, trust_roots, crls, allow_fetching, when)
    key = KeySource(pkcs12, passphrase, pkcs11_lib, token_label, key_label, cert_label, pin)
    return sign_file(input, output, request, key, options)


class TokenGone(SigningError):
    """The token was pulled out (or its session lost) while signing: no later file can be signed
    with it in this run."""


_GONE = (
    pkcs11.exceptions.DeviceRemoved,
    pkcs11.exceptions.TokenNotPresent,
    pkcs11.exceptions.SessionHandleInvalid,
    pkcs11.exceptions.SessionClosed,
    pkcs11.exceptions.DeviceError,
)


def _gone(exc: BaseException) -> None:
    """Raise TokenGone when `exc`, or what caused it, says the token is no longer there."""
    seen: BaseException | None = exc
    for _depth in range(5):
        if seen is None:
            return
        if isinstance(seen, _GONE):
            raise TokenGone(
                _(
                    "the token was removed (or its session lost) while signing: {reason}; plug it in and "
                    "run again, the files already signed are kept"
                ).format(reason=type(seen).__name__)
            ) from None
        seen = seen.__cause__ or seen.__context__


def _timestamper(options: SignOptions) -> TimeStamper | None:
    """The time-stamper of a run: the one given, else wfhdoc's client of the TSA at the URL
    (tsa.py: a deadline per request, retries, a bound on requests in flight), one per process
    and URL, shared by every signature of the run."""
    if options.level == "B-B":
        return None
    if options.timestamper is not None:
        return options.timestamper
    from .tsa import shared

    return shared(str(options.tsa_url))


def _validation(options: SignOptions, chain: list[Any], crls: list[Any]) -> ValidationContext | None:
    if options.level not in ("B-LT", "B-LTA"):
        return None
    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(c.dump()) for c in chain] or None,
        crls=crls,
        allow_fetching=options.allow_fetching,
    )


def _run(pdf_signer: TimedPdfSigner, doc: Document, level: Level) -> bytes:
    out = io.BytesIO()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(doc.data), strict=False)
        pdf_signer.sign_pdf(writer, output=out)
    except TimestampRequestError as exc:
        raise SigningError(
            _("the time-stamping service did not give a time-stamp: {reason}").format(reason=exc)
        ) from None
    except PathBuildingError as exc:
        raise SigningError(
            _(
                "cannot build the certificate chain for {level} ({reason}); "
                "give the CA certificates (--trust-root)"
            ).format(level=level, reason=exc)
        ) from None
    except pkcs11.exceptions.PKCS11Error as exc:
        _gone(exc)
        raise SigningError(
            _("the token failed to sign: {reason}").format(reason=f"{type(exc).__name__} {exc}".strip())
        ) from None
    except PyhankoSigningError as exc:
        _gone(exc)
        raise SigningError(_("pyHanko refused to sign: {reason}").format(reason=exc)) from None
    except PdfError as exc:
        raise bad(doc.source, "", _("cannot sign this PDF ({reason})").format(reason=exc)) from None
    except OSError as exc:  # the network, on the way to a TSA, OCSP responder or CRL server
        raise SigningError(
            _("a network service needed for {level} could not be reached: {reason}").format(
                level=level, reason=exc
            )
        ) from None
    return out.getvalue()
