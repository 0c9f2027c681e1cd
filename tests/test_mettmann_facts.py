"""The shipped Mettmann 2015 data says, in RDF, what the seed talk says.

Each test checks with SPARQL, against a fresh in-memory store loaded with the shipped concept,
one group of facts of the talk "Integrationskonzept Kreis Mettmann 2015. Ziele.Inhalte.Merkmale"
(Sozialausschuss, 11.05.2015): action fields, cross-cutting tasks, working groups and their
goals, the concept goals, indicators, the concept and its predecessor, events, actors, and the
provenance of every resource back to a slide of the talk. Nothing beyond the talk may be in it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ikg.graph.ingest.importer import open_store
from ikg.graph.namespaces import PREFIXES, concept_graph, concept_iri, mint
from ikg.graph.store.embedded import Store

CID = "mettmann-2015"
GRAPH = f"<{concept_graph(CID)}>"
CONCEPT = f"<{concept_iri(CID)}>"
AF_SCHEME = f"<{mint(CID, 'scheme', 'action-fields')}>"
TASK_SCHEME = f"<{mint(CID, 'scheme', 'cross-cutting-tasks')}>"
SEED_NAME = "integrationskonzept-kreis-mettmann-2015-vortrag.txt"
SEED_PATH = Path(__file__).resolve().parent / "seed" / SEED_NAME
AT = "https://w3id.org/ikg/vocab/actor-type/"
EK = "https://w3id.org/ikg/vocab/event-kind/"

_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def actor(key: str) -> str:
    return f"<{mint(CID, 'actor', key)}>"


def _select(store: Store, query: str) -> list[tuple]:
    _names, rows = store.select(_PROLOGUE + query)
    return rows


def _ask(store: Store, query: str) -> bool:
    return store.ask(_PROLOGUE + query)


@pytest.fixture(scope="module")
def store() -> Store:
    return open_store(":memory:")


# -- 1. action fields and cross-cutting tasks ---------------------------------------------------

ACTION_FIELDS = {
    "Sprache",
    "Bildung/Ausbildung",
    "Wirtschaft/Arbeit",
    "Kultur",
    "Sport",
    "Zusammenleben in Sicherheit",
}


def test_six_action_fields_in_the_concepts_scheme(store: Store) -> None:
    rows = _select(
        store,
        f"""SELECT ?f ?label WHERE {{ GRAPH {GRAPH} {{
            ?f a ikg:ActionField ; skos:inScheme {AF_SCHEME} ; skos:prefLabel ?label .
            {AF_SCHEME} a skos:ConceptScheme ; dcterms:isPartOf {CONCEPT} .
            FILTER(lang(?label) = "de")
        }} }}""",
    )
    assert {str(label) for _f, label in rows} == ACTION_FIELDS
    assert len({f for f, _label in rows}) == 6
    (count,) = _select(store, f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ GRAPH {GRAPH} {{ ?f a ikg:ActionField }} }}")
    assert int(count[0]) == 6


def test_two_cross_cutting_tasks_with_notation(store: Store) -> None:
    rows = _select(
        store,
        f"""SELECT ?label ?notation WHERE {{ GRAPH {GRAPH} {{
            ?t a ikg:CrossCuttingTask ; skos:inScheme {TASK_SCHEME} ; skos:prefLabel ?label .
            OPTIONAL {{ ?t skos:notation ?notation }}
            FILTER(lang(?label) = "de")
        }} }}""",
    )
    assert {(str(label), str(notation)) for label, notation in rows} == {
        ("Vernetzung", "1"),
        ("Interkulturelle Öffnung", "2"),
    }
    assert not _ask(store, f"ASK {{ GRAPH {GRAPH} {{ ?t a ikg:ActionField , ikg:CrossCuttingTask }} }}")


# -- 2. working groups and their goals ----------------------------------------------------------

WORKING_GROUPS: dict[str, tuple[set[str], dict[str, set[str]]]] = {
    # working group: (org:purpose, {goal title: action fields of the goal})
    "AG Bildung/Ausbildung Wirtschaft/Arbeit": (
        {"Bildung/Ausbildung", "Wirtschaft/Arbeit"},
        {
            "Sensibilisierung und Qualifizierung der Multiplikatoren zum Thema Interkulturelle Kompetenz": {
                "Bildung/Ausbildung",
                "Wirtschaft/Arbeit",
            },
            "Verbesserung/ Erleichterung/Intensive Begleitung/Verzahnung des Übergangs Schule – Ausbildung/Arbeit": {
                "Bildung/Ausbildung",
                "Wirtschaft/Arbeit",
            },
            "Unternehmer/innen mit Zuwanderungsgeschichte als Arbeitgeber motivieren/ unterstützen": {
                "Wirtschaft/Arbeit",
            },
        },
    ),
    "AG Sprache": (
        {"Sprache"},
        {
            "Wertschätzung von Mehrsprachigkeit als Potential": {"Sprache"},
            "Förderung durchgängiger Sprachlicher Bildung entlang der Bildungskette u. in allen Fächern "
            "durch Vermittlung der Bildungs- und Fachsprache": {"Sprache"},
            "Vernetzung der Multiplikatoren zur Gewährleistung der Qualitätssicherung": {"Sprache"},
        },
    ),
    "AG Zusammenleben in Sicherheit": (
        {"Zusammenleben in Sicherheit"},
        {
            "Zusammenleben in Sicherheit ist ein gesamtgesellschaftl. Bedürfnis": {"Zusammenleben in Sicherheit"},
            "Stärkung der Vernetzung und Kooperation mit Migrantenorganisationen": {"Zusammenleben in Sicherheit"},
            "Unterstützung Arbeit an Schulen zum Thema Rassismus und Extremismus": {"Zusammenleben in Sicherheit"},
        },
    ),
}

# cross-cutting tasks and concerned actors of the working groups' goals, as ziele.csv has them
GOAL_TASKS = {
    "Sensibilisierung und Qualifizierung der Multiplikatoren zum Thema Interkulturelle Kompetenz": {
        "Interkulturelle Öffnung"
    },
    "Vernetzung der Multiplikatoren zur Gewährleistung der Qualitätssicherung": {"Vernetzung"},
    "Stärkung der Vernetzung und Kooperation mit Migrantenorganisationen": {"Vernetzung"},
}
GOAL_CONCERNS = {
    "Sensibilisierung und Qualifizierung der Multiplikatoren zum Thema Interkulturelle Kompetenz": {"multiplikatoren"},
    "Verbesserung/ Erleichterung/Intensive Begleitung/Verzahnung des Übergangs Schule – Ausbildung/Arbeit": {"schulen"},
    "Unternehmer/innen mit Zuwanderungsgeschichte als Arbeitgeber motivieren/ unterstützen": {
        "unternehmer-zuwanderung"
    },
    "Vernetzung der Multiplikatoren zur Gewährleistung der Qualitätssicherung": {"multiplikatoren"},
    "Stärkung der Vernetzung und Kooperation mit Migrantenorganisationen": {"migrantenorganisationen"},
    "Unterstützung Arbeit an Schulen zum Thema Rassismus und Extremismus": {"schulen"},
}
WG_GOAL_TITLES = {title for _purpose, goals in WORKING_GROUPS.values() for title in goals}


def _labelled(store: Store, query: str) -> dict[str, set[str]]:
    """Run a query projecting ``?key ?value``; group the values (as strings) by key."""
    out: dict[str, set[str]] = {}
    for key, value in _select(store, query):
        out.setdefault(str(key), set())
        if value is not None:
            out[str(key)].add(str(value))
    return out


def test_three_working_groups_with_their_action_fields(store: Store) -> None:
    purposes = _labelled(
        store,
        f"""SELECT ?wg ?field WHERE {{ GRAPH {GRAPH} {{
            ?w a ikg:WorkingGroup ; skos:prefLabel ?wg .
            FILTER(lang(?wg) = "de")
            OPTIONAL {{
                ?w org:purpose ?f . ?f a ikg:ActionField ; skos:prefLabel ?field .
                FILTER(lang(?field) = "de")
            }}
        }} }}""",
    )
    assert purposes == {wg: purpose for wg, (purpose, _goals) in WORKING_GROUPS.items()}


@pytest.mark.parametrize("wg", sorted(WORKING_GROUPS))
def test_working_group_has_exactly_its_three_goals(store: Store, wg: str) -> None:
    label = Literal(wg, lang="de").n3()
    fields = _labelled(
        store,
        f"""SELECT ?title ?field WHERE {{ GRAPH {GRAPH} {{
            ?w a ikg:WorkingGroup ; skos:prefLabel {label} .
            ?g a ikg:Goal ; ikg:formulatedBy ?w ; skos:prefLabel ?title .
            FILTER(lang(?title) = "de")
            OPTIONAL {{ ?g ikg:inActionField ?f . ?f skos:prefLabel ?field . FILTER(lang(?field) = "de") }}
        }} }}""",
    )
    expected = WORKING_GROUPS[wg][1]
    assert len(expected) == 3
    assert fields == expected


def test_working_group_goals_are_not_concept_goals(store: Store) -> None:
    rows = _select(
        store,
        f"""SELECT ?g WHERE {{ GRAPH {GRAPH} {{
            ?g a ikg:Goal ; ikg:formulatedBy ?w .
            FILTER EXISTS {{ ?g a ikg:ConceptGoal }}
        }} }}""",
    )
    assert rows == []
    (count,) = _select(store, f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH {GRAPH} {{ ?g a ikg:Goal }} }}")
    assert int(count[0]) == 9 + 4


def test_cross_cutting_tasks_of_goals(store: Store) -> None:
    tasks = _labelled(
        store,
        f"""SELECT ?title ?task WHERE {{ GRAPH {GRAPH} {{
            ?g a ikg:Goal ; ikg:addressesTask ?t ; skos:prefLabel ?title .
            ?t a ikg:CrossCuttingTask ; skos:prefLabel ?task .
            FILTER(lang(?title) = "de" && lang(?task) = "de")
        }} }}""",
    )
    assert tasks == GOAL_TASKS
    networking = {title for title, t in tasks.items() if "Vernetzung" in t}
    assert networking == {title for title in WG_GOAL_TITLES if "Vernetzung" in title}
    assert len(networking) == 2


def test_actors_concerned_by_goals(store: Store) -> None:
    rows = _select(
        store,
        f"""SELECT ?title ?a WHERE {{ GRAPH {GRAPH} {{
            ?g a ikg:Goal ; ikg:concerns ?a ; skos:prefLabel ?title .
            FILTER(lang(?title) = "de")
        }} }}""",
    )
    got: dict[str, set[str]] = {}
    for title, a in rows:
        got.setdefault(str(title), set()).add(f"<{a}>")
    assert got == {title: {actor(k) for k in keys} for title, keys in GOAL_CONCERNS.items()}


# -- 3. concept goals ---------------------------------------------------------------------------

CONCEPT_GOALS = {
    "Integrationskonzept als gemeinsames Zielkonzept der Integrationsakteure im Kreis Mettmann",
    "Verlässliche und langfristige Grundlagen der Integrationsarbeit",
    "Weiterentwicklung/Fortschreibung des Rahmenkonzeptes Integration v. 2007",
    "Breiter Konsens durch Partizipation aller relevanten Integrationsakteure",
}


def test_four_concept_goals(store: Store) -> None:
    rows = _select(
        store,
        f"""SELECT ?g ?title WHERE {{ GRAPH {GRAPH} {{
            ?g a ikg:ConceptGoal , ikg:Goal ; ikg:goalOf {CONCEPT} ; skos:prefLabel ?title .
            FILTER(lang(?title) = "de")
        }} }}""",
    )
    assert {str(title) for _g, title in rows} == CONCEPT_GOALS
    assert len({g for g, _title in rows}) == 4
    (count,) = _select(store, f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH {GRAPH} {{ ?g a ikg:ConceptGoal }} }}")
    assert int(count[0]) == 4


# -- 4. indicators ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label_part", "value", "unit"),
    [
        ("Menschen mit Zuwanderungsgeschichte", 26, "%"),
        ("Kinder mit Zuwanderungsgeschichte in den KiTas", 34, "%"),
        ("über 40", 40, None),
    ],
)
def test_indicator(store: Store, label_part: str, value: int, unit: str | None) -> None:
    part = Literal(label_part).n3()
    rows = _select(
        store,
        f"""SELECT ?value ?unit ?area WHERE {{ GRAPH {GRAPH} {{
            ?i a ikg:Indicator ; skos:prefLabel ?label ; rdf:value ?value .
            OPTIONAL {{ ?i ikg:unit ?unit }}
            OPTIONAL {{ ?i ikg:area ?area }}
            FILTER(CONTAINS(STR(?label), {part}))
        }} }}""",
    )
    assert len(rows) == 1, rows
    (lit, got_unit, area) = rows[0]
    assert isinstance(lit, Literal)
    assert lit.datatype == XSD.decimal
    assert Decimal(str(lit)) == value
    if unit is not None:
        assert got_unit == Literal(unit)
    assert area == Literal("Kreis Mettmann")


def test_exactly_three_indicators(store: Store) -> None:
    (count,) = _select(store, f"SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {{ GRAPH {GRAPH} {{ ?i a ikg:Indicator }} }}")
    assert int(count[0]) == 3


# -- 5. the concept -----------------------------------------------------------------------------


def test_concept_title_and_revision_of_2007(store: Store) -> None:
    assert _ask(
        store,
        f"""ASK {{ GRAPH {GRAPH} {{
            {CONCEPT} a ikg:IntegrationConcept ;
                dcterms:title "Integrationskonzept Kreis Mettmann 2015"@de ;
                dcterms:issued "2015"^^xsd:gYear ;
                dcterms:publisher {actor("kreis-mettmann")} ;
                prov:wasRevisionOf ?old .
            ?old a ikg:IntegrationConcept ;
                dcterms:identifier "rahmenkonzept-2007" ;
                dcterms:issued "2007"^^xsd:gYear ;
                dcterms:publisher {actor("kreisverwaltung-mettmann")} .
        }} }}""",
    )
    rows = _select(store, f"SELECT ?old WHERE {{ GRAPH {GRAPH} {{ {CONCEPT} prov:wasRevisionOf ?old }} }}")
    assert len(rows) == 1


# -- 6. events ----------------------------------------------------------------------------------

EVENTS = {
    # event kind, date: actors associated
    ("decision", Literal("2012", datatype=XSD.gYear)): {"kreis-mettmann"},
    ("application", Literal("2012", datatype=XSD.gYear)): {"kreis-mettmann"},
    ("deadline", Literal("2015-06-30", datatype=XSD.date)): {"kreis-mettmann", "mais-nrw"},
    ("meeting", Literal("2015-05-11", datatype=XSD.date)): {"sozialausschuss", "ki-mettmann"},
    ("publication", Literal("2007", datatype=XSD.gYear)): {"kreisverwaltung-mettmann"},
}


def test_events(store: Store) -> None:
    rows = _select(
        store,
        f"""SELECT ?e ?kind ?date ?a WHERE {{ GRAPH {GRAPH} {{
            ?e a ikg:Event ; ikg:eventKind ?kind ; dcterms:date ?date .
            OPTIONAL {{ ?e prov:wasAssociatedWith ?a }}
        }} }}""",
    )
    got: dict[tuple[str, Literal], set[str]] = {}
    events = set()
    for e, kind, date, a in rows:
        events.add(e)
        key = (str(kind).removeprefix(EK), date)
        got.setdefault(key, set())
        if a is not None:
            got[key].add(f"<{a}>")
    assert got == {key: {actor(k) for k in keys} for key, keys in EVENTS.items()}
    assert len(events) == len(EVENTS)


def test_events_about_the_integration_centre(store: Store) -> None:
    rows = _select(
        store,
        f"""SELECT ?kind WHERE {{ GRAPH {GRAPH} {{
            ?e a ikg:Event ; ikg:eventKind ?kind ; dcterms:date "2012"^^xsd:gYear ; skos:prefLabel ?label .
            FILTER(CONTAINS(STR(?label), "Kommunales Integrationszentrum"))
        }} }}""",
    )
    assert sorted(str(kind) for (kind,) in rows) == [EK + "application", EK + "decision"]


# -- 7. actors ----------------------------------------------------------------------------------

ACTORS = {
    # id: (name as the talk has it, contained in the German label; actor type)
    "kreis-mettmann": ("Kreis Mettmann", "administration"),
    "kreisverwaltung-mettmann": ("Kreisverwaltung Mettmann", "administration"),
    "ki-mettmann": ("Kommunales Integrationszentrum", "integration_centre"),
    "sozialausschuss": ("Sozialausschuss", "committee"),
    "mais-nrw": ("MAIS NRW", "state_authority"),
    "migrantenorganisationen": ("Migrantenorganisationen", "migrant_organisation"),
    "schulen": ("Schulen", "school"),
    "multiplikatoren": ("Multiplikatoren", "multipliers"),
    "unternehmer-zuwanderung": ("Unternehmer/innen mit Zuwanderungsgeschichte", "business"),
}


@pytest.mark.parametrize("key", sorted(ACTORS))
def test_actor_named_in_the_talk(store: Store, key: str) -> None:
    name, kind = ACTORS[key]
    rows = _select(
        store,
        f"""SELECT ?label ?type WHERE {{ GRAPH {GRAPH} {{
            {actor(key)} a ikg:Actor ; skos:prefLabel ?label ; org:classification ?type .
            FILTER(lang(?label) = "de")
        }} }}""",
    )
    assert len(rows) == 1, rows
    label, typ = rows[0]
    assert name in str(label)
    assert typ == URIRef(AT + kind)


def test_exactly_nine_actors(store: Store) -> None:
    (count,) = _select(store, f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH {GRAPH} {{ ?a a ikg:Actor }} }}")
    assert int(count[0]) == 9


def test_units_of_kreis_mettmann(store: Store) -> None:
    rows = _select(store, f"SELECT ?a ?p WHERE {{ GRAPH {GRAPH} {{ ?a org:unitOf ?p }} }}")
    assert {(f"<{a}>", f"<{p}>") for a, p in rows} == {
        (actor("kreisverwaltung-mettmann"), actor("kreis-mettmann")),
        (actor("ki-mettmann"), actor("kreis-mettmann")),
        (actor("sozialausschuss"), actor("kreis-mettmann")),
    }


@pytest.mark.parametrize(
    "pattern",
    [
        "?m a org:Membership",
        "?a org:memberOf ?w",
        "?k a ikg:Cooperation",
        "?a ikg:cooperatesWith ?b",
        "?g ikg:pursuedBy ?a",
        "?a ikg:locatedIn ?t",
    ],
)
def test_nothing_invented(store: Store, pattern: str) -> None:
    assert not _ask(store, f"ASK {{ GRAPH {GRAPH} {{ {pattern} }} }}")


# -- 8. provenance ------------------------------------------------------------------------------

PROVENANCE_CLASSES = [
    "Actor",
    "WorkingGroup",
    "Goal",
    "ActionField",
    "CrossCuttingTask",
    "Indicator",
    "Event",
    "IntegrationConcept",
]
_SOURCE_LABEL = re.compile(rf"^{re.escape(SEED_NAME)}, (?:Titelfolie|Folie) „(?P<heading>[^“]+)“$")


@pytest.fixture(scope="module")
def seed_lines() -> set[str]:
    return {line.strip() for line in SEED_PATH.read_text(encoding="utf-8").splitlines() if line.strip()}


@pytest.mark.parametrize("klass", PROVENANCE_CLASSES)
def test_every_resource_derived_from_the_talk(store: Store, klass: str) -> None:
    rows = _select(
        store,
        f"""SELECT ?r ?label WHERE {{ GRAPH {GRAPH} {{
            ?r a ikg:{klass} .
            OPTIONAL {{ ?r prov:wasDerivedFrom ?src . ?src a ikg:Source ; rdfs:label ?label }}
        }} }}""",
    )
    assert rows, f"no ikg:{klass} in the concept graph"
    for r, label in rows:
        assert label is not None, f"{r} has no source"
        assert str(label).startswith(SEED_NAME), (r, label)
        assert _SOURCE_LABEL.match(str(label)), (r, label)


@pytest.mark.parametrize("klass", PROVENANCE_CLASSES)
def test_source_slide_headings_occur_in_the_talk(store: Store, seed_lines: set[str], klass: str) -> None:
    rows = _select(
        store,
        f"""SELECT DISTINCT ?label WHERE {{ GRAPH {GRAPH} {{
            ?r a ikg:{klass} ; prov:wasDerivedFrom ?src . ?src rdfs:label ?label .
        }} }}""",
    )
    assert rows
    for (label,) in rows:
        m = _SOURCE_LABEL.match(str(label))
        assert m, label
        heading = m["heading"]
        # the title slide is cited as "title – subtitle", two lines of the talk
        parts = [heading] if heading in seed_lines else heading.split(" – ")
        for part in parts:
            assert part in seed_lines, f"{part!r} (from {label!r}) is not a line of the talk"


def test_goal_titles_occur_in_the_talk(store: Store, seed_lines: set[str]) -> None:
    rows = _select(
        store,
        f"""SELECT ?title WHERE {{ GRAPH {GRAPH} {{
            ?g a ikg:Goal ; skos:prefLabel ?title . FILTER(lang(?title) = "de")
        }} }}""",
    )
    titles = {str(title) for (title,) in rows}
    assert titles == WG_GOAL_TITLES | CONCEPT_GOALS
    for title in titles:
        assert f"- {title}" in seed_lines, title
