"""PDF export of .docx letters through LibreOffice headless: finding soffice, converting many
files through a few long-lived processes, and surviving the documents that hang or crash it.

Starting LibreOffice costs about a second; converting one letter once it runs costs a twentieth
of that. So the files are split into chunks and each chunk goes to one
`soffice --convert-to pdf f1 f2 ... fn` call, run by a small pool of workers (one per core),
each with its own LibreOffice profile: two processes sharing a profile would hand their work to
each other (or to a LibreOffice the user has open) instead of running side by side.

A watchdog bounds every file, not the whole chunk: LibreOffice converts the files of a call in
order and writes each PDF before it opens the next file, so a new PDF appearing is progress, and
no new PDF within `timeout` seconds is a hang. A hung or crashed process is killed with its
whole process group; the file it was working on is tried once more alone in a fresh process,
and the files it never reached go back to the queue. PDFs are checked (%PDF ... %%EOF) in a
private folder and written to their final names atomically, so a failed or interrupted run
never leaves a half-written PDF behind.

Everything a run makes (staged inputs, profiles, LibreOffice's own temporary files: its TMPDIR is
set there) lives in one private folder, `wfhdoc-pdf-<pid>-<start>-*` in the system's temporary
folder, removed on every way out. When wfhdoc itself is killed (SIGKILL, or a signal nobody
catches) a guard process cleans up after it: it blocks reading a pipe whose write end only wfhdoc
holds, and when that pipe closes without wfhdoc's "end" it kills every LibreOffice of the run
(their process groups, and on Linux every process whose environment names the run) and removes
the folder. A folder left by a run whose process no longer lives (guard killed too) is removed
by the next run. LibreOffice fetches nothing from the network or from other files: external
images and other links of the staged copy are cut, and its profile blocks linked content.

Importable without LibreOffice: it is looked for only when a conversion starts.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import io
import math
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import quoteattr

from ..errors import OutputError, WfhDocError
from ..files.naming import ascii_slug
from ..files.output import write_atomic

__all__ = [
    "INSTALL_HINT",
    "PDFA_FILTER",
    "PDF_FILTER",
    "PdfResult",
    "Progress",
    "convert",
    "find_soffice",
    "looks_like_pdf",
    "output_names",
]

INSTALL_HINT = "install LibreOffice: apt-get install libreoffice-writer-nogui, or set WFHDOC_SOFFICE"
PDF_FILTER = "pdf:writer_pdf_Export"
# PDF/A-2b: what archives and the signing tools expect (see docs: signing and validation)
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'

# At most this many files per LibreOffice process. Start-up (~0.9 s) is amortised over the chunk,
# while a process is still restarted now and then: LibreOffice grows (~200 MB after 100 letters)
# and a long-lived process is what JODConverter and Gotenberg also recycle.
MAX_CHUNK = 50
# A file is tried at most this many times (in a chunk, then alone).
MAX_ATTEMPTS = 2
# Runs that end without a single PDF before LibreOffice has made any: then it is LibreOffice that
# does not work (a missing library, a start-up that hangs), not the files; without this stop each
# file would be blamed in turn, at up to 2 x timeout per run.
MAX_FRUITLESS = 3
_POLL = 0.05  # seconds between two looks at a running process
_TAIL_LINES = 6
_TAIL_CHARS = 600
# Printed by every Debian LibreOffice without Java; says nothing about the conversion.
_NOISE = ("Warning: failed to launch javaldx",)
# The private folder of a run: the pid and start time of the process that made it, so that a later
# run can tell a folder whose process is gone (killed before it could clean up) from a live one.
_ROOT_PREFIX = "wfhdoc-pdf-"
_ROOT_NAME = re.compile(r"wfhdoc-pdf-(\d+)-(\d+)-")
# In the environment of every LibreOffice of a run: how the guard and later runs find them.
_RUN_ENV = "WFHDOC_PDF_RUN"
# The profile every LibreOffice of a run starts with: no linked content (an image or a frame
# given by URL or by a path outside the document) is loaded, links are never updated, no macros.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update">\
<prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update">\
<prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
</oor:items>
"""
# External relationships of an OOXML package that only point somewhere: kept (a hyperlink in the
# letter becomes a link in the PDF; LibreOffice never fetches it). Any other external one (an
# image, an OLE object, a frame, an attached template) would be loaded: it is cut.
_LINK_ONLY_TYPES = ("/hyperlink",)
# The elements that use a hyperlink relationship as a link (WordprocessingML, DrawingML).
_HYPERLINK_ELEMENTS = frozenset({"hyperlink", "hlinkClick", "hlinkHover", "hlinkMouseOver"})
_MAX_PART = 256 << 20  # a part larger than this, inflated, is not read for its hyperlinks
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_BLOCKED_TARGET = "wfhdoc-blocked-external-link"

