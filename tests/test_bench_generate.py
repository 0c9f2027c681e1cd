"""``bench/generate.py`` keeps working: deterministic output that ikg imports, with gaps to find."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ikg.graph.analysis.gaps import analyse
from ikg.graph.analysis.network import load_network
from ikg.graph.ingest.importer import ensure_ready, import_spreadsheet
from ikg.graph.store.embedded import Store

GENERATE = Path(__file__).resolve().parents[1] / "bench" / "generate.py"


def _generate(out: Path) -> None:
    argv = [sys.executable, str(GENERATE), "--actors", "120", "--out", str(out), "--formats", "csv,ttl"]
    subprocess.run(argv, check=True, capture_output=True, timeout=300)


def test_generated_concept_is_deterministic_and_importable(tmp_path: Path) -> None:
    _generate(tmp_path / "a")
    _generate(tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    store = Store(":memory:")
    ensure_ready(store, seed=False)
    result = import_spreadsheet(store, tmp_path / "a" / "csv")
    net = load_network(store, result.concept_id)
    assert len(net.actors) == 120
    found = analyse(net, top=3)
    assert found.totals["missing-link"] > 0
    assert found.totals["isolate"] > 0
