"""The actor network and the two-mode graph of a concept, built from its :class:`ConceptNetwork`.

Two forms of the same ties: networkx graphs for the views and small networks
(:func:`actor_network`, :func:`two_mode_graph`), and sparse matrices for the gap analysis of
large concepts (:class:`Ties`, :func:`actor_goal_matrix`). Nodes and edges are in sorted order,
so every result built on them is deterministic.

Two actors have a **tie** when they share a working group or one cooperates with the other
(docs/design.md, "Networking gaps").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ikg.graph.analysis.model import ConceptNetwork

if TYPE_CHECKING:  # networkx is imported by the functions that build its graphs (not by the gap analysis)
    import networkx as nx

__all__ = ["Ties", "actor_goal_matrix", "actor_network", "actor_ties", "two_mode_graph"]


def actor_network(net: ConceptNetwork) -> nx.Graph:
    """The actor network: actors as nodes, a tie for a shared working group or a cooperation.

    Parameters
    ----------
    net : ConceptNetwork

    Returns
    -------
    networkx.Graph
        Nodes are actor IRIs (sorted insertion) with attributes ``id``, ``label_de``,
        ``label_en``, ``type`` and ``town``. Edges carry ``groups`` (sorted IRIs of the shared
        working groups), ``cooperation`` (bool) and ``weight`` (shared groups plus one for a
        cooperation).

    Examples
    --------
    >>> from ikg.graph.analysis.model import ConceptNetwork, Item
    >>> net = ConceptNetwork("x", items={i: Item(i, i, "actor", {}) for i in "abc"},
    ...                      members={"w": ["a", "b"]}, cooperations=[("b", "c")])
    >>> net.items["w"] = Item("w", "w", "working_group", {})
    >>> sorted(actor_network(net).edges(data="weight"))
    [('a', 'b', 1), ('b', 'c', 1)]
    """
    import networkx as nx

    graph = nx.Graph()
    for actor in net.actors:
        graph.add_node(
            actor.iri,
            id=actor.id,
            label_de=actor.label("de"),
            label_en=actor.label("en"),
            type=actor.subkind,
            town=actor.town,
        )
    shared: dict[tuple[str, str], list[str]] = {}  # actor pair to the working groups they share
    for wg, actors in sorted(net.members.items()):
        for i, a in enumerate(actors):
            for b in actors[i + 1 :]:
                shared.setdefault((a, b), []).append(wg)
    cooperating = set(net.cooperations)
    for a, b in sorted(shared.keys() | cooperating):
        groups = shared.get((a, b), [])
        cooperation = (a, b) in cooperating
        graph.add_edge(a, b, groups=groups, cooperation=cooperation, weight=len(groups) + (1 if cooperation else 0))
    return graph


@dataclass(frozen=True)
class Ties:
    """The actor network as a sparse matrix, for analysing large concepts.

    The same ties as :func:`actor_network`, without a Python object per tie: at 100,000 actors
    the working groups alone make some four million ties, which as a networkx graph take
    gigabytes and tens of seconds to build; as a matrix, a few hundred megabytes and a second.

    Attributes
    ----------
    actors : list of str
        Actor IRIs, sorted by actor id (the rows and columns of ``weight``).
    weight : scipy.sparse.csr_matrix
        Symmetric, zero diagonal: shared working groups plus one for a cooperation.
    """

    actors: list[str]
    weight: sp.csr_matrix

    @property
    def degree(self) -> np.ndarray:
        """Number of actors each actor has a tie with (row order)."""
        return np.diff(self.weight.indptr)

    def neighbours(self, i: int) -> np.ndarray:
        """Row numbers of the actors tied to actor number ``i``, ascending."""
        return self.weight.indices[self.weight.indptr[i] : self.weight.indptr[i + 1]]

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every tie once, as row numbers ``i < j`` and its weight."""
        upper = sp.triu(self.weight, k=1, format="coo")
        return upper.row, upper.col, upper.data


