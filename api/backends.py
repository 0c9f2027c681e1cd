"""Where the HTTP API runs queries: a pool of killable worker processes, or a remote server.

``PooledBackend`` (the default of ``ikg serve``) keeps the embedded store in the API process for
writes and small internal reads, and runs every user query in a worker: a read-only Oxigraph
server (``oxigraph serve-read-only``) on a snapshot of the store (a RocksDB checkpoint, made with
hard links in milliseconds). One query at a time per worker; at the deadline the worker is
killed, which really stops the work and frees the CPU, and a fresh one takes its place. Neither
Python threads nor pyoxigraph can cancel a running query (oxigraph issue #1926), and the Oxigraph
server's own ``--timeout-s`` does not interrupt an aggregate over a large join, so a process kill
is the only hard deadline.

``RemoteBackend`` forwards to a SPARQL server given with ``--store URL``; its deadline is that
server's business.
"""

from __future__ import annotations

import ctypes
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

from ikg.graph.errors import StoreError
from ikg.graph.remote import RemoteStore
from ikg.graph.sparql_text import tokenize
from ikg.graph.store import Store

from .oxigraph_server import free_port, oxigraph_binary

__all__ = ["DeadlineError", "PooledBackend", "RemoteBackend", "Upstream", "add_using"]


class DeadlineError(Exception):
    """The query ran past its deadline and its worker was killed."""


@dataclass(frozen=True)
class Upstream:
    """An answer from the engine: status code and body."""

    status: int
    body: bytes


