"""The register and the batch sources against rows that move, data that is corrected, files that
are not registers, sequences that run out, side files that point elsewhere, and workbooks built
to hurt: all through the real CLI, checking what a user sees (messages, exit codes, the numbers
in the letters and in the register, no traceback)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, ROOT, sheet_column
from openpyxl import Workbook, load_workbook

from wfh_docs.batch.register import Register
from wfh_docs.check.docx import Docx
from wfh_docs.cli import main
from wfh_docs.errors import OutputError

SNV = EXAMPLES / "batch" / "so-noi-vu-gui-huyen.json"
SAMPLE_XLSX = EXAMPLES / "bao-cao-wfh-quang-tri.xlsx"


# --- helpers ------------------------------------------------------------------------------


class Cli:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str | Path) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = self.capsys.readouterr()
        assert "Traceback" not in err and "internal error" not in err, err
        return code, out, err

    def batch(self, source: Path, out: Path, register: Path, *extra: str) -> tuple[int, str, str]:
        return self("batch", source, "-o", out, "--register", register, "-q", "--workers", "1", *extra)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


def register_rows(path: Path) -> list[dict[str, Any]]:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM issued ORDER BY series, year, number")]
    finally:
        db.close()


def manifest(outdir: Path) -> list[dict[str, Any]]:
    return json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))


def letter_text(path: Path) -> str:
    return "\n".join(p.text for p in Docx(path).paragraphs())


def snv() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = json.loads(SNV.read_text(encoding="utf-8"))
    return data["defaults"], data["records"]


def write_json_batch(path: Path, defaults: dict[str, Any], records: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"defaults": defaults, "records": records}, ensure_ascii=False), "utf-8")
    return path


def write_sheet(path: Path, header: list[str], rows: list[list[Any]], title: str = "Đơn vị") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def snv_sheet(
    path: Path, recipients: list[str], *, keys: list[str] | None = None, subjects: list[str] | None = None
) -> tuple[Path, Path]:
    """A workbook of Sở Nội vụ's letters, one recipient a row, and its defaults file."""
    defaults, _ = snv()
    defaults_path = path.with_name("defaults.json")
    defaults_path.write_text(json.dumps(defaults, ensure_ascii=False), "utf-8")
    header = (["Mã"] if keys else []) + ["recipients", "subject"]
    rows = [
        ([keys[i]] if keys else []) + [r, subjects[i] if subjects else defaults["subject"]]
        for i, r in enumerate(recipients)
    ]
    return write_sheet(path, header, rows), defaults_path


def numbers_by(rows: list[dict[str, Any]], field: str) -> dict[str, int]:
    return {r[field]: r["number"] for r in rows}


DISTRICTS = [r["recipients"][0] for r in snv()[1]]


# --- a number belongs to its letter, not to its row -----------------------------------------


def test_a_row_inserted_at_the_top_of_the_sample_workbook_leaves_every_letter_its_number(
    tmp_path: Path, cli: Cli
) -> None:
    wb = load_workbook(SAMPLE_XLSX)
    ws = wb.worksheets[0]
    number_col = sheet_column(ws, "number")
    for row in range(2, ws.max_row + 1):
        ws.cell(row, number_col).value = None  # the register numbers them
    book = tmp_path / "bao-cao.xlsx"
    wb.save(book)
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    code, _, err = cli.batch(book, out, register)
    assert code == 0, err
    first = register_rows(register)
    assert len(first) == 27
    by_name = {r["output"]: (r["series"], r["number"]) for r in first}

    # a new agency's letter typed in the first row
    ws.insert_rows(2)
    for col, value in enumerate([c.value for c in ws[3]], start=1):
        ws.cell(2, col).value = value
    ws.cell(2, sheet_column(ws, "output_name")).value = "bao-cao-wfh-so-moi"
    ws.cell(2, sheet_column(ws, "issuer.abbreviation")).value = "SMT"
    ws.cell(2, sheet_column(ws, "issuer.name")).value = "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    wb.save(book)
    code, _, err = cli.batch(book, out, register)
    assert code == 0, err
    again = register_rows(register)
    assert len(again) == 27 + 1
    assert {r["output"]: (r["series"], r["number"]) for r in again if r["series"] != "SMT"} == by_name
    assert [(r["series"], r["number"], r["status"]) for r in again if r["series"] == "SMT"] == [
        ("SMT", 1, "issued")
    ]
    rows = manifest(out)
    assert len(rows) == 28 and all(r["status"] in ("built", "unchanged") for r in rows)
    # no second file for any letter: one file per letter, and each says its number
    assert sorted(p.name for p in out.glob("*.docx")) == sorted(r["output"] for r in rows)
    for r in rows:
        assert r["number"] in letter_text(out / r["output"]), r