# The guard of a run (see the module's docstring), run as `python -I -S -c _GUARD root`. Lines on
# its standard input: "+PGID" (a LibreOffice started), "-PGID" (it was killed and is being reaped),
# "end" (wfhdoc cleaned up itself). End of input without "end": wfhdoc died.
_GUARD = r"""# wfhdoc pdf: the guard of a run (wfh_docs/pdf.py)
import os, shutil, signal, sys, time
for name in ("SIGINT", "SIGHUP", "SIGTSTP"):
    if hasattr(signal, name):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
root = sys.argv[1]
marker = ("%s=%s" % (sys.argv[2], root)).encode()
groups = set()
for line in sys.stdin.buffer:
    word = line.strip().decode("ascii", "replace")
    if word == "end":
        sys.exit(0)
    if word[:1] in "+-" and word[1:].isdigit():
        (groups.add if word[0] == "+" else groups.discard)(int(word[1:]))
def marked():
    found = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if name.isdigit() and int(name) != os.getpid():
            try:
                with open("/proc/%s/environ" % name, "rb") as fh:
                    if marker in fh.read().split(b"\0"):
                        found.append(int(name))
            except OSError:
                pass
    return found
for group in groups:
    try:
        os.killpg(group, signal.SIGKILL)
    except OSError:
        pass
for _ in range(100):
    pids = marked()
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if not pids:
        break
    time.sleep(0.05)
for _ in range(3):
    shutil.rmtree(root, ignore_errors=True)
    if not os.path.exists(root):
        break
    time.sleep(0.2)
"""

