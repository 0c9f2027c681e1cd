"""A concept read back from the store as the tables of the spreadsheet format.

The inverse of :mod:`ikg.graph.ingest.mapping`: the concept's named graph is read with one SPARQL
query (through :class:`~ikg.graph.store.base.StoreLike`, so an embedded store, a snapshot and a
remote server all work), and each resource becomes the row it was made from. Importing the tables
again gives the same triples, so an export that is edited and imported changes what was edited
and nothing else.

Rows keep the order of the spreadsheet where the graph still knows it (:mod:`ikg.graph.sheets.order`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME
from rdflib.term import Node

from ikg.graph.ingest.schema import SHEETS
from ikg.graph.library.inventory import require_concept
from ikg.graph.namespaces import IKG, ORG, ROLE
from ikg.graph.sheets.order import Record, Tables, arrange
from ikg.graph.sheets.values import Cell, Choice
from ikg.graph.store.base import StoreLike

__all__ = ["Tables", "read_concept", "tables_from_triples"]

_TRIPLES = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


class _Index:
    """The triples of one graph, by subject and by class."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        self.out: dict[Node, dict[Node, list[Node]]] = {}
        self.typed: dict[Node, list[Node]] = {}
        for s, p, o in triples:
            self.out.setdefault(s, {}).setdefault(p, []).append(o)
            if p == RDF.type:
                self.typed.setdefault(o, []).append(s)
        self.ids = {s: str(ids[0]) for s, props in self.out.items() if (ids := props.get(DCTERMS.identifier))}

    def all(self, s: Node, p: URIRef) -> list[Node]:
        return sorted(self.out.get(s, {}).get(p, []), key=str)

    def one(self, s: Node, p: URIRef) -> Node | None:
        found = self.all(s, p)
        return found[0] if found else None

    def of_type(self, cls: URIRef) -> list[Node]:
        return sorted(set(self.typed.get(cls, [])), key=str)

    def has_type(self, s: Node, cls: URIRef) -> bool:
        return cls in self.out.get(s, {}).get(RDF.type, [])

    def text(self, s: Node, p: URIRef, lang: str | None = "de") -> str | None:
        """A literal of ``s``: in ``lang`` (for ``de``: else one without a language), else none."""
        found = [o for o in self.all(s, p) if isinstance(o, Literal)]
        for o in found:
            if o.language == lang:
                return str(o)
        if lang == "de":
            plain = [o for o in found if not o.language]
            return str(plain[0]) if plain else None
        return None

    def literal(self, s: Node, p: URIRef) -> Literal | None:
        found = self.one(s, p)
        return found if isinstance(found, Literal) else None

    def ident(self, node: Node) -> str:
        """The id of a resource (``dcterms:identifier``, else the last segment of its IRI)."""
        return self.ids.get(node) or unquote(str(node).rstrip("/").rsplit("/", 1)[-1])

    def ref(self, s: Node, p: URIRef) -> str | None:
        found = self.one(s, p)
        return None if found is None else self.ident(found)

    def refs(self, s: Node, p: URIRef) -> list[str] | None:
        found = sorted(self.ident(o) for o in self.all(s, p))
        return found or None

    def choice(self, s: Node, p: URIRef) -> Choice | None:
        found = self.one(s, p)
        if found is None:
            return None
        written = self.literal(s, IKG.asWritten)
        return Choice(str(found), str(written) if written is not None else None)

    def source(self, s: Node) -> str | None:
        for src in self.all(s, PROV.wasDerivedFrom):
            label = self.literal(src, RDFS.label)
            if label is not None:
                return str(label)
        return None

    def decimal(self, s: Node, p: URIRef) -> Decimal | None:
        found = self.literal(s, p)
        try:
            return None if found is None else Decimal(str(found))
        except InvalidOperation:
            return None


def _record(ix: _Index, s: Node, cells: dict[str, Cell], key: tuple[str, ...]) -> Record:
    return Record({k: v for k, v in cells.items() if v is not None}, key, ix.source(s))


