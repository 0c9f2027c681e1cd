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

The lanes are in :mod:`ikg.api.http.lanes`; ``RemoteBackend`` (``--store URL``) is in
:mod:`ikg.api.http.remote_backend`.
"""

from __future__ import annotations

import shutil
import threading
import time
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ikg.api.http.lanes import Lane
from ikg.graph.errors import StoreError
from ikg.graph.store.base import StoreLike
from ikg.graph.store.embedded import Store
from ikg.graph.store.engine import sandbox
from ikg.graph.store.engine.process import (
    Answer,
    DeadlineError,
    EngineError,
    EngineProcess,
    refused_unconfined,
    start_engine,
)
from ikg.graph.store.engine.snapshots import RunDir, remove_stale, snapshots_root

__all__ = ["Backend", "BusyError", "PooledBackend", "QueryJob"]


class Backend(Protocol):
    """Where the HTTP API runs SPARQL; :class:`PooledBackend` and :class:`RemoteBackend` offer it."""

    #: why user SPARQL is not served here, or None
    refusal: str | None

    @property
    def store(self) -> StoreLike:
        """The store for the API's own reads."""
        ...

    def named_graphs(self) -> list[str]:
        """The graphs in the store."""
        ...

    def run_query(self, job: QueryJob, deadline: float, max_bytes: int) -> Answer:
        """Run one query within ``deadline`` seconds and ``max_bytes``."""
        ...

    def run_update(self, text: str, base_iri: str | None) -> None:
        """Apply one update."""
        ...

    def close(self) -> None:
        """Stop what the backend started."""
        ...


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
            raise StoreError(key="store.needs_folder")
        self.location = store.path
        reason = sandbox.unavailable_reason()
        self.confined = reason is None
        #: why user SPARQL is refused here (the engine cannot be confined), or None
        self.refusal: str | None = reason if reason is not None and not allow_unconfined else None
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
        self._general = Lane("general", max(1, size), lambda: self._start_reader(5), self._retired)
        self._express = Lane("express", max(0, express), lambda: self._start_reader(0), self._retired)
        self._reader: Store | None = None
        try:
            self._publish(self._new_snapshot())
        except BaseException:
            self.close()
            raise

    @property
    def sandbox(self) -> str:
        """What confines the engine processes (``"none"`` if the user opted out)."""
        return sandbox.LAYER if self.confined else "none"

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
            raise StoreError(key="store.snapshot_failed", detail=str(exc)) from exc
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

    def _fresh(self, lane: Lane, timeout: float, newest_first: bool = False) -> EngineProcess | None:
        engine = lane.acquire(timeout, newest_first)
        if engine is not None and (not engine.alive() or engine.tag != self._generation):
            engine = lane.replace(engine)
        return engine

    def _run_on(self, lane: Lane, engine: EngineProcess, job: QueryJob, deadline: float, max_bytes: int) -> Answer:
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
            raise refused_unconfined(self.refusal)
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
                raise BusyError(key="http.busy_queue", n=self.queue_max)
            remaining = deadline - (time.monotonic() - started)
            engine = self._fresh(self._general, remaining)
            if engine is None:
                raise BusyError(key="http.busy_wait", seconds=f"{deadline:g}")
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
            raise refused_unconfined(self.refusal)
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
