"""What every store offers: the embedded :class:`~ikg.graph.store.embedded.Store` and the
:class:`~ikg.graph.store.remote.RemoteStore` alike. Functions that read or write a concept take a
``StoreLike``, so they work the same on a folder, a snapshot or a SPARQL server.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:  # annotations only: opening a store needs neither rdflib nor the pyoxigraph names here
    import pyoxigraph as ox
    from rdflib.term import Node

    #: a value bound to a query variable: an rdflib term, or a pyoxigraph one, which needs no
    #: rdflib (``ikg gaps`` binds its concept's graph without importing it)
    Bound: TypeAlias = Node | ox.NamedNode | ox.Literal | ox.BlankNode
    #: a term of pyoxigraph, as its query results hold them
    OxTerm: TypeAlias = ox.NamedNode | ox.Literal | ox.BlankNode
    #: which terms a query's rows hold: rdflib's (the Python API) or pyoxigraph's (no rdflib import)
    Terms: TypeAlias = Literal["rdflib", "ox"]

__all__ = ["StoreLike", "is_url"]


def is_url(location: str | os.PathLike[str] | None) -> bool:
    """Whether a ``--store`` value names a SPARQL server rather than a directory.

    The same test as :func:`ikg.graph.store.remote.is_url`, here so that deciding costs no
    import of the HTTP client.

    Examples
    --------
    >>> is_url("http://127.0.0.1:7878/query"), is_url("/tmp/store"), is_url(None)
    (True, False, False)
    """
    return isinstance(location, str) and location.startswith(("http://", "https://"))


@runtime_checkable
class StoreLike(Protocol):
    """The store interface (reads through SPARQL with bound values; writes of whole named graphs)."""

    path: Path | None

    def query(self, sparql: str, bindings: Mapping[str, Bound] | None = None, *, union: bool = True) -> Any:
        """Run a query; return pyoxigraph's result object."""
        ...

    def select(
        self, sparql: str, bindings: Mapping[str, Bound] | None = None
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT query; return the variable names and rows of rdflib terms."""
        ...

    def select_values(
        self, sparql: str, bindings: Mapping[str, Bound] | None = None
    ) -> tuple[list[str], list[tuple[str | None, ...]]]:
        """Run a SELECT query; return the variable names and rows of plain strings."""
        ...

    def ask(self, sparql: str, bindings: Mapping[str, Bound] | None = None) -> bool:
        """Run an ASK query."""
        ...

    def named_graphs(self) -> list[str]:
        """The IRIs of all named graphs, sorted."""
        ...

    def graph_quads(self, graph: str) -> set[ox.Quad]:
        """All quads of one named graph."""
        ...

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad], *, verify: Callable[[], None] | None = None) -> Any:
        """Make one named graph hold exactly ``quads``, in one transaction; if ``verify`` raises,
        the graph keeps what it held."""
        ...

    def replace_graphs(
        self, graphs: Mapping[str, Iterable[ox.Quad]], *, verify: Callable[[], None] | None = None
    ) -> Any:
        """Replace several named graphs in one transaction; if ``verify`` raises, they keep what they held."""
        ...

    def drop_graph(self, graph: str) -> int:
        """Remove a named graph; return how many triples it held."""
        ...

    def flush(self) -> None:
        """Make what was written durable."""
        ...

    def close(self) -> None:
        """Let go of the store (files, locks, connections)."""
        ...

    def __len__(self) -> int: ...
