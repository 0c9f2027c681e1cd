"""A mapped concept as N-Triples text: what the store's loader and the SHACL checks read.

The mapping (:mod:`ikg.graph.ingest.emit`) writes each triple as a line of N-Triples, in the form
Oxigraph's own serialiser gives its terms, instead of building a :class:`pyoxigraph.Quad` per
triple. At 100,000 actors that is 5.2 million lines: a Quad costs about 3.7 µs and 500 bytes to
build, a line a fifth of a microsecond.

The lines go to temporary files as they are written, not into Python strings: 5.2 million
strings held 1.2 GB, and their de-duplication in a dict another few hundred megabytes. A repeated
triple is written as often as the mapping makes it; the stores that read the lines keep it once,
and the number of distinct triples is counted there (:attr:`ConceptText.distinct`). The readers
take the files in pieces of :data:`PIECE` bytes (about 300,000 lines), so that the bulk loader,
which holds what it is given until it writes, needs some 400 MB instead of 1.6 GB at 100,000
actors (``bench/stages.py``).

A triple whose object is a typed literal (a date, a number) is kept in two forms: as it goes into
the store, and with the stand-in the SHACL checks see instead
(:func:`ikg.graph.ingest.shacl_lexical.for_checks`), because Oxigraph canonicalises typed literals
and SHACL speaks of them as written. Every other line is the same in both.

The files live in a directory of their own under the system's temporary directory (``TMPDIR``),
removed by :meth:`ConceptText.close`, when the text is garbage collected or Python exits, and,
after a ``kill -9``, by the next import (:func:`sweep_stale`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ikg.graph.errors import StoreError
from ikg.graph.store.running import alive

__all__ = [
    "CHECKS_PREFIX",
    "DISK_CHECKS_BYTES",
    "PIECE",
    "SPOOL_PREFIX",
    "ChecksStore",
    "ConceptText",
    "pieces",
    "spool_error",
    "sweep_stale",
]

#: bytes per piece handed to a loader (whole lines; about 300,000 lines of a concept)
PIECE = 32 << 20
#: from this many bytes of N-Triples on, the checks' store is kept on disk, not in memory: Oxigraph's
#: in-memory store needs some 400 bytes per triple (2 GB at 100,000 actors); some 45,000 actors
DISK_CHECKS_BYTES = 256 << 20
#: bytes of lines a table row makes, a low estimate (the synthetic concepts: about 1,400), to start
#: the checks' store of a concept that will be large on disk at once
BYTES_PER_ROW = 1_000
#: lines between two hand-overs of the written lines to the checks' store while the mapping writes
HANDOVER_LINES = 200_000
#: names of the temporary directories of an import's lines and of its checks' store on disk; the
#: process id follows, so that those of a killed import can be told and removed (:func:`sweep_stale`)
SPOOL_PREFIX, CHECKS_PREFIX = "ikg-import-", "ikg-checks-"


def sweep_stale() -> list[Path]:
    """Remove the temporary directories that killed imports left (their process is gone).

    An import that ends, fails or is interrupted removes its own; one killed with ``kill -9`` (or
    by the machine's power) cannot, and at 100,000 actors they hold 2-3 GB. Each import's
    directories are named with its process id; before an import makes its own, those whose
    process no longer runs are removed. A process id used again by another program keeps them
    until that program ends, never the other way round.

    Returns
    -------
    list of Path
        The directories removed.
    """
    removed = []
    for prefix in (SPOOL_PREFIX, CHECKS_PREFIX):
        for folder in Path(tempfile.gettempdir()).glob(prefix + "*-*"):
            pid = folder.name[len(prefix) :].split("-", 1)[0]
            if pid.isdigit() and folder.is_dir() and not alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def spool_error(exc: OSError) -> StoreError:
    """The error to show when the temporary files of an import cannot be written (disk full).

    Parameters
    ----------
    exc : OSError
        What writing them raised.

    Returns
    -------
    StoreError
        Naming the temporary folder (``TMPDIR``) and what to do.
    """
    return StoreError(key="store.temp_full", path=tempfile.gettempdir(), detail=str(exc))


def pieces(paths: Iterable[Path], size: int = PIECE) -> Iterator[bytes]:
    """The bytes of the files ``paths``, one after the other, in pieces that end at a line's end.

    Parameters
    ----------
    paths : iterable of Path
        Files of lines, each ending with a line break.
    size : int
        Bytes per piece, before the rest of the piece's last line is added.

    Yields
    ------
    bytes
        Whole lines, at least ``size`` bytes of them unless a file ends first.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.nt"
    >>> _ = f.write_bytes(b"a .\\nbb .\\nc .\\n")
    >>> list(pieces([f], size=5))
    [b'a .\\nbb .\\n', b'c .\\n']
    """
    for path in paths:
        with open(path, "rb") as fh:
            while piece := fh.read(size):
                if not piece.endswith(b"\n"):
                    piece += fh.readline()
                yield piece


class ChecksStore:
    """The SHACL checks' store of a concept, filled while the mapping is still writing its lines.

    The mapping is Python and keeps one core busy; Oxigraph's loader works outside Python's lock.
    So each time the mapping has written :data:`HANDOVER_LINES` more lines, they are handed to a
    thread that loads them into this store (at 100,000 actors the 32 s of loading then go on
    beside the 32 s of mapping instead of after them). Up to :data:`DISK_CHECKS_BYTES` of lines
    the store is kept in memory; once the lines pass that, it starts again on disk, in a temporary
    directory of its own (named with the process id, see :func:`sweep_stale`).

    Parameters
    ----------
    path : Path
        The file of the lines that read the same for the store and the checks, while it is written.
    limit : int, optional
        Bytes of lines from which on the store is kept on disk (default :data:`DISK_CHECKS_BYTES`).
    expected : int, optional
        Bytes of lines expected; past ``limit`` the store starts on disk (at 100,000 actors the
        store filled in memory up to the limit first took the import's peak from 1.3 to 2.0 GB).
    """

    def __init__(self, path: Path, limit: int | None = None, expected: int = 0) -> None:
        self._path = path
        self._limit = DISK_CHECKS_BYTES if limit is None else limit
        self._disk: tempfile.TemporaryDirectory[str] | None = None
        self._store: ox.Store | None = self._on_disk() if expected > self._limit else ox.Store()
        self._ready = threading.Condition()
        #: bytes of lines loaded into the store so far
        self.loaded = 0
        self._end = 0  # bytes of whole lines written so far
        self._final = False  # the lines are all written (or the checks are not wanted)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ikg-checks-load", daemon=True)
        self._thread.start()

    @property
    def on_disk(self) -> bool:
        """Whether the store is kept on disk."""
        return self._disk is not None

    def _on_disk(self) -> ox.Store:
        self._disk = tempfile.TemporaryDirectory(prefix=f"{CHECKS_PREFIX}{os.getpid()}-")
        return ox.Store(self._disk.name)

    def written(self, end: int) -> None:
        """The lines file holds whole lines up to byte ``end``: load them."""
        with self._ready:
            self._end = end
            self._ready.notify()

    def _run(self) -> None:
        try:
            done = 0
            with open(self._path, "rb") as fh:
                while True:
                    with self._ready:
                        while self._end <= done and not self._final:
                            self._ready.wait()
                        end, final = self._end, self._final
                    if self._store is None:  # closed
                        return
                    if end > self._limit and self._disk is None:  # too large for memory: start again on disk
                        self._store = self._on_disk()
                        done = 0
                    while done < end:
                        store = self._store
                        if store is None:  # closed meanwhile
                            return
                        fh.seek(done)
                        piece = fh.read(min(PIECE, end - done))
                        piece = piece[: piece.rfind(b"\n") + 1]  # whole lines; ``end`` is a line's end
                        store.bulk_load(input=piece, format=ox.RdfFormat.N_TRIPLES)
                        done += len(piece)
                        self.loaded = done
                    if final:
                        return
        except BaseException as exc:  # raised in the caller's thread by finish()
            self._error = exc

    def finish(self, end: int) -> ox.Store:
        """Load the lines up to byte ``end`` (the whole file), wait for the loader, return the store.

        Raises
        ------
        OSError
            If the lines could not be read or the store on disk not written.
        """
        with self._ready:
            self._end, self._final = end, True
            self._ready.notify()
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._store is not None
        return self._store

    def close(self) -> None:
        """Stop loading and let go of the store and its directory."""
        with self._ready:
            self._final = True
            self._store = None
            self._ready.notify()
        self._thread.join()
        self._store = None
        if self._disk is not None:
            self._disk.cleanup()
            self._disk = None


def _remove(files: list[IO[str]], folder: Path, checks: list[ChecksStore]) -> None:
    """Close the files of a text and remove its directory (its finaliser)."""
    for loader in checks:
        loader.close()
    for fh in files:
        with contextlib.suppress(OSError):  # a full disk was reported when it happened
            fh.close()
    shutil.rmtree(folder, ignore_errors=True)


class ConceptText:
    """The triples of one concept's graph as N-Triples lines, spooled to temporary files.

    The lines hold no blank nodes (the mapping names every resource with an IRI): a loader reads
    each piece as a document of its own, and a blank node's label would name a new node in each.

    Parameters
    ----------
    graph : str
        IRI of the concept's named graph (the lines hold triples, without it).
    lines : iterable of str, optional
        Lines that read the same for the store and for the checks, written at once.
    typed : iterable of tuple of (str, str), optional
        Lines whose object is a typed literal: the line for the store, the line for the checks.
    prefill : bool, optional
        Fill the SHACL checks' store while the lines are written (:class:`ChecksStore`).
    expected : int, optional
        Bytes of lines expected (for ``prefill``: where the checks' store starts).

    Attributes
    ----------
    graph : str
    written : int
        Lines written, repeated triples included (an upper bound of the triples).
    distinct : int or None
        The number of distinct triples, once a store that read the lines has counted them
        (the SHACL checks' store, :meth:`quads`), else ``None``; see :meth:`count`.

    Examples
    --------
    >>> t = ConceptText("urn:g", ["<urn:a> <urn:p> <urn:b> .\\n"] * 2)
    >>> t.written, t.count(), t.quads()[0].graph_name.value
    (2, 1, 'urn:g')
    >>> t.close()
    """

    def __init__(
        self,
        graph: str,
        lines: Iterable[str] = (),
        typed: Iterable[tuple[str, str]] = (),
        *,
        prefill: bool = False,
        expected: int = 0,
    ) -> None:
        self.graph = graph
        self.written = 0
        self.distinct: int | None = None
        sweep_stale()
        self._dir = Path(tempfile.mkdtemp(prefix=f"{SPOOL_PREFIX}{os.getpid()}-"))
        self._paths = {name: self._dir / f"{name}.nt" for name in ("common", "store", "checks")}
        self._out = {
            name: open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20)  # noqa: SIM115  # closed by seal()
            for name, path in self._paths.items()
        }
        #: the checks' store, filled while the lines are written (``prefill``), else None
        self.checks_store = ChecksStore(self.common_path, expected=expected) if prefill else None
        self._loaders = [self.checks_store] if self.checks_store else []
        self._cleanup = weakref.finalize(self, _remove, list(self._out.values()), self._dir, self._loaders)
        self._handover_at = HANDOVER_LINES if prefill else 1 << 62
        self._common = self._out["common"].write
        self._store = self._out["store"].write
        self._checks = self._out["checks"].write
        for line in lines:
            self.add(line)
        for store_line, checks_line in typed:
            self.add_typed(store_line, checks_line)

    def __len__(self) -> int:
        """Lines written (:attr:`written`): the triples, counting a repeated one each time."""
        return self.written

    def add(self, line: str) -> None:
        """A line that reads the same for the store and the checks (ending with ``" .\\n"``)."""
        self.written += 1
        self._common(line)
        if self.written >= self._handover_at:
            self._hand_over()

    def _hand_over(self) -> None:
        """Let the checks' store load the lines written so far (whole lines: each write is one)."""
        fh = self._out["common"]
        fh.flush()
        if self.checks_store is not None:
            self.checks_store.written(os.fstat(fh.fileno()).st_size)
        self._handover_at = self.written + HANDOVER_LINES

    def add_typed(self, store_line: str, checks_line: str) -> None:
        """A triple with a typed literal: its line for the store and its line for the checks."""
        self.written += 1
        self._store(store_line)
        self._checks(checks_line)

    def seal(self) -> ConceptText:
        """Finish writing (the files are flushed and closed); reading seals the text too."""
        for fh in self._out.values():
            if not fh.closed:
                fh.close()
        return self

    def store_pieces(self) -> Iterator[bytes]:
        """The triples as the store takes them: N-Triples, UTF-8, in pieces of whole lines."""
        self.seal()
        return pieces([self._paths["common"], self._paths["store"]])

    def checks_pieces(self) -> Iterator[bytes]:
        """The triples as the SHACL checks take them: typed literals as their stand-ins."""
        self.seal()
        return pieces([self._paths["common"], self._paths["checks"]])

    def typed_checks_pieces(self) -> Iterator[bytes]:
        """The typed literals' lines for the checks only (what :attr:`checks_store` does not load)."""
        self.seal()
        return pieces([self._paths["checks"]])

    def common_size(self) -> int:
        """Bytes of the lines that read the same for the store and the checks."""
        self.seal()
        return self._paths["common"].stat().st_size

    @property
    def common_path(self) -> Path:
        """The file of the lines that read the same for the store and the checks."""
        return self._paths["common"]

    def quads(self) -> list[ox.Quad]:
        """The distinct triples as quads of :attr:`graph`, in the order first written (lines first,
        then the typed ones); sets :attr:`distinct`.

        For the routes that compare or send quads (a graph that is not empty, a remote store, the
        web upload); an import into an empty store reads :meth:`store_pieces` instead.
        """
        g = ox.NamedNode(self.graph)
        found: dict[ox.Quad, None] = {}
        for piece in self.store_pieces():
            for t in ox.parse(piece, format=ox.RdfFormat.N_TRIPLES):
                found[ox.Quad(t.subject, t.predicate, t.object, g)] = None
        self.distinct = len(found)
        return list(found)

    def count(self) -> int:
        """The number of distinct triples: :attr:`distinct`, or counted by parsing the lines."""
        if self.distinct is None:
            self.quads()
        assert self.distinct is not None
        return self.distinct

    def close(self) -> None:
        """Remove the files and the checks' store; the text cannot be read after this."""
        self.checks_store = None
        self._cleanup()
