"""The network view as SVG and PNG for Word and PDF reports (matplotlib, Agg backend).

Same positions, colours, shapes and legend texts as the HTML page (:mod:`ikg.viz.html`), drawn
from the same :class:`~ikg.viz.scene.Scene`. The output is byte-identical for the same input: the
SVG ids are salted with a fixed value and carry no date, the PNG has fixed metadata.

Texts are drawn with ``parse_math=False`` (a label like ``$x$`` or ``a_b`` stays as it is, and a
broken one cannot stop the drawing); in the SVG they become glyph paths, and the copy of each text
that matplotlib keeps as an XML comment is escaped by matplotlib. Rendering is serialised
by a lock because matplotlib's settings are global.

Labels are 8 pt and named by importance where they overlap no other label and no node (the same
placement as the print figures); actors are coloured and shaped by type, town or working group
(``color_by``) and the legend counts what is drawn.
"""

from __future__ import annotations

import io
import math
import re
import threading
import warnings
from dataclasses import dataclass
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
from ikg.viz.style import COLOR_BY, EDGE_KINDS, EDGE_STYLES, NEUTRAL, NODE_KINDS, NODE_STYLES, check_lang, text

__all__ = ["LABEL_LIMIT", "PrintFigure", "to_png", "to_print", "to_svg"]

#: At most this many nodes are named in the SVG and PNG (the most important that find a place).
LABEL_LIMIT = 80
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


def _draw_nodes(ax, view: Scene, points_per_px: float, mode: str | None = None) -> None:
    groups: list[tuple[list[SceneNode], str, str, str]] = []
    cats = view.categories.get(mode, ()) if mode is not None and view.categories else ()
    k = COLOR_BY.index(mode) if cats and mode is not None else -1
    for kind in NODE_KINDS:
        chosen = [n for n in view.nodes if n.kind == kind]
        if not chosen:
            continue
        style = NODE_STYLES[kind]
        if kind == "actor" and cats:
            for i, cat in enumerate(cats):
                groups.append(([n for n in chosen if n.cats[k] == i], cat.marker, cat.color, cat.border))
        elif cats:
            groups.append((chosen, style.marker, *NEUTRAL))
        else:
            groups.append((chosen, style.marker, style.color, style.border))
    for chosen, marker, color, border in groups:
        if not chosen:
            continue
        sizes = [max(1.5, 2.0 * n.size * points_per_px) ** 2 for n in chosen]
        ax.scatter(
            [n.x for n in chosen],
            [n.y for n in chosen],
            s=sizes,
            marker=marker,
            c=color,
            edgecolors=border,
            linewidths=0.6,
            zorder=3,
        )


def _draw_labels(fig: Figure, ax: Any, view: Scene, points_per_px: float) -> None:
    """Name the most important nodes (by size, then connections), each where its label overlaps
    no other label and no node; the others stay unnamed (the HTML page's table lists them all)."""
    fontsize = 8.0
    order = sorted(
        range(len(view.nodes)), key=lambda i: (-view.nodes[i].size, -view.nodes[i].degree, view.nodes[i].label)
    )
    names = {i: _short(_plain(view.nodes[i].label)) for i in order[:LABEL_LIMIT]}
    _place_labels(fig, ax, view, names, fontsize, [])


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _marker(marker: str, color: str, border: str) -> Line2D:
    return Line2D([], [], linestyle="None", marker=marker, markersize=8, markerfacecolor=color, markeredgecolor=border)


def _legend(fig: Figure, view: Scene, lang: Lang, mode: str | None = None) -> None:
    node_kinds = {n.kind for n in view.nodes}
    edge_kinds = {e.kind for e in view.edges}
    counts = {k: sum(1 for n in view.nodes if n.kind == k) for k in node_kinds}
    ecounts = {k: sum(1 for e in view.edges if e.kind == k) for k in edge_kinds}
    cats = view.categories.get(mode, ()) if mode is not None and view.categories else ()
    handles, labels = [], []
    for kind in NODE_KINDS:
        if kind in node_kinds:
            node_style = NODE_STYLES[kind]
            if kind == "actor" and cats:
                for cat in cats:
                    handles.append(_marker(cat.marker, cat.color, cat.border))
                    labels.append(f"{cat.text} ({cat.count})")
                continue
            fill, border = NEUTRAL if cats else (node_style.color, node_style.border)
            handles.append(_marker(node_style.marker, fill, border))
            labels.append(text(kind, lang) + (f" ({counts[kind]})" if mode is not None else ""))
    for kind in EDGE_KINDS:
        if kind in edge_kinds:
            edge_style = EDGE_STYLES[kind]
            dashes: LineStyleType = (0, tuple(d * 0.35 for d in edge_style.dashes)) if edge_style.dashes else "solid"
            handles.append(
                Line2D([], [], color=edge_style.color, linewidth=max(1.5, edge_style.width), linestyle=dashes)
            )
            labels.append(text(kind, lang) + (f" ({ecounts[kind]})" if mode is not None else ""))
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


