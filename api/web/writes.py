"""Writing an imported concept through the server's backend, as one SPARQL update.

While the server runs, the store belongs to the backend's writer process
(:class:`~ikg.api.http.backends.PooledBackend`), or lives on a remote server; the workbench
therefore writes the way ``/sparql`` updates do: :func:`replace_concept` plans the smallest write
against what the store holds now (:func:`~ikg.graph.store.embedded.plan_replace`: the difference,
or the whole graph when blank nodes are involved) and sends it as one update text to
``backend.run_update``. In the writer that is one transaction: all of it, or nothing. Terms are
written by Oxigraph's N-Triples serialiser, never pasted from user text.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ikg.api.http.backends import Backend
from ikg.graph.store.embedded import Change, plan_replace

__all__ = ["insert_text", "replace_concept"]


def insert_text(graph: str, quads: Iterable[ox.Quad]) -> str:
    """An ``INSERT DATA`` update that puts ``quads`` into the named graph ``graph``.

    Examples
    --------
    >>> q = ox.Quad(ox.NamedNode("https://x/a"), ox.NamedNode("https://x/p"), ox.Literal('"}'), ox.DefaultGraph())
    >>> insert_text("https://x/g", [q])
    'INSERT DATA { GRAPH <https://x/g> { <https://x/a> <https://x/p> "\\\\"}" .\\n } }'
    """
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    data = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    return "INSERT DATA { GRAPH " + str(ox.NamedNode(graph)) + " { " + data + " } }"


def replace_concept(backend: Backend, graph: str, quads: list[ox.Quad]) -> Change:
    """Make the named graph ``graph`` hold exactly ``quads``, in one update through ``backend``.

    Parameters
    ----------
    backend : Backend
        The server's backend; its ``store`` says what the graph holds now.
    graph : str
        The concept's named graph.
    quads : list of pyoxigraph.Quad
        The checked import.

    Returns
    -------
    Change
        Triples added and removed (``+0 −0`` when the store already holds exactly this).

    Raises
    ------
    IkgError
        The backend refused or failed the update (deadline, engine); nothing was written.
    """
    plan = plan_replace({graph: quads}, backend.store.graph_quads)
    if plan.update:
        text = plan.update
    elif plan.insert_only:
        text = insert_text(graph, plan.insert_only)
    else:
        return plan.change
    backend.run_update(text, None)  # DeadlineError, EngineError: IkgError, and nothing written
    return plan.change
