"""A first look at a concept's coverage: action fields, tasks and goals nobody works on.

The full, explained gap analysis is :mod:`ikg.graph.analysis.gaps` (networking gaps); this is the short
summary ``ikg up`` prints.
"""

from __future__ import annotations

from rdflib.term import Node

from ikg.graph.i18n import Lang
from ikg.graph.namespaces import concept_graph
from ikg.graph.store.base import StoreLike

__all__ = ["uncovered"]

_LABELS = """
  OPTIONAL { ?x skos:prefLabel ?de FILTER(lang(?de) = "de") }
  OPTIONAL { ?x skos:prefLabel ?en FILTER(lang(?en) = "en") }
"""

_QUERIES: dict[str, str] = {
    "action_fields_without_goal": """
PREFIX ikg: <https://w3id.org/ikg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?g ?x ?de ?en WHERE { GRAPH ?g {
  ?x a ikg:ActionField .
  FILTER NOT EXISTS { ?goal ikg:inActionField ?x }
"""
    + _LABELS
    + "} } ORDER BY ?x",
    "action_fields_without_wg": """
PREFIX ikg: <https://w3id.org/ikg/ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?g ?x ?de ?en WHERE { GRAPH ?g {
  ?x a ikg:ActionField .
  FILTER NOT EXISTS { ?wg org:purpose ?x }
"""
    + _LABELS
    + "} } ORDER BY ?x",
    "tasks_without_goal": """
PREFIX ikg: <https://w3id.org/ikg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?g ?x ?de ?en WHERE { GRAPH ?g {
  ?x a ikg:CrossCuttingTask .
  FILTER NOT EXISTS { ?goal ikg:addressesTask ?x }
"""
    + _LABELS
    + "} } ORDER BY ?x",
    "goals_without_actor": """
PREFIX ikg: <https://w3id.org/ikg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?g ?x ?de ?en WHERE { GRAPH ?g {
  ?x a ikg:Goal .
  FILTER NOT EXISTS { ?x a ikg:ConceptGoal }
  FILTER NOT EXISTS { ?x ikg:pursuedBy ?actor }
"""
    + _LABELS
    + "} } ORDER BY ?x",
}


def _label(de: Node | None, en: Node | None, x: Node | None, lang: Lang) -> str:
    by_lang = {"de": de, "en": en}
    return str(by_lang.get(lang) or de or en or x)


def uncovered(store: StoreLike, concept_id: str, lang: Lang = "en") -> dict[str, list[str]]:
    """Return, per kind of coverage gap, the labels of what nobody covers in one concept.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store.
    concept_id : str
        The concept to look at.
    lang : {"de", "en"}
        Language of the labels (falls back to the other).

    Returns
    -------
    dict
        ``action_fields_without_goal``, ``action_fields_without_wg``, ``tasks_without_goal``,
        ``goals_without_actor`` to lists of labels, in a stable order.
    """
    bindings = {"g": concept_graph(concept_id)}
    out: dict[str, list[str]] = {}
    for kind, sparql in _QUERIES.items():
        _, rows = store.select(sparql, bindings)
        out[kind] = [_label(de, en, x, lang) for _g, x, de, en in rows]
    return out
