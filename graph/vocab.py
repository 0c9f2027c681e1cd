"""The controlled vocabularies the spreadsheet ``choice`` columns draw from."""

from __future__ import annotations

__all__ = ["GOAL_LEVELS", "VOCABULARIES"]

_IKG = "https://w3id.org/ikg/ns#"  # :data:`ikg.graph.namespaces.IKG`, without importing rdflib
#: the vocabularies by name, to the IRI of their ``skos:ConceptScheme``
VOCABULARIES: dict[str, str] = {
    "actor_type": _IKG + "ActorTypes",
    "role": _IKG + "Roles",
    "event_kind": _IKG + "EventKinds",
}

#: goal levels: a goal under an action field, or a goal for the concept itself
GOAL_LEVELS: dict[str, str] = {
    "action_field": "action_field",
    "handlungsfeld": "action_field",
    "handlungsfeldziel": "action_field",
    "concept": "concept",
    "konzept": "concept",
    "konzeptziel": "concept",
}
