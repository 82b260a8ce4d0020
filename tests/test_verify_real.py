"""`wfhdoc verify` on real letters signed by Vietnamese agencies with the VGCA tools (2020), in
tests/data/signed-pdfs (its README says what each holds): integrity as poppler's pdfsig says it,
trust through the built-in government root with no option, validity at the time-stamped signing
time, and each signature's role and place. Each file is verified once per session."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import require_tool
from pki import PASSPHRASE, Pki, make_pki
from pyhanko.sign.diff_analysis import ModificationLevel
from tsa_server import TsaServer

from wfh_docs import i18n
from wfh_docs.sign import SignatureReport, coverage, verify_pdf
from wfh_docs.sign import cms as cms_mod
from wfh_docs.sign.base import Box, Widget
from wfh_docs.sign.classify import classify, placement_findings
from wfh_docs.sign.pdftext import Line, Page
from wfh_docs.sign.trust import Kind
from wfh_docs.sign.tsa import Timestamper
from wfh_docs.sign.verify import exit_code

REAL = Path(__file__).resolve().parent / "data" / "signed-pdfs"
FILES = sorted(REAL.glob("*.pdf"))


def _file(prefix: str) -> Path:
    (found,) = [p for p in FILES if p.name.startswith(prefix)]
    return found


@pytest.fixture(scope="session")
def verified() -> dict[str, list[SignatureReport]]:
    return {p.name: verify_pdf(p) for p in FILES}


def _pdfsig(path: Path) -> list[str]:
    """pdfsig's "Signature Validation" verdict of each signature, in order."""
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=120)
    return re.findall(r"Signature Validation: (.+)", done.stdout)


def test_every_real_file_is_here() -> None:
    assert len(FILES) == 8


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:2])
def test_integrity_agrees_with_pdfsig(path: Path, verified: dict[str, list[SignatureReport]]) -> None:
    require_tool("pdfsig")
    theirs = _pdfsig(path)
    ours = verified[path.name]
    assert len(theirs) == len(ours)
    for verdict, report in zip(theirs, ours, strict=True):
        if verdict.startswith("Signature is Valid"):
            assert report.checked and report.intact and report.valid, report.describe()
        elif verdict.startswith("Digest Mismatch"):
            assert report.checked and not report.intact, report.describe()
            assert "integrity: BROKEN" in report.describe()
        else:  # "Signature has not yet been verified": no verdict, and none from us either
            assert not report.checked and "integrity: could not be checked" in report.describe()


def test_the_leaders_signature_with_an_odd_algorithm_encoding_is_intact(
    verified: dict[str, list[SignatureReport]],
) -> None:
    """21-…Khung_PPCT…: rsaEncryption written with RSASSA-PSS parameters, which asn1crypto
    refuses; the field is not signed, so it is read as rsaEncryption and checked."""
    leader = verified[_file("21-").name][0]
    assert leader.signer == "Bạch Đăng Khoa"
    assert leader.checked and leader.intact and leader.valid, leader.describe()
    assert "integrity: intact" in leader.describe()


def test_only_the_known_encoding_is_rewritten() -> None:
    assert cms_mod.repaired(b"\x30\x03\x02\x01\x01") is None  # not a CMS: nothing to do
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(_file("28-").read_bytes()), strict=False)
    well_formed = reader.embedded_signatures[0].pkcs7_content
    assert cms_mod.repaired(well_formed) is None


def test_time_stamped_signatures_are_trusted_with_no_option(
    verified: dict[str, list[SignatureReport]],
) -> None:
    """The government root is built in; the certificates have expired since, but the time-stamps
    prove they were valid when used, and the report says so."""
    for name in ("03-", "04-", "21-", "28-", "38-"):
        for report in verified[_file(name).name]:
            assert report.trust == "trusted", report.describe()
            assert report.ok, report.describe()
            if report.time_source == "timestamp":
                assert "time-stamped signing time" in report.validity
    agency = verified[_file("28-").name][1]
    assert agency.time_source == "timestamp"
    assert (
        "has expired since" in agency.validity and "valid at the time-stamped signing time" in agency.validity
    )


def test_a_signature_without_its_own_time_stamp_is_proved_by_a_later_one(
    verified: dict[str, list[SignatureReport]],
) -> None:
    leader = verified[_file("21-").name][0]
    assert leader.time_source == "signer"
    assert leader.trust == "trusted" and "time-stamp of a later signature" in leader.validity


