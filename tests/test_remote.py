"""The remote store: the query library and the command line against a real Oxigraph server.

The server is the PyPI package ``oxigraph`` (``oxigraph serve --location DIR``) on 127.0.0.1. The
``check_*`` helpers compare any remote store with the embedded one (``tests/test_virtuoso.py`` runs
them against Virtuoso): both shipped concepts imported, every named query cell for cell in order,
gaps, a view and the report byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ikg.graph.analysis.gaps import Analysis, analyse, analyse_store
from ikg.graph.analysis.network import load_network
from ikg.graph.ingest.importer import ensure_ready, import_spreadsheet, open_store
from ikg.graph.library.named import get_query, library, run_named
from ikg.graph.namespaces import concept_graph
from ikg.graph.store.embedded import Store
from ikg.graph.store.remote import RemoteStore
from ikg.graph.store.remote_write import STAGING_BASE
from ikg.viz.report import write_report
from ikg.viz.views import ViewRequest, render_view

from .conftest import write_csv_set
from .servers import OxigraphServer, start_oxigraph

REPO = Path(__file__).resolve().parents[1]
#: the shipped concepts: folder and concept id
SHIPPED = {"mettmann-2015": REPO / "data" / "mettmann-2015", "beispielkreis-2024": REPO / "data" / "beispielkreis"}


def load_shipped(store: Store | RemoteStore) -> dict[str, tuple[int, int]]:
    """Write the ontology and import both shipped concepts; return (added, removed) per concept."""
    ensure_ready(store, seed=False)
    return {cid: (r.change.added, r.change.removed) for cid, r in _import_all(store).items()}


def _import_all(store: Store | RemoteStore) -> dict:
    return {cid: import_spreadsheet(store, folder) for cid, folder in SHIPPED.items()}


@pytest.fixture(scope="module")
def embedded() -> Store:
    """The embedded store with both shipped concepts: what every remote store must answer alike."""
    store = Store(":memory:")
    load_shipped(store)
    return store


def check_shipped_imported(remote: RemoteStore, embedded: Store, first: dict[str, tuple[int, int]]) -> None:
    """Both concepts arrived whole (what the server gives back is what the embedded store holds),
    and importing them again writes nothing (+0 -0), although the server canonicalises literals."""
    for cid in SHIPPED:
        assert first[cid][0] > 300 and first[cid][1] == 0, (cid, first[cid])
        graph = str(concept_graph(cid))
        assert remote.graph_quads(graph) == embedded.graph_quads(graph), cid
    again = {cid: (r.change.added, r.change.removed) for cid, r in _import_all(remote).items()}
    assert again == dict.fromkeys(SHIPPED, (0, 0))
    assert not [g for g in remote.named_graphs() if g.startswith(STAGING_BASE)]


def check_named_queries(remote: RemoteStore, embedded: Store) -> None:
    """Every named query gives the same rows, cell for cell and in order."""
    assert len(library()) >= 18
    for name in library():
        for params in ({}, get_query(name).example_params()):
            try:
                want = run_named(embedded, name, params)
            except Exception as exc:  # a query that needs a parameter: the remote store must refuse alike
                with pytest.raises(type(exc)):
                    run_named(remote, name, params)
                continue
            got = run_named(remote, name, params)
            assert got == want, (name, params)  # cell for cell: run_named orders GROUP_CONCAT parts


def check_analysis_and_outputs(remote: RemoteStore, embedded: Store, tmp: Path) -> None:
    """Gaps, the concept goals (booleans by value), a view and the report are the embedded store's."""
    for cid in SHIPPED:
        got, want = analyse_store(remote, cid), analyse_store(embedded, cid)
        assert [_gaps(a) for a in got] == [_gaps(a) for a in want], cid
    for cid in SHIPPED:
        net_r, net_e = load_network(remote, cid), load_network(embedded, cid)
        goals = sorted(i.subkind for i in net_e.items.values() if i.kind == "goal")
        assert sorted(i.subkind for i in net_r.items.values() if i.kind == "goal") == goals
        assert "concept_goal" in goals
        for fmt in ("html", "svg"):
            request = ViewRequest("gaps", "de")
            assert render_view(net_r, analyse(net_r, kinds=()), request, fmt) == render_view(
                net_e, analyse(net_e, kinds=()), request, fmt
            ), (cid, fmt)
    net_r, net_e = load_network(remote, "beispielkreis-2024"), load_network(embedded, "beispielkreis-2024")
    write_report(net_r, analyse(net_r), tmp / "remote", "de")
    write_report(net_e, analyse(net_e), tmp / "embedded", "de")
    files = sorted(p.relative_to(tmp / "embedded") for p in (tmp / "embedded").rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(tmp / "remote") for p in (tmp / "remote").rglob("*") if p.is_file())
    for f in files:
        assert (tmp / "remote" / f).read_bytes() == (tmp / "embedded" / f).read_bytes(), f


def _gaps(a: Analysis) -> tuple:
    metrics = {iri: repr(m) for iri, m in a.metrics.items()}  # repr: nan is not equal to itself
    return a.concept, a.totals, {k: [f.to_dict("de") for f in v] for k, v in a.findings.items()}, metrics


