"""wfhdoc batch: many letters from one source, with a manifest, numbering, and nothing lost."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers import REFERENCE_JSON, ROOT, session_members
from lxml import etree
from openpyxl import Workbook

from wfh_docs.batch.register import Register
from wfh_docs.batch.run import run_batch
from wfh_docs.check.docx import Docx
from wfh_docs.cli import main


def base_letter() -> dict[str, Any]:
    data = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))
    data.pop("$schema")
    data.pop("appendices")
    data["body"] = data["body"][:2]
    return data


def write_batch(path: Path, records: list[dict[str, Any]], defaults: dict[str, Any] | None = None) -> Path:
    path.write_text(
        json.dumps(
            {"defaults": defaults if defaults is not None else base_letter(), "records": records},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return path


def manifest(outdir: Path) -> list[dict[str, Any]]:
    return json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))


def opens(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        etree.fromstring(zf.read("word/document.xml"))
    return True


def test_good_and_bad_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_batch(
        tmp_path / "b.json",
        [
            {"number": 1, "recipients": ["UBND huyện Gio Linh"]},
            {"number": "abc"},
            {"number": 3, "signer": {"name": ""}},
            {"number": 4, "recipients": ["UBND huyện Cam Lộ"], "subjetc": "x"},
            {"number": 5, "recipients": ["UBND huyện Hải Lăng"]},
        ],
    )
    out = tmp_path / "out"
    code = main(["batch", str(source), "-o", str(out), "--workers", "2"])
    _, err = capsys.readouterr()
    assert code == 1
    rows = manifest(out)
    assert [r["status"] for r in rows] == ["built", "failed", "failed", "failed", "built"]
    assert [r["output"] for r in rows if r["output"]] == ["01-SCT-VP.docx", "05-SCT-VP.docx"]
    assert (
        rows[1]["message"]
        == '$.number: must be a whole number in the digits 0-9, not "abc" (for example 451)'
    )
    assert "$.signer.name: must not be empty" in rows[2]["message"]
    assert 'unknown field "subjetc" (did you mean "subject"?)' in rows[3]["message"]
    assert f"error: {source}, records[1]: $.number" in err
    assert sorted(p.name for p in out.iterdir()) == [
        "01-SCT-VP.docx",
        "05-SCT-VP.docx",
        "manifest.csv",
        "manifest.json",
    ]
    for row in rows:
        if row["status"] == "built":
            assert opens(out / row["output"])


def test_manifest_csv_opens_in_excel(tmp_path: Path) -> None:
    source = write_batch(tmp_path / "b.json", [{"number": 7}])
    run_batch(source, tmp_path / "out", workers=1)
    raw = (tmp_path / "out" / "manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads Vietnamese right
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    # in the clerk's language; manifest.json keeps the field names for programs
    assert list(rows[0]) == [
        "STT",
        "Nguồn dữ liệu",
        "Tệp văn bản",
        "Trạng thái",
        "Số, ký hiệu",
        "Thông báo",
        "Kiểm tra theo Nghị định 30",
        "Cảnh báo và kết quả kiểm tra",
        "SHA-256 của văn bản",
        "SHA-256 của dữ liệu",
    ]
    assert rows[0]["Kiểm tra theo Nghị định 30"] == "đạt"  # the first letter of the agency was checked
    assert rows[0]["Số, ký hiệu"] == "07/SCT-VP" and rows[0]["Trạng thái"] == "đã tạo"
    assert manifest(tmp_path / "out")[0]["check"] == "passed"


@pytest.mark.parametrize(
    ("wish", "expected"),
    [
        ("../../x", "x.docx"),
        ("CON", "CON_.docx"),
        ("nul.txt", "nul-txt.docx"),
        ("a" * 300, "a" * 100 + ".docx"),
        ("\u0301\u0300\u0309", "cong-van.docx"),  # only combining marks: nothing printable left
        ("Gửi UBND huyện Đakrông", "Gui-UBND-huyen-Dakrong.docx"),
        ("C:\\Windows\\evil", "C-Windows-evil.docx"),
    ],
)
def test_hostile_output_names_stay_inside(tmp_path: Path, wish: str, expected: str) -> None:
    source = write_batch(tmp_path / "b.json", [{"output_name": wish}])
    out = tmp_path / "out"
    report = run_batch(source, out, workers=1)
    assert report.rows[0].output == expected
    assert (out / expected).is_file()
    assert {p.parent for p in out.rglob("*")} == {out}


def test_duplicate_names_are_numbered_in_order(tmp_path: Path) -> None:
    source = write_batch(
        tmp_path / "b.json", [{"output_name": "thu"}, {"output_name": "THU"}, {"output_name": "thu"}, {}, {}]
    )
    report = run_batch(source, tmp_path / "out", workers=2)
    assert [r.output for r in report.rows] == [
        "thu.docx",
        "THU-2.docx",
        "thu-3.docx",
        "451-SCT-VP.docx",
        "451-SCT-VP-2.docx",
    ]


def test_rebuilds_are_byte_identical_and_unchanged_input_is_skipped(tmp_path: Path) -> None:
    source = write_batch(tmp_path / "b.json", [{"number": n} for n in range(1, 6)])
    out = tmp_path / "out"
    first = run_batch(source, out, workers=2)
    assert first.count("built") == 5
    again = run_batch(source, out, workers=2)
    assert again.count("unchanged") == 5 and again.count("built") == 0
    forced = run_batch(source, out, workers=1, force=True)
    assert forced.count("built") == 5
    assert [r.sha256 for r in forced.rows] == [r.sha256 for r in first.rows]
    # a changed record is rebuilt, the others are not
    write_batch(source, [{"number": n, **({"subject": "khác"} if n == 3 else {})} for n in range(1, 6)])
    changed = run_batch(source, out, workers=1)
    assert [r.status for r in changed.rows] == ["unchanged", "unchanged", "built", "unchanged", "unchanged"]
    # a letter damaged on disk is rebuilt too
    (out / "02-SCT-VP.docx").write_bytes(b"broken")
    repaired = run_batch(source, out, workers=1)
    assert repaired.rows[1].status == "built" and opens(out / "02-SCT-VP.docx")


def test_folder_of_json_letters(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in (1, 2):
        data = base_letter()
        data["number"] = n
        (folder / f"letter{n}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (folder / "broken.json").write_text("{", encoding="utf-8")
    report = run_batch(folder, tmp_path / "out", workers=1)
    assert [(Path(r.source).name, r.status) for r in report.rows] == [
        ("broken.json", "failed"),
        ("letter1.json", "built"),
        ("letter2.json", "built"),
    ]
    assert "line 1, column 2: not valid JSON" in report.rows[0].message


def _sheet(tmp_path: Path, rows: list[list[Any]], *, merge: str | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Đơn vị"
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


def _defaults(tmp_path: Path) -> Path:
    data = base_letter()
    for key in ("number", "date", "recipients"):
        data.pop(key)
    path = tmp_path / "defaults.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_workbook_oddities(tmp_path: Path) -> None:
    book = _sheet(
        tmp_path,
        [
            [None, None, None, None, None],  # a blank row above the header
            ["number", "date", "recipients", None, "issuer.contact"],  # 'recipients' merged over C:D
            ["05", dt.datetime(2020, 4, 8), "Sở Tài chính", "Sở Nội vụ", "ĐT: 0233 3852 123"],
            [None, None, None, None, None],  # an empty row
            [12, 43929, "UBND huyện Cam Lộ", None, 2333852123],  # a date as its serial number
            [7, "07/04/2020", "Sở Y tế\nSở Xây dựng", None, None],  # two recipients in one cell
        ],
        merge="C2:D2",
    )
    report = run_batch(book, tmp_path / "out", defaults=_defaults(tmp_path), workers=1)
    assert [r.status for r in report.rows] == ["built", "built", "built"], [r.message for r in report.rows]
    assert [r.source.split(", ", 1)[1] for r in report.rows] == [
        "sheet 'Đơn vị', row 3",
        "sheet 'Đơn vị', row 5",
        "sheet 'Đơn vị', row 6",
    ]
    texts = [[p.text for p in Docx(tmp_path / "out" / r.output).paragraphs()] for r in report.rows]
    assert "Số: 05/SCT-VP" in texts[0] and "Quảng Trị, ngày 08 tháng 4 năm 2020" in texts[0]
    assert "- Sở Tài chính;" in texts[0] and "- Sở Nội vụ." in texts[0]
    assert "Quảng Trị, ngày 08 tháng 4 năm 2020" in texts[1]  # serial 43929 is 2020-04-08
    assert "Kính gửi: UBND huyện Cam Lộ" in texts[1]
    assert "Quảng Trị, ngày 07 tháng 4 năm 2020" in texts[2]
    assert "- Sở Y tế;" in texts[2] and "- Sở Xây dựng." in texts[2]
    # a leading zero typed as text is kept; a phone number stored as a number loses no digit
    assert "ĐT: 0233 3852 123" in "\n".join(
        Docx(tmp_path / "out" / report.rows[0].output).text_lines()
        + [p.text for p in Docx(tmp_path / "out" / report.rows[0].output).paragraphs("word/footer1.xml")]
    )
    footer = [p.text for p in Docx(tmp_path / "out" / report.rows[1].output).paragraphs("word/footer1.xml")]
    assert "2333852123" in footer


def test_workbook_errors_name_sheet_row_and_column(tmp_path: Path) -> None:
    book = _sheet(
        tmp_path,
        [
            ["number", "date", "recipients", "signer.name"],
            [1, "2020-04-08", "Sở Tài chính", "Nguyễn Văn A"],
            ["x", "31/02/2020", "Sở Nội vụ", "Trần B"],
        ],
    )
    report = run_batch(book, tmp_path / "out", defaults=_defaults(tmp_path), workers=1)
    assert report.rows[0].status == "built"
    bad = report.rows[1]
    assert bad.source == f"{book}, sheet 'Đơn vị', row 3"
    assert 'column A (number): must be a whole number in the digits 0-9, not "x"' in bad.message
    assert "column B (date): '31/02/2020' is not a real date" in bad.message


def test_choose_the_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Ghi chú"
    ws = wb.create_sheet("Đơn vị")
    ws.append(["number", "date", "recipients"])  # a numbered letter has its date
    ws.append([9, "08/04/2020", "Sở Tư pháp"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    report = run_batch(path, tmp_path / "out", defaults=_defaults(tmp_path), sheet="Đơn vị", workers=1)
    assert [r.status for r in report.rows] == ["built"]
    from wfh_docs.errors import InputError

    with pytest.raises(InputError, match="no sheet named 'Khác'"):
        run_batch(path, tmp_path / "out2", defaults=_defaults(tmp_path), sheet="Khác", workers=1)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_from_excel(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["number", "date", "recipients", "body"]) + "\r\n"
    text += delimiter.join(
        ["05", "08/04/2020", '"Sở Tài chính\nSở Nội vụ"', '"Đoạn một.\nĐoạn hai, có dấu phẩy."']
    )
    text += "\r\n\r\n"
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    report = run_batch(path, tmp_path / "out", defaults=_defaults(tmp_path), workers=1)
    assert [r.status for r in report.rows] == ["built"], report.rows[0].message
    texts = [p.text for p in Docx(tmp_path / "out" / report.rows[0].output).paragraphs()]
    assert "Đoạn một." in texts and "Đoạn hai, có dấu phẩy./." in texts
    assert "- Sở Nội vụ." in texts


def test_register_numbers_consecutively_and_reuses_on_rerun(tmp_path: Path) -> None:
    defaults = base_letter()
    defaults.pop("number")
    source = write_batch(
        tmp_path / "b.json",
        [{"recipients": [f"UBND huyện {n}"]} for n in "ABCD"] + [{"recipients": []}],
        defaults,
    )
    register = tmp_path / "register.sqlite"
    report = run_batch(source, tmp_path / "out", register=register, workers=2)
    assert [r.number for r in report.rows] == ["01/SCT-VP", "02/SCT-VP", "03/SCT-VP", "04/SCT-VP", ""]
    again = run_batch(source, tmp_path / "out", register=register, workers=2)
    assert [r.number for r in again.rows][:4] == ["01/SCT-VP", "02/SCT-VP", "03/SCT-VP", "04/SCT-VP"]
    assert again.count("unchanged") == 4
    reg = Register(register)
    entries = reg.entries()
    reg.close()
    assert [(e.number, e.status, e.recipient) for e in entries] == [
        (1, "issued", "UBND huyện A"),
        (2, "issued", "UBND huyện B"),
        (3, "issued", "UBND huyện C"),
        (4, "issued", "UBND huyện D"),
    ]


def _cli(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "wfh_docs", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )


def test_two_runs_on_one_register_never_share_a_number(tmp_path: Path) -> None:
    defaults = base_letter()
    defaults.pop("number")
    a = write_batch(tmp_path / "a.json", [{"recipients": [f"Đơn vị A{n}"]} for n in range(30)], defaults)
    b = write_batch(tmp_path / "b.json", [{"recipients": [f"Đơn vị B{n}"]} for n in range(30)], defaults)
    register = tmp_path / "register.sqlite"
    runs = [
        _cli(
            "batch",
            str(src),
            "-o",
            str(tmp_path / src.stem),
            "--register",
            str(register),
            "-q",
            "--workers",
            "1",
        )
        for src in (a, b)
    ]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()
    reg = Register(register)
    numbers = [e.number for e in reg.entries()]
    reg.close()
    assert sorted(numbers) == list(range(1, 61))
    files = {p.name for p in (tmp_path / "a").glob("*.docx")} | {
        p.name for p in (tmp_path / "b").glob("*.docx")
    }
    assert len(files) == 60


def test_a_killed_run_leaves_complete_letters_and_resumes(tmp_path: Path) -> None:
    # enough letters that the run cannot finish before it is killed (it is killed after 40, and
    # the rest take seconds), few enough that the resumed run is short
    total = 1500
    source = write_batch(tmp_path / "b.json", [{"number": n} for n in range(1, total + 1)])
    out = tmp_path / "out"
    run = _cli("batch", str(source), "-o", str(out), "--workers", "2", "-q")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 40:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)  # the parent dies at once; its workers stop when they see it gone
    run.communicate(timeout=60)
    time.sleep(0.5)  # let the orphaned workers notice and stop
    letters = sorted(out.glob("*.docx"))
    assert 40 <= len(letters) < total, "the run was not killed mid-batch"
    for letter in letters:
        assert opens(letter), letter  # every letter at its final name is complete
    finished = manifest(out) if (out / "manifest.json").exists() else []
    assert all(opens(out / r["output"]) for r in finished if r["status"] == "built")
    resumed = _cli("batch", str(source), "-o", str(out), "--workers", "2", "-q")
    stdout, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr.decode()
    rows = manifest(out)
    assert len(rows) == total and {r["status"] for r in rows} <= {"built", "unchanged"}
    # what the killed run had finished is not built again
    unchanged = {r["output"] for r in rows if r["status"] == "unchanged"}
    assert {r["output"] for r in finished if r["status"] == "built"} <= unchanged
    assert list(out.glob(".*")) == []  # no temporary file left, no journal
    assert len(list(out.glob("*.docx"))) == total


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_keeps_the_manifest_of_what_was_finished(tmp_path: Path, workers: str) -> None:
    source = write_batch(tmp_path / "b.json", [{"number": n} for n in range(1, 4001)])
    out = tmp_path / "out"
    # Ctrl-C in a terminal signals the whole process group: the workers too
    run = subprocess.Popen(
        [sys.executable, "-m", "wfh_docs", "batch", str(source), "-o", str(out), "--workers", workers, "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 20:
        time.sleep(0.02)
    os.killpg(run.pid, signal.SIGINT)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err.decode()
    assert "interrupted" in err.decode() and "Traceback" not in err.decode()
    rows = manifest(out)
    letters = list(out.glob("*.docx"))
    assert 20 <= len(rows) < 4000
    assert all(opens(letter) for letter in letters)
    assert all(opens(out / r["output"]) for r in rows)
    # the letters the workers had in hand were finished and reported; at most the letters of
    # a chunk being reported at the moment of Ctrl-C are missing (the next run rebuilds them)
    assert len(letters) - len(rows) <= 32
    assert not list(out.glob(".*.tmp"))
    time.sleep(0.5)
    assert session_members(run.pid) == [], "a worker outlived the interrupted batch"


def test_workers_that_cannot_start_stop_the_batch_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wfh_docs.batch.job as batch_module
    from wfh_docs.errors import WorkerError

    monkeypatch.setattr(batch_module, "init_worker", lambda *args: os._exit(3))
    source = write_batch(tmp_path / "b.json", [{"number": n} for n in range(1, 41)])
    with pytest.raises(WorkerError, match=r"stop before building any letter \(it exited with code 3\)"):
        run_batch(source, tmp_path / "out", workers=2)
    # the few letters tried alone before giving up are failed with the reason; none was built
    rows = manifest(tmp_path / "out")
    assert len(rows) < 40 and all(r["status"] == "failed" and "code 3" in r["message"] for r in rows)
    assert list((tmp_path / "out").glob("*.docx")) == []


def test_a_worker_that_dies_fails_only_the_letter_it_was_building(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as if rendering letter 7 crashed a C library or the kernel killed the worker for memory
    from wfh_docs.render.template import Template

    render = Template.render

    def deadly(self: Template, letter: Any, **kwargs: Any) -> Any:
        if letter.number == 7:
            os.kill(os.getpid(), signal.SIGKILL)
        return render(self, letter, **kwargs)

    monkeypatch.setattr(Template, "render", deadly)  # the forked workers inherit it
    source = write_batch(tmp_path / "b.json", [{"number": n} for n in range(1, 41)])
    out = tmp_path / "out"
    report = run_batch(source, out, workers=2)
    rows = manifest(out)
    assert [r["status"] for r in rows] == ["built"] * 6 + ["failed"] + ["built"] * 33
    assert "worker process stopped while building this letter" in rows[6]["message"]
    assert "SIGKILL" in rows[6]["message"]
    assert report.failed == 1 and len(list(out.glob("*.docx"))) == 39
    assert all(opens(out / r["output"]) for r in rows if r["status"] == "built")


def test_records_too_big_to_wait_in_the_pipe_are_all_built(tmp_path: Path) -> None:
    # a chunk of big records (here 100 KB of phụ lục each, 1 MB a chunk) is sent when its
    # worker is free, not queued behind the chunk in hand; every letter is still built
    def appendix(n: int) -> dict[str, Any]:
        rows = [[i, f"Đơn vị {n}.{i}: " + "chữ " * 60] for i in range(300)]
        return {"title": "DANH SÁCH", "content": [{"table": {"columns": ["STT", "Nội dung"], "rows": rows}}]}

    records = [
        {"number": n, "appendices": [appendix(n)], "body": ["Xem Phụ lục kèm theo."]} for n in range(1, 81)
    ]
    import pickle

    assert len(pickle.dumps(records[:10])) > 1 << 20  # a chunk of 10: more than the pipe holds
    source = write_batch(tmp_path / "b.json", records)
    report = run_batch(source, tmp_path / "out", workers=2)
    assert report.count("built") == 80 and report.failed == 0
    assert sorted(r["record"] for r in manifest(tmp_path / "out")) == list(range(1, 81))


def test_a_thousand_letters(tmp_path: Path) -> None:
    source = write_batch(
        tmp_path / "b.json", [{"number": n, "recipients": [f"Đơn vị số {n}"]} for n in range(1, 1001)]
    )
    out = tmp_path / "out"
    report = run_batch(source, out)
    assert report.count("built") == 1000 and report.failed == 0
    rows = manifest(out)
    assert len(rows) == 1000 and len({r["output"] for r in rows}) == 1000
    import hashlib

    for row in rows:
        data = (out / row["output"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        with zipfile.ZipFile(out / row["output"]) as zf:
            assert f"Kính gửi: Đơn vị số {row['record']}".encode() in zf.read("word/document.xml")


def test_progress_is_reported(tmp_path: Path) -> None:
    source = write_batch(tmp_path / "b.json", [{"number": n} for n in range(1, 6)])
    seen: list[tuple[int, int]] = []
    run_batch(source, tmp_path / "out", workers=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 5) for n in range(1, 6)]


def test_quiet_batch_prints_only_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_batch(tmp_path / "b.json", [{"number": 1}, {"number": 2}])
    out = tmp_path / "out"
    assert main(["batch", str(source), "-o", str(out), "-q"]) == 0
    stdout, stderr = capsys.readouterr()
    assert stdout == f"2 built, 0 unchanged, 0 failed; manifest: {out / 'manifest.csv'}\n"
    assert stderr == ""


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: p / "missing.xlsx", "file not found"),
        (lambda p: p / "notes.txt", "not a batch source"),
        (
            lambda p: (
                (p / "single.json").write_text(json.dumps(base_letter()), encoding="utf-8")
                and p / "single.json"
            ),
            "not a batch file",
        ),
    ],
)
def test_bad_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: Any, message: str) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    code = main(["batch", str(setup(tmp_path)), "-o", str(tmp_path / "out")])
    _, err = capsys.readouterr()
    assert code == 1 and message in err and "Traceback" not in err


def test_defaults_and_records_merge_deeply(tmp_path: Path) -> None:
    source = write_batch(tmp_path / "b.json", [{"signer": {"name": "Lê Thị C"}, "recipients": ["Sở Y tế"]}])
    report = run_batch(source, tmp_path / "out", workers=1)
    texts = [p.text for p in Docx(tmp_path / "out" / report.rows[0].output).paragraphs()]
    assert "Lê Thị C" in texts and "KT. GIÁM ĐỐC" in texts  # the rest of the signer from the defaults
    assert "Kính gửi: Sở Y tế" in texts


def test_records_do_not_leak_into_each_other(tmp_path: Path) -> None:
    defaults = base_letter()
    source = write_batch(tmp_path / "b.json", [{"cc": ["Một"]}, {}], copy.deepcopy(defaults))
    report = run_batch(source, tmp_path / "out", workers=1)
    second = [p.text for p in Docx(tmp_path / "out" / report.rows[1].output).paragraphs()]
    assert "- Một;" not in second and "- Lãnh đạo Sở;" in second


SAMPLE_BOOK = ROOT / "data" / "examples" / "bao-cao-wfh-quang-tri.xlsx"


def test_sample_sources_are_what_the_script_makes(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_batch_samples.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    for made in tmp_path.rglob("*"):
        if made.is_file():
            committed = ROOT / "data" / "examples" / made.relative_to(tmp_path)
            assert committed.read_bytes() == made.read_bytes(), (
                f"run tools/make_batch_samples.py ({committed})"
            )


def test_the_sample_workbook_csv_and_json_give_the_same_letters(tmp_path: Path) -> None:
    sources = [
        SAMPLE_BOOK,
        SAMPLE_BOOK.with_suffix(".csv"),
        ROOT / "data" / "examples" / "batch" / "bao-cao-wfh-quang-tri.json",
    ]
    hashes = []
    for i, source in enumerate(sources):
        report = run_batch(source, tmp_path / str(i), workers=2)
        assert report.failed == 0 and report.count("built") >= 20, [
            r.message for r in report.rows if r.message
        ]
        assert report.warnings == []
        hashes.append({r.output: r.sha256 for r in report.rows})
    assert hashes[0] == hashes[1] == hashes[2]


def test_the_register_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = ROOT / "data" / "examples" / "batch" / "so-noi-vu-gui-huyen.json"
    register = tmp_path / "register.sqlite"
    assert main(["batch", str(source), "-o", str(tmp_path / "out"), "--register", str(register), "-q"]) == 0
    capsys.readouterr()
    assert main(["register", "list", str(register)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 10 and err == "10 entries\n"
    assert lines[0].startswith("2020    01/SNV-CCVC")
    assert "issued" in lines[0] and "snv-gui-ubnd" in lines[0]


def test_register_can_continue_a_sequence_begun_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register = tmp_path / "register.sqlite"
    assert (
        main(["register", "start", str(register), "--agency", "SCT", "--year", "2020", "--next", "413"]) == 0
    )
    assert capsys.readouterr().out == "SCT 2020: the next number is 413\n"
    defaults = base_letter()
    defaults.pop("number")
    # two letters, to two recipients (one letter twice would be refused: it keeps one number)
    source = write_batch(
        tmp_path / "b.json", [{"recipients": ["UBND huyện A"]}, {"recipients": ["UBND huyện B"]}], defaults
    )
    report = run_batch(source, tmp_path / "out", register=register, workers=1)
    assert [r.number for r in report.rows] == ["413/SCT-VP", "414/SCT-VP"]
    # going back would reuse a number: refused
    code = main(["register", "start", str(register), "--agency", "SCT", "--year", "2020", "--next", "400"])
    assert code == 1 and "would reuse a number" in capsys.readouterr().err


def test_progress_line_shows_count_and_rate(capsys: pytest.CaptureFixture[str]) -> None:
    from wfh_docs.cli.console import ProgressLine

    line = ProgressLine("letters")
    line(5, 10)
    line(10, 10)
    err = capsys.readouterr().err
    assert "\r[############------------] 5/10 letters" in err
    assert "10/10 letters" in err and "/s" in err and err.endswith("left \n")


def test_the_manifest_keeps_each_letters_warnings_and_check_on_a_rerun(tmp_path: Path) -> None:
    source = write_batch(tmp_path / "b.json", [{"number": 8, "cc": ["- Sở Nội vụ;"]}])
    out = tmp_path / "out"
    run_batch(source, out, workers=1)
    first = manifest(out)[0]
    assert first["status"] == "built" and first["check"] == "passed"
    assert "wfhdoc adds the dash and the ';' or '.' itself" in first["notes"]
    run_batch(source, out, workers=1)
    again = manifest(out)[0]
    assert again["status"] == "unchanged"
    assert (again["check"], again["notes"]) == (first["check"], first["notes"])
    rows = list(csv.DictReader((out / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0]["Trạng thái"] == "không đổi"
    assert "wfhdoc adds the dash" in rows[0]["Cảnh báo và kết quả kiểm tra"]


def test_the_library_changes_no_process_wide_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    synced: list[str] = []
    monkeypatch.setattr(os, "sync", lambda: synced.append("os.sync"))
    source = write_batch(tmp_path / "b.json", [{"number": n} for n in range(1, 9)])
    report = run_batch(source, tmp_path / "out", workers=2)
    assert report.count("built") == 8
    # no collector frozen, no disk synced: those are the caller's choices
    assert gc.get_freeze_count() == 0 and synced == []
    hooks: list[str] = []
    report = run_batch(
        source,
        tmp_path / "out2",
        workers=2,
        before_workers=lambda: hooks.append("before"),
        sync=lambda: hooks.append("sync"),
    )
    assert report.count("built") == 8 and hooks == ["before", "sync"]


def test_the_cli_freezes_the_collector_and_syncs_once_for_its_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gc

    from wfh_docs.cli import main

    synced: list[int] = []
    monkeypatch.setattr(os, "sync", lambda: synced.append(gc.get_freeze_count()))
    source = write_batch(tmp_path / "b.json", [{"number": n} for n in range(1, 9)])
    assert main(["batch", str(source), "-o", str(tmp_path / "out"), "-q", "--workers", "2"]) == 0
    assert len(synced) == 1 and synced[0] > 0  # frozen while the workers ran
    assert gc.get_freeze_count() == 0  # and no longer once the command is done
    capsys.readouterr()


def test_a_letter_numbered_by_the_register_is_not_warned_of_its_missing_number(tmp_path: Path) -> None:
    unnumbered = base_letter()
    unnumbered.pop("number")
    records = [{"recipients": ["UBND huyện A"]}, {"recipients": ["UBND huyện B"]}]
    source = write_batch(tmp_path / "b.json", records, unnumbered)
    report = run_batch(source, tmp_path / "out", workers=1, register=tmp_path / "r.sqlite")
    assert [r.status for r in report.rows] == ["built", "built"]
    assert not [w for w in report.warnings if "no number" in w], report.warnings
    # without a register the blank 'Số:' is worth a word
    plain = run_batch(source, tmp_path / "plain", workers=1)
    assert sum("has a date but no number" in w for w in plain.warnings) == 2, plain.warnings