@pytest.mark.parametrize("keyed", [False, True], ids=["by-recipients", "by-key-column"])
def test_rows_inserted_deleted_and_reordered_keep_their_numbers(
    tmp_path: Path, cli: Cli, keyed: bool
) -> None:
    keys = [f"CV-{i:03d}" for i in range(len(DISTRICTS))] if keyed else None
    book, defaults = snv_sheet(tmp_path / "snv.xlsx", DISTRICTS, keys=keys)
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    code, _, err = cli.batch(book, out, register, "--defaults", str(defaults))
    assert code == 0, err
    first = numbers_by(register_rows(register), "recipient")
    assert sorted(first.values()) == list(range(1, 11))

    # one letter added at the top, the fifth deleted, the others in reverse order
    kept = [i for i in range(len(DISTRICTS)) if i != 4][::-1]
    recipients = ["Ban Quản lý Khu kinh tế tỉnh", *(DISTRICTS[i] for i in kept)]
    new_keys = ["CV-NEW", *(keys[i] for i in kept)] if keys else None
    snv_sheet(book, recipients, keys=new_keys)
    code, _, err = cli.batch(book, out, register, "--defaults", str(defaults))
    assert code == 0, err
    again = register_rows(register)
    assert len(again) == 10 + 1
    assert numbers_by(again, "recipient") == {**first, "Ban Quản lý Khu kinh tế tỉnh": 11}
    # the deleted letter keeps its number: it was issued
    assert next(r for r in again if r["recipient"] == DISTRICTS[4])["status"] == "issued"
    for row in manifest(out):
        text = letter_text(out / row["output"])
        recipient = next(r for r in recipients if r in text)
        assert row["number"] == f"{(first | {'Ban Quản lý Khu kinh tế tỉnh': 11})[recipient]:02d}/SNV-CCVC"
        assert row["number"] in text


def test_json_records_keep_their_numbers_by_output_name(tmp_path: Path, cli: Cli) -> None:
    defaults, records = snv()
    source = write_json_batch(tmp_path / "snv.json", defaults, records)
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    assert cli.batch(source, out, register)[0] == 0
    first = numbers_by(register_rows(register), "output")
    write_json_batch(source, defaults, records[::-1][:-1])  # reversed, the first one gone
    code, _, err = cli.batch(source, out, register)
    assert code == 0, err
    assert numbers_by(register_rows(register), "output") == first
    assert {r["output"]: int(r["number"][:2]) for r in manifest(out)} == {
        k: v for k, v in first.items() if k != f"{records[0]['output_name']}.docx"
    }


