"""The HTML beside the network of a view page: legend, profile panel and the table of its content.

The legend counts what this view draws: its nodes per kind (and its actors per category of the
chosen colouring) and its edges per kind, one drawn line each. The table gives the same content
as text (WCAG 1.1.1): every node with its kind or type, town, working group and number of
connections, and every edge with its kind and details (for a suggested link: the reasons). Each
node's name is a button that opens its profile in the panel. Swatches are small inline SVGs
(presentation attributes, no inline style, so the page's Content-Security-Policy stays strict).
Every text is escaped here.
"""

from __future__ import annotations

import html

from ikg.graph.i18n import Lang, format_number, t
from ikg.viz.scene import Category, Scene
from ikg.viz.style import COLOR_BY, EDGE_KINDS, EDGE_STYLES, NEUTRAL, NODE_KINDS, NODE_STYLES, text

__all__ = ["legend_html", "panel_html", "swatch", "table_html"]

_esc = html.escape

_POLYGONS = {
    "square": "2,2 12,2 12,12 2,12",
    "diamond": "7,1 13,7 7,13 1,7",
    "hexagon": "4,1.5 10,1.5 13,7 10,12.5 4,12.5 1,7",
    "triangle": "7,1.5 13,12.5 1,12.5",
    "triangleDown": "1,1.5 13,1.5 7,12.5",
    "star": "7,0.8 8.8,5 13.4,5.3 9.9,8.3 11,12.8 7,10.4 3,12.8 4.1,8.3 0.6,5.3 5.2,5",
}


def swatch(shape: str, fill: str, border: str) -> str:
    """A 14 × 14 px SVG of a node shape (``aria-hidden``: the text beside it names it).

    Examples
    --------
    >>> swatch("dot", "#0072B2", "#00466E")[:40]
    '<svg class="sw" width="14" height="14" v'
    """
    head = '<svg class="sw" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">'
    paint = f'fill="{_esc(fill)}" stroke="{_esc(border)}" stroke-width="1.5"'
    if shape in _POLYGONS:
        return f'{head}<polygon points="{_POLYGONS[shape]}" {paint}/></svg>'
    return f'{head}<circle cx="7" cy="7" r="5.5" {paint}/></svg>'


def _line(kind: str) -> str:
    style = EDGE_STYLES[kind]
    dash = f' stroke-dasharray="{" ".join(str(d) for d in style.dashes)}"' if style.dashes else ""
    return (
        '<svg class="ln" width="32" height="8" viewBox="0 0 32 8" aria-hidden="true" focusable="false">'
        f'<line x1="0" y1="4" x2="32" y2="4" stroke="{_esc(style.color)}" '
        f'stroke-width="{max(2.0, style.width):g}"{dash}/></svg>'
    )


def _item(box: str, mark: str, label: str, count: int, lang: Lang) -> str:
    return (
        f'<li><label>{box}{mark}{_esc(label)} <span class="n">({_esc(format_number(count, lang))})</span></label></li>'
    )


def _categories(mode: str, cats: tuple[Category, ...], chosen: str | None, lang: Lang) -> str:
    hidden = "" if mode == chosen else " hidden"
    parts = [f'<ul data-mode="{_esc(mode)}"{hidden}>']
    for i, cat in enumerate(cats):
        box = f'<input type="checkbox" checked data-mode-of="{_esc(mode)}" data-cat="{i}">'
        parts.append(_item(box, swatch(cat.shape, cat.color, cat.border), cat.text, cat.count, lang))
    parts.append("</ul>")
    return "".join(parts)


