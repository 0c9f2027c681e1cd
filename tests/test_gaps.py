"""Gap analysis on a tiny concept whose answers were worked out by hand.

The concept ``winzig``::

    actors  club (Velbert, civil society)     kita (Velbert, day care)
            school (Ratingen, school)         ki (Mettmann, integration centre)
            jc (Mettmann, job centre)         mo (Hilden, migrant organisation)
            iso (Haan, sport club)
    AGs     ag1 (Sprache): ki, mo             ag2 (Wirtschaft/Arbeit): ki, jc
    goals   g1 Sprache, named: club, school                     -> pursuers club, school (n=2)
            g2 Sprache, by ag1, named: club                     -> ki, mo, club (n=3)
            g3 Arbeit + task Vernetzung, by ag2, named: school  -> ki, jc, school (n=3)
            g4 Sprache, nobody                                  -> (n=0)
    cooperation  club - kita
    fields  sprache, arbeit, kultur (nothing);  tasks vernetzung (g3), oeffnung (nothing)

Affinity = sum over shared goals of 1/ln n + 1/4 * the same over shared action fields. Action
field actors: sprache {club, school, ki, mo}: 1/ln 4; arbeit {ki, jc, school}: 1/ln 3.

    club-school  1/ln2 + (1/ln4)/4               = 1.6230
    ki-school    1/ln3 + (1/ln4)/4 + (1/ln3)/4   = 1.3181
    jc-school    1/ln3 + (1/ln3)/4               = 1.1378
    club-ki      1/ln3 + (1/ln4)/4               = 1.0905  (= club-mo; ids break the tie)
    ki-mo, ki-jc share goals but are tied (same AG): not missing links.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import pytest

from ikg.graph.analysis.gaps import analyse, coverage_gaps, missing_links
from ikg.graph.analysis.metrics import betweenness, constraint_and_effective_size
from ikg.graph.analysis.network import ConceptNetwork, actor_network, load_network
from ikg.graph.ingest.importer import ensure_ready, import_spreadsheet
from ikg.graph.store.embedded import Store

from .conftest import write_csv_set

WINZIG: dict[str, list[list[str]]] = {
    "konzept": [["id", "titel"], ["winzig", "Integrationskonzept Winzig"]],
    "akteure": [
        ["id", "name", "typ", "ort"],
        ["club", "Sprachverein Kinderland", "zivilgesellschaft", "Velbert"],
        ["kita", "Kita Sonnenschein", "kita", "Velbert"],
        ["school", "Gesamtschule West", "schule", "Ratingen"],
        ["ki", "Integrationszentrum", "integrationszentrum", "Mettmann"],
        ["jc", "Jobcenter", "jobcenter", "Mettmann"],
        ["mo", "Elternverein Brücke", "migrantenorganisation", "Hilden"],
        ["iso", "TV Haan", "sportverein", "Haan"],
    ],
    "arbeitsgruppen": [
        ["id", "name", "handlungsfelder"],
        ["ag1", "AG Sprache", "sprache"],
        ["ag2", "AG Arbeit", "arbeit"],
    ],
    "mitgliedschaften": [
        ["akteur", "arbeitsgruppe"],
        ["ki", "ag1"],
        ["mo", "ag1"],
        ["ki", "ag2"],
        ["jc", "ag2"],
    ],
    "handlungsfelder": [
        ["id", "bezeichnung", "bezeichnung_en"],
        ["sprache", "Sprache", "Language"],
        ["arbeit", "Wirtschaft/Arbeit", "Economy and work"],
        ["kultur", "Kultur", "Culture"],
    ],
    "querschnittsaufgaben": [
        ["id", "bezeichnung", "bezeichnung_en"],
        ["vernetzung", "Vernetzung", "Networking"],
        ["oeffnung", "Interkulturelle Öffnung", "Intercultural opening"],
    ],
    "ziele": [
        ["id", "titel", "titel_en", "handlungsfelder", "querschnittsaufgaben", "arbeitsgruppe", "verfolgt_von"],
        ["g1", "Durchgängige sprachliche Bildung", "Continuous language education", "sprache", "", "", "club|school"],
        ["g2", "Sprachkurse für Eltern", "Language courses for parents", "sprache", "", "ag1", "club"],
        ["g3", "Übergang Schule – Beruf", "School-to-work transition", "arbeit", "vernetzung", "ag2", "school"],
        ["g4", "Elternarbeit", "Working with parents", "sprache", "", "", ""],
    ],
    "kooperationen": [["akteur_a", "akteur_b"], ["club", "kita"]],
}


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> ConceptNetwork:
    store = Store(":memory:")
    ensure_ready(store, seed=False)
    import_spreadsheet(store, write_csv_set(Path(tmp_path_factory.mktemp("winzig")), WINZIG))
    return load_network(store, "winzig")


def _ids(finding) -> tuple[str, ...]:
    return tuple(s.id for s in finding.subjects)


def test_network_is_read_from_the_store(net: ConceptNetwork) -> None:
    assert [a.id for a in net.actors] == ["club", "iso", "jc", "ki", "kita", "mo", "school"]
    assert net.items[next(a.iri for a in net.actors if a.id == "club")].town == "Velbert"
    assert {net.items[a].id for a in net.pursuers()[next(g.iri for g in net.goals if g.id == "g2")]} == {
        "club",
        "ki",
        "mo",
    }
    graph = actor_network(net)
    assert sorted(tuple(sorted((graph.nodes[u]["id"], graph.nodes[v]["id"]))) for u, v in graph.edges) == [
        ("club", "kita"),
        ("jc", "ki"),
        ("ki", "mo"),
    ]


def test_missing_links_rank_and_scores(net: ConceptNetwork) -> None:
    found, total = missing_links(net, top=None)
    assert total == 5
    assert [_ids(f) for f in found] == [
        ("club", "school"),
        ("ki", "school"),
        ("jc", "school"),
        ("club", "ki"),
        ("club", "mo"),
    ]
    ln = math.log
    expected = [
        1 / ln(2) + 0.25 / ln(4),
        1 / ln(3) + 0.25 / ln(4) + 0.25 / ln(3),
        1 / ln(3) + 0.25 / ln(3),
        1 / ln(3) + 0.25 / ln(4),
        1 / ln(3) + 0.25 / ln(4),
    ]
    assert [f.score for f in found] == pytest.approx(expected)


def test_the_top_missing_link_is_explained(net: ConceptNetwork) -> None:
    (first,), _ = missing_links(net, top=1)
    assert [g["id"] for g in first.evidence["shared_goals"]] == ["g1"]
    assert first.evidence["shared_goals"][0]["pursuers"] == 2
    assert [f["id"] for f in first.evidence["shared_action_fields"]] == ["sprache"]
    assert first.evidence["towns"] == ["Velbert", "Ratingen"]
    assert first.reasons["de"][0] == (
        "Sprachverein Kinderland (Velbert) und Gesamtschule West (Ratingen) verfolgen beide "
        "„Durchgängige sprachliche Bildung“, haben aber keine gemeinsame AG und keine Kooperation."
    )
    assert first.reasons["en"][0] == (
        "Sprachverein Kinderland (Velbert) and Gesamtschule West (Ratingen) both pursue "
        "'Continuous language education', but share no working group and have no cooperation."
    )
    assert any("Velbert, Ratingen" in r for r in first.reasons["de"])


def test_coverage_gaps(net: ConceptNetwork) -> None:
    found = coverage_gaps(net)
    got = [(_ids(f), f.evidence["gaps"]) for f in found]
    assert got == [
        (("kultur",), ["no_goal", "no_working_group", "fewer_than_two_actors"]),
        (("oeffnung",), ["no_goal", "fewer_than_two_actors"]),
        (("g4",), ["no_actor"]),
        (("ag2",), ["missing_type"]),
    ]
    assert found[1].reasons["en"][0] == "The cross-cutting task 'Intercultural opening' has no goal."
    assert found[3].evidence["missing_types"] == ["migrant_organisation"]
    assert "Migrantenorganisation" in found[3].reasons["de"][0]


def test_required_types_are_configurable(net: ConceptNetwork) -> None:
    found = coverage_gaps(net, required_types=["job_centre"])
    assert [(_ids(f), f.evidence["missing_types"]) for f in found if "missing_type" in f.evidence["gaps"]] == [
        (("ag1",), ["job_centre"])
    ]


def test_brokers_silos_isolates(net: ConceptNetwork) -> None:
    result = analyse(net, top=None)
    brokers = result.findings["broker"]
    assert _ids(brokers[0]) == ("ki",)
    assert brokers[0].evidence["articulation_point"] is True
    assert brokers[0].evidence["parts_without_it"] == [["jc"], ["mo"]]
    assert brokers[0].evidence["betweenness"] == pytest.approx(1 / 15, abs=1e-6)  # mo-jc of 15 pairs
    silos = result.findings["silo"]
    towns = [f for f in silos if "town" in f.evidence]
    assert [(f.evidence["town"], f.evidence["other_towns"]) for f in towns] == [
        ("Velbert", ["Hilden", "Mettmann", "Ratingen"])
    ]
    communities = [f for f in silos if "community" in f.evidence]
    # the community of club and kita is the Velbert town silo: listed once, as the town
    assert ["club", "kita"] not in [f.evidence["actors"] for f in communities]
    assert towns[0].evidence["same_community"] > 0
    isolates = result.findings["isolate"]
    assert [(_ids(f), f.evidence["could_meet"]) for f in isolates] == [
        (("school",), ["club", "jc", "ki"]),
        (("iso",), []),
    ]
    assert result.metrics[isolates[1].subjects[0].iri].community == 0
    assert math.isnan(result.metrics[isolates[1].subjects[0].iri].constraint)


def test_same_data_same_findings(net: ConceptNetwork) -> None:
    first = [f.to_dict("de") for f in analyse(net).all()]
    second = [f.to_dict("de") for f in analyse(net).all()]
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert {f["kind"] for f in first} == {"missing-link", "coverage", "broker", "silo", "isolate"}
    for f in first:
        assert set(f) == {"kind", "concept", "subjects", "score", "reasons", "evidence"}
        assert all({"iri", "label"} <= set(s) for s in f["subjects"])


def test_unknown_kind_is_refused(net: ConceptNetwork) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        analyse(net, kinds=["gossip"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sparse_structural_holes_match_networkx(seed: int) -> None:
    graph = nx.gnp_random_graph(80, 0.08, seed=seed)
    graph.add_node(500)
    for u, v in graph.edges:
        graph.edges[u, v]["weight"] = 1 + (u * v) % 3
    constraint, eff = constraint_and_effective_size(graph)
    reference_c = nx.constraint(graph, weight="weight")
    reference_e = nx.effective_size(graph)
    for n in graph:
        if math.isnan(reference_c[n]):
            assert math.isnan(constraint[n]) and math.isnan(eff[n])
        else:
            assert constraint[n] == pytest.approx(reference_c[n])
            assert eff[n] == pytest.approx(reference_e[n])


def test_betweenness_is_sampled_above_the_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    import ikg.graph.analysis.metrics as m

    graph = nx.path_graph(30)
    exact, method = betweenness(graph)
    assert exact == nx.betweenness_centrality(graph)
    assert method == "exact"
    monkeypatch.setattr(m, "EXACT_BETWEENNESS_MAX", 10)
    monkeypatch.setattr(m, "BETWEENNESS_PIVOTS", 8)
    sampled, method = m.betweenness(graph)
    assert method == "sampled from 8 pivots (seed 42)"
    assert sampled == m.betweenness(graph)[0]
    assert sampled[0] == sampled[29] == 0.0
    assert sampled[15] > sampled[2] > 0.0


def test_the_beispielkreis_gaps_documented_in_its_readme() -> None:
    """Every gap data/beispielkreis/README.md promises is found by the analysis."""
    from ikg.graph.ingest.importer import open_store

    result = analyse(load_network(open_store(":memory:"), "beispielkreis-2024"), top=None)
    first = result.findings["missing-link"][0]
    assert _ids(first) == ("grundschule-lindenweg", "sprachpaten-kinderland")
    assert sorted(g["id"] for g in first.evidence["shared_goals"]) == [
        "z-durchgaengige-sprachbildung",
        "z-sprachfoerderung-vorschulalter",
    ]
    assert first.score > 1.3 * result.findings["missing-link"][1].score
    coverage = {_ids(f)[0]: f.evidence["gaps"] for f in result.findings["coverage"]}
    assert coverage["sport"] == ["no_goal", "no_working_group", "fewer_than_two_actors"]
    assert coverage["interkulturelle-oeffnung"] == ["no_goal", "fewer_than_two_actors"]
    assert coverage["kultur"] == ["no_working_group", "fewer_than_two_actors"]
    assert coverage["z-bildungsberatung-eltern"] == ["no_actor"]
    assert coverage["ag-arbeit"] == ["missing_type"]
    assert [k for k, v in coverage.items() if v == ["missing_type"]] == ["ag-arbeit"]
    broker = result.findings["broker"][0]
    assert _ids(broker) == ("ki-beispielkreis",) and broker.evidence["articulation_point"]
    assert [a for a in result.info["articulation_points"]] == [broker.subjects[0].iri]
    towns = [f.evidence["town"] for f in result.findings["silo"] if "town" in f.evidence]
    assert towns == ["Skizzenbach"]
    assert sorted(_ids(f)[0] for f in result.findings["isolate"]) == [
        "chorgemeinschaft-modellbrueck",
        "kita-kleine-strolche-testingen",
        "sv-blau-gelb-fiktivhagen",
    ]


def test_a_bridge_between_two_groups_is_explained() -> None:
    """Two working groups of three, linked only by one cooperation: that tie is a bridge (3 | 3)."""
    from ikg.graph.analysis.network import Item

    items = {f"a{i}": Item(f"a{i}", f"a{i}", "actor", {"de": f"Akteur {i}"}) for i in range(6)}
    items |= {w: Item(w, w, "working_group", {"de": w.upper()}) for w in ("w1", "w2")}
    net = ConceptNetwork(
        "b", items=items, members={"w1": ["a0", "a1", "a2"], "w2": ["a3", "a4", "a5"]}, cooperations=[("a2", "a3")]
    )
    bridges = [f for f in analyse(net, kinds=["broker"], top=None).findings["broker"] if f.evidence.get("bridge")]
    assert [(_ids(f), f.evidence["sides"], f.evidence["cooperation"]) for f in bridges] == [
        (("a2", "a3"), [3, 3], True)
    ]
    assert (
        bridges[0].reasons["de"][0].startswith("Die Verbindung Akteur 2 – Akteur 3 (eine Kooperation) ist die einzige")
    )


def _chain() -> ConceptNetwork:
    """Three groups of three in a row (w1 - w2 - w3, one cooperation between neighbours) and a
    pendant actor p tied to a8 only: bridges a2-a3 (3 | 7), a5-a6 (6 | 4), a8-p (9 | 1)."""
    from ikg.graph.analysis.network import Item

    items = {f"a{i}": Item(f"a{i}", f"a{i}", "actor", {"de": f"Akteur {i}"}) for i in range(9)}
    items["p"] = Item("p", "p", "actor", {"de": "Pendant"})
    items |= {w: Item(w, w, "working_group", {"de": w.upper()}) for w in ("w1", "w2", "w3")}
    members = {"w1": ["a0", "a1", "a2"], "w2": ["a3", "a4", "a5"], "w3": ["a6", "a7", "a8"]}
    return ConceptNetwork("c", items=items, members=members, cooperations=[("a2", "a3"), ("a5", "a6"), ("a8", "p")])


def test_bridge_sides_in_a_chain_of_groups() -> None:
    result = analyse(_chain(), kinds=["broker"], top=None)
    bridges = {_ids(f): f.evidence["sides"] for f in result.findings["broker"] if f.evidence.get("bridge")}
    # a8-p is a bridge to a single actor: not reported (it only says p has one contact)
    assert bridges == {("a2", "a3"): [3, 7], ("a5", "a6"): [6, 4]}
    assert result.info["bridges"] == [("a2", "a3"), ("a5", "a6"), ("a8", "p")]
    cut = {
        f.subjects[0].id: f.evidence["parts_without_it"]
        for f in result.findings["broker"]
        if "bridge" not in f.evidence
    }
    assert cut["a8"] == [["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"], ["p"]]
    assert cut["a3"] == [["a4", "a5", "a6", "a7", "a8", "p"], ["a0", "a1", "a2"]]


def test_brokers_explain_only_up_to_the_limit_but_count_all() -> None:
    full = analyse(_chain(), kinds=["broker"], top=None)
    cut = analyse(_chain(), kinds=["broker"], top=2)
    assert cut.totals["broker"] == full.totals["broker"] == len(full.findings["broker"]) > 2
    assert [f.to_dict() for f in cut.findings["broker"]] == [f.to_dict() for f in full.findings["broker"][:2]]


def test_sparse_ties_match_the_networkx_graph(net: ConceptNetwork) -> None:
    """The gap analysis runs on the sparse Ties; views and exports on the networkx graph: same network."""
    from ikg.graph.analysis.metrics import metrics
    from ikg.graph.analysis.network import actor_ties
    from ikg.graph.ingest.importer import open_store

    for network in (net, _chain(), load_network(open_store(":memory:"), "beispielkreis-2024")):
        graph = actor_network(network)
        ties = actor_ties(network)
        assert ties.actors == list(graph.nodes)
        ours = {frozenset((ties.actors[i], ties.actors[j])): w for i, j, w in zip(*ties.edges(), strict=True)}
        assert ours == {frozenset((u, v)): float(w) for u, v, w in graph.edges(data="weight")}
        assert repr(metrics(ties)) == repr(metrics(graph))  # repr: NaN (isolates) compares equal


def test_structural_holes_in_a_child_process_match(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large networks compute constraint in a child process alongside the rest: same numbers."""
    import ikg.graph.analysis.metrics as m
    from ikg.graph.analysis.network import actor_ties
    from ikg.graph.ingest.importer import open_store

    ties = actor_ties(load_network(open_store(":memory:"), "beispielkreis-2024"))
    serial = m.metrics(ties)
    monkeypatch.setattr(m, "PARALLEL_MIN_TIES", 1)
    monkeypatch.setattr(m.os, "cpu_count", lambda: 2)
    started: list[list[str]] = []
    popen = m.subprocess.Popen

    def spy(args: list[str], **kwargs: object) -> object:
        started.append(args)
        return popen(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(m.subprocess, "Popen", spy)
    soon = m.structural_holes_soon(ties)
    assert started and started[0][1:3] == ["-m", "ikg.graph.analysis.holes_child"]
    assert repr(m.metrics(ties, soon)) == repr(serial)
