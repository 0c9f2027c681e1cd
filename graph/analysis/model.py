"""The items and incidences of one concept as plain Python data.

:func:`ikg.graph.analysis.network.load_network` fills a :class:`ConceptNetwork` from the store;
the graphs and matrices of :mod:`ikg.graph.analysis.ties` and the gap analysis are built on it.

Definitions follow docs/design.md ("Networking gaps"): an actor **pursues** a goal it is named
for (``ikg:pursuedBy``) or that a working group it is a member of formulated
(``ikg:formulatedBy``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from ikg.graph.i18n import Lang

__all__ = ["ConceptNetwork", "Item"]


@dataclass(frozen=True)
class Item:
    """One node of a concept: an actor, working group, goal, action field or cross-cutting task.

    Attributes
    ----------
    iri : str
    id : str
        The ``dcterms:identifier`` (the spreadsheet id).
    kind : str
        ``actor``, ``working_group``, ``goal``, ``action_field`` or ``task``.
    labels : dict
        ``{"de": ..., "en": ...}``; a missing language falls back to the other, then to the id.
    subkind : str
        The actor type notation (``school``, ``migrant_organisation``, ...); ``concept_goal``
        for goals of the concept as a whole; the notation of a field; else empty.
    town : str
        Actors only: the town's label, or empty.
    """

    iri: str
    id: str
    kind: str
    labels: Mapping[str, str]
    subkind: str = ""
    town: str = ""

    def label(self, lang: Lang) -> str:
        """The label in ``lang``, falling back to the other language, then to the id."""
        return self.labels.get(lang) or self.labels.get("de" if lang == "en" else "en") or self.id


@dataclass
class ConceptNetwork:
    """The items and incidences of one concept, as plain Python data.

    Attributes
    ----------
    concept : str
        The concept id.
    items : dict
        IRI to :class:`Item`.
    members : dict
        Working group IRI to the sorted IRIs of its member actors.
    named : dict
        Goal IRI to the sorted IRIs of the actors named as its pursuers.
    formulated_by : dict
        Goal IRI to the IRI of the working group that formulated it.
    goal_fields, goal_tasks, wg_fields : dict
        Goal or working group IRI to sorted field or task IRIs.
    cooperations : list of tuple
        Sorted, unordered actor pairs ``(a, b)`` with ``a < b``.
    required_types : list of str
        Actor type notations every working group should include (the concept's
        ``required_actor_types``; empty when the concept names none).
    type_labels : dict
        Actor type notation to ``{"de": ..., "en": ...}`` (from the ontology's vocabulary).
    titles : dict
        The concept's title, ``{"de": ..., "en": ...}``.
    description : dict
        The concept's description, ``{"de": ..., "en": ...}`` (empty when it has none).
    counts : dict
        The resources of each kind of :data:`ikg.graph.library.inventory.KINDS` in the concept's
        graph (what ``ikg info`` counts); empty when the network was not read from a store.
    """

    concept: str
    items: dict[str, Item] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    named: dict[str, list[str]] = field(default_factory=dict)
    formulated_by: dict[str, str] = field(default_factory=dict)
    goal_fields: dict[str, list[str]] = field(default_factory=dict)
    goal_tasks: dict[str, list[str]] = field(default_factory=dict)
    wg_fields: dict[str, list[str]] = field(default_factory=dict)
    cooperations: list[tuple[str, str]] = field(default_factory=list)
    required_types: list[str] = field(default_factory=list)
    type_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def title(self, lang: Lang) -> str:
        """The concept's title in ``lang`` (falls back to the other language, then the id)."""
        return self.titles.get(lang) or self.titles.get("de" if lang == "en" else "en") or self.concept

    def type_label(self, notation: str, lang: Lang) -> str:
        """The label of an actor type in ``lang`` (the notation when the vocabulary has none)."""
        return self.type_labels.get(notation, {}).get(lang) or notation

    def of_kind(self, kind: str) -> list[Item]:
        """The items of one kind, sorted by id."""
        return sorted((i for i in self.items.values() if i.kind == kind), key=lambda i: (i.id, i.iri))

    @property
    def actors(self) -> list[Item]:
        """The actors, sorted by id."""
        return self.of_kind("actor")

    @property
    def goals(self) -> list[Item]:
        """The goals (concept goals included), sorted by id."""
        return self.of_kind("goal")

    def pursuers(self) -> dict[str, list[str]]:
        """Goal IRI to the sorted IRIs of the actors pursuing it (named, or through the formulating AG)."""
        out: dict[str, set[str]] = {g.iri: set(self.named.get(g.iri, ())) for g in self.goals}
        for goal, wg in self.formulated_by.items():
            if goal in out:
                out[goal].update(self.members.get(wg, ()))
        return {g: sorted(a for a in actors if a in self.items) for g, actors in out.items()}

    def memberships(self) -> dict[str, list[str]]:
        """Actor IRI to the sorted IRIs of its working groups."""
        out: dict[str, list[str]] = defaultdict(list)
        for wg, actors in sorted(self.members.items()):
            for a in actors:
                out[a].append(wg)
        return dict(out)
