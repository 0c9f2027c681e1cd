"""The store's own terms for the mapping: the vocabulary as Oxigraph IRIs, and the builder that mints
IRIs and writes a concept's triples as N-Triples lines (see :mod:`ikg.graph.ingest.mapping` and
:mod:`ikg.graph.ingest.ntriples`).

IRIs are minted exactly as :func:`ikg.graph.namespaces.mint` and
:func:`ikg.graph.namespaces.source_iri` mint them (``tests/test_import.py`` checks this), but as
Oxigraph terms, each once: no rdflib term is made for the triples of an import. Each term is
written by Oxigraph's own serialiser (``str`` of the term), IRIs and typed literals once.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME

from ikg.graph.ingest.ntriples import BYTES_PER_ROW, ConceptText
from ikg.graph.ingest.refs import AS_WRITTEN
from ikg.graph.ingest.shacl_lexical import for_checks
from ikg.graph.namespaces import BASE, GRAPH_BASE, IKG, ORG, ROLE
from ikg.graph.terms import to_ox

if TYPE_CHECKING:
    from ikg.graph.ingest.mapping import Mapped
    from ikg.graph.ingest.rows import Row

__all__ = ["Builder", "Origin", "V", "seg"]

_KIND_SEGMENT = {
    "actors": "actor",
    "working_groups": "wg",
    "goals": "goal",
    "action_fields": "action-field",
    "cross_cutting_tasks": "task",
    "indicators": "indicator",
    "events": "event",
}
#: what ``urllib.parse.quote(value, safe="-._~")`` leaves as it is
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*\Z")


def seg(value: str) -> str:
    """One IRI segment, percent-encoded exactly as :func:`ikg.graph.namespaces.mint` does (quicker when
    nothing needs encoding, as for most ids)."""
    return value if _UNQUOTED.match(value) else quote(value, safe="-._~")


class _Terms:
    """The vocabulary's IRIs as Oxigraph terms, made once (``V.rdf_type``, ``V.ikg_Actor`` ...)."""

    def __init__(self) -> None:
        spaces: dict[str, Any] = {"rdf": RDF, "rdfs": RDFS, "skos": SKOS, "prov": PROV, "dcterms": DCTERMS}
        spaces |= {"ikg": IKG, "org": ORG, "time": TIME, "role": ROLE}
        for prefix, ns in spaces.items():
            for name in _NAMES[prefix].split():
                setattr(self, f"{prefix}_{name}", ox.NamedNode(str(ns) + name))

    def __getattr__(self, name: str) -> ox.NamedNode:  # for type checkers: every attribute is a NamedNode
        raise AttributeError(name)


#: the vocabulary's local names per prefix (space-separated)
_NAMES: dict[str, str] = {
    "rdf": "type value",
    "rdfs": "label",
    "skos": "prefLabel ConceptScheme Concept inScheme topConceptOf hasTopConcept notation broader",
    "prov": "wasDerivedFrom Entity wasRevisionOf Activity wasAssociatedWith",
    "dcterms": "identifier title description issued publisher isPartOf date",
    "ikg": "Source asWritten Town IntegrationConcept publisherName requiresActorType Actor locatedIn ActionField "
    "CrossCuttingTask WorkingGroup Goal ConceptGoal goalOf inActionField addressesTask formulatedBy pursuedBy "
    "concerns Cooperation partner cooperatesWith since Indicator unit area Event eventKind",
    "org": "Organization classification OrganizationalUnit unitOf hasUnit FormalOrganization "
    "OrganizationalCollaboration purpose Membership member organization role memberOf memberDuring",
    "time": "Interval hasBeginning hasEnd Instant inXSDgYear inXSDgYearMonth inXSDDate",
    "role": "member",
}
V = _Terms()


class Origin(dict[str, tuple[str, int, str]]):
    """Resource IRI to ``(source, row, table)``, keyed by the IRI's text; an rdflib ``URIRef`` finds it too."""

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, str(key))

    def __getitem__(self, key: str) -> tuple[str, int, str]:
        return dict.__getitem__(self, str(key))


_PLAIN = (ox.NamedNode("http://www.w3.org/2001/XMLSchema#string"), ox.NamedNode(str(RDF) + "langString"))