def test_json_records_with_a_key_field_and_a_folder_of_letters(tmp_path: Path, cli: Cli) -> None:
    defaults, records = snv()
    # the same recipient twice, told apart by their keys; output_name in the defaults names no letter
    same = [{"key": f"K{i}", "recipients": [DISTRICTS[0]], "subject": f"việc thứ {i}"} for i in range(3)]
    source = write_json_batch(tmp_path / "keyed.json", {**defaults, "output_name": "cv"}, same)
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    code, _, err = cli.batch(source, out, register)
    assert code == 0, err
    first = numbers_by(register_rows(register), "subject")
    assert sorted(first.values()) == [1, 2, 3]
    write_json_batch(source, {**defaults, "output_name": "cv"}, same[::-1])
    code, _, err = cli.batch(source, out, register)
    assert code == 0, err
    assert numbers_by(register_rows(register), "subject") == first
    # a folder of letters: each file is a letter, by its name
    folder = tmp_path / "letters"
    folder.mkdir()
    for name, recipient in (("b.json", DISTRICTS[1]), ("c.json", DISTRICTS[1])):
        (folder / name).write_text(
            json.dumps({**defaults, "recipients": [recipient]}, ensure_ascii=False), "utf-8"
        )
    register2 = tmp_path / "folder.sqlite"
    assert cli.batch(folder, tmp_path / "out2", register2)[0] == 0
    (folder / "a.json").write_text(
        json.dumps({**defaults, "recipients": [DISTRICTS[2]]}, ensure_ascii=False), "utf-8"
    )
    assert cli.batch(folder, tmp_path / "out2", register2)[0] == 0
    rows = register_rows(register2)
    assert [(r["record"], r["number"]) for r in rows] == [
        ("letters:b.json", 1),
        ("letters:c.json", 2),
        ("letters:a.json", 3),
    ]


def test_a_typo_corrected_before_the_letter_was_issued_keeps_its_number(tmp_path: Path, cli: Cli) -> None:
    book, defaults = snv_sheet(tmp_path / "snv.xlsx", DISTRICTS)
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    assert cli.batch(book, out, register, "--defaults", str(defaults))[0] == 0
    # as if the run had been killed after the numbers were drawn and before the letters were written
    db = sqlite3.connect(register)
    db.execute("UPDATE issued SET status = 'reserved', output = NULL, sha256 = NULL, issued_at = NULL")
    db.commit()
    db.close()
    subjects = [snv()[0]["subject"]] * 10
    subjects[2] = "đề nghị báo cáo tình hình làm việc tại nhà (đã sửa)"
    snv_sheet(book, DISTRICTS, subjects=subjects)
    code, _, err = cli.batch(book, out, register, "--defaults", str(defaults))
    assert code == 0, err
    assert "already issued" not in err
    rows = register_rows(register)
    assert [r["number"] for r in rows] == list(range(1, 11))
    third = rows[2]
    assert third["recipient"] == DISTRICTS[2] and third["subject"] == subjects[2]
    assert third["status"] == "issued" and third["sha256"] == manifest(out)[2]["sha256"]
    assert subjects[2] in letter_text(out / "03-SNV-CCVC.docx")


def test_a_correction_to_an_issued_letter_keeps_its_number_and_is_reported(tmp_path: Path, cli: Cli) -> None:
    book, defaults = snv_sheet(tmp_path / "snv.xlsx", DISTRICTS)
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    assert cli.batch(book, out, register, "--defaults", str(defaults))[0] == 0
    before = register_rows(register)[2]
    subjects = [snv()[0]["subject"]] * 10
    subjects[2] = "đề nghị báo cáo tình hình làm việc tại nhà (đã sửa)"
    snv_sheet(book, DISTRICTS, subjects=subjects)
    code, out_text, err = cli.batch(book, out, register, "--defaults", str(defaults))
    assert code == 0, err
    assert "1 built, 9 unchanged, 0 failed" in out_text
    warning = next(line for line in err.splitlines() if "already issued" in line)
    assert warning.startswith("warning: ") and "row 4" in warning
    assert "number 03/SNV-CCVC was already issued for this letter on " in warning
    assert "rebuilt with the corrected data under the same number" in warning
    row = manifest(out)[2]
    assert row["number"] == "03/SNV-CCVC" and "already issued" in row["message"]
    after = register_rows(register)
    assert len(after) == 10 and after[2]["number"] == 3 and after[2]["subject"] == subjects[2]
    assert after[2]["sha256"] == row["sha256"] != before["sha256"]
    db = sqlite3.connect(register)
    revisions = db.execute("SELECT number, subject, sha256 FROM revisions").fetchall()
    db.close()
    assert revisions == [(3, before["subject"], before["sha256"])]
    # the corrected letter's run killed before it was written: the next run still says it
    db = sqlite3.connect(register)
    db.execute("UPDATE issued SET status = 'reserved', sha256 = NULL, issued_at = NULL WHERE number = 3")
    db.commit()
    db.close()
    (out / "03-SNV-CCVC.docx").unlink()
    code, _, err = cli.batch(book, out, register, "--defaults", str(defaults))
    assert code == 0 and "number 03/SNV-CCVC was already issued for this letter" in err
    assert register_rows(register)[2]["status"] == "issued"
    # run again: nothing new to say
    code, _, err = cli.batch(book, out, register, "--defaults", str(defaults))
    assert code == 0 and "already issued" not in err


