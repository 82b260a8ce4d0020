"""Checking the signatures of a PDF, received from any agency: each one's integrity, its
certificate's trust at the time-stamped signing time, what it covers, whether the document was
changed after it in a way that is not allowed, and what the signature is (its role and place)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext

from ..i18n import _
from ..letter.vn import iso_vn_time
from . import cms
from . import coverage as cov
from .appearance import Unparsed, existing_widgets, signatures
from .base import Widget, bad, read_pdf
from .classify import Finding, classify, placement_findings
from .keys import load_certs, load_crls
from .pdftext import Page, read_lines
from .report import SignatureReport
from .trust import builtin_intermediates, builtin_roots, certificate_kind

__all__ = ["SignatureReport", "exit_code", "verify_pdf"]

# digests a received letter may still carry: SHA-1 was in use in 2020 (and in the government CA's
# own certificate); it is accepted, and said, rather than called a broken signature
_WEAK = frozenset({"md2", "md5"})


@dataclasses.dataclass(frozen=True)
class _Trust:
    given: tuple[Any, ...]  # --trust-root
    roots: tuple[Any, ...]  # given and built in
    intermediates: tuple[Any, ...]
    crls: tuple[Any, ...]
    allow_fetching: bool

    def context(self, moment: dt.datetime | None) -> ValidationContext:
        # a fresh context per signature: pyHanko's contexts cache what they found
        return ValidationContext(
            trust_roots=list(self.roots),
            other_certs=list(self.intermediates),
            crls=list(self.crls),
            allow_fetching=self.allow_fetching,
            moment=moment,
            weak_hash_algos=_WEAK,
        )


class _Pages:
    """The text of the pages signatures are on, read once each."""

    def __init__(self, data: bytes, source: Path) -> None:
        self.data, self.source = data, source
        self.read: dict[int, Page | None] = {}

    def get(self, index: int) -> Page | None:
        if index < 0:
            return None
        if index not in self.read:
            try:
                (self.read[index],) = read_lines(self.data, self.source, [index])
            except Exception:  # a page pdfminer cannot read: no place to judge from
                self.read[index] = None
        return self.read[index]


def verify_pdf(
    path: Path,
    *,
    trust_roots: Sequence[Path] | None = None,
    crls: Sequence[Path] = (),
    allow_fetching: bool = False,
) -> list[SignatureReport]:
    """Check every signature and document time-stamp of the PDF at `path`, in signing order.

    Certificates are trusted through the government's root (built in, see trust.py) and the
    CA certificates in `trust_roots` (PEM/DER files), judged at the time-stamped signing time
    (revocation from `crls`, or fetched when `allow_fetching`). A certificate with no chain to
    any of them is "unknown", or "untrusted" when `trust_roots` were given. An empty list means:
    no signature.
    """
    path = Path(path)
    data = read_pdf(path)
    given = load_certs(trust_roots or (), _("trust root"))
    trust = _Trust(
        tuple(given), (*builtin_roots(), *given), tuple(builtin_intermediates()), tuple(load_crls(crls)),
        allow_fetching,
    )  # fmt: skip
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise bad(path, "", _("the PDF is encrypted"), _("remove its password first"))
        embedded = signatures(reader)
        widgets = existing_widgets(reader)
    except (PdfError, KeyError, ValueError, TypeError) as exc:
        raise bad(path, "", _("cannot read the PDF ({reason})").format(reason=exc)) from None
    reports = [_report(sig, trust, len(data)) for sig in embedded]
    reports = _placed(_proved(embedded, reports, trust, len(data)), widgets, _Pages(data, path))
    tail = cov.unsigned_tail(data, reader)
    return [cov.with_tail(r, tail) for r in reports] if tail else reports


def exit_code(reports: Sequence[SignatureReport]) -> int:
    """What `wfhdoc verify` exits with: 0 when the PDF has signatures and every one is `ok`
    (intact; its certificate trusted, or of a CA no root is known for when no --trust-root was
    given; nothing changed after it that is not allowed, by its permissions when it certifies
    the document); 1 when there is none, or one is broken, could not be checked, untrusted, or
    followed by a change that is not allowed."""
    return 0 if reports and all(r.ok for r in reports) else 1


def _proved(
    embedded: list[EmbeddedPdfSignature | Unparsed], reports: list[SignatureReport], trust: _Trust, size: int
) -> list[SignatureReport]:
    """A signature with no time-stamp of its own, whose certificate has expired since, judged
    again at the earliest trusted time-stamp of a later signature: that signature covers this
    one's bytes, so its time-stamp proves the signature existed then (ETSI EN 319 102-1's proof
    of existence). VGCA tools often time-stamp only the văn thư's signatures, not the leader's."""
    result = list(reports)
    for i, report in enumerate(reports):
        if report.kind != "signature" or report.time_source == "timestamp" or report.trust == "trusted":
            continue
        later = [
            r.signing_time
            for r in reports[i + 1 :]
            if r.time_source == "timestamp" and r.intact and r.valid and r.signing_time is not None
            and r.trust == "trusted" and not r.problems
        ]  # fmt: skip
        if later and report.intact and report.valid:
            proved = _report(embedded[i], trust, size, poe=min(later))
            if proved.trust == "trusted":
                result[i] = proved
    return result


def _placed(reports: list[SignatureReport], widgets: list[Widget], pages: _Pages) -> list[SignatureReport]:
    """Each signature's role and place, and what is wrong with its place."""
    shown = {w.name: w for w in widgets if w.visible}
    placed = []
    for report in reports:
        widget = shown.get(report.field)
        if report.kind != "signature" or widget is None:
            placed.append(report)
            continue
        role = classify(widget, report.certificate_kind or "personal", report.reason, pages.get(widget.page))
        placed.append(
            dataclasses.replace(
                report, role=role, page=widget.page + 1, box=widget.box.as_tuple(), image=widget.image
            )
        )
    approvals = {r.field: shown[r.field] for r in placed if r.role == "approval"}
    result = []
    for report in placed:
        widget = shown.get(report.field)
        if widget is None:
            result.append(report)
            continue
        same_page = [w for w in approvals.values() if w.page == widget.page]
        found = placement_findings(report.role, widget, pages.get(widget.page), same_page)  # type: ignore[arg-type]
        result.append(dataclasses.replace(report, findings=(*report.findings, *found)))
    return result


