"""Worker processes for a batch: chunks of work in over a pipe, their results out.

concurrent.futures' process pool spends three threads of the parent and a few hundred
microseconds of its time on every chunk, and on a two-core machine that time is taken from the
workers. Here the parent holds one pipe per worker and no thread. Each worker's next chunk is
pickled while it works, and sent the moment its results arrive, so a worker never waits for the
parent. A worker that dies (killed, out of memory, a crash in a C library) is replaced; the
letters of its chunk are tried again one at a time, so that only a letter that itself stops a
worker fails, and the batch goes on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import signal
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

_PROTOCOL = pickle.HIGHEST_PROTOCOL


def _serve(
    conn: Connection,
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
            conn.send_bytes(results)
        except OSError:
            return


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    chunk: list[Any] | None = None  # the chunk it is working on
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
        try:
            for _ in range(count):
                self._workers.append(self._start())
        except BaseException:
            self.close()
            raise

    def _start(self) -> _Worker:
        mine, theirs = self._ctx.Pipe()
        forked = self._ctx.get_start_method() == "fork"
        inherited = [w.conn for w in self._workers] + [mine] if forked else []
        process = self._ctx.Process(
            target=_serve,
            args=(theirs, inherited, self._setup, self._setup_args, self._work),
            name="wfhdoc-worker",
            daemon=True,
        )
        process.start()
        theirs.close()
        return _Worker(process, mine)

    def _replace(self, dead: _Worker) -> tuple[_Worker, str]:
        dead.conn.close()
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

        def prepare(w: _Worker) -> None:
            if w.ready is None:
                chunk = retry.popleft() if retry else next(chunks, None)
                if chunk is not None:
                    w.ready = (chunk, pickle.dumps(chunk, protocol=_PROTOCOL))

        def dispatch(w: _Worker) -> None:
            prepare(w)
            if w.ready is not None:
                w.chunk, payload = w.ready
                w.ready = None
                # if the worker is gone, wait() sees its pipe close, and it is replaced
                with contextlib.suppress(OSError):
                    w.conn.send_bytes(payload)

        for w in list(self._workers):
            dispatch(w)
        for w in list(self._workers):
            prepare(w)
        while True:
            busy: dict[object, _Worker] = {w.conn: w for w in self._workers if w.chunk is not None}
            if not busy:
                return
            for ready in wait([w.conn for w in busy.values()]):
                w = busy[ready]
                chunk, w.chunk = w.chunk, None
                assert chunk is not None
                try:
                    results = pickle.loads(w.conn.recv_bytes())
                except (EOFError, OSError):
                    w, reason = self._replace(w)
                    if len(chunk) > 1:
                        retry.extend([item] for item in chunk)
                    for idle in [w] + [x for x in self._workers if x.chunk is None and x is not w]:
                        dispatch(idle)
                    if len(chunk) == 1:
                        yield chunk, None, reason
                    continue
                dispatch(w)  # its next chunk first: the worker goes on while the results are used
                yield chunk, results, ""
                prepare(w)

    def close(self) -> None:
        """Close the pipes: each worker finishes the chunk in hand and stops."""
        for w in self._workers:
            w.conn.close()
        for w in self._workers:
            w.process.join(timeout=30)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
        self._workers.clear()
