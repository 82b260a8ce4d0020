"""The server the browser tests run against and what they type and upload, shared by the Chromium
(Selenium) and Firefox (BiDi) runs of the same steps, so both browsers are given the same server,
letter, workbook and Word file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.shared import Mm, Pt
from helpers import EXAMPLES, sheet_column


def served(home: Path, wait: float) -> Iterator[str]:
    """`wfhdoc web` in Vietnamese on a free loopback port, with a register in `home`, until the
    generator is closed: its URL. The server's output goes to home/server.log, shown if it does
    not start within `wait` seconds."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {**os.environ, "WFHDOC_LANG": "vi"}
    env.pop("WFHDOC_WEB_TOKEN", None)
    log = (home / "server.log").open("wb")
    command = [sys.executable, "-m", "wfh_docs", "web", "--no-browser", "--port", str(port)]
    command += ["--register", str(home / "so.sqlite")]
    proc = subprocess.Popen(command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/soan", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.close()
                    pytest.fail(
                        "wfhdoc web did not start:\n" + (home / "server.log").read_text(errors="replace")
                    )
                time.sleep(0.2)  # polling for the server to listen, not an assertion
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# the fields of Mẫu 1.5 as a clerk types the reference letter into /soan, by their element ids
NEW_LETTER = [
    ("f-issuer-parent", "UBND TỈNH QUẢNG TRỊ"),
    ("f-issuer-name", "SỞ CÔNG THƯƠNG"),
    ("f-issuer-short-name", "Sở Công Thương"),
    ("f-number", "451"),
    ("f-issuer-abbreviation", "SCT"),
    ("f-issuer-unit", "VP"),
    ("f-issuer-place", "Quảng Trị"),
    ("f-date", "08/04/2020"),
    ("f-subject", "báo cáo tình hình ứng dụng công nghệ thông tin làm việc tại nhà"),
    ("f-recipients-0", "Sở Thông tin và Truyền thông Quảng Trị"),
    (
        "f-body-0",
        "Sở Công Thương nhận được Văn bản số 249/STTTT-CNTT ngày 03/4/2020 của Sở Thông tin và Truyền thông.",
    ),
    ("f-signer-head-title", "GIÁM ĐỐC"),
    ("f-signer-title", "PHÓ GIÁM ĐỐC"),
    ("f-signer-name", "Nguyễn Hữu Hưng"),
]


def bad_row_workbook(folder: Path) -> Path:
    """The sample workbook with row 7's date impossible and no numbers (the server's register gives them)."""
    wb = openpyxl.load_workbook(EXAMPLES / "bao-cao-wfh-quang-tri.xlsx")
    ws = wb.active
    assert ws is not None
    ws.cell(row=7, column=sheet_column(ws, "date")).value = "31/02/2020"
    number = sheet_column(ws, "number")
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=number).value = None
    book = folder / "bao-cao-mot-dong-sai.xlsx"
    wb.save(book)
    return book


def hand_typed(path: Path) -> Path:
    """A letter as a clerk types it in Word: margins, date and Nơi nhận off the decree."""
    doc = Document()
    section = doc.sections[0]
    section.left_margin, section.right_margin = Mm(25), Mm(25)
    style = doc.styles["Normal"]
    style.font.name = "Arial"  # type: ignore[union-attr]
    style.font.size = Pt(13)  # type: ignore[union-attr]
    for text in [
        "UBND TỈNH HÀ TĨNH",
        "SỞ NỘI VỤ",
        "Số: 5/SNV-VP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Tĩnh, ngày 07 tháng 04 năm 2020",
        "V/v báo cáo tình hình làm việc tại nhà",
        "Kính gửi: Ủy ban nhân dân tỉnh Hà Tĩnh",
        "Sở Nội vụ báo cáo tình hình cán bộ, công chức làm việc tại nhà như sau.",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu VT, VP.",
        "GIÁM ĐỐC",
        "Trần Văn A",
    ]:
        doc.add_paragraph(text)
    doc.save(str(path))
    return path
