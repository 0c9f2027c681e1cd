"""Where the HTTP API runs SPARQL: confined engine processes on the embedded store, or a remote server.

``PooledBackend`` (the default of ``ikg serve``):

- **One writer** (:func:`~ikg.graph.store.engine.process.start_engine` with ``writable``) owns the store
  while the server runs; every update runs there, confined and under ``update_timeout``. A text
  that crashes it or runs past the deadline kills only the writer (the update's transaction is
  never committed), and a new one takes its place.
- After each update the writer writes a **snapshot** (a RocksDB checkpoint: hard links, so it takes
  milliseconds); query processes and the API's own reads (gaps, views) use the latest one.
- **Query processes in two lanes.** The general lane (``size`` processes, at a lower CPU priority)
  serves queries in arrival order. When all of them are busy, a new query may use the express lane
  (``express`` processes) for ``express_budget`` seconds: a small query answers at once although
  twenty slow ones occupy the general lane; a query still running at the end of its budget is
  stopped there and queued for the general lane with the rest of its deadline. Waiting for the
  express lane, the newest query goes first (a burst of slow queries cannot keep a later small one
  out). At most ``queue_max`` queries wait for the general lane; more get "busy" at once.
- Every process is killed at its deadline by its owner, and past the byte cap.

``RemoteBackend`` forwards to a SPARQL server given with ``--store URL``; ikg cannot confine that
server's engine, so user text is checked strictly (:func:`ikg.graph.store.sparql_text.check_remote_safe`).
"""

from __future__ import annotations

import io
import shutil
import threading
import time
import weakref
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import pyoxigraph as ox

from ikg.graph.cells import write_sparql_csv, write_sparql_tsv
from ikg.graph.errors import StoreError
from ikg.graph.namespaces import PREFIXES
from ikg.graph.store.embedded import Store
from ikg.graph.store.engine import sandbox
from ikg.graph.store.engine.process import (
    Answer,
    DeadlineError,
    EngineError,
    EngineProcess,
    EngineUnavailableError,
    ResultTooLargeError,
    start_engine,
    too_large_message,
)
from ikg.graph.store.engine.snapshots import RunDir, remove_stale, snapshots_root
from ikg.graph.store.remote import CANCELLED, RemoteStore

__all__ = ["BusyError", "PooledBackend", "QueryJob", "RemoteBackend"]


class BusyError(StoreError):
    """No query process became free in time, or too many queries are waiting."""


@dataclass(frozen=True)
class QueryJob:
    """One query for a backend: the text, what to answer with, and its limits.

    ``results_media`` is used for SELECT/ASK, ``graph_media`` for CONSTRUCT/DESCRIBE (the engine
    picks by what the query turns out to be). ``dataset``: protocol ``default-graph-uri`` and
    ``named-graph-uri`` pairs. ``union``: without a dataset, the default graph is the union of all
    graphs (ikg's convention; off when the text has its own ``FROM``). ``trusted``: the text was
    written by ikg (the query library, with bound values), not by a user. ``base_iri``: relative
    IRIs in the text resolve against it (the endpoint's URL).
    """

    text: str
    results_media: str
    graph_media: str
    dataset: Sequence[tuple[str, str]] = ()
    union: bool = True
    max_rows: int = 100_000
    trusted: bool = False
    base_iri: str | None = None

    def request(self) -> dict[str, Any]:
        """The engine request (see :mod:`ikg.graph.store.engine.worker`)."""
        request: dict[str, Any] = {
            "op": "query",
            "text": self.text,
            "results": self.results_media,
            "graph": self.graph_media,
            "max_rows": self.max_rows,
            "union": self.union,
            "base_iri": self.base_iri,
        }
        if self.dataset:
            request["default_graph"] = [v for k, v in self.dataset if k == "default-graph-uri"]
            request["named_graphs"] = [v for k, v in self.dataset if k == "named-graph-uri"]
        return request