def test_the_leaders_certification_allows_the_agencys_stamps(
    verified: dict[str, list[SignatureReport]],
) -> None:
    """21's leader signed with a certification signature (DocMDP P=2, forms and signing); the
    văn thư then stamped the date, number and seal in new visible signature fields. Acrobat's
    reading of P=2 allows that, pdfsig calls every signature valid; pyHanko's stricter default
    refuses it: said as a note, the change judged allowed, the integrity intact."""
    leader = verified[_file("21-").name][0]
    assert leader.certification == 2 and not leader.modified_after and leader.ok, leader.describe()
    assert "which the certification's permissions (DocMDP P=2: filling in forms and signing) allow" in (
        leader.changes
    )
    (note,) = leader.findings
    assert (note.rule, note.severity) == ("sign.fields-after-certification", "info")
    assert "only allowed after an approval signature" in note.message  # pyHanko's own reason
    assert "integrity: intact" in leader.describe() and "certifies the document: DocMDP P=2" in (
        leader.describe()
    )
    assert leader.problems == ()
    # the first signature of 20 and of 25 certifies too; every other one is an approval signature
    certifying = {(name[:3], r.field): r.certification for name, reports in verified.items() for r in reports}
    assert {k: v for k, v in certifying.items() if v is not None} == {
        ("20-", "Signature1"): 2,
        ("21-", "Signature1"): 2,
        ("25-", "Signature1"): 3,
    }
    (only,) = verified[_file("25-").name]
    assert "P=3: filling in forms, signing and annotating) allow" in only.changes


def _status(level: ModificationLevel, docmdp_ok: bool) -> SimpleNamespace:
    return SimpleNamespace(modification_level=level, docmdp_ok=docmdp_ok)


@pytest.mark.parametrize(
    ("level", "docmdp_ok", "certified", "modified", "said"),
    [
        (ModificationLevel.FORM_FILLING, True, 2, False, "P=2: filling in forms and signing) allow"),
        (ModificationLevel.FORM_FILLING, False, 1, True, "P=1: no changes) do not allow"),
        (ModificationLevel.OTHER, False, 2, True, "CHANGED in a way that is not allowed, which the"),
        (ModificationLevel.ANNOTATIONS, False, 2, True, "annotations were added or changed, which"),
        (ModificationLevel.NONE, True, 2, False, "no changes"),
        (ModificationLevel.FORM_FILLING, True, None, False, "(allowed)"),  # an approval signature
        (ModificationLevel.ANNOTATIONS, False, None, True, "which the first signer's permissions forbid"),
    ],
)
def test_changes_against_the_certifications_permissions(
    level: ModificationLevel, docmdp_ok: bool, certified: int | None, modified: bool, said: str
) -> None:
    got_modified, text = coverage.changes(_status(level, docmdp_ok), "entire revision", certified)
    assert got_modified is modified and said in text, text


def test_without_any_time_stamp_the_time_is_the_signers_claim(
    verified: dict[str, list[SignatureReport]],
) -> None:
    for name in ("16-", "25-"):
        (report,) = verified[_file(name).name]
        assert report.intact and report.valid and report.time_source == "signer"
        assert "the signing time is the signer's own claim" in report.validity
        assert "expired on" in report.validity and report.trust == "untrusted"
        assert [f.rule for f in report.findings][:1] == ["sign.weak-digest"]  # SHA-1


def test_a_file_cut_after_signing_is_broken_or_not_checked(
    verified: dict[str, list[SignatureReport]],
) -> None:
    reports = verified[_file("20-").name]
    assert [r.checked for r in reports] == [True, True, False]
    assert not any(r.ok for r in reports)
    assert "past the end of the file" in reports[2].problems[0]


@pytest.mark.parametrize(
    ("prefix", "roles"),
    [
        ("03-", ["seal"]),
        ("04-", ["approval", "number", "seal"]),  # leader, then the agency: number and seal
        ("16-", ["unknown"]),
        ("20-", ["unknown", "unknown", "unknown"]),  # invisible signatures
        ("21-", ["approval", "date", "number", "seal"]),
        ("25-", ["seal"]),
        # leader, then the agency x5: number, date, seal, and number and date in the appendix line
        ("28-", ["approval", "number", "date", "seal", "number", "date"]),
        ("38-", ["number", "date", "seal", "number", "date"]),  # scanned paper, agency x5
    ],
)
def test_each_signature_is_classified(
    prefix: str, roles: list[str], verified: dict[str, list[SignatureReport]]
) -> None:
    assert [r.role for r in verified[_file(prefix).name]] == roles


def test_the_certificates_are_told_apart(verified: dict[str, list[SignatureReport]]) -> None:
    kinds = [r.certificate_kind for r in verified[_file("28-").name]]
    assert kinds == ["personal"] + ["organisation"] * 5


