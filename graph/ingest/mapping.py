"""From raw spreadsheet tables to RDF: parse cells, check references, mint IRIs, emit triples.

Every problem is collected (not just the first), each with its table, row and column. The steps
have a module each: cells are parsed in :mod:`ikg.graph.ingest.rows`, rows checked against each
other in :mod:`ikg.graph.ingest.refs`; here the checked rows become triples, one function per
table. IRIs are minted from the concept id and the row ids (:mod:`ikg.graph.namespaces`), so the
same data gives the same graph. Every resource carries ``prov:wasDerivedFrom`` a source: the
row's ``source`` cell, or else the table row it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

from ikg.graph.ingest.problems import Problem
from ikg.graph.ingest.refs import AS_WRITTEN, check_pairs, check_references
from ikg.graph.ingest.rows import Row, parse_date, parse_decimal, parse_row
from ikg.graph.ingest.schema import SHEETS
from ikg.graph.ingest.tabular import RawTable
from ikg.graph.namespaces import IKG, ORG, ROLE, concept_iri, mint, source_iri

__all__ = ["Mapped", "map_tables", "parse_date", "parse_decimal"]

_KIND_SEGMENT = {
    "actors": "actor",
    "working_groups": "wg",
    "goals": "goal",
    "action_fields": "action-field",
    "cross_cutting_tasks": "task",
    "indicators": "indicator",
    "events": "event",
}

_Triple = tuple[URIRef, URIRef, Any]


@dataclass
class Mapped:
    """The result of mapping: the concept's graph, where each resource came from, and problems.

    Attributes
    ----------
    concept_id : str or None
        Id of the concept (the first row of the ``concept`` table).
    triples : set of tuple
        The triples of the concept's named graph, as rdflib terms.
    origin : dict
        Resource IRI to ``(source, row, table)``, to place SHACL results in the spreadsheet.
    problems : list of Problem
    counts : dict
        Rows read per table.
    quads : list of pyoxigraph.Quad or None
        The same triples as Oxigraph quads (default graph), once validated: converted once, for
        both the validation and the write.
    """

    concept_id: str | None
    triples: set[_Triple] = field(default_factory=set)
    origin: dict[URIRef, tuple[str, int, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    quads: list[Any] | None = None

    @property
    def graph(self) -> Graph:
        """The triples as an rdflib graph (built on each call: at 10,000 actors an rdflib graph
        costs seconds, which the import itself does without)."""
        graph = Graph()
        graph.addN((s, p, o, graph) for s, p, o in self.triples)
        return graph


def map_tables(tables: dict[str, RawTable]) -> Mapped:
    """Map raw tables to the concept's RDF graph.

    Parameters
    ----------
    tables : dict
        As returned by :func:`ikg.graph.ingest.tabular.read_tables`.

    Returns
    -------
    Mapped
        The graph and every problem found, in the order of the tables and their rows; the
        graph must not be written if any problem has severity ``"error"``.
    """
    parsed: dict[str, list[Row]] = {}
    for sheet in SHEETS:
        table = tables.get(sheet.name)
        parsed[sheet.name] = [] if table is None else [parse_row(table, n, cells) for n, cells in table.rows]
    rows = check_references(parsed)
    concept_rows = rows["concept"]
    concept_id = concept_rows[0].get("id") if concept_rows else None
    mapped = Mapped(concept_id)
    mapped.counts = {name: len(r) for name, r in rows.items() if r}
    if concept_id is not None:
        # repeated pairs are looked for (and reported) only when there is a concept to build
        rows["memberships"], members = check_pairs(rows["memberships"], "actor", "working_group")
        rows["cooperations"], partners = check_pairs(rows["cooperations"], "actor_a", "actor_b", symmetric=True)
        _emit(_Builder(mapped, concept_id), {**rows, "memberships": members, "cooperations": partners})
    mapped.problems = [p for sheet in SHEETS for row in rows[sheet.name] for p in row.problems]
    return mapped


class _Builder:
    """Adds the triples of one concept to a :class:`Mapped`: mints IRIs, records where each came from."""

    def __init__(self, mapped: Mapped, cid: str) -> None:
        self.mapped = mapped
        self.cid = cid
        self.add: Callable[[_Triple], None] = mapped.triples.add
        self.concept = concept_iri(cid)
        self.schemes = {
            "action_fields": mint(cid, "scheme", "action-fields"),
            "cross_cutting_tasks": mint(cid, "scheme", "cross-cutting-tasks"),
        }
        self._towns: dict[str, URIRef] = {}

    def iri(self, kind: str, key: str) -> URIRef:
        return mint(self.cid, _KIND_SEGMENT[kind], key)

    def provenance(self, subject: URIRef, row: Row) -> None:
        """``prov:wasDerivedFrom`` the row's source (or the row), and the row as the origin."""
        text = row.get("source") or f"{self.cid}: {row.table.sheet.name}, row {row.number}"
        src = source_iri(self.cid, text)
        self.add((subject, PROV.wasDerivedFrom, src))
        self.add((src, RDF.type, IKG.Source))
        self.add((src, RDFS.label, Literal(text)))
        self.mapped.origin[subject] = (row.table.source, row.number, row.table.sheet.name)

    def texts(self, subject: URIRef, prop: URIRef, de: str | None, en: str | None) -> None:
        """A German and an English text, each when given."""
        if de:
            self.add((subject, prop, Literal(de, lang="de")))
        if en:
            self.add((subject, prop, Literal(en, lang="en")))

    def labels(self, subject: URIRef, de: str | None, en: str | None) -> None:
        self.texts(subject, SKOS.prefLabel, de, en)

    def as_written(self, subject: URIRef, row: Row) -> None:
        """``ikg:asWritten``: the choice of a row that is "other", as the cell held it."""
        if row.get(AS_WRITTEN):
            self.add((subject, IKG.asWritten, Literal(row.get(AS_WRITTEN))))

    def ident(self, subject: URIRef, key: str) -> None:
        self.add((subject, DCTERMS.identifier, Literal(key)))

    def town(self, name: str) -> URIRef:
        """The IRI of a town, described the first time it is named."""
        place = self._towns.get(name)
        if place is None:
            place = self._towns[name] = mint(self.cid, "town", name)
            self.add((place, RDF.type, IKG.Town))
            self.labels(place, name, None)
        return place