_START = object()  # handed to a waiter: a slot is free, start a process in it


@dataclass(eq=False)
class _Waiter:
    event: threading.Event = field(default_factory=threading.Event)
    slot: Any = None


class _Lane:
    """A bounded set of engine processes; waiters are served first-in-first-out, or newest first."""

    def __init__(self, name: str, capacity: int, start: Callable[[], EngineProcess], retired: Callable[[Any], None]):
        self.name = name
        self.capacity = capacity
        self._start = start
        self._retired = retired
        self._lock = threading.Lock()
        self._idle: list[EngineProcess] = []
        self._count = 0
        self._waiters: deque[_Waiter] = deque()
        self.busy: set[EngineProcess] = set()

    def waiting(self) -> int:
        return len(self._waiters)

    def acquire(self, timeout: float, newest_first: bool = False) -> EngineProcess | None:
        """An idle process, a new one if there is room, or one handed over within ``timeout``; else None."""
        with self._lock:
            if self._idle:
                engine = self._idle.pop()
                self.busy.add(engine)
                return engine
            if self._count < self.capacity:
                self._count += 1
                waiter = None
            elif timeout <= 0:
                return None
            else:
                waiter = _Waiter()
                (self._waiters.appendleft if newest_first else self._waiters.append)(waiter)
        if waiter is not None:
            waiter.event.wait(timeout)
            with self._lock:
                if waiter.slot is None:
                    self._waiters.remove(waiter)
                    return None
            if waiter.slot is not _START:
                return waiter.slot  # type: ignore[no-any-return]
        return self._start_in_slot()

    def _start_in_slot(self) -> EngineProcess:
        try:
            engine = self._start()
        except BaseException:
            self._free_slot()
            raise
        with self._lock:
            self.busy.add(engine)
        return engine

    def _free_slot(self) -> None:
        with self._lock:
            if self._waiters:
                waiter = self._waiters.popleft()
                waiter.slot = _START
                waiter.event.set()
            else:
                self._count -= 1

    def release(self, engine: EngineProcess) -> None:
        """Give back a process that finished its work."""
        with self._lock:
            self.busy.discard(engine)
            if self._waiters:
                waiter = self._waiters.popleft()
                waiter.slot = engine
                self.busy.add(engine)
                waiter.event.set()
                return
            self._idle.append(engine)

    def retire(self, engine: EngineProcess) -> None:
        """Kill a process and free its slot (a waiter then starts a new one)."""
        engine.kill()
        with self._lock:
            self.busy.discard(engine)
        self._retired(engine.tag)
        self._free_slot()

    def replace(self, engine: EngineProcess) -> EngineProcess:
        """Kill a process and start a new one in its slot."""
        engine.kill()
        with self._lock:
            self.busy.discard(engine)
        self._retired(engine.tag)
        return self._start_in_slot()

    def idle_out(self, keep: Callable[[EngineProcess], bool]) -> None:
        """Retire the idle processes ``keep`` rejects (stale snapshot)."""
        with self._lock:
            stale = [e for e in self._idle if not keep(e)]
            self._idle = [e for e in self._idle if keep(e)]
            self.busy.update(stale)
        for engine in stale:
            self.retire(engine)

    def close(self) -> None:
        with self._lock:
            engines = self._idle + list(self.busy)
            self._idle = []
        for engine in engines:
            engine.kill()


