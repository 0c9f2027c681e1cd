"""The remote store: the query library and the command line against a real Oxigraph server.

The server is the PyPI package ``oxigraph`` (``oxigraph serve --location DIR``) on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ikg.graph.ingest.importer import open_store
from ikg.graph.library.named import get_query, library, run_named
from ikg.graph.store.remote import RemoteStore

from .conftest import write_csv_set
from .servers import OxigraphServer, start_oxigraph


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    srv = start_oxigraph(tmp_path / "oxigraph", timeout_s=30)
    yield srv
    srv.stop()


def _normalised(result: tuple[list[str], list[tuple]]) -> tuple[list[str], list[tuple]]:
    # GROUP_CONCAT has no order in SPARQL: compare its parts as sets
    names, rows = result
    return names, [tuple(" | ".join(sorted(str(c).split(" | "))) if c is not None else None for c in r) for r in rows]


def test_library_gives_the_same_rows_remote_and_embedded(server: OxigraphServer) -> None:
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
