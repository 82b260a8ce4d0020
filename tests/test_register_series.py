"""One series of numbers for each kind of document of an agency and year (Nghị định 30, Điều
15.1): a batch mixing công văn and quyết định of one agency numbers each on its own, 1..n; two
batches at once never give one number twice nor skip one; `register list` and `register start`
work by series; a register made before the series were kept per kind (the schema at the commit
before them, written here as it was) keeps every number and each series goes on after its own.
Through the real CLI, checking the numbers in the manifests, the letters' names and the rows."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, ROOT, require_tool, soffice_pdf
from test_adversarial_register import Cli, manifest, register_rows

from wfh_docs.letter.series import copy_series, old_series, series_for, series_of

QD_SCT = EXAMPLES / "quyet-dinh-ban-hanh-quy-che.json"  # a quyết định of the Sở Công Thương
QD_UBND = EXAMPLES / "quyet-dinh-to-cong-tac.json"  # one of UBND huyện Can Lộc
SNV = EXAMPLES / "batch" / "so-noi-vu-gui-huyen.json"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


def _example(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    data.pop("$schema", None)
    data.pop("number", None)
    return data


def quyet_dinh(name: str, path: Path = QD_SCT) -> dict[str, Any]:
    """A quyết định without its number, with its own output_name (its identity)."""
    return _example(path) | {"output_name": name}


def cong_van(name: str, recipient: str, issuer: dict[str, Any]) -> dict[str, Any]:
    """A công văn of the Sở Nội vụ sample, sent by `issuer`, without its number."""
    data = json.loads(SNV.read_text(encoding="utf-8"))
    letter: dict[str, Any] = copy.deepcopy(data["defaults"])
    return letter | {"issuer": issuer, "output_name": name, "recipients": [recipient]}


def sct() -> dict[str, Any]:
    issuer: dict[str, Any] = _example(QD_SCT)["issuer"]
    return issuer


def mixed(count: int = 3) -> list[dict[str, Any]]:
    """Công văn and quyết định of the SCT, interleaved, and a quyết định of UBND."""
    records: list[dict[str, Any]] = []
    for i in range(count):
        records.append(cong_van(f"cv-{i}", f"Ủy ban nhân dân huyện số {i}", sct()))
        records.append(quyet_dinh(f"qd-{i}"))
    records.append(quyet_dinh("qd-ubnd", QD_UBND))
    return records


def write_batch(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"defaults": {}, "records": records}, ensure_ascii=False), "utf-8")
    return path


def by_series(rows: list[dict[str, Any]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for r in rows:
        out.setdefault(r["series"], []).append(r["number"])
    return {k: sorted(v) for k, v in out.items()}


# --- the series a ký hiệu and a kind name ------------------------------------------------------


def test_the_series_of_a_symbol_is_the_models() -> None:
    assert series_of("SCT-VP") == "SCT" == series_for("SCT", "cong-van")
    assert series_of("QĐ-UBND") == "QĐ-UBND" == series_for("UBND", "quyet-dinh")
    assert series_of("QĐ-UBND-VP") == "QĐ-UBND"
    assert series_of("Q\u0110-UBND") == series_of("QĐ-UBND")
    assert series_of("KH-SCT") == series_for("SCT", "ke-hoach") == "KH-SCT"
    # a copy's ký hiệu: the copying agency's copies, one series for SY, TrS and SL
    assert series_of("SY-VP") == series_of("TrS-VP") == series_of("SL-VP") == copy_series("VP") == "SAO-VP"
    # a quyết định an earlier wfhdoc kept in its agency's sequence moves; one put in another
    # series by hand (issue --series) or a công văn stays
    assert old_series("UBND", "QĐ-UBND") == "QĐ-UBND"
    assert old_series("HĐTĐ", "QĐ-UBND") is None and old_series("SCT", "SCT-VP") is None


# --- a batch --------------------------------------------------------------------------------


def test_a_batch_of_cong_van_and_quyet_dinh_numbers_each_series_from_one(tmp_path: Path, cli: Cli) -> None:
    register, out = tmp_path / "so.sqlite", tmp_path / "out"
    source = write_batch(tmp_path / "thang-4.json", mixed())
    code, _, err = cli.batch(source, out, register)
    assert code == 0, err
    numbers = {r["output"]: r["number"] for r in manifest(out)}
    assert numbers == {
        "cv-0.docx": "01/SCT-VP",
        "qd-0.docx": "01/QĐ-SCT",
        "cv-1.docx": "02/SCT-VP",
        "qd-1.docx": "02/QĐ-SCT",
        "cv-2.docx": "03/SCT-VP",
        "qd-2.docx": "03/QĐ-SCT",
        "qd-ubnd.docx": "01/QĐ-UBND",
    }
    rows = register_rows(register)
    assert by_series(rows) == {"SCT": [1, 2, 3], "QĐ-SCT": [1, 2, 3], "QĐ-UBND": [1]}
    # each row is its letter's: issued with that letter's file
    for r in rows:
        assert r["status"] == "issued", r
        assert numbers[r["output"]] == f"{r['number']:02d}/{r['symbol']}"
    # run again: every letter keeps its number; one more of each kind continues its series
    records = mixed() + [quyet_dinh("qd-3"), cong_van("cv-3", "Ủy ban nhân dân huyện mới", sct())]
    code, _, err = cli.batch(write_batch(source, records[::-1]), out, register)
    assert code == 0, err
    numbers = {r["output"]: r["number"] for r in manifest(out)}
    assert numbers["qd-3.docx"] == "04/QĐ-SCT" and numbers["cv-3.docx"] == "04/SCT-VP"
    assert numbers["qd-ubnd.docx"] == "01/QĐ-UBND" and numbers["cv-0.docx"] == "01/SCT-VP"
    assert by_series(register_rows(register)) == {"SCT": [1, 2, 3, 4], "QĐ-SCT": [1, 2, 3, 4], "QĐ-UBND": [1]}


def test_two_batches_at_once_share_no_number_and_skip_none(tmp_path: Path) -> None:
    register = tmp_path / "so.sqlite"
    runs = []
    for name in ("a", "b"):
        records = [r | {"output_name": f"{name}-{r['output_name']}"} for r in mixed(4)[:-1]]
        source = write_batch(tmp_path / f"{name}.json", records)
        args = ["batch", str(source), "-o", str(tmp_path / name), "--register", str(register), "-q"]
        runs.append(
            subprocess.Popen(
                [sys.executable, "-m", "wfh_docs", "--lang", "en", *args, "--workers", "1"],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    for run in runs:
        _out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err.decode()
    rows = register_rows(register)
    assert by_series(rows) == {"SCT": list(range(1, 9)), "QĐ-SCT": list(range(1, 9))}
    shown = [r["number"] for name in ("a", "b") for r in manifest(tmp_path / name)]
    assert sorted(shown) == sorted(f"{n:02d}/{s}" for n in range(1, 9) for s in ("SCT-VP", "QĐ-SCT"))


# --- register list and start -----------------------------------------------------------------


def test_register_start_continues_a_series_and_list_filters_by_it(tmp_path: Path, cli: Cli) -> None:
    register, out = tmp_path / "so.sqlite", tmp_path / "out"
    code, text, _ = cli("register", "start", register, "--agency", "SCT", "--year", "2020", "--next", "413")
    assert (code, text) == (0, "SCT 2020: the next number is 413\n")
    code, text, _ = cli(
        "register",
        "start",
        register,
        "--agency",
        "SCT",
        "--type",
        "quyet-dinh",
        "--year",
        "2020",
        "--next",
        "57",
    )
    assert (code, text) == (0, "QĐ-SCT 2020: the next number is 57\n")
    assert cli.batch(write_batch(tmp_path / "b.json", mixed(2)), out, register)[0] == 0
    assert by_series(register_rows(register)) == {"SCT": [413, 414], "QĐ-SCT": [57, 58], "QĐ-UBND": [1]}
    # a series started past the numbers it has is refused, the others are not touched
    code, _, err = cli("register", "start", register, "--series", "QĐ-SCT", "--year", "2020", "--next", "58")
    assert code == 1 and "QĐ-SCT has already issued number 58 in 2020" in err
    assert cli("register", "start", register, "--series", "QĐ-UBND", "--year", "2020", "--next", "9")[0] == 0
    # list: by series, by agency (every kind of it), by kind
    code, text, err = cli("register", "list", register, "--series", "QĐ-SCT")
    assert code == 0 and err == "2 entries\n"
    assert [line.split()[1] for line in text.splitlines()] == ["57/QĐ-SCT", "58/QĐ-SCT"]
    assert "V/v" not in text  # a quyết định has a trích yếu, not a V/v
    code, text, err = cli("register", "list", register, "--agency", "SCT")
    assert err == "4 entries\n"
    assert [line.split()[1] for line in text.splitlines()] == [
        "57/QĐ-SCT",
        "58/QĐ-SCT",
        "413/SCT-VP",
        "414/SCT-VP",
    ]
    code, text, err = cli("register", "list", register, "--type", "quyet-dinh")
    assert err == "3 entries\n" and "01/QĐ-UBND" in text
    code, text, err = cli("register", "list", register, "--type", "cong-van", "--json")
    assert [(e["series"], e["number"]) for e in json.loads(text)] == [("SCT", 413), ("SCT", 414)]
    assert cli("register", "list", register, "--series", "KH-SCT") == (0, "", "0 entries\n")


def test_register_start_says_which_series_it_needs(tmp_path: Path, cli: Cli) -> None:
    register = tmp_path / "so.sqlite"
    code, _, err = cli("register", "start", register, "--year", "2020", "--next", "5")
    assert code == 2 and "give the series to continue: --agency SCT" in err
    code, _, err = cli(
        "register",
        "start",
        register,
        "--series",
        "QĐ-SCT",
        "--agency",
        "SCT",
        "--year",
        "2020",
        "--next",
        "5",
    )
    assert code == 2 and "give either --series, or --agency" in err
    code, _, err = cli(
        "register", "start", register, "--agency", "SCT", "--type", "quyet", "--year", "2020", "--next", "5"
    )
    assert code == 2 and "'quyet' is not one of" in err
    assert not register.exists()


# --- a register made before the series ------------------------------------------------------

# the schema at the commit before series (b6df330): one sequence per agency and year
OLD_SCHEMA = """
CREATE TABLE issued (agency TEXT NOT NULL, year INTEGER NOT NULL, number INTEGER NOT NULL,
    symbol TEXT NOT NULL, date TEXT, subject TEXT NOT NULL, recipient TEXT NOT NULL, output TEXT,
    sha256 TEXT, status TEXT NOT NULL, record TEXT NOT NULL, input_sha256 TEXT NOT NULL,
    created TEXT NOT NULL, identity TEXT, issued_at TEXT, PRIMARY KEY (agency, year, number));