# Where LibreOffice installs itself when it is not on PATH. Globs: versions are in the names.
_INSTALL_PATHS: tuple[str, ...] = (
    "/usr/lib/libreoffice/program/soffice",
    "/usr/lib64/libreoffice/program/soffice",
    "/usr/local/lib/libreoffice/program/soffice",
    "/opt/libreoffice*/program/soffice",
    "/usr/local/opt/libreoffice*/program/soffice",
    "/snap/bin/libreoffice",
    "/var/lib/flatpak/exports/bin/org.libreoffice.LibreOffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    # soffice.com before soffice.exe: the console one waits for the conversion and prints its errors
    r"C:\Program Files\LibreOffice\program\soffice.com",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.com",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PdfResult:
    """What became of one input: its PDF (`output`) or, when `ok` is false, why not."""

    source: Path
    output: Path | None
    ok: bool
    message: str
    attempts: int  # LibreOffice processes that worked on this file


def _runnable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_soffice() -> str:
    """The LibreOffice program: $WFHDOC_SOFFICE, else soffice or libreoffice on PATH, else the
    usual install folders of Linux, macOS and Windows. Raises OutputError when there is none."""
    wanted = os.environ.get("WFHDOC_SOFFICE", "").strip()
    if wanted:
        # an explicit choice that does not work is reported, not silently replaced by another one
        path = os.path.expanduser(wanted)
        if _runnable(path):
            return os.path.abspath(path)
        found = shutil.which(path) if os.sep not in path else None
        if found:
            return os.path.abspath(found)
        raise OutputError(f"WFHDOC_SOFFICE={wanted}: no such program ({INSTALL_HINT})")
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return os.path.abspath(found)
    for pattern in _INSTALL_PATHS:
        for path in sorted(glob.glob(pattern), reverse=True):  # the newest version first
            if _runnable(path):
                return path
    raise OutputError(f"LibreOffice (soffice) was not found ({INSTALL_HINT})")


def output_names(sources: Iterable[Path], outdir: Path) -> list[Path]:
    """`outdir/<stem>.pdf` for each source; a stem met again gets -2, -3 ... in input order.
    Compared case-blind: on Windows and macOS `A.pdf` and `a.pdf` are the same file."""
    claimed: set[str] = set()
    names = []
    for source in sources:
        stem = source.stem
        candidate, n = stem, 2
        while candidate.casefold() in claimed:
            candidate, n = f"{stem}-{n}", n + 1
        claimed.add(candidate.casefold())
        names.append(outdir / f"{candidate}.pdf")
    return names


def looks_like_pdf(data: bytes) -> bool:
    """A whole PDF: the header at the start and the end-of-file mark at the end."""
    return data.startswith(b"%PDF-") and data[-1024:].rstrip().endswith(b"%%EOF")


@dataclass
class _Item:
    index: int
    source: Path
    target: Path
    staged: Path = Path()  # the copy LibreOffice reads: an ASCII name, unique in the run
    attempts: int = 0
    state: str = "queued"  # queued | running | done


@dataclass
class _Outcome:
    """How one LibreOffice process ended."""

    status: str  # ok | timeout | crash | stopped
    returncode: int | None
    placed: set[int] = field(default_factory=set)  # positions in the chunk whose PDF is in place
    reached: int = 0  # position in the chunk of the file the process was on when it ended
    tail: str = ""


def _stderr_tail(path: Path) -> str:
    try:
        text = path.read_bytes()[-8192:].decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith(_NOISE)]
    tail = " | ".join(lines[-_TAIL_LINES:])
    return tail[-_TAIL_CHARS:]


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill soffice and everything it started: the soffice script runs oosplash, which runs
    soffice.bin; killing only the first would leave a hung soffice.bin holding its profile."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    else:
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(proc.pid)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        with contextlib.suppress(OSError):
            proc.kill()


def _has_exited(proc: subprocess.Popen[bytes]) -> bool:
    if hasattr(os, "waitid"):
        # WNOWAIT leaves the exited leader unreaped, so its process group id cannot be given to
        # another process before we have killed whatever of the group is left
        try:
            return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True
    return proc.poll() is not None


def _start_time(pid: int) -> int:
    """When the process started (clock ticks since boot, Linux), 0 where that cannot be known:
    with the pid, what tells a run's process from a later one given the same pid."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return int(fh.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return 0


def _alive(pid: int, start: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process now has the pid: perhaps the run's, keep its folder
    except OSError:
        return True
    now = _start_time(pid) if start else 0
    return not (now and now != start)  # the same pid, a later process: the run's is gone


def _marked(root: Path) -> list[int]:
    """The processes (Linux) whose environment names the run at `root`: its LibreOffices."""
    marker = f"{_RUN_ENV}={root}".encode()
    found: list[int] = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if name.isdigit():
            try:
                with open(f"/proc/{name}/environ", "rb") as fh:
                    if marker in fh.read().split(b"\0"):
                        found.append(int(name))
            except OSError:
                pass
    return found


def _sweep_stale(folder: Path) -> None:
    """Remove the private folders (and kill the LibreOffices) of runs whose process is gone:
    what a run killed together with its guard left behind."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = _ROOT_NAME.match(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not entry.is_dir(follow_symlinks=False) or (uid is not None and info.st_uid != uid):
            continue  # not a folder of ours: another user's run, or something else by that name
        if _alive(int(match.group(1)), int(match.group(2))):
            continue
        root = Path(entry.path)
        for _ in range(20):
            pids = _marked(root)
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)
        shutil.rmtree(root, ignore_errors=True)


