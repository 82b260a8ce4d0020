"""The long-lived converters: worker threads that feed chunks of files to LibreOffice processes,
each with a profile of its own, and the watchdog that bounds every file, not the whole chunk.

LibreOffice converts the files of a call in order and writes each PDF before it opens the next
file, so a new PDF appearing is progress, and no new PDF within `timeout` seconds is a hang. A
hung or crashed process is killed with its whole process group; the file it was working on is
tried once more alone in a fresh process, and the files it never reached go back to the queue.
PDFs are checked (%PDF ... %%EOF) in the run's private folder and written to their final names
atomically, so a failed or interrupted run never leaves a half-written PDF behind.
"""

from __future__ import annotations

import math
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..errors import OutputError
from ..files.output import write_atomic
from ..i18n import _, language, using
from .guard import RUN_ENV, Guard, has_exited, kill_group
from .soffice import install_hint
from .stage import Item

__all__ = ["MAX_CHUNK", "Converter", "PdfResult", "Progress", "default_workers", "looks_like_pdf", "plan"]

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
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PdfResult:
    """What became of one input: its PDF (`output`) or, when `ok` is false, why not."""

    source: Path
    output: Path | None
    ok: bool
    message: str
    attempts: int  # LibreOffice processes that worked on this file


def looks_like_pdf(data: bytes) -> bool:
    """A whole PDF: the header at the start and the end-of-file mark at the end."""
    return data.startswith(b"%PDF-") and data[-1024:].rstrip().endswith(b"%%EOF")


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


