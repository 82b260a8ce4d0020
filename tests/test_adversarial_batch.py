"""wfhdoc batch (and build) against a hostile or unlucky output folder, as a user meets it.

A file the user owns where a letter goes, symbolic links where wfhdoc writes, a worker stopped
with SIGSTOP, a read-only or full disk, SIGTERM, SIGHUP and SIGKILL, and names that Excel would
run as formulas. Each case checks what a user would: their file is byte-identical afterwards,
the manifest says what happened, the exit code, no traceback, no temporaries left, no worker
process left behind.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, REFERENCE_JSON, ROOT, session_members
from lxml import etree

from wfh_docs.cli import main

SNV = EXAMPLES / "batch" / "so-noi-vu-gui-huyen.json"  # 10 letters, snv-gui-ubnd-*.docx
WORKBOOK = EXAMPLES / "bao-cao-wfh-quang-tri.xlsx"
CAM_LO = "snv-gui-ubnd-cam-lo.docx"


def letters_batch(path: Path, count: int, first: int = 1) -> Path:
    """A batch of `count` one-page letters numbered from `first` (451 is 451-SCT-VP.docx)."""
    data = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))
    for key in ("$schema", "appendices"):
        data.pop(key)
    data["body"] = data["body"][:2]
    records = [{"number": n} for n in range(first, first + count)]
    path.write_text(json.dumps({"defaults": data, "records": records}, ensure_ascii=False), encoding="utf-8")
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def manifest(outdir: Path) -> list[dict[str, Any]]:
    return json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))


def by_output(outdir: Path) -> dict[str, dict[str, Any]]:
    return {r["output"]: r for r in manifest(outdir) if r["output"]}


def opens(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        etree.fromstring(zf.read("word/document.xml"))
    return True


def leftovers(outdir: Path) -> list[str]:
    """Temporaries and run folders of wfhdoc still in the folder."""
    return sorted(
        p.name for p in outdir.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".wfhdoc-run-")
    )


def no_traceback(err: str) -> None:
    assert "Traceback" not in err, err
    assert "internal error" not in err, err


def cli(*args: str, cwd: Path = ROOT) -> subprocess.Popen[bytes]:
    """wfhdoc in a process of its own, in a session of its own (so its workers can be found)."""
    return subprocess.Popen(
        [sys.executable, "-m", "wfh_docs", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )


def alive(pid: int) -> bool:
    """Is there a process `pid`, other than a zombie (a dead process that nobody reaped: in a
    container the init process may not reap the orphans it adopts)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until_gone(session: int, deadline: float = 60) -> list[int]:
    end = time.monotonic() + deadline
    while (left := session_members(session)) and time.monotonic() < end:
        time.sleep(0.1)
    return left


def wait_for_letters(outdir: Path, count: int, proc: subprocess.Popen[bytes]) -> None:
    end = time.monotonic() + 180
    while time.monotonic() < end and proc.poll() is None:
        with contextlib.suppress(OSError):
            if len(list(outdir.glob("*.docx"))) >= count:
                return
        time.sleep(0.02)
    raise AssertionError(f"the batch did not write {count} letters (exit code {proc.poll()})")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        pytest.skip("needs /proc/PID/task/PID/children (Linux)")
    return [int(x) for x in path.read_text().split()]


requires_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")


# --- 1. a file the user owns is never replaced ----------------------------------------------