class _Guard:
    """The process that kills the run's LibreOffices and removes its folder if wfhdoc dies
    without doing so (see the module's docstring). None of it on Windows or in a frozen app."""

    def __init__(self, root: Path | None) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()
        if root is None or os.name != "posix" or getattr(sys, "frozen", False) or not sys.executable:
            return
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _GUARD, str(root), _RUN_ENV],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a signal to wfhdoc's process group does not reach it
            )
        except OSError:
            self.proc = None  # without a guard the run still cleans up on every exit it sees

    def tell(self, line: str) -> None:
        if self.proc is None or self.proc.stdin is None:
            return
        with self.lock, contextlib.suppress(OSError, ValueError):
            self.proc.stdin.write(f"{line}\n".encode("ascii"))
            self.proc.stdin.flush()

    def end(self) -> None:
        """wfhdoc has cleaned up: the guard leaves without doing anything."""
        if self.proc is None:
            return
        self.tell("end")
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _make_root() -> Path:
    pid = os.getpid()
    prefix = f"{_ROOT_PREFIX}{pid}-{_start_time(pid)}-"
    return Path(tempfile.mkdtemp(prefix=prefix)).absolute()  # soffice gets absolute paths only


class _Converter:
    """The queue of chunks, the worker threads that feed them to LibreOffice, and what they report."""

    def __init__(
        self, program: str, conversion: str, timeout: float, root: Path, guard: _Guard | None = None
    ) -> None:
        self.program = program
        self.conversion = conversion
        self.timeout = timeout
        self.root = root
        self.guard = guard or _Guard(None)
        # LibreOffice's own temporary files (lu*.tmp ...) go to the run's folder, not to $TMPDIR,
        # where a killed or stopped LibreOffice would leave them; the marker names the run
        scratch = root / "tmp"
        scratch.mkdir(exist_ok=True)
        self.env = dict(os.environ, TMPDIR=str(scratch), TMP=str(scratch), TEMP=str(scratch))
        self.env[_RUN_ENV] = str(root)
        self.chunks: queue.Queue[list[_Item] | None] = queue.Queue()
        self.results: queue.Queue[tuple[int, PdfResult]] = queue.Queue()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.live: set[subprocess.Popen[bytes]] = set()
        self.runs = 0
        self.made_any = False
        self.fruitless = 0
        self.broken = ""  # why the run was given up, once LibreOffice seems not to work at all

    # -- worker side -------------------------------------------------------------------------------

    def _profile(self, worker: int, generation: int) -> Path:
        # one profile per worker, reused across its chunks: creating one is LibreOffice's slowest start
        path = self.root / f"profile-{worker}-{generation}"
        (path / "user").mkdir(parents=True)
        (path / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
        return path

    def work(self, worker: int) -> None:
        generation = 0
        profile = self._profile(worker, generation)
        while True:
            chunk = self.chunks.get()
            if chunk is None or self.stopping.is_set():
                return
            for item in chunk:
                item.state = "running"
            try:
                if self.broken:
                    for item in chunk:
                        self._final(item, None, self.broken)
                    continue
                outcome = self._run(chunk, profile)
                if outcome.status == "stopped":
                    return
                if self._gives_up(outcome):
                    for pos, item in enumerate(chunk):
                        if pos not in outcome.placed:
                            if pos <= outcome.reached or outcome.status == "ok":
                                item.attempts += 1
                            self._final(item, None, self.broken)
                    continue
                self._settle(chunk, outcome)
                if outcome.status != "ok":
                    # a killed LibreOffice may leave its profile half-written: start clean
                    shutil.rmtree(profile, ignore_errors=True)
                    generation += 1
                    profile = self._profile(worker, generation)
            except Exception as exc:  # a bug must fail these files, not hang the run
                for item in chunk:
                    if item.state == "running":
                        self._final(item, None, f"internal error while converting: {exc!r}")

    def _gives_up(self, outcome: _Outcome) -> bool:
        with self.lock:
            if outcome.placed:
                self.made_any = True
            elif not self.made_any:
                self.fruitless += 1
                if self.fruitless >= MAX_FRUITLESS and not self.broken:
                    self.broken = (
                        f"not converted: LibreOffice made no PDF at all in {self.fruitless} runs, so it "
                        f"seems not to work ({INSTALL_HINT}); last run: {self._why(outcome, 1)}"
                    )
            return bool(self.broken)

    def _place(self, item: _Item, pdf: Path) -> bool:
        """Move a finished PDF to its name, if it is whole; False leaves it to be judged later."""
        try:
            data = pdf.read_bytes()
        except OSError:
            return False
        if not looks_like_pdf(data):
            return False
        item.attempts += 1
        try:
            write_atomic(item.target, data, durable=False)
        except OutputError as exc:
            self._final(item, None, str(exc))
        else:
            self._final(item, item.target, "")
        return True

    def _run(self, chunk: list[_Item], profile: Path) -> _Outcome:
        with self.lock:
            self.runs += 1
            run = self.root / f"run-{self.runs}"
        out = run / "out"
        out.mkdir(parents=True)
        args = [
            self.program,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            self.conversion,
            "--outdir",
            str(out),
            *(str(item.staged) for item in chunk),
        ]
        names = [f"{item.staged.stem}.pdf" for item in chunk]
        placed: set[int] = set()

        def progressed(seen: set[int]) -> None:
            # LibreOffice opens a file only after writing the previous one's PDF: every PDF
            # before the newest is finished and can go to its place (and count as progress)
            for pos in sorted(seen - placed):
                if pos < max(seen) and self._place(chunk[pos], out / names[pos]):
                    placed.add(pos)

        with open(run / "stdout.txt", "wb") as stdout, open(run / "stderr.txt", "wb") as stderr:
            if os.name == "posix":
                # its own process group, so that a kill reaches oosplash and soffice.bin too
                proc = subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=stdout,
                    stderr=stderr,
                    env=self.env,
                    start_new_session=True,
                )
                self.guard.tell(f"+{proc.pid}")
            else:
                flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
                proc = subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=stdout,
                    stderr=stderr,
                    env=self.env,
                    creationflags=flags,
                )
            with self.lock:
                self.live.add(proc)
            try:
                status = self._watch(proc, out, names, progressed)
            finally:
                _kill_group(proc)  # also sweeps up anything a finished soffice left behind
                # told before the leader is reaped: until then its group id cannot be reused
                self.guard.tell(f"-{proc.pid}")
                proc.wait()
                with self.lock:
                    self.live.discard(proc)
        if status == "exited":
            status = "ok" if proc.returncode == 0 else "crash"
        outcome = _Outcome(status, proc.returncode, placed, tail=_stderr_tail(run / "stderr.txt"))
        if status != "stopped":
            present = [pos for pos, name in enumerate(names) if (out / name).exists()]
            for pos in present:
                if pos not in placed and self._place(chunk[pos], out / names[pos]):
                    placed.add(pos)
            if present:
                last = present[-1]
                # a whole last PDF means the process had gone on to the next file when it ended
                outcome.reached = last + 1 if last in placed else last
        shutil.rmtree(run, ignore_errors=True)
        return outcome

    def _watch(
        self,
        proc: subprocess.Popen[bytes],
        out: Path,
        names: list[str],
        progressed: Callable[[set[int]], None],
    ) -> str:
        """Wait for the process to exit ("exited", left unreaped) or stop it: "timeout" when no
        new PDF appeared for `timeout` seconds (the first file also gets `timeout` for LibreOffice
        to start and make its profile), "stopped" when the run is being cancelled."""
        position = {name: pos for pos, name in enumerate(names)}
        seen: set[int] = set()
        deadline = time.monotonic() + 2 * self.timeout
        while True:
            if self.stopping.is_set():
                return "stopped"
            exited = _has_exited(proc)
            try:
                now = {position[name] for name in os.listdir(out) if name in position}
            except OSError:
                now = set()
            if now - seen:
                seen |= now
                deadline = time.monotonic() + self.timeout
                progressed(seen)
            if exited:
                return "exited"
            if time.monotonic() > deadline:
                return "timeout"
            time.sleep(_POLL)

    def _why(self, outcome: _Outcome, attempts: int) -> str:
        if outcome.status == "timeout":
            what = f"timeout: LibreOffice spent more than {self.timeout:g} s on this file and was killed"
        elif outcome.status == "crash":
            code = outcome.returncode or 0
            if code < 0:
                try:
                    name = f" ({signal.Signals(-code).name})"
                except ValueError:
                    name = ""
                what = f"crash: LibreOffice was killed by signal {-code}{name}"
            else:
                what = f"crash: LibreOffice exited with status {code}"
        else:
            what = "LibreOffice made no PDF (it could not read the file?)"
        if attempts > 1:
            what += f" (tried {attempts} times)"
        return f"{what}; LibreOffice said: {outcome.tail}" if outcome.tail else what

    def _settle(self, chunk: list[_Item], outcome: _Outcome) -> None:
        unreached: list[_Item] = []
        for pos, item in enumerate(chunk):
            if pos in outcome.placed:
                continue
            if outcome.status != "ok" and pos > outcome.reached:
                unreached.append(item)  # the process ended before it opened this file: no attempt
                continue
            item.attempts += 1
            if item.attempts < MAX_ATTEMPTS:
                item.state = "queued"
                self.chunks.put([item])  # alone, so that it cannot take others down with it
            else:
                self._final(item, None, self._why(outcome, item.attempts))
        for item in unreached:
            item.state = "queued"
        if unreached:
            self.chunks.put(unreached)

    def _final(self, item: _Item, output: Path | None, message: str) -> None:
        item.state = "done"
        result = PdfResult(item.source, output, output is not None, message, item.attempts)
        self.results.put((item.index, result))

    # -- caller side -------------------------------------------------------------------------------

    def stop(self, threads: list[threading.Thread]) -> None:
        self.stopping.set()
        for _ in threads:
            self.chunks.put(None)
        with self.lock:
            live = list(self.live)
        for proc in live:
            _kill_group(proc)
        for thread in threads:
            thread.join()