def _token_time(sig: EmbeddedPdfSignature) -> dt.datetime | None:
    """The time in the signature's time-stamp token, as the token says (checked by validation)."""
    try:
        for token in extract_tst_data_iter(sig.signer_info, signed=False):
            moment = token["encap_content_info"]["content"].parsed["gen_time"].native
            return moment if isinstance(moment, dt.datetime) else None
    except (KeyError, ValueError, TypeError, AttributeError):
        return None
    return None


def _validate(
    sig: EmbeddedPdfSignature, trust: _Trust, poe: dt.datetime | None
) -> tuple[Any, dt.datetime | None, str | None]:
    """(pyHanko's status, the moment the certificate was judged at, why it could not be
    checked). The moment is the signature's time-stamp, else `poe` (a later time-stamp proving
    it existed then), else now. A signature in an encoding asn1crypto refuses is read again as
    cms.py knows it."""
    is_timestamp = sig.sig_object_type == "/DocTimeStamp"
    for attempt in range(2):
        moment = None if is_timestamp else (_token_time(sig) or poe)
        try:
            if is_timestamp:
                return validate_pdf_timestamp(sig, validation_context=trust.context(None)), None, None
            status = validate_pdf_signature(
                sig, signer_validation_context=trust.context(moment), diff_policy=cov.policy(sig)
            )
            return status, moment, None
        except Exception as exc:  # a malformed signature: report it, do not stop at it
            fixed = cms.repaired(sig.pkcs7_content) if attempt == 0 else None
            if fixed is None:
                return None, None, f"{type(exc).__name__}: {exc}"
            cms.reread(sig, fixed)
    return None, None, None  # pragma: no cover - the loop returns


def _cert_names(cert: Any) -> tuple[str, str | None]:
    """CN and O of an asn1crypto certificate's subject."""
    native = cert.subject.native
    cn = native.get("common_name") or cert.subject.human_friendly
    org = native.get("organization_name")
    if isinstance(cn, list):
        cn = ", ".join(cn)
    if isinstance(org, list):
        org = ", ".join(org)
    return str(cn), (str(org) if org else None)


def _unchecked(
    sig: EmbeddedPdfSignature, kind: Any, names: tuple[str, str | None], reason: str
) -> SignatureReport:
    claimed = sig.self_reported_timestamp
    return SignatureReport(
        str(sig.field_name), kind, names[0], names[1], claimed, "signer" if claimed else "none",
        False, False, "unknown", "partial", True, _("cannot tell: the signature could not be checked"),
        (_("the signature could not be checked: {reason}").format(reason=reason),), checked=False,
    )  # fmt: skip


def _time(status: Any, sig: EmbeddedPdfSignature, trusted: bool, problems: list[str]) -> tuple[Any, str]:
    """The signing time and where it comes from; a broken or untrusted token said."""
    if status.timestamp_validity is None:
        when = status.signer_reported_dt or sig.self_reported_timestamp
        return when, "signer" if when else "none"
    ts = status.timestamp_validity
    if not (ts.intact and ts.valid):
        problems.append(_("the signature's time-stamp token is broken"))
    elif trusted and not ts.trusted:
        problems.append(_("the time-stamping authority is not trusted"))
    return ts.timestamp, "timestamp"


def _trust(status: Any, given: bool, problems: list[str]) -> Literal["trusted", "untrusted", "unknown"]:
    if status.trusted:
        return "trusted"
    indication = status.trust_problem_indic
    if indication == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        if not given:
            return "unknown"  # a CA wfhdoc does not know, and none was given: no verdict
        problems.append(_("certificate: no chain to the given trust roots"))
    elif status.revoked:
        problems.append(_("the certificate was revoked"))
    elif indication is not None:
        problems.append(
            _("certificate: {problem}").format(problem=str(indication.name).lower().replace("_", " "))
        )
    return "untrusted"


