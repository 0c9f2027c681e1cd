"""A network view drawn for print: A4 text width, 300 dpi, the important nodes named, the rest numbered.

Drawn with :mod:`ikg.viz.drawing` (the colours, shapes and legend of the screen figures) and
:mod:`ikg.viz.labels` (labels that overlap nothing). Word and PDF take the PNG; the SVG of the
same drawing is made only when asked for (the tests measure the label boxes in it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import networkx as nx
from matplotlib.figure import Figure

from ikg.graph.i18n import Lang
from ikg.viz.drawing import Canvas, draw_edges, draw_nodes, drawing, extent, legend, plain
from ikg.viz.labels import Boxes, place_labels
from ikg.viz.layout import SEED
from ikg.viz.scene import Scene, scene
from ikg.viz.style import check_lang

__all__ = ["PRINT_DPI", "PRINT_WIDTH_IN", "PrintFigure", "to_print"]

#: width of a print figure: the text width of an A4 page with 2.5 cm margins
PRINT_WIDTH_IN = 6.3
PRINT_DPI = 300


@dataclass(frozen=True)
class PrintFigure:
    """A view drawn for print.

    Attributes
    ----------
    png : bytes
        A4 text width at :data:`PRINT_DPI` dpi.
    svg : str or None
        The same drawing as SVG, when asked for; each label is the group ``label-N`` with its
        white box as a path.
    numbered : tuple of (int, str)
        The number and name of each node drawn with a number instead of its name.
    nodes : int
        How many nodes the view has.
    """

    png: bytes
    svg: str | None
    numbered: tuple[tuple[int, str], ...]
    nodes: int


def to_print(
    graph: nx.Graph,
    *,
    heading: str,
    source: str,
    lang: str = "de",
    named: int = 15,
    seed: int = SEED,
    svg: bool = False,
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
    svg : bool
        Also save the drawing as SVG (:attr:`PrintFigure.svg`; ``None`` otherwise).

    Returns
    -------
    PrintFigure
    """
    chosen = check_lang(lang)
    view = scene(graph, seed=seed)
    order = sorted(range(len(view.nodes)), key=lambda i: (-view.nodes[i].size, plain(view.nodes[i].label)))
    with drawing():
        left, right, top, bottom = extent(view)
        height_in = min(8.5, max(4.0, PRINT_WIDTH_IN * (bottom - top) / (right - left))) + 1.6
        fig = Figure(figsize=(PRINT_WIDTH_IN, height_in), dpi=PRINT_DPI)
        Canvas(fig)
        ax = fig.add_axes((0.02, 1.1 / height_in, 0.96, 1 - 1.6 / height_in))
        ax.set_xlim(left - 20, right + 20)
        ax.set_ylim(bottom + 20, top - 20)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_axis_off()
        bbox = ax.get_position()
        points_per_px = min(
            PRINT_WIDTH_IN * bbox.width * 72.0 / (right - left), height_in * bbox.height * 72.0 / (bottom - top)
        )
        draw_edges(ax, view, points_per_px)
        draw_nodes(ax, view, max(points_per_px, 0.35))
        names = {i: plain(view.nodes[i].label) for i in order[:named]}
        boxes = Boxes()
        placed = place_labels(fig, ax, view, names, 6.5, boxes)
        numbered_order = [i for i in order if not placed.get(i)]
        numbers = {i: str(k) for k, i in enumerate(numbered_order, start=1)}
        place_labels(fig, ax, view, numbers, 5.5, boxes)
        fig.suptitle(
            plain(heading), x=0.02, y=1 - 0.12 / height_in, ha="left", va="top", fontsize=11, fontweight="bold"
        )
        _print_legend(fig, view, chosen, 0.95 / height_in)
        fig.text(0.02, 0.12 / height_in, plain(source), fontsize=6.5, color="#444444", parse_math=False)
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=PRINT_DPI, facecolor="white", metadata={"Software": "ikg"})
        drawn = None
        if svg:
            out = io.BytesIO()
            fig.savefig(out, format="svg", facecolor="white", metadata={"Date": None, "Creator": "ikg"})
            drawn = out.getvalue().decode("utf-8")
    numbered = tuple((k, plain(view.nodes[i].label)) for k, i in enumerate(numbered_order, start=1))
    return PrintFigure(png.getvalue(), drawn, numbered, len(view.nodes))


def _print_legend(fig: Figure, view: Scene, lang: Lang, top: float) -> None:
    legend(fig, view, lang)
    drawn = fig.legends[-1]
    drawn.remove()
    handles = [h for h in drawn.legend_handles if h is not None]
    labels = [x.get_text() for x in drawn.get_texts()]
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.02, top), ncol=4, frameon=False, fontsize=7)
