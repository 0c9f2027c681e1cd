"""The message catalogue: German and English complete, placeholders kept, every key used, every use known.

Keys are found in the code as the first argument of ``t(...)``/``tn(...)`` and of the command
line's ``msg(...)``/``echo(...)`` (Babel's extractor), or as ``key=...`` of an error.
Keys built at run time (``t(f"gaps.kind.{kind}", ...)``) are listed in ``DYNAMIC`` by their prefix.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from ikg.graph.i18n import LANGS, LOCALE_DIR, catalogue, t, tn
from ikg.graph.ingest.problems import CODES as PROBLEM_CODES

REPO = Path(__file__).resolve().parents[1]
#: prefixes of keys that code builds at run time (each with the place that builds them)
DYNAMIC: dict[str, str] = {
    **dict.fromkeys((f"ingest.{code}" for code in PROBLEM_CODES), "graph/ingest/problems.py: Problem.message"),
    "viz.kind.": "viz/style.py: text (legend of a node kind, NODE_KINDS)",
    "viz.edge.": "viz/style.py: text (legend of an edge kind, EDGE_KINDS)",
    "viz.error.not_found.": "viz/views.py: find_item (per kind of item)",
    "viz.error.none_of_kind.": "viz/views.py: find_item (per kind of item)",
    "viz.report.gap.": "viz/report.py: _coverage (coverage gaps of graph/analysis/gaps.py)",
    "cli.stage.": "api/cli/common.py: progress (stages named by graph/ingest/importer.py)",
    "cli.kind.": "api/cli/explore.py: echo_concept (kinds of graph/library/inventory.py)",
    "cli.column.": "api/cli/explore.py: concepts",
    "cli.uncovered.": "api/cli/serving.py: up (kinds of graph/library/overview.py)",
    "cli.gapkind.": "api/cli/serving.py: the gap summary (graph/choices.py GAP_KINDS)",
    "cli.engine.": "api/cli/serving.py: _serve",
    "http.guard.": "api/http/guard.py: RequestGuard._refusal",
    "http.sparql.not_utf8.": "api/http/sparql.py: _utf8",
    "gaps.kind.": "api/formats/findings.py: kind_heading (the kinds of graph/analysis/gaps.py KINDS)",
}


def _used_keys() -> dict[str, str]:
    found: dict[str, str] = {}
    for folder in ("graph", "api", "viz"):
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            REPO / folder,
            method_map=[("**/static/**", "ignore"), ("**/templates/**.html", "jinja2"), ("**.py", "python")],
            keywords={"t": (1,), "tn": (1,), "msg": (1,), "echo": (1,), "SparqlError": (2,), "UnpackError": (1,)},
            comment_tags=(),
        ):
            key = message[0] if isinstance(message, tuple) else message
            if key:
                found.setdefault(key, f"{folder}/{filename}")
        for path in (REPO / folder).rglob("*.py"):  # errors raised with a key: SomeError(..., key="x.y")
            for key in re.findall(r"\bkey=\"([a-z][\w.\-]*)\"", path.read_text(encoding="utf-8")):
                found.setdefault(key, str(path.relative_to(REPO)))
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _texts(value: object) -> list[str]:
    return list(value) if isinstance(value, tuple) else [str(value)]


def test_both_languages_have_the_same_keys_and_no_empty_text() -> None:
    de, en = catalogue("de"), catalogue("en")
    assert set(de) == set(en), {"only German": sorted(set(de) - set(en)), "only English": sorted(set(en) - set(de))}
    empty = [(lang, k) for lang in LANGS for k, v in catalogue(lang).items() if not all(_texts(v))]
    assert not empty


def test_placeholders_are_the_same_in_both_languages() -> None:
    de, en = catalogue("de"), catalogue("en")
    differ = []
    for key in en:
        want = set().union(*(_fields(x) for x in _texts(en[key])))
        got = set().union(*(_fields(x) for x in _texts(de[key])))
        if want != got:
            differ.append((key, sorted(want), sorted(got)))
    assert not differ


def test_every_key_the_code_uses_is_in_the_catalogue() -> None:
    used = _used_keys()
    missing = {k: where for k, where in used.items() if k not in catalogue("en")}
    assert not missing


def test_every_key_in_the_catalogue_is_used() -> None:
    used = set(_used_keys())
    unused = [k for k in catalogue("en") if k not in used and not k.startswith(tuple(DYNAMIC))]
    assert not unused


def test_catalogue_files_are_well_formed_po() -> None:
    for lang in LANGS:
        files = sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po"))
        assert files
        for po in files:
            text = po.read_text(encoding="utf-8")
            assert f'"Language: {lang}\\n"' in text, po
            assert "#, fuzzy" not in text, f"{po}: a fuzzy entry is not a translation"
    assert {p.name for p in (LOCALE_DIR / "de" / "LC_MESSAGES").glob("*.po")} == {
        p.name for p in (LOCALE_DIR / "en" / "LC_MESSAGES").glob("*.po")
    }


@pytest.mark.parametrize("lang", LANGS)
def test_lookup_fills_placeholders(lang: str) -> None:
    assert t("common.nothing_written", lang)  # type: ignore[arg-type]
    assert re.fullmatch(r"x: \d+ \w+", tn("cli.invalid", 3, lang, name="x"))  # type: ignore[arg-type]