def test_a_file_the_user_owns_is_kept_and_the_letter_goes_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = letters_batch(tmp_path / "b.json", 3, first=450)
    out = tmp_path / "out"
    out.mkdir()
    mine = b"PK\x03\x04 the clerk's own 451, typed in Word"
    (out / "451-SCT-VP.docx").write_bytes(mine)
    code, stdout, err = run(["batch", str(source), "-o", str(out), "-q"], capsys)
    assert code == 0, err
    no_traceback(err)
    assert (out / "451-SCT-VP.docx").read_bytes() == mine
    rows = manifest(out)
    assert [r["output"] for r in rows] == ["450-SCT-VP.docx", "451-SCT-VP-2.docx", "452-SCT-VP.docx"]
    assert rows[1]["status"] == "built"
    message = (
        "451-SCT-VP.docx already existed and was not written by wfhdoc; this letter is 451-SCT-VP-2.docx"
    )
    assert rows[1]["message"] == message
    assert message in err  # said, not only written down
    assert opens(out / "451-SCT-VP-2.docx")
    # the CSV says it too
    csv_rows = list(csv.DictReader(io.StringIO((out / "manifest.csv").read_text(encoding="utf-8-sig"))))
    assert csv_rows[1]["Thông báo"] == message
    # again: the letter keeps its name beside the user's file, nothing is rebuilt
    code, stdout, err = run(["batch", str(source), "-o", str(out), "-q"], capsys)
    assert code == 0 and "0 built, 3 unchanged" in stdout
    assert (out / "451-SCT-VP.docx").read_bytes() == mine
    assert sorted(p.name for p in out.glob("*.docx")) == [
        "450-SCT-VP.docx",
        "451-SCT-VP-2.docx",
        "451-SCT-VP.docx",
        "452-SCT-VP.docx",
    ]
    assert leftovers(out) == []


def test_the_sample_batch_keeps_a_file_of_the_same_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / CAM_LO).write_bytes(b"notes")
    (out / "snv-gui-ubnd-cam-lo-2.docx").write_bytes(b"more notes")  # the next name is taken too
    code, _, err = run(["batch", str(SNV), "-o", str(out), "--workers", "2", "-q"], capsys)
    assert code == 0, err
    assert (out / CAM_LO).read_bytes() == b"notes"
    assert (out / "snv-gui-ubnd-cam-lo-2.docx").read_bytes() == b"more notes"
    row = by_output(out)["snv-gui-ubnd-cam-lo-3.docx"]
    assert row["message"] == (
        f"{CAM_LO} already existed and was not written by wfhdoc; this letter is snv-gui-ubnd-cam-lo-3.docx"
    )
    assert len(manifest(out)) == 10 and {r["status"] for r in manifest(out)} == {"built"}


def test_a_numbered_letter_beside_the_users_file_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / CAM_LO).write_bytes(b"notes")
    register = tmp_path / "register.sqlite"
    code, _, err = run(["batch", str(SNV), "-o", str(out), "-q", "--register", str(register)], capsys)
    assert code == 0, err
    row = by_output(out)["snv-gui-ubnd-cam-lo-2.docx"]
    assert row["message"].startswith(f"{CAM_LO} already existed and was not written by wfhdoc")
    assert row["number"].split("/")[0].isdigit()
    assert (out / CAM_LO).read_bytes() == b"notes"


def test_overwrite_replaces_the_users_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / CAM_LO).write_bytes(b"notes")
    code, _, err = run(["batch", str(SNV), "-o", str(out), "--overwrite", "-q"], capsys)
    assert code == 0, err
    assert opens(out / CAM_LO)
    assert by_output(out)[CAM_LO]["message"] == ""
    assert not (out / "snv-gui-ubnd-cam-lo-2.docx").exists()


def test_a_letter_of_an_earlier_run_is_replaced_under_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run(["batch", str(WORKBOOK), "-o", str(out), "-q"], capsys)[0] == 0
    first = manifest(out)
    # the same name in the manifest: wfhdoc's own file, rebuilt where it is even with --force
    code, stdout, _ = run(["batch", str(WORKBOOK), "-o", str(out), "-q", "--force"], capsys)
    assert code == 0 and f"{len(first)} built" in stdout
    assert [r["output"] for r in manifest(out)] == [r["output"] for r in first]
    assert not list(out.glob("*-2.docx"))