def add_using(update: str, using: Sequence[tuple[str, str]]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri`` as ``USING`` clauses.

    They go before the ``WHERE`` of every ``INSERT``/``DELETE ... WHERE`` operation, which is
    what the SPARQL 1.1 Protocol defines them to mean. The IRIs are written by the RDF
    serialiser.

    Examples
    --------
    >>> add_using("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", [("using-graph-uri", "http://g")])
    'DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }'
    """
    if not using:
        return update
    clause = " ".join(
        ("USING NAMED " if key == "using-named-graph-uri" else "USING ") + str(ox.NamedNode(iri)) for key, iri in using
    )
    out, last, depth = [], 0, 0
    for tok in tokenize(update):
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
        elif tok.keyword == "WHERE" and depth == 0:
            out.append(update[last : tok.start])
            out.append(clause + " ")
            last = tok.start
    out.append(update[last:])
    return "".join(out)


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get SIGKILL when its parent dies (Linux), else None.

    Without it, ``kill -9`` of ``ikg serve`` would leave its Oxigraph workers running, with
    nobody left to stop them.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up now, not in the forked child
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def arm() -> None:
        prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return arm


class _Spawner:
    """Starts every worker from one thread that lives as long as the process.

    The kernel sends the parent-death signal when the *thread* that started a child ends, not the
    process; workers started from uvicorn's thread pool would be killed when an idle pool thread
    is retired. This thread never ends before the process does.
    """

    def __init__(self) -> None:
        self._requests: queue.Queue[tuple[list[str], Future[subprocess.Popen[bytes]]]] = queue.Queue()
        self._arm = _die_with_parent()
        threading.Thread(target=self._loop, name="ikg-worker-spawner", daemon=True).start()

    def _loop(self) -> None:
        while True:
            args, future = self._requests.get()
            try:
                future.set_result(
                    subprocess.Popen(  # preexec_fn: only a prctl call, looked up before the fork
                        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=self._arm
                    )
                )
            except BaseException as exc:  # hand every failure to the caller
                future.set_exception(exc)

    def popen(self, args: list[str]) -> subprocess.Popen[bytes]:
        """Start ``args`` from the spawner thread; return its process."""
        future: Future[subprocess.Popen[bytes]] = Future()
        self._requests.put((args, future))
        return future.result()


_SPAWNER: _Spawner | None = None
_SPAWNER_LOCK = threading.Lock()


def _spawner() -> _Spawner:
    global _SPAWNER
    with _SPAWNER_LOCK:
        if _SPAWNER is None:
            _SPAWNER = _Spawner()
        return _SPAWNER


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    port: int
    generation: int
    expired: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def alive(self) -> bool:
        return self.process.poll() is None

    def expire(self) -> None:
        """Kill at the deadline (called by a timer thread)."""
        self.expired.set()
        self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@dataclass
class PooledBackend:
    """The embedded store plus a pool of read-only worker processes on its latest snapshot.

    Parameters
    ----------
    store : Store
        An on-disk embedded store (snapshots need a directory).
    size : int
        Number of worker processes (default 2, one per core here).
    """

    store: Store
    size: int = 2
    _root: Path = field(init=False)
    _generation: int = field(default=0, init=False)
    _idle: queue.LifoQueue[_Worker] = field(default_factory=queue.LifoQueue, init=False)
    _count: int = field(default=0, init=False)
    _users: dict[int, int] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    # the deadline is a timer that kills the worker; the client's own timeout only bounds a hang
    _client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=3600), init=False)
    killed: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.store.path is None:
            raise StoreError("the worker pool needs an on-disk store")
        self._root = Path(tempfile.mkdtemp(prefix="ikg-snapshots-"))
        self._snapshot()

    # -- snapshots -----------------------------------------------------------------------------

    def _dir(self, generation: int) -> Path:
        return self._root / f"g{generation}"

    def _snapshot(self) -> None:
        with self._lock:
            generation = self._generation + 1
            self.store._ox.backup(str(self._dir(generation)))
            self._generation = generation
            self._users.setdefault(generation, 0)
            self._collect()

    def _collect(self) -> None:
        # remove snapshots no worker uses any more (caller holds the lock)
        for generation, users in list(self._users.items()):
            if generation != self._generation and users == 0:
                shutil.rmtree(self._dir(generation), ignore_errors=True)
                del self._users[generation]

    # -- workers -------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        with self._lock:
            generation = self._generation
            self._users[generation] = self._users.get(generation, 0) + 1
        port = free_port()
        process = _spawner().popen(
            [
                oxigraph_binary(),
                "serve-read-only",
                "--location",
                str(self._dir(generation)),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
            ]
        )
        worker = _Worker(process, port, generation)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if not worker.alive():
                break
            try:
                self._client.get(worker.url, params={"query": "ASK {}"}, timeout=1)
                return worker
            except httpx.HTTPError:
                time.sleep(0.01)
        worker.kill()
        with self._lock:  # the caller gives back the slot (see _start)
            self._users[generation] -= 1
            self._collect()
        raise StoreError("a query worker did not start")

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._users[worker.generation] = self._users.get(worker.generation, 1) - 1
            self._count -= 1
            self._collect()

    def _acquire(self, wait: float) -> _Worker:
        deadline = time.monotonic() + wait
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                with self._lock:
                    can_start = self._count < self.size
                    if can_start:
                        self._count += 1
                if can_start:
                    return self._start()
                try:
                    worker = self._idle.get(timeout=max(0.01, deadline - time.monotonic()))
                except queue.Empty:
                    raise StoreError("all query workers are busy; try again shortly") from None
            if worker.alive() and worker.generation == self._generation:
                return worker
            self._retire(worker)  # stale snapshot or dead: replace it
            with self._lock:
                self._count += 1
            return self._start()

    def _start(self) -> _Worker:
        """Start a worker in a slot already counted; give the slot back if it fails."""
        try:
            return self._spawn()
        except Exception:
            with self._lock:
                self._count -= 1
            raise

    # -- the backend interface -----------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        """The graphs in the store (for the safety check and the service description)."""
        return self.store.named_graphs()

    def run_query(self, text: str, accept: str, dataset: Sequence[tuple[str, str]], deadline: float) -> Upstream:
        """Run one query in a worker; kill the worker if it passes ``deadline`` seconds.

        Raises
        ------
        DeadlineError
        StoreError
            If no worker is free within the deadline.
        """
        worker = self._acquire(wait=deadline)
        timer = threading.Timer(deadline, worker.expire)
        timer.start()
        try:
            response = self._client.post(
                worker.url,
                content=text.encode("utf-8"),
                params=list(dataset),
                headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept},
            )
            upstream = Upstream(response.status_code, response.content)
        except httpx.HTTPError as exc:
            timer.cancel()
            self._retire(worker)
            if worker.expired.is_set():
                self.killed += 1
                raise DeadlineError(f"stopped at the deadline of {deadline:g} s") from exc
            raise StoreError(f"query worker failed: {exc}") from exc
        timer.cancel()
        if not worker.expired.is_set():
            self._idle.put(worker)
        else:  # the timer fired just as the answer came
            self._retire(worker)
            self.killed += 1
            raise DeadlineError(f"stopped at the deadline of {deadline:g} s")
        return upstream

    def run_update(self, text: str, using: Sequence[tuple[str, str]], base_iri: str | None) -> Upstream:
        """Apply an update to the store in one transaction, then move the workers to a new snapshot."""
        try:
            self.store._ox.update(add_using(text, using), base_iri=base_iri)
        except SyntaxError as exc:
            return Upstream(400, str(exc).encode())
        except (OSError, RuntimeError, ValueError) as exc:
            return Upstream(400, str(exc).encode())
        self.refresh()
        return Upstream(204, b"")

    def refresh(self) -> None:
        """After a write to the store: move the workers to a new snapshot (old ones finish first)."""
        self.store.flush()
        self._snapshot()

    def close(self) -> None:
        """Stop every worker and remove the snapshots."""
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                break
        self._client.close()
        shutil.rmtree(self._root, ignore_errors=True)


@dataclass
class RemoteBackend:
    """Forward to a SPARQL 1.1 server (``--store URL``); the server enforces its own deadline."""

    store: RemoteStore

    def named_graphs(self) -> list[str]:
        return self.store.named_graphs()

    def run_query(self, text: str, accept: str, dataset: Sequence[tuple[str, str]], deadline: float) -> Upstream:
        try:
            response = self.store.raw_query(text, accept, dataset, timeout=deadline)
        except StoreError as exc:
            if "timed out" in str(exc):
                raise DeadlineError(f"no answer within the deadline of {deadline:g} s") from exc
            raise
        return Upstream(response.status_code, response.content)

    def run_update(self, text: str, using: Sequence[tuple[str, str]], base_iri: str | None) -> Upstream:
        response = self.store.raw_update(text, using)
        return Upstream(response.status_code, response.content)

    def close(self) -> None:
        self.store.close()
