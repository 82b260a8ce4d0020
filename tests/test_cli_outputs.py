"""Whole outputs of the main commands, compared with files under tests/goldens/cli/ (as
sqlite-utils tests its CLI): everything a user sees on the terminal, and the manifest a batch
writes, in Vietnamese (the default) and in English. A changed message, a lost line or a new one
fails here even when no other test asserts it.

After a deliberate change, write the goldens again and read the diff before committing:
    WFHDOC_UPDATE_GOLDENS=1 .venv/bin/pytest tests/test_cli_outputs.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from handmade import clean_letter, find, to_bytes
from helpers import EXAMPLES, REFERENCE_JSON, TEST_DATA

from wfh_docs.cli import main

GOLDENS = Path(__file__).resolve().parent / "goldens" / "cli"
UPDATE = bool(os.environ.get("WFHDOC_UPDATE_GOLDENS"))
WORKBOOK = EXAMPLES / "bao-cao-wfh-quang-tri.xlsx"
# columns of a manifest that change whenever the template's bytes do: the hashes
_HASHES = ("sha256", "input_sha256", "Mã băm", "Mã băm dữ liệu")


def _transcript(code: int, out: str, err: str, tmp: Path, files: dict[str, str] | None = None) -> str:
    text = f"$? = {code}\n--- stdout\n{out}--- stderr\n{err}"
    for name, body in (files or {}).items():
        text += f"--- {name}\n{body}"
    return text.replace(str(tmp), "<tmp>").replace(str(EXAMPLES), "<examples>")


def _compare(name: str, text: str) -> None:
    golden = GOLDENS / f"{name}.txt"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
        return
    assert golden.exists(), f"no golden {golden.name}: run with WFHDOC_UPDATE_GOLDENS=1 and read it"
    assert text == golden.read_text(encoding="utf-8")


def _manifest_csv(path: Path) -> str:
    """The CSV manifest with its hash columns masked (they follow the template's bytes)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    masked = {i for i, h in enumerate(rows[0]) if h in _HASHES or "sha" in h.lower() or "băm" in h.lower()}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for n, row in enumerate(rows):
        writer.writerow(["<hash>" if n and i in masked and cell else cell for i, cell in enumerate(row)])
    return out.getvalue()


def _run(args: list[str], capsys: pytest.CaptureFixture[str], cwd: Path) -> tuple[int, str, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        code = main(args)
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    return code, out, err


def _bad_letter(tmp: Path) -> Path:
    data = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))
    del data["signer"]
    data["date"] = "31/02/2020"
    data["issuer"]["abbreviation"] = ""
    path = tmp / "thieu-nguoi-ky.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _sheet(tmp: Path, name: str, change: Callable[[int, dict[str, str]], None], rows: int = 5) -> Path:
    """The sample CSV's first `rows` letters, each changed by `change(index, row)`."""
    with (EXAMPLES / "bao-cao-wfh-quang-tri.csv").open(encoding="utf-8-sig", newline="") as f:
        records = list(csv.DictReader(f))[:rows]
    for i, row in enumerate(records):
        change(i, row)
    path = tmp / name
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return path


def _spoil(i: int, row: dict[str, str]) -> None:
    # one planted mistake a row, the last row left right
    spoiled = {0: ("Người ký *", ""), 1: ("Ngày ban hành", "31/02/2020"), 2: ("Số", "bốn trăm"),
               3: ("Thẩm quyền ký", "XYZ.")}  # fmt: skip
    if i in spoiled:
        key, value = spoiled[i]
        row[key] = value


def _unnumbered(i: int, row: dict[str, str]) -> None:
    row["Số"] = ""


def _defective_docx(tmp: Path) -> Path:
    doc = clean_letter()
    doc.sections[0].left_margin = doc.sections[0].left_margin // 2
    for run in find(doc, "Kính gửi").runs:
        run.font.bold = True
    path = tmp / "cong-van-go-tay.docx"
    path.write_bytes(to_bytes(doc))
    return path


Scenario = Callable[[Path], tuple[list[str], dict[str, Path]]]


def _build(tmp: Path) -> tuple[list[str], dict[str, Path]]:
    return ["build", str(REFERENCE_JSON), "-o", "451-SCT-VP.docx"], {}


def _build_bad(tmp: Path) -> tuple[list[str], dict[str, Path]]:
    return ["build", str(_bad_letter(tmp)), "-o", "x.docx"], {}


def _batch(tmp: Path) -> tuple[list[str], dict[str, Path]]:
    args = ["batch", str(WORKBOOK), "-o", "out", "--workers", "1"]
    return args, {"out/manifest.csv": tmp / "out" / "manifest.csv"}


def _batch_register(tmp: Path) -> tuple[list[str], dict[str, Path]]:
    source = _sheet(tmp, "chua-so.csv", _unnumbered)
    args = ["batch", str(source), "-o", "out", "--register", "so-di.sqlite", "--workers", "1"]
    return args, {"out/manifest.csv": tmp / "out" / "manifest.csv"}


def _batch_bad(tmp: Path) -> tuple[list[str], dict[str, Path]]:
    args = ["batch", str(_sheet(tmp, "bao-cao-loi.csv", _spoil)), "-o", "out", "--workers", "1"]
    return args, {"out/manifest.csv": tmp / "out" / "manifest.csv"}


def _check(tmp: Path) -> tuple[list[str], dict[str, Path]]:
    return ["check", str(_defective_docx(tmp))], {}


def _verify(tmp: Path) -> tuple[list[str], dict[str, Path]]:
    pdf = TEST_DATA / "signed-pdfs" / "03-cvct-601-2020-4_signed_ec2d88da1a.pdf"
    shutil.copy(pdf, tmp / pdf.name)
    return ["verify", pdf.name], {}


SCENARIOS: dict[str, Scenario] = {
    "build": _build,
    "build-bad-data": _build_bad,
    "batch-workbook": _batch,
    "batch-bad-rows": _batch_bad,
    "batch-register": _batch_register,
    "check-typed-letter": _check,
    "verify-real-letter": _verify,
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_whole_output(
    name: str, lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WFHDOC_LANG", lang)
    monkeypatch.setenv("COLUMNS", "100")
    args, files = SCENARIOS[name](tmp_path)
    code, out, err = _run(args, capsys, tmp_path)
    shown = {label: _manifest_csv(path) for label, path in files.items() if path.exists()}
    _compare(f"{name}.{lang}", _transcript(code, out, err, tmp_path, shown))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_register_list_after_a_batch(
    lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WFHDOC_LANG", lang)
    args, _files = _batch_register(tmp_path)
    assert _run(args, capsys, tmp_path)[0] == 0
    code, out, err = _run(["register", "list", "so-di.sqlite"], capsys, tmp_path)
    _compare(f"register-list.{lang}", _transcript(code, out, err, tmp_path))