class PooledBackend:
    """The embedded store behind one confined writer and two lanes of confined query processes.

    Parameters
    ----------
    store : Store
        An on-disk store, open; the backend closes it and its writer process takes it over.
    size : int
        Processes of the general lane (default 2, one per core here).
    express : int
        Processes of the express lane (0 switches it off).
    express_budget : float
        Seconds a query may run in the express lane.
    express_wait : float
        Seconds a query waits for the express lane before it queues for the general lane.
    queue_max : int
        Queries that may wait for the general lane; more are refused as busy.
    update_timeout : float
        Deadline of an update (an import through the endpoint may send a whole concept).
    allow_unconfined : bool
        Serve user SPARQL although this system cannot confine the engine (``IKG_ALLOW_UNCONFINED``).
        Without it, such a system serves only ikg's own queries.
    """

    def __init__(
        self,
        store: Store,
        size: int = 2,
        *,
        express: int = 1,
        express_budget: float = 0.5,
        express_wait: float = 1.0,
        queue_max: int = 32,
        update_timeout: float = 120.0,
        allow_unconfined: bool = False,
    ) -> None:
        if store.path is None:
            raise StoreError("the query processes need an on-disk store")
        self.location = store.path
        reason = sandbox.unavailable_reason()
        self.confined = reason is None
        self.refusal: str | None = None
        if reason is not None and not allow_unconfined:
            self.refusal = (
                f"this server does not run SPARQL written by users: its query engine cannot be confined "
                f"here ({reason}); set IKG_ALLOW_UNCONFINED=1 to run it without that guard"
            )
        self.sandbox = sandbox.LAYER if self.confined else "none"
        self.express_budget = express_budget
        self.express_wait = express_wait
        self.queue_max = queue_max
        self.update_timeout = update_timeout
        self.killed = 0
        self.demoted = 0
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._users: Counter[int] = Counter()
        self._generation = 0
        remove_stale(snapshots_root(self.location))
        self._run = RunDir(snapshots_root(self.location))
        store.close()  # the writer owns the store from now on
        self._writer = self._start_writer()
        self._general = _Lane("general", max(1, size), lambda: self._start_reader(5), self._retired)
        self._express = _Lane("express", max(0, express), lambda: self._start_reader(0), self._retired)
        self._reader: Store | None = None
        try:
            self._publish(self._new_snapshot())
        except BaseException:
            self.close()
            raise

    # -- snapshots -----------------------------------------------------------------------------

    @property
    def root(self) -> Any:
        """The run folder holding this backend's snapshots."""
        return self._run.path

    @property
    def store(self) -> Store:
        """A read-only store on the latest snapshot, for the API's own reads (gaps, views)."""
        assert self._reader is not None
        return self._reader

    def _start_writer(self) -> EngineProcess:
        return start_engine(str(self.location), writable=True, confined=self.confined)

    def _new_snapshot(self) -> int:
        """Have the writer write the next generation's snapshot; return its number."""
        with self._lock:
            generation = self._generation + 1
        path = self._run.generation(generation)
        try:
            self._writer.run({"op": "snapshot", "snapshot": str(path)}, 120, 1024)
        except Exception as exc:
            shutil.rmtree(path, ignore_errors=True)
            if not self._writer.alive():
                self._writer = self._start_writer()
            raise StoreError(f"could not write a snapshot for the query processes: {exc}") from exc
        return generation

    def _publish(self, generation: int) -> None:
        """Make ``generation`` the one new queries and the API's reads see."""
        reader = Store.open_snapshot(self._run.generation(generation))
        with self._lock:
            self._generation = generation
            self._users[generation] += 1
            old, self._reader = self._reader, reader
        weakref.finalize(reader, self._retired, generation)
        del old  # its finaliser takes the lock: drop it outside
        current = generation
        for lane in (self._general, self._express):
            lane.idle_out(lambda e: e.tag == current)
        self._collect()

    def _retired(self, generation: Any) -> None:
        if generation is None:
            return
        with self._lock:
            self._users[generation] -= 1
        self._collect()

    def _collect(self) -> None:
        with self._lock:
            stale = [g for g, n in self._users.items() if n <= 0 and g != self._generation]
            for g in stale:
                del self._users[g]
        for g in stale:
            shutil.rmtree(self._run.generation(g), ignore_errors=True)

    def _start_reader(self, nice: int) -> EngineProcess:
        with self._lock:
            generation = self._generation
            self._users[generation] += 1
        try:
            return start_engine(
                str(self._run.generation(generation)), confined=self.confined, tag=generation, nice=nice
            )
        except BaseException:
            self._retired(generation)
            raise

    # -- queries -------------------------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        """The graphs in the store (for the safety check and the service description)."""
        return self.store.named_graphs()

    def _fresh(self, lane: _Lane, timeout: float, newest_first: bool = False) -> EngineProcess | None:
        engine = lane.acquire(timeout, newest_first)
        if engine is not None and (not engine.alive() or engine.tag != self._generation):
            engine = lane.replace(engine)
        return engine

    def _run_on(self, lane: _Lane, engine: EngineProcess, job: QueryJob, deadline: float, max_bytes: int) -> Answer:
        try:
            answer = engine.run(job.request(), deadline, max_bytes)
        except BaseException:
            if engine.alive():
                lane.release(engine)
            else:
                lane.retire(engine)
            raise
        if engine.tag == self._generation:
            lane.release(engine)
        else:
            lane.retire(engine)
        return answer

    def run_query(self, job: QueryJob, deadline: float, max_bytes: int) -> Answer:
        """Run one query in a confined process; see the module's description of the lanes.

        Raises
        ------
        DeadlineError
            The query ran past ``deadline`` seconds (its process was killed).
        ResultTooLargeError
            Past ``job.max_rows`` rows or ``max_bytes`` bytes.
        EngineError
            Refused or failed by the engine (syntax, network, crash).
        BusyError
            No process became free within the deadline, or too many queries wait.
        EngineUnavailableError
            User text on a system where the engine cannot be confined.
        """
        if not job.trusted and self.refusal:
            raise EngineUnavailableError(self.refusal, "sandbox")
        started = time.monotonic()
        engine = self._fresh(self._general, 0)
        if engine is None and self._express.capacity:
            express = self._fresh(self._express, min(self.express_wait, deadline), newest_first=True)
            if express is not None:
                budget = min(self.express_budget, deadline - (time.monotonic() - started))
                try:
                    return self._run_on(self._express, express, job, budget, max_bytes)
                except DeadlineError:
                    if deadline - (time.monotonic() - started) <= 0.05:
                        self.killed += 1
                        raise
                    self.demoted += 1
        if engine is None:
            if self._general.waiting() >= self.queue_max:
                raise BusyError(f"{self.queue_max} queries are already waiting; try again shortly")
            remaining = deadline - (time.monotonic() - started)
            engine = self._fresh(self._general, remaining)
            if engine is None:
                raise BusyError(f"no query process became free within {deadline:g} s; try again shortly")
        remaining = max(0.05, deadline - (time.monotonic() - started))
        try:
            return self._run_on(self._general, engine, job, remaining, max_bytes)
        except DeadlineError:
            self.killed += 1
            raise

    # -- updates -------------------------------------------------------------------------------

    def run_update(self, text: str, base_iri: str | None) -> None:
        """Apply an update in the writer (one transaction), then move the queries to a new snapshot.

        Raises
        ------
        DeadlineError
            Past ``update_timeout``: the writer was killed, nothing was changed.
        EngineError
            The engine refused the text (syntax, network, crash); nothing was changed.
        EngineUnavailableError
            On a system where the engine cannot be confined.
        """
        if self.refusal:
            raise EngineUnavailableError(self.refusal, "sandbox")
        with self._write_lock:
            try:
                self._writer.run({"op": "update", "text": text, "base_iri": base_iri}, self.update_timeout, 1024)
            except (DeadlineError, EngineError):
                if not self._writer.alive():
                    self._writer = self._start_writer()
                raise
            self._publish(self._new_snapshot())

    def close(self) -> None:
        """Stop every process and remove the snapshots."""
        for lane in (getattr(self, "_general", None), getattr(self, "_express", None)):
            if lane is not None:
                lane.close()
        self._writer.close()
        self._reader = None
        self._run.close()