def _figure(view: Scene, heading: str, lang: Lang, mode: str | None) -> Figure:
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
    _draw_nodes(ax, view, points_per_px, mode)
    if len(view.nodes) <= LABEL_LIMIT:
        _draw_labels(fig, ax, view, points_per_px)
    fig.suptitle(_plain(heading), x=0.01, ha="left", fontsize=13, fontweight="bold", parse_math=False)
    _legend(fig, view, lang, mode)
    return fig


def _render(
    graph: nx.Graph, heading: str, lang: str, seed: int, fmt: str, color_by: str | None, **savefig: Any
) -> bytes:
    chosen = check_lang(lang)
    if color_by is not None and color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)} or None, not {color_by!r}")
    view = scene(graph, seed=seed, other=t("views.other", chosen))
    buf = io.BytesIO()
    with _LOCK, matplotlib.rc_context(_RC), warnings.catch_warnings():
        # a label in a script DejaVu Sans lacks draws empty boxes; that is not worth an error
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        fig = _figure(view, heading, chosen, color_by)
        fig.savefig(buf, format=fmt, bbox_inches="tight", pad_inches=0.15, facecolor="white", **savefig)
    return buf.getvalue()


def to_svg(graph: nx.Graph, *, heading: str, lang: str = "de", seed: int = SEED, color_by: str | None = "type") -> str:
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
    color_by : {"type", "town", "group"} or None, optional
        What the actors' colour and shape show (``None``: every node by its kind).

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
    return _render(graph, heading, lang, seed, "svg", color_by, metadata=metadata).decode("utf-8")


def to_png(
    graph: nx.Graph, *, heading: str, lang: str = "de", dpi: int = 150, seed: int = SEED, color_by: str | None = "type"
) -> bytes:
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
    color_by : {"type", "town", "group"} or None, optional
        What the actors' colour and shape show (``None``: every node by its kind).

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
    return _render(graph, heading, lang, seed, "png", color_by, dpi=dpi, metadata={"Software": "ikg"})


# --- figures for print: A4, 300 dpi, the important nodes named, the rest numbered --------------------

#: width of a print figure: the text width of an A4 page with 2.5 cm margins
PRINT_WIDTH_IN = 6.3
PRINT_DPI = 300
#: directions tried for a label, around its node (unit vectors), then farther out
_DIRECTIONS = [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1)]


@dataclass(frozen=True)
class PrintFigure:
    """A view drawn for print.

    Attributes
    ----------
    png : bytes
        A4 text width at :data:`PRINT_DPI` dpi.
    svg : str
        The same drawing as SVG; each label is the group ``label-N`` with its white box as a path.
    numbered : tuple of (int, str)
        The number and name of each node drawn with a number instead of its name.
    nodes : int
        How many nodes the view has.
    """

    png: bytes
    svg: str
    numbered: tuple[tuple[int, str], ...]
    nodes: int


def _overlaps(box: Any, placed: list[Any], pad: float) -> bool:
    return any(
        box.x0 - pad < other.x1 and other.x0 < box.x1 + pad and box.y0 - pad < other.y1 and other.y0 < box.y1 + pad
        for other in placed
    )