def _concepts(ix: _Index, concept_iri: Node) -> list[Record]:
    records = []
    for c in ix.of_type(IKG.IntegrationConcept):
        publisher: Cell = ix.ref(c, DCTERMS.publisher)
        if publisher is None and (name := ix.literal(c, IKG.publisherName)) is not None:
            publisher = str(name)
        types = [Choice(str(o)) for o in ix.all(c, IKG.requiresActorType)]
        cells: dict[str, Cell] = {
            "id": ix.ident(c),
            "title": ix.text(c, DCTERMS.title),
            "title_en": ix.text(c, DCTERMS.title, "en"),
            "description": ix.text(c, DCTERMS.description),
            "description_en": ix.text(c, DCTERMS.description, "en"),
            "issued": ix.literal(c, DCTERMS.issued),
            "publisher": publisher,
            "revision_of": ix.ref(c, PROV.wasRevisionOf),
            "required_actor_types": types or None,
        }
        records.append(_record(ix, c, cells, ("0" if c == concept_iri else "1", ix.ident(c))))
    return records


def _actors(ix: _Index) -> list[Record]:
    records = []
    for a in ix.of_type(IKG.Actor):
        town = ix.one(a, IKG.locatedIn)
        cells: dict[str, Cell] = {
            "id": ix.ident(a),
            "name": ix.text(a, SKOS.prefLabel),
            "type": ix.choice(a, ORG.classification),
            "town": None if town is None else ix.text(town, SKOS.prefLabel) or ix.text(town, RDFS.label),
            "parent": ix.ref(a, ORG.unitOf),
        }
        records.append(_record(ix, a, cells, (ix.ident(a),)))
    return records


def _working_groups(ix: _Index) -> list[Record]:
    records = []
    for w in ix.of_type(IKG.WorkingGroup):
        cells: dict[str, Cell] = {
            "id": ix.ident(w),
            "name": ix.text(w, SKOS.prefLabel),
            "name_en": ix.text(w, SKOS.prefLabel, "en"),
            "action_fields": ix.refs(w, ORG.purpose),
        }
        records.append(_record(ix, w, cells, (ix.ident(w),)))
    return records


def _instant(ix: _Index, interval: Node | None, prop: URIRef) -> Literal | None:
    instant = None if interval is None else ix.one(interval, prop)
    if instant is None:
        return None
    for p in (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear):
        found = ix.literal(instant, p)
        if found is not None:
            return found
    return None


def _memberships(ix: _Index) -> list[Record]:
    records = []
    for m in ix.of_type(ORG.Membership):
        actor, wg = ix.ref(m, ORG.member), ix.ref(m, ORG.organization)
        interval = ix.one(m, ORG.memberDuring)
        cells: dict[str, Cell] = {
            "actor": actor,
            "working_group": wg,
            "role": ix.choice(m, ORG.role) or Choice(str(ROLE.member)),
            "since": _instant(ix, interval, TIME.hasBeginning),
            "until": _instant(ix, interval, TIME.hasEnd),
        }
        records.append(_record(ix, m, cells, (wg or "", actor or "")))
    return records


def _goals(ix: _Index) -> list[Record]:
    records = []
    for g in ix.of_type(IKG.Goal):
        cells: dict[str, Cell] = {
            "id": ix.ident(g),
            "title": ix.text(g, SKOS.prefLabel),
            "title_en": ix.text(g, SKOS.prefLabel, "en"),
            "action_fields": ix.refs(g, IKG.inActionField),
            "cross_cutting_tasks": ix.refs(g, IKG.addressesTask),
            "working_group": ix.ref(g, IKG.formulatedBy),
            "pursued_by": ix.refs(g, IKG.pursuedBy),
            "concerns": ix.refs(g, IKG.concerns),
            "broader": ix.ref(g, SKOS.broader),
            "level": Choice("concept") if ix.has_type(g, IKG.ConceptGoal) else None,
        }
        records.append(_record(ix, g, cells, (ix.ident(g),)))
    return records


def _scheme_members(ix: _Index, cls: URIRef) -> list[Record]:
    records = []
    for f in ix.of_type(cls):
        notation = ix.literal(f, SKOS.notation)
        cells: dict[str, Cell] = {
            "id": ix.ident(f),
            "label": ix.text(f, SKOS.prefLabel),
            "label_en": ix.text(f, SKOS.prefLabel, "en"),
            "notation": None if notation is None else str(notation),
        }
        records.append(_record(ix, f, cells, (ix.ident(f),)))
    return records


