"""Worker processes for a batch: chunks of work in over a pipe, their results out.

concurrent.futures' process pool spends three threads of the parent and a few hundred
microseconds of its time on every chunk, and on a two-core machine that time is taken from the
workers. Here the parent holds two one-way pipes per worker and no thread. A worker has the
chunk it is building and the next one waiting in the pipe behind it (or, for a chunk too big to
wait there, pickled and sent the moment the results arrive), so it never waits for the parent.
A worker that dies (killed, out of memory, a crash in a C library) is replaced; the
letters of its chunk are tried again one at a time, so that only a letter that itself stops a
worker fails, and the batch goes on. A worker that makes no progress for `timeout` seconds (a
letter that never ends, a process stopped with SIGSTOP) is killed and replaced the same way:
each worker counts the items it has finished in a word of shared memory, which the parent
reads when it wakes, so that the count costs the workers nothing. Workers die with the parent,
even when it is killed with SIGKILL (PR_SET_PDEATHSIG on Linux).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from ..errors import WorkerError
from ..i18n import _

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

_PROTOCOL = pickle.HIGHEST_PROTOCOL
# A chunk waits in the pipe behind the one being built when it fits in half the pipe's buffer:
# sending it never blocks. The buffer is made 1 MiB where the system lets us (Linux); elsewhere
# it is taken to be the smallest usual size, 16 KiB.
_PIPE_BYTES = 1 << 20


def _pipe_room(conn: Connection) -> int:
    """How big a chunk may wait in the pipe behind another."""
    size = 16 << 10
    if fcntl is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):
            size = fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    return size // 2 - 64


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """On Linux the kernel kills this process when its parent dies, however the parent dies
    (the parent's own watch is the fallback elsewhere)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before that
        os._exit(1)


def _serve(
    conn: Connection,
    back: Connection,
    inherited: list[Connection],
    setup: Callable[..., Any],
    setup_args: tuple[Any, ...],
    work: Callable[[Any, Any], Any],
    progress: Any,
    parent: int,
) -> None:
    """A worker's life: a chunk in, its results out, until the parent closes the pipe."""
    _die_with_parent(parent)
    for other in inherited:  # a forked worker holds copies of the parent's ends of the pipes
        other.close()
    # Ctrl-C reaches every process of the terminal, SIGTERM and SIGHUP every process of a
    # service or a session; the parent handles them, and a worker finishes the chunk in hand
    # (its letters are whole) and stops when the pipe closes
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    state = setup(*setup_args)
    while True:
        try:
            chunk = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        done = []
        for item in chunk:
            done.append(work(state, item))
            progress.value += 1  # read by the parent's timeout
        results = pickle.dumps(done, protocol=_PROTOCOL)
        try:
            back.send_bytes(results)
        except OSError:
            return


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection  # to the worker
    back: Connection  # from it
    room: int  # the size of a chunk that can wait in the pipe
    progress: Any  # a shared counter: the items it has finished
    answered: bool = False  # has it sent any results?
    reported: int = 0  # the items of the chunks whose results came back
    seen: int = 0  # the count when the parent last looked
    since: float = 0.0  # when the count last moved (or the worker got work)
    # the chunks sent to it, in order: the first is the one it is working on
    sent: deque[list[Any]] = field(default_factory=deque)
    ready: tuple[list[Any], bytes] | None = None  # its next chunk, already pickled


@dataclass(frozen=True)
class Stopped:
    """Why the worker building an item stopped: it died, or it made no progress for too long."""

    reason: str
    timed_out: bool = False

    def __str__(self) -> str:
        return self.reason


def _why_stopped(process: BaseProcess) -> str:
    code = process.exitcode
    if code is None:
        return _("it stopped answering")
    if code < 0:
        try:
            return _("it was killed by {signal}").format(signal=signal.Signals(-code).name)
        except ValueError:
            return _("it was killed by signal {number}").format(number=-code)
    return _("it exited with code {code}").format(code=code)


def forks() -> bool:
    """Are workers forked here (they start with the parent's memory, and their setup's
    arguments are not pickled)?"""
    return "fork" in multiprocessing.get_all_start_methods()


class Workers:
    """`count` processes, each running `state = setup(*setup_args)` once and then
    `work(state, item)` on the items of chunk after chunk. Processes are forked where the
    system can: they start with the parent's memory (a compiled template) instead of building
    their own. A worker that finishes no item for `timeout` seconds is killed and replaced.
    Nothing process-wide is changed: a caller that wants the pages parent and workers share to
    stay shared freezes the collector (gc.freeze) itself, before."""

    def __init__(
        self,
        count: int,
        work: Callable[[Any, Any], Any],
        setup: Callable[..., Any],
        setup_args: tuple[Any, ...] = (),
        *,
        timeout: float | None = None,
    ) -> None:
        self.timeout = timeout
        self._ctx = multiprocessing.get_context("fork" if forks() else None)
        self._work = work
        self._setup = setup
        self._setup_args = setup_args
        self._workers: list[_Worker] = []
        self._chunks: Iterator[list[Any]] = iter(())
        self._retry: deque[list[Any]] = deque()
        self._stillborn = 0  # workers in a row that died before answering once
        try:
            for _n in range(count):
                self._workers.append(self._start())
        except BaseException:
            self.close()
            raise

    def _start(self) -> _Worker:
        # two one-way pipes: quicker than a socket pair
        theirs, mine = self._ctx.Pipe(duplex=False)
        mine_back, theirs_back = self._ctx.Pipe(duplex=False)
        forked = self._ctx.get_start_method() == "fork"
        inherited = [c for w in self._workers for c in (w.conn, w.back)] + [mine, mine_back] if forked else []
        progress = self._ctx.RawValue("Q", 0)
        process = self._ctx.Process(
            target=_serve,
            args=(
                theirs,
                theirs_back,
                inherited,
                self._setup,
                self._setup_args,
                self._work,
                progress,
                os.getpid(),
            ),
            name="wfhdoc-worker",
            daemon=True,
        )
        process.start()
        theirs.close()
        theirs_back.close()
        return _Worker(process, mine, mine_back, _pipe_room(mine), progress)

    def _replace(self, dead: _Worker) -> tuple[_Worker, str]:
        dead.conn.close()
        dead.back.close()
        dead.process.join(timeout=5)
        if dead.process.is_alive():  # pragma: no cover - the pipe closed but the process lives on
            dead.process.kill()
            dead.process.join()
        reason = _why_stopped(dead.process)
        fresh = self._start()
        fresh.ready = dead.ready
        self._workers[self._workers.index(dead)] = fresh
        return fresh, reason

    def _hung(self, now: float) -> list[_Worker]:
        """The busy workers whose count has not moved for `timeout` seconds."""
        if self.timeout is None:
            return []
        out = []
        for w in self._workers:
            if not w.sent:
                continue
            count = w.progress.value
            if count != w.seen:
                w.seen, w.since = count, now
            elif now - w.since >= self.timeout:
                out.append(w)
        return out

    def _wait(self, conns: list[Any]) -> list[Any]:
        if self.timeout is None:
            return wait(conns)
        now = time.monotonic()
        busy = [w.since for w in self._workers if w.sent]
        # wake when the first busy worker would reach the limit, to look at its count
        left = min(busy) + self.timeout - now if busy else self.timeout
        return wait(conns, timeout=max(0.05, min(left, self.timeout)))

    def _timed_out(self) -> Stopped:
        assert self.timeout is not None
        return Stopped(
            _("it made no progress for {seconds} seconds and was killed").format(seconds=f"{self.timeout:g}"),
            timed_out=True,
        )

    def _kill_hung(self, w: _Worker) -> tuple[_Worker, Any, list[Any], list[list[Any]]]:
        """Kill a worker that stopped making progress and start another: the item it was on,
        the items of its chunk finished before it (their results are lost with it: done again),
        and the ones after, with the chunks queued behind."""
        chunk, queued = w.sent[0], list(w.sent)[1:]
        k = min(max(0, w.progress.value - w.reported), len(chunk) - 1)
        with contextlib.suppress(OSError):
            w.process.kill()  # SIGKILL: a stopped process dies too
        fresh, _reason = self._replace(w)
        return fresh, chunk[k], chunk[:k] + chunk[k + 1 :], queued

    def _mark_busy(self, w: _Worker) -> None:
        w.seen, w.since = w.progress.value, time.monotonic()

    def _prepare(self, w: _Worker) -> None:
        """Pickle the worker's next chunk ahead: a chunk to retry first, then a new one."""
        if w.ready is None:
            chunk = self._retry.popleft() if self._retry else next(self._chunks, None)
            if chunk is not None:
                w.ready = (chunk, pickle.dumps(chunk, protocol=_PROTOCOL))

    def _feed(self, w: _Worker) -> None:
        """One chunk to work on, and a small one queued behind it."""
        while True:
            self._prepare(w)
            if w.ready is None:
                return
            chunk, payload = w.ready
            if w.sent and (len(w.sent) > 1 or len(payload) > w.room):
                return
            w.ready = None
            if not w.sent:
                self._mark_busy(w)
            w.sent.append(chunk)
            # if the worker is gone, wait() sees its pipe close, and it is replaced
            with contextlib.suppress(OSError):
                w.conn.send_bytes(payload)

    def _feed_idle(self, first: _Worker) -> None:
        for idle in [first] + [x for x in self._workers if not x.sent and x is not first]:
            self._feed(idle)

    def _died(self, w: _Worker) -> Stopped | None:
        """A worker died on the chunk it was building (the ones queued behind were not begun):
        replace it and queue the chunk again, one item at a time, so that only the item that
        kills a worker fails; that item's Stopped when the chunk was that one item."""
        chunk, queued = w.sent[0], list(w.sent)[1:]
        self._stillborn = 0 if w.answered else self._stillborn + 1
        w, reason = self._replace(w)
        if self._stillborn > 2 * len(self._workers):
            raise WorkerError(
                _(
                    "the worker processes stop before building any letter ({reason}); "
                    "run again with --workers 1 to see why"
                ).format(reason=reason)
            ) from None
        self._retry.extendleft(reversed(queued))
        if len(chunk) > 1:
            self._retry.extend([item] for item in chunk)
        self._feed_idle(w)
        return Stopped(reason) if len(chunk) == 1 else None

    def imap(
        self, chunks: Iterator[list[Any]]
    ) -> Iterator[tuple[list[Any], list[Any] | None, Stopped | None]]:
        """(chunk, its results, None) for every chunk, in the order they finish; ([item], None,
        why) for a single item whose worker died on it or made no progress on it for `timeout`."""
        self._chunks, self._retry, self._stillborn = chunks, deque(), 0
        for w in list(self._workers):
            self._feed(w)
        while True:
            busy: dict[object, _Worker] = {w.back: w for w in self._workers if w.sent}
            if not busy:
                return
            ready_ones = self._wait(list(busy))
            for w in self._hung(time.monotonic()):
                if w.back in ready_ones or w.back.poll():
                    continue  # its results are in after all
                fresh, item, others, queued = self._kill_hung(w)
                self._retry.extendleft(reversed(queued))
                if others:
                    self._retry.appendleft(others)
                self._feed_idle(fresh)
                yield [item], None, self._timed_out()
            for ready in ready_ones:
                w = busy[ready]
                if w not in self._workers:
                    continue  # killed above
                try:
                    results = pickle.loads(w.back.recv_bytes())
                except (EOFError, OSError):
                    item_chunk = w.sent[0]
                    stop = self._died(w)
                    if stop is not None:
                        yield item_chunk, None, stop
                    continue
                chunk = w.sent.popleft()
                w.answered = True
                w.reported += len(chunk)
                self._stillborn = 0
                if w.sent:
                    self._mark_busy(w)
                self._feed(w)  # the worker goes on while the results are used
                yield chunk, results, None
                self._prepare(w)

    def drain(self) -> Iterator[tuple[list[Any], list[Any] | None, Stopped | None]]:
        """After Ctrl-C: no new work, and the results of the chunks the workers hold, which
        they finish (their letters are written by then, and so get into the manifest). A
        worker that makes no progress for `timeout` is killed: the item it was on is reported
        as stopped, the rest of what it held is left (not begun, or its results lost)."""
        for w in self._workers:
            w.conn.close()
            w.ready = None
        for w in self._workers:
            if w.sent:
                self._mark_busy(w)
        while True:
            busy = {w.back: w for w in self._workers if w.sent}
            if not busy:
                return
            ready_ones = self._wait(list(busy))
            for w in self._hung(time.monotonic()):
                if w.back in ready_ones or w.back.poll():
                    continue
                chunk = w.sent[0]
                k = min(max(0, w.progress.value - w.reported), len(chunk) - 1)
                with contextlib.suppress(OSError):
                    w.process.kill()
                w.sent.clear()
                yield [chunk[k]], None, self._timed_out()
            for ready in ready_ones:
                w = busy[ready]
                if not w.sent:
                    continue
                try:
                    results = pickle.loads(w.back.recv_bytes())
                except Exception:  # noqa: BLE001 - a chunk never sent, or a read cut by Ctrl-C
                    w.sent.clear()
                    continue
                chunk = w.sent.popleft()
                w.reported += len(chunk)
                if w.sent:
                    self._mark_busy(w)
                yield chunk, results, None

    def close(self) -> None:
        """Close the pipes: each worker finishes the chunk in hand and stops; one that is still
        at it after 10 seconds (a letter that never ends) is killed."""
        for w in self._workers:
            w.conn.close()
            w.back.close()
        for w in self._workers:
            w.process.join(timeout=10)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
        self._workers.clear()
