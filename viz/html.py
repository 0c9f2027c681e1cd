"""One self-contained, offline, safe HTML page per network view (vis-network, shipped by pyvis).

The page embeds everything it needs: the copy of vis-network 9.1.2 that pyvis ships inside its
package, a small stylesheet, the data and a short script of ours (search box, filters by kind,
physics switch). It loads nothing from the network, works from ``file://`` and inside
``<iframe sandbox="allow-scripts">``, and exposes two globals: ``window.network`` (the
``vis.Network``) and ``window.ikg`` (``{firstDraw, nodes, edges, search(text)}``; ``firstDraw`` is
``performance.now()`` at the first drawing, ``null`` before).

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
- Labels are drawn on a canvas; tooltips are DOM elements filled with ``textContent``; the search
  results are written with ``textContent``. No ``innerHTML`` anywhere in our script.
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
from ikg.viz.scene import Scene, clean_text, scene
from ikg.viz.style import EDGE_KINDS, EDGE_STYLES, NODE_KINDS, NODE_STYLES, check_lang, text

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

_CSS = """
*{box-sizing:border-box}
html,body{margin:0;height:100%;font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#222;background:#fff}
body{display:flex;flex-direction:column}
header{padding:.4em .8em;border-bottom:1px solid #ddd;display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center}
h1{font-size:1.15em;margin:0;flex:1 1 20em;overflow-wrap:anywhere}
.ikg-tools{display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:center;font-size:.9em}
.ikg-tools input[type=search]{width:14em;padding:.2em .4em}
#ikg-status{color:#555;min-width:6em}
main{flex:1 1 auto;display:flex;min-height:18em}
#ikg-network{flex:1 1 auto;min-width:0;position:relative}
aside{flex:0 0 auto;width:19em;overflow:auto;border-left:1px solid #ddd;padding:.4em .7em;font-size:.85em}
aside h2{font-size:1em;margin:.2em 0 .3em}
aside h3{font-size:.9em;margin:.6em 0 .2em;color:#444}
aside ul{list-style:none;margin:0;padding:0}
aside li{margin:.15em 0}
aside label{display:flex;align-items:center;gap:.4em;cursor:pointer}
.sw{flex:0 0 auto;display:inline-block;width:14px;height:14px;border:1.5px solid}
.sw.dot{border-radius:50%}
.sw.diamond{transform:rotate(45deg) scale(.8)}
.sw.hexagon{clip-path:polygon(25% 5%,75% 5%,100% 50%,75% 95%,25% 95%,0 50%)}
.sw.triangle{clip-path:polygon(50% 0,100% 100%,0 100%)}
.ln{flex:0 0 auto;display:inline-block;width:26px;height:0;border-top-style:solid}
.ln.dashed{border-top-style:dashed}
.n{color:#666}
div.vis-tooltip{position:absolute;visibility:hidden;padding:5px 7px;white-space:pre-wrap;max-width:28em;
font-size:13px;background:#fffff4;border:1px solid #888;border-radius:3px;box-shadow:2px 2px 8px rgba(0,0,0,.2);
pointer-events:none;z-index:5;color:#000;overflow-wrap:anywhere}
""".strip()

_APP_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ikg-data").textContent);
  var state = {firstDraw: null, nodes: null, edges: null, search: null};
  window.ikg = state;
  function tip(text) {
    if (!text) { return undefined; }
    var el = document.createElement("div");
    el.className = "ikg-tip";
    el.textContent = text;
    return el;
  }
  var nodeStyles = data.nodeStyles, edgeStyles = data.edgeStyles;
  var haystack = [];
  var nodeList = data.nodes.map(function (n, i) {
    var st = nodeStyles[n[0]];
    haystack.push((n[1] + "\n" + n[3] + "\n" + st.text).toLowerCase());
    return {
      id: i, key: n[7], kind: st.kind, label: n[1], title: tip(n[2]), subkind: n[3],
      x: n[4], y: n[5], size: n[6], shape: st.shape,
      color: {background: st.color, border: st.border,
              highlight: {background: st.color, border: "#000000"},
              hover: {background: st.color, border: "#000000"}}
    };
  });
  var edgeList = data.edges.map(function (e, i) {
    var st = edgeStyles[e[2]];
    var edge = {
      id: i, from: e[0], to: e[1], kind: st.kind, title: tip(e[3]), width: e[4],
      color: {color: st.color, highlight: "#000000", hover: "#000000", inherit: false},
      dashes: st.dashes.length ? st.dashes : false
    };
    return edge;
  });
  var nodes = new vis.DataSet(nodeList);
  var edges = new vis.DataSet(edgeList);
  state.nodes = nodes;
  state.edges = edges;
  var big = nodeList.length > 1000;
  var options = {
    autoResize: true,
    layout: {improvedLayout: false, randomSeed: 1},
    physics: {enabled: data.physics, solver: "barnesHut",
              barnesHut: {springLength: data.spacing, avoidOverlap: 0.2},
              stabilization: {enabled: false}},
    interaction: {hover: !big, tooltipDelay: 200, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                  keyboard: false, navigationButtons: false, multiselect: true},
    nodes: {borderWidth: 1.5, font: {size: 14, face: "DejaVu Sans, Verdana, Arial, sans-serif", color: "#222222"}},
    edges: {smooth: false, selectionWidth: 1.5, hoverWidth: 1}
  };
  var container = document.getElementById("ikg-network");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  window.network = network;
  network.once("afterDrawing", function () { state.firstDraw = performance.now(); });
  network.fit({animation: false});
  // a page in an <iframe> may get its size only after the first fit: fit again until the user
  // zooms or drags, so that an embedded view shows the whole network
  var touched = false;
  network.on("zoom", function () { touched = true; });
  network.on("dragStart", function () { touched = true; });
  if (window.ResizeObserver) {
    new ResizeObserver(function () { if (!touched) { network.fit({animation: false}); } }).observe(container);
  }

  var status = document.getElementById("ikg-status");
  var hits = [];
  function search(text) {
    var q = String(text).trim().toLowerCase();
    hits = [];
    if (q) {
      for (var i = 0; i < haystack.length; i++) {
        if (haystack[i].indexOf(q) >= 0 && !nodes.get(i).hidden) { hits.push(i); }
      }
    }
    network.selectNodes(hits, false);
    if (status) {
      var found = hits.length === 1 ? data.match : data.matches;
      status.textContent = q ? found.split("{n}").join(hits.length.toLocaleString(data.lang)) : "";
    }
    return hits.slice();
  }
  state.search = search;
  var input = document.getElementById("ikg-search");
  if (input) {
    input.addEventListener("input", function () { search(input.value); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && hits.length) { network.fit({nodes: hits, animation: false}); }
    });
  }
  var physics = document.getElementById("ikg-physics");
  if (physics) {
    physics.checked = data.physics;
    physics.addEventListener("change", function () {
      network.setOptions({physics: {enabled: physics.checked}});
    });
  }
  function setHidden(set, kind, hidden) {
    var changes = [];
    set.forEach(function (item) { if (item.kind === kind) { changes.push({id: item.id, hidden: hidden}); } });
    set.update(changes);
  }
  var boxes = document.querySelectorAll("input[data-kind]");
  Array.prototype.forEach.call(boxes, function (box) {
    box.addEventListener("change", function () {
      var set = box.getAttribute("data-set") === "edge" ? edges : nodes;
      setHidden(set, box.getAttribute("data-kind"), !box.checked);
    });
  });
}());
""".strip()


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


def _payload(view: Scene, lang: Lang, physics: bool) -> dict:
    node_kinds = {kind: i for i, kind in enumerate(NODE_KINDS)}
    edge_kinds = {kind: i for i, kind in enumerate(EDGE_KINDS)}
    return {
        "physics": bool(physics),
        "spacing": SPACING,
        "lang": lang,
        "match": t("viz.page.match", lang),
        "matches": t("viz.page.matches", lang),
        "nodeStyles": [
            {"kind": k, "text": text(k, lang), "color": s.color, "border": s.border, "shape": s.shape}
            for k, s in NODE_STYLES.items()
        ],
        "edgeStyles": [{"kind": k, "color": s.color, "dashes": list(s.dashes)} for k, s in EDGE_STYLES.items()],
        "nodes": [[node_kinds[n.kind], n.label, n.title, n.subkind, n.x, n.y, n.size, n.key] for n in view.nodes],
        "edges": [[e.source, e.target, edge_kinds[e.kind], e.title, e.width] for e in view.edges],
    }


def _legend(view: Scene, lang: Lang) -> str:
    """The legend as HTML: one checkbox per kind present (it shows or hides that kind), with counts."""
    esc = html.escape
    node_counts = {k: 0 for k in NODE_KINDS}
    for n in view.nodes:
        node_counts[n.kind] += 1
    edge_counts = {k: 0 for k in EDGE_KINDS}
    for e in view.edges:
        edge_counts[e.kind] += 1
    legend, nodes, edges = t("viz.page.legend", lang), t("viz.page.nodes", lang), t("viz.page.edges", lang)
    parts = [f'<aside id="ikg-legend"><h2>{esc(legend)}</h2>']
    parts.append(f"<h3>{esc(nodes)}</h3><ul>")
    for kind, count in node_counts.items():
        if count:
            shape = NODE_STYLES[kind].shape
            parts.append(
                f'<li><label><input type="checkbox" checked data-set="node" data-kind="{esc(kind)}">'
                f'<span class="sw {esc(shape)} nk-{esc(kind)}"></span>{esc(text(kind, lang))} '
                f'<span class="n">({esc(format_number(count, lang))})</span></label></li>'
            )
    parts.append("</ul>")
    if any(edge_counts.values()):
        parts.append(f"<h3>{esc(edges)}</h3><ul>")
        for kind, count in edge_counts.items():
            if count:
                dashed = " dashed" if EDGE_STYLES[kind].dashes else ""
                parts.append(
                    f'<li><label><input type="checkbox" checked data-set="edge" data-kind="{esc(kind)}">'
                    f'<span class="ln{dashed} ek-{esc(kind)}"></span>{esc(text(kind, lang))} '
                    f'<span class="n">({esc(format_number(count, lang))})</span></label></li>'
                )
        parts.append("</ul>")
    parts.append("</aside>")
    return "".join(parts)


def _kind_css() -> str:
    rules = [f".nk-{k}{{background:{s.color};border-color:{s.border}}}" for k, s in NODE_STYLES.items()] + [
        f".ek-{k}{{border-top-color:{s.color};border-top-width:{max(2.0, s.width):g}px}}"
        for k, s in EDGE_STYLES.items()
    ]
    return "\n".join(rules)


def _tools(lang: Lang, search: bool) -> str:
    esc = html.escape
    label, placeholder = t("viz.page.search", lang), t("viz.page.search_placeholder", lang)
    physics = t("viz.page.physics", lang)
    parts = ['<div class="ikg-tools">']
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
    view = scene(graph, seed=seed)
    data = script_json(_payload(view, lang, physics))
    vis_js = vis_network_js()
    css = _CSS + "\n" + _kind_css()
    csp = (
        f"default-src 'none'; script-src {_csp_hash(vis_js)} {_csp_hash(_APP_JS)}; "
        f"style-src {_csp_hash(css)}; img-src data:; base-uri 'none'; form-action 'none'"
    )
    title = html.escape(clean_text(heading))
    parts = [
        "<!DOCTYPE html>\n",
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f"<title>{title}</title>\n<style>{css}</style>\n</head>\n<body>\n",
        f"<header><h1>{title}</h1>{_tools(lang, search)}</header>\n",
        '<main><div id="ikg-network" role="img" aria-label="',
        html.escape(t("viz.page.network", lang)),
        '"></div>',
        _legend(view, lang) if legend else "",
        "</main>\n",
        f'<script type="application/json" id="ikg-data">{data}</script>\n',
        f"<script>{vis_js}</script>\n",
        f"<script>{_APP_JS}</script>\n",
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
