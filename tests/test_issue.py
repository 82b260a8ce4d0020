"""Issuing letters as the văn thư does (Điều 15.3): a letter made without number and date, signed
by the leader, gets from `wfhdoc issue` its number from the register, its date, the same in its
phụ lục's Kèm theo line, and the seal, each an agency signature in its blank. What is checked is
what readers see: pdftotext's text, verify's roles, the register's rows, and the inputs' bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, REFERENCE_JSON, require_tool, soffice_pdf

pytest.importorskip("pyhanko")

from pki import PASSPHRASE, Pki, make_pki  # noqa: E402

from wfh_docs.batch.register import Register  # noqa: E402
from wfh_docs.cli.issue import RegisterNumbering  # noqa: E402
from wfh_docs.cli.main import main  # noqa: E402
from wfh_docs.errors import InputError  # noqa: E402
from wfh_docs.letter import vn  # noqa: E402
from wfh_docs.letter.sources import load_letter  # noqa: E402
from wfh_docs.render.template import Template  # noqa: E402
from wfh_docs.sign import KeySource, SignOptions, SignRequest, verify_pdf  # noqa: E402
from wfh_docs.sign.blanks import Blank, DateBlanks, find_blanks  # noqa: E402
from wfh_docs.sign.fonts import find_font, font_1000, measure  # noqa: E402
from wfh_docs.sign.issue import IssueRequest, issue_document, prepare  # noqa: E402
from wfh_docs.sign.pdftext import read_lines  # noqa: E402
from wfh_docs.sign.signing import Signing, load_document, picture_of  # noqa: E402

SIGNATURE_PNG = EXAMPLES / "signing" / "chu-ky-nguyen-huu-hung.png"
SEAL_PNG = EXAMPLES / "signing" / "con-dau-so-cong-thuong.png"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", autouse=True)
def font_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


def _letter_pdf(folder: Path, **changes: object) -> Path:
    """The reference letter (451/SCT-VP, with its phụ lục) made without number and date."""
    data = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))
    data.pop("$schema", None)
    for key in ("number", "date"):
        data.pop(key, None)
    data.update(changes)
    source = folder / "letter.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    docx = folder / "451-SCT-VP.docx"
    docx.write_bytes(Template().render(load_letter(source).letter).data)
    (pdf,) = soffice_pdf([docx], folder, timeout=180)
    return pdf


@pytest.fixture(scope="module")
def blank_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("soffice")
    return _letter_pdf(tmp_path_factory.mktemp("blank"))


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def _text(path: Path) -> str:
    require_tool("pdftotext")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _env(pki: Pki, tmp: Path) -> dict[str, str]:
    return dict(
        os.environ,
        WFHDOC_P12_PASSPHRASE=PASSPHRASE.decode(),
        WFHDOC_LANG="en",
        XDG_CACHE_HOME=os.environ["XDG_CACHE_HOME"],
        PYTHONPATH=str(ROOT),
    )


def _cli(args: list[str], pki: Pki, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("WFHDOC_P12_PASSPHRASE", PASSPHRASE.decode())
    return main(["--lang", "en", *args])


def _issue(path: Path, reg: Path, pki: Pki, *extra: str) -> list[str]:
    """The arguments of `wfhdoc issue` for one file, with the test agency's key."""
    key = ["--pkcs12", str(pki.agency.p12), "--seal-image", str(SEAL_PNG)]
    return ["issue", str(path), "--register", str(reg), *key, *extra]


def _sign_signer(source: Path, target: Path, pki: Pki, when: dt.datetime | None = None) -> Path:
    request = SignRequest("signer", image=SIGNATURE_PNG, signer_name="Nguyễn Hữu Hưng")
    with Signing(KeySource(pkcs12=pki.signer.p12, passphrase=PASSPHRASE), SignOptions(when=when)) as s:
        data, _result = s.sign(load_document(source), request, picture_of(request), target)
    target.write_bytes(data)
    return target


# -- 1. the blanks --------------------------------------------------------------------------------


def test_the_blanks_have_room_for_the_stamps_in_tnr_13(blank_pdf: Path) -> None:
    font = font_1000(find_font(None))
    pages = read_lines(blank_pdf.read_bytes(), blank_pdf)
    blanks = find_blanks(pages)
    assert blanks.number is not None and blanks.date is not None and blanks.date.year is not None
    assert blanks.symbol == "SCT-VP"
    assert blanks.number.width >= measure(["2020"], font, 13, 13).width  # a four-digit number
    for blank in (blanks.date.day, blanks.date.month):
        assert blank.width >= measure([" 12 "], font, 13, 13).width
    assert blanks.date.year.width >= measure([" 2020"], font, 13, 13).width
    (kem,) = blanks.kem_theo  # the phụ lục's line, on its own page
    assert kem.number.page > 0 and isinstance(kem.date, Blank)  # a công văn's "08/4/2020"
    assert kem.date.width >= measure(["08/12/2020"], font, 13, 13).width
    assert blanks.subject.startswith("báo cáo tình hình công chức")
    assert blanks.recipients == ("Sở Thông tin và Truyền thông Quảng Trị",)


