"""wfh_docs.pdf: many letters through few LibreOffice processes, PDF/A-2b, embedded fonts, and
the letters that hang or crash LibreOffice (played by a fake soffice that wraps the real one)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

import pytest
from helpers import EXAMPLES, require_tool

from wfh_docs.errors import OutputError
from wfh_docs.letter.sources import load_letter
from wfh_docs.pdf import PdfResult, convert, find_soffice, looks_like_pdf, output_names, pool, soffice
from wfh_docs.render.template import Template

SAMPLES = ["cong-van-451-SCT-VP-2020", "cong-van-hai-phu-luc", "cong-van-nhieu-noi-nhan"]


def build(folder: Path, sample: str, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name or sample}.docx"
    target.write_bytes(Template().render(load_letter(EXAMPLES / f"{sample}.json").letter).data)
    return target


def text_of(path: Path) -> str:
    out = subprocess.run(
        [require_tool("pdftotext"), str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(unicodedata.normalize("NFC", out).split())


def pdf_fonts(path: Path) -> list[tuple[str, str]]:
    """(name, emb) of every font pdffonts lists."""
    out = subprocess.run(
        [require_tool("pdffonts"), str(path)], check=True, capture_output=True, text=True
    ).stdout
    rows = out.splitlines()[2:]  # a heading line and a rule
    fonts = []
    for row in rows:
        cells = row.split()
        # name type [type ...] encoding emb sub uni object ID: emb is the 5th cell from the end
        fonts.append((cells[0], cells[-5]))
    return fonts


def xmp(path: Path) -> str:
    return subprocess.run(
        [require_tool("pdfinfo"), "-meta", str(path)], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("letters")
    return [build(folder, sample) for sample in SAMPLES]


@pytest.fixture(scope="module")
def converted(letters: list[Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[PdfResult]]:
    require_tool("soffice")
    outdir = tmp_path_factory.mktemp("pdf") / "out"  # does not exist yet: convert makes it
    calls: list[tuple[int, int, bool]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total, threading.current_thread() is threading.main_thread()))

    results = convert(letters, outdir, progress=progress)
    assert calls == [(1, 3, True), (2, 3, True), (3, 3, True)]
    return outdir, results


@pytest.fixture(scope="module")
def converted_pdfa(letters: list[Path], tmp_path_factory: pytest.TempPathFactory) -> list[PdfResult]:
    require_tool("soffice")
    return convert(letters[:1], tmp_path_factory.mktemp("pdfa"), pdfa=True, workers=1)


# -- a real conversion ----------------------------------------------------------------------------


def test_every_letter_becomes_a_whole_pdf_named_after_it(
    letters: list[Path], converted: tuple[Path, list[PdfResult]]
) -> None:
    outdir, results = converted
    assert [r.source for r in results] == letters
    for letter, result in zip(letters, results, strict=True):
        assert result.ok, result.message
        assert result.message == "" and result.attempts == 1
        assert result.output == outdir / f"{letter.stem}.pdf"
        data = result.output.read_bytes()
        assert data.startswith(b"%PDF-")
        assert data.rstrip().endswith(b"%%EOF")


def test_nothing_but_the_pdfs_is_left_in_outdir(converted: tuple[Path, list[PdfResult]]) -> None:
    outdir, _ = converted
    assert sorted(p.name for p in outdir.iterdir()) == sorted(f"{s}.pdf" for s in SAMPLES)


def test_the_pdfs_have_the_letters_text(converted: tuple[Path, list[PdfResult]]) -> None:
    outdir, _ = converted
    for sample in SAMPLES:
        letter = load_letter(EXAMPLES / f"{sample}.json").letter
        text = text_of(outdir / f"{sample}.pdf")
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text, sample
        assert "Độc lập - Tự do - Hạnh phúc" in text, sample
        assert f"Số: {letter.number}/{letter.symbol}" in text, sample
        assert letter.signer.name in text, sample
        assert "Nơi nhận:" in text, sample
    assert "Kính gửi: Sở Công Thương tỉnh Quảng Trị" not in text  # a different letter each


def test_every_font_is_embedded(converted: tuple[Path, list[PdfResult]]) -> None:
    outdir, _ = converted
    for sample in SAMPLES:
        fonts = pdf_fonts(outdir / f"{sample}.pdf")
        assert fonts, sample
        assert all(emb == "yes" for _, emb in fonts), fonts
        # Times New Roman, or Liberation Serif standing in for it (same metrics) on Linux
        assert all(re.search(r"LiberationSerif|TimesNewRoman", name) for name, _ in fonts), fonts


def test_pdfa_2b_when_asked(converted_pdfa: list[PdfResult], converted: tuple[Path, list[PdfResult]]) -> None:
    [result] = converted_pdfa
    assert result.ok, result.message
    meta = xmp(result.output)  # type: ignore[arg-type]
    assert re.search(r"<pdfaid:part>2</pdfaid:part>", meta), meta
    assert re.search(r"<pdfaid:conformance>B</pdfaid:conformance>", meta), meta
    assert all(emb == "yes" for _, emb in pdf_fonts(result.output))  # type: ignore[arg-type]
    # and only when asked
    outdir, _ = converted
    assert "pdfaid" not in xmp(outdir / f"{SAMPLES[0]}.pdf")


def test_same_stems_and_awkward_names_get_their_own_pdfs(tmp_path: Path) -> None:
    require_tool("soffice")
    inputs = [
        build(tmp_path / "a", SAMPLES[0], "thu"),
        build(tmp_path / "b", SAMPLES[1], "thu"),
        build(tmp_path / "c", SAMPLES[2], "THU"),  # one file with the others on Windows and macOS
        build(tmp_path / "d", SAMPLES[2], "-công văn #1 50%"),  # an option-like, non-ASCII name
    ]
    missing = tmp_path / "d" / "khong-co.docx"
    outdir = tmp_path / "out"
    results = convert([*inputs, missing], outdir, workers=1)
    assert [r.output.name if r.output else None for r in results] == [
        "thu.pdf",
        "thu-2.pdf",
        "THU-3.pdf",
        "-công văn #1 50%.pdf",
        None,
    ]
    assert all(r.ok for r in results[:4]), [r.message for r in results]
    assert results[4] == PdfResult(missing, None, False, "no such file", 0)
    assert "451/SCT-VP" in text_of(outdir / "thu.pdf")
    assert "538/SGDĐT-VP" in text_of(outdir / "thu-2.pdf")
    assert len(list(outdir.iterdir())) == 4


# -- LibreOffice that hangs, crashes or is missing ------------------------------------------------

FAKE = """#!{python}
# soffice as it behaves on a bad document: converts the files before it like the real one, then
# hangs (in a child process, as soffice.bin runs under oosplash) or crashes on it, or skips it
import os, subprocess, sys
REAL = {real!r}
with open({pids!r}, "a") as fh:
    fh.write(f"{{os.getpid()}}\\n")
