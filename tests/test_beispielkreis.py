"""The fictional Beispielkreis concept imports cleanly and holds the networking gaps built into it.

``data/beispielkreis/`` is invented for tests and demos (its README documents every gap). These tests
check, against a fresh in-memory store: that it imports with no problem at all; that it says it is
fictional; its size; what the plain named queries show of its gaps; and, computed here from the
graph with the definitions of docs/design.md ("Networking gaps"), the missing link, the town silo, the
broker and the isolates, so that the gap analysis has hand-checked answers to be tested against.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

from ikg.graph.ingest.importer import check_spreadsheet, ensure_ready, import_spreadsheet
from ikg.graph.library.named import run_named
from ikg.graph.namespaces import PREFIXES, concept_graph, concept_iri
from ikg.graph.resources import data_dir
from ikg.graph.store.embedded import Store

CID = "beispielkreis-2024"
GRAPH = f"<{concept_graph(CID)}>"
CONCEPT = f"<{concept_iri(CID)}>"
AT = "https://w3id.org/ikg/vocab/actor-type/"
_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

CLUB = "sprachpaten-kinderland"
SCHOOL = "grundschule-lindenweg"
LANGUAGE_GOALS = ["z-durchgaengige-sprachbildung", "z-sprachfoerderung-vorschulalter"]
TOWN_A = "Skizzenbach"
TOWN_A_ACTORS = {
    "stadt-skizzenbach",
    "sprachpaten-kinderland",
    "kita-pusteblume-skizzenbach",
    "elternverein-skizzenbach",
    "familienhilfe-skizzenbach",
}
ISOLATES = {"sv-blau-gelb-fiktivhagen", "chorgemeinschaft-modellbrueck", "kita-kleine-strolche-testingen"}
KI = "ki-beispielkreis"
NO_ACTOR_GOAL = "z-bildungsberatung-eltern"
KULTUR_GOAL = "z-kulturangebote"
AG_WITHOUT_MO = "ag-arbeit"
ISOLATED_AG = "ag-sicherheit"
TOWNS = {
    "Musterau": 15,
    "Beispielhausen": 5,
    "Erdachtrup": 5,
    "Fiktivhagen": 5,
    "Annahmeberg": 5,
    "Modellbrück": 5,
    "Testingen": 5,
    "Platzhalterode": 5,
    "Entwurfsheim": 5,
    "Skizzenbach": 5,
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped folder as a real path (it may live inside a zip when installed)."""
    source = data_dir("beispielkreis")
    if isinstance(source, Path) and source.is_dir():
        return source
    target = tmp_path_factory.mktemp("beispielkreis")
    for item in source.iterdir():
        if item.is_file():
            (target / item.name).write_bytes(item.read_bytes())
    return target


@pytest.fixture(scope="module")
def store(folder: Path) -> Store:
    s = Store(":memory:")
    ensure_ready(s, seed=False)
    import_spreadsheet(s, folder)
    return s


def _select(store: Store, query: str) -> list[tuple]:
    _names, rows = store.select(_PROLOGUE + query)
    return rows


def _count(store: Store, pattern: str) -> int:
    ((n,),) = _select(
        store, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?x WHERE {{ GRAPH {GRAPH} {{ {pattern} }} }} }}"
    )
    return int(n)


def _named(store: Store, name: str, params: dict[str, str], *cols: str) -> list[tuple[str, ...]]:
    names, rows = run_named(store, name, params)
    return [tuple("" if r[names.index(c)] is None else str(r[names.index(c)]) for c in cols) for r in rows]


# -- import and size ----------------------------------------------------------------------------


def test_imports_without_any_problem(folder: Path) -> None:
    mapped = check_spreadsheet(folder)
    assert mapped.problems == []
    assert mapped.concept_id == CID


def test_import_counts_rows_per_table(folder: Path) -> None:
    s = Store(":memory:")
    ensure_ready(s, seed=False)
    result = import_spreadsheet(s, folder)
    assert result.concept_id == CID
    assert result.warnings == []
    assert result.counts == {
        "concept": 1,
        "actors": 60,
        "working_groups": 6,
        "memberships": 50,
        "goals": 26,
        "action_fields": 6,
        "cross_cutting_tasks": 2,
        "cooperations": 30,
        "indicators": 3,
        "events": 5,
    }


