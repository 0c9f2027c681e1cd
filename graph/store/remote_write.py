"""Writing whole named graphs to a SPARQL server: compared by value, sent in pieces, swapped in.

What holds (measured in ``tests/test_remote.py`` and ``tests/test_virtuoso.py``):

- **Compared by value.** A server may store a literal in another form than it was written
  (Virtuoso keeps ``"34"^^xsd:decimal`` as ``xsd:integer`` and sends booleans as ``1``/``0``), so
  the quads a graph holds and the quads it should hold are compared by :func:`value_key`: numbers
  by their value, booleans by their truth. Re-importing the same data writes nothing.
- **Decimals stay decimals.** A decimal without a point is written with ``.0`` (the same value);
  Virtuoso then keeps its datatype, so what comes back is what the embedded store holds.
- **Small writes** (at most the server's update size, :class:`~ikg.graph.store.probe.Capabilities`)
  are one request: ``DELETE DATA``/``INSERT DATA`` of the difference. On a server that runs a
  request as one transaction (Oxigraph) that is all or nothing; elsewhere (Virtuoso) a small
  write is one request only if it is a single operation, otherwise it is staged.
- **Larger writes are staged.** The new content of each changed graph goes into a staging graph
  (``https://w3id.org/ikg/graph/_staging/...``) by one Graph Store Protocol ``PUT`` where the
  server has one, else in ``INSERT DATA`` pieces the server takes (halved when a piece is
  refused). Then one small request swaps them in (``MOVE`` per graph). If anything fails before
  the swap, the staging graphs are dropped and the target graphs are untouched. The swap is one
  transaction on a server with atomic requests (all graphs or none); on Virtuoso each graph's
  ``MOVE`` is one operation of its own.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import httpx
import pyoxigraph as ox

from ikg.graph.errors import IkgError, StoreError
from ikg.graph.namespaces import GRAPH_BASE
from ikg.graph.store.embedded import Change

if TYPE_CHECKING:
    from ikg.graph.store.remote import RemoteStore

__all__ = ["STAGING_BASE", "pin_decimal", "quad_key", "value_key", "write_graphs"]

STAGING_BASE = GRAPH_BASE + "_staging/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: datatypes whose values are numbers compared exactly (integer and its subtypes, decimal)
_EXACT = {
    _XSD + name
    for name in (
        *("decimal", "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger"),
        *("negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"),
    )
}
_FLOATING = {_XSD + "double", _XSD + "float"}
_BOOLEAN = _XSD + "boolean"
_DECIMAL = ox.NamedNode(_XSD + "decimal")


def value_key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
    """Return what identifies ``term`` by value: a number its value, a boolean its truth, else the term.

    Examples
    --------
    >>> value_key(ox.Literal("34", datatype=ox.NamedNode(_XSD + "decimal"))) == value_key(
    ...     ox.Literal("34", datatype=ox.NamedNode(_XSD + "integer")))
    True
    >>> value_key(ox.Literal("1", datatype=ox.NamedNode(_BOOLEAN)))
    ('boolean', True)
    """
    if not isinstance(term, ox.Literal):
        return term
    datatype = term.datatype.value
    try:
        if datatype in _EXACT:
            return ("number", Decimal(term.value))
        if datatype in _FLOATING:
            return ("floating", float(term.value))
    except (InvalidOperation, ValueError):
        return term
    if datatype == _BOOLEAN and term.value in ("true", "false", "1", "0"):
        return ("boolean", term.value in ("true", "1"))
    return term


def quad_key(quad: ox.Quad) -> tuple[object, object, object]:
    """Return what identifies a quad of one graph by value (see :func:`value_key`)."""
    return (quad.subject, quad.predicate, value_key(quad.object))


def pin_decimal(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple,
) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
    """Write a decimal without a point as ``N.0`` (same value), so that no server takes it for an integer.

    Examples
    --------
    >>> pin_decimal(ox.Literal("34", datatype=_DECIMAL)).value
    '34.0'
    """
    if isinstance(term, ox.Literal) and term.datatype == _DECIMAL and "." not in term.value:
        return ox.Literal(term.value + ".0", datatype=_DECIMAL)
    return term


def write_graphs(store: RemoteStore, graphs: Mapping[str, Iterable[ox.Quad]]) -> Change:
    """Make each named graph hold exactly the given quads, compared by value (see the module text).

    Parameters
    ----------
    store : RemoteStore
    graphs : mapping
        Graph IRI to its new content (the graph name of each quad is replaced).

    Returns
    -------
    Change
        Triples added and removed, counted by value.
    """
    new: dict[str, list[ox.Triple]] = {}
    for name, quads in graphs.items():
        distinct = {quad_key(q): ox.Triple(q.subject, q.predicate, pin_decimal(q.object)) for q in quads}
        new[name] = list(distinct.values())
    deletes: dict[str, list[ox.Triple]] = {}
    inserts: dict[str, list[ox.Triple]] = {}
    whole: set[str] = set()
    for name, triples in new.items():
        old = store.graph_quads(name)
        old_keys = {quad_key(q) for q in old}
        new_keys = {(t.subject, t.predicate, value_key(t.object)) for t in triples}
        deletes[name] = [ox.Triple(q.subject, q.predicate, q.object) for q in old if quad_key(q) not in new_keys]
        inserts[name] = [t for t in triples if (t.subject, t.predicate, value_key(t.object)) not in old_keys]
        if _has_bnode(triples) or _has_bnode(old):  # blank nodes cannot be deleted by value
            whole.add(name)
    change = Change(sum(len(v) for v in inserts.values()), sum(len(v) for v in deletes.values()))
    changed = [g for g in new if deletes[g] or inserts[g]]
    if not changed:
        return change
    caps = store.write_capabilities()
    size = caps.update_triples or 100
    operations = sum(bool(deletes[g]) for g in changed) + sum(bool(inserts[g]) for g in changed)
    small = change.added + change.removed <= size and not whole & set(changed)
    if small and (operations == 1 or caps.atomic_requests):
        parts = [_data("DELETE", {g: deletes[g] for g in changed}), _data("INSERT", {g: inserts[g] for g in changed})]
        try:
            store.update_request(" ; ".join(p for p in parts if p))
            return change
        except StoreError as exc:
            if not _too_large(exc):
                raise
            # one operation, or one transaction: the refused request wrote nothing; stage it instead
    _staged(store, {g: new[g] for g in changed})
    return change


def _too_large(exc: StoreError) -> bool:
    """Whether a refused update may have been refused for its size (not for a missing permission)."""
    return exc.params.get("status") not in (401, 403)


def _staged(store: RemoteStore, graphs: Mapping[str, list[ox.Triple]]) -> None:
    """Load each graph's new content into a staging graph, then swap them in with one request."""
    run = STAGING_BASE + uuid.uuid4().hex + "/"
    staging = {name: ox.NamedNode(f"{run}{i}") for i, name in enumerate(graphs)}
    try:
        for name, triples in graphs.items():
            _load(store, staging[name], triples)
        swap = [
            f"MOVE SILENT GRAPH {staging[name]} TO GRAPH {ox.NamedNode(name)}"
            if triples
            else f"DROP SILENT GRAPH {ox.NamedNode(name)}"
            for name, triples in graphs.items()
        ]
        store.update_request(" ; ".join(swap))
    except BaseException:
        # if the server is gone too, the staging graphs stay: never counted or listed (named_graphs)
        with contextlib.suppress(IkgError):
            store.update_request(" ; ".join(f"DROP SILENT GRAPH {g}" for g in staging.values()))
        raise


