"""One self-contained, offline, safe HTML page per network view (vis-network, shipped by pyvis).

The page embeds everything it needs: the copy of vis-network 9.1.2 that pyvis ships inside its
package, the stylesheet and script of :mod:`ikg.viz.page_script` and the data. It loads nothing
from the network, works from ``file://`` and inside ``<iframe sandbox="allow-scripts">``, and
exposes ``window.network`` (the ``vis.Network``) and ``window.ikg`` (``firstDraw`` is
``performance.now()`` at the first drawing, ``null`` before; see :mod:`ikg.viz.page_script`).

Readable and accessible (issue 15): labels at 13 px for the most important nodes that have room,
the others on hover, keyboard focus and in the table; actors coloured and shaped by type, town or
working group (a select); legend counts of what this view draws (:mod:`ikg.viz.table`); a profile
panel on click or Enter; keyboard navigation with a visible focus and the focused node's tooltip
shown as text; beside the network a table of every node and edge (WCAG 1.1.1).

pyvis's own ``Network.write_html`` is not used: its template loads vis-network, Bootstrap and
tom-select from CDNs whatever ``cdn_resources`` says, writes the heading and the select-menu node
ids into the page unescaped, and renders every tooltip as HTML once any title contains "href";
``Network.add_node`` is also quadratic (4.2 s for 5,000 nodes).

How data stays data:

- The heading and every text of ours (from the message catalogue, ``viz.po``) go through
  :func:`html.escape`.
- Nodes and edges are one JSON document in ``<script type="application/json">`` (never executed),
  with ``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\\uXXXX`` escapes so that no text can end
  the element; the script reads it with ``JSON.parse``.
- Labels are drawn on a canvas; tooltips, the focus card, the profile panel and the search
  results are filled with ``textContent``. No ``innerHTML`` anywhere in our script; the legend
  and the table are written here, every text escaped.
- A Content-Security-Policy allows exactly the page's own two scripts and stylesheet (by their
  SHA-256) and nothing else: no other script, no inline event handler, no request.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import importlib.util
import json
import re
from pathlib import Path

import networkx as nx

from ikg.graph.i18n import Lang, format_number, t
from ikg.viz.layout import SEED, SPACING
from ikg.viz.page_script import SCRIPT, STYLE
from ikg.viz.scene import Scene, clean_text, scene
from ikg.viz.style import COLOR_BY, EDGE_KINDS, EDGE_STYLES, NEUTRAL, NODE_KINDS, NODE_STYLES, check_lang, text
from ikg.viz.table import legend_html, panel_html, table_html

__all__ = ["embed_snippet", "script_json", "to_html", "vis_network_js"]

#: Where pyvis keeps the vis-network build it ships (inside the ``pyvis`` package).
VIS_RESOURCE = ("lib", "vis-9.1.2", "vis-network.min.js")

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


@functools.lru_cache(maxsize=1)
def vis_network_js() -> str:
    """Return the vis-network 9.1.2 script that pyvis ships in its package.

    The file is found without importing pyvis (whose import pulls in IPython: 0.2 s).

    Raises
    ------
    RuntimeError
        If the file is missing or could end an inline ``<script>`` element.
    """
    spec = importlib.util.find_spec("pyvis")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    path = Path(folders[0]).joinpath(*VIS_RESOURCE) if folders else None
    if path is None or not path.is_file():  # pragma: no cover - depends on the pyvis release
        raise RuntimeError("pyvis does not ship vis-network 9.1.2 (pyvis/lib/vis-9.1.2/vis-network.min.js)")
    text = path.read_text(encoding="utf-8")
    if re.search(r"</script|<!--", text, re.IGNORECASE):  # pragma: no cover - checked on 9.1.2
        raise RuntimeError("the vis-network script cannot be inlined safely")
    return text


def script_json(value: object) -> str:
    """Serialise ``value`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` (so ``</script>`` and
    ``<!--`` cannot occur), U+2028 and U+2029 become escapes too; the result is still valid JSON
    with the same value. NaN and infinities are refused.

    Examples
    --------
    >>> script_json({"label": "</script><b>&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _rank(view: Scene) -> list[int]:
    """Node indices by importance: size (the metric) first, then connections, then name."""
    return sorted(
        range(len(view.nodes)), key=lambda i: (-view.nodes[i].size, -view.nodes[i].degree, view.nodes[i].label)
    )


def _payload(view: Scene, lang: Lang, physics: bool, mode: str | None) -> dict:
    node_kinds = {kind: i for i, kind in enumerate(NODE_KINDS)}
    edge_kinds = {kind: i for i, kind in enumerate(EDGE_KINDS)}
    cats = view.categories or {}
    return {
        "physics": bool(physics),
        "spacing": SPACING,
        "lang": lang,
        "match": t("viz.page.match", lang),
        "matches": t("viz.page.matches", lang),
        "networkLabel": t(
            "views.network",
            lang,
            nodes=format_number(len(view.nodes), lang),
            edges=format_number(len(view.edges), lang),
        ),
        "mode": mode,
        "modes": list(COLOR_BY),
        "neutral": list(NEUTRAL),
        "cats": {
            m: [{"text": c.text, "color": c.color, "border": c.border, "shape": c.shape} for c in cats.get(m, ())]
            for m in COLOR_BY
        },
        "kinds": [
            {"kind": k, "text": text(k, lang), "color": s.color, "border": s.border, "shape": s.shape}
            for k, s in NODE_STYLES.items()
        ],
        "edgeStyles": [{"kind": k, "color": s.color, "dashes": list(s.dashes)} for k, s in EDGE_STYLES.items()],
        "nodes": [
            [node_kinds[n.kind], n.label, n.title, n.subkind, n.x, n.y, n.size, n.key, list(n.cats)] for n in view.nodes
        ],
        "facts": [
            [[head, list(items)] for head, items in n.facts] or [[text(n.kind, lang), n.title.split("\n")[1:]]]
            for n in view.nodes
        ],
        "rank": _rank(view),
        "edges": [[e.source, e.target, edge_kinds[e.kind], e.title, e.width] for e in view.edges],
    }


def _tools(lang: Lang, search: bool, mode: str | None) -> str:
    esc = html.escape
    label, placeholder = t("viz.page.search", lang), t("viz.page.search_placeholder", lang)
    physics = t("viz.page.physics", lang)
    parts = ['<div class="ikg-tools">']
    if mode is not None:
        names = {
            "type": t("views.color_by.type", lang),
            "town": t("views.color_by.town", lang),
            "group": t("views.color_by.group", lang),
        }
        options = "".join(
            f'<option value="{m}"{" selected" if m == mode else ""}>{esc(names[m])}</option>' for m in COLOR_BY
        )
        choose = esc(t("views.color_by", lang))
        parts.append(f'<label>{choose} <select id="ikg-color-by">{options}</select></label>')
    if search:
        parts.append(
            f'<label>{esc(label)} <input type="search" id="ikg-search" autocomplete="off" '
            f'placeholder="{esc(placeholder)}"></label><span id="ikg-status" role="status"></span>'
        )
    parts.append(f'<label><input type="checkbox" id="ikg-physics"> {esc(physics)}</label></div>')
    return "".join(parts)


def to_html(
    graph: nx.Graph,
    *,
    heading: str,
    lang: str = "de",
    physics: bool = False,
    legend: bool = True,
    search: bool = True,
    seed: int = SEED,
    color_by: str | None = "type",
) -> str:
    """Render ``graph`` as one self-contained interactive HTML page.

    Parameters
    ----------
    graph : networkx.Graph
        The view's graph; see :func:`ikg.viz.scene.scene` for the attributes it reads.
    heading : str
        Shown above the network and used as the page title (escaped).
    lang : {"de", "en"}, optional
        Language of the legend and controls; the labels come from the graph as they are.
    physics : bool, optional
        Start with vis-network's physics simulation on (a checkbox in the page switches it).
        Off by default: positions come from :func:`ikg.viz.layout.layout`, and the page draws
        5,000 nodes in about a second instead of more than a minute.
    legend : bool, optional
        Show the legend (with a checkbox per kind that hides or shows it).
    search : bool, optional
        Show the search box (it selects the nodes whose label, type or kind contains the text).
    seed : int, optional
        Seed of the layout.
    color_by : {"type", "town", "group"} or None, optional
        What the actors' colour and shape show first (a select in the page switches);
        ``None`` colours every node by its kind.

    Returns
    -------
    str
        The page. The same graph and arguments give the same text, byte for byte.

    Raises
    ------
    ValueError
        For an unknown ``lang`` or a graph with unknown kinds (see :func:`ikg.viz.scene.scene`).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_node("a", kind="actor", label="<b>Caritas</b>", title="Caritas")
    >>> page = to_html(g, heading="Netz & Lücken")
    >>> "<h1>Netz &amp; Lücken</h1>" in page, "<b>Caritas" in page, 'src="http' in page
    (True, False, False)
    """
    lang = check_lang(lang)
    if color_by is not None and color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)} or None, not {color_by!r}")
    view = scene(graph, seed=seed, other=t("views.other", lang))
    mode = color_by if any(n.kind == "actor" for n in view.nodes) else None
    data = script_json(_payload(view, lang, physics, mode))
    vis_js, app_js, css = vis_network_js(), SCRIPT, STYLE
    csp = (
        f"default-src 'none'; script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}; "
        f"style-src {_csp_hash(css)}; img-src data:; base-uri 'none'; form-action 'none'"
    )
    title = html.escape(clean_text(heading))
    esc = html.escape
    keys, network = t("views.keys", lang), t("viz.page.network", lang)
    parts = [
        "<!DOCTYPE html>\n",
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f"<title>{title}</title>\n<style>{css}</style>\n</head>\n<body>\n",
        f"<header><h1>{title}</h1>{_tools(lang, search, mode)}</header>\n",
        f'<main><h2 class="vh">{esc(network)}</h2>',
        '<div class="ikg-row"><div class="ikg-canvas"><div id="ikg-network"></div>',
        '<div id="ikg-focus" role="status"></div></div>',
        f'<div class="ikg-side">{panel_html(lang)}{legend_html(view, lang, mode) if legend else ""}</div></div>',
        f'<p id="ikg-keys" class="vh">{esc(keys)}</p>',
        table_html(view, lang),
        "</main>\n",
        f'<script type="application/json" id="ikg-data">{data}</script>\n',
        f"<script>{vis_js}</script>\n",
        f"<script>{app_js}</script>\n",
        "</body>\n</html>\n",
    ]
    return "".join(parts)