def _validity(
    sig: EmbeddedPdfSignature, moment: dt.datetime | None, source: str, trust: str, by_poe: bool = False
) -> str:
    """When the certificate was judged, and whether it has expired since."""
    try:
        end = sig.signer_cert["tbs_certificate"]["validity"]["not_after"].native
    except Exception:  # no certificate to speak of
        return ""
    expired = isinstance(end, dt.datetime) and end < dt.datetime.now(dt.timezone.utc)
    if moment is not None and source == "timestamp":
        if trust == "trusted" and expired:
            return _(
                "valid at the time-stamped signing time {when}; the certificate has expired since "
                "(on {end}), which does not matter for a signature made while it was valid"
            ).format(when=iso_vn_time(moment), end=iso_vn_time(end))
        return _("judged at the time-stamped signing time {when}").format(when=iso_vn_time(moment))
    if by_poe and moment is not None:
        return _(
            "no time-stamp of its own: the signing time is the signer's claim; judged at {when}, the "
            "time-stamp of a later signature that covers it, when the certificate was valid"
        ).format(when=iso_vn_time(moment))
    note = _("no time-stamp: the signing time is the signer's own claim, so the certificate is judged now")
    if expired:
        note += _("; it expired on {end}").format(end=iso_vn_time(end))
    return note


def _reason(sig: EmbeddedPdfSignature) -> str:
    try:
        return str(sig.sig_object.get("/Reason") or "")
    except Exception:  # a damaged signature dictionary
        return ""


def _report(
    sig: EmbeddedPdfSignature | Unparsed, trust: _Trust, size: int, poe: dt.datetime | None = None
) -> SignatureReport:
    if isinstance(sig, Unparsed):
        return SignatureReport(
            sig.field, "signature", _("(no certificate)"), None, None, "none", False, False, "unknown",
            "partial", True, _("cannot tell: the signature could not be checked"),
            (_("the signature could not be checked: {reason}").format(reason=sig.reason),), checked=False,
        )  # fmt: skip
    is_timestamp = sig.sig_object_type == "/DocTimeStamp"
    kind: Literal["signature", "document timestamp"] = "document timestamp" if is_timestamp else "signature"
    try:
        names = _cert_names(sig.signer_cert)
        cert_kind = certificate_kind(sig.signer_cert)
    except Exception:  # a CMS with no usable certificate
        names, cert_kind = (_("(no certificate)"), None), None
    outside = cov.outside(sig, size)
    status, moment, failure = (None, None, outside) if outside else _validate(sig, trust, poe)
    if status is None:
        return dataclasses.replace(_unchecked(sig, kind, names, failure or ""), certificate_kind=cert_kind)
    problems: list[str] = []
    findings: list[Finding] = []
    level = _trust(status, bool(trust.given), problems)
    if is_timestamp:
        when, source = status.timestamp, "timestamp"
    else:
        when, source = _time(status, sig, bool(trust.given) or level == "trusted", problems)
    coverage = cov.coverage(status.coverage)
    if not (status.intact and status.valid):
        problems.append(_("the signed bytes were changed, or the signature does not match them"))
    certified = None if is_timestamp else cov.certification(sig)
    modified, changes = cov.changes(status, coverage, certified)
    if isinstance(status.diff_result, Exception):  # pyHanko's reason for "not allowed"
        problems.append(_("what changed: {detail}").format(detail=status.diff_result))
    findings += [*_weak(sig), *_strictly_refused(sig, status, certified)]
    return SignatureReport(
        field=str(sig.field_name),
        kind=kind,
        signer=names[0],
        organisation=names[1],
        signing_time=when,
        time_source=source,  # type: ignore[arg-type]
        intact=bool(status.intact),
        valid=bool(status.valid),
        trust=level,
        coverage=coverage,
        modified_after=modified,
        changes=changes,
        problems=tuple(problems),
        validity="" if is_timestamp else _validity(sig, moment, source, level, by_poe=poe is not None),
        certificate_kind=cert_kind,
        digest_algorithm=getattr(sig, "md_algorithm", None),
        reason=_reason(sig),
        findings=tuple(findings),
        certification=certified,
    )


def _weak(sig: EmbeddedPdfSignature) -> list[Finding]:
    if getattr(sig, "md_algorithm", "") != "sha1":
        return []
    message = _("the signature's digest is SHA-1, no longer considered safe")
    return [Finding("sign.weak-digest", "warning", message)]


def _strictly_refused(sig: EmbeddedPdfSignature, status: Any, certified: int | None) -> list[Finding]:
    """Said when pyHanko's default rules refuse what the certification's permissions allow."""
    refusal = cov.strict_refusal(sig, status)
    if refusal is None or certified is None:
        return []
    return [
        Finding(
            "sign.fields-after-certification",
            "info",
            _(
                "signature fields were added after this certification signature (DocMDP P={level}), "
                "as the VGCA tools stamp a letter: allowed by its permissions as Acrobat reads them "
                "(pdfsig does not judge later changes); pyHanko's stricter default refuses it ({reason})"
            ).format(level=certified, reason=refusal),
        )
    ]