def _keyed(rows: Sequence[Row]) -> Iterator[tuple[str, Row]]:
    """The rows that have an id, with it."""
    for row in rows:
        key = row.get("id")
        if key is not None:
            yield key, row


def _emit(b: _Builder, rows: dict[str, list[Row]]) -> None:
    """Add the triples of every table (memberships and cooperations: the distinct rows only)."""
    _concepts(b, rows["concept"])
    _actors(b, rows["actors"])
    _scheme_members(b, "action_fields", IKG.ActionField, rows["action_fields"])
    _scheme_members(b, "cross_cutting_tasks", IKG.CrossCuttingTask, rows["cross_cutting_tasks"])
    _working_groups(b, rows["working_groups"])
    _memberships(b, rows["memberships"])
    _goals(b, rows["goals"])
    _cooperations(b, rows["cooperations"])
    _indicators(b, rows["indicators"])
    _events(b, rows["events"])


def _concepts(b: _Builder, rows: Sequence[Row]) -> None:
    for key, row in _keyed(rows):
        c = concept_iri(key)
        b.add((c, RDF.type, IKG.IntegrationConcept))
        b.add((c, RDF.type, PROV.Entity))
        b.ident(c, key)
        b.texts(c, DCTERMS.title, row.get("title"), row.get("title_en"))
        b.labels(c, row.get("title"), row.get("title_en"))
        b.texts(c, DCTERMS.description, row.get("description"), row.get("description_en"))
        if row.get("issued") is not None:
            b.add((c, DCTERMS.issued, row.get("issued")))
        if row.get("publisher"):
            b.add((c, DCTERMS.publisher, b.iri("actors", row.get("publisher"))))
        elif row.get(AS_WRITTEN):  # a publisher that is no actor of the table: its name
            b.add((c, IKG.publisherName, Literal(row.get(AS_WRITTEN))))
        if row.get("revision_of"):
            b.add((c, PROV.wasRevisionOf, concept_iri(row.get("revision_of"))))
        for actor_type in row.get("required_actor_types") or []:
            b.add((c, IKG.requiresActorType, actor_type))
        b.provenance(c, row)
    if rows:
        _schemes(b, rows[0])