_SIZE = re.compile(r"^\d{1,5}(\.\d+)?(px|%|em|rem|vh|vw)?$")
_SAFE_SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def _dimension(value: int | str, name: str) -> str:
    text = str(value).strip()
    if isinstance(value, bool) or not _SIZE.match(text):
        raise ValueError(f"{name} must be a number of pixels or a CSS length like '100%', not {value!r}")
    return text


def embed_snippet(src: str, *, title: str, width: int | str = "100%", height: int | str = 600) -> str:
    """Return an ``<iframe sandbox="allow-scripts">`` that shows the page at ``src``.

    The sandbox lets the page run its scripts but gives it no origin: it cannot read the host
    page, its cookies or storage, open windows, submit forms or navigate the top page.

    Parameters
    ----------
    src : str
        URL of the view (relative, ``http(s)``, or ``file``); other schemes such as
        ``javascript:`` or ``data:`` are refused.
    title : str
        Accessible title of the frame (escaped).
    width, height : int or str, optional
        Pixels (``600``) or a CSS length (``"100%"``, ``"40em"``).

    Returns
    -------
    str
        One line of HTML with every attribute escaped.

    Raises
    ------
    ValueError
        For a refused URL scheme or a width or height that is not a length.

    Examples
    --------
    >>> print(embed_snippet("views/ag.html", title='AG "Sprache"', height=480))
    <iframe sandbox="allow-scripts" src="views/ag.html" title="AG &quot;Sprache&quot;" width="100%" height="480" \
style="border:0" loading="lazy" referrerpolicy="no-referrer"></iframe>
    """
    url = str(src)
    if _CONTROL.search(url):
        # browsers drop tabs and newlines inside URLs: "java\tscript:" would become "javascript:"
        raise ValueError("src must not contain whitespace or control characters")
    found = _SAFE_SCHEME.match(url)  # always matches: the scheme is optional
    scheme = found.group(0).lower() if found else ""
    if scheme not in ("", "http:", "https:", "file:"):
        raise ValueError(f"refusing to embed a {scheme!r} URL")
    esc = functools.partial(html.escape, quote=True)
    return (
        f'<iframe sandbox="allow-scripts" src="{esc(url)}" title="{esc(str(title))}" '
        f'width="{esc(_dimension(width, "width"))}" height="{esc(_dimension(height, "height"))}" '
        'style="border:0" loading="lazy" referrerpolicy="no-referrer"></iframe>'
    )