@pytest.mark.parametrize("name", ["manifest.csv", "manifest.json"])
def test_a_manifest_that_is_not_wfhdocs_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    theirs = b"STT,Don vi,So van ban\r\n1,So Noi vu,451\r\n"
    (out / name).write_bytes(theirs)
    code, _, err = run(["batch", str(SNV), "-o", str(out), "-q"], capsys)
    assert code == 1
    no_traceback(err)
    assert f"error: {out / name}: already exists and is not a manifest written by wfhdoc" in err
    assert "--overwrite" in err
    assert (out / name).read_bytes() == theirs
    assert sorted(p.name for p in out.iterdir()) == [name]  # refused before any letter
    code, _, err = run(["batch", str(SNV), "-o", str(out), "-q", "--overwrite"], capsys)
    assert code == 0, err
    assert len(manifest(out)) == 10


def _edited_in_word(letter: bytes) -> bytes:
    """The letter as Word saves it: its document properties name who saved it last."""
    src = zipfile.ZipFile(io.BytesIO(letter))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = data.replace(
                    b"</cp:coreProperties>",
                    b"<cp:lastModifiedBy>Van thu</cp:lastModifiedBy></cp:coreProperties>",
                )
            dst.writestr(info, data)
    return buf.getvalue()


def test_build_keeps_a_file_that_wfhdoc_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "451-SCT-VP.docx"
    # its own letter is replaced, as before
    assert run(["build", str(REFERENCE_JSON), "-o", str(target)], capsys)[0] == 0
    assert run(["build", str(REFERENCE_JSON), "-o", str(target)], capsys)[0] == 0
    built = target.read_bytes()
    for theirs in (b"typed in Word", _edited_in_word(built)):
        target.write_bytes(theirs)
        code, out, err = run(["build", str(REFERENCE_JSON), "-o", str(target)], capsys)
        assert code == 1 and out == ""
        no_traceback(err)
        assert f"error: {target}: already exists and is not a letter written by wfhdoc" in err
        assert "--overwrite" in err
        assert target.read_bytes() == theirs
        assert sorted(p.name for p in tmp_path.iterdir()) == ["451-SCT-VP.docx"]  # no temporary
    code, _, err = run(["build", str(REFERENCE_JSON), "-o", str(target), "--overwrite"], capsys)
    assert code == 0, err
    assert target.read_bytes() == built


# --- 2. no symbolic link is followed ---------------------------------------------------------


@pytest.mark.parametrize("name", [".wfhdoc-journal.jsonl", "manifest.json", "manifest.csv"])
def test_a_link_where_the_batch_writes_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "elsewhere" / "precious.txt"
    victim.parent.mkdir()
    victim.write_bytes(b"do not touch")
    (out / name).symlink_to(victim)
    for extra in ([], ["--overwrite"]):  # not even with --overwrite
        code, _, err = run(["batch", str(SNV), "-o", str(out), "-q", *extra], capsys)
        assert code == 1
        no_traceback(err)
        assert f"error: {out / name}: is a symbolic link" in err
        assert victim.read_bytes() == b"do not touch"
        assert (out / name).is_symlink() and (out / name).resolve() == victim.resolve()
        assert not list(out.glob("*.docx"))


def test_a_dangling_link_for_the_journal_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "created-through-the-link"
    (out / ".wfhdoc-journal.jsonl").symlink_to(target)
    code, _, err = run(["batch", str(SNV), "-o", str(out), "-q"], capsys)
    assert code == 1 and "is a symbolic link" in err
    assert not target.exists()


def test_a_fifo_for_the_journal_does_not_hang_the_batch(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / ".wfhdoc-journal.jsonl")
    proc = cli("batch", str(SNV), "-o", str(out), "-q")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "is not a regular file" in err.decode() and "Traceback" not in err.decode()


def test_a_link_at_a_letters_name_is_kept_and_the_letter_goes_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.docx"
    victim.write_bytes(b"someone else's letter")
    (out / CAM_LO).symlink_to(victim)
    code, _, err = run(["batch", str(SNV), "-o", str(out), "-q", "--overwrite"], capsys)
    assert code == 0, err
    assert victim.read_bytes() == b"someone else's letter"
    assert (out / CAM_LO).is_symlink()
    row = by_output(out)["snv-gui-ubnd-cam-lo-2.docx"]
    assert row["message"].startswith(f"{CAM_LO} is a symbolic link")
    assert opens(out / "snv-gui-ubnd-cam-lo-2.docx")