def actor_ties(net: ConceptNetwork) -> Ties:
    """The actor network as :class:`Ties`: ``M Mᵀ`` (shared groups) plus cooperations.

    Parameters
    ----------
    net : ConceptNetwork

    Returns
    -------
    Ties

    Examples
    --------
    >>> from ikg.graph.analysis.model import ConceptNetwork, Item
    >>> net = ConceptNetwork("x", items={i: Item(i, i, "actor", {}) for i in "abc"},
    ...                      members={"w": ["a", "b"], "v": ["a", "b"]}, cooperations=[("b", "c")])
    >>> ties = actor_ties(net)
    >>> ties.actors, ties.weight.toarray().tolist()
    (['a', 'b', 'c'], [[0.0, 2.0, 0.0], [2.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    """
    actors = [a.iri for a in net.actors]
    row = {a: i for i, a in enumerate(actors)}
    m_rows: list[int] = []
    m_cols: list[int] = []
    for j, wg in enumerate(sorted(net.members)):
        for a in net.members[wg]:
            if a in row:
                m_rows.append(row[a])
                m_cols.append(j)
    m = sp.csr_matrix((np.ones(len(m_rows)), (m_rows, m_cols)), shape=(len(actors), len(net.members)))
    pairs = [(row[a], row[b]) for a, b in net.cooperations if a in row and b in row and a != b]
    c_rows = np.array([p[0] for p in pairs] + [p[1] for p in pairs], dtype=np.int64)
    c_cols = np.array([p[1] for p in pairs] + [p[0] for p in pairs], dtype=np.int64)
    c = sp.csr_matrix((np.ones(len(c_rows)), (c_rows, c_cols)), shape=(len(actors), len(actors)))
    c.data[:] = 1.0  # duplicates were summed: a pair named twice is one cooperation
    shared = sp.csr_matrix(m @ m.T)
    weight = sp.csr_matrix(shared - sp.diags(shared.diagonal()) + c)  # no self ties
    weight.eliminate_zeros()
    weight.sort_indices()
    return Ties(actors, weight)


def actor_goal_matrix(net: ConceptNetwork) -> tuple[sp.csr_matrix, list[str], list[str]]:
    """The actor–goal two-mode incidence as a sparse 0/1 matrix (rows actors, columns goals).

    Concept-level goals (``ikg:ConceptGoal``) are left out: every actor shares them by design.

    Returns
    -------
    matrix : scipy.sparse.csr_matrix of shape (n_actors, n_goals), dtype float64
    actors : list of str
        Row IRIs, sorted by actor id.
    goals : list of str
        Column IRIs, sorted by goal id.
    """
    actors = [a.iri for a in net.actors]
    goals = [g.iri for g in net.goals if g.subkind != "concept_goal"]
    row_of = {a: i for i, a in enumerate(actors)}
    rows: list[int] = []
    cols: list[int] = []
    pursuers = net.pursuers()
    for j, g in enumerate(goals):
        for a in pursuers.get(g, ()):
            rows.append(row_of[a])
            cols.append(j)
    data = np.ones(len(rows), dtype=np.float64)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(actors), len(goals)))
    return matrix, actors, goals


def two_mode_graph(net: ConceptNetwork) -> nx.Graph:
    """Actors, working groups, goals, action fields and tasks with the links between them.

    Node attributes: ``kind``, ``id``, ``label_de``, ``label_en``, ``subkind``, ``town``. Edge
    attribute ``kind``: ``membership`` (actor–AG), ``cooperation`` (actor–actor), ``pursues``
    (goal–named actor), ``formulated`` (goal–AG), ``in_field`` (goal or AG–action field),
    ``addresses`` (goal–task).
    """
    import networkx as nx

    graph = nx.Graph()
    for item in sorted(net.items.values(), key=lambda i: (i.kind, i.id, i.iri)):
        graph.add_node(
            item.iri,
            kind=item.kind,
            id=item.id,
            label_de=item.label("de"),
            label_en=item.label("en"),
            subkind=item.subkind,
            town=item.town,
        )
    edges: list[tuple[str, str, str]] = []
    edges += [(a, wg, "membership") for wg, actors in net.members.items() for a in actors]
    edges += [(a, b, "cooperation") for a, b in net.cooperations]
    edges += [(g, a, "pursues") for g, actors in net.named.items() for a in actors]
    edges += [(g, wg, "formulated") for g, wg in net.formulated_by.items()]
    edges += [(g, f, "in_field") for g, fields in net.goal_fields.items() for f in fields]
    edges += [(w, f, "in_field") for w, fields in net.wg_fields.items() for f in fields]
    edges += [(g, t, "addresses") for g, tasks in net.goal_tasks.items() for t in tasks]
    for s, o, kind in sorted(edges):
        graph.add_edge(s, o, kind=kind)
    return graph
