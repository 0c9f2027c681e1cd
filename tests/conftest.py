"""Shared fixtures: stores, small hand-made concepts, and running the ``ikg`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ikg.graph.ingest.importer import ensure_ready
from ikg.graph.store.embedded import Store

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests compare English texts unless they ask for German: ``IKG_LANG=en`` (a test may unset it).

    Without it, the one language rule gives German to a request or command that names no
    language (tests/test_catalogue.py and the doctests of ``ikg.graph.i18n`` check that rule).
    """
    monkeypatch.setenv("IKG_LANG", "en")


@pytest.fixture
def store() -> Store:
    """An empty in-memory store with the ontology loaded (no default data)."""
    s = Store(":memory:")
    ensure_ready(s, seed=False)
    return s


#: A small concept in German Excel style: rows per table, German headers.
SMALL: dict[str, list[list[str]]] = {
    "konzept": [
        ["id", "titel", "datum", "herausgeber", "quelle"],
        ["kleinstadt-2020", "Integrationskonzept Kleinstadt", "30.06.2015", "stadt", "Beschluss Rat, S. 1"],
    ],
    "akteure": [
        ["id", "name", "typ", "ort", "uebergeordnet", "quelle"],
        ["stadt", "Stadt Kleinstadt", "verwaltung", "Kleinstadt", "", ""],
        ["ki", "Integrationsbüro", "integrationszentrum", "Kleinstadt", "stadt", ""],
        ["verein", "Förderverein Ölmühle", "verein", "Velbert", "", ""],
        ["schule", "Gesamtschule Süd", "schule", "Ratingen", "", ""],
        ["mo", "Türkisch-Deutscher Elternverein", "migrantenorganisation", "Velbert", "", ""],
    ],
    "arbeitsgruppen": [
        ["id", "name", "handlungsfelder", "quelle"],
        ["ag-sprache", "AG Sprache", "sprache", ""],
        ["ag-arbeit", "AG Arbeit", "arbeit|sprache", ""],
    ],
    "mitgliedschaften": [
        ["akteur", "arbeitsgruppe", "rolle", "seit", "bis"],
        ["ki", "ag-sprache", "leitung", "01.02.2014", ""],
        ["verein", "ag-sprache", "", "", ""],
        ["schule", "ag-arbeit", "mitglied", "2014", "31.12.2016"],
        ["mo", "ag-arbeit", "", "", ""],
    ],
    "handlungsfelder": [
        ["id", "bezeichnung", "bezeichnung_en", "notation"],
        ["sprache", "Sprache", "Language", "1"],
        ["arbeit", "Wirtschaft/Arbeit", "Economy and work", "2"],
        ["kultur", "Kultur", "Culture", "3"],
    ],
    "querschnittsaufgaben": [
        ["id", "bezeichnung", "bezeichnung_en", "notation"],
        ["vernetzung", "Vernetzung", "Networking", "1"],
        ["oeffnung", "Interkulturelle Öffnung", "Intercultural opening", "2"],
    ],
    "ziele": [
        [
            "id",
            "titel",
            "handlungsfelder",
            "querschnittsaufgaben",
            "arbeitsgruppe",
            "verfolgt_von",
            "oberziel",
            "ebene",
        ],
        ["z1", "Durchgängige sprachliche Bildung", "sprache", "vernetzung", "ag-sprache", "verein|schule", "", ""],
        ["z2", "Übergang Schule – Beruf", "arbeit", "", "ag-arbeit", "schule", "", ""],
        ["z3", "Sprachkurse im Verein", "sprache", "", "ag-sprache", "verein", "z1", ""],
        ["k1", "Breiter Konsens", "", "", "", "", "", "konzept"],
    ],
    "kooperationen": [
        ["akteur_a", "akteur_b", "seit", "beschreibung"],
        ["ki", "mo", "2013", "Elterncafé"],
    ],
    "indikatoren": [
        ["id", "bezeichnung", "wert", "einheit", "gebiet", "datum"],
        ["anteil", "Anteil mit Zuwanderungsgeschichte", "26,5", "%", "Kleinstadt", "31.12.2014"],
    ],
    "ereignisse": [
        ["id", "bezeichnung", "datum", "art", "akteure"],
        ["frist", "Frist für das Konzept", "30.06.2015", "frist", "stadt"],
    ],
}


def write_csv_set(
    folder: Path,
    tables: dict[str, list[list[str]]] | None = None,
    encodings: dict[str, str] | None = None,
    delimiter: str = ";",
) -> Path:
    """Write tables as CSV files the way German Excel does (``;``, Windows-1252 unless told)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (tables or SMALL).items():
        encoding = (encodings or {}).get(name, "cp1252")
        text = "\r\n".join(delimiter.join(_quote(c, delimiter) for c in row) for row in rows) + "\r\n"
        (folder / f"{name}.csv").write_bytes(text.encode(encoding))
    return folder


def _quote(cell: str, delimiter: str) -> str:
    if any(ch in cell for ch in (delimiter, '"', "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    """The SMALL concept as a German-Excel CSV folder."""
    return write_csv_set(tmp_path / "klein")


@pytest.fixture
def run_ikg(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``ikg`` command with a store of its own; return the completed process."""
    exe = Path(sys.executable).with_name("ikg")
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "ikg.api.cli"]
    env = {**os.environ, "IKG_STORE": str(tmp_path / "store"), "IKG_LANG": "en"}

    def run(*args: str, check: bool = False, extra_env: dict[str, str] | None = None, timeout: float = 120):
        return subprocess.run(
            [*base, *args],
            capture_output=True,
            text=True,
            env={**env, **(extra_env or {})},
            timeout=timeout,
            check=check,
            cwd=tmp_path,
        )

    return run
