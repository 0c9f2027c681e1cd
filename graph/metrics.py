"""Structural metrics of the actor network: brokerage, structural holes and communities.

Burt's constraint and effective size are computed with sparse matrices (scipy), chunked by rows
so that memory stays bounded; networkx's own implementations are the reference the tests compare
against on small graphs (networkx's ``constraint`` loops in Python over neighbour pairs: hours at
10,000 actors, DESIGN.md). Betweenness is exact up to :data:`EXACT_BETWEENNESS_MAX` actors and
estimated from a fixed-seed sample of pivots above, which the result says.

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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

__all__ = [
    "EXACT_BETWEENNESS_MAX",
    "SEED",
    "ActorMetrics",
    "betweenness",
    "communities",
    "constraint_and_effective_size",
    "metrics",
]

#: seed of every randomised step (Louvain, betweenness pivots): the same data gives the same result
SEED = 42
#: above this many actors, betweenness is estimated from :data:`BETWEENNESS_PIVOTS` pivots
EXACT_BETWEENNESS_MAX = 2000
BETWEENNESS_PIVOTS = 256
_CHUNK = 2048
_BATCH = 64


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
        Number of its Louvain community (1 is the largest; 0 for an isolate).
    articulation_point : bool
        Whether removing the actor splits its part of the network.
    """

    degree: int
    betweenness: float
    constraint: float
    effective_size: float
    community: int
    articulation_point: bool


def constraint_and_effective_size(
    graph: nx.Graph, weight: str | None = "weight"
) -> tuple[dict[str, float], dict[str, float]]:
    """Burt's constraint and Borgatti's effective size of every node, with sparse matrices.

    With :math:`p_{ij} = w_{ij} / \\sum_k w_{ik}` the share of ``i``'s ties that go to ``j``,
    the constraint of ``i`` is :math:`\\sum_{j \\in N(i)} (p_{ij} + \\sum_q p_{iq} p_{qj})^2`, that
    is the row sums of :math:`((P + P^2) \\circ A)^{\\circ 2}` [1]_. The effective size of ``i``
    is :math:`n_i - 2 t_i / n_i` for ``n_i`` neighbours with ``t_i`` ties among them [2]_, with
    :math:`t_i = \\frac12 ((A A) \\circ A)_{i \\cdot} \\mathbf 1`.

    Parameters
    ----------
    graph : networkx.Graph
        Undirected, no self loops.
    weight : str or None
        Edge attribute holding tie strength for the constraint (``None``: every tie 1). The
        effective size always counts ties, as networkx does for an unweighted graph.

    Returns
    -------
    constraint, effective_size : dict
        Node to value; NaN for isolated nodes, as in networkx.

    Examples
    --------
    >>> g = nx.star_graph(3)
    >>> c, e = constraint_and_effective_size(g)
    >>> round(c[0], 4), e[0], c[1], e[1]
    (0.3333, 3.0, 1.0, 1.0)
    """
    nodes = list(graph.nodes)
    if not nodes:
        return {}, {}
    w = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=weight, format="csr", dtype=np.float64)
    w = sp.csr_matrix(w)
    a = (w > 0).astype(np.float64).tocsr()
    strength = np.asarray(w.sum(axis=1)).ravel()
    degree = np.asarray(a.sum(axis=1)).ravel()
    inv = np.divide(1.0, strength, out=np.zeros_like(strength), where=strength > 0)
    p = sp.diags(inv) @ w
    p = sp.csr_matrix(p)
    constraint = np.zeros(len(nodes))
    triangles = np.zeros(len(nodes))
    for start in range(0, len(nodes), _CHUNK):
        rows = slice(start, min(start + _CHUNK, len(nodes)))
        a_rows = a[rows]
        q = (p[rows] + p[rows] @ p).multiply(a_rows)
        constraint[rows] = np.asarray(q.multiply(q).sum(axis=1)).ravel()
        triangles[rows] = np.asarray((a_rows @ a).multiply(a_rows).sum(axis=1)).ravel() / 2
    eff = np.divide(2 * triangles, degree, out=np.zeros_like(degree), where=degree > 0)
    eff = degree - eff
    isolated = degree == 0
    constraint[isolated] = math.nan
    eff[isolated] = math.nan
    return (
        {n: float(constraint[i]) for i, n in enumerate(nodes)},
        {n: float(eff[i]) for i, n in enumerate(nodes)},
    )