def _place_labels(
    fig: Figure, ax: Any, view: Scene, names: dict[int, str], fontsize: float, placed: list[Any]
) -> dict[int, bool]:
    """Put each label where its box overlaps no other label and no node; return which were placed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    ax.apply_aspect()  # the limits as drawn, so that the boxes measured here are the boxes saved
    frame = ax.get_window_extent(renderer)
    nodes = []
    for n in view.nodes:
        cx, cy = ax.transData.transform((n.x, n.y))
        r = max(2.0, n.size * 0.5)
        nodes.append(matplotlib.transforms.Bbox([[cx - r, cy - r], [cx + r, cy + r]]))
    done: dict[int, bool] = {}
    pad = 1.5 * PRINT_DPI / 72.0
    for index, text_ in names.items():
        n = view.nodes[index]
        done[index] = False
        for avoid_nodes in (True, False):
            for step in (1.0, 2.2, 3.6):
                for dx, dy in _DIRECTIONS:
                    off = (n.size * 0.4 + 3.0) * step
                    label = ax.annotate(
                        text_,
                        (n.x, n.y),
                        xytext=(dx * off / math.hypot(dx, dy), -dy * off / math.hypot(dx, dy)),
                        textcoords="offset points",
                        ha="center" if dx == 0 else ("left" if dx > 0 else "right"),
                        va="center" if dy == 0 else ("top" if dy > 0 else "bottom"),
                        fontsize=fontsize,
                        parse_math=False,
                        zorder=5,
                        bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9},
                    )
                    box = label.get_window_extent(renderer).expanded(1.0, 1.0)
                    inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
                    others = [b for i, b in enumerate(nodes) if i != index] if avoid_nodes else []
                    if inside and not _overlaps(box, placed, pad) and not _overlaps(box, others, 0):
                        label.set_gid(f"label-{index}")
                        placed.append(box)
                        done[index] = True
                        break
                    label.remove()
                if done[index]:
                    break
            if done[index]:
                break
    return done


def to_print(
    graph: nx.Graph, *, heading: str, source: str, lang: str = "de", named: int = 15, seed: int = SEED
) -> PrintFigure:
    """Draw ``graph`` for print: title, legend, source line, the important nodes named, the rest numbered.

    The ``named`` largest nodes (by their size in the view: the chosen metric, else the kind's
    size) carry their name, every other node a number listed in :attr:`PrintFigure.numbered`
    (for a table beside the figure). Labels are placed where their boxes overlap neither each
    other nor a node; a name that finds no place becomes a number. Colours are the Okabe–Ito
    palette of :mod:`ikg.viz.style`, with a shape per kind.

    Parameters
    ----------
    graph : networkx.Graph
        The view's graph.
    heading : str
        The figure's title.
    source : str
        The source line under the figure.
    lang : {"de", "en"}
    named : int
        How many nodes to name.
    seed : int
        Seed of the layout.

    Returns
    -------
    PrintFigure
    """
    chosen = check_lang(lang)
    view = scene(graph, seed=seed)
    order = sorted(range(len(view.nodes)), key=lambda i: (-view.nodes[i].size, _plain(view.nodes[i].label)))
    with _LOCK, matplotlib.rc_context({**_RC, "svg.fonttype": "none"}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        left, right, top, bottom = _extent(view)
        height_in = min(8.5, max(4.0, PRINT_WIDTH_IN * (bottom - top) / (right - left))) + 1.6
        fig = Figure(figsize=(PRINT_WIDTH_IN, height_in), dpi=PRINT_DPI)
        ax = fig.add_axes((0.02, 1.1 / height_in, 0.96, 1 - 1.6 / height_in))
        ax.set_xlim(left - 20, right + 20)
        ax.set_ylim(bottom + 20, top - 20)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_axis_off()
        bbox = ax.get_position()
        points_per_px = min(
            PRINT_WIDTH_IN * bbox.width * 72.0 / (right - left), height_in * bbox.height * 72.0 / (bottom - top)
        )
        _draw_edges(ax, view, points_per_px)
        _draw_nodes(ax, view, max(points_per_px, 0.35))
        names = {i: _plain(view.nodes[i].label) for i in order[:named]}
        boxes: list[Any] = []
        placed = _place_labels(fig, ax, view, names, 6.5, boxes)
        numbered_order = [i for i in order if not placed.get(i)]
        numbers = {i: str(k) for k, i in enumerate(numbered_order, start=1)}
        _place_labels(fig, ax, view, numbers, 5.5, boxes)
        fig.suptitle(
            _plain(heading), x=0.02, y=1 - 0.12 / height_in, ha="left", va="top", fontsize=11, fontweight="bold"
        )
        _print_legend(fig, view, chosen, 0.95 / height_in)
        fig.text(0.02, 0.12 / height_in, _plain(source), fontsize=6.5, color="#444444", parse_math=False)
        png, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(png, format="png", dpi=PRINT_DPI, facecolor="white", metadata={"Software": "ikg"})
        fig.savefig(svg, format="svg", facecolor="white", metadata={"Date": None, "Creator": "ikg"})
    numbered = tuple((k, _plain(view.nodes[i].label)) for k, i in enumerate(numbered_order, start=1))
    return PrintFigure(png.getvalue(), svg.getvalue().decode("utf-8"), numbered, len(view.nodes))


def _print_legend(fig: Figure, view: Scene, lang: Lang, top: float) -> None:
    _legend(fig, view, lang)
    legend = fig.legends[-1]
    legend.remove()
    handles = [h for h in legend.legend_handles if h is not None]
    labels = [x.get_text() for x in legend.get_texts()]
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.02, top), ncol=4, frameon=False, fontsize=7)