class Converter:
    """The queue of chunks, the worker threads that feed them to LibreOffice, and what they report."""

    def __init__(
        self, program: str, conversion: str, timeout: float, root: Path, guard: Guard | None = None
    ) -> None:
        self.program = program
        self.conversion = conversion
        self.timeout = timeout
        self.root = root
        self.guard = guard or Guard(None)
        # LibreOffice's own temporary files (lu*.tmp ...) go to the run's folder, not to $TMPDIR,
        # where a killed or stopped LibreOffice would leave them; the marker names the run
        scratch = root / "tmp"
        scratch.mkdir(exist_ok=True)
        self.env = dict(os.environ, TMPDIR=str(scratch), TMP=str(scratch), TEMP=str(scratch))
        self.env[RUN_ENV] = str(root)
        self.chunks: queue.Queue[list[Item] | None] = queue.Queue()
        self.results: queue.Queue[tuple[int, PdfResult]] = queue.Queue()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.live: set[subprocess.Popen[bytes]] = set()
        self.runs = 0
        self.made_any = False
        self.fruitless = 0
        self.broken = ""  # why the run was given up, once LibreOffice seems not to work at all
        self.language = language()

    # -- worker side -------------------------------------------------------------------------------

    def _profile(self, worker: int, generation: int) -> Path:
        # one profile per worker, reused across its chunks: creating one is LibreOffice's slowest start
        path = self.root / f"profile-{worker}-{generation}"
        (path / "user").mkdir(parents=True)
        (path / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
        return path

    def work(self, worker: int) -> None:
        """A worker thread: chunk after chunk until the queue says stop. Its messages are in the
        caller's language (a thread does not inherit the caller's context)."""
        with using(self.language):
            self._work(worker)

    def _work(self, worker: int) -> None:
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
                if self._gives_up(outcome, chunk):
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
                        self._final(
                            item, None, _("internal error while converting: {error}").format(error=repr(exc))
                        )

    def _gives_up(self, outcome: _Outcome, chunk: list[Item]) -> bool:
        with self.lock:
            if outcome.placed:
                self.made_any = True
            elif not self.made_any:
                self.fruitless += 1
                # given up after MAX_FRUITLESS runs, or sooner when this run was a file's last
                # try: with two workers a file can use up its tries before the count is reached,
                # and would be blamed for what is LibreOffice's failure
                last_try = any(item.attempts + 1 >= MAX_ATTEMPTS for item in chunk)
                if (self.fruitless >= MAX_FRUITLESS or last_try) and not self.broken:
                    self.broken = _(
                        "not converted: LibreOffice made no PDF at all in {runs} runs, so it seems not "
                        "to work ({hint}); last run: {last}"
                    ).format(runs=self.fruitless, hint=install_hint(), last=self._why(outcome, 1))
            return bool(self.broken)

    def _place(self, item: Item, pdf: Path) -> bool:
        """Move a finished PDF to its name, if it is whole; False leaves it to be judged later."""
        try:
            data = pdf.read_bytes()
        except OSError:
            return False
        if not looks_like_pdf(data):
            return False
        item.attempts += 1
        try:
            # each PDF on the disk before its name, in the worker's thread: no sync of the whole disk
            write_atomic(item.target, data, durable=True)
        except OutputError as exc:
            self._final(item, None, str(exc))
        else:
            self._final(item, item.target, "")
        return True

    def _run(self, chunk: list[Item], profile: Path) -> _Outcome:
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
            proc = self._start(args, stdout, stderr)
            with self.lock:
                self.live.add(proc)
            try:
                status = self._watch(proc, out, names, progressed)
            finally:
                kill_group(proc)  # also sweeps up anything a finished soffice left behind
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

    def _start(self, args: list[str], stdout: IO[bytes], stderr: IO[bytes]) -> subprocess.Popen[bytes]:
        """Start LibreOffice in a process group of its own, so that a kill reaches oosplash and
        soffice.bin too; on POSIX the guard is told of the group."""
        if os.name != "posix":
            flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
            return subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                env=self.env,
                creationflags=flags,
            )
        proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, env=self.env, start_new_session=True
        )
        self.guard.tell(f"+{proc.pid}")
        return proc

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
            exited = has_exited(proc)
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
            what = _("timeout: LibreOffice spent more than {seconds} s on this file and was killed").format(
                seconds=f"{self.timeout:g}"
            )
        elif outcome.status == "crash":
            code = outcome.returncode or 0
            if code < 0:
                try:
                    name = f" ({signal.Signals(-code).name})"
                except ValueError:
                    name = ""
                what = _("crash: LibreOffice was killed by signal {signal}").format(signal=f"{-code}{name}")
            else:
                what = _("crash: LibreOffice exited with status {code}").format(code=code)
        else:
            what = _("LibreOffice made no PDF (it could not read the file?)")
        if attempts > 1:
            what += " " + _("(tried {count} times)").format(count=attempts)
        if outcome.tail:
            return _("{what}; LibreOffice said: {tail}").format(what=what, tail=outcome.tail)
        return what

    def _settle(self, chunk: list[Item], outcome: _Outcome) -> None:
        unreached: list[Item] = []
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

    def _final(self, item: Item, output: Path | None, message: str) -> None:
        item.state = "done"
        result = PdfResult(item.source, output, output is not None, message, item.attempts)
        self.results.put((item.index, result))

    # -- caller side -------------------------------------------------------------------------------

    def stop(self, threads: list[threading.Thread]) -> None:
        self.stopping.set()
        for _thread in threads:
            self.chunks.put(None)
        with self.lock:
            live = list(self.live)
        for proc in live:
            kill_group(proc)
        for thread in threads:
            thread.join()


def plan(count: int, workers: int) -> list[int]:
    """Chunk sizes: as few LibreOffice starts as can keep every worker busy, and no chunk above
    MAX_CHUNK; the number of chunks is a multiple of the workers so that they finish together."""
    chunks = math.ceil(count / MAX_CHUNK)
    chunks = max(workers, math.ceil(chunks / workers) * workers) if count >= workers else count
    size, extra = divmod(count, chunks)
    return [size + 1 if i < extra else size for i in range(chunks)]


def default_workers() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))  # the cores this process may use
    return max(1, os.cpu_count() or 1)