@dataclass
class RemoteBackend:
    """Forward to a SPARQL 1.1 server (``--store URL``); the server enforces its own deadline.

    The answer is read as a stream and refused past the byte cap; CSV and TSV are written here
    (:mod:`ikg.graph.cells`), so they are spreadsheet-safe like every CSV ikg writes.
    """

    store: RemoteStore
    refusal: str | None = None
    sandbox: str = "remote server (not confined by ikg; user text checked strictly)"

    def named_graphs(self) -> list[str]:
        return self.store.named_graphs()

    def run_query(self, job: QueryJob, deadline: float, max_bytes: int) -> Answer:
        """Run one query on the server; see :meth:`PooledBackend.run_query`."""
        tabular = job.results_media in ("text/csv", "text/tab-separated-values")
        accept = ", ".join(
            [
                "application/sparql-results+json" if tabular else job.results_media,
                "application/n-triples",
            ]
        )
        body = bytearray()
        try:
            with self.store.stream_query(job.text, accept, list(job.dataset), timeout=deadline) as response:
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise ResultTooLargeError("", "bytes", max_bytes)
                status, media = response.status_code, response.headers.get("content-type", "").split(";")[0]
        except httpx.TimeoutException as exc:
            raise DeadlineError(f"no answer within the deadline of {deadline:g} s") from exc
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the SPARQL server at {self.store.url}: {exc}") from exc
        except ResultTooLargeError as exc:
            raise ResultTooLargeError(too_large_message("bytes", max_bytes), "bytes", max_bytes) from exc
        if status == 400:
            raise EngineError(body.decode("utf-8", "replace").strip() or "malformed query", "syntax")
        if status >= 300 or CANCELLED.encode() in body[-200:]:
            if CANCELLED.encode() in body:
                raise DeadlineError("stopped at the server's deadline")
            raise StoreError(f"the SPARQL server answered {status}: {bytes(body[:300])!r}")
        if media in ("application/n-triples", "text/plain"):
            triples = [
                ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(bytes(body), format=ox.RdfFormat.N_TRIPLES)
            ]
            if len(triples) > job.max_rows:
                raise ResultTooLargeError(too_large_message("rows", job.max_rows), "rows", job.max_rows)
            out = ox.serialize(triples, format=ox.RdfFormat.from_media_type(job.graph_media), prefixes=PREFIXES) or b""
            return Answer(out, {"form": "CONSTRUCT", "rows": len(triples), "media": job.graph_media})
        fmt = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.JSON
        parsed = ox.parse_query_results(bytes(body), format=fmt)
        if isinstance(parsed, ox.QueryBoolean):
            return Answer(
                parsed.serialize(format=ox.QueryResultsFormat.from_media_type(job.results_media)) or b"",
                {"form": "ASK", "rows": 1, "media": job.results_media},
            )
        names = [v.value for v in parsed.variables]
        rows = [[s[i] for i in range(len(names))] for s in parsed]
        if len(rows) > job.max_rows:
            raise ResultTooLargeError(too_large_message("rows", job.max_rows), "rows", job.max_rows)
        if tabular:
            text = io.StringIO(newline="")
            (write_sparql_csv if job.results_media == "text/csv" else write_sparql_tsv)(text, names, rows)
            out = text.getvalue().encode("utf-8")
        else:
            out = bytes(body)
        return Answer(out, {"form": "SELECT", "rows": len(rows), "media": job.results_media})

    def run_update(self, text: str, base_iri: str | None) -> None:
        """Send an update to the server."""
        response = self.store.raw_update(text)
        if response.status_code >= 300:
            message = response.text.strip() or f"update failed ({response.status_code})"
            raise EngineError(message, "syntax" if response.status_code < 500 else "engine")

    def close(self) -> None:
        self.store.close()