def betweenness(graph: nx.Graph) -> tuple[dict[str, float], str]:
    """Normalised betweenness centrality, exact for small networks, estimated for large ones.

    Parameters
    ----------
    graph : networkx.Graph
        Undirected and unweighted (edge weights are ignored: a path's length is its hops).

    Returns
    -------
    values : dict
        Node to betweenness in [0, 1], as ``networkx.betweenness_centrality(graph)`` defines it.
    method : str
        ``"exact"`` or ``"sampled from K pivots (seed 42)"``.

    Notes
    -----
    Brandes' algorithm [3]_, run for a batch of source nodes at once with sparse matrix
    products: breadth-first levels and path counts forward, dependencies backward. A batch of
    64 sources costs a few sparse-times-dense products per level instead of a Python loop over
    edges, which makes it 10-40 times faster than networkx on the clique-rich networks that
    working groups produce. Above :data:`EXACT_BETWEENNESS_MAX` nodes it runs from
    :data:`BETWEENNESS_PIVOTS` sources drawn with :data:`SEED` and extrapolates, as networkx does
    for ``k``.

    Examples
    --------
    >>> values, method = betweenness(nx.path_graph(3))
    >>> values, method
    ({0: 0.0, 1: 1.0, 2: 0.0}, 'exact')
    """
    nodes = list(graph.nodes)
    n = len(nodes)
    if n <= 2:
        return dict.fromkeys(nodes, 0.0), "exact"
    adj = sp.csr_matrix(nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=None, dtype=np.float64, format="csr"))
    if n <= EXACT_BETWEENNESS_MAX:
        sources = np.arange(n)
        method = "exact"
    else:
        k = min(BETWEENNESS_PIVOTS, n)
        sources = np.sort(np.random.default_rng(SEED).choice(n, size=k, replace=False))
        method = f"sampled from {k} pivots (seed {SEED})"
    raw = np.zeros(n)
    for start in range(0, len(sources), _BATCH):
        raw += _brandes_batch(adj, sources[start : start + _BATCH])
    scale = 1.0 / ((n - 1) * (n - 2))
    if method != "exact":
        scale *= n / len(sources)
    return {node: float(raw[i] * scale) for i, node in enumerate(nodes)}, method


def _brandes_batch(adj: sp.csr_matrix, sources: np.ndarray) -> np.ndarray:
    """Sum over ``sources`` of the Brandes dependencies of every node (columns are sources)."""
    n, b = adj.shape[0], len(sources)
    cols = np.arange(b)
    dist = np.full((n, b), -1, dtype=np.int32)
    sigma = np.zeros((n, b))
    dist[sources, cols] = 0
    sigma[sources, cols] = 1.0
    frontier = np.zeros((n, b), dtype=bool)
    frontier[sources, cols] = True
    levels = [frontier]
    depth = 0
    while True:
        reach = adj @ np.where(frontier, sigma, 0.0)
        new = (reach > 0) & (dist < 0)
        if not new.any():
            break
        depth += 1
        dist[new] = depth
        sigma[new] = reach[new]
        frontier = new
        levels.append(new)
    delta = np.zeros((n, b))
    for d in range(depth, 0, -1):
        at = levels[d]
        coeff = np.where(at, (1.0 + delta) / np.where(sigma > 0, sigma, 1.0), 0.0)
        back = adj @ coeff
        parents = levels[d - 1]
        delta = np.where(parents, delta + sigma * back, delta)
    delta[sources, cols] = 0.0
    return delta.sum(axis=1)


def communities(graph: nx.Graph, weight: str | None = "weight") -> list[list[str]]:
    """Louvain communities [4]_ with a fixed seed, isolates left out.

    Returns
    -------
    list of list of str
        Communities as sorted node lists, largest first (ties by first node), so that the same
        data always gives the same numbering.
    """
    core = graph.subgraph([n for n in graph if graph.degree(n) > 0])
    if core.number_of_nodes() == 0:
        return []
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(core.nodes))
    ordered.add_edges_from(sorted((min(u, v), max(u, v), d) for u, v, d in core.edges(data=True)))
    found = nx.community.louvain_communities(ordered, weight=weight, seed=SEED)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def metrics(graph: nx.Graph) -> tuple[dict[str, ActorMetrics], dict[str, object]]:
    """All per-actor metrics of an actor network, and how they were computed.

    Parameters
    ----------
    graph : networkx.Graph
        The actor network (:func:`ikg.graph.network.actor_network`).

    Returns
    -------
    per_actor : dict
        Node to :class:`ActorMetrics`.
    info : dict
        ``betweenness`` (method), ``communities`` (number), ``articulation_points`` (sorted
        list), ``bridges`` (sorted list of node pairs).
    """
    between, method = betweenness(graph)
    constraint, eff = constraint_and_effective_size(graph)
    groups = communities(graph)
    community_of = {n: i for i, members in enumerate(groups, start=1) for n in members}
    cut = set(nx.articulation_points(graph))
    per_actor = {
        n: ActorMetrics(
            degree=graph.degree(n),
            betweenness=float(between.get(n, 0.0)),
            constraint=constraint.get(n, math.nan),
            effective_size=eff.get(n, math.nan),
            community=community_of.get(n, 0),
            articulation_point=n in cut,
        )
        for n in graph.nodes
    }
    info: dict[str, object] = {
        "betweenness": method,
        "communities": groups,
        "articulation_points": sorted(cut),
        "bridges": sorted((min(u, v), max(u, v)) for u, v in nx.bridges(graph)),
    }
    return per_actor, info