def test_concept_says_it_is_fictional(store: Store) -> None:
    rows = _select(store, f"SELECT ?d WHERE {{ GRAPH {GRAPH} {{ {CONCEPT} dcterms:description ?d }} }}")
    by_lang = {d.language: str(d) for (d,) in rows}
    assert set(by_lang) == {"de", "en"}
    assert by_lang["de"].startswith("Fiktives Beispiel:") and "frei erfunden" in by_lang["de"]
    assert by_lang["en"].startswith("Fictional example:") and "invented for ikg's tests and demo" in by_lang["en"]
    titles = _select(store, f"SELECT ?t WHERE {{ GRAPH {GRAPH} {{ {CONCEPT} dcterms:title ?t }} }}")
    assert {str(t) for (t,) in titles} == {
        "Integrationskonzept Beispielkreis (fiktiv)",
        "Integration concept of the Beispielkreis district (fictional)",
    }
    required = _select(store, f"SELECT ?t WHERE {{ GRAPH {GRAPH} {{ {CONCEPT} ikg:requiresActorType ?t }} }}")
    assert [str(t) for (t,) in required] == [AT + "migrant_organisation"]


def test_every_source_is_the_fictional_example(store: Store) -> None:
    rows = _select(
        store,
        f"""SELECT DISTINCT ?label WHERE {{ GRAPH {GRAPH} {{
            ?r prov:wasDerivedFrom ?src . ?src rdfs:label ?label }} }}""",
    )
    assert [str(label) for (label,) in rows] == ["Fiktives Beispiel (ikg)"]


def test_counts(store: Store) -> None:
    assert _count(store, "?x a ikg:Actor") == 60
    assert _count(store, "?x a ikg:Town") == 10
    assert _count(store, "?x a ikg:WorkingGroup") == 6
    assert _count(store, "?x a ikg:Goal") == 26
    assert _count(store, "?x a ikg:ConceptGoal") == 2
    assert _count(store, "?x a ikg:Goal ; ikg:formulatedBy ?w") == 20
    assert _count(store, "?x a ikg:Cooperation") == 30
    assert _count(store, "?x a org:Membership") == 50
    assert _count(store, "?x a ikg:Event") == 5
    assert _count(store, "?x a ikg:Indicator") == 3


def test_actors_per_town(store: Store) -> None:
    rows = _select(
        store,
        f"""SELECT ?town (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH {GRAPH} {{
            ?a a ikg:Actor ; ikg:locatedIn/skos:prefLabel ?town }} }} GROUP BY ?town""",
    )
    assert {str(t): int(n) for t, n in rows} == TOWNS


def test_actors_per_type(store: Store) -> None:
    rows = _select(
        store,
        f"""SELECT ?type (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH {GRAPH} {{
            ?a a ikg:Actor ; org:classification ?type }} }} GROUP BY ?type""",
    )
    assert {str(t).removeprefix(AT): int(n) for t, n in rows} == {
        "administration": 14,
        "migrant_organisation": 10,
        "school": 6,
        "welfare_association": 5,
        "daycare": 5,
        "culture_association": 3,
        "civil_society": 3,
        "committee": 2,
        "job_centre": 2,
        "police": 2,
        "business": 2,
        "religious_community": 2,
        "sports_club": 2,
        "integration_centre": 1,
        "adult_education": 1,
    }


def test_bilingual_labels_where_the_table_has_an_english_column(store: Store) -> None:
    for klass in ("WorkingGroup", "Goal", "ActionField", "CrossCuttingTask", "IntegrationConcept"):
        rows = _select(
            store,
            f"""SELECT ?x WHERE {{ GRAPH {GRAPH} {{
                ?x a ikg:{klass} .
                FILTER(NOT EXISTS {{ ?x skos:prefLabel ?de FILTER(lang(?de) = "de") }}
                    || NOT EXISTS {{ ?x skos:prefLabel ?en FILTER(lang(?en) = "en") }})
            }} }}""",
        )
        assert rows == [], klass
    assert _count(store, "?x a ikg:Goal") == 26


# -- gaps shown by the named queries ------------------------------------------------------------


def test_uncovered_fields_and_tasks(store: Store) -> None:
    got = _named(store, "uncovered-fields-and-tasks", {"concept": CID}, "kind", "label", "goals", "working_groups")
    assert got == [
        ("action_field", "Kultur", "1", "0"),
        ("action_field", "Sport", "0", "0"),
        ("cross_cutting_task", "Interkulturelle Öffnung", "0", "0"),
    ]


def test_goals_without_actor(store: Store) -> None:
    got = _named(store, "goals-without-actor", {"concept": CID}, "goal_id", "wg_id", "wg_members")
    assert got == [
        ("z-berufssprache", "ag-arbeit", "9"),
        (NO_ACTOR_GOAL, "", ""),
        ("z-lesefoerderung", "ag-sprache", "8"),
        ("z-seiteneinsteiger", "ag-schule", "9"),
        ("z-sprechstunden-polizei", "ag-sicherheit", "5"),
    ]


