"""What verify says of one signature: `SignatureReport`, for machines (its fields, `--json`) and
for a person (`describe()`, in the run's language)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from ..i18n import N_, _
from ..letter.vn import iso_vn_time
from .classify import ROLE_LABELS, Finding

_TRUST = {"trusted": N_("trusted"), "untrusted": N_("untrusted"), "unknown": N_("unknown")}
_COVERAGE = {
    "entire file": N_("entire file"),
    "entire revision": N_("entire revision"),
    "partial": N_("partial"),
}
_KINDS = {"signature": N_("signature"), "document timestamp": N_("document timestamp")}

# what each DocMDP level allows, said
PERMISSIONS = {
    1: N_("no changes"),
    2: N_("filling in forms and signing"),
    3: N_("filling in forms, signing and annotating"),
}


@dataclass(frozen=True)
class SignatureReport:
    """One signature (or document time-stamp) of a PDF, as `verify_pdf` found it."""

    field: str
    kind: Literal["signature", "document timestamp"]
    signer: str  # subject CN of the signing certificate
    organisation: str | None  # subject O
    signing_time: dt.datetime | None
    time_source: Literal["timestamp", "signer", "none"]  # a TSA's token, or the signer's own clock
    intact: bool  # the signed bytes hash to what was signed
    valid: bool  # the signature over that hash checks out
    trust: Literal["trusted", "untrusted", "unknown"]  # unknown: no chain to a root we know
    coverage: Literal["entire file", "entire revision", "partial"]
    modified_after: bool  # changed after this signature in a way that is not allowed
    changes: str  # in plain words, what happened to the document after this signature
    problems: tuple[str, ...] = ()
    # bytes at the end of the file after its last revision (its last %%EOF): in no revision, so no
    # signature covers them and no PDF reader shows them (pdfsig: "Not total document signed")
    unsigned_bytes: int = 0
    # False: the signature could not be parsed or checked at all (the reason is in `problems`);
    # intact and valid are then False without the signed bytes being known to differ
    checked: bool = True
    validity: str = ""  # when the certificate's validity was judged, and how it stands since
    certificate_kind: Literal["personal", "organisation"] | None = None
    role: str = "unknown"  # see classify.RoleName
    page: int | None = None  # 1-based, where the widget is; None for an invisible signature
    box: tuple[float, float, float, float] | None = None
    image: bool = False  # the appearance shows an image
    digest_algorithm: str | None = None
    reason: str = ""  # the signature's /Reason, as the signer's tool wrote it
    findings: tuple[Finding, ...] = ()
    # a certification signature's DocMDP level: 1 no changes, 2 forms and signing, 3 also
    # annotations; None for an approval signature (or a document time-stamp)
    certification: int | None = None

    @property
    def ok(self) -> bool:
        """Intact, valid, not distrusted and not modified in a disallowed way."""
        return self.intact and self.valid and self.trust != "untrusted" and not self.modified_after

    @property
    def integrity(self) -> Literal["intact", "broken", "unchecked"]:
        """intact: the signed bytes hash to what was signed and the signature checks out;
        broken: they do not; unchecked: the signature could not be parsed or checked."""
        if not self.checked:
            return "unchecked"
        return "intact" if self.intact and self.valid else "broken"

    def as_dict(self) -> dict[str, Any]:
        """Every field, for `verify --json`, with `ok` and `integrity`; the signing time in ISO
        8601, Vietnam time; findings as {rule, severity, message}; tuples as lists."""
        row = dataclasses.asdict(self)
        row["signing_time"] = iso_vn_time(self.signing_time) if self.signing_time else None
        row["box"] = list(self.box) if self.box else None
        row["problems"] = list(self.problems)
        row["findings"] = [dataclasses.asdict(f) for f in self.findings]
        return row | {"ok": self.ok, "integrity": self.integrity}

    def _integrity(self) -> str:
        return {"unchecked": _("could not be checked"), "intact": _("intact"), "broken": _("BROKEN")}[
            self.integrity
        ]

    def describe(self) -> str:
        """A few lines for a person: what `wfhdoc verify` prints for this signature."""
        when = iso_vn_time(self.signing_time) if self.signing_time else _("unknown")
        source = {
            "timestamp": _(" (time-stamp)"),
            "signer": _(" (signer's clock)"),
            "none": "",
        }[self.time_source]
        org = f", {self.organisation}" if self.organisation else ""
        lines = [
            _("{field} ({kind}): {signer}{organisation}").format(
                field=self.field, kind=_(_KINDS[self.kind]), signer=self.signer, organisation=org
            ),
            _("  signed at: {when}{source}").format(when=when, source=source),
            _("  integrity: {state}").format(state=self._integrity()),
            _("  certificate: {trust}").format(trust=_(_TRUST[self.trust])),
            _("  covers: {coverage}").format(coverage=_(_COVERAGE[self.coverage])),
            _("  after signing: {changes}").format(changes=self.changes),
        ]
        if self.unsigned_bytes:
            lines.append(
                _("  unsigned bytes: {count} after the end of the PDF, covered by no signature").format(
                    count=self.unsigned_bytes
                )
            )
        if self.certification in PERMISSIONS:
            lines.append(
                _("  certifies the document: DocMDP P={level}, later {allowed} allowed").format(
                    level=self.certification, allowed=_(PERMISSIONS[self.certification])
                )
            )
        if self.validity:
            lines.append(_("  validity: {note}").format(note=self.validity))
        if self.kind == "signature":
            where = _(", page {page}").format(page=self.page) if self.page else ""
            lines.append(_("  role: {role}{where}").format(role=_(ROLE_LABELS[self.role]), where=where))
        lines += [_("  problem: {problem}").format(problem=p) for p in self.problems]
        lines += [
            _("  {severity}: {message} [{rule}]").format(
                severity=_(f.severity), message=f.message, rule=f.rule
            )
            for f in self.findings
        ]
        return "\n".join(lines)


# the severities' names, for the catalog
_SEVERITIES = (N_("error"), N_("warning"), N_("info"))
