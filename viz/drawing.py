"""What the matplotlib figures share: edges, nodes, legend, and the settings they are drawn with.

The screen figures (:mod:`ikg.viz.static`) and the print figures
(:mod:`ikg.viz.documents.figure`) draw a :class:`~ikg.viz.scene.Scene` with these: the same
colours, shapes, dash patterns and legend texts as the HTML page. Drawing is serialised by a lock
(:func:`drawing`) because matplotlib's settings are global.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.path import Path
from matplotlib.typing import LineStyleType, RcKeyType

from ikg.graph.i18n import Lang, t
from ikg.viz.png import write_png
from ikg.viz.scene import Scene, SceneNode, clean_text
from ikg.viz.style import COLOR_BY, EDGE_KINDS, EDGE_STYLES, NEUTRAL, NODE_KINDS, NODE_STYLES, text

__all__ = ["RC", "Canvas", "draw_edges", "draw_nodes", "drawing", "extent", "legend", "plain", "png_write"]

_LOCK = threading.Lock()
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
#: matplotlib's settings while a figure is drawn: fixed SVG ids, no TeX, and texts in an SVG kept
#: as text (readable by screen readers, found by search, WCAG 1.4.5; and drawn in a third of the
#: time glyph paths take) in the HTML pages' fonts: DejaVu Sans (which matplotlib ships and measures
#: with), else Verdana or Arial, else the viewer's sans-serif. Glyphs are measured and drawn from
#: their outlines as they are, without FreeType's autohinter (``text.hinting``): the report's three
#: views take about a fifth less time (median of 12 alternating runs: 0.79), their PNG text looks
#: as a browser draws the SVG's, and a label's measured width changes by about 1 %
RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "ikg-viz",
    "svg.fonttype": "none",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["DejaVu Sans", "Verdana", "Arial"],
    "path.simplify": True,
    "text.usetex": False,
    "text.hinting": "no_hinting",
}


class _FixedLimits(logging.Filter):
    """Drops matplotlib's note that it widens fixed limits to keep one unit as long on both axes:
    that is what the figures ask for (``adjustable="datalim"``), not something a user can act on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Ignoring fixed")


_QUIET = _FixedLimits()