def test_actors_without_membership(store: Store) -> None:
    got = _named(store, "actors-without-membership", {"concept": CID}, "actor_id", "pursues_goals", "cooperations")
    assert got == [
        ("chorgemeinschaft-modellbrueck", "0", "0"),
        ("elternverein-skizzenbach", "3", "2"),
        ("familienhilfe-skizzenbach", "2", "2"),
        ("kita-kleine-strolche-testingen", "0", "0"),
        ("kita-pusteblume-skizzenbach", "1", "2"),
        ("kreis-beispielkreis", "0", "2"),
        ("sozialausschuss", "0", "1"),
        ("sprachpaten-kinderland", "2", "3"),
        ("stadt-annahmeberg", "1", "2"),
        ("stadt-beispielhausen", "1", "2"),
        ("stadt-entwurfsheim", "1", "2"),
        ("stadt-erdachtrup", "1", "2"),
        ("stadt-musterau", "2", "2"),
        ("stadt-platzhalterode", "0", "2"),
        ("stadt-skizzenbach", "2", "3"),
        ("sv-blau-gelb-fiktivhagen", "0", "0"),
    ]
    ids = {row[0] for row in got}
    assert ids >= ISOLATES | TOWN_A_ACTORS


@pytest.mark.parametrize(("a", "b"), [(CLUB, SCHOOL), (SCHOOL, CLUB)])
def test_shared_goals_of_club_and_school(store: Store, a: str, b: str) -> None:
    got = _named(store, "shared-goals", {"actor_a": a, "actor_b": b}, "goal_id", "label", "shared_working_group")
    assert got == [
        (LANGUAGE_GOALS[0], "Durchgängige sprachliche Bildung von der Kita bis zum Ende der Grundschule", "false"),
        (LANGUAGE_GOALS[1], "Sprachförderung im Vorschulalter", "false"),
    ]


def test_kultur_has_one_goal_with_one_actor(store: Store) -> None:
    got = _named(store, "goal-pursuers", {"goal_id": KULTUR_GOAL}, "actor_id")
    assert got == [("kulturwerkstatt-annahmeberg",)]
    rows = _select(
        store,
        f"""SELECT ?id WHERE {{ GRAPH {GRAPH} {{
            ?g ikg:inActionField ?f ; dcterms:identifier ?id . ?f dcterms:identifier "kultur" }} }}""",
    )
    assert [str(i) for (i,) in rows] == [KULTUR_GOAL]
    assert _count(store, f'?x ikg:formulatedBy ?w ; dcterms:identifier "{KULTUR_GOAL}"') == 0


# -- the network, computed here by the definitions of docs/design.md ---------------------------------


class Network:
    """Actor–goal incidence, ties and towns pulled from the graph, plus what follows from them."""

    def __init__(self, store: Store) -> None:
        def pairs(query: str) -> list[tuple[str, str]]:
            return [(str(x), str(y)) for x, y in _select(store, query)]

        self.town = dict(
            pairs(f"""SELECT ?id ?town WHERE {{ GRAPH {GRAPH} {{
                ?a a ikg:Actor ; dcterms:identifier ?id . OPTIONAL {{ ?a ikg:locatedIn/skos:prefLabel ?town }} }} }}""")
        )
        self.type = {
            k: v.removeprefix(AT)
            for k, v in pairs(f"""SELECT ?id ?t WHERE {{ GRAPH {GRAPH} {{
                ?a a ikg:Actor ; dcterms:identifier ?id ; org:classification ?t }} }}""")
        }
        self.members: dict[str, set[str]] = defaultdict(set)
        for actor, wg in pairs(f"""SELECT ?a ?w WHERE {{ GRAPH {GRAPH} {{
                ?x org:memberOf ?y . ?x dcterms:identifier ?a . ?y dcterms:identifier ?w }} }}"""):
            self.members[wg].add(actor)
        self.goals = {
            str(g)
            for (g,) in _select(
                store,
                f"""SELECT ?g WHERE {{ GRAPH {GRAPH} {{
                ?goal a ikg:Goal ; dcterms:identifier ?g }} }}""",
            )
        }
        self.pursuers: dict[str, set[str]] = defaultdict(set)
        for goal, actor in pairs(f"""SELECT ?g ?a WHERE {{ GRAPH {GRAPH} {{
                ?goal a ikg:Goal ; dcterms:identifier ?g .
                {{ ?goal ikg:pursuedBy ?x }} UNION {{ ?goal ikg:formulatedBy/^org:memberOf ?x }}
                ?x dcterms:identifier ?a }} }}"""):
            self.pursuers[goal].add(actor)
        self.cooperations = pairs(f"""SELECT ?a ?b WHERE {{ GRAPH {GRAPH} {{
                ?x ikg:cooperatesWith ?y . ?x dcterms:identifier ?a . ?y dcterms:identifier ?b }} }}""")
        self.ties = nx.Graph()
        self.ties.add_nodes_from(self.town)
        for group in self.members.values():
            self.ties.add_edges_from(itertools.combinations(sorted(group), 2))
        self.ties.add_edges_from(self.cooperations)

    def missing_links(self) -> list[tuple[float, tuple[str, str], list[str]]]:
        """Untied pairs by Adamic–Adar affinity on the actor–goal graph, highest first."""
        affinity: dict[tuple[str, str], float] = defaultdict(float)
        shared: dict[tuple[str, str], list[str]] = defaultdict(list)
        for goal, group in sorted(self.pursuers.items()):
            if len(group) < 2:
                continue
            for pair in itertools.combinations(sorted(group), 2):
                affinity[pair] += 1 / math.log(len(group))
                shared[pair].append(goal)
        ranked = [(v, p, shared[p]) for p, v in affinity.items() if not self.ties.has_edge(*p)]
        return sorted(ranked, key=lambda r: (-r[0], r[1]))


