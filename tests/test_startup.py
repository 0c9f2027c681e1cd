"""What a command costs before it does anything: the imports at start-up, the catalogue, the store's open.

Not timed (timings belong to ``bench/latency.py``): these tests check the causes, each of which
once cost a tenth of a second or more and crept back in unnoticed. Each import check runs in a
fresh interpreter, since the test process has imported everything long before.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from babel.dates import format_date as babel_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from ikg.graph.i18n import LOCALE_DIR, format_date, format_number, read_po_messages
from ikg.graph.store.embedded import Store

#: what some part of ikg needs, but the start-up of the command line does not
HEAVY = (
    "matplotlib",
    "scipy",
    "numpy",
    "networkx",
    "igraph",
    "rdflib",
    "pyoxigraph",
    "babel.messages",
    "babel.dates",
    "babel.numbers",
    "httpx",
    "pydantic",
    "rich",
)


def _printed(code: str) -> str:
    """What a fresh interpreter prints running ``code`` (stripped); it must succeed."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip()


def _imported_after(code: str) -> list[str]:
    """Which of :data:`HEAVY` a fresh interpreter holds after running ``code``."""
    probe = f"import json, sys\n{code}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    return list(json.loads(_printed(probe).splitlines()[-1]))


def test_building_the_command_line_imports_nothing_heavy() -> None:
    assert _imported_after("import ikg.api.cli.app") == []


def test_the_help_of_a_command_imports_nothing_heavy() -> None:
    code = "from ikg.api.cli.app import main\ntry:\n    main(['gaps', '--help'])\nexcept SystemExit:\n    pass"
    assert _imported_after(code) == []


def test_the_gap_analysis_imports_no_plotting_and_no_networkx() -> None:
    # igraph imported matplotlib.pyplot for its plotting (0.5-0.9 s of an `ikg gaps`), scipy's
    # csgraph scipy.linalg; the analysis uses neither, nor networkx
    code = "import ikg.graph.analysis.gaps, ikg.api.formats.findings"
    found = set(_imported_after(code))
    assert not found & {"matplotlib", "networkx"}, found
    probe = "import sys, ikg.graph.analysis.gaps\nprint('scipy.linalg' in sys.modules)"
    assert _printed(probe) == "False"


def test_the_gap_analysis_runs_neither_numpy_s_test_nor_its_fortran_package() -> None:
    # scipy.sparse's array-API layer copies numpy's namespace, which imported both (0.08 s of an
    # `ikg gaps`); they stand as lazy modules now (ikg.graph.analysis.numpy_lazy)
    code = (
        "import sys, ikg.graph.analysis.gaps, ikg.api.formats.findings, scipy.sparse\n"
        "print([m for m in ('numpy.f2py.f2py2e', 'numpy.testing._private.utils') if m in sys.modules])"
    )
    assert _printed(code) == "[]"


def test_numpy_s_deferred_packages_work_when_used() -> None:
    # a lazy module loads when first read, in every form of use
    code = (
        "import ikg.graph.analysis.metrics, numpy as np, numpy.testing as nt\n"
        "from numpy.testing import assert_array_equal\n"
        "assert_array_equal(np.array([1, 2]), [1, 2])\n"
        "print(nt.assert_equal(1, 1), type(np.testing).__name__, np.f2py.__name__)"
    )
    assert _printed(code) == "None module numpy.f2py"


def test_igraph_still_draws_with_matplotlib_when_matplotlib_came_first() -> None:
    code = "import matplotlib\nimport ikg.graph.analysis.metrics as m\nprint(type(m.ig.drawing.shapes.plt).__name__)"
    assert _printed(code) == "module"


def _babel_messages(path: Path, lang: str) -> dict[str, object]:
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=path.stem)
    out: dict[str, object] = {}
    for message in catalog:
        if message.id:
            out[message.id if isinstance(message.id, str) else message.id[0]] = message.string
    return out


