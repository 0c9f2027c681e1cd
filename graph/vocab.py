"""The controlled vocabularies the spreadsheet ``choice`` columns draw from."""

from __future__ import annotations

from ikg.graph.iris import IKG_NS

__all__ = ["GOAL_LEVELS", "VOCABULARIES"]

#: the vocabularies by name, to the IRI of their ``skos:ConceptScheme``
VOCABULARIES: dict[str, str] = {
    "actor_type": IKG_NS + "ActorTypes",
    "role": IKG_NS + "Roles",
    "event_kind": IKG_NS + "EventKinds",
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
