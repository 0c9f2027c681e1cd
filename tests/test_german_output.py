"""A German user sees no English: ``ikg up --no-serve``, ``ikg gaps``, a failed ``ikg import``, the report.

English is found by words that German text does not use (``the``, ``and``, ``with``, ``nothing``,
``imported``, ...), matched as whole lower-case words; data and technical names (SPARQL, IRI,
file names) are not on the list. The same check on the English output finds them, so it can fail.
"""

from __future__ import annotations

import html.parser
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import SMALL, write_csv_set

IKG = str(Path(sys.executable).with_name("ikg"))
ENGLISH = re.compile(
    r"\b(the|and|of|with|without|which|is|are|was|were|nothing|error|errors|missing|found|shown|imported|"
    r"actors|goals|links|groups|fields|tasks|report|reports|row|column|sheet|problem|problems|valid|"
    r"triples|store|none|undated|between|town|towns|share|shares|pursue|pursues|isolated|coverage|"
    r"broker|brokers|betweenness|degree|community)\b"
)


def _english(text: str) -> list[str]:
    prose = re.sub(r"\S*/\S*", " ", text)  # paths and URLs are names, not words
    return sorted({m.group(0) for m in ENGLISH.finditer(prose)})


def _run(args: list[str], tmp: Path, lang: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("IKG_LANG", "LANG", "LC_ALL", "LC_MESSAGES")}
    return subprocess.run(
        [IKG, *args],
        env={**clean, "IKG_STORE": str(tmp / "store"), "IKG_LANG": lang, **env},
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=600,
    )


class _Text(html.parser.HTMLParser):
    """The text a reader sees: outside script and style, plus alt/title/aria-label and srcdoc pages."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and name in ("alt", "title", "aria-label", "placeholder"):
                self.parts.append(value)
            if value and name == "srcdoc":
                inner = _Text()
                inner.feed(value)
                self.parts.extend(inner.parts)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[subprocess.CompletedProcess[str], Path]]:
    results: dict[str, tuple[subprocess.CompletedProcess[str], Path]] = {}

    def run(lang: str) -> tuple[subprocess.CompletedProcess[str], Path]:
        if lang not in results:
            tmp = tmp_path_factory.mktemp(f"up-{lang}")
            results[lang] = (_run(["up", "--no-serve"], tmp, lang), tmp)
        return results[lang]

    return run


def test_ikg_up_speaks_german(up: Callable[[str], tuple[subprocess.CompletedProcess[str], Path]]) -> None:
    result, _ = up("de")
    assert result.returncode == 0, result.stderr
    assert "Handlungsfelder ohne Ziel" in result.stdout and "fehlende Verbindungen" in result.stdout
    assert _english(result.stdout + result.stderr) == []
    english, _ = up("en")
    assert {"missing", "links"} <= set(_english(english.stdout))  # the check can tell


def test_the_report_speaks_german(up: Callable[[str], tuple[subprocess.CompletedProcess[str], Path]]) -> None:
    _, tmp = up("de")
    page = (tmp / "ikg-report" / "beispielkreis-2024" / "index.html").read_text(encoding="utf-8")
    text = _visible(page)
    assert "Lücken" in text or "Verbindungen" in text
    assert _english(text) == []
    _, tmp_en = up("en")
    page_en = (tmp_en / "ikg-report" / "beispielkreis-2024" / "index.html").read_text(encoding="utf-8")
    assert _english(_visible(page_en))


def test_ikg_gaps_speaks_german(up: Callable[[str], tuple[subprocess.CompletedProcess[str], Path]]) -> None:
    _, tmp = up("de")
    result = _run(["gaps", "--concept", "beispielkreis-2024", "--top", "3"], tmp, "de")
    assert result.returncode == 0, result.stderr
    assert _english(result.stdout) == []
    # each finding: its strength in words and what to do, no bare score (that is in --format json)
    first = result.stdout.splitlines()[2]
    assert first.endswith("  [stark]"), first
    assert result.stdout.count("     Empfehlung: ") == result.stdout.count("  [")
    assert "Betweenness" not in result.stdout and "Constraint" not in result.stdout


def test_a_failed_import_speaks_german(tmp_path: Path) -> None:
    tables = {name: [list(row) for row in rows] for name, rows in SMALL.items()}
    tables["akteure"][2][2] = "keinverein"  # an unknown actor type
    tables["mitgliedschaften"][1][1] = "ag-nirgends"  # an unknown working group
    tables["ziele"][1][0] = ""  # a missing id
    folder = write_csv_set(tmp_path / "kaputt", tables)
    result = _run(["--no-seed", "import", str(folder)], tmp_path, "de")
    assert result.returncode == 1
    assert "Zeile" in result.stderr and "Spalte" in result.stderr and "Fehler" in result.stderr
    assert _english(result.stderr) == [], result.stderr
    english = _run(["--no-seed", "import", str(folder)], tmp_path, "en")
    assert _english(english.stderr)