def _plan(count: int, workers: int) -> list[int]:
    """Chunk sizes: as few LibreOffice starts as can keep every worker busy, and no chunk above
    MAX_CHUNK; the number of chunks is a multiple of the workers so that they finish together."""
    chunks = math.ceil(count / MAX_CHUNK)
    chunks = max(workers, math.ceil(chunks / workers) * workers) if count >= workers else count
    size, extra = divmod(count, chunks)
    return [size + 1 if i < extra else size for i in range(chunks)]


def _default_workers() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))  # the cores this process may use
    return max(1, os.cpu_count() or 1)


def _stage(item: _Item, folder: Path) -> str:
    """Copy the input under an ASCII name unique in the run: LibreOffice names its PDF after the
    file, so two inputs `a.docx` must not meet in one call, and names with '#', '%', a leading
    '-' or Vietnamese letters under a C locale are not all taken the same way by soffice. Links
    to outside content are cut in the copy (see _cut_external_links)."""
    if not item.source.is_file():
        return "no such file" if not item.source.exists() else "not a file"
    slug = ascii_slug(item.source.stem)[:40] or "letter"
    item.staged = folder / f"{item.index + 1:05d}-{slug}{item.source.suffix.lower() or '.docx'}"
    try:
        shutil.copyfile(item.source, item.staged)
    except OSError as exc:
        return f"cannot read the file ({exc.strerror or exc})"
    # a package zipfile cannot read: LibreOffice says what is wrong; its profile still blocks links
    with contextlib.suppress(
        OSError, zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, ValueError, EOFError
    ):
        _cut_external_links(item.staged)
    return ""


