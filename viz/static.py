"""The network view as SVG and PNG, for the report's files and the ``/views`` endpoint (matplotlib, Agg).

Same positions, colours, shapes and legend texts as the HTML page (:mod:`ikg.viz.html`), drawn
from the same :class:`~ikg.viz.scene.Scene` with :mod:`ikg.viz.drawing`. The output is
byte-identical for the same input: the SVG ids are salted with a fixed value and carry no date,
the PNG has fixed metadata. :func:`to_svg_png` draws a view twice, not three times: once at the
PNG's resolution, which measures the tight box and gives the PNG's pixels, once as SVG.

Texts are drawn with ``parse_math=False`` (a label like ``$x$`` or ``a_b`` stays as it is, and a
broken one cannot stop the drawing). In the SVG they stay text (``<text>``, escaped by
matplotlib), in the HTML pages' fonts: a screen reader reads them and a search finds them
(WCAG 1.4.5), and Word or a browser without DejaVu Sans shows them in Verdana, Arial or its
sans-serif.

Labels are 8 pt and named by importance where they overlap no other label and no node
(:mod:`ikg.viz.labels`, the same placement as the print figures); actors are coloured and shaped
by type, town or working group (``color_by``) and the legend counts what is drawn.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from ikg.graph.i18n import Lang
from ikg.viz.drawing import Canvas, draw_edges, draw_nodes, drawing, extent, legend, plain, png_write
from ikg.viz.labels import Boxes, place_labels
from ikg.viz.layout import SEED
from ikg.viz.scene import Scene, view_scene
from ikg.viz.style import COLOR_BY, check_lang

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["LABEL_LIMIT", "scene_svg_png", "to_png", "to_svg", "to_svg_png"]

#: At most this many nodes are named in the SVG and PNG (the most important that find a place).
LABEL_LIMIT = 80
#: Width of the drawing area in inches (the legend comes on top of it, to the right).
WIDTH_IN = 10.0
#: Room for the legend right of the drawing area, in inches: inside the figure, so that the one
#: drawing at the PNG's resolution holds everything and the PNG is cut out of it (a longer legend
#: is drawn all the same, with one drawing more).
LEGEND_IN = 4.5
#: the resolution the drawing's extent is measured at, for SVG and PNG alike (text extents differ
#: a little with the resolution, and the same view should have the same size in both)
_MEASURE_DPI = 150
_SVG_METADATA = {"Date": None, "Creator": "ikg"}
_PNG_METADATA = {"Software": "ikg"}


def _draw_labels(fig: Figure, ax: Axes, view: Scene) -> None:
    """Name the most important nodes (by size, then connections), each where its label overlaps
    no other label and no node; the others stay unnamed (the HTML page's table lists them all)."""
    order = sorted(
        range(len(view.nodes)), key=lambda i: (-view.nodes[i].size, -view.nodes[i].degree, view.nodes[i].label)
    )
    names = {i: _short(plain(view.nodes[i].label)) for i in order[:LABEL_LIMIT]}
    place_labels(fig, ax, view, names, 8.0, Boxes())


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _figure(view: Scene, heading: str, lang: Lang, mode: str | None) -> Figure:
    left, right, top, bottom = extent(view)
    width_px, height_px = right - left, bottom - top
    height_in = min(14.0, max(3.0, WIDTH_IN * height_px / width_px))
    # at the resolution the drawing is measured at (_render): the labels placed here are measured
    # once, and matplotlib's cache of text sizes (per resolution) serves that drawing
    fig = Figure(figsize=(WIDTH_IN + LEGEND_IN, height_in + 0.6), facecolor="white", dpi=_MEASURE_DPI)
    Canvas(fig)
    ax = fig.add_axes((0.0, 0.0, WIDTH_IN / (WIDTH_IN + LEGEND_IN), height_in / (height_in + 0.6)))
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)  # y grows downwards, as in the browser
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_axis_off()
    points_per_px = min(WIDTH_IN * 72.0 / width_px, height_in * 72.0 / height_px)
    draw_edges(ax, view, points_per_px)
    draw_nodes(ax, view, points_per_px, mode)
    if len(view.nodes) <= LABEL_LIMIT:
        _draw_labels(fig, ax, view)
    left_in = 0.1 / (WIDTH_IN + LEGEND_IN)
    fig.suptitle(plain(heading), x=left_in, ha="left", fontsize=13, fontweight="bold", parse_math=False)
    legend(fig, view, lang, mode, anchor=((WIDTH_IN + 0.1) / (WIDTH_IN + LEGEND_IN), 0.95))
    return fig


def _check_dpi(dpi: int) -> None:
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 10 <= dpi <= 1200:
        raise ValueError(f"dpi must be an integer from 10 to 1200, not {dpi!r}")


def _render(
    graph: nx.Graph, heading: str, lang: str, seed: int, color_by: str | None, svg: bool, dpi: int | None
) -> tuple[bytes | None, bytes | None]:
    """Draw ``graph`` once; return it as SVG (when ``svg``) and as PNG at ``dpi`` (unless ``None``).

    The tight box is measured once, at :data:`_MEASURE_DPI`: with a PNG at that resolution, by the
    drawing the PNG is cut out of (two drawings for both files instead of three).
    """
    _check_color_by(color_by)
    return _render_scene(view_scene(graph, lang, seed), heading, lang, color_by, svg, dpi)


def _check_color_by(color_by: str | None) -> None:
    if color_by is not None and color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)} or None, not {color_by!r}")


