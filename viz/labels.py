"""Labels for the matplotlib figures, each placed where its box overlaps no other label and no node.

Each label is tried at 48 places around its node (:data:`DIRECTIONS`, three distances, first
avoiding the nodes, then only the other labels) and put at the first that is free. A text's box
is measured once: it has the same width and height wherever it goes, so the boxes of the other
places are computed from it, and only the chosen place becomes a matplotlib text (before, every
try created and measured a text: 2,300 texts for the three views of the Beispielkreis, 1.5 s).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ikg.viz.scene import Scene

__all__ = ["DIRECTIONS", "Boxes", "place_labels"]

#: directions tried for a label, around its node (unit vectors), then farther out
DIRECTIONS: tuple[tuple[int, int], ...] = ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1))
#: how far out, in steps of the node's radius plus 3 points
_STEPS = (1.0, 2.2, 3.6)
#: the gap kept between two labels, in points
_GAP_PT = 1.5
#: the gap is measured in pixels at this resolution, whatever the figure's (as the figures were tuned)
_GAP_DPI = 300


class Boxes:
    """Rectangles in pixels, ``(x0, y0, x1, y1)``, asked whether a new one overlaps any of them."""

    def __init__(self) -> None:
        self._rows = np.empty((16, 4))
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, box: tuple[float, float, float, float]) -> None:
        """Keep ``box``."""
        if self._count == len(self._rows):
            self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
        self._rows[self._count] = box
        self._count += 1

    def hits(self, box: tuple[float, float, float, float], pad: float = 0.0, skip: int = -1) -> bool:
        """Whether ``box``, grown by ``pad`` on every side, overlaps a kept box (not the one at ``skip``)."""
        x0, y0, x1, y1 = box
        rows = self._rows[: self._count]
        found = (x0 - pad < rows[:, 2]) & (rows[:, 0] < x1 + pad) & (y0 - pad < rows[:, 3]) & (rows[:, 1] < y1 + pad)
        if 0 <= skip < self._count:
            found[skip] = False
        return bool(found.any())


def _alignment(dx: int, dy: int) -> tuple[str, str]:
    return (
        "center" if dx == 0 else ("left" if dx > 0 else "right"),
        "center" if dy == 0 else ("top" if dy > 0 else "bottom"),
    )


def _box(anchor: tuple[float, float], size: tuple[float, float], ha: str, va: str) -> tuple[float, float, float, float]:
    """The box of a one-block text of ``size`` (width, height) aligned ``ha``/``va`` at ``anchor``,
    computed as matplotlib lays out a text (:meth:`matplotlib.text.Text.get_window_extent`)."""
    width, height = size
    x0 = -width / 2 if ha == "center" else (-width if ha == "right" else 0.0)
    y0 = -height / 2 if va == "center" else (-height if va == "top" else 0.0)
    return (x0 + anchor[0], y0 + anchor[1], x0 + width + anchor[0], y0 + height + anchor[1])


def _annotate(
    ax: Axes, text: str, xy: tuple[float, float], offset: tuple[float, float], ha: str, va: str, fontsize: float
) -> Any:
    return ax.annotate(
        text,
        xy,
        xytext=offset,
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=fontsize,
        parse_math=False,
        zorder=5,
        bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9},
    )


def place_labels(
    fig: Figure, ax: Axes, view: Scene, names: Mapping[int, str], fontsize: float, placed: Boxes
) -> dict[int, bool]:
    """Put each label where its box overlaps no other label and no node; return which were placed.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        The axes the nodes are drawn in (limits and aspect set).
    view : Scene
    names : mapping of int to str
        Node index -> text, in the order they get a place (the most important first).
    fontsize : float
        In points.
    placed : Boxes
        The labels already placed (these are added to it).

    Returns
    -------
    dict of int to bool
        Node index -> whether its label found a place (the text's ``gid`` is ``label-N``).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    ax.apply_aspect()  # the limits as drawn, so that the boxes measured here are the boxes saved
    frame = ax.get_window_extent(renderer)
    scale = fig.dpi / 72.0  # offset points -> pixels, as matplotlib computes "offset points"
    centres = ax.transData.transform([(n.x, n.y) for n in view.nodes]) if view.nodes else np.empty((0, 2))
    nodes = Boxes()
    for n, (cx, cy) in zip(view.nodes, centres, strict=True):
        r = max(2.0, n.size * 0.5)
        nodes.add((cx - r, cy - r, cx + r, cy + r))
    pad = _GAP_PT * _GAP_DPI / 72.0
    done: dict[int, bool] = {}
    for index, text in names.items():
        n = view.nodes[index]
        cx, cy = float(centres[index][0]), float(centres[index][1])
        done[index] = False
        label: Any = None
        size = (0.0, 0.0)
        for avoid_nodes in (True, False):
            for step in _STEPS:
                for dx, dy in DIRECTIONS:
                    off = (n.size * 0.4 + 3.0) * step
                    offset = (dx * off / math.hypot(dx, dy), -dy * off / math.hypot(dx, dy))
                    ha, va = _alignment(dx, dy)
                    anchor = (scale * offset[0] + cx, scale * offset[1] + cy)
                    if label is None:  # the text is made and measured once, then moved to where it fits
                        label = _annotate(ax, text, (n.x, n.y), offset, ha, va, fontsize)
                        extent = label.get_window_extent(renderer)
                        size = (extent.width, extent.height)
                    box = _box(anchor, size, ha, va)
                    inside = frame.x0 <= box[0] and box[2] <= frame.x1 and frame.y0 <= box[1] and box[3] <= frame.y1
                    if not inside or placed.hits(box, pad) or (avoid_nodes and nodes.hits(box, skip=index)):
                        continue
                    label.xyann = offset
                    label.set_horizontalalignment(ha)
                    label.set_verticalalignment(va)
                    label.set_gid(f"label-{index}")
                    placed.add(box)
                    done[index] = True
                    break
                if done[index]:
                    break
            if done[index]:
                break
        if label is not None and not done[index]:
            label.remove()
    return done