@contextmanager
def drawing(rc: dict[RcKeyType, Any] | None = None) -> Iterator[None]:
    """Hold the drawing lock with :data:`RC` (updated by ``rc``) in force.

    A label in a script DejaVu Sans lacks draws empty boxes; the warning about it is not shown, nor
    matplotlib's log line about widened limits.
    """
    log = logging.getLogger("matplotlib.axes._base")
    with _LOCK, matplotlib.rc_context({**RC, **(rc or {})}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        log.addFilter(_QUIET)
        try:
            yield
        finally:
            log.removeFilter(_QUIET)


class Canvas(FigureCanvasAgg):
    """matplotlib's Agg canvas, writing a PNG as RGB at zlib level 3 when every pixel is opaque.

    The figures have a white background, so the alpha channel matplotlib writes is 255
    everywhere: without it, at level 3 instead of 6 and without row filters (:mod:`ikg.viz.png`),
    a view's PNG is about a fifth smaller and written in a sixth of the time, the pixels unchanged.
    """

    def print_png(
        self,
        filename_or_obj: Any,
        *,
        metadata: dict[str, str] | None = None,
        pil_kwargs: dict | None = None,
        **_print_figure: Any,
    ) -> None:
        """Draw the figure and write it as PNG (as :meth:`FigureCanvasAgg.print_png`; the figure's
        settings that :meth:`~matplotlib.backend_bases.FigureCanvasBase.print_figure` passes, such
        as ``facecolor``, are already in force and ignored here)."""
        FigureCanvasAgg.draw(self)
        png_write(filename_or_obj, np.asarray(self.buffer_rgba()), self.figure.dpi, metadata, pil_kwargs)


def png_write(
    target: Any, rgba: np.ndarray, dpi: float, metadata: dict[str, str] | None = None, pil_kwargs: dict | None = None
) -> None:
    """Write an RGBA pixel array (rows top to bottom) as PNG: RGB when every pixel is opaque, zlib level 3.

    Written by :mod:`ikg.viz.png` (no row filters: a third of the time Pillow takes, and smaller
    for these figures); by Pillow when ``pil_kwargs`` asks for its options.

    Parameters
    ----------
    target : file-like or path
    rgba : numpy.ndarray of shape (height, width, 4), uint8
    dpi : float
        Stored as the image's resolution.
    metadata : dict, optional
        PNG text chunks.
    pil_kwargs : dict, optional
        Options of Pillow's PNG writer.
    """
    if not pil_kwargs:
        write_png(target, rgba, dpi, metadata)
        return
    from PIL import Image, PngImagePlugin

    image = Image.fromarray(rgba[..., :3] if bool((rgba[..., 3] == 255).all()) else rgba)
    info = PngImagePlugin.PngInfo()
    for key, value in (metadata or {}).items():
        info.add_text(key, value)
    options = {"compress_level": 3, **pil_kwargs}
    image.save(target, format="png", pnginfo=info, dpi=(dpi, dpi), **options)


def plain(value: str) -> str:
    """A text as drawn: control characters and line/paragraph separators become spaces."""
    return _CONTROL.sub(" ", clean_text(value))


def extent(view: Scene) -> tuple[float, float, float, float]:
    """Left, right, top and bottom of the nodes in pixels, with 40 px to spare."""
    xs = [n.x for n in view.nodes] or [0.0]
    ys = [n.y for n in view.nodes] or [0.0]
    pad = 40.0
    return min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad


def draw_edges(ax: Axes, view: Scene, points_per_px: float) -> None:
    """Draw the edges, dashed kinds above the solid ones: the edges of a kind and width as one path.

    One path of many segments (each its own subpath, so a dash pattern starts anew on each) is one
    element of the SVG and one stroke of the raster drawing, where a collection of single lines
    was one each: the same picture, drawn in less time.
    """
    for kind in EDGE_KINDS:
        chosen = [e for e in view.edges if e.kind == kind]
        if not chosen:
            continue
        style = EDGE_STYLES[kind]
        by_width: dict[float, list[tuple[float, float]]] = {}
        for e in chosen:
            width = round(max(0.3, min(3.0, e.width * 0.75 * max(points_per_px, 0.4))), 2)
            a, b = view.nodes[e.source], view.nodes[e.target]
            by_width.setdefault(width, []).extend(((a.x, a.y), (b.x, b.y)))
        widths = sorted(by_width)
        paths = [Path(by_width[w], [Path.MOVETO, Path.LINETO] * (len(by_width[w]) // 2)) for w in widths]
        dashes = (0, tuple(d * 0.35 for d in style.dashes)) if style.dashes else "solid"
        lines = PathCollection(
            paths,
            facecolors="none",
            edgecolors=style.color,
            linewidths=widths,
            linestyles=dashes,
            zorder=2 if style.dashes else 1,
            capstyle="round",
        )
        ax.add_collection(lines)


def draw_nodes(ax: Axes, view: Scene, points_per_px: float, mode: str | None = None) -> None:
    """Draw the nodes, one scatter per kind (per category of actors when coloured by ``mode``)."""
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


def _marker(marker: str, color: str, border: str) -> Line2D:
    return Line2D([], [], linestyle="None", marker=marker, markersize=8, markerfacecolor=color, markeredgecolor=border)


def legend(
    fig: Figure, view: Scene, lang: Lang, mode: str | None = None, anchor: tuple[float, float] = (1.01, 0.95)
) -> None:
    """Add the legend of what ``view`` draws (with counts when actors are coloured by ``mode``), its
    upper left corner at ``anchor`` (figure fractions)."""
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
            bbox_to_anchor=anchor,
            frameon=False,
            title=t("viz.page.legend", lang),
            alignment="left",
            fontsize=9,
            title_fontsize=10,
        )