@pytest.mark.parametrize("path", sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")), ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_the_po_reader_reads_what_babel_reads(path: Path) -> None:
    lang = path.parts[-3]
    mine = read_po_messages(path)
    assert mine == _babel_messages(path, lang)
    assert list(mine) == list(_babel_messages(path, lang))


def test_the_po_reader_reads_what_babel_reads_in_the_corners(tmp_path: Path) -> None:
    po = tmp_path / "corners.po"
    po.write_text(
        textwrap.dedent(
            r"""
            # a comment
            msgid ""
            msgstr ""
            "Language: de\n"
            "Plural-Forms: nplurals=2; plural=(n != 1);\n"

            #. an extracted comment
            #: file.py:1
            msgid "x.lines"
            msgstr ""
            "first line\n"
            "second with \"quotes\", a tab\t and a backslash \\ "
            "joined"

            msgid "x.empty"
            msgstr ""

            #, python-format
            msgid "x.plural"
            msgid_plural "x.plural"
            msgstr[1] "{n} Dinge"
            msgstr[0] "ein Ding"

            msgid "x.twice"
            msgstr "first"

            msgid "x.twice"
            msgstr "second"

            #~ msgid "x.gone"
            #~ msgstr "obsolete"
            """
        ).lstrip(),
        encoding="utf-8",
    )
    assert read_po_messages(po) == _babel_messages(po, "de")
    assert read_po_messages(po)["x.plural"] == ("ein Ding", "{n} Dinge")
    assert read_po_messages(po)["x.twice"] == "first"
    assert "x.gone" not in read_po_messages(po)


def _numbers() -> list[object]:
    rng = random.Random(18)
    fixed: list[object] = [0, 0.0, -0.0, 1, -1, 7, 999, 1000, 1234.5, 1234567.891, 0.4123, 0.0005, 0.0015, 0.0025]
    fixed += [2.5, 3.5, 0.125, -0.0001, 1e-10, 1e15, 123456789012, 10**20, 0.1 + 0.2, 1 / 3, 99.9995, 999.9996]
    fixed += [float("inf"), float("-inf"), float("nan"), decimal.Decimal("2.675"), np.float64(0.4123), np.int64(12345)]
    fixed += [rng.randint(-(10**7), 10**7) for _ in range(300)]
    fixed += [rng.uniform(-1000, 1000) for _ in range(300)]
    fixed += [round(rng.uniform(0, 10), rng.randint(0, 5)) for _ in range(300)]
    return fixed + [rng.random() * 10 ** rng.randint(-6, 9) for _ in range(300)]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_numbers_are_written_as_babel_writes_them(lang: str) -> None:
    for value in _numbers():
        for digits in (None, 0, 1, 3, 6):
            fmt = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
            assert format_number(value, lang, digits) == format_decimal(value, format=fmt, locale=lang), (value, digits)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_dates_are_written_as_babel_writes_them(lang: str) -> None:
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(366)]
    for day in [*days, dt.date(5, 3, 9), dt.date(9999, 12, 31), dt.datetime(2015, 6, 30, 12, 0)]:
        assert format_date(day, lang) == babel_date(day, format="long", locale=lang)  # type: ignore[arg-type]


def test_a_command_writes_numbers_and_dates_without_babel() -> None:
    code = "from ikg.graph.i18n import format_number as n, format_date as d\nn(1234.5, 'de'); d('2015-06-30', 'en')"
    assert not {m for m in _imported_after(code) if m.startswith("babel")}


def _writer_opens(folder: Path) -> bool:
    code = f"import pyoxigraph as ox\nox.Store({str(folder)!r})"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120).returncode == 0


