"""The query forms of :mod:`ikg.graph.ingest.shacl_sparql`, each against answers checked by hand.

The compiler writes ``sh:minCount`` 1 and 2 as ``FILTER NOT EXISTS`` of pairwise different values,
``sh:maxCount`` 0 and 1 as ``FILTER EXISTS``, larger counts as ``GROUP BY`` with ``COUNT(?value)``
for a path of one step and ``COUNT(DISTINCT ?value)`` for any other, ``sh:class`` as ``MINUS`` of
the class's instances and ``sh:uniqueLang`` as ``GROUP BY`` the language. The W3C suite and the
comparison with pySHACL do not reach every branch of these (counts of 2 and 3, a sequence path
that reaches one value twice, a literal or blank node value of ``sh:class``), so these tests do.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph

from ikg.graph.ingest.shacl_sparql import check_quads, checks_store, compile_shapes

_PREFIXES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <http://example.org/> .\n"
)
EX = "http://example.org/"


def _results(shapes: str, data: str) -> list[tuple[str, str, str | None]]:
    """(component, focus, value) of every result, repeats kept, in order; ``ex:`` left out."""
    checks = compile_shapes(Graph().parse(data=_PREFIXES + shapes, format="turtle"))
    quads = list(ox.parse(_PREFIXES + data, format=ox.RdfFormat.TURTLE))
    found = [
        (
            v.check.component.rsplit("#", 1)[1].removesuffix("ConstraintComponent"),
            v.focus.removeprefix(EX),
            None if v.value is None else str(v.value).replace(f"<{EX}", "<ex:"),
        )
        for v in check_quads(checks, quads)
    ]
    return sorted(found, key=str)


def _property(constraint: str, path: str = "ex:p") -> str:
    return f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path {path} ; {constraint} ] ."


# ex:i has no ex:p, ex:j one, ex:k two, ex:l three; ex:m reaches ex:v twice over ex:p/ex:q
# (through ex:m1 and ex:m2) and ex:w once, ex:n reaches ex:v twice and nothing else; ex:i is the
# only value of ^ex:q (from ex:j).
_COUNTS = """
ex:i a ex:C . ex:j a ex:C . ex:k a ex:C . ex:l a ex:C . ex:m a ex:C . ex:n a ex:C . ex:j ex:q ex:i .
ex:j ex:p 1 . ex:k ex:p 1 , 2 . ex:l ex:p 1 , 2 , 3 .
ex:m ex:r ex:m1 , ex:m2 , ex:m3 . ex:m1 ex:q ex:v . ex:m2 ex:q ex:v . ex:m3 ex:q ex:w .
ex:n ex:r ex:n1 , ex:n2 . ex:n1 ex:q ex:v . ex:n2 ex:q ex:v .
"""


@pytest.mark.parametrize(
    ("constraint", "path", "foci"),
    [
        ("sh:minCount 0", "ex:p", []),
        ("sh:minCount 1", "ex:p", ["i", "m", "n"]),
        ("sh:minCount 2", "ex:p", ["i", "j", "m", "n"]),  # ex:j: one value is not two
        ("sh:minCount 3", "ex:p", ["i", "j", "k", "m", "n"]),
        ("sh:minCount 1", "( ex:r ex:q )", ["i", "j", "k", "l"]),  # a sequence path with no value
        ("sh:minCount 2", "( ex:r ex:q )", ["i", "j", "k", "l", "n"]),  # ex:n: ex:v twice is one value
        ("sh:minCount 3", "( ex:r ex:q )", ["i", "j", "k", "l", "m", "n"]),  # ex:m: ex:v, ex:v, ex:w
        ("sh:minCount 1", "[ sh:inversePath ex:q ]", ["j", "k", "l", "m", "n"]),
        ("sh:maxCount 0", "[ sh:inversePath ex:q ]", ["i"]),
        ("sh:maxCount 0", "ex:p", ["j", "k", "l"]),
        ("sh:maxCount 1", "ex:p", ["k", "l"]),
        ("sh:maxCount 2", "ex:p", ["l"]),
        ("sh:maxCount 1", "( ex:r ex:q )", ["m"]),  # ex:n reaches only ex:v
        ("sh:maxCount 2", "( ex:r ex:q )", []),  # ex:m: three paths, two values
        ("sh:maxCount 1", "[ sh:alternativePath ( ex:p ex:r ) ]", ["k", "l", "m", "n"]),
    ],
)
def test_counts_count_distinct_values_per_focus_node(constraint: str, path: str, foci: list[str]) -> None:
    component = "MinCount" if "min" in constraint else "MaxCount"
    assert _results(_property(constraint, path), _COUNTS) == [(component, f, None) for f in foci]


def test_max_count_two_counts_distinct_terms_of_one_value() -> None:
    """Two spellings of one decimal are two terms, hence two values (SHACL compares terms)."""
    data = 'ex:i a ex:C ; ex:p "1.0"^^xsd:decimal , "1.00"^^xsd:decimal , "1"^^xsd:integer .'
    assert _results(_property("sh:maxCount 2"), data) == [("MaxCount", "i", None)]
    assert _results(_property("sh:minCount 2"), data) == []


_CLASSES = """
ex:D rdfs:subClassOf ex:K .
ex:i a ex:C ; ex:p ex:good , ex:sub , ex:untyped , "ex:good" , 7 , _:typed , _:bare .
ex:good a ex:K . ex:sub a ex:D . _:typed a ex:D . ex:other a ex:C .
"""


def test_class_reports_literals_blank_nodes_and_untyped_values() -> None:
    results = _results(_property("sh:class ex:K"), _CLASSES)
    assert [(f, v) for _, f, v in results if v is not None and not v.startswith("_:")] == [
        ("i", '"7"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("i", '"ex:good"'),
        ("i", "<ex:untyped>"),
    ]
    assert [c for c, _, v in results] == ["Class"] * 4  # and the untyped blank node, once
    assert sum(1 for _, _, v in results if v is not None and v.startswith("_:")) == 1


def test_node_level_class_reports_a_literal_focus_node() -> None:
    shapes = "ex:S a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:class ex:K ."
    data = (
        'ex:D rdfs:subClassOf ex:K . ex:a ex:p ex:good , ex:sub , ex:untyped , "x" . ex:good a ex:K . ex:sub a ex:D .'
    )
    assert _results(shapes, data) == [("Class", "untyped", "<ex:untyped>"), ("Class", "x", '"x"')]


@pytest.mark.parametrize(
    ("labels", "rows"),
    [
        ('"a"@de , "b"@DE', ["de"]),  # one language, whatever its case
        ('"a"@de , "a"@DE', []),  # one term: language tags are case-insensitive in RDF
        ('"a"@de , "b"@de , "c"@de , "d"@en , "e"@en-GB', ["de"]),  # one row for three labels
        ('"a"@de , "b"@DE , "c"@en , "d"@EN , "e" , "f"', ["de", "en"]),  # no language: not counted
        ('"a"@de , "a"@en , "a"', []),
    ],
)
def test_unique_lang_reports_each_repeated_language_once(labels: str, rows: list[str]) -> None:
    shapes = "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; sh:uniqueLang true ] ."
    checks = compile_shapes(Graph().parse(data=_PREFIXES + shapes, format="turtle"))
    store_quads = list(ox.parse(_PREFIXES + f"ex:i ex:p {labels} . ex:j ex:p 'x'@de .", format=ox.RdfFormat.TURTLE))
    found = check_quads(checks, store_quads)
    assert [v.focus for v in found] == [f"{EX}i"] * len(rows)
    solutions = checks_store(store_quads).query(checks[0].sparql)
    assert isinstance(solutions, ox.QuerySolutions)
    assert sorted(str(row["lang"].value) for row in solutions) == rows


def test_unique_lang_counts_a_value_reached_twice_once() -> None:
    shapes = (
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:r ; sh:property [ sh:path ( ex:r ex:q ) ; sh:uniqueLang true ] ."
    )
    data = 'ex:i ex:r ex:m1 , ex:m2 . ex:m1 ex:q "a"@de . ex:m2 ex:q "a"@de .'
    assert _results(shapes, data) == []
    assert _results(shapes, data + ' ex:m2 ex:q "b"@de .') == [("UniqueLang", "i", None)]


def test_checks_run_side_by_side_with_the_same_result_in_the_same_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # Oxigraph evaluates outside Python's lock: with workers the checks run in threads at once
    # (half the time on two cores), and the violations still come check by check, in order.
    import threading
    import time

    import ikg.graph.ingest.shacl_sparql as shacl_sparql

    shapes = " ".join(_property(c).replace("ex:S", f"ex:S{i}") for i, c in enumerate(_CONSTRAINTS))
    checks = compile_shapes(Graph().parse(data=_PREFIXES + shapes, format="turtle"))
    store = checks_store(ox.parse(_PREFIXES + _COUNTS, format=ox.RdfFormat.TURTLE))
    one = shacl_sparql.run_checks(checks, store, workers=1)
    # minCount 1: ex:i, ex:m, ex:n have no ex:p; maxCount 1: ex:k and ex:l have more; maxCount 2: ex:l
    by_check = [sorted(v.focus.removeprefix(EX) for v in one if v.check is c) for c in checks]
    assert sorted(by_check) == [["i", "m", "n"], ["k", "l"], ["l"]]
    assert [v.check for v in one] == sorted((v.check for v in one), key=checks.index)  # check by check

    threads: set[int] = set()
    plain = shacl_sparql._run_check

    def watched(c: shacl_sparql.Check, s: ox.Store) -> list[shacl_sparql.Violation]:
        threads.add(threading.get_ident())
        time.sleep(0.05)  # long enough that a second worker takes the next check meanwhile
        return plain(c, s)

    monkeypatch.setattr(shacl_sparql, "_run_check", watched)
    three = shacl_sparql.run_checks(checks, store, workers=3)
    assert len(threads) == 3
    assert [(v.check.shape, v.focus, v.value) for v in three] == [(v.check.shape, v.focus, v.value) for v in one]


_CONSTRAINTS = ("sh:minCount 1", "sh:maxCount 1", "sh:maxCount 2")