# -- 2. issuing -----------------------------------------------------------------------------------


def _issued_in_2020(blank: Path, folder: Path, stem: str, register: Register) -> tuple[Path, str, Path, Any]:
    """`blank` signed by the leader on 8 April 2020 at 9:30 (Vietnam time), issued a minute later
    with numbers from `register` and recorded there: the signed PDF and its SHA-256 before it was
    issued, the issued PDF, the result."""
    when = dt.datetime(2020, 4, 8, 9, 30)
    (folder / "pki").mkdir()
    pki2020 = make_pki(folder / "pki", now=dt.datetime(2020, 4, 8, tzinfo=dt.timezone.utc))
    signed = _sign_signer(blank, folder / f"{stem}-signer.pdf", pki2020, when)
    before = _sha(signed)
    request = IssueRequest(SEAL_PNG)
    agency = KeySource(pkcs12=pki2020.agency.p12, passphrase=PASSPHRASE)
    output = folder / f"{stem}-issued.pdf"
    numbering = RegisterNumbering(register)
    with Signing(agency, SignOptions(when=when + dt.timedelta(minutes=1))) as signing:
        prepared = prepare(signed, request)
        seal = picture_of(SignRequest("agency", image=SEAL_PNG))
        data, result = issue_document(signing, prepared, request, seal, numbering, output)
    output.write_bytes(data)
    numbering.issued(prepared.letter, result.date, result.number, output, _sha(output))
    return signed, before, output, result


def test_an_issued_letter_reads_right_and_the_register_has_it(blank_pdf: Path, tmp_path: Path) -> None:
    """In 2020, with a register whose SCT sequence stands at 451: the text pdftotext reads."""
    register = Register(tmp_path / "so.sqlite")
    register.start_at("SCT", 2020, 451)
    signed, before, output, result = _issued_in_2020(blank_pdf, tmp_path, "451", register)
    text = _text(output)
    assert "Số: 451/SCT-VP" in text
    assert "Quảng Trị, ngày 08 tháng 4 năm 2020" in text
    assert "(Kèm theo Công văn số: 451/SCT-VP ngày 08/4/2020" in text
    assert result.fields == ("SoVanBan", "NgayBanHanh", "KemTheoSo", "KemTheoNgay", "CoQuan")
    assert _sha(signed) == before  # the input is never changed
    (entry,) = register.entries()
    assert (entry.agency, entry.year, entry.number, entry.symbol) == ("SCT", 2020, 451, "SCT-VP")
    assert (entry.status, entry.date, entry.sha256) == ("issued", "2020-04-08", _sha(output))
    assert entry.subject.startswith("báo cáo tình hình công chức")
    assert entry.recipient == "Sở Thông tin và Truyền thông Quảng Trị"
    register.close()


@pytest.mark.parametrize("abbreviation", ["SCT", "SNNPTNTQTXYZWV"])
def test_a_ke_hoach_s_phu_luc_gets_the_long_date_as_the_date_line(tmp_path: Path, abbreviation: str) -> None:
    """Mẫu 2.1: the phụ lục of a kind with a tên loại says "ngày 08 tháng 4 năm 2020"; its blanks
    are found as the date line's are and stamped the same way, also when a long ký hiệu puts
    "năm" on the next line."""
    require_tool("soffice")
    data = json.loads((EXAMPLES / "ke-hoach-lam-viec-tai-nha.json").read_text(encoding="utf-8"))
    data.pop("$schema", None)
    for key in ("number", "date"):
        data.pop(key, None)
    data["issuer"]["abbreviation"] = abbreviation
    data["appendices"] = [{"title": "Danh sách các phòng", "content": ["Văn phòng."]}]
    source = tmp_path / "letter.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    docx = tmp_path / "ke-hoach.docx"
    docx.write_bytes(Template().render(load_letter(source).letter).data)
    (blank,) = soffice_pdf([docx], tmp_path, timeout=180)
    (kem,) = find_blanks(read_lines(blank.read_bytes(), blank)).kem_theo
    assert kem.number.page > 0 and isinstance(kem.date, DateBlanks)
    register = Register(tmp_path / "so.sqlite")
    _signed, _before, output, result = _issued_in_2020(blank, tmp_path, "ke-hoach", register)
    register.close()
    number = vn.format_doc_number(result.number)
    text = " ".join(_text(output).split())
    assert "Quảng Trị, ngày 08 tháng 4 năm 2020" in text
    # a two-digit number stands centred in its blank: "01 /KH-SCT", as after "Số:"
    line = rf"\(Kèm theo Kế hoạch số {number} ?/KH-{abbreviation} ngày 08 tháng 4 năm 2020 của Sở"
    assert re.search(line, text), text
    assert result.fields == ("SoVanBan", "NgayBanHanh", "KemTheoSo", "KemTheoNgay", "CoQuan")
    assert result.warnings == ()