CREATE TABLE starts (agency TEXT NOT NULL, year INTEGER NOT NULL, next INTEGER NOT NULL,
    PRIMARY KEY (agency, year));
CREATE TABLE revisions (agency TEXT NOT NULL, year INTEGER NOT NULL, number INTEGER NOT NULL,
    symbol TEXT NOT NULL, date TEXT, subject TEXT NOT NULL, recipient TEXT NOT NULL, output TEXT,
    sha256 TEXT, record TEXT NOT NULL, input_sha256 TEXT NOT NULL, issued_at TEXT, revised TEXT NOT NULL);
CREATE INDEX issued_record ON issued (record, input_sha256);
CREATE INDEX issued_identity ON issued (agency, year, identity);
"""


def old_register(path: Path) -> None:
    """What wfhdoc made of a month's letters of the SCT before series: công văn 1, 2, 4 and the
    quyết định 3 (issued from a PDF, then corrected) in one sequence; a quyết định of a council
    numbered on its own (issue --series HĐKL); the sequence started at 1 by hand."""
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    rows = [
        ("SCT", 1, "SCT-VP", "thang-4.json:records[0]", "thang-4.json\x1fname:cv-0", "cv-0.docx"),
        ("SCT", 2, "SCT-VP", "thang-4.json:records[1]", "thang-4.json\x1fname:cv-1", "cv-1.docx"),
        ("SCT", 3, "QĐ-SCT", "qd-signer.pdf", "pdf:" + "a" * 64, "/issued/qd-issued.pdf"),
        ("SCT", 4, "SCT-VP", "thang-4.json:records[2]", "thang-4.json\x1fname:cv-2", "cv-2.docx"),
        ("HĐKL", 1, "QĐ-SCT", "hd-signer.pdf", "pdf:" + "b" * 64, "/issued/hd-issued.pdf"),
    ]
    for agency, number, symbol, record, identity, output in rows:
        db.execute(
            "INSERT INTO issued VALUES (?, 2020, ?, ?, '2020-04-06', 'việc cũ', 'Nơi nhận', ?, ?, "
            "'issued', ?, "
            "'in', '2020-04-06T01:00:00+00:00', ?, '2020-04-06T01:00:00+00:00')",
            (agency, number, symbol, output, "f" * 64, record, identity),
        )
    db.execute(
        "INSERT INTO revisions VALUES ('SCT', 2020, 3, 'QĐ-SCT', '2020-04-05', 'bản đầu', 'Nơi nhận', "
        "'/issued/qd-v1.pdf', 'e', 'qd-signer.pdf', 'in0', '2020-04-05', '2020-04-06')"
    )
    db.execute("INSERT INTO starts VALUES ('SCT', 2020, 1)")
    db.commit()
    db.close()


def test_an_old_register_keeps_every_number_and_each_series_goes_on(tmp_path: Path, cli: Cli) -> None:
    register, out = tmp_path / "old.sqlite", tmp_path / "out"
    old_register(register)
    before = register.read_bytes()
    # listed read-only: as the series will have it, the file not changed
    code, text, err = cli("register", "list", register, "--series", "QĐ-SCT")
    assert code == 0 and err == "1 entry\n" and text.split()[1] == "03/QĐ-SCT"
    code, text, _ = cli("register", "list", register, "--agency", "HĐKL")
    assert "01/QĐ-SCT" in text and "[series HĐKL]" in text
    assert register.read_bytes() == before
    # a batch opens it for writing: the rows move once, with their numbers
    records = [cong_van(f"cv-{i}", f"Ủy ban nhân dân huyện số {i}", sct()) for i in range(4)]
    records += [quyet_dinh("qd-new")]
    code, _, err = cli.batch(write_batch(tmp_path / "thang-4.json", records), out, register)
    assert code == 0, err
    rows = register_rows(register)
    kept = {(r["series"], r["number"]): r["identity"] for r in rows if r["created"].startswith("2020-04-06")}
    assert kept == {
        ("SCT", 1): "thang-4.json\x1fname:cv-0",
        ("SCT", 2): "thang-4.json\x1fname:cv-1",
        ("SCT", 4): "thang-4.json\x1fname:cv-2",
        ("QĐ-SCT", 3): "pdf:" + "a" * 64,
        ("HĐKL", 1): "pdf:" + "b" * 64,
    }
    numbers = {r["output"]: r["number"] for r in manifest(out)}
    # the letters an earlier run numbered keep their numbers; the new ones continue each series
    assert numbers == {
        "cv-0.docx": "01/SCT-VP",
        "cv-1.docx": "02/SCT-VP",
        "cv-2.docx": "04/SCT-VP",
        "cv-3.docx": "05/SCT-VP",
        "qd-new.docx": "04/QĐ-SCT",
    }
    assert by_series(register_rows(register)) == {"SCT": [1, 2, 4, 5], "QĐ-SCT": [3, 4], "HĐKL": [1]}
    for r in register_rows(register):  # each letter of the batch marked issued on its own row
        if r["output"] in numbers:
            assert numbers[r["output"]] == f"{r['number']:02d}/{r['symbol']}" and r["status"] == "issued"
    db = sqlite3.connect(register)
    try:
        first = "SELECT series, number FROM revisions WHERE subject = 'bản đầu'"
        assert db.execute(first).fetchall() == [("QĐ-SCT", 3)]
        assert db.execute("PRAGMA user_version").fetchone() == (1,)
    finally:
        db.close()
    # opened again, nothing moves twice
    assert cli("register", "list", register, "--series", "SCT")[2] == "4 entries\n"
    assert cli.batch(write_batch(tmp_path / "thang-4.json", records), out, register)[0] == 0
    assert by_series(register_rows(register)) == {"SCT": [1, 2, 4, 5], "QĐ-SCT": [3, 4], "HĐKL": [1]}


# --- issue ------------------------------------------------------------------------------------


def _quyet_dinh_pdf(folder: Path) -> Path:
    """The quyết định of UBND huyện Can Lộc made without its number and date, as a PDF."""
    from wfh_docs.letter.sources import load_letter
    from wfh_docs.render.template import Template

    data = _example(QD_UBND)
    data.pop("date", None)
    source = folder / "quyet-dinh.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    docx = folder / "QD-UBND.docx"
    docx.write_bytes(Template().render(load_letter(source).letter).data)
    (pdf,) = soffice_pdf([docx], folder, timeout=180)
    return pdf


def test_issue_numbers_a_quyet_dinh_on_its_own_series(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyhanko")
    require_tool("soffice")
    require_tool("pdftotext")
    from pki import PASSPHRASE, make_pki
    from test_issue import _issue, _sign_signer

    from wfh_docs.letter import vn

    (tmp_path / "pki").mkdir()
    pki = make_pki(tmp_path / "pki")
    blank = _quyet_dinh_pdf(tmp_path)
    year = dt.datetime.fromisoformat(vn.iso_vn_time(dt.datetime.now(dt.timezone.utc))).year
    register = tmp_path / "so.sqlite"
    # UBND's công văn stand at 451, its quyết định at 57: the quyết định takes 57
    for extra in (["--next", "451"], ["--type", "quyet-dinh", "--next", "57"]):
        assert cli("register", "start", register, "--agency", "UBND", "--year", str(year), *extra)[0] == 0
    monkeypatch.setenv("WFHDOC_P12_PASSPHRASE", PASSPHRASE.decode())
    signed = _sign_signer(blank, tmp_path / "qd-signer.pdf", pki)
    code, text, err = cli(*_issue(signed, register, pki))
    assert code == 0, err
    assert "Số: 57/QĐ-UBND" in text
    pdf = subprocess.run(
        ["pdftotext", str(tmp_path / "qd-issued.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "57/QĐ-UBND" in pdf.replace(" /", "/")
    (row,) = register_rows(register)
    assert (row["series"], row["number"], row["symbol"], row["status"]) == (
        "QĐ-UBND",
        57,
        "QĐ-UBND",
        "issued",
    )
    # --series: a council that numbers on its own series
    other = _sign_signer(blank, tmp_path / "hd-signer.pdf", pki)
    code, text, err = cli(*_issue(other, register, pki, "--series", "HĐKL"))
    assert code == 0 and "Số: 01/QĐ-UBND" in text, err
    assert by_series(register_rows(register)) == {"QĐ-UBND": [57], "HĐKL": [1]}
    # --agency, the option's name before, still works and says its new name
    third = _sign_signer(blank, tmp_path / "hd-signer-2.pdf", pki)
    code, text, err = cli(*_issue(third, register, pki, "--agency", "HĐKL"))
    assert code == 0 and "--agency is now called --series" in err, err
    assert by_series(register_rows(register)) == {"QĐ-UBND": [57], "HĐKL": [1, 2]}
    code, text, err = cli("register", "list", register, "--agency", "UBND")
    assert err == "1 entry\n" and text.split()[1] == "57/QĐ-UBND"


# --- the browser app's register page ------------------------------------------------------------


def test_the_register_page_shows_and_filters_the_series(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # anyio's alias, as in test_web
        from starlette.testclient import TestClient

    from wfh_docs.web.app import create_app
    from wfh_docs.web.config import WebConfig

    register = tmp_path / "so.sqlite"
    old_register(register)  # SCT: công văn 1, 2, 4; quyết định 3; the council's 1
    before = register.read_bytes()
    with TestClient(create_app(WebConfig(register=register)), base_url="http://127.0.0.1:8750") as c:
        page = c.get("/so-dang-ky?lang=en").text
        options = page.split('<select id="series"', 1)[1].split("</select>", 1)[0]
        assert re.findall(r'<option value="([^"]+)"', options) == ["HĐKL", "QĐ-SCT", "SCT"]
        one = c.get("/so-dang-ky", params={"series": "QĐ-SCT"}).text
        assert "03/QĐ-SCT" in one and "01/SCT-VP" not in one and "V/v việc cũ" not in one
        by_agency = c.get("/so-dang-ky", params={"agency": "SCT"}).text
        assert all(f"{n}/" in by_agency for n in ("01", "02", "03", "04"))
        assert "V/v việc cũ" in by_agency  # the công văn's trích yếu
        sheet = c.get("/so-dang-ky.xlsx", params={"agency": "SCT", "year": "2020"})
        ws = openpyxl.load_workbook(io.BytesIO(sheet.content)).active
        assert ws is not None
        rows = [[cell.value for cell in row][:5] for row in ws.iter_rows(min_row=2)]
        assert rows == [
            [2020, "SCT", 3, "QĐ-SCT", "QĐ-SCT"],
            [2020, "SCT", 1, "SCT-VP", "SCT"],
            [2020, "SCT", 2, "SCT-VP", "SCT"],
            [2020, "SCT", 4, "SCT-VP", "SCT"],
        ]
    assert register.read_bytes() == before  # read-only: the old register is as it was


def test_a_letter_that_changes_its_kind_leaves_no_number_behind(tmp_path: Path) -> None:
    """A letter numbered as a công văn and not issued, then made a quyết định: its công văn
    number is given back when it is the series' last, else kept for it, and the user told."""
    from wfh_docs.batch.register import Register

    def draw(reg: Register, series: str, identity: str) -> tuple[int, str]:
        symbol = "SCT-VP" if series == "SCT" else series
        got = reg.allocate(
            series=series,
            year=2020,
            symbol=symbol,
            date="2020-04-06",
            subject="việc",
            recipient="Nơi nhận",
            record=f"b.json:{identity}",
            identity=identity,
            input_sha256=f"{series}-{identity}",
        )
        return got.number, got.note

    with Register(tmp_path / "so.sqlite") as reg:
        assert draw(reg, "SCT", "x") == (1, "")
        assert draw(reg, "QĐ-SCT", "x") == (1, "")  # 01/SCT-VP given back: the series' last
        assert [(e.series, e.number) for e in reg.entries()] == [("QĐ-SCT", 1)]
        assert draw(reg, "SCT", "y")[0] == 1 and draw(reg, "SCT", "z")[0] == 2
        number, note = draw(reg, "QĐ-SCT", "y")  # 01/SCT-VP has 02 after it: kept for y
        assert number == 2 and "had the number 01/SCT-VP on another series" in note
        assert [(e.series, e.number) for e in reg.entries()] == [
            ("QĐ-SCT", 1),
            ("QĐ-SCT", 2),
            ("SCT", 1),
            ("SCT", 2),
        ]
        assert draw(reg, "SCT", "w")[0] == 3  # nothing skipped, nothing given twice