def test_two_rows_for_the_same_letter_are_an_error_naming_both(tmp_path: Path, cli: Cli) -> None:
    recipients = [*DISTRICTS[:3], DISTRICTS[1]]
    book, defaults = snv_sheet(tmp_path / "snv.xlsx", recipients)
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    code, _, err = cli.batch(book, out, register, "--defaults", str(defaults))
    assert code == 1
    error = next(line for line in err.splitlines() if line.startswith("error:"))
    assert "sheet 'Đơn vị', row 5: column A (recipients): the same letter as row 3" in error
    assert "agency SNV and recipients " + DISTRICTS[1] in error and "'key'" in error
    assert [r["status"] for r in manifest(out)] == ["built", "built", "built", "failed"]
    assert len(register_rows(register)) == 3  # no number for the second one
    # a key column tells them apart
    book2, _ = snv_sheet(tmp_path / "keyed.xlsx", recipients, keys=["a", "b", "c", "d"])
    code, _, err = cli.batch(book2, tmp_path / "out2", register, "--defaults", str(defaults))
    assert code == 0, err
    # the same key twice
    snv_sheet(book2, recipients, keys=["a", "b", "c", "a"])
    code, _, err = cli.batch(book2, tmp_path / "out2", register, "--defaults", str(defaults))
    assert (
        code == 1
        and "row 5: column A \"Mã\" (key): the same letter as row 2 for the register: both have key 'a'"
        in err
    )


def test_an_old_register_is_migrated_and_keeps_its_numbers(tmp_path: Path, cli: Cli) -> None:
    register = tmp_path / "old.sqlite"
    db = sqlite3.connect(register)
    db.executescript(
        """
        CREATE TABLE issued (agency TEXT NOT NULL, year INTEGER NOT NULL, number INTEGER NOT NULL,
            symbol TEXT NOT NULL, date TEXT, subject TEXT NOT NULL, recipient TEXT NOT NULL,
            output TEXT, sha256 TEXT, status TEXT NOT NULL, record TEXT NOT NULL,
            input_sha256 TEXT NOT NULL, created TEXT NOT NULL, PRIMARY KEY (agency, year, number));
        CREATE INDEX issued_record ON issued (record, input_sha256);
        CREATE TABLE starts (agency TEXT NOT NULL, year INTEGER NOT NULL, next INTEGER NOT NULL,
            PRIMARY KEY (agency, year));
        """
    )
    defaults, records = snv()
    for i, record in enumerate(records):
        db.execute(
            "INSERT INTO issued VALUES ('SNV', 2020, ?, 'SNV-CCVC', '2020-04-06', ?, ?, ?, 'x', 'issued', ?, "
            "'old', '2020-04-06T01:00:00+00:00')",
            (
                i + 1,
                defaults["subject"],
                record["recipients"][0],
                f"{record['output_name']}.docx",
                f"so-noi-vu-gui-huyen.json:records[{i}]",
            ),
        )
    db.commit()
    db.close()
    # the old register lists as it is, read-only
    code, out_text, err = cli("register", "list", register)
    assert code == 0 and err == "10 entries\n"
    source = write_json_batch(tmp_path / "so-noi-vu-gui-huyen.json", defaults, records[::-1])
    code, _, err = cli.batch(source, tmp_path / "out", register)
    assert code == 0, err
    rows = register_rows(register)
    assert len(rows) == 10 and all(r["identity"] for r in rows)
    assert numbers_by(rows, "recipient") == {r["recipients"][0]: i + 1 for i, r in enumerate(records)}
    assert {r["output"]: r["number"] for r in manifest(tmp_path / "out")} == {
        f"{r['output_name']}.docx": f"{i + 1:02d}/SNV-CCVC" for i, r in enumerate(records)
    }