def legend_html(view: Scene, lang: Lang, mode: str | None) -> str:
    """The legend: a checkbox per node kind, actor category and edge kind present, with counts.

    ``mode`` is the colouring shown first (``None``: by node kind).
    """
    node_counts = {k: 0 for k in NODE_KINDS}
    for n in view.nodes:
        node_counts[n.kind] += 1
    edge_counts = {k: 0 for k in EDGE_KINDS}
    for e in view.edges:
        edge_counts[e.kind] += 1
    heading = _esc(t("viz.page.legend", lang))
    parts = [f'<aside id="ikg-legend" aria-labelledby="ikg-legend-h"><h2 id="ikg-legend-h">{heading}</h2>']
    nodes_h, edges_h = t("viz.page.nodes", lang), t("viz.page.edges", lang)
    parts.append(f"<h3>{_esc(nodes_h)}</h3>")
    if mode is not None and view.categories and node_counts["actor"]:
        for m in COLOR_BY:
            parts.append(_categories(m, view.categories[m], mode, lang))
    parts.append("<ul>")
    for kind, count in node_counts.items():
        if not count or (kind == "actor" and mode is not None and view.categories):
            continue
        style = NODE_STYLES[kind]
        fill, border = (style.color, style.border) if mode is None else NEUTRAL
        box = f'<input type="checkbox" checked data-set="node" data-kind="{_esc(kind)}">'
        parts.append(_item(box, swatch(style.shape, fill, border), text(kind, lang), count, lang))
    parts.append("</ul>")
    if any(edge_counts.values()):
        parts.append(f"<h3>{_esc(edges_h)}</h3><ul>")
        for kind, count in edge_counts.items():
            if count:
                box = f'<input type="checkbox" checked data-set="edge" data-kind="{_esc(kind)}">'
                parts.append(_item(box, _line(kind), text(kind, lang), count, lang))
        parts.append("</ul>")
    parts.append("</aside>")
    return "".join(parts)


def panel_html(lang: Lang) -> str:
    """The empty profile panel (hidden until a node is opened; the page's script fills it)."""
    close = _esc(t("views.panel.close", lang))
    return (
        '<aside id="ikg-panel" hidden aria-labelledby="ikg-panel-title">'
        f'<button type="button" id="ikg-panel-close">{close}</button>'
        '<h2 id="ikg-panel-title" tabindex="-1"></h2><dl id="ikg-panel-body"></dl></aside>'
    )


def _kind_text(view: Scene, index: int, lang: Lang) -> str:
    node = view.nodes[index]
    if node.kind == "actor" and view.categories and node.cats:
        facts = dict(node.facts)
        shown = facts.get(t("views.fact.type", lang))
        if shown:
            return shown[0]
    return text(node.kind, lang)


def table_html(view: Scene, lang: Lang) -> str:
    """The view as two tables in a ``<details>``: nodes and edges, the same content as the drawing."""
    cols = [
        t("views.table.name", lang),
        t("views.table.kind", lang),
        t("views.table.town", lang),
        t("views.table.group", lang),
        t("views.table.degree", lang),
    ]
    head = "".join(f'<th scope="col">{_esc(c)}</th>' for c in cols)
    rows = []
    for i, n in enumerate(view.nodes):
        facts = dict(n.facts)
        town = ", ".join(facts.get(t("views.fact.town", lang), ()))
        groups = ", ".join(facts.get(t("views.fact.groups", lang), ()))
        rows.append(
            f'<tr><th scope="row"><button type="button" class="ikg-node" data-node="{i}">{_esc(n.label)}</button></th>'
            f"<td>{_esc(_kind_text(view, i, lang))}</td><td>{_esc(town)}</td><td>{_esc(groups)}</td>"
            f'<td class="num">{_esc(format_number(n.degree, lang))}</td></tr>'
        )
    node_caption = _esc(t("views.table.nodes", lang, n=format_number(len(view.nodes), lang)))
    edge_caption = _esc(t("views.table.edges", lang, n=format_number(len(view.edges), lang)))
    nodes = (
        f"<table><caption>{node_caption}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    ecols = [
        t("views.table.from", lang),
        t("views.table.to", lang),
        t("views.table.edge", lang),
        t("views.table.details", lang),
    ]
    ehead = "".join(f'<th scope="col">{_esc(c)}</th>' for c in ecols)
    erows = []
    for e in view.edges:
        details = e.title.split("\n", 1)[1] if "\n" in e.title and e.kind != "suggested" else e.title
        erows.append(
            f"<tr><td>{_esc(view.nodes[e.source].label)}</td><td>{_esc(view.nodes[e.target].label)}</td>"
            f'<td>{_esc(text(e.kind, lang))}</td><td class="pre">{_esc(details)}</td></tr>'
        )
    edges = (
        f"<table><caption>{edge_caption}</caption>"
        f"<thead><tr>{ehead}</tr></thead><tbody>{''.join(erows)}</tbody></table>"
        if view.edges
        else ""
    )
    summary = _esc(t("views.table.summary", lang))
    return f'<details class="ikg-table" id="ikg-table"><summary>{summary}</summary>{nodes}{edges}</details>'