class Builder:
    """Writes the triples of one concept: mints IRIs (each once), records where each resource came from.

    ``rows``, the number of table rows, tells how many lines to expect (see :data:`BYTES_PER_ROW`).
    """

    def __init__(self, mapped: Mapped, cid: str, rows: int = 0) -> None:
        self.mapped = mapped
        self.cid = cid
        self.prefix = BASE + seg(cid) + "/"
        self.graph = ox.NamedNode(GRAPH_BASE + seg(cid))
        # the checks' store fills as the lines are written; on disk at once when they will be many
        self.text = ConceptText(self.graph.value, prefill=True, expected=rows * BYTES_PER_ROW)
        self._line, self._typed = self.text.add, self.text.add_typed
        #: N-Triples form of IRIs and typed literals (a typed literal: its store and checks forms)
        self._nt: dict[Any, Any] = {}
        self.concept = ox.NamedNode(BASE + seg(cid))
        self.schemes = {
            "action_fields": self.mint("scheme", "action-fields"),
            "cross_cutting_tasks": self.mint("scheme", "cross-cutting-tasks"),
        }
        self._iris: dict[tuple[str, str], ox.NamedNode] = {}
        self._terms: dict[Any, Any] = {}
        self._towns: dict[str, ox.NamedNode] = {}

    def add(self, s: Any, p: ox.NamedNode, o: Any) -> None:
        """One triple of the concept's graph, as a line of N-Triples (a repeated one as often as it
        is made: the stores that read the lines keep it once)."""
        nt = self._nt
        ts = nt.get(s)
        if ts is None:
            ts = nt[s] = str(s)
        tp = nt.get(p)
        if tp is None:
            tp = nt[p] = str(p)
        if type(o) is ox.Literal:
            if o.datatype in _PLAIN:  # texts: most of them once, not worth keeping
                self._line(f"{ts} {tp} {o} .\n")
                return
            to = nt.get(o)
            if to is None:
                to = nt[o] = (str(o), str(for_checks(o)))
            self._typed(f"{ts} {tp} {to[0]} .\n", f"{ts} {tp} {to[1]} .\n")
            return
        to = nt.get(o)
        if to is None:
            to = nt[o] = str(o)
        self._line(f"{ts} {tp} {to} .\n")

    def finish(self) -> ConceptText:
        """The concept's lines, written out; the builder's caches let go."""
        self._nt.clear()
        return self.text.seal()

    def mint(self, kind: str, *ids: str) -> ox.NamedNode:
        """The IRI :func:`ikg.graph.namespaces.mint` gives for ``kind`` and ``ids`` in this concept."""
        return ox.NamedNode(self.prefix + kind + "/" + "/".join(seg(i) for i in ids))

    def iri(self, kind: str, key: str) -> ox.NamedNode:
        """The IRI of the row ``key`` of table ``kind`` (minted once, however often it is referred to)."""
        found = self._iris.get((kind, key))
        if found is None:
            found = self._iris[kind, key] = self.mint(_KIND_SEGMENT[kind], key)
        return found

    def term(self, value: Any) -> Any:
        """An rdflib term of a parsed cell (a date, a choice's IRI) as an Oxigraph term, converted once."""
        found = self._terms.get(value)
        if found is None:
            found = self._terms[value] = to_ox(value)
        return found

    def provenance(self, subject: ox.NamedNode, row: Row) -> None:
        """``prov:wasDerivedFrom`` the row's source (or the row), and the row as the origin."""
        text = row.get("source") or f"{self.cid}: {row.table.sheet.name}, row {row.number}"
        digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]
        src = ox.NamedNode(self.prefix + "source/" + digest)  # as namespaces.source_iri
        self.add(subject, V.prov_wasDerivedFrom, src)
        self.add(src, V.rdf_type, V.ikg_Source)
        self.add(src, V.rdfs_label, ox.Literal(text))
        self.mapped.origin[subject.value] = (row.table.source, row.number, row.table.sheet.name)

    def texts(self, subject: ox.NamedNode, prop: ox.NamedNode, de: str | None, en: str | None) -> None:
        """A German and an English text, each when given."""
        if de:
            self.add(subject, prop, ox.Literal(de, language="de"))
        if en:
            self.add(subject, prop, ox.Literal(en, language="en"))

    def labels(self, subject: ox.NamedNode, de: str | None, en: str | None) -> None:
        """``skos:prefLabel`` in German and English, each when given."""
        self.texts(subject, V.skos_prefLabel, de, en)

    def as_written(self, subject: ox.NamedNode, row: Row) -> None:
        """``ikg:asWritten``: the choice of a row that is "other", as the cell held it."""
        if row.get(AS_WRITTEN):
            self.add(subject, V.ikg_asWritten, ox.Literal(row.get(AS_WRITTEN)))

    def ident(self, subject: ox.NamedNode, key: str) -> None:
        """``dcterms:identifier``: the row's id."""
        self.add(subject, V.dcterms_identifier, ox.Literal(key))

    def town(self, name: str) -> ox.NamedNode:
        """The IRI of a town, described the first time it is named."""
        place = self._towns.get(name)
        if place is None:
            place = self._towns[name] = self.mint("town", name)
            self.add(place, V.rdf_type, V.ikg_Town)
            self.labels(place, name, None)
        return place
