"""Deterministic node positions in pixels: the same graph gives the same picture.

Nodes and edges are sorted before anything is computed, so insertion order does not matter.
Each connected component is laid out on its own (Kamada–Kawai [2]_ with igraph up to :data:`KK_LIMIT` nodes, a
force-directed layout from seeded random start positions above), scaled so that the median
distance of a node to its nearest neighbour is :data:`SPACING` pixels, and the components are
packed in rows, largest first. Isolated nodes form a grid at the end.

The force-directed layout is Fruchterman and Reingold's [1]_: attraction ``d²/k`` along edges,
repulsion ``k²/d`` between all pairs. Up to :data:`EXACT_LIMIT` nodes every pair is computed;
above, the far field comes from the centroids of a coarse grid and only close pairs (found with a
k-d tree) are computed exactly, so one iteration costs O(n·cells + close pairs) instead of O(n²).
On the 2-core development machine 5,000 nodes take about 1 s, where networkx's
``spring_layout`` takes 43–58 s and ``kamada_kawai_layout`` is out of reach.

The last :data:`_KEPT` layouts are kept (by the sorted node ids and edges, with seed and spacing),
so a view drawn as HTML, SVG and PNG is laid out once. Positions are the same for the same graph
on the same machine; another CPU or BLAS may round the
float32 far field differently, so pictures from two machines can differ slightly.

References
----------
.. [1] T. M. J. Fruchterman and E. M. Reingold, "Graph drawing by force-directed placement",
   Software: Practice and Experience 21 (11), 1991, pp. 1129–1164.
.. [2] T. Kamada and S. Kawai, "An algorithm for drawing general undirected graphs",
   Information Processing Letters 31 (1), 1989, pp. 7–15.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # imported where a layout is computed: a prepared scene is drawn without it
    import networkx as nx

__all__ = ["EXACT_LIMIT", "ITERATIONS", "KK_LIMIT", "SEED", "SPACING", "edge_order", "layout", "node_order"]

#: The seed of every random start; fixed so that a graph always gets the same picture.
SEED = 20150630
#: Components up to this many nodes use Kamada–Kawai (nicer, but O(n²) memory and slow above).
KK_LIMIT = 30
#: Pixels between a node and its nearest neighbour (median).
SPACING = 110.0
#: Up to this many nodes the repulsion of every pair is computed; above, a grid approximates it.
EXACT_LIMIT = 800
#: Iterations of the force-directed layout.
ITERATIONS = 80
#: Gap between packed components, in layout units.
_MARGIN = 1.5
#: How many layouts are kept: a report draws each view as HTML, SVG and PNG from one layout.
_KEPT = 8
_CACHE: OrderedDict[tuple, tuple[tuple[float, float], ...]] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _sort_key(node: Hashable) -> tuple[str, str, str]:
    return (str(node), type(node).__name__, repr(node))


def node_order(graph: nx.Graph) -> list[Hashable]:
    """Return the nodes of ``graph`` in a fixed order that does not depend on insertion order.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph; node ids may be of mixed types.

    Returns
    -------
    list
        The nodes sorted by their string form (ties broken by type and ``repr``).

    Examples
    --------
    >>> import networkx as nx
    >>> node_order(nx.Graph([("b", "a"), (2, "c")]))
    [2, 'a', 'b', 'c']
    """
    return sorted(graph.nodes, key=_sort_key)


def edge_order(graph: nx.Graph, index: dict[Hashable, int]) -> list[tuple[int, int, dict]]:
    """Return the edges as ``(i, j, data)`` with ``i <= j`` node indices, in a fixed order.

    Parameters
    ----------
    graph : networkx.Graph
        The graph (a multigraph is fine: parallel edges are all returned).
    index : dict
        Node -> position in :func:`node_order`.

    Returns
    -------
    list of tuple
        Sorted by the index pair, then by edge ``kind``, ``title`` and ``weight``.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_edge("b", "a", kind="cooperation")
    >>> edge_order(g, {"a": 0, "b": 1})
    [(0, 1, {'kind': 'cooperation'})]
    """
    edges = []
    for u, v, data in graph.edges(data=True):
        i, j = index[u], index[v]
        if i > j:
            i, j = j, i
        edges.append((i, j, data))
    edges.sort(
        key=lambda e: (e[0], e[1], str(e[2].get("kind", "")), str(e[2].get("title", "")), str(e[2].get("weight", "")))
    )
    return edges


def _components(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Connected components of nodes ``0..n-1``, each sorted, largest first (ties: lowest node)."""
    import networkx as nx

    helper = nx.Graph()
    helper.add_nodes_from(range(n))
    helper.add_edges_from(pairs)
    comps = [sorted(c) for c in nx.connected_components(helper)]
    comps.sort(key=lambda c: (-len(c), c[0]))
    return comps


