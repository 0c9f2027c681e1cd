"""Structural metrics of the actor network: brokerage, structural holes and communities.

Every function takes the actor network either as a networkx graph (small networks, tests,
views) or as :class:`~ikg.graph.analysis.ties.Ties`, the sparse matrix the gap analysis builds, so that
100,000 actors with millions of ties never become millions of Python objects.

All structural metrics run in igraph's C core on that matrix: Burt's constraint, effective size
(from local clustering), betweenness, Leiden communities, articulation points and bridges.
networkx's own implementations are the reference the tests compare against on small graphs;
at scale they are far too slow (networkx's ``constraint`` loops in Python over neighbour pairs:
hours at 10,000 actors, docs/design.md; its pure-Python Louvain took six minutes at 100,000 actors).
Communities come from the Leiden algorithm [5]_ optimising modularity: Louvain's successor,
which guarantees connected communities; at 100,000 actors it found a partition of higher
modularity than igraph's Louvain (0.373 against 0.370) in a quarter of the time (5.7 s against 21 s).
Betweenness is exact up to :data:`EXACT_BETWEENNESS_MAX` actors and estimated from a fixed-seed
sample of pivots above, which the result says; Leiden runs with a fixed seed.

References
----------
.. [1] R. S. Burt, *Structural Holes: The Social Structure of Competition*. Harvard University
   Press, 1992.
.. [2] S. P. Borgatti, "Structural holes: Unpacking Burt's redundancy measures",
   *Connections* 20(1):35-38, 1997.
.. [3] U. Brandes, "A faster algorithm for betweenness centrality", *Journal of Mathematical
   Sociology* 25(2):163-177, 2001.
.. [4] V. D. Blondel, J.-L. Guillaume, R. Lambiotte, E. Lefebvre, "Fast unfolding of communities
   in large networks", *J. Stat. Mech.* P10008, 2008.
.. [5] V. A. Traag, L. Waltman, N. J. van Eck, "From Louvain to Leiden: guaranteeing well-connected
   communities", *Scientific Reports* 9:5233, 2019.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ikg.graph.analysis.igraph_loader import load_igraph
from ikg.graph.analysis.ties import Ties

if TYPE_CHECKING:  # networkx only for graphs given as networkx graphs (tests, views): imported there
    import networkx as nx

__all__ = [
    "EXACT_BETWEENNESS_MAX",
    "SEED",
    "ActorMetrics",
    "betweenness",
    "communities",
    "constraint_and_effective_size",
    "metrics",
    "structural_holes_soon",
    "to_igraph",
]

#: seed of every randomised step (Leiden, betweenness pivots): the same data gives the same result
SEED = 42
#: above this many actors, betweenness is estimated from :data:`BETWEENNESS_PIVOTS` pivots
EXACT_BETWEENNESS_MAX = 2000
BETWEENNESS_PIVOTS = 256
#: ... and from fewer (never below :data:`MIN_PIVOTS`) when pivots x ties would pass this budget:
#: one breadth-first search per pivot costs about one pass over the ties
PIVOT_BUDGET = 256_000_000
MIN_PIVOTS = 64
#: from this many ties on, constraint and effective size run in a child process (two CPUs or more)
PARALLEL_MIN_TIES = 1_000_000
_RNG_LOCK = threading.Lock()  # igraph's random number generator is global to the process


if TYPE_CHECKING:
    import igraph as ig
else:
    ig = load_igraph()


@dataclass(frozen=True)
class ActorMetrics:
    """Metrics of one actor in the actor network.

    Attributes
    ----------
    degree : int
        Number of actors it has a tie with.
    betweenness : float
        Normalised betweenness centrality (share of shortest paths through the actor).
    constraint : float
        Burt's constraint (NaN for an isolate, where it is undefined); low means the actor's
        contacts are not connected among themselves: it spans structural holes.
    effective_size : float
        Borgatti's effective size: contacts minus their redundancy (NaN for an isolate).
    community : int
        Number of its Leiden community (1 is the largest; 0 for an isolate).
    articulation_point : bool
        Whether removing the actor splits its part of the network.
    """

    degree: int
    betweenness: float
    constraint: float
    effective_size: float
    community: int
    articulation_point: bool


def _matrix(graph: nx.Graph | Ties, weight: str | None = "weight") -> tuple[list, sp.csr_matrix]:
    """Nodes and the symmetric weight matrix (``weight=None``: every tie 1) of either form."""
    if isinstance(graph, Ties):
        w = graph.weight
        if weight is None:
            w = sp.csr_matrix((np.ones_like(w.data), w.indices, w.indptr), shape=w.shape)
        return list(graph.actors), w
    import networkx as nx

    nodes = list(graph.nodes)
    if not nodes:
        return nodes, sp.csr_matrix((0, 0))
    w = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=weight, format="csr", dtype=np.float64)
    return nodes, sp.csr_matrix(w)


def to_igraph(w: sp.csr_matrix) -> ig.Graph:
    """An undirected igraph graph of a symmetric weight matrix, edges in row order, ``weight`` set.

    Examples
    --------
    >>> h = to_igraph(sp.csr_matrix([[0, 2], [2, 0]]))
    >>> h.vcount(), h.get_edgelist(), h.es["weight"]
    (2, [(0, 1)], [2.0])
    """
    upper = sp.triu(w, k=1, format="coo")
    order = np.lexsort((upper.col, upper.row))
    edges = np.column_stack((upper.row[order], upper.col[order])).astype(np.int64)
    weights = upper.data[order].astype(np.float64).tolist()
    return ig.Graph(n=w.shape[0], edges=edges, directed=False, edge_attrs={"weight": weights})


def constraint_and_effective_size(
    graph: nx.Graph | Ties, weight: str | None = "weight"
) -> tuple[dict[str, float], dict[str, float]]:
    """Burt's constraint and Borgatti's effective size of every node.

    With :math:`p_{ij} = w_{ij} / \\sum_k w_{ik}` the share of ``i``'s ties that go to ``j``,
    the constraint of ``i`` is :math:`\\sum_{j \\in N(i)} (p_{ij} + \\sum_q p_{iq} p_{qj})^2` [1]_
    (igraph's C implementation: 5-6 times faster than the sparse-matrix form
    :math:`((P + P^2) \\circ A)^{\\circ 2} \\mathbf 1` that ikg used before, with the same values to
    1e-15 at 10,000 actors). The effective size of ``i`` is :math:`n_i - 2 t_i / n_i` for ``n_i``
    neighbours with ``t_i`` ties among them [2]_; ``t_i`` comes from the local clustering
    coefficient.

    Parameters
    ----------
    graph : networkx.Graph or Ties
        Undirected, no self loops.
    weight : str or None
        Edge attribute holding tie strength for the constraint (``None``: every tie 1; a
        :class:`~ikg.graph.analysis.ties.Ties` always has its weights). The effective size always counts
        ties, as networkx does for an unweighted graph.

    Returns
    -------
    constraint, effective_size : dict
        Node to value; NaN for isolated nodes, as in networkx.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.star_graph(3)
    >>> c, e = constraint_and_effective_size(g)
    >>> round(c[0], 4), e[0], c[1], e[1]
    (0.3333, 3.0, 1.0, 1.0)
    """
    nodes, w = _matrix(graph, weight)
    if not nodes:
        return {}, {}
    constraint, eff = _structural_holes(to_igraph(w))
    return dict(zip(nodes, constraint.tolist(), strict=True)), dict(zip(nodes, eff.tolist(), strict=True))


def _structural_holes(h: ig.Graph) -> tuple[np.ndarray, np.ndarray]:
    """Constraint (igraph's C implementation of Burt's formula) and effective size from triangles."""
    n = h.vcount()
    if n == 0:
        return np.zeros(0), np.zeros(0)
    constraint = np.asarray(h.constraint(weights="weight"), dtype=np.float64)
    degree = np.asarray(h.degree(), dtype=np.float64)
    local = np.asarray(h.transitivity_local_undirected(mode="zero"), dtype=np.float64)
    triangles = np.rint(local * degree * (degree - 1) / 2)
    eff = degree - np.divide(2 * triangles, degree, out=np.zeros_like(degree), where=degree > 0)
    isolated = degree == 0
    constraint[isolated] = math.nan
    eff[isolated] = math.nan
    return constraint, eff


def structural_holes_soon(graph: nx.Graph | Ties) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
    """Start computing constraint and effective size; call the result to get them (node order).

    For networks with at least :data:`PARALLEL_MIN_TIES` ties on a machine with two or more
    CPUs, the work runs in a child process (``python -m ikg.graph.analysis.holes_child``, the matrix passed
    through a temporary file) while the caller computes betweenness, communities and missing
    links: Burt's constraint is the one metric that needs a pass over every pair of ties at one
    actor (18 s of igraph's C code at 100,000 actors with four million ties), and igraph holds
    the GIL, so a thread would not help. A plain subprocess, not :mod:`multiprocessing`, so that
    the caller's main module is never imported again. Otherwise, or if the child fails, the work
    runs in the caller when the result is called.

    Returns
    -------
    callable
        Returns ``(constraint, effective_size)`` as arrays in node order.
    """
    _nodes, w = _matrix(graph, "weight")

    def here() -> tuple[np.ndarray, np.ndarray]:
        return _structural_holes(to_igraph(w))

    if w.nnz // 2 < PARALLEL_MIN_TIES or (os.cpu_count() or 1) < 2:
        return here
    folder = tempfile.mkdtemp(prefix="ikg-holes-")
    src, out = os.path.join(folder, "ties.npz"), os.path.join(folder, "holes.npz")
    try:
        sp.save_npz(src, sp.csr_matrix(w), compressed=False)
        child = subprocess.Popen(  # our own module, no shell, no user input
            [sys.executable, "-m", "ikg.graph.analysis.holes_child", src, out],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return here

    def result() -> tuple[np.ndarray, np.ndarray]:
        try:
            child.wait()
            if child.returncode == 0:
                with np.load(out) as found:
                    return found["constraint"], found["effective_size"]
            return here()  # the child failed (e.g. out of memory): do it here
        finally:
            if child.poll() is None:
                child.kill()
            shutil.rmtree(folder, ignore_errors=True)

    return result


def betweenness(graph: nx.Graph | Ties) -> tuple[dict[str, float], str]:
    """Normalised betweenness centrality, exact for small networks, estimated for large ones.

    Parameters
    ----------
    graph : networkx.Graph or Ties
        Undirected; weights are ignored (a path's length is its hops).

    Returns
    -------
    values : dict
        Node to betweenness in [0, 1], as ``networkx.betweenness_centrality(graph)`` defines it.
    method : str
        ``"exact"`` or ``"sampled from K pivots (seed 42)"``.

    Notes
    -----
    Brandes' algorithm [3]_ in igraph. Above :data:`EXACT_BETWEENNESS_MAX` nodes it counts only
    the shortest paths from ``k`` sources drawn with :data:`SEED` and extrapolates by ``n / k``,
    as networkx does for ``k``: ``k`` is :data:`BETWEENNESS_PIVOTS`, fewer for networks with over
    a million ties (:data:`PIVOT_BUDGET`; 64 at 100,000 actors with four million ties).

    Examples
    --------
    >>> import networkx as nx
    >>> values, method = betweenness(nx.path_graph(3))
    >>> values, method
    ({0: 0.0, 1: 1.0, 2: 0.0}, 'exact')
    """
    nodes, w = _matrix(graph, None)
    values, method = _betweenness(to_igraph(w))
    return dict(zip(nodes, values.tolist(), strict=True)), method


def _betweenness(h: ig.Graph) -> tuple[np.ndarray, str]:
    n = h.vcount()
    if n <= 2:
        return np.zeros(n), "exact"
    scale = 2.0 / ((n - 1) * (n - 2))  # igraph counts each unordered pair once
    if n <= EXACT_BETWEENNESS_MAX:
        return np.asarray(h.betweenness(directed=False), dtype=np.float64) * scale, "exact"
    k = min(BETWEENNESS_PIVOTS, max(MIN_PIVOTS, PIVOT_BUDGET // max(h.ecount(), 1)), n)
    sources = np.sort(np.random.default_rng(SEED).choice(n, size=k, replace=False)).tolist()
    raw = np.asarray(h.betweenness(directed=False, sources=sources), dtype=np.float64)
    return raw * scale * n / k, f"sampled from {k} pivots (seed {SEED})"


def communities(graph: nx.Graph | Ties, weight: str | None = "weight") -> list[list[str]]:
    """Communities by modularity (Leiden [5]_, two iterations, fixed seed), isolates left out.

    Returns
    -------
    list of list of str
        Communities as sorted node lists, largest first (ties by first node), so that the same
        data always gives the same numbering.

    Examples
    --------
    >>> import networkx as nx
    >>> two = nx.union(nx.complete_graph(["a", "b", "c"]), nx.complete_graph(["x", "y", "z"]))
    >>> two.add_edge("c", "x"); two.add_node("alone")
    >>> communities(two)
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    nodes, w = _matrix(graph, weight)
    return _communities(to_igraph(w), nodes)


def _communities(h: ig.Graph, nodes: list) -> list[list]:
    if h.ecount() == 0:
        return []
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(SEED))  # noqa: S311 (reproducible, not secret)
        try:
            partition = h.community_leiden(objective_function="modularity", weights="weight", n_iterations=2)
            membership = partition.membership
        finally:
            ig.set_random_number_generator(random)
    degree = h.degree()
    found: dict[int, list] = {}
    for i, c in enumerate(membership):
        if degree[i] > 0:
            found.setdefault(c, []).append(nodes[i])
    return sorted((sorted(c) for c in found.values()), key=lambda c: (-len(c), c[0]))


def metrics(
    graph: nx.Graph | Ties, holes: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None
) -> tuple[dict[str, ActorMetrics], dict[str, object]]:
    """All per-actor metrics of an actor network, and how they were computed.

    Parameters
    ----------
    graph : networkx.Graph or Ties
        The actor network (:func:`ikg.graph.analysis.ties.actor_network` or
        :func:`ikg.graph.analysis.ties.actor_ties`).
    holes : callable, optional
        From :func:`structural_holes_soon` on the same network, started earlier so that it runs
        alongside other work; computed here when left out.

    Returns
    -------
    per_actor : dict
        Node to :class:`ActorMetrics`.
    info : dict
        ``betweenness`` (method), ``communities`` (lists of nodes, largest first),
        ``articulation_points`` (sorted list), ``bridges`` (sorted list of node pairs).

    Examples
    --------
    >>> import networkx as nx
    >>> per_actor, info = metrics(nx.path_graph(["a", "b", "c"]))
    >>> per_actor["b"].articulation_point, per_actor["b"].betweenness, info["bridges"]
    (True, 1.0, [('a', 'b'), ('b', 'c')])
    """
    nodes, w = _matrix(graph, "weight")
    h = to_igraph(w)
    between, method = _betweenness(h)
    groups = _communities(h, nodes)
    community_of = {n: i for i, members in enumerate(groups, start=1) for n in members}
    cut = {nodes[i] for i in h.articulation_points()}
    constraint, eff = holes() if holes is not None else _structural_holes(h)
    degree = h.degree()
    per_actor = {
        n: ActorMetrics(
            degree=int(degree[i]),
            betweenness=float(between[i]),
            constraint=float(constraint[i]),
            effective_size=float(eff[i]),
            community=community_of.get(n, 0),
            articulation_point=n in cut,
        )
        for i, n in enumerate(nodes)
    }
    pairs = [(nodes[u], nodes[v]) for u, v in (h.es[e].tuple for e in h.bridges())]
    info: dict[str, object] = {
        "betweenness": method,
        "communities": groups,
        "articulation_points": sorted(cut),
        "bridges": sorted((min(u, v), max(u, v)) for u, v in pairs),
    }
    return per_actor, info