def check_failed_swap_changes_nothing(remote: RemoteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails at the swap leaves the target graph as it was and no staging graph behind."""
    graph = str(concept_graph("beispielkreis-2024"))
    before = remote.graph_quads(graph)
    changed = [ox.Quad(q.subject, q.predicate, ox.Literal("geändert"), q.graph_name) for q in before]
    sent = remote.update_request
    monkeypatch.setattr(remote.write_capabilities(), "update_triples", 10)  # too large for one request: staged

    def refuse_swap(text: str) -> None:
        if text.startswith("MOVE"):
            raise RuntimeError("the server went away")
        sent(text)

    monkeypatch.setattr(remote, "update_request", refuse_swap)
    with pytest.raises(RuntimeError):
        remote.replace_graph(graph, changed)
    monkeypatch.undo()
    assert remote.graph_quads(graph) == before
    assert remote.write_capabilities().update_triples != 10
    assert not remote.ask(
        f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {STAGING_BASE!r})) }}".replace("'", '"')
    )


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OxigraphServer, RemoteStore, dict]]:
    """One Oxigraph server for the module, with both shipped concepts imported."""
    srv = start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "db", timeout_s=60)
    remote = RemoteStore(srv.query_url, timeout=60)
    try:
        yield srv, remote, load_shipped(remote)
    finally:
        remote.close()
        srv.stop()


def test_oxigraph_server_imports_both_concepts(oxigraph, embedded: Store) -> None:
    check_shipped_imported(oxigraph[1], embedded, oxigraph[2])


def test_oxigraph_server_named_queries(oxigraph, embedded: Store) -> None:
    check_named_queries(oxigraph[1], embedded)


def test_oxigraph_server_gaps_view_report(oxigraph, embedded: Store, tmp_path: Path) -> None:
    check_analysis_and_outputs(oxigraph[1], embedded, tmp_path)


def test_oxigraph_server_probe_and_failed_swap(oxigraph, monkeypatch: pytest.MonkeyPatch) -> None:
    caps = oxigraph[1].capabilities()
    assert (caps.form_post, caps.direct_post, caps.updates, caps.atomic_requests) == (True, True, True, True)
    assert caps.update_triples == 2000 and caps.gsp_url == oxigraph[0].query_url[: -len("query")] + "store"
    assert oxigraph[1].capabilities() is caps  # probed once per store object
    check_failed_swap_changes_nothing(oxigraph[1], monkeypatch)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    srv = start_oxigraph(tmp_path / "oxigraph", timeout_s=30)
    yield srv
    srv.stop()


def _normalised(result: tuple[list[str], list[tuple]]) -> tuple[list[str], list[tuple]]:
    # GROUP_CONCAT has no order in SPARQL: compare its parts as sets
    names, rows = result
    return names, [tuple(" | ".join(sorted(str(c).split(" | "))) if c is not None else None for c in r) for r in rows]


def test_seeding_gives_the_same_rows_remote_and_embedded(server: OxigraphServer) -> None:
    remote = open_store(server.query_url)  # seeds the empty server like an empty embedded store
    try:
        assert isinstance(remote, RemoteStore)
        local = open_store(":memory:")
        for name in library():
            params = get_query(name).example_params()
            assert _normalised(run_named(remote, name, params)) == _normalised(run_named(local, name, params)), name
    finally:
        remote.close()


def test_cli_against_the_server(server: OxigraphServer, run_ikg, tmp_path: Path) -> None:
    env = {"IKG_STORE": server.query_url}
    up = run_ikg("up", "--no-serve", check=True, extra_env=env)
    assert f"ikg store: {server.query_url}" in up.stdout and "mettmann-2015" in up.stdout
    assert "beispielkreis-2024: missing links 226" in up.stdout  # the gap analysis ran over the SPARQL protocol
    info = run_ikg("--store", server.query_url, "info", check=True)
    assert "SPARQL server:" in info.stdout and "sent directly" in info.stdout  # the probe, for the user
    folder = write_csv_set(tmp_path / "klein")
    first = run_ikg("import", str(folder), check=True, extra_env=env)
    assert "imported concept kleinstadt-2020" in first.stdout
    assert "(+0 -0)" in run_ikg("import", str(folder), check=True, extra_env=env).stdout
    members = run_ikg(
        "query",
        "wg-members",
        "-p",
        "wg_id=ag-sprache",
        "-p",
        "concept=kleinstadt-2020",
        "-f",
        "csv",
        check=True,
        extra_env=env,
    )
    assert {line.split(",")[2] for line in members.stdout.splitlines()[1:]} == {"ki", "verein"}
    remote_export = run_ikg("export", "-f", "nquads", "--concept", "kleinstadt-2020", check=True, extra_env=env).stdout
    run_ikg("import", str(folder), check=True)  # the same data into an embedded store
    local_export = run_ikg("export", "-f", "nquads", "--concept", "kleinstadt-2020", check=True).stdout
    assert remote_export == local_export
    run_ikg("drop", "--concept", "kleinstadt-2020", "--yes", check=True, extra_env=env)
    assert "kleinstadt" not in run_ikg("concepts", check=True, extra_env=env).stdout
    bad = run_ikg("query", "-e", "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", extra_env=env)
    assert bad.returncode == 1 and "SERVICE is refused" in bad.stderr


def test_unreachable_server_is_one_clear_line(run_ikg) -> None:
    result = run_ikg("info", extra_env={"IKG_STORE": "http://127.0.0.1:9/query"})
    assert result.returncode == 1
    assert result.stderr.startswith("ikg: error: cannot reach the SPARQL server at http://127.0.0.1:9/query")
