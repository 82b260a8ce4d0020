"""What no run leaves behind: its private folder, the guard process that cleans up when wfhdoc is
killed, the folders of runs whose process is gone, and LibreOffice's whole process group."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

__all__ = ["RUN_ENV", "Guard", "has_exited", "kill_group", "make_root", "sweep_stale"]

# The private folder of a run: the pid and start time of the process that made it, so that a later
# run can tell a folder whose process is gone (killed before it could clean up) from a live one.
_ROOT_PREFIX = "wfhdoc-pdf-"
_ROOT_NAME = re.compile(r"wfhdoc-pdf-(\d+)-(\d+)-")
# In the environment of every LibreOffice of a run: how the guard and later runs find them.
RUN_ENV = "WFHDOC_PDF_RUN"
# Windows: OpenProcess's access right and error, GetExitCodeProcess's answer for a live process
_QUERY_LIMITED_INFORMATION = 0x1000
_ACCESS_DENIED = 5
_STILL_ACTIVE = 259

# The guard of a run (see the module's docstring), run as `python -I -S -c _GUARD root`. Lines on
# its standard input: "+PGID" (a LibreOffice started), "-PGID" (it was killed and is being reaped),
# "end" (wfhdoc cleaned up itself). End of input without "end": wfhdoc died.
_GUARD = r"""# wfhdoc pdf: the guard of a run (wfh_docs/pdf/guard.py)
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


def kill_group(proc: subprocess.Popen[bytes]) -> None:
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


def has_exited(proc: subprocess.Popen[bytes]) -> bool:
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


def _alive_on_windows(pid: int) -> bool:
    """Whether a process `pid` runs, asked of Windows itself: there os.kill(pid, 0) is no probe
    but a Ctrl-C sent to the process's console (signal.CTRL_C_EVENT is 0)."""
    if sys.platform != "win32":
        return True
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return ctypes.get_last_error() == _ACCESS_DENIED  # another user's: perhaps the run's
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return bool(code.value == _STILL_ACTIVE)
    finally:
        kernel32.CloseHandle(handle)


def _alive(pid: int, start: int) -> bool:
    if os.name == "nt":
        return _alive_on_windows(pid)
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
    marker = f"{RUN_ENV}={root}".encode()
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


def sweep_stale(folder: Path) -> None:
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


class Guard:
    """The process that kills the run's LibreOffices and removes its folder if wfhdoc dies
    without doing so (see the module's docstring). None of it on Windows or in a frozen app."""

    def __init__(self, root: Path | None) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()
        if root is None or os.name != "posix" or getattr(sys, "frozen", False) or not sys.executable:
            return
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _GUARD, str(root), RUN_ENV],
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


def make_root() -> Path:
    pid = os.getpid()
    prefix = f"{_ROOT_PREFIX}{pid}-{_start_time(pid)}-"
    return Path(tempfile.mkdtemp(prefix=prefix)).absolute()  # soffice gets absolute paths only