def _force_layout(n: int, edges: np.ndarray, rng: np.random.Generator, iterations: int) -> np.ndarray:
    """Fruchterman–Reingold on ``n`` nodes; ``edges`` is an (m, 2) int array of node indices."""
    k = 1.0
    side = math.sqrt(n) * k
    pos = rng.random((n, 2)) * side
    temperature = side / 8.0
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        disp = _repulsion(pos, k)
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            dist = np.sqrt((delta * delta).sum(axis=1))
            force = delta * (dist / k)[:, None]
            disp += _scatter(edges[:, 1], force, n) - _scatter(edges[:, 0], force, n)
        length = np.maximum(np.sqrt((disp * disp).sum(axis=1)), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return pos


def _repulsion(pos: np.ndarray, k: float) -> np.ndarray:
    """Repulsive displacement ``k²/d`` of every node from all others.

    Up to :data:`EXACT_LIMIT` nodes every pair is counted. Above, the far field comes from the
    centroids of a grid of about ``n/24`` cells (at most 16 × 16), each weighted by the nodes in
    it and softened by the cell size so that near mass counts little, and pairs closer than ``k``
    repel exactly (found with a k-d tree): O(n·cells + close pairs) instead of O(n²).
    """
    n = len(pos)
    if n <= EXACT_LIMIT:
        return _far_field(pos, pos, np.ones(n), 0.01 * k * k) * (k * k)
    lo = pos.min(axis=0)
    span = float((pos.max(axis=0) - lo).max()) + 1e-9
    cells_per_side = max(1, min(16, round(math.sqrt(n / 24))))
    cell = span / cells_per_side
    coords = np.minimum(((pos - lo) / cell).astype(np.int64), cells_per_side - 1)
    ids = coords[:, 0] * cells_per_side + coords[:, 1]
    mass = np.bincount(ids, minlength=cells_per_side**2).astype(float)
    full = mass > 0
    centroids = _scatter(ids, pos, cells_per_side**2)[full] / mass[full][:, None]
    disp = _far_field(pos, centroids, mass[full], cell * cell) * (k * k)
    from scipy.spatial import cKDTree  # imported when needed: 0.2 s that small views do not pay

    pairs = cKDTree(pos).query_pairs(min(k, cell), output_type="ndarray")
    if len(pairs):
        delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
        dist2 = np.maximum((delta * delta).sum(axis=1), 1e-6)
        force = delta * (k * k / dist2)[:, None]
        disp += _scatter(pairs[:, 0], force, n) - _scatter(pairs[:, 1], force, n)
    return disp


def _far_field(pos: np.ndarray, sources: np.ndarray, weight: np.ndarray, soft: float) -> np.ndarray:
    """Sum over sources of ``weight * (p - s) / (|p - s|² + soft)`` for every row ``p`` of ``pos``.

    float32 in row blocks that stay in the cache: five times faster than plain float64 here.
    A source at the node itself adds nothing (its difference is zero).
    """
    n = len(pos)
    out = np.empty((n, 2))
    weight32 = weight.astype(np.float32)
    sx, sy = sources[:, 0].astype(np.float32), sources[:, 1].astype(np.float32)
    pos32 = pos.astype(np.float32)
    soft32 = np.float32(soft)
    for start in range(0, n, 1024):
        x, y = pos32[start : start + 1024, 0], pos32[start : start + 1024, 1]
        dx = np.subtract.outer(x, sx)
        dy = np.subtract.outer(y, sy)
        dx *= dx
        dy *= dy
        dx += dy
        dx += soft32
        inv = np.divide(weight32, dx, out=dx)
        total = inv.sum(axis=1)
        out[start : start + 1024, 0] = x * total - inv @ sx
        out[start : start + 1024, 1] = y * total - inv @ sy
    return out


def _scatter(idx: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sum the rows of ``values`` into ``n`` bins by ``idx`` (a fast ``np.add.at``)."""
    out = np.empty((n, 2))
    out[:, 0] = np.bincount(idx, weights=values[:, 0], minlength=n)
    out[:, 1] = np.bincount(idx, weights=values[:, 1], minlength=n)
    return out


def _component_layout(comp: list[int], pairs: list[tuple[int, int]], seed: int) -> np.ndarray:
    """Positions of one component (rows follow ``comp``), scaled so that the median distance of a
    node to its nearest neighbour is 1."""
    size = len(comp)
    if size == 1:
        return np.zeros((1, 2))
    local = {node: i for i, node in enumerate(comp)}
    local_pairs = sorted({(local[u], local[v]) for u, v in pairs})
    if size <= KK_LIMIT:
        pos = _kamada_kawai(size, local_pairs)
    else:
        rng = np.random.default_rng(seed + size)
        pos = _force_layout(size, np.array(local_pairs, dtype=np.int64), rng, ITERATIONS)
    unit = float(np.median(_nearest(pos)))
    return (pos - pos.mean(axis=0)) / (unit if unit > 1e-9 else 1.0)


def _kamada_kawai(size: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Kamada–Kawai positions [2]_ of a connected graph of ``size`` nodes, from a circle.

    igraph's C implementation (about 1 ms for 30 nodes): networkx's minimises the same energy
    with scipy's optimiser, whose import alone took 0.3 s of every report. Deterministic: the
    start positions are fixed and igraph's Kamada–Kawai draws no random numbers.
    """
    from ikg.graph.analysis.igraph_loader import load_igraph

    angle = 2 * np.pi * np.arange(size) / size
    start = np.column_stack((np.cos(angle), np.sin(angle)))
    h = load_igraph().Graph(n=size, edges=pairs)
    return np.array(h.layout_kamada_kawai(seed=start.tolist(), maxiter=50 * size, kkconst=size).coords, dtype=float)


def _nearest(pos: np.ndarray) -> np.ndarray:
    """The distance of every point to its nearest other point."""
    if len(pos) > EXACT_LIMIT:
        from scipy.spatial import cKDTree

        return cKDTree(pos).query(pos, k=2)[0][:, 1]
    delta = pos[:, None, :] - pos[None, :, :]
    dist = np.sqrt((delta * delta).sum(axis=2))
    np.fill_diagonal(dist, np.inf)
    return dist.min(axis=1)


def _pack(blocks: list[np.ndarray]) -> list[np.ndarray]:
    """Place component layouts in rows (shelf packing), in the given order, top left to right."""
    boxes = [(b.min(axis=0), b.max(axis=0)) for b in blocks]
    sizes = [(hi - lo) + _MARGIN for lo, hi in boxes]
    area = sum(float(w * h) for w, h in sizes)
    row_width = max(max(float(w) for w, _ in sizes), math.sqrt(area) * 1.3)
    placed: list[np.ndarray] = []
    x = y = row_height = 0.0
    for block, (lo, _hi), (w, h) in zip(blocks, boxes, sizes, strict=True):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        placed.append(block - lo + np.array([x, y]))
        x += float(w)
        row_height = max(row_height, float(h))
    return placed


def layout(graph: nx.Graph, *, seed: int = SEED, spacing: float = SPACING) -> dict[Hashable, tuple[float, float]]:
    """Compute pixel positions for every node of ``graph``, the same for the same graph.

    Parameters
    ----------
    graph : networkx.Graph
        The graph to draw; node and edge attributes are not used.
    seed : int, optional
        Seed of the force-directed start positions.
    spacing : float, optional
        Median distance in pixels from a node to its nearest neighbour.

    Returns
    -------
    dict
        Node -> ``(x, y)`` in pixels (``y`` grows downwards, as on screen), rounded to 0.1 px
        and centred on the origin.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.path_graph(3)
    >>> layout(g) == layout(nx.path_graph([2, 1, 0]))
    True
    >>> len(layout(nx.empty_graph(5)))
    5
    """
    order = node_order(graph)
    if not order:
        return {}
    index = {node: i for i, node in enumerate(order)}
    pairs = sorted({(i, j) for i, j, _ in edge_order(graph, index) if i != j})
    key = (tuple(_sort_key(node) for node in order), tuple(pairs), seed, spacing)
    with _CACHE_LOCK:
        known = _CACHE.get(key)
        if known is not None:
            _CACHE.move_to_end(key)
    if known is None:
        known = _positions(len(order), pairs, seed, spacing)
        with _CACHE_LOCK:
            _CACHE[key] = known
            while len(_CACHE) > _KEPT:
                _CACHE.popitem(last=False)
    return dict(zip(order, known, strict=True))


def _positions(n: int, pairs: list[tuple[int, int]], seed: int, spacing: float) -> tuple[tuple[float, float], ...]:
    """The positions of nodes ``0..n-1`` joined by ``pairs`` (what :func:`layout` returns, in order)."""
    comps = _components(n, pairs)
    members = {node: c for c, comp in enumerate(comps) for node in comp}
    comp_pairs: list[list[tuple[int, int]]] = [[] for _ in comps]
    for i, j in pairs:
        comp_pairs[members[i]].append((i, j))
    singles = [comp[0] for comp in comps if len(comp) == 1]
    blocks = [_component_layout(comp, comp_pairs[c], seed) for c, comp in enumerate(comps) if len(comp) > 1]
    groups = [comp for comp in comps if len(comp) > 1]
    if singles:
        cols = max(1, math.ceil(math.sqrt(len(singles))))
        grid = np.array([(i % cols, i // cols) for i in range(len(singles))], dtype=float)
        blocks.append(grid)
        groups.append(singles)
    pos = np.empty((n, 2))
    for comp, block in zip(groups, _pack(blocks), strict=True):
        pos[comp] = block
    pos = (pos - (pos.min(axis=0) + pos.max(axis=0)) / 2.0) * spacing
    return tuple((round(float(x), 1) + 0.0, round(float(y), 1) + 0.0) for x, y in pos)