def test_a_store_opened_for_reading_keeps_writers_out_until_it_is_closed(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    Store(folder).close()
    assert Store.open_for_reading(tmp_path / "nothing") is None
    first = Store.open_for_reading(folder)
    second = Store.open_for_reading(folder)  # readers share the lock
    assert first is not None and second is not None and first.read_only
    assert len(first) == 0
    second.close()
    assert not _writer_opens(folder), "one reader is still reading"
    first.close()
    assert _writer_opens(folder)


def test_a_store_held_by_a_writer_is_not_opened_for_reading(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    Store(folder).close()
    code = f"import pyoxigraph as ox, sys, time\ns = ox.Store({str(folder)!r})\nprint('open', flush=True)\nsys.stdin.read()"
    writer = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "open"
        assert Store.open_for_reading(folder) is None
    finally:
        writer.communicate("", timeout=60)
    reader = Store.open_for_reading(folder)
    assert reader is not None
    reader.close()


#: the name characters of the SPARQL scanner: as the grammar reads, and as ikg writes them for ``re``
_NAME_CLASSES = [
    (r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF]", r"[^\x00-/:-@\[-^`{-\u00B6\u00B8-\u00BF\U00010000-\U0010FFFF]"),
    (r"[A-Za-z\u00C0-\uFFFF]", r"[^\x00-@\[-`{-\u00BF\U00010000-\U0010FFFF]"),
    (r"[\w.\-\u00B7\u00C0-\uFFFF]", r"(?:[\w.\-\u00B7]|[^\x00-\u00BF\U00010000-\U0010FFFF])"),
    (r"[\w\-.:%\\\u00B7\u00C0-\uFFFF]", r"(?:[\w\-.:%\\\u00B7]|[^\x00-\u00BF\U00010000-\U0010FFFF])"),
]


@pytest.mark.parametrize(("grammar", "written"), _NAME_CLASSES)
def test_the_scanner_name_characters_are_the_grammars(grammar: str, written: str) -> None:
    from ikg.graph.store.sparql_text import _TOKEN

    assert written.removeprefix("(?:").removesuffix(")") in _TOKEN.pattern
    every = "".join(map(chr, range(0x110000)))
    assert re.findall(written, every) == re.findall(grammar, every)


def test_a_reading_command_repairs_a_store_that_needs_writing(tmp_path: Path) -> None:
    import pyoxigraph as ox

    folder = tmp_path / "store"
    ikg = [sys.executable, "-c", "from ikg.api.cli import main; main()", "--store", str(folder)]
    env = {**os.environ, "IKG_LANG": "en"}
    first = subprocess.run([*ikg, "info"], capture_output=True, text=True, timeout=300, env=env, check=True)
    db = ox.Store(str(folder))
    db.remove_graph(ox.NamedNode("https://w3id.org/ikg/graph/_ontology"))  # as after an older ikg
    db.flush()
    del db
    again = subprocess.run([*ikg, "info"], capture_output=True, text=True, timeout=300, env=env, check=True)
    assert again.stdout == first.stdout  # the ontology is written again, so the counts are the same
    reader = Store.open_for_reading(folder)
    assert reader is not None
    reader.close()


def test_laying_out_a_small_view_imports_no_scipy_optimize() -> None:
    # networkx's Kamada-Kawai imported scipy.optimize (0.3 s of every report) for components of
    # a few nodes; igraph's C implementation needs nothing more
    probe = (
        "import sys, networkx as nx\nfrom ikg.viz.layout import layout\n"
        "pos = layout(nx.cycle_graph(6))\nprint(len(pos), 'scipy.optimize' in sys.modules)"
    )
    assert _printed(probe).split() == ["6", "False"]


def test_gaps_info_and_queries_on_a_ready_store_import_no_rdflib(tmp_path: Path) -> None:
    # rdflib's import is 0.07-0.1 s: the findings table, the vocabularies, the concept's texts,
    # the graph IRIs, the bound values of a reading command and the list of the query library
    # need none of its terms
    folder = tmp_path / "store"
    ikg = [sys.executable, "-c", "from ikg.api.cli import main; main()", "--store", str(folder)]
    env = {**os.environ, "IKG_LANG": "de"}
    subprocess.run([*ikg, "info"], capture_output=True, text=True, timeout=300, env=env, check=True)  # seeds
    shown = {"gaps": "Beispielkreis", "info": "Beispielkreis", "queries": "wg-members"}
    for args in (["gaps", "--concept", "beispielkreis-2024"], ["info"], ["queries"]):
        probe = (
            "import atexit, sys\nfrom ikg.api.cli import main\n"
            "atexit.register(lambda: print('rdflib' in sys.modules, file=sys.stderr))\n"
            f"main({['--store', str(folder), *args]!r})"
        )
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, done.stderr
        assert done.stderr.splitlines()[-1] == "False", (args, done.stderr)
        assert shown[args[0]] in done.stdout


def test_a_query_on_a_ready_store_imports_no_rdflib(tmp_path: Path) -> None:
    # rdflib's import was 0.1 s of an `ikg query` of 0.35 s: the parameters are bound, the rows
    # sorted and written as the store's pyoxigraph terms, named queries and your own alike
    folder = tmp_path / "store"
    ikg = [sys.executable, "-c", "from ikg.api.cli import main; main()", "--store", str(folder)]
    env = {**os.environ, "IKG_LANG": "en"}
    subprocess.run([*ikg, "info"], capture_output=True, text=True, timeout=300, env=env, check=True)  # seeds
    named = ["query", "wg-members", "--concept", "beispielkreis-2024", "--param", "wg_id=ag-sprache"]
    runs = {
        "named": (named, "ki-beispielkreis"),
        "json": ([*named, "--format", "json"], '"datatype": "http://www.w3.org/2001/XMLSchema#gYearMonth"'),
        "own": (["query", "-e", "ASK { ?s ?p ?o }"], "true"),
    }
    for what, (args, shown) in runs.items():
        probe = (
            "import atexit, sys\nfrom ikg.api.cli import main\n"
            "atexit.register(lambda: print('rdflib' in sys.modules, file=sys.stderr))\n"
            f"main({['--store', str(folder), *args]!r})"
        )
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, (what, done.stderr)
        assert done.stderr.splitlines()[-1] == "False", (what, done.stderr)
        assert shown in done.stdout, (what, done.stdout)


def test_the_report_s_drawing_process_imports_no_networkx() -> None:
    # the views reach it as scenes with their positions (networkx: 0.16-0.2 s of its start-up,
    # which the views waited for); it draws them with matplotlib alone, no layout computed
    code = "from ikg.viz.drawing_pool import _warm_up\n_warm_up()"
    found = set(_imported_after(code))
    assert "matplotlib" in found
    assert not found & {"networkx", "igraph", "scipy"}, found