def _schemes(b: _Builder, row: Row) -> None:
    """The concept schemes of action fields and tasks, titled after the concept (its first row)."""
    title = row.get("title") or b.cid
    for kind, de, en in (
        ("action_fields", "Handlungsfelder", "Action fields"),
        ("cross_cutting_tasks", "Querschnittsaufgaben", "Cross-cutting tasks"),
    ):
        scheme = b.schemes[kind]
        b.add((scheme, RDF.type, SKOS.ConceptScheme))
        b.add((scheme, DCTERMS.isPartOf, b.concept))
        b.labels(scheme, f"{de}: {title}", f"{en}: {row.get('title_en') or title}")


def _actors(b: _Builder, rows: Sequence[Row]) -> None:
    for key, row in _keyed(rows):
        a = b.iri("actors", key)
        b.add((a, RDF.type, IKG.Actor))
        b.add((a, RDF.type, ORG.Organization))
        b.ident(a, key)
        b.labels(a, row.get("name"), None)
        if row.get("type") is not None:
            b.add((a, ORG.classification, row.get("type")))
        b.as_written(a, row)
        parent = row.get("parent")
        if parent:
            p = b.iri("actors", parent)
            b.add((a, RDF.type, ORG.OrganizationalUnit))
            b.add((a, ORG.unitOf, p))
            b.add((p, ORG.hasUnit, a))
        else:
            b.add((a, RDF.type, ORG.FormalOrganization))
        if row.get("town"):
            b.add((a, IKG.locatedIn, b.town(row.get("town"))))
        b.provenance(a, row)


def _scheme_members(b: _Builder, kind: str, klass: URIRef, rows: Sequence[Row]) -> None:
    """Action fields or cross-cutting tasks: the top concepts of their scheme."""
    scheme = b.schemes[kind]
    for key, row in _keyed(rows):
        f = b.iri(kind, key)
        b.add((f, RDF.type, klass))
        b.add((f, RDF.type, SKOS.Concept))
        b.ident(f, key)
        b.labels(f, row.get("label"), row.get("label_en"))
        b.add((f, SKOS.inScheme, scheme))
        b.add((f, SKOS.topConceptOf, scheme))
        b.add((scheme, SKOS.hasTopConcept, f))
        if row.get("notation"):
            b.add((f, SKOS.notation, Literal(row.get("notation"))))
        b.provenance(f, row)


def _working_groups(b: _Builder, rows: Sequence[Row]) -> None:
    for key, row in _keyed(rows):
        w = b.iri("working_groups", key)
        b.add((w, RDF.type, IKG.WorkingGroup))
        b.add((w, RDF.type, ORG.OrganizationalCollaboration))
        b.ident(w, key)
        b.labels(w, row.get("name"), row.get("name_en"))
        for f in row.get("action_fields") or []:
            b.add((w, ORG.purpose, b.iri("action_fields", f)))
        b.provenance(w, row)


def _memberships(b: _Builder, rows: Sequence[Row]) -> None:
    """Memberships: the distinct rows (:func:`ikg.graph.ingest.refs.check_pairs`)."""
    for row in rows:
        actor, wg = row.get("actor"), row.get("working_group")
        m = mint(b.cid, "membership", actor, wg)
        a, w = b.iri("actors", actor), b.iri("working_groups", wg)
        b.add((m, RDF.type, ORG.Membership))
        b.add((m, ORG.member, a))
        b.add((m, ORG.organization, w))
        b.add((m, ORG.role, row.get("role") or ROLE.member))
        b.as_written(m, row)
        b.add((a, ORG.memberOf, w))
        _interval(b, m, row.get("since"), row.get("until"))
        b.provenance(m, row)


def _interval(b: _Builder, membership: URIRef, since: Literal | None, until: Literal | None) -> None:
    """``org:memberDuring`` a ``time:Interval`` from ``since`` to ``until``, when either is known."""
    if since is None and until is None:
        return
    interval = URIRef(f"{membership}/interval")
    b.add((membership, ORG.memberDuring, interval))
    b.add((interval, RDF.type, TIME.Interval))
    for prop, lit, suffix in ((TIME.hasBeginning, since, "begin"), (TIME.hasEnd, until, "end")):
        if lit is None:
            continue
        instant = URIRef(f"{interval}/{suffix}")
        b.add((interval, prop, instant))
        b.add((instant, RDF.type, TIME.Instant))
        b.add((instant, _time_prop(lit), lit))