def _cut_external_links(path: Path) -> None:
    """Point every external relationship of an OOXML package (.docx ...) that LibreOffice would
    load (`<a:blip r:link>` images, OLE objects, frames, attached templates: by URL, UNC or local
    path) at a part that does not exist, so that converting makes no request and reads no other
    file; hyperlinks used as hyperlinks only stay. Reads the small .rels parts (and, for a package
    with external hyperlinks, the parts using them); rewrites the copy only when needed."""
    if not zipfile.is_zipfile(path):
        return
    with zipfile.ZipFile(path) as package:
        infos = package.infolist()
        changed: dict[str, bytes] = {}
        for info in infos:
            if not info.filename.lower().endswith(".rels") or info.file_size > 4 << 20:
                continue
            cut = _cut_rels(package.read(info), functools.partial(_hyperlinks_only, package, info.filename))
            if cut is not None:
                changed[info.filename] = cut
        if not changed:
            return
        tmp = path.with_name(path.name + ".cut")
        with zipfile.ZipFile(tmp, "w") as copy:
            for info in infos:
                if info.filename in changed:
                    copy.writestr(info, changed[info.filename])
                else:
                    with package.open(info) as src, copy.open(info, "w") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
    os.replace(tmp, path)


def _hyperlinks_only(package: zipfile.ZipFile, rels: str, ids: set[str]) -> set[str]:
    """Of the relationship ids `ids` of the .rels part `rels`, those that the part it belongs to
    (word/_rels/document.xml.rels: word/document.xml) uses from hyperlink elements only."""
    folder, _, name = rels.rpartition("_rels/")
    try:
        with package.open(folder + name[: -len(".rels")]) as fh:
            data = fh.read(_MAX_PART + 1)
    except (KeyError, OSError, zipfile.BadZipFile):
        return set()  # no such part: nothing needs them
    if len(data) > _MAX_PART:
        return set()
    misused: set[str] = set()
    try:
        for _, element in ElementTree.iterparse(io.BytesIO(data)):
            local = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
            for value in element.attrib.values():
                if value in ids and local not in _HYPERLINK_ELEMENTS:
                    misused.add(value)
            element.clear()
    except ElementTree.ParseError:
        return set()
    return ids - misused