def _cooperations(ix: _Index) -> list[Record]:
    records = []
    for k in ix.of_type(IKG.Cooperation):
        partners = sorted(ix.ident(p) for p in ix.all(k, IKG.partner))
        first = partners[0] if partners else None
        second = partners[1] if len(partners) > 1 else None
        cells: dict[str, Cell] = {
            "actor_a": first,
            "actor_b": second,
            "since": ix.literal(k, IKG.since),
            "description": ix.text(k, DCTERMS.description),
        }
        records.append(_record(ix, k, cells, (first or "", second or "")))
    return records


def _indicators(ix: _Index) -> list[Record]:
    records = []
    for i in ix.of_type(IKG.Indicator):
        unit, area = ix.literal(i, IKG.unit), ix.literal(i, IKG.area)
        cells: dict[str, Cell] = {
            "id": ix.ident(i),
            "label": ix.text(i, SKOS.prefLabel),
            "value": ix.decimal(i, RDF.value),
            "unit": None if unit is None else str(unit),
            "area": None if area is None else str(area),
            "date": ix.literal(i, DCTERMS.date),
        }
        records.append(_record(ix, i, cells, (ix.ident(i),)))
    return records


def _events(ix: _Index) -> list[Record]:
    records = []
    for e in ix.of_type(IKG.Event):
        cells: dict[str, Cell] = {
            "id": ix.ident(e),
            "label": ix.text(e, SKOS.prefLabel),
            "date": ix.literal(e, DCTERMS.date),
            "kind": ix.choice(e, IKG.eventKind),
            "actors": ix.refs(e, PROV.wasAssociatedWith),
        }
        records.append(_record(ix, e, cells, (ix.ident(e),)))
    return records


_READERS: dict[str, Callable[[_Index], list[Record]]] = {
    "actors": _actors,
    "working_groups": _working_groups,
    "memberships": _memberships,
    "goals": _goals,
    "action_fields": lambda ix: _scheme_members(ix, IKG.ActionField),
    "cross_cutting_tasks": lambda ix: _scheme_members(ix, IKG.CrossCuttingTask),
    "cooperations": _cooperations,
    "indicators": _indicators,
    "events": _events,
}


def tables_from_triples(triples: Iterable[tuple[Node, Node, Node]], concept_id: str, concept_iri: str) -> Tables:
    """The tables of a concept from the triples of its graph.

    Parameters
    ----------
    triples : iterable of (subject, predicate, object)
        rdflib terms: the concept's named graph.
    concept_id : str
        Its id (for the default source texts).
    concept_iri : str
        The concept itself, the first row of ``concept``; further concepts in the graph are the
        earlier versions it revises, in the rows after it.

    Returns
    -------
    Tables
        Every table of :data:`~ikg.graph.ingest.schema.SHEETS`, in that order (empty ones too).
    """
    ix = _Index(triples)
    tables: Tables = {}
    concepts = _concepts(ix, URIRef(concept_iri))
    main = [r for r in concepts if r.key[0] == "0"]
    tables["concept"] = arrange(main, concept_id, "concept") + arrange(
        [r for r in concepts if r.key[0] != "0"], concept_id, "concept", first=2 + len(main)
    )
    for sheet in SHEETS[1:]:
        tables[sheet.name] = arrange(_READERS[sheet.name](ix), concept_id, sheet.name)
    return tables


def read_concept(store: StoreLike, concept_id: str) -> Tables:
    """Read a concept from the store as the tables of the spreadsheet format.

    Parameters
    ----------
    store : StoreLike
        The embedded store, a snapshot or a remote SPARQL server.
    concept_id : str
        The concept's id.

    Returns
    -------
    Tables

    Raises
    ------
    NotFoundError
        For an unknown concept, naming the concepts there are.
    """
    info = require_concept(store, concept_id)
    _, rows = store.select(_TRIPLES, {"g": URIRef(info.graph)})
    triples = ((s, p, o) for s, p, o in rows if s is not None and p is not None and o is not None)
    return tables_from_triples(triples, info.id, info.iri)
