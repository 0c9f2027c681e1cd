"""The actor network with its metrics as GraphML or GEXF, for Gephi, Cytoscape and yEd."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import networkx as nx

from ikg.graph.analysis.gaps import Analysis
from ikg.graph.analysis.ties import actor_network
from ikg.graph.i18n import Lang

__all__ = ["NETWORK_FORMATS", "export_network", "network_with_metrics"]

NETWORK_FORMATS = ("graphml", "gexf")


def network_with_metrics(analyses: Sequence[Analysis], lang: Lang = "de") -> nx.Graph:
    """One graph of the actor networks of the analysed concepts, metrics as node attributes.

    Node keys are actor IRIs. Node attributes: ``label`` (in ``lang``), ``label_de``,
    ``label_en``, ``concept``, ``ikg_id``, ``type``, ``town``, ``degree``, ``betweenness``,
    ``constraint`` and ``effective_size`` (-1 where undefined: isolates), ``community``,
    ``articulation_point``. Edge attributes: ``weight``, ``cooperation``, ``working_groups``
    (ids joined by ``|``).
    """
    out = nx.Graph()
    for a in analyses:
        graph = actor_network(a.network)
        for node, data in graph.nodes(data=True):
            m = a.metrics[node]
            out.add_node(
                node,
                label=data[f"label_{lang}"],
                label_de=data["label_de"],
                label_en=data["label_en"],
                concept=a.concept,
                ikg_id=data["id"],
                type=data["type"],
                town=data["town"],
                degree=m.degree,
                betweenness=m.betweenness,
                constraint=-1.0 if math.isnan(m.constraint) else m.constraint,
                effective_size=-1.0 if math.isnan(m.effective_size) else m.effective_size,
                community=m.community,
                articulation_point=m.articulation_point,
            )
        for u, v, data in graph.edges(data=True):
            groups = "|".join(a.network.items[w].id for w in data["groups"])
            out.add_edge(
                u, v, weight=float(data["weight"]), cooperation=bool(data["cooperation"]), working_groups=groups
            )
    return out


def export_network(analyses: Sequence[Analysis], fmt: str, lang: Lang = "de") -> bytes:
    """Serialise :func:`network_with_metrics` as ``graphml`` or ``gexf`` (UTF-8 bytes).

    Examples
    --------
    >>> from ikg.graph.analysis.gaps import analyse_store
    >>> from ikg.graph.ingest.importer import open_store
    >>> data = export_network(analyse_store(open_store(":memory:"), "mettmann-2015"), "graphml")
    >>> data.startswith(b"<?xml") and b"betweenness" in data
    True
    """
    graph = network_with_metrics(analyses, lang)
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buf, encoding="utf-8", prettyprint=True)
    elif fmt == "gexf":
        nx.write_gexf(graph, buf, encoding="utf-8", prettyprint=True)
    else:
        raise ValueError(f"unknown network format {fmt!r} (use graphml or gexf)")
    return buf.getvalue()