def test_build_never_writes_through_a_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "victim.docx"
    victim.write_bytes(b"someone else's letter")
    link = tmp_path / "451-SCT-VP.docx"
    link.symlink_to(victim)
    for extra in ([], ["--overwrite"]):
        code, _, err = run(["build", str(REFERENCE_JSON), "-o", str(link), *extra], capsys)
        assert code == 1
        no_traceback(err)
        assert str(link) in err
        assert victim.read_bytes() == b"someone else's letter" and link.is_symlink()


# --- 3. a worker that stops making progress --------------------------------------------------


@requires_proc
def test_a_stopped_worker_is_killed_and_only_its_letter_fails(tmp_path: Path) -> None:
    source = letters_batch(tmp_path / "b.json", 3000)
    out = tmp_path / "out"
    proc = cli("batch", str(source), "-o", str(out), "--workers", "2", "-q", "--letter-timeout", "2")
    try:
        wait_for_letters(out, 40, proc)
        workers = children(proc.pid)
        assert len(workers) == 2, workers
        os.kill(workers[0], signal.SIGSTOP)
        stdout, stderr = proc.communicate(timeout=600)  # without the limit it would wait forever
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    err = stderr.decode()
    no_traceback(err)
    assert proc.returncode == 1, err
    rows = manifest(out)
    assert len(rows) == 3000
    failed = [r for r in rows if r["status"] == "failed"]
    assert len(failed) == 1, failed
    assert failed[0]["message"].startswith(
        "this letter took longer than the limit of 2 seconds (--letter-timeout)"
    )
    assert failed[0]["message"] in err
    assert all(r["status"] == "built" for r in rows if r is not failed[0])
    assert len(list(out.glob("*.docx"))) >= 2999
    assert not alive(workers[0])  # killed, not left stopped
    assert "2999 built, 0 unchanged, 1 failed" in stdout.decode()
    assert leftovers(out) == []
    assert wait_until_gone(proc.pid) == []


# --- 4. every failure a message --------------------------------------------------------------


def test_the_output_folder_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "out"
    afile.write_bytes(b"a file")
    code, _, err = run(["batch", str(SNV), "-o", str(afile), "-q"], capsys)
    assert code == 1
    no_traceback(err)
    assert f"error: {afile}: is a file, not a folder" in err
    assert afile.read_bytes() == b"a file"
    code, _, err = run(["batch", str(SNV), "-o", str(afile / "sub"), "-q"], capsys)
    assert code == 1
    no_traceback(err)
    assert f"error: {afile / 'sub'}: cannot create the output folder" in err


