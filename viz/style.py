"""Colours, shapes and legend texts of the network views, shared by HTML, SVG and PNG.

The words themselves are in the message catalogue (``graph/locale/<lang>/LC_MESSAGES/viz.po``):
a node kind's legend text under ``viz.kind.<kind>``, an edge kind's under ``viz.edge.<kind>``,
the page's own texts under ``viz.page.*``.

The palette is Okabe and Ito's, chosen to stay distinguishable with the common kinds of colour
blindness; every node kind (and, when actors are coloured by type, town or working group, every
category) also has its own shape, and every edge kind its own dash pattern, so nothing depends on
colour alone. Edge colours have at least 3:1 contrast against the white background.

References
----------
.. [1] M. Okabe and K. Ito, "Color Universal Design (CUD): how to make figures and presentations
   that are friendly to colorblind people", 2008.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ikg.graph.i18n import LANGS, Lang, catalogue, t

__all__ = [
    "CATEGORY_COLORS",
    "CATEGORY_SHAPES",
    "COLOR_BY",
    "EDGE_KINDS",
    "EDGE_STYLES",
    "LANGS",
    "NEUTRAL",
    "NODE_KINDS",
    "NODE_STYLES",
    "OTHER_COLOR",
    "TEXTS",
    "EdgeStyle",
    "NodeStyle",
    "check_lang",
    "contrast",
    "node_size",
    "text",
]

#: Okabe–Ito colours by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#8C8C8C",
}


@dataclass(frozen=True)
class NodeStyle:
    """How one kind of node is drawn.

    ``shape`` is a vis-network shape name, ``marker`` the matching matplotlib marker, ``size`` the
    radius in pixels when the node has no ``size_value``.
    """

    color: str
    border: str
    shape: str
    marker: str
    size: float


@dataclass(frozen=True)
class EdgeStyle:
    """How one kind of edge is drawn; ``dashes`` is empty for a solid line."""

    color: str
    width: float
    dashes: tuple[int, ...] = ()


#: Node kinds in legend order.
NODE_KINDS = ("actor", "working_group", "goal", "action_field", "task")
#: Edge kinds in legend order; ``suggested`` is the gaps overlay.
EDGE_KINDS = (
    "membership",
    "shared_group",
    "cooperation",
    "pursues",
    "formulated",
    "in_field",
    "addresses",
    "suggested",
)
NODE_STYLES: dict[str, NodeStyle] = {
    "actor": NodeStyle(OKABE_ITO["blue"], "#00466E", "dot", "o", 10.0),
    "working_group": NodeStyle(OKABE_ITO["orange"], "#8A5F00", "square", "s", 14.0),
    "goal": NodeStyle(OKABE_ITO["bluish_green"], "#005C43", "diamond", "D", 12.0),
    "action_field": NodeStyle(OKABE_ITO["reddish_purple"], "#7A4864", "hexagon", "h", 16.0),
    "task": NodeStyle(OKABE_ITO["sky_blue"], "#2A6A8F", "triangle", "^", 14.0),
}

#: Every edge kind has its own dash pattern and a colour with at least 3:1 contrast against the
#: white background (WCAG 1.4.11; :func:`contrast` computes it), so kinds differ without colour.
EDGE_STYLES: dict[str, EdgeStyle] = {
    "membership": EdgeStyle("#707070", 1.0, (6, 3)),
    "shared_group": EdgeStyle("#707070", 1.0, (3, 3)),
    "cooperation": EdgeStyle(OKABE_ITO["blue"], 2.0),
    "pursues": EdgeStyle("#007A5E", 1.0, (1, 3)),
    "formulated": EdgeStyle("#A36A00", 1.0, (10, 3, 2, 3)),
    "in_field": EdgeStyle("#A8508A", 1.0, (12, 3, 2, 3, 2, 3)),
    "addresses": EdgeStyle("#2C7FB8", 1.0, (2, 6)),
    "suggested": EdgeStyle(OKABE_ITO["vermillion"], 2.5, (14, 6)),
}

#: What an actor's colour and shape can show (``ikg view --color-by``).
COLOR_BY = ("type", "town", "group")
#: Colours of the categories of :data:`COLOR_BY`, most frequent first (Okabe–Ito), with a darker
#: border of at least 3:1 contrast against white; the last one is for "other".
CATEGORY_COLORS: tuple[tuple[str, str], ...] = (
    (OKABE_ITO["blue"], "#00466E"),
    (OKABE_ITO["orange"], "#8A5F00"),
    (OKABE_ITO["bluish_green"], "#005C43"),
    (OKABE_ITO["reddish_purple"], "#7A4864"),
    (OKABE_ITO["sky_blue"], "#2A6A8F"),
    (OKABE_ITO["vermillion"], "#8F3F00"),
    (OKABE_ITO["yellow"], "#6B6500"),
)
#: the colour of the category that gathers the rest
OTHER_COLOR = ("#BBBBBB", "#4D4D4D")
#: (vis-network shape, matplotlib marker) of the categories, in turn: shape and colour together
#: tell the categories apart; node kinds other than actors keep their own shape.
CATEGORY_SHAPES: tuple[tuple[str, str], ...] = (("dot", "o"), ("star", "*"), ("triangleDown", "v"))
#: neutral fill of non-actor nodes when actors are coloured by a category
NEUTRAL = ("#E8E8E8", "#333333")


def contrast(foreground: str, background: str = "#FFFFFF") -> float:
    """The WCAG 2.1 contrast ratio of two ``#RRGGBB`` colours (1 to 21).

    Examples
    --------
    >>> round(contrast("#000000"), 1), round(contrast("#707070"), 2)
    (21.0, 4.95)
    """

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if it is one of :data:`LANGS`, else raise.

    Raises
    ------
    ValueError
        For any other language.

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def _key(kind: str) -> str:
    if kind in NODE_KINDS:
        return f"viz.kind.{kind}"
    if kind in EDGE_KINDS:
        return f"viz.edge.{kind}"
    raise KeyError(kind)


def text(kind: str, lang: str) -> str:
    """Return the legend text of a node or edge ``kind`` in ``lang``, from the message catalogue.

    Raises
    ------
    KeyError
        For a kind that is not in :data:`NODE_KINDS` or :data:`EDGE_KINDS`.
    ValueError
        For an unknown ``lang``.

    Examples
    --------
    >>> text("goal", "de"), text("suggested", "en")
    ('Ziel', 'suggested link (gap)')
    """
    return t(_key(kind), check_lang(lang))


class _LegendTexts(Mapping[str, Mapping[str, str]]):
    """Language -> kind -> legend text, read from the catalogue: the kinds it has a text for.

    Kept for callers of the former table of words; the renderers call :func:`text`.
    """

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        known = catalogue(check_lang(lang))
        return {kind: text(kind, lang) for kind in NODE_KINDS + EDGE_KINDS if _key(kind) in known}

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)


#: Legend texts by language and kind (``TEXTS["de"]["goal"] == "Ziel"``), from the catalogue.
TEXTS: Mapping[str, Mapping[str, str]] = _LegendTexts()


def node_size(kind: str, value: float | None, largest: float) -> float:
    """Radius in pixels of a node of ``kind`` whose metric is ``value`` (``largest`` in the graph).

    Nodes without a metric (or when no node has a positive one) get their kind's default size;
    otherwise the area grows with the value, from 6 to 26 px radius.

    Examples
    --------
    >>> node_size("actor", None, 0.0)
    10.0
    >>> node_size("actor", 4.0, 4.0), node_size("actor", 0.0, 4.0)
    (26.0, 6.0)
    """
    if value is None or largest <= 0:
        return NODE_STYLES[kind].size
    share = min(max(float(value), 0.0) / largest, 1.0)
    return round(6.0 + 20.0 * share**0.5, 1)
