"""What a network view shows, checked and in a fixed order: the one input of every renderer.

:func:`scene` reads the attributes the views need from a ``networkx`` graph (see the module
:mod:`ikg.viz` for the input format), refuses unknown kinds, turns every text into a clean
``str`` and adds the pixel positions of :func:`ikg.viz.layout.layout`. HTML, SVG and PNG are all
drawn from the same scene, so they show the same picture.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ikg.graph.i18n import t
from ikg.viz.layout import SEED, edge_order, layout, node_order
from ikg.viz.style import (
    CATEGORY_COLORS,
    CATEGORY_SHAPES,
    COLOR_BY,
    EDGE_KINDS,
    EDGE_STYLES,
    NODE_KINDS,
    OTHER_COLOR,
    check_lang,
    node_size,
)

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Category", "Scene", "SceneEdge", "SceneNode", "clean_text", "scene", "view_scene"]

#: the node attribute that holds an actor's category for each of :data:`~ikg.viz.style.COLOR_BY`
CATEGORY_ATTRS = {"type": "type_label", "town": "town", "group": "group_label"}


@dataclass(frozen=True)
class Category:
    """One category of actors when they are coloured by type, town or working group.

    ``count`` is the number of actors of this view in it; ``shape`` a vis-network shape and
    ``marker`` the matching matplotlib marker.
    """

    text: str
    color: str
    border: str
    shape: str
    marker: str
    count: int


@dataclass(frozen=True)
class SceneNode:
    """One node as drawn: its id as text, kind, texts, position and radius in pixels."""

    key: str
    kind: str
    label: str
    title: str
    subkind: str
    x: float
    y: float
    size: float
    cats: tuple[int, ...] = ()
    facts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    degree: int = 0


@dataclass(frozen=True)
class SceneEdge:
    """One edge as drawn: indices into :attr:`Scene.nodes`, kind, tooltip and line width."""

    source: int
    target: int
    kind: str
    title: str
    width: float


@dataclass(frozen=True)
class Scene:
    """Nodes and edges of a view in drawing order, and the actor categories of each colouring.

    ``categories[mode]`` lists the categories of ``mode`` (one of
    :data:`~ikg.viz.style.COLOR_BY`); an actor's ``cats[k]`` indexes the categories of the k-th
    mode, other nodes have ``cats == ()``.
    """

    nodes: tuple[SceneNode, ...]
    edges: tuple[SceneEdge, ...]
    categories: dict[str, tuple[Category, ...]] | None = None


def clean_text(value: Any) -> str:
    """Return ``value`` as a string that can be written as UTF-8.

    ``None`` becomes the empty string; lone surrogates (which cannot be encoded) become U+FFFD.
    Nothing is escaped here: each renderer escapes for its own output.

    Examples
    --------
    >>> clean_text(None), clean_text(3.5), clean_text("a\\ud800b")
    ('', '3.5', 'a\\ufffdb')
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
    return text


def _kind(data: dict, allowed: tuple[str, ...], what: str, ident: object) -> str:
    kind = data.get("kind")
    if kind not in allowed:
        raise ValueError(f"{what} {ident!r} has kind {kind!r}; expected one of {', '.join(allowed)}")
    return str(kind)


