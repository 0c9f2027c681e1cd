"""From raw spreadsheet tables to RDF: parse cells, check references, mint IRIs, emit triples.

Every problem is collected (not just the first), each with its table, row and column. IRIs are
minted from the concept id and the row ids (:mod:`ikg.graph.namespaces`), so the same data gives
the same graph. Every resource carries ``prov:wasDerivedFrom`` a source: the row's ``source``
cell, or else the table row it came from.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

from ikg.graph.i18n import LANGS, t
from ikg.graph.ingest.problems import Problem
from ikg.graph.ingest.schema import SHEETS, Column, Sheet, normalise_name
from ikg.graph.ingest.tabular import RawTable
from ikg.graph.namespaces import IKG, ORG, ROLE, concept_iri, mint, source_iri
from ikg.graph.resources import ontology_graph, vocabulary
from ikg.graph.vocab import GOAL_LEVELS

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

_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("d", "m", "y")),
)
_YEAR_MONTH = (re.compile(r"^(\d{1,2})\.(\d{4})$"), re.compile(r"^(\d{4})-(\d{1,2})$"))
_YEAR = re.compile(r"^(\d{4})$")
# C0/C1 control characters other than tab, newline, carriage return; and bidi overrides,
# which can make a name read differently from what it is (Trojan Source).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def parse_date(value: Any) -> Literal | None:
    """Parse a date cell into an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` literal.

    Parameters
    ----------
    value : str, datetime.date or number
        ``2015-06-30``, ``30.06.2015``, ``06.2015``, ``2015-06`` or ``2015``; or a date an XLSX
        cell holds.

    Returns
    -------
    rdflib.Literal or None
        ``None`` if the value is not a date.

    Examples
    --------
    >>> parse_date("30.06.2015")
    rdflib.term.Literal('2015-06-30', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'))
    >>> str(parse_date("2007")), parse_date("31.02.2015")
    ('2007', None)
    """
    if isinstance(value, dt.datetime):
        return Literal(value.date().isoformat(), datatype=XSD.date)
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return Literal(f"{value:04d}", datatype=XSD.gYear)
    if isinstance(value, float) and value.is_integer() and 1000 <= value <= 9999:
        return Literal(f"{int(value):04d}", datatype=XSD.gYear)
    text = str(value).strip()
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups()), strict=True))
            try:
                day = dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
            return Literal(day.isoformat(), datatype=XSD.date)
    for i, pattern in enumerate(_YEAR_MONTH):
        m = pattern.match(text)
        if m:
            a, b = (int(g) for g in m.groups())
            month, year = (a, b) if i == 0 else (b, a)
            if 1 <= month <= 12:
                return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
            return None
    if _YEAR.match(text):
        return Literal(text, datatype=XSD.gYear)
    return None


def parse_decimal(value: Any) -> Decimal | None:
    """Parse a number cell, German (``26,5``, ``1.234,5``) or English (``26.5``).

    Examples
    --------
    >>> parse_decimal("26,5"), parse_decimal("1.234,5"), parse_decimal(34), parse_decimal("x")
    (Decimal('26.5'), Decimal('1234.5'), Decimal('34'), None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)).normalize() if value == value else None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." in text:
        # the separator that comes last is the decimal one
        comma_last = text.rfind(",") > text.rfind(".")
        text = text.replace(".", "").replace(",", ".") if comma_last else text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            return None
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number.normalize() if number == number.to_integral() else number


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
    triples: set[tuple[URIRef, URIRef, Any]] = field(default_factory=set)
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


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value).strip())


class _Row:
    """Parsed cells of one row; problems are reported into the shared list."""

    def __init__(self, table: RawTable, number: int, cells: dict[str, Any]):
        self.table = table
        self.number = number
        self.values: dict[str, Any] = {}
        self.problems: list[Problem] = []
        for col in table.sheet.columns:
            raw = cells.get(col.name)
            if raw is None:
                # a missing required column is reported once, for the header, not for every row
                if col.required and col.name in table.columns:
                    self._problem("empty_required", col)
                continue
            self._parse(col, raw)

    def _problem(self, code: str, col: Column | None, **args: Any) -> None:
        self.problems.append(Problem(code, self.table.source, self.number, col.name if col else None, args))

    def _parse(self, col: Column, raw: Any) -> None:
        if col.type == "date":
            lit = parse_date(raw)
            if lit is None:
                self._problem("bad_date", col, value=_text(raw))
            else:
                self.values[col.name] = lit
            return
        if col.type == "decimal":
            number = parse_decimal(raw)
            if number is None:
                self._problem("bad_number", col, value=_text(raw))
            else:
                self.values[col.name] = number
            return
        text = _text(raw)
        bad = _BAD_CHARS.search(text)
        if bad:
            self._problem("bad_text", col, detail=f"U+{ord(bad.group()):04X}")
            return
        if col.type in ("refs", "choices"):
            self.values[col.name] = [part.strip() for part in text.split("|") if part.strip()]
        else:
            self.values[col.name] = text

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


@cache
def _allowed(target: str) -> dict[str, str]:
    """The values a choice column accepts, as a problem lists them in each language.

    English lists the codes (``migrant_organisation``), German the German labels
    (``Migrantenorganisation``); the column accepts both.

    Examples
    --------
    >>> _allowed("goal_level")["de"], _allowed("role")["de"], _allowed("role")["en"]
    ('Handlungsfeld, Konzept', 'Gast, Koordination, Leitung, Mitglied', 'coordination, guest, lead, member')
    """
    if target == "goal_level":
        return {lang: t("ingest.goal_levels", lang) for lang in LANGS}
    vocab = vocabulary(target)
    codes = sorted({k for k, v in vocab.items() if v.rsplit("/", 1)[-1] == k})
    graph = ontology_graph()
    labels: dict[str, list[str]] = {lang: [] for lang in LANGS if lang != "en"}
    for iri in sorted(set(vocab.values())):
        names = {x.language: str(x) for x in graph.objects(URIRef(iri), SKOS.prefLabel) if isinstance(x, Literal)}
        for lang, found in labels.items():
            found.append(names.get(lang) or iri.rsplit("/", 1)[-1])
    out = {lang: ", ".join(sorted(found, key=normalise_name)) for lang, found in labels.items()}
    out["en"] = ", ".join(codes)
    return out


def _choice(row: _Row, col: Column, value: str) -> URIRef | str | None:
    if col.target == "goal_level":
        level = GOAL_LEVELS.get(normalise_name(value))
        if level is None:
            row._problem("bad_choice", col, value=value, allowed=dict(_allowed("goal_level")))
            return None
        return level
    vocab = vocabulary(col.target or "")
    iri = vocab.get(normalise_name(value))
    if iri is None:
        row._problem("bad_choice", col, value=value, allowed=dict(_allowed(col.target or "")))
        return None
    return URIRef(iri)


def map_tables(tables: dict[str, RawTable]) -> Mapped:
    """Map raw tables to the concept's RDF graph.

    Parameters
    ----------
    tables : dict
        As returned by :func:`ikg.graph.ingest.tabular.read_tables`.

    Returns
    -------
    Mapped
        The graph and every problem found; the graph must not be written if any problem has
        severity ``"error"``.
    """
    problems: list[Problem] = []
    rows: dict[str, list[_Row]] = {}
    for sheet in SHEETS:
        table = tables.get(sheet.name)
        if table is None:
            rows[sheet.name] = []
            continue
        parsed = [_Row(table, n, cells) for n, cells in table.rows]
        rows[sheet.name] = parsed

    # ids: duplicates, and the sets references are checked against
    ids: dict[str, dict[str, _Row]] = {}
    for sheet in SHEETS:
        if not any(c.name == "id" for c in sheet.columns):
            continue
        seen: dict[str, _Row] = {}
        for row in rows[sheet.name]:
            key = row.get("id")
            if key is None:
                continue
            if key in seen:
                row._problem("duplicate_id", sheet.column("id"), value=key, first_row=seen[key].number)
                continue
            seen[key] = row
        ids[sheet.name] = seen

    for sheet in SHEETS:
        for row in rows[sheet.name]:
            _check_refs(sheet, row, ids)

    concept_rows = rows["concept"]
    concept_id = concept_rows[0].get("id") if concept_rows else None
    mapped = Mapped(concept_id)
    mapped.counts = {name: len(r) for name, r in rows.items() if r}
    if concept_id is not None:
        _emit(mapped, concept_id, rows)
    for sheet in SHEETS:
        for row in rows[sheet.name]:
            problems.extend(row.problems)
    mapped.problems = problems
    return mapped


def _check_refs(sheet: Sheet, row: _Row, ids: dict[str, dict[str, _Row]]) -> None:
    for col in sheet.columns:
        value = row.get(col.name)
        if value is None:
            continue
        if col.type in ("ref", "refs"):
            targets = ids.get(col.target or "", {})
            for ref in value if isinstance(value, list) else [value]:
                if ref not in targets:
                    row._problem("unknown_reference", col, value=ref, target=col.target)
                elif col.target == sheet.name and ref == row.get("id"):
                    row._problem("self_reference", col, value=ref)
        elif col.type in ("choice", "choices"):
            values = value if isinstance(value, list) else [value]
            resolved = [_choice(row, col, v) for v in values]
            row.values[col.name] = [r for r in resolved if r is not None] if col.type == "choices" else resolved[0]


def _emit(mapped: Mapped, cid: str, rows: dict[str, list[_Row]]) -> None:
    add = mapped.triples.add

    def iri(kind: str, key: str) -> URIRef:
        return mint(cid, _KIND_SEGMENT[kind], key)

    def provenance(subject: URIRef, row: _Row) -> None:
        text = row.get("source") or f"{cid}: {row.table.sheet.name}, row {row.number}"
        src = source_iri(cid, text)
        add((subject, PROV.wasDerivedFrom, src))
        add((src, RDF.type, IKG.Source))
        add((src, RDFS.label, Literal(text)))
        mapped.origin[subject] = (row.table.source, row.number, row.table.sheet.name)

    def labels(subject: URIRef, de: str | None, en: str | None) -> None:
        if de:
            add((subject, SKOS.prefLabel, Literal(de, lang="de")))
        if en:
            add((subject, SKOS.prefLabel, Literal(en, lang="en")))

    def ident(subject: URIRef, key: str) -> None:
        add((subject, DCTERMS.identifier, Literal(key)))

    concept = concept_iri(cid)
    af_scheme = mint(cid, "scheme", "action-fields")
    task_scheme = mint(cid, "scheme", "cross-cutting-tasks")

    for i, row in enumerate(rows["concept"]):
        key = row.get("id")
        if key is None:
            continue
        c = concept_iri(key)
        add((c, RDF.type, IKG.IntegrationConcept))
        add((c, RDF.type, PROV.Entity))
        ident(c, key)
        if row.get("title"):
            add((c, DCTERMS.title, Literal(row.get("title"), lang="de")))
        if row.get("title_en"):
            add((c, DCTERMS.title, Literal(row.get("title_en"), lang="en")))
        labels(c, row.get("title"), row.get("title_en"))
        if row.get("description"):
            add((c, DCTERMS.description, Literal(row.get("description"), lang="de")))
        if row.get("description_en"):
            add((c, DCTERMS.description, Literal(row.get("description_en"), lang="en")))
        if row.get("issued") is not None:
            add((c, DCTERMS.issued, row.get("issued")))
        if row.get("publisher"):
            add((c, DCTERMS.publisher, iri("actors", row.get("publisher"))))
        if row.get("revision_of"):
            add((c, PROV.wasRevisionOf, concept_iri(row.get("revision_of"))))
        for actor_type in row.get("required_actor_types") or []:
            add((c, IKG.requiresActorType, actor_type))
        provenance(c, row)
        if i == 0:
            for scheme, de, en in (
                (af_scheme, "Handlungsfelder", "Action fields"),
                (task_scheme, "Querschnittsaufgaben", "Cross-cutting tasks"),
            ):
                add((scheme, RDF.type, SKOS.ConceptScheme))
                add((scheme, DCTERMS.isPartOf, c))
                title = row.get("title") or key
                labels(scheme, f"{de}: {title}", f"{en}: {row.get('title_en') or title}")

    towns: dict[str, URIRef] = {}
    for row in rows["actors"]:
        key = row.get("id")
        if key is None:
            continue
        a = iri("actors", key)
        add((a, RDF.type, IKG.Actor))
        add((a, RDF.type, ORG.Organization))
        ident(a, key)
        labels(a, row.get("name"), None)
        if row.get("type") is not None:
            add((a, ORG.classification, row.get("type")))
        parent = row.get("parent")
        if parent:
            p = iri("actors", parent)
            add((a, RDF.type, ORG.OrganizationalUnit))
            add((a, ORG.unitOf, p))
            add((p, ORG.hasUnit, a))
        else:
            add((a, RDF.type, ORG.FormalOrganization))
        town = row.get("town")
        if town:
            place = towns.get(town)
            if place is None:
                place = towns[town] = mint(cid, "town", town)
                add((place, RDF.type, IKG.Town))
                labels(place, town, None)
            add((a, IKG.locatedIn, place))
        provenance(a, row)

    for kind, scheme, klass in (
        ("action_fields", af_scheme, IKG.ActionField),
        ("cross_cutting_tasks", task_scheme, IKG.CrossCuttingTask),
    ):
        for row in rows[kind]:
            key = row.get("id")
            if key is None:
                continue
            f = iri(kind, key)
            add((f, RDF.type, klass))
            add((f, RDF.type, SKOS.Concept))
            ident(f, key)
            labels(f, row.get("label"), row.get("label_en"))
            add((f, SKOS.inScheme, scheme))
            add((f, SKOS.topConceptOf, scheme))
            add((scheme, SKOS.hasTopConcept, f))
            if row.get("notation"):
                add((f, SKOS.notation, Literal(row.get("notation"))))
            provenance(f, row)

    for row in rows["working_groups"]:
        key = row.get("id")
        if key is None:
            continue
        w = iri("working_groups", key)
        add((w, RDF.type, IKG.WorkingGroup))
        add((w, RDF.type, ORG.OrganizationalCollaboration))
        ident(w, key)
        labels(w, row.get("name"), row.get("name_en"))
        for f in row.get("action_fields") or []:
            add((w, ORG.purpose, iri("action_fields", f)))
        provenance(w, row)

    seen_members: dict[tuple[str, str], int] = {}
    for row in rows["memberships"]:
        actor, wg = row.get("actor"), row.get("working_group")
        if actor is None or wg is None:
            continue
        if (actor, wg) in seen_members:
            row._problem(
                "duplicate_row",
                row.table.sheet.column("actor"),
                value=f"{actor} / {wg}",
                first_row=seen_members[(actor, wg)],
            )
            continue
        seen_members[(actor, wg)] = row.number
        m = mint(cid, "membership", actor, wg)
        a, w = iri("actors", actor), iri("working_groups", wg)
        add((m, RDF.type, ORG.Membership))
        add((m, ORG.member, a))
        add((m, ORG.organization, w))
        add((m, ORG.role, row.get("role") or ROLE.member))
        add((a, ORG.memberOf, w))
        since, until = row.get("since"), row.get("until")
        if since is not None or until is not None:
            interval = URIRef(f"{m}/interval")
            add((m, ORG.memberDuring, interval))
            add((interval, RDF.type, TIME.Interval))
            for prop, lit, suffix in ((TIME.hasBeginning, since, "begin"), (TIME.hasEnd, until, "end")):
                if lit is None:
                    continue
                instant = URIRef(f"{interval}/{suffix}")
                add((interval, prop, instant))
                add((instant, RDF.type, TIME.Instant))
                add((instant, _time_prop(lit), lit))
        provenance(m, row)

    for row in rows["goals"]:
        key = row.get("id")
        if key is None:
            continue
        goal = iri("goals", key)
        add((goal, RDF.type, IKG.Goal))
        if row.get("level") == "concept":
            add((goal, RDF.type, IKG.ConceptGoal))
            add((goal, IKG.goalOf, concept))
        ident(goal, key)
        labels(goal, row.get("title"), row.get("title_en"))
        for f in row.get("action_fields") or []:
            add((goal, IKG.inActionField, iri("action_fields", f)))
        for task in row.get("cross_cutting_tasks") or []:
            add((goal, IKG.addressesTask, iri("cross_cutting_tasks", task)))
        if row.get("working_group"):
            add((goal, IKG.formulatedBy, iri("working_groups", row.get("working_group"))))
        for a in row.get("pursued_by") or []:
            add((goal, IKG.pursuedBy, iri("actors", a)))
        for a in row.get("concerns") or []:
            add((goal, IKG.concerns, iri("actors", a)))
        if row.get("broader"):
            add((goal, SKOS.broader, iri("goals", row.get("broader"))))
        provenance(goal, row)

    seen_pairs: dict[tuple[str, str], int] = {}
    for row in rows["cooperations"]:
        a, b = row.get("actor_a"), row.get("actor_b")
        if a is None or b is None:
            continue
        if a == b:
            row._problem("self_reference", row.table.sheet.column("actor_b"), value=a)
            continue
        pair = (a, b) if a <= b else (b, a)
        if pair in seen_pairs:
            row._problem(
                "duplicate_row", row.table.sheet.column("actor_a"), value=f"{a} / {b}", first_row=seen_pairs[pair]
            )
            continue
        seen_pairs[pair] = row.number
        k = mint(cid, "cooperation", *pair)
        ia, ib = iri("actors", pair[0]), iri("actors", pair[1])
        add((k, RDF.type, IKG.Cooperation))
        add((k, IKG.partner, ia))
        add((k, IKG.partner, ib))
        add((ia, IKG.cooperatesWith, ib))
        if row.get("since") is not None:
            add((k, IKG.since, row.get("since")))
        if row.get("description"):
            add((k, DCTERMS.description, Literal(row.get("description"), lang="de")))
        provenance(k, row)

    for row in rows["indicators"]:
        key = row.get("id")
        if key is None:
            continue
        ind = iri("indicators", key)
        add((ind, RDF.type, IKG.Indicator))
        ident(ind, key)
        labels(ind, row.get("label"), None)
        if row.get("value") is not None:
            add((ind, RDF.value, Literal(row.get("value"), datatype=XSD.decimal)))
        if row.get("unit"):
            add((ind, IKG.unit, Literal(row.get("unit"))))
        if row.get("area"):
            add((ind, IKG.area, Literal(row.get("area"))))
        if row.get("date") is not None:
            add((ind, DCTERMS.date, row.get("date")))
        provenance(ind, row)

    for row in rows["events"]:
        key = row.get("id")
        if key is None:
            continue
        ev = iri("events", key)
        add((ev, RDF.type, IKG.Event))
        add((ev, RDF.type, PROV.Activity))
        ident(ev, key)
        labels(ev, row.get("label"), None)
        if row.get("date") is not None:
            add((ev, DCTERMS.date, row.get("date")))
        if row.get("kind") is not None:
            add((ev, IKG.eventKind, row.get("kind")))
        for a in row.get("actors") or []:
            add((ev, PROV.wasAssociatedWith, iri("actors", a)))
        provenance(ev, row)


def _time_prop(lit: Literal) -> URIRef:
    if lit.datatype == XSD.gYear:
        return TIME.inXSDgYear
    if lit.datatype == XSD.gYearMonth:
        return TIME.inXSDgYearMonth
    return TIME.inXSDDate
