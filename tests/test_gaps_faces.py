"""``ikg gaps``, ``ikg metrics``, ``ikg export --format graphml|gexf`` and ``/gaps``, ``/metrics``, ``/network``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import networkx as nx
import pytest

from ikg.graph.ingest.importer import import_spreadsheet, open_store

from .conftest import write_csv_set
from .live import backend, live_api
from .test_gaps import WINZIG


@pytest.fixture
def winzig_cli(run_ikg: Callable, tmp_path: Path) -> Callable:
    folder = write_csv_set(tmp_path / "winzig", WINZIG)
    result = run_ikg("--no-seed", "import", str(folder))
    assert result.returncode == 0, result.stderr
    return run_ikg


def test_cli_gaps_json(winzig_cli: Callable) -> None:
    result = winzig_cli("--no-seed", "gaps", "--format", "json", "--kind", "missing-link", "--top", "2")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["totals"] == {"winzig": {"missing-link": 5}}
    assert [[s["label"] for s in f["subjects"]] for f in doc["findings"]] == [
        ["Sprachverein Kinderland", "Gesamtschule West"],
        ["Integrationszentrum", "Gesamtschule West"],
    ]
    first = doc["findings"][0]
    assert set(first) == {"kind", "concept", "subjects", "score", "reasons", "evidence", "advice"}
    assert set(first["advice"]) == {"summary", "action", "strength", "strength_word", "how"}
    assert first["evidence"]["shared_goals"][0]["id"] == "g1"
    assert first["reasons"][0].startswith("Sprachverein Kinderland (Velbert) and Gesamtschule West (Ratingen) both")


def test_cli_gaps_table_in_german(winzig_cli: Callable) -> None:
    result = winzig_cli("--no-seed", "gaps", "--lang", "de", "--kind", "coverage", "--kind", "isolate")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Abdeckungslücken (4)" in out and "Isolierte Akteure (2)" in out
    assert "Das Handlungsfeld „Kultur“ hat kein Ziel." in out
    assert "Fehlende Verbindungen" not in out


def test_cli_gaps_csv_and_required_type(winzig_cli: Callable) -> None:
    result = winzig_cli("--no-seed", "gaps", "-f", "csv", "-k", "coverage", "--require", "job_centre")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["subjects"] for r in rows if "job centre" in r["reasons"]] == ["AG Sprache"]


def test_cli_unknown_concept_and_kind(winzig_cli: Callable) -> None:
    result = winzig_cli("--no-seed", "gaps", "--concept", "nirgendwo")
    assert result.returncode == 1
    assert "no concept 'nirgendwo'" in result.stderr and "winzig" in result.stderr
    result = winzig_cli("--no-seed", "gaps", "--kind", "gossip")
    assert result.returncode == 2
    assert "gossip" in result.stderr


def test_cli_metrics_and_network_export(winzig_cli: Callable, tmp_path: Path) -> None:
    result = winzig_cli("--no-seed", "metrics", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["actor_id"] == "ki" and rows[0]["articulation_point"] == "true"
    iso = next(r for r in rows if r["actor_id"] == "iso")
    assert iso["degree"] == "0" and iso["constraint"] == "" and iso["community"] == "0"
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"net.{fmt}"
        result = winzig_cli("--no-seed", "export", "--format", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr
        graph = read(out)
        assert graph.number_of_nodes() == 7 and graph.number_of_edges() == 3
        ki = next(d for _, d in graph.nodes(data=True) if d.get("ikg_id") == "ki")
        assert ki["articulation_point"] in (True, "true")
        assert float(ki["betweenness"]) == pytest.approx(1 / 15, abs=1e-6)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("gaps-api")
    import_spreadsheet(open_store(base / "store", seed=False), write_csv_set(base / "winzig", WINZIG))
    with backend(base, seed=False) as settings, live_api(settings) as url:
        yield url


def test_http_gaps(api: str) -> None:
    with httpx.Client(base_url=api, timeout=60) as client:
        r = client.get("/gaps", params={"kind": ["missing-link", "isolate"], "top": 1, "lang": "de"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
        doc = r.json()
        assert [f["kind"] for f in doc["findings"]] == ["missing-link", "isolate"]
        assert doc["findings"][0]["reasons"][0].startswith("Sprachverein Kinderland (Velbert) und")
        r = client.get("/gaps", params={"concept": "winzig", "kind": "coverage"}, headers={"Accept": "text/csv"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert len(list(csv.DictReader(io.StringIO(r.text)))) == 4
        r = client.get("/gaps", params={"format": "md", "kind": "broker"})
        assert r.text.startswith("| concept | kind |")
        assert client.get("/gaps", params={"concept": "nirgendwo"}).status_code == 404
        assert client.get("/gaps", params={"kind": "gossip"}).status_code == 422
        assert client.get("/gaps", headers={"Accept": "image/png"}).status_code == 406


def test_http_metrics_and_network(api: str) -> None:
    with httpx.Client(base_url=api, timeout=60) as client:
        r = client.get("/metrics")
        actors = r.json()["actors"]
        assert [a["actor_id"] for a in actors][:1] == ["ki"]
        assert r.json()["betweenness"] == {"winzig": "exact"}
        r = client.get("/network", params={"format": "graphml"})
        assert r.status_code == 200 and r.headers["content-type"] == "application/graphml+xml"
        assert nx.read_graphml(io.BytesIO(r.content)).number_of_nodes() == 7
        r = client.get("/network", headers={"Accept": "application/gexf+xml"})
        assert r.status_code == 200 and b"<gexf" in r.content
        wrong = client.get("/network", params={"format": "csv"})  # not in the schema's enum
        assert wrong.status_code == 422 and "graphml" in wrong.text and "Traceback" not in wrong.text
        assert client.get("/network", headers={"Accept": "text/csv"}).status_code == 406
