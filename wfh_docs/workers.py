"""Worker processes for a batch: chunks of work in over a pipe, their results out.

concurrent.futures' process pool spends three threads of the parent and a few hundred
microseconds of its time on every chunk, and on a two-core machine that time is taken from the
workers. Here the parent holds two one-way pipes per worker and no thread. A worker has the
chunk it is building and the next one waiting in the pipe behind it (or, for a chunk too big to
wait there, pickled and sent the moment the results arrive), so it never waits for the parent.
A worker that dies (killed, out of memory, a crash in a C library) is replaced; the
letters of its chunk are tried again one at a time, so that only a letter that itself stops a
worker fails, and the batch goes on.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import signal
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from .errors import WorkerError

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


def _serve(
    conn: Connection,
    back: Connection,
    inherited: list[Connection],
    setup: Callable[..., None],
    setup_args: tuple[Any, ...],
    work: Callable[[list[Any]], list[Any]],
) -> None:
    """A worker's life: a chunk in, its results out, until the parent closes the pipe."""
    for other in inherited:  # a forked worker holds copies of the parent's ends of the pipes
        other.close()
    # Ctrl-C reaches every process of the terminal; the parent handles it, and a worker
    # finishes the chunk in hand (its letters are whole) and stops when the pipe closes
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    setup(*setup_args)
    while True:
        try:
            chunk = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        results = pickle.dumps(work(chunk), protocol=_PROTOCOL)
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
    answered: bool = False  # has it sent any results?
    # the chunks sent to it, in order: the first is the one it is working on
    sent: deque[list[Any]] = field(default_factory=deque)
    ready: tuple[list[Any], bytes] | None = None  # its next chunk, already pickled


def _why_stopped(process: BaseProcess) -> str:
    code = process.exitcode
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            return f"it was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"it was killed by signal {-code}"
    return f"it exited with code {code}"


class Workers:
    """`count` processes, each running `setup(*setup_args)` once and then `work(chunk)` on
    chunk after chunk. Processes are forked where the system can: they start with the parent's
    memory (a compiled template) instead of building their own."""

    def __init__(
        self,
        count: int,
        work: Callable[[list[Any]], list[Any]],
        setup: Callable[..., None],
        setup_args: tuple[Any, ...] = (),
    ) -> None:
        methods = multiprocessing.get_all_start_methods()
        self._ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        self._work = work
        self._setup = setup
        self._setup_args = setup_args
        self._workers: list[_Worker] = []
        # Objects alive now are never collected by the workers nor the parent until the end:
        # the collector does not write to them, so the pages parent and workers share stay shared
        # instead of being copied on the first collection (the documented use of gc.freeze).
        gc.freeze()
        try:
            for _ in range(count):
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
        process = self._ctx.Process(
            target=_serve,
            args=(theirs, theirs_back, inherited, self._setup, self._setup_args, self._work),
            name="wfhdoc-worker",
            daemon=True,
        )
        process.start()
        theirs.close()
        theirs_back.close()
        return _Worker(process, mine, mine_back, _pipe_room(mine))

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

    def imap(self, chunks: Iterator[list[Any]]) -> Iterator[tuple[list[Any], list[Any] | None, str]]:
        """(chunk, its results, "") for every chunk, in the order they finish; (chunk, None,
        why) for a single item whose worker died on it."""
        retry: deque[list[Any]] = deque()
        stillborn = 0  # workers in a row that died before answering once

        def prepare(w: _Worker) -> None:
            if w.ready is None:
                chunk = retry.popleft() if retry else next(chunks, None)
                if chunk is not None:
                    w.ready = (chunk, pickle.dumps(chunk, protocol=_PROTOCOL))

        def feed(w: _Worker) -> None:
            # one chunk to work on, and a small one queued behind it
            while True:
                prepare(w)
                if w.ready is None:
                    return
                chunk, payload = w.ready
                if w.sent and (len(w.sent) > 1 or len(payload) > w.room):
                    return
                w.ready = None
                w.sent.append(chunk)
                # if the worker is gone, wait() sees its pipe close, and it is replaced
                with contextlib.suppress(OSError):
                    w.conn.send_bytes(payload)

        for w in list(self._workers):
            feed(w)
        while True:
            busy: dict[object, _Worker] = {w.back: w for w in self._workers if w.sent}
            if not busy:
                return
            for ready in wait([w.back for w in busy.values()]):
                w = busy[ready]
                try:
                    results = pickle.loads(w.back.recv_bytes())
                except (EOFError, OSError):
                    # it died on the chunk it was building; the ones queued behind were not begun
                    chunk, queued = w.sent[0], list(w.sent)[1:]
                    stillborn = 0 if w.answered else stillborn + 1
                    w, reason = self._replace(w)
                    if stillborn > 2 * len(self._workers):
                        raise WorkerError(
                            f"the worker processes stop before building any letter ({reason}); "
                            "run again with --workers 1 to see why"
                        ) from None
                    retry.extendleft(reversed(queued))
                    if len(chunk) > 1:
                        retry.extend([item] for item in chunk)
                    for idle in [w] + [x for x in self._workers if not x.sent and x is not w]:
                        feed(idle)
                    if len(chunk) == 1:
                        yield chunk, None, reason
                    continue
                chunk = w.sent.popleft()
                w.answered = True
                stillborn = 0
                feed(w)  # the worker goes on while the results are used
                yield chunk, results, ""
                prepare(w)

    def drain(self) -> Iterator[tuple[list[Any], list[Any], str]]:
        """After Ctrl-C: no new work, and the results of the chunks the workers hold, which
        they finish (their letters are written by then, and so get into the manifest)."""
        for w in self._workers:
            w.conn.close()
        for w in self._workers:
            while w.sent:
                try:
                    results = pickle.loads(w.back.recv_bytes())
                except Exception:  # noqa: BLE001 - a chunk never sent, or a read cut by Ctrl-C
                    break
                yield w.sent.popleft(), results, ""

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
        gc.unfreeze()  # collectable again, in a process that goes on after the batch