def test_missing_parents_of_the_output_folder_are_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a" / "b" / "c"
    code, _, err = run(["batch", str(SNV), "-o", str(out), "-q"], capsys)
    assert code == 0, err
    assert len(manifest(out)) == 10 and leftovers(out) == []


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs, when this process may mount one (root on Linux); skipped otherwise."""
    where = tmp_path / "small"
    where.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root on Linux")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)], capture_output=True, timeout=30
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True, timeout=30).returncode:
            subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def test_a_read_only_output_folder(small_tmpfs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = small_tmpfs / "out"
    out.mkdir()
    done = subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], capture_output=True, timeout=30)
    if done.returncode != 0:
        pytest.skip(f"cannot remount read-only: {done.stderr.decode().strip()}")
    code, _, err = run(["batch", str(SNV), "-o", str(out), "-q"], capsys)
    assert code == 1
    no_traceback(err)
    assert f"error: {out}: cannot write in the output folder (Read-only file system)" in err
    code, _, err = run(["batch", str(SNV), "-o", str(out / "new"), "-q"], capsys)
    assert code == 1
    no_traceback(err)
    assert "cannot create the output folder (Read-only file system)" in err


def _check_stopped_by_a_full_disk(out: Path, code: int, stdout: str, err: str) -> int:
    """What a user checks after a full disk: the exit code, a message, the manifest with a row
    for every letter built and failed, complete letters only, nothing left over."""
    assert code == 1, err
    no_traceback(err)
    assert "stopped: " in err and "No space left on device" in err
    rows = manifest(out)
    built = [r for r in rows if r["status"] == "built"]
    failed = [r for r in rows if r["status"] == "failed"]
    assert built and failed
    assert all("No space left on device" in r["message"] for r in failed)
    assert sorted(r["output"] for r in built) == sorted(p.name for p in out.glob("*.docx"))
    assert all(opens(out / r["output"]) for r in built)
    assert f"{len(built)} letters are whole ({len(built)} built, 0 unchanged), {len(failed)} failed" in err
    assert leftovers(out) == []
    return len(built)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_full_disk_stops_the_batch_with_its_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    source = letters_batch(tmp_path / "b.json", 300)
    out = tmp_path / "out"
    write = os.write

    def full_after_20_letters(fd: int, data: Any) -> int:
        # the letters' writes (the manifest and the journal go through Python's files)
        if len(list(out.glob("*.docx"))) >= 20:
            raise OSError(errno.ENOSPC, "No space left on device")
        return write(fd, data)

    monkeypatch.setattr(os, "write", full_after_20_letters)  # the forked workers inherit it
    code, stdout, err = run(["batch", str(source), "-o", str(out), "--workers", workers, "-q"], capsys)
    built = _check_stopped_by_a_full_disk(out, code, stdout, err)
    assert built < 300 and len(manifest(out)) < 300  # it stopped: the rest were not tried
    assert "not begun" in err
    monkeypatch.setattr(os, "write", write)
    # space again: the same command finishes, and does not build again what was whole
    code, stdout, err = run(["batch", str(source), "-o", str(out), "--workers", workers, "-q"], capsys)
    assert code == 0, err
    assert f"{300 - built} built, {built} unchanged, 0 failed" in stdout
    assert len(list(out.glob("*.docx"))) == 300 and leftovers(out) == []


def test_a_real_full_disk(small_tmpfs: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = letters_batch(tmp_path / "b.json", 400)  # about 3.5 MB of letters for 2 MB
    out = small_tmpfs / "out"
    code, stdout, err = run(["batch", str(source), "-o", str(out), "--workers", "2", "-q"], capsys)
    _check_stopped_by_a_full_disk(out, code, stdout, err)


# --- 5. every way of being stopped -----------------------------------------------------------


@requires_proc
@pytest.mark.parametrize(
    ("sig", "code", "group"),
    [(signal.SIGTERM, 143, False), (signal.SIGTERM, 143, True), (signal.SIGHUP, 129, False)],
    ids=["SIGTERM", "SIGTERM-to-all", "SIGHUP"],
)
def test_sigterm_and_sighup_stop_the_batch_as_ctrl_c_does(
    tmp_path: Path, sig: signal.Signals, code: int, group: bool
) -> None:
    source = letters_batch(tmp_path / "b.json", 3000)
    out = tmp_path / "out"
    proc = cli("batch", str(source), "-o", str(out), "--workers", "2", "-q")
    try:
        wait_for_letters(out, 40, proc)
        # a service manager signals every process of the service; kill(1) only the one
        (os.killpg if group else os.kill)(proc.pid, sig)
        _, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    err = stderr.decode()
    assert proc.returncode == code, err
    no_traceback(err)
    assert f"interrupted by {sig.name}: " in err and "run the same command again to finish" in err
    rows = manifest(out)
    assert 40 <= len(rows) < 3000
    assert all(opens(out / r["output"]) for r in rows)
    assert len(list(out.glob("*.docx"))) - len(rows) <= 32  # at most a chunk being reported
    assert leftovers(out) == []
    assert wait_until_gone(proc.pid) == [], "a worker outlived the stopped batch"
    # the same command finishes the batch
    again = cli("batch", str(source), "-o", str(out), "--workers", "2", "-q")
    stdout, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stderr.decode()
    assert len(manifest(out)) == 3000 and not list(out.glob("*-2.docx"))


@requires_proc
def test_workers_die_with_a_batch_killed_with_sigkill(tmp_path: Path) -> None:
    source = letters_batch(tmp_path / "b.json", 3000)
    out = tmp_path / "out"
    proc = cli("batch", str(source), "-o", str(out), "--workers", "2", "-q")
    wait_for_letters(out, 100, proc)
    workers = children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert wait_until_gone(proc.pid) == [], "a worker outlived the killed batch"
    assert workers and not any(alive(pid) for pid in workers)
    assert all(opens(p) for p in out.glob("*.docx"))
    # the killed run's folder of temporaries is removed by the next run, and the letters the
    # killed run wrote are known to be wfhdoc's: replaced under their names, no "-2"
    again = cli("batch", str(source), "-o", str(out), "--workers", "2", "-q")
    stdout, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stderr.decode()
    assert leftovers(out) == []
    assert len(list(out.glob("*.docx"))) == 3000 and not list(out.glob("*-2.docx"))
    assert {r["message"] for r in manifest(out)} == {""}


def test_the_signal_handlers_are_put_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    assert run(["batch", str(SNV), "-o", str(tmp_path / "out"), "-q"], capsys)[0] == 0
    assert {s: signal.getsignal(s) for s in before} == before


# --- 6. no formulas in manifest.csv -----------------------------------------------------------


def test_names_that_excel_would_run_are_text_in_manifest_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    names = ["=cmd|' -C calc'!A0.json", "+1+cmd.json", "@SUM(1).json", "-2+3.json"]
    for name in names:
        letters_batch(tmp_path / name, 1)
        out = tmp_path / f"out-{names.index(name)}"
        code, _, err = run(["batch", "-o", str(out), "-q", "--", name], capsys)
        assert code == 0, err
        cells = list(csv.reader(io.StringIO((out / "manifest.csv").read_text(encoding="utf-8-sig"))))
        source = cells[1][cells[0].index("Nguồn dữ liệu")]
        assert source == f"'{name}, records[0]"
        assert manifest(out)[0]["source"] == f"{name}, records[0]"  # the JSON keeps it as it is
    # a failed record's message starts with its source: made text too
    bad = tmp_path / "=1+1.json"
    bad.write_text('{"defaults": {}, "records": [{"number": "x"}]}', encoding="utf-8")
    code, _, _ = run(["batch", "-o", str(tmp_path / "bad"), "-q", bad.name], capsys)
    assert code == 1
    cells = list(csv.reader(io.StringIO((tmp_path / "bad" / "manifest.csv").read_text(encoding="utf-8-sig"))))
    row = dict(zip(cells[0], cells[1], strict=True))
    assert row["Nguồn dữ liệu"].startswith("'=1+1.json") and row["Trạng thái"] == "lỗi"
    assert all(not v.startswith(("=", "+", "-", "@")) for v in row.values())


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_batch_speaks_the_language_of_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], workers: str
) -> None:
    source = letters_batch(tmp_path / "b.json", 3, first=450)
    out = tmp_path / "out"
    out.mkdir()
    (out / "451-SCT-VP.docx").write_bytes(b"PK\x03\x04 the clerk's own 451, typed in Word")
    code, stdout, err = run(
        ["--lang", "vi", "batch", str(source), "-o", str(out), "-q", "--workers", workers], capsys
    )
    assert code == 0, err
    message = "451-SCT-VP.docx đã có từ trước và không do wfhdoc ghi; văn bản này là 451-SCT-VP-2.docx"
    rows = manifest(out)
    assert rows[1]["message"] == message and f"cảnh báo: {source}, records[1]: {message}" in err
    # the files' own formats do not change with the language: statuses and the check for programs
    assert [r["status"] for r in rows] == ["built"] * 3
    assert stdout == f"3 đã tạo, 0 không đổi, 0 lỗi; danh sách kết quả: {out / 'manifest.csv'}\n"
    head = (out / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert head.startswith("STT,Nguồn dữ liệu,Tệp văn bản,Trạng thái")
