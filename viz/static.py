"""The network view as SVG and PNG for Word and PDF reports (matplotlib, Agg backend).

Same positions, colours, shapes and legend texts as the HTML page (:mod:`ikg.viz.html`), drawn
from the same :class:`~ikg.viz.scene.Scene`. The output is byte-identical for the same input: the
SVG ids are salted with a fixed value and carry no date, the PNG has fixed metadata.

Texts are drawn with ``parse_math=False`` (a label like ``$x$`` or ``a_b`` stays as it is, and a
broken one cannot stop the drawing); in the SVG they become glyph paths, and the copy of each text
that matplotlib keeps as an XML comment is escaped by matplotlib. Labels are drawn for up to
:data:`LABEL_LIMIT` nodes; above that they would only cover each other. Rendering is serialised
by a lock because matplotlib's settings are global.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from typing import Any

import matplotlib
import networkx as nx
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.typing import LineStyleType, RcKeyType

from ikg.graph.i18n import Lang, t
from ikg.viz.layout import SEED
from ikg.viz.scene import Scene, SceneNode, clean_text, scene
from ikg.viz.style import EDGE_KINDS, EDGE_STYLES, NODE_KINDS, NODE_STYLES, check_lang, text

__all__ = ["LABEL_LIMIT", "to_png", "to_svg"]

#: Node labels are drawn up to this many nodes.
LABEL_LIMIT = 300
#: Width of the drawing area in inches (the legend comes on top of it, to the right).
WIDTH_IN = 10.0
_SALT = "ikg-viz"
_LOCK = threading.Lock()
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": _SALT,
    "svg.fonttype": "path",
    "font.family": ["DejaVu Sans"],
    "path.simplify": True,
    "text.usetex": False,
}


def _plain(text: str) -> str:
    """A text as drawn: control characters and line/paragraph separators become spaces."""
    return _CONTROL.sub(" ", clean_text(text))


def _extent(view: Scene) -> tuple[float, float, float, float]:
    xs = [n.x for n in view.nodes] or [0.0]
    ys = [n.y for n in view.nodes] or [0.0]
    pad = 40.0
    return min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad


def _draw_edges(ax, view: Scene, points_per_px: float) -> None:
    for kind in EDGE_KINDS:
        chosen = [e for e in view.edges if e.kind == kind]
        if not chosen:
            continue
        style = EDGE_STYLES[kind]
        segments = [
            [(view.nodes[e.source].x, view.nodes[e.source].y), (view.nodes[e.target].x, view.nodes[e.target].y)]
            for e in chosen
        ]
        widths = [max(0.3, min(3.0, e.width * 0.75 * max(points_per_px, 0.4))) for e in chosen]
        dashes = (0, tuple(d * 0.35 for d in style.dashes)) if style.dashes else "solid"
        lines = LineCollection(
            segments,
            colors=style.color,
            linewidths=widths,
            linestyles=dashes,
            zorder=2 if style.dashes else 1,
            capstyle="round",
        )
        ax.add_collection(lines)


def _draw_nodes(ax, view: Scene, points_per_px: float) -> None:
    for kind in NODE_KINDS:
        chosen = [n for n in view.nodes if n.kind == kind]
        if not chosen:
            continue
        style = NODE_STYLES[kind]
        sizes = [max(1.5, 2.0 * n.size * points_per_px) ** 2 for n in chosen]
        ax.scatter(
            [n.x for n in chosen],
            [n.y for n in chosen],
            s=sizes,
            marker=style.marker,
            c=style.color,
            edgecolors=style.border,
            linewidths=0.6,
            zorder=3,
        )


def _draw_labels(ax, nodes: tuple[SceneNode, ...], points_per_px: float) -> None:
    fontsize = max(3.0, min(8.0, 12.0 * points_per_px))
    for n in nodes:
        ax.text(
            n.x,
            n.y + n.size + 3.0,
            _plain(n.label),
            fontsize=fontsize,
            ha="center",
            va="top",
            parse_math=False,
            zorder=4,
            clip_on=False,
            color="#222222",
        )


def _legend(fig: Figure, view: Scene, lang: Lang) -> None:
    node_kinds = {n.kind for n in view.nodes}
    edge_kinds = {e.kind for e in view.edges}
    handles, labels = [], []
    for kind in NODE_KINDS:
        if kind in node_kinds:
            node_style = NODE_STYLES[kind]
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="None",
                    marker=node_style.marker,
                    markersize=8,
                    markerfacecolor=node_style.color,
                    markeredgecolor=node_style.border,
                )
            )
            labels.append(text(kind, lang))
    for kind in EDGE_KINDS:
        if kind in edge_kinds:
            edge_style = EDGE_STYLES[kind]
            dashes: LineStyleType = (0, tuple(d * 0.35 for d in edge_style.dashes)) if edge_style.dashes else "solid"
            handles.append(
                Line2D([], [], color=edge_style.color, linewidth=max(1.5, edge_style.width), linestyle=dashes)
            )
            labels.append(text(kind, lang))
    if handles:
        fig.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(1.01, 0.95),
            frameon=False,
            title=t("viz.page.legend", lang),
            alignment="left",
            fontsize=9,
            title_fontsize=10,
        )


def _figure(view: Scene, heading: str, lang: Lang) -> Figure:
    left, right, top, bottom = _extent(view)
    width_px, height_px = right - left, bottom - top
    height_in = min(14.0, max(3.0, WIDTH_IN * height_px / width_px))
    fig = Figure(figsize=(WIDTH_IN, height_in + 0.6))
    ax = fig.add_axes((0.0, 0.0, 1.0, height_in / (height_in + 0.6)))
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)  # y grows downwards, as in the browser
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_axis_off()
    points_per_px = min(WIDTH_IN * 72.0 / width_px, height_in * 72.0 / height_px)
    _draw_edges(ax, view, points_per_px)
    _draw_nodes(ax, view, points_per_px)
    if len(view.nodes) <= LABEL_LIMIT:
        _draw_labels(ax, view.nodes, points_per_px)
    fig.suptitle(_plain(heading), x=0.01, ha="left", fontsize=13, fontweight="bold", parse_math=False)
    _legend(fig, view, lang)
    return fig


def _render(graph: nx.Graph, heading: str, lang: str, seed: int, fmt: str, **savefig: Any) -> bytes:
    chosen = check_lang(lang)
    view = scene(graph, seed=seed)
    buf = io.BytesIO()
    with _LOCK, matplotlib.rc_context(_RC), warnings.catch_warnings():
        # a label in a script DejaVu Sans lacks draws empty boxes; that is not worth an error
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        fig = _figure(view, heading, chosen)
        fig.savefig(buf, format=fmt, bbox_inches="tight", pad_inches=0.15, facecolor="white", **savefig)
    return buf.getvalue()


def to_svg(graph: nx.Graph, *, heading: str, lang: str = "de", seed: int = SEED) -> str:
    """Draw ``graph`` as an SVG document, the same bytes for the same input.

    Parameters
    ----------
    graph : networkx.Graph
        The view's graph; see :func:`ikg.viz.scene.scene` for the attributes it reads.
    heading : str
        Title above the drawing.
    lang : {"de", "en"}, optional
        Language of the legend.
    seed : int, optional
        Seed of the layout.

    Returns
    -------
    str
        The SVG text (texts drawn as paths, so it looks the same without the font).

    Raises
    ------
    ValueError
        For an unknown ``lang`` or a graph with unknown kinds.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_node("a", kind="actor", label="<script>", title="")
    >>> svg = to_svg(g, heading="Netz", lang="de")
    >>> svg.startswith("<?xml"), "<script" in svg, svg == to_svg(g, heading="Netz", lang="de")
    (True, False, True)
    """
    metadata = {"Date": None, "Creator": "ikg"}
    return _render(graph, heading, lang, seed, "svg", metadata=metadata).decode("utf-8")


def to_png(graph: nx.Graph, *, heading: str, lang: str = "de", dpi: int = 150, seed: int = SEED) -> bytes:
    """Draw ``graph`` as a PNG image, the same bytes for the same input.

    Parameters
    ----------
    graph : networkx.Graph
        The view's graph; see :func:`ikg.viz.scene.scene` for the attributes it reads.
    heading : str
        Title above the drawing.
    lang : {"de", "en"}, optional
        Language of the legend.
    dpi : int, optional
        Resolution; the drawing is about 13 inches wide with the legend (150 dpi: ~2,000 px).
    seed : int, optional
        Seed of the layout.

    Returns
    -------
    bytes
        The PNG file.

    Raises
    ------
    ValueError
        For an unknown ``lang``, a graph with unknown kinds, or ``dpi`` outside 10–1200.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_nodes_from(["a", "b"], kind="actor")
    >>> g.add_edge("a", "b", kind="cooperation")
    >>> to_png(g, heading="Netz", lang="en", dpi=50)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 10 <= dpi <= 1200:
        raise ValueError(f"dpi must be an integer from 10 to 1200, not {dpi!r}")
    return _render(graph, heading, lang, seed, "png", dpi=dpi, metadata={"Software": "ikg"})