def test_the_placement_is_checked(verified: dict[str, list[SignatureReport]]) -> None:
    """In 28, the seal covers the left part of the leader's image and the number sits in the Số
    blank: no finding; a seal on a letter with no leader's digital signature is said."""
    for report in verified[_file("28-").name]:
        assert report.findings == (), report.describe()
    (seal,) = verified[_file("03-").name]
    assert [(f.rule, f.severity) for f in seal.findings] == [("sign.seal-over-signature", "info")]


def test_the_report_in_vietnamese(verified: dict[str, list[SignatureReport]]) -> None:
    leader, number = verified[_file("28-").name][:2]
    with i18n.using("vi"):
        text = leader.describe() + "\n" + number.describe()
    assert "toàn vẹn" in text and "vai trò: phê duyệt" in text and "vai trò: số" in text


def test_verify_json_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    from wfh_docs.cli import main

    code = main(["verify", str(_file("28-")), "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [r["role"] for r in rows] == ["approval", "number", "date", "seal", "number", "date"]
    assert all(r["trust"] == "trusted" and r["ok"] and r["checked"] for r in rows)
    assert rows[0]["certificate_kind"] == "personal" and rows[0]["image"] and rows[0]["page"] == 1
    assert rows[3]["findings"] == [] and "validity" in rows[3]
    import dataclasses

    every = {f.name for f in dataclasses.fields(SignatureReport)} | {"ok"}
    assert all(every <= set(row) for row in rows)


# what pdfsig says of the whole file, and what verify exits with: 0 when every signature is ok
EXIT_CODES = {
    "03-": 0,
    "04-": 0,
    "16-": 1,  # SHA-1, no time-stamp: the certificate, expired since, judged now is untrusted
    "20-": 1,  # digest mismatch, and bytes past the end of the file
    "21-": 0,  # the leader's certification allows the agency's stamps
    "25-": 1,  # no time-stamp, expired since: untrusted
    "28-": 0,
    "38-": 0,
}


@pytest.mark.parametrize("prefix", sorted(EXIT_CODES))
def test_the_exit_code_of_verify(prefix: str, verified: dict[str, list[SignatureReport]]) -> None:
    from wfh_docs.cli import main

    path = _file(prefix)
    reports = verified[path.name]
    assert exit_code(reports) == EXIT_CODES[prefix]
    assert main(["verify", str(path)]) == EXIT_CODES[prefix]
    if EXIT_CODES[prefix] == 1:
        assert any(not r.ok for r in reports)
    require_tool("pdfsig")
    # a file verify passes is one pdfsig finds every signature of valid
    if EXIT_CODES[prefix] == 0:
        assert all(v.startswith("Signature is Valid") for v in _pdfsig(path))


def test_no_signature_exits_1() -> None:
    assert exit_code([]) == 1


def test_the_json_row_has_every_field(verified: dict[str, list[SignatureReport]]) -> None:
    import dataclasses

    for reports in verified.values():
        for report in reports:
            row = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
            names = {f.name for f in dataclasses.fields(SignatureReport)}
            assert names | {"ok", "integrity"} == set(row)
            assert row["integrity"] in ("intact", "broken", "unchecked")
            assert row["ok"] is report.ok
            if report.signing_time is not None:
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([.]\d+)?\+07:00", row["signing_time"])
    leader = verified[_file("21-").name][0].as_dict()
    assert leader["certification"] == 2 and leader["findings"][0]["rule"] == "sign.fields-after-certification"
    assert [r.integrity for r in verified[_file("20-").name]] == ["broken", "broken", "unchecked"]


def _page(*lines: tuple[str, float, float, float], index: int = 0) -> Page:
    """A page of A4 with lines (text, x0, y0, x1), 13 pt."""
    made = []
    for text, x0, y0, x1 in lines:
        step = (x1 - x0) / max(1, len(text))
        pieces = tuple((ch, x0 + i * step) for i, ch in enumerate(text))
        made.append(Line(text, Box(x0, y0, x1, y0 + 13), y0 + 3, 13, pieces))
    return Page(index, Box(0, 0, 595, 842), tuple(made))


HEADER = _page(("Số:        /QĐ-UBND", 90, 720, 230), ("Hà Nội, ngày      tháng 4 năm 2020", 330, 720, 540))
APPENDIX = _page(("(Kèm theo Quyết định số      /QĐ-UBND ngày      /4/2020)", 100, 730, 500), index=1)


@pytest.mark.parametrize(
    ("box", "image", "kind", "reason", "page", "role"),
    [
        (Box(300, 150, 500, 250), True, "personal", "", HEADER, "approval"),
        (Box(300, 150, 330, 170), True, "personal", "", HEADER, "initials"),
        (Box(250, 150, 360, 260), True, "organisation", "", HEADER, "seal"),
        (Box(125, 718, 150, 735), False, "organisation", "", HEADER, "number"),
        (Box(410, 718, 430, 735), False, "organisation", "", HEADER, "date"),
        (Box(250, 728, 275, 745), False, "organisation", "", APPENDIX, "number"),
        (Box(390, 728, 410, 745), False, "organisation", "", APPENDIX, "date"),
        (Box(420, 780, 560, 810), False, "organisation", "", _page(("Nội dung", 90, 600, 300)), "appendix"),
        (
            Box(420, 780, 560, 810),
            False,
            "organisation",
            "Sao y bản chính",
            _page(("Nội dung", 90, 600, 300)),
            "copy",
        ),
        (Box(100, 780, 130, 800), False, "organisation", "", _page(), "number"),  # a scan: ô 3
        (Box(400, 780, 430, 800), False, "organisation", "", _page(), "date"),  # a scan: ô 4
        (Box(100, 400, 200, 420), False, "personal", "", HEADER, "unknown"),
        (Box(0, 0, 0, 0), False, "organisation", "", HEADER, "unknown"),  # invisible
    ],
)
def test_classify(box: Box, image: bool, kind: Kind, reason: str, page: Page, role: str) -> None:
    assert classify(Widget("f", page.index, box, True, image), kind, reason, page) == role


def test_placement_findings() -> None:
    leader = Widget("leader", 0, Box(300, 150, 500, 250), True, True)
    over_left = Widget("seal", 0, Box(250, 150, 360, 260), True, True)
    elsewhere = Widget("seal", 0, Box(50, 150, 150, 250), True, True)
    assert placement_findings("seal", over_left, HEADER, [leader]) == []
    assert [f.rule for f in placement_findings("seal", elsewhere, HEADER, [leader])] == [
        "sign.seal-over-signature"
    ]
    number_on_label = Widget("n", 0, Box(88, 718, 110, 735), True, False)
    assert [f.rule for f in placement_findings("number", number_on_label, HEADER, [])] == [
        "sign.number-in-blank"
    ]
    stamp_left = Widget("p", 0, Box(60, 780, 200, 810), True, False)
    assert [f.rule for f in placement_findings("appendix", stamp_left, HEADER, [])] == [
        "sign.stamp-top-right"
    ]


# -- a letter signed here, with a certificate that has expired since --------------------------


def _blank_pdf() -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    writer = PdfFileWriter()
    writer.insert_page(PageObject(writer.add_object(generic.StreamObject(stream_data=b"")), (0, 0, 595, 842)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def old_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """Certificates valid from 1165 to 70 days ago (made "800 days ago"): expired since."""
    return make_pki(
        tmp_path_factory.mktemp("old-pki"), now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(800)
    )


def _signed(pki: Pki, folder: Path, timestamper: object | None) -> Path:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(str(pki.signer.p12), passphrase=PASSPHRASE)
    meta = signers.PdfSignatureMetadata(field_name="LanhDao", md_algorithm="sha256")
    out = signers.PdfSigner(meta, signer, timestamper=timestamper).sign_pdf(  # type: ignore[arg-type]
        IncrementalPdfFileWriter(io.BytesIO(_blank_pdf()))
    )
    path = folder / ("stamped.pdf" if timestamper else "unstamped.pdf")
    path.write_bytes(out.getvalue())
    return path


def test_expired_since_but_time_stamped_while_valid_is_valid(old_pki: Pki, tmp_path: Path) -> None:
    """Time-stamped by the local TSA (through wfh_docs.sign.tsa) at a time the certificate was
    valid: trusted, and the report says it has expired since."""
    with TsaServer(old_pki) as tsa:
        tsa.stamper.fixed_dt = dt.datetime.now(dt.timezone.utc) - dt.timedelta(400)
        path = _signed(old_pki, tmp_path, Timestamper(tsa.url, timeout=10))
    (report,) = verify_pdf(path, trust_roots=[old_pki.root_pem])
    assert report.time_source == "timestamp" and report.trust == "trusted" and report.ok, report.describe()
    assert "valid at the time-stamped signing time" in report.validity
    assert "the certificate has expired since" in report.validity
    assert exit_code([report]) == 0


def test_expired_since_without_a_time_stamp_is_the_signers_claim(old_pki: Pki, tmp_path: Path) -> None:
    (report,) = verify_pdf(_signed(old_pki, tmp_path, None), trust_roots=[old_pki.root_pem])
    assert report.time_source == "signer" and report.intact and report.valid
    assert "the signing time is the signer's own claim" in report.validity
    assert "expired on" in report.validity
    assert report.trust == "untrusted" and not report.ok and exit_code([report]) == 1