def test_an_old_register_opened_by_two_runs_at_once_moves_once(tmp_path: Path) -> None:
    register = tmp_path / "old.sqlite"
    old_register(register)
    # a quyết định given 03 by hand on its own series already: the old 03/QĐ-SCT stays where it
    # is, rather than two rows of one number
    db = sqlite3.connect(register)
    db.execute(
        "INSERT INTO issued (agency, year, number, symbol, subject, recipient, status, record, "
        "input_sha256, created) VALUES ('QĐ-SCT', 2020, 3, 'QĐ-SCT', 'bằng tay', '', 'issued', 'x', 'y', 'z')"
    )
    db.commit()
    db.close()
    code = (
        "import sys; from pathlib import Path; from wfh_docs.batch.register import Register; "
        "Register(Path(sys.argv[1])).close()"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", code, str(register)], cwd=ROOT, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for run in runs:
        _out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode()
    rows = register_rows(register)
    assert by_series(rows) == {"SCT": [1, 2, 3, 4], "QĐ-SCT": [3], "HĐKL": [1]}
    assert {(r["series"], r["subject"]) for r in rows if r["number"] == 3} == {
        ("SCT", "việc cũ"),
        ("QĐ-SCT", "bằng tay"),
    }
    db = sqlite3.connect(register)
    try:
        assert db.execute("PRAGMA user_version").fetchone() == (1,)
        assert db.execute("SELECT series FROM revisions").fetchall() == [("SCT",)]  # with its row
        for table in ("issued", "starts", "revisions"):  # the column `agency` renamed, once
            columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            assert "series" in columns and "agency" not in columns, (table, columns)
        [index] = db.execute("SELECT sql FROM sqlite_master WHERE name = 'issued_identity'").fetchall()
        assert "(series, year, identity)" in index[0]
    finally:
        db.close()


# --- bản sao: the copying agency's series of copies ---------------------------------------------

COPY = EXAMPLES / "ban-sao" / "sao-y-quyet-dinh-to-cong-tac.json"


def _copy_record(name: str, form: str, **copy_fields: Any) -> dict[str, Any]:
    data = json.loads(COPY.read_text(encoding="utf-8"))
    data["copy"] = {k: v for k, v in data["copy"].items() if k != "number"} | {"form": form, **copy_fields}
    return data | {"output_name": name}


def test_copies_are_numbered_on_the_copying_agencys_series_of_copies(tmp_path: Path, cli: Cli) -> None:
    """Phụ lục I, Phần II: a copy's number counts the agency's copies together, whatever their
    hình thức (SY, TrS, SL), from 01 each year; apart from the numbers of the letters."""
    from wfh_docs.check.docx import Docx

    register, out = tmp_path / "so.sqlite", tmp_path / "out"
    records = [
        _copy_record("sao-y", "SAO Y"),
        _copy_record("trich-sao", "TRÍCH SAO"),
        _copy_record("sao-luc", "SAO LỤC", number=9),  # numbered by hand: kept, no number drawn
        _copy_record("khong-ngay", "SAO Y", date=None),  # no date for the number it would get
        cong_van("cv-1", "Ủy ban nhân dân huyện Can Lộc", sct()),
    ]
    # a letter numbered by the register whose copy has no date: it fails before either is drawn
    unnumbered = _copy_record("chua-so", "SAO Y", date=None)
    del unnumbered["number"]
    records.append(unnumbered)
    source = write_batch(tmp_path / "ban-sao.json", records)
    code, _, err = cli.batch(source, out, register)
    assert code == 1, err
    rows = [r["status"] for r in manifest(out)]
    assert rows == ["built", "built", "built", "failed", "built", "failed"], rows
    for failed in (manifest(out)[3], manifest(out)[5]):
        assert "$.copy.date: the register gives the copy its number" in failed["message"], failed
    assert by_series(register_rows(register)) == {"SAO-VP": [1, 2], "SCT": [1]}
    issued = {(r["series"], r["number"]): (r["symbol"], r["status"]) for r in register_rows(register)}
    assert issued[("SAO-VP", 1)] == ("SY-VP", "issued") and issued[("SAO-VP", 2)] == ("TrS-VP", "issued")

    def copy_cells(name: str) -> list[str]:
        doc = Docx((out / name).read_bytes())
        return [p.text for p in doc.paragraphs() if p.text.startswith("Số:")]

    # the original keeps its own number; the copy's is the register's
    assert copy_cells("sao-y.docx") == ["Số: 1205/QĐ-UBND", "Số: 01/SY-VP"]
    assert copy_cells("trich-sao.docx") == ["Số: 1205/QĐ-UBND", "Số: 02/TrS-VP"]
    assert copy_cells("sao-luc.docx") == ["Số: 1205/QĐ-UBND", "Số: 09/SL-VP"]
    # listed by their own series, and again: the same numbers, nothing rebuilt
    code, text, err = cli("register", "list", register, "--series", "SAO-VP")
    assert code == 0 and err == "2 entries\n" and "01/SY-VP" in text and "02/TrS-VP" in text
    assert "[series" not in text
    code, _, err = cli.batch(source, out, register)
    assert by_series(register_rows(register)) == {"SAO-VP": [1, 2], "SCT": [1]}
    assert {r["output"]: r["status"] for r in manifest(out)}["sao-y.docx"] == "unchanged"