# --- what is not a register is left alone ---------------------------------------------------


def foreign_database(path: Path) -> bytes:
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); "
        "INSERT INTO customers (name) VALUES ('Công ty A'), ('Công ty B');"
    )
    db.commit()
    db.close()
    return path.read_bytes()


def test_register_list_on_another_programs_database_changes_nothing(tmp_path: Path, cli: Cli) -> None:
    other = tmp_path / "customers.db"
    data = foreign_database(other)
    code, out, err = cli("register", "list", other)
    assert code == 1 and out == ""
    assert err.startswith(
        f"error: {other}: not a wfhdoc register: an SQLite database with the tables 'customers'"
    )
    assert "left it as it is" in err
    assert other.read_bytes() == data and sorted(p.name for p in tmp_path.iterdir()) == ["customers.db"]


@pytest.mark.parametrize("command", ["start", "batch"])
def test_start_and_batch_refuse_another_programs_database(tmp_path: Path, cli: Cli, command: str) -> None:
    other = tmp_path / "customers.db"
    data = foreign_database(other)
    if command == "start":
        code, _, err = cli("register", "start", other, "--agency", "SNV", "--year", "2020", "--next", "5")
    else:
        code, _, err = cli.batch(SNV, tmp_path / "out", other)
    assert code == 1 and "not a wfhdoc register" in err and "'customers'" in err
    assert other.read_bytes() == data
    assert not list((tmp_path / "out").glob("*.docx")) if command == "batch" else True


def test_a_table_named_issued_of_another_program_is_not_a_register(tmp_path: Path, cli: Cli) -> None:
    other = tmp_path / "shop.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE issued (invoice INTEGER, amount REAL)")
    db.commit()
    db.close()
    data = other.read_bytes()
    code, _, err = cli("register", "list", other)
    assert code == 1 and "its 'issued' table lacks the columns created, date" in err and "series" in err
    assert other.read_bytes() == data


def test_a_file_that_is_not_a_database(tmp_path: Path, cli: Cli) -> None:
    other = tmp_path / "notes.sqlite"
    other.write_text("a text file, not a database\n" * 100, "utf-8")
    data = other.read_bytes()
    for args in (["list"], ["start", "--agency", "SNV", "--year", "2020", "--next", "5"]):
        code, _, err = cli("register", args[0], other, *args[1:])
        assert code == 1 and "not a wfhdoc register: the file is not an SQLite database" in err
    assert other.read_bytes() == data
    # a file too short for SQLite to see it is not one (it would take it for an empty database)
    short = tmp_path / "short.sqlite"
    short.write_bytes(b"x")
    code, _, err = cli.batch(SNV, tmp_path / "out", short)
    assert code == 1 and "not a wfhdoc register" in err and short.read_bytes() == b"x"
    # a pipe is not waited on
    os.mkfifo(tmp_path / "pipe.sqlite")
    code, _, err = cli("register", "list", tmp_path / "pipe.sqlite")
    assert code == 1 and "is a folder, a device or a pipe, not a register file" in err


def test_an_empty_file_is_an_empty_register(tmp_path: Path, cli: Cli) -> None:
    empty = tmp_path / "new.sqlite"
    empty.touch()
    assert cli("register", "list", empty) == (0, "", "0 entries\n")
    assert empty.read_bytes() == b""  # listing does not make it a register
    code, out, _ = cli("register", "start", empty, "--agency", "SNV", "--year", "2020", "--next", "7")
    assert code == 0 and out == "SNV 2020: the next number is 07\n"


