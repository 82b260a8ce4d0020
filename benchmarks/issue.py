"""How fast a day's letters go from the workbook to issued PDFs, per file against in one run.

    python benchmarks/issue.py [--letters 40]

The same --letters letters of the sample workbook (data/examples/bao-cao-wfh-quang-tri.xlsx, its
27 agencies cycled, made without number and date so that they are issued from the register),
with the PKCS#12 keys of a test PKI made for the run (no token), each command a fresh process:

  (a) per file: wfhdoc batch --pdf, then for each letter wfhdoc sign --as signer and wfhdoc issue
      (two processes a letter, the key opened each time);
  (b) in one run: wfhdoc batch --pdf, one wfhdoc sign over the folder, one wfhdoc issue over the
      signed folder.

Prints both times, the ratio a/b (target >= 5) and (b) (target <= 20 s for 40 letters), the
seconds a signature once the key is open (target <= 0.15), and checks that (b)'s letters read
"Số: <n>/<ký hiệu>" in pdftotext and are recorded in the register.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import openpyxl  # noqa: E402
from pki import PASSPHRASE, make_pki  # noqa: E402

WORKBOOK = ROOT / "data" / "examples" / "bao-cao-wfh-quang-tri.xlsx"
SIGNATURE = ROOT / "data" / "examples" / "signing" / "chu-ky-nguyen-huu-hung.png"
SEAL = ROOT / "data" / "examples" / "signing" / "con-dau-so-cong-thuong.png"
WFHDOC = [sys.executable, "-m", "wfh_docs"]


def workbook(folder: Path, n: int) -> Path:
    """The sample workbook's rows cycled to n letters, without number and date."""
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True) if any(r)]
    out = openpyxl.Workbook()
    target = out.active
    assert target is not None
    target.append(header)
    number, date = _column(header, "number", "Số"), _column(header, "date", "Ngày ban hành")
    key = _column(header, "key", "Mã", "output_name", "Tên tệp")
    for i in range(n):
        row = list(rows[i % len(rows)])
        row[key] = f"{row[key] or 'cong-van'}-{i + 1}"  # each letter its own name and identity
        row[number] = row[date] = None
        target.append(row)
    path = folder / f"letters-{n}.xlsx"
    out.save(path)
    return path


def _column(header: list[object], *names: str) -> int:
    for name in names:
        if name in header:
            return header.index(name)
    raise SystemExit(f"the workbook has none of the columns {names}")


def wfhdoc(*args: object, env: dict[str, str]) -> None:
    subprocess.run([*WFHDOC, "--lang", "en", *map(str, args)], check=True, env=env, capture_output=True)


def _keys(pki: Any) -> tuple[list[object], list[object]]:
    """The signer's and the agency's key options."""
    signer = ["--pkcs12", pki.signer.p12, "--signature-image", SIGNATURE]
    agency = ["--pkcs12", pki.agency.p12, "--seal-image", SEAL]
    return signer, agency


def per_file(book: Path, folder: Path, pki: Any, env: dict[str, str]) -> float:
    signer, agency = _keys(pki)
    out = folder / "a"
    start = time.perf_counter()
    wfhdoc("batch", book, "-o", out, "--pdf", "-q", env=env)
    for pdf in sorted(out.glob("*.pdf")):
        wfhdoc("sign", pdf, "--as", "signer", *signer, env=env)
        signed = pdf.with_name(f"{pdf.stem}-signer.pdf")
        wfhdoc("issue", signed, "--register", folder / "a.sqlite", *agency, env=env)
    return time.perf_counter() - start


def one_run(book: Path, folder: Path, pki: Any, env: dict[str, str]) -> tuple[float, float, float]:
    """(b)'s time, the time of its sign run alone, and of its issue run alone."""
    signer, agency = _keys(pki)
    out, signed, issued = folder / "b", folder / "b-signed", folder / "b-issued"
    start = time.perf_counter()
    wfhdoc("batch", book, "-o", out, "--pdf", "-q", env=env)
    before_sign = time.perf_counter()
    wfhdoc("sign", out, "--as", "signer", *signer, "-o", signed, "-q", env=env)
    before_issue = time.perf_counter()
    wfhdoc("issue", signed, "-o", issued, "--register", folder / "b.sqlite", *agency, "-q", env=env)
    end = time.perf_counter()
    return end - start, before_issue - before_sign, end - before_issue


def startup(env: dict[str, str]) -> float:
    """A wfhdoc process that does nothing: what every command pays before its work."""
    start = time.perf_counter()
    wfhdoc("sign", "--help", env=env)
    return time.perf_counter() - start


def check(folder: Path, n: int) -> None:
    issued = sorted((folder / "b-issued").glob("*-issued.pdf"))
    assert len(issued) == n, f"{len(issued)} issued letters, not {n}"
    text = subprocess.run(
        ["pdftotext", str(issued[0]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Số: \d+ ?/\S+", text), text[:300]  # "Số: 01 /…": a short number is centred


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=40)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wfhdoc-issue-bench-"))
    try:
        env = dict(
            os.environ, WFHDOC_P12_PASSPHRASE=PASSPHRASE.decode(), XDG_CACHE_HOME=str(folder / "cache")
        )
        pki = make_pki(folder)
        book = workbook(folder, args.letters)
        wfhdoc("sign", "--help", env=env)  # warm the disk cache and the font cache's folder
        b, sign_b, issue_b = one_run(book, folder, pki, env)
        check(folder, args.letters)
        a = per_file(book, folder, pki, env)
        idle = startup(env)
        each = (sign_b - idle) / args.letters
        print(f"letters: {args.letters}")
        print(f"(a) per file (batch --pdf, then sign and issue per letter): {a:.1f} s")
        print(f"(b) one run (batch --pdf, one sign, one issue):            {b:.1f} s  (target <= 20 s)")
        print(
            f"    of which: one sign run {sign_b:.1f} s, one issue run {issue_b:.1f} s (number, date, seal)"
        )
        print(f"ratio a/b: {a / b:.1f}  (target >= 5)")
        print(f"a leader's signature once the key is open: {each:.3f} s  (target <= 0.15 s)")
        print(f"an issue's signature once the key is open: {(issue_b - idle) / (3 * args.letters):.3f} s")
        print(f"a wfhdoc process that does nothing: {idle:.2f} s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
