"""The store: embedded Oxigraph (on disk or in memory), read and written through SPARQL.

Everything that reads the graph goes through :meth:`Store.query` with SPARQL and bound
parameters, so that the consumers work the same on a remote store. Writes replace whole named
graphs in one transaction (:meth:`Store.replace_graph`): a crash or ``kill -9`` in the middle
leaves the store as it was. The exception, for speed, is filling empty graphs with many quads:
Oxigraph's bulk loader writes them without a transaction, under a marker that has them emptied
again if the write or its check fails or the process dies (:meth:`Store._bulk_insert`).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pyoxigraph as ox

from ikg.graph.errors import QueryError, StoreError
from ikg.graph.i18n import resolve_lang, t

if TYPE_CHECKING:  # rdflib where terms are converted (rows, bound values), not to open a store
    from rdflib.term import Node

    from ikg.graph.store.base import Bound

__all__ = [
    "MEMORY",
    "Change",
    "QueryingMixin",
    "ReplacePlan",
    "Store",
    "TripleText",
    "default_store_path",
    "plan_replace",
    "solution_rows",
]

MEMORY = ":memory:"
#: inserts into empty graphs of at least this many quads use the bulk loader (see Store._bulk_insert)
BULK_MIN = 10_000
_SYSTEM = ox.NamedNode("https://w3id.org/ikg/graph/_system")
_PENDING = ox.NamedNode("https://w3id.org/ikg/ns#pendingImport")


@runtime_checkable
class TripleText(Protocol):
    """A graph's triples as N-Triples text, without blank nodes
    (:class:`ikg.graph.ingest.ntriples.ConceptText`).

    :meth:`Store.replace_graph` hands the pieces to the bulk loader as they are when the graph is
    empty and large, and takes the quads otherwise.
    """

    #: the number of distinct triples once counted, else None
    distinct: int | None

    def __len__(self) -> int:
        """Lines written: at least the number of distinct triples."""
        ...

    def store_pieces(self) -> Iterator[bytes]:
        """The triples as N-Triples, UTF-8, in pieces of whole lines."""
        ...

    def quads(self) -> list[ox.Quad]:
        """The distinct triples as quads of the graph."""
        ...


def default_store_path() -> str:
    """Return the store location: ``IKG_STORE``, else ``$XDG_DATA_HOME/ikg/store``.

    ``:memory:`` selects a store that lives in memory only.
    """
    explicit = os.environ.get("IKG_STORE")
    if explicit:
        return explicit
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "ikg", "store")


def solution_rows(result: ox.QuerySolutions) -> tuple[list[str], list[tuple[Node | None, ...]]]:
    """Return the variable names and the rows (rdflib terms, ``None`` if unbound) of SELECT results."""
    from ikg.graph.terms import from_ox

    names = [v.value for v in result.variables]
    return names, [tuple(from_ox(sol[i]) for i in range(len(names))) for sol in result]


@dataclass(frozen=True)
class Change:
    """What a write changed: triples added and removed."""

    added: int
    removed: int


@dataclass(frozen=True)
class ReplacePlan:
    """How to turn named graphs into new content in one transaction.

    Exactly one of ``insert_only`` (quads to add, nothing to remove) and ``update`` (one SPARQL
    update) is set, or neither when nothing changes. ``fresh``: every graph is empty now.
    """

    change: Change
    insert_only: list[ox.Quad]
    update: str
    fresh: bool = False


def plan_replace(graphs: Mapping[str, Iterable[ox.Quad]], current: Callable[[str], set[ox.Quad]]) -> ReplacePlan:
    """Plan the smallest write that makes each named graph hold exactly the given quads.

    Parameters
    ----------
    graphs : mapping
        Graph IRI to its new content (the graph name of each quad is replaced).
    current : callable
        Returns what a graph holds now.

    Returns
    -------
    ReplacePlan
        Blank nodes cannot be deleted by value: graphs holding any are dropped and inserted whole.
    """
    old = {ox.NamedNode(name): current(name) for name in graphs}
    if not any(old.values()):  # all graphs empty: nothing to delete, no sets to compare
        fresh: dict[ox.NamedNode, list[ox.Quad]] = {}
        for name, quads in graphs.items():
            g = ox.NamedNode(name)
            named = (q if q.graph_name == g else ox.Quad(q.subject, q.predicate, q.object, g) for q in quads)
            fresh[g] = list(dict.fromkeys(named))  # distinct, in order
        inserts = [q for qs in fresh.values() for q in qs]
        return ReplacePlan(Change(len(inserts), 0), inserts, "", True)
    new: dict[ox.NamedNode, set[ox.Quad]] = {}
    for name, quads in graphs.items():
        g = ox.NamedNode(name)
        new[g] = {q if q.graph_name == g else ox.Quad(q.subject, q.predicate, q.object, g) for q in quads}
    if any(_has_bnode(q) for q in old.values()) or any(_has_bnode(q) for q in new.values()):
        drops = " ; ".join("DROP SILENT GRAPH " + str(g) for g in new)
        change = Change(sum(len(q) for q in new.values()), sum(len(q) for q in old.values()))
        return ReplacePlan(change, [], drops + " ; INSERT DATA { " + _graph_blocks(new) + " }")
    removed = {g: old[g] - new[g] for g in new}
    added = {g: new[g] - old[g] for g in new}
    change = Change(sum(len(q) for q in added.values()), sum(len(q) for q in removed.values()))
    if not change.removed:
        all_empty = not any(old.values())
        return ReplacePlan(change, [q for qs in added.values() for q in qs], "", all_empty)
    return ReplacePlan(
        change, [], "DELETE DATA { " + _graph_blocks(removed) + " } ; INSERT DATA { " + _graph_blocks(added) + " }"
    )


def _has_bnode(quads: Iterable[ox.Quad]) -> bool:
    return any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in quads)


def _graph_blocks(graphs: Mapping[ox.NamedNode, set[ox.Quad]]) -> str:
    """Return SPARQL quad data ``GRAPH <g> { ... }`` for an update.

    The data is written by Oxigraph's own N-Triples serialiser, which escapes every term; no user
    string is pasted into the text. N-Triples term syntax is valid SPARQL quad data.
    """
    parts = []
    for g, quads in graphs.items():
        if not quads:
            continue
        text = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
        parts.append("GRAPH " + str(g) + " { " + (text or b"").decode("utf-8") + " }")
    return " ".join(parts)


class QueryingMixin:
    """``select`` and ``ask`` for any store whose ``query`` returns pyoxigraph results."""

    def query(self, sparql: str, bindings: Mapping[str, Bound] | None = None, *, union: bool = True) -> Any:
        raise NotImplementedError

    def select(
        self, sparql: str, bindings: Mapping[str, Bound] | None = None
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT query; return the variable names and the rows as rdflib terms."""
        result = self.query(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("not a SELECT query")
        return solution_rows(result)

    def select_values(
        self, sparql: str, bindings: Mapping[str, Bound] | None = None
    ) -> tuple[list[str], list[tuple[str | None, ...]]]:
        """Run a SELECT query; return the variable names and each term as its plain string value.

        An IRI gives the IRI, a literal its lexical form (no language or datatype), a blank node
        its id, an unbound variable ``None``. For bulk reads (the network of 100,000 actors), where
        building rdflib terms costs more than the query.
        """
        result = self.query(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("not a SELECT query")
        names = [v.value for v in result.variables]
        width = range(len(names))
        return names, [tuple(None if (t := sol[i]) is None else t.value for i in width) for sol in result]

    def ask(self, sparql: str, bindings: Mapping[str, Bound] | None = None) -> bool:
        """Run an ASK query."""
        result = self.query(sparql, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("not an ASK query")
        return bool(result)


class Store(QueryingMixin):
    """An ikg store backed by pyoxigraph.

    Parameters
    ----------
    path : str or path-like or None
        Directory of the on-disk store (created if missing); ``None`` or ``":memory:"`` for an
        in-memory store.

    Raises
    ------
    StoreError
        If the directory is not writable or not an Oxigraph store, or still in use by another
        process after :func:`lock_wait_seconds` (two imports into one store run one after the
        other: the second waits for the first).
    """

    #: lets go of the lock a store opened by :meth:`open_for_reading` holds (also when it is collected)
    _unlock: weakref.finalize | None = None

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path: Path | None = None if path in (None, MEMORY) else Path(path)
        self._write_lock = threading.Lock()
        self._ox: ox.Store | _Closed
        self.recovered: list[str] = []
        self.read_only = False
        if self.path is None:
            self._ox = ox.Store()
            return
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(key="store.cannot_create", path=str(self.path), detail=exc.strerror or str(exc)) from exc
        self._ox = _open_waiting(self.path, lock_wait_seconds())
        self.recovered = self._recover()

    @classmethod
    def open_snapshot(cls, path: str | os.PathLike[str]) -> Store:
        """Open a snapshot (see :meth:`snapshot`) read-only; writes raise :class:`StoreError`.

        Several processes may read one snapshot at once; nobody writes it.
        """
        store = cls.__new__(cls)
        store.path = Path(path)
        store._write_lock = threading.Lock()
        store.recovered = []
        store.read_only = True
        try:
            store._ox = ox.Store.read_only(str(path))
        except OSError as exc:
            raise StoreError(key="store.cannot_open", path=str(path), detail=str(exc)) from exc
        return store

    @classmethod
    def open_for_reading(cls, path: str | os.PathLike[str]) -> Store | None:
        """The on-disk store at ``path`` opened read-only for one reading command, else ``None``.

        A writable open makes RocksDB write and sync a new manifest, options file and info log
        every time (50 ms of a 0.3 s ``ikg info``, and one more 137 KB ``LOG.old`` file per run);
        a read-only open reads. Meanwhile this process holds a shared lock on the store's
        ``LOCK`` file, the lock RocksDB takes exclusively for a writer: a writer (``ikg import``)
        waits until the reader is done (:func:`lock_wait_seconds`), readers do not wait for
        each other. Writes raise :class:`StoreError`; :meth:`close` lets go of the lock.

        Returns
        -------
        Store or None
            ``None`` where only a writable open will do: no store there yet, a writer holds it,
            a bulk import did not finish (the writable open repairs it), no ``fcntl`` (Windows),
            or RocksDB refuses. Several stores of one process may read one folder at once.
        """
        folder = Path(path)
        if not (folder / "CURRENT").is_file():
            return None
        key = os.path.realpath(folder)
        if not _read_lock(key):
            return None
        try:
            db = ox.Store.read_only(str(folder))
            unfinished = next(iter(db.quads_for_pattern(None, _PENDING, None, _SYSTEM)), None) is not None
        except OSError:
            _read_unlock(key)
            return None
        if unfinished:
            del db
            gc.collect()
            _read_unlock(key)
            return None
        store = cls.__new__(cls)
        store.path = folder
        store._write_lock = threading.Lock()
        store.recovered = []
        store.read_only = True
        store._ox = db
        store._unlock = weakref.finalize(store, _read_unlock, key)
        return store

    def snapshot(self, path: str | os.PathLike[str]) -> None:
        """Write a consistent copy of the store to the new directory ``path``.

        An on-disk store makes a RocksDB checkpoint (hard links on the same file system, so it
        takes milliseconds); an in-memory store is copied into a new on-disk store.
        """
        if self.path is not None:
            self.flush()
            self._ox.backup(str(path))
            return
        copy = ox.Store(str(path))
        copy.bulk_extend(self._ox.quads_for_pattern(None, None, None, None))
        copy.flush()
        del copy
        gc.collect()

    def close(self) -> None:
        """Let go of the database (its lock and files); any later use raises :class:`StoreError`.

        pyoxigraph closes a store when its last reference goes, so this drops the reference.
        """
        if not isinstance(self._ox, _Closed):
            if self.path is not None and not self.read_only:
                self._ox.flush()
            self._ox = _Closed()
            gc.collect()
        if self._unlock is not None:  # after the database is gone: then a writer may have it
            self._unlock()

    # -- reading -------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Bound] | None = None,
        *,
        union: bool = True,
    ) -> Any:
        """Run a SPARQL query and return pyoxigraph's result object.

        Parameters
        ----------
        sparql : str
            The query text.
        bindings : mapping, optional
            Variable name to an rdflib or a pyoxigraph term; bound with a ``VALUES`` block written
            by the RDF serialiser (:func:`~ikg.graph.store.sparql_text.bind_values`), never pasted
            into the text.
        union : bool
            Whether the default graph is the union of all named graphs (the ikg convention).

        Raises
        ------
        QueryError
            With the parser's message, if the query is malformed.
        """
        text = sparql
        if bindings:
            from ikg.graph.store.sparql_text import bind_values

            text = bind_values(sparql, bindings)
        try:
            return self._ox.query(text, use_default_graph_as_union=union)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        except (OSError, RuntimeError) as exc:
            raise QueryError(str(exc)) from exc

    def graph_quads(self, graph: str) -> set[ox.Quad]:
        """Return all quads of the named graph ``graph``."""
        return set(self._ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def named_graphs(self) -> list[str]:
        """Return the IRIs of all named graphs, sorted."""
        return sorted(g.value for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._ox)

    # -- writing -------------------------------------------------------------------------------

    def replace_graph(
        self, graph: str, quads: Iterable[ox.Quad] | TripleText, *, verify: Callable[[], None] | None = None
    ) -> Change:
        """Make the named graph ``graph`` hold exactly ``quads``, in one transaction.

        Only the difference to what the graph holds is written, so re-importing the same data
        writes nothing. Readers see the old or the new graph, never a mix; except while an
        empty graph of a store on disk is filled with :data:`BULK_MIN` quads or more (see
        :meth:`_bulk_insert`): then they may see it filling, and a failed check or write empties
        it again.

        Parameters
        ----------
        graph : str
            IRI of the named graph.
        quads : iterable of pyoxigraph.Quad, or TripleText
            The new content; the graph name of each quad is replaced by ``graph``. Triples as
            text (:class:`TripleText`, distinct) go to the bulk loader as they are when it fills
            the graph, without a quad object each.
        verify : callable, optional
            Checks the new content (an import's SHACL validation); if it raises, the exception
            propagates and the graph holds what it held. Into empty graphs it runs while the
            bulk loader writes, on the other core, and a refusal empties the graph again (see
            :meth:`_bulk_insert`); otherwise it runs before anything is written.

        Returns
        -------
        Change
        """
        return self.replace_graphs({graph: quads}, verify=verify)

    def replace_graphs(
        self, graphs: Mapping[str, Iterable[ox.Quad] | TripleText], *, verify: Callable[[], None] | None = None
    ) -> Change:
        """Replace several named graphs in one transaction (see :meth:`replace_graph`)."""
        self._writable()
        with self._write_lock:
            try:
                empty = self.path is not None and not any(
                    self._ox.contains_named_graph(ox.NamedNode(g)) for g in graphs
                )
                if verify is not None and not empty:  # checked before the old and new sets are built
                    verify()
                    verify = None
                texts = [(g, q) for g, q in graphs.items() if isinstance(q, TripleText)]
                if empty and len(graphs) == 1 and texts and len(texts[0][1]) >= BULK_MIN:
                    graph, text = texts[0]
                    self._bulk_insert([graph], text.store_pieces(), verify, to_graph=graph)
                    # the import's checks counted the distinct triples; else the store counts them
                    return Change(text.distinct if text.distinct is not None else self._graph_size(graph), 0)
                quad_sets = {g: q.quads() if isinstance(q, TripleText) else q for g, q in graphs.items()}
                plan = plan_replace(quad_sets, self.graph_quads)
                if plan.insert_only and plan.fresh and self.path is not None and len(plan.insert_only) >= BULK_MIN:
                    data = ox.serialize(plan.insert_only, format=ox.RdfFormat.N_QUADS) or b""
                    self._bulk_insert(list(graphs), [data], verify)
                    return plan.change
                if verify is not None:
                    verify()
                if plan.insert_only:
                    payload = ox.serialize(plan.insert_only, format=ox.RdfFormat.N_QUADS) or b""
                    self._ox.load(payload, format=ox.RdfFormat.N_QUADS)
                elif plan.update:
                    self._ox.update(plan.update)
                return plan.change
            except OSError as exc:
                raise _write_error(self.path, exc) from exc

    def _bulk_insert(
        self,
        graphs: list[str],
        data: Iterable[bytes],
        verify: Callable[[], None] | None,
        *,
        to_graph: str | None = None,
    ) -> None:
        """Fill empty graphs with Oxigraph's bulk loader, all or nothing even if the process dies.

        The bulk loader skips the transaction log (at 10,000 actors, 4 s instead of 27 s for one
        transaction), so a marker in the system graph says the graphs are being filled; it is
        removed only after the data is flushed. A store opened with a marker left over (a killed
        import) empties those graphs again (:meth:`_recover`): they were empty before.

        ``data`` is N-Quads, or N-Triples of the one graph ``to_graph``, in pieces of whole lines
        (without blank nodes when there are several: each piece is a document of its own). The
        loader keeps what it is given in memory until it writes, so pieces of 32 MB bound it to
        some 400 MB where one 870 MB stream took 1.6 GB (100,000 actors). It reads them in a
        thread of its own, outside Python's global lock (the pieces are read under it), while
        ``verify`` runs here: an import's validation and its write share the
        two cores instead of following each other (at 10,000 actors about 5 s instead of 10 s).
        Readers in this process may see the graphs filling (as with any bulk load). If ``verify``
        raises, the loader is waited for and the graphs are emptied again, as after a killed
        import, and ``verify``'s exception is raised; so is an interrupt (Ctrl-C), only after the
        loader has stopped: it never writes on alone.
        """
        pending = [iter(data)]
        fmt, target = (ox.RdfFormat.N_TRIPLES, ox.NamedNode(to_graph)) if to_graph else (ox.RdfFormat.N_QUADS, None)
        markers = [ox.Quad(ox.NamedNode(g), _PENDING, ox.Literal("bulk import"), _SYSTEM) for g in graphs]
        self._ox.extend(markers)
        self._ox.flush()
        failed: list[BaseException] = []

        def load() -> None:
            try:
                for piece in pending.pop():
                    self._ox.bulk_load(input=piece, format=fmt, to_graph=target)
                self._ox.flush()
            except BaseException as exc:  # handed to the caller's thread
                failed.append(exc)

        loader = threading.Thread(target=load, name="ikg-bulk-load", daemon=True)
        problem: BaseException | None = None
        try:
            loader.start()
            if verify is not None:
                verify()
        except BaseException as exc:  # a refusal, an interrupt, or no thread
            problem = exc
        while loader.is_alive():  # wait for the loader, also through Ctrl-C
            try:
                loader.join()
            except KeyboardInterrupt as exc:
                problem = problem or exc
        pending.clear()
        if problem is None and failed:
            problem = failed[0]
        if problem is not None:
            try:
                self._recover()
            except OSError:
                if isinstance(problem, OSError):
                    raise
                # the refusal is what the user must see; the marker stays and the next open empties the graphs
            raise problem
        for marker in markers:
            self._ox.remove(marker)
        self._ox.flush()

    def _graph_size(self, graph: str) -> int:
        """The number of triples in the named graph ``graph``, counted by the engine."""
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
        solutions = self._ox.query(text)
        assert isinstance(solutions, ox.QuerySolutions)
        n = next(iter(solutions))[0]
        assert isinstance(n, ox.Literal)
        return int(n.value)

    def _recover(self) -> list[str]:
        """Empty the graphs of a bulk import that did not finish; return their IRIs."""
        pending = list(self._ox.quads_for_pattern(None, _PENDING, None, _SYSTEM))
        for marker in pending:
            graph = marker.subject
            if isinstance(graph, ox.NamedNode) and self._ox.contains_named_graph(graph):
                self._ox.remove_graph(graph)
            self._ox.remove(marker)
        if pending:
            self._ox.flush()
        return [str(m.subject.value) for m in pending if isinstance(m.subject, ox.NamedNode)]

    def drop_graph(self, graph: str) -> int:
        """Remove the named graph ``graph``; return how many triples it held."""
        self._writable()
        with self._write_lock:
            n = len(self.graph_quads(graph))
            try:
                self._ox.remove_graph(ox.NamedNode(graph))
            except OSError as exc:
                raise _write_error(self.path, exc) from exc
            return n

    def flush(self) -> None:
        """Ensure everything written is on disk."""
        if self.path is not None and not self.read_only:
            self._ox.flush()

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(key="store.read_only_snapshot", path=str(self.path))


class _Closed:
    """Stands in for the database of a closed :class:`Store`: every use raises :class:`StoreError`."""

    def __getattr__(self, name: str) -> Any:
        raise StoreError(key="store.closed")

    def __len__(self) -> int:
        raise StoreError(key="store.closed")


#: folder to the descriptor of its ``LOCK`` file and how many open stores share the lock. One lock
#: per process and folder: POSIX locks belong to the process, and closing any descriptor of the
#: file would let go of the lock of every store still reading.
_READ_LOCKS: dict[str, list[int]] = {}
_READ_LOCKS_GUARD = threading.Lock()


def _read_lock(folder: str) -> bool:
    """Take (or share) the shared lock on ``folder/LOCK``; ``False`` while a writer holds it."""
    with _READ_LOCKS_GUARD:
        held = _READ_LOCKS.get(folder)
        if held is not None:
            held[1] += 1
            return True
        try:
            import fcntl
        except ImportError:  # no POSIX locks (Windows): only the writable open
            return False
        try:
            fd = os.open(os.path.join(folder, "LOCK"), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return False
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        _READ_LOCKS[folder] = [fd, 1]
        return True


def _read_unlock(folder: str) -> None:
    """One store less reads ``folder``; the last one lets go of the lock."""
    with _READ_LOCKS_GUARD:
        held = _READ_LOCKS.get(folder)
        if held is None:
            return
        held[1] -= 1
        if held[1] <= 0:
            del _READ_LOCKS[folder]
            os.close(held[0])


def lock_wait_seconds() -> float:
    """How long opening a store waits for another process to let go of it (``IKG_LOCK_WAIT``, 60 s)."""
    try:
        return max(0.0, float(os.environ.get("IKG_LOCK_WAIT", "60")))
    except ValueError:
        return 60.0


def _open_waiting(path: Path, wait: float) -> ox.Store:
    """Open an on-disk store; while another process holds its lock, retry until ``wait`` has passed."""
    deadline = time.monotonic() + wait
    told = False
    delay = 0.05
    while True:
        try:
            return ox.Store(str(path))
        except OSError as exc:
            if "lock" not in str(exc).lower():
                raise _open_error(path, exc) from exc
            if time.monotonic() >= deadline:
                raise StoreError(key="store.in_use_waited", path=str(path), seconds=f"{wait:g}") from exc
            if not told:
                print(t("store.waiting", resolve_lang(), path=str(path), seconds=f"{wait:.0f}"), file=sys.stderr)
                told = True
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _open_error(path: Path, exc: OSError) -> StoreError:
    text = str(exc)
    if "lock" in text.lower():
        return StoreError(key="store.in_use", path=str(path))
    if "permission" in text.lower() or "read-only" in text.lower():
        return StoreError(key="store.not_writable", path=str(path), detail=text)
    return StoreError(key="store.cannot_open", path=str(path), detail=text)


def _write_error(path: Path | None, exc: OSError) -> StoreError:
    text = str(exc)
    where = str(path) if path else ":memory:"
    if "No space" in text or "ENOSPC" in text:
        return StoreError(key="store.disk_full", path=where, detail=text)
    if "File too large" in text or "EFBIG" in text:
        return StoreError(key="store.file_too_large", path=where, detail=text)
    if "Read-only" in text or "Permission" in text:
        return StoreError(key="store.write_not_writable", path=where, detail=text)
    return StoreError(key="store.write_failed", path=where, detail=text)
