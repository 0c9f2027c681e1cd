"""From raw spreadsheet tables to RDF: parse cells, check references, mint IRIs, emit quads.

Every problem is collected (not just the first), each with its table, row and column. The steps
have a module each: cells are parsed in :mod:`ikg.graph.ingest.rows`, rows checked against each
other in :mod:`ikg.graph.ingest.refs`; here the checked rows become Oxigraph quads in the
concept's named graph, one function per table. IRIs are minted from the concept id and the row
ids as :func:`ikg.graph.namespaces.mint` mints them, so the same data gives the same graph. Every
resource carries ``prov:wasDerivedFrom`` a source: the row's ``source`` cell, or else the table
row it came from.

The triples are written as N-Triples lines of the store's own terms (:mod:`ikg.graph.ingest.emit`,
:mod:`ikg.graph.ingest.ntriples`): no rdflib term and no quad object is built for them, and the
SHACL validation and the write read the same lines (at 10,000 actors rdflib terms were a third of
an import; at 100,000 actors the quad objects took 20 s and 2.7 GB).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib.namespace import XSD

from ikg.graph.ingest.emit import Builder, Origin, V, seg
from ikg.graph.ingest.ntriples import ConceptText
from ikg.graph.ingest.problems import Problem
from ikg.graph.ingest.refs import AS_WRITTEN, check_pairs, check_references
from ikg.graph.ingest.rows import Row, parse_date, parse_decimal, parse_row
from ikg.graph.ingest.schema import SHEETS
from ikg.graph.namespaces import BASE

if TYPE_CHECKING:
    from rdflib import Graph, Literal

    from ikg.graph.ingest.tabular import RawTable

__all__ = ["Mapped", "map_tables", "parse_date", "parse_decimal"]


@dataclass
class Mapped:
    """The result of mapping: the concept's triples, where each resource came from, and problems.

    Attributes
    ----------
    concept_id : str or None
        Id of the concept (the first row of the ``concept`` table).
    text : ConceptText or None
        The concept's triples as N-Triples lines of its named graph, spooled to temporary files;
        ``None`` without a concept. The same lines are validated and written.
    origin : dict
        Resource IRI to ``(source, row, table)``, to place SHACL results in the spreadsheet
        (looked up by the IRI's text or an rdflib ``URIRef``).
    problems : list of Problem
    counts : dict
        Rows read per table.
    """

    concept_id: str | None
    text: ConceptText | None = None
    origin: dict[Any, tuple[str, int, str]] = field(default_factory=Origin)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def quads(self) -> list[ox.Quad] | None:
        """The triples as quads of the concept's graph, parsed from :attr:`text` on each call (for
        the routes that compare or send quads; ``None`` without a concept)."""
        return None if self.text is None else self.text.quads()

    @property
    def triples(self) -> list[ox.Quad]:
        """The quads (``len(mapped.triples)`` is the number of triples of the concept)."""
        return self.quads or []

    @property
    def graph(self) -> Graph:
        """The triples as an rdflib graph (built on each call, for tools and tests: at 10,000
        actors an rdflib graph costs seconds, which the import itself does without)."""
        from rdflib import Graph

        from ikg.graph.terms import from_ox

        graph = Graph()
        terms = ((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for q in self.triples)
        graph.addN((s, p, o, graph) for s, p, o in terms if s is not None and p is not None and o is not None)
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
        builder = Builder(mapped, concept_id, rows=sum(mapped.counts.values()))
        _emit(builder, {**rows, "memberships": members, "cooperations": partners})
        mapped.text = builder.finish()
    mapped.problems = [p for sheet in SHEETS for row in rows[sheet.name] for p in row.problems]
    return mapped


def _keyed(rows: Sequence[Row]) -> Iterator[tuple[str, Row]]:
    """The rows that have an id, with it."""
    for row in rows:
        key = row.get("id")
        if key is not None:
            yield key, row


def _emit(b: Builder, rows: dict[str, list[Row]]) -> None:
    """Add the triples of every table (memberships and cooperations: the distinct rows only)."""
    _concepts(b, rows["concept"])
    _actors(b, rows["actors"])
    _scheme_members(b, "action_fields", V.ikg_ActionField, rows["action_fields"])
    _scheme_members(b, "cross_cutting_tasks", V.ikg_CrossCuttingTask, rows["cross_cutting_tasks"])
    _working_groups(b, rows["working_groups"])
    _memberships(b, rows["memberships"])
    _goals(b, rows["goals"])
    _cooperations(b, rows["cooperations"])
    _indicators(b, rows["indicators"])
    _events(b, rows["events"])


def _concepts(b: Builder, rows: Sequence[Row]) -> None:
    for key, row in _keyed(rows):
        c = ox.NamedNode(BASE + seg(key))
        b.add(c, V.rdf_type, V.ikg_IntegrationConcept)
        b.add(c, V.rdf_type, V.prov_Entity)
        b.ident(c, key)
        b.texts(c, V.dcterms_title, row.get("title"), row.get("title_en"))
        b.labels(c, row.get("title"), row.get("title_en"))
        b.texts(c, V.dcterms_description, row.get("description"), row.get("description_en"))
        if row.get("issued") is not None:
            b.add(c, V.dcterms_issued, b.term(row.get("issued")))
        if row.get("publisher"):
            b.add(c, V.dcterms_publisher, b.iri("actors", row.get("publisher")))
        elif row.get(AS_WRITTEN):  # a publisher that is no actor of the table: its name
            b.add(c, V.ikg_publisherName, ox.Literal(row.get(AS_WRITTEN)))
        if row.get("revision_of"):
            b.add(c, V.prov_wasRevisionOf, ox.NamedNode(BASE + seg(row.get("revision_of"))))
        for actor_type in row.get("required_actor_types") or []:
            b.add(c, V.ikg_requiresActorType, b.term(actor_type))
        b.provenance(c, row)
    if rows:
        _schemes(b, rows[0])


def _schemes(b: Builder, row: Row) -> None:
    """The concept schemes of action fields and tasks, titled after the concept (its first row)."""
    title = row.get("title") or b.cid
    for kind, de, en in (
        ("action_fields", "Handlungsfelder", "Action fields"),
        ("cross_cutting_tasks", "Querschnittsaufgaben", "Cross-cutting tasks"),
    ):
        scheme = b.schemes[kind]
        b.add(scheme, V.rdf_type, V.skos_ConceptScheme)
        b.add(scheme, V.dcterms_isPartOf, b.concept)
        b.labels(scheme, f"{de}: {title}", f"{en}: {row.get('title_en') or title}")


def _actors(b: Builder, rows: Sequence[Row]) -> None:
    for key, row in _keyed(rows):
        a = b.iri("actors", key)
        b.add(a, V.rdf_type, V.ikg_Actor)
        b.add(a, V.rdf_type, V.org_Organization)
        b.ident(a, key)
        b.labels(a, row.get("name"), None)
        if row.get("type") is not None:
            b.add(a, V.org_classification, b.term(row.get("type")))
        b.as_written(a, row)
        parent = row.get("parent")
        if parent:
            p = b.iri("actors", parent)
            b.add(a, V.rdf_type, V.org_OrganizationalUnit)
            b.add(a, V.org_unitOf, p)
            b.add(p, V.org_hasUnit, a)
        else:
            b.add(a, V.rdf_type, V.org_FormalOrganization)
        if row.get("town"):
            b.add(a, V.ikg_locatedIn, b.town(row.get("town")))
        b.provenance(a, row)


def _scheme_members(b: Builder, kind: str, klass: ox.NamedNode, rows: Sequence[Row]) -> None:
    """Action fields or cross-cutting tasks: the top concepts of their scheme."""
    scheme = b.schemes[kind]
    for key, row in _keyed(rows):
        f = b.iri(kind, key)
        b.add(f, V.rdf_type, klass)
        b.add(f, V.rdf_type, V.skos_Concept)
        b.ident(f, key)
        b.labels(f, row.get("label"), row.get("label_en"))
        b.add(f, V.skos_inScheme, scheme)
        b.add(f, V.skos_topConceptOf, scheme)
        b.add(scheme, V.skos_hasTopConcept, f)
        if row.get("notation"):
            b.add(f, V.skos_notation, ox.Literal(row.get("notation")))
        b.provenance(f, row)


def _working_groups(b: Builder, rows: Sequence[Row]) -> None:
    for key, row in _keyed(rows):
        w = b.iri("working_groups", key)
        b.add(w, V.rdf_type, V.ikg_WorkingGroup)
        b.add(w, V.rdf_type, V.org_OrganizationalCollaboration)
        b.ident(w, key)
        b.labels(w, row.get("name"), row.get("name_en"))
        for f in row.get("action_fields") or []:
            b.add(w, V.org_purpose, b.iri("action_fields", f))
        b.provenance(w, row)


def _memberships(b: Builder, rows: Sequence[Row]) -> None:
    """Memberships: the distinct rows (:func:`ikg.graph.ingest.refs.check_pairs`)."""
    for row in rows:
        actor, wg = row.get("actor"), row.get("working_group")
        m = b.mint("membership", actor, wg)
        a, w = b.iri("actors", actor), b.iri("working_groups", wg)
        b.add(m, V.rdf_type, V.org_Membership)
        b.add(m, V.org_member, a)
        b.add(m, V.org_organization, w)
        b.add(m, V.org_role, b.term(row.get("role")) if row.get("role") else V.role_member)
        b.as_written(m, row)
        b.add(a, V.org_memberOf, w)
        _interval(b, m, row.get("since"), row.get("until"))
        b.provenance(m, row)


def _interval(b: Builder, membership: ox.NamedNode, since: Any, until: Any) -> None:
    """``org:memberDuring`` a ``time:Interval`` from ``since`` to ``until``, when either is known."""
    if since is None and until is None:
        return
    interval = ox.NamedNode(membership.value + "/interval")
    b.add(membership, V.org_memberDuring, interval)
    b.add(interval, V.rdf_type, V.time_Interval)
    for prop, lit, suffix in ((V.time_hasBeginning, since, "begin"), (V.time_hasEnd, until, "end")):
        if lit is None:
            continue
        instant = ox.NamedNode(interval.value + "/" + suffix)
        b.add(interval, prop, instant)
        b.add(instant, V.rdf_type, V.time_Instant)
        b.add(instant, _time_prop(lit), b.term(lit))


def _goals(b: Builder, rows: Sequence[Row]) -> None:
    for key, row in _keyed(rows):
        goal = b.iri("goals", key)
        b.add(goal, V.rdf_type, V.ikg_Goal)
        if row.get("level") == "concept":
            b.add(goal, V.rdf_type, V.ikg_ConceptGoal)
            b.add(goal, V.ikg_goalOf, b.concept)
        b.ident(goal, key)
        b.labels(goal, row.get("title"), row.get("title_en"))
        for f in row.get("action_fields") or []:
            b.add(goal, V.ikg_inActionField, b.iri("action_fields", f))
        for task in row.get("cross_cutting_tasks") or []:
            b.add(goal, V.ikg_addressesTask, b.iri("cross_cutting_tasks", task))
        if row.get("working_group"):
            b.add(goal, V.ikg_formulatedBy, b.iri("working_groups", row.get("working_group")))
        for a in row.get("pursued_by") or []:
            b.add(goal, V.ikg_pursuedBy, b.iri("actors", a))
        for a in row.get("concerns") or []:
            b.add(goal, V.ikg_concerns, b.iri("actors", a))
        if row.get("broader"):
            b.add(goal, V.skos_broader, b.iri("goals", row.get("broader")))
        b.provenance(goal, row)


def _cooperations(b: Builder, rows: Sequence[Row]) -> None:
    """Cooperations: the distinct rows (:func:`ikg.graph.ingest.refs.check_pairs`), partners in id order."""
    for row in rows:
        first, second = sorted((row.get("actor_a"), row.get("actor_b")))
        k = b.mint("cooperation", first, second)
        ia, ib = b.iri("actors", first), b.iri("actors", second)
        b.add(k, V.rdf_type, V.ikg_Cooperation)
        b.add(k, V.ikg_partner, ia)
        b.add(k, V.ikg_partner, ib)
        b.add(ia, V.ikg_cooperatesWith, ib)
        if row.get("since") is not None:
            b.add(k, V.ikg_since, b.term(row.get("since")))
        if row.get("description"):
            b.add(k, V.dcterms_description, ox.Literal(row.get("description"), language="de"))
        b.provenance(k, row)


def _indicators(b: Builder, rows: Sequence[Row]) -> None:
    from rdflib import Literal  # a Decimal's lexical form as rdflib has always written it

    for key, row in _keyed(rows):
        ind = b.iri("indicators", key)
        b.add(ind, V.rdf_type, V.ikg_Indicator)
        b.ident(ind, key)
        b.labels(ind, row.get("label"), None)
        if row.get("value") is not None:
            b.add(ind, V.rdf_value, b.term(Literal(row.get("value"), datatype=XSD.decimal)))
        if row.get("unit"):
            b.add(ind, V.ikg_unit, ox.Literal(row.get("unit")))
        if row.get("area"):
            b.add(ind, V.ikg_area, ox.Literal(row.get("area")))
        if row.get("date") is not None:
            b.add(ind, V.dcterms_date, b.term(row.get("date")))
        b.provenance(ind, row)


def _events(b: Builder, rows: Sequence[Row]) -> None:
    for key, row in _keyed(rows):
        ev = b.iri("events", key)
        b.add(ev, V.rdf_type, V.ikg_Event)
        b.add(ev, V.rdf_type, V.prov_Activity)
        b.ident(ev, key)
        b.labels(ev, row.get("label"), None)
        if row.get("date") is not None:
            b.add(ev, V.dcterms_date, b.term(row.get("date")))
        if row.get("kind") is not None:
            b.add(ev, V.ikg_eventKind, b.term(row.get("kind")))
        b.as_written(ev, row)
        for a in row.get("actors") or []:
            b.add(ev, V.prov_wasAssociatedWith, b.iri("actors", a))
        b.provenance(ev, row)


def _time_prop(lit: Literal) -> ox.NamedNode:
    """The ``time:inXSD...`` property for a date literal of its precision."""
    if lit.datatype == XSD.gYear:
        return V.time_inXSDgYear
    if lit.datatype == XSD.gYearMonth:
        return V.time_inXSDgYearMonth
    return V.time_inXSDDate
