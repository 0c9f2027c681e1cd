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
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ikg.graph.errors import StoreError
from ikg.graph.store.running import alive

__all__ = ["CHECKS_PREFIX", "PIECE", "SPOOL_PREFIX", "ConceptText", "pieces", "spool_error", "sweep_stale"]

#: bytes per piece handed to a loader (whole lines; about 300,000 lines of a concept)
PIECE = 32 << 20
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


def _remove(files: list[IO[str]], folder: Path) -> None:
    """Close the files of a text and remove its directory (its finaliser)."""
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

    def __init__(self, graph: str, lines: Iterable[str] = (), typed: Iterable[tuple[str, str]] = ()) -> None:
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
        self._cleanup = weakref.finalize(self, _remove, list(self._out.values()), self._dir)
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

    def size(self) -> int:
        """Bytes of the store's lines (to choose where the checks' store is kept)."""
        self.seal()
        return sum(self._paths[name].stat().st_size for name in ("common", "checks"))

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
        """Remove the files; the text cannot be read after this."""
        self._cleanup()