def _cut_rels(data: bytes, hyperlinks_only: Callable[[set[str]], set[str]]) -> bytes | None:
    """A .rels part with its external relationships that LibreOffice would load pointed at a part
    that does not exist (an internal target), written anew; None when there is none to cut. Read
    as XML, so that an attribute written with character references is seen as LibreOffice sees it.
    A hyperlink stays only if `hyperlinks_only` says its part uses it from hyperlinks alone:
    LibreOffice loads a picture from a relationship of any type."""
    if b"External" not in data and b"&" not in data:
        return None
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None  # LibreOffice cannot read it either; its profile still blocks the links
    rels = [el for el in root if el.tag.rsplit("}", 1)[-1] == "Relationship"]
    external = [rel for rel in rels if (rel.get("TargetMode") or "").strip().casefold() == "external"]
    links = {
        rel.get("Id", "") for rel in external if (rel.get("Type") or "").strip().endswith(_LINK_ONLY_TYPES)
    }
    kept = hyperlinks_only(links) if links else set()
    cut = False
    for rel in external:
        if rel.get("Id", "") in kept:
            continue
        rel.attrib.pop("TargetMode", None)
        for key in [k for k in rel.attrib if k.casefold() == "targetmode"]:
            del rel.attrib[key]
        rel.set("Target", _BLOCKED_TARGET)
        cut = True
    if not cut:
        return None
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', f'<Relationships xmlns="{_RELS_NS}">']
    for rel in rels:
        attrs = " ".join(f"{k}={quoteattr(v)}" for k, v in rel.attrib.items() if "}" not in k)
        lines.append(f"<Relationship {attrs}/>")
    lines.append("</Relationships>")
    return "".join(lines).encode("utf-8")