@pytest.mark.parametrize(
    ("option", "value"),
    [("--year", "0"), ("--year", "-5"), ("--year", "99999"), ("--next", "0"), ("--next", str(10**12))],
)
def test_register_start_refuses_years_and_numbers_out_of_range(
    tmp_path: Path, cli: Cli, option: str, value: str
) -> None:
    register = tmp_path / "register.sqlite"
    args = {"--year": "2020", "--next": "413"} | {option: value}
    code, _, err = cli(
        "register", "start", register, "--agency", "SNV", *(x for kv in args.items() for x in kv)
    )
    assert code == 2
    assert f"Invalid value for '{option}': {value} is not in the range" in err
    assert ("1900<=x<=2999" if option == "--year" else "1<=x<=999999") in err
    assert not register.exists()


def test_the_register_api_refuses_them_too(tmp_path: Path) -> None:
    reg = Register(tmp_path / "register.sqlite")
    try:
        with pytest.raises(OutputError, match="the year 0 is not between 1900 and 2999"):
            reg.start_at("SNV", 0, 5)
        with pytest.raises(OutputError, match="the next number 1000000000000 is not between 1 and 999999"):
            reg.start_at("SNV", 2020, 10**12)
    finally:
        reg.close()


def test_a_sequence_used_up_at_999999_fails_the_letters_it_cannot_number(tmp_path: Path, cli: Cli) -> None:
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    assert cli("register", "start", register, "--agency", "SNV", "--year", "2020", "--next", "999999")[0] == 0
    code, _, err = cli.batch(SNV, out, register)
    assert code == 1
    rows = manifest(out)
    assert rows[0]["status"] == "built" and rows[0]["number"] == "999999/SNV-CCVC"
    assert [r["status"] for r in rows[1:]] == ["failed"] * 9
    assert all("the register has no number left for SNV in 2020" in r["message"] for r in rows[1:])
    assert "a number has at most six digits (up to 999999)" in rows[1]["message"]
    assert err.count("error: ") == 9 and "records[1]: register register.sqlite: " in err
    assert [r["number"] for r in register_rows(register)] == [999999]
    # a register whose start was set past the end by an older wfhdoc
    db = sqlite3.connect(register)
    db.execute("INSERT INTO starts VALUES ('SCT', 2020, 1000000000000)")
    db.commit()
    db.close()
    defaults, records = snv()
    defaults["issuer"] = {**defaults["issuer"], "abbreviation": "SCT"}
    source = write_json_batch(tmp_path / "sct.json", defaults, records[:2])
    code, _, err = cli.batch(source, tmp_path / "sct", register)
    assert code == 1 and err.count("the next one would be 1000000000000") == 2
    assert [r["number"] for r in register_rows(register)] == [999999]


# --- side files stay beside the sheet ---------------------------------------------------------


