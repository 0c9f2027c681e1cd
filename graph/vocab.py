"""The controlled vocabularies the spreadsheet ``choice`` columns draw from."""

from __future__ import annotations

from rdflib import URIRef

from ikg.graph.namespaces import IKG

__all__ = ["GOAL_LEVELS", "VOCABULARIES"]

VOCABULARIES: dict[str, URIRef] = {
    "actor_type": IKG.ActorTypes,
    "role": IKG.Roles,
    "event_kind": IKG.EventKinds,
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
