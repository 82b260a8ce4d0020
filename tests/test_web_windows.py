"""The browser app's code paths without what only POSIX systems have, as on Windows.

No Windows machine runs these tests, so the next best thing: a child Python in which the POSIX-only
modules cannot be imported (fcntl, termios, resource, pwd, grp) and the POSIX-only parts of `os`
and `signal` are gone (O_NOFOLLOW, getuid, killpg, setsid, fork, SIGHUP, SIGKILL …), with the
"spawn" start method Windows uses. In it, the app writes a letter, checks a letter, runs a batch
numbered from a register and exports the register, through Starlette's TestClient. Any code on
those paths that reaches for a POSIX-only name fails here as it would on Windows.

What this cannot show: code that asks `os.name` or `sys.platform` still takes its POSIX branch here
(faking them breaks the standard library), so the Windows branches themselves (LibreOffice found
under Program Files, tested in test_pdf.py; the PDF guard's Windows path) are not run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import EXAMPLES, REFERENCE_JSON, ROOT

_CHILD = r"""
import multiprocessing, os, signal, sys
for name in ("fcntl", "termios", "resource", "pwd", "grp", "posix_ipc"):
    sys.modules[name] = None  # import fails, as on Windows
for name in ("O_NOFOLLOW", "O_NONBLOCK", "getuid", "geteuid", "getgid", "getpgid", "killpg", "setsid",
             "setpgrp", "fork", "forkpty", "sync", "fchmod", "getloadavg", "sched_getaffinity", "pipe2"):
    if hasattr(os, name):
        delattr(os, name)
for name in ("SIGHUP", "SIGKILL", "SIGTSTP", "SIGQUIT", "SIGUSR1", "SIGALRM", "SIGCHLD", "SIGPIPE"):
    if hasattr(signal, name):
        delattr(signal, name)
multiprocessing.set_start_method("spawn", force=True)

import io, json, time, warnings, zipfile
from pathlib import Path
import openpyxl
warnings.simplefilter("ignore", DeprecationWarning)
from starlette.testclient import TestClient
from wfh_docs.web.app import create_app
from wfh_docs.web.config import WebConfig

work = Path(sys.argv[1])
letter = Path(sys.argv[2]).read_text(encoding="utf-8")
book = Path(sys.argv[3]).read_bytes()
said = {}
with TestClient(create_app(WebConfig(register=work / "so.sqlite")), base_url="http://127.0.0.1:8750") as c:
    c.get("/soan")
    csrf = c.cookies.get("wfhdoc_csrf")
    r = c.post("/soan/docx", data={"csrf": csrf, "letter": letter})
    said["docx"] = [r.status_code, r.headers.get("content-type", ""), r.content[:2].decode("latin-1")]
    upload = [("files", ("451.docx", r.content, "application/octet-stream"))]
    r = c.post("/kiem-tra", data={"csrf": csrf}, files=upload)
    said["check"] = [r.status_code, "451.docx" in r.text, "Traceback" in r.text]
    upload = {"file": ("so-lieu.xlsx", book, "application/octet-stream")}
    r = c.post("/hang-loat", data={"csrf": csrf}, files=upload, follow_redirects=False)
    page = r.headers.get("location", "")
    status = {}
    deadline = time.monotonic() + 300
    while page and time.monotonic() < deadline:
        status = c.get("/api" + page).json()
        if status["state"] in ("done", "failed"):
            break
        time.sleep(0.2)
    said["batch"] = [r.status_code, status.get("state"), status.get("counts")]
    if status.get("zip"):
        with zipfile.ZipFile(io.BytesIO(c.get(status["zip"]).content)) as zf:
            said["zip"] = sorted(n for n in zf.namelist() if not n.endswith(".docx")) + [
                sum(n.endswith(".docx") for n in zf.namelist())]
    r = c.get("/so-dang-ky.xlsx?year=2020")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    said["register"] = [r.status_code, ws.max_row - 1]
print("SAID " + json.dumps(said))
"""


def test_the_app_runs_without_posix_only_modules(tmp_path: Path) -> None:
    import openpyxl
    from helpers import sheet_column

    wb = openpyxl.load_workbook(EXAMPLES / "bao-cao-wfh-quang-tri.xlsx")
    ws = wb.active
    assert ws is not None
    number = sheet_column(ws, "number")
    for row in range(2, ws.max_row + 1):  # numbered from the register
        ws.cell(row=row, column=number).value = None
    book = tmp_path / "so-lieu.xlsx"
    wb.save(book)
    script = tmp_path / "child.py"
    script.write_text(_CHILD, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path), str(REFERENCE_JSON), str(book)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("SAID ")]
    assert result.returncode == 0 and lines, result.stdout[-3000:] + result.stderr[-6000:]
    said = json.loads(lines[0][5:])
    assert said["docx"] == [
        200,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "PK",
    ]
    assert said["check"] == [200, True, False]
    assert said["batch"] == [303, "done", {"built": 27, "unchanged": 0, "failed": 0}]
    assert said["zip"][:2] == ["manifest.csv", "manifest.json"] and said["zip"][-1] == 27
    assert said["register"] == [200, 27]