def _number(value: Any, what: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a number, not {value!r}") from exc
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{what} must be finite, not {value!r}")
    return number


def _categories(graph: nx.Graph, order: list[Hashable], other: str) -> tuple[dict[str, tuple[Category, ...]], dict]:
    """The categories of each colouring (most actors first; beyond eight, the rest is ``other``)
    and, per actor, its category index in each."""
    actors = [node for node in order if graph.nodes[node].get("kind") == "actor"]
    found: dict[str, tuple[Category, ...]] = {}
    index: dict[Hashable, list[int]] = {node: [] for node in actors}
    limit = len(CATEGORY_COLORS) + 1
    for mode in COLOR_BY:
        texts = {node: clean_text(graph.nodes[node].get(CATEGORY_ATTRS[mode])) or "–" for node in actors}
        counts: dict[str, int] = {}
        for value in texts.values():
            counts[value] = counts.get(value, 0) + 1
        ranked = sorted(counts, key=lambda v: (-counts[v], v))
        named = ranked if len(ranked) <= limit else ranked[: len(CATEGORY_COLORS)]
        cats = []
        for i, value in enumerate(named):
            color, border = CATEGORY_COLORS[i] if i < len(CATEGORY_COLORS) else OTHER_COLOR
            shape, marker = CATEGORY_SHAPES[i % len(CATEGORY_SHAPES)]
            cats.append(Category(value, color, border, shape, marker, counts[value]))
        if len(named) < len(ranked):
            rest = sum(counts[v] for v in ranked[len(named) :])
            shape, marker = CATEGORY_SHAPES[len(named) % len(CATEGORY_SHAPES)]
            cats.append(Category(other, OTHER_COLOR[0], OTHER_COLOR[1], shape, marker, rest))
        position = {value: i for i, value in enumerate(named)}
        for node in actors:
            index[node].append(position.get(texts[node], len(named)))
        found[mode] = tuple(cats)
    return found, index


def _facts(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not value:
        return ()
    return tuple((clean_text(head), tuple(clean_text(x) for x in items)) for head, items in value)


def _nodes(graph: nx.Graph, order: list[Hashable], seed: int, cats: dict) -> tuple[SceneNode, ...]:
    pos = layout(graph, seed=seed)
    values = {node: _number(graph.nodes[node].get("size_value"), f"size_value of node {node!r}") for node in order}
    largest = max((v for v in values.values() if v is not None), default=0.0)
    nodes = []
    for node in order:
        data = graph.nodes[node]
        kind = _kind(data, NODE_KINDS, "node", node)
        key = clean_text(node)
        label = clean_text(data.get("label")) or key
        x, y = pos[node]
        nodes.append(
            SceneNode(
                key=key,
                kind=kind,
                label=label,
                title=clean_text(data.get("title")) or label,
                subkind=clean_text(data.get("subkind")),
                x=x,
                y=y,
                size=node_size(kind, values[node], largest),
                cats=tuple(cats.get(node, ())),
                facts=_facts(data.get("facts")),
                degree=sum(1 for *_, d in graph.edges(node, data=True) if d.get("kind") != "suggested"),
            )
        )
    return tuple(nodes)


def _edges(graph: nx.Graph, index: dict[Hashable, int]) -> tuple[SceneEdge, ...]:
    ordered = edge_order(graph, index)
    weights: list[float | None] = []
    largest: dict[str, float] = {}
    for i, j, data in ordered:
        kind = _kind(data, EDGE_KINDS, "edge", (i, j))
        weight = _number(data.get("weight"), f"weight of edge {(i, j)!r}")
        weights.append(weight)
        if weight is not None and weight > 0:
            largest[kind] = max(largest.get(kind, 0.0), weight)
    edges = []
    for (i, j, data), weight in zip(ordered, weights, strict=True):
        kind = str(data["kind"])
        width = EDGE_STYLES[kind].width
        if weight is not None and largest.get(kind, 0.0) > 0:
            width = round(width * (1.0 + min(max(weight, 0.0) / largest[kind], 1.0)), 2)
        edges.append(SceneEdge(i, j, kind, clean_text(data.get("title")), width))
    return tuple(edges)


def scene(graph: nx.Graph, *, seed: int = SEED, other: str = "…") -> Scene:
    """Check ``graph`` and return what the views draw, in a fixed order with positions.

    Parameters
    ----------
    graph : networkx.Graph
        Nodes carry ``kind`` (one of :data:`~ikg.viz.style.NODE_KINDS`), ``label``, ``title`` and
        optionally ``subkind`` and ``size_value``; edges carry ``kind`` (one of
        :data:`~ikg.viz.style.EDGE_KINDS`) and optionally ``title`` and ``weight``.
    seed : int, optional
        Seed of the layout.
    other : str, optional
        The name of the category that gathers the rest when a colouring has more than eight.

    Returns
    -------
    Scene
        Nodes sorted as :func:`~ikg.viz.layout.node_order`, edges as
        :func:`~ikg.viz.layout.edge_order`; a missing label falls back to the node id, a missing
        title to the label. Node radii follow ``size_value`` relative to the largest in the graph
        (:func:`~ikg.viz.style.node_size`); an edge with a ``weight`` is up to twice as wide as
        its kind's line, relative to the largest weight of that kind.

    Raises
    ------
    ValueError
        If a node or edge has no or an unknown ``kind``, or a ``size_value`` or ``weight`` is
        not a finite number.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_node("ag", kind="working_group", label="AG Sprache", title="AG Sprache")
    >>> g.add_node("ki", kind="actor", label="KI", title="Kommunales Integrationszentrum")
    >>> g.add_edge("ki", "ag", kind="membership")
    >>> s = scene(g)
    >>> [n.label for n in s.nodes], s.edges[0].kind
    (['AG Sprache', 'KI'], 'membership')
    """
    order = node_order(graph)
    index = {node: i for i, node in enumerate(order)}
    categories, cats = _categories(graph, order, other)
    return Scene(nodes=_nodes(graph, order, seed, cats), edges=_edges(graph, index), categories=categories)


def view_scene(graph: nx.Graph, lang: str = "de", seed: int = SEED) -> Scene:
    """The scene :func:`~ikg.viz.static.to_svg_png` draws of ``graph``, for :func:`~ikg.viz.static.scene_svg_png`.

    Made where the graph is (its layout computed, or found in the cache), drawn in another process
    that then needs neither networkx nor the layout, nor matplotlib here.

    Parameters
    ----------
    graph : networkx.Graph
    lang : {"de", "en"}, optional
        The language of the category that gathers the rest of a colouring.
    seed : int, optional
        Seed of the layout.

    Returns
    -------
    Scene
    """
    return scene(graph, seed=seed, other=t("views.other", check_lang(lang)))