def _load(store: RemoteStore, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
    """Fill the empty graph ``graph``: one Graph Store ``PUT`` if the server has one, else in pieces."""
    if not triples:
        return
    caps = store.write_capabilities()
    if caps.gsp_url:
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        try:
            answer = store.http.put(
                caps.gsp_url,
                params={"graph": graph.value},
                content=body,
                headers={"Content-Type": "application/n-triples", **store.update_headers},
            )
        except httpx.HTTPError as exc:
            raise StoreError(key="store.unreachable", url=caps.gsp_url, detail=str(exc)) from exc
        if answer.status_code >= 300:
            raise StoreError(
                key="store.remote_refused_write", url=caps.gsp_url, status=answer.status_code, detail=answer.text[:300]
            )
        return
    if _has_bnode(triples) and len(triples) > (caps.update_triples or 100):
        raise StoreError(key="remote.bnodes_in_pieces", url=store.update_url, n=len(triples))
    size = caps.update_triples or 100
    start = 0
    while start < len(triples):
        piece = triples[start : start + size]
        try:
            store.update_request(_data("INSERT", {graph.value: piece}))
        except StoreError as exc:
            if size <= 25 or not _too_large(exc):
                raise
            size //= 2  # one INSERT DATA that fails wrote nothing: send it in smaller pieces
            caps.update_triples = size
            continue
        start += len(piece)


def _data(verb: str, graphs: Mapping[str, list[ox.Triple]]) -> str:
    """``INSERT DATA``/``DELETE DATA`` of the triples (written by Oxigraph's serialiser), or ""."""
    blocks = []
    for name, triples in graphs.items():
        if triples:
            text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
            blocks.append(f"GRAPH {ox.NamedNode(name)} {{ {text} }}")
    return f"{verb} DATA {{ {' '.join(blocks)} }}" if blocks else ""


def _has_bnode(items: Iterable[ox.Triple | ox.Quad]) -> bool:
    return any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in items)