if os.environ.get("FAKE_SOFFICE_BROKEN"):
    print("soffice.bin: error while loading shared libraries: libuno_sal.so.3", file=sys.stderr)
    sys.exit(127)
args = sys.argv[1:]
files = [a for a in args if a.endswith(".docx")]
options = [a for a in args if not a.endswith(".docx")]
unreadable = [f for f in files if "nopdf" in os.path.basename(f)]
if unreadable:  # what LibreOffice does with a file it cannot open: says so, goes on, exits 0
    readable = [f for f in files if f not in unreadable]
    if readable:
        subprocess.run([REAL, *options, *readable], check=False)
    print("Error: source file could not be loaded", file=sys.stderr, flush=True)
    sys.exit(0)
for i, path in enumerate(files):
    name = os.path.basename(path)
    if "hang" in name or "crash" in name:
        if i:
            subprocess.run([REAL, *options, *files[:i]], check=False)
        print(f"fake soffice: stuck on {{name}}", file=sys.stderr, flush=True)
        if "crash" in name:
            sys.exit(1)
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)", *args])
        with open({pids!r}, "a") as fh:
            fh.write(f"{{child.pid}}\\n")
        child.wait()
os.execv(REAL, [REAL, *args])
"""


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    real = require_tool("soffice")
    script = tmp_path / "fake-soffice"
    script.write_text(
        FAKE.format(python=sys.executable, real=real, pids=str(tmp_path / "pids.txt")), encoding="utf-8"
    )
    script.chmod(0o755)
    # keep the converter's private folder (profiles, staged inputs) under tmp_path, so that every
    # process it starts names tmp_path on its command line and can be looked for afterwards
    private = tmp_path / "private"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    monkeypatch.setenv("WFHDOC_SOFFICE", str(script))
    return tmp_path


def running(marker: str, pids_file: Path) -> list[str]:
    """Processes still alive (zombies aside) that the fake started or whose command line names `marker`."""
    pids = {int(p) for p in pids_file.read_text().split()} if pids_file.exists() else set()
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and (int(entry.name) in pids or marker in cmdline):
            alive.append(f"{entry.name}: {cmdline}")
    return alive


def three(folder: Path, bad: str) -> list[Path]:
    return [
        build(folder / "in", SAMPLES[0], "ok1"),
        build(folder / "in", SAMPLES[1], bad),
        build(folder / "in", SAMPLES[2], "ok2"),
    ]


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="looks for processes in /proc")
def test_a_hanging_letter_is_killed_retried_once_and_reported(fake_soffice: Path) -> None:
    inputs = three(fake_soffice, "hang")
    outdir = fake_soffice / "out"
    start = time.monotonic()
    # one worker: ok1, hang and ok2 go to the same LibreOffice, which hangs after making ok1
    results = convert(inputs, outdir, workers=1, timeout=5)
    elapsed = time.monotonic() - start
    ok1, hang, ok2 = results
    assert ok1.ok and ok1.attempts == 1, ok1.message
    assert ok2.ok, ok2.message
    assert ok2.attempts == 1  # never reached by the hung process: it was not held against it
    assert not hang.ok and hang.output is None
    assert hang.attempts == 2
    assert hang.message.startswith("timeout: LibreOffice spent more than 5 s on this file"), hang.message
    assert "tried 2 times" in hang.message
    assert "fake soffice: stuck on" in hang.message  # LibreOffice's own last words
    # ~1 s + 5 s (ok1, then the hang), 10 s (hang alone: start-up counts as a file), ~1 s (ok2)
    assert elapsed < 40, elapsed
    assert sorted(p.name for p in outdir.iterdir()) == ["ok1.pdf", "ok2.pdf"]
    assert running(str(fake_soffice), fake_soffice / "pids.txt") == []
    assert list((fake_soffice / "private").iterdir()) == []  # profiles and staged files removed


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="looks for processes in /proc")
def test_a_crashing_letter_is_retried_once_and_reported(fake_soffice: Path) -> None:
    inputs = three(fake_soffice, "crash")
    outdir = fake_soffice / "out"
    results = convert(inputs, outdir, workers=1, timeout=30)
    ok1, crash, ok2 = results
    assert ok1.ok and ok2.ok, (ok1.message, ok2.message)
    assert not crash.ok and crash.attempts == 2
    assert crash.message.startswith("crash: LibreOffice exited with status 1 (tried 2 times)")
    assert "fake soffice: stuck on" in crash.message
    assert sorted(p.name for p in outdir.iterdir()) == ["ok1.pdf", "ok2.pdf"]
    assert running(str(fake_soffice), fake_soffice / "pids.txt") == []


def test_a_letter_without_a_pdf_is_retried_once_and_reported(fake_soffice: Path) -> None:
    inputs = three(fake_soffice, "nopdf")
    outdir = fake_soffice / "out"
    ok1, nopdf, ok2 = convert(inputs, outdir, workers=1, timeout=30)
    assert ok1.ok and ok2.ok and ok1.attempts == ok2.attempts == 1
    assert not nopdf.ok and nopdf.attempts == 2
    assert nopdf.message == (
        "LibreOffice made no PDF (it could not read the file?) (tried 2 times); "
        "LibreOffice said: Error: source file could not be loaded"
    )
    assert sorted(p.name for p in outdir.iterdir()) == ["ok1.pdf", "ok2.pdf"]


def test_an_interrupted_run_leaves_no_libreoffice_and_no_private_files(fake_soffice: Path) -> None:
    inputs = [build(fake_soffice / "in", SAMPLES[i % 3], f"l{i}") for i in range(6)]

    class Stop(Exception):
        pass

    def progress(done: int, total: int) -> None:
        raise Stop  # as Ctrl-C would, in the caller's thread, while the other worker still runs

    with pytest.raises(Stop):
        convert(inputs, fake_soffice / "out", workers=2, progress=progress)
    assert running(str(fake_soffice), fake_soffice / "pids.txt") == []
    assert list((fake_soffice / "private").iterdir()) == []
    assert all(looks_like_pdf(p.read_bytes()) for p in (fake_soffice / "out").iterdir())


def test_a_libreoffice_that_never_works_is_given_up_quickly(
    fake_soffice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_BROKEN", "1")
    inputs = [build(fake_soffice / "in", SAMPLES[i % 3], f"l{i}") for i in range(8)]
    results = convert(inputs, fake_soffice / "out", workers=2)
    assert not any(r.ok for r in results)
    for r in results:
        assert re.match(r"not converted: LibreOffice made no PDF at all in [23] runs", r.message), r.message
        assert "error while loading shared libraries" in r.message
    # not 8 files x 2 attempts: three runs, and perhaps one the other worker had started
    assert len((fake_soffice / "pids.txt").read_text().split()) <= 4
    assert list((fake_soffice / "out").iterdir()) == []


def test_a_file_libreoffice_cannot_read_fails_alone(tmp_path: Path) -> None:
    require_tool("soffice")
    good = build(tmp_path, SAMPLES[2], "good")
    # a .docx that is a zip with no document inside: LibreOffice exits 0 and makes nothing
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    results = convert([broken, good], tmp_path / "out", workers=1, timeout=60)
    assert results[1].ok, results[1].message
    if results[0].ok:  # LibreOffice took it as an empty text document: still one whole PDF
        assert looks_like_pdf(results[0].output.read_bytes())  # type: ignore[union-attr]
    else:
        assert results[0].attempts == 2
        assert "LibreOffice made no PDF" in results[0].message


def test_missing_libreoffice_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFHDOC_SOFFICE", str(tmp_path / "no-such-soffice"))
    monkeypatch.setenv("PATH", "")
    letter = tmp_path / "a.docx"
    letter.write_bytes(b"PK")
    with pytest.raises(OutputError) as info:
        convert([letter], tmp_path / "out")
    message = str(info.value)
    assert message.startswith(f"WFHDOC_SOFFICE={tmp_path / 'no-such-soffice'}: no such program")
    assert "apt-get install libreoffice-writer-nogui, or set WFHDOC_SOFFICE" in message
    assert not (tmp_path / "out").exists()  # failed before touching anything


def test_no_libreoffice_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WFHDOC_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(soffice, "_INSTALL_PATHS", ())
    with pytest.raises(
        OutputError, match=r"LibreOffice \(soffice\) was not found \(install LibreOffice: apt-get"
    ):
        find_soffice()


def test_soffice_parameter_must_exist(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="no such program"):
        convert([tmp_path / "a.docx"], tmp_path, soffice=tmp_path / "nothing")


def test_find_soffice_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "bin" / "soffice"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(program.parent))
    monkeypatch.delenv("WFHDOC_SOFFICE", raising=False)
    assert find_soffice() == str(program)
    other = tmp_path / "lo" / "soffice"
    other.parent.mkdir()
    shutil.copy2(program, other)
    monkeypatch.setenv("WFHDOC_SOFFICE", str(other))
    assert find_soffice() == str(other)  # the variable wins over PATH


# -- pure parts -----------------------------------------------------------------------------------


def test_output_names_in_input_order() -> None:
    out = Path("/o")
    names = output_names(
        [Path("a/x.docx"), Path("b/x.docx"), Path("x-2.docx"), Path("c/X.docx"), Path("y.docx")], out
    )
    assert [n.name for n in names] == ["x.pdf", "x-2.pdf", "x-2-2.pdf", "X-3.pdf", "y.pdf"]


def test_looks_like_pdf() -> None:
    assert looks_like_pdf(b"%PDF-1.7\n...\n%%EOF\n")
    assert not looks_like_pdf(b"%PDF-1.7\n... half written")
    assert not looks_like_pdf(b"<html>%%EOF")


def test_bad_arguments(tmp_path: Path) -> None:
    from wfh_docs.errors import WfhDocError

    with pytest.raises(WfhDocError, match="timeout"):
        convert([], tmp_path, timeout=0)
    with pytest.raises(WfhDocError, match="workers"):
        convert([], tmp_path, workers=0)


def test_nothing_to_convert(tmp_path: Path) -> None:
    require_tool("soffice")
    assert convert([], tmp_path / "out") == []


def test_chunks_keep_every_worker_busy_and_stay_small() -> None:
    plan = pool.plan
    assert plan(3, 2) == [2, 1]
    assert plan(1, 4) == [1]
    assert plan(50, 2) == [25, 25]
    assert plan(120, 2) == [30, 30, 30, 30]
    sizes = plan(1000, 3)
    assert sum(sizes) == 1000 and max(sizes) <= pool.MAX_CHUNK and len(sizes) % 3 == 0
    assert os.cpu_count()  # the default is one worker per core


def test_importable_without_libreoffice() -> None:
    env = {**os.environ, "PATH": "", "WFHDOC_SOFFICE": "/nowhere/soffice"}
    subprocess.run(
        [sys.executable, "-c", "import wfh_docs.pdf.convert"],
        env=env,
        check=True,
        cwd=Path(__file__).parent.parent,
    )


def test_libreoffice_is_looked_for_under_program_files_on_any_drive() -> None:
    env = {"ProgramFiles": r"D:\Program Files", "ProgramFiles(x86)": r"D:\Program Files (x86)"}
    paths = soffice.windows_paths(env)
    assert os.path.join(r"D:\Program Files", "LibreOffice*", "program", "soffice.com") == paths[0]
    assert os.path.join(r"D:\Program Files (x86)", "LibreOffice*", "program", "soffice.exe") in paths
    assert soffice.windows_paths({}) == []


def test_missing_libreoffice_is_said_in_vietnamese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wfh_docs.i18n

    monkeypatch.setenv("WFHDOC_SOFFICE", str(tmp_path / "no-such-soffice"))
    with wfh_docs.i18n.using("vi"), pytest.raises(OutputError) as info:
        find_soffice()
    assert "no such program" not in str(info.value) and "LibreOffice" in str(info.value)


def test_on_windows_a_runs_process_is_never_probed_with_os_kill(monkeypatch: pytest.MonkeyPatch) -> None:
    # there os.kill(pid, 0) sends a Ctrl-C (CTRL_C_EVENT is 0) instead of asking whether pid lives
    from wfh_docs.pdf import guard

    def no_kill(pid: int, sig: int) -> None:
        raise AssertionError(f"os.kill({pid}, {sig})")

    monkeypatch.setattr(guard.os, "name", "nt")
    monkeypatch.setattr(guard.os, "kill", no_kill)
    monkeypatch.setattr(guard, "_alive_on_windows", lambda pid: pid == 42)
    assert guard._alive(42, 0) and not guard._alive(43, 0)


def test_a_failure_is_said_in_the_callers_language_from_the_worker_threads(fake_soffice: Path) -> None:
    import wfh_docs.i18n

    with wfh_docs.i18n.using("vi"):
        ok1, nopdf, ok2 = convert(three(fake_soffice, "nopdf"), fake_soffice / "out", workers=1, timeout=30)
    assert ok1.ok and ok2.ok
    assert nopdf.message.startswith(
        "LibreOffice không tạo được tệp PDF (có thể không đọc được tệp?) (đã thử 2 lần)"
    )


def test_a_pdf_wfhdoc_did_not_write_is_kept_and_the_letter_goes_beside_it(
    converted: tuple[Path, list[PdfResult]], tmp_path: Path
) -> None:
    _, results = converted
    letter = results[0].source
    out = tmp_path / "out"
    out.mkdir()
    mine = out / f"{letter.stem}.pdf"
    mine.write_bytes(b"%PDF-1.4\n% the clerk's own scan\n%%EOF\n")
    first = convert([letter], out)[0]
    assert first.ok and first.output == out / f"{letter.stem}-2.pdf"
    assert mine.read_bytes() == b"%PDF-1.4\n% the clerk's own scan\n%%EOF\n"
    assert f"{letter.stem}.pdf already existed and was not written by wfhdoc" in first.message
    # its own PDF is wfhdoc's to replace on a rerun: the same name again, no -3
    again = convert([letter], out)[0]
    assert again.output == first.output
    assert sorted(p.name for p in out.iterdir()) == [f"{letter.stem}-2.pdf", f"{letter.stem}.pdf"]
