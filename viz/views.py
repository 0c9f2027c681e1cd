"""The named network views of a concept, as graphs ready for :mod:`ikg.viz.html` and :mod:`ikg.viz.static`.

Each view is a function of a :class:`~ikg.graph.analysis.network.ConceptNetwork` (and, where it shows
metrics or gaps, of its :class:`~ikg.graph.analysis.gaps.Analysis`) that returns a ``networkx.Graph`` in the
renderers' input format and a heading. Tooltips are plain text; labels, headings and tooltips
are in the chosen language (the words from the message catalogue, ``viz.po``; numbers as the
language writes them).

``overview``
    Everything: actors, working groups, goals, action fields, cross-cutting tasks.
``actors``
    The actor network: a tie for a shared working group or a cooperation; node size by a metric.
``action-field``
    One action field: its goals and working groups and the actors on them.
``working-group``
    One working group: members, goals it formulated, its action fields, named pursuers.
``ego``
    One actor's ties, radius 1 or 2 in the actor network.
``gaps``
    The actor network with the top missing links drawn as dashed suggestions, their reasons as
    tooltip.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from ikg.graph.analysis.gaps import Analysis, missing_links
from ikg.graph.analysis.network import ConceptNetwork, Item, actor_network, two_mode_graph
from ikg.graph.errors import InputError, NotFoundError
from ikg.graph.i18n import Lang, format_number, t
from ikg.viz.style import COLOR_BY

__all__ = [
    "COLOR_BY",
    "FORMATS",
    "MEDIA_TYPES",
    "METRICS",
    "VIEWS",
    "ViewRequest",
    "build_view",
    "find_item",
    "render_view",
]

VIEWS = ("overview", "actors", "action-field", "working-group", "ego", "gaps")
#: metrics a node's size can show
METRICS = ("betweenness", "degree", "effective_size", "constraint")


@dataclass(frozen=True)
class ViewRequest:
    """What to draw.

    Attributes
    ----------
    name : str
        One of :data:`VIEWS`.
    lang : {"de", "en"}
    actor, action_field, working_group : str, optional
        Ids (the spreadsheet ids) for ``ego``, ``action-field`` and ``working-group``.
    radius : int
        1 or 2, for ``ego``.
    size_by : str
        One of :data:`METRICS`: what a node's size shows in actor views.
    top : int
        How many missing links ``gaps`` draws.
    color_by : str
        One of :data:`~ikg.viz.style.COLOR_BY`: what an actor's colour and shape show first (the
        page lets the reader switch).
    """

    name: str
    lang: Lang = "de"
    actor: str | None = None
    action_field: str | None = None
    working_group: str | None = None
    radius: int = 1
    size_by: str = "betweenness"
    top: int = 20
    color_by: str = "type"


def find_item(net: ConceptNetwork, kind: str, ident: str) -> Item:
    """The item of ``kind`` with spreadsheet id ``ident``.

    Raises
    ------
    NotFoundError
        Naming a few ids that do exist (the message in both languages: ``error.render(lang)``).
    """
    for item in net.of_kind(kind):
        if item.id == ident:
            return item
    known = [i.id for i in net.of_kind(kind)]
    if not known:
        raise NotFoundError(key=f"viz.error.none_of_kind.{kind}", id=ident, concept=net.concept)
    shown = ", ".join(known[:8]) + (" ..." if len(known) > 8 else "")
    raise NotFoundError(key=f"viz.error.not_found.{kind}", id=ident, concept=net.concept, known=shown)


def build_view(net: ConceptNetwork, analysis: Analysis, request: ViewRequest) -> tuple[nx.Graph, str]:
    """Build one named view.

    Parameters
    ----------
    net : ConceptNetwork
    analysis : Analysis
        The gap analysis of ``net`` (its metrics size the nodes; ``gaps`` draws its links).
    request : ViewRequest

    Returns
    -------
    graph : networkx.Graph
        In the input format of :func:`ikg.viz.html.to_html`.
    heading : str

    Raises
    ------
    InputError
        An unknown view or metric, a missing id, a radius other than 1 or 2.
    NotFoundError
        An id the concept does not have.

    Examples
    --------
    >>> from ikg.graph.analysis.gaps import analyse
    >>> from ikg.graph.ingest.importer import open_store
    >>> from ikg.graph.analysis.network import load_network
    >>> net = load_network(open_store(":memory:"), "mettmann-2015")
    >>> graph, heading = build_view(net, analyse(net, kinds=()), ViewRequest("overview", "en"))
    >>> heading, graph.number_of_nodes() == len(net.items)
    ('Overview: Integration concept of the district of Mettmann 2015', True)
    """
    builder = _BUILDERS.get(request.name)
    if builder is None:
        raise InputError(key="viz.error.unknown_view", name=request.name, choices=", ".join(VIEWS))
    if request.size_by not in METRICS:
        raise InputError(key="viz.error.unknown_metric", name=request.size_by, choices=", ".join(METRICS))
    if request.color_by not in COLOR_BY:
        raise InputError(key="views.error.unknown_color_by", name=request.color_by, choices=", ".join(COLOR_BY))
    graph, heading = builder(net, analysis, request)
    _add_profiles(net, graph, request.lang)
    return graph, heading


# --- node and edge texts -----------------------------------------------------------------------


def _labels(net: ConceptNetwork, iris: list[str], lang: Lang, limit: int = 5) -> str:
    names = sorted(net.items[i].label(lang) for i in iris)
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" (+{format_number(more, lang)})" if more > 0 else "")


def _node_attrs(net: ConceptNetwork, analysis: Analysis, item: Item, lang: Lang, size_by: str) -> dict[str, object]:
    lines = [item.label(lang)]
    size: float | None = None
    if item.kind == "actor":
        where = " · ".join(x for x in (net.type_label(item.subkind, lang), item.town) if x)
        if where:
            lines.append(where)
        groups = net.memberships().get(item.iri, [])
        if groups:
            lines.append(t("viz.tip.groups", lang, names=_labels(net, groups, lang)))
        m = analysis.metrics.get(item.iri)
        if m is not None:
            lines.append(
                t(
                    "viz.tip.metrics",
                    lang,
                    betweenness=format_number(m.betweenness, lang, 3),
                    degree=format_number(m.degree, lang),
                )
            )
            value = getattr(m, size_by)
            size = None if value != value else float(value)  # NaN (isolates) -> default size
    elif item.kind == "goal":
        fields = net.goal_fields.get(item.iri, [])
        if fields:
            lines.append(t("viz.tip.fields", lang, names=_labels(net, fields, lang)))
        wg = net.formulated_by.get(item.iri)
        if wg:
            lines.append(t("viz.tip.working_group", lang, name=net.items[wg].label(lang)))
        who = net.pursuers().get(item.iri, [])
        lines.append(t("viz.tip.pursuers", lang, names=_labels(net, who, lang) if who else "-"))
    elif item.kind == "working_group":
        lines.append(t("viz.tip.members", lang, n=format_number(len(net.members.get(item.iri, [])), lang)))
        fields = net.wg_fields.get(item.iri, [])
        if fields:
            lines.append(t("viz.tip.fields", lang, names=_labels(net, fields, lang)))
    attrs: dict[str, object] = {"kind": item.kind, "label": item.label(lang), "title": "\n".join(lines)}
    if item.subkind and item.kind == "actor":
        attrs["subkind"] = item.subkind
    if size is not None:
        attrs["size_value"] = size
    return attrs


#: how many of an actor's missing links its profile lists
PROFILE_LINKS = 3
#: how many missing links (of the whole concept) are explained for the profiles
_EXPLAINED = 400
#: the explained links of the last few networks (a report builds three views of one network)
_EXPLAINED_LINKS: list[tuple[weakref.ref[ConceptNetwork], list]] = []
_EXPLAINED_LOCK = threading.Lock()


def _explained_links(net: ConceptNetwork) -> list:
    """The :data:`_EXPLAINED` top missing links of ``net``, computed once per network object
    (a loaded network is not changed afterwards)."""
    with _EXPLAINED_LOCK:
        for ref, found in _EXPLAINED_LINKS:
            if ref() is net:
                return found
    found, _total = missing_links(net, top=_EXPLAINED)
    with _EXPLAINED_LOCK:
        _EXPLAINED_LINKS[:] = [(weakref.ref(net), found), *_EXPLAINED_LINKS[:3]]
    return found


def _add_profiles(net: ConceptNetwork, graph: nx.Graph, lang: Lang) -> None:
    """Give every actor of ``graph`` its categories (``town``, ``type_label``, ``group_label``) and
    its profile (``facts``: type, town, AGs, goals, missing links with their reasons)."""
    actors = [n for n in graph if net.items[n].kind == "actor"]
    if not actors:
        return
    groups = net.memberships()
    goals: dict[str, list[str]] = {}
    for goal, who in net.pursuers().items():
        for a in who:
            goals.setdefault(a, []).append(goal)
    links: dict[str, list[str]] = {}
    for finding in _explained_links(net):
        u, v = (s.iri for s in finding.subjects)
        for me, other in ((u, v), (v, u)):
            if len(links.setdefault(me, [])) < PROFILE_LINKS:
                text = net.items[other].label(lang) + ": " + " ".join(finding.reasons[lang])
                links[me].append(text)
    nobody = t("views.group.none", lang)
    several = t("views.group.several", lang)
    for node in actors:
        item = net.items[node]
        mine = sorted(net.items[g].label(lang) for g in groups.get(node, []))
        type_label = net.type_label(item.subkind, lang) if item.subkind else ""
        data = graph.nodes[node]
        data["type_label"] = type_label
        data["town"] = item.town
        data["group_label"] = mine[0] if len(mine) == 1 else (several if mine else nobody)
        data["facts"] = [
            (t("views.fact.type", lang), [type_label] if type_label else []),
            (t("views.fact.town", lang), [item.town] if item.town else []),
            (t("views.fact.groups", lang), mine),
            (t("views.fact.goals", lang), sorted(net.items[g].label(lang) for g in goals.get(node, []))),
            (t("views.fact.missing", lang), links.get(node, [])),
        ]


# --- the views -----------------------------------------------------------------------------------


def _overview(net: ConceptNetwork, analysis: Analysis, req: ViewRequest) -> tuple[nx.Graph, str]:
    return _two_mode(net, analysis, req, set(net.items)), t("viz.view.overview", req.lang, title=net.title(req.lang))


def _two_mode(net: ConceptNetwork, analysis: Analysis, req: ViewRequest, keep: set[str]) -> nx.Graph:
    full = two_mode_graph(net)
    graph = nx.Graph()
    for node in full.nodes:
        if node in keep:
            graph.add_node(node, **_node_attrs(net, analysis, net.items[node], req.lang, req.size_by))
    for u, v, data in full.edges(data=True):
        if u in keep and v in keep:
            graph.add_edge(u, v, kind=data["kind"])
    return graph


def _actors(net: ConceptNetwork, analysis: Analysis, req: ViewRequest) -> tuple[nx.Graph, str]:
    return _actor_graph(net, analysis, req, None), t("viz.view.actors", req.lang, title=net.title(req.lang))


def _actor_graph(net: ConceptNetwork, analysis: Analysis, req: ViewRequest, keep: set[str] | None) -> nx.Graph:
    ties = actor_network(net)
    graph = nx.Graph()
    for node in ties.nodes:
        if keep is None or node in keep:
            graph.add_node(node, **_node_attrs(net, analysis, net.items[node], req.lang, req.size_by))
    for u, v, data in ties.edges(data=True):
        if u not in graph or v not in graph:
            continue
        parts = [net.items[w].label(req.lang) for w in data["groups"]]
        if data["cooperation"]:
            parts.append(t("viz.tip.cooperation", req.lang))
        kind = "shared_group" if data["groups"] else "cooperation"
        title = f"{net.items[u].label(req.lang)} – {net.items[v].label(req.lang)}\n" + "\n".join(parts)
        graph.add_edge(u, v, kind=kind, title=title, weight=float(data["weight"]))
    return graph


def _action_field(net: ConceptNetwork, analysis: Analysis, req: ViewRequest) -> tuple[nx.Graph, str]:
    if not req.action_field:
        raise InputError(key="viz.error.needs_action_field")
    field = find_item(net, "action_field", req.action_field)
    goals = [g for g, fields in net.goal_fields.items() if field.iri in fields]
    groups = [w for w, fields in net.wg_fields.items() if field.iri in fields]
    pursuers = net.pursuers()
    actors = {a for g in goals for a in net.named.get(g, [])} | {a for w in groups for a in net.members.get(w, [])}
    actors |= {a for g in goals for a in pursuers.get(g, [])}
    keep = {field.iri, *goals, *groups, *actors}
    graph = _two_mode(net, analysis, req, keep)
    return graph, t("viz.view.action_field", req.lang, field=field.label(req.lang), title=net.title(req.lang))


def _working_group(net: ConceptNetwork, analysis: Analysis, req: ViewRequest) -> tuple[nx.Graph, str]:
    if not req.working_group:
        raise InputError(key="viz.error.needs_working_group")
    wg = find_item(net, "working_group", req.working_group)
    goals = [g for g, w in net.formulated_by.items() if w == wg.iri]
    keep = {wg.iri, *goals, *net.members.get(wg.iri, []), *net.wg_fields.get(wg.iri, [])}
    keep |= {a for g in goals for a in net.named.get(g, [])}
    graph = _two_mode(net, analysis, req, keep)
    return graph, t("viz.view.working_group", req.lang, group=wg.label(req.lang), title=net.title(req.lang))


def _ego(net: ConceptNetwork, analysis: Analysis, req: ViewRequest) -> tuple[nx.Graph, str]:
    if not req.actor:
        raise InputError(key="viz.error.needs_actor")
    if req.radius not in (1, 2):
        raise InputError(key="viz.error.radius", radius=req.radius)
    actor = find_item(net, "actor", req.actor)
    keep = set(nx.ego_graph(actor_network(net), actor.iri, radius=req.radius).nodes)
    graph = _actor_graph(net, analysis, req, keep)
    heading = t(
        "viz.view.ego",
        req.lang,
        actor=actor.label(req.lang),
        radius=format_number(req.radius, req.lang),
        title=net.title(req.lang),
    )
    return graph, heading


def _gaps(net: ConceptNetwork, analysis: Analysis, req: ViewRequest) -> tuple[nx.Graph, str]:
    graph = _actor_graph(net, analysis, req, None)
    found, _total = missing_links(net, top=req.top)
    for finding in found:
        u, v = (s.iri for s in finding.subjects)
        head = t("viz.tip.suggested", req.lang, score=format_number(finding.score, req.lang, 2))
        title = head + "\n" + "\n".join(finding.reasons[req.lang])
        graph.add_edge(u, v, kind="suggested", title=title, weight=1.0)
    return graph, t("viz.view.gaps", req.lang, title=net.title(req.lang))


_BUILDERS: dict[str, Callable[[ConceptNetwork, Analysis, ViewRequest], tuple[nx.Graph, str]]] = {
    "overview": _overview,
    "actors": _actors,
    "action-field": _action_field,
    "working-group": _working_group,
    "ego": _ego,
    "gaps": _gaps,
}


FORMATS = ("html", "svg", "png")
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "svg": "image/svg+xml", "png": "image/png"}


def render_view(net: ConceptNetwork, analysis: Analysis, request: ViewRequest, fmt: str = "html") -> bytes:
    """Build a view and render it as one self-contained HTML page, an SVG or a PNG.

    Parameters
    ----------
    net, analysis, request
        As for :func:`build_view`.
    fmt : {"html", "svg", "png"}

    Returns
    -------
    bytes
        The file; the same data and request give the same bytes.
    """
    graph, heading = build_view(net, analysis, request)
    if fmt == "html":
        from ikg.viz.html import to_html

        return to_html(graph, heading=heading, lang=request.lang, color_by=request.color_by).encode("utf-8")
    if fmt == "svg":
        from ikg.viz.static import to_svg

        return to_svg(graph, heading=heading, lang=request.lang, color_by=request.color_by).encode("utf-8")
    if fmt == "png":
        from ikg.viz.static import to_png

        return to_png(graph, heading=heading, lang=request.lang, color_by=request.color_by)
    raise InputError(key="viz.error.unknown_format", name=fmt, choices=", ".join(FORMATS))