def test_issue_from_the_command_line_and_verify_names_the_stamps(
    blank_pdf: Path, pki: Pki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = _sign_signer(blank_pdf, tmp_path / "451-SCT-VP-signer.pdf", pki)
    reg = tmp_path / "so.sqlite"
    today = dt.datetime.fromisoformat(vn.iso_vn_time(dt.datetime.now(dt.timezone.utc))).date()
    with Register(reg) as register:
        register.start_at("SCT", today.year, 451)
    args = _issue(signed, reg, pki)
    assert _cli(args, pki, monkeypatch) == 0
    issued = tmp_path / "451-SCT-VP-issued.pdf"
    text = _text(issued)
    assert "Số: 451/SCT-VP" in text
    assert vn.format_date_line("Quảng Trị", today) in text
    verify = ["verify", str(issued), "--json", "--trust-root", str(pki.root.cert_pem)]
    out = subprocess.run(
        [sys.executable, "-m", "wfh_docs", *verify], capture_output=True, text=True, env=_env(pki, tmp_path)
    )
    roles = [row["role"] for row in json.loads(out.stdout)]
    assert roles == ["approval", "number", "date", "number", "date", "seal"]
    # issuing it again: refused, whether the PDF or the issued one is given
    assert _cli(args, pki, monkeypatch) == 1
    assert _cli(_issue(issued, reg, pki), pki, monkeypatch) == 1
    assert len(Register(reg).entries()) == 1


def test_bad_letters_are_refused_and_nothing_is_stamped(
    blank_pdf: Path,
    pki: Pki,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reg = tmp_path / "so.sqlite"
    key = ["--register", str(reg), "--pkcs12", str(pki.agency.p12), "--seal-image", str(SEAL_PNG)]
    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(blank_pdf.read_bytes())
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(blank_pdf.read_bytes()[:3000])
    cases = {
        unsigned: "has no signature of the competent person",
        damaged: "cannot read the PDF",
    }
    for path, message in cases.items():
        before = path.read_bytes()
        capsys.readouterr()
        assert _cli(["issue", str(path), *key], pki, monkeypatch) == 1
        assert message in capsys.readouterr().err
        assert path.read_bytes() == before
        assert not path.with_name(f"{path.stem}-issued.pdf").exists()
    assert Register(reg).entries() == []
    # a letter signed on paper and scanned: issued when told
    assert _cli(["issue", str(unsigned), *key, "--allow-unsigned"], pki, monkeypatch) == 0
    assert "Số: 01 /SCT-VP" in _text(tmp_path / "unsigned-issued.pdf")  # a short number, centred


def test_a_letter_with_its_number_printed_has_no_blank(
    pki: Pki, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_tool("soffice")
    pdf = _letter_pdf(tmp_path, number=451, date="2020-04-08")
    signed = _sign_signer(pdf, tmp_path / "numbered-signer.pdf", pki)
    reg = tmp_path / "so.sqlite"
    code = _cli(_issue(signed, reg, pki), pki, monkeypatch)
    assert code == 1
    err = capsys.readouterr().err
    assert "has no blank after 'Số:'" in err and "Số: 451/SCT-VP" in err and "nothing was stamped" in err
    assert not (tmp_path / "numbered-issued.pdf").exists()
    assert Register(reg).entries() == []


def test_an_encrypted_pdf_is_refused(blank_pdf: Path, pki: Pki, tmp_path: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(blank_pdf.read_bytes()), strict=False))
    writer.encrypt("owner", "user")
    out = io.BytesIO()
    writer.write(out)
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(out.getvalue())
    with pytest.raises(InputError, match="encrypted"):
        prepare(locked, IssueRequest(SEAL_PNG))


def test_a_register_locked_by_another_run_is_said_and_left_as_it_was(
    blank_pdf: Path,
    pki: Pki,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    signed = _sign_signer(blank_pdf, tmp_path / "a-signer.pdf", pki)
    reg = tmp_path / "so.sqlite"
    Register(reg).close()
    other = sqlite3.connect(reg, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another run holding the register
    try:
        code = _cli(_issue(signed, reg, pki, "--wait", "0.2"), pki, monkeypatch)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 1
    assert "locked by another run" in capsys.readouterr().err
    assert not (tmp_path / "a-issued.pdf").exists()
    assert Register(reg).entries() == []


def test_two_runs_at_once_never_give_one_number_twice(blank_pdf: Path, pki: Pki, tmp_path: Path) -> None:
    """Two processes issuing three letters each from one register: six numbers, 1 to 6, each
    letter reading the number the register gave it."""
    folders = [tmp_path / "a", tmp_path / "b"]
    for i in range(6):
        folder = folders[i % 2]
        folder.mkdir(exist_ok=True)
        _sign_signer(blank_pdf, folder / f"letter{i}-signer.pdf", pki)  # six letters, six hashes
    reg = tmp_path / "so.sqlite"
    env = _env(pki, tmp_path)
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "wfh_docs",
                "--lang",
                "en",
                "issue",
                str(folder),
                "-o",
                str(folder / "out"),
                "--register",
                str(reg),
                "--pkcs12",
                str(pki.agency.p12),
                "--seal-image",
                str(SEAL_PNG),
                "-q",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for folder in folders
    ]
    for run in runs:
        _out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()
    entries = Register(reg).entries()
    assert sorted(e.number for e in entries) == [1, 2, 3, 4, 5, 6]
    for entry in entries:
        assert entry.status == "issued" and entry.output
        assert entry.sha256 == _sha(Path(entry.output))
        assert f"Số: {entry.number:02d} /SCT-VP" in _text(Path(entry.output))


# -- 3. time-stamps -------------------------------------------------------------------------------


def test_every_stamp_is_time_stamped_and_a_tsa_that_refuses_leaves_nothing(
    blank_pdf: Path,
    pki: Pki,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tsa_server import TsaServer

    signed = _sign_signer(blank_pdf, tmp_path / "t-signer.pdf", pki)
    before = _sha(signed)
    reg = tmp_path / "so.sqlite"
    with TsaServer(pki) as tsa:
        tsa.behave(mode="rejection")
        assert _cli(_issue(signed, reg, pki, "--tsa-url", tsa.url), pki, monkeypatch) == 1
        assert tsa.url in capsys.readouterr().err
        assert not (tmp_path / "t-issued.pdf").exists() and _sha(signed) == before
        assert Register(reg).entries() == []  # the number drawn was given back: none skipped
        tsa.behave(mode="ok")
        assert _cli(_issue(signed, reg, pki, "--tsa-url", tsa.url), pki, monkeypatch) == 0
    reports = verify_pdf(tmp_path / "t-issued.pdf", trust_roots=[pki.root.cert_pem])
    assert [r.role for r in reports] == ["approval", "number", "date", "number", "date", "seal"]
    assert all(r.time_source == "timestamp" for r in reports[1:])  # the văn thư's five
    (entry,) = Register(reg).entries()
    assert entry.number == 1 and entry.status == "issued"


def test_a_run_stopped_after_a_letter_was_written_resumes_with_its_number(
    blank_pdf: Path, pki: Pki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped between writing a letter and recording it: the next run gives that letter the
    number it was drawn (none skipped, none twice), and replaces the file the stopped run wrote."""
    folder = tmp_path / "signed"
    folder.mkdir()
    for name in ("a", "b"):
        _sign_signer(blank_pdf, folder / f"{name}-signer.pdf", pki)
    reg = tmp_path / "so.sqlite"
    real = RegisterNumbering.issued

    def stop(self: RegisterNumbering, *args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(RegisterNumbering, "issued", stop)
    args = _issue(folder, reg, pki, "-o", str(tmp_path / "out"))
    assert _cli(args, pki, monkeypatch) != 0  # stopped (click says "Aborted.")
    assert (tmp_path / "out" / "a-issued.pdf").exists()
    assert [(e.number, e.status) for e in Register(reg).entries()] == [(1, "reserved")]
    monkeypatch.setattr(RegisterNumbering, "issued", real)
    assert _cli(args, pki, monkeypatch) == 0
    entries = {Path(str(e.output)).name: e for e in Register(reg).entries()}
    assert {name: (e.number, e.status) for name, e in entries.items()} == {
        "a-issued.pdf": (1, "issued"),
        "b-issued.pdf": (2, "issued"),
    }
    assert "Số: 01 /SCT-VP" in _text(tmp_path / "out" / "a-issued.pdf")
    assert entries["a-issued.pdf"].sha256 == _sha(tmp_path / "out" / "a-issued.pdf")