def convert(
    files: Iterable[Path | str],
    outdir: Path | str,
    *,
    pdfa: bool = False,
    workers: int | None = None,
    timeout: float = 120.0,
    progress: Progress | None = None,
    soffice: Path | str | None = None,
) -> list[PdfResult]:
    """Convert each .docx of `files` to `outdir/<stem>.pdf` (PDF/A-2b when `pdfa`), one result
    per input in input order; a file that fails is reported in its result, the others go on.

    `workers` LibreOffice processes run at once (default: one per core); `timeout` bounds each
    file in seconds (starting LibreOffice counts as one more file); `progress(done, total)` is
    called in the caller's thread as files finish; `soffice` overrides find_soffice().
    Raises OutputError when LibreOffice is missing or `outdir` cannot be made.
    """
    if timeout <= 0:
        raise WfhDocError(f"timeout must be a positive number of seconds, not {timeout}")
    if workers is not None and workers < 1:
        raise WfhDocError(f"workers must be at least 1, not {workers}")
    if soffice is None:
        program = find_soffice()
    else:
        found = shutil.which(soffice) if os.sep not in str(soffice) else None
        program = os.path.abspath(found or soffice)
        if not _runnable(program):
            raise OutputError(f"{soffice}: no such program ({INSTALL_HINT})")
    sources = [Path(f).absolute() for f in files]
    out = Path(outdir).absolute()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the folder ({exc.strerror or exc})") from None
    total = len(sources)
    results: list[PdfResult | None] = [None] * total
    done = 0

    def finish(index: int, result: PdfResult) -> None:
        nonlocal done
        results[index] = result
        done += 1
        if progress is not None:
            progress(done, total)

    # the private folder (inputs, profiles, PDFs before they are checked) lives outside `outdir`,
    # which only ever gets finished PDFs, renamed into place
    _sweep_stale(Path(tempfile.gettempdir()))
    try:
        root = _make_root()
    except OSError as exc:
        raise OutputError(f"cannot make a temporary folder ({exc.strerror or exc}); set TMPDIR") from None
    threads: list[threading.Thread] = []
    guard = _Guard(root)
    converter: _Converter | None = None
    try:
        converter = _Converter(program, PDFA_FILTER if pdfa else PDF_FILTER, timeout, root, guard)
        staging = root / "in"
        staging.mkdir()
        items: list[_Item] = []
        for index, (source, target) in enumerate(zip(sources, output_names(sources, out), strict=True)):
            item = _Item(index, source, target)
            problem = _stage(item, staging)
            if problem:
                finish(index, PdfResult(source, None, False, problem, 0))
            else:
                items.append(item)
        if items:
            sizes = _plan(len(items), workers or _default_workers())
            start = 0
            for size in sizes:
                converter.chunks.put(items[start : start + size])
                start += size
            for worker in range(min(len(sizes), workers or _default_workers())):
                thread = threading.Thread(target=converter.work, args=(worker,), daemon=True)
                thread.start()
                threads.append(thread)
            pending = len(items)
            while pending:
                try:
                    index, result = converter.results.get(timeout=0.5)
                except queue.Empty:
                    if not any(t.is_alive() for t in threads):
                        break  # cannot happen unless a worker died outside its guard
                    continue
                finish(index, result)
                pending -= 1
    finally:
        # on every way out (Ctrl-C, SIGTERM made KeyboardInterrupt, SystemExit, a bug): no
        # LibreOffice outlives the call and nothing of the run is left on disk
        try:
            if converter is not None:
                converter.stop(threads)
        finally:
            shutil.rmtree(root, ignore_errors=True)
            guard.end()
    if hasattr(os, "sync") and any(r is not None and r.ok for r in results):
        os.sync()  # the PDFs were renamed into place without waiting for the disk; wait once
    return [
        r if r is not None else PdfResult(sources[i], None, False, "not converted (internal error)", 0)
        for i, r in enumerate(results)
    ]