@pytest.fixture(scope="module")
def net(store: Store) -> Network:
    return Network(store)


def test_missing_link_is_club_and_school_by_a_clear_margin(net: Network) -> None:
    ranked = net.missing_links()
    (a1, p1, g1), (a2, p2, _), (a3, p3, _) = ranked[:3]
    assert p1 == (SCHOOL, CLUB) and g1 == LANGUAGE_GOALS
    assert a1 == pytest.approx(2 / math.log(2))
    assert round(a1, 4) == 2.8854
    assert (p2, round(a2, 4)) == (("elternverein-skizzenbach", KI), 1.2710)
    assert (p3, round(a3, 4)) == (("kreisverwaltung", "willkommensnetz-fiktivhagen"), 0.8894)
    assert a1 >= 1.3 * a2
    for goal in LANGUAGE_GOALS:
        assert net.pursuers[goal] == {CLUB, SCHOOL}
    assert net.town[CLUB] == TOWN_A and net.town[SCHOOL] == "Beispielhausen"
    assert not net.ties.has_edge(CLUB, SCHOOL)


def test_town_silo(net: Network) -> None:
    in_town = {a for a, t in net.town.items() if t == TOWN_A}
    assert in_town == TOWN_A_ACTORS
    assert not any(in_town & group for group in net.members.values())
    for a, b in net.cooperations:
        assert (a in in_town) == (b in in_town), (a, b)
    assert nx.node_connected_component(net.ties, CLUB) == in_town
    # they pursue goals that actors of other towns pursue too
    shared = {g for g, group in net.pursuers.items() if group & in_town and group - in_town}
    assert shared == {
        "z-begegnungsorte",
        "z-durchgaengige-sprachbildung",
        "z-elternarbeit",
        "z-elternsprachkurse",
        "z-lernfoerderung",
        "z-mehrsprachigkeit",
        "z-mo-netzwerk",
        "z-sprachfoerderung-vorschulalter",
        "z-wohnen",
    }
    # no other town is a silo: each has a tie across its border
    for town in set(TOWNS) - {TOWN_A}:
        actors = {a for a, t in net.town.items() if t == town}
        assert any(net.town[b] != town for a in actors for b in net.ties[a]), town


def test_coverage_of_goals(net: Network) -> None:
    assert {g for g in net.goals if not net.pursuers.get(g)} == {NO_ACTOR_GOAL}
    assert net.pursuers[KULTUR_GOAL] == {"kulturwerkstatt-annahmeberg"}
    assert {g for g, group in net.pursuers.items() if len(group) == 1} == {KULTUR_GOAL, "kz-fortschreibung"}


def test_only_one_working_group_without_migrant_organisation(net: Network) -> None:
    without = [wg for wg, group in net.members.items() if not any(net.type[a] == "migrant_organisation" for a in group)]
    assert without == [AG_WITHOUT_MO]
    assert len(net.members) == 6


def test_integration_centre_is_the_broker(net: Network) -> None:
    assert all(KI in group for group in net.members.values())
    assert set(nx.articulation_points(net.ties)) == {KI}
    without_ki = net.ties.copy()
    without_ki.remove_node(KI)
    security = net.members[ISOLATED_AG] - {KI}
    assert nx.node_connected_component(without_ki, next(iter(sorted(security)))) == security
    betweenness = nx.betweenness_centrality(net.ties)
    ranked = sorted(betweenness, key=lambda a: (-betweenness[a], a))
    assert ranked[0] == KI
    assert round(betweenness[KI], 3) == 0.552
    assert betweenness[ranked[1]] < 0.1 * betweenness[KI]


def test_exactly_three_isolates(net: Network, store: Store) -> None:
    assert set(nx.isolates(net.ties)) == ISOLATES
    for actor in ISOLATES:
        assert not _select(
            store,
            f"""SELECT ?p WHERE {{ GRAPH {GRAPH} {{
                ?a dcterms:identifier "{actor}" . ?s ?p ?a }} }}""",
        ), actor
    assert [len(c) for c in sorted(nx.connected_components(net.ties), key=len, reverse=True)] == [52, 5, 1, 1, 1]