def test_side_files_outside_the_sheets_folder_are_refused(tmp_path: Path, cli: Cli) -> None:
    folder = tmp_path / "sheet"
    folder.mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("BÍ MẬT: mật khẩu 1234\n", "utf-8")
    (folder / "body.txt").write_text("Nội dung đúng của công văn.\n", "utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "in-sub.txt").write_text("Nội dung trong thư mục con.\n", "utf-8")
    (folder / "link-in.txt").symlink_to(folder / "body.txt")
    (folder / "link-out.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "big.txt").write_bytes(b"x" * ((8 << 20) + 1))
    os.mkfifo(folder / "pipe.txt")
    wishes = [
        "body.txt",
        "sub/in-sub.txt",
        "link-in.txt",
        "../outside/secret.txt",
        str(tmp_path / "outside" / "secret.txt"),
        "/etc/passwd",
        "link-out.txt",
        "/dev/zero",
        "zero.txt",
        "/dev/urandom",
        "big.txt",
        "pipe.txt",
        "sub",
        "missing.txt",
    ]
    defaults, _ = snv()
    defaults_path = tmp_path / "defaults.json"
    defaults_path.write_text(json.dumps(defaults, ensure_ascii=False), "utf-8")
    book = write_sheet(
        folder / "book.xlsx",
        ["output_name", "recipients", "body_file"],
        [[f"cv-{i}", f"Đơn vị {i}", w] for i, w in enumerate(wishes)],
    )
    start = time.monotonic()
    code, _, err = cli.batch(book, tmp_path / "out", tmp_path / "r.sqlite", "--defaults", str(defaults_path))
    assert time.monotonic() - start < 60
    assert code == 1
    rows = manifest(tmp_path / "out")
    assert [r["status"] for r in rows] == ["built"] * 3 + ["failed"] * 11
    errors = {
        int(line.split(", row ")[1].split(":")[0]): line for line in err.splitlines() if "error:" in line
    }
    for row in range(5, 16):
        assert (
            f"{book}, sheet 'Đơn vị', row {row}: column C (body_file): the body file {wishes[row - 2]!r}"
            in errors[row]
        ), errors[row]
    assert (
        "is outside the sheet's folder" in errors[5]
        and "wfhdoc reads only files beside the sheet" in errors[5]
    )
    assert "is outside the sheet's folder" in errors[6] and "is outside the sheet's folder" in errors[7]
    assert (
        f"is a link that leads out of the sheet's folder, to {tmp_path / 'outside' / 'secret.txt'}"
        in errors[8]
    )
    assert "put the file in the sheet's folder" in errors[8]
    assert "is outside the sheet's folder (/dev/zero)" in errors[9]
    assert "is a link that leads out of the sheet's folder, to /dev/zero" in errors[10]
    assert "is outside the sheet's folder (/dev/urandom)" in errors[11]
    assert "is 8.0 MB, more than 8 MB" in errors[12]
    assert "is a device, pipe or socket, not a file" in errors[13]
    assert "is a folder, not a file" in errors[14]
    assert "not found" in errors[15]
    texts = [letter_text(tmp_path / "out" / r["output"]) for r in rows[:3]]
    assert "Nội dung đúng của công văn./." in texts[0] and "Nội dung trong thư mục con./." in texts[1]
    assert "Nội dung đúng của công văn./." in texts[2]
    assert "BÍ MẬT" not in err and "root:" not in err


# --- workbooks built to hurt ------------------------------------------------------------------


def _bomb(path: Path, sheet_mb: int) -> Path:
    """A real workbook whose sheet is `sheet_mb` MB of repeated rows: a few MB on disk."""
    plain = write_sheet(path.with_name("plain.xlsx"), ["recipients"], [["UBND huyện Gio Linh"]])
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>UBND huyen Gio Linh</t></is></c></row>'
    block = row * ((1 << 20) // len(row))
    with (
        zipfile.ZipFile(plain) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, src.read(info))
                continue
            with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/')
                fh.write(b'spreadsheetml/2006/main"><sheetData>')
                fh.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>recipients</t></is></c></row>')
                for _ in range(sheet_mb):
                    fh.write(block)
                fh.write(b"</sheetData></worksheet>")
    return path


def test_an_xlsx_bomb_is_refused_before_openpyxl_reads_it(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.xlsx", 300)
    assert bomb.stat().st_size < 4 << 20
    start = time.monotonic()
    with open(tmp_path / "stderr", "wb") as stderr:
        run = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "wfh_docs",
                "batch",
                str(bomb),
                "-o",
                str(tmp_path / "out"),
                "-q",
                "--workers",
                "1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=ROOT,
        )
        _, status, usage = os.wait4(run.pid, 0)
    err = (tmp_path / "stderr").read_text("utf-8")
    run.returncode = os.waitstatus_to_exitcode(status)
    assert run.returncode == 1, err
    assert time.monotonic() - start < 30
    assert usage.ru_maxrss < 400 << 10, f"peak memory {usage.ru_maxrss >> 10} MB"  # KB on Linux
    assert err.startswith(f"error: {bomb}: 1 problem in the data\n  - xl/worksheets/sheet1.xml: ")
    assert "the workbook cannot be read: inflates to more than 64 MB" in err
    assert "open it in Excel and save it again" in err and "Traceback" not in err
    assert not list((tmp_path / "out").glob("*.docx")) if (tmp_path / "out").exists() else True


def test_a_workbook_within_the_limits_still_reads(tmp_path: Path, cli: Cli) -> None:
    # 9 MB of sheet, past where the ratio is checked: a big batch, and still read
    book = _bomb(tmp_path / "big.xlsx", 9)
    defaults, _ = snv()
    defaults_path = tmp_path / "defaults.json"
    defaults_path.write_text(json.dumps(defaults, ensure_ascii=False), "utf-8")
    from wfh_docs.batch.records import read_records

    records = read_records(book, defaults)
    assert records.total >= 1


def _with_cached_values(path: Path, values: dict[bytes, bytes]) -> None:
    """Store values with the formulas of `path`'s first sheet, as Excel does when it saves."""
    with zipfile.ZipFile(path) as zf:
        parts = {i: zf.read(i) for i in zf.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts.items():
            if info.filename == "xl/worksheets/sheet1.xml":
                for formula, cached in values.items():
                    assert formula in data, formula
                    data = data.replace(formula, cached)
            zf.writestr(info, data)


def test_a_formula_without_a_computed_value_is_an_error_naming_the_cell(tmp_path: Path, cli: Cli) -> None:
    defaults, _ = snv()
    defaults.pop("subject")
    defaults_path = tmp_path / "defaults.json"
    defaults_path.write_text(json.dumps(defaults, ensure_ascii=False), "utf-8")
    book = write_sheet(
        tmp_path / "book.xlsx",
        ["recipients", "subject", "number", "cc"],
        [
            ["UBND huyện Gio Linh", "báo cáo", "=10+2", None],  # no value: never computed
            ["UBND huyện Cam Lộ", '="bao cao "&"thang 4"', 7, None],  # a formula Excel computed
            ["UBND huyện Hải Lăng", "báo cáo", 8, '=IF(1=2,"x","")'],  # computed to nothing
        ],
    )
    _with_cached_values(
        book,
        {
            b'<c r="B3"><f>"bao cao "&amp;"thang 4"</f><v></v>': (
                '<c r="B3" t="str"><f>"bao cao "&amp;"thang 4"</f><v>báo cáo tháng 4</v>'.encode()
            ),
            b'<c r="D4"><f>': b'<c r="D4" t="str"><f>',
        },
    )
    register, out = tmp_path / "r.sqlite", tmp_path / "out"
    code, _, err = cli.batch(book, out, register, "--defaults", str(defaults_path))
    assert code == 1
    assert (
        f"error: {book}, sheet 'Đơn vị', row 2: column C (number): the cell holds the formula =10+2 but no "
        "value: it was never computed (open the workbook in Excel or LibreOffice and save it, so that the "
        "values of its formulas are computed and stored, or type the value instead of the formula)"
    ) in err
    rows = manifest(out)
    assert [r["status"] for r in rows] == ["failed", "built", "built"]
    assert rows[1]["number"] == "07/SNV-CCVC" and "báo cáo tháng 4" in letter_text(out / rows[1]["output"])
    assert register_rows(register) == []  # every letter had its number, or none


def test_a_header_formula_without_a_value(tmp_path: Path, cli: Cli) -> None:
    book = write_sheet(
        tmp_path / "book.xlsx", ["recipients", '="sub"&"ject"'], [["UBND huyện Gio Linh", "x"]]
    )
    code, _, err = cli("batch", book, "-o", tmp_path / "out", "-q", "--workers", "1")
    assert code == 1
    assert (
        f"error: {book}: 1 problem in the data\n  - sheet 'Đơn vị', row 1, column B: the header cell" in err
    )
    assert "open the workbook in Excel" in err