def _goals(b: _Builder, rows: Sequence[Row]) -> None:
    for key, row in _keyed(rows):
        goal = b.iri("goals", key)
        b.add((goal, RDF.type, IKG.Goal))
        if row.get("level") == "concept":
            b.add((goal, RDF.type, IKG.ConceptGoal))
            b.add((goal, IKG.goalOf, b.concept))
        b.ident(goal, key)
        b.labels(goal, row.get("title"), row.get("title_en"))
        for f in row.get("action_fields") or []:
            b.add((goal, IKG.inActionField, b.iri("action_fields", f)))
        for task in row.get("cross_cutting_tasks") or []:
            b.add((goal, IKG.addressesTask, b.iri("cross_cutting_tasks", task)))
        if row.get("working_group"):
            b.add((goal, IKG.formulatedBy, b.iri("working_groups", row.get("working_group"))))
        for a in row.get("pursued_by") or []:
            b.add((goal, IKG.pursuedBy, b.iri("actors", a)))
        for a in row.get("concerns") or []:
            b.add((goal, IKG.concerns, b.iri("actors", a)))
        if row.get("broader"):
            b.add((goal, SKOS.broader, b.iri("goals", row.get("broader"))))
        b.provenance(goal, row)


def _cooperations(b: _Builder, rows: Sequence[Row]) -> None:
    """Cooperations: the distinct rows (:func:`ikg.graph.ingest.refs.check_pairs`), partners in id order."""
    for row in rows:
        first, second = sorted((row.get("actor_a"), row.get("actor_b")))
        k = mint(b.cid, "cooperation", first, second)
        ia, ib = b.iri("actors", first), b.iri("actors", second)
        b.add((k, RDF.type, IKG.Cooperation))
        b.add((k, IKG.partner, ia))
        b.add((k, IKG.partner, ib))
        b.add((ia, IKG.cooperatesWith, ib))
        if row.get("since") is not None:
            b.add((k, IKG.since, row.get("since")))
        if row.get("description"):
            b.add((k, DCTERMS.description, Literal(row.get("description"), lang="de")))
        b.provenance(k, row)


def _indicators(b: _Builder, rows: Sequence[Row]) -> None:
    for key, row in _keyed(rows):
        ind = b.iri("indicators", key)
        b.add((ind, RDF.type, IKG.Indicator))
        b.ident(ind, key)
        b.labels(ind, row.get("label"), None)
        if row.get("value") is not None:
            b.add((ind, RDF.value, Literal(row.get("value"), datatype=XSD.decimal)))
        if row.get("unit"):
            b.add((ind, IKG.unit, Literal(row.get("unit"))))
        if row.get("area"):
            b.add((ind, IKG.area, Literal(row.get("area"))))
        if row.get("date") is not None:
            b.add((ind, DCTERMS.date, row.get("date")))
        b.provenance(ind, row)


def _events(b: _Builder, rows: Sequence[Row]) -> None:
    for key, row in _keyed(rows):
        ev = b.iri("events", key)
        b.add((ev, RDF.type, IKG.Event))
        b.add((ev, RDF.type, PROV.Activity))
        b.ident(ev, key)
        b.labels(ev, row.get("label"), None)
        if row.get("date") is not None:
            b.add((ev, DCTERMS.date, row.get("date")))
        if row.get("kind") is not None:
            b.add((ev, IKG.eventKind, row.get("kind")))
        b.as_written(ev, row)
        for a in row.get("actors") or []:
            b.add((ev, PROV.wasAssociatedWith, b.iri("actors", a)))
        b.provenance(ev, row)


def _time_prop(lit: Literal) -> URIRef:
    """The ``time:inXSD...`` property for a date literal of its precision."""
    if lit.datatype == XSD.gYear:
        return TIME.inXSDgYear
    if lit.datatype == XSD.gYearMonth:
        return TIME.inXSDgYearMonth
    return TIME.inXSDDate
