"""A mapped concept as N-Triples text: what the store's loader and the SHACL checks read.

The mapping (:mod:`ikg.graph.ingest.emit`) writes each triple as a line of N-Triples, in the form
Oxigraph's own serialiser gives its terms, instead of building a :class:`pyoxigraph.Quad` per
triple. At 100,000 actors that is 5.2 million lines: a Quad costs about 3.7 µs and 500 bytes to
build, a line a fifth of a microsecond and the length of its text, and the bulk loader reads the
lines as they are (:meth:`ConceptText.store_stream`) without a copy of them all in one buffer.

A triple whose object is a typed literal (a date, a number) is kept in two forms: as it goes into
the store, and with the stand-in the SHACL checks see instead
(:func:`ikg.graph.ingest.shacl_lexical.for_checks`), because Oxigraph canonicalises typed literals
and SHACL speaks of them as written. Every other line is the same in both.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

__all__ = ["ConceptText", "LineReader"]

#: lines encoded per piece the readers hand out (a few hundred kilobytes)
_PIECE = 2048


class LineReader(io.RawIOBase):
    """A binary stream over text lines, encoded as UTF-8 a piece at a time.

    Parameters
    ----------
    parts : sequence of sequences of str
        The lines, read part after part; nothing is copied up front.

    Examples
    --------
    >>> LineReader([["a .\\n", "b .\\n"], ["c .\\n"]]).read()
    b'a .\\nb .\\nc .\\n'
    """

    def __init__(self, parts: Sequence[Sequence[str]]) -> None:
        super().__init__()
        self._pieces = self._encode(parts)
        self._pending = memoryview(b"")

    @staticmethod
    def _encode(parts: Sequence[Sequence[str]]) -> Iterator[bytes]:
        for lines in parts:
            for start in range(0, len(lines), _PIECE):
                yield "".join(lines[start : start + _PIECE]).encode("utf-8")

    def readable(self) -> bool:
        """Whether the stream can be read: always."""
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``buffer`` with the next bytes; 0 at the end."""
        while not self._pending:
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._pending = memoryview(piece)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


@dataclass
class ConceptText:
    """The distinct triples of one concept's graph as N-Triples lines.

    Attributes
    ----------
    graph : str
        IRI of the concept's named graph (the lines hold triples, without it).
    lines : list of str
        Triples that read the same for the store and for the checks.
    typed : list of tuple of (str, str)
        Triples whose object is a typed literal: the line for the store, the line for the checks.
    """

    graph: str
    lines: list[str] = field(default_factory=list)
    typed: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines) + len(self.typed)

    def store_stream(self) -> io.BufferedReader:
        """The triples as the store takes them: N-Triples, UTF-8, read a piece at a time."""
        return io.BufferedReader(LineReader([self.lines, [s for s, _ in self.typed]]), buffer_size=1 << 20)

    def checks_stream(self) -> io.BufferedReader:
        """The triples as the SHACL checks take them: typed literals as their stand-ins."""
        return io.BufferedReader(LineReader([self.lines, [c for _, c in self.typed]]), buffer_size=1 << 20)

    def quads(self) -> list[ox.Quad]:
        """The triples as quads of :attr:`graph`, lines first, then the typed ones.

        For the routes that compare or send quads (a graph that is not empty, a remote store, the
        web upload); an import into an empty store reads :meth:`store_stream` instead.
        """
        g = ox.NamedNode(self.graph)
        parsed = ox.parse(self.store_stream(), format=ox.RdfFormat.N_TRIPLES)
        return [ox.Quad(q.subject, q.predicate, q.object, g) for q in parsed]