def _render_scene(
    view: Scene, heading: str, lang: str, color_by: str | None, svg: bool, dpi: int | None
) -> tuple[bytes | None, bytes | None]:
    """:func:`_render` of a scene made already."""
    chosen = check_lang(lang)
    _check_color_by(color_by)
    svg_out = png_out = None
    with drawing():
        fig = _figure(view, heading, chosen, color_by)
        own_dpi = fig.dpi
        fig.set_dpi(_MEASURE_DPI)
        if dpi == _MEASURE_DPI:
            fig.canvas.draw()
            box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(0.15)  # type: ignore[attr-defined]
            png_out = _cut_out(fig, box)
        else:
            fig.draw_without_rendering()
            box = fig.get_tightbbox().padded(0.15)
        fig.set_dpi(own_dpi)
        if svg:
            buf = io.BytesIO()
            fig.savefig(buf, bbox_inches=box, facecolor="white", format="svg", metadata=_SVG_METADATA)
            svg_out = buf.getvalue()
        if dpi is not None and png_out is None:
            buf = io.BytesIO()
            fig.savefig(buf, bbox_inches=box, facecolor="white", format="png", dpi=dpi, metadata=_PNG_METADATA)
            png_out = buf.getvalue()
    return svg_out, png_out


def _cut_out(fig: Figure, box: Bbox) -> bytes | None:
    """The PNG of ``box`` (inches) cut out of the figure's drawn pixels, white beyond the figure's
    edge; ``None`` when something drawn lies outside the figure (then it is drawn again, larger)."""
    dpi = fig.dpi
    width_in, height_in = fig.get_size_inches()
    pad = 0.15 + 1.0 / dpi
    if box.x0 < -pad or box.y0 < -pad or box.x1 > width_in + pad or box.y1 > height_in + pad:
        return None
    pixels = np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]
    rows, cols = pixels.shape[:2]
    left, right = round(box.x0 * dpi), round(box.x1 * dpi)
    top, bottom = round(rows - box.y1 * dpi), round(rows - box.y0 * dpi)
    out = np.full((bottom - top, right - left, 4), 255, dtype=np.uint8)
    src = pixels[max(top, 0) : min(bottom, rows), max(left, 0) : min(right, cols)]
    out[max(-top, 0) : max(-top, 0) + src.shape[0], max(-left, 0) : max(-left, 0) + src.shape[1]] = src
    buf = io.BytesIO()
    png_write(buf, out, dpi, _PNG_METADATA)
    return buf.getvalue()


def to_svg_png(
    graph: nx.Graph,
    *,
    heading: str,
    lang: str = "de",
    dpi: int = 150,
    seed: int = SEED,
    color_by: str | None = "type",
) -> tuple[str, bytes]:
    """Draw ``graph`` once and return it as SVG and as PNG: what :func:`to_svg` and :func:`to_png` return.

    Parameters
    ----------
    graph : networkx.Graph
    heading : str
    lang : {"de", "en"}, optional
    dpi : int, optional
        Resolution of the PNG.
    seed : int, optional
    color_by : {"type", "town", "group"} or None, optional

    Returns
    -------
    tuple of (str, bytes)
        The SVG text and the PNG file.

    Raises
    ------
    ValueError
        As :func:`to_png`.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_nodes_from(["a", "b"], kind="actor")
    >>> g.add_edge("a", "b", kind="cooperation")
    >>> svg, png = to_svg_png(g, heading="Netz", lang="en", dpi=50)
    >>> (svg, png) == (to_svg(g, heading="Netz", lang="en"), to_png(g, heading="Netz", lang="en", dpi=50))
    True
    """
    _check_dpi(dpi)
    _check_color_by(color_by)
    return scene_svg_png(view_scene(graph, lang, seed), heading=heading, lang=lang, dpi=dpi, color_by=color_by)


def scene_svg_png(
    view: Scene, *, heading: str, lang: str = "de", dpi: int = 150, color_by: str | None = "type"
) -> tuple[str, bytes]:
    """Draw a scene of :func:`~ikg.viz.scene.view_scene` as SVG and PNG, as :func:`to_svg_png` draws its graph.

    The report's drawing processes get the scenes the command made (positions included), so
    they need neither networkx nor the layout.

    Parameters
    ----------
    view : Scene
    heading : str
    lang : {"de", "en"}, optional
    dpi : int, optional
    color_by : {"type", "town", "group"} or None, optional

    Returns
    -------
    tuple of (str, bytes)

    Examples
    --------
    >>> from ikg.viz.scene import Scene, SceneEdge, SceneNode
    >>> a = SceneNode("a", "actor", "Akteur A", "", "", -60.0, 0.0, 14.0)
    >>> b = SceneNode("b", "actor", "Akteur B", "", "", 60.0, 0.0, 14.0)
    >>> svg, png = scene_svg_png(Scene((a, b), (SceneEdge(0, 1, "cooperation", "", 1.0),)), heading="Netz", dpi=50)
    >>> "Akteur A" in svg, png[1:4] == b"PNG"
    (True, True)
    """
    _check_dpi(dpi)
    svg, png = _render_scene(view, heading, lang, color_by, svg=True, dpi=dpi)
    assert svg is not None and png is not None
    return svg.decode("utf-8"), png


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
        The SVG text (its texts as ``<text>`` elements).

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
    svg, _ = _render(graph, heading, lang, seed, color_by, svg=True, dpi=None)
    assert svg is not None
    return svg.decode("utf-8")


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
    _check_dpi(dpi)
    _, png = _render(graph, heading, lang, seed, color_by, svg=False, dpi=dpi)
    assert png is not None
    return png
